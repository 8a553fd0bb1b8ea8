import FoundationEssentials
import GitKit

extension Workspace {
    static let branch = "refs/heads/main"

    // MARK: Choosing the remote

    /// `--provider`, else `--remote NAME|URL`, else `origin` (or the only remote).
    func syncRemote(_ options: SyncOptions, creating: Bool) throws -> SyncRemote {
        if let provider = options.provider {
            let folder = try provider.folder(userHome: options.userHome, customPath: options.path)
            let name = provider.rawValue
            let known = try repository.remoteURL(name)
            if creating && known != folder {
                if known != nil { try repository.deleteRemote(name) }
                try repository.createRemote(name: name, url: folder)
            }
            return SyncRemote(name: name, url: folder)
        }
        if let given = options.remote {
            if Repository.isValidRemoteName(given), let url = try repository.remoteURL(given) {
                return SyncRemote(name: given, url: url)
            }
            let url = Workspace.remoteURL(given)
            if let named = try remotes().first(where: { $0.url == url }) { return SyncRemote(name: named.name, url: url) }
            guard given.contains("/") || given.contains(":") else { throw SyncError.unknownRemote(given) }
            // An address given once: its last-seen position still needs a home of its own.
            let digest = try ObjectID.hash(Array(url.utf8), kind: .blob)
            return SyncRemote(name: "url-" + digest.short, url: url)
        }
        let all = try remotes()
        if let origin = all.first(where: { $0.name == "origin" }) ?? (all.count == 1 ? all[0] : nil) {
            return SyncRemote(name: origin.name, url: origin.url)
        }
        throw SyncError.noRemote
    }

    // MARK: Talking to the remote

    /// Checks a folder remote before anything of it is trusted; false when it does not exist yet
    /// (true for remotes that are not folders).
    func inspectFolder(_ remote: SyncRemote) throws -> Bool {
        guard let path = remote.folderPath else { return true }
        let folder = CloudFolder(path: path)
        guard folder.exists else { return false }
        for copy in folder.conflictedCopies() {
            let commit = copy.commit.map { " (commit \($0.short))" } ?? ""
            interaction.warn("'\(copy.path)' in '\(folder.path)' is a sync client's conflicted copy\(commit); naner does not trust it")
        }
        let checked = CloudFolder.checkedFile(repository: locations.repository, folder: folder.path)
        let known = (try? String(contentsOfFile: checked, encoding: .utf8)).map { Set($0.split(separator: "\n").map(String.init)) } ?? []
        var complete = known
        let incomplete = folder.incompleteReference(complete: &complete)
        if complete != known { try? AtomicFile.write(Array(complete.sorted().map { $0 + "\n" }.joined().utf8), to: checked, mode: 0o600) }
        if let reference = incomplete {
            throw SyncError.folderStillSyncing(folder: folder.path, reference: reference)
        }
        return true
    }

    func fetch(_ remote: SyncRemote, into prefix: String, tags: Bool, options: SyncOptions) throws {
        detailRemote(remote)
        // Scratch refs (a preview's, a pull's holding place) are not moves worth naming.
        let watched = (tags ? ["refs/tags/"] : []) + (prefix.hasPrefix("refs/naner/") ? [] : [prefix])
        let before = referenceSnapshot(watched)
        do {
            try timed("transfer (fetch from '\(remote.name)')") {
                if let path = remote.folderPath {
                    try fetchFromFolder(path, remote: remote, into: prefix, tags: tags, options: options)
                } else {
                    let pruned = tags ? PrunedTags.load(repository: locations.repository).pending(for: remote.name) : [:]
                    let absent = try pruned.keys.filter { try !repository.referenceExists($0) }
                    try transfer(remote.url, remote: remote.name, progress: options.progress) { transferOptions in
                        try repository.fetch(remote: remote.url, refspecs: ["+refs/heads/*:\(prefix)*"], tags: tags, options: transferOptions)
                    }
                    // libgit2 fetches every tag: the ones pruned here, still there as this machine saw them, go again.
                    for reference in absent { try repository.deleteReference(reference, ifAt: pruned[reference]!) }
                }
            }
        } catch let error as GitError {
            throw SyncError.transferFailed(url: remote.displayURL, reason: error.oneLineMessage)
        }
        detailMoves(since: before, watched)
    }

