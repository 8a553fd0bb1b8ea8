import GitKit

/// A large file made a blob without ever being held whole: read in pieces, each
/// scanned for secrets, then hashed (a status) or deflated into the object database
/// (a commit). A secret found part-way drops the object stream before it becomes an
/// object, so nothing of the file is stored; the secret's own bytes are never even
/// handed to libgit2 (`SecretStream` passes on only what starts no secret).
enum StreamedBlob {
    /// Regular files larger than this are streamed; smaller ones are read whole, which
    /// is faster (the common case). The same size from which a restore streams.
    static let threshold = 8 << 20

    enum Outcome {
        case stored(ObjectID)
        /// What the file contains; nothing was stored.
        case secret(SecretFinding)
    }

    /// Streams the regular file at `path`, which `lstat` described as `status`, into
    /// `database`, or only hashes it when there is none. Throws `FileReader.Failure`
    /// when the file cannot be read or changed while it was (nothing is stored then
    /// either), and `GitError` when the object cannot be written.
    ///
    /// `hashingFirst`, for content the repository likely holds already (a file whose
    /// stat data changed and size did not; a file a restore just wrote): the file is
    /// hashed first, and deflated in a second reading only when the repository lacks
    /// that object. Deflating costs many times what reading and hashing do.
    static func store(_ path: String, status: FileStat, into database: ObjectDatabase?,
                      hashingFirst: Bool = false, allowing allowance: SecretAllowance = .none) throws -> Outcome {
        if let database, hashingFirst {
            let hashed = try store(path, status: status, into: nil, allowing: allowance)
            guard case .stored(let id) = hashed, !database.contains(id) else { return hashed }
        }
        var secrets = SecretStream(allowing: allowance)
        if let database {
            let stream = try database.writeStream(size: status.size, kind: .blob)
            if let secret = try feed(path, status: status, secrets: &secrets, to: { try stream.write($0) }) { return .secret(secret) }
            return .stored(try stream.finish())
        }
        var hasher = ObjectHasher(size: status.size, kind: .blob)
        if let secret = try feed(path, status: status, secrets: &secrets, to: { try hasher.update($0) }) { return .secret(secret) }
        return .stored(try hasher.finish())
    }

    /// Reads the file through `secrets` into `sink`; the secret found, if any.
    private static func feed(_ path: String, status: FileStat, secrets: inout SecretStream,
                             to sink: (UnsafeRawBufferPointer) throws -> Void) throws -> SecretFinding? {
        do {
            try FileReader.readPieces(path, expected: status) { piece in
                if try secrets.feed(piece, pass: sink) != nil { throw SecretFound() }
            }
        } catch is SecretFound {
            return secrets.secret
        }
        return try secrets.finish(pass: sink)
    }

    /// Stops the reading as soon as a piece shows a secret.
    private struct SecretFound: Error {}
}
