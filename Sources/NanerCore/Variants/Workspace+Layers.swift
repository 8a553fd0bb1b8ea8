import FoundationEssentials
import GitKit

/// The layer branches behind variants. A machine whose configuration has variants keeps
/// HEAD on its host branch (`host/NAME`), whose tree is exactly its home as naner lays
/// it out, so `git status` there is clean; `main` holds the shared configuration, and
/// `os/…` and `class/…` branches the versions of their layers. Each commit here sends every
/// changed path to the layer that owns it on this machine (`layerCommits`); a sync merges
/// each layer with the other machines' and with the layers below it (`composeLayers`).
extension Workspace {
    /// This machine's host name, OS and classes (machine-local config).
    public var machine: MachineIdentity {
        get throws { MachineIdentity.load(config: try repository.config()) }
    }

    /// True when HEAD is on a host branch: the configuration has variants.
    var isLayered: Bool { branchName.hasPrefix("host/") }

    /// `refs/heads/` and the branch HEAD names.
    var headReference: String { "refs/heads/" + branchName }

    /// The variants table as HEAD's tree records it.
    func committedVariants() throws -> VariantTable {
        guard let head = try repository.headCommitID() else { return VariantTable() }
        return VariantTable.load(tree: try repository.commit(head).treeID, repository: try repository)
    }

    /// Moves HEAD from `main` onto this machine's host branch, made at HEAD's commit (the
    /// two hold the same tree, so nothing in the home changes); says so once.
    func enterLayers() throws {
        guard !isLayered, let head = try repository.headCommitID() else { return }
        let host = Layer.host(try machine.host)
        if try !repository.referenceExists(host.reference) {
            try moveReference(host.reference, to: head, message: "naner: variants begin on this machine")
        }
        try repository.setHead(branch: host.branchName)
        interaction.warn("this configuration has per-machine variants: this machine now follows branch '\(host.branchName)' "
                         + "('main' keeps the shared configuration)")
    }