    /// A fetch from a repository on this machine, name by name (see `copyObjects`).
    private func fetchFromFolder(_ path: String, remote: SyncRemote, into prefix: String, tags: Bool,
                                 options: SyncOptions) throws {
        let source = try Repository.open(gitDir: path, workTree: nil)
        let references = CloudFolder(path: path).references(in: source)
        let heads = references.filter { $0.key.hasPrefix("refs/heads/") }
        // Commits a sync client kept under a copy's name come along, to be merged like any other head.
        let copies = CloudFolder(path: path).conflictedCopies().filter { $0.path.hasPrefix("refs/heads/") }.compactMap(\.commit)
        // Tags pruned here come back only if the remote moved them (then they are someone else's).
        let pruned = PrunedTags.load(repository: locations.repository).pending(for: remote.name)
        let newTags = tags ? try references.filter {
            try $0.key.hasPrefix("refs/tags/") && !repository.referenceExists($0.key) && pruned[$0.key] != $0.value
        } : [:]
        let have = try repository.references(matching: "refs/*").map(\.commit) + [repository.headCommitID()].compactMap { $0 }
        try source.copyObjects(reachableFrom: Array(heads.values) + Array(newTags.values) + copies, hiding: have, into: repository,
                               phase: .receiving, progress: options.progress)
        for (name, id) in heads {
            try repository.setReference(prefix + name.dropFirst("refs/heads/".count), to: id, message: "naner: fetch \(remote.name)")
        }
        for (name, id) in newTags { try repository.setReference(name, to: id, message: "naner: fetch \(remote.name)") }
    }

    /// Removes scratch references (a preview's, a pull's holding place), whatever happened.
    func deleteReferences(under prefix: String) {
        for reference in (try? repository.references(matching: prefix + "*")) ?? [] {
            try? repository.deleteReference(reference.name)
        }
    }

    /// The remote's `main` (or `master`) as fetched under `prefix`.
    func fetchedMain(_ prefix: String) -> ObjectID? {
        // Not `lazy.compactMap(…).first`: it resolves the name it finds twice.
        for name in ["main", "master"] {
            if let commit = try? repository.resolveCommit(prefix + name) { return commit }
        }
        return nil
    }

    // MARK: sync

    /// `naner sync [pull|push]`: both is pull, then push; a pull that stops on
    /// conflicts throws, so nothing is pushed.
    public func sync(_ direction: SyncDirection = .both, _ options: SyncOptions) throws -> SyncReport {
        try lockRepository()
        if MergeState.load(repository: locations.repository) != nil { throw SyncError.mergeInProgress }
        try finishInterruptedPull()
        let remote = try syncRemote(options, creating: true)
        var report = SyncReport(remote: remote)
        if let folder = remote.folderPath {
            for lock in FolderPushJournal.removeOwnStaleLocks(repository: locations.repository, folder: folder) {
                interaction.warn("removed '\(lock)' from '\(folder)': a push from this machine was stopped while holding it")
            }
        }
        // A folder is inspected once: the pull does not write to it.
        let folderPresent = try inspectFolder(remote)
        if direction.pulls {
            if isLayered {
                report.pull = try pullLayers(remote, options, folderPresent: folderPresent)
            } else {
                report.pull = try pull(remote, options, folderPresent: folderPresent)
                // The pull brought the configuration's first variants: this machine takes up its layers.
                if try !committedVariants().isEmpty {
                    try enterLayers()
                    report.pull = try pullLayers(remote, options, folderPresent: folderPresent)
                }
            }
        }
        if direction.pushes { report.push = try push(remote, options, folderPresent: folderPresent) }
        report.branch = branchName
        return report
    }

    // MARK: pull

