import Foundation
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
        if dryRun {
            let resolving = resolvingInBackground(source)
            rules = try refreshRules()
            scan = try self.scan(rules: rules, mode: .status)
            _ = try repository  // its checks (another home's repository, a damaged one) come first
            target = try resolving?.target() ?? restoreTarget(source)
        } else {
            target = try restoreTarget(source)
            rules = try refreshRules()
            scan = try self.scan(rules: rules, mode: .commit(gitDirectory: locations.repository), index: try repository.index(),
                                 freshIndex: true)
        }
        let plan = try planRestore(target: target, scan: scan, paths: paths.map { try treePath($0) },
                                   excludes: excludes.map { try treePath($0) })
        if dryRun || plan.recordedPaths.isEmpty { return RestoreReport(plan: plan, safetyPoint: nil, commit: nil) }
        if !plan.conflicts.isEmpty && !force { throw NanerError.conflicts(plan.conflicts.map(\.path)) }
        try checkNoEscapingParents(plan.actions.map(\.path))

        var safety: String?
        if !plan.isEmpty {
            safety = try saveSafetyPoint(scan: scan, reason: "restore \(target.label)", prefix: "pre-restore", now: now)
            try apply(plan, from: target)
        }
        // Only the restored paths are committed: other uncommitted edits stay uncommitted.
        let commit = try record(paths: plan.recordedPaths, rules: rules, message: "restore \(target.label)")
        return RestoreReport(plan: plan, safetyPoint: safety, commit: commit)
    }

    /// A backup name, safety point, tag, commit id or revision (`HEAD~2`), or the path of an archive.
    func restoreTarget(_ source: String) throws -> RestoreTarget {
        try Workspace.restoreTarget(source, in: repository, interaction: interaction)
    }

    /// Resolves a backup, tag or revision on a thread of its own with a repository handle
    /// of its own, while the caller walks the tree. nil for an archive (which may ask for a
    /// passphrase). Whatever fails there is left to `restoreTarget`, which says it.
    private func resolvingInBackground(_ source: String) -> PendingTarget? {
        if FileManager.default.fileExists(atPath: Paths.absolute(source)) || source.hasSuffix(".zip")
            || source.hasSuffix(EncryptedArchive.fileExtension) { return nil }
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
        if FileManager.default.fileExists(atPath: absolute) && (source.contains("/") || source.hasSuffix(".zip") || source.hasSuffix(EncryptedArchive.fileExtension)) {
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

    /// `keepExtras`: local files the target lacks are left alone instead of removed (a new machine's own files).
    func planRestore(target: RestoreTarget, scan: ScanResult, paths: [String], excludes: [String],
                     keepExtras: Bool = false) throws -> RestorePlan {
        func within(_ path: String, _ prefixes: [String]) -> Bool {
            prefixes.contains { path == $0 || path.hasPrefix($0 + "/") }
        }
        func selected(_ path: String) -> Bool {
            (paths.isEmpty || within(path, paths)) && !within(path, excludes)
        }
        // Files naner refuses to store (secrets) or cannot read: no safety point could keep
        // them, so nothing may overwrite or remove them.
        let untouchable = Dictionary((scan.refused + scan.skipped).map { ($0.path, $0.reason) }, uniquingKeysWith: { first, _ in first })
        let edited = Set(scan.changes.filter { $0.kind != .excluded && $0.kind != .deleted }.map(\.path))
        var candidates = Set(scan.changes.filter { $0.kind != .excluded }.map(\.path)).union(edited)
        let changedSinceHead: Set<String>
        if let changed = target.changedSinceHead {
            changedSinceHead = Set(changed)
            candidates.formUnion(changed)
        } else {
            // An archive: every file it holds, and every file managed now (to remove what it lacks).
            changedSinceHead = Set(try target.allPaths())
            candidates.formUnion(changedSinceHead)
            candidates.formUnion(try repository.index().entries().map(\.path))
        }
        // Permission-only differences.
        candidates.formUnion(target.modes.modes.keys.filter { !$0.hasSuffix("/") })
        candidates.formUnion(scan.modeTable.modes.keys.filter { !$0.hasSuffix("/") })

        var actions: [RestorePlan.Action] = []
        var alreadyRestored: [String] = []
        let deleted = Set(scan.changes.filter { $0.kind == .deleted }.map(\.path))
        var unchanged = 0
        for path in candidates.sorted() where selected(path) {
            let file = try target.file(path)
            if let reason = untouchable[path] {
                if file != nil { interaction.warn("leaving '\(path)' as it is: naner does not store it (\(reason))") }
                continue
            }
            let local = FileStat(path: locations.home + "/" + path)
            let isEdited = edited.contains(path)
            guard let file else {
                if local != nil && !keepExtras {
                    actions.append(.init(path: path, kind: .remove, conflict: isEdited, modeOnly: false))
                } else if local == nil && deleted.contains(path) {
                    alreadyRestored.append(path)
                }
                continue
            }
            guard let local else {
                actions.append(.init(path: path, kind: .restore, conflict: false, modeOnly: false))
                continue
            }
            let sameContent: Bool
            if !isEdited && !changedSinceHead.contains(path) {
                sameContent = true  // as committed, and the target has what HEAD has
            } else {
                sameContent = try localID(path, local) == file.id && local.gitMode == file.gitMode
            }
            let samePermissions = local.isSymlink || local.mode & 0o7777 == Workspace.permissions(for: file, replacing: local)
            if sameContent && samePermissions {
                unchanged += 1
                if isEdited { alreadyRestored.append(path) }
            } else {
                actions.append(.init(path: path, kind: .restore, conflict: isEdited && !sameContent, modeOnly: sameContent))
            }
        }
        let selectedTotal = paths.isEmpty && excludes.isEmpty
            ? try target.fileCount(scan.trackedCount)
            : try target.allPaths().filter(selected).count
        let restoring = actions.filter { $0.kind == .restore }.count
        return RestorePlan(source: target.label, actions: actions, unchangedCount: max(unchanged, selectedTotal - restoring),
                           alreadyRestored: alreadyRestored)
    }

    /// The recorded permissions, or git's default without widening what the local file allows:
    /// group and other never gain read or write access on a restore.
    static func permissions(for file: RestoreTarget.File, replacing local: FileStat?, recorded: Bool = false) -> UInt32 {
        if file.permissions != (file.gitMode == IndexEntry.executableMode ? 0o755 : 0o644) { return file.permissions }
        guard let local, !local.isSymlink else { return file.permissions }
        return file.permissions & ~(0o066 & ~(local.mode & 0o7777))
    }

    private func localID(_ path: String, _ status: FileStat) throws -> ObjectID {
        let absolute = locations.home + "/" + path
        do {
            let bytes = status.isSymlink ? try FileReader.readLink(absolute) : try FileReader.read(absolute)
            return try ObjectID.hash(bytes, kind: .blob)
        } catch let failure as FileReader.Failure {
            throw NanerError.cannotRead(absolute, reason: failure.reason)
        }
    }

    /// Refuses to write through a folder that is a symlink leading out of the home.
    func checkNoEscapingParents(_ paths: [String]) throws {
        let realHome = URL(fileURLWithPath: locations.home).resolvingSymlinksInPath().path
        var checked = Set<String>()
        for path in paths {
            var parent = Substring(path)
            while let slash = parent.lastIndex(of: "/") {
                parent = parent[..<slash]
                guard checked.insert(String(parent)).inserted else { break }
                let absolute = locations.home + "/" + parent
                guard PathStatus.kind(absolute) == .symlink else { continue }
                let resolved = URL(fileURLWithPath: absolute).resolvingSymlinksInPath().path
                if Paths.relative(resolved, to: realHome) == nil {
                    throw NanerError.unsafeTreePath(path, through: String(parent), target: resolved)
                }
            }
        }
    }

    /// Saves the tree as it is now, uncommitted edits included, as `refs/naner/safety/PREFIX-DATE`.
    func saveSafetyPoint(scan: ScanResult, reason: String, prefix: String, now: Date,
                         base: ObjectID?? = .none, parents given: [ObjectID]? = nil) throws -> String {
        let head = try repository.headCommitID()
        let headTree = try base ?? head.map { try repository.commit($0).treeID }
        // Entries only refreshed (same content, new stat data) change nothing in the tree.
        let changed = Set(scan.changes.filter { $0.kind == .modified || $0.kind == .added }.map(\.path))
        var updates = scan.updates.filter { changed.contains($0.path) }
        if scan.permissionsChanged {
            let text = Array(scan.modeTable.text.utf8)
            let id = try repository.objectDatabase().write(text, kind: .blob)
            updates.append(IndexEntry(path: ModeTable.path, id: id, mode: IndexEntry.regularMode))
        }
        let tree = try updates.isEmpty && scan.removals.isEmpty && headTree != nil
            ? headTree! : repository.tree(from: headTree, updating: updates, removing: scan.removals)
        var name = BackupName.automatic(now, prefix: prefix)
        var attempt = 1
        while try repository.referenceExists(BackupName.safetyPrefix + name) {
            attempt += 1
            name = BackupName.automatic(now, prefix: prefix) + "-\(attempt)"
        }
        let commit = try repository.createCommit(tree: tree, parents: given ?? head.map { [$0] } ?? [],
                                                 message: "safety point before \(reason)\n", signature: signature(), updateRef: nil)
        try repository.setReference(BackupName.safetyPrefix + name, to: commit, message: "naner: safety point before \(reason)")
        return name
    }

    /// Writes the plan's files: each beside itself, then renamed over the old one,
    /// so a restore killed at any moment leaves every file wholly old or wholly new.
    /// Contents are read from the repository on this thread (libgit2 handles stay on
    /// one thread); the writes, a handful of system calls each, run on two.
    func apply(_ plan: RestorePlan, from target: RestoreTarget) throws {
        var folders = Set<String>()
        for batch in stride(from: 0, to: plan.actions.count, by: 256).map({ plan.actions[$0..<min($0 + 256, plan.actions.count)] }) {
            var writes: [FileWrite] = []
            for action in batch {
                let absolute = locations.home + "/" + action.path
                switch action.kind {
                case .remove:
                    // At once, in plan order: a file may give way to a folder of the same name.
                    try FileWrite(path: absolute, content: .remove).perform()
                case .restore:
                    guard let file = try target.file(action.path) else { continue }
                    let local = FileStat(path: absolute)
                    let mode = Workspace.permissions(for: file, replacing: local)
                    try makeParents(of: action.path, modes: target.modes, known: &folders)
                    if action.modeOnly, let local, !local.isSymlink {
                        writes.append(FileWrite(path: absolute, content: .mode(mode)))
                    } else if file.gitMode == IndexEntry.symlinkMode {
                        writes.append(FileWrite(path: absolute, content: .symlink(String(decoding: try target.bytes(action.path, file), as: UTF8.self))))
                    } else if let source = target.repository, try source.blobSize(file.id) > Workspace.streamedFileSize {
                        // Written at once, streamed from the repository: never two copies of a large file in memory.
                        try AtomicFile.write(to: absolute, mode: mode) { emit in try source.streamBlob(file.id, emit) }
                    } else {
                        writes.append(FileWrite(path: absolute, content: .file(try target.bytes(action.path, file), mode)))
                    }
                }
            }
            let failures = parallelMap(writes, lanes: writes.count > 16 ? 2 : 1) { write -> Error? in
                do { try write.perform() } catch { return error }
                return nil
            }
            if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
        }
    }

    /// Files larger than this are written one at a time, straight from the repository.
    static let streamedFileSize = 8 << 20

    /// One file of a plan, ready to write without touching the repository.
    private struct FileWrite {
        enum Content {
            case remove
            case mode(UInt32)
            case symlink(String)
            case file([UInt8], UInt32)
        }

        let path: String
        let content: Content

        func perform() throws {
            switch content {
            case .remove:
                do { try FileSystem.remove(path) } catch { throw NanerError.cannotWrite(path, reason: error.reason) }
            case .mode(let mode):
                do { try FileSystem.setPermissions(path, mode) } catch { throw NanerError.cannotWrite(path, reason: error.reason) }
            case .symlink(let target):
                try AtomicFile.symlink(target, at: path)
            case .file(let bytes, let mode):
                try AtomicFile.write(bytes, to: path, mode: mode)
            }
        }
    }

    /// Creates missing folders with their recorded modes (`.ssh/` 0700); fixes recorded ones.
    private func makeParents(of path: String, modes: ModeTable, known: inout Set<String>) throws {
        var folder = ""
        for component in path.split(separator: "/").dropLast() {
            folder += (folder.isEmpty ? "" : "/") + component
            guard known.insert(folder).inserted else { continue }  // made or checked for an earlier file
            let absolute = locations.home + "/" + folder
            let recorded = modes.modes[folder + "/"]
            if let status = PathStatus(path: absolute) {
                if let recorded, status.permissions != recorded, status.kind == .directory {
                    try? FileSystem.setPermissions(absolute, recorded)
                }
            } else {
                do {
                    try FileSystem.makeFolder(absolute, mode: recorded ?? 0o755)
                } catch where !error.isExisting {
                    throw NanerError.cannotWrite(absolute, reason: error.reason)
                } catch {}
                if let recorded { try? FileSystem.setPermissions(absolute, recorded) }
            }
        }
    }
}
