
/// One gitignore pattern, parsed as git's `dir.c` (`add_pattern` and
/// `parse_path_pattern`) parses it, and matched as `match_basename` /
/// `match_pathname` match it. The precomputed `Matcher` kinds are git's own
/// fast paths plus a few more that give the same answers as the general case.
public struct GitignoreRule: Sendable {
    public let origin: RuleOrigin
    /// `!pattern`: a match re-includes.
    public let isNegated: Bool
    /// `pattern/`: matches directories only.
    public let directoryOnly: Bool
    /// The directory holding the rule's file, relative to the tree root: "" or "a/b/".
    public let baseDirectory: String
    /// The pattern as git stores it: no leading `!`, no trailing `/`, a leading
    /// `/` kept. This is what `git check-ignore -v` prints between them.
    public let pattern: String
    /// No `/` in the pattern: it is matched against the basename at any depth.
    public let matchesBasename: Bool

    enum Matcher: UInt8, Sendable {
        /// Basename equals the pattern.
        case basenameLiteral
        /// `*literal`: basename ends with `literal` (git's `PATTERN_FLAG_ENDSWITH`).
        case basenameSuffix
        /// Any other basename pattern: wildmatch without `WM_PATHNAME`, as git does.
        case basenameGlob
        /// The path below the base equals the pattern.
        case pathLiteral
        /// `prefix*`: after the literal prefix, the rest holds no '/'.
        case pathPrefixThenStar
        /// `prefix**`: after the literal prefix, anything at all. Note that git
        /// strips the prefix before calling wildmatch, so `x/foo**` matches
        /// `x/foobar/baz`; reproduced on purpose.
        case pathPrefixThenAnything
        /// Literal prefix compare, then wildmatch with `WM_PATHNAME` on the rest.
        case pathGlob
    }

    let matcher: Matcher
    /// Pattern bytes used for matching; for path rules the leading '/' is gone.
    let matchBytes: [UInt8]
    /// Length of the leading part of `matchBytes` without glob characters
    /// (git's `nowildcardlen`, adjusted like `match_pathname` adjusts it).
    let literalPrefixLength: Int
    /// `baseDirectory` as bytes, trailing '/' included.
    let baseBytes: [UInt8]

    /// Parses one gitignore line. Nil for lines git skips: empty lines and
    /// `#` comments. `baseDirectory` is "" for the root or "a/b/" (a missing
    /// trailing slash is added).
    public init?(line: String, origin: RuleOrigin, baseDirectory: String = "") {
        var bytes = Array(line.utf8)
        if bytes.last == ASCII.newline { bytes.removeLast() }
        self.init(lineBytes: bytes[...], origin: origin, baseDirectory: baseDirectory)
    }

    /// `lineBytes` excludes the '\n' but may still end in '\r'.
    init?(lineBytes: ArraySlice<UInt8>, origin: RuleOrigin, baseDirectory: String) {
        // Same order of tests as add_patterns_from_buffer.
        guard let first = lineBytes.first, first != ASCII.hash else { return nil }
        var bytes = lineBytes
        if bytes.last == ASCII.carriageReturn { bytes.removeLast() }
        // git handles each line as a C string.
        if let nul = bytes.firstIndex(of: 0) { bytes = bytes[..<nul] }
        bytes = GitignoreRule.trimTrailingSpaces(bytes)

        var negated = false
        if bytes.first == ASCII.bang {
            negated = true
            bytes = bytes.dropFirst()
        }
        var directoryOnly = false
        var length = bytes.count
        if length > 0 && bytes.last == ASCII.slash {
            length -= 1
            directoryOnly = true
        }
        // simple_length runs over the whole C string, trailing '/' included,
        // then is capped at the pattern length.
        let simpleLength = bytes.firstIndex(where: CharacterClass.isGlobSpecial).map { $0 - bytes.startIndex } ?? bytes.count
        let stored = Array(bytes.prefix(length))
        let noSlash = !stored.contains(ASCII.slash)
        var prefixLength = min(simpleLength, length)

        var base = baseDirectory
        if !base.isEmpty && !base.hasSuffix("/") { base += "/" }

        self.origin = origin
        self.isNegated = negated
        self.directoryOnly = directoryOnly
        self.baseDirectory = base
        self.baseBytes = Array(base.utf8)
        self.pattern = String(decoding: stored, as: UTF8.self)
        self.matchesBasename = noSlash

        if noSlash {
            matchBytes = stored
            literalPrefixLength = prefixLength
            if prefixLength == stored.count {
                matcher = .basenameLiteral
            } else if stored.first == ASCII.star && !stored.dropFirst().contains(where: CharacterClass.isGlobSpecial) {
                matcher = .basenameSuffix
            } else {
                matcher = .basenameGlob
            }
        } else {
            var path = stored[...]
            if path.first == ASCII.slash {
                path = path.dropFirst()
                prefixLength -= 1
            }
            let collapsed = GitignoreRule.collapsingFolderWildcards(Array(path), start: prefixLength)
            matchBytes = collapsed
            literalPrefixLength = prefixLength
            let rest = collapsed.dropFirst(prefixLength)
            if prefixLength > 0 && rest.isEmpty {
                matcher = .pathLiteral
            } else if rest.count == 1 && rest.first == ASCII.star {
                matcher = .pathPrefixThenStar
            } else if rest.count >= 2 && rest.allSatisfy({ $0 == ASCII.star }) {
                matcher = .pathPrefixThenAnything
            } else {
                matcher = .pathGlob
            }
        }
    }

