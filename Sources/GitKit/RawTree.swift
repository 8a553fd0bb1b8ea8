import CLibgit2
import Glibc

/// One entry of a tree exactly as the object stores it. libgit2's tree API
/// normalizes modes (`040000` and `40000` read the same), finds names by binary
/// search (a duplicate or an entry out of order is invisible to it) and hands
/// names over as C strings; whoever must judge a tree that came from another
/// machine needs the bytes themselves.
public struct RawTreeEntry: Sendable {
    /// The name's bytes, whatever they are (git forbids only NUL, which ends them).
    public let name: [UInt8]
    /// The mode's digits as written: `100644`, `40000`, or a zero-padded `040000`.
    public let modeText: String
    /// The mode as a number (the digits read as octal).
    public let mode: UInt32
    public let id: ObjectID

    public static let treeMode: UInt32 = 0o040000
    public static let symlinkMode: UInt32 = 0o120000
    public static let gitlinkMode: UInt32 = 0o160000

    /// The mode's type bits (what git's `S_ISDIR` and friends look at).
    public var type: UInt32 { mode & 0o170000 }
    public var isTree: Bool { type == RawTreeEntry.treeMode }
    public var isSymlink: Bool { type == RawTreeEntry.symlinkMode }
    public var isGitlink: Bool { type == RawTreeEntry.gitlinkMode }
}

/// A tree object read entry by entry, in the order it stores them.
public struct RawTree: Sendable {
    public let entries: [RawTreeEntry]
    /// Bytes after the last entry read do not form an entry (git fsck: `badTree`).
    public let isMalformed: Bool

    /// Parses a tree object's content: each entry is `MODE SP NAME NUL ID(20 bytes)`,
    /// the mode octal digits.
    public init(parsing bytes: UnsafeRawBufferPointer) {
        var entries: [RawTreeEntry] = []
        var malformed = false
        if let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) {
            let count = bytes.count
            entries.reserveCapacity(count / 32)
            var position = 0
            while position < count {
                guard let space = RawTree.find(0x20, in: base, from: position, to: count),
                      (1...7).contains(space - position),
                      let nul = RawTree.find(0, in: base, from: space + 1, to: count), nul + 21 <= count else {
                    malformed = true
                    break
                }
                var mode: UInt32 = 0
                for index in position..<space {
                    let digit = base[index]
                    guard (0x30...0x37).contains(digit) else { malformed = true; break }
                    mode = mode << 3 | UInt32(digit - 0x30)
                }
                if malformed { break }
                var oid = git_oid()
                withUnsafeMutableBytes(of: &oid.id) { $0.copyMemory(from: UnsafeRawBufferPointer(start: base + nul + 1, count: 20)) }
                entries.append(RawTreeEntry(
                    name: Array(UnsafeBufferPointer(start: base + space + 1, count: nul - space - 1)),
                    modeText: String(decoding: UnsafeBufferPointer(start: base + position, count: space - position), as: UTF8.self),
                    mode: mode, id: ObjectID(oid)))
                position = nul + 21
            }
        }
        self.entries = entries
        isMalformed = malformed
    }

    private static func find(_ byte: UInt8, in base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Int? {
        guard start < end, let found = memchr(base + start, Int32(byte), end - start) else { return nil }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }
}

extension Repository {
    /// The tree `id` as stored, entry by entry (duplicates, order, raw modes and
    /// gitlinks included); nil when the object exists but is not a tree. Throws when
    /// the object database cannot give it (it is missing, or damaged).
    public func rawTree(_ id: ObjectID) throws -> RawTree? {
        let database = try objectDatabase()
        var oid = id.raw
        var object: OpaquePointer?
        try check(git_odb_read(&object, database.pointer, &oid), "git_odb_read")
        defer { git_odb_object_free(object) }
        guard git_odb_object_type(object) == GIT_OBJECT_TREE else { return nil }
        let size = git_odb_object_size(object)
        guard size > 0, let data = git_odb_object_data(object) else {
            return RawTree(parsing: UnsafeRawBufferPointer(start: nil, count: 0))
        }
        return RawTree(parsing: UnsafeRawBufferPointer(start: data, count: size))
    }
}
