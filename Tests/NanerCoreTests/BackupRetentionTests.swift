import Foundation
import XCTest
@testable import NanerCore

/// `RetentionPolicy` against restic's `forget` semantics, checked by an independent
/// oracle: group the backups by period, take the newest of each group, keep the groups
/// of the N newest periods; a backup any rule keeps stays.
final class BackupRetentionTests: XCTestCase {
    private let utc = TimeZone(identifier: "UTC")!

    private func date(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = utc
        return formatter.date(from: text)!
    }

    /// The oracle: for each rule, the newest backup of each of the N newest periods.
    private func oracle(_ dates: [Date], _ counts: [RetentionPolicy.Rule: Int]) -> Set<Int> {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = utc
        var iso = Calendar(identifier: .iso8601)
        iso.timeZone = utc
        func key(_ rule: RetentionPolicy.Rule, _ index: Int) -> String {
            let date = dates[index]
            switch rule {
            case .last: return "\(index)"
            case .daily: return "\(calendar.component(.year, from: date))-\(calendar.ordinality(of: .day, in: .year, for: date)!)"
            case .weekly:
                let parts = iso.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
                return "\(parts.yearForWeekOfYear!)-W\(parts.weekOfYear!)"
            case .monthly: return "\(calendar.component(.year, from: date))-\(calendar.component(.month, from: date))"
            case .yearly: return "\(calendar.component(.year, from: date))"
            }
        }
        var kept = Set<Int>()
        for (rule, count) in counts {
            var newestOfPeriod: [String: Int] = [:]
            for index in dates.indices {
                let period = key(rule, index)
                if let known = newestOfPeriod[period], dates[known] >= dates[index] { continue }
                newestOfPeriod[period] = index
            }
            let periods = newestOfPeriod.values.sorted { dates[$0] > dates[$1] }
            kept.formUnion(periods.prefix(count))
        }
        return kept
    }

    func testEachRuleAndCombinationsMatchTheOracle() {
        // Three years, irregular: some days twice, some weeks empty, a daily stretch at the end.
        var dates: [Date] = []
        var moment = date("2023-01-01T03:00:00Z")
        var seed: UInt64 = 42
        func next() -> UInt64 { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return seed >> 33 }
        while moment < date("2025-12-31T00:00:00Z") {
            dates.append(moment)
            if next() % 7 == 0 { dates.append(moment.addingTimeInterval(3600 * Double(1 + next() % 12))) }
            moment = moment.addingTimeInterval(86_400 * Double(1 + next() % (moment < date("2025-11-01T00:00:00Z") ? 9 : 1)))
        }
        let newestFirst = dates.sorted(by: >)
        let policies: [[RetentionPolicy.Rule: Int]] = [
            [.last: 5], [.daily: 7], [.weekly: 4], [.monthly: 12], [.yearly: 10],
            [.daily: 7, .weekly: 4, .monthly: 12], [.last: 3, .yearly: 2], [.daily: 30, .monthly: 6, .yearly: 5],
            [.weekly: 1000], [.daily: 0, .monthly: 1],
        ]
        for counts in policies {
            let policy = RetentionPolicy(counts)
            let reasons = policy.reasons(forNewestFirst: newestFirst, utcOffsetSeconds: 0)
            let kept = Set(reasons.indices.filter { !reasons[$0].isEmpty })
            XCTAssertEqual(kept, oracle(newestFirst, counts.filter { $0.value > 0 }), "\(policy)")
        }
    }

    func testReasonsNameEveryRuleThatKeepsABackup() {
        let dates = ["2025-03-10T03:00:00Z", "2025-03-10T01:00:00Z", "2025-03-09T03:00:00Z", "2025-02-01T03:00:00Z",
                     "2024-12-31T03:00:00Z"].map(date)
        let policy = RetentionPolicy([.last: 1, .daily: 2, .weekly: 2, .monthly: 3, .yearly: 2])
        XCTAssertEqual(policy.reasons(forNewestFirst: dates, utcOffsetSeconds: 0), [
            ["last 1", "daily 1", "weekly 1", "monthly 1", "yearly 1"],
            [],
            // 2025-03-09 is a Sunday: the ISO week before the 10th's.
            ["daily 2", "weekly 2"],
            ["monthly 2"],
            ["monthly 3", "yearly 2"],
        ])
    }

    func testKeepPolicyParsesAndRefusesInOneLine() throws {
        XCTAssertEqual(try RetentionPolicy(parsing: "daily=7,weekly=4,monthly=12"), RetentionPolicy.scheduleDefault)
        XCTAssertEqual(RetentionPolicy.scheduleDefault.description, "daily=7,weekly=4,monthly=12")
        XCTAssertEqual(try RetentionPolicy(parsing: "last=3, yearly=2").description, "last=3,yearly=2")
        for bad in ["daily", "hourly=3", "daily=x", "daily=-1", "daily=1,daily=2", "daily=0", ""] {
            XCTAssertThrowsError(try RetentionPolicy(parsing: bad), bad) { error in
                let message = (error as? BackupError)?.message ?? ""
                XCTAssertTrue(message.hasPrefix("'\(bad)' is not a keep policy: "), message)
                XCTAssertFalse(message.contains("\n"))
            }
        }
    }
}