    /// git's `trim_trailing_spaces`: drops the run of trailing spaces, except
    /// a space escaped by a backslash; a trailing lone backslash keeps all.
    static func trimTrailingSpaces(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var lastSpace: Int?
        var index = bytes.startIndex
        while index < bytes.endIndex {
            switch bytes[index] {
            case ASCII.space:
                if lastSpace == nil { lastSpace = index }
            case ASCII.backslash:
                index += 1
                if index == bytes.endIndex { return bytes }
                lastSpace = nil
            default:
                lastSpace = nil
            }
            index += 1
        }
        if let lastSpace { return bytes[..<lastSpace] }
        return bytes
    }

    /// `**/` twice in a row (a `**` starting at a folder boundary, then '/')
    /// matches exactly what one matches: no folder, or any run of folders.
    /// Keeps one, so that `**/` written thousands of times costs what it
    /// costs once. `start` is where wildmatch will be given the pattern (a
    /// `**` there counts as starting at a boundary, as in git). Only before
    /// the first `[` or `\`, whose parsing is wildmatch's business.
    static func collapsingFolderWildcards(_ bytes: [UInt8], start: Int) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var afterFolderWildcard = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == ASCII.openBracket || byte == ASCII.backslash {
                result += bytes[index...]
                break
            }
            guard byte == ASCII.star else {
                result.append(byte)
                afterFolderWildcard = false
                index += 1
                continue
            }
            var end = index
            while end < bytes.count && bytes[end] == ASCII.star { end += 1 }
            let isFolderWildcard = end - index >= 2 && end < bytes.count && bytes[end] == ASCII.slash
                && (index == start || (index > 0 && bytes[index - 1] == ASCII.slash))
            if isFolderWildcard && afterFolderWildcard {
                index = end + 1
                continue
            }
            result += bytes[index ..< end]
            index = end
            if isFolderWildcard {
                result.append(ASCII.slash)
                index += 1
            }
            afterFolderWildcard = isFolderWildcard
        }
        return result
    }

    // MARK: Matching

    /// Whether this rule matches `path` (relative to the tree root, no
    /// trailing slash). Only this rule: precedence and excluded parents are
    /// `IgnoreStack`'s business. Paths outside `baseDirectory` never match.
    public func matches(path: String, isDirectory: Bool) -> Bool {
        var path = path
        return path.withUTF8 { matches(path: $0, isDirectory: isDirectory) }
    }

    public func matches(path: UnsafeBufferPointer<UInt8>, isDirectory: Bool) -> Bool {
        var basenameStart = path.count
        while basenameStart > 0 && path[basenameStart - 1] != ASCII.slash { basenameStart -= 1 }
        return matches(path: path, basenameStart: basenameStart, isDirectory: isDirectory)
    }

    /// The byte-level form: `basenameStart` is the index just after the last
    /// '/' of `path` (0 when there is none).
    public func matches(path: UnsafeBufferPointer<UInt8>, basenameStart: Int, isDirectory: Bool) -> Bool {
        matchBytes.withUnsafeBufferPointer { pattern in
            baseBytes.withUnsafeBufferPointer { base in
                GitignoreRule.match(matcher, pattern: pattern, literalPrefixLength: literalPrefixLength, base: base,
                                    directoryOnly: directoryOnly,
                                    path: path, basenameStart: basenameStart, isDirectory: isDirectory)
            }
        }
    }

    /// The matching itself, on plain buffers so that `PackedRules` can run it
    /// without touching any reference count.
    @inline(__always)
    static func match(_ matcher: Matcher, pattern: UnsafeBufferPointer<UInt8>, literalPrefixLength prefix: Int,
                      base: UnsafeBufferPointer<UInt8>, directoryOnly: Bool,
                      path: UnsafeBufferPointer<UInt8>, basenameStart: Int, isDirectory: Bool) -> Bool {
        if directoryOnly && !isDirectory { return false }
        // match_pathname needs at least one byte below the base; the basename
        // rules rely on git's directory stack to stay inside it.
        let baseCount = base.count
        if path.count <= baseCount { return false }
        if baseCount > 0 && !equal(path, 0, base, 0, baseCount) { return false }

        switch matcher {
        case .basenameLiteral:
            return path.count - basenameStart == pattern.count && equal(path, basenameStart, pattern, 0, pattern.count)
        case .basenameSuffix:
            let suffixCount = pattern.count - 1
            return suffixCount <= path.count - basenameStart
                && equal(path, path.count - suffixCount, pattern, 1, suffixCount)
        case .basenameGlob:
            let basename = UnsafeBufferPointer(rebasing: path[basenameStart...])
            return Wildmatch.dowild(pattern, 0, basename, 0, []) == .match
        case .pathLiteral, .pathPrefixThenStar, .pathPrefixThenAnything, .pathGlob:
            let nameStart = baseCount
            let nameCount = path.count - nameStart
            if prefix > 0 {
                if prefix > nameCount || !equal(path, nameStart, pattern, 0, prefix) { return false }
            }
            switch matcher {
            case .pathLiteral:
                return nameCount == prefix
            case .pathPrefixThenStar:
                // wildmatch("*", rest): true unless the rest holds a '/'.
                var index = nameStart + prefix
                while index < path.count {
                    if path[index] == ASCII.slash { return false }
                    index += 1
                }
                return true
            case .pathPrefixThenAnything:
                return true
            default:
                let rest = UnsafeBufferPointer(rebasing: path[(nameStart + prefix)...])
                let restPattern = UnsafeBufferPointer(rebasing: pattern[prefix...])
                return Wildmatch.dowild(restPattern, 0, rest, 0, .pathname) == .match
            }
        }
    }

    @inline(__always)
    static func equal(_ a: UnsafeBufferPointer<UInt8>, _ aStart: Int,
                      _ b: UnsafeBufferPointer<UInt8>, _ bStart: Int, _ count: Int) -> Bool {
        if count == 0 { return true }
        return Memory.equal(a.baseAddress! + aStart, b.baseAddress! + bStart, count: count)
    }
}

