import FoundationEssentials
import GitKit

/// What arrives is untrusted (DESIGN, invariant 7). Before a restore, `init --from`
/// or a pull writes one byte of a target, the gate reads all of it — every tree
/// object of a commit as stored, or every entry of an archive — and names each path
/// naner will not write, with why: what git's `verify_path` refuses with
/// `core.protectNTFS` and `core.protectHFS` on (`..`, `.git` and its aliases), what
/// `git fsck --strict` reports of a tree (duplicates, order, modes, whole paths as
/// names), naner's own repository when it lies in the home, `.naner` made a link, a
/// `.naner/modes` line that is no path inside the home, and a name that is not
/// UTF-8. A gitlink (a submodule's commit) is not a refusal: it is skipped, and named.
struct TreeGate {
    /// Longer names are refused, as `git fsck` reports them (`largePathname`).
    static let maximumNameLength = 4096
    /// More paths than any home's configuration holds (a tree can name one subtree a
    /// thousand times, at every level).
    static let maximumEntries = 1_000_000
    /// No configuration nests folders this deep; a tree that does is an attack on the walk.
    static let maximumDepth = 256
    /// The modes git writes; anything else fails `git fsck --strict`.
    private static let gitModes: Set<String> = ["100644", "100755", "120000", "40000", "160000"]
    private static let nanerName = Array(".naner".utf8)
    private static let nullID = ObjectID(hex: String(repeating: "0", count: 40))!

    struct Verdict {
        /// Everything refused, in path order.
        var problems: [TreeProblem] = []
        /// Gitlinks: never written, never a reason to remove a local file.
        var gitlinks: [String] = []
    }

    let locations: Locations
    /// Naner's repository relative to the home (as configured, and with links resolved)
    /// when it lies inside it: nothing may be written there or replace a folder on the way.
    let repositoryPaths: [String]

    init(locations: Locations) {
        self.locations = locations
        var paths = [locations.repositoryInsideHome].compactMap { $0 }
        let realHome = URL(fileURLWithPath: locations.home).resolvingSymlinksInPath().path
        let realRepository = URL(fileURLWithPath: locations.repository).resolvingSymlinksInPath().path
        if let resolved = Paths.relative(realRepository, to: realHome), !resolved.isEmpty, !paths.contains(resolved) {
            paths.append(resolved)
        }
        repositoryPaths = paths
    }

    /// The verdict on everything `target` would bring.
    func check(_ target: RestoreTarget) -> Verdict {
        switch target.contents {
        case .tree(let tree, let objects, let base): return check(tree: tree, in: objects, base: base)
        case .archive(let entries): return check(archive: entries)
        }
    }

