import Glibc

/// One folder's entries through `opendir`/`readdir`: names as the kernel gives them and
/// the entry's kind when the file system records it, so a walk needs no `stat` per entry.
final class DirectoryStream {
    struct Entry {
        let name: String
        /// False when the name is not valid UTF-8 (`name` then holds a lossy rendering).
        let isValidUTF8: Bool
        /// nil when the file system does not say (`DT_UNKNOWN`): ask `PathStatus`.
        let kind: FileKind?
    }

    private let handle: OpaquePointer

    init(path: String) throws(SystemError) {
        guard let handle = opendir(path) else { throw SystemError.last("opendir") }
        self.handle = handle
    }

    deinit { closedir(handle) }

    /// The folder's own stat data, read from the open folder.
    var status: PathStatus? { PathStatus(descriptor: dirfd(handle)) }

    /// The next entry, `.` and `..` left out; nil at the end.
    func next() -> Entry? {
        while let entry = readdir(handle) {
            let decoded = withUnsafePointer(to: &entry.pointee.d_name) { pointer -> (String, Bool)? in
                let raw = UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self)
                if raw[0] == 0x2E && (raw[1] == 0 || (raw[1] == 0x2E && raw[2] == 0)) { return nil }
                if let valid = String(validatingCString: raw) { return (valid, true) }
                return (String(cString: raw), false)
            }
            guard let (name, valid) = decoded else { continue }
            return Entry(name: name, isValidUTF8: valid, kind: DirectoryStream.kind(entry.pointee.d_type))
        }
        return nil
    }

    private static func kind(_ type: UInt8) -> FileKind? {
        switch Int32(type) {
        case Int32(DT_REG): return .file
        case Int32(DT_DIR): return .directory
        case Int32(DT_LNK): return .symlink
        case Int32(DT_UNKNOWN): return nil
        default: return .other
        }
    }
}
