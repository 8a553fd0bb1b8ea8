
/// The hot data of a `PackedRules`: plain pointers into memory the object
/// owns. Valid only while that object lives.
struct RuleIndex {
    struct Entry {
        var matcher: GitignoreRule.Matcher
        var directoryOnly: Bool
        var isNegated: Bool
        var patternStart: Int32
        var patternCount: Int32
        var literalPrefixLength: Int32
        var baseStart: Int32
        var baseCount: Int32
        /// The rule's automaton (see `advance`): its tokens start here in
        /// `tokens` and `epsilon`; `tokenCount` is -1 for untracked rules.
        var tokenStart: Int32
        var tokenCount: Int32
        /// States from which the pattern can still finish on bytes other than '/'.
        var canFinish: UInt64
        /// States with an epsilon move (stars, `[`).
        var epsilonSources: UInt64
    }

    /// Token kinds, in the high byte of a token (the low byte holds a literal).
    enum Token {
        static let literal: UInt16 = 0
        /// `?`: one byte, not '/'.
        static let one: UInt16 = 1
        /// `*`: any run of bytes without '/'.
        static let star: UInt16 = 2
        /// `**` (two stars or more, anywhere): any run of bytes at all, and
        /// a '/' right after it may be skipped (`a/**/b` matches `a/b`).
        static let doubleStar: UInt16 = 3
        /// `[`, or a trailing backslash: from here on, anything (a superset).
        static let anything: UInt16 = 4
    }

    /// Longest automaton: states 0...tokenCount fit one UInt64.
    static let maximumTokens = 63
    /// Longest suffix in the suffix table (lengths are kept in a bit mask).
    static let maximumSuffixLength = 63

    let count: Int
    let entries: UnsafeMutablePointer<Entry>
    let bytes: UnsafeMutablePointer<UInt8>
    let tokens: UnsafeMutablePointer<UInt16>
    /// Per token: its byte if it is a literal, and how many literal tokens
    /// start there (at most 255), so that literal runs compare as bytes.
    let literalBytes: UnsafeMutablePointer<UInt8>
    let literalRuns: UnsafeMutablePointer<UInt8>
    let epsilon: UnsafeMutablePointer<UInt64>

    /// The base of the first rule ("" for info/exclude, "a/" for a/.gitignore):
    /// the tables and the tracked rules all have it.
    let primaryBaseStart: Int
    let primaryBaseCount: Int

    let literals: ByteTable
    let suffixes: ByteTable
    let prefixes: ByteTable
    /// Bit L: some literal has length L (bit 63: length 63 or more).
    let literalLengths: UInt64
    /// Bit L: some suffix has length L (1...63).
    let suffixLengths: UInt64
    /// Bit L: some prefix has length L (1...63).
    let prefixLengths: UInt64
    /// Highest `*` rule (a suffix of length 0), for files and for directories; -1 if none.
    let starBestFile: Int32
    let starBestAny: Int32
    /// Byte sets, 4 words each, that spare most names any hashing: the first
    /// and the last bytes of the literals, the last bytes of the suffixes,
    /// the first bytes of the prefixes, then for each length 0...63 the
    /// first bytes of the suffixes and the last bytes of the prefixes that long.
    let filters: UnsafeMutablePointer<UInt64>
    static let literalFirstBytes = 0
    static let literalLastBytes = 4
    static let suffixLastBytes = 8
    static let prefixFirstBytes = 12
    static func suffixFirstBytes(_ length: Int) -> Int { 16 + 4 * length }
    static func prefixLastBytes(_ length: Int) -> Int { 16 + 4 * 64 + 4 * length }
    static let filterWords = 16 + 8 * 64

    /// Rules in no table, highest index first.
    let unindexed: UnsafeMutablePointer<Int32>
    let unindexedCount: Int
    /// `unindexed` without the tracked rules: candidates in every directory.
    let general: UnsafeMutablePointer<Int32>
    let generalCount: Int
    /// Anchored rules with an automaton, lowest index first.
    let tracked: UnsafeMutablePointer<Int32>
    let trackedCount: Int

