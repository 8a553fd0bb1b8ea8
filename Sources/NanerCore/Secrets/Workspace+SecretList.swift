import FoundationEssentials
import GitKit

extension Workspace {
    /// What `naner secret add` did to one file.
    public struct SecretAddReport: Sendable {
        public let path: String
        /// False when `.naner/secrets` listed it already.
        public let added: Bool
        /// The include list gained the file, so that it is managed.
        public let included: Bool
        /// Its permissions lost their group and other bits (0600 by default for secrets).
        public let madePrivate: Bool
        /// The last commit holds it in plain form: history keeps that version.
        public let committedInPlain: Bool
        /// Over `naner.maxFileSize` (`6 MiB, over the 5 MiB limit`): commits skip it, with a warning.
        public let overSizeLimit: String?
    }

    /// One file of `naner secret list`.
    public struct SecretListing: Sendable {
        public let path: String
        /// The file is on this machine.
        public let present: Bool
        /// The last commit holds it (encrypted).
        public let committed: Bool
        /// Not laid out yet: this machine has no identity to decrypt it (`naner secret unlock`).
        public let waiting: Bool
    }

    /// `naner secret add PATH…`: from the next commit on, these files are stored encrypted
    /// to the configuration's recipient (the identity is made on first use, as by
    /// `naner secret key`). Each is made managed (the include list gains it when no entry
    /// covers it; `.syncignore`'s exclusion of the file itself yields) and private (0600).
    public func addSecrets(_ arguments: [String]) throws -> [SecretAddReport] {
        try lockRepository()
        var paths: [String] = []
        for argument in arguments {
            let path = try treePath(argument)
            guard let kind = PathStatus.kind(locations.home + "/" + path) else { throw NanerError.pathMissing(argument) }
            guard kind == .file else { throw NanerError.secretNotAFile(path) }
            if path.contains("\n") || path.contains("\r") { throw NanerError.unrepresentablePath(path, reason: "its name holds a line break") }
            if ManagedRules.ownFiles.contains(path) || path == SecretIdentity.wrappedPath { throw NanerError.ownFile(path) }
            if !paths.contains(path) { paths.append(path) }
        }
        // The recipient first: nothing is listed that could not be encrypted.
        _ = try secretKey(create: true)
        let listPath = locations.home + "/" + SecretList.path
        let existed = PathStatus.kind(listPath) != nil
        let before = SecretList.load(home: locations.home)
        var list = before
        let added = paths.map { list.add($0) }
        try saveSecretList(list)
        var included = Set<String>()
        do {
            var stack = try refreshRules().makeStack(home: locations.home)
            let notIncluded = paths.filter { stack.check($0, isDirectory: false).ignored }
            if !notIncluded.isEmpty {
                for case .added(let path) in try add(notIncluded) { included.insert(path) }
                stack = try refreshRules().makeStack(home: locations.home)
            }
            for path in paths {
                let decision = stack.check(path, isDirectory: false)
                if decision.ignored {
                    let rule = decision.deciding.map { "\($0.origin.file) line \($0.origin.line) ('\($0.origin.text)')" } ?? "a rule"
                    throw NanerError.secretExcluded(path, rule: rule)
                }
            }
        } catch {
            // Nothing half done: the list goes back to what it was (an include entry added stays, harmless).
            try? saveSecretList(before, removingWhenEmpty: !existed)
            _ = try? refreshRules()
            throw error
        }
        // A file tracked already loses its stat data, so the next commit reads it and stores it
        // encrypted (its plain blob would otherwise look unchanged).
        var plainInHead = Set<String>()
        do {
            let index = try repository.index()
            for entry in index.entries() where paths.contains(entry.path) {
                try index.add(IndexEntry(path: entry.path, id: entry.id, mode: entry.mode))
                if entry.mode != IndexEntry.symlinkMode, entry.id != SecretList.emptyBlob,
                   let bytes = try? repository.blobContent(entry.id), !AgeFile.isAgeFile(Array(bytes.prefix(64))) {
                    plainInHead.insert(entry.path)
                }
            }
            try index.write()
        } catch let error as GitError {
            throw NanerError.cannotCommit(what: "store encrypted", reason: error.message)
        }
        let sizeLimit = (try? self.sizeLimit) ?? Workspace.defaultSizeLimit
        return try zip(paths, added).map { path, added in
            let absolute = locations.home + "/" + path
            let size = PathStatus(path: absolute)?.size ?? 0
            var madePrivate = false
            if let status = PathStatus(path: absolute), status.permissions & 0o077 != 0 {
                do { try FileSystem.setPermissions(absolute, status.permissions & 0o700) } catch let error as SystemError {
                    throw NanerError.cannotWrite(path, reason: error.reason)
                }
                madePrivate = true
            }
            return SecretAddReport(path: path, added: added, included: included.contains(path), madePrivate: madePrivate,
                                   committedInPlain: plainInHead.contains(path),
                                   overSizeLimit: size > sizeLimit ? "\(ByteSize(size)), over the \(ByteSize(sizeLimit)) limit" : nil)
        }
    }

