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
                else a crontab line. It runs 'naner backup --quiet' for this home and repository. Alone: \
                the schedule, with what systemd says of the timer and its next run.
                """
        )

        enum When: String, ExpressibleByArgument, CaseIterable { case daily, weekly, off }

        @OptionGroup var global: GlobalOptions

        @Argument(help: "daily, weekly or off.")
        var when: When?

        @Option(help: ArgumentHelp("Time of day, HH:MM (default 03:00).", valueName: "time"))
        var at: String?

        func validate() throws {
            if at != nil && (when == nil || when == .off) { throw ValidationError("--at goes with daily or weekly") }
        }

        func run() throws {
            let console = global.console()
            let workspace = try Workspace.open(global.locations, interaction: console)
            let scheduler = Scheduler.forThisMachine(locations: workspace.locations)
            switch when {
            case nil:
                console.output(scheduler.current() ?? "no scheduled backups")
            case .off?:
                let removed = try scheduler.remove()
                console.detail("\(counted(removed.count, "scheduler file")) removed")
                console.say(removed.isEmpty ? "no scheduled backups to remove" : "removed " + removed.joined(separator: ", "))
            case let frequency?:
                let schedule = try Schedule(frequency: frequency == .daily ? .daily : .weekly, at: at)
                let outcome = try scheduler.install(schedule)
                console.detail("\(counted(outcome.written.count, "scheduler file")) written")
                for file in outcome.written { console.say("wrote \(file)") }
                if let notice = outcome.notice { console.warning(notice) }
                console.say(scheduler.current() ?? "")
            }
        }
    }
}
