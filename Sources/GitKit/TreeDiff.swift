import CLibgit2
import Glibc

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
    /// Paths whose blob or mode differ between `old` and `new` (nil: the empty tree), in
    /// path order (see `TreeReader.changes`).
    public func changes(from old: ObjectID?, to new: ObjectID) throws -> [TreeChange] {
        try TreeReader(repository: self).changes(from: old, to: new)
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
    /// object database without touching the repository's index (for safety points
    /// and restores). Only the subtrees on the way to a change are read and written
    /// (`git_tree_create_updated`); loading the whole tree into an index would read
    /// every folder's tree.
    public func tree(from base: ObjectID?, updating updates: [IndexEntry], removing removals: [String]) throws -> ObjectID {
        // A file that became a folder or the reverse is beyond git_tree_create_updated: the index sorts it out.
        func folders(of paths: [String]) -> Set<Substring> {
            var result = Set<Substring>()
            for path in paths {
                var folder = Substring(path)
                while let slash = folder.lastIndex(of: "/") {
                    folder = folder[..<slash]
                    if !result.insert(folder).inserted { break }
                }
            }
            return result
        }
        var swapsKind = false
        if !removals.isEmpty && !updates.isEmpty {
            let updatedFolders = folders(of: updates.map(\.path)), removedFolders = folders(of: removals)
            swapsKind = removals.contains { updatedFolders.contains(Substring($0)) }
                || updates.contains { removedFolders.contains(Substring($0.path)) }
        }
        guard let base, !swapsKind else { return try treeThroughIndex(from: base, updating: updates, removing: removals) }
        // A path given twice: the last entry wins, as it would in an index.
        var latest: [String: IndexEntry] = [:]
        for entry in updates { latest[entry.path] = entry }
        // A path the base does not hold is already removed (libgit2 would call it an error).
        let removing = try removals.filter { try latest[$0] == nil && entry(at: $0, in: base) != nil }
        var changes: [(path: String, remove: Bool, id: ObjectID, mode: UInt32)] =
            latest.values.map { ($0.path, false, $0.id, $0.mode) } + removing.map { ($0, true, ObjectID(bytes: (0, 0, 0)), 0) }
        changes.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        let paths = changes.map { strdup($0.path) }
        defer { paths.forEach { free($0) } }
        var list = changes.enumerated().map { position, change in
            git_tree_update(action: change.remove ? GIT_TREE_UPDATE_REMOVE : GIT_TREE_UPDATE_UPSERT, id: change.id.raw,
                            filemode: git_filemode_t(rawValue: change.mode), path: paths[position])
        }
        let baseline = try lookupTree(base)
        defer { git_tree_free(baseline) }
        var oid = git_oid()
        try check(git_tree_create_updated(&oid, pointer, baseline, list.count, &list), "git_tree_create_updated")
        return ObjectID(oid)
    }

    private func treeThroughIndex(from base: ObjectID?, updating updates: [IndexEntry], removing removals: [String]) throws -> ObjectID {
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
