import Dispatch
import GitKit

/// Compares the managed set on disk with the index, the way `git status` does:
/// stat data first (in parallel, like git's preload-index), content only for
/// entries whose stat data changed. In commit mode each new or changed file is
/// read once: checked for secrets, then stored as a blob.
struct TreeScanner {
    enum Mode {
        case status
        /// Write blobs into the repository at this git dir.
        case commit(gitDirectory: String)
    }

    let home: String
    let rules: ManagedRules
    /// Asked for lazily: it reads the repository's config, which a clean status never needs.
    let sizeLimit: () -> Int
    let mode: Mode
    /// Where an earlier walk may be remembered (`WalkCache`); nil: always walk.
    var walkCache: WalkCache.Context? = nil
    /// Whether a fresh walk is written to the cache at once (a status) or left to the
    /// caller, which changes the index first and knows its new checksum (a commit).
    var savesWalk = true
    /// Where a commit's new blobs go (the caller finishes it); without it, only many
    /// new files (a first commit) are packed, by the scanner itself.
    var packs: PackWriter? = nil
    var workers = min(4, FileSystem.processorCount)
    /// Fewer tracked files than this are statted on the walking thread, after the walk:
    /// a few hundred stats take less than starting the threads to share them (perf, on
    /// a 150-file home, half of the scan went to libdispatch sharing them out).
    static let oneLaneBelow = 1_000
    /// Links recorded under another machine's home (`.naner/links`): their local bytes stand for the stored ones.
    var links = LinkTable()
    /// Files committed although a secret rule matches them (`.naner/allowed-secrets`).
    var allowedSecrets = SecretAllowList()
    /// Files stored encrypted (`.naner/secrets`): never checked by the secret guard, never
    /// stored in plain form. `secretRecord` says which ciphertext holds which plaintext;
    /// `secretRecipient` is what a commit encrypts a new plaintext to (nil: no identity here).
    var secrets = Set<String>()
    var secretRecord = SecretRecord()
    var secretRecipient: X25519Recipient? = nil

    /// `paths`: the entries' paths as the index reader left them (`IndexFile.read`), if it did.
    func scan(index entries: [IndexEntry], paths: PathTable? = nil, indexModified: Timestamp?, trackedModes: ModeTable?) throws -> ScanResult {
        let start = Clock.fileSystemNow
        let walking = Walking()
        // One lane checks the remembered walk, or walks the managed folders (listing
        // only those that changed since), while the other stats tracked files; it joins
        // the stat work when it is done.
        let batch = StatBatch(home: home, entries: entries, paths: paths)
        let context = UnsafeSendable(value: self)
        runConcurrently(lanes: entries.count < TreeScanner.oneLaneBelow ? 1 : max(2, workers)) { lane in
            if lane == 0 { context.value.walk(into: walking, start: start) }
            batch.work()
        }
        return try compare(entries, trackedStats: batch, walking: walking, indexModified: indexModified,
                           trackedModes: trackedModes)
    }

    /// The same scan, with the index, its files and the remembered walk read by `prefetch`
    /// meanwhile; nil when `prefetch` could not read the index, or read another one than
    /// `indexChecksum`, which the remembered walk is checked against.
    func scan(prefetch: ScanPrefetch, indexChecksum: String, indexModified: Timestamp?,
              trackedModes: ModeTable?) throws -> (result: ScanResult, entries: [IndexEntry])? {
        prefetch.help()
        guard let read = prefetch.result(), read.checksum == indexChecksum else { return nil }
        let walking = Walking()
        walk(into: walking, start: prefetch.start, prefetched: (read.walk, read.changedFolders))
        let result = try compare(read.entries, trackedStats: read.stats, walking: walking, indexModified: indexModified,
                                 trackedModes: trackedModes)
        return (result, read.entries)
    }

