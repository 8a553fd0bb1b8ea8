import ArgumentParser
import FoundationEssentials
import NanerCore

extension Naner {
    /// `naner backups`: the list (the default), `prune` and `verify`.
    struct Backups: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "backups",
            abstract: "List, prune and verify backups and safety points.",
            subcommands: [List.self, Prune.self, Verify.self],
            defaultSubcommand: List.self
        )
    }
}

extension Naner.Backups {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List backups and safety points, newest first (what 'naner backups' alone does)."
        )

        @OptionGroup var global: GlobalOptions

        @Flag(help: "Print the list as JSON.")
        var json = false

        func run() throws {
            let workspace = try global.workspace()
            let console = Console.standard
            let backups = try workspace.backups()
            if json {
                console.output(BackupsDocument(backups).jsonText)
                return
            }
            guard !backups.isEmpty else {
                console.output("no backups yet")
                console.hint("'naner backup --name NAME' makes one")
                return
            }
            let width = backups.map(\.name.count).max() ?? 0
            var text = ""
            for backup in backups {
                let name = backup.name + String(repeating: " ", count: max(width, 4) - backup.name.count)
                let kind = backup.kind == .safety ? console.paint(" (safety point)", .yellow) : ""
                text += "\(console.paint(name, .green))  \(Naner.Log.date(time: backup.time, offsetMinutes: backup.offsetMinutes))  "
                    + "\(backup.fileCount) files  \(backup.message)\(kind)\n"
            }
            console.output(text)
        }
    }

    struct Prune: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "prune",
            abstract: "Remove old automatic backups, keeping what the rules say (restic's forget).",
            discussion: """
                Each rule keeps the newest backup of each of the last N days, ISO weeks, months or years \
                that have one (--keep-last: the N newest); a backup any rule keeps stays. Only this \
                machine's automatic backups (naner-backup-…) are pruned, named ones too with \
                --include-named; other machines' backups stay. Safety points go once older than \
                naner.safetyPointMaxAge days (default 90). Removed tags leave the remotes at the next \
                'naner sync', if a remote still has them where this machine last saw them.
                """
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: ArgumentHelp("Keep the N newest backups.", valueName: "n")) var keepLast: Int?
        @Option(help: ArgumentHelp("Keep the newest backup of each of the last N days that have one.", valueName: "n")) var keepDaily: Int?
        @Option(help: ArgumentHelp("The same for ISO weeks (Monday to Sunday).", valueName: "n")) var keepWeekly: Int?
        @Option(help: ArgumentHelp("The same for months.", valueName: "n")) var keepMonthly: Int?
        @Option(help: ArgumentHelp("The same for years.", valueName: "n")) var keepYearly: Int?

        @Flag(help: "Prune named backups (made with --name) too.")
        var includeNamed = false

        @Flag(name: [.customLong("dry-run"), .customLong("what-if")],
              help: "List what would be removed and why each other backup stays; change nothing.")
        var dryRun = false

        func validate() throws {
            for (name, value) in [("last", keepLast), ("daily", keepDaily), ("weekly", keepWeekly), ("monthly", keepMonthly),
                                  ("yearly", keepYearly)] {
                if let value, value < 0 { throw ValidationError("--keep-\(name) must be 0 or more, not \(value)") }
            }
        }

        var policy: RetentionPolicy {
            var counts: [RetentionPolicy.Rule: Int] = [:]
            counts[.last] = keepLast
            counts[.daily] = keepDaily
            counts[.weekly] = keepWeekly
            counts[.monthly] = keepMonthly
            counts[.yearly] = keepYearly
            return RetentionPolicy(counts)
        }

        func run() throws {
            let workspace = try global.workspace()
            let console = Console.standard
            let plan = try workspace.planPrune(policy, includeNamed: includeNamed)
            if dryRun {
                Self.printPlan(plan, console: console, dryRun: true)
                return
            }
            let report = try workspace.prune(plan)
            Self.printReport(report, console: console)
        }

        static func line(_ decision: PrunePlan.Decision, verb: String) -> String {
            let backup = decision.backup
            let kind = backup.kind == .safety ? "safety point" : "backup"
            return "\(verb) \(kind) '\(backup.name)' (\(Naner.Log.date(time: backup.time, offsetMinutes: backup.offsetMinutes))): "
                + decision.reason
        }

        /// Every decision, newest first: what goes and why each other one stays.
        static func printPlan(_ plan: PrunePlan, console: Console, dryRun: Bool) {
            var text = ""
            for decision in plan.decisions {
                text += line(decision, verb: decision.removes ? "would remove" : "keep") + "\n"
            }
            if !text.isEmpty { console.output(text) }
            console.say("would remove \(plan.removals.count) of \(plan.decisions.count), keep \(plan.kept.count) "
                + "(\(plan.policy.description.replacing(",", with: ", ")))")
        }

        static func printReport(_ report: PruneReport, console: Console) {
            for decision in report.plan.decisions where !decision.removes { console.detail(line(decision, verb: "kept")) }
            let removed = Set(report.removed)
            for decision in report.plan.removals where removed.contains(decision.backup.name) {
                console.say(line(decision, verb: "removed"))
            }
            console.say("removed \(report.removed.count), kept \(report.plan.decisions.count - report.removed.count) "
                + "(\(report.plan.policy.description.replacing(",", with: ", ")))")
            let tags = report.plan.removals.contains { $0.backup.kind == .backup && removed.contains($0.backup.name) }
            if tags && !report.remotes.isEmpty {
                console.say("the removed tags leave " + report.remotes.map { "'\($0)'" }.joined(separator: ", ") + " at the next sync")
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Prove backups restore: objects intact, a restore into a scratch folder equal to the backup.",
            discussion: """
                For each backup (default: the newest) every object its tag, commit and tree need is read \
                and checked against its id, then the backup is restored into a scratch folder in the \
                repository with the checkout every restore uses, and each file's bytes and mode and each \
                link's target are compared with the backup, and the number of files with its manifest. \
                An archive written by 'naner backup --output' (a folder, .zip or .zip.enc) is given as a \
                path and verified the same way. One line per backup; exit 1 when any fails.
                """
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: ArgumentHelp("Backups, safety points or archive paths (default: the newest backup).", valueName: "name"))
        var names: [String] = []

        func run() throws {
            let workspace = try global.workspace()
            let console = Console.standard
            let results = try workspace.verifyBackups(names)
            for result in results {
                if result.verified {
                    console.say("verified '\(result.name)': \(counted(result.fileCount, "file")), bytes and modes match")
                } else {
                    console.error("'\(result.name)' does not verify: \(result.problem ?? "")")
                }
            }
            let failed = results.filter { !$0.verified }.count
            if failed > 0 {
                if results.count > 1 { console.error(BackupError.verificationFailed(count: failed).message) }
                for hint in BackupError.verificationFailed(count: failed).hints { console.hint(hint) }
                throw ExitCode(NanerExit.failure)
            }
        }
    }
}