    /// Walks every path below `root`, reading each tree object as stored (`RawTree`).
    /// A tree that repeats subtrees into more than `maximumEntries` paths is refused,
    /// and the walk ends there.
    ///
    /// `base` is the tree the home's HEAD holds: a subtree with the same id at the same
    /// place is what this home committed or admitted before, and is not read again (a
    /// restore of a backup that differs in 20 files reads the trees along those 20 paths).
    func check(tree root: ObjectID, in objects: TreeReader, base: ObjectID? = nil) -> Verdict {
        var verdict = Verdict()
        var pending: [(id: ObjectID, prefix: String, base: ObjectID?)] = [(root, "", base)]
        var walked = 0
        while let (id, prefix, baseID) = pending.popLast() {
            if id == baseID { continue }
            // The base's entries here, by name: a subtree it holds unchanged is skipped.
            var known: [[UInt8]: RawTreeEntry] = [:]
            if let baseID, let raw = try? objects.rawTree(baseID) {
                for entry in raw.entries where entry.isTree { known[entry.name] = entry }
            }
            var folder: String { prefix.isEmpty ? "." : String(prefix.dropLast()) }
            let onWayToRepository = repositoryPaths.contains { ($0 + "/").hasPrefix(prefix) }
            let tree: RawTree
            do {
                guard let raw = try objects.rawTree(id) else {
                    verdict.problems.append(TreeProblem(path: folder, reason: .unreadable("it is not a tree")))
                    continue
                }
                tree = raw
            } catch {
                verdict.problems.append(TreeProblem(path: folder, reason: .unreadable((error as? GitError)?.message ?? "\(error)")))
                continue
            }
            if tree.isMalformed { verdict.problems.append(TreeProblem(path: folder, reason: .malformedTree)) }
            walked += tree.entries.count
            if walked > TreeGate.maximumEntries {
                verdict.problems.append(TreeProblem(path: ".", reason: .tooManyEntries))
                break
            }
            var kinds: [[UInt8]: RawTreeEntry] = [:]
            kinds.reserveCapacity(tree.entries.count)
            var previousKey: [UInt8]? = nil
            for entry in tree.entries {
                // Paths are spelled out only when needed: a problem, a folder to walk, a gitlink.
                func path() -> String { prefix + EntryName.shown(entry.name) }
                var reasons: [TreeProblem.Reason] = []
                if let reason = EntryName.problem(entry.name, isSymlink: entry.isSymlink) { reasons.append(reason) }
                if entry.modeText.hasPrefix("0") {
                    reasons.append(.zeroPaddedMode(entry.modeText))
                } else if !TreeGate.gitModes.contains(entry.modeText) {
                    reasons.append(.badMode(entry.modeText))
                }
                if entry.id == TreeGate.nullID { reasons.append(.nullID) }
                // Git's order: names byte by byte, a folder's as if it ended in '/'.
                let key = entry.isTree ? entry.name + [UInt8(ascii: "/")] : entry.name
                if let other = kinds.updateValue(entry, forKey: entry.name) {
                    kinds[entry.name] = other
                    // A link and a folder of one name: what the folder holds would be written through the link.
                    if (other.isSymlink && entry.isTree) || (other.isTree && entry.isSymlink) {
                        verdict.problems.append(TreeProblem(path: path() + "/", reason: .belowLink(path())))
                    }
                    reasons.append(.duplicate)
                } else if let previousKey, !previousKey.lexicographicallyPrecedes(key) {
                    reasons.append(.unsorted)
                }
                previousKey = key
                if prefix.isEmpty && entry.isSymlink && entry.name == TreeGate.nanerName { reasons.append(.nanerIsLink) }
                if onWayToRepository, let reason = repositoryProblem(path(), isFolder: entry.isTree) { reasons.append(reason) }
                guard reasons.isEmpty else {
                    let shown = path()
                    verdict.problems += reasons.map { TreeProblem(path: shown, reason: $0) }
                    continue
                }
                if entry.isGitlink {
                    verdict.gitlinks.append(path())
                } else if entry.isTree {
                    let child = path() + "/"
                    let same = known[entry.name]
                    if same?.id == entry.id { continue }
                    if child.utf8.count(where: { $0 == UInt8(ascii: "/") }) > TreeGate.maximumDepth {
                        verdict.problems.append(TreeProblem(path: path(), reason: .tooDeep))
                    } else {
                        pending.append((entry.id, child, same?.id))
                    }
                }
            }
        }
        // The files naner reads as rules, unless HEAD holds them as they are.
        func changedBlob(_ path: String) -> ObjectID? {
            guard let entry = try? objects.entry(at: path, in: root) else { return nil }
            if let base, let old = try? objects.entry(at: path, in: base), old.id == entry.id { return nil }
            return entry.id
        }
        if let id = changedBlob(ModeTable.path), let bytes = try? objects.blobContent(id) {
            verdict.problems += modesProblems(bytes)
        }
        for path in [SyncIgnore.path, IncludeList.path] {
            if let id = changedBlob(path), let bytes = try? objects.blobContent(id) {
                verdict.problems += rulesProblems(path, bytes)
            }
        }
        verdict.problems = TreeGate.inPathOrder(verdict.problems)
        verdict.gitlinks.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return verdict
    }