    /// `naner secret remove PATH…`: stops encrypting these files. The file stays; its
    /// index entry loses its stat data, so the next commit reads it afresh: stored in
    /// plain form, or refused by the secret guard when it holds a secret (the last
    /// encrypted version then stays in the tree).
    public func removeSecrets(_ arguments: [String]) throws -> [String] {
        try lockRepository()
        var list = SecretList.load(home: locations.home)
        let waiting = SecretRecord.load(repository: locations.repository).waiting
        var removed: [String] = []
        for argument in arguments {
            let path = try treePath(argument)
            // Its file is not here: the next commit would record it deleted.
            if waiting[path] != nil { throw NanerError.secretWaiting(path) }
            guard list.remove(path) else { throw NanerError.secretNotListed(path) }
            removed.append(path)
        }
        do {
            let index = try repository.index()
            for entry in index.entries() where removed.contains(entry.path) {
                try index.add(IndexEntry(path: entry.path, id: entry.id, mode: entry.mode))
            }
            try index.write()
        } catch let error as GitError {
            throw NanerError.cannotCommit(what: "stop encrypting", reason: error.message)
        }
        var record = SecretRecord.load(repository: locations.repository)
        for path in removed { record.remove(path) }
        try record.save(repository: locations.repository)
        try saveSecretList(list)
        _ = try refreshRules()
        return removed
    }

    /// `naner secret list`: each file `.naner/secrets` lists.
    public func listSecrets() throws -> [SecretListing] {
        let list = SecretList.load(home: locations.home)
        let waiting = SecretRecord.load(repository: locations.repository).waiting
        let head = (try? repository.headCommitID()).flatMap { $0 }.flatMap { try? repository.commit($0).treeID }
        return list.paths.map { path in
            let committed = head.flatMap { try? repository.entry(at: path, in: $0) } != nil
            return SecretListing(path: path, present: PathStatus.kind(locations.home + "/" + path) != nil, committed: committed,
                                 waiting: waiting[path] != nil)
        }
    }

    private func saveSecretList(_ list: SecretList, removingWhenEmpty: Bool = false) throws {
        let path = locations.home + "/" + SecretList.path
        if removingWhenEmpty && list.isEmpty {
            _ = FileSystem.removeIfPresent(path)
            return
        }
        do {
            try FileSystem.makeFolders(locations.home + "/.naner", mode: 0o755)
        } catch where error.isExisting {} catch {}
        do {
            try AtomicFile.write(Array(list.text.utf8), to: path, mode: 0o644)
        } catch let error as NanerError {
            throw error
        } catch {
            throw NanerError.cannotWrite(SecretList.path, reason: "\(error)")
        }
    }
}

extension Workspace {
    /// What `naner secret unlock` laid out.
    public struct SecretUnlockReport: Sendable {
        /// Secrets decrypted into place.
        public var laidOut: [String] = []
        /// Secrets whose file here held something else: that file stays, the stored
        /// version is kept decrypted in the repository folder (`keptSecretPath`, 0600).
        public var keptBeside: [String] = []
    }

    /// Where a decrypted secret that could not take its place is kept: inside the
    /// repository folder, private and never managed, so it can never be committed in plain form.
    public func keptSecretPath(_ path: String) -> String { locations.repository + "/naner-kept/" + path }

    /// Secrets a restore, a pull or `init --from` could not decrypt yet, sorted.
    public func waitingSecrets() -> [String] {
        SecretRecord.load(repository: locations.repository).waiting.keys.sorted()
    }

    /// Whether this machine holds the configuration's identity.
    public var hasSecretIdentity: Bool { localSecretIdentity() != nil }

