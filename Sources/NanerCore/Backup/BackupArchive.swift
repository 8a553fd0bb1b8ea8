import Foundation
import Glibc

/// Portable backup archives: a folder of plain files, or one zip, with
/// `BACKUP-MANIFEST.json` at the top. Written atomically; read back only after
/// every entry has been checked, so a hostile archive is refused whole.
public enum BackupArchive {
    /// Writes `entries` plus `BACKUP-MANIFEST.json` (`manifest.json()`) as the
    /// folder `directory/NAME/` of plain files, or with `compress` as one
    /// `directory/NAME.zip` (entries at the archive's root, deflated). Returns
    /// the path written. Refuses, writing nothing, when the target exists or an
    /// entry could not be read back safely (see `unsafeEntries(in:)`). Writes
    /// into `.NAME.naner-tmp-PID` (`.NAME.zip.naner-tmp-PID`) beside it and
    /// renames that into place at the end; removes it on failure. Modes are
    /// kept (low nine bits: folder by chmod, zip as unix permissions), symlinks
    /// stay symlinks. The folder is made 0700 and the zip 0600: they may hold
    /// SSH keys.
    public static func write(entries: [ArchiveEntry], manifest: BackupManifest, to directory: String,
                             name: String, compress: Bool, passphrase: String? = nil) throws -> String {
        if let reason = nameProblem(name) { throw NanerError.invalidBackupName(name, reason: reason) }
        var status = stat()
        guard stat(directory, &status) == 0 else {
            if errno == ENOENT { throw NanerError.outputMissing(directory) }
            throw NanerError.cannotWrite(directory, reason: lastError())
        }
        guard status.st_mode & S_IFMT == S_IFDIR else { throw NanerError.cannotWrite(directory, reason: "not a folder") }
        if let clash = entries.first(where: { $0.path == BackupManifest.fileName }) {
            throw NanerError.cannotArchive(clash.path, reason: "the archive's own manifest has that name")
        }
        if let problem = unsafeEntries(in: entries).first {
            throw NanerError.cannotArchive(problem.path, reason: problem.reason)
        }

        let fileName = passphrase != nil ? name + EncryptedArchive.fileExtension : compress ? name + ".zip" : name
        let target = join(directory, fileName)
        guard !exists(target) else { throw NanerError.archiveExists(target) }
        let temporary = join(directory, ".\(fileName).naner-tmp-\(getpid())")
        removeTree(temporary)

        let sorted = entries.sorted { ArchiveSafety.precedes($0.path, $1.path) }
        let manifestEntry = ArchiveEntry.file(BackupManifest.fileName, Array(manifest.json().utf8), mode: 0o644)
        do {
            if let passphrase {
                // Built and sealed in memory: no byte of the plain archive reaches the disk.
                let zip = try ZipArchive.bytes(([manifestEntry] + sorted).map { ($0.path, $0.content) })
                try writeFile(temporary, try EncryptedArchive.seal(zip, passphrase: passphrase), mode: 0o600, shown: target)
            } else if compress {
                try writeZip([manifestEntry] + sorted, temporary: temporary, target: target)
            } else {
                try writeFolder(sorted + [manifestEntry], temporary: temporary, target: target)
            }
            try moveIntoPlace(temporary, target, isFolder: !compress && passphrase == nil)
        } catch {
            removeTree(temporary)
            throw error
        }
        syncFolder(directory)
        return target
    }

