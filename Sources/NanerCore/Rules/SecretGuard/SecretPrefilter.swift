/// The guard's literal prefilter: one bit test per byte, on the byte and the one after
/// it, says whether any rule's prefix can start there; only then are the rules whose
/// prefixes begin with that pair compared in full and matched.
///
/// It is read for every byte of every file a commit stores, so its tables are plain
/// memory laid out once and never freed (one shared instance): no reference counting
/// while a candidate is compared, where copying a rule would retain its strings.
final class SecretPrefilter: @unchecked Sendable {  // immutable after init
    /// A rule's prefix in `prefixBytes`, and the rule's index in `rules`.
    struct Candidate {
        let rule: Int
        let prefixStart: Int
        let prefixLength: Int
    }

    /// Bit `first << 8 | second` set: some prefix starts with that pair.
    private let pairs: UnsafeMutablePointer<UInt64>
    /// For each word of `pairs`, how many pairs the words before it set: a set pair's
    /// bucket is its rank among the set pairs (a table of 65,536 buckets was 128 KB the
    /// first changed file of every status paid for, in page faults).
    private let ranks: UnsafeMutablePointer<UInt32>
    private let bucketRanges: UnsafeMutableBufferPointer<Range<Int>>
    private let candidates: UnsafeMutableBufferPointer<Candidate>
    private let prefixBytes: UnsafeMutableBufferPointer<UInt8>
    private let rules: UnsafeMutableBufferPointer<SecretRule>

    static let shared = SecretPrefilter(rules: SecretRules.all)

    init(rules table: [SecretRule]) {
        // Laid out without hashed collections (this runs whenever a changed file is read,
        // a prompt's worth of time): each (pair, candidate) in rule order, then grouped
        // per pair by counting, each group keeping that order.
        var entries: [(key: Int, candidate: Candidate)] = []
        var bytes: [UInt8] = []
        for (index, rule) in table.enumerated() {
            for prefix in rule.prefixes {
                let candidate = Candidate(rule: index, prefixStart: bytes.count, prefixLength: prefix.count)
                bytes += prefix
                // A one-byte prefix (a separator) starts whatever byte follows it.
                if prefix.count == 1 {
                    for second in 0...255 { entries.append((Int(prefix[0]) << 8 | second, candidate)) }
                } else {
                    entries.append((Int(prefix[0]) << 8 | Int(prefix[1]), candidate))
                }
            }
        }
        let pairs = UnsafeMutablePointer<UInt64>.allocate(capacity: 1 << 10)
        pairs.initialize(repeating: 0, count: 1 << 10)
        for entry in entries { pairs[entry.key >> 6] |= 1 << UInt64(entry.key & 63) }
        let ranks = UnsafeMutablePointer<UInt32>.allocate(capacity: 1 << 10)
        var pairCount = 0
        for word in 0..<(1 << 10) {
            (ranks + word).initialize(to: UInt32(pairCount))
            pairCount += pairs[word].nonzeroBitCount
        }
        var sizes = [Int](repeating: 0, count: pairCount)
        for entry in entries { sizes[SecretPrefilter.rank(entry.key, pairs, ranks)] += 1 }
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(sizes.count)
        var start = 0
        for size in sizes {
            ranges.append(start..<start + size)
            start += size
        }
        var filled = ranges.map(\.lowerBound)
        var flat = [Candidate](repeating: Candidate(rule: 0, prefixStart: 0, prefixLength: 0), count: entries.count)
        for entry in entries {
            let bucket = SecretPrefilter.rank(entry.key, pairs, ranks)
            flat[filled[bucket]] = entry.candidate
            filled[bucket] += 1
        }
        func copy<T>(_ array: [T]) -> UnsafeMutableBufferPointer<T> {
            let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: array.count)
            _ = buffer.initialize(from: array)
            return buffer
        }
        (self.pairs, self.ranks) = (pairs, ranks)
        bucketRanges = copy(ranges)
        candidates = copy(flat)
        prefixBytes = copy(bytes)
        rules = copy(table)
    }

    /// The bucket of the pair at `index`, or 0: the one test made for every byte.
    @inline(__always)
    func bucket(_ first: UInt8, _ second: UInt8) -> Int {
        let key = Int(first) << 8 | Int(second)
        guard pairs[key >> 6] & (1 << UInt64(key & 63)) != 0 else { return 0 }
        return SecretPrefilter.rank(key, pairs, ranks) + 1
    }

    /// How many set pairs come before `key`: its bucket's index in `bucketRanges`.
    @inline(__always)
    private static func rank(_ key: Int, _ pairs: UnsafeMutablePointer<UInt64>, _ ranks: UnsafeMutablePointer<UInt32>) -> Int {
        let below = (1 as UInt64) << UInt64(key & 63) &- 1
        return Int(ranks[key >> 6]) + (pairs[key >> 6] & below).nonzeroBitCount
    }

    /// The first rule of `bucket` that matches at `position` and is not allowed; with
    /// `providersOnly`, only rules with a prefix of their own (inside a container's value).
    func match(_ bucket: Int, in bytes: SecretBytes, at position: Int, allowing allowance: SecretAllowance,
               providersOnly: Bool = false) -> SecretFinding? {
        for index in bucketRanges[bucket - 1] {
            let candidate = candidates[index]
            guard hasPrefix(candidate, in: bytes, at: position) else { continue }
            let rule = rules.baseAddress! + candidate.rule
            switch rule.pointee.body {
            case .assignment:
                guard !providersOnly, let assignment = SecretAssignment.find(bytes, separator: position) else { continue }
                if let provider = providerMatch(in: bytes, within: assignment.value, allowing: allowance) { return provider }
                guard let found = SecretRules.rule(assignment.ruleID), !allowance.allows(found.id) else { continue }
                return SecretFinding(found, kind: assignment.key.map { "a credential assigned to '\($0)'" })
            case .container(let container):
                guard !providersOnly, !rule.pointee.boundary || bytes.isBoundary(before: position),
                      let value = container(bytes, position, candidate.prefixLength) else { continue }
                // A provider's token inside names the secret better than where it sits.
                if let provider = providerMatch(in: bytes, within: value, allowing: allowance) { return provider }
                if !allowance.allows(rule.pointee.id) { return SecretFinding(rule.pointee) }
            default:
                if rule.pointee.matches(bytes, at: position, prefixLength: candidate.prefixLength), !allowance.allows(rule.pointee.id) {
                    return SecretFinding(rule.pointee)
                }
            }
        }
        return nil
    }

    @inline(__always)
    private func hasPrefix(_ candidate: Candidate, in bytes: SecretBytes, at position: Int) -> Bool {
        guard position + candidate.prefixLength <= bytes.count else { return false }
        var offset = 0
        while offset < candidate.prefixLength, bytes[position + offset] == prefixBytes[candidate.prefixStart + offset] { offset += 1 }
        return offset == candidate.prefixLength
    }

    /// The first provider rule matching at a position inside `range`.
    private func providerMatch(in bytes: SecretBytes, within range: Range<Int>, allowing allowance: SecretAllowance) -> SecretFinding? {
        for position in range.clamped(to: 0..<bytes.count) {
            let found = bucket(bytes[position], bytes.at(position + 1))
            if found != 0, let finding = match(found, in: bytes, at: position, allowing: allowance, providersOnly: true) { return finding }
        }
        return nil
    }
}
