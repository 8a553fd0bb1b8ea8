import FoundationEssentials
import GitKit

/// The outcome of verifying one backup or archive: one line of `naner backups verify`.
public struct VerifyResult: Sendable {
    /// The backup's name, or the archive's path as given.
    public let name: String
    public let isArchive: Bool
    /// The files restored and compared.
    public let fileCount: Int
    /// What is wrong, in words (`the object of '.bashrc' (1a2b3c4) is missing`); nil when it verified.
    public let problem: String?

    public var verified: Bool { problem == nil }
}

extension Workspace {
    /// `naner backups verify [NAME|ARCHIVE…]`: proves each backup restores. For a backup in
    /// the repository: every object its tag, commit and tree need is there and hashes to its
    /// id; a restore into a scratch folder (through the same checkout a restore uses) gives
    /// each file the tagged tree's bytes, the mode `.naner/modes` records (or git's) and each
    /// link its target; and the number of files equals the manifest's. An archive written by
    /// `--output` (a folder, a zip, a `.zip.age` or an earlier `.zip.enc`) is read whole (every entry's CRC, the seal)
    /// and restored and compared the same way. No names: the newest backup.
    public func verifyBackups(_ names: [String]) throws -> [VerifyResult] {
        try lockRepository()
        var names = names
        if names.isEmpty {
            guard let newest = try backups().first(where: { $0.kind == .backup }) else { throw NanerError.unknownBackup("(the newest)") }
            names = [newest.name]
        }
        sweepScratchFolders()
        return try names.map { name in
            if try backupReference(name) != nil {
                let result = try verifyBackup(name)
                if result.verified { try? repository.config().set(Workspace.lastVerifiedKey, String(Int64(Date().timeIntervalSince1970))) }
                return result
            }
            if PathStatus(path: Paths.absolute(name), following: true) != nil { return verifyArchive(name) }
            return VerifyResult(name: name, isArchive: false, fileCount: 0, problem: "no backup, safety point or archive has that name")
        }
    }

    /// The scheduled job's weekly check: verifies backup `name` when no backup was verified
    /// in the last `days` days (`naner.lastVerified` in the repository's config, seconds
    /// since the epoch, written after each success); nil when it is not due yet. A failure
    /// is not recorded, so every run says it again until it is dealt with.
    public func verifyIfDue(_ name: String, days: Int = 7, now: Date = Date()) throws -> VerifyResult? {
        try lockRepository()
        let last = (try? repository.config().int64(Workspace.lastVerifiedKey)).flatMap { $0 }
        // An hour's slack: a daily job that starts a little earlier than a week ago is due all the same.
        if let last, now.timeIntervalSince1970 - Double(last) < Double(days) * 86_400 - 3600 { return nil }
        sweepScratchFolders()
        let result = try verifyBackup(name)
        if result.verified { try? repository.config().set(Workspace.lastVerifiedKey, String(Int64(now.timeIntervalSince1970))) }
        return result
    }

    static let lastVerifiedKey = "naner.lastVerified"

    /// `naner doctor`: the newest backup must verify. Skipped while another naner holds the
    /// lock (a scheduled backup running): the next doctor checks it.
    func newestBackupFindings(now: Date = Date()) -> [DoctorFinding] {
        guard let newest = try? backups().first(where: { $0.kind == .backup }),
              (try? lockRepository(timeout: 0, removingStaleGitLocks: false)) != nil else { return [] }
        sweepScratchFolders()
        let problem: String
        do {
            let result = try verifyBackup(newest.name)
            guard let found = result.problem else {
                try? repository.config().set(Workspace.lastVerifiedKey, String(Int64(now.timeIntervalSince1970)))
                return []
            }
            problem = found
        } catch let failure as NanerFailure {
            problem = failure.message
        } catch {
            problem = "\(error)"
        }
        return [DoctorFinding(check: .backup, message: "the newest backup, '\(newest.name)', does not verify: \(problem)",
                              hint: BackupError.verificationFailed(count: 1).hints[0])]
    }

