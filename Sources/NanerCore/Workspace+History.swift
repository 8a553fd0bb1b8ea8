import Foundation
import GitKit

/// One line of `naner log`.
public struct LogEntry: Sendable {
    public let commit: CommitInfo
    /// Backups (tags) that point at this commit.
    public let backups: [String]
}

/// What `naner diff` shows for one path.
public struct FileDiff: Sendable {
    public let change: FileChange
    /// The unified diff; empty for paths that only stop being tracked.
    public let patch: String
}

extension Workspace {
    public func log(limit: Int?) throws -> [LogEntry] {
        guard let head = try repository.headCommitID() else { return [] }
        let tags = try repository.tagsByCommit()
        return try repository.history(from: head, limit: limit).map {
            LogEntry(commit: $0, backups: (tags[$0.id] ?? []).sorted())
        }
    }

    /// `naner diff [PATH…]`: what `naner commit` would record, as unified diffs.
    /// Refused files are listed by the caller from `scan.refused`, never shown.
    public func diff(paths arguments: [String]) throws -> (diffs: [FileDiff], scan: ScanResult) {
        let filters = try arguments.map { try treePath($0) }
        let scan = try status().scan
        let entries = Dictionary(try repository.index().entries().map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        func selected(_ path: String) -> Bool {
            filters.isEmpty || filters.contains { path == $0 || path.hasPrefix($0 + "/") }
        }
        var diffs: [FileDiff] = []
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
                let bytes = try status?.isSymlink == true ? FileReader.readLink(absolute) : FileReader.read(absolute)
                patch = try repository.unifiedDiff(path: change.path, old: entries[change.path]?.id, new: bytes)
            }
            diffs.append(FileDiff(change: change, patch: patch))
        }
        return (diffs, scan)
    }
}

/// Value types from GitKit that results carry; clients need not import GitKit.
public typealias CommitInfo = GitKit.CommitInfo
public typealias ObjectID = GitKit.ObjectID
