/// What `naner schedule daily|weekly` did.
public struct ScheduleOutcome: Sendable {
    /// The unit files written, or the crontab line.
    public let written: [String]
    /// The timer runs now: the user's systemd enabled and started it, and says it is active.
    public let started: Bool
    /// Why it is not running yet (no user systemd answers here), to say as a warning.
    public let notice: String?
}
