import FoundationEssentials
import GitKit

extension Workspace {
    public func status() throws -> StatusReport {
        let scan = try statusScan()
        var report = StatusReport(branch: branchName, scan: scan)
        report.upstream = upstreamStatus()
        report.mergeConflicts = MergeState.load(repository: locations.repository).map { $0.unresolved(home: locations.home) }
        return report
    }

    /// What the next commit would record, without the branch's state (`status()` adds it).
    func statusScan() throws -> ScanResult {
        let (rules, scan) = try rulesAndStatusScan()
        announceGitignoreIsContent(scan, rules: rules)
        if scan.secretCount > 0 {
            // Said after the scan, from the count of every age file this process opened.
            interaction.detail("secrets: \(scan.secretCount) stored encrypted, \(scan.secretsRead) read (hashed), "
                               + "\(AgeFile.decryptedCount) decrypted")
        }
        return scan
    }

    /// The rules refreshed and a status scan by them, the index, its files and the
    /// remembered walk read on a thread of their own meanwhile (`ScanPrefetch`).
    func rulesAndStatusScan() throws -> (rules: ManagedRules, scan: ScanResult) {
        // Started first: it only reads, and what it read counts only if the index is the one
        // the scan finds (see scanTree).
        let prefetch = ScanPrefetch(repository: locations.repository, home: locations.home)
        // A repository libgit2 would refuse (another home's, an unknown format) is refused
        // here too, with libgit2's reason, though this scan does not need libgit2.
        if !configAllowsNativeReading() { _ = try repository }
        let rules = try refreshRules()
        return (rules, try scan(rules: rules, mode: .status, prefetch: prefetch))
    }

    /// `freshIndex`: `index` is as loaded from the index file, unchanged, so the file's
    /// checksum names its paths and the walk remembered for them (`WalkCache`) may serve.
    /// `savesWalk` false: the caller changes the index and remembers the walk for the new one.
    /// `prefetch`: the index, its files and the remembered walk being read already (neither
    /// `index` nor `entries` given).
    func scan(rules: ManagedRules, mode: TreeScanner.Mode, index: Index? = nil, freshIndex: Bool = false,
              entries given: [IndexEntry]? = nil, savesWalk: Bool = true, packs: PackWriter? = nil,
              prefetch: ScanPrefetch? = nil) throws -> ScanResult {
        let phase: String
        if case .commit = mode { phase = "scan and store" } else { phase = "scan" }
        let result = try timed(phase) {
            try scanTree(rules: rules, mode: mode, index: index, freshIndex: freshIndex, entries: given, savesWalk: savesWalk, packs: packs,
                         prefetch: given == nil && index == nil ? prefetch : nil)
        }
        interaction.detail("walk: \(result.foldersListed) \(result.foldersListed == 1 ? "folder" : "folders") listed, "
                           + "\(result.foldersReused) reused from the walk cache")
        return result
    }

