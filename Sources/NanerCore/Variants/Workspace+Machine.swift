import FoundationEssentials
import GitKit

/// `naner machine class add|remove` and `init --host`: what this machine is, for variants.
extension Workspace {
    /// `naner init --host NAME` and `init --from … --host NAME`.
    func setHost(_ name: String) throws {
        guard Layer.isValidName(name) else { throw VariantError.invalidName(kind: "host", name: name) }
        try repository.config().set(MachineIdentity.hostKey, name)
    }

    /// `naner machine class add|remove NAME`; the home then shows the layers of the classes
    /// this machine is in (the ones this machine has; a sync brings the others').
    public func changeClass(_ name: String, join: Bool) throws {
        try lockRepository()
        try refuseDuringMerge()
        guard Layer.isValidName(name) else { throw VariantError.invalidName(kind: "class", name: name) }
        var machine = try self.machine
        if join {
            guard !machine.classes.contains(name) else { throw VariantError.alreadyInClass(name) }
            machine.classes.append(name)
        } else {
            guard machine.classes.contains(name) else { throw VariantError.notAMember(name) }
            machine.classes.removeAll { $0 == name }
        }
        if !join, isLayered, let head = try repository.headCommitID() {
            // The host branch gives back what the class supplied: each path takes the version of
            // the layer that supplies it now.
            let table = try committedVariants()
            let left = Layer.machineClass(name)
            let paths = Set(table.entries.filter { $0.layer == left }.map(\.path)).filter { !table.layers(of: $0).contains(.host(machine.host)) }
            let headTree = try repository.commit(head).treeID
            let tree = try self.tree(headTree, taking: paths.sorted()) { path in
                try repository.commit(repository.resolveCommit(table.owner(of: path, on: machine).reference)).treeID
            }
            if tree != headTree {
                let committer = signature()
                let commit = try repository.createCommit(tree: tree, parents: [head], message: "this machine leaves \(left.description)\n",
                                                         signature: committer, updateRef: nil, signer: signer(committer))
                _ = try layOut(from: head, to: commit, label: left.description, message: "naner machine class remove \(name)")
            }
            try repository.config().set(MachineIdentity.classesKey, machine.classes.joined(separator: " "))
            return
        }
        try repository.config().set(MachineIdentity.classesKey, machine.classes.joined(separator: " "))
        if join { try takeUpLayers(tracking: nil, label: "class '\(name)'") }
    }
}
