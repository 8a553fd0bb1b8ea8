import FoundationEssentials
import Glibc
import GitKit

/// Where and how a schedule is installed.
public struct Scheduler: Sendable {
    public enum Kind: String, Sendable { case systemd, cron }

    public let kind: Kind
    let unitFolder: String
    let naner: String
    let home: String
    let repository: String

    static let unitName = "naner-backup"
    static let cronMarker = "# naner schedule"

    /// systemd when the user's systemd is there (or `NANER_SCHEDULER=systemd`), else cron.
    public static func forThisMachine(locations: Locations, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> Scheduler {
        let userHome = environment["HOME"] ?? UserAccount.home
        let config = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? userHome + "/.config"
        let runtime = environment["XDG_RUNTIME_DIR"] ?? "/run/user/\(getuid())"
        let kind: Kind
        if let forced = environment["NANER_SCHEDULER"].flatMap(Kind.init(rawValue:)) {
            kind = forced
        } else {
            kind = FileManager.default.fileExists(atPath: runtime + "/systemd") ? .systemd : .cron
        }
        let naner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        return Scheduler(kind: kind, unitFolder: config + "/systemd/user", naner: naner, home: locations.home,
                         repository: locations.repository)
    }

    var servicePath: String { unitFolder + "/\(Scheduler.unitName).service" }
    var timerPath: String { unitFolder + "/\(Scheduler.unitName).timer" }
    var wantsLink: String { unitFolder + "/timers.target.wants/\(Scheduler.unitName).timer" }

    /// The command the schedule runs: this naner, this tree, this repository, then what the
    /// schedule asks of each backup (prune, verify).
    func command(_ schedule: Schedule? = nil) -> [String] {
        [naner, "backup", "--quiet", "--home", home, "--repo", repository] + (schedule?.backupArguments ?? [])
    }

    var timerName: String { Scheduler.unitName + ".timer" }

    func serviceText(_ schedule: Schedule? = nil) -> String {
        """
        # Written by 'naner schedule'; 'naner schedule off' removes it.
        [Unit]
        Description=naner backup of \(Scheduler.systemdDescription(home))

        [Service]
        Type=oneshot
        ExecStart=\(execStart(schedule))

        """
    }

    func timerText(_ schedule: Schedule) -> String {
        """
        # Written by 'naner schedule'; 'naner schedule off' removes it.
        [Unit]
        Description=\(schedule.frequency.rawValue) naner backup at \(schedule.clock)

        [Timer]
        OnCalendar=\(schedule.onCalendar)
        Persistent=true

        [Install]
        WantedBy=timers.target

        """
    }

    func cronLine(_ schedule: Schedule) -> String {
        // cron reads an unescaped '%' as a newline, even inside quotes.
        let words = command(schedule).map(Scheduler.shellQuoted).joined(separator: " ").replacing("%", with: "\\%")
        return "\(schedule.cronTime) \(words) \(Scheduler.cronMarker)"
    }

    /// The service's command line. systemd refuses a program whose path holds a quote, a
    /// backslash or a control character however it is quoted ("Executable name contains
    /// special characters"), so such a naner is started by `/bin/sh`, its path an argument.
    func execStart(_ schedule: Schedule? = nil) -> String {
        let arguments = command(schedule).dropFirst().map { Scheduler.systemdQuoted($0) }
        guard Scheduler.systemdAcceptsProgram(naner) else {
            let run = ["/bin/sh", "-c", Scheduler.systemdQuoted(#"exec "$0" "$@""#), Scheduler.systemdQuoted(naner)]
            return (run + arguments).joined(separator: " ")
        }
        return ([Scheduler.systemdQuoted(naner, program: true)] + arguments).joined(separator: " ")
    }

    /// systemd's `string_is_safe`, which a program's path must pass.
    static func systemdAcceptsProgram(_ path: String) -> Bool {
        !path.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || $0 == "\"" || $0 == "'" || $0 == "\\" }
    }

    /// One word of an `ExecStart=` line as systemd reads it back (systemd.syntax(7),
    /// systemd.service(5)): specifiers are expanded first (`%` → `%%`), then the line is
    /// split into words, unquoting `"…"` with C escapes, then `$` in an argument names a
    /// variable at start (`$` → `$$`; the program's own path is taken as it is). A word of
    /// safe characters stays bare; any other goes in double quotes, where `\`, `"` and
    /// control characters are escaped and `'`, spaces and `;` are plain characters.
    static func systemdQuoted(_ word: String, program: Bool = false) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+,:=@".utf8)
        guard word.isEmpty || !word.utf8.allSatisfy(safe.contains) else { return word }
        var result = "\""
        for scalar in word.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "%": result += "%%"
            case "$": result += program ? "$" : "$$"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    result += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    /// The home in a `Description=`: one line, specifiers escaped, quoted so a trailing
    /// backslash cannot continue the line.
    static func systemdDescription(_ path: String) -> String {
        "'" + path.onOneLine.replacing("%", with: "%%") + "'"
    }

    static func shellQuoted(_ word: String) -> String {
        word.allSatisfy({ $0.isLetter || $0.isNumber || "/._-,".contains($0) || ($0 == "=" && !word.hasPrefix("=")) }) ? word : "'" + word.replacing("'", with: "'\\''") + "'"
    }

    /// Installs (or replaces) the schedule. With systemd: writes the units, then, where the
    /// user's systemd answers, has it reload them, enable and start the timer
    /// (`enable --now`) and checks that it is active; where none answers (a container, a
    /// login without a user session), links the timer as `enable` would and says it is
    /// not started.
    public func install(_ schedule: Schedule) throws -> ScheduleOutcome {
        switch kind {
        case .systemd:
            try FileManager.default.createDirectory(atPath: unitFolder, withIntermediateDirectories: true)
            try AtomicFile.write(Array(serviceText(schedule).utf8), to: servicePath, mode: 0o644)
            try AtomicFile.write(Array(timerText(schedule).utf8), to: timerPath, mode: 0o644)
            let written = [servicePath, timerPath]
            let reload = Scheduler.systemctl(["daemon-reload"])
            guard reload.status == 0 else {
                try linkTimer()
                let why = reload.output.isEmpty ? "" : " (systemctl --user: \(reload.output.onOneLine))"
                return ScheduleOutcome(written: written, started: false,
                                       notice: "no user systemd answers here\(why): \(timerName) is enabled but not started; "
                                           + "your systemd user session starts it at the next login")
            }
            let enable = Scheduler.systemctl(["enable", "--now", timerName])
            guard enable.status == 0 else { throw NanerError.scheduleNotStarted(timerName, reason: enable.output) }
            let active = Scheduler.systemctl(["is-active", timerName])
            guard active.status == 0, active.output == "active" else {
                throw NanerError.scheduleNotStarted(timerName, reason: "systemd says it is '\(active.output)'")
            }
            return ScheduleOutcome(written: written, started: true, notice: nil)
        case .cron:
            let lines = try Scheduler.crontab().filter { !$0.hasSuffix(Scheduler.cronMarker) } + [cronLine(schedule)]
            try Scheduler.setCrontab(lines)
            return ScheduleOutcome(written: ["crontab: \(cronLine(schedule))"], started: true, notice: nil)
        }
    }

    /// The link `systemctl --user enable` makes, made by hand.
    private func linkTimer() throws {
        try FileManager.default.createDirectory(atPath: unitFolder + "/timers.target.wants", withIntermediateDirectories: true)
        FileSystem.removeIfPresent(wantsLink)
        do { try FileSystem.makeSymlink(timerPath, at: wantsLink) } catch {
            throw NanerError.cannotWrite(wantsLink, reason: error.reason)
        }
    }

    /// Removes the schedule; returns what it removed.
    public func remove() throws -> [String] {
        var removed: [String] = []
        let timerThere = FileManager.default.fileExists(atPath: timerPath)
        // A running timer is stopped by the systemd that runs it; best effort, as the files go anyway.
        if timerThere { _ = Scheduler.systemctl(["disable", "--now", timerName]) }
        for path in [wantsLink, timerPath, servicePath] where FileSystem.removeIfPresent(path) { removed.append(path) }
        if timerThere || !removed.isEmpty { _ = Scheduler.systemctl(["daemon-reload"]) }
        if kind == .cron || FileManager.default.fileExists(atPath: "/usr/bin/crontab") {
            let lines = (try? Scheduler.crontab()) ?? []
            if lines.contains(where: { $0.hasSuffix(Scheduler.cronMarker) }) {
                try Scheduler.setCrontab(lines.filter { !$0.hasSuffix(Scheduler.cronMarker) })
                removed.append("the crontab line")
            }
        }
        return removed
    }

    /// A schedule an earlier naner wrote runs a bare `naner backup`: it neither prunes nor verifies.
    public var isFromEarlierNaner: Bool {
        if let service = try? String(contentsOfFile: servicePath, encoding: .utf8) { return !service.contains("--verify-weekly") }
        if let line = (try? Scheduler.crontab())?.first(where: { $0.hasSuffix(Scheduler.cronMarker) }) { return !line.contains("--verify-weekly") }
        return false
    }

    /// The schedule in force, as one line; nil when there is none. For a timer, what the
    /// user's systemd says about it (active or not, and its next run), or that none answers.
    public func current() -> String? {
        if let timer = try? String(contentsOfFile: timerPath, encoding: .utf8),
           let line = timer.split(separator: "\n").first(where: { $0.hasPrefix("OnCalendar=") }) {
            let head = "systemd user timer \(timerName): \(line.dropFirst("OnCalendar=".count))"
            let show = Scheduler.systemctl(["show", "-p", "ActiveState", "-p", "NextElapseUSecRealtime", timerName])
            guard show.status == 0 else {
                let enabled = FileManager.default.fileExists(atPath: wantsLink)
                return head + (enabled ? " (enabled, not started: no user systemd answers here)" : " (not enabled)")
            }
            var properties: [String: String] = [:]
            for property in show.output.split(separator: "\n") {
                guard let equals = property.firstIndex(of: "=") else { continue }
                properties[String(property[..<equals])] = String(property[property.index(after: equals)...])
            }
            let state = properties["ActiveState"] ?? "unknown"
            guard state == "active" else { return head + ", not running (systemd says '\(state)')" }
            let next = properties["NextElapseUSecRealtime"].flatMap { $0.isEmpty || $0 == "n/a" ? nil : $0 }
            return head + ", active" + (next.map { ", next run \($0)" } ?? "")
        }
        if let line = (try? Scheduler.crontab())?.first(where: { $0.hasSuffix(Scheduler.cronMarker) }) {
            return "crontab: " + String(line.dropLast(Scheduler.cronMarker.count + 1))
        }
        return nil
    }

    /// `systemctl --user ARGUMENTS`, looked up in `PATH` as git looks up its helpers: the
    /// exit status (-1 when it cannot run) and what it wrote, trimmed.
    private static func systemctl(_ arguments: [String]) -> (status: Int32, output: String) {
        let (status, output) = run(["systemctl", "--user"] + arguments, input: nil)
        return (status, output.trimmingSpacesAndNewlines())
    }

    private static func crontab() throws -> [String] {
        guard FileManager.default.fileExists(atPath: "/usr/bin/crontab") else { throw NanerError.noScheduler }
        let (status, output) = run(["/usr/bin/crontab", "-l"], input: nil)
        // `crontab -l` fails when the user has none yet.
        return status == 0 ? output.split(separator: "\n").map(String.init) : []
    }

    private static func setCrontab(_ lines: [String]) throws {
        let (status, output) = run(["/usr/bin/crontab", "-"], input: lines.map { $0 + "\n" }.joined())
        guard status == 0 else { throw NanerError.cannotWrite("crontab", reason: output.trimmingSpacesAndNewlines()) }
    }

    /// The exit status (a signal's number when one ended it) and stdout and stderr together.
    private static func run(_ arguments: [String], input: String?) -> (Int32, String) {
        let result: (termination: ChildProcess.Termination, output: [UInt8])
        do { result = try ChildProcess.run(arguments, input: Array((input ?? "").utf8), mergingStandardError: true) } catch {
            return (-1, "\(error)")
        }
        let text = String(decoding: result.output, as: UTF8.self)
        switch result.termination {
        case .exited(let status): return (status, text)
        case .signalled(let signal): return (signal == 0 ? -1 : signal, text)
        }
    }
}
