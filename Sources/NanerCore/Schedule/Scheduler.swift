import Foundation
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
        let userHome = environment["HOME"] ?? NSHomeDirectory()
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

    /// The command the schedule runs: this naner, this tree, this repository.
    var command: [String] { [naner, "backup", "--quiet", "--home", home, "--repo", repository] }

    func serviceText() -> String {
        """
        # Written by 'naner schedule'; 'naner schedule off' removes it.
        [Unit]
        Description=naner backup of \(home)

        [Service]
        Type=oneshot
        ExecStart=\(command.map(Scheduler.systemdQuoted).joined(separator: " "))

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
        let words = command.map(Scheduler.shellQuoted).joined(separator: " ").replacingOccurrences(of: "%", with: "\\%")
        return "\(schedule.cronTime) \(words) \(Scheduler.cronMarker)"
    }

    static func systemdQuoted(_ word: String) -> String {
        word.contains(where: { $0 == " " || $0 == "\"" || $0 == "\\" || $0 == "%" || $0 == "$" })
            ? "\"" + word.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "%", with: "%%").replacingOccurrences(of: "$", with: "$$") + "\""
            : word
    }

    static func shellQuoted(_ word: String) -> String {
        word.allSatisfy({ $0.isLetter || $0.isNumber || "/._-".contains($0) }) ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Installs (or replaces) the schedule; returns what it wrote.
    public func install(_ schedule: Schedule) throws -> [String] {
        switch kind {
        case .systemd:
            try FileManager.default.createDirectory(atPath: unitFolder + "/timers.target.wants", withIntermediateDirectories: true)
            try AtomicFile.write(Array(serviceText().utf8), to: servicePath, mode: 0o644)
            try AtomicFile.write(Array(timerText(schedule).utf8), to: timerPath, mode: 0o644)
            FileSystem.removeIfPresent(wantsLink)
            do { try FileSystem.makeSymlink(timerPath, at: wantsLink) } catch {
                throw NanerError.cannotWrite(wantsLink, reason: error.reason)
            }
            Scheduler.reloadSystemd()
            return [servicePath, timerPath]
        case .cron:
            let lines = try Scheduler.crontab().filter { !$0.hasSuffix(Scheduler.cronMarker) } + [cronLine(schedule)]
            try Scheduler.setCrontab(lines)
            return ["crontab: \(cronLine(schedule))"]
        }
    }

    /// Removes the schedule; returns what it removed.
    public func remove() throws -> [String] {
        var removed: [String] = []
        for path in [wantsLink, timerPath, servicePath] where FileSystem.removeIfPresent(path) { removed.append(path) }
        if !removed.isEmpty { Scheduler.reloadSystemd() }
        if kind == .cron || FileManager.default.fileExists(atPath: "/usr/bin/crontab") {
            let lines = (try? Scheduler.crontab()) ?? []
            if lines.contains(where: { $0.hasSuffix(Scheduler.cronMarker) }) {
                try Scheduler.setCrontab(lines.filter { !$0.hasSuffix(Scheduler.cronMarker) })
                removed.append("the crontab line")
            }
        }
        return removed
    }

    /// The schedule in force, as one line; nil when there is none.
    public func current() -> String? {
        if let timer = try? String(contentsOfFile: timerPath, encoding: .utf8),
           let line = timer.split(separator: "\n").first(where: { $0.hasPrefix("OnCalendar=") }) {
            let enabled = FileManager.default.fileExists(atPath: wantsLink)
            return "systemd user timer \(Scheduler.unitName).timer: \(line.dropFirst("OnCalendar=".count))\(enabled ? "" : " (not enabled)")"
        }
        if let line = (try? Scheduler.crontab())?.first(where: { $0.hasSuffix(Scheduler.cronMarker) }) {
            return "crontab: " + String(line.dropLast(Scheduler.cronMarker.count + 1))
        }
        return nil
    }

    /// Best effort: a running user manager picks the new units up at once, else at next login.
    private static func reloadSystemd() {
        guard FileManager.default.fileExists(atPath: "/usr/bin/systemctl") else { return }
        _ = run(["/usr/bin/systemctl", "--user", "daemon-reload"], input: nil)
    }

    private static func crontab() throws -> [String] {
        guard FileManager.default.fileExists(atPath: "/usr/bin/crontab") else { throw NanerError.noScheduler }
        let (status, output) = run(["/usr/bin/crontab", "-l"], input: nil)
        // `crontab -l` fails when the user has none yet.
        return status == 0 ? output.split(separator: "\n").map(String.init) : []
    }

    private static func setCrontab(_ lines: [String]) throws {
        let (status, output) = run(["/usr/bin/crontab", "-"], input: lines.map { $0 + "\n" }.joined())
        guard status == 0 else { throw NanerError.cannotWrite("crontab", reason: output.trimmingCharacters(in: .whitespacesAndNewlines)) }
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