    init(_ rules: [GitignoreRule]) {
        var bytes: [UInt8] = []
        var entries: [Entry] = []
        var tokens: [UInt16] = []
        var literalBytes: [UInt8] = []
        var literalRuns: [UInt8] = []
        var epsilon: [UInt64] = []
        entries.reserveCapacity(rules.count)
        var baseStarts: [String: Int] = [:]
        let primaryBase = rules.first?.baseDirectory ?? ""
        var literalGroups: [[UInt8]: ByteTable.Best] = [:]
        var suffixGroups: [[UInt8]: ByteTable.Best] = [:]
        var prefixGroups: [[UInt8]: ByteTable.Best] = [:]
        var prefixLengths: UInt64 = 0
        var literalLengths: UInt64 = 0
        var suffixLengths: UInt64 = 0
        var starBestFile: Int32 = -1
        var starBestAny: Int32 = -1
        var unindexed: [Int32] = []
        var general: [Int32] = []
        var tracked: [Int32] = []

        /// `key` is in `bytes` from `keyStart` on.
        func raise(_ group: inout [[UInt8]: ByteTable.Best], _ key: [UInt8], keyStart: Int, _ index: Int32, _ rule: GitignoreRule) {
            var best = group[key] ?? ByteTable.Best(keyStart: Int32(keyStart), file: -1, any: -1)
            best.any = max(best.any, index)
            if !rule.directoryOnly { best.file = max(best.file, index) }
            group[key] = best
        }

        for (position, rule) in rules.enumerated() {
            let index = Int32(position)
            let baseStart: Int
            if let known = baseStarts[rule.baseDirectory] {
                baseStart = known
            } else {
                baseStart = bytes.count
                bytes += rule.baseBytes
                baseStarts[rule.baseDirectory] = baseStart
            }
            let patternStart = bytes.count
            var entry = Entry(matcher: rule.matcher, directoryOnly: rule.directoryOnly, isNegated: rule.isNegated,
                              patternStart: Int32(patternStart), patternCount: Int32(rule.matchBytes.count),
                              literalPrefixLength: Int32(rule.literalPrefixLength),
                              baseStart: Int32(baseStart), baseCount: Int32(rule.baseBytes.count),
                              tokenStart: Int32(tokens.count), tokenCount: -1, canFinish: 0, epsilonSources: 0)
            bytes += rule.matchBytes

            let primary = rule.baseDirectory == primaryBase
            switch rule.matcher {
            case .basenameLiteral where primary && !rule.matchBytes.isEmpty:
                raise(&literalGroups, rule.matchBytes, keyStart: patternStart, index, rule)
                literalLengths |= 1 << UInt64(min(rule.matchBytes.count, 63))
            case .basenameSuffix where primary && rule.matchBytes.count - 1 <= RuleIndex.maximumSuffixLength:
                let suffix = Array(rule.matchBytes.dropFirst())
                if suffix.isEmpty {
                    starBestAny = max(starBestAny, index)
                    if !rule.directoryOnly { starBestFile = max(starBestFile, index) }
                } else {
                    raise(&suffixGroups, suffix, keyStart: patternStart + 1, index, rule)
                    suffixLengths |= 1 << UInt64(suffix.count)
                }
            case .basenameGlob where primary && RuleIndex.prefixLength(rule) != nil:
                // `literal*`: without WM_PATHNAME the star takes anything,
                // so the basename has to start with the literal, no more.
                let length = RuleIndex.prefixLength(rule)!
                raise(&prefixGroups, Array(rule.matchBytes[..<length]), keyStart: patternStart, index, rule)
                prefixLengths |= 1 << UInt64(length)
            case .pathLiteral, .pathPrefixThenStar, .pathPrefixThenAnything, .pathGlob:
                if primary, let automaton = RuleIndex.automaton(rule.matchBytes) {
                    entry.tokenCount = Int32(automaton.tokens.count)
                    entry.canFinish = automaton.canFinish
                    entry.epsilonSources = automaton.epsilonSources
                    tokens += automaton.tokens
                    var run = 0
                    var runs = [UInt8](repeating: 0, count: automaton.tokens.count)
                    for position in automaton.tokens.indices.reversed() {
                        let token = automaton.tokens[position]
                        run = token >> 8 == Token.literal ? min(run + 1, 255) : 0
                        runs[position] = UInt8(run)
                    }
                    literalRuns += runs
                    literalBytes += automaton.tokens.map { UInt8(truncatingIfNeeded: $0) }
                    epsilon += automaton.epsilon
                    tracked.append(index)
                } else {
                    general.append(index)
                }
                unindexed.append(index)
            default:
                general.append(index)
                unindexed.append(index)
            }
            entries.append(entry)
        }

        var filters = [UInt64](repeating: 0, count: RuleIndex.filterWords)
        func insert(_ byte: UInt8, at set: Int) { filters[set + Int(byte >> 6)] |= 1 << UInt64(byte & 63) }
        for key in literalGroups.keys {
            insert(key.first!, at: RuleIndex.literalFirstBytes)
            insert(key.last!, at: RuleIndex.literalLastBytes)
        }
        for key in suffixGroups.keys {
            insert(key.last!, at: RuleIndex.suffixLastBytes)
            insert(key.first!, at: RuleIndex.suffixFirstBytes(key.count))
        }
        for key in prefixGroups.keys {
            insert(key.first!, at: RuleIndex.prefixFirstBytes)
            insert(key.last!, at: RuleIndex.prefixLastBytes(key.count))
        }
        self.filters = RuleIndex.copy(filters)

        count = rules.count
        self.entries = RuleIndex.copy(entries)
        self.bytes = RuleIndex.copy(bytes)
        self.tokens = RuleIndex.copy(tokens)
        self.literalBytes = RuleIndex.copy(literalBytes)
        self.literalRuns = RuleIndex.copy(literalRuns)
        self.epsilon = RuleIndex.copy(epsilon)
        primaryBaseStart = baseStarts[primaryBase] ?? 0
        primaryBaseCount = primaryBase.utf8.count
        literals = ByteTable(literalGroups)
        suffixes = ByteTable(suffixGroups)
        prefixes = ByteTable(prefixGroups)
        self.prefixLengths = prefixLengths
        self.literalLengths = literalLengths
        self.suffixLengths = suffixLengths
        self.starBestFile = starBestFile
        self.starBestAny = starBestAny
        self.unindexed = RuleIndex.copy(unindexed.reversed())
        unindexedCount = unindexed.count
        self.general = RuleIndex.copy(general.reversed())
        generalCount = general.count
        self.tracked = RuleIndex.copy(tracked)
        trackedCount = tracked.count
    }

