import FoundationEssentials
import GitKit

extension Checkout {
    /// Saves the tree as it is now, uncommitted edits included, as `refs/naner/safety/PREFIX-DATE`.
    func save(_ point: SafetyPoint, scan: ScanResult) throws -> String {
        let (reason, prefix, now, base, given) = (point.reason, point.prefix, point.now, point.base, point.parents)
        let head = try repository.headCommitID()
        let headTree = try base ?? head.map { try repository.commit($0).treeID }
        // Entries only refreshed (same content, new stat data) change nothing in the tree.
        let changed = Set(scan.changes.filter { $0.kind == .modified || $0.kind == .added }.map(\.path))
        var updates = scan.updates.filter { changed.contains($0.path) }
        if scan.permissionsChanged {
            let text = Array(scan.modeTable.text.utf8)
            let id = try repository.objectDatabase().write(text, kind: .blob)
            updates.append(IndexEntry(path: ModeTable.path, id: id, mode: IndexEntry.regularMode))
        }
        let tree = try updates.isEmpty && scan.removals.isEmpty && headTree != nil
            ? headTree! : repository.tree(from: headTree, updating: updates, removing: scan.removals)
        var name = BackupName.automatic(now, prefix: prefix)
        var attempt = 1
        while try repository.referenceExists(BackupName.safetyPrefix + name) {
            attempt += 1
            name = BackupName.automatic(now, prefix: prefix) + "-\(attempt)"
        }
        let committer = workspace.signature()
        let commit = try repository.createCommit(tree: tree, parents: given ?? head.map { [$0] } ?? [],
                                                 message: "safety point before \(reason)\n", signature: committer, updateRef: nil,
                                                 signer: workspace.signer(committer))
        try workspace.moveReference(BackupName.safetyPrefix + name, to: commit, message: "naner: safety point before \(reason)")
        return name
    }
}
