import CLibgit2
import CNanerZlib
import Crypto
import Glibc

/// Stores new objects as packs instead of one loose file each: a first commit of
/// 20,000 files otherwise creates 20,000 files, and on a file system still busy
/// with recently deleted inodes that costs seconds; every later commit's ~80
/// objects go the same way (`PackingBackend`). Threads add objects as they are
/// ready; every `flushBytes` of deflated data, and at `finish`, the batch goes into
/// the repository through libgit2's own pack indexer (`git_odb_write_pack`), which
/// checks the pack and writes its index.
// Unchecked: every stored property past `init` is read and written under `mutex`.
public final class PackWriter: @unchecked Sendable {
    /// Objects larger than this are better written loose by the caller: a pack batch is held in memory.
    public static let largestObject = 1 << 20
    private let gitDirectory: String
    private let flushBytes: Int
    private let durable: Bool
    private let mutex = PlainMutex()
    private var pending: [PackedObject] = []
    /// Where each pending object sits in `pending`.
    private var pendingPositions: [ObjectID: Int] = [:]
    private var pendingBytes = 0
    private var seen: Set<ObjectID> = []
    /// A batch that could not be written: its objects are gone, so every later call fails too.
    private var failure: Error?
    private var finished = false
    /// The checksums of the packs written, which libgit2 names them by (`pack-<checksum>.pack`).
    private var checksums: [String] = []

    /// `durable`: each pack and its index are fsynced before `finish` returns (libgit2
    /// writes packs without, unless asked to for every write), for a caller that then
    /// removes the only other copy of the objects.
    public init(gitDirectory: String, flushBytes: Int = 32 << 20, durable: Bool = false) {
        self.gitDirectory = gitDirectory
        self.flushBytes = flushBytes
        self.durable = durable
    }

    /// Queues `object` (once per id); writes the batch when it has grown large.
    public func add(_ object: PackedObject) throws {
        try mutex.withLock { try addLocked(object) }
    }

    private func addLocked(_ object: PackedObject) throws {
        if let failure { throw failure }
        // After `finish` the caller names its objects: one added later would never be written.
        if finished { throw GitError(function: "PackWriter.add", code: -1, message: "object \(object.id) came after the pack was written") }
        guard seen.insert(object.id).inserted else { return }
        pendingPositions[object.id] = pending.count
        pending.append(object)
        pendingBytes += object.deflated.count
        if pendingBytes >= flushBytes { try flush() }
    }

    /// Writes what is queued. After it returns, every added object is in the repository,
    /// and nothing more can be added (a `PackingBackend` then lets libgit2 write loose objects).
    public func finish() throws {
        try mutex.withLock {
            finished = true
            try flush()
        }
    }

    /// The names of the packs written so far (`pack-NAME.pack`).
    var packNames: [String] {
        mutex.withLock { checksums }
    }

    /// An object added and not yet written, so that libgit2 can read it back meanwhile
    /// (`PackingBackend`); nil once it is in the repository or if it was never added.
    func pendingObject(_ id: ObjectID) -> PackedObject? {
        mutex.withLock { pendingPositions[id].map { pending[$0] } }
    }

    /// Called with the mutex held.
    private func flush() throws {
        if let failure { throw failure }
        guard !pending.isEmpty else { return }
        do { try write(pending) } catch {
            failure = error
            throw error
        }
        pending = []
        pendingPositions = [:]
        pendingBytes = 0
    }

    private func write(_ objects: [PackedObject]) throws {
        mkdir(gitDirectory + "/objects/pack", 0o755)  // a sync client may not have brought an empty folder along
        let database = try Repository.open(gitDir: gitDirectory, workTree: nil).objectDatabase()
        var writepack: UnsafeMutablePointer<git_odb_writepack>?
        try check(git_odb_write_pack(&writepack, database.pointer, nil, nil), "git_odb_write_pack")
        guard let writepack else { throw GitError(function: "git_odb_write_pack", code: -1, message: "no pack writer") }
        defer { writepack.pointee.free?(writepack) }
        var stats = git_indexer_progress()
        var hash = Insecure.SHA1()
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        func send(hashing: Bool = true) throws {
            if hashing { hash.update(data: buffer) }
            try buffer.withUnsafeBytes { raw in
                try check(writepack.pointee.append!(writepack, raw.baseAddress, raw.count, &stats), "git_odb_writepack append")
            }
            buffer.removeAll(keepingCapacity: true)
        }
        // "PACK", version 2, the object count, all big-endian.
        buffer += Array("PACK".utf8)
        for value in [UInt32(2), UInt32(objects.count)] {
            buffer += [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
        }
        for object in objects {
            buffer += object.header
            buffer += object.deflated
            if buffer.count >= 1 << 20 { try send() }
        }
        try send()
        let checksum = Array(hash.finalize())
        buffer += checksum
        try send(hashing: false)
        try check(writepack.pointee.commit!(writepack, &stats), "git_odb_writepack commit")
        let name = checksum.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        checksums.append(name)
        if durable {
            let folder = gitDirectory + "/objects/pack"
            for path in [folder + "/pack-" + name + ".pack", folder + "/pack-" + name + ".idx", folder] { try PackWriter.sync(path) }
        }
    }

    private static func sync(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0, fsync(descriptor) == 0 else {
            let reason = String(cString: strerror(errno))
            if descriptor >= 0 { close(descriptor) }
            throw GitError(function: "fsync", code: -1, message: "cannot sync '\(path)': \(reason)")
        }
        close(descriptor)
    }
}