    /// For a basename glob `literal*` (or `literal**`, the same without
    /// WM_PATHNAME) with a literal of 1...63 bytes: that length.
    static func prefixLength(_ rule: GitignoreRule) -> Int? {
        let length = rule.literalPrefixLength
        guard rule.matcher == .basenameGlob, length > 0, length <= 63, length < rule.matchBytes.count,
              rule.matchBytes[length...].allSatisfy({ $0 == ASCII.star }) else { return nil }
        return length
    }

    private static func copy<T>(_ array: [T]) -> UnsafeMutablePointer<T> {
        // Never zero-sized, so every pointer is valid to form.
        let pointer = UnsafeMutablePointer<T>.allocate(capacity: max(array.count, 1))
        _ = UnsafeMutableBufferPointer(start: pointer, count: array.count).initialize(from: array)
        return pointer
    }

    /// Frees the memory; the owner calls this once, in its `deinit`.
    func deallocate() {
        entries.deallocate()
        bytes.deallocate()
        tokens.deallocate()
        literalBytes.deallocate()
        literalRuns.deallocate()
        epsilon.deallocate()
        unindexed.deallocate()
        general.deallocate()
        tracked.deallocate()
        filters.deallocate()
        literals.deallocate()
        suffixes.deallocate()
        prefixes.deallocate()
    }

    // MARK: Matching

    @inline(__always)
    func isNegated(_ rule: Int) -> Bool { entries[rule].isNegated }