    private func scanTree(rules: ManagedRules, mode: TreeScanner.Mode, index: Index?, freshIndex: Bool,
                          entries given: [IndexEntry]?, savesWalk: Bool, packs: PackWriter?, prefetch: ScanPrefetch?) throws -> ScanResult {
        let indexPath = locations.repository + "/index"
        let trackedModes = ModeTable.load(home: locations.home)
        // The size limit needs the repository's config: asked for only when a file must be read.
        var scanner = TreeScanner(home: locations.home, rules: rules, sizeLimit: { (try? self.sizeLimit) ?? Workspace.defaultSizeLimit },
                                  mode: mode)
        // A scan that goes on to change the index leaves remembering its walk to its caller.
        scanner.savesWalk = index == nil && savesWalk
        scanner.packs = packs
        scanner.links = LinkTable.load(home: locations.home)
        scanner.allowedSecrets = SecretAllowList.load(home: locations.home)
        scanner.secrets = SecretList.load(home: locations.home).set
        if !scanner.secrets.isEmpty {
            scanner.secretRecord = SecretRecord.load(repository: locations.repository)
            if case .commit = mode { scanner.secretRecipient = localSecretIdentity()?.recipient }
        }
        func walkCache(_ checksum: String?) -> WalkCache.Context? {
            checksum.map { WalkCache.Context(repository: locations.repository, home: locations.home, rules: rules, indexChecksum: $0) }
        }
        func finished(_ scan: ScanResult, entries: [IndexEntry], checksum: String?) -> ScanResult {
            var result = scan
            result.indexChecksum = checksum
            result.links = scanner.links
            result.indexEntries = entries
            result.trackedLinks = entries.filter { $0.mode == IndexEntry.symlinkMode }.map(\.path)
            return result
        }

        // The index and its files, read meanwhile: the remembered walk is checked for the
        // index file as it is now, and counts only if that is what was read.
        if let prefetch, let checksum = IndexFile.checksum(atPath: indexPath) {
            scanner.walkCache = walkCache(checksum)
            if let (scan, entries) = try scanner.scan(prefetch: prefetch, indexChecksum: checksum,
                                                      indexModified: Timestamp.modification(of: indexPath), trackedModes: trackedModes) {
                return finished(scan, entries: entries, checksum: checksum)
            }
        }
        // The index file is read directly (see IndexFile) unless libgit2's index is given
        // (a merge being finished, a restore): then its entries are the ones compared.
        let entries: [IndexEntry]
        var checksum: String?
        var paths: PathTable?
        if let given {
            entries = given
        } else if let index {
            entries = index.entries()
            if freshIndex { checksum = IndexFile.checksum(atPath: indexPath) }
        } else if let read = IndexFile.read(atPath: indexPath) {
            (entries, checksum, paths) = (read.entries, read.checksum, read.paths)
        } else {
            entries = try repository.index().entries()
        }
        scanner.walkCache = walkCache(checksum)
        let scan = try scanner.scan(index: entries, paths: paths, indexModified: Timestamp.modification(of: indexPath),
                                    trackedModes: trackedModes)
        return finished(scan, entries: entries, checksum: checksum)
    }

    /// `naner commit -m MSG`: records every change in the managed set, refusing
    /// secrets and skipping what cannot be read; the rest is committed.
    public func commit(message: String) throws -> CommitReport {
        guard !message.trimmingBlanks().isEmpty else { throw NanerError.emptyMessage }
        if let secret = SecretGuard.findSecret(in: message) { throw NanerError.secretInMessage(what: "commit message", secret) }
        try lockRepository()
        try addCredentialStoreExclusions()
        let rules = try refreshRules()
        // A pull killed while laying files out is finished first: its files are not edits.
        try finishInterruptedPull()
        // A sync that stopped on conflicts: this commit finishes its merge.
        let pending = try pendingMerge()
        let mergeParent = pending?.branch == nil ? pending.flatMap { ObjectID(hex: $0.theirs) } : nil
        let layerMerge = pending?.branch != nil ? pending : nil
        do {
            let mode = TreeScanner.Mode.commit(gitDirectory: locations.repository)
            // The commit's new blobs and trees become one pack, written before the index names them.
            let packs = PackWriter(gitDirectory: locations.repository)
            try repository.packNewObjects(into: packs)
            defer { try? repository.packNewObjects(into: nil) }
            let index: Index
            var known: IndexTree?
            var scan: ScanResult
            if pending == nil {
                // libgit2 loads the index (it verifies the file's checksum and maps every path)
                // on a thread and a repository handle of its own while the tree is scanned
                // against the same file, read directly.
                let loading = PendingIndex(gitDirectory: locations.repository, workTree: locations.home)
                known = IndexTree.current(repository: locations.repository)
                scan = try self.scan(rules: rules, mode: mode, savesWalk: false, packs: packs)
                index = try loading.index()
                if index.checksum == nil || index.checksum != scan.indexChecksum {
                    // The file changed in between (git itself, by hand): scan against what was loaded.
                    scan = try self.scan(rules: rules, mode: mode, index: index, packs: packs)
                }
                // The remembered tree counts only for the very content loaded.
                if known?.checksum != index.checksum { known = nil }
            } else {
                // The index as loaded holds the merge's entries, not the file on disk.
                index = try repository.index()
                known = nil
                scan = try self.scan(rules: rules, mode: mode, index: index, packs: packs)
            }
            announceGitignoreIsContent(scan, rules: rules)
            let id = try timed("write") { () -> ObjectID? in
                for path in scan.removals { try index.remove(path: path) }
                scan.updates = settlingLinks(scan.updates)
                scan.updates = try settlingSecrets(scan.updates, sealed: scan.sealed)
                for entry in scan.updates { try index.add(entry) }
                let modes = try recordModes(scan.modeTable, in: index, database: repository.objectDatabase())
                scan.permissionsChanged = false
                let links = try recordLinks(scan, in: index, database: repository.objectDatabase())
                if !links.isEmpty { scan.updates.removeAll { $0.path == LinkTable.path } }
                // Trees first: when libgit2 writes them, it fills the index's tree cache, which
                // the index file then keeps.
                let tree = try writeTree(of: index, known: known, updates: scan.updates + [modes] + links, removals: scan.removals)
                return try land(tree, mergeParent: mergeParent, layerMerge: layerMerge, message: normalized(message), index: index,
                                packs: packs) {
                    rememberWalk(scan.walk, rules: rules, index: index)
                }
            }
            if pending != nil { finishMerge() }
            return CommitReport(commit: id, fileCount: index.count, scan: scan)
        } catch let error as GitError {
            throw NanerError.cannotCommit(what: "commit", reason: error.message)
        }
    }

