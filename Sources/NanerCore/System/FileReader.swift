import Glibc

/// Reads files and links into memory with plain system calls; errors carry errno's text.
enum FileReader {
    struct Failure: Error {
        let reason: String
    }

    /// The whole file. Never follows a symlink (the tree's links are content, not paths to read).
    static func read(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { throw Failure(reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw Failure(reason: String(cString: strerror(errno))) }
        guard status.st_mode & S_IFMT == S_IFREG else { throw Failure(reason: "not a regular file") }
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

    static func readLink(_ path: String) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = buffer.withUnsafeMutableBufferPointer {
            readlink(path, UnsafeMutableRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), $0.count)
        }
        guard count >= 0 else { throw Failure(reason: String(cString: strerror(errno))) }
        return Array(buffer[0..<count])
    }
}
