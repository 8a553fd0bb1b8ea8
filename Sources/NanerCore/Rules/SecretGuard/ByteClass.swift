/// A set of byte values as a 256-bit table: one test per byte in the guard's loops,
/// where a closure or a range comparison chain would cost several.
struct ByteClass: Sendable {
    private var low: UInt64 = 0, high: UInt64 = 0, upperLow: UInt64 = 0, upperHigh: UInt64 = 0

    init(_ characters: String = "", ranges: [ClosedRange<Character>] = []) {
        for character in characters.utf8 { insert(character) }
        for range in ranges {
            for byte in range.lowerBound.asciiValue!...range.upperBound.asciiValue! { insert(byte) }
        }
    }

    static func single(_ byte: UInt8) -> ByteClass {
        var table = ByteClass()
        table.insert(byte)
        return table
    }

    private mutating func insert(_ byte: UInt8) {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: low |= bit
        case 1: high |= bit
        case 2: upperLow |= bit
        default: upperHigh |= bit
        }
    }

    @inline(__always)
    func contains(_ byte: UInt8) -> Bool {
        let bit = UInt64(1) << UInt64(byte & 63)
        switch byte >> 6 {
        case 0: return low & bit != 0
        case 1: return high & bit != 0
        case 2: return upperLow & bit != 0
        default: return upperHigh & bit != 0
        }
    }

    func subtracting(_ other: ByteClass) -> ByteClass {
        var rest = self
        rest.low &= ~other.low; rest.high &= ~other.high
        rest.upperLow &= ~other.upperLow; rest.upperHigh &= ~other.upperHigh
        return rest
    }

    func union(_ other: ByteClass) -> ByteClass {
        var both = self
        both.low |= other.low; both.high |= other.high
        both.upperLow |= other.upperLow; both.upperHigh |= other.upperHigh
        return both
    }

    static let digits = ByteClass(ranges: ["0"..."9"])
    static let lowerHex = ByteClass(ranges: ["0"..."9", "a"..."f"])
    static let hex = ByteClass(ranges: ["0"..."9", "a"..."f", "A"..."F"])
    static let letters = ByteClass(ranges: ["a"..."z", "A"..."Z"])
    static let alphanumeric = letters.union(digits)
    static let lowerAlphanumeric = ByteClass(ranges: ["0"..."9", "a"..."z"])
    static let upperAlphanumeric = ByteClass(ranges: ["0"..."9", "A"..."Z"])
    /// Letters, digits and `_`: what a token is said to stand apart from.
    static let word = alphanumeric.union(ByteClass("_"))
    /// base64url: letters, digits, `_` and `-`.
    static let urlSafe = alphanumeric.union(ByteClass("_-"))
    static let base64 = alphanumeric.union(ByteClass("+/"))
    static let paddedBase64 = base64.union(ByteClass("="))
    /// Bech32's data characters in upper case (age's secret keys).
    static let bech32 = ByteClass("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L")
    static let blank = ByteClass(" \t")
    static let whitespace = ByteClass(" \t\r\n\u{0B}\u{0C}")
}
