import CLibgit2

/// A SHA-1 object id, held by value so it can cross threads and live in sets.
public struct ObjectID: Hashable, Sendable, CustomStringConvertible {
    // 20 bytes as two UInt64 and one UInt32: cheap to hash and compare.
    let a: UInt64, b: UInt64, c: UInt32

    init(_ oid: git_oid) {
        var copy = oid
        (a, b, c) = withUnsafeBytes(of: &copy.id) { raw in
            (raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
             raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
             raw.loadUnaligned(fromByteOffset: 16, as: UInt32.self))
        }
    }

    init(bytes: (UInt64, UInt64, UInt32)) {
        (a, b, c) = bytes
    }

    public init?(hex: String) {
        var oid = git_oid()
        guard hex.utf8.count == 40, git_oid_fromstr(&oid, hex) == 0 else { return nil }
        self.init(oid)
    }

    var raw: git_oid {
        var oid = git_oid()
        withUnsafeMutableBytes(of: &oid.id) { raw in
            raw.storeBytes(of: a, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: b, toByteOffset: 8, as: UInt64.self)
            raw.storeBytes(of: c, toByteOffset: 16, as: UInt32.self)
        }
        return oid
    }

    public var hex: String {
        var oid = raw
        var buffer = [CChar](repeating: 0, count: 41)
        git_oid_tostr(&buffer, 41, &oid)
        return String(decoding: buffer.prefix(40).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public var short: String { String(hex.prefix(7)) }
    public var description: String { hex }

    /// The id git gives `bytes` stored as an object of `kind`, without writing it.
    public static func hash(_ bytes: UnsafeRawBufferPointer, kind: ObjectKind) throws -> ObjectID {
        var oid = git_oid()
        try check(git_odb_hash(&oid, bytes.baseAddress, bytes.count, kind.raw), "git_odb_hash")
        return ObjectID(oid)
    }

    /// The id git gives `bytes` stored as an object of `kind`, without writing it.
    public static func hash(_ bytes: [UInt8], kind: ObjectKind) throws -> ObjectID {
        try bytes.withUnsafeBytes { try hash($0, kind: kind) }
    }
}
