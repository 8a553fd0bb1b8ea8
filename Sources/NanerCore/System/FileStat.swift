import GitKit
import Glibc

/// The `lstat` data git compares to decide whether a file may have changed.
struct FileStat: Sendable {
    let mode: UInt32
    let size: Int
    let modified: Timestamp
    let changed: Timestamp
    let device: UInt64
    let inode: UInt64
    let uid: UInt32
    let gid: UInt32

    /// nil when the path does not exist or is neither a file nor a link.
    init?(path: String) {
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        self.init(status)
    }

    /// `name` inside the open folder `directory`, without following a final link.
    init?(directory: Int32, name: UnsafePointer<CChar>) {
        var status = stat()
        guard fstatat(directory, name, &status, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
        self.init(status)
    }

    private init?(_ status: stat) {
        // Literals: Glibc's S_IFMT, S_IFREG and S_IFLNK are calls (this runs per tracked file).
        let type = status.st_mode & 0o170000
        guard type == 0o100000 || type == 0o120000 else { return nil }
        mode = UInt32(status.st_mode)
        size = Int(status.st_size)
        modified = Timestamp(seconds: status.st_mtim.tv_sec, nanoseconds: status.st_mtim.tv_nsec)
        changed = Timestamp(seconds: status.st_ctim.tv_sec, nanoseconds: status.st_ctim.tv_nsec)
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
        uid = status.st_uid
        gid = status.st_gid
    }

    // Literals, as above.
    var isSymlink: Bool { mode & 0o170000 == 0o120000 }

    /// The mode git records: a link, or a file with or without the owner's exec bit.
    var gitMode: UInt32 {
        if isSymlink { return IndexEntry.symlinkMode }
        return mode & 0o100 != 0 ? IndexEntry.executableMode : IndexEntry.regularMode
    }

    /// Same stat data as the index recorded (git compares 32-bit truncations). Inlined:
    /// called once per tracked file, and a call took a copy of the entry with it.
    @inline(__always)
    func matches(_ entry: borrowing IndexEntry) -> Bool {
        entry.mode == gitMode
            && entry.fileSize == UInt32(truncatingIfNeeded: size)
            && entry.mtimeSeconds == Int32(truncatingIfNeeded: modified.seconds)
            && entry.mtimeNanoseconds == UInt32(truncatingIfNeeded: modified.nanoseconds)
            && entry.ctimeSeconds == Int32(truncatingIfNeeded: changed.seconds)
            && entry.ctimeNanoseconds == UInt32(truncatingIfNeeded: changed.nanoseconds)
            && entry.inode == UInt32(truncatingIfNeeded: inode)
    }

    /// A file modified no earlier than the index was written may have changed again
    /// within the same clock tick without its stat data showing it ("racy git").
    func isRacy(comparedTo indexModified: Timestamp?) -> Bool {
        guard let indexModified else { return false }
        return modified >= indexModified
    }

    func indexEntry(path: String, id: ObjectID) -> IndexEntry {
        IndexEntry(path: path, id: id, mode: gitMode, fileSize: UInt32(truncatingIfNeeded: size),
                   mtimeSeconds: Int32(truncatingIfNeeded: modified.seconds),
                   mtimeNanoseconds: UInt32(truncatingIfNeeded: modified.nanoseconds),
                   ctimeSeconds: Int32(truncatingIfNeeded: changed.seconds),
                   ctimeNanoseconds: UInt32(truncatingIfNeeded: changed.nanoseconds),
                   device: UInt32(truncatingIfNeeded: device), inode: UInt32(truncatingIfNeeded: inode),
                   uid: uid, gid: gid)
    }
}
