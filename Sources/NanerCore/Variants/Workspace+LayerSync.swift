import Foundation
import GitKit

/// The pull of a machine with variants. Each layer branch this machine keeps takes in
/// the other machines' commits of that branch, then the layers below it: `os/…` and
/// `class/…` merge `main`, the host branch merges all of them. A real 3-way merge each
/// time, so a shared edit reaches every variant with the base being the shared version
/// that variant last took in; where both changed the same lines, the sync stops on this
/// machine with markers in the file and exit 3, as any sync conflict does.
extension Workspace {
    /// This machine's layers, lowest first, as HEAD's variants table has them.
    func layerChain() throws -> [Layer] {
        try committedVariants().chain(for: machine)
    }

    func pullLayers(_ remote: SyncRemote, _ options: SyncOptions, folderPresent: Bool) throws -> PullOutcome {
        guard let head = try repository.headCommitID() else { throw NanerError.repositoryMissing(locations.repository) }
        var fetched: [String: ObjectID] = [:]
        if folderPresent {
            let holding = "refs/naner/incoming/\(remote.name)/"
            defer { deleteReferences(under: holding) }
            try fetch(remote, into: holding, tags: true, options: options)
            let machine = try self.machine
            // Only the branches this machine could take in pass the gate and count.
            let mine = Set([Layer.shared, .os(machine.os), .host(machine.host)].map(\.branchName)
                           + machine.classes.map { Layer.machineClass($0).branchName })
            for reference in try repository.references(matching: holding + "*") {
                let name = String(reference.name.dropFirst(holding.count))
                if mine.contains(name) {
                    try checkout.admit(commit: reference.commit, label: remote.name, base: head)
                    fetched[name] = reference.commit
                }
            }
            for reference in try repository.references(matching: holding + "*") {
                try moveReference(remote.trackingPrefix + reference.name.dropFirst(holding.count), to: reference.commit,
                                  message: "naner: fetch \(remote.name)")
            }
        }
        let target = try composeLayers(fetched: fetched, head: head, label: remote.name)
        guard target != head else { return fetched.isEmpty ? .remoteEmpty : .upToDate }
        let merged = try repository.commit(target).parentIDs.count > 1
        let plan = try layOut(from: head, to: target, label: remote.name, message: "naner sync: the layers from \(remote.name)")
        return merged ? .merged(commit: target, files: plan.actions) : .fastForward(to: target, files: plan.actions)
    }

    /// Brings every layer branch up to date (moving each but the host's) and returns the
    /// host branch's new commit, which the caller lays out.
    private func composeLayers(fetched: [String: ObjectID], head: ObjectID, label: String) throws -> ObjectID {
        let machine = try self.machine
        func local(_ layer: Layer) -> ObjectID? { try? repository.resolveCommit(layer.reference) }
        let sharedBefore = local(.shared) ?? head
        let shared = try integrate(.shared, ours: sharedBefore, theirs: fetched[Layer.shared.branchName], label: label, head: head)
        if shared != sharedBefore { try moveReference(Layer.shared.reference, to: shared, message: "naner sync: \(label)") }
        let table = VariantTable.load(tree: try repository.commit(shared).treeID, repository: try repository)
        let chain = table.chain(for: machine)
        var now: [Layer: ObjectID] = [.shared: shared]
        for layer in chain.dropFirst() {
            let isHost = layer == chain.last
            let before = isHost ? head : local(layer) ?? fetched[layer.branchName] ?? shared
            var commit = before
            if let theirs = fetched[layer.branchName] {
                commit = try integrate(layer, ours: commit, theirs: theirs, label: label, head: head, isHost: isHost)
            }
            for upstream in isHost ? Array(chain.dropLast()) : [.shared] {
                commit = try integrate(layer, ours: commit, theirs: now[upstream], label: upstream.description, head: head, isHost: isHost)
            }
            commit = try droppingStaleVariants(layer, commit: commit, before: before, table: table, shared: shared)
            if isHost { return commit }
            now[layer] = commit
            if commit != local(layer) { try moveReference(layer.reference, to: commit, message: "naner sync: \(label)") }
        }
        return head
    }

    /// `ours` with `theirs` taken in: unchanged, a fast-forward or a merge commit. A merge
    /// that conflicts in files this layer supplies here stops the sync (`stopInLayer`).
    private func integrate(_ layer: Layer, ours: ObjectID, theirs: ObjectID?, label: String, head: ObjectID,
                           isHost: Bool = false) throws -> ObjectID {
        guard let theirs else { return ours }
        switch try SyncPlan.decidePull(ours: ours, theirs: theirs, in: repository) {
        case .notAsked, .remoteEmpty, .upToDate:
            return ours
        case .fastForward(let commit):
            return commit
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
            guard conflicts.isEmpty else {
                try stopInLayer(layer, outcome: outcome, conflicts: conflicts, ours: ours, theirs: commit, head: head, label: label,
                                isHost: isHost, message: message)
            }
            let committer = signature()
            return try repository.createCommit(tree: outcome.tree, parents: [ours, commit], message: message, signature: committer,
                                               updateRef: nil, signer: signer(committer))
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
        var updates: [IndexEntry] = [], removals: [String] = []
        for path in stale.sorted() {
            if let entry = try repository.entry(at: path, in: sharedTree) {
                updates.append(IndexEntry(path: path, id: entry.id, mode: entry.mode))
            } else if try repository.entry(at: path, in: tree) != nil {
                removals.append(path)
            }
        }
        let newTree = try repository.tree(from: tree, updating: updates, removing: removals)
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

    /// Lays out this machine's layers without talking to a remote: after `init --from`
    /// (the branches fetched under `tracking`), or when this machine joins or leaves a class.
    /// Enters layered mode first when the configuration has variants; nothing otherwise.
    func takeUpLayers(tracking prefix: String?, label: String) throws {
        guard try isLayered || !committedVariants().isEmpty else { return }
        try enterLayers()
        guard let head = try repository.headCommitID() else { return }
        var fetched: [String: ObjectID] = [:]
        if let prefix {
            let machine = try self.machine
            let mine = Set([Layer.os(machine.os), .host(machine.host)].map(\.branchName)
                           + machine.classes.map { Layer.machineClass($0).branchName })
            for reference in try repository.references(matching: prefix + "*") {
                let name = String(reference.name.dropFirst(prefix.count))
                guard mine.contains(name) else { continue }
                try checkout.admit(commit: reference.commit, label: label, base: head)
                fetched[name] = reference.commit
            }
        }
        let target = try composeLayers(fetched: fetched, head: head, label: label)
        if target != head { _ = try layOut(from: head, to: target, label: label, message: "naner: this machine's layers") }
    }
}