    /// Whether rule `rule` matches: exactly `GitignoreRule.match`.
    @inline(__always)
    func matches(_ rule: Int, _ path: UnsafeBufferPointer<UInt8>, basenameStart: Int, isDirectory: Bool) -> Bool {
        let entry = entries[rule]
        if entry.directoryOnly && !isDirectory { return false }
        let pattern = UnsafeBufferPointer(start: bytes + Int(entry.patternStart), count: Int(entry.patternCount))
        let base = UnsafeBufferPointer(start: bytes + Int(entry.baseStart), count: Int(entry.baseCount))
        return GitignoreRule.match(entry.matcher, pattern: pattern, literalPrefixLength: Int(entry.literalPrefixLength),
                                   base: base, directoryOnly: entry.directoryOnly,
                                   path: path, basenameStart: basenameStart, isDirectory: isDirectory)
    }

    /// Index of the last rule matching `path`, or -1.
    func linearLastMatch(_ path: UnsafeBufferPointer<UInt8>, basenameStart: Int, isDirectory: Bool) -> Int {
        var rule = count - 1
        while rule >= 0 {
            if matches(rule, path, basenameStart: basenameStart, isDirectory: isDirectory) { return rule }
            rule -= 1
        }
        return -1
    }

    /// Index of the last rule matching `path`, or -1: the tables, then the
    /// other rules above what they found.
    func lastMatch(_ path: UnsafeBufferPointer<UInt8>, basenameStart: Int, isDirectory: Bool) -> Int {
        let nameCount = path.count - basenameStart
        // An empty basename is for git's "dir/" oddity only: no shortcuts.
        guard nameCount > 0 else { return linearLastMatch(path, basenameStart: basenameStart, isDirectory: isDirectory) }
        var best: Int32 = -1
        if path.count > primaryBaseCount
            && GitignoreRule.equal(path, 0, UnsafeBufferPointer(start: bytes + primaryBaseStart, count: primaryBaseCount), 0,
                                   primaryBaseCount) {
            best = tableBest(name: UnsafeBufferPointer(rebasing: path[basenameStart...]), isDirectory: isDirectory)
        }
        return Int(scan(unindexed, unindexedCount, above: best, path, basenameStart: basenameStart, isDirectory: isDirectory))
    }

    /// The first of `list` (highest index first) above `best` that matches; else `best`.
    @inline(__always)
    func scan(_ list: UnsafePointer<Int32>, _ listCount: Int, above best: Int32,
              _ path: UnsafeBufferPointer<UInt8>, basenameStart: Int, isDirectory: Bool) -> Int32 {
        var position = 0
        while position < listCount {
            let rule = list[position]
            if rule <= best { break }
            if matches(Int(rule), path, basenameStart: basenameStart, isDirectory: isDirectory) { return rule }
            position += 1
        }
        return best
    }

    @inline(__always)
    private func contains(_ set: Int, _ byte: UInt8) -> Bool {
        filters[set + Int(byte >> 6)] & (1 << UInt64(byte & 63)) != 0
    }