    /// Commits exactly `paths` as they are on disk (a restore's files), leaving every
    /// other uncommitted edit uncommitted. Unmanaged paths and secrets are never staged,
    /// whatever wrote them. Returns the commit, or nil when nothing differs from HEAD.
    func record(paths: [String], rules: ManagedRules, message: String) throws -> ObjectID? {
        try timed("record") { try recordPaths(paths, rules: rules, message: message) }
    }

    private func recordPaths(_ paths: [String], rules: ManagedRules, message: String) throws -> ObjectID? {
        do {
            let index = try repository.index()
            let known = IndexTree.current(repository: locations.repository)
            let database = try repository.objectDatabase()
            let packs = PackWriter(gitDirectory: locations.repository)
            try repository.packNewObjects(into: packs)
            defer { try? repository.packNewObjects(into: nil) }
            let stack = rules.makeStack(home: locations.home)
            let links = LinkTable.load(home: locations.home)
            let allowedSecrets = SecretAllowList.load(home: locations.home)
            let secrets = SecretList.load(home: locations.home).set
            var record = SecretRecord.load(repository: locations.repository)
            let recipient = secrets.isEmpty ? nil : localSecretIdentity()?.recipient
            var sealed: [String: SecretRecord.Entry] = [:]
            var added: [IndexEntry] = [], removed: [String] = []
            for path in Set(paths).sorted() {
                let absolute = locations.home + "/" + path
                guard let status = FileStat(path: absolute), !TreeScanner.hasSymlinkLeadingPath(path, home: locations.home) else {
                    try index.remove(path: path)
                    removed.append(path)
                    continue
                }
                if stack.check(path, isDirectory: false).ignored && !ManagedRules.ownFiles.contains(path) { continue }
                let id: ObjectID
                if secrets.contains(path) && !status.isSymlink {
                    // Stored encrypted, as a commit stores it; never in plain form.
                    let candidate = TreeScanner.Candidate(position: 0, path: path, status: status, entry: nil)
                    let failures = ErrorSlot()
                    switch TreeScanner.seal(candidate, absolute: absolute, database: database, packs: nil, sizeLimit: try sizeLimit,
                                            record: record, recipient: recipient, failures: failures) {
                    case .sealed(let cipher, let plain):
                        id = cipher
                        sealed[path] = SecretRecord.Entry(plain: plain, cipher: cipher)
                    case .stored(let empty): id = empty
                    default:
                        if let error = failures.error { throw error }
                        continue
                    }
                } else if !status.isSymlink && status.size > StreamedBlob.threshold {
                    // As the scanner stores a large file: never whole in memory. Its object is
                    // most likely the one just restored from: hashed first, rarely deflated.
                    guard case .stored(let streamed) = try StreamedBlob.store(absolute, status: status, into: database, hashingFirst: true,
                                                                              allowing: allowedSecrets.allowance(for: path))
                    else { continue }
                    id = streamed
                } else {
                    let bytes = status.isSymlink ? links.stored(path, local: try FileReader.readLink(absolute), home: locations.home)
                        : try FileReader.read(absolute)
                    if SecretGuard.findSecret(in: bytes, allowing: allowedSecrets.allowance(for: path)) != nil { continue }
                    id = try database.write(bytes, kind: .blob)
                }
                var entry = (status.isSymlink ? LinkTable.indexStatus(absolute, stored: id) ?? status : status).indexEntry(path: path, id: id)
                if sealed[path] != nil { entry = settledSecret(entry) }
                try index.add(entry)
                added.append(entry)
            }
            if !sealed.isEmpty {
                for (path, entry) in sealed { record.set(path, plain: entry.plain, cipher: entry.cipher) }
                try record.save(repository: locations.repository)
            }
            let tree = try writeTree(of: index, known: known, updates: added, removals: removed)
            return try land(tree, mergeParent: nil, message: message + "\n", index: index, packs: packs)
        } catch let failure as FileReader.Failure {
            throw NanerError.cannotCommit(what: "record the restore", reason: failure.reason)
        } catch let error as GitError {
            throw NanerError.cannotCommit(what: "record the restore", reason: error.message)
        }
    }