    private func pull(_ remote: SyncRemote, _ options: SyncOptions, folderPresent: Bool) throws -> PullOutcome {
        guard folderPresent else { return .remoteEmpty }
        // Fetched into a holding place first: the remote-tracking refs move only once what
        // arrived has passed the gate, so a refused pull leaves them where they were.
        let holding = "refs/naner/incoming/\(remote.name)/"
        defer { deleteReferences(under: holding) }
        try fetch(remote, into: holding, tags: true, options: options)
        let theirs = fetchedMain(holding)
        let head = try repository.headCommitID()
        if let theirs { try checkout.admit(commit: theirs, label: remote.name, base: head) }
        let copies = try fetchedCopies(remote)
        for (copy, commit) in copies { try checkout.admit(commit: commit, label: copy, base: head) }
        for reference in try repository.references(matching: holding + "*") {
            try moveReference(remote.trackingPrefix + reference.name.dropFirst(holding.count), to: reference.commit,
                              message: "naner: fetch \(remote.name)")
        }
        guard let theirs else { return .remoteEmpty }
        guard let ours = try repository.headCommitID() else { throw NanerError.repositoryMissing(locations.repository) }

        // First the remote's main: a fast-forward, or a merge that may stop on conflicts.
        var target = ours
        var merged = false
        switch try SyncPlan.decidePull(ours: ours, theirs: theirs, in: repository) {
        case .notAsked, .remoteEmpty, .upToDate:
            break
        case .fastForward(let commit):
            target = commit
        case .merge(let commit):
            let (outcome, conflicts) = try timed("merge") { try mergeForPull(ours: ours, theirs: commit) }
            let message = "merge \(remote.name) into main\n"
            guard conflicts.isEmpty else {
                try stopWithConflicts(outcome, conflicts: conflicts, ours: ours, theirs: commit, remote: remote, message: message)
            }
            let committer = signature()
            target = try repository.createCommit(tree: outcome.tree, parents: [ours, commit], message: message,
                                                 signature: committer, updateRef: nil, signer: signer(committer))
            merged = true
        }
        // Then every commit a sync client kept as a conflicted copy, when it merges cleanly.
        for (copy, commit) in copies {
            if try commit == target || repository.isDescendant(target, of: commit) { continue }
            if try repository.isDescendant(commit, of: target) {
                target = commit
                continue
            }
            let (outcome, conflicts) = try mergeForPull(ours: target, theirs: commit)
            guard conflicts.isEmpty else {
                interaction.warn("'\(copy)' conflicts with main in \(conflicts.count) file(s); it stays in the folder for you to merge")
                continue
            }
            let committer = signature()
            target = try repository.createCommit(tree: outcome.tree, parents: [target, commit],
                                                 message: "merge the conflicted copy '\(copy)' from \(remote.name)\n",
                                                 signature: committer, updateRef: nil, signer: signer(committer))
            merged = true
        }
        guard target != ours else { return .upToDate }
        let plan = try layOut(from: ours, to: target, label: remote.name,
                              message: merged ? "naner sync: merge \(remote.name)" : "naner sync: fast-forward to \(remote.name)")
        return merged ? .merged(commit: target, files: plan.actions) : .fastForward(to: target, files: plan.actions)
    }

    /// The 3-way merge of `theirs` into `ours` as the pull lays it out: conflicting text files
    /// with diff3 markers (see `resolve`), and the paths that conflict.
    /// How a layer merge settles one conflicting path (`mergeForPull`).
    enum ConflictChoice {
        /// Markers, reported: the usual.
        case merge
        /// This side's version, silently: a path another layer supplies on this machine.
        case ours
        /// The other side's, silently: a variant this machine is giving up.
        case theirs
    }

    func mergeForPull(ours: ObjectID, theirs: ObjectID,
                      choosing: (String) -> ConflictChoice = { _ in .merge }) throws -> (MergeOutcome, conflicts: [String]) {
        var conflicts: [String] = []
        let secrets = try secretPaths(ours, theirs)
        let outcome = try repository.merge(ours: ours, theirs: theirs) { conflict in
            switch choosing(conflict.path) {
            case .ours: return conflict.ours ?? conflict.theirs
            case .theirs: return conflict.theirs
            case .merge: return try resolve(conflict, secrets: secrets, conflicts: &conflicts)
            }
        }
        return (outcome, conflicts)
    }

    /// The files either side stores encrypted (`.naner/secrets`).
    func secretPaths(_ ours: ObjectID, _ theirs: ObjectID) throws -> Set<String> {
        try SecretList.load(tree: repository.commit(ours).treeID, repository: repository).set
            .union(SecretList.load(tree: repository.commit(theirs).treeID, repository: repository).set)
    }

