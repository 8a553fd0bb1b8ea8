import FoundationEssentials

/// Backup names become tag names (`refs/tags/NAME`) and archive file names, so
/// they follow git's reference rules, without `/`.
public enum BackupName {
    public static let safetyPrefix = "refs/naner/safety/"
    public static let tagPrefix = "refs/tags/"
    /// What `automatic` names start with: the backups `naner backups prune` may remove.
    public static let automaticPrefix = "naner-backup"

    /// `naner-backup-2026-11-25-214000`, in local time.
    public static func automatic(_ date: Date = Date(), prefix: String = automaticPrefix) -> String {
        let t = CivilTime.local(Int64(date.timeIntervalSince1970.rounded(.down)))
        func two(_ number: Int) -> String { CivilTime.padded(number) }
        return prefix + "-\(CivilTime.padded(t.year, 4))-\(two(t.month))-\(two(t.day))-\(two(t.hour))\(two(t.minute))\(two(t.second))"
    }

    /// Throws a message that says which character or part is wrong.
    public static func validate(_ name: String) throws {
        func refuse(_ reason: String) -> NanerError { .invalidBackupName(name, reason: reason) }
        if name.isEmpty { throw refuse("it is empty") }
        for scalar in name.unicodeScalars {
            let text: String
            switch scalar {
            case " ": text = "' ' (a space)"
            case "\t": text = "a tab"
            case "/": text = "'/'"
            case "~", "^", ":", "?", "*", "[", "\\": text = "'\(scalar)'"
            default:
                guard scalar.value < 32 || scalar.value == 127 else { continue }
                text = "a control character"
            }
            throw refuse("it cannot contain \(text)")
        }
        if name.hasPrefix(".") { throw refuse("it cannot start with '.'") }
        if name.hasPrefix("-") { throw refuse("it cannot start with '-'") }
        if name.contains("..") { throw refuse("it cannot contain '..'") }
        if name.contains("@{") { throw refuse("it cannot contain '@{'") }
        if name == "@" { throw refuse("it cannot be '@'") }
        if name.hasSuffix(".") { throw refuse("it cannot end with '.'") }
        if name.hasSuffix(".lock") { throw refuse("it cannot end with '.lock'") }
        guard Workspace.isValidTagName(name) else { throw refuse("git does not accept it as a tag name") }
    }
}
