import FoundationEssentials
import GitKit

extension Checkout {
    /// Writes the plan's files: each beside itself, then renamed over the old one,
    /// so a restore killed at any moment leaves every file wholly old or wholly new.
    /// Contents are read from the repository on this thread (libgit2 handles stay on
    /// one thread); the writes, a handful of system calls each, run on two.
    func write(_ plan: RestorePlan, from target: RestoreTarget) throws {
        // Every secret is opened before the first write: a stored secret this identity
        // cannot open (another's, or altered) stops the run with nothing written.
        let secrets = try openSecrets(plan, from: target)
        var folders = Set<String>()
        for batch in stride(from: 0, to: plan.actions.count, by: 256).map({ plan.actions[$0..<min($0 + 256, plan.actions.count)] }) {
            var writes: [FileWrite] = []
            for action in batch {
                let absolute = locations.home + "/" + action.path
                switch action.kind {
                case .remove:
                    // At once, in plan order: a file may give way to a folder of the same name.
                    try FileWrite(path: absolute, content: .remove).perform()
                case .restore:
                    guard let file = action.file else { preconditionFailure("a restore action carries its file") }
                    let local = FileStat(path: absolute)
                    let mode = Checkout.permissions(for: file, replacing: local)
                    try makeParents(of: action.path, modes: target.modes, known: &folders)
                    if action.modeOnly, let local, !local.isSymlink {
                        writes.append(FileWrite(path: absolute, content: .mode(mode)))
                    } else if let secret = secrets[action.path] {
                        // Decrypted, private whatever was recorded; or left for `naner secret unlock`.
                        if case .plain(let bytes, _) = secret { writes.append(FileWrite(path: absolute, content: .file(bytes, mode & 0o700))) }
                    } else if file.gitMode == IndexEntry.symlinkMode {
                        // A link recorded under another home points into this one here.
                        let bytes = target.links.local(action.path, stored: try target.bytes(action.path, file), home: locations.home)
                        writes.append(FileWrite(path: absolute, content: .symlink(String(decoding: bytes, as: UTF8.self))))
                    } else if let source = target.repository, try source.blobSize(file.id) > Checkout.streamedFileSize {
                        // Written at once, streamed from the repository: never two copies of a large file in memory.
                        try AtomicFile.write(to: absolute, mode: mode) { emit in try source.streamBlob(file.id, emit) }
                    } else {
                        writes.append(FileWrite(path: absolute, content: .file(try target.bytes(action.path, file), mode)))
                    }
                }
            }
            let failures = parallelMap(writes, lanes: writes.count > 16 ? 2 : 1) { write -> Error? in
                do { try write.perform() } catch { return error }
                return nil
            }
            if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
        }
        try recordSecrets(secrets)
        warnAboutDanglingLinks(plan)
    }

    enum OpenedSecret {
        /// The plaintext of this ciphertext blob.
        case plain([UInt8], cipher: ObjectID)
        /// No identity on this machine: not laid out.
        case waiting(ObjectID)
    }

    /// The plan's secrets (the target's `.naner/secrets`, stored as age files), decrypted
    /// with this machine's identity; without one, each is waiting. A listed file stored
    /// in plain form (before it was listed, or empty) is written as stored.
    private func openSecrets(_ plan: RestorePlan, from target: RestoreTarget) throws -> [String: OpenedSecret] {
        guard !target.secrets.isEmpty else { return [:] }
        var identity: SecretIdentity??
        var opened: [String: OpenedSecret] = [:]
        for action in plan.actions where action.kind == .restore && !action.modeOnly && target.secrets.contains(action.path) {
            guard let file = action.file, file.gitMode != IndexEntry.symlinkMode else { continue }
            let bytes = try target.bytes(action.path, file)
            guard AgeFile.isAgeFile(Array(bytes.prefix(64))) else { continue }
            if identity == nil { identity = .some(workspace.localSecretIdentity()) }
            guard let key = identity ?? nil else {
                opened[action.path] = .waiting(file.id)
                continue
            }
            opened[action.path] = .plain(try Checkout.decrypt(bytes, path: action.path, with: key), cipher: file.id)
        }
        return opened
    }

