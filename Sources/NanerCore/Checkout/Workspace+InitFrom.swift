import FoundationEssentials
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
    public static func initialize(from given: String, _ locations: Locations, force: Bool, host: String? = nil,
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
                if let host { try workspace.setHost(host) }
                try repository.createRemote(name: "origin", url: HTTPCredentials.redacted(url))
                try workspace.fetch(SyncRemote(name: "origin", url: url), into: "refs/remotes/origin/", tags: true, options: SyncOptions())
                let branches = try repository.references(matching: "refs/remotes/origin/*").filter { !$0.name.hasSuffix("/HEAD") }
                let preferred = ["main", "master"].compactMap { name in branches.first { $0.name == "refs/remotes/origin/" + name } }
                guard let branch = preferred.first ?? branches.first else { throw NanerError.sourceEmpty(source) }
                try workspace.moveReference(Workspace.branch, to: branch.commit, message: "naner init --from \(source)")
                try repository.setHead(branch: "main")
            } catch SyncError.transferFailed(_, let reason) {
                try? manager.removeItem(atPath: gitDir)
                throw NanerError.sourceUnreadable(HTTPCredentials.redacted(source), reason: reason)
            } catch let error as GitError {
                // Leave no half-made repository behind a failed fetch: the next run starts clean.
                try? manager.removeItem(atPath: gitDir)
                throw NanerError.sourceUnreadable(source, reason: error.oneLineMessage)
            } catch {
                try? manager.removeItem(atPath: gitDir)
                throw error
            }
        }
        do {
            return (workspace, try workspace.finishInitialization(from: source, force: force, now: now))
        } catch let refusal as RefusedTarget {
            workspace.abandonInitialization()
            throw refusal
        }
    }

    /// Removes the repository a refused `init --from` made, so the next run starts clean:
    /// nothing of it was laid out. One holding a safety point (an earlier run saved
    /// local files there) is kept, with its pending mark.
    private func abandonInitialization() {
        let gitDir = locations.repository
        guard FileManager.default.fileExists(atPath: gitDir + "/" + Workspace.pendingInitMarker),
              let safety = try? repository.references(matching: BackupName.safetyPrefix + "*"), safety.isEmpty else { return }
        try? FileManager.default.removeItem(atPath: gitDir)
    }

    /// A plain folder becomes an absolute path; URLs and scp-like addresses stay as given.
    static func remoteURL(_ source: String) -> String {
        if source.contains("://") { return source }
        if let colon = source.firstIndex(of: ":"), !source[..<colon].contains("/") { return source }
        return Paths.absolute(source)
    }

    private func finishInitialization(from source: String, force: Bool, now: Date) throws -> InitFromReport {
        guard let head = try repository.headCommitID() else { throw NanerError.sourceEmpty(source) }
        // Judged before anything of it reaches the home, its rules included.
        try checkout.admit(commit: head, label: source)
        if let problem = checkout.gate.localProblems(writing: [IncludeList.path]).first {
            throw RestorePlan.Refusal(problem, source: source, commit: head).error
        }
        try refreshRulesFromCommit(head)
        let rules = try refreshRules()
        // Nothing is committed on this machine yet: every local managed file is "new".
        let scan = try self.scan(rules: rules, mode: .commit(gitDirectory: locations.repository), entries: [])
        let target = try RestoreTarget.commit(head, label: source, head: nil, repository: repository)
        let held = try heldSecrets(target)
        let plan = try timed("plan") { try checkout.plan(target, scan: scan, excludes: held.keys.sorted(), keepExtras: true) }
        if let refusal = plan.refusals.first { throw refusal.error }
        if !plan.conflicts.isEmpty && !force { throw NanerError.conflicts(plan.conflicts.map(ConflictingFile.init)) }
        // Only local files that differ need saving: there are no commits of this machine's own.
        let safety = try timed("write") {
            try checkout.run(plan, from: target, scan: scan, saving: plan.conflicts.isEmpty ? nil
                : .init(reason: "init --from \(source)", prefix: "pre-init", now: now, parents: []))
        }
        if !held.isEmpty {
            // Waiting: the index names the configuration's ciphertext, the file stays, and
            // `naner secret unlock` (run by `init --from` once the identity is unlocked)
            // compares the two.
            var record = SecretRecord.load(repository: locations.repository)
            for (path, cipher) in held { record.waiting[path] = cipher }
            try record.save(repository: locations.repository)
        }
        try checkout.resetIndex(to: head)
        // A configuration with variants: this machine's layers (its host's, if it had one before) over the shared one.
        try takeUpLayers(tracking: "refs/remotes/origin/", label: source)
        try? FileManager.default.removeItem(atPath: locations.repository + "/" + Workspace.pendingInitMarker)
        return InitFromReport(plan: plan, safetyPoint: safety, branch: "main", commit: head)
    }

    /// The configuration's secrets (stored as age files) whose file is here already: this
    /// machine cannot tell whether it holds the same plaintext before the identity is
    /// unlocked, and no safety point could keep it in plain form. Each is left alone, not
    /// planned; it waits, like a secret nothing was laid out for, and `naner secret unlock`
    /// settles it: the same bytes are recorded as that ciphertext; other bytes stay, the
    /// configuration's version is kept decrypted beside them, and the next commit stores
    /// this machine's version encrypted.
    private func heldSecrets(_ target: RestoreTarget) throws -> [String: ObjectID] {
        var held: [String: ObjectID] = [:]
        for path in target.secrets.paths where PathStatus.kind(locations.home + "/" + path) == .file {
            guard let file = try target.file(path), file.gitMode != IndexEntry.symlinkMode,
                  AgeFile.isAgeFile(Array(try target.bytes(path, file).prefix(64))) else { continue }
            held[path] = file.id
        }
        return held
    }

    /// Lays the configuration's own rules (`.syncignore`, `.naner/include`) first, when
    /// this machine has none, so the managed set is the configuration's.
    private func refreshRulesFromCommit(_ commit: ObjectID) throws {
        let tree = try repository.commit(commit).treeID
        for path in [SyncIgnore.path, IncludeList.path, SecretList.path] where !FileManager.default.fileExists(atPath: locations.home + "/" + path) {
            if let entry = try repository.entry(at: path, in: tree) {
                try AtomicFile.write(try repository.blobContent(entry.id), to: locations.home + "/" + path, mode: 0o644)
            }
        }
    }
}
