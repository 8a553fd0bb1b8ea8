/// The guard's literal prefilter: one table lookup per byte, on the byte and the one
/// after it, says whether any rule's prefix can start there; only then are the rules
/// whose prefixes begin with that pair compared in full and matched.
final class SecretPrefilter: Sendable {
    struct Candidate: Sendable {
        let rule: SecretRule
        let prefix: [UInt8]
        var isAssignment: Bool { if case .assignment = rule.body { true } else { false } }
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
    /// `providersOnly`, only rules with a prefix of their own (the value of an assignment).
    func match(_ bucket: Int, in bytes: SecretBytes, at position: Int, allowing allowance: SecretAllowance,
               providersOnly: Bool = false) -> SecretFinding? {
        for candidate in candidates[bucket - 1] where bytes.hasPrefix(candidate.prefix, at: position) {
            if candidate.isAssignment {
                guard !providersOnly, let assignment = SecretAssignment.find(bytes, separator: position) else { continue }
                // A provider's token as the value names the secret better than its key does.
                if let provider = providerMatch(in: bytes, at: assignment.valueStart, allowing: allowance) { return provider }
                guard let rule = SecretRules.rule(assignment.ruleID), !allowance.allows(rule.id) else { continue }
                return SecretFinding(rule, kind: assignment.key.isEmpty ? nil : "a credential assigned to '\(assignment.key)'")
            }
            if providersOnly && SecretRules.prefixless.contains(candidate.rule.id) { continue }
            if candidate.rule.matches(bytes, at: position, prefixLength: candidate.prefix.count), !allowance.allows(candidate.rule.id) {
                return SecretFinding(candidate.rule)
            }
        }
        return nil
    }

    private func providerMatch(in bytes: SecretBytes, at position: Int, allowing allowance: SecretAllowance) -> SecretFinding? {
        guard position < bytes.count else { return nil }
        let bucket = Int(buckets[Int(bytes[position]) << 8 | Int(bytes.at(position + 1))])
        return bucket == 0 ? nil : match(bucket, in: bytes, at: position, allowing: allowance, providersOnly: true)
    }
}
