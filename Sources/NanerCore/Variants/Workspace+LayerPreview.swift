import FoundationEssentials
import GitKit

extension Workspace {
    /// `naner sync --dry-run` with variants: the real run's merges of every layer
    /// (`composeLayers` in preview), the real run's plan of the files it would write, and
    /// the push decided branch by branch as the real push decides it.
    func planLayers(_ direction: SyncDirection, _ options: SyncOptions, remote: SyncRemote, here: ScanResult, head: ObjectID,
                    fetched: [String: ObjectID]) throws -> SyncPlan {
        var pull: SyncPlan.Pull = .notAsked, conflicts: [String] = [], target = head
        if direction.pulls {
            if fetched.isEmpty {
                pull = .remoteEmpty
            } else {
                let composition = try composeLayers(fetched: fetched, head: head, label: remote.name, preview: true)
                target = composition.target
                conflicts = Array(Set(composition.conflicts)).sorted()
                if target == head {
                    pull = .upToDate
                } else {
                    pull = try repository.commit(target).parentIDs.count > 1 ? .merge(with: target) : .fastForward(to: target)
                    let incoming = try RestoreTarget.commit(target, label: remote.name, head: head, repository: repository)
                    _ = try timed("plan") { try planIncoming(incoming, scan: here) }
                }
            }
        }
        let chain = try layerChain()
        var push: SyncPlan.Push = .notAsked
        if direction.pushes {
            var decisions: [SyncPlan.Push] = []
            for layer in chain {
                guard let local = layer == chain.last ? head : try? repository.resolveCommit(layer.reference) else { continue }
                let lastSeen = try? repository.resolveCommit(remote.trackingPrefix + layer.branchName)
                decisions.append(try SyncPlan.decidePush(local: local, there: fetched[layer.branchName], lastSeen: lastSeen,
                                                         pullFirst: direction.pulls, force: options.force, remote: remote, in: repository))
            }
            push = SyncPlan.Push.strongest(of: decisions)
        }
        let locals = chain.compactMap { try? repository.resolveCommit($0.reference) }
        var behind: [CommitInfo] = []
        for commit in fetched.values {
            for info in try repository.commits(from: commit, hiding: locals + [head]) where !behind.contains(where: { $0.id == info.id }) {
                behind.append(info)
            }
        }
        let headTree = try repository.commit(head).treeID
        let remoteView = try (fetched[chain.last?.branchName ?? ""] ?? fetched[Layer.shared.branchName]).map { try repository.commit($0).treeID }
        return SyncPlan(remote: remote, direction: direction, remoteExists: !fetched.isEmpty, pull: pull, push: push,
                        ahead: direction.pushes ? try repository.commits(from: head, hiding: Array(fetched.values)) : [],
                        behind: direction.pulls ? behind : [],
                        incoming: direction.pulls && target != head ? try repository.changes(from: headTree, to: repository.commit(target).treeID) : [],
                        outgoing: direction.pushes ? try repository.changes(from: remoteView, to: headTree) : [],
                        uncommitted: here.changes.filter { $0.kind != .excluded }.count, conflicts: conflicts)
    }
}

extension SyncPlan.Push {
    /// One word for several branches' pushes: a refusal wins, then a pull needed first,
    /// then anything that writes, else nothing to do.
    static func strongest(of decisions: [SyncPlan.Push]) -> SyncPlan.Push {
        for decision in decisions { if case .refused = decision { return decision } }
        for decision in decisions { if case .afterPull = decision { return decision } }
        for decision in decisions { if case .overwrite = decision { return decision } }
        if decisions.contains(.create) { return .create }
        if decisions.contains(.fastForward) { return .fastForward }
        return .upToDate
    }
}
