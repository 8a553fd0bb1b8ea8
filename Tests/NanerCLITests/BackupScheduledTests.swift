import Foundation
import XCTest

/// What `naner schedule` runs after each backup: a prune with `--keep`, and once a week a
/// verification of the new backup whose failure ends the job with an error.
final class BackupScheduledTests: XCTestCase {
    /// `naner ARGUMENTS` at noon of `day` (YYYY-MM-DD), through faketime.
    private func naner(_ sandbox: Sandbox, on day: String, _ arguments: [String]) -> Sandbox.Run {
        Sandbox.execute(["/usr/bin/faketime", day + " 12:00:00", Sandbox.nanerBinary] + arguments,
                        environment: sandbox.environment.merging(["TZ": "UTC"]) { $1 }, directory: sandbox.home)
    }

    private func lastVerified(_ sandbox: Sandbox) -> String {
        sandbox.git("config", "naner.lastVerified").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func testEachScheduledBackupPrunesAndVerifiesWeekly() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(naner(sandbox, on: "2025-05-01", ["init"]), 0)
        let scheduled = ["backup", "--quiet", "--keep", "daily=3", "--verify-weekly"]
        var verifiedOn: [String] = []
        for day in 1...10 {
            let date = String(format: "2025-05-%02d", day)
            try sandbox.write(".bashrc", "export DAY=\(day)\n")
            let before = lastVerified(sandbox)
            let run = naner(sandbox, on: date, scheduled)
            XCTAssertExit(run, 0)
            XCTAssertEqual(run.stdout + run.stderr, "", "quiet, as the schedule runs it")
            if lastVerified(sandbox) != before { verifiedOn.append(date) }
        }
        XCTAssertEqual(verifiedOn, ["2025-05-01", "2025-05-08"], "once a week")
        // The fake clock starts at noon and runs: a name may end in 120001.
        XCTAssertEqual(sandbox.git("tag", "-l").lines.map { String($0.prefix("naner-backup-2025-05-08-1200".count)) },
                       ["naner-backup-2025-05-08-1200", "naner-backup-2025-05-09-1200", "naner-backup-2025-05-10-1200"])
        XCTAssertExit(sandbox.git("fsck", "--strict"), 0)

        // A backup that does not verify ends the job with one error line (the journal or cron's mail shows it).
        let blob = sandbox.git("rev-parse", "HEAD:.vimrc").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let folder = sandbox.repo + "/objects/pack"
        for index in try FileManager.default.contentsOfDirectory(atPath: folder) where index.hasSuffix(".idx") {
            guard let line = sandbox.git("verify-pack", "-v", folder + "/" + index).lines.first(where: { $0.hasPrefix(blob + " ") })
            else { continue }
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            let pack = folder + "/" + index.dropLast(4) + ".pack"
            chmod(pack, 0o644)
            var bytes = try XCTUnwrap(FileManager.default.contents(atPath: pack))
            bytes[Int(fields[4])! + Int(fields[3])! - 2] ^= 0x10
            try bytes.write(to: URL(fileURLWithPath: pack))
        }
        let recorded = lastVerified(sandbox)
        let notDue = naner(sandbox, on: "2025-05-11", scheduled)
        XCTAssertExit(notDue, 0)
        let due = naner(sandbox, on: "2025-05-15", scheduled)
        XCTAssertExit(due, 1)
        XCTAssertOneErrorLine(due, contains: "' does not verify: the object of '.vimrc' (\(blob.prefix(7))) is damaged")
        XCTAssertTrue(due.stderr.hasPrefix("error: 'naner-backup-2025-05-15-1200"), due.stderr)
        XCTAssertEqual(lastVerified(sandbox), recorded, "a failure is not recorded as a verification")
        let again = naner(sandbox, on: "2025-05-16", scheduled)
        XCTAssertExit(again, 1)  // said again every run until it is dealt with

        let doctor = sandbox.naner("doctor", "--json")
        XCTAssertExit(doctor, 1)
        let findings = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(doctor.stdout.utf8)) as? [String: Any])?["findings"]
            as? [[String: Any]])
        let backup = try XCTUnwrap(findings.first { $0["check"] as? String == "backup" }, doctor.stdout)
        let message = backup["message"] as? String ?? ""
        XCTAssertTrue(message.hasPrefix("the newest backup, 'naner-backup-2025-05-16-1200"), doctor.stdout)
        XCTAssertTrue(message.contains("', does not verify: the object of '.vimrc' (\(blob.prefix(7))) is damaged"), doctor.stdout)
    }

    func testBadPoliciesAreBadUsageAndAnEarlierScheduleIsPointedOut() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        for arguments in [["backup", "--keep", "daily"], ["schedule", "daily", "--keep", "hourly=3"], ["schedule", "--keep", "daily=1"]] {
            let run = sandbox.naner(arguments)
            XCTAssertExit(run, 64)
            XCTAssertEqual(run.stderr.split(separator: "\n").filter { $0.hasPrefix("error:") }.count, 1, run.stderr)
        }
        XCTAssertEqual(sandbox.git("tag", "-l").stdout, "", "nothing was backed up")

        // Units an earlier naner wrote: a bare 'naner backup'.
        let units = sandbox.root + "/xdg/systemd/user"
        try FileManager.default.createDirectory(atPath: units, withIntermediateDirectories: true)
        try "[Timer]\nOnCalendar=*-*-* 03:00:00\n".write(toFile: units + "/naner-backup.timer", atomically: true, encoding: .utf8)
        try "[Service]\nExecStart=/usr/local/bin/naner backup --quiet --home \(sandbox.home) --repo \(sandbox.repo)\n"
            .write(toFile: units + "/naner-backup.service", atomically: true, encoding: .utf8)
        let environment = ["XDG_CONFIG_HOME": sandbox.root + "/xdg", "NANER_SCHEDULER": "systemd"]
        let shown = sandbox.naner(["schedule"], environment: environment)
        XCTAssertExit(shown, 0)
        XCTAssertTrue(shown.stdout.hasPrefix("systemd user timer naner-backup.timer: *-*-* 03:00:00"), shown.stdout)
        XCTAssertTrue(shown.stderr.hasPrefix("hint: an earlier naner wrote this schedule: its backups are never pruned or verified"),
                      shown.stderr)
        try "[Service]\nExecStart=/usr/local/bin/naner backup --quiet --home \(sandbox.home) --repo \(sandbox.repo) --verify-weekly\n"
            .write(toFile: units + "/naner-backup.service", atomically: true, encoding: .utf8)
        XCTAssertEqual(sandbox.naner(["schedule"], environment: environment).stderr, "")
    }
}
