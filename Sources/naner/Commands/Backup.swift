import GitKit
import ArgumentParser
import FoundationEssentials
import NanerCore

extension Naner {
    struct Backup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "backup",
            abstract: "Commit pending changes and tag them as a backup.",
            discussion: """
                The tag message carries the manifest (date, host, tree, naner version, items backed up \
                and skipped). --output also writes a portable copy: a folder NAME/ with \
                BACKUP-MANIFEST.json, or NAME.zip with --compress.
                """
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: "The backup's name (default: naner-backup-YYYY-MM-DD-HHMMSS).")
        var name: String?

        @Option(name: .shortAndLong, help: "What the backup is for.")
        var message: String?

        @Option(help: ArgumentHelp("Also write a portable copy into this folder.", valueName: "dir"))
        var output: String?

        @Flag(help: "With --output: one .zip file instead of a folder.")
        var compress = false

        @Flag(help: "Add private SSH keys (~/.ssh/id_*): with --output to the archive; else to the repository, stored encrypted (naner secret add).")
        var includeSSHKeys = false

        @Flag(help: ArgumentHelp(
            "With --output: one NAME.zip.age sealed with a passphrase (NANER_PASSPHRASE, or asked on a terminal).",
            discussion: "An age v1 file with an scrypt recipient: 'age -d NAME.zip.age > NAME.zip' opens it without naner."))
        var encrypt = false

        @Flag(help: "With --include-ssh-keys: write the keys without encryption, knowingly.")
        var noEncrypt = false

        @Option(help: ArgumentHelp("Delete a backup or safety point instead.", valueName: "name"))
        var delete: String?

        @Option(help: ArgumentHelp("Then prune this machine's automatic backups, keeping RULE=N,… "
            + "(last, daily, weekly, monthly, yearly; as 'naner backups prune'). What 'naner schedule' runs.", valueName: "policy"))
        var keep: String?

        @Flag(help: "Then verify the new backup when none was verified in the last 7 days (what 'naner schedule' runs).")
        var verifyWeekly = false

        func validate() throws {
            if compress && output == nil { throw ValidationError("--compress needs --output DIR") }
            if encrypt && output == nil { throw ValidationError("--encrypt needs --output DIR") }
            if encrypt && noEncrypt { throw ValidationError("give --encrypt or --no-encrypt, not both") }
            if includeSSHKeys && output != nil && !encrypt && !noEncrypt {
                throw ValidationError("--include-ssh-keys writes private keys: add --encrypt, or --no-encrypt to write them in the clear")
            }
            if delete != nil && (name != nil || output != nil || message != nil || keep != nil || verifyWeekly) {
                throw ValidationError("--delete takes no other backup options")
            }
            _ = try policy()
        }

        func policy() throws -> RetentionPolicy? {
            guard let keep else { return nil }
            do { return try RetentionPolicy(parsing: keep) } catch let error as BackupError { throw ValidationError(error.message) }
        }

        /// `backup [--name NAME] [-m MESSAGE]` with the global options only, read without
        /// swift-argument-parser (its reflection was a fifth of a small home's backup), or nil.
        static func quickRun(_ arguments: ArraySlice<String>) -> (() throws -> Void)? {
            guard let quick = QuickArguments(arguments, flags: [], valued: ["--name", "-m", "--message"]),
                  quick.value("-m") == nil || quick.value("--message") == nil else { return nil }
            return {
                let console = quick.console()
                try record(workspace: Workspace.open(quick.locations, interaction: console), console: console,
                           name: quick.value("--name"), message: quick.value("-m") ?? quick.value("--message"), output: nil,
                           compress: false, includeSSHKeys: false, encrypt: false)
            }
        }

        /// Makes the backup and says what it holds.
        @discardableResult
        static func record(workspace: Workspace, console: Console, name: String?, message: String?, output: String?,
                           compress: Bool, includeSSHKeys: Bool, encrypt: Bool) throws -> BackupReport {
            let report = try workspace.backup(name: name, message: message, output: output.map { Paths.absolute($0) },
                                              compress: compress, includeSSHKeys: includeSSHKeys, encrypt: encrypt)
            let printer = CommitPrinter(console: console)
            printer.printWarnings(report.committed.scan)
            printer.detail(report.committed)
            if let commit = report.committed.commit {
                console.say("[main \(commit.short)] \(message ?? "backup \(report.name)")")
            }
            console.say("backup '\(report.name)' at \(report.commit.short): \(report.manifest.itemsBackedUp) files, \(report.manifest.itemsSkipped) skipped")
            if let archive = report.archive { console.say("wrote '\(archive)'") }
            return report
        }

        func run() throws {
            let workspace = try global.workspace()
            let console = Console.standard
            if let delete {
                try workspace.deleteBackup(delete)
                console.say("deleted backup '\(delete)'")
                return
            }
            if includeSSHKeys && output != nil && !encrypt {
                console.warning("SSH keys are sensitive: do not upload this archive to cloud storage without encryption")
                console.warning("keys in a backup can reach your servers if the backup is compromised")
                console.hint("keep it on an encrypted disk or offline; consider passphrase-protected keys")
            }
            let report = try Self.record(workspace: workspace, console: console, name: name, message: message, output: output,
                                         compress: compress || encrypt, includeSSHKeys: includeSSHKeys, encrypt: encrypt)
            if let policy = try policy() {
                Backups.Prune.printReport(try workspace.prune(workspace.planPrune(policy, includeNamed: false)), console: console)
            }
            if verifyWeekly, let result = try workspace.verifyIfDue(report.name) {
                guard result.verified else {
                    console.error("'\(result.name)' does not verify: \(result.problem ?? "")")
                    for hint in BackupError.verificationFailed(count: 1).hints { console.hint(hint) }
                    throw ExitCode(NanerExit.failure)
                }
                console.say("verified '\(result.name)': \(counted(result.fileCount, "file")), bytes and modes match")
            }
        }
    }
}