    /// `naner secret unlock`: unlocks the identity when this machine lacks it (the
    /// passphrase, as `naner secret key`), then decrypts each waiting secret into place.
    /// A file already there is replaced only when it is the version the record knows
    /// (what the ciphertext superseded); otherwise it stays and the stored version is
    /// written beside it. Every secret is decrypted before the first write.
    public func unlockSecrets() throws -> SecretUnlockReport {
        try lockRepository()
        guard try secretKey(create: false) != nil, let key = localSecretIdentity() else { throw NanerError.noSecretIdentity }
        var record = SecretRecord.load(repository: locations.repository)
        var report = SecretUnlockReport()
        guard !record.waiting.isEmpty else { return report }
        do {
            let index = try repository.index()
            let entries = Dictionary(index.entries().map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
            let modes = ModeTable.load(home: locations.home)
            var opened: [(path: String, entry: IndexEntry, plain: [UInt8])] = []
            for (path, cipher) in record.waiting.sorted(by: { $0.key < $1.key }) {
                guard let entry = entries[path], entry.id == cipher else {
                    record.waiting[path] = nil  // the index moved on: nothing waits there any more
                    continue
                }
                let bytes = try repository.blobContent(cipher)
                opened.append((path, entry, try Checkout.decrypt(bytes, path: path, with: key)))
            }
            for (path, entry, plain) in opened {
                let absolute = locations.home + "/" + path
                let plainID = try ObjectID.hash(plain, kind: .blob)
                var destination = absolute
                if let existing = try? FileReader.read(absolute) {
                    let existingID = try ObjectID.hash(existing, kind: .blob)
                    if existingID != plainID && record.entries[path]?.plain != existingID {
                        destination = keptSecretPath(path)
                        // Its content stays; as a secret it is private, as `naner secret add` makes it.
                        if let status = PathStatus(path: absolute), status.kind == .file, status.permissions & 0o077 != 0 {
                            try? FileSystem.setPermissions(absolute, status.permissions & 0o700)
                        }
                    }
                }
                let parent = String(destination[..<destination.lastIndex(of: "/")!])
                let folderMode = destination == absolute
                    ? modes.modes[String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) + "/"] ?? 0o755 : 0o700
                do { try FileSystem.makeFolders(parent, mode: folderMode) } catch {
                    throw NanerError.cannotWrite(parent, reason: error.reason)
                }
                try AtomicFile.write(plain, to: destination, mode: (modes.modes[path] ?? 0o600) & 0o700)
                record.waiting[path] = nil
                if destination == absolute {
                    record.set(path, plain: plainID, cipher: entry.id)
                    report.laidOut.append(path)
                } else {
                    report.keptBeside.append(path)
                }
            }
            try record.save(repository: locations.repository)
            for path in report.laidOut {
                let absolute = locations.home + "/" + path
                if let status = FileStat(path: absolute), let entry = entries[path],
                   let settled = SecretList.indexStatus(absolute, read: status.indexEntry(path: path, id: entry.id)) {
                    try index.add(settled.indexEntry(path: path, id: entry.id))
                }
            }
            try index.write()
        } catch let error as GitError {
            throw NanerError.cannotCommit(what: "lay out the secrets", reason: error.message)
        }
        interaction.detail("secrets: \(report.laidOut.count) laid out, \(report.keptBeside.count) kept beside, "
                           + "\(AgeFile.decryptedCount) decrypted")
        return report
    }
}

extension Workspace {
    /// A secret changed on both machines: this machine's file stays as it is (the merge
    /// keeps its ciphertext); the remote's version is decrypted into `keptSecretPath`
    /// (0600, inside the repository folder, never managed), and a warning says where.
    func keepRemoteSecret(_ path: String, theirs commit: ObjectID) {
        do {
            guard let entry = try repository.entry(at: path, in: repository.commit(commit).treeID) else { return }
            let bytes = try repository.blobContent(entry.id)
            guard let key = localSecretIdentity() else {
                interaction.warn("'\(path)' is a secret changed on both machines; this machine's version stays, "
                                 + "and the remote's cannot be decrypted here without the age identity ('naner secret unlock')")
                return
            }
            let plain = AgeFile.isAgeFile(Array(bytes.prefix(64))) ? try Checkout.decrypt(bytes, path: path, with: key) : bytes
            let kept = keptSecretPath(path)
            try FileSystem.makeFolders(String(kept[..<kept.lastIndex(of: "/")!]), mode: 0o700)
            try AtomicFile.write(plain, to: kept, mode: 0o600)
            interaction.warn("'\(path)' is a secret changed on both machines: this machine's version stays; "
                             + "the remote's is in '\(kept)' (merge by hand, then 'naner commit')")
        } catch let error as NanerError {
            interaction.warn("'\(path)' is a secret changed on both machines; this machine's version stays, "
                             + "and the remote's could not be kept aside: \(error.message)")
        } catch {
            interaction.warn("'\(path)' is a secret changed on both machines; this machine's version stays, "
                             + "and the remote's could not be kept aside: \(error)")
        }
    }
}