    /// Verifies the backup or safety point `name` of the repository.
    func verifyBackup(_ name: String) throws -> VerifyResult {
        func failed(_ problem: String, files: Int = 0) -> VerifyResult {
            VerifyResult(name: name, isArchive: false, fileCount: files, problem: problem)
        }
        guard let reference = try backupReference(name) else { throw NanerError.unknownBackup(name) }
        let target = try repository.referenceTarget(reference)
        let isTag = reference.hasPrefix(BackupName.tagPrefix)
        let commit: ObjectID
        do {
            commit = try repository.resolveCommit(reference)
        } catch let error as GitError {
            return failed("its \(isTag ? "tag" : "commit") \(target.short) cannot be read: \(error.message)")
        }
        do {
            _ = try repository.checkObjects(commit: commit, tag: isTag && target != commit ? target : nil)
        } catch let problem as ObjectProblem {
            return failed(Workspace.describe(problem))
        } catch let error as GitError {
            return failed("its commit \(commit.short) cannot be read: \(error.message)")
        }
        let manifest = isTag ? try repository.references(matching: reference).first?.tagMessage.flatMap(Workspace.manifest(inTagMessage:))
            : nil
        let restoreTarget = try RestoreTarget.commit(commit, label: name, head: nil, repository: repository)
        let tree = try repository.commit(commit).treeID
        let files = try repository.treeFiles(tree)
        let recorded = try files[ModeTable.path].map { ModeTable(text: String(decoding: try repository.blobContent($0.id), as: UTF8.self)) }
            ?? ModeTable()
        if let manifest, manifest.itemsBackedUp != files.count {
            return failed("its manifest lists \(manifest.itemsBackedUp) files, its tree holds \(files.count)", files: files.count)
        }
        // What the backup records must be what a restore gives: a mode `.naner/modes` records
        // that disagrees with the tree's exec bit, or that a restore would not give, is wrong.
        for path in files.keys.sorted() {
            guard let mode = recorded.modes[path], let entry = files[path], entry.mode != IndexEntry.symlinkMode else { continue }
            let executable = entry.mode == IndexEntry.executableMode
            if (mode & 0o100 != 0) != executable {
                return failed("'\(path)' is recorded as \(ModeChange.octal(mode)) in .naner/modes but as "
                    + (executable ? "executable (100755)" : "not executable (100644)") + " in the tree", files: files.count)
            }
        }
        let problem = try restoreAndCompare(restoreTarget) { scratch, path in
            guard let entry = files[path] else { return nil }
            if entry.mode == IndexEntry.symlinkMode {
                let stored = try repository.blobContent(entry.id)
                return .symlink(restoreTarget.links.local(path, stored: stored, home: scratch))
            }
            let mode = recorded.modes[path] ?? (entry.mode == IndexEntry.executableMode ? 0o755 : 0o644)
            return .file(entry.id, mode: mode)
        } folders: {
            recorded.modes.filter { $0.key.hasSuffix("/") }
        } count: { files.count }
        return problem.map { failed($0, files: files.count) } ?? VerifyResult(name: name, isArchive: false, fileCount: files.count, problem: nil)
    }

