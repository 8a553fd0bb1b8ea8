
/// The ignore decision for a work tree, with git's precedence (`dir.c`,
/// `last_matching_pattern` and `prep_exclude`):
///
/// 1. per-directory `.gitignore` files, the deepest directory first, and in
///    each file the last matching line;
/// 2. then the base rules (`$GIT_DIR/info/exclude`; naner points
///    core.excludesFile at /dev/null, so there is no global file).
///
/// The first level with a match decides; a negated match means "not ignored".
/// On top of that, a path below an ignored directory is ignored whatever its
/// own rules say, and `.gitignore` files inside an ignored directory are never
/// read, since git never looks into such a directory.
///
/// Not thread-safe: one stack serves one walker or one command.
public final class IgnoreStack {
    public let root: String
    public let readsInTreeGitignores: Bool
    private let baseRules: PackedRules

    /// Rules of each directory's `.gitignore`, by "" or "a/b/". An empty set
    /// records that the directory has none (or that it was looked up and missing).
    private var rulesByDirectory: [String: PackedRules] = [:]

    /// What `check` learned about a directory: the rule excluding it or one of
    /// its parents, else the rule levels that apply below it, shallowest first.
    private struct DirectoryContext {
        var excludedBy: GitignoreRule?
        var levels: [PackedRules]
    }
    private var contexts: [String: DirectoryContext] = [:]

    // The walker asks about many entries of one directory in a row, and
    // walks depth first. For each directory on the current branch a plan
    // (`DirectoryPlan`) lists, level by level, which rules can match one of
    // its entries. The plan of the directory being asked about is "current":
    // its plain-memory levels are in `hotLevels`, its path bytes in
    // `entryPath`, to be followed by the entry's name.
    private var entryDirectory: String?
    /// Plans by depth: `plans[k]` is for a directory with k slashes. Those
    /// below `validPlans` are up to date (each for its own directory; they
    /// need not be one branch).
    private var plans: [DirectoryPlan] = []
    private var validPlans = 0
    private var entryPlan: DirectoryPlan?
    private var hotLevels: UnsafeMutablePointer<HotLevel>?
    private var hotLevelCount = 0
    private var entryPath: UnsafeMutablePointer<UInt8>
    private var entryPathCapacity = 256
    private var entryDirectoryByteCount = 0

    /// `root` is the absolute tree root; `baseRules` the info/exclude rules.
    /// With `readInTreeGitignores` false only `baseRules` count.
    public init(root: String, baseRules: [GitignoreRule], readInTreeGitignores: Bool = true) {
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        self.baseRules = PackedRules(baseRules)
        self.readsInTreeGitignores = readInTreeGitignores
        entryPath = .allocate(capacity: entryPathCapacity)
    }

    deinit {
        entryPath.deallocate()
    }

    // MARK: Feeding .gitignore files

    /// Hands in the `.gitignore` content of `directory` ("" or "a/b/"), for a
    /// walker that found it while listing, replacing anything read before.
    /// Ignored when the stack does not read in-tree files.
    public func loadGitignore(directory: String, bytes: [UInt8]) {
        guard readsInTreeGitignores else { return }
        let directory = IgnoreStack.directoryKey(directory)
        rulesByDirectory[directory] = PackedRules(
            parseGitignore(bytes, baseDirectory: directory, file: directory + ".gitignore"))
        contexts.removeAll(keepingCapacity: true)
        invalidatePlans(from: directory)
    }

    /// Rules of `directory`'s `.gitignore`, read from disk on first need.
    private func rules(forDirectory directory: String) -> PackedRules {
        guard readsInTreeGitignores else { return PackedRules([]) }
        if let known = rulesByDirectory[directory] { return known }
        var rules = PackedRules([])
        if let bytes = IgnoreStack.readFile(absolutePath(directory + ".gitignore")) {
            rules = PackedRules(parseGitignore(bytes, baseDirectory: directory, file: directory + ".gitignore"))
        }
        rulesByDirectory[directory] = rules
        // A walker asking afterwards sees these rules too.
        if !rules.isEmpty { invalidatePlans(from: directory) }
        return rules
    }

