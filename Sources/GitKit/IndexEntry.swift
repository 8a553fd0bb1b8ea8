import CLibgit2

/// One stage-0 entry of the index, copied out of libgit2 so it can cross threads.
public struct IndexEntry: Sendable {
    /// The path. An entry `IndexFile` read keeps its path in the table it read them all
    /// into, and this makes a String of it at each call: read it once where it is used
    /// more than once, and compare through `withPathBytes`.
    public var path: String {
        get {
            guard let pathTable else { return storedPath }
            return pathTable.table.withPath(at: Int(pathPosition)) { String(decoding: $0, as: UTF8.self) }
        }
        set {
            storedPath = newValue
            pathTable = nil
        }
    }
    public var id: ObjectID
    public var mode: UInt32
    public var fileSize: UInt32
    public var mtimeSeconds: Int32
    public var mtimeNanoseconds: UInt32
    public var ctimeSeconds: Int32
    public var ctimeNanoseconds: UInt32
    public var device: UInt32
    public var inode: UInt32
    public var uid: UInt32
    public var gid: UInt32
    private var storedPath: String
    /// Where the path is when it is not stored here.
    private var pathTable: SharedPathTable?
    private var pathPosition: UInt32 = 0

    public init(path: String, id: ObjectID, mode: UInt32, fileSize: UInt32 = 0,
                mtimeSeconds: Int32 = 0, mtimeNanoseconds: UInt32 = 0,
                ctimeSeconds: Int32 = 0, ctimeNanoseconds: UInt32 = 0,
                device: UInt32 = 0, inode: UInt32 = 0, uid: UInt32 = 0, gid: UInt32 = 0) {
        self.storedPath = path
        self.id = id
        self.mode = mode
        self.fileSize = fileSize
        self.mtimeSeconds = mtimeSeconds
        self.mtimeNanoseconds = mtimeNanoseconds
        self.ctimeSeconds = ctimeSeconds
        self.ctimeNanoseconds = ctimeNanoseconds
        self.device = device
        self.inode = inode
        self.uid = uid
        self.gid = gid
    }

    /// An entry whose path will be kept at `position` of a table (`keepPath(in:)`).
    init(pathAt position: Int, id: ObjectID, mode: UInt32, fileSize: UInt32,
         mtimeSeconds: Int32, mtimeNanoseconds: UInt32, ctimeSeconds: Int32, ctimeNanoseconds: UInt32,
         device: UInt32, inode: UInt32, uid: UInt32, gid: UInt32) {
        self.init(path: "", id: id, mode: mode, fileSize: fileSize, mtimeSeconds: mtimeSeconds, mtimeNanoseconds: mtimeNanoseconds,
                  ctimeSeconds: ctimeSeconds, ctimeNanoseconds: ctimeNanoseconds, device: device, inode: inode, uid: uid, gid: gid)
        pathPosition = UInt32(position)
    }

    /// Points the entry at the table that now holds its path (at the position it was made with).
    mutating func keepPath(in table: SharedPathTable) { pathTable = table }

    /// The path's UTF-8 bytes, read where they are kept: no String is made.
    public func withPathBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        if let pathTable { return try pathTable.table.withPath(at: Int(pathPosition), body) }
        var path = storedPath
        return try path.withUTF8(body)
    }

    /// Whether the path begins with `prefix`'s bytes.
    public func pathStarts(with prefix: [UInt8]) -> Bool { withPathBytes { $0.starts(with: prefix) } }

    /// Whether the path sorts before `bytes` in git's order (byte by byte).
    public func pathPrecedes(_ bytes: [UInt8]) -> Bool { withPathBytes { $0.lexicographicallyPrecedes(bytes) } }

    /// Whether the path is `path`, compared byte by byte.
    public func pathIs(_ path: String) -> Bool { withPathBytes { $0.elementsEqual(path.utf8) } }

    public static let regularMode: UInt32 = 0o100644
    public static let executableMode: UInt32 = 0o100755
    public static let symlinkMode: UInt32 = 0o120000
}
