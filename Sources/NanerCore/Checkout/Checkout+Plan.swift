import FoundationEssentials
import GitKit

extension Checkout {
    /// What bringing the tree to `target` takes, against the tree as `scan` found it:
    /// within `paths` (all when empty) less `excludes`. `keepExtras`: local files the
    /// target lacks are left alone instead of removed (a new machine's own files).
    func plan(_ target: RestoreTarget, scan: ScanResult, paths: [String] = [], excludes: [String] = [],
              keepExtras: Bool = false) throws -> RestorePlan {
        func within(_ path: String, _ prefixes: [String]) -> Bool {
            prefixes.contains { path == $0 || path.hasPrefix($0 + "/") }
        }
        func selected(_ path: String) -> Bool {
            (paths.isEmpty || within(path, paths)) && !within(path, excludes)
        }
        // What the target holds is judged first, all of it: its problems are refusals, whatever
        // `paths` selects. Its gitlinks are skipped: never written, never a reason to remove.
        let verdict = gate.check(target)
        for gitlink in verdict.gitlinks {
            interaction.warn("skipping '\(gitlink)' of '\(target.label)': it is a submodule (a gitlink), which naner does not restore")
        }
        func underGitlink(_ path: String) -> Bool { within(path, verdict.gitlinks) }
        guard verdict.problems.isEmpty else {
            // Nothing of such a target is looked at further, not even to compare it with the home.
            return RestorePlan(source: target.label, actions: [], unchangedCount: 0, alreadyRestored: [],
                               refusals: verdict.problems.map { RestorePlan.Refusal($0, source: target.label, commit: target.commit) })
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
        // Permission-only differences (the target's table holds only paths it has).
        candidates.formUnion(target.modes.modes.keys.filter { !$0.hasSuffix("/") })
        // Links recorded under another home, which this one lays out into its own.
        candidates.formUnion(try rewrittenLinks(of: target))
        candidates.formUnion(scan.modeTable.modes.keys.filter { !$0.hasSuffix("/") })

        let secretRecord = target.secrets.isEmpty ? SecretRecord() : SecretRecord.load(repository: locations.repository)
        var actions: [RestorePlan.Action] = []
        var alreadyRestored: [String] = []
        let deleted = Set(scan.changes.filter { $0.kind == .deleted }.map(\.path))
        let untracked = Set(scan.changes.filter { $0.kind == .added }.map(\.path))
        var unchanged = 0
        for path in candidates.sorted() where selected(path) && !underGitlink(path) {
            let file = try target.file(path)
            if let reason = untouchable[path] {
                if file != nil { interaction.warn("leaving '\(path)' as it is: naner does not store it (\(reason))") }
                continue
            }
            let local = FileStat(path: locations.home + "/" + path)
            let isEdited = edited.contains(path)
            guard let file else {
                // Only what the current commit tracks is removed: a file no commit ever held is
                // left where it is, as `git checkout` leaves untracked files (no safety point
                // could be its only copy).
                if local != nil && !keepExtras && !untracked.contains(path) {
                    actions.append(.init(path: path, kind: .remove, file: nil, conflict: isEdited, modeOnly: false))
                } else if local == nil && deleted.contains(path) {
                    alreadyRestored.append(path)
                }
                continue
            }
            guard let local else {
                actions.append(.init(path: path, kind: .restore, file: file, conflict: false, modeOnly: false))
                continue
            }
            let sameContent: Bool
            if file.gitMode == IndexEntry.symlinkMode && target.links.rewrites(path, home: locations.home) {
                // As it is laid out here: pointing into this home.
                let wanted = target.links.local(path, stored: try target.bytes(path, file), home: locations.home)
                sameContent = local.isSymlink && (try? FileReader.readLink(locations.home + "/" + path)) == wanted
            } else if !isEdited && !changedSinceHead.contains(path) {
                sameContent = true  // as committed, and the target has what HEAD has
            } else {
                let id = try localID(path, local)
                // A secret is the same when this plaintext is what that ciphertext holds.
                let stored = target.secrets.contains(path) ? secretRecord.cipher(for: path, plain: id) ?? id : id
                sameContent = stored == file.id && local.gitMode == file.gitMode
            }
            let samePermissions = local.isSymlink || local.mode & 0o7777 == Checkout.permissions(for: file, replacing: local)
            if sameContent && samePermissions {
                unchanged += 1
                if isEdited { alreadyRestored.append(path) }
            } else {
                actions.append(.init(path: path, kind: .restore, file: file, conflict: isEdited && !sameContent, modeOnly: sameContent))
            }
        }
        let selectedTotal = paths.isEmpty && excludes.isEmpty
            ? try target.fileCount(scan.trackedCount)
            : try target.allPaths().filter(selected).count
        let restoring = actions.filter { $0.kind == .restore }.count
        let written = actions.map(\.path)
        let refused = gate.localProblems(writing: written)
            .map { RestorePlan.Refusal($0, source: target.label, commit: target.commit) }
        return RestorePlan(source: target.label, actions: actions, unchangedCount: max(unchanged, selectedTotal - restoring),
                           alreadyRestored: alreadyRestored, refusals: refused + escapingLinks(written))
    }

    /// The target's links that its `.naner/links` records under another home than this one:
    /// laid out pointing into this home, whether or not they changed.
    func rewrittenLinks(of target: RestoreTarget) throws -> [String] {
        try target.links.homes.keys.sorted().filter { path in
            guard target.links.rewrites(path, home: locations.home) else { return false }
            return try target.file(path)?.gitMode == IndexEntry.symlinkMode
        }
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

    /// The paths that would be written through a folder that is a link leading out of the home.
    func escapingLinks(_ paths: [String]) -> [RestorePlan.Refusal] {
        guard !paths.isEmpty else { return [] }
        let realHome = URL(fileURLWithPath: locations.home).resolvingSymlinksInPath().path
        var checked = Set<String>()
        var escaping: [String: String] = [:]  // a linked folder and where it leads
        var refusals: [RestorePlan.Refusal] = []
        for path in paths {
            var parent = Substring(path)
            while let slash = parent.lastIndex(of: "/") {
                parent = parent[..<slash]
                let folder = String(parent)
                guard checked.insert(folder).inserted else {
                    if let target = escaping[folder] { refusals.append(.init(path: path, link: folder, target: target)) }
                    break
                }
                let absolute = locations.home + "/" + folder
                guard PathStatus.kind(absolute) == .symlink else { continue }
                let resolved = URL(fileURLWithPath: absolute).resolvingSymlinksInPath().path
                if Paths.relative(resolved, to: realHome) == nil {
                    escaping[folder] = resolved
                    refusals.append(.init(path: path, link: folder, target: resolved))
                    break
                }
            }
        }
        return refusals
    }
}
