import GitKit

extension Checkout {
    /// Judges every target before anything of it is written (`plan` asks it first).
    var gate: TreeGate { TreeGate(locations: locations) }

    /// Throws the first thing `commit`'s tree holds that naner never writes, as the
    /// one-line refusal naming `label` (a remote, a URL, a tag) and the path. For a
    /// route that must refuse before it moves a reference or merges: a pull checks
    /// each commit it fetched this way before the merge and before `main` or the
    /// tracking references move. Returns the gitlinks the tree holds (skipped later).
    @discardableResult
    /// `base`: a commit this home holds already (HEAD before a pull), whose unchanged subtrees
    /// need no second look; nil to read every tree (a new machine's first configuration).
    func admit(commit: ObjectID, label: String, base: ObjectID? = nil) throws -> [String] {
        let verdict = gate.check(tree: try repository.commit(commit).treeID, in: TreeReader(repository: try repository),
                                 base: try base.map { try repository.commit($0).treeID })
        if let problem = verdict.problems.first {
            throw RestorePlan.Refusal(problem, source: label, commit: commit).error
        }
        return verdict.gitlinks
    }
}