    /// The remembered walk checked, or the managed folders walked (listing only those that
    /// changed since). The rules are compiled into a stack only when a folder must be
    /// listed: a settled home needs none. `prefetched`: the cache as read and its changed
    /// folders, found already (`ScanPrefetch`).
    private func walk(into walking: Walking, start: Timestamp, prefetched: (cache: WalkCache?, changed: [Int]?)? = nil) {
        let cached: WalkCache?, changedFolders: [Int]?
        if let prefetched {
            cached = walkCache.flatMap { context in prefetched.cache?.validated(for: context) }
            changedFolders = prefetched.changed
        } else {
            cached = walkCache.flatMap(WalkCache.load)
            changedFolders = cached?.changedFolders(home: home)
        }
        if let remembered = cached, remembered.matchesIndex, let changed = changedFolders {
            if changed.isEmpty {
                walking.current = remembered
                walking.reused = remembered.folders.count
            } else if let relisted = TreeWalker.relist(changed, of: remembered, root: home,
                                                        stack: rules.makeStack(home: home), start: start) {
                (walking.current, walking.settledNewly) = relisted
                (walking.listed, walking.reused) = (changed.count, remembered.folders.count - changed.count)
            }
        }
        if walking.current == nil {
            var remembered = cached
            let loaded = remembered?.loadEntries() == true
            walking.remembered = loaded ? remembered : nil
            walking.stack = rules.makeStack(home: home)
            walking.walker = TreeWalker(root: home, stack: walking.stack!, remembered: loaded ? remembered?.folders ?? [] : [],
                                        start: start)
            walking.walker!.walk()
            walking.settledNewly = walking.walker!.settledNewly
            // A folder a failed relist listed is listed again by the walk: counted once.
            (walking.listed, walking.reused) = (walking.walker!.listedCount, walking.walker!.reusedCount)
        }
    }