    /// Ends a commit whose objects `packs` holds: writes a commit of `tree` (unless HEAD has
    /// that tree and no merge is being finished), then lands it in the order that leaves a
    /// killed commit harmless: the pack, then the index (and what is remembered of it,
    /// `afterIndex`), then HEAD. Returns the commit, nil when there was nothing to commit.
    private func land(_ tree: ObjectID, mergeParent: ObjectID?, layerMerge: MergeState? = nil, message: String, index: Index,
                      packs: PackWriter, afterIndex: () -> Void = {}) throws -> ObjectID? {
        let head = try repository.headCommitID()
        let committer = signature()
        var commit: ObjectID?
        let headTree = try head.map { try repository.commit($0).treeID }
        let unchanged = headTree == tree
        // With variants, the layers below this machine's host branch get their share first.
        let layerMoves = isLayered ? try layerCommits(from: headTree, to: tree, message: message, committer: committer, merge: layerMerge) : []
        if mergeParent != nil || !unchanged {
            let parents = (head.map { [$0] } ?? []) + (mergeParent.map { [$0] } ?? [])
            commit = try repository.createCommit(tree: tree, parents: parents, message: message, signature: committer, updateRef: nil,
                                                 signer: signer(committer))
        }
        try packs.finish()
        try repository.packNewObjects(into: nil)
        try index.write()
        IndexTree.remember(tree, repository: locations.repository)
        afterIndex()
        for move in layerMoves { try moveReference(move.reference, to: move.commit, message: "naner commit") }
        guard let commit else { return nil }
        try repository.advanceHead(to: commit, committer: committer)
        detailMoved(headReference, from: head, to: commit)
        consolidatePacks()
        return commit
    }

    /// Each commit adds a small pack; past `packLimit` packs they are joined into one.
    /// The commit is made by then: a failure here costs speed, not data, and is a warning.
    private func consolidatePacks() {
        do { try repository.consolidatePacks(above: Workspace.packLimit) } catch {
            interaction.warn("cannot join the repository's small packs: \((error as? GitError)?.message ?? "\(error)")")
        }
    }

    /// git's `gc --auto` repacks past 50 packs; naner joins its own sooner, the packs being tiny.
    static let packLimit = 32

    /// After a commit wrote the index, the walk its scan made (or found remembered)
    /// still describes the tree: only the index's side moved. New files it staged are
    /// tracked now, tracked files it removed are gone from the index.
    private func rememberWalk(_ walk: WalkCache?, rules: ManagedRules, index: Index) {
        guard var walk, let checksum = IndexFile.checksum(atPath: locations.repository + "/index") else { return }
        walk.newFiles.removeAll { index.contains(path: $0) }
        walk.unwalkedTracked.removeAll { !index.contains(path: $0) }
        walk.save(WalkCache.Context(repository: locations.repository, home: locations.home, rules: rules, indexChecksum: checksum))
    }

    /// Links laid out under this machine's home hold other bytes than the stored ones: their
    /// stat data is made such that git never compares their bytes (`LinkTable.indexStatus`).
    private func settlingLinks(_ updates: [IndexEntry]) -> [IndexEntry] {
        updates.map { entry in
            guard entry.mode == IndexEntry.symlinkMode,
                  let status = LinkTable.indexStatus(locations.home + "/" + entry.path, stored: entry.id) else { return entry }
            return status.indexEntry(path: entry.path, id: entry.id)
        }
    }