    static func decrypt(_ bytes: [UInt8], path: String, with key: SecretIdentity) throws -> [UInt8] {
        do {
            return try AgeFile.decrypt(bytes, with: [key.identity], file: path)
        } catch {
            if case .noMatch = error { throw NanerError.secretUnreadable(path, reason: "it was not encrypted to this machine's age identity") }
            throw NanerError.secretUnreadable(path, reason: error.description)
        }
    }

    /// Once written: which plaintext each ciphertext holds, and which wait for an identity.
    private func recordSecrets(_ secrets: [String: OpenedSecret]) throws {
        guard !secrets.isEmpty else { return }
        var record = SecretRecord.load(repository: locations.repository)
        for (path, secret) in secrets {
            switch secret {
            case .plain(let bytes, let cipher):
                record.set(path, plain: try ObjectID.hash(bytes, kind: .blob), cipher: cipher)
                record.waiting[path] = nil
            case .waiting(let cipher):
                record.waiting[path] = cipher
            }
        }
        try record.save(repository: locations.repository)
    }

    /// A link written that leads nowhere on this machine is named: it arrived from another
    /// machine, or points outside what naner lays out.
    private func warnAboutDanglingLinks(_ plan: RestorePlan) {
        for action in plan.actions where action.kind == .restore && action.file?.gitMode == IndexEntry.symlinkMode && !action.modeOnly {
            let absolute = locations.home + "/" + action.path
            guard PathStatus(path: absolute, following: true) == nil,
                  let target = try? FileReader.readLink(absolute) else { continue }
            interaction.warn("'\(action.path)' is a link to '\(String(decoding: target, as: UTF8.self))', which does not exist here")
        }
    }

    /// Files larger than this are written one at a time, straight from the repository.
    static let streamedFileSize = 8 << 20

    /// One file of a plan, ready to write without touching the repository.
    private struct FileWrite {
        enum Content {
            case remove
            case mode(UInt32)
            case symlink(String)
            case file([UInt8], UInt32)
        }

        let path: String
        let content: Content

        func perform() throws {
            switch content {
            case .remove:
                do { try FileSystem.remove(path) } catch { throw NanerError.cannotWrite(path, reason: error.reason) }
            case .mode(let mode):
                do { try FileSystem.setPermissions(path, mode) } catch { throw NanerError.cannotWrite(path, reason: error.reason) }
            case .symlink(let target):
                try AtomicFile.symlink(target, at: path)
            case .file(let bytes, let mode):
                try AtomicFile.write(bytes, to: path, mode: mode)
            }
        }
    }

    /// Creates missing folders with their recorded modes (`.ssh/` 0700); fixes recorded ones.
    private func makeParents(of path: String, modes: ModeTable, known: inout Set<String>) throws {
        var folder = ""
        for component in path.split(separator: "/").dropLast() {
            folder += (folder.isEmpty ? "" : "/") + component
            guard known.insert(folder).inserted else { continue }  // made or checked for an earlier file
            let absolute = locations.home + "/" + folder
            let recorded = modes.modes[folder + "/"]
            if let status = PathStatus(path: absolute) {
                if let recorded, status.permissions != recorded, status.kind == .directory {
                    try? FileSystem.setPermissions(absolute, recorded)
                }
            } else {
                do {
                    try FileSystem.makeFolder(absolute, mode: recorded ?? 0o755)
                } catch where !error.isExisting {
                    throw NanerError.cannotWrite(absolute, reason: error.reason)
                } catch {}
                if let recorded { try? FileSystem.setPermissions(absolute, recorded) }
            }
        }
    }
}
