/// The guard's literal prefilter: one bit test per byte, on the byte and the one after
/// it, says whether any rule's prefix can start there; only then are the rules whose
/// prefixes begin with that pair compared in full and matched.
///
/// It is read for every byte of every file a commit stores, so its tables are plain
/// memory laid out once and never freed (one shared instance): no reference counting
/// while a candidate is compared, where copying a rule would retain its strings.
final class SecretPrefilter: @unchecked Sendable {  // immutable after init
    /// A rule's prefix in `prefixBytes`, the rule's index in `rules`, and the prefix's place
    /// among all prefixes in rule order (the order candidates are tried in).
    struct Candidate {
        let rule: Int
        let prefixStart: Int
        let prefixLength: Int
        let order: Int
    }

    /// Bit `first << 8 | second` set: some prefix starts there, a pair's or a one-byte
    /// prefix's (`=`, `:`: their whole row is set). The one test made for every byte.
    private let starts: UnsafeMutablePointer<UInt64>
    /// Bit set: some prefix of two bytes or more starts with that pair.
    private let pairs: UnsafeMutablePointer<UInt64>
    /// For each word of `pairs`, how many pairs the words before it set: a pair's bucket
    /// is its rank among the set pairs (a table of 65,536 buckets was 128 KB the first
    /// changed file of every status paid for, in page faults).
    private let ranks: UnsafeMutablePointer<UInt32>
    private let bucketRanges: UnsafeMutableBufferPointer<Range<Int>>
    /// The candidates whose prefix is that one byte alone (empty for most bytes): kept
    /// apart, not copied into the buckets of the 256 pairs they start.
    private let singles: UnsafeMutablePointer<Range<Int>>
    private let candidates: UnsafeMutableBufferPointer<Candidate>
    private let prefixBytes: UnsafeMutableBufferPointer<UInt8>
    private let rules: UnsafeMutableBufferPointer<SecretRule>

    static let shared = SecretPrefilter(rules: SecretRules.all)

    init(rules table: [SecretRule]) {
        // Laid out without hashed collections (this runs whenever a changed file is read,
        // a prompt's worth of time): each prefix in rule order, then grouped by counting,
        // the pairs' buckets first and the one-byte prefixes' after, each keeping that order.
        var entries: [(key: Int, candidate: Candidate)] = []
        var bytes: [UInt8] = []
        for (index, rule) in table.enumerated() {
            for prefix in rule.prefixes {
                let candidate = Candidate(rule: index, prefixStart: bytes.count, prefixLength: prefix.count, order: entries.count)
                bytes += prefix
                // A one-byte prefix: key 65,536 + the byte.
                entries.append((prefix.count == 1 ? 1 << 16 | Int(prefix[0]) : Int(prefix[0]) << 8 | Int(prefix[1]), candidate))
            }
        }
        let starts = UnsafeMutablePointer<UInt64>.allocate(capacity: 1 << 10)
        starts.initialize(repeating: 0, count: 1 << 10)
        let pairs = UnsafeMutablePointer<UInt64>.allocate(capacity: 1 << 10)
        pairs.initialize(repeating: 0, count: 1 << 10)
        for entry in entries where entry.key < 1 << 16 { pairs[entry.key >> 6] |= 1 << UInt64(entry.key & 63) }
        let ranks = UnsafeMutablePointer<UInt32>.allocate(capacity: 1 << 10)
        var pairCount = 0
        for word in 0..<(1 << 10) {
            (ranks + word).initialize(to: UInt32(pairCount))
            pairCount += pairs[word].nonzeroBitCount
            starts[word] = pairs[word]
        }
        func bucket(_ key: Int) -> Int {
            key < 1 << 16 ? SecretPrefilter.rank(key, pairs, ranks) : pairCount + (key & 0xFF)
        }
        var sizes = [Int](repeating: 0, count: pairCount + 256)
        for entry in entries { sizes[bucket(entry.key)] += 1 }
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(sizes.count)
        var start = 0
        for size in sizes {
            ranges.append(start..<start + size)
            start += size
        }
        var filled = ranges.map(\.lowerBound)
        var flat = [Candidate](repeating: Candidate(rule: 0, prefixStart: 0, prefixLength: 0, order: 0), count: entries.count)
        for entry in entries {
            let bucket = bucket(entry.key)
            flat[filled[bucket]] = entry.candidate
            filled[bucket] += 1
        }
        let singles = UnsafeMutablePointer<Range<Int>>.allocate(capacity: 256)
        for first in 0..<256 {
            (singles + first).initialize(to: ranges[pairCount + first])
            // Whatever byte follows a one-byte prefix, a prefix starts there.
            if !ranges[pairCount + first].isEmpty {
                for word in (first << 2)..<(first << 2 + 4) { starts[word] = ~0 }
            }
        }
        func copy<T>(_ array: [T]) -> UnsafeMutableBufferPointer<T> {
            let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: array.count)
            _ = buffer.initialize(from: array)
            return buffer
        }
        (self.starts, self.pairs, self.ranks, self.singles) = (starts, pairs, ranks, singles)
        bucketRanges = copy(Array(ranges[..<pairCount]))
        candidates = copy(flat)
        prefixBytes = copy(bytes)
        rules = copy(table)
    }

    /// Nonzero where some prefix may start at `first` followed by `second`: the one test
    /// made for every byte. What `match` takes.
    @inline(__always)
    func bucket(_ first: UInt8, _ second: UInt8) -> Int {
        let key = Int(first) << 8 | Int(second)
        guard starts[key >> 6] & (1 << UInt64(key & 63)) != 0 else { return 0 }
        return key + 1
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
        let key = bucket - 1
        var pair = pairs[key >> 6] & (1 << UInt64(key & 63)) != 0
            ? bucketRanges[SecretPrefilter.rank(key, pairs, ranks)] : 0..<0
        var single = singles[key >> 8]
        // The pair's candidates and the first byte's alone, merged in rule order.
        while !pair.isEmpty || !single.isEmpty {
            let index: Int
            if single.isEmpty || (!pair.isEmpty && candidates[pair.lowerBound].order < candidates[single.lowerBound].order) {
                index = pair.lowerBound
                pair = pair.dropFirst()
            } else {
                index = single.lowerBound
                single = single.dropFirst()
            }
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
