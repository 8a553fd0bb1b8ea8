/// Reads `.syncignore` (the guide's format) and translates each pattern to the
/// gitignore line with the same meaning. The guide's syntax and gitignore's
/// agree on everything but separators: backslashes are folder separators here
/// (the guide was written for Windows), so a pattern cannot escape a character;
/// `[*]` matches a literal `*`. Leading and trailing blanks and CRs are dropped;
/// a leading `~/` or `./` means the home folder itself (an anchor, like `/`).
public enum SyncIgnore {
    public static let path = ".syncignore"

    /// The translated gitignore lines with the user's line each came from.
    public static func translate(_ bytes: [UInt8], file: String = SyncIgnore.path) throws -> [(String, RuleOrigin)] {
        var result: [(String, RuleOrigin)] = []
        var lineNumber = 0
        for rawLine in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            // Most lines are ASCII: read as bytes, no String until the pattern is made.
            if rawLine.allSatisfy({ $0 < 0x80 }) {
                if let (pattern, text) = try translateASCII(rawLine, number: lineNumber, file: file) {
                    result.append((pattern, RuleOrigin(file: file, line: lineNumber, text: text)))
                }
                continue
            }
            guard let text = String(validating: rawLine, as: UTF8.self) else {
                throw NanerError.malformedPattern(file: file, line: lineNumber, reason: "not valid UTF-8 text")
            }
            if let pattern = try translate(line: text, number: lineNumber, file: file) {
                result.append((pattern, RuleOrigin(file: file, line: lineNumber, text: text.trimmingBlanks())))
            }
        }
        return result
    }

    /// `translate(line:)` for a line of ASCII bytes, with the same answers and errors: the
    /// pattern and the trimmed line, nil for blanks and comments.
    static func translateASCII(_ line: ArraySlice<UInt8>, number: Int, file: String) throws -> (String, String)? {
        var start = line.startIndex, end = line.endIndex
        while end > start, line[end - 1] == 0x20 || line[end - 1] == 0x09 || line[end - 1] == 0x0D { end -= 1 }
        while start < end, line[start] == 0x20 || line[start] == 0x09 { start += 1 }
        let trimmed = line[start..<end]
        guard let first = trimmed.first, first != UInt8(ascii: "#") else { return nil }
        let shown = String(decoding: trimmed, as: UTF8.self)
        func fail(_ reason: String) -> NanerError { .malformedPattern(file: file, line: number, reason: reason) }
        if trimmed.contains(0) { throw fail("contains a NUL byte") }
        let slash = UInt8(ascii: "/")
        let negated = first == UInt8(ascii: "!")
        var text = Array(negated ? trimmed.dropFirst() : trimmed)
        for index in text.indices where text[index] == UInt8(ascii: "\\") { text[index] = slash }
        if text.starts(with: [UInt8(ascii: "~"), slash]) || text.starts(with: [UInt8(ascii: "."), slash]) { text.removeFirst() }
        if text.count >= 2, text[1] == UInt8(ascii: ":"), (0x41...0x5A).contains(text[0] & 0xDF) {
            throw fail("'\(shown)' is an absolute Windows path; write it relative to the home folder")
        }
        var collapsed: [UInt8] = []
        collapsed.reserveCapacity(text.count)
        for byte in text where !(byte == slash && collapsed.last == slash) { collapsed.append(byte) }
        // Components found in place (a split allocated an array of them for every line).
        var hasName = false, hasDotComponent = false
        var componentStart = 0
        for end in 0...collapsed.count where end == collapsed.count || collapsed[end] == slash {
            let length = end - componentStart
            if length > 0 {
                hasName = true
                if length <= 2 && collapsed[componentStart..<end].allSatisfy({ $0 == UInt8(ascii: ".") }) { hasDotComponent = true }
            }
            componentStart = end + 1
        }
        if !hasName { throw fail("'\(shown)' has no name to match") }
        if hasDotComponent { throw fail("'\(shown)' uses '.' or '..'; write paths relative to the home folder") }
        let pattern = String(decoding: collapsed, as: UTF8.self)
        if let problem = bracketProblem(pattern) { throw fail(problem) }
        let escaped = collapsed.first == UInt8(ascii: "#") || collapsed.first == UInt8(ascii: "!") ? "\\" + pattern : pattern
        return (negated ? "!" + escaped : escaped, shown)
    }

    /// One line → one gitignore pattern, nil for blanks and comments.
    static func translate(line: String, number: Int, file: String) throws -> String? {
        func fail(_ reason: String) -> NanerError {
            .malformedPattern(file: file, line: number, reason: reason)
        }
        // Checked on the UTF-8 bytes where a byte answers: every status translates the
        // whole file, and Character-wise searches were most of a small home's rules.
        var text = line.trimmingBlanks()
        if text.isEmpty || text.hasPrefix("#") { return nil }
        if text.utf8.contains(0) { throw fail("contains a NUL byte") }
        let negated = text.hasPrefix("!")
        if negated { text.removeFirst() }
        if text.utf8.contains(UInt8(ascii: "\\")) { text = text.replacingAll("\\", with: "/") }
        if text.hasPrefix("~/") { text.removeFirst(1) }
        if text.hasPrefix("./") { text.removeFirst(1) }
        if text.utf8.contains(UInt8(ascii: ":")), text.count >= 2, text.first!.isLetter, text.dropFirst().first == ":" {
            throw fail("'\(line.trimmingBlanks())' is an absolute Windows path; write it relative to the home folder")
        }
        // Collapse `a//b` into `a/b`; git would never match the doubled slash.
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte == slash && previous == slash { text = text.collapsingSlashes(); break }
            previous = byte
        }
        var hasName = false, hasDotComponent = false
        for component in text.utf8.split(separator: slash) {
            hasName = true
            if component.allSatisfy({ $0 == dot }) && component.count <= 2 { hasDotComponent = true }
        }
        if !hasName {
            throw fail("'\(line.trimmingBlanks())' has no name to match")
        }
        if hasDotComponent {
            throw fail("'\(line.trimmingBlanks())' uses '.' or '..'; write paths relative to the home folder")
        }
        if let problem = bracketProblem(text) { throw fail(problem) }
        // A leading `#` or `!` (after `!`) and trailing spaces cannot occur any more;
        // escape what gitignore would otherwise read specially.
        var pattern = text
        if pattern.hasPrefix("#") || pattern.hasPrefix("!") { pattern = "\\" + pattern }
        return negated ? "!" + pattern : pattern
    }

    /// A literal path as a `.syncignore` pattern. Backslashes are separators here,
    /// so glob characters are escaped with brackets: `[*]`.
    public static func literal(_ path: String) -> String {
        var result = ""
        for character in path {
            if "*?[".contains(character) { result += "[\(character)]" } else { result.append(character) }
        }
        return result
    }

    /// An unclosed `[` never matches in git; say so instead of silently matching nothing.
    /// A class runs to its `]` across a `/` as in git's wildmatch: `foo[/]bar` is a valid
    /// pattern (anchored, since it holds a `/`), and one that never matches, because with
    /// git's pathname matching a class never matches a `/`.
    private static func bracketProblem(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "[") {
                var end = index + 1
                if end < bytes.count, bytes[end] == UInt8(ascii: "!") || bytes[end] == UInt8(ascii: "^") { end += 1 }
                if end < bytes.count, bytes[end] == UInt8(ascii: "]") { end += 1 }
                while end < bytes.count, bytes[end] != UInt8(ascii: "]") { end += 1 }
                if end >= bytes.count { return "'[' without a closing ']' in '\(text)'" }
                index = end
            }
            index += 1
        }
        return nil
    }
}

extension String {
    func trimmingBlanks() -> String {
        var text = Substring(self)
        while let last = text.last, last == " " || last == "\t" || last == "\r" || last == "\r\n" { text.removeLast() }
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        return String(text)
    }

    fileprivate func collapsingSlashes() -> String {
        var result = ""
        for character in self where !(character == "/" && result.last == "/") { result.append(character) }
        return result
    }
}
