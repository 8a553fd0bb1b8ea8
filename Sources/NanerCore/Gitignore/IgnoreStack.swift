import Glibc

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
        var status = stat()
        let isDirectory = lstat(absolutePath(path), &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
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
        if nameCount == 0 || memchr(name.baseAddress!, Int32(ASCII.slash), nameCount) != nil {
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
        if name.count > 0 { memcpy(entryPath + directoryCount, name.baseAddress!, name.count) }
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
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { return result }
            result.append(contentsOf: chunk[..<count])
        }
    }
}

/// What can match an entry of one directory, level by level.
private final class DirectoryPlan {
    /// The directory: "" or "a/b/".
    private(set) var directory = ""
    private var data = PlanData()

    // The plan as the hot loop reads it, in memory of its own.
    private(set) var hotLevels: UnsafeMutablePointer<HotLevel>
    private(set) var hotLevelCount = 0
    private var hotLevelCapacity = 4
    private var hotCandidates: UnsafeMutablePointer<Int32>
    private var hotCandidateCapacity = 64
    private(set) var pathBytes: UnsafeMutablePointer<UInt8>
    private(set) var byteCount = 0
    private var pathCapacity = 64

    init() {
        hotLevels = .allocate(capacity: hotLevelCapacity)
        hotCandidates = .allocate(capacity: hotCandidateCapacity)
        pathBytes = .allocate(capacity: pathCapacity)
    }

    deinit {
        hotLevels.deallocate()
        hotCandidates.deallocate()
        pathBytes.deallocate()
    }

    /// Whether this is the plan of `key[..<count]`.
    func isFor(_ key: [UInt8], count: Int) -> Bool {
        count == byteCount && key.withUnsafeBufferPointer { memcmp($0.baseAddress!, pathBytes, count) == 0 }
    }

    /// The root's plan; `levels` are the base rules, then the root's `.gitignore` if any.
    func buildRoot(levels: [PackedRules]) {
        var data = PlanData()
        swap(&data, &self.data)
        data.reset(bytes: [][...])
        for rules in levels { data.addLevel(rules) }
        swap(&data, &self.data)
        publish(directory: "")
    }

    /// The plan of `parent`'s subdirectory `directory` (as `bytes`, its last
    /// segment starting at `segmentStart`), whose own `.gitignore` rules are `own`.
    func build(directory: String, bytes: ArraySlice<UInt8>, parent: DirectoryPlan, segmentStart: Int, own: PackedRules?) {
        var data = PlanData()
        swap(&data, &self.data)
        data.reset(bytes: bytes)
        data.addChildLevels(of: parent.data, segment: bytes[segmentStart...])
        if let own { data.addLevel(own) }
        swap(&data, &self.data)
        publish(directory: directory)
    }

    /// Copies `data` into the hot buffers.
    private func publish(directory: String) {
        let levels = data.levels
        let candidates = data.candidates
        let bytes = data.bytes
        if levels.count > hotLevelCapacity {
            hotLevels.deallocate()
            hotLevelCapacity = max(levels.count, hotLevelCapacity * 2)
            hotLevels = .allocate(capacity: hotLevelCapacity)
        }
        if candidates.count > hotCandidateCapacity {
            hotCandidates.deallocate()
            hotCandidateCapacity = max(candidates.count, hotCandidateCapacity * 2)
            hotCandidates = .allocate(capacity: hotCandidateCapacity)
        }
        if bytes.count > pathCapacity {
            pathBytes.deallocate()
            pathCapacity = max(bytes.count, pathCapacity * 2)
            pathBytes = .allocate(capacity: pathCapacity)
        }
        candidates.withUnsafeBufferPointer { candidates in
            if candidates.count > 0 { hotCandidates.update(from: candidates.baseAddress!, count: candidates.count) }
        }
        bytes.withUnsafeBufferPointer { bytes in
            if bytes.count > 0 { pathBytes.update(from: bytes.baseAddress!, count: bytes.count) }
        }
        for (position, level) in levels.enumerated() {
            (hotLevels + position).initialize(to: HotLevel(index: level.rules.index, tablesApply: level.active,
                                                           candidates: hotCandidates + level.candidateStart,
                                                           candidateCount: level.candidateCount))
        }
        hotLevelCount = levels.count
        byteCount = bytes.count
        self.directory = directory
    }

    /// The rules behind `hotLevels[level]`.
    func rules(level: Int) -> PackedRules { data.levels[level].rules }
}

