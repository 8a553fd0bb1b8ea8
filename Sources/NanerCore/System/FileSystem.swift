import Glibc

/// The file system calls the domain makes, each one call with a typed error.
enum FileSystem {
    /// Removes a file or link; true when one was there and is gone.
    @discardableResult
    static func removeIfPresent(_ path: String) -> Bool { unlink(path) == 0 }

    /// Removes a file or link; nothing there is fine.
    static func remove(_ path: String) throws(SystemError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw SystemError.last("unlink") }
    }

    static func rename(_ source: String, to destination: String) throws(SystemError) {
        guard Glibc.rename(source, destination) == 0 else { throw SystemError.last("rename") }
    }

    /// A second name for a file; fails when `destination` is taken, unlike `rename`.
    static func link(_ source: String, to destination: String) throws(SystemError) {
        guard Glibc.link(source, destination) == 0 else { throw SystemError.last("link") }
    }

    static func makeFolder(_ path: String, mode: UInt32) throws(SystemError) {
        guard mkdir(path, mode_t(mode)) == 0 else { throw SystemError.last("mkdir") }
    }

    static func makeSymlink(_ target: String, at path: String) throws(SystemError) {
        guard symlink(target, path) == 0 else { throw SystemError.last("symlink") }
    }

    /// Sets the access and modification times of a link itself (never of what it points to).
    static func setLinkModificationTime(_ path: String, seconds: Int) throws(SystemError) {
        var times = [timespec(tv_sec: seconds, tv_nsec: 0), timespec(tv_sec: seconds, tv_nsec: 0)]
        guard utimensat(AT_FDCWD, path, &times, AT_SYMLINK_NOFOLLOW) == 0 else { throw SystemError.last("utimensat") }
    }

    static func setPermissions(_ path: String, _ mode: UInt32) throws(SystemError) {
        guard chmod(path, mode_t(mode)) == 0 else { throw SystemError.last("chmod") }
    }

    /// Creates `path` (never through a link, never over an existing file), writes all of
    /// `bytes`, gives it `mode` and flushes it to the disk before closing.
    static func writeNewFile(_ path: String, _ bytes: [UInt8], mode: UInt32) throws(SystemError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SystemError.last("open") }
        var closed = false
        defer { if !closed { close(fd) } }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, bytes.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                throw SystemError.last("write")
            }
            written += count
        }
        guard fchmod(fd, mode_t(mode)) == 0 else { throw SystemError.last("fchmod") }
        guard fsync(fd) == 0 else { throw SystemError.last("fsync") }
        closed = true
        guard close(fd) == 0 else { throw SystemError.last("close") }
    }

    /// Gives an existing file (never through a link) `mode` and flushes it to the disk.
    static func settleFile(_ path: String, mode: UInt32) throws(SystemError) {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw SystemError.last("open") }
        defer { close(fd) }
        guard fchmod(fd, mode_t(mode)) == 0 else { throw SystemError.last("fchmod") }
        guard fsync(fd) == 0 else { throw SystemError.last("fsync") }
    }

    /// Flushes a folder's entries (a rename into it, say) to the disk; best effort.
    static func syncFolder(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    /// Creates `path` and every missing folder above it with `mode` (XDG asks 0700 for
    /// the folders an application creates under its data home). Existing ones stay as they are.
    static func makeFolders(_ path: String, mode: UInt32) throws(SystemError) {
        guard PathStatus(path: path, following: true) == nil else { return }
        let parent = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        if !parent.isEmpty { try makeFolders(parent, mode: mode) }
        do {
            try makeFolder(path, mode: mode)
        } catch where error.isExisting {}
        try setPermissions(path, mode)  // whatever the umask took away or left
    }

    /// A new private (0700) folder in `parent`, else `$TMPDIR`, else `/tmp`, named `prefix` and six random characters.
    static func makeTemporaryFolder(prefix: String, in given: String? = nil) throws(SystemError) -> String {
        let parent = given ?? getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((parent + "/" + prefix + "XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw SystemError.last("mkdtemp") }
        return String(cString: made)
    }

    /// Removes an empty folder; best effort.
    static func removeFolder(_ path: String) { rmdir(path) }

    static var processID: Int32 { getpid() }

    /// The user naner runs as.
    static var userID: UInt32 { getuid() }

    static var processorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// Whether standard input is a terminal a person could answer on.
    static var standardInputIsTerminal: Bool { isatty(STDIN_FILENO) != 0 }
}