    // MARK: Full decision

    /// The decision for `path` (relative, no trailing slash), excluded parents
    /// included: an ignored parent directory decides for everything below it
    /// and is the rule reported, like `git check-ignore -v`. `deciding` is nil
    /// when no rule matched (not ignored); when it is a negated rule, the path
    /// is not ignored either.
    public func check(_ path: String, isDirectory: Bool) -> (ignored: Bool, deciding: GitignoreRule?) {
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty else { return (false, nil) }
        var basenameStart = bytes.count
        while basenameStart > 0 && bytes[basenameStart - 1] != ASCII.slash { basenameStart -= 1 }
        let parent = String(decoding: bytes[..<basenameStart], as: UTF8.self)
        let context = self.context(forDirectory: parent)
        if let excludedBy = context.excludedBy { return (true, excludedBy) }
        let deciding = bytes.withUnsafeBufferPointer { buffer in
            IgnoreStack.lastMatch(buffer, basenameStart: basenameStart, isDirectory: isDirectory,
                                  levels: context.levels, baseRules: baseRules)
        }
        return (deciding.map { !$0.isNegated } ?? false, deciding)
    }

    /// Like `git check-ignore`: directory-ness comes from `lstat` under the
    /// root (a path that does not exist, or a symlink, is not a directory),
    /// or from a trailing slash, which is removed.
    ///
    /// git itself treats `dir/` oddly (it checks `dir` as a parent, then an
    /// empty basename); here it simply means "the directory `dir`".
    public func check(_ path: String) -> (ignored: Bool, deciding: GitignoreRule?) {
        if path.hasSuffix("/") {
            var trimmed = Substring(path)
            while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
            return check(String(trimmed), isDirectory: true)
        }
        let isDirectory = PathStatus.kind(absolutePath(path)) == .directory
        return check(path, isDirectory: isDirectory)
    }

    /// Walks `directory` ("" or "a/b/") from the root the way `prep_exclude`
    /// does: each directory is first tested against the rules above it, and
    /// only if it is not ignored is its own `.gitignore` read.
    private func context(forDirectory directory: String) -> DirectoryContext {
        if let known = contexts[directory] { return known }
        let context: DirectoryContext
        if directory.isEmpty {
            let own = rules(forDirectory: "")
            context = DirectoryContext(excludedBy: nil, levels: own.isEmpty ? [] : [own])
        } else {
            // "a/b/" → parent "a/", name "b".
            let bytes = Array(directory.utf8.dropLast())
            var nameStart = bytes.count
            while nameStart > 0 && bytes[nameStart - 1] != ASCII.slash { nameStart -= 1 }
            let parent = self.context(forDirectory: String(decoding: bytes[..<nameStart], as: UTF8.self))
            if parent.excludedBy != nil {
                context = parent
            } else {
                let deciding = bytes.withUnsafeBufferPointer { buffer in
                    IgnoreStack.lastMatch(buffer, basenameStart: nameStart, isDirectory: true,
                                          levels: parent.levels, baseRules: baseRules)
                }
                if let deciding, !deciding.isNegated {
                    context = DirectoryContext(excludedBy: deciding, levels: parent.levels)
                } else {
                    var levels = parent.levels
                    let own = rules(forDirectory: directory)
                    if !own.isEmpty { levels.append(own) }
                    context = DirectoryContext(excludedBy: nil, levels: levels)
                }
            }
        }
        contexts[directory] = context
        return context
    }

    // MARK: Walker fast path

    /// The decision for one entry of `parentDirectory` ("" or "a/b/") by the
    /// rules alone, for a walker that never enters ignored directories (so no
    /// parent of the entry is ignored). Reads nothing from disk: only
    /// `.gitignore` files handed to `loadGitignore` (or already read by
    /// `check`) count.
    public func isIgnoredEntry(parentDirectory: String, name: UnsafeBufferPointer<UInt8>, isDirectory: Bool) -> Bool {
        if entryDirectory != parentDirectory { prepareEntryDirectory(parentDirectory) }
        let found = entryMatch(name: name, isDirectory: isDirectory)
        guard found.level >= 0, let levels = hotLevels else { return false }
        return !levels[found.level].index.pointee.isNegated(found.rule)
    }