    /// Reads a folder or a .zip written by `write` (or a folder a person
    /// filled, or zipped, by hand) and checks all of it before returning: the
    /// manifest must be a regular file at the top and parse; no entry may be
    /// absolute, have a `..`, `.` or empty component, a NUL or a backslash, be
    /// listed twice, lie below a file or a symlink of the archive, or be a
    /// symlink whose target is absolute or leads out of the archive (resolved
    /// against the link's folder, following the archive's own symlinks); zip
    /// entries must lie inside the file, inflate to exactly their size and pass
    /// their CRC-32 check. Returns the manifest and every file and symlink
    /// except the manifest, sorted by path (byte order); folders are implied.
    public static func read(_ path: String) throws -> (manifest: BackupManifest, entries: [ArchiveEntry]) {
        var status = stat()
        guard stat(path, &status) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { throw NanerError.archiveMissing(path) }
            throw NanerError.cannotRead(path, reason: lastError())
        }
        let items: [ArchiveItem]
        switch status.st_mode & S_IFMT {
        case S_IFDIR:
            items = try FolderReader.read(path)
        case S_IFREG:
            var bytes: [UInt8]
            do {
                bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            } catch {
                throw NanerError.cannotRead(path, reason: (error as NSError).localizedDescription)
            }
            if EncryptedArchive.isEncrypted(bytes) {
                let passphrase = try BackupArchive.passphrase(path, false)
                do {
                    bytes = try EncryptedArchive.open(bytes, passphrase: passphrase)
                } catch {
                    switch error {
                    case .wrongPassphrase: throw NanerError.wrongPassphrase(path)
                    case .malformed(let reason): throw NanerError.archiveDamaged(path, reason: reason)
                    }
                }
            }
            guard bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) || bytes.starts(with: [0x50, 0x4B, 0x05, 0x06]) else {
                throw NanerError.notABackup(path, reason: "it is neither a folder nor a zip file")
            }
            do {
                items = try ZipArchive.read(bytes)
            } catch {
                switch error {
                case .damaged(let reason): throw NanerError.archiveDamaged(path, reason: reason)
                case .unsafe(let entry, let reason):
                    throw NanerError.unsafeArchiveEntry(archive: path, entry: entry, reason: reason)
                }
            }
        default:
            throw NanerError.notABackup(path, reason: "it is neither a folder nor a zip file")
        }
        return try check(items, archive: path)
    }

    /// Where a passphrase comes from: `(archive, confirm)`. `NANER_PASSPHRASE` by default;
    /// the CLI adds a prompt on the terminal. Never a command-line argument.
    nonisolated(unsafe) public static var passphrase: (_ archive: String, _ confirm: Bool) throws -> String = { archive, _ in
        guard let given = ProcessInfo.processInfo.environment["NANER_PASSPHRASE"], !given.isEmpty else {
            throw NanerError.passphraseNeeded(archive)
        }
        return given
    }

    /// The entries `write` would refuse, with the reason, in path order: the
    /// same rules `read` applies, so a caller can leave them out of a backup
    /// (and list them as skipped) instead of failing.
    public static func unsafeEntries(in entries: [ArchiveEntry]) -> [(path: String, reason: String)] {
        ArchiveSafety.problems(entries.map { ($0.path, $0.safetyKind) }).map { ($0.path, $0.reason) }
    }

    // MARK: Checking what was read

    static func check(_ items: [ArchiveItem], archive: String) throws -> (manifest: BackupManifest, entries: [ArchiveEntry]) {
        let manifests = items.filter { $0.path == BackupManifest.fileName }
        guard let manifestItem = manifests.first else {
            throw NanerError.notABackup(archive, reason: "no \(BackupManifest.fileName)")
        }
        guard case .file(let manifestBytes, _) = manifestItem.content else {
            throw NanerError.notABackup(archive, reason: "\(BackupManifest.fileName) is not a regular file")
        }
        guard let manifest = BackupManifest.parse(Data(manifestBytes)) else {
            throw NanerError.notABackup(archive, reason: "\(BackupManifest.fileName) is not a naner manifest")
        }
        if let problem = ArchiveSafety.problems(items.map { ($0.path, $0.safetyKind) }).first {
            throw NanerError.unsafeArchiveEntry(archive: archive, entry: problem.path, reason: problem.reason)
        }
        let entries = items.compactMap { item -> ArchiveEntry? in
            guard item.path != BackupManifest.fileName else { return nil }
            switch item.content {
            case .file(let bytes, let mode): return .file(item.path, bytes, mode: mode & 0o777)
            case .symlink(let target): return .symlink(item.path, target: target)
            case .folder: return nil
            }
        }
        return (manifest, entries.sorted { ArchiveSafety.precedes($0.path, $1.path) })
    }

    // MARK: Writing

    private static func writeFolder(_ entries: [ArchiveEntry], temporary: String, target: String) throws {
        guard mkdir(temporary, 0o700) == 0 else { throw NanerError.cannotWrite(target, reason: lastError()) }
        var folders: [String] = [""]
        var made = Set<String>([""])
        for entry in entries {
            let components = entry.path.split(separator: "/").map(String.init)
            var folder = ""
            for component in components.dropLast() {
                folder = folder.isEmpty ? component : folder + "/" + component
                guard made.insert(folder).inserted else { continue }
                guard mkdir(join(temporary, folder), 0o755) == 0 else {
                    throw NanerError.cannotWrite(join(target, folder), reason: lastError())
                }
                folders.append(folder)
            }
            let path = join(temporary, entry.path)
            switch entry.content {
            case .file(let bytes, let mode):
                try writeFile(path, bytes, mode: mode, shown: join(target, entry.path))
            case .symlink(let linkTarget):
                guard symlink(linkTarget, path) == 0 else {
                    throw NanerError.cannotWrite(join(target, entry.path), reason: lastError())
                }
            }
        }
        for folder in folders.reversed() { syncFolder(join(temporary, folder)) }
    }

    private static func writeFile(_ path: String, _ bytes: [UInt8], mode: UInt32, shown: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw NanerError.cannotWrite(shown, reason: lastError()) }
        var closed = false
        defer { if !closed { close(fd) } }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, bytes.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                throw NanerError.cannotWrite(shown, reason: lastError())
            }
            written += count
        }
        guard fchmod(fd, mode_t(mode & 0o777)) == 0, fsync(fd) == 0 else {
            throw NanerError.cannotWrite(shown, reason: lastError())
        }
        closed = true
        guard close(fd) == 0 else { throw NanerError.cannotWrite(shown, reason: lastError()) }
    }

    private static func writeZip(_ entries: [ArchiveEntry], temporary: String, target: String) throws {
        do {
            try ZipArchive.write(entries.map { ($0.path, $0.content) }, to: temporary)
        } catch let error as NanerError {
            throw error
        } catch {
            throw NanerError.cannotWrite(target, reason: describe(error))
        }
        let fd = open(temporary, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw NanerError.cannotWrite(target, reason: lastError()) }
        defer { close(fd) }
        guard fchmod(fd, 0o600) == 0, fsync(fd) == 0 else { throw NanerError.cannotWrite(target, reason: lastError()) }
    }

    /// Renames without replacing: a zip is hard-linked into place (which fails
    /// if the name is taken) where the file system allows, a folder is renamed
    /// (which fails onto anything but an empty folder).
    private static func moveIntoPlace(_ temporary: String, _ target: String, isFolder: Bool) throws {
        if !isFolder {
            if link(temporary, target) == 0 {
                unlink(temporary)
                return
            }
            if errno == EEXIST { throw NanerError.archiveExists(target) }
        }
        guard !exists(target) else { throw NanerError.archiveExists(target) }
        guard rename(temporary, target) == 0 else {
            let reason = lastError()
            if exists(target) { throw NanerError.archiveExists(target) }
            throw NanerError.cannotWrite(target, reason: reason)
        }
    }

    // MARK: Helpers

    /// The archive's name must be one plain path component.
    private static func nameProblem(_ name: String) -> String? {
        if name.isEmpty { return "it is empty" }
        if name.contains("/") { return "it cannot contain '/'" }
        if name.unicodeScalars.contains("\0") { return "it cannot contain a NUL byte" }
        if name.hasPrefix(".") { return "it cannot start with '.'" }
        return nil
    }

    static func join(_ directory: String, _ name: String) -> String {
        if name.isEmpty { return directory }
        return directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    private static func exists(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0
    }

    private static func removeTree(_ path: String) {
        guard exists(path) else { return }
        try? FileManager.default.removeItem(atPath: path)
    }

    private static func syncFolder(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    static func lastError() -> String {
        String(cString: strerror(errno))
    }

    private static func describe(_ error: Error) -> String {
        if let posix = error as? POSIXError { return String(cString: strerror(posix.code.rawValue)) }
        return String(describing: error)
    }
}
