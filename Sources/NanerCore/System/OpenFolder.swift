import Glibc

/// A folder held open so its entries can be stat'ed by name (`fstatat`), which spares
/// the kernel a walk of the whole path per file.
final class OpenFolder {
    private let descriptor: Int32

    init?(path: String) {
        descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
    }

    deinit { close(descriptor) }

    /// The entry `name` (a C string, no slash), without following a final link.
    func fileStatus(_ name: UnsafePointer<CChar>) -> FileStat? {
        FileStat(directory: descriptor, name: name)
    }
}
