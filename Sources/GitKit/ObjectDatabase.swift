import CLibgit2

/// The repository's object database, used to store blobs straight from memory so
/// each managed file is read once (scanned for secrets, hashed and stored together).
public final class ObjectDatabase {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { git_odb_free(pointer) }

    public func write(_ bytes: UnsafeRawBufferPointer, kind: ObjectKind) throws -> ObjectID {
        var oid = git_oid()
        try check(git_odb_write(&oid, pointer, bytes.baseAddress, bytes.count, kind.raw), "git_odb_write")
        return ObjectID(oid)
    }

    public func contains(_ id: ObjectID) -> Bool {
        var oid = id.raw
        return git_odb_exists(pointer, &oid) != 0
    }
}

extension Repository {
    public func objectDatabase() throws -> ObjectDatabase {
        var out: OpaquePointer?
        try check(git_repository_odb(&out, pointer), "git_repository_odb")
        return ObjectDatabase(out!)
    }

    /// The bytes of a blob.
    public func blobContent(_ id: ObjectID) throws -> [UInt8] {
        var oid = id.raw
        var blob: OpaquePointer?
        try check(git_blob_lookup(&blob, pointer, &oid), "git_blob_lookup")
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let content = git_blob_rawcontent(blob) else { return [] }
        return Array(UnsafeRawBufferPointer(start: content, count: size))
    }

    func lookupTree(_ id: ObjectID) throws -> OpaquePointer {
        var oid = id.raw
        var tree: OpaquePointer?
        try check(git_tree_lookup(&tree, pointer, &oid), "git_tree_lookup")
        return tree!
    }

    /// Every blob or link in a tree, recursively, as path → (id, mode).
    public func treeFiles(_ id: ObjectID) throws -> [String: (id: ObjectID, mode: UInt32)] {
        let tree = try lookupTree(id)
        defer { git_tree_free(tree) }
        let box = CallbackBox([String: (id: ObjectID, mode: UInt32)]())
        let rc = withExtendedLifetime(box) { git_tree_walk(tree, GIT_TREEWALK_PRE, { root, entry, payload in
            let box = Unmanaged<CallbackBox<[String: (id: ObjectID, mode: UInt32)]>>
                .fromOpaque(payload!).takeUnretainedValue()
            guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return 0 }
            let path = String(cString: root!) + String(cString: git_tree_entry_name(entry))
            box.value[path] = (ObjectID(git_tree_entry_id(entry).pointee), git_tree_entry_filemode(entry).rawValue)
            return 0
        }, Unmanaged.passUnretained(box).toOpaque()) }
        try check(rc, "git_tree_walk")
        return box.value
    }
}
