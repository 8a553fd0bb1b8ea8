/// What `naner backups prune` and `naner backups verify` refuse or fail at.
public enum BackupError: NanerFailure, Equatable {
    /// A `--keep` policy that does not parse.
    case invalidKeepPolicy(String, reason: String)
    /// `naner backups prune` with no rule: it would keep nothing.
    case pruneNeedsRule
    /// One or more backups failed verification (each said on its own line already).
    case verificationFailed(count: Int)

    public var message: String { text.onOneLine }

    private var text: String {
        switch self {
        case .invalidKeepPolicy(let text, let reason): return "'\(text)' is not a keep policy: \(reason)"
        case .pruneNeedsRule: return "say what to keep: --keep-last, --keep-daily, --keep-weekly, --keep-monthly or --keep-yearly"
        case .verificationFailed(let count): return "\(count) backup\(count == 1 ? "" : "s") failed verification"
        }
    }

    public var hints: [String] {
        switch self {
        case .invalidKeepPolicy: return ["write it as daily=7,weekly=4,monthly=12 (rules: last, daily, weekly, monthly, yearly)"]
        case .pruneNeedsRule:
            return ["the schedule keeps --keep-daily 7 --keep-weekly 4 --keep-monthly 12; add --dry-run to see what would go"]
        case .verificationFailed:
            return ["restore from a backup that verifies, or from another machine ('naner sync pull'); "
                    + "'git --git-dir=REPO fsck' says more about the repository"]
        }
    }

    public var exitCode: Int32 { NanerExit.failure }
}
