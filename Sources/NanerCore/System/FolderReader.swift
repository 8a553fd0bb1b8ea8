import FoundationEssentials
import Glibc

/// Walks a folder archive with `openat` and never follows a symlink: links
/// are read as links, only regular files are opened.
enum FolderReader {
    static func read(_ root: String) throws -> [ArchiveItem] {
        let fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw NanerError.cannotRead(root, reason: SystemError.last("read").reason) }
        var items: [ArchiveItem] = []
        try walk(fd, prefix: "", root: root, into: &items)
        return items
    }

    /// Reads the folder open as `fd` and closes it.
    private static func walk(_ fd: Int32, prefix: String, root: String, into items: inout [ArchiveItem]) throws {
        guard let stream = fdopendir(fd) else {
            close(fd)
            throw NanerError.cannotRead(BackupArchive.join(root, prefix), reason: SystemError.last("read").reason)
        }
        defer { closedir(stream) }
        var names: [[UInt8]] = []
        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                if errno != 0 { throw NanerError.cannotRead(BackupArchive.join(root, prefix), reason: SystemError.last("read").reason) }
                break
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            if name == [0x2E] || name == [0x2E, 0x2E] { continue }
            names.append(name)
        }
        for rawName in names {
            guard let name = String(validating: rawName, as: UTF8.self) else {
                let shown = prefix + String(decoding: rawName, as: UTF8.self)
                throw NanerError.unsafeArchiveEntry(archive: root, entry: shown, reason: "the name is not UTF-8")
            }
            let path = prefix.isEmpty ? name : prefix + "/" + name
            let shown = BackupArchive.join(root, path)
            var status = stat()
            guard fstatat(fd, name, &status, AT_SYMLINK_NOFOLLOW) == 0 else {
                throw NanerError.cannotRead(shown, reason: SystemError.last("read").reason)
            }
            switch status.st_mode & S_IFMT {
            case S_IFDIR:
                let child = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                guard child >= 0 else { throw NanerError.cannotRead(shown, reason: SystemError.last("read").reason) }
                items.append(ArchiveItem(path: path, content: .folder))
                try walk(child, prefix: path, root: root, into: &items)
            case S_IFLNK:
                items.append(ArchiveItem(path: path, content: .symlink(try readLink(fd, name, shown: shown, root: root, path: path))))
            case S_IFREG:
                items.append(ArchiveItem(path: path, content: .file(try readFile(fd, name, shown: shown),
                                                                    mode: UInt32(status.st_mode) & 0o777)))
            default:
                throw NanerError.unsafeArchiveEntry(archive: root, entry: path, reason: "it is a device, pipe or socket")
            }
        }
    }

    private static func readFile(_ directory: Int32, _ name: String, shown: String) throws -> [UInt8] {
        let fd = openat(directory, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw NanerError.cannotRead(shown, reason: SystemError.last("read").reason) }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw NanerError.cannotRead(shown, reason: SystemError.last("read").reason) }
        guard status.st_mode & S_IFMT == S_IFREG else { throw NanerError.cannotRead(shown, reason: FileReader.Failure.notARegularFile) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: max(4096, min(Int(status.st_size) + 1, 1 << 20)))
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw NanerError.cannotRead(shown, reason: SystemError.last("read").reason)
            }
            if count == 0 { return result }
            result.append(contentsOf: buffer[0..<count])
        }
    }

    private static func readLink(_ directory: Int32, _ name: String, shown: String, root: String, path: String) throws -> String {
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = buffer.withUnsafeMutableBytes { readlinkat(directory, name, $0.baseAddress!.assumingMemoryBound(to: CChar.self), $0.count) }
        guard count >= 0 else { throw NanerError.cannotRead(shown, reason: SystemError.last("read").reason) }
        guard let target = String(validating: buffer[0..<count], as: UTF8.self) else {
            throw NanerError.unsafeArchiveEntry(archive: root, entry: path, reason: "the symlink's target is not UTF-8")
        }
        return target
    }
}