    /// The walk and the tracked files' stat data against the index: what changed, what
    /// must be read, and (in commit mode) the blobs stored.
    private func compare(_ entries: [IndexEntry], trackedStats: StatBatch, walking: Walking, indexModified: Timestamp?,
                         trackedModes: ModeTable?) throws -> ScanResult {
        let home = self.home
        var result = ScanResult()
        result.trackedCount = entries.count
        (result.foldersListed, result.foldersReused) = (walking.listed, walking.reused)
        let walk: WalkCache
        var walked = [Bool](repeating: true, count: entries.count)
        if let current = walking.current ?? walking.unchangedWalk {
            // Nothing the walk lists changed since it was remembered, for this index.
            walk = current
            // Each looked up (the index is sorted): the entries' paths are not made Strings.
            for path in walk.unwalkedTracked {
                let position = TreeScanner.firstPosition(notBefore: Array(path.utf8), in: entries)
                if position < entries.count && entries[position].pathIs(path) { walked[position] = false }
            }
            if let walkCache, savesWalk, walking.settledNewly { walk.save(walkCache) }
            // Kept with the result even when saved: a status keeps its result to its exit,
            // and 878 folders freed one by one were 0.3 million instructions of a diff.
            result.walk = walk
        } else {
            let walker = walking.walker!
            walk = TreeScanner.summarize(walker, entries: entries, walked: &walked)
            if let walkCache, walker.listedEveryFolder {
                if savesWalk { walk.save(walkCache) }
                result.walk = walk
            }
        }
        result.skipped = walk.skipped.map { PathProblem(path: $0.path, reason: $0.reason) }
        result.notices = walk.notices.map { PathProblem(path: $0.path, reason: $0.reason) }
        let newPaths = walk.newFiles
        let newStats = newPaths.isEmpty ? [] : parallelMap(newPaths, lanes: workers) { FileStat(path: home + "/" + $0) }
        // Positions: tracked files in index order, then new ones.
        let count = entries.count + newPaths.count

        // Decide, per path, whether its content must be read. A file that stays managed
        // counts for `.naner/modes`: its bits are recorded as it is kept.
        var candidates: [Candidate] = []
        var modes = ModeTable()
        var kept = [Bool](repeating: false, count: count)
        func keep(_ position: Int, _ path: String, _ status: FileStat) {
            kept[position] = true
            if !status.isSymlink { modes.recordFile(path, mode: status.mode) }
        }
        let unchanged = TreeScanner.unchanged(entries, stats: trackedStats, walked: walked, indexModified: indexModified,
                                              anyWaiting: !secretRecord.waiting.isEmpty)
        for position in entries.indices {
            if unchanged[position] {
                kept[position] = true
                continue
            }
            let entry = entries[position]
            let status = trackedStats[position]
            let path = entry.path
            if let waiting = secretRecord.waiting[path], waiting == entry.id, secrets.contains(path) {
                // A secret not laid out yet (no identity here): neither deleted nor edited.
                kept[position] = true
                result.waitingSecrets.append(path)
                if let mode = trackedModes?.modes[path] { modes.recordFile(path, mode: mode) }
                continue
            }
            guard let status else {
                result.changes.append(FileChange(path: path, kind: .deleted, rule: nil))
                result.removals.append(path)
                continue
            }
            if !walked[position] {
                // Reached through a linked folder: as git does, the file is gone from the tree.
                if TreeScanner.hasSymlinkLeadingPath(path, home: home) {
                    result.changes.append(FileChange(path: path, kind: .deleted, rule: nil))
                    result.removals.append(path)
                    continue
                }
                if walking.stack == nil { walking.stack = rules.makeStack(home: home) }
                let decision = walking.stack!.check(path, isDirectory: false)
                if decision.ignored && !ManagedRules.ownFiles.contains(path) {
                    result.changes.append(FileChange(path: path, kind: .excluded, rule: decision.deciding?.origin))
                    result.removals.append(path)
                    continue
                }
            }
            if status.matches(entry) && !status.isRacy(comparedTo: indexModified) {
                keep(position, path, status)
                continue
            }
            candidates.append(Candidate(position: position, path: path, status: status, entry: entry))
        }
        for (offset, newPath) in newPaths.enumerated() {
            if let status = newStats[offset] {
                candidates.append(Candidate(position: entries.count + offset, path: newPath, status: status, entry: nil))
            }
        }

        result.secretCount = secrets.count
        if !secrets.isEmpty { result.secretsRead = candidates.filter { secrets.contains($0.path) && !$0.status.isSymlink }.count }
        let outcomes = try readAndStore(candidates)
        for (candidate, outcome) in zip(candidates, outcomes) {
            switch outcome {
            case .refused(let reason, let secret):
                result.refused.append(PathProblem(path: candidate.path, reason: reason, secretRule: secret.rule))
                if candidate.entry != nil { keep(candidate.position, candidate.path, candidate.status) }
            case .skipped(let reason), .tooLarge(let reason):
                result.skipped.append(PathProblem(path: candidate.path, reason: reason, isOverSizeLimit: outcome.isTooLarge,
                                                  storedEncrypted: secrets.contains(candidate.path)))
                if candidate.entry != nil { keep(candidate.position, candidate.path, candidate.status) }
            case .stored, .sealed:
                let id: ObjectID
                switch outcome {
                case .sealed(let cipher, let plain):
                    id = cipher
                    result.sealed[candidate.path] = SecretRecord.Entry(plain: plain, cipher: cipher)
                case .stored(let stored): id = stored
                default: preconditionFailure("stored or sealed")
                }
                let newEntry = candidate.status.indexEntry(path: candidate.path, id: id)
                if let entry = candidate.entry {
                    if entry.id != id || entry.mode != newEntry.mode {
                        result.changes.append(FileChange(path: candidate.path, kind: .modified, rule: nil))
                    }
                } else {
                    result.changes.append(FileChange(path: candidate.path, kind: .added, rule: nil))
                }
                // Unchanged content with new stat data is refreshed too, as git does.
                result.updates.append(newEntry)
                keep(candidate.position, candidate.path, candidate.status)
            }
        }

        // Folders are recorded when they lead to a managed file; almost all are 0755,
        // so only the few others are looked up (tracked paths are sorted: a range each).
        for (folder, mode) in walk.folderModes {
            let prefix = Array((folder + "/").utf8)
            var position = TreeScanner.firstPosition(notBefore: prefix, in: entries)
            var leads = false
            while !leads && position < entries.count && entries[position].pathStarts(with: prefix) {
                leads = kept[position]
                position += 1
            }
            if !leads {
                leads = newPaths.indices.contains { kept[entries.count + $0] && newPaths[$0].utf8.starts(with: prefix) }
            }
            if leads { modes.recordFolder(folder, mode: mode) }
        }
        result.modeTable = modes
        if let trackedModes {
            result.permissionsChanged = trackedModes != result.modeTable
            result.modeChanges = ModeChange.between(recorded: trackedModes, current: modes, entries: entries, newPaths: newPaths,
                                                    stats: trackedStats, kept: kept,
                                                    changed: result.changes.filter { $0.kind == .modified }.map(\.path))
        }
        result.changes.sort { $0.path < $1.path }
        return result
    }

    /// Per tracked file, whether it is unchanged and kept as it is: walked, its stat data
    /// as the index records it and not racy, its bits git's (nothing for `.naner/modes`).
    /// Read in place: most files are, and their paths (made on the prefetch thread) are
    /// never touched; a copy of each entry, its path retained and released, was a sixth
    /// of the serial end of a 2,000-file diff. A secret waiting for its identity needs
    /// the path: then every file takes the long way.
    private static func unchanged(_ entries: [IndexEntry], stats: StatBatch, walked: [Bool], indexModified: Timestamp?,
                                  anyWaiting: Bool) -> [Bool] {
        guard !anyWaiting else { return [Bool](repeating: false, count: entries.count) }
        return entries.withUnsafeBufferPointer { tracked in
            tracked.indices.map { position in
                guard walked[position], let status = stats[position] else { return false }
                return status.matches(tracked[position]) && !status.isRacy(comparedTo: indexModified)
                    && (status.isSymlink || ModeTable.isGitDefault(fileMode: status.mode))
            }
        }
    }

