import Foundation
import XCTest

/// `naner schedule daily|weekly|off [--at HH:MM]` and `naner schedule` alone.
final class ScheduleTests: XCTestCase {
    /// A `systemctl` standing in for the user's systemd, first in `PATH`: it logs each call
    /// to `systemctl.log`. `running` false answers as `systemctl --user` does in a container
    /// (no user manager, no bus); true, as a user manager that enables, starts and reports
    /// the timer (its state kept in a file).
    private func fakeSystemctl(_ sandbox: Sandbox, running: Bool, refuseEnable: Bool = false) throws -> [String: String] {
        let bin = sandbox.root + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        let script = running ? """
            #!/bin/sh
            echo "$*" >> "\(sandbox.root)/systemctl.log"
            state="\(sandbox.root)/timer-state"
            case "$*" in
              "--user daemon-reload") exit 0 ;;
              "--user enable --now naner-backup.timer")
                \(refuseEnable ? "echo 'Failed to enable unit: Unit file naner-backup.timer does not exist.' >&2; exit 1" : "echo active > \"$state\"; exit 0") ;;
              "--user is-active naner-backup.timer") if [ -e "$state" ]; then echo active; exit 0; fi; echo inactive; exit 3 ;;
              "--user show -p ActiveState -p NextElapseUSecRealtime naner-backup.timer")
                if [ -e "$state" ]; then echo ActiveState=active; echo 'NextElapseUSecRealtime=Mon 2026-11-30 04:30:00 UTC'
                else echo ActiveState=inactive; echo NextElapseUSecRealtime=; fi; exit 0 ;;
              "--user disable --now naner-backup.timer") rm -f "$state"; exit 0 ;;
            esac
            echo "unexpected: $*" >&2; exit 1
            """ : """
            #!/bin/sh
            echo "$*" >> "\(sandbox.root)/systemctl.log"
            echo 'Failed to connect to bus: No medium found' >&2
            exit 1
            """
        try Data((script + "\n").utf8).write(to: URL(fileURLWithPath: bin + "/systemctl"))
        chmod(bin + "/systemctl", 0o755)
        return ["PATH": bin + ":/usr/bin:/bin:/usr/sbin:/sbin"]
    }

