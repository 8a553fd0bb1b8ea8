import GitKit

/// The tree the index file holds, remembered after each commit naner makes: the
/// index whose checksum is `checksum` is exactly `tree`. With it the next commit
/// builds its tree from `tree` and the paths it changed
/// (`Repository.tree(from:updating:removing:)`) instead of libgit2's
/// `git_index_write_tree`, which after writing the trees re-reads every folder's
/// tree to refill the index's tree cache (10 ms for a 20,000-file home). An index
/// anything else wrote (git, or a commit killed after writing it) has another
/// checksum, and its own tree is written as before.
struct IndexTree {
    static let fileName = "naner-index-tree"

    let checksum: String
    let tree: ObjectID

    /// What is remembered for the index file of `repository` as it is now, if anything.
    static func current(repository: String) -> IndexTree? {
        guard let checksum = IndexFile.checksum(atPath: repository + "/index"),
              let bytes = try? FileReader.read(repository + "/" + fileName) else { return nil }
        let fields = String(decoding: bytes, as: UTF8.self).split(separator: " ")
        guard fields.count == 2, fields[0] == checksum, fields[1].hasSuffix("\n"),
              let tree = ObjectID(hex: String(fields[1].dropLast())) else { return nil }
        return IndexTree(checksum: checksum, tree: tree)
    }

    /// Remembers that the index file of `repository`, as just written, holds `tree`.
    static func remember(_ tree: ObjectID, repository: String) {
        guard let checksum = IndexFile.checksum(atPath: repository + "/index") else { return }
        try? AtomicFile.write(Array("\(checksum) \(tree.hex)\n".utf8), to: repository + "/" + fileName, mode: 0o644)
    }
}

extension Workspace {
    /// The tree of `index`, which holds `updates` and `removals` on top of what the
    /// index file had when loaded (`known`, remembered for that file, if anything).
    func writeTree(of index: Index, known: IndexTree?, updates: [IndexEntry], removals: [String]) throws -> ObjectID {
        if let known { return try repository.tree(from: known.tree, updating: updates, removing: removals) }
        // Into the workspace's handle, whose new objects may be going into a pack.
        return try index.writeTree(into: repository)
    }
}
