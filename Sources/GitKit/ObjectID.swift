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

    /// 40 hex digits, either case (as git_oid_fromstr reads them).
    public init?(hex: String) {
        var bytes = [UInt8]()
        bytes.reserveCapacity(20)
        var high: UInt8?
        for digit in hex.utf8 {
            let value: UInt8
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = digit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = digit - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let first = high { bytes.append(first << 4 | value); high = nil } else { high = value }
        }
        guard bytes.count == 20, high == nil else { return nil }
        self.init(rawBytes: bytes)
    }

    init(rawBytes bytes: [UInt8]) {
        (a, b, c) = bytes.withUnsafeBytes { raw in
            (raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
             raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
             raw.loadUnaligned(fromByteOffset: 16, as: UInt32.self))
        }
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

    // Hex and hashing in Swift, not libgit2: a status that meets a touched file hashes it,
    // and needs no libgit2 start-up for that.
    public var hex: String { withUnsafeBytes(of: raw.id) { Hex.string($0) } }

    public var short: String { String(hex.prefix(7)) }

    /// Where the object lies loose under `objects/`: `12/3456…`. Strings, not Substrings,
    /// are joined: `+` with a Substring took the generic append, 20,000 instructions a call.
    var loosePath: String {
        let hex = self.hex
        return String(hex.prefix(2)) + "/" + String(hex.dropFirst(2))
    }
    public var description: String { hex }

    /// The id git gives `bytes` stored as an object of `kind`, without writing it.
    public static func hash(_ bytes: UnsafeRawBufferPointer, kind: ObjectKind) throws -> ObjectID {
        var hasher = ObjectHasher(size: bytes.count, kind: kind)
        try hasher.update(bytes)
        return try hasher.finish()
    }

    /// The id git gives `bytes` stored as an object of `kind`, without writing it.
    public static func hash(_ bytes: [UInt8], kind: ObjectKind) throws -> ObjectID {
        try bytes.withUnsafeBytes { try hash($0, kind: kind) }
    }
}