    /// An archive's entries, already through `ArchiveSafety` (no `..`, no duplicates,
    /// nothing below a file or a link, links that stay inside): the names git refuses,
    /// naner's repository, `.naner` as a link and the archived `.naner/modes`.
    func check(archive entries: [ArchiveEntry]) -> Verdict {
        var verdict = Verdict()
        for entry in entries {
            var isLink = false
            if case .symlink = entry.content { isLink = true }
            if let reason = EntryName.pathProblem(entry.path, isSymlink: isLink) ?? repositoryProblem(entry.path, isFolder: false) {
                verdict.problems.append(TreeProblem(path: EntryName.shown(Array(entry.path.utf8)), reason: reason))
            } else if entry.path.utf8.count(where: { $0 == UInt8(ascii: "/") }) > TreeGate.maximumDepth {
                verdict.problems.append(TreeProblem(path: EntryName.shown(Array(entry.path.utf8)), reason: .tooDeep))
            } else if entry.path == ".naner" && isLink {
                verdict.problems.append(TreeProblem(path: entry.path, reason: .nanerIsLink))
            }
            if entry.path == ModeTable.path, case .file(let bytes, _) = entry.content {
                verdict.problems += modesProblems(bytes)
            }
            if entry.path == SyncIgnore.path || entry.path == IncludeList.path, case .file(let bytes, _) = entry.content {
                verdict.problems += rulesProblems(entry.path, bytes)
            }
        }
        verdict.problems = TreeGate.inPathOrder(verdict.problems)
        return verdict
    }

    /// By path (bytes), each path's problems in the order found (the first says most).
    private static func inPathOrder(_ problems: [TreeProblem]) -> [TreeProblem] {
        problems.enumerated().sorted { lhs, rhs in
            lhs.element.path == rhs.element.path ? lhs.offset < rhs.offset
                : lhs.element.path.utf8.lexicographicallyPrecedes(rhs.element.path.utf8)
        }.map(\.element)
    }

    /// Each line of a `.naner/modes` that came with a target, judged as the path it names.
    /// (A valid path the target does not hold is no problem: `ModeTable.incoming` drops it.)
    /// A `.syncignore` or include list that could not be read would stop every later
    /// command once written; it is refused before, with its own line-numbered reason.
    func rulesProblems(_ path: String, _ bytes: [UInt8]) -> [TreeProblem] {
        do {
            if path == SyncIgnore.path {
                _ = try SyncIgnore.translate(bytes)
            } else {
                guard let text = String(validating: bytes, as: UTF8.self) else { return [TreeProblem(path: path, reason: .notUTF8)] }
                _ = try IncludeList(text: text)
            }
            return []
        } catch let error as NanerError {
            return [TreeProblem(path: path, reason: .badRules(error.message))]
        } catch {
            return [TreeProblem(path: path, reason: .badRules("\(error)"))]
        }
    }

    func modesProblems(_ bytes: [UInt8]) -> [TreeProblem] {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return [TreeProblem(path: ModeTable.path, reason: .notUTF8)]
        }
        return ModeTable(text: text).modes.keys.sorted().compactMap { key in
            let path = key.hasSuffix("/") ? String(key.dropLast()) : key
            guard let reason = EntryName.pathProblem(path) ?? repositoryProblem(path, isFolder: key.hasSuffix("/")) else { return nil }
            return TreeProblem(path: EntryName.shown(Array(path.utf8)), reason: .inModes(reason))
        }
    }

    /// What the home itself adds: a `.naner` that is a link there, when the plan writes below it.
    func localProblems(writing paths: [String]) -> [TreeProblem] {
        guard let path = paths.first(where: { $0 == ".naner" || $0.hasPrefix(".naner/") }),
              PathStatus(path: locations.home + "/.naner")?.kind == .symlink else { return [] }
        return [TreeProblem(path: path, reason: .throughNanerLink)]
    }

    /// `path` lies in naner's repository, or is a file or link where a folder on the way to it is.
    /// The repository's own folder as a folder is judged by what it holds.
    private func repositoryProblem(_ path: String, isFolder: Bool) -> TreeProblem.Reason? {
        for repository in repositoryPaths {
            if (path == repository && !isFolder) || path.hasPrefix(repository + "/") { return .ownRepository }
            if !isFolder && repository.hasPrefix(path + "/") { return .replacesRepositoryFolder }
        }
        return nil
    }
}
