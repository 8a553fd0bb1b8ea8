/// The guard's literal prefilter: one table lookup per byte, on the byte and the one
/// after it, says whether any rule's prefix can start there; only then are the rules
/// whose prefixes begin with that pair compared in full and matched.
final class SecretPrefilter: Sendable {
    struct Candidate: Sendable {
        let rule: SecretRule
        let prefix: [UInt8]
    }

    /// For each pair of bytes (first << 8 | second): 0, or 1 + its index in `candidates`.
    let buckets: [UInt16]
    let candidates: [[Candidate]]

    static let shared = SecretPrefilter(rules: SecretRules.all)

    init(rules: [SecretRule]) {
        var buckets = [UInt16](repeating: 0, count: 1 << 16)
        var candidates: [[Candidate]] = []
        for rule in rules {
            for prefix in rule.prefixes {
                // A one-byte prefix (a separator) starts whatever byte follows it.
                let keys = prefix.count == 1 ? (0...255).map { Int(prefix[0]) << 8 | $0 } : [Int(prefix[0]) << 8 | Int(prefix[1])]
                for key in keys {
                    if buckets[key] == 0 {
                        candidates.append([])
                        buckets[key] = UInt16(candidates.count)
                    }
                    candidates[Int(buckets[key]) - 1].append(Candidate(rule: rule, prefix: prefix))
                }
            }
        }
        self.buckets = buckets
        self.candidates = candidates
    }

    /// The first rule of `bucket` that matches at `position` and is not allowed; with
    /// `providersOnly`, only rules with a prefix of their own (inside a container's value).
    func match(_ bucket: Int, in bytes: SecretBytes, at position: Int, allowing allowance: SecretAllowance,
               providersOnly: Bool = false) -> SecretFinding? {
        for candidate in candidates[bucket - 1] where bytes.hasPrefix(candidate.prefix, at: position) {
            let rule = candidate.rule
            switch rule.body {
            case .assignment:
                guard !providersOnly, let assignment = SecretAssignment.find(bytes, separator: position) else { continue }
                if let provider = providerMatch(in: bytes, within: assignment.value, allowing: allowance) { return provider }
                guard let found = SecretRules.rule(assignment.ruleID), !allowance.allows(found.id) else { continue }
                return SecretFinding(found, kind: assignment.key.map { "a credential assigned to '\($0)'" })
            case .container(let container):
                guard !providersOnly, !rule.boundary || bytes.isBoundary(before: position),
                      let value = container(bytes, position, candidate.prefix.count) else { continue }
                // A provider's token inside names the secret better than where it sits.
                if let provider = providerMatch(in: bytes, within: value, allowing: allowance) { return provider }
                if !allowance.allows(rule.id) { return SecretFinding(rule) }
            default:
                if rule.matches(bytes, at: position, prefixLength: candidate.prefix.count), !allowance.allows(rule.id) {
                    return SecretFinding(rule)
                }
            }
        }
        return nil
    }

    /// The first provider rule matching at a position inside `range`.
    private func providerMatch(in bytes: SecretBytes, within range: Range<Int>, allowing allowance: SecretAllowance) -> SecretFinding? {
        for position in range.clamped(to: 0..<bytes.count) {
            let bucket = Int(buckets[Int(bytes[position]) << 8 | Int(bytes.at(position + 1))])
            if bucket != 0, let found = match(bucket, in: bytes, at: position, allowing: allowance, providersOnly: true) { return found }
        }
        return nil
    }
}
