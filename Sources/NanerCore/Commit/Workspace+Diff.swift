import FoundationEssentials
import GitKit

extension Workspace {
    /// A backup, safety point, tag or commit that `naner diff` compares the tree with,
    /// when `argument` names one and no file of the tree.
    public func diffBase(_ argument: String) -> ObjectID? {
        if FileManager.default.fileExists(atPath: Paths.absolute(argument)) && argument.contains("/") { return nil }
        if let reference = try? backupReference(argument), let id = try? repository.resolveCommit(reference) { return id }
        if (try? treePath(argument)).map({ FileManager.default.fileExists(atPath: locations.home + "/" + $0) }) == true { return nil }
        return try? repository.resolveCommit(argument)
    }

    /// `naner diff [NAME] [PATH…]`: what `naner commit` would record, or with `base`, how
    /// the tree differs from that backup or commit. Patches are git's (UnifiedDiff); with
    /// no base, the index and objects are read from the repository's files, and libgit2 is
    /// loaded only for what they cannot give. Refused files are listed by the caller from
    /// `scan.refused`, never shown; secrets stored encrypted are named, not shown.
    public func diff(paths arguments: [String], against base: ObjectID? = nil) throws -> (diffs: [FileDiff], scan: ScanResult) {
        let filters = try arguments.map { try treePath($0) }
        let scan = try statusScan()
        let objects = TreeReader(gitDir: locations.repository) { [self] in try self.repository }
        let secrets = scan.secretCount > 0 || FileStat(path: locations.home + "/" + SecretList.path) != nil
            ? SecretList.load(home: locations.home) : SecretList()
        if let base { return (try diff(against: base, scan: scan, filters: filters, objects: objects, secrets: secrets), scan) }
        func selected(_ path: String) -> Bool {
            filters.isEmpty || filters.contains { path == $0 || path.hasPrefix($0 + "/") }
        }
        let changes = scan.changes.filter { selected($0.path) }
        let entries = changes.isEmpty ? [] : scan.indexEntries
        // The index is sorted in git's byte order: each change's entry is found by bisection.
        func entry(_ path: String) -> IndexEntry? {
            let position = TreeScanner.firstPosition(notBefore: Array(path.utf8), in: entries)
            return position < entries.count && entries[position].pathIs(path) ? entries[position] : nil
        }

        var diffs: [FileDiff] = []
        var modeChanges = scan.modeChanges.filter { selected($0.isFolder ? String($0.path.dropLast()) : $0.path) }
        for change in changes {
            var patch = ""
            if secrets.contains(change.path) {
                diffs.append(FileDiff(change: change, patch: "", isSecret: true))
                continue
            }
            if change.kind != .excluded {
                let old = try entry(change.path).map { UnifiedDiff.Side(id: $0.id, mode: $0.mode, bytes: try objects.blobContent($0.id)) }
                let new = try change.kind == .deleted ? nil : currentSide(change.path, links: scan.links, keepingModeOf: old)
                patch = UnifiedDiff.patch(path: change.path, old: old, new: new)
            }
            if let place = modeChanges.firstIndex(where: { $0.path == change.path }) {
                let modeChange = modeChanges.remove(at: place)
                diffs.append(FileDiff(change: change, modeChange: modeChange, patch: Workspace.addingModeLines(modeChange, to: patch)))
            } else {
                diffs.append(FileDiff(change: change, patch: patch))
            }
        }
        // Permissions alone: git's header and mode lines, as `git diff` shows an exec bit flipped.
        for modeChange in modeChanges {
            diffs.append(FileDiff(change: nil, modeChange: modeChange, patch: modeChange.gitHeader))
        }
        return (diffs.sorted { $0.path < $1.path }, scan)
    }

    /// The file as it is now, as git would store it: a link as its target (as the link
    /// table records it). Its mode is `recorded`'s when the kind is the same, so that mode
    /// changes are told once, from the scan's own list (which knows modes git does not).
    private func currentSide(_ path: String, links: LinkTable, keepingModeOf recorded: UnifiedDiff.Side?) throws -> UnifiedDiff.Side? {
        let absolute = locations.home + "/" + path
        guard let status = FileStat(path: absolute) else { return nil }
        let bytes = try status.isSymlink
            ? links.stored(path, local: FileReader.readLink(absolute), home: locations.home) : FileReader.read(absolute)
        let kind = status.isSymlink ? IndexEntry.symlinkMode : status.mode & 0o100 != 0 ? IndexEntry.executableMode : IndexEntry.regularMode
        let mode = recorded.map { ($0.mode ^ kind) & 0o170000 == 0 ? $0.mode : kind } ?? kind
        return UnifiedDiff.Side(id: try ObjectID.hash(bytes, kind: .blob), mode: mode, bytes: bytes)
    }

    /// `patch` with `old mode`/`new mode` after its first line and no mode on its `index`
    /// line, as git prints a file whose mode and content changed.
    static func addingModeLines(_ change: ModeChange, to patch: String) -> String {
        guard !patch.isEmpty else { return change.gitHeader }
        var lines = patch.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let index = lines.firstIndex(where: { $0.hasPrefix("index ") }) {
            let words = lines[index].split(separator: " ")
            if words.count == 3 { lines[index] = words[0...1].joined(separator: " ") }
        }
        lines.insert(contentsOf: change.gitModeLines.split(separator: "\n").map(String.init), at: 1)
        return lines.joined(separator: "\n")
    }

    private func diff(against base: ObjectID, scan: ScanResult, filters: [String], objects: TreeReader,
                      secrets: SecretList) throws -> [FileDiff] {
        func selected(_ path: String) -> Bool { filters.isEmpty || filters.contains { path == $0 || path.hasPrefix($0 + "/") } }
        let baseTree = try repository.commit(base).treeID
        let refused = Set((scan.refused + scan.skipped).map(\.path))
        var paths = Set(scan.changes.filter { $0.kind != .excluded }.map(\.path))
        if let head = try repository.headCommitID() {
            paths.formUnion(try repository.changes(from: baseTree, to: repository.commit(head).treeID).map(\.path))
        }
        var diffs: [FileDiff] = []
        for path in paths.sorted() where selected(path) && !refused.contains(path) {
            let recorded = try repository.entry(at: path, in: baseTree)
            let old = try recorded.map { UnifiedDiff.Side(id: $0.id, mode: $0.mode, bytes: try objects.blobContent($0.id)) }
            let new = try currentSide(path, links: scan.links, keepingModeOf: nil)
            if let old, let new, old.id == new.id, old.mode == new.mode { continue }
            let kind: FileChange.Kind = old == nil ? .added : new == nil ? .deleted : .modified
            let change = FileChange(path: path, kind: kind, rule: nil)
            if secrets.contains(path) {
                diffs.append(FileDiff(change: change, patch: "", isSecret: true))
            } else {
                diffs.append(FileDiff(change: change, patch: UnifiedDiff.patch(path: path, old: old, new: new)))
            }
        }
        return diffs
    }
}
