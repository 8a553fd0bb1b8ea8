import FoundationEssentials
import GitKit

extension Workspace {
    /// `naner restore SOURCE [PATH…] [--exclude PATH]… [--dry-run] [--force]`.
    /// A dry run builds the plan and stops; a real run refuses conflicts unless
    /// forced, saves a safety point, applies the plan file by file (each file
    /// written beside itself and renamed into place) and commits the result.
    public func restore(_ source: String, paths: [String], excludes: [String], dryRun: Bool, force: Bool,
                        now: Date = Date()) throws -> RestoreReport {
        if !dryRun { try lockRepository() }
        // A dry run walks the tree while the repository opens; a real run resolves the
        // source first, so a wrong name stores nothing.
        let rules: ManagedRules, scan: ScanResult, target: RestoreTarget
        if dryRun, let fromFiles = targetFromFiles(source) {
            (rules, scan) = try rulesAndStatusScan()
            target = fromFiles
        } else if dryRun {
            let resolving = resolvingInBackground(source)
            (rules, scan) = try rulesAndStatusScan()
            _ = try repository  // its checks (another home's repository, a damaged one) come first
            target = try resolving?.target() ?? restoreTarget(source)
        } else {
            target = try restoreTarget(source)
            rules = try refreshRules()
            scan = try self.scan(rules: rules, mode: .commit(gitDirectory: locations.repository), index: try repository.index(),
                                 freshIndex: true)
        }
        let plan = try timed("plan") {
            try checkout.plan(target, scan: scan, paths: paths.map { try treePath($0) }, excludes: excludes.map { try treePath($0) })
        }
        // A refused target stops a dry run as it stops the real one: one error, before any report.
        if let refusal = plan.refusals.first { throw refusal.error }
        if dryRun || plan.recordedPaths.isEmpty { return RestoreReport(plan: plan, safetyPoint: nil, commit: nil) }
        if !plan.conflicts.isEmpty && !force { throw NanerError.conflicts(plan.conflicts.map(ConflictingFile.init)) }
        let safety = try timed("write") {
            try checkout.run(plan, from: target, scan: scan,
                             saving: .init(reason: "restore \(target.label)", prefix: "pre-restore", now: now))
        }
        // Only the restored paths are committed: other uncommitted edits stay uncommitted.
        let commit = try record(paths: plan.recordedPaths, rules: rules, message: "restore \(target.label)")
        return RestoreReport(plan: plan, safetyPoint: safety, commit: commit)
    }

    /// A backup name, safety point, tag, commit id or revision (`HEAD~2`), or the path of an archive.
    func restoreTarget(_ source: String) throws -> RestoreTarget {
        try Workspace.restoreTarget(source, in: repository, interaction: interaction)
    }

    /// A dry run's target read from the repository's files, libgit2 left unloaded: a backup,
    /// safety point or tag by name, or a full commit id, in a repository recorded for this
    /// home whose HEAD names a commit. Nil for anything else (a revision, an archive, an
    /// unusual reference or object): libgit2 then resolves the source, or says what is wrong.
    private func targetFromFiles(_ source: String) -> RestoreTarget? {
        let gitDir = locations.repository
        if FileManager.default.fileExists(atPath: Paths.absolute(source)) || source.hasSuffix(".zip")
            || source.hasSuffix(AgeArchive.fileExtension) || source.hasSuffix(EncryptedArchive.fileExtension) { return nil }
        guard configAllowsNativeReading(), case .id(let headHex) = RefFiles.lookup("HEAD", repository: gitDir),
              let head = ObjectID(hex: headHex) else { return nil }
        let objects = TreeReader(gitDir: gitDir, repository: { [self] in try self.repository })
        guard objects.peeledCommit(head) == head else { return nil }
        var commit: ObjectID?
        for reference in [BackupName.tagPrefix + source, BackupName.safetyPrefix + source] {
            switch RefFiles.lookup(reference, repository: gitDir) {
            case .id(let hex):
                guard let id = ObjectID(hex: hex), let peeled = objects.peeledCommit(id) else { return nil }
                commit = peeled
            case .absent: continue
            case .unknown: return nil
            }
            break
        }
        if commit == nil, source.utf8.count == 40, let id = ObjectID(hex: source), objects.peeledCommit(id) == id { commit = id }
        guard let commit else { return nil }
        return try? RestoreTarget.commit(commit, label: source, head: head, objects: objects)
    }

    /// Resolves a backup, tag or revision on a thread of its own with a repository handle
    /// of its own, while the caller walks the tree. nil for an archive (which may ask for a
    /// passphrase). Whatever fails there is left to `restoreTarget`, which says it.
    private func resolvingInBackground(_ source: String) -> PendingTarget? {
        if FileManager.default.fileExists(atPath: Paths.absolute(source)) || source.hasSuffix(".zip")
            || source.hasSuffix(AgeArchive.fileExtension) || source.hasSuffix(EncryptedArchive.fileExtension) { return nil }
        let pending = PendingTarget()
        let locations = self.locations
        pending.thread = BackgroundThreads.start {
            pending.result = try? Workspace.restoreTarget(
                source, in: Repository.open(gitDir: locations.repository, workTree: locations.home))
        }
        return pending
    }

    private static func restoreTarget(_ source: String, in repository: Repository,
                                      interaction: Interaction = Unattended()) throws -> RestoreTarget {
        let head = try repository.headCommitID()
        let absolute = Paths.absolute(source)
        if FileManager.default.fileExists(atPath: absolute) && (source.contains("/") || source.hasSuffix(".zip")
            || source.hasSuffix(AgeArchive.fileExtension) || source.hasSuffix(EncryptedArchive.fileExtension)) {
            let (_, entries) = try BackupArchive.read(absolute, interaction: interaction)
            return try RestoreTarget.archive(entries, label: source)
        }
        for reference in [BackupName.tagPrefix + source, BackupName.safetyPrefix + source] {
            if repository.referenceExists(reference), let id = try? repository.resolveCommit(reference) {
                return try RestoreTarget.commit(id, label: source, head: head, repository: repository)
            }
        }
        if let id = try? repository.resolveCommit(source) {
            return try RestoreTarget.commit(id, label: source, head: head, repository: repository)
        }
        if source.hasSuffix(".zip") || source.hasPrefix("/") || source.hasPrefix("./") {
            _ = try BackupArchive.read(absolute, interaction: interaction)  // throws the archive's own "does not exist"
        }
        throw NanerError.unknownReference(source)
    }
}