    /// The layer commits a commit of `tree` (over HEAD's `headTree`) makes below the host
    /// branch: each changed path goes to the layer that owns it here and to every layer
    /// above that one in this machine's chain, so each branch keeps a whole configuration.
    /// `merge`: a sync merge into one of these branches that this commit finishes (its
    /// tree, markers and all, is the base; the other side becomes a second parent).
    /// Returns the references to move once the commit has landed.
    func layerCommits(from headTree: ObjectID?, to tree: ObjectID, message: String, committer: Signature,
                      merge: MergeState?) throws -> [(reference: String, commit: ObjectID)] {
        let table = VariantTable.load(tree: tree, repository: try repository)
        let machine = try self.machine
        let chain = table.chain(for: machine)
        var changes = try repository.changes(from: headTree, to: tree).map { (path: $0.path, id: $0.newID, mode: $0.newMode) }
        guard !changes.isEmpty || merge != nil else { return [] }
        if changes.contains(where: { $0.path == VariantTable.path }) {
            // A table this machine could not follow (two of its classes vary one path) is not committed.
            for path in table.paths { _ = try table.owner(of: path, on: machine) }
            // A path whose layer changed here takes this machine's version to its new layer
            // (`variant remove --keep-here` shares it), edited or not.
            let before = try headTree.map { VariantTable.load(tree: $0, repository: try repository) } ?? VariantTable()
            let edited = Set(changes.map(\.path))
            for path in before.paths.union(table.paths).subtracting(edited).sorted()
            where (try? before.owner(of: path, on: machine)) != (try? table.owner(of: path, on: machine)) {
                if let entry = try repository.entry(at: path, in: tree) { changes.append((path, entry.id, entry.mode)) }
            }
        }
        var position: [Layer: Int] = [:]
        for (index, layer) in chain.enumerated() { position[layer] = index }
        // `.naner/modes` is one table for every layer: each layer takes the lines of the paths
        // whose version it holds, so a host variant's 0600 never reaches main.
        var modeChanges: [(path: String, mode: UInt32?, owner: Int)] = []
        if let modes = changes.firstIndex(where: { $0.path == ModeTable.path }) {
            let old = try headTree.map(modeTable(in:)) ?? ModeTable(), new = try modeTable(in: tree)
            for path in Set(old.modes.keys).union(new.modes.keys).sorted() where old.modes[path] != new.modes[path] {
                let owner = path.hasSuffix("/") ? 0 : position[try table.owner(of: path, on: machine)] ?? 0
                modeChanges.append((path, new.modes[path], owner))
            }
            changes.remove(at: modes)
        }
        let owners = try changes.map { position[try table.owner(of: $0.path, on: machine)] ?? 0 }
        var moves: [(reference: String, commit: ObjectID)] = []
        var mainNow: ObjectID?
        for (index, layer) in chain.enumerated() where index < chain.count - 1 {
            let pending = merge?.branch == layer.reference ? merge : nil
            // A layer new to this machine starts from the shared configuration.
            let current = (try? repository.resolveCommit(layer.reference)) ?? mainNow ?? (try? repository.resolveCommit(Layer.shared.reference))
            let owned = zip(changes, owners).filter { $0.1 <= index }.map(\.0)
            let ownedModes = modeChanges.filter { $0.owner <= index }
            if index == 0 { mainNow = current }
            guard !owned.isEmpty || !ownedModes.isEmpty || pending != nil else {
                if let current, current != (try? repository.resolveCommit(layer.reference)) { moves.append((layer.reference, current)) }
                continue
            }
            let base = try pending.flatMap { $0.mergedTree.flatMap(ObjectID.init(hex:)) } ?? current.map { try repository.commit($0).treeID }
            var updates = owned.compactMap { change in change.id.map { IndexEntry(path: change.path, id: $0, mode: change.mode) } }
            let removals = owned.filter { $0.id == nil }.map(\.path)
            if !ownedModes.isEmpty {
                let before = try base.map(modeTable(in:)) ?? ModeTable()
                var modes = before
                for change in ownedModes { modes.set(change.path, change.mode) }
                if modes != before {
                    let id = try repository.objectDatabase().write(Array(modes.text.utf8), kind: .blob)
                    updates.append(IndexEntry(path: ModeTable.path, id: id, mode: IndexEntry.regularMode))
                }
            }
            let layerTree = try repository.tree(from: base, updating: updates, removing: removals)
            if pending == nil, let current, try repository.commit(current).treeID == layerTree {
                if current != (try? repository.resolveCommit(layer.reference)) { moves.append((layer.reference, current)) }
                continue
            }
            let parents = [current].compactMap { $0 } + [pending.flatMap { ObjectID(hex: $0.theirs) }].compactMap { $0 }
            let commit = try repository.createCommit(tree: layerTree, parents: parents, message: message, signature: committer,
                                                     updateRef: nil, signer: signer(committer))
            moves.append((layer.reference, commit))
            if index == 0 { mainNow = commit }
        }
        return moves
    }

    /// The `.naner/modes` a tree holds (empty when none).
    private func modeTable(in tree: ObjectID) throws -> ModeTable {
        guard let entry = try repository.entry(at: ModeTable.path, in: tree) else { return ModeTable() }
        return ModeTable(text: String(decoding: try repository.blobContent(entry.id), as: UTF8.self))
    }

    /// `base` with each of `paths` as the tree `source` gives for it has it (removed where
    /// that tree lacks it): a layer taking another layer's version of some files.
    func tree(_ base: ObjectID, taking paths: [String], from source: (String) throws -> ObjectID) throws -> ObjectID {
        var updates: [IndexEntry] = [], removals: [String] = []
        for path in paths {
            if let entry = try repository.entry(at: path, in: source(path)) {
                updates.append(IndexEntry(path: path, id: entry.id, mode: entry.mode))
            } else if try repository.entry(at: path, in: base) != nil {
                removals.append(path)
            }
        }
        return try repository.tree(from: base, updating: updates, removing: removals)
    }
}