    /// The highest table rule matching basename `name` (non-empty), or -1.
    /// The caller has checked that the path lies below the primary base.
    @inline(__always)
    func tableBest(name: UnsafeBufferPointer<UInt8>, isDirectory: Bool) -> Int32 {
        let nameCount = name.count
        let start = name.baseAddress!
        let last = start[nameCount - 1]
        var best = isDirectory ? starBestAny : starBestFile
        if contains(RuleIndex.suffixLastBytes, last) {
            // Each suffix length present, up to the name's length.
            var lengths = suffixLengths
            if nameCount < 63 { lengths &= (2 << UInt64(nameCount)) &- 1 }
            while lengths != 0 {
                let length = lengths.trailingZeroBitCount
                lengths &= lengths &- 1
                let suffix = start + (nameCount - length)
                if contains(RuleIndex.suffixFirstBytes(length), suffix[0]) {
                    let slot = suffixes.find(ByteTable.hash(suffix, length), suffix, length, keys: bytes)
                    if slot >= 0 {
                        let found = isDirectory ? suffixes.slots[slot].bestAny : suffixes.slots[slot].bestFile
                        if found > best { best = found }
                    }
                }
            }
        }
        if contains(RuleIndex.prefixFirstBytes, start[0]) {
            var lengths = prefixLengths
            if nameCount < 63 { lengths &= (2 << UInt64(nameCount)) &- 1 }
            while lengths != 0 {
                let length = lengths.trailingZeroBitCount
                lengths &= lengths &- 1
                if contains(RuleIndex.prefixLastBytes(length), start[length - 1]) {
                    let slot = prefixes.find(ByteTable.hash(start, length), start, length, keys: bytes)
                    if slot >= 0 {
                        let found = isDirectory ? prefixes.slots[slot].bestAny : prefixes.slots[slot].bestFile
                        if found > best { best = found }
                    }
                }
            }
        }
        if literalLengths & (1 << UInt64(min(nameCount, 63))) != 0
            && contains(RuleIndex.literalFirstBytes, start[0]) && contains(RuleIndex.literalLastBytes, last) {
            let slot = literals.find(ByteTable.hash(start, nameCount), start, nameCount, keys: bytes)
            if slot >= 0 {
                let found = isDirectory ? literals.slots[slot].bestAny : literals.slots[slot].bestFile
                if found > best { best = found }
            }
        }
        return best
    }

    // MARK: Per-directory automata

    /// A superset of what git's wildmatch (with `WM_PATHNAME`) can match for
    /// an anchored pattern, as a small automaton: state i is "before token
    /// i", state `tokenCount` accepts. Every way `dowild` (or a fast path of
    /// `GitignoreRule.match`) can match walks through this automaton too:
    /// literals consume themselves, `?` and `*` never consume '/', `**`
    /// consumes anything and may skip the '/' after it, and a bracket (whose
    /// parsing is full of quirks) simply accepts everything from there on.
    /// So when no state can finish a directory's path plus a name without
    /// '/', the rule cannot match any entry of that directory.
    static func automaton(_ pattern: [UInt8]) -> (tokens: [UInt16], epsilon: [UInt64], canFinish: UInt64, epsilonSources: UInt64)? {
        var tokens: [UInt16] = []
        var index = 0
        scan: while index < pattern.count {
            let byte = pattern[index]
            switch byte {
            case ASCII.star:
                var end = index
                while end < pattern.count && pattern[end] == ASCII.star { end += 1 }
                tokens.append((end - index >= 2 ? Token.doubleStar : Token.star) << 8)
                index = end
            case ASCII.question:
                tokens.append(Token.one << 8)
                index += 1
            case ASCII.backslash where index + 1 < pattern.count:
                tokens.append(Token.literal << 8 | UInt16(pattern[index + 1]))
                index += 2
            case ASCII.openBracket, ASCII.backslash:
                tokens.append(Token.anything << 8)
                break scan
            default:
                tokens.append(Token.literal << 8 | UInt16(byte))
                index += 1
            }
            if tokens.count > maximumTokens { return nil }
        }
        let count = tokens.count
        func isSlash(_ position: Int) -> Bool {
            position < count && tokens[position] == Token.literal << 8 | UInt16(ASCII.slash)
        }
        var epsilon = [UInt64](repeating: 0, count: count)
        var epsilonSources: UInt64 = 0
        var canFinish: UInt64 = 1 << UInt64(count)
        for position in stride(from: count - 1, through: 0, by: -1) {
            let next: UInt64 = 1 << UInt64(position + 1)
            let finishesFromNext = canFinish & next != 0
            var finishes = false
            switch tokens[position] >> 8 {
            case Token.literal:
                finishes = !isSlash(position) && finishesFromNext
            case Token.one:
                finishes = finishesFromNext
            case Token.star:
                epsilon[position] = next
                finishes = finishesFromNext
            case Token.doubleStar:
                epsilon[position] = next
                finishes = finishesFromNext
                if isSlash(position + 1) {
                    epsilon[position] |= 1 << UInt64(position + 2)
                    finishes = finishes || canFinish & (1 << UInt64(position + 2)) != 0
                }
            default:
                epsilon[position] = 1 << UInt64(count)
                finishes = true
            }
            if epsilon[position] != 0 { epsilonSources |= 1 << UInt64(position) }
            if finishes { canFinish |= 1 << UInt64(position) }
        }
        return (tokens, epsilon, canFinish, epsilonSources)
    }