    /// Secret files' index entries name their ciphertext: git must never compare the file's
    /// bytes with the blob (`SecretList.indexStatus`). What was stored for each plaintext is
    /// recorded before the index names it, so the next scan keeps the same ciphertext.
    private func settlingSecrets(_ updates: [IndexEntry], sealed: [String: SecretRecord.Entry]) throws -> [IndexEntry] {
        guard !sealed.isEmpty else { return updates }
        var record = SecretRecord.load(repository: locations.repository)
        let listed = SecretList.load(home: locations.home).set
        for path in record.entries.keys where !listed.contains(path) { record.remove(path) }
        for (path, entry) in sealed {
            record.set(path, plain: entry.plain, cipher: entry.cipher)
            record.waiting[path] = nil
        }
        try record.save(repository: locations.repository)
        return updates.map { sealed[$0.path] == nil ? $0 : settledSecret($0) }
    }

    /// The entry with stat data git will trust, or none when the file changed since it was read.
    func settledSecret(_ entry: IndexEntry) -> IndexEntry {
        guard let status = SecretList.indexStatus(locations.home + "/" + entry.path, read: entry) else {
            return IndexEntry(path: entry.path, id: entry.id, mode: entry.mode)
        }
        return status.indexEntry(path: entry.path, id: entry.id)
    }

    /// Keeps `.naner/links` in step with the managed links: each absolute link into a home
    /// keeps the home it was recorded in; a new one pointing into this home is recorded under
    /// it. Written and staged only when it changes; the staged entry, or none.
    private func recordLinks(_ scan: ScanResult, in index: Index, database: ObjectDatabase) throws -> [IndexEntry] {
        var paths = Set(scan.trackedLinks).subtracting(scan.removals)
        for entry in scan.updates {
            if entry.mode == IndexEntry.symlinkMode { paths.insert(entry.path) } else { paths.remove(entry.path) }
        }
        var stored: [String: [UInt8]] = [:]
        for path in paths {
            guard let target = try? FileReader.readLink(locations.home + "/" + path) else { continue }
            stored[path] = scan.links.stored(path, local: target, home: locations.home)
        }
        let table = scan.links.updated(links: stored, home: locations.home)
        guard table != scan.links else { return [] }
        let path = locations.home + "/" + LinkTable.path
        let text = Array(table.text.utf8)
        try AtomicFile.write(text, to: path, mode: 0o644)
        guard let status = FileStat(path: path) else { throw NanerError.cannotRead(path, reason: "vanished while committing") }
        let entry = status.indexEntry(path: LinkTable.path, id: try database.write(text, kind: .blob))
        try index.add(entry)
        return [entry]
    }

    /// Writes `.naner/modes` when the permissions changed and stages it.
    private func recordModes(_ table: ModeTable, in index: Index, database: ObjectDatabase) throws -> IndexEntry {
        let path = locations.home + "/" + ModeTable.path
        let text = Array(table.text.utf8)
        if FileManager.default.contents(atPath: path).map(Array.init) != text {
            try AtomicFile.write(text, to: path, mode: 0o644)
        }
        guard let status = FileStat(path: path) else { throw NanerError.cannotRead(path, reason: "vanished while committing") }
        let id = try database.write(text, kind: .blob)
        let entry = status.indexEntry(path: ModeTable.path, id: id)
        try index.add(entry)
        return entry
    }

    /// git's message cleanup, minimally: no trailing blanks, one final newline.
    private func normalized(_ message: String) -> String {
        var lines = message.split(separator: "\n", omittingEmptySubsequences: false).map { String($0).trimmingBlanks() }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n") + "\n"
    }

    /// How commits (or with `tag`, tags) are signed when git config asks for it
    /// (`commit.gpgSign`, `tag.gpgSign`; see `Signing`); nil when it does not.
    func signer(_ signer: Signature, tag: Bool = false) throws -> ObjectSigner? {
        let setting = tag ? "tag.gpgSign" : "commit.gpgSign"
        let config: Config
        do { config = try repository.config() } catch let error as GitError {
            throw NanerError.cannotSign(setting: setting, reason: "cannot read the git config: \(error.message)")
        }
        guard let signing = try Signing.configured(setting, config: config, signer: signer, workTree: locations.home) else { return nil }
        return { try signing.sign($0) }
    }

    /// `user.name`/`user.email` from git config (repository, global, system), else `$USER@hostname`.
    func signature() -> Signature {
        if let configured = (try? repository)?.configuredSignature() { return configured }
        let environment = ProcessInfo.processInfo.environment
        let user = environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? UserAccount.name
        return Signature(name: user, email: "\(user)@\(ProcessInfo.processInfo.hostName)")
    }
}