    /// The tree the pull lays out here for `decision`: the remote's commit for a fast-forward,
    /// the merge of both (conflict markers and all) for a merge, with the files that conflict;
    /// nil when it writes nothing. The preview hands it to `planIncoming` as the real pull
    /// hands the same tree (`layOut`, `stopWithConflicts`), so an uncommitted edit in the way
    /// stops both alike.
    private func pullTarget(_ decision: SyncPlan.Pull, ours: ObjectID, label: String) throws -> (RestoreTarget, conflicts: [String])? {
        switch decision {
        case .notAsked, .remoteEmpty, .upToDate:
            return nil
        case .fastForward(let commit):
            return (try RestoreTarget.commit(commit, label: label, head: ours, repository: repository), [])
        case .merge(let commit):
            let (outcome, conflicts) = try mergeForPull(ours: ours, theirs: commit)
            return (try RestoreTarget.tree(outcome.tree, commit: nil, label: label, head: ours, repository: repository),
                    conflicts.sorted())
        }
    }

    /// Writes the merge with its conflict markers into the tree and records it as git does; throws the conflicts.
    private func stopWithConflicts(_ outcome: MergeOutcome, conflicts: [String], ours: ObjectID, theirs: ObjectID,
                                   remote: SyncRemote, message: String) throws -> Never {
        let rules = try refreshRules()
        let scan = try self.scan(rules: rules, mode: .commit(gitDirectory: locations.repository), index: try repository.index())
        let target = try RestoreTarget.tree(outcome.tree, commit: nil, label: remote.name, head: ours, repository: repository)
        let plan = try planIncoming(target, scan: scan)
        try checkout.run(plan, from: target, scan: scan, saving: nil)
        let secrets = try secretPaths(ours, theirs)
        for path in conflicts where secrets.contains(path) { keepRemoteSecret(path, theirs: theirs) }
        let state = MergeState(remote: remote.name, ours: ours.hex, theirs: theirs.hex,
                               written: plan.actions.map(\.path), conflicts: conflicts.sorted())
        try state.save(repository: locations.repository, message: message)
        throw SyncError.mergeConflicts(state.conflicts)
    }

    /// Conflicted copies of `main` in a folder remote whose commits the fetch brought: copy → commit.
    private func fetchedCopies(_ remote: SyncRemote) throws -> [(String, ObjectID)] {
        guard let path = remote.folderPath else { return [] }
        let database = try repository.objectDatabase()
        return CloudFolder(path: path).conflictedCopies().compactMap { copy in
            guard copy.path.hasPrefix("refs/heads/"), let commit = copy.commit, database.contains(commit) else { return nil }
            return (copy.path, commit)
        }
    }

    /// Settles one conflicting path of a merge: the modes table merges per path;
    /// a text file gets diff3 markers (`local`, `remote`); a path one side deleted
    /// keeps the other side's content, so nothing is lost. Each is reported but the modes table.
    /// A secret (`secrets`) changed on both sides keeps this machine's ciphertext: markers
    /// inside ciphertext would destroy both; the remote's version is kept decrypted aside
    /// (`keepRemoteSecret`).
    private func resolve(_ conflict: MergeConflict, secrets: Set<String>, conflicts: inout [String]) throws -> MergeSide? {
        if conflict.path == LinkTable.path {
            func table(_ side: MergeSide?) throws -> LinkTable {
                try side.map { LinkTable(text: String(decoding: try repository.blobContent($0.id), as: UTF8.self)) } ?? LinkTable()
            }
            let merged = LinkTable.merge(base: try table(conflict.ancestor), ours: try table(conflict.ours),
                                         theirs: try table(conflict.theirs))
            let id = try repository.objectDatabase().write(Array(merged.text.utf8), kind: .blob)
            return MergeSide(id: id, mode: IndexEntry.regularMode)
        }
        if conflict.path == ModeTable.path {
            func table(_ side: MergeSide?) throws -> ModeTable {
                try side.map { ModeTable(text: String(decoding: try repository.blobContent($0.id), as: UTF8.self)) } ?? ModeTable()
            }
            let merged = ModeTable.merge(base: try table(conflict.ancestor), ours: try table(conflict.ours),
                                         theirs: try table(conflict.theirs))
            let bytes = Array(merged.text.utf8)
            let id = try repository.objectDatabase().write(bytes, kind: .blob)
            return MergeSide(id: id, mode: IndexEntry.regularMode)
        }
        conflicts.append(conflict.path)
        guard let ours = conflict.ours, let theirs = conflict.theirs else { return conflict.ours ?? conflict.theirs }
        if ours.mode == IndexEntry.symlinkMode || theirs.mode == IndexEntry.symlinkMode { return ours }
        if secrets.contains(conflict.path) { return ours }
        let merged = try repository.mergeFile(ancestor: conflict.ancestor?.id, ours: ours.id, theirs: theirs.id,
                                              labels: (ours: "local", theirs: "remote"))
        let id = try repository.objectDatabase().write(merged.bytes, kind: .blob)
        return MergeSide(id: id, mode: ours.mode)
    }

