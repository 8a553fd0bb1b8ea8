import Glibc

/// A folder held open so paths under it can be stat'ed relative to it (`fstatat`).
/// For many paths under one home, one descriptor for the home beats both a full path
/// per file and a descriptor per parent folder: measured on 2,000 tracked files,
/// 1.0 ms against 1.4 (full paths) and 1.6 (open each parent, stat its names).
final class OpenFolder: @unchecked Sendable {
    // Sendable: the descriptor is only read, and `fstatat` may share it between threads.
    private let descriptor: Int32

    /// Follows `path` itself if it is a link, as a home reached through one is walked.
    init?(path: String) {
        descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
    }

    deinit { close(descriptor) }

    /// The file or link at `relativePath` (a C string), a final link not followed. An
    /// absolute path is nothing here: `fstatat` would ignore the folder and look outside it
    /// (a full path built as `home + "/" + path` never left the home).
    func fileStatus(_ relativePath: UnsafePointer<CChar>) -> FileStat? {
        relativePath.pointee == CChar(UInt8(ascii: "/")) ? nil : FileStat(directory: descriptor, name: relativePath)
    }

    /// Anything at `relativePath`, a final link not followed; "" is the folder itself, and
    /// an absolute path nothing, as above.
    func pathStatus(_ relativePath: String) -> PathStatus? {
        if relativePath.isEmpty { return PathStatus(descriptor: descriptor) }
        return relativePath.utf8.first == UInt8(ascii: "/") ? nil
            : relativePath.withCString { PathStatus(directory: descriptor, name: $0) }
    }
}
