import FoundationEssentials

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
        func period(of date: CivilTime, index: Int) -> Int {
            switch self {
            case .last:
                return index
            case .daily:
                return date.year * 10_000 + date.month * 100 + date.day
            case .weekly:
                let week = date.isoWeek
                return week.year * 100 + week.week
            case .monthly:
                return date.year * 100 + date.month
            case .yearly:
                return date.year
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
                $0.trimmingSpaces()
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
    /// rule does (`["daily 1", "weekly 1"]`). Dates fall in the local time zone, or at
    /// `utcOffsetSeconds` from UTC when given.
    public func reasons(forNewestFirst dates: [Date], utcOffsetSeconds: Int? = nil) -> [[String]] {
        var left = counts
        var lastPeriod: [Rule: Int] = [:]
        var kept: [Rule: Int] = [:]
        func civil(_ date: Date) -> CivilTime {
            let time = Int64(date.timeIntervalSince1970.rounded(.down))
            return CivilTime(time, offsetSeconds: utcOffsetSeconds ?? CivilTime.localOffset(time))
        }
        return dates.enumerated().map { index, date in
            let day = civil(date)
            var reasons: [String] = []
            for rule in Rule.allCases {
                guard let remaining = left[rule], remaining > 0 else { continue }
                let period = rule.period(of: day, index: index)
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