    /// What changed between HEAD and `target`, as a plan that writes nothing yet; refuses
    /// (before anything is written) when any of those files has an uncommitted edit, or
    /// when the plan holds a refusal.
    func planIncoming(_ target: RestoreTarget, scan: ScanResult) throws -> RestorePlan {
        var changed = target.changedSinceHead ?? []
        guard !changed.isEmpty else {
            return RestorePlan(source: target.label, actions: [], unchangedCount: 0, alreadyRestored: [])
        }
        // A `.naner/links` that changed may record links (changed or not) under another home.
        if changed.contains(LinkTable.path) { changed += try checkout.rewrittenLinks(of: target) }
        if changed.contains(SecretAllowList.path) { try warnAboutArrivingAllowances(target) }
        if changed.contains(SecretList.path) { warnAboutArrivingSecrets(target) }
        let plan = try checkout.plan(target, scan: scan, paths: changed)
        if let refusal = plan.refusals.first { throw refusal.error }
        if !plan.conflicts.isEmpty { throw SyncError.pullBlocked(plan.conflicts.map(\.path)) }
        return plan
    }

    /// What arrives is untrusted: a remote that widens `.naner/allowed-secrets` widens what this
    /// machine will commit and push. Each new allowance is named, so it is never silent.
    private func warnAboutArrivingAllowances(_ target: RestoreTarget) throws {
        guard let file = try target.file(SecretAllowList.path) else { return }
        let arriving = SecretAllowList(text: String(decoding: try target.bytes(SecretAllowList.path, file), as: UTF8.self))
        let here = SecretAllowList.load(home: locations.home)
        for entry in arriving.entries where !here.entries.contains(entry) {
            interaction.warn("\(target.label) allows '\(entry.path)' to hold \(entry.rule.map { "rule \($0)" } ?? "any secret")"
                             + " (\(SecretAllowList.path)); 'naner doctor' lists every allowance")
        }
    }

    /// A remote that lists a file in `.naner/secrets` makes this machine manage it (whatever
    /// `.syncignore` says) and send it, encrypted: each new one is named, so it is never silent.
    private func warnAboutArrivingSecrets(_ target: RestoreTarget) {
        let here = SecretList.load(home: locations.home)
        for path in target.secrets.paths where !here.contains(path) {
            interaction.warn("\(target.label) stores '\(path)' encrypted (\(SecretList.path)): this machine's copy will be committed "
                             + "encrypted too; 'naner secret remove \(path)' stops it")
        }
    }

    // MARK: push

