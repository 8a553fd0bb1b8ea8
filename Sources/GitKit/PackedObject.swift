import CLibgit2
import CNanerZlib
import Crypto
import Glibc

/// An object hashed and deflated where it was read (on any thread), ready to go
/// into a pack: git's pack entry is the object's deflated bytes behind a small
/// type-and-size header.
public struct PackedObject: Sendable {
    public let id: ObjectID
    let kind: ObjectKind
    let size: Int
    let deflated: [UInt8]

    /// `id`: the object's id when the caller has hashed it already.
    public init(_ bytes: UnsafeRawBufferPointer, kind: ObjectKind, id: ObjectID? = nil) throws {
        self.id = try id ?? ObjectID.hash(bytes, kind: kind)
        self.kind = kind
        size = bytes.count
        var capacity = compressBound(uLong(bytes.count))
        var output = [UInt8](repeating: 0, count: Int(capacity))
        let source = bytes.baseAddress?.assumingMemoryBound(to: Bytef.self)
        var empty: Bytef = 0  // an empty file has no base address
        let rc = output.withUnsafeMutableBufferPointer { out in
            withUnsafePointer(to: &empty) { compress2(out.baseAddress, &capacity, source ?? $0, uLong(bytes.count), Z_DEFAULT_COMPRESSION) }
        }
        // zlib's return codes are not libgit2's (Z_MEM_ERROR is GIT_EEXISTS's -4): raised as a generic failure.
        guard rc == Z_OK else { throw GitError(function: "compress2", code: -1, message: "cannot deflate an object") }
        output.removeSubrange(Int(capacity)...)
        deflated = output
    }

    /// `id`: the object's id when the caller has hashed it already.
    public init(_ bytes: [UInt8], kind: ObjectKind, id: ObjectID? = nil) throws {
        self = try bytes.withUnsafeBytes { try PackedObject($0, kind: kind, id: id) }
    }

    /// Inflates the object into `destination`, which holds `size` bytes.
    func inflate(into destination: UnsafeMutableRawPointer) -> Bool {
        var length = uLong(size)
        let rc = deflated.withUnsafeBufferPointer {
            uncompress(destination.assumingMemoryBound(to: Bytef.self), &length, $0.baseAddress, uLong($0.count))
        }
        return rc == Z_OK && length == uLong(size)
    }

    /// The entry header: type in bits 4–6 of the first byte, the size in 4 bits
    /// there and then 7 bits a byte, least significant first.
    var header: [UInt8] {
        let type: UInt8
        switch kind {
        case .commit: type = 1
        case .tree: type = 2
        case .blob: type = 3
        case .tag: type = 4
        }
        var size = self.size
        var bytes = [type << 4 | UInt8(size & 0x0F)]
        size >>= 4
        while size > 0 {
            bytes[bytes.count - 1] |= 0x80
            bytes.append(UInt8(size & 0x7F))
            size >>= 7
        }
        return bytes
    }
}