/// A plan's content, built in a local variable and then stored.
private struct PlanData {
    /// The directory: "" or "a/b/".
    var bytes: [UInt8] = []
    /// The base rules first, then the `.gitignore` files from the root down.
    var levels: [PlanLevel] = []
    /// Anchored rules still able to match something at or below the
    /// directory, with their automaton states; grouped by level.
    var alive: [AliveRule] = []
    /// Per level, highest index first: the rules to try one by one.
    var candidates: [Int32] = []

    mutating func reset(bytes: ArraySlice<UInt8>) {
        self.bytes.removeAll(keepingCapacity: true)
        self.bytes.append(contentsOf: bytes)
        levels.removeAll(keepingCapacity: true)
        alive.removeAll(keepingCapacity: true)
        candidates.removeAll(keepingCapacity: true)
    }

    /// The parent's levels, one segment deeper.
    mutating func addChildLevels(of parent: PlanData, segment: ArraySlice<UInt8>) {
        segment.withUnsafeBufferPointer { segment in
            let nul = RuleIndex.holdsNul(segment)
            for level in parent.levels {
                guard level.active else {
                    // Its rules start below some other directory: maybe this one.
                    addLevel(level.rules)
                    continue
                }
                let index = level.rules.index
                var child = PlanLevel(rules: level.rules, active: true, aliveStart: alive.count)
                parent.alive.withUnsafeBufferPointer { parentAlive in
                    for position in level.aliveStart ..< level.aliveStart + level.aliveCount {
                        let rule = parentAlive[position].rule
                        let states = index.pointee.advance(Int(rule), parentAlive[position].states, over: segment,
                                                                 nulInText: nul)
                        if states != 0 { alive.append(AliveRule(rule: rule, states: states)) }
                    }
                }
                child.aliveCount = alive.count - child.aliveStart
                finish(&child)
                levels.append(child)
            }
        }
    }

    /// Adds a level that was not active in the parent's plan: active here if
    /// the directory lies below the level's base.
    mutating func addLevel(_ rules: PackedRules) {
        let index = rules.index
        var level = PlanLevel(rules: rules, active: false, aliveStart: alive.count)
        let baseCount = index.pointee.primaryBaseCount
        let base = UnsafeBufferPointer(start: index.pointee.bytes + index.pointee.primaryBaseStart, count: baseCount)
        let directory = bytes
        directory.withUnsafeBufferPointer { directory in
            guard directory.count >= baseCount && GitignoreRule.equal(directory, 0, base, 0, baseCount) else { return }
            level.active = true
            let below = UnsafeBufferPointer(rebasing: directory[baseCount...])
            let nul = RuleIndex.holdsNul(below)
            for position in 0 ..< index.pointee.trackedCount {
                let rule = Int(index.pointee.tracked[position])
                let states = index.pointee.advance(rule, index.pointee.initialStates(rule), over: below, nulInText: nul)
                if states != 0 { alive.append(AliveRule(rule: Int32(rule), states: states)) }
            }
        }
        level.aliveCount = alive.count - level.aliveStart
        finish(&level)
        levels.append(level)
    }

    /// Lists `level`'s candidates: its general rules, and its live anchored
    /// rules that can finish on a name.
    mutating func finish(_ level: inout PlanLevel) {
        let index = level.rules.index
        level.candidateStart = candidates.count
        var general = 0
        let generalCount = index.pointee.generalCount
        var alivePosition = level.aliveStart + level.aliveCount - 1
        while true {
            while alivePosition >= level.aliveStart
                    && !index.pointee.canFinish(Int(alive[alivePosition].rule), alive[alivePosition].states) {
                alivePosition -= 1
            }
            let nextAlive: Int32 = alivePosition >= level.aliveStart ? alive[alivePosition].rule : -1
            let nextGeneral: Int32 = general < generalCount ? index.pointee.general[general] : -1
            if nextAlive < 0 && nextGeneral < 0 { break }
            if nextGeneral > nextAlive {
                candidates.append(nextGeneral)
                general += 1
            } else {
                candidates.append(nextAlive)
                alivePosition -= 1
            }
        }
        level.candidateCount = candidates.count - level.candidateStart
    }
}

private struct PlanLevel {
    let rules: PackedRules
    /// The directory lies below the level's base: its tables and tracked rules apply.
    var active: Bool
    var aliveStart: Int
    var aliveCount = 0
    var candidateStart = 0
    var candidateCount = 0

    init(rules: PackedRules, active: Bool, aliveStart: Int) {
        self.rules = rules
        self.active = active
        self.aliveStart = aliveStart
    }
}

private struct AliveRule {
    var rule: Int32
    var states: UInt64
}

/// A plan level as the hot loop reads it: plain values only.
private struct HotLevel {
    var index: UnsafeMutablePointer<RuleIndex>
    var tablesApply: Bool
    var candidates: UnsafeMutablePointer<Int32>
    var candidateCount: Int
}
