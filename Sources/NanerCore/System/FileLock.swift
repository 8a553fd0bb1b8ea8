import Glibc

/// One naner at a time per repository: an `flock` on `REPO/naner.lock`. The kernel
/// drops the lock when its holder dies, so a dead process's lock is taken over
/// without guessing; the file keeps the holder's pid for the message.
public final class FileLock {
    private let descriptor: Int32

    /// Waits up to `timeout` seconds for the lock, then throws `NanerError.locked`.
    public init(repository: String, timeout: Double) throws {
        let path = repository + "/naner.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw NanerError.cannotWrite(path, reason: String(cString: strerror(errno))) }
        let deadline = Clock.monotonicSeconds + timeout
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, Clock.monotonicSeconds < deadline else {
                let holder = FileLock.readPid(fd)
                close(fd)
                throw NanerError.locked(repository: repository, pid: holder)
            }
            usleep(50_000)
        }
        descriptor = fd
        let text = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    /// Whether another process holds the lock now, without taking it or waiting: a
    /// shared lock tried and dropped at once (no lock file: nobody holds it).
    public static func isHeld(repository: String) -> Bool {
        let fd = open(repository + "/naner.lock", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard flock(fd, LOCK_SH | LOCK_NB) == 0 else { return errno == EWOULDBLOCK }
        _ = flock(fd, LOCK_UN)
        return false
    }

    deinit {
        _ = ftruncate(descriptor, 0)
        close(descriptor)
    }

    private static func readPid(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = pread(fd, &buffer, 32, 0)
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[0..<count], as: UTF8.self).filter(\.isNumber))
    }
}
