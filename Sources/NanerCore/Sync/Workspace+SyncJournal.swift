import FoundationEssentials
import GitKit

extension Workspace {
    /// Moves the tree, HEAD's branch and the index from `from` to `to`, journalled.
    func layOut(from: ObjectID, to: ObjectID, label: String, message: String) throws -> RestorePlan {
        try SyncJournal(remote: label, from: from.hex, to: to.hex).save(repository: locations.repository)
        let target: RestoreTarget, scan: ScanResult, plan: RestorePlan
        do {
            let rules = try refreshRules()
            scan = try self.scan(rules: rules, mode: .commit(gitDirectory: locations.repository), index: try repository.index())
            target = try RestoreTarget.commit(to, label: label, head: from, repository: repository)
            plan = try timed("plan") { try planIncoming(target, scan: scan) }
        } catch {
            // Refused before a byte was written: nothing is left to finish, so no later
            // command replays the refusal.
            SyncJournal.clear(repository: locations.repository)
            throw error
        }
        try timed("write") { _ = try checkout.run(plan, from: target, scan: scan, saving: nil) }
        try moveReference(headReference, to: to, message: message)
        try checkout.updateIndex(from: from, to: to, written: plan.actions.map(\.path))
        SyncJournal.clear(repository: locations.repository)
        return plan
    }

    /// Finishes a pull that was killed while laying files out; true when there was one.
    @discardableResult
    func finishInterruptedPull() throws -> Bool {
        guard let journal = SyncJournal.load(repository: locations.repository) else { return false }
        guard let from = ObjectID(hex: journal.from), let to = ObjectID(hex: journal.to),
              (try? repository.commit(to)) != nil, let head = try repository.headCommitID() else {
            SyncJournal.clear(repository: locations.repository)
            return false
        }
        switch head {
        case from:
            // Files already written equal the target now and are left as they are.
            _ = try layOut(from: from, to: to, label: journal.remote, message: "naner sync: finish the interrupted pull")
        case to:
            let changed = try repository.changes(from: repository.commit(from).treeID, to: repository.commit(to).treeID).map(\.path)
            try checkout.updateIndex(from: from, to: to, written: changed)
            SyncJournal.clear(repository: locations.repository)
        default:
            interaction.warn("an interrupted pull from '\(journal.remote)' was overtaken by another commit; the next sync merges it again")
            SyncJournal.clear(repository: locations.repository)
            return false
        }
        interaction.warn("finished the pull from '\(journal.remote)' that was interrupted")
        return true
    }
}