    /// A fresh walk compared with the index: walked files the index does not know
    /// are new; tracked files the walk did not reach (`walked` false) are deleted
    /// or excluded now.
    private static func summarize(_ walker: TreeWalker, entries: [IndexEntry], walked: inout [Bool]) -> WalkCache {
        var tracked: [String: Int] = [:]
        tracked.reserveCapacity(entries.count)
        for (position, entry) in entries.enumerated() { tracked[entry.path] = position }
        for position in walked.indices { walked[position] = false }
        var walk = WalkCache()
        for found in walker.files {
            if let position = tracked[found.path] { walked[position] = true } else { walk.newFiles.append(found.path) }
        }
        walk.unwalkedTracked = entries.indices.filter { !walked[$0] }.map { entries[$0].path }
        walk.folders = walker.folders
        walk.skipped = walker.skipped
        walk.notices = walker.notices
        return walk
    }

    // MARK: - Content

    struct Candidate {
        /// In the scan's list of paths: tracked ones in index order, then new ones.
        let position: Int
        let path: String
        let status: FileStat
        let entry: IndexEntry?
    }

    enum Outcome {
        case stored(ObjectID)
        /// A secret file: its ciphertext blob (stored, or the one kept for that plaintext).
        case sealed(cipher: ObjectID, plain: ObjectID)
        case refused(String, SecretFinding)
        case skipped(String)
        case tooLarge(String)

        var isTooLarge: Bool {
            if case .tooLarge = self { return true }
            return false
        }
    }

    /// Reads each candidate once; workers each open their own repository handle,
    /// since libgit2 objects are not to be shared between threads. Files over
    /// `StreamedBlob.threshold` are streamed a piece at a time, never held whole.
    private func readAndStore(_ candidates: [Candidate]) throws -> [Outcome] {
        let gitDirectory: String?
        if case .commit(let directory) = mode { gitDirectory = directory } else { gitDirectory = nil }
        let explicit = Set(rules.includeList.entries.filter { !$0.isFolder }.map(\.path))
        let home = self.home
        let links = self.links
        let allowedSecrets = self.allowedSecrets
        let (secrets, secretRecord, secretRecipient) = (self.secrets, self.secretRecord, self.secretRecipient)
        let sizeLimit = candidates.isEmpty ? 0 : self.sizeLimit()
        let lanes = candidates.count < 64 ? 1 : workers
        let failures = ErrorSlot()
        // Many new objects (a first commit) go into packs rather than a loose file each.
        let ownPacks = self.packs == nil && candidates.count >= TreeScanner.packingThreshold
            ? gitDirectory.map { PackWriter(gitDirectory: $0) } : nil
        let packs = self.packs ?? ownPacks
        let outcomes = parallelMap(candidates, lanes: lanes, setUp: { () -> ObjectDatabase? in
            guard let gitDirectory else { return nil }
            do { return try Repository.open(gitDir: gitDirectory, workTree: nil).objectDatabase() } catch {
                failures.store(error)
                return nil
            }
        }) { candidate, database -> Outcome in
            let absolute = home + "/" + candidate.path
            if secrets.contains(candidate.path) && !candidate.status.isSymlink {
                return TreeScanner.seal(candidate, absolute: absolute, database: database, packs: packs, sizeLimit: sizeLimit,
                                        record: secretRecord, recipient: secretRecipient, failures: failures)
            }
            let bytes: [UInt8]
            let allowance = allowedSecrets.allowance(for: candidate.path)
            do {
                if candidate.status.isSymlink {
                    bytes = links.stored(candidate.path, local: try FileReader.readLink(absolute), home: home)
                    // A link's target is stored as its content: a token there leaves the machine too.
                    if let secret = SecretGuard.findSecret(in: bytes, allowing: allowance) { return .refused("has a link target holding \(secret)", secret) }
                } else {
                    if candidate.status.size > sizeLimit && !explicit.contains(candidate.path) {
                        return .tooLarge("\(ByteSize(candidate.status.size)), over the \(ByteSize(sizeLimit)) limit")
                    }
                    if candidate.status.size > StreamedBlob.threshold {
                        // Never whole in memory: read, scanned and stored (or hashed) a piece at a time.
                        // A tracked file of the same size was likely touched, not changed: hashed before deflated.
                        let sameSize = candidate.entry?.fileSize == UInt32(truncatingIfNeeded: candidate.status.size)
                        switch try StreamedBlob.store(absolute, status: candidate.status, into: database, hashingFirst: sameSize,
                                                  allowing: allowance) {
                        case .stored(let id): return .stored(id)
                        case .secret(let secret): return .refused("contains \(secret)", secret)
                        }
                    }
                    bytes = try FileReader.read(absolute)
                    if let secret = SecretGuard.findSecret(in: bytes, allowing: allowance) { return .refused("contains \(secret)", secret) }
                }
            } catch let failure as FileReader.Failure {
                return .skipped("cannot read: " + failure.reason.lowercased())
            } catch let error as GitError {
                failures.store(error)
                return .skipped("cannot store: \(error)")
            } catch {
                return .skipped("cannot read: \(error)")
            }
            do {
                let id: ObjectID
                if let packs, let database, bytes.count <= PackWriter.largestObject {
                    // Content the repository has already (a file touched, not changed) is not packed again.
                    id = try ObjectID.hash(bytes, kind: .blob)
                    if !database.containsKnown(id) { try packs.add(PackedObject(bytes, kind: .blob, id: id)) }
                } else if let database {
                    id = try database.write(bytes, kind: .blob)
                } else {
                    id = try ObjectID.hash(bytes, kind: .blob)
                }
                return .stored(id)
            } catch {
                failures.store(error)
                return .skipped("cannot store: \(error)")
            }
        }
        if let error = failures.error { throw error }
        try ownPacks?.finish()
        return outcomes
    }

