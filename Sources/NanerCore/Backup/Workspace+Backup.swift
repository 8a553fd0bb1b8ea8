import FoundationEssentials
import GitKit

extension Workspace {
    /// `naner backup`: commits pending changes, then tags the result with the manifest
    /// as the tag message; `output` also writes a portable archive.
    public func backup(name requested: String?, message: String?, output: String?, compress: Bool,
                       includeSSHKeys: Bool, encrypt: Bool = false, now: Date = Date()) throws -> BackupReport {
        let name = requested ?? BackupName.automatic(now)
        try BackupName.validate(name)
        // The tag's message travels with it; caught before a passphrase is asked or anything written.
        if let message, let secret = SecretGuard.findSecret(in: message) { throw NanerError.secretInMessage(what: "backup message", secret) }
        if let secret = SecretGuard.findSecret(in: name) { throw NanerError.secretInMessage(what: "backup name", secret) }
        if let output {
            var isDirectory = false
            guard FileManager.default.fileExists(atPath: output, isDirectory: &isDirectory), isDirectory else {
                throw NanerError.outputMissing(output)
            }
            let target = output + "/" + name + (encrypt ? AgeArchive.fileExtension : compress ? ".zip" : "")
            if FileManager.default.fileExists(atPath: target) { throw NanerError.cannotWrite(target, reason: "it already exists") }
        }
        // Asked before anything changes: a missing or mistyped passphrase leaves no trace.
        let passphrase = try encrypt ? interaction.passphrase(for: name + AgeArchive.fileExtension, confirm: true) : nil
        try lockRepository()
        if try backupReference(name) != nil { throw NanerError.backupExists(name) }
        // Without an archive, the keys go into the repository the one way they may: stored
        // encrypted (`naner secret add`), by this backup and every later commit.
        if includeSSHKeys && output == nil {
            let keys = try sshKeyPaths()
            if !keys.isEmpty { _ = try addSecrets(keys.map { locations.home + "/" + $0 }) }
        }

        let committed = try commit(message: message ?? "backup \(name)")
        guard let head = try repository.headCommitID() else { throw NanerError.nothingToBackUp }
        let skipped = (committed.scan.refused.map { BackupManifest.SkippedItem(path: $0.path, reason: "refused: it \($0.reason)") }
            + committed.scan.skipped.map { BackupManifest.SkippedItem(path: $0.path, reason: $0.reason) })
        let environment = ProcessInfo.processInfo.environment
        var manifest = BackupManifest(
            name: name, date: BackupManifest.timestamp(now), host: ProcessInfo.processInfo.hostName,
            user: environment["USER"] ?? UserAccount.name, tree: locations.home, nanerVersion: Workspace.version,
            commit: head.hex, message: message ?? "", includedSSHKeys: includeSSHKeys && output == nil,
            itemsBackedUp: committed.fileCount, skipped: skipped)
        if isLayered {
            var layers: [String: String] = [:]
            for layer in try layerChain() { layers[layer.branchName] = (try? repository.resolveCommit(layer.reference))?.hex }
            manifest.layers = layers
        }
        let summary = message.map { $0.split(separator: "\n").first.map(String.init) ?? $0 } ?? "naner backup \(name)"
        do {
            let tag = try timed("tag") { try createBackupTag(name: name, commit: head, message: summary + "\n\n" + manifest.json()) }
            detailMoved(BackupName.tagPrefix + name, from: nil, to: tag)
        } catch let error as GitError {
            throw error.kind == .exists ? NanerError.backupExists(name) : NanerError.cannotTag(name, reason: error.message)
        }
        tidyRepository()
        var archive: String?
        if let output {
            manifest.includedSSHKeys = includeSSHKeys
            var entries = try archiveEntries(of: head)
            if includeSSHKeys {
                // A key the repository stores encrypted is archived as it is on disk, once.
                let keys = try sshKeyEntries()
                let paths = Set(keys.map(\.path))
                entries.removeAll { paths.contains($0.path) }
                entries += keys
            }
            // A link to an absolute path (`.config/nvim -> /home/me/dotfiles/nvim`) is fine in the
            // repository but could lead a restore out of the tree: archives leave such links out.
            let unsafe = BackupArchive.unsafeEntries(in: entries)
            if !unsafe.isEmpty {
                let left = Set(unsafe.map(\.path))
                entries.removeAll { left.contains($0.path) }
                manifest.skipped += unsafe.map { .init(path: $0.path, reason: "left out of the archive: \($0.reason)") }
                manifest.itemsSkipped = manifest.skipped.count
                unsafe.forEach { interaction.warn("left '\($0.path)' out of the archive: \($0.reason)") }
            }
            archive = try timed("archive") {
                try BackupArchive.write(entries: entries, manifest: manifest, to: output, name: name, compress: compress,
                                        passphrase: passphrase)
            }
        }
        return BackupReport(name: name, commit: head, committed: committed, manifest: manifest, archive: archive)
    }