    public func isIgnoredEntry(parentDirectory: String, name: [UInt8], isDirectory: Bool) -> Bool {
        name.withUnsafeBufferPointer { isIgnoredEntry(parentDirectory: parentDirectory, name: $0, isDirectory: isDirectory) }
    }

    public func isIgnoredEntry(parentDirectory: String, name: String, isDirectory: Bool) -> Bool {
        var name = name
        return name.withUTF8 { isIgnoredEntry(parentDirectory: parentDirectory, name: $0, isDirectory: isDirectory) }
    }

    /// The rule behind `isIgnoredEntry`'s answer, nil when none matched.
    public func decidingRule(parentDirectory: String, name: UnsafeBufferPointer<UInt8>,
                             isDirectory: Bool) -> GitignoreRule? {
        if entryDirectory != parentDirectory { prepareEntryDirectory(parentDirectory) }
        let found = entryMatch(name: name, isDirectory: isDirectory)
        guard found.level >= 0, let plan = entryPlan else { return nil }
        return plan.rules(level: found.level).rules[found.rule]
    }

    /// The deciding rule for an entry of the prepared directory, as the
    /// position of its level in `hotLevels` and its index there; level -1
    /// when nothing matched. Levels are tried deepest first, the base
    /// rules last; in a level, the highest matching index wins.
    @inline(__always)
    private func entryMatch(name: UnsafeBufferPointer<UInt8>, isDirectory: Bool) -> (level: Int, rule: Int) {
        guard let levels = hotLevels else { return (-1, -1) }
        let directoryCount = entryDirectoryByteCount
        let nameCount = name.count
        var level = hotLevelCount - 1
        // The plans assume a real name: non-empty and without '/'. Anything
        // else gets the plain scan of every rule.
        if nameCount == 0 || Memory.find(ASCII.slash, in: name.baseAddress!, count: nameCount) != nil {
            let path = entryPathWithName(name)
            while level >= 0 {
                let found = levels[level].index.pointee.linearLastMatch(path, basenameStart: directoryCount,
                                                                         isDirectory: isDirectory)
                if found >= 0 { return (level, found) }
                level -= 1
            }
            return (-1, -1)
        }
        var pathReady = false
        while level >= 0 {
            let hot = levels[level]
            var best: Int32 = -1
            if hot.tablesApply { best = hot.index.pointee.tableBest(name: name, isDirectory: isDirectory) }
            if hot.candidateCount > 0 && hot.candidates[0] > best {
                // Only these need the whole path.
                if !pathReady {
                    _ = entryPathWithName(name)
                    pathReady = true
                }
                let path = UnsafeBufferPointer(start: entryPath, count: directoryCount + nameCount)
                best = hot.index.pointee.scan(hot.candidates, hot.candidateCount, above: best,
                                              path, basenameStart: directoryCount, isDirectory: isDirectory)
            }
            if best >= 0 { return (level, Int(best)) }
            level -= 1
        }
        return (-1, -1)
    }

    /// `entryPath` holds the directory; puts `name` after it.
    @inline(__always)
    private func entryPathWithName(_ name: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        let directoryCount = entryDirectoryByteCount
        let total = directoryCount + name.count
        if total > entryPathCapacity { growEntryPath(total) }
        if name.count > 0 { Memory.copy(entryPath + directoryCount, from: name.baseAddress!, count: name.count) }
        return UnsafeBufferPointer(start: entryPath, count: total)
    }

