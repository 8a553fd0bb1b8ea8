import FoundationEssentials
import GitKit

extension Workspace {
    public func log(limit: Int?) throws -> [LogEntry] {
        if let limit, let entries = logFromFiles(limit: limit) { return entries }
        guard let head = try repository.headCommitID() else { return [] }
        let tags = try repository.tagsByCommit()
        var safety: [ObjectID: [String]] = [:]
        for reference in try repository.references(matching: BackupName.safetyPrefix + "*") {
            guard let parent = try repository.commit(reference.commit).parentIDs.first else { continue }
            safety[parent, default: []].append(String(reference.name.dropFirst(BackupName.safetyPrefix.count)))
        }
        return try repository.history(from: head, limit: limit).map {
            var entry = LogEntry(commit: $0, backups: (tags[$0.id] ?? []).sorted())
            entry.safetyPoints = (safety[$0.id] ?? []).sorted()
            return entry
        }
    }

    /// `log -n LIMIT` read from the repository's files alone (`RefFiles`, `ObjectFiles`),
    /// in the order libgit2's objects give (`HistoryOrder`): loading libgit2 is most of
    /// what a short log costs. Nil when the files cannot answer alone (an unusual
    /// reference or object, a repository recorded for another home), and libgit2
    /// answers, or says what is wrong.
    func logFromFiles(limit: Int) -> [LogEntry]? {
        let gitDir = locations.repository
        guard workTreeRecordIsHome(), let objects = ObjectFiles(repository: gitDir),
              case .id(let headHex) = RefFiles.lookup("HEAD", repository: gitDir), let head = ObjectID(hex: headHex) else { return nil }
        guard let commits = HistoryOrder.walk(from: head, limit: limit, read: { objects.commit($0) }) else { return nil }
        guard let tags = RefFiles.all(under: "refs/tags/", repository: gitDir),
              let safetyRefs = RefFiles.all(under: BackupName.safetyPrefix, repository: gitDir) else { return nil }
        // By position among the commits shown (a few): no hashed collection of ids to build.
        func position(_ id: ObjectID) -> Int? { commits.firstIndex { $0.id == id } }
        var backups = [[String]](repeating: [], count: commits.count)
        for tag in tags {
            guard let id = ObjectID(hex: tag.id) else { return nil }
            // A tag on a shown commit needs no reading; an annotated one names its commit.
            let commit: ObjectID
            if position(id) != nil {
                commit = id
            } else if let peeled = tag.peeled.flatMap(ObjectID.init(hex:)) ?? objects.peeledCommit(id) {
                commit = peeled
            } else {
                return nil
            }
            if let place = position(commit) { backups[place].append(String(tag.name.dropFirst("refs/tags/".count))) }
        }
        var safety = [[String]](repeating: [], count: commits.count)
        for reference in safetyRefs {
            guard let id = ObjectID(hex: reference.id), let point = objects.commit(id) else { return nil }
            if let parent = point.parentIDs.first, let place = position(parent) {
                safety[place].append(String(reference.name.dropFirst(BackupName.safetyPrefix.count)))
            }
        }
        return commits.indices.map {
            var entry = LogEntry(commit: commits[$0], backups: backups[$0].sorted())
            entry.safetyPoints = safety[$0].sorted()
            return entry
        }
    }

