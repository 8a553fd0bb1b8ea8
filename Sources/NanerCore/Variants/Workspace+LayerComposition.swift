import FoundationEssentials
import GitKit

/// Composing the layers: each branch this machine keeps takes in the other machines'
/// commits of it and the layers below it, by real merges (see `Workspace+LayerSync`).
extension Workspace {
    /// What composing the layers does: the host branch's new commit (which the caller lays
    /// out) and, in a preview, the files whose merge would stop on conflicts.
    struct Composition {
        var target: ObjectID
        var conflicts: [String] = []
    }

    /// Brings every layer branch up to date (moving each but the host's) and returns the
    /// host branch's new commit. A `preview` (`sync --dry-run`) makes the same merges
    /// without moving a branch or writing a file, and collects the conflicts instead of
    /// stopping on them.
    func composeLayers(fetched: [String: ObjectID], head: ObjectID, label: String, preview: Bool = false) throws -> Composition {
        var composition = Composition(target: head)
        let machine = try self.machine
        func local(_ layer: Layer) -> ObjectID? { try? repository.resolveCommit(layer.reference) }
        func move(_ layer: Layer, to commit: ObjectID) throws {
            if !preview, commit != local(layer) { try moveReference(layer.reference, to: commit, message: "naner sync: \(label)") }
        }
        func integrate(_ layer: Layer, ours: ObjectID, theirs: ObjectID?, label: String, isHost: Bool = false) throws -> ObjectID {
            let (commit, conflicts) = try self.integrate(layer, ours: ours, theirs: theirs, label: label, head: head, isHost: isHost,
                                                         preview: preview)
            composition.conflicts += conflicts
            return commit
        }
        let sharedBefore = local(.shared) ?? head
        let shared = try integrate(.shared, ours: sharedBefore, theirs: fetched[Layer.shared.branchName], label: label)
        try move(.shared, to: shared)
        let table = VariantTable.load(tree: try repository.commit(shared).treeID, repository: try repository)
        let chain = table.chain(for: machine)
        var now: [Layer: ObjectID] = [.shared: shared]
        for layer in chain.dropFirst() {
            let isHost = layer == chain.last
            let before = isHost ? head : local(layer) ?? fetched[layer.branchName] ?? shared
            var commit = before
            if let theirs = fetched[layer.branchName] {
                commit = try integrate(layer, ours: commit, theirs: theirs, label: label, isHost: isHost)
            }
            for upstream in isHost ? Array(chain.dropLast()) : [.shared] {
                commit = try integrate(layer, ours: commit, theirs: now[upstream], label: upstream.description, isHost: isHost)
            }
            commit = try droppingStaleVariants(layer, commit: commit, before: before, table: table, shared: shared)
            if isHost {
                composition.target = commit
                return composition
            }
            now[layer] = commit
            try move(layer, to: commit)
        }
        return composition
    }

    /// `ours` with `theirs` taken in: unchanged, a fast-forward or a merge commit. A merge
    /// that conflicts in files this layer supplies here stops the sync (`stopInLayer`); in a
    /// preview it is made all the same (markers in its tree) and its conflicts are returned.
    private func integrate(_ layer: Layer, ours: ObjectID, theirs: ObjectID?, label: String, head: ObjectID,
                           isHost: Bool, preview: Bool) throws -> (ObjectID, conflicts: [String]) {
        guard let theirs else { return (ours, []) }
        switch try SyncPlan.decidePull(ours: ours, theirs: theirs, in: repository) {
        case .notAsked, .remoteEmpty, .upToDate:
            return (ours, [])
        case .fastForward(let commit):
            return (commit, [])
        case .merge(let commit):
            let machine = try self.machine
            let table = VariantTable.load(tree: try repository.commit(commit).treeID, repository: try repository)
            // Variants this host no longer keeps take the other side's version: they are going back to it anyway.
            let given = isHost ? try variedHere(ours, machine: machine).subtracting(variedHere(commit, machine: machine)) : []
            let (outcome, conflicts) = try timed("merge") {
                try mergeForPull(ours: ours, theirs: commit, choosing: { path in
                    if isHost { return given.contains(path) ? .theirs : .merge }
                    return (try? table.owner(of: path, on: machine)) == layer ? .merge : .ours
                })
            }
            let message = "merge \(label) into \(layer.branchName)\n"
            if !conflicts.isEmpty && !preview {
                try stopInLayer(layer, outcome: outcome, conflicts: conflicts, ours: ours, theirs: commit, head: head, label: label,
                                isHost: isHost, message: message)
            }
            let committer = signature()
            // A preview's merge commit is never signed: nothing names it, and a signing prompt would surprise.
            return (try repository.createCommit(tree: outcome.tree, parents: [ours, commit], message: message, signature: committer,
                                                updateRef: nil, signer: preview ? nil : signer(committer)), conflicts)
        }
    }