    /// Every backup and safety point, newest first.
    public func backups() throws -> [BackupInfo] {
        var result: [BackupInfo] = []
        for reference in try repository.references(matching: BackupName.tagPrefix + "*") {
            let name = String(reference.name.dropFirst(BackupName.tagPrefix.count))
            // A backup's tag says all a listing needs; the commit is read only for a plain tag.
            let manifest = reference.tagMessage.flatMap(BackupManifest.summary(inTagMessage:))
            let commit = try manifest == nil || reference.tagTime == nil ? repository.commit(reference.commit) : nil
            let body = reference.tagMessage ?? commit?.message ?? ""
            var info = BackupInfo(
                name: name, kind: .backup, commit: reference.commit,
                time: reference.tagTime ?? commit?.time ?? 0, offsetMinutes: reference.tagOffsetMinutes ?? commit?.offsetMinutes ?? 0,
                message: Workspace.firstLine(of: body),
                fileCount: try manifest?.itemsBackedUp ?? repository.fileCount(in: (commit ?? repository.commit(reference.commit)).treeID))
            info.host = manifest?.host
            info.target = reference.target
            result.append(info)
        }
        for reference in try repository.references(matching: BackupName.safetyPrefix + "*") {
            let commit = try repository.commit(reference.commit)
            var info = BackupInfo(
                name: String(reference.name.dropFirst(BackupName.safetyPrefix.count)), kind: .safety,
                commit: reference.commit, time: commit.time, offsetMinutes: commit.offsetMinutes,
                message: commit.summary, fileCount: try repository.fileCount(in: commit.treeID))
            info.target = reference.target
            result.append(info)
        }
        return result.sorted { ($0.time, $0.name) > ($1.time, $1.name) }
    }

    /// `naner backup --delete NAME`: removes a backup's tag or a safety point.
    public func deleteBackup(_ name: String) throws {
        try lockRepository()
        guard let reference = try backupReference(name) else { throw NanerError.unknownBackup(name) }
        let old = try? repository.referenceTarget(reference)
        do { try repository.deleteReference(reference) } catch let error as GitError {
            throw NanerError.cannotDeleteBackup(name, reason: error.message)
        }
        detailMoved(reference, from: old, to: nil)
    }

    /// The full reference of a backup or safety point called `name`.
    func backupReference(_ name: String) throws -> String? {
        for prefix in [BackupName.tagPrefix, BackupName.safetyPrefix] where try repository.referenceExists(prefix + name) {
            return prefix + name
        }
        return nil
    }

    /// The summary line of a message (everything before its first newline).
    static func firstLine(of message: String) -> String {
        guard let newline = message.utf8.firstIndex(of: 0x0A) else { return message }
        return String(message[..<newline])
    }

    /// The manifest in a backup tag's message: the JSON after the summary line.
    static func manifest(inTagMessage message: String) -> BackupManifest? {
        guard let start = message.firstIndex(of: "{") else { return nil }
        return BackupManifest.parse(Data(message[start...].utf8))
    }

    /// The files of a commit as archive entries, with the modes `.naner/modes` recorded.
    func archiveEntries(of commitID: ObjectID) throws -> [ArchiveEntry] {
        let tree = try repository.commit(commitID).treeID
        let files = try repository.treeFiles(tree)
        let modes = try files[ModeTable.path].map { ModeTable(text: String(decoding: try repository.blobContent($0.id), as: UTF8.self)) }
            ?? ModeTable()
        return try files.keys.sorted().map { path in
            let (id, mode) = files[path]!
            let bytes = try repository.blobContent(id)
            if mode == IndexEntry.symlinkMode {
                return ArchiveEntry(path: path, content: .symlink(target: String(decoding: bytes, as: UTF8.self)))
            }
            let bits = modes.modes[path] ?? (mode == IndexEntry.executableMode ? 0o755 : 0o644)
            return ArchiveEntry(path: path, content: .file(bytes, mode: bits))
        }
    }

    /// The private SSH keys' paths (`.ssh/id_*` files but not `.pub`), relative to the home.
    func sshKeyPaths() throws -> [String] {
        let folder = locations.home + "/.ssh"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.sorted().filter { $0.hasPrefix("id_") && !$0.hasSuffix(".pub") && PathStatus.kind(folder + "/" + $0) == .file }
            .map { ".ssh/" + $0 }
    }

    /// Private SSH keys (`.ssh/id_*` but not `.pub`), read from disk for a local archive.
    func sshKeyEntries() throws -> [ArchiveEntry] {
        let folder = locations.home + "/.ssh"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return try names.sorted().filter { $0.hasPrefix("id_") && !$0.hasSuffix(".pub") }.compactMap { name in
            let path = folder + "/" + name
            guard let status = FileStat(path: path), !status.isSymlink else { return nil }
            do {
                return ArchiveEntry(path: ".ssh/" + name, content: .file(try FileReader.read(path), mode: status.mode & 0o7777))
            } catch let failure as FileReader.Failure {
                throw NanerError.cannotRead(path, reason: failure.reason)
            }
        }
    }

    public static let version = "0.1.0"
}

extension Workspace {
    /// `naner show NAME`: a backup's manifest and every file it holds.
    public func showBackup(_ name: String) throws -> BackupDetails {
        guard try backupReference(name) != nil, let info = try backups().first(where: { $0.name == name }) else {
            throw NanerError.unknownBackup(name)
        }
        var manifest: BackupManifest?
        if info.kind == .backup, let tag = try repository.references(matching: BackupName.tagPrefix + name).first {
            manifest = tag.tagMessage.flatMap(Workspace.manifest(inTagMessage:))
        }
        let tree = try repository.commit(info.commit).treeID
        let entries = try repository.treeFiles(tree)
        let modes = try entries[ModeTable.path].map { ModeTable(text: String(decoding: try repository.blobContent($0.id), as: UTF8.self)) }
            ?? ModeTable()
        let files = entries.keys.sorted().map { path -> BackupDetails.File in
            let gitMode = entries[path]!.mode
            let isSymlink = gitMode == IndexEntry.symlinkMode
            let mode = isSymlink ? 0o777 : modes.modes[path] ?? (gitMode == IndexEntry.executableMode ? 0o755 : 0o644)
            return BackupDetails.File(path: path, mode: mode, isSymlink: isSymlink)
        }
        return BackupDetails(info: info, manifest: manifest, files: files)
    }
}