/// Parses a gitignore file's bytes the way git's `add_patterns_from_buffer`
/// does: UTF-8 BOM skipped, `\n` or `\r\n` line endings, a missing final
/// newline tolerated. Line numbers count every line, comments included.
public func parseGitignore(_ bytes: [UInt8], baseDirectory: String, file: String) -> [GitignoreRule] {
    var rules: [GitignoreRule] = []
    var start = 0
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
    var lineNumber = 1
    while start < bytes.count {
        let end = bytes[start...].firstIndex(of: ASCII.newline) ?? bytes.count
        let line = bytes[start ..< end]
        if !line.isEmpty && line.first != ASCII.hash {
            var written = line
            if written.last == ASCII.carriageReturn { written.removeLast() }
            let origin = RuleOrigin(file: file, line: lineNumber, text: String(decoding: written, as: UTF8.self))
            if let rule = GitignoreRule(lineBytes: line, origin: origin, baseDirectory: baseDirectory) {
                rules.append(rule)
            }
        }
        lineNumber += 1
        start = end + 1
    }
    return rules
}

/// Parses generated gitignore lines, each carrying the origin to report
/// instead of its place in the generated file (naner writes `info/exclude`
/// from the user's own files). A line holding '\n' is split as git would
/// split it when reading the file, every piece keeping the same origin.
public func parseGitignore(lines: [(pattern: String, origin: RuleOrigin)], baseDirectory: String) -> [GitignoreRule] {
    var rules: [GitignoreRule] = []
    for (pattern, origin) in lines {
        let bytes = Array(pattern.utf8)
        for piece in bytes.split(separator: ASCII.newline, omittingEmptySubsequences: false) {
            if let rule = GitignoreRule(lineBytes: piece, origin: origin, baseDirectory: baseDirectory) {
                rules.append(rule)
            }
        }
    }
    return rules
}