    /// The states of tracked rule `rule` before anything is consumed.
    @inline(__always)
    func initialStates(_ rule: Int) -> UInt64 {
        let entry = entries + rule
        return closure(1, epsilon: epsilon + Int(entry.pointee.tokenStart), sources: entry.pointee.epsilonSources)
    }

    @inline(__always)
    private func closure(_ states: UInt64, epsilon: UnsafeMutablePointer<UInt64>, sources: UInt64) -> UInt64 {
        var result = states
        var pending = states & sources
        while pending != 0 {
            let position = pending.trailingZeroBitCount
            pending &= pending &- 1
            let added = epsilon[position] & ~result
            result |= added
            pending |= added & sources
        }
        return result
    }

    /// States that stand for "anything may still match": `advance` keeps
    /// them, `canFinish` accepts them. Used once a directory holds a NUL
    /// byte, which ends the text for wildmatch as in C, something the
    /// automaton does not model. (A real set with every state is treated
    /// the same way, which is merely less selective.)
    static let unknownStates = UInt64.max

    /// The states of tracked rule `rule` after consuming `text`; 0 once it
    /// can match nothing that starts with what was consumed. `nulInText`
    /// is `holdsNul(text)`, found once by the caller. (Inlined: a call
    /// would copy the whole `RuleIndex` out of its pointer.)
    @inline(__always)
    func advance(_ rule: Int, _ states: UInt64, over text: UnsafeBufferPointer<UInt8>, nulInText: Bool) -> UInt64 {
        if states == RuleIndex.unknownStates || nulInText { return RuleIndex.unknownStates }
        let entry = entries + rule
        let tokenStart = Int(entry.pointee.tokenStart)
        let tokenCount = Int(entry.pointee.tokenCount)
        let sources = entry.pointee.epsilonSources
        let tokens = self.tokens + tokenStart
        let literalBytes = self.literalBytes + tokenStart
        let literalRuns = self.literalRuns + tokenStart
        let epsilon = self.epsilon + tokenStart
        var states = states
        var offset = 0
        let count = text.count
        while offset < count {
            if states & (states &- 1) == 0 {
                // One state, usually inside a literal run: compare bytes.
                var position = states.trailingZeroBitCount
                if position == tokenCount { return 0 }
                let run = Int(literalRuns[position])
                if run > 0 {
                    let length = min(run, count - offset)
                    var compared = 0
                    while compared < length {
                        if text[offset + compared] != literalBytes[position + compared] { return 0 }
                        compared += 1
                    }
                    offset += length
                    position += length
                    states = 1 << UInt64(position)
                    if states & sources != 0 { states = closure(states, epsilon: epsilon, sources: sources) }
                    continue
                }
            }
            let byte = text[offset]
            var next: UInt64 = 0
            var remaining = states
            while remaining != 0 {
                let position = remaining.trailingZeroBitCount
                remaining &= remaining &- 1
                if position == tokenCount { continue }
                let token = tokens[position]
                switch token >> 8 {
                case Token.literal:
                    if UInt8(truncatingIfNeeded: token) == byte { next |= 1 << UInt64(position + 1) }
                case Token.one:
                    if byte != ASCII.slash { next |= 1 << UInt64(position + 1) }
                case Token.star:
                    if byte != ASCII.slash { next |= 1 << UInt64(position) }
                default:
                    next |= 1 << UInt64(position)
                }
            }
            if next == 0 { return 0 }
            states = closure(next, epsilon: epsilon, sources: sources)
            offset += 1
        }
        return states
    }

    @inline(__always)
    static func holdsNul(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        text.count > 0 && Memory.find(0, in: text.baseAddress!, count: text.count) != nil
    }

    /// Whether some name without '/' could finish a match from `states`.
    @inline(__always)
    func canFinish(_ rule: Int, _ states: UInt64) -> Bool {
        states & entries[rule].canFinish != 0
    }
}