    /// Whether the repository's `core.worktree`, read from its config file as git reads
    /// the plain case, is absent or this home (what opening through libgit2 checks).
    /// False when the file holds anything this reading does not follow (an include, a
    /// quoted or escaped value).
    private func workTreeRecordIsHome() -> Bool {
        guard let bytes = try? FileReader.read(locations.repository + "/config") else { return false }
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }
        func trimmed(_ text: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
            var text = text
            while let first = text.first, isBlank(first) { text = text.dropFirst() }
            while let last = text.last, isBlank(last) { text = text.dropLast() }
            return text
        }
        func lowercased(_ text: ArraySlice<UInt8>) -> [UInt8] { text.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 } }
        var inCore = false
        var recorded: ArraySlice<UInt8>?
        for rawLine in bytes.split(separator: 0x0A) {
            let line = trimmed(rawLine)
            if line.first == UInt8(ascii: "[") {
                let section = lowercased(line)
                // An include, or a key on the header's own line: not this reading's to follow.
                guard !section.starts(with: Array("[include".utf8)), section.last == UInt8(ascii: "]") else { return false }
                inCore = section == Array("[core]".utf8)
                continue
            }
            guard inCore, let equals = line.firstIndex(of: UInt8(ascii: "=")),
                  lowercased(trimmed(line[..<equals])) == Array("worktree".utf8) else { continue }
            let value = trimmed(line[(equals + 1)...])
            guard !value.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: ";") || $0 == UInt8(ascii: "#") })
            else { return false }
            recorded = value
        }
        guard let recorded else { return true }
        guard let text = String(validating: recorded, as: UTF8.self) else { return false }
        return Paths.normalize(text) == locations.home
    }

    /// `naner diff [PATH…]`: what `naner commit` would record, as unified diffs.
    /// Refused files are listed by the caller from `scan.refused`, never shown.
    /// A backup, safety point, tag or commit that `naner diff` compares the tree with,
    /// when `argument` names one and no file of the tree.
    public func diffBase(_ argument: String) -> ObjectID? {
        if FileManager.default.fileExists(atPath: Paths.absolute(argument)) && argument.contains("/") { return nil }
        if let reference = try? backupReference(argument), let id = try? repository.resolveCommit(reference) { return id }
        if (try? treePath(argument)).map({ FileManager.default.fileExists(atPath: locations.home + "/" + $0) }) == true { return nil }
        return try? repository.resolveCommit(argument)
    }

    /// `naner diff [NAME] [PATH…]`: what `naner commit` would record, or with `base`,
    /// how the tree differs from that backup or commit.
    public func diff(paths arguments: [String], against base: ObjectID? = nil) throws -> (diffs: [FileDiff], scan: ScanResult) {
        let filters = try arguments.map { try treePath($0) }
        let scan = try status().scan
        if let base { return (try diff(against: base, scan: scan, filters: filters), scan) }
        let entries = Dictionary(try repository.index().entries().map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        func selected(_ path: String) -> Bool {
            filters.isEmpty || filters.contains { path == $0 || path.hasPrefix($0 + "/") }
        }
        var diffs: [FileDiff] = []
        var modeChanges: [String: ModeChange] = [:]
        for change in scan.modeChanges where selected(change.isFolder ? String(change.path.dropLast()) : change.path) {
            modeChanges[change.path] = change
        }
        for change in scan.changes where selected(change.path) {
            let absolute = locations.home + "/" + change.path
            let patch: String
            switch change.kind {
            case .excluded:
                patch = ""
            case .deleted:
                patch = try repository.unifiedDiff(path: change.path, old: entries[change.path]?.id, new: nil)
            case .added, .modified:
                let status = FileStat(path: absolute)
                let bytes = try status?.isSymlink == true
                    ? scan.links.stored(change.path, local: FileReader.readLink(absolute), home: locations.home) : FileReader.read(absolute)
                patch = try repository.unifiedDiff(path: change.path, old: entries[change.path]?.id, new: bytes)
            }
            if let modeChange = modeChanges.removeValue(forKey: change.path) {
                diffs.append(FileDiff(change: change, modeChange: modeChange, patch: Workspace.addingModeLines(modeChange, to: patch)))
            } else {
                diffs.append(FileDiff(change: change, patch: patch))
            }
        }
        // Permissions alone: git's header and mode lines, as `git diff` shows an exec bit flipped.
        for modeChange in modeChanges.values {
            diffs.append(FileDiff(change: nil, modeChange: modeChange, patch: modeChange.gitHeader))
        }
        return (diffs.sorted { $0.path < $1.path }, scan)
    }

    /// `patch` (libgit2's, which knows no modes) with `old mode`/`new mode` after its first
    /// line and no mode on its `index` line, as git prints a file whose mode and content changed.
    static func addingModeLines(_ change: ModeChange, to patch: String) -> String {
        guard !patch.isEmpty else { return change.gitHeader }
        var lines = patch.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let index = lines.firstIndex(where: { $0.hasPrefix("index ") }) {
            let words = lines[index].split(separator: " ")
            if words.count == 3 { lines[index] = words[0...1].joined(separator: " ") }
        }
        lines.insert(contentsOf: change.gitModeLines.split(separator: "\n").map(String.init), at: 1)
        return lines.joined(separator: "\n")
    }

    private func diff(against base: ObjectID, scan: ScanResult, filters: [String]) throws -> [FileDiff] {
        func selected(_ path: String) -> Bool { filters.isEmpty || filters.contains { path == $0 || path.hasPrefix($0 + "/") } }
        let baseTree = try repository.commit(base).treeID
        let refused = Set((scan.refused + scan.skipped).map(\.path))
        var paths = Set(scan.changes.filter { $0.kind != .excluded }.map(\.path))
        if let head = try repository.headCommitID() {
            paths.formUnion(try repository.changes(from: baseTree, to: repository.commit(head).treeID).map(\.path))
        }
        var diffs: [FileDiff] = []
        for path in paths.sorted() where selected(path) && !refused.contains(path) {
            let absolute = locations.home + "/" + path
            let old = try repository.entry(at: path, in: baseTree)?.id
            let status = FileStat(path: absolute)
            let bytes = try status.map {
                $0.isSymlink ? scan.links.stored(path, local: try FileReader.readLink(absolute), home: locations.home) : try FileReader.read(absolute)
            }
            if let old, let bytes, try ObjectID.hash(bytes, kind: .blob) == old { continue }
            let kind: FileChange.Kind = old == nil ? .added : bytes == nil ? .deleted : .modified
            diffs.append(FileDiff(change: FileChange(path: path, kind: kind, rule: nil), patch: try repository.unifiedDiff(path: path, old: old, new: bytes)))
        }
        return diffs
    }
}

/// Value types from GitKit that results carry; clients need not import GitKit.
public typealias CommitInfo = GitKit.CommitInfo
public typealias ObjectID = GitKit.ObjectID