    private func push(_ remote: SyncRemote, _ options: SyncOptions, folderPresent: Bool) throws -> PushOutcome {
        var created = false
        if !folderPresent, let folder = remote.folderPath {
            do {
                _ = try Repository.createBare(at: folder)
            } catch let error as GitError {
                throw NanerError.cannotWrite(folder, reason: error.message)
            }
            created = true
        }
        guard let head = try repository.headCommitID() else { throw NanerError.repositoryMissing(locations.repository) }
        // `main`, or with variants every layer branch this machine keeps (shared first).
        let branches: [(reference: String, local: ObjectID)] = isLayered
            ? try layerChain().compactMap { layer in (try? repository.resolveCommit(layer.reference)).map { (layer.reference, $0) } }
            : [(Workspace.branch, head)]
        detailRemote(remote)
        let destination: Repository?
        let remoteRefs: [String: ObjectID]
        do {
            if let path = remote.folderPath {
                let folder = try Repository.open(gitDir: path, workTree: nil)
                destination = folder
                remoteRefs = CloudFolder(path: path).references(in: folder)
            } else {
                destination = nil
                remoteRefs = try transfer(remote.url, remote: remote.name) { try repository.listRemote(remote.url, options: $0) }
            }
        } catch let error as GitError {
            throw SyncError.transferFailed(url: remote.displayURL, reason: error.oneLineMessage)
        }
        var pushes: [(reference: String, id: ObjectID, forced: Bool)] = []
        for (reference, local) in branches {
            let lastSeen = try? repository.resolveCommit(remote.trackingPrefix + reference.dropFirst("refs/heads/".count))
            switch try SyncPlan.decidePush(local: local, there: remoteRefs[reference], lastSeen: lastSeen, pullFirst: false,
                                           force: options.force, remote: remote, in: repository) {
            case .notAsked, .upToDate:
                break
            case .create, .fastForward:
                pushes.append((reference, local, false))
            case .overwrite:
                pushes.append((reference, local, true))
            case .refused(let error):
                throw error
            case .afterPull:
                throw SyncError.remoteHasNewCommits(remote: remote.name)  // no pull comes first here
            }
        }
        let pushedMain = pushes.first { $0.reference == Workspace.branch }?.id
        // Backups travel with the branch; a tag the remote holds with another target stays as it is there.
        var tags: [(name: String, id: ObjectID)] = []
        for tag in try repository.referenceTargets(matching: "refs/tags/*") {
            let id = tag.target
            if let there = remoteRefs[tag.name] {
                if there != id { interaction.warn("tag '\(tag.name.dropFirst(10))' differs on '\(remote.name)'; left as it is there") }
                continue
            }
            tags.append((tag.name, id))
        }
        var record = PrunedTags.load(repository: locations.repository)
        let deletions = try prunedTagsToDelete(remote, remoteRefs: remoteRefs, record: &record)
        defer { try? record.save(repository: locations.repository) }
        if pushes.isEmpty && tags.isEmpty && deletions.isEmpty { return PushOutcome(main: nil, tags: [], createdFolder: created) }
        var deleted: [String] = []
        var pushedTags = tags.map(\.name)
        let transferStart = Clock.monotonicSeconds
        defer {
            interaction.detail("time: transfer (push to '\(remote.name)') "
                               + ((Clock.monotonicSeconds - transferStart) * 1000).oneDecimal + " ms")
        }
        do {
            if let destination {
                // Objects first, then the tags, then main: a reader that sees the new main has everything it needs.
                try repository.copyObjects(reachableFrom: pushes.map(\.id) + tags.map(\.id),
                                           hiding: Array(remoteRefs.values), into: destination, progress: options.progress)
                let moving = tags.map { ($0.name, $0.id.hex) } + pushes.map { ($0.reference, $0.id.hex) }
                try FolderPushJournal(folder: remote.folderPath ?? "", references: Dictionary(moving) { $1 })
                    .save(repository: locations.repository)
                defer { FolderPushJournal.clear(repository: locations.repository) }
                for tag in tags { try moveReference(tag.name, to: tag.id, message: "naner: push", in: destination, remote: remote.name) }
                // `main` last: a reader that sees the new main finds every layer it merges.
                for push in pushes.sorted(by: { ($0.reference == Workspace.branch ? 1 : 0) < ($1.reference == Workspace.branch ? 1 : 0) }) {
                    try moveReference(push.reference, to: push.id, message: "naner: push", in: destination, remote: remote.name)
                }
                // Each only if it still names what this machine saw (compared under the reference's lock).
                for (reference, id) in deletions {
                    if try destination.deleteReference(reference, ifAt: id) {
                        deleted.append(reference)
                    } else {
                        warnMovedTag(reference, remote: remote)
                    }
                    record.remove(remote: remote.name, reference: reference)
                }
            } else {
                // A deletion travels with the value the server lists now, which was compared just above.
                let refspecs = pushes.map { "\($0.forced ? "+" : "")\($0.reference):\($0.reference)" }
                    + tags.map { "\($0.name):\($0.name)" } + deletions.map { ":" + $0.name }
                let answers = try transfer(remote.url, remote: remote.name, progress: options.progress) {
                    try repository.push(remote: remote.url, refspecs: refspecs, options: $0)
                }
                let deleting = Set(deletions.map(\.name))
                deleted = deletions.map(\.name)
                for answer in answers {
                    if deleting.contains(answer.name) { record.remove(remote: remote.name, reference: answer.name) }
                    guard let reason = answer.rejection else {
                        let id = pushes.first { $0.reference == answer.name }?.id ?? tags.first { $0.name == answer.name }?.id
                        detailMoved(answer.name, from: remoteRefs[answer.name], to: id, remote: remote.name)
                        continue
                    }
                    if pushes.contains(where: { $0.reference == answer.name }) {
                        throw SyncError.pushRejected(remote: remote.name, reference: answer.name, reason: reason)
                    }
                    interaction.warn("remote '\(remote.name)' refused '\(answer.name)': \(reason)")
                    pushedTags.removeAll { $0 == answer.name }
                    deleted.removeAll { $0 == answer.name }
                }
            }
        } catch let error as GitError {
            if error.kind == .nonFastForward { throw SyncError.remoteHasNewCommits(remote: remote.name) }
            throw SyncError.transferFailed(url: remote.displayURL, reason: error.oneLineMessage)
        }
        for push in pushes {
            try moveReference(remote.trackingPrefix + push.reference.dropFirst("refs/heads/".count), to: push.id, message: "naner sync: push")
        }
        if let path = remote.folderPath, let main = pushedMain ?? remoteRefs[Workspace.branch] {
            try setAsideMergedCopies(in: CloudFolder(path: path), main: main)
        }
        var outcome = PushOutcome(main: pushedMain, tags: pushedTags.map { String($0.dropFirst("refs/tags/".count)) },
                                  createdFolder: created)
        outcome.deletedTags = deleted.map { String($0.dropFirst("refs/tags/".count)) }
        outcome.layers = pushes.map(\.reference).filter { $0 != Workspace.branch }.map { String($0.dropFirst("refs/heads/".count)) }
        return outcome
    }

