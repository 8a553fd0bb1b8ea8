/// Everything naner refuses or fails at, as one lowercase line that quotes the
/// thing concerned, plus hints that say what to do. The CLI prints
/// `error: MESSAGE` and `hint: HINT` lines and exits with `exitCode`.
public enum NanerError: NanerFailure, Equatable {
    case homeMissing(String)
    case homeNotDirectory(String)
    case repositoryMissing(String)
    case repositoryCorrupt(String, reason: String)
    /// A repository libgit2 will not open because of its format (version, extensions), not damage.
    case repositoryFormatUnsupported(String, reason: String)
    case alreadyInitialized(repository: String, home: String)
    case repositoryForOtherHome(repository: String, home: String)
    case malformedPattern(file: String, line: Int, reason: String)
    case malformedIncludeEntry(file: String, line: Int, reason: String)
    case pathOutsideHome(String, home: String)
    /// A path below a folder that is a link leading out of the home.
    case pathThroughLink(String, link: String, target: String)
    /// A path below a folder that is a link inside the home: only the link is stored.
    /// `livesAt`: where the path really is, when that is inside the home.
    case pathBelowLink(String, link: String, target: String, stored: Bool, livesAt: String?)
    /// `naner forget` of a path below a link: nothing there was ever stored.
    case forgetBelowLink(String, link: String, target: String)
    case pathMissing(String)
    case pathNotManaged(String)
    case ownFile(String)
    case unrepresentablePath(String, reason: String)
    case emptyMessage
    /// A commit or backup message (`what`) holds a credential: it would be pushed with the history.
    case secretInMessage(what: String, SecretFinding)
    case locked(repository: String, pid: Int32?)
    case cannotRead(String, reason: String)
    case cannotWrite(String, reason: String)
    /// A commit (a plain one, or the one recording a restore) could not be written.
    case cannotCommit(what: String, reason: String)
    /// Git config asks for signed commits or tags (`setting`), and signing failed.
    case cannotSign(setting: String, reason: String)
    case nothingToBackUp
    case cannotTag(String, reason: String)
    case cannotDeleteBackup(String, reason: String)
    case invalidBackupName(String, reason: String)
    case backupExists(String)
    case unknownBackup(String)
    case unknownSecretRule(String)
    case unknownReference(String)
    case outputMissing(String)
    case conflicts([ConflictingFile])
    case archiveMissing(String)
    case notABackup(String, reason: String)
    case archiveDamaged(String, reason: String)
    case unsafeArchiveEntry(archive: String, entry: String, reason: String)
    case archiveExists(String)
    case cannotArchive(String, reason: String)
    case unsafeTreePath(String, through: String, target: String)
    case sourceMissing(String)
    case sourceEmpty(String)
    case sourceUnreadable(String, reason: String)
    case passphraseNeeded(String)
    case wrongPassphrase(String)
    case passphraseMismatch
    /// The passphrase does not open the wrapped age identity (`.naner/identity.age`).
    case wrongIdentityPassphrase(String)
    /// An age identity file, local or wrapped, that cannot be used.
    case identityUnreadable(String, reason: String)
    /// `naner secret add` of a link or a folder: only files are stored encrypted.
    case secretNotAFile(String)
    /// `naner secret add` of a file the rules keep out whatever the list says (a folder excluded).
    case secretExcluded(String, rule: String)
    case secretNotListed(String)
    /// `naner secret remove` of a secret not laid out yet: its file is not here to keep.
    case secretWaiting(String)
    /// A stored secret the identity cannot open: another identity's, or altered.
    case secretUnreadable(String, reason: String)
    /// `naner secret unlock` with no identity on this machine and none in the tree.
    case noSecretIdentity
    case invalidScheduleTime(String)
    case noScheduler
    /// The user's systemd answered but would not enable or start the timer.
    case scheduleNotStarted(String, reason: String)
    case authenticationFailed(String)
    case remoteUnreachable(String, reason: String)
    case remoteNotFound(String)

    /// Always one line: names quoted from a file or another machine may hold control characters.
    public var message: String { text.onOneLine }

