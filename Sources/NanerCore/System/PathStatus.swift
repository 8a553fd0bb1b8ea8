import Glibc

/// The stat data of any path: a file, folder, link or special file.
struct PathStatus: Sendable {
    let kind: FileKind
    /// The whole `st_mode`: type and permission bits.
    let mode: UInt32
    let size: Int
    let device: UInt64
    let inode: UInt64
    /// The owner.
    let uid: UInt32
    let modified: Timestamp
    let changed: Timestamp

    /// Permission bits, setuid, setgid and sticky included.
    var permissions: UInt32 { mode & 0o7777 }

    /// nil when the path does not exist; `following` stats what a final link points to.
    init?(path: String, following: Bool = false) {
        var status = stat()
        guard (following ? stat(path, &status) : lstat(path, &status)) == 0 else { return nil }
        self.init(status)
    }

    /// `name` (a path relative to the open folder `directory`), a final link not followed.
    init?(directory: Int32, name: UnsafePointer<CChar>) {
        var status = stat()
        guard fstatat(directory, name, &status, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
        self.init(status)
    }

    /// The status of an open descriptor.
    init?(descriptor: Int32) {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return nil }
        self.init(status)
    }

    private init(_ status: stat) {
        kind = FileKind(mode: status.st_mode)
        mode = UInt32(status.st_mode)
        size = Int(status.st_size)
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
        uid = status.st_uid
        modified = Timestamp(seconds: status.st_mtim.tv_sec, nanoseconds: status.st_mtim.tv_nsec)
        changed = Timestamp(seconds: status.st_ctim.tv_sec, nanoseconds: status.st_ctim.tv_nsec)
    }

    /// Whether anything, even a dangling link, is at `path`.
    static func exists(_ path: String) -> Bool { PathStatus(path: path) != nil }

    /// The kind at `path` without following a final link; nil when nothing is there.
    static func kind(_ path: String) -> FileKind? { PathStatus(path: path)?.kind }
}
