import Glibc

/// Where the bytes of an age file (or of a plaintext to encrypt) come from, a
/// piece at a time: nothing in Secrets/ ever needs a whole file in memory.
public protocol AgeSource {
    /// Up to `maximum` bytes (at least one unless the source has ended); empty at the end.
    mutating func read(upTo maximum: Int) throws(AgeError) -> [UInt8]
}

/// Bytes already in memory.
public struct AgeBytesSource: AgeSource {
    private let bytes: [UInt8]
    private var position = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public mutating func read(upTo maximum: Int) throws(AgeError) -> [UInt8] {
        let end = min(bytes.count, position + maximum)
        defer { position = end }
        return Array(bytes[position..<end])
    }
}

/// A file read from the start, in pieces.
public final class AgeFileSource: AgeSource {
    private let fd: Int32
    private let path: String

    public init(path: String) throws(AgeError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotRead(path, reason: String(cString: strerror(errno))) }
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    public func read(upTo maximum: Int) throws(AgeError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: maximum)
        var filled = 0
        // As FileHandle.read(upToCount:): short only at the end of the file.
        while filled < maximum {
            let count = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + filled, maximum - filled) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .cannotRead(path, reason: String(cString: strerror(errno)))
            }
            if count == 0 { break }
            filled += count
        }
        bytes.removeSubrange(filled...)
        return bytes
    }
}
