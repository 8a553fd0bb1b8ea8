import FoundationEssentials
import GitKit

extension Workspace {
    /// Safety points older than this many days are reported (`naner.safetyPointMaxAge`, default 90).
    var safetyPointMaxAge: Int {
        (try? repository.config().int64("naner.safetyPointMaxAge")).flatMap { $0.map(Int.init) } ?? 90
    }

    /// `naner doctor [--fix]`: every check, each finding one line with a hint. `fix`
    /// repairs what is safe: stale libgit2 lock files, old safety points.
    public func doctor(fix: Bool, now: Date = Date()) throws -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        findings += try checkIntegrity()
        findings += staleLocks(fix: fix)
        findings += try leftoverSyncState(fix: fix)
        findings += try oldSafetyPoints(fix: fix, now: now)
        let rules = try refreshRules()
        let scan = try self.scan(rules: rules, mode: .status)
        for change in scan.modeChanges {
            let old = ModeChange.octal(change.old), new = ModeChange.octal(change.new)
            findings.append(DoctorFinding(check: .modes, message: "'\(change.path)' is \(new), the last commit recorded \(old)",
                                          hint: "'naner commit' records \(new); 'chmod \(old)' on it keeps \(old)"))
        }
        if scan.permissionsChanged && scan.modeChanges.isEmpty {
            findings.append(DoctorFinding(check: .modes, message: ".naner/modes differs from the managed files' permissions",
                                          hint: "'naner commit' writes it again"))
        }
        for change in scan.changes where change.kind == .excluded {
            findings.append(DoctorFinding(check: .trackedExcluded, message: "'\(change.path)' is tracked but .syncignore now excludes it",
                                          hint: "'naner commit' stops tracking it; the file stays on disk and in history"))
        }
        findings += try trackedSecrets()
        findings += variantFindings()
        findings += newestBackupFindings()
        // naner's own files do not count: how many of them a configuration holds varies.
        let committed = try repository.headCommitID().map { head -> Int in
            let tree = try repository.commit(head).treeID
            let own = ManagedRules.ownFiles.filter { (try? repository.entry(at: $0, in: tree)) != nil }.count
            return try repository.fileCount(in: tree) - own
        } ?? 0
        if committed == 0 {
            findings.append(DoctorFinding(check: .nothingManaged, message: "nothing but naner's own files is managed: no changes will sync",
                                          hint: "check .naner/include and .syncignore: 'naner ignore check PATH' says which line excludes a path"))
        }
        findings += remoteFindings()
        return findings
    }

    private func checkIntegrity() throws -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        for reference in try repository.references(matching: "refs/*") {
            do {
                let commit = try repository.commit(reference.commit)
                _ = try repository.fileCount(in: commit.treeID)
            } catch let error as GitError {
                findings.append(DoctorFinding(check: .integrity, message: "'\(reference.name)' cannot be read: \(error.message)",
                                              hint: "restore the repository from a copy, or 'naner init --from' another machine"))
            }
        }
        if let head = try? repository.headCommitID() {
            do {
                for (path, entry) in try repository.treeFiles(repository.commit(head).treeID) {
                    guard (try? repository.blobSize(entry.id)) != nil else {
                        findings.append(DoctorFinding(check: .integrity, message: "the object of '\(path)' in HEAD is missing",
                                                      hint: "restore the repository from a copy, or 'naner sync pull' from a remote that has it"))
                        continue
                    }
                }
            } catch let error as GitError {
                findings.append(DoctorFinding(check: .integrity, message: "HEAD cannot be read: \(error.message)",
                                              hint: "restore the repository from a copy, or 'naner init --from' another machine"))
            }
        }
        return findings
    }

    /// libgit2's `.lock` files left by a killed process block every later write; its
    /// half-written packs only take space.
    private func staleLocks(fix: Bool) -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        for name in gitLockFiles() + halfWrittenPacks() {
            var finding = DoctorFinding(check: .lock, message: "'\(name)' was left in the repository by a process that died",
                                        hint: "'naner doctor --fix' removes it when no naner runs")
            // Holding naner's own lock proves no naner is writing.
            if fix, (try? lockRepository(timeout: 0, removingStaleGitLocks: false)) != nil,
               FileSystem.removeIfPresent(locations.repository + "/" + name) {
                finding.fixed = "removed '\(name)'"
            }
            findings.append(finding)
        }
        return findings
    }

    /// A sync that stopped half-way: a merge waiting for its conflicts, a pull killed while
    /// laying files out, or scratch refs of a preview that was killed. Each blocks or
    /// confuses later commands until it is finished or cleared.
    private func leftoverSyncState(fix: Bool) throws -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        if let merge = MergeState.load(repository: locations.repository) {
            var finding = DoctorFinding(
                check: .syncState, message: "a sync merge with '\(merge.remote)' is waiting: \(merge.conflicts.count) file(s) with conflicts",
                hint: "resolve them and 'naner commit -m MSG', or 'naner sync --abort' ('naner doctor --fix' aborts it)")
            if fix {
                try lockRepository()
                let (_, safety) = try abortMerge()
                finding.fixed = "aborted the merge" + (safety.map { "; the half-resolved files are safety point '\($0)'" } ?? "")
            }
            findings.append(finding)
        }
        if let journal = SyncJournal.load(repository: locations.repository) {
            var finding = DoctorFinding(check: .syncState, message: "a pull from '\(journal.remote)' was interrupted while laying files out",
                                        hint: "the next 'naner sync' or 'naner commit' finishes it ('naner doctor --fix' does it now)")
            if fix {
                try lockRepository()
                do {
                    try finishInterruptedPull()
                    finding.fixed = "finished the interrupted pull"
                } catch {
                    // It cannot finish (its target is gone or refused): forget it; main never moved.
                    SyncJournal.clear(repository: locations.repository)
                    finding.fixed = "forgot the interrupted pull, which cannot finish: \((error as? NanerFailure)?.message ?? "\(error)")"
                }
            }
            findings.append(finding)
        }
        let previews = try repository.references(matching: "refs/naner/preview/*")
            + repository.references(matching: "refs/naner/incoming/*")
        if !previews.isEmpty {
            var finding = DoctorFinding(check: .syncState, message: "\(previews.count) scratch ref(s) of an interrupted 'naner sync --dry-run' remain",
                                        hint: "'naner doctor --fix' removes them")
            if fix {
                try lockRepository()
                for reference in previews { try repository.deleteReference(reference.name) }
                finding.fixed = "removed \(previews.count) scratch ref(s)"
            }
            findings.append(finding)
        }
        return findings
    }

    private func oldSafetyPoints(fix: Bool, now: Date) throws -> [DoctorFinding] {
        let limit = safetyPointMaxAge
        var findings: [DoctorFinding] = []
        for point in try backups() where point.kind == .safety {
            let days = Int(now.timeIntervalSince1970 - Double(point.time)) / 86_400
            guard days > limit else { continue }
            var finding = DoctorFinding(check: .safetyPoints, message: "safety point '\(point.name)' is \(days) days old",
                                        hint: "'naner doctor --fix' deletes safety points older than \(limit) days (naner.safetyPointMaxAge)")
            if fix {
                try deleteBackup(point.name)
                finding.fixed = "deleted safety point '\(point.name)'"
            }
            findings.append(finding)
        }
        return findings
    }

    /// `.naner/variants` lines naner cannot read, and paths two classes of this machine both vary
    /// (every commit and sync touching them stops until one goes).
    private func variantFindings() -> [DoctorFinding] {
        let table = VariantTable.load(home: locations.home)
        var findings = table.unreadable.map { line in
            DoctorFinding(check: .variants, message: "\(VariantTable.path) has a line naner cannot read: '\(line)'; it is skipped",
                          hint: "write it as 'KIND NAME PATH' (KIND one of os, class, host), or 'naner variant add' it again")
        }
        guard let machine = try? self.machine else { return findings }
        for path in table.paths.sorted() {
            do { _ = try table.owner(of: path, on: machine) } catch let error as VariantError {
                findings.append(DoctorFinding(check: .variants, message: error.message, hint: error.hints.first ?? ""))
            } catch {}
        }
        return findings
    }

    /// A file (or a link's target) committed before it held a secret, or before the guard
    /// knew its kind; the same rules and allowances as a commit's. Unusable lines of
    /// `.naner/allowed-secrets` are named too.
    private func trackedSecrets() throws -> [DoctorFinding] {
        let allowed = SecretAllowList.load(home: locations.home)
        var findings = allowed.unusableLines.map { line in
            DoctorFinding(check: .allowedSecrets, message: "\(SecretAllowList.path) line \(line) is not 'RULE PATH' with a known rule; it allows nothing",
                          hint: "'naner secret allow PATH [--rule ID]' writes a line naner can use")
        }
        guard let head = try repository.headCommitID() else { return findings }
        for (path, entry) in try repository.treeFiles(repository.commit(head).treeID).sorted(by: { $0.key < $1.key }) {
            guard (try? repository.blobSize(entry.id)).map({ $0 <= Workspace.defaultSizeLimit }) == true else { continue }
            let allowance = allowed.allowance(for: path)
            // A blob that cannot be read is the integrity and backup checks' finding, not a reason to stop.
            if let secret = (try? repository.withBlobContent(entry.id, { SecretGuard.findSecret(in: $0, allowing: allowance) })) ?? nil {
                let what = entry.mode == IndexEntry.symlinkMode ? "the link '\(path)' in the last commit points at" : "'\(path)' in the last commit looks like it holds"
                findings.append(DoctorFinding(check: .trackedSecret, message: "\(what) \(secret)",
                                              hint: "remove the secret from the file and commit; rotate it if it was ever pushed"))
            }
        }
        return findings
    }

    /// `.naner/allowed-secrets`: the files committed although a rule matches them.
    public func allowedSecrets() -> SecretAllowList { SecretAllowList.load(home: locations.home) }

    /// Remotes that cannot be reached now (an https server's certificate refused, its proxy
    /// failing, certificate checks turned off), and cloud folders holding a sync client's copies.
    private func remoteFindings() -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        for remote in (try? remotes()) ?? [] {
            let sync = SyncRemote(name: remote.name, url: remote.url)
            if let path = sync.folderPath {
                let folder = CloudFolder(path: path)
                guard folder.exists else {
                    findings.append(DoctorFinding(check: .remote, message: "remote '\(remote.name)': '\(path)' does not exist",
                                                  hint: "'naner sync push' creates it, or fix the path with 'naner remote remove' and 'add'"))
                    continue
                }
                for copy in folder.conflictedCopies() {
                    findings.append(DoctorFinding(check: .conflictedCopy,
                                                  message: "remote '\(remote.name)' holds a sync client's conflicted copy '\(copy.path)'",
                                                  hint: "'naner sync' merges what it holds and sets it aside"))
                }
                continue
            }
            if let off = try? transportSettings(remote.url, remote: remote.name).verificationOff, remote.url.lowercased().hasPrefix("https:") {
                findings.append(DoctorFinding(check: .certificate, message: "remote '\(remote.name)': certificates are not checked (\(off.origin))",
                                              hint: "turn checks back on; if the server uses a CA of your own, give naner its certificate "
                                                  + "with 'git config --global http.sslCAInfo /path/to/ca.pem' instead"))
            }
            do {
                // Certificates are checked here even where checks are off: the finding says what a check would refuse.
                _ = try transfer(remote.url, remote: remote.name, checkingCertificates: true) {
                    try repository.listRemote(remote.url, options: $0)
                }
            } catch let failure as TransportError {
                let check: DoctorFinding.Check
                switch failure {
                case .certificateRefused, .unusableCertificates: check = .certificate
                default: check = .proxy
                }
                findings.append(DoctorFinding(check: check, message: "remote '\(remote.name)': \(failure.message)",
                                              hint: failure.hints.first ?? "check the address and your network"))
            } catch let failure as NanerFailure {
                findings.append(DoctorFinding(check: .remote, message: "remote '\(remote.name)': \(failure.message)",
                                              hint: failure.hints.first ?? "check the address and your network"))
            } catch let error as GitError {
                findings.append(DoctorFinding(check: .remote, message: "remote '\(remote.name)' cannot be reached: \(error.message)",
                                              hint: "check the address and your network; 'naner remote list' shows it"))
            } catch {
                findings.append(DoctorFinding(check: .remote, message: "remote '\(remote.name)' cannot be reached: \(error)",
                                              hint: "check the address and your network"))
            }
        }
        return findings
    }
}
