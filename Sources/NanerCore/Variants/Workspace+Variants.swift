import FoundationEssentials
import GitKit

/// `naner variant add|list|remove|which`.
extension Workspace {
    /// The layer `naner variant add` puts a path on.
    public enum VariantLayerChoice: Sendable {
        case host
        case os
        case machineClass(String)
    }

    /// `naner variant add PATH… [--host | --class NAME | --os]`: from now on each path varies
    /// at that layer; this machine's current content becomes that layer's version (committed
    /// at once, with the table); every other machine keeps the shared version.
    public func addVariants(_ arguments: [String], at choice: VariantLayerChoice) throws -> (layer: Layer, paths: [String]) {
        try lockRepository()
        try refuseDuringMerge()
        let machine = try self.machine
        let layer: Layer
        switch choice {
        case .host: layer = .host(machine.host)
        case .os: layer = .os(machine.os)
        case .machineClass(let name):
            guard Layer.isValidName(name) else { throw VariantError.invalidName(kind: "class", name: name) }
            guard machine.classes.contains(name) else { throw VariantError.notInClass(name) }
            layer = .machineClass(name)
        }
        var table = VariantTable.load(home: locations.home)
        var paths: [String] = []
        for argument in arguments {
            let path = try treePath(argument)
            guard let kind = PathStatus.kind(locations.home + "/" + path) else { throw NanerError.pathMissing(argument) }
            guard kind == .file else { throw VariantError.notAFile(path) }
            if ManagedRules.ownFiles.contains(path) || path == SecretIdentity.wrappedPath { throw VariantError.ownFile(path) }
            if table.layers(of: path).contains(layer) { throw VariantError.alreadyVaries(path: path, layer: layer) }
            if !paths.contains(path) { paths.append(path) }
        }
        for path in paths { table.add(path, layer: layer) }
        for path in paths { _ = try table.owner(of: path, on: machine) }  // two classes of this machine: refused here
        let rules = try refreshRules()
        let stack = rules.makeStack(home: locations.home)
        if let unmanaged = paths.first(where: { stack.check($0, isDirectory: false).ignored }) { throw NanerError.pathNotManaged(unmanaged) }
        try AtomicFile.write(Array(table.text.utf8), to: locations.home + "/" + VariantTable.path, mode: 0o644)
        try enterLayers()
        let names = paths.map { "'\($0)'" }.joined(separator: ", ")
        _ = try record(paths: [VariantTable.path] + paths, rules: try refreshRules(), message: "vary \(names) for \(layer.description)")
        return (layer, paths)
    }

    /// `naner variant list`: every varying path, its layers, the one this machine uses.
    public func listVariants() throws -> [VariantListing] {
        let table = VariantTable.load(home: locations.home)
        for line in table.unreadable { interaction.warn("\(VariantTable.path): cannot read the line '\(line)'; it is skipped") }
        let machine = try self.machine
        return table.paths.sorted().map { path in
            VariantListing(path: path, layers: table.layers(of: path).sorted { ($0.rank, $0.name ?? "") < ($1.rank, $1.name ?? "") },
                           used: try? table.owner(of: path, on: machine))
        }
    }

    /// `naner variant which PATH`: the layer that supplies it here (the shared one when it does not vary).
    public func whichVariant(_ argument: String) throws -> (machine: MachineIdentity, listing: VariantListing) {
        let path = try treePath(argument)
        let table = VariantTable.load(home: locations.home)
        let machine = try self.machine
        let layers = table.layers(of: path).sorted { ($0.rank, $0.name ?? "") < ($1.rank, $1.name ?? "") }
        return (machine, VariantListing(path: path, layers: layers, used: try table.owner(of: path, on: machine)))
    }

    /// `naner variant remove PATH… [--keep-here]`: the paths stop varying on this machine (the
    /// layer that supplies each here gives it up; other machines' variants stay). The shared version
    /// comes back here (refused, like a pull, over an uncommitted edit), or with `keepHere`
    /// this machine's version becomes the shared one. Other machines take the shared version
    /// back at their next sync.
    public func removeVariants(_ arguments: [String], keepHere: Bool) throws -> [String] {
        try lockRepository()
        try refuseDuringMerge()
        var table = VariantTable.load(home: locations.home)
        let machine = try self.machine
        var paths: [String] = [], layers: [Layer] = []
        for argument in arguments {
            let path = try treePath(argument)
            // The layer that supplies it here stops varying it; other machines' variants stay.
            let owner = try table.owner(of: path, on: machine)
            guard owner != .shared else { throw VariantError.doesNotVary(path) }
            if !paths.contains(path) { paths.append(path); layers.append(owner) }
        }
        if !keepHere, let head = try repository.headCommitID() {
            // The shared version laid out through the checkout engine: secrets decrypt, modes hold.
            let sharedTree = try repository.commit(repository.resolveCommit(Layer.shared.reference)).treeID
            let view = try tree(repository.commit(head).treeID, taking: paths) { _ in sharedTree }
            let rules = try refreshRules()
            let scan = try self.scan(rules: rules, mode: .commit(gitDirectory: locations.repository), index: try repository.index())
            let target = try RestoreTarget.tree(view, commit: nil, label: "the shared configuration", head: head, repository: try repository)
            let plan = try planIncoming(target, scan: scan)
            try checkout.run(plan, from: target, scan: scan, saving: nil)
        }
        for (path, layer) in zip(paths, layers) { table.remove(path, layer: layer) }
        try AtomicFile.write(Array(table.text.utf8), to: locations.home + "/" + VariantTable.path, mode: 0o644)
        let names = paths.map { "'\($0)'" }.joined(separator: ", ")
        _ = try record(paths: [VariantTable.path] + paths, rules: try refreshRules(),
                       message: "\(names) no longer \(paths.count == 1 ? "varies" : "vary")" + (keepHere ? " (this machine's version shared)" : ""))
        return paths
    }

    /// Layers change only between merges: a sync merge waiting for its conflicts is finished
    /// (or aborted) first.
    func refuseDuringMerge() throws {
        if MergeState.load(repository: locations.repository) != nil { throw SyncError.mergeInProgress }
    }
}
