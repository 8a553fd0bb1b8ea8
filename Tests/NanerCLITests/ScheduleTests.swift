import Foundation
import XCTest

/// `naner schedule daily|weekly|off [--at HH:MM]` and `naner schedule` alone.
final class ScheduleTests: XCTestCase {
    func testSystemdTimerIsWrittenVerifiedShownAndRemoved() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        // The user's own ~/.config, inside the managed tree.
        let config = sandbox.home + "/.config"
        let environment = ["XDG_CONFIG_HOME": config, "NANER_SCHEDULER": "systemd"]
        let units = config + "/systemd/user"
        XCTAssertEqual(sandbox.naner(["schedule"], environment: environment).stdout, "no scheduled backups\n")

        XCTAssertExit(sandbox.naner(["schedule", "weekly", "--at", "04:30"], environment: environment), 0)
        let timer = try String(contentsOfFile: units + "/naner-backup.timer", encoding: .utf8)
        let service = try String(contentsOfFile: units + "/naner-backup.service", encoding: .utf8)
        XCTAssertTrue(timer.contains("OnCalendar=Mon *-*-* 04:30:00\n") && timer.contains("Persistent=true"), timer)
        XCTAssertTrue(service.contains("ExecStart=\(Sandbox.nanerBinary) backup --quiet --home \(sandbox.home) --repo \(sandbox.repo)\n")
                      || service.contains(" backup --quiet --home \(sandbox.home) --repo \(sandbox.repo)\n"), service)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: units + "/timers.target.wants/naner-backup.timer"),
                       units + "/naner-backup.timer", "enabled as systemctl --user enable would")
        if FileManager.default.fileExists(atPath: "/usr/bin/systemd-analyze") {
            let verify = Sandbox.execute(["/usr/bin/systemd-analyze", "verify", "--man=no", units + "/naner-backup.timer", units + "/naner-backup.service"],
                                         environment: ["PATH": "/usr/bin:/bin"], directory: "/")
            XCTAssertExit(verify, 0)
        }
        XCTAssertEqual(sandbox.naner(["schedule"], environment: environment).stdout,
                       "systemd user timer naner-backup.timer: Mon *-*-* 04:30:00\n")

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
