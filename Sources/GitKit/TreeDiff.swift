import CLibgit2

/// One path that differs between two trees.
public struct TreeChange: Sendable {
    public let path: String
    /// The blob and mode on the new side; nil when the path is gone there.
    public let newID: ObjectID?
    public let newMode: UInt32
    /// The path does not exist on the old side.
    public let isAddition: Bool
}

extension Repository {
    /// Paths whose blob or mode differ between `old` and `new` (nil: the empty tree).
    /// Unchanged subtrees are skipped by id, so this costs the size of the change.
    public func changes(from old: ObjectID?, to new: ObjectID) throws -> [TreeChange] {
        let oldTree = try old.map { try lookupTree($0) }
        defer { if let oldTree { git_tree_free(oldTree) } }
        let newTree = try lookupTree(new)
        defer { git_tree_free(newTree) }
        var options = git_diff_options()
        try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "git_diff_options_init")
        var diff: OpaquePointer?
        try check(git_diff_tree_to_tree(&diff, pointer, oldTree, newTree, &options), "git_diff_tree_to_tree")
        defer { git_diff_free(diff) }
        var result: [TreeChange] = []
        for position in 0..<git_diff_num_deltas(diff) {
            guard let delta = git_diff_get_delta(diff, position)?.pointee else { continue }
            if delta.status == GIT_DELTA_DELETED {
                result.append(TreeChange(path: String(cString: delta.old_file.path), newID: nil, newMode: 0, isAddition: false))
            } else {
                result.append(TreeChange(path: String(cString: delta.new_file.path), newID: ObjectID(delta.new_file.id),
                                         newMode: UInt32(delta.new_file.mode), isAddition: delta.status == GIT_DELTA_ADDED))
            }
        }
        return result
    }

    /// The blob and mode at `path` in a tree, or nil.
    public func entry(at path: String, in tree: ObjectID) throws -> (id: ObjectID, mode: UInt32)? {
        let root = try lookupTree(tree)
        defer { git_tree_free(root) }
        var entry: OpaquePointer?
        let rc = git_tree_entry_bypath(&entry, root, path)
        if rc == GIT_ENOTFOUND.rawValue { return nil }
        try check(rc, "git_tree_entry_bypath")
        defer { git_tree_entry_free(entry) }
        guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return nil }
        return (ObjectID(git_tree_entry_id(entry).pointee), git_tree_entry_filemode(entry).rawValue)
    }

    /// A tree made from `base` with entries replaced or removed, written to the
    /// object database without touching the repository's index (for safety points).
    public func tree(from base: ObjectID?, updating updates: [IndexEntry], removing removals: [String]) throws -> ObjectID {
        var raw: OpaquePointer?
        try check(git_index_new(&raw), "git_index_new")
        let index = Index(raw!)
        if let base { try index.read(tree: base, in: self) }
        for path in removals { try index.remove(path: path) }
        for entry in updates { try index.add(entry) }
        var oid = git_oid()
        try check(git_index_write_tree_to(&oid, index.pointer, pointer), "git_index_write_tree_to")
        return ObjectID(oid)
    }

    /// The number of files (blobs and links) in a tree.
    public func fileCount(in tree: ObjectID) throws -> Int {
        let root = try lookupTree(tree)
        defer { git_tree_free(root) }
        let box = CallbackBox(0)
        let rc = withExtendedLifetime(box) {
            git_tree_walk(root, GIT_TREEWALK_PRE, { _, entry, payload in
                if git_tree_entry_type(entry) == GIT_OBJECT_BLOB {
                    Unmanaged<CallbackBox<Int>>.fromOpaque(payload!).takeUnretainedValue().value += 1
                }
                return 0
            }, Unmanaged.passUnretained(box).toOpaque())
        }
        try check(rc, "git_tree_walk")
        return box.value
    }
}
