
/// One file's rules (or the base rules) packed and indexed for the hot loop.
///
/// The answer for a path is always "the matching rule with the highest
/// index" (git's last match wins), but it is found without trying every rule:
///
/// - basename literals (`.DS_Store`) sit in a hash table, name → highest rule
///   index; basename suffix rules (`*.log`, `*.tar.gz`, `*`) in another, keyed
///   by the suffix, probed once per distinct suffix length; basename prefix
///   rules (`.#*`, `.naner-tmp-*`) in a third, keyed by the prefix;
/// - every other rule is tried the straightforward way, highest index first,
///   stopping as soon as its index falls below what the tables found.
///
/// For a walker, `IgnoreStack` narrows the anchored rules (with a '/') further
/// per directory: see `RuleIndex.advance` and `DirectoryPlan`.
///
/// All hot data lives in memory owned by this object, reachable through the
/// plain-value `RuleIndex`, so matching touches no reference count.
final class PackedRules {
    let rules: [GitignoreRule]
    /// In memory of its own, so that plans can point at it.
    let index: UnsafeMutablePointer<RuleIndex>

    init(_ rules: [GitignoreRule]) {
        self.rules = rules
        index = .allocate(capacity: 1)
        index.initialize(to: RuleIndex(rules))
    }

    deinit {
        index.pointee.deallocate()
        index.deinitialize(count: 1)
        index.deallocate()
    }

    var isEmpty: Bool { rules.isEmpty }

    /// The last rule matching `path`, as git scans one pattern list.
    func lastMatch(_ path: UnsafeBufferPointer<UInt8>, basenameStart: Int, isDirectory: Bool) -> GitignoreRule? {
        let found = index.pointee.lastMatch(path, basenameStart: basenameStart, isDirectory: isDirectory)
        return found >= 0 ? rules[found] : nil
    }

    /// The plain scan of every rule, last first: the reference the index must agree with.
    func linearLastMatch(_ path: UnsafeBufferPointer<UInt8>, basenameStart: Int, isDirectory: Bool) -> GitignoreRule? {
        let found = index.pointee.linearLastMatch(path, basenameStart: basenameStart, isDirectory: isDirectory)
        return found >= 0 ? rules[found] : nil
    }
}