    private func systemctlCalls(_ sandbox: Sandbox) -> [String] {
        let log = (try? String(contentsOfFile: sandbox.root + "/systemctl.log", encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: sandbox.root + "/systemctl.log")
        return log.split(separator: "\n").map(String.init)
    }

    private func verify(_ units: String, file: StaticString = #filePath, line: UInt = #line) {
        let verify = Sandbox.execute(["/usr/bin/systemd-analyze", "verify", "--man=no", units + "/naner-backup.timer", units + "/naner-backup.service"],
                                     environment: ["PATH": "/usr/bin:/bin"], directory: "/")
        XCTAssertExit(verify, 0, file: file, line: line)
    }

    func testWithoutAUserSystemdTheUnitsAreWrittenLinkedAndSaidNotStarted() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        // The user's own ~/.config, inside the managed tree.
        let config = sandbox.home + "/.config"
        let environment = try fakeSystemctl(sandbox, running: false).merging(["XDG_CONFIG_HOME": config, "NANER_SCHEDULER": "systemd"]) { $1 }
        let units = config + "/systemd/user"
        XCTAssertEqual(sandbox.naner(["schedule"], environment: environment).stdout, "no scheduled backups\n")

        let weekly = sandbox.naner(["schedule", "weekly", "--at", "04:30"], environment: environment)
        XCTAssertExit(weekly, 0)
        XCTAssertEqual(weekly.stderr, "warning: no user systemd answers here (systemctl --user: Failed to connect to bus: No medium found): "
                       + "naner-backup.timer is enabled but not started; your systemd user session starts it at the next login\n")
        XCTAssertEqual(systemctlCalls(sandbox).first, "--user daemon-reload")
        let timer = try String(contentsOfFile: units + "/naner-backup.timer", encoding: .utf8)
        let service = try String(contentsOfFile: units + "/naner-backup.service", encoding: .utf8)
        XCTAssertTrue(timer.contains("OnCalendar=Mon *-*-* 04:30:00\n") && timer.contains("Persistent=true"), timer)
        let arguments = " backup --quiet --home \(sandbox.home) --repo \(sandbox.repo) --keep daily=7,weekly=4,monthly=12 --verify-weekly\n"
        XCTAssertTrue(service.contains("ExecStart=\(Sandbox.nanerBinary)" + arguments) || service.contains(arguments), service)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: units + "/timers.target.wants/naner-backup.timer"),
                       units + "/naner-backup.timer", "enabled as systemctl --user enable would")
        verify(units)
        XCTAssertEqual(sandbox.naner(["schedule"], environment: environment).stdout,
                       "systemd user timer naner-backup.timer: Mon *-*-* 04:30:00 (enabled, not started: no user systemd answers here)\n")

        // daily replaces weekly; the default time is 03:00.
        XCTAssertExit(sandbox.naner(["schedule", "daily"], environment: environment), 0)
        XCTAssertTrue(try String(contentsOfFile: units + "/naner-backup.timer", encoding: .utf8).contains("OnCalendar=*-*-* 03:00:00\n"))
        // The units are this machine's: never committed or synced.
        XCTAssertExit(sandbox.naner("commit", "-m", "after scheduling"), 0)
        XCTAssertFalse(sandbox.git("ls-files").stdout.contains("naner-backup"))

        let off = sandbox.naner(["schedule", "off"], environment: environment)
        XCTAssertExit(off, 0)
        for file in ["naner-backup.timer", "naner-backup.service", "timers.target.wants/naner-backup.timer"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: units + "/" + file), file)
        }
        XCTAssertEqual(sandbox.naner(["schedule"], environment: environment).stdout, "no scheduled backups\n")
    }

    func testAUserSystemdEnablesStartsAndReportsTheTimer() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        let config = sandbox.root + "/xdg"
        let environment = try fakeSystemctl(sandbox, running: true).merging(["XDG_CONFIG_HOME": config, "NANER_SCHEDULER": "systemd"]) { $1 }
        let units = config + "/systemd/user"

        let weekly = sandbox.naner(["schedule", "weekly", "--at", "04:30"], environment: environment)
        XCTAssertExit(weekly, 0)
        XCTAssertEqual(weekly.stderr, "")
        // Reloaded, enabled and started (as `enable --now`), checked, then asked for its next run.
        XCTAssertEqual(systemctlCalls(sandbox), ["--user daemon-reload", "--user enable --now naner-backup.timer",
                                                 "--user is-active naner-backup.timer",
                                                 "--user show -p ActiveState -p NextElapseUSecRealtime naner-backup.timer"])
        XCTAssertTrue(weekly.stdout.hasSuffix("systemd user timer naner-backup.timer: Mon *-*-* 04:30:00, active, next run Mon 2026-11-30 04:30:00 UTC\n"),
                      weekly.stdout)
        verify(units)
        XCTAssertEqual(sandbox.naner(["schedule"], environment: environment).stdout,
                       "systemd user timer naner-backup.timer: Mon *-*-* 04:30:00, active, next run Mon 2026-11-30 04:30:00 UTC\n")
        _ = systemctlCalls(sandbox)

        XCTAssertExit(sandbox.naner(["schedule", "off"], environment: environment), 0)
        XCTAssertEqual(systemctlCalls(sandbox), ["--user disable --now naner-backup.timer", "--user daemon-reload"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: units + "/naner-backup.timer"))

        // systemd refusing to start it is one error line; the units stay written.
        _ = try fakeSystemctl(sandbox, running: true, refuseEnable: true)
        let refused = sandbox.naner(["schedule", "daily"], environment: environment)
        XCTAssertExit(refused, 1)
        XCTAssertOneErrorLine(refused, contains: "systemd did not start naner-backup.timer: Failed to enable unit: Unit file naner-backup.timer does not exist.")
        XCTAssertTrue(FileManager.default.fileExists(atPath: units + "/naner-backup.timer"))
    }

    /// A naner whose path holds spaces, `%` and `$`: systemd reads the unit back to that
    /// very file (`systemd-analyze verify` checks the program is executable there). One
    /// whose path holds a quote, which systemd never takes as a program's path, quoted or
    /// not, is started through `/bin/sh` with its path an argument, and verifies too.
    /// (ScheduleFormatTests reads every word back through systemd's own parser.)
    func testOddBinaryPathsAreQuotedSoSystemdAcceptsThem() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        let config = sandbox.root + "/xdg"
        let environment = try fakeSystemctl(sandbox, running: false).merging(["XDG_CONFIG_HOME": config, "NANER_SCHEDULER": "systemd"]) { $1 }
        let plain = " backup --quiet --home \(sandbox.home) --repo \(sandbox.repo) --keep daily=7,weekly=4,monthly=12 --verify-weekly\n"
        for (folder, execStart) in [
            ("my 100% $HOME bin", #"ExecStart="\#(sandbox.root)/my 100%% $HOME bin/naner""# + plain),
            ("it's 100% my \"naner\" $HOME", #"ExecStart=/bin/sh -c "exec \"$$0\" \"$$@\"" "\#(sandbox.root)/it's 100%% my \"naner\" $$HOME/naner""# + plain),
        ] {
            let binary = sandbox.root + "/" + folder + "/naner"
            try FileManager.default.createDirectory(atPath: sandbox.root + "/" + folder, withIntermediateDirectories: true)
            do { try FileManager.default.linkItem(atPath: Sandbox.nanerBinary, toPath: binary) } catch {
                try FileManager.default.copyItem(atPath: Sandbox.nanerBinary, toPath: binary)
            }
            let run = Sandbox.execute([binary, "schedule", "daily"], environment: sandbox.environment.merging(environment) { $1 },
                                      directory: sandbox.home)
            XCTAssertExit(run, 0)
            let service = try String(contentsOfFile: config + "/systemd/user/naner-backup.service", encoding: .utf8)
            XCTAssertTrue(service.contains("\n" + execStart), service)
            verify(config + "/systemd/user")
        }
    }

    func testBadTimesAndMissingSchedulerAreOneLine() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        let environment = ["XDG_CONFIG_HOME": sandbox.root + "/xdg", "NANER_SCHEDULER": "systemd"]
        for time in ["25:00", "3pm", "03:5", "12:60"] {
            let run = sandbox.naner(["schedule", "daily", "--at", time], environment: environment)
            XCTAssertExit(run, 1)
            XCTAssertOneErrorLine(run, contains: "'\(time)' is not a time of day")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.root + "/xdg/systemd"), "nothing written")
        XCTAssertExit(sandbox.naner(["schedule", "off", "--at", "03:00"], environment: environment), 64)
        if !FileManager.default.fileExists(atPath: "/usr/bin/crontab") {
            let noCron = sandbox.naner(["schedule", "daily"], environment: ["NANER_SCHEDULER": "cron"])
            XCTAssertExit(noCron, 1)
            XCTAssertOneErrorLine(noCron, contains: "neither a systemd user session nor crontab")
        }
    }
}
