import CLibgit2
import Crypto

/// The id git gives an object whose content arrives in pieces, without storing it
/// (what `ObjectID.hash` computes for content held whole): SHA-1 of
/// "`kind` `size`\0" and the content.
public struct ObjectHasher {
    private var hash = Insecure.SHA1()
    public let size: Int
    public private(set) var hashed = 0

    /// A hasher for an object of exactly `size` bytes.
    public init(size: Int, kind: ObjectKind) {
        self.size = size
        hash.update(data: Array("\(kind.name) \(size)\0".utf8))
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) throws {
        guard hashed + bytes.count <= size else {
            throw GitError(function: "ObjectHasher.update", code: -1, message: "more than the \(size) bytes declared")
        }
        hash.update(bufferPointer: bytes)
        hashed += bytes.count
    }

    /// The id, once all `size` bytes were hashed.
    public func finish() throws -> ObjectID {
        guard hashed == size else {
            throw GitError(function: "ObjectHasher.finish", code: -1, message: "\(hashed) bytes hashed of the \(size) declared")
        }
        let digest = hash.finalize()
        return digest.withUnsafeBytes { raw in
            ObjectID(bytes: (raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
                             raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                             raw.loadUnaligned(fromByteOffset: 16, as: UInt32.self)))
        }
    }
}