    /// Verifies an archive written by `naner backup --output`.
    func verifyArchive(_ path: String) -> VerifyResult {
        func failed(_ problem: String, files: Int = 0) -> VerifyResult {
            VerifyResult(name: path, isArchive: true, fileCount: files, problem: problem)
        }
        do {
            let (manifest, entries) = try BackupArchive.read(Paths.absolute(path), interaction: interaction)
            let byPath = Dictionary(entries.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
            // The archive holds what the backup held, less links left out, plus SSH keys when asked.
            let leftOut = manifest.skipped.filter { $0.reason.hasPrefix("left out of the archive") }.count
            let keys = manifest.includedSSHKeys ? entries.filter { Workspace.isPrivateKeyPath($0.path) }.count : 0
            let expected = manifest.itemsBackedUp - leftOut + keys
            if entries.count != expected {
                return failed("its manifest lists \(expected) files, the archive holds \(entries.count)", files: entries.count)
            }
            let target = try RestoreTarget.archive(entries, label: path)
            let problem = try restoreAndCompare(target) { _, path in
                guard let entry = byPath[path] else { return nil }
                switch entry.content {
                case .file(let bytes, let mode): return .file(try ObjectID.hash(bytes, kind: .blob), mode: ModeTable.clamp(mode))
                case .symlink(let link): return .symlink(Array(link.utf8))
                }
            } folders: { [:] } count: { entries.count }
            return problem.map { failed($0, files: entries.count) } ?? VerifyResult(name: path, isArchive: true, fileCount: entries.count, problem: nil)
        } catch let failure as NanerFailure {
            return failed(failure.message)
        } catch {
            return failed("\(error)")
        }
    }

    /// What a restored path must be.
    enum ExpectedFile {
        case file(ObjectID, mode: UInt32)
        case symlink([UInt8])
    }

    /// Restores `target` into a new scratch folder inside the repository (private, on the same
    /// disk) through the checkout every restore uses, then compares what it wrote: each path
    /// against `expected` (given the scratch folder and the path), recorded folders' modes,
    /// and the number of files against `count`. Returns what differs first; nil when all match.
    private func restoreAndCompare(_ target: RestoreTarget, expected: (String, String) throws -> ExpectedFile?,
                                   folders: () -> [String: UInt32], count: () -> Int) throws -> String? {
        let scratch: String
        do { scratch = try FileSystem.makeTemporaryFolder(prefix: Workspace.scratchPrefix, in: locations.repository) } catch {
            throw NanerError.cannotWrite(locations.repository, reason: error.reason)
        }
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let place = Workspace(locations: Locations(home: scratch, repository: locations.repository), repository: try repository,
                              interaction: Unattended())
        let plan = try place.checkout.plan(target, scan: ScanResult())
        if let refusal = plan.refusals.first { return "it cannot be restored: \(refusal.error.message)" }
        do {
            try place.checkout.write(plan, from: target)
        } catch let failure as NanerFailure {
            return "it cannot be restored: \(failure.message)"
        }
        var restored = 0
        for path in (try? FileManager.default.subpathsOfDirectory(atPath: scratch)) ?? [] {
            let absolute = scratch + "/" + path
            guard let status = PathStatus(path: absolute) else { continue }
            if status.kind == .directory { continue }
            restored += 1
            guard let wanted = try expected(scratch, path) else { return "a restore writes '\(path)', which the backup does not hold" }
            switch wanted {
            case .symlink(let link):
                guard status.kind == .symlink else { return "'\(path)' restores as a file, not as a link" }
                let written = try FileReader.readLink(absolute)
                if written != link {
                    return "'\(path)' restores as a link to '\(String(decoding: written, as: UTF8.self))', "
                        + "not to '\(String(decoding: link, as: UTF8.self))'"
                }
            case .file(let id, let mode):
                guard status.kind == .file else { return "'\(path)' restores as a link, not as a file" }
                let written = try ObjectID.hash(try FileReader.read(absolute), kind: .blob)
                if written != id { return "'\(path)' restores with other bytes than the backup holds (\(written.short), not \(id.short))" }
                if status.permissions != mode {
                    return "'\(path)' restores as \(ModeChange.octal(status.permissions)), the backup records \(ModeChange.octal(mode))"
                }
            }
        }
        for (folder, mode) in folders().sorted(by: { $0.key < $1.key }) {
            guard let status = PathStatus(path: scratch + "/" + String(folder.dropLast())), status.kind == .directory else { continue }
            if status.permissions != mode {
                return "'\(folder)' restores as \(ModeChange.octal(status.permissions)), the backup records \(ModeChange.octal(mode))"
            }
        }
        let wanted = count()
        if restored != wanted { return "a restore writes \(restored) files, the backup holds \(wanted)" }
        return nil
    }

    /// Scratch folders of a verification that was killed: only space.
    private func sweepScratchFolders() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: locations.repository)) ?? []
        for name in names where name.hasPrefix(Workspace.scratchPrefix) {
            try? FileManager.default.removeItem(atPath: locations.repository + "/" + name)
        }
    }

    static let scratchPrefix = "naner-verify-"

    /// `.ssh/id_*` but not `.pub`: the private keys `--include-ssh-keys` adds to an archive.
    static func isPrivateKeyPath(_ path: String) -> Bool {
        path.hasPrefix(".ssh/id_") && !path.dropFirst(5).contains("/") && !path.hasSuffix(".pub")
    }

    static func describe(_ problem: ObjectProblem) -> String {
        let what: String
        switch problem.path {
        case "": what = "its tree \(problem.id.short)"
        case "(the tag)": what = "its tag object \(problem.id.short)"
        case "(the commit)": what = "its commit \(problem.id.short)"
        default: what = "the object of '\(problem.path)' (\(problem.id.short))"
        }
        switch problem.kind {
        case .missing: return "\(what) is missing"
        case .damaged(let reason): return "\(what) is damaged: \(reason)"
        case .wrongKind(let kind): return "\(what) is a \(kind), not what its tree says"
        }
    }
}
