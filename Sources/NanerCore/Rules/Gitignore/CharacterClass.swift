/// git's own locale-independent ctype (`ctype.c` / `git-compat-util.h`), which
/// wildmatch uses: ASCII only, and `isspace` is just space, tab, LF and CR.
enum CharacterClass {
    static func isGlobSpecial(_ c: UInt8) -> Bool {
        c == ASCII.star || c == ASCII.question || c == ASCII.openBracket || c == ASCII.backslash
    }
    static func isUpper(_ c: UInt8) -> Bool { c >= 0x41 && c <= 0x5A }
    static func isLower(_ c: UInt8) -> Bool { c >= 0x61 && c <= 0x7A }
    static func lower(_ c: UInt8) -> UInt8 { isUpper(c) ? c + 0x20 : c }
    static func upper(_ c: UInt8) -> UInt8 { isLower(c) ? c - 0x20 : c }
    static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    static func isAlpha(_ c: UInt8) -> Bool { isUpper(c) || isLower(c) }
    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }
    static func isControl(_ c: UInt8) -> Bool { c < 0x20 || c == 0x7F }
    static func isPrint(_ c: UInt8) -> Bool { c >= 0x20 && c <= 0x7E }
    static func isGraph(_ c: UInt8) -> Bool { c >= 0x21 && c <= 0x7E }
    static func isPunct(_ c: UInt8) -> Bool { isGraph(c) && !isAlpha(c) && !isDigit(c) }
    static func isXDigit(_ c: UInt8) -> Bool {
        isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
    }

    /// Membership of `byte` in `[:name:]`, or nil for an unknown class name
    /// (which makes git abort the whole match).
    static func named(_ name: UnsafeBufferPointer<UInt8>, byte c: UInt8, caseFold: Bool) -> Bool? {
        switch String(decoding: name, as: UTF8.self) {
        case "alnum": return isAlpha(c) || isDigit(c)
        case "alpha": return isAlpha(c)
        case "blank": return c == 0x20 || c == 0x09
        case "cntrl": return isControl(c)
        case "digit": return isDigit(c)
        case "graph": return isGraph(c)
        case "lower": return isLower(c)
        case "print": return isPrint(c)
        case "punct": return isPunct(c)
        case "space": return isSpace(c)
        case "upper": return isUpper(c) || (caseFold && isLower(c))
        case "xdigit": return isXDigit(c)
        default: return nil
        }
    }
}
