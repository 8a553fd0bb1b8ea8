import Foundation

/// Which backups `naner backups prune` keeps, with restic's `forget` semantics: each rule
/// keeps the newest backup of each of the last N periods that hold a backup (`last`: the N
/// newest backups), and a backup that any rule keeps stays. Periods are calendar days,
/// ISO weeks (Monday to Sunday), months and years in the local time zone.
public struct RetentionPolicy: Sendable, Equatable, CustomStringConvertible {
    public enum Rule: String, Sendable, CaseIterable, Comparable {
        case last, daily, weekly, monthly, yearly

        public static func < (lhs: Rule, rhs: Rule) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }

        /// The period a backup taken at `date` falls in; `last` makes every backup its own.
        func period(of date: Date, calendar: Calendar, index: Int) -> Int {
            switch self {
            case .last:
                return index
            case .daily:
                let parts = calendar.dateComponents([.year, .month, .day], from: date)
                return parts.year! * 10_000 + parts.month! * 100 + parts.day!
            case .weekly:
                var iso = Calendar(identifier: .iso8601)
                iso.timeZone = calendar.timeZone
                let parts = iso.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
                return parts.yearForWeekOfYear! * 100 + parts.weekOfYear!
            case .monthly:
                let parts = calendar.dateComponents([.year, .month], from: date)
                return parts.year! * 100 + parts.month!
            case .yearly:
                return calendar.component(.year, from: date)
            }
        }

        /// How a reason reads: `daily 3` is the third newest day that has a backup.
        func reason(_ position: Int) -> String {
            self == .last ? "last \(position)" : "\(rawValue) \(position)"
        }
    }

    /// How many periods each rule keeps; a rule absent keeps nothing.
    public var counts: [Rule: Int]

    public init(_ counts: [Rule: Int] = [:]) {
        self.counts = counts.filter { $0.value > 0 }
    }

    /// What `naner schedule` keeps unless told otherwise.
    public static let scheduleDefault = RetentionPolicy([.daily: 7, .weekly: 4, .monthly: 12])

    public var isEmpty: Bool { counts.isEmpty }

    /// `daily=7,weekly=4,monthly=12` (`--keep`'s form; `last=N` and `yearly=N` too).
    public init(parsing text: String) throws {
        var counts: [Rule: Int] = [:]
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let words = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard words.count == 2, let rule = Rule(rawValue: words[0]) else {
                throw BackupError.invalidKeepPolicy(text, reason: "'\(part)' is not RULE=N with RULE one of "
                    + Rule.allCases.map(\.rawValue).joined(separator: ", "))
            }
            guard let count = Int(words[1]), count >= 0 else {
                throw BackupError.invalidKeepPolicy(text, reason: "'\(words[1])' is not a number of \(rule == .last ? "backups" : "periods")")
            }
            guard counts[rule] == nil else { throw BackupError.invalidKeepPolicy(text, reason: "'\(rule.rawValue)' is given twice") }
            counts[rule] = count
        }
        self.init(counts)
        if isEmpty { throw BackupError.invalidKeepPolicy(text, reason: "it keeps nothing") }
    }

    /// `daily=7,weekly=4,monthly=12`, rules in a fixed order.
    public var description: String {
        counts.keys.sorted().map { "\($0.rawValue)=\(counts[$0]!)" }.joined(separator: ",")
    }

    /// For each of `dates` (newest first), the reasons the policy keeps it: empty when no
    /// rule does (`["daily 1", "weekly 1"]`).
    public func reasons(forNewestFirst dates: [Date], timeZone: TimeZone = .current) -> [[String]] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var left = counts
        var lastPeriod: [Rule: Int] = [:]
        var kept: [Rule: Int] = [:]
        return dates.enumerated().map { index, date in
            var reasons: [String] = []
            for rule in Rule.allCases {
                guard let remaining = left[rule], remaining > 0 else { continue }
                let period = rule.period(of: date, calendar: calendar, index: index)
                guard period != lastPeriod[rule] else { continue }
                lastPeriod[rule] = period
                left[rule] = remaining - 1
                kept[rule, default: 0] += 1
                reasons.append(rule.reason(kept[rule]!))
            }
            return reasons
        }
    }
}