    private func growEntryPath(_ needed: Int) {
        var capacity = entryPathCapacity
        while capacity < needed { capacity *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        grown.update(from: entryPath, count: entryDirectoryByteCount)
        entryPath.deallocate()
        entryPath = grown
        entryPathCapacity = capacity
    }

    // MARK: Directory plans

    /// Drops the plans of `directory` and of everything at its depth or
    /// deeper: they may miss rules that `directory`'s `.gitignore` now adds.
    private func invalidatePlans(from directory: String) {
        var depth = 0
        for byte in directory.utf8 where byte == ASCII.slash { depth += 1 }
        if directory.utf8.last.map({ $0 != ASCII.slash }) ?? false { depth += 1 }
        validPlans = min(validPlans, depth)
        entryDirectory = nil
    }

    private func prepareEntryDirectory(_ directory: String) {
        // Back in a directory whose plan is still there (the walker returns
        // to a parent after each subdirectory)?
        let askedCount = directory.utf8.count
        var depth = validPlans - 1
        while depth >= 0 {
            if plans[depth].byteCount == askedCount && plans[depth].directory == directory {
                makeCurrent(plans[depth], asked: directory)
                return
            }
            depth -= 1
        }

        let key = IgnoreStack.directoryKey(directory)
        let keyBytes = Array(key.utf8)
        var segmentEnds = [0]
        for (offset, byte) in keyBytes.enumerated() where byte == ASCII.slash { segmentEnds.append(offset + 1) }
        depth = segmentEnds.count - 1
        while plans.count <= depth { plans.append(DirectoryPlan()) }

        // Keep the plans of the ancestors already there.
        var valid = 0
        while valid < min(validPlans, depth + 1) && plans[valid].isFor(keyBytes, count: segmentEnds[valid]) {
            valid += 1
        }
        if valid == 0 {
            var levels: [PackedRules] = [baseRules]
            if readsInTreeGitignores, let own = rulesByDirectory[""], !own.isEmpty { levels.append(own) }
            plans[0].buildRoot(levels: levels)
            valid = 1
        }
        while valid <= depth {
            let bytes = keyBytes[..<segmentEnds[valid]]
            let name = String(decoding: bytes, as: UTF8.self)
            var own: PackedRules?
            if readsInTreeGitignores, let rules = rulesByDirectory[name], !rules.isEmpty { own = rules }
            plans[valid].build(directory: name, bytes: bytes, parent: plans[valid - 1], segmentStart: segmentEnds[valid - 1],
                               own: own)
            valid += 1
        }
        // Deeper plans, if any, are for another branch: simpler to drop them.
        validPlans = depth + 1
        makeCurrent(plans[depth], asked: directory)
    }

    private func makeCurrent(_ plan: DirectoryPlan, asked directory: String) {
        let count = plan.byteCount
        if count > entryPathCapacity {
            entryDirectoryByteCount = 0
            growEntryPath(count)
        }
        if count > 0 { entryPath.update(from: plan.pathBytes, count: count) }
        entryDirectoryByteCount = count
        hotLevels = plan.hotLevels
        hotLevelCount = plan.hotLevelCount
        entryPlan = plan
        entryDirectory = directory
    }

    // MARK: Matching

    /// The last matching rule of the deepest level that has one; `levels` are
    /// ordered shallowest first, `baseRules` come after all of them.
    private static func lastMatch(_ path: UnsafeBufferPointer<UInt8>, basenameStart: Int, isDirectory: Bool,
                                  levels: [PackedRules], baseRules: PackedRules) -> GitignoreRule? {
        var level = levels.count - 1
        while level >= 0 {
            if let rule = levels[level].lastMatch(path, basenameStart: basenameStart, isDirectory: isDirectory) {
                return rule
            }
            level -= 1
        }
        return baseRules.lastMatch(path, basenameStart: basenameStart, isDirectory: isDirectory)
    }

    // MARK: Files

    private func absolutePath(_ relative: String) -> String {
        root == "/" ? "/" + relative : root + "/" + relative
    }

    /// "" stays ""; "a/b" and "a/b/" both become "a/b/".
    private static func directoryKey(_ directory: String) -> String {
        var directory = directory
        let needsSlash = directory.withUTF8 { $0.last.map { $0 != ASCII.slash } ?? false }
        return needsSlash ? directory + "/" : directory
    }

    /// The whole file, or nil when it cannot be opened or read. Like git,
    /// a `.gitignore` that is a symlink is not followed.
    static func readFile(_ path: String) -> [UInt8]? {
        try? FileReader.read(path)
    }
}
