import GitKit
import ArgumentParser
import FoundationEssentials
import NanerCore

extension Naner {
    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "log",
            abstract: "Show the history, newest first, with backups and safety points marked."
        )

        @OptionGroup var global: GlobalOptions

        @Option(name: .short, help: "Show at most this many commits.")
        var n: Int?

        func validate() throws {
            if let n, n < 1 { throw ValidationError("-n must be at least 1, not \(n)") }
        }

        func run() throws {
            try Self.show(console: global.console(), locations: global.locations, limit: n)
        }

        /// `log` with the options QuickArguments reads (`-n` a positive number), or nil.
        static func quickRun(_ arguments: ArraySlice<String>) -> (() throws -> Void)? {
            guard let quick = QuickArguments(arguments, flags: [], valued: ["-n"]) else { return nil }
            var limit: Int?
            if let text = quick.value("-n") {
                guard let number = Int(text), number >= 1 else { return nil }
                limit = number
            }
            return { try show(console: quick.console(), locations: quick.locations, limit: limit) }
        }

        static func show(console: Console, locations: Locations, limit: Int?) throws {
            // A short log is read from the repository's files when they answer alone.
            let workspace = try Workspace.open(locations, interaction: console, openingInBackground: limit == nil)
            let entries = try workspace.log(limit: limit)
            if entries.isEmpty {
                console.output("no commits yet")
                return
            }
            var text = ""
            for entry in entries {
                var line = console.paint(entry.commit.id.short, .yellow) + " " + Self.date(entry.commit) + " " + entry.commit.summary
                if !entry.backups.isEmpty {
                    line += " " + console.paint("(backup: \(entry.backups.joined(separator: ", ")))", .green)
                }
                if !entry.safetyPoints.isEmpty {
                    line += " " + console.paint("(safety point: \(entry.safetyPoints.joined(separator: ", ")))", .cyan)
                }
                text += line + "\n"
            }
            console.output(text)
        }

        /// `2026-11-25 21:40` in the author's own offset, as git shows dates.
        static func date(_ commit: CommitInfo) -> String {
            date(time: commit.time, offsetMinutes: commit.offsetMinutes)
        }

        static func date(time: Int64, offsetMinutes: Int32) -> String {
            let parts = civil(time: time, offsetMinutes: offsetMinutes)
            return "\(parts.year)-\(two(parts.month))-\(two(parts.day)) \(two(parts.hour)):\(two(parts.minute))"
        }

        /// ISO 8601 with the offset, for JSON.
        static func isoDate(time: Int64, offsetMinutes: Int32) -> String {
            let parts = civil(time: time, offsetMinutes: offsetMinutes)
            let offset = abs(Int(offsetMinutes))
            return "\(parts.year)-\(two(parts.month))-\(two(parts.day))T\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second))"
                + (offsetMinutes < 0 ? "-" : "+") + two(offset / 60) + ":" + two(offset % 60)
        }

        /// The calendar date and time of `time` at `offsetMinutes` from UTC (`CivilTime`: by
        /// arithmetic, no DateFormatter, which `naner backups` would make for years of backups).
        static func civil(time: Int64, offsetMinutes: Int32) -> CivilTime {
            CivilTime(time, offsetSeconds: Int(offsetMinutes) * 60)
        }

        private static func two(_ number: some BinaryInteger) -> String { number < 10 ? "0\(number)" : "\(number)" }
    }
}
