import CLibgit2
import CNanerZlib

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

    /// Stores `bytes` as an object of `kind` (loose, or in the pack being written) and returns its id.
    public func write(_ bytes: [UInt8], kind: ObjectKind) throws -> ObjectID {
        try bytes.withUnsafeBytes { try write($0, kind: kind) }
    }

    /// An object read whole and made ready for a pack.
    func packed(_ id: ObjectID) throws -> PackedObject {
        var raw = id.raw
        var object: OpaquePointer?
        try check(git_odb_read(&object, pointer, &raw), "git_odb_read")
        defer { git_odb_object_free(object) }
        guard let kind = ObjectKind(git_odb_object_type(object)) else {
            throw GitError(function: "git_odb_read", code: -1, message: "object \(id) has an unknown type")
        }
        return try PackedObject(UnsafeRawBufferPointer(start: git_odb_object_data(object), count: git_odb_object_size(object)),
                                kind: kind, id: id)
    }

    public func contains(_ id: ObjectID) -> Bool {
        var oid = id.raw
        return git_odb_exists(pointer, &oid) != 0
    }

    /// Like `contains`, without rereading the pack folder when the object is not
    /// found: asked of thousands of objects a new repository lacks.
    public func containsKnown(_ id: ObjectID) -> Bool {
        var oid = id.raw
        return git_odb_exists_ext(pointer, &oid, UInt32(GIT_ODB_LOOKUP_NO_REFRESH.rawValue)) != 0
    }
}

extension Repository {
    public func objectDatabase() throws -> ObjectDatabase {
        var out: OpaquePointer?
        try check(git_repository_odb(&out, pointer), "git_repository_odb")
        return ObjectDatabase(out!)
    }

    /// A blob's size, read from its header without inflating it.
    public func blobSize(_ id: ObjectID) throws -> Int {
        let database = try objectDatabase()
        var oid = id.raw
        var size = 0
        var type = GIT_OBJECT_ANY
        try check(git_odb_read_header(&size, &type, database.pointer, &oid), "git_odb_read_header")
        return size
    }

    /// Hands a blob's bytes over in pieces of at most 1 MiB, never holding it whole when
    /// the object database can stream it (loose objects); otherwise from one buffer.
    public func streamBlob(_ id: ObjectID, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        // A loose blob is inflated here, a piece at a time: libgit2's stream maps it whole.
        if try streamLooseBlob(id, body) { return }
        let database = try objectDatabase()
        var oid = id.raw
        var stream: UnsafeMutablePointer<git_odb_stream>?
        var length = 0
        var type = GIT_OBJECT_ANY
        guard git_odb_open_rstream(&stream, &length, &type, database.pointer, &oid) == 0, let stream else {
            try withBlobContent(id, body)
            return
        }
        defer { git_odb_stream_free(stream) }
        var buffer = [CChar](repeating: 0, count: 1 << 20)
        var remaining = length
        while remaining > 0 {
            let count = git_odb_stream_read(stream, &buffer, min(buffer.count, remaining))
            try check(count, "git_odb_stream_read")
            guard count > 0 else { throw GitError(function: "git_odb_stream_read", code: -1, message: "the object ends early") }
            try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[..<Int(count)])) }
            remaining -= Int(count)
        }
    }

    /// Lends a blob's bytes without copying them (a restore writes a large file straight from libgit2's buffer).
    public func withBlobContent<Result>(_ id: ObjectID, _ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result {
        var oid = id.raw
        var blob: OpaquePointer?
        try check(git_blob_lookup(&blob, pointer, &oid), "git_blob_lookup")
        defer { git_blob_free(blob) }
        return try body(UnsafeRawBufferPointer(start: git_blob_rawcontent(blob), count: Int(git_blob_rawsize(blob))))
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
