import Foundation
import GitKit

extension Workspace {
    /// Marks a repository whose `init --from` has not finished laying the files out.
    static let pendingInitMarker = "naner-init-pending"

    public struct InitFromReport: Sendable {
        public let plan: RestorePlan
        public let safetyPoint: String?
        public let branch: String
        public let commit: ObjectID
    }

    /// `naner init --from URL|PATH [--force]`: brings an existing configuration onto
    /// this machine with the restore plan. Local files that differ are conflicts and
    /// are kept (exit 3) unless `force`, which saves them as a safety point first.
    /// Local managed files the configuration lacks are left alone. A rerun after a
    /// refused or interrupted run picks up where it stopped.
    public static func initialize(from given: String, _ locations: Locations, force: Bool,
                                  interaction: Interaction = Unattended(),
                                  now: Date = Date()) throws -> (Workspace, InitFromReport) {
        try locations.checkHome()
        // What is stored, logged and shown: the source without a password in its URL.
        let source = HTTPCredentials.redacted(given)
        let gitDir = locations.repository
        let manager = FileManager.default
        let workspace: Workspace
        if manager.fileExists(atPath: gitDir + "/HEAD") {
            workspace = try open(locations, interaction: interaction)
            guard manager.fileExists(atPath: gitDir + "/" + pendingInitMarker) else {
                throw NanerError.alreadyInitialized(repository: gitDir, home: locations.home)
            }
            try workspace.lockRepository()
        } else {
            let url = Workspace.remoteURL(given)
            if let contents = try? manager.contentsOfDirectory(atPath: gitDir), !contents.isEmpty {
                throw NanerError.cannotWrite(gitDir, reason: "the folder exists and is not a naner repository")
            }
            if url.hasPrefix("/") && !manager.fileExists(atPath: url) {
                throw NanerError.sourceMissing(source)
            }
            do {
                let repository = try createRepository(locations)
                _ = manager.createFile(atPath: gitDir + "/" + pendingInitMarker, contents: Data((source + "\n").utf8))
                workspace = Workspace(locations: locations, repository: repository, interaction: interaction)
                try workspace.lockRepository()
                try repository.createRemote(name: "origin", url: HTTPCredentials.redacted(url))
                try workspace.fetch(SyncRemote(name: "origin", url: url), into: "refs/remotes/origin/", tags: true, options: SyncOptions())
                let branches = try repository.references(matching: "refs/remotes/origin/*").filter { !$0.name.hasSuffix("/HEAD") }
                let preferred = ["main", "master"].compactMap { name in branches.first { $0.name == "refs/remotes/origin/" + name } }
                guard let branch = preferred.first ?? branches.first else { throw NanerError.sourceEmpty(source) }
                try repository.setReference("refs/heads/main", to: branch.commit, message: "naner init --from \(source)")
                try repository.setHead(branch: "main")
            } catch SyncError.transferFailed(_, let reason) {
                try? manager.removeItem(atPath: gitDir)
                throw NanerError.sourceUnreadable(HTTPCredentials.redacted(source), reason: reason)
            } catch let error as GitError {
                // Leave no half-made repository behind a failed fetch: the next run starts clean.
                try? manager.removeItem(atPath: gitDir)
                throw NanerError.sourceUnreadable(source, reason: error.message)
            } catch {
                try? manager.removeItem(atPath: gitDir)
                throw error
            }
        }
        return (workspace, try workspace.finishInitialization(from: source, force: force, now: now))
    }

    /// A plain folder becomes an absolute path; URLs and scp-like addresses stay as given.
    static func remoteURL(_ source: String) -> String {
        if source.contains("://") { return source }
        if let colon = source.firstIndex(of: ":"), !source[..<colon].contains("/") { return source }
        return Paths.absolute(source)
    }

