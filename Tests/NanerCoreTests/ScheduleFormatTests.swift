import Foundation
import XCTest
@testable import NanerCore

/// What `naner schedule` writes, whichever scheduler this machine has.
final class ScheduleFormatTests: XCTestCase {
    private let locations = Locations(home: "/home/me", repository: "/home/me/.local/share/naner/repo.git")

    func testCronLineAndCalendar() throws {
        let scheduler = Scheduler.forThisMachine(locations: locations, environment: ["HOME": "/home/me", "NANER_SCHEDULER": "cron"])
        XCTAssertEqual(scheduler.kind, .cron)
        let weekly = try Schedule(frequency: .weekly, at: "04:05")
        XCTAssertEqual(weekly.cronTime, "5 4 * * 1")
        XCTAssertEqual(weekly.onCalendar, "Mon *-*-* 04:05:00")
        let daily = try Schedule(frequency: .daily, at: nil)
        XCTAssertEqual(daily.cronTime, "0 3 * * *")
        let line = scheduler.cronLine(daily)
        XCTAssertTrue(line.hasPrefix("0 3 * * * "), line)
        XCTAssertTrue(line.hasSuffix(" backup --quiet --home /home/me --repo /home/me/.local/share/naner/repo.git # naner schedule"), line)
        for bad in ["24:00", "7", "07:7", "a:b", "-1:00"] {
            XCTAssertThrowsError(try Schedule(frequency: .daily, at: bad), bad)
        }
    }

    func testOddPathsAreQuotedForShellAndSystemd() {
        let odd = Locations(home: "/home/me/my home", repository: "/data/it's 100%/repo.git")
        let scheduler = Scheduler.forThisMachine(locations: odd, environment: ["HOME": "/home/me", "NANER_SCHEDULER": "systemd"])
        XCTAssertTrue(scheduler.serviceText().contains(#"--home "/home/me/my home" --repo "/data/it's 100%%/repo.git""#), scheduler.serviceText())
        XCTAssertTrue(scheduler.cronLine(try! Schedule(frequency: .daily, at: nil)).contains(#"--home '/home/me/my home' --repo '/data/it'\''s 100\%/repo.git'"#))
    }
}