    /// The tags pruned here that `remote` still has where this machine last saw them: the
    /// push deletes those. One it moved stays there, said once (a pull may have brought it
    /// here as the other machine's); one it lacks, or that is here as it was (a prune that
    /// did not finish), needs nothing: their lines leave `record`.
    private func prunedTagsToDelete(_ remote: SyncRemote, remoteRefs: [String: ObjectID],
                                    record: inout PrunedTags) throws -> [(name: String, id: ObjectID)] {
        var deletions: [(name: String, id: ObjectID)] = []
        for (reference, id) in record.pending(for: remote.name).sorted(by: { $0.key < $1.key }) {
            if (try? repository.referenceTarget(reference)) == id || remoteRefs[reference] == nil {
                record.remove(remote: remote.name, reference: reference)
            } else if remoteRefs[reference] == id {
                deletions.append((reference, id))
            } else {
                warnMovedTag(reference, remote: remote)
                record.remove(remote: remote.name, reference: reference)
            }
        }
        return deletions
    }

    private func warnMovedTag(_ reference: String, remote: SyncRemote) {
        interaction.warn("backup '\(reference.dropFirst(BackupName.tagPrefix.count))' was pruned here, but '\(remote.name)' "
            + "moved it since this machine last saw it; it stays there")
    }

    /// A conflicted copy whose commit the folder's main now contains has served its
    /// purpose: it moves out of `refs/` (so the folder is plain git again) into
    /// `naner-conflicted-copies/`, never deleted.
    private func setAsideMergedCopies(in folder: CloudFolder, main: ObjectID) throws {
        for copy in folder.conflictedCopies() where copy.path.hasPrefix("refs/heads/") {
            guard let commit = copy.commit, try commit == main || repository.isDescendant(main, of: commit) else { continue }
            let aside = folder.path + "/naner-conflicted-copies"
            try? FileManager.default.createDirectory(atPath: aside, withIntermediateDirectories: true)
            let name = String(copy.path.split(separator: "/").last ?? "")
            guard (try? FileSystem.rename(folder.path + "/" + copy.path, to: aside + "/" + name)) != nil else { continue }
            interaction.warn("moved '\(copy.path)' to 'naner-conflicted-copies/\(name)': its commit \(commit.short) is part of main now")
        }
    }

    // MARK: finishing and aborting a merge

    /// The merge a commit finishes, once no conflict markers remain; nil when no merge is waiting.
    func pendingMerge() throws -> MergeState? {
        guard let state = MergeState.load(repository: locations.repository) else { return nil }
        let left = state.unresolved(home: locations.home)
        if !left.isEmpty { throw SyncError.conflictMarkersRemain(left) }
        return state
    }

    func finishMerge() {
        MergeState.clear(repository: locations.repository)
    }

