import ArgumentParser
import NanerCore

extension Naner {
    struct ScheduleCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "schedule",
            abstract: "Back up on a schedule: daily, weekly or off; alone, show the schedule.",
            discussion: """
                A systemd user timer (~/.config/systemd/user/naner-backup.timer, Persistent, so a missed \
                run happens at the next start), enabled and started where systemd runs the user's session; \
                else a crontab line. It runs 'naner backup --quiet' for this home and repository, which then \
                prunes with --keep (default daily=7,weekly=4,monthly=12; 'all' prunes nothing) and, once a \
                week, verifies the new backup; a failure ends the job with an error, as any failure does. \
                Alone: the schedule, with what systemd says of the timer and its next run.
                """
        )

        enum When: String, ExpressibleByArgument, CaseIterable { case daily, weekly, off }

        @OptionGroup var global: GlobalOptions

        @Argument(help: "daily, weekly or off.")
        var when: When?

        @Option(help: ArgumentHelp("Time of day, HH:MM (default 03:00).", valueName: "time"))
        var at: String?

        @Option(help: ArgumentHelp("What each scheduled backup keeps afterwards: RULE=N,… with rules last, daily, weekly, "
            + "monthly, yearly (as 'naner backups prune'), or 'all' to prune nothing.", valueName: "policy"))
        var keep: String?

        func validate() throws {
            if at != nil && (when == nil || when == .off) { throw ValidationError("--at goes with daily or weekly") }
            if keep != nil && (when == nil || when == .off) { throw ValidationError("--keep goes with daily or weekly") }
            _ = try policy()
        }

        /// `--keep`, parsed: nil for `all`, the schedule's default when not given.
        func policy() throws -> RetentionPolicy? {
            guard let keep else { return .scheduleDefault }
            if keep == "all" { return nil }
            do { return try RetentionPolicy(parsing: keep) } catch let error as BackupError { throw ValidationError(error.message) }
        }

        func run() throws {
            let console = global.console()
            let workspace = try Workspace.open(global.locations, interaction: console)
            let scheduler = Scheduler.forThisMachine(locations: workspace.locations)
            switch when {
            case nil:
                console.output(scheduler.current() ?? "no scheduled backups")
                if scheduler.isFromEarlierNaner {
                    console.hint("an earlier naner wrote this schedule: its backups are never pruned or verified; "
                        + "'naner schedule daily' (or weekly) writes it again, keeping daily=7,weekly=4,monthly=12")
                }
            case .off?:
                let removed = try scheduler.remove()
                console.detail("\(counted(removed.count, "scheduler file")) removed")
                console.say(removed.isEmpty ? "no scheduled backups to remove" : "removed " + removed.joined(separator: ", "))
            case let frequency?:
                let schedule = try Schedule(frequency: frequency == .daily ? .daily : .weekly, at: at, keep: policy())
                let outcome = try scheduler.install(schedule)
                console.detail("\(counted(outcome.written.count, "scheduler file")) written")
                for file in outcome.written { console.say("wrote \(file)") }
                if let notice = outcome.notice { console.warning(notice) }
                console.say(scheduler.current() ?? "")
            }
        }
    }
}