    private func finishInitialization(from source: String, force: Bool, now: Date) throws -> InitFromReport {
        guard let head = try repository.headCommitID() else { throw NanerError.sourceEmpty(source) }
        try refreshRulesFromCommit(head)
        let rules = try refreshRules()
        // Nothing is committed on this machine yet: every local managed file is "new".
        let scan = try self.scan(rules: rules, mode: .commit(gitDirectory: locations.repository), entries: [])
        let target = try RestoreTarget.commit(head, label: source, head: nil, repository: repository)
        let plan = try planRestore(target: target, scan: scan, paths: [], excludes: [], keepExtras: true)
        if !plan.conflicts.isEmpty && !force { throw NanerError.conflicts(plan.conflicts.map(\.path)) }
        try checkNoEscapingParents(plan.actions.map(\.path))
        var safety: String?
        if !plan.conflicts.isEmpty {
            safety = try saveSafetyPoint(scan: scan, reason: "init --from \(source)", prefix: "pre-init", now: now,
                                         base: nil, parents: [])
        }
        try apply(plan, from: target)
        try resetIndex(to: head)
        try? FileManager.default.removeItem(atPath: locations.repository + "/" + Workspace.pendingInitMarker)
        return InitFromReport(plan: plan, safetyPoint: safety, branch: "main", commit: head)
    }

    /// Lays the configuration's own rules (`.syncignore`, `.naner/include`) first, when
    /// this machine has none, so the managed set is the configuration's.
    private func refreshRulesFromCommit(_ commit: ObjectID) throws {
        let tree = try repository.commit(commit).treeID
        for path in [SyncIgnore.path, IncludeList.path] where !FileManager.default.fileExists(atPath: locations.home + "/" + path) {
            if let entry = try repository.entry(at: path, in: tree) {
                try AtomicFile.write(try repository.blobContent(entry.id), to: locations.home + "/" + path, mode: 0o644)
            }
        }
    }

    /// Makes the index the commit's tree, with the stat data of the files now on disk,
    /// so the next status does not re-read every file. Only for a tree that was just
    /// laid out whole: a file with an uncommitted edit would look committed.
    func resetIndex(to commit: ObjectID) throws {
        let tree = try repository.commit(commit).treeID
        let index = try repository.index()
        try index.read(tree: tree, in: repository)
        for entry in index.entries() {
            guard let status = FileStat(path: locations.home + "/" + entry.path), status.gitMode == entry.mode else { continue }
            try index.add(status.indexEntry(path: entry.path, id: entry.id))
        }
        _ = try index.writeTree()
        try index.write()
    }

    /// Moves the index from one commit to another after `written` files were laid out:
    /// only those get the stat data from disk; other changed paths get none, so git and
    /// naner re-read them, and every untouched entry keeps what it had. A file with an
    /// uncommitted edit therefore still shows as edited.
    func updateIndex(from old: ObjectID, to new: ObjectID, written: [String]) throws {
        let index = try repository.index()
        let written = Set(written)
        var changed = Set<String>()
        for change in try repository.changes(from: repository.commit(old).treeID, to: repository.commit(new).treeID) {
            changed.insert(change.path)
            guard let id = change.newID else {
                try index.remove(path: change.path)
                continue
            }
            try index.add(indexEntry(change.path, id: id, mode: change.newMode, fromDisk: written.contains(change.path)))
        }
        for entry in index.entries() where written.contains(entry.path) && !changed.contains(entry.path) {
            try index.add(indexEntry(entry.path, id: entry.id, mode: entry.mode, fromDisk: true))
        }
        _ = try index.writeTree()
        try index.write()
    }

    private func indexEntry(_ path: String, id: ObjectID, mode: UInt32, fromDisk: Bool) -> IndexEntry {
        if fromDisk, let status = FileStat(path: locations.home + "/" + path), status.gitMode == mode {
            return status.indexEntry(path: path, id: id)
        }
        return IndexEntry(path: path, id: id, mode: mode)
    }
}
