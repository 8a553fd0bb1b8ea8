import Glibc

/// Reads files and links into memory with plain system calls; errors carry errno's text.
enum FileReader {
    struct Failure: Error {
        let reason: String

        /// What a FIFO, a device or a folder is refused with, before any read (a FIFO's would block).
        static let notARegularFile = "not a regular file"
    }

    /// The whole file. Never follows a symlink (the tree's links are content, not paths to
    /// read) unless `following` (a path the user named, such as an archive's).
    static func read(_ path: String, following: Bool = false) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | (following ? 0 : O_NOFOLLOW))
        guard fd >= 0 else { throw Failure(reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw Failure(reason: String(cString: strerror(errno))) }
        guard status.st_mode & S_IFMT == S_IFREG else { throw Failure(reason: Failure.notARegularFile) }
        var result: [UInt8] = []
        var capacity = Int(status.st_size) + 1
        while true {
            let filled = result.count
            result.append(contentsOf: repeatElement(0, count: capacity - filled))
            let count = result.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + filled, capacity - filled) }
            if count < 0 {
                result.removeLast(capacity - filled)
                if errno == EINTR { continue }
                throw Failure(reason: String(cString: strerror(errno)))
            }
            result.removeLast(capacity - filled - count)
            if count == 0 { return result }
            if result.count == capacity { capacity *= 2 }
        }
    }

    /// The size of the pieces `readPieces` hands over.
    static let pieceSize = 1 << 20

    /// Hands a regular file over in pieces of `pieceSize` bytes (the last one shorter),
    /// never holding more than one piece; returns the total. Never follows a symlink.
    /// `expected` is what `lstat` said of the file before: a file that is no longer that
    /// file when reading ends (another size or inode, another modification time: it
    /// changed while being read) is a failure, and `body` is never handed more than
    /// `expected.size` bytes, so a consumer told the size up front is never overrun.
    @discardableResult
    static func readPieces(_ path: String, expected: FileStat, pieceSize: Int = FileReader.pieceSize,
                           _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { throw Failure(reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw Failure(reason: String(cString: strerror(errno))) }
        guard status.st_mode & S_IFMT == S_IFREG else { throw Failure(reason: Failure.notARegularFile) }
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
        let changed = Failure(reason: "it changed while being read")
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(pieceSize, 1), alignment: 16)
        defer { buffer.deallocate() }
        var total = 0
        var ended = false
        while !ended {
            // Fills a whole piece (short reads are joined) unless the file ends first.
            var filled = 0
            while filled < buffer.count {
                let count = Glibc.read(fd, buffer.baseAddress! + filled, buffer.count - filled)
                if count < 0 {
                    if errno == EINTR { continue }
                    throw Failure(reason: String(cString: strerror(errno)))
                }
                if count == 0 {
                    ended = true
                    break
                }
                filled += count
            }
            guard total + filled <= expected.size else { throw changed }
            if filled > 0 { try body(UnsafeRawBufferPointer(rebasing: buffer[..<filled])) }
            total += filled
        }
        guard fstat(fd, &status) == 0 else { throw Failure(reason: String(cString: strerror(errno))) }
        guard total == expected.size, Int(status.st_size) == expected.size, UInt64(status.st_ino) == expected.inode,
              status.st_mtim.tv_sec == expected.modified.seconds, status.st_mtim.tv_nsec == expected.modified.nanoseconds
        else { throw changed }
        return total
    }

    static func readLink(_ path: String) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = buffer.withUnsafeMutableBufferPointer {
            readlink(path, UnsafeMutableRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), $0.count)
        }
        guard count >= 0 else { throw Failure(reason: String(cString: strerror(errno))) }
        return Array(buffer[0..<count])
    }
}
