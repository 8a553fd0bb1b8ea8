import CLibgit2

/// One stage-0 entry of the index, copied out of libgit2 so it can cross threads.
public struct IndexEntry: Sendable {
    public var path: String
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

    public init(path: String, id: ObjectID, mode: UInt32, fileSize: UInt32 = 0,
                mtimeSeconds: Int32 = 0, mtimeNanoseconds: UInt32 = 0,
                ctimeSeconds: Int32 = 0, ctimeNanoseconds: UInt32 = 0,
                device: UInt32 = 0, inode: UInt32 = 0, uid: UInt32 = 0, gid: UInt32 = 0) {
        self.path = path
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

    public static let regularMode: UInt32 = 0o100644
    public static let executableMode: UInt32 = 0o100755
    public static let symlinkMode: UInt32 = 0o120000
}