    /// `naner sync --abort`: puts back every file the stopped merge wrote, after
    /// saving the tree as it is now (half-resolved files included) as a safety point.
    public func abortMerge(now: Date = Date()) throws -> (plan: RestorePlan, safetyPoint: String?) {
        try lockRepository()
        guard let state = MergeState.load(repository: locations.repository) else { throw SyncError.noMergeInProgress }
        guard let head = try repository.headCommitID() else { throw NanerError.repositoryMissing(locations.repository) }
        let rules = try refreshRules()
        let scan = try self.scan(rules: rules, mode: .commit(gitDirectory: locations.repository), index: try repository.index())
        let target = try RestoreTarget.commit(head, label: "HEAD", head: head, repository: repository)
        let plan = state.written.isEmpty
            ? RestorePlan(source: "HEAD", actions: [], unchangedCount: 0, alreadyRestored: [])
            : try checkout.plan(target, scan: scan, paths: state.written)
        let safety = try checkout.run(plan, from: target, scan: scan,
                                      saving: .init(reason: "sync --abort", prefix: "pre-abort", now: now))
        try checkout.updateIndex(from: head, to: head, written: plan.actions.map(\.path))
        MergeState.clear(repository: locations.repository)
        return (plan, safety)
    }

    // MARK: dry run

    /// `naner sync [push|pull] --dry-run`: fetches into a scratch namespace (no branch,
    /// no tracking ref moves, removed after) and decides as the real sync would. Under
    /// the lock, since the scratch refs are written into this repository.
    public func planSync(_ direction: SyncDirection = .both, _ options: SyncOptions) throws -> SyncPlan {
        try lockRepository()
        let remote = try syncRemote(options, creating: false)
        let here = try status().scan
        let uncommitted = here.changes.filter { $0.kind != .excluded }.count
        guard let local = try repository.headCommitID() else { throw NanerError.repositoryMissing(locations.repository) }
        let localTree = try repository.commit(local).treeID
        let lastSeen = try? repository.resolveCommit(remote.trackingPrefix + "main")
        let remoteExists = try inspectFolder(remote)
        let prefix = "refs/naner/preview/\(remote.name)/"
        defer { deleteReferences(under: prefix) }
        if remoteExists { try fetch(remote, into: prefix, tags: false, options: options) }
        if isLayered {
            return try planLayers(direction, options, remote: remote, here: here, head: local,
                                  fetched: remoteExists ? try admitLayerBranches(under: prefix, label: remote.name, head: local) : [:])
        }
        let theirs = remoteExists ? fetchedMain(prefix) : nil
        // The preview refuses what the pull would refuse.
        if let theirs, direction.pulls { try checkout.admit(commit: theirs, label: remote.name, base: local) }
        let pull: SyncPlan.Pull = direction.pulls ? try SyncPlan.decidePull(ours: local, theirs: theirs, in: repository) : .notAsked
        // The files the pull would write, planned as the real pull plans them: an uncommitted
        // edit in the way (or a refusal) stops the preview with the real run's words and exit code.
        var conflicts: [String] = []
        if let (target, conflicting) = try pullTarget(pull, ours: local, label: remote.name) {
            _ = try timed("plan") { try planIncoming(target, scan: here) }
            conflicts = conflicting
        }
        let push: SyncPlan.Push = direction.pushes
            ? try SyncPlan.decidePush(local: local, there: theirs, lastSeen: lastSeen, pullFirst: direction.pulls,
                                      force: options.force, remote: remote, in: repository)
            : .notAsked
        // What each side would receive: only the directions asked for.
        var ahead: [CommitInfo] = [], behind: [CommitInfo] = [], incoming: [TreeChange] = [], outgoing: [TreeChange] = []
        if let theirs {
            let base = try repository.mergeBase(local, theirs)
            let baseTree = try base.map { try repository.commit($0).treeID }
            if direction.pushes {
                ahead = try repository.commits(from: local, hiding: [theirs])
                outgoing = base == local ? [] : try repository.changes(from: baseTree, to: localTree)
            }
            if direction.pulls {
                behind = try repository.commits(from: theirs, hiding: [local])
                incoming = base == theirs ? [] : try repository.changes(from: baseTree, to: repository.commit(theirs).treeID)
            }
        } else if direction.pushes {
            ahead = try repository.commits(from: local, hiding: [])
            outgoing = try repository.changes(from: nil, to: localTree)
        }
        return SyncPlan(remote: remote, direction: direction, remoteExists: remoteExists, pull: pull, push: push,
                        ahead: ahead, behind: behind, incoming: incoming, outgoing: outgoing, uncommitted: uncommitted,
                        conflicts: conflicts)
    }
}
