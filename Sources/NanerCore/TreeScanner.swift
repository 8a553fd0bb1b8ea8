import Dispatch
import GitKit
import Glibc

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
    var workers = max(1, min(4, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))

    func scan(index entries: [IndexEntry], indexModified: Timestamp?, trackedModes: ModeTable?) throws -> ScanResult {
        let home = self.home
        let stack = rules.makeStack(home: home)
        let walker = TreeWalker(root: home, stack: stack)
        // One lane walks the managed folders while the other stats tracked files;
        // the walker joins the stat work when its walk is done.
        var trackedStats = [FileStat?](repeating: nil, count: entries.count)
        trackedStats.withUnsafeMutableBufferPointer { output in
            let batch = StatBatch(home: home, paths: entries.map(\.path), output: output)
            let walking = UnsafeSendable(value: walker)
            runConcurrently(lanes: max(2, workers)) { lane in
                if lane == 0 { walking.value.walk() }
                batch.work()
            }
        }

        var result = ScanResult()
        result.trackedCount = entries.count
        result.skipped = walker.skipped.map { PathProblem(path: $0.path, reason: $0.reason) }
        result.notices = walker.notices.map { PathProblem(path: $0.path, reason: $0.reason) }

        // Walked files that the index does not know are new; tracked files the walk
        // did not reach are deleted or excluded now.
        var tracked: [String: Int] = [:]
        tracked.reserveCapacity(entries.count)
        for (position, entry) in entries.enumerated() { tracked[entry.path] = position }
        var walked = [Bool](repeating: false, count: entries.count)
        var newPaths: [String] = []
        for found in walker.files {
            if let position = tracked[found.path] { walked[position] = true } else { newPaths.append(found.path) }
        }
        let paths = entries.map(\.path) + newPaths
        let stats = trackedStats + parallelMap(newPaths, lanes: workers) { FileStat(path: home + "/" + $0) }

        // Decide, per path, whether its content must be read.
        var candidates: [Candidate] = []
        var kept: [(path: String, mode: UInt32)] = []
        for (position, path) in paths.enumerated() {
            let status = stats[position]
            let entry = position < entries.count ? entries[position] : nil
            if let entry {
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
                    let decision = stack.check(path, isDirectory: false)
                    if decision.ignored && !ManagedRules.ownFiles.contains(path) {
                        result.changes.append(FileChange(path: path, kind: .excluded, rule: decision.deciding?.origin))
                        result.removals.append(path)
                        continue
                    }
                }
                if status.matches(entry) && !status.isRacy(comparedTo: indexModified) {
                    kept.append((path, status.mode))
                    continue
                }
                candidates.append(Candidate(path: path, status: status, entry: entry))
            } else if let status {
                candidates.append(Candidate(path: path, status: status, entry: nil))
            }
        }

        let outcomes = try readAndStore(candidates)
        for (candidate, outcome) in zip(candidates, outcomes) {
            switch outcome {
            case .refused(let reason):
                result.refused.append(PathProblem(path: candidate.path, reason: reason))
                if candidate.entry != nil { kept.append((candidate.path, candidate.status.mode)) }
            case .skipped(let reason):
                result.skipped.append(PathProblem(path: candidate.path, reason: reason))
                if candidate.entry != nil { kept.append((candidate.path, candidate.status.mode)) }
            case .stored(let id):
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
                kept.append((candidate.path, candidate.status.mode))
            }
        }

        result.modeTable = modeTable(for: kept, folderModes: walker.folderModes)
        if let trackedModes { result.permissionsChanged = trackedModes != result.modeTable }
        result.changes.sort { $0.path < $1.path }
        return result
    }

    // MARK: - Content

    struct Candidate {
        let path: String
        let status: FileStat
        let entry: IndexEntry?
    }

    enum Outcome {
        case stored(ObjectID)
        case refused(String)
        case skipped(String)
    }

    /// Reads each candidate once; workers each open their own repository handle,
    /// since libgit2 objects are not to be shared between threads.
    private func readAndStore(_ candidates: [Candidate]) throws -> [Outcome] {
        let gitDirectory: String?
        if case .commit(let directory) = mode { gitDirectory = directory } else { gitDirectory = nil }
        let explicit = Set(rules.includeList.entries.filter { !$0.isFolder }.map(\.path))
        let home = self.home
        let sizeLimit = candidates.isEmpty ? 0 : self.sizeLimit()
        let lanes = candidates.count < 64 ? 1 : workers
        let failures = ErrorSlot()
        let outcomes = parallelMap(candidates, lanes: lanes, setUp: { () -> ObjectDatabase? in
            guard let gitDirectory else { return nil }
            do { return try Repository.open(gitDir: gitDirectory, workTree: nil).objectDatabase() } catch {
                failures.store(error)
                return nil
            }
        }) { candidate, database -> Outcome in
            let absolute = home + "/" + candidate.path
            let bytes: [UInt8]
            do {
                if candidate.status.isSymlink {
                    bytes = try FileReader.readLink(absolute)
                } else {
                    if candidate.status.size > sizeLimit && !explicit.contains(candidate.path) {
                        return .skipped("\(ByteSize(candidate.status.size)), over the \(ByteSize(sizeLimit)) limit")
                    }
                    bytes = try FileReader.read(absolute)
                    if let secret = SecretGuard.findSecret(in: bytes) { return .refused("contains \(secret)") }
                }
            } catch let failure as FileReader.Failure {
                return .skipped("cannot read: " + failure.reason.lowercased())
            } catch {
                return .skipped("cannot read: \(error)")
            }
            do {
                let id = try bytes.withUnsafeBytes { raw in
                    if let database { return try database.write(raw, kind: .blob) }
                    return try ObjectID.hash(raw, kind: .blob)
                }
                return .stored(id)
            } catch {
                failures.store(error)
                return .skipped("cannot store: \(error)")
            }
        }
        if let error = failures.error { throw error }
        return outcomes
    }

    static func hasSymlinkLeadingPath(_ path: String, home: String) -> Bool {
        var parent = Substring(path)
        while let slash = parent.utf8.lastIndex(of: UInt8(ascii: "/")) {
            parent = parent[..<slash]
            var status = stat()
            if lstat(home + "/" + parent, &status) == 0 && status.st_mode & S_IFMT == S_IFLNK { return true }
        }
        return false
    }

    // MARK: - Modes

    private func modeTable(for files: [(path: String, mode: UInt32)], folderModes: [String: UInt32]) -> ModeTable {
        var table = ModeTable()
        for (path, mode) in files where mode & UInt32(S_IFMT) == UInt32(S_IFREG) {
            table.recordFile(path, mode: mode)
        }
        // Folders are recorded when they lead to a managed file; almost all are 0755,
        // so only the few others are looked up.
        for (folder, mode) in folderModes where mode != 0o755 {
            let prefix = folder + "/"
            if files.contains(where: { $0.path.hasPrefix(prefix) }) { table.recordFolder(folder, mode: mode) }
        }
        return table
    }
}

/// A sizes as people read them: `12.3 MiB`.
struct ByteSize: CustomStringConvertible {
    let bytes: Int
    init(_ bytes: Int) { self.bytes = bytes }

    var description: String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes), unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        if unit == 0 { return "\(bytes) B" }
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? "\(Int(rounded)) \(units[unit])" : "\(rounded) \(units[unit])"
    }
}