    /// The paths some layer of `machine` varies, as `commit`'s table has them.
    private func variedHere(_ commit: ObjectID, machine: MachineIdentity) throws -> Set<String> {
        let table = VariantTable.load(tree: try repository.commit(commit).treeID, repository: try repository)
        return Set(table.entries.filter { $0.layer != .shared && machine.uses($0.layer) }.map(\.path))
    }

    /// Paths `layer` varied before (in `before`'s table) that no longer vary there: the
    /// layer takes the shared version back, so the file stops differing on this machine.
    private func droppingStaleVariants(_ layer: Layer, commit: ObjectID, before: ObjectID, table: VariantTable,
                                       shared: ObjectID) throws -> ObjectID {
        let previous = VariantTable.load(tree: try repository.commit(before).treeID, repository: try repository)
        let stale = Set(previous.entries.filter { $0.layer == layer }.map(\.path)).filter { !table.layers(of: $0).contains(layer) }
        guard !stale.isEmpty else { return commit }
        let tree = try repository.commit(commit).treeID, sharedTree = try repository.commit(shared).treeID
        let newTree = try self.tree(tree, taking: stale.sorted()) { _ in sharedTree }
        guard newTree != tree else { return commit }
        let committer = signature()
        let names = stale.sorted().map { "'\($0)'" }.joined(separator: ", ")
        return try repository.createCommit(tree: newTree, parents: [commit],
                                           message: "\(names) no longer \(stale.count == 1 ? "varies" : "vary") for \(layer.description)\n",
                                           signature: committer, updateRef: nil, signer: signer(committer))
    }

    /// Lays out what this machine sees of a merge that stopped on conflicts and records it
    /// as any sync conflict is recorded. For a branch below the host's, only the files that
    /// branch supplies here change in the home; the commit that finishes the merge makes the
    /// merge commit on that branch (`MergeState.branch`).
    private func stopInLayer(_ layer: Layer, outcome: MergeOutcome, conflicts: [String], ours: ObjectID, theirs: ObjectID,
                             head: ObjectID, label: String, isHost: Bool, message: String) throws -> Never {
        let rules = try refreshRules()
        let scan = try self.scan(rules: rules, mode: .commit(gitDirectory: locations.repository), index: try repository.index())
        let headTree = try repository.commit(head).treeID
        let view: ObjectID
        if isHost {
            view = outcome.tree
        } else {
            let machine = try self.machine
            let table = VariantTable.load(tree: outcome.tree, repository: try repository)
            let supplied = try repository.changes(from: repository.commit(ours).treeID, to: outcome.tree)
                .filter { (try? table.owner(of: $0.path, on: machine)) == layer }
            view = try repository.tree(from: headTree,
                                       updating: supplied.compactMap { change in
                                           change.newID.map { IndexEntry(path: change.path, id: $0, mode: change.newMode) } },
                                       removing: supplied.filter { $0.newID == nil }.map(\.path))
        }
        let target = try RestoreTarget.tree(view, commit: nil, label: label, head: head, repository: try repository)
        let plan = try planIncoming(target, scan: scan)
        try checkout.run(plan, from: target, scan: scan, saving: nil)
        let secrets = try secretPaths(ours, theirs)
        for path in conflicts where secrets.contains(path) { keepRemoteSecret(path, theirs: theirs) }
        var state = MergeState(remote: label, ours: head.hex, theirs: theirs.hex, written: plan.actions.map(\.path),
                               conflicts: conflicts.sorted())
        if !isHost {
            state.branch = layer.reference
            state.mergedTree = outcome.tree.hex
        }
        try state.save(repository: locations.repository, message: message)
        throw SyncError.mergeConflicts(state.conflicts)
    }
}
