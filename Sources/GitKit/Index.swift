import CLibgit2

/// The repository's index (staging area). Owns its `git_index*`.
public final class Index {
    let pointer: OpaquePointer
    /// libgit2 detaches an index from a repository that is freed (writing its trees
    /// then fails): the index keeps the repository it came from alive.
    private let owner: Repository?

    init(_ pointer: OpaquePointer, owner: Repository? = nil) {
        self.pointer = pointer
        self.owner = owner
    }
    deinit { git_index_free(pointer) }

    public var count: Int { git_index_entrycount(pointer) }

    /// Every stage-0 entry, in the index's (path) order.
    public func entries() -> [IndexEntry] {
        let total = git_index_entrycount(pointer)
        var result: [IndexEntry] = []
        result.reserveCapacity(total)
        for position in 0..<total {
            guard let raw = git_index_get_byindex(pointer, position)?.pointee else { continue }
            // Stage bits live in flags 12-13; anything but stage 0 is a merge conflict side.
            guard (raw.flags >> 12) & 0x3 == 0 else { continue }
            result.append(IndexEntry(
                path: String(cString: raw.path), id: ObjectID(raw.id), mode: raw.mode,
                fileSize: raw.file_size,
                mtimeSeconds: raw.mtime.seconds, mtimeNanoseconds: raw.mtime.nanoseconds,
                ctimeSeconds: raw.ctime.seconds, ctimeNanoseconds: raw.ctime.nanoseconds,
                device: raw.dev, inode: raw.ino, uid: raw.uid, gid: raw.gid))
        }
        return result
    }

    /// Whether the index holds `path` (at stage 0).
    public func contains(path: String) -> Bool {
        git_index_get_bypath(pointer, path, 0) != nil
    }

    /// Adds or replaces an entry whose blob is already in the object database.
    public func add(_ entry: IndexEntry) throws {
        var raw = git_index_entry()
        raw.id = entry.id.raw
        raw.mode = entry.mode
        raw.file_size = entry.fileSize
        raw.mtime = git_index_time(seconds: entry.mtimeSeconds, nanoseconds: entry.mtimeNanoseconds)
        raw.ctime = git_index_time(seconds: entry.ctimeSeconds, nanoseconds: entry.ctimeNanoseconds)
        raw.dev = entry.device
        raw.ino = entry.inode
        raw.uid = entry.uid
        raw.gid = entry.gid
        try entry.path.withCString { path in
            raw.path = path
            try check(git_index_add(pointer, &raw), "git_index_add")
        }
    }

    /// Removes a path's entry; a path the index does not hold is already removed.
    public func remove(path: String) throws {
        let rc = git_index_remove(pointer, path, 0)
        if rc == GIT_ENOTFOUND.rawValue { return }
        try check(rc, "git_index_remove")
    }

    /// Replaces the whole index with the contents of a tree.
    public func read(tree id: ObjectID, in repository: Repository) throws {
        let tree = try repository.lookupTree(id)
        defer { git_tree_free(tree) }
        try check(git_index_read_tree(pointer, tree), "git_index_read_tree")
    }

    /// The checksum the index file had when it was read (40 hex digits), as `IndexFile` gives it.
    public var checksum: String? {
        git_index_checksum(pointer).map { ObjectID($0.pointee).hex }
    }

    /// Writes the index file atomically (a lock file renamed into place).
    public func write() throws {
        try check(git_index_write(pointer), "git_index_write")
    }

    /// Writes the tree objects the index describes and returns the root tree's id;
    /// `repository`: the handle whose object database gets them (default the index's own).
    public func writeTree(into repository: Repository? = nil) throws -> ObjectID {
        var oid = git_oid()
        if let repository {
            try check(git_index_write_tree_to(&oid, pointer, repository.pointer), "git_index_write_tree_to")
        } else {
            try check(git_index_write_tree(&oid, pointer), "git_index_write_tree")
        }
        return ObjectID(oid)
    }
}
