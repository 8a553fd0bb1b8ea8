import FoundationEssentials
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

    /// `naner sync`'s pull with variants: fetches, admits the branches this machine takes in,
    /// composes the layers and lays the host branch out.
    func pullLayers(_ remote: SyncRemote, _ options: SyncOptions, folderPresent: Bool) throws -> PullOutcome {
        guard let head = try repository.headCommitID() else { throw NanerError.repositoryMissing(locations.repository) }
        var fetched: [String: ObjectID] = [:]
        if folderPresent {
            let holding = "refs/naner/incoming/\(remote.name)/"
            defer { deleteReferences(under: holding) }
            try fetch(remote, into: holding, tags: true, options: options)
            fetched = try admitLayerBranches(under: holding, label: remote.name, head: head)
            for reference in try repository.references(matching: holding + "*") {
                try moveReference(remote.trackingPrefix + reference.name.dropFirst(holding.count), to: reference.commit,
                                  message: "naner: fetch \(remote.name)")
            }
        }
        let target = try composeLayers(fetched: fetched, head: head, label: remote.name).target
        guard target != head else { return fetched.isEmpty ? .remoteEmpty : .upToDate }
        let merged = try repository.commit(target).parentIDs.count > 1
        let plan = try layOut(from: head, to: target, label: remote.name, message: "naner sync: the layers from \(remote.name)")
        return merged ? .merged(commit: target, files: plan.actions) : .fastForward(to: target, files: plan.actions)
    }

    /// The branches under `prefix` (a fetch's holding place, a remote's tracking refs) this
    /// machine could take in (`main`, its OS's, its classes', its host's), each judged by the
    /// gate before it counts: name → commit.
    func admitLayerBranches(under prefix: String, label: String, head: ObjectID) throws -> [String: ObjectID] {
        let machine = try self.machine
        let mine = Set([Layer.shared, .os(machine.os), .host(machine.host)].map(\.branchName)
                       + machine.classes.map { Layer.machineClass($0).branchName })
        var admitted: [String: ObjectID] = [:]
        for reference in try repository.references(matching: prefix + "*") {
            let name = String(reference.name.dropFirst(prefix.count))
            guard mine.contains(name) else { continue }
            try checkout.admit(commit: reference.commit, label: label, base: head)
            admitted[name] = reference.commit
        }
        return admitted
    }

    /// Lays out this machine's layers without talking to a remote: after `init --from`
    /// (the branches fetched under `tracking`), or when this machine joins a class (the
    /// branches last seen on the sync remote).
    /// Enters layered mode first when the configuration has variants; nothing otherwise.
    func takeUpLayers(tracking prefix: String?, label: String) throws {
        guard try isLayered || !committedVariants().isEmpty else { return }
        try enterLayers()
        guard let head = try repository.headCommitID() else { return }
        // Without a fetch just made: what this machine last saw of its sync remote, if it has one.
        let seen = prefix ?? (try? syncRemote(SyncOptions(), creating: false))?.trackingPrefix
        var fetched = try seen.map { try admitLayerBranches(under: $0, label: label, head: head) } ?? [:]
        fetched[Layer.shared.branchName] = nil  // main is what is laid out already
        let target = try composeLayers(fetched: fetched, head: head, label: label).target
        if target != head { _ = try layOut(from: head, to: target, label: label, message: "naner: this machine's layers") }
    }
}
