import FoundationEssentials

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
        guard let status = PathStatus(path: directory, following: true) else {
            let error = SystemError.last("stat")
            if error.isNotFound { throw NanerError.outputMissing(directory) }
            throw NanerError.cannotWrite(directory, reason: error.reason)
        }
        guard status.kind == .directory else { throw NanerError.cannotWrite(directory, reason: "not a folder") }
        if let clash = entries.first(where: { $0.path == BackupManifest.fileName }) {
            throw NanerError.cannotArchive(clash.path, reason: "the archive's own manifest has that name")
        }
        if let problem = unsafeEntries(in: entries).first {
            throw NanerError.cannotArchive(problem.path, reason: problem.reason)
        }

        let fileName = passphrase != nil ? name + AgeArchive.fileExtension : compress ? name + ".zip" : name
        let target = join(directory, fileName)
        guard !PathStatus.exists(target) else { throw NanerError.archiveExists(target) }
        let temporary = join(directory, ".\(fileName).naner-tmp-\(FileSystem.processID)")
        removeTree(temporary)

        let sorted = entries.sorted { ArchiveSafety.precedes($0.path, $1.path) }
        let manifestEntry = ArchiveEntry.file(BackupManifest.fileName, Array(manifest.json().utf8), mode: 0o644)
        do {
            if let passphrase {
                // Built and sealed in memory: no byte of the plain archive reaches the disk.
                let zip = try ZipArchive.bytes(([manifestEntry] + sorted).map { ($0.path, $0.content) })
                try writeFile(temporary, try AgeArchive.seal(zip, passphrase: passphrase), mode: 0o600, shown: target)
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
        FileSystem.syncFolder(directory)
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
    public static func read(_ path: String, interaction: Interaction = Unattended()) throws -> (manifest: BackupManifest, entries: [ArchiveEntry]) {
        guard let status = PathStatus(path: path, following: true) else {
            let error = SystemError.last("stat")
            if error.isNotFound || error.isNotFolder { throw NanerError.archiveMissing(path) }
            throw NanerError.cannotRead(path, reason: error.reason)
        }
        let items: [ArchiveItem]
        switch status.kind {
        case .directory:
            items = try FolderReader.read(path)
        case .file:
            var bytes: [UInt8]
            do {
                bytes = try FileReader.read(path, following: true)
            } catch {
                throw NanerError.cannotRead(path, reason: (error as? FileReader.Failure)?.reason ?? "\(error)")
            }
            if AgeFile.isAgeFile(Array(bytes.prefix(1024))) {
                let passphrase = try interaction.passphrase(for: path, confirm: false)
                bytes = try AgeArchive.open(bytes, passphrase: passphrase, path: path)
            } else if EncryptedArchive.isEncrypted(bytes) {
                // The format of earlier versions (NAME.zip.enc): still read, no longer written.
                let passphrase = try interaction.passphrase(for: path, confirm: false)
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
        do {
            try FileSystem.makeFolder(temporary, mode: 0o700)
        } catch {
            throw NanerError.cannotWrite(target, reason: error.reason)
        }
        var folders: [String] = [""]
        var made = Set<String>([""])
        for entry in entries {
            let components = entry.path.split(separator: "/").map(String.init)
            var folder = ""
            for component in components.dropLast() {
                folder = folder.isEmpty ? component : folder + "/" + component
                guard made.insert(folder).inserted else { continue }
                do {
                    try FileSystem.makeFolder(join(temporary, folder), mode: 0o755)
                } catch {
                    throw NanerError.cannotWrite(join(target, folder), reason: error.reason)
                }
                folders.append(folder)
            }
            let path = join(temporary, entry.path)
            switch entry.content {
            case .file(let bytes, let mode):
                try writeFile(path, bytes, mode: mode, shown: join(target, entry.path))
            case .symlink(let linkTarget):
                do {
                    try FileSystem.makeSymlink(linkTarget, at: path)
                } catch {
                    throw NanerError.cannotWrite(join(target, entry.path), reason: error.reason)
                }
            }
        }
        for folder in folders.reversed() { FileSystem.syncFolder(join(temporary, folder)) }
    }

    private static func writeFile(_ path: String, _ bytes: [UInt8], mode: UInt32, shown: String) throws {
        do {
            try FileSystem.writeNewFile(path, bytes, mode: mode & 0o777)
        } catch {
            throw NanerError.cannotWrite(shown, reason: error.reason)
        }
    }

    private static func writeZip(_ entries: [ArchiveEntry], temporary: String, target: String) throws {
        do {
            try ZipArchive.write(entries.map { ($0.path, $0.content) }, to: temporary)
        } catch let error as NanerError {
            throw error
        } catch {
            throw NanerError.cannotWrite(target, reason: SystemError.describe(error))
        }
        do {
            try FileSystem.settleFile(temporary, mode: 0o600)
        } catch {
            throw NanerError.cannotWrite(target, reason: error.reason)
        }
    }

    /// Renames without replacing: a zip is hard-linked into place (which fails
    /// if the name is taken) where the file system allows, a folder is renamed
    /// (which fails onto anything but an empty folder).
    private static func moveIntoPlace(_ temporary: String, _ target: String, isFolder: Bool) throws {
        if !isFolder {
            do {
                try FileSystem.link(temporary, to: target)
                FileSystem.removeIfPresent(temporary)
                return
            } catch where error.isExisting {
                throw NanerError.archiveExists(target)
            } catch {}
        }
        guard !PathStatus.exists(target) else { throw NanerError.archiveExists(target) }
        do {
            try FileSystem.rename(temporary, to: target)
        } catch {
            if PathStatus.exists(target) { throw NanerError.archiveExists(target) }
            throw NanerError.cannotWrite(target, reason: error.reason)
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

    private static func removeTree(_ path: String) {
        guard PathStatus.exists(path) else { return }
        try? FileManager.default.removeItem(atPath: path)
    }
}