    /// A file of `.naner/secrets`: read whole (under the size limit), hashed, and compared
    /// with what was stored for it. The same plaintext keeps its ciphertext blob; a new
    /// one is encrypted to the recipient (a commit) or only hashed (a status, which thus
    /// sees it as changed without decrypting anything). An empty file is the empty blob:
    /// it holds nothing secret, and git compares an empty file by its content.
    static func seal(_ candidate: Candidate, absolute: String, database: ObjectDatabase?, packs: PackWriter?, sizeLimit: Int,
                             record: SecretRecord, recipient: X25519Recipient?, failures: ErrorSlot) -> Outcome {
        if candidate.status.size > sizeLimit {
            return .tooLarge("\(ByteSize(candidate.status.size)), over the \(ByteSize(sizeLimit)) limit for a file stored encrypted")
        }
        let plainBytes: [UInt8]
        do { plainBytes = try FileReader.read(absolute) } catch let failure as FileReader.Failure {
            return .skipped("cannot read: " + failure.reason.lowercased())
        } catch {
            return .skipped("cannot read: \(error)")
        }
        do {
            let plain = try ObjectID.hash(plainBytes, kind: .blob)
            if plainBytes.isEmpty { return .stored(plain) }
            if let cipher = record.cipher(for: candidate.path, plain: plain), database?.containsKnown(cipher) ?? true {
                return .sealed(cipher: cipher, plain: plain)
            }
            guard let database else { return .stored(plain) }
            guard let recipient else {
                return .skipped("stored encrypted, and this machine has no age identity to encrypt it to (naner secret key)")
            }
            let cipherBytes = try AgeFile.encrypt(plainBytes, to: [recipient])
            let cipher: ObjectID
            if let packs, cipherBytes.count <= PackWriter.largestObject {
                cipher = try ObjectID.hash(cipherBytes, kind: .blob)
                try packs.add(PackedObject(cipherBytes, kind: .blob, id: cipher))
            } else {
                cipher = try database.write(cipherBytes, kind: .blob)
            }
            return .sealed(cipher: cipher, plain: plain)
        } catch let error as AgeError {
            return .skipped("cannot encrypt: \(error.description)")
        } catch {
            failures.store(error)
            return .skipped("cannot store: \(error)")
        }
    }

    /// From how many files to store a commit's new blobs as packs.
    static let packingThreshold = 256

    static func hasSymlinkLeadingPath(_ path: String, home: String) -> Bool {
        var parent = Substring(path)
        while let slash = parent.utf8.lastIndex(of: UInt8(ascii: "/")) {
            parent = parent[..<slash]
            if PathStatus.kind(home + "/" + parent) == .symlink { return true }
        }
        return false
    }

    // MARK: - Modes

    /// The first index entry whose path is not before `prefix` in git's byte order.
    static func firstPosition(notBefore prefix: [UInt8], in entries: [IndexEntry]) -> Int {
        var low = 0, high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].pathPrecedes(prefix) { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