    private var text: String {
        switch self {
        case .homeMissing(let path): return "home folder '\(path)' does not exist"
        case .homeNotDirectory(let path): return "home '\(path)' is not a folder"
        case .repositoryMissing(let path): return "no naner repository at '\(path)'"
        case .repositoryCorrupt(let path, let reason): return "repository '\(path)' is damaged: \(reason)"
        case .repositoryFormatUnsupported(let path, let reason):
            return "repository '\(path)' is in a format naner cannot read: \(reason)"
        case .alreadyInitialized(let repository, let home):
            return "naner is already set up: '\(repository)' manages '\(home)'"
        case .repositoryForOtherHome(let repository, let home):
            return "repository '\(repository)' already manages another folder, '\(home)'"
        case .malformedPattern(let file, let line, let reason): return "\(file):\(line): \(reason)"
        case .malformedIncludeEntry(let file, let line, let reason): return "\(file):\(line): \(reason)"
        case .pathOutsideHome(let path, let home): return "'\(path)' is outside the home folder '\(home)'"
        case .pathThroughLink(let path, let link, let target):
            return "'\(path)' is inside '\(link)', a link to '\(target)' outside the home"
        case .pathBelowLink(let path, let link, let target, let stored, _):
            return stored ? "'\(link)' is a link; it is stored as a link to '\(target)'"
                : "'\(path)' is below '\(link)', a link to '\(target)'; naner stores links, never what is below them"
        case .forgetBelowLink(let path, let link, let target):
            return "'\(path)' is below '\(link)', a link to '\(target)': naner never stores what is below a link, so there is nothing to forget"
        case .pathMissing(let path): return "'\(path)' does not exist"
        case .pathNotManaged(let path): return "'\(path)' is not managed by naner"
        case .ownFile(let path): return "'\(path)' is naner's own file and is always managed"
        case .unrepresentablePath(let path, let reason): return "cannot manage '\(path)': \(reason)"
        case .emptyMessage: return "empty commit message"
        case .secretInMessage(let what, let finding): return "the \(what) contains \(finding)"
        case .locked(let repository, let pid):
            let holder = pid.map { "another naner (pid \($0))" } ?? "another naner"
            return "\(holder) is using '\(repository)'"
        case .cannotRead(let path, let reason): return "cannot read '\(path)': \(reason)"
        case .cannotWrite(let path, let reason): return "cannot write '\(path)': \(reason)"
        case .cannotCommit(let what, let reason): return "cannot \(what): \(reason)"
        case .cannotSign(let setting, let reason):
            return "cannot sign the \(setting.hasPrefix("tag.") ? "tag" : "commit") (\(setting) is on): \(reason.onOneLine)"
        case .nothingToBackUp: return "nothing to back up: no commit yet"
        case .cannotTag(_, let reason): return "cannot tag the backup: \(reason)"
        case .cannotDeleteBackup(let name, let reason): return "cannot delete backup '\(name)': \(reason)"
        case .invalidBackupName(let name, let reason): return "backup name '\(name)' is not allowed: \(reason)"
        case .backupExists(let name): return "backup '\(name)' already exists"
        case .unknownBackup(let name): return "no backup named '\(name)'"
        case .unknownSecretRule(let rule): return "no secret rule named '\(rule)'"
        case .unknownReference(let name): return "'\(name)' is not a backup, tag, commit or archive"
        case .outputMissing(let path): return "output folder '\(path)' does not exist"
        case .sourceMissing(let source): return "configuration '\(source)' does not exist"
        case .sourceEmpty(let source): return "configuration '\(source)' has no branch to bring over"
        case .sourceUnreadable(let source, let reason): return "cannot read configuration '\(source)': \(reason)"
        case .passphraseNeeded(let archive): return "'\(archive)' needs a passphrase"
        case .wrongPassphrase(let archive): return "wrong passphrase for '\(archive)', or the archive was altered"
        case .passphraseMismatch: return "the two passphrases differ"
        case .wrongIdentityPassphrase(let path): return "wrong passphrase for the age identity in '\(path)', or the file was altered"
        case .identityUnreadable(let path, let reason): return "cannot use the age identity in '\(path)': \(reason)"
        case .secretNotAFile(let path): return "'\(path)' is not a file: only files are stored encrypted"
        case .secretExcluded(let path, let rule): return "'\(path)' cannot be managed: \(rule) excludes a folder it is in"
        case .secretUnreadable(let path, let reason): return "cannot decrypt the stored '\(path)': \(reason)"
        case .noSecretIdentity: return "this configuration has no age identity"
        case .secretWaiting(let path): return "'\(path)' is not laid out yet: it waits for the age identity"
        case .secretNotListed(let path): return "'\(path)' is not stored encrypted (\(SecretList.path) does not list it)"
        case .invalidScheduleTime(let time): return "'\(time)' is not a time of day"
        case .noScheduler: return "this machine has neither a systemd user session nor crontab"
        case .scheduleNotStarted(let unit, let reason): return "systemd did not start \(unit): \(reason.onOneLine)"
        case .authenticationFailed(let url): return "authentication failed for '\(url)'"
        case .remoteUnreachable(let url, let reason): return "cannot reach '\(url)': \(reason.onOneLine)"
        case .remoteNotFound(let url): return "no configuration repository at '\(url)'"
        case .unsafeTreePath(let path, let through, let target):
            return "will not write '\(path)': its folder '\(through)' is a link to '\(target)', outside the home"
        case .conflicts(let files):
            // Each file says what would happen to it: overwritten, or removed.
            let verb = files.allSatisfy(\.removed) ? "removed" : files.contains(where: \.removed) ? "lost" : "overwritten"
            return "\(files.count) \(files.count == 1 ? "file has" : "files have") uncommitted edits that would be \(verb): "
                + files.prefix(5).map { "'\($0.path)'" + (verb == "lost" ? ($0.removed ? " (removed)" : " (overwritten)") : "") }
                    .joined(separator: ", ") + (files.count > 5 ? ", …" : "")
        case .archiveMissing(let path): return "backup archive '\(path)' does not exist"
        case .notABackup(let path, let reason): return "'\(path)' is not a naner backup: \(reason.onOneLine)"
        case .archiveDamaged(let path, let reason): return "backup archive '\(path)' is damaged: \(reason.onOneLine)"
        case .unsafeArchiveEntry(let archive, let entry, let reason):
            return "backup archive '\(archive)' holds an unsafe entry '\(entry.onOneLine)': \(reason.onOneLine)"
        case .archiveExists(let path): return "'\(path)' already exists"
        case .cannotArchive(let path, let reason): return "cannot put '\(path.onOneLine)' into a backup archive: \(reason.onOneLine)"
        }
    }

