import CLibgit2
import CNanerZlib
import Glibc

/// An object database backend that sits ahead of libgit2's loose backend and, while
/// a `PackWriter` is set, takes the objects libgit2 writes (the trees a commit builds,
/// a blob written from memory) into it instead of one loose file each: a commit of 20
/// edits otherwise creates ~80 files and as many `objects/xx` folders, each an inode the
/// file system must find room for. Until the writer has written them, libgit2 reads
/// them back from here (a commit looks its tree up; an index refills its tree cache).
/// With no writer set, every call passes on to the other backends; streamed writes
/// and objects over `PackWriter.largestObject` always do.
final class PackingBackend {
    /// Set and read on the thread that uses the repository handle, like the handle itself.
    var packs: PackWriter?

    /// Adds a backend to `database` and returns it; the database owns it from then on.
    static func install(in database: ObjectDatabase) throws -> PackingBackend {
        let backend = PackingBackend()
        let raw = UnsafeMutablePointer<naner_odb_backend>.allocate(capacity: 1)
        raw.initialize(to: naner_odb_backend())
        let base = UnsafeMutableRawPointer(raw).assumingMemoryBound(to: git_odb_backend.self)
        let rc = git_odb_init_backend(base, UInt32(GIT_ODB_BACKEND_VERSION))
        guard rc == 0 else {
            raw.deallocate()
            try check(rc, "git_odb_init_backend")
            return backend
        }
        base.pointee.read = { data, length, type, backend, oid in
            guard let object = PackingBackend.pending(backend, oid) else { return GIT_ENOTFOUND.rawValue }
            // libgit2 frees what it is handed with its own allocator.
            guard let buffer = git_odb_backend_data_alloc(backend, max(object.size, 1)) else { return GIT_ERROR.rawValue }
            guard object.inflate(into: buffer) else {
                git_odb_backend_data_free(backend, buffer)
                return GIT_ERROR.rawValue
            }
            data?.pointee = buffer
            length?.pointee = object.size
            type?.pointee = object.kind.raw
            return 0
        }
        base.pointee.read_header = { length, type, backend, oid in
            guard let object = PackingBackend.pending(backend, oid) else { return GIT_ENOTFOUND.rawValue }
            length?.pointee = object.size
            type?.pointee = object.kind.raw
            return 0
        }
        base.pointee.exists = { backend, oid in PackingBackend.pending(backend, oid) == nil ? 0 : 1 }
        base.pointee.write = { backend, oid, data, length, type in
            // No writer, or an object too large to hold in memory: an error makes libgit2 go
            // on to the loose backend.
            guard let backend, let oid, let packs = PackingBackend.owner(backend).packs, let kind = ObjectKind(type),
                  length <= PackWriter.largestObject else {
                return GIT_ERROR.rawValue
            }
            do {
                try packs.add(PackedObject(UnsafeRawBufferPointer(start: data, count: length), kind: kind, id: ObjectID(oid.pointee)))
                return 0
            } catch {
                // The loose backend stores this object; the writer remembers its failure and
                // throws it at `finish`, so the caller never names objects that were lost.
                return GIT_ERROR.rawValue
            }
        }
        // Streams (a blob written from a file) are for objects of any size: the loose backend's.
        base.pointee.writestream = { _, _, _, _ in GIT_PASSTHROUGH.rawValue }
        // libgit2 calls every backend's `foreach` unchecked; pending objects are not yet listed.
        base.pointee.foreach = { _, _, _ in 0 }
        base.pointee.free = { backend in
            guard let backend else { return }
            let raw = UnsafeMutableRawPointer(backend).assumingMemoryBound(to: naner_odb_backend.self)
            Unmanaged<PackingBackend>.fromOpaque(raw.pointee.owner).release()
            raw.deinitialize(count: 1)
            raw.deallocate()
        }
        // The database holds the backend as long as it lives, which may be longer than
        // the `Repository` that installed it: the backend keeps its Swift owner alive.
        raw.pointee.owner = Unmanaged.passRetained(backend).toOpaque()
        let added = git_odb_add_backend(database.pointer, base, PackingBackend.priority)
        guard added == 0 else {
            base.pointee.free?(base)
            try check(added, "git_odb_add_backend")
            return backend
        }
        return backend
    }

    /// Above the pack (2) and loose (1) backends, so that writes reach this one first.
    private static let priority: Int32 = 100

    private static func owner(_ backend: UnsafeMutablePointer<git_odb_backend>) -> PackingBackend {
        let raw = UnsafeMutableRawPointer(backend).assumingMemoryBound(to: naner_odb_backend.self)
        return Unmanaged<PackingBackend>.fromOpaque(raw.pointee.owner).takeUnretainedValue()
    }

    private static func pending(_ backend: UnsafeMutablePointer<git_odb_backend>?, _ oid: UnsafePointer<git_oid>?) -> PackedObject? {
        guard let backend, let oid else { return nil }
        return owner(backend).packs?.pendingObject(ObjectID(oid.pointee))
    }
}

extension ObjectKind {
    init?(_ raw: git_object_t) {
        switch raw {
        case GIT_OBJECT_BLOB: self = .blob
        case GIT_OBJECT_TREE: self = .tree
        case GIT_OBJECT_COMMIT: self = .commit
        case GIT_OBJECT_TAG: self = .tag
        default: return nil
        }
    }
}

extension Repository {
    /// Until called again with nil, the objects this handle writes go into `packs`, which
    /// the caller finishes before anything (an index, a reference) names them. Objects
    /// written by other handles (libgit2's index keeps its own) are not affected.
    public func packNewObjects(into packs: PackWriter?) throws {
        if packingBackend == nil {
            guard packs != nil else { return }
            let database = try objectDatabase()
            // libgit2 never looks for packs in a folder that was missing when it opened the
            // database (a sync client may drop an empty one): then it gets its own reader.
            if mkdir(path + "objects/pack", 0o755) == 0 {
                // (git_odb_add_disk_alternate would skip a folder the database has already.)
                var reader: UnsafeMutablePointer<git_odb_backend>?
                try check(git_odb_backend_pack(&reader, path + "objects"), "git_odb_backend_pack")
                let added = git_odb_add_alternate(database.pointer, reader, 2)
                if added != 0 { reader?.pointee.free?(reader) }
                try check(added, "git_odb_add_alternate")
            }
            packingBackend = try PackingBackend.install(in: database)
        }
        packingBackend?.packs = packs
    }
}
