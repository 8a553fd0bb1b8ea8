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
    /// reference or object, a repository recorded for another home or in a format libgit2 refuses), and libgit2
    /// answers, or says what is wrong.
    func logFromFiles(limit: Int) -> [LogEntry]? {
        let gitDir = locations.repository
        guard configAllowsNativeReading(), let objects = ObjectFiles(repository: gitDir),
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

    /// Whether naner may read this repository from its files without libgit2, which
    /// would refuse it otherwise: read from its config file as git reads the plain case,
    /// `core.worktree` is absent or this home, `core.repositoryFormatVersion` is 0 or 1,
    /// and a version-1 repository names no extension but `noop` (all libgit2 1.5 knows;
    /// `extensions.objectFormat = sha256` among them). False when the file holds anything
    /// this reading does not follow (an include, a quoted or escaped value): libgit2 is
    /// then asked, and opens it or says what is wrong.
    func configAllowsNativeReading() -> Bool {
        guard let bytes = try? FileReader.read(locations.repository + "/config") else { return false }
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D }
        func trimmed(_ text: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
            var text = text
            while let first = text.first, isBlank(first) { text = text.dropFirst() }
            while let last = text.last, isBlank(last) { text = text.dropLast() }
            return text
        }
        var section: [UInt8] = []
        var workTree: ArraySlice<UInt8>?
        var version = 0
        var extensions: [[UInt8]] = []
        for rawLine in bytes.split(separator: 0x0A) {
            let line = trimmed(rawLine)
            if line.first == UInt8(ascii: "[") {
                section = Array(line).lowercasedASCII
                // An include, or a key on the header's own line: not this reading's to follow.
                guard !section.starts(with: Array("[include".utf8)), section.last == UInt8(ascii: "]") else { return false }
                continue
            }
            guard let equals = line.firstIndex(of: UInt8(ascii: "=")) else {
                // A key without a value (`[extensions]` may hold `noop` alone).
                if section == Array("[extensions]".utf8), !line.isEmpty, line.first != UInt8(ascii: "#"),
                   line.first != UInt8(ascii: ";") { extensions.append(Array(line).lowercasedASCII) }
                continue
            }
            let key = Array(trimmed(line[..<equals])).lowercasedASCII
            let value = trimmed(line[(equals + 1)...])
            let plain = !value.contains { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: ";") || $0 == UInt8(ascii: "#") }
            switch section {
            case Array("[core]".utf8) where key == Array("worktree".utf8):
                guard plain else { return false }
                workTree = value
            case Array("[core]".utf8) where key == Array("repositoryformatversion".utf8):
                guard plain, let number = Int(String(decoding: value, as: UTF8.self)) else { return false }
                version = number
            case Array("[extensions]".utf8):
                extensions.append(key)
            default:
                continue
            }
        }
        guard version == 0 || (version == 1 && extensions.allSatisfy { $0 == Array("noop".utf8) }) else { return false }
        guard let workTree else { return true }
        guard let text = String(validating: workTree, as: UTF8.self) else { return false }
        return Paths.normalize(text) == locations.home
    }
}

/// Value types from GitKit that results carry; clients need not import GitKit.
public typealias CommitInfo = GitKit.CommitInfo
public typealias ObjectID = GitKit.ObjectID
