import FoundationEssentials
import Glibc
import Synchronization

/// Writes a whole file through a temporary sibling and a rename, so a reader or a
/// crash sees either the old content or the new, never a part.
enum AtomicFile {
    static let temporaryPrefix = ".naner-tmp-"

    /// `.naner-tmp-PID-N`: never the file's own name, which may already be 255 bytes long;
    /// N is unique per process, so two threads never share one.
    private static func temporaryName(in directory: String) -> String {
        directory + "/" + temporaryPrefix + "\(getpid())-\(counter.add(1, ordering: .relaxed).newValue)"
    }

    private static let counter = Atomic<Int>(0)

    static func symlink(_ target: String, at path: String) throws {
        let directory = Paths.parent(of: path)
        let temporary = temporaryName(in: directory)
        unlink(temporary)
        guard Glibc.symlink(target, temporary) == 0, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw NanerError.cannotWrite(path, reason: reason)
        }
    }

    static func write(_ bytes: [UInt8], to path: String, mode: UInt32) throws {
        try bytes.withUnsafeBytes { try write($0, to: path, mode: mode) }
    }

    static func write(_ bytes: UnsafeRawBufferPointer, to path: String, mode: UInt32) throws {
        try write(to: path, mode: mode) { emit in try emit(bytes) }
    }

    /// The same, for content that arrives in pieces: `produce` calls `emit` per piece.
    static func write(to path: String, mode: UInt32,
                      _ produce: (_ emit: (UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        let directory = Paths.parent(of: path)
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let temporary = temporaryName(in: directory)
        unlink(temporary)
        // Created private and given its final mode before the rename: never readable by others for a moment.
        let fd = Glibc.open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw NanerError.cannotWrite(path, reason: String(cString: strerror(errno))) }
        do {
            try produce { bytes in
                var written = 0
                while written < bytes.count {
                    let count = Glibc.write(fd, bytes.baseAddress! + written, bytes.count - written)
                    if count < 0 {
                        if errno == EINTR { continue }
                        throw NanerError.cannotWrite(path, reason: String(cString: strerror(errno)))
                    }
                    written += count
                }
            }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        fchmod(fd, mode_t(mode))
        close(fd)
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw NanerError.cannotWrite(path, reason: reason)
        }
    }
}
