import FoundationEssentials

/// `naner schedule daily|weekly|off [--at HH:MM]`: the guide's scheduled backups.
/// A systemd user timer where the user's systemd manages units (plain files under
/// ~/.config/systemd/user, enabled and started by that systemd when it answers, else
/// linked as `systemctl --user enable` would link them); else a line in the user's crontab.
public struct Schedule: Sendable, Equatable {
    public enum Frequency: String, Sendable, CaseIterable { case daily, weekly }

    public let frequency: Frequency
    public let hour: Int
    public let minute: Int
    /// What the backup after each run keeps (`naner backups prune`'s rules); nil keeps everything.
    public let keep: RetentionPolicy?

    public init(frequency: Frequency, at time: String?, keep: RetentionPolicy? = .scheduleDefault) throws {
        self.frequency = frequency
        self.keep = keep
        let text = time ?? "03:00"
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), (0..<24).contains(hour), (0..<60).contains(minute),
              parts[1].count == 2 else {
            throw NanerError.invalidScheduleTime(text)
        }
        self.hour = hour
        self.minute = minute
    }

    /// What the scheduled `naner backup` does besides backing up: prune with `keep`, and
    /// verify the new backup when none was verified in the last seven days.
    var backupArguments: [String] {
        (keep.map { ["--keep", $0.description] } ?? []) + ["--verify-weekly"]
    }

    var clock: String { CivilTime.padded(hour) + ":" + CivilTime.padded(minute) }

    /// systemd's OnCalendar: `*-*-* 03:00:00` or `Mon *-*-* 03:00:00`.
    var onCalendar: String { (frequency == .weekly ? "Mon " : "") + "*-*-* \(clock):00" }

    /// cron's five fields.
    var cronTime: String { "\(minute) \(hour) * * \(frequency == .weekly ? "1" : "*")" }
}