    public var hints: [String] {
        switch self {
        case .homeMissing, .homeNotDirectory:
            return ["point naner at your home folder with --home DIR or NANER_HOME"]
        case .repositoryMissing: return ["run 'naner init' to start managing your configuration"]
        case .repositoryCorrupt:
            return ["check it with 'git --git-dir=REPO fsck'; restore the folder from a copy or run 'naner init --from' another machine"]
        case .repositoryFormatUnsupported:
            return ["another git made or changed it (a newer one, or one set to SHA-256); naner reads format 0, or 1 without extensions"]
        case .alreadyInitialized: return []
        case .repositoryForOtherHome: return ["pass that folder with --home, or choose another repository with --repo"]
        case .malformedPattern: return ["fix or remove that line; 'naner ignore check PATH' shows which line decides a path"]
        case .malformedIncludeEntry: return ["fix or remove that line, or use 'naner add' and 'naner forget'"]
        case .pathOutsideHome: return ["naner manages files inside the home folder only"]
        case .pathThroughLink(_, let link, _): return ["naner never follows a link out of the home; 'naner add \(link)' stores the link itself"]
        case .pathBelowLink(_, let link, _, let stored, let livesAt):
            return [stored ? "the link itself is managed already; naner never stores what is below a link"
                    : "'naner add \(link)' stores the link itself"]
                + (livesAt.map { ["to manage the file, add it where it lives: 'naner add \($0)'"] } ?? [])
        case .forgetBelowLink(_, let link, _): return ["'naner forget \(link)' stops managing the link itself"]
        case .pathMissing: return ["create it first, or check the spelling"]
        case .pathNotManaged: return ["'naner ignore check PATH' says why"]
        case .ownFile: return []
        case .secretNotAFile: return []
        case .secretExcluded: return ["'naner ignore check PATH' says which line decides; remove that line to manage the file"]
        case .secretUnreadable: return ["nothing was written; 'naner secret key' shows the identity this machine uses"]
        case .noSecretIdentity: return ["'naner secret key' makes one"]
        case .secretWaiting: return ["'naner secret unlock' lays it out; then 'naner secret remove' stops encrypting it"]
        case .secretNotListed: return ["'naner secret list' shows the files stored encrypted"]
        case .unrepresentablePath: return ["rename it"]
        case .emptyMessage: return ["say what changed: naner commit -m \"aliases for kubectl\""]
        case .secretInMessage: return ["nothing was written; say it without the secret (a message travels with every push)"]
        case .locked: return ["wait for it to finish and try again"]
        case .cannotRead(_, reason: FileReader.Failure.notARegularFile): return ["naner reads only a regular file there"]
        case .cannotRead, .cannotWrite: return ["check the file's permissions"]
        case .cannotCommit, .nothingToBackUp, .cannotTag, .cannotDeleteBackup: return []
        case .cannotSign(let setting, _):
            return [(setting.hasPrefix("tag.") ? "no tag was made" : "nothing was committed") + "; check user.signingKey, gpg.format and the signing program in your git config, "
                    + "or turn signing off: git config --global \(setting) false"]
        case .invalidBackupName: return ["use letters, digits, '-', '_' and '.', e.g. pre-v2.0-update"]
        case .backupExists(let name):
            return ["choose another name with --name, or delete the old one: naner backup --delete \(name)"]
        case .unknownSecretRule: return ["'naner secret rules' lists them; a refusal names the rule that matched"]
        case .unknownBackup, .unknownReference: return ["'naner backups' lists the backups; 'naner log' the commits"]
        case .outputMissing: return ["create it first, or choose another folder with --output"]
        case .passphraseNeeded: return ["set NANER_PASSPHRASE, or run naner on a terminal to be asked"]
        case .wrongPassphrase: return ["nothing was written; try again with the passphrase the backup was made with"]
        case .passphraseMismatch: return ["nothing was written; type the same passphrase twice"]
        case .wrongIdentityPassphrase:
            return ["nothing was written; it is the passphrase given when 'naner secret key' first made the identity"]
        case .identityUnreadable:
            return ["the repository's copy, .naner/identity.age, opens with your passphrase: 'naner secret key' unlocks it when the local file is gone"]
        case .invalidScheduleTime: return ["give it as HH:MM on a 24-hour clock, e.g. --at 03:30"]
        case .noScheduler: return ["install cron (apt install cron), or run naner backup from your own scheduler"]
        case .scheduleNotStarted(let unit, _):
            return ["the units are written; 'systemctl --user status \(unit)' and 'journalctl --user -u \(unit)' say more"]
        case .sourceMissing, .sourceEmpty, .sourceUnreadable:
            return ["give the repository another machine pushed to, e.g. a folder, a bare repository or a URL"]
        case .authenticationFailed:
            return ["check the password or token (in the URL or NANER_TOKEN) and the credential helper: git config credential.helper"]
        case .remoteUnreachable: return ["check the address and the network, then run the command again"]
        case .remoteNotFound: return ["check the address; the repository must exist on the server, with the first machine's configuration pushed to it"]
        case .unsafeTreePath: return ["replace the link with a real folder, or leave that path out with --exclude"]
        case .conflicts:
            return ["'naner commit -m MSG' first to keep your edits in history, or --force to save them as a safety point and restore anyway",
                    "--dry-run shows the whole plan"]
        case .archiveMissing: return ["check the path; 'naner backups' lists the backups kept in the repository"]
        case .notABackup:
            return ["a naner backup archive is a folder or a .zip written by 'naner backup --output', with BACKUP-MANIFEST.json at its top"]
        case .archiveDamaged: return ["restore from another copy of the archive, or from a backup in the repository ('naner backups')"]
        case .unsafeArchiveEntry:
            return ["naner restores nothing from an archive that could write outside the home folder; check where the archive came from"]
        case .archiveExists: return ["choose another name with --name or another folder with --output, or remove the old archive"]
        case .cannotArchive: return ["leave it out of the backup; naner only archives relative paths and symlinks that stay inside the home"]
        }
    }
}
