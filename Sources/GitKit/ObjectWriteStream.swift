import CLibgit2
import CNanerZlib

/// An object written into the object database in pieces (a file too large to hold
/// whole): libgit2 hashes and deflates each piece as it comes, into a temporary file
/// of the loose backend, which becomes the object only at `finish`. Dropped before
/// that, the stream is freed and the temporary file removed: no object exists.
public final class ObjectWriteStream {
    private let stream: UnsafeMutablePointer<git_odb_stream>
    /// Kept alive while the stream, which points into it, lives.
    private let database: ObjectDatabase
    public let size: Int
    public private(set) var written = 0
    private var finished = false

    /// A stream for an object of exactly `size` bytes.
    public init(database: ObjectDatabase, size: Int, kind: ObjectKind) throws {
        var stream: UnsafeMutablePointer<git_odb_stream>?
        try check(git_odb_open_wstream(&stream, database.pointer, git_object_size_t(size), kind.raw), "git_odb_open_wstream")
        guard let stream else { throw GitError(function: "git_odb_open_wstream", code: -1, message: "no stream") }
        self.stream = stream
        self.database = database
        self.size = size
    }

    deinit { git_odb_stream_free(stream) }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !finished else { throw GitError(function: "git_odb_stream_write", code: -1, message: "the stream is finished") }
        guard bytes.count > 0 else { return }
        guard written + bytes.count <= size else {
            throw GitError(function: "git_odb_stream_write", code: -1, message: "more than the \(size) bytes declared")
        }
        try check(git_odb_stream_write(stream, bytes.baseAddress!.assumingMemoryBound(to: CChar.self), bytes.count),
                  "git_odb_stream_write")
        written += bytes.count
    }

    /// Makes the written bytes the object (they must be all `size` of them) and returns its id.
    public func finish() throws -> ObjectID {
        guard !finished else { throw GitError(function: "git_odb_stream_finalize_write", code: -1, message: "the stream is finished") }
        guard written == size else {
            throw GitError(function: "git_odb_stream_finalize_write", code: -1,
                           message: "\(written) bytes written of the \(size) declared")
        }
        var oid = git_oid()
        try check(git_odb_stream_finalize_write(&oid, stream), "git_odb_stream_finalize_write")
        finished = true
        return ObjectID(oid)
    }
}

extension ObjectDatabase {
    /// A stream that writes an object of exactly `size` bytes in pieces.
    public func writeStream(size: Int, kind: ObjectKind) throws -> ObjectWriteStream {
        try ObjectWriteStream(database: self, size: size, kind: kind)
    }
}
