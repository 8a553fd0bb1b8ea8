import Foundation

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
    private let handle: FileHandle
    private let path: String

    public init(path: String) throws(AgeError) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .cannotRead(path, reason: FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file")
        }
        self.handle = handle
        self.path = path
    }

    deinit { try? handle.close() }

    public func read(upTo maximum: Int) throws(AgeError) -> [UInt8] {
        do {
            return [UInt8](try handle.read(upToCount: maximum) ?? Data())
        } catch {
            throw .cannotRead(path, reason: (error as NSError).localizedDescription)
        }
    }
}
