import Glibc

/// Calendar dates and clock times by arithmetic and the C library's time zone
/// (`localtime_r`), not Foundation's DateFormatter and Calendar: those live in
/// FoundationInternationalization, whose ICU data would be a third of the binary.
public struct CivilTime: Equatable, Sendable {
    public let year: Int
    public let month: Int
    public let day: Int
    public let hour: Int
    public let minute: Int
    public let second: Int
    /// Seconds east of UTC at that moment.
    public let offsetSeconds: Int
    /// Days since 1970-01-01 of the calendar date.
    public let daysSinceEpoch: Int

    /// `time` (seconds since the epoch) at `offsetSeconds` from UTC.
    public init(_ time: Int64, offsetSeconds: Int) {
        let local = time + Int64(offsetSeconds)
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let seconds = Int(local - days * 86_400)
        // Howard Hinnant's days-to-civil.
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        year = Int(yearOfEra + era * 400 + (month <= 2 ? 1 : 0))
        self.month = Int(month)
        self.day = Int(day)
        hour = seconds / 3600
        minute = seconds % 3600 / 60
        second = seconds % 60
        self.offsetSeconds = offsetSeconds
        daysSinceEpoch = Int(days)
    }

    /// `time` in the local time zone (TZ, /etc/localtime), daylight saving included.
    public static func local(_ time: Int64) -> CivilTime {
        CivilTime(time, offsetSeconds: localOffset(time))
    }

    /// Seconds east of UTC in the local time zone at `time`.
    public static func localOffset(_ time: Int64) -> Int {
        var seconds = time_t(time)
        var parts = tm()
        guard localtime_r(&seconds, &parts) != nil else { return 0 }
        return parts.tm_gmtoff
    }

    /// Monday 0 … Sunday 6 (1970-01-01 was a Thursday).
    public var isoWeekday: Int { ((daysSinceEpoch + 3) % 7 + 7) % 7 }

    /// The ISO 8601 week: its year (that of its Thursday) and number (1–53).
    public var isoWeek: (year: Int, week: Int) {
        let thursday = daysSinceEpoch - isoWeekday + 3
        let thursdayDate = CivilTime(Int64(thursday) * 86_400, offsetSeconds: 0)
        let january1 = CivilTime.days(year: thursdayDate.year, month: 1, day: 1)
        return (thursdayDate.year, (thursday - january1) / 7 + 1)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days-from-civil).
    public static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// `2026-11-25T21:40:00+01:00`.
    public var iso8601: String {
        let offset = abs(offsetSeconds) / 60
        return "\(padded(year, 4))-\(padded(month))-\(padded(day))T\(padded(hour)):\(padded(minute)):\(padded(second))"
            + (offsetSeconds < 0 ? "-" : "+") + padded(offset / 60) + ":" + padded(offset % 60)
    }

    /// `number` in decimal with leading zeros up to `width` digits (`-` before them).
    public static func padded(_ number: Int, _ width: Int = 2) -> String {
        let digits = String(number.magnitude)
        return (number < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    private func padded(_ number: Int, _ width: Int = 2) -> String { Self.padded(number, width) }
}
