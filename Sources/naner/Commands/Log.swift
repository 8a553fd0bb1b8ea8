import ArgumentParser
import Foundation
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
            let workspace = try global.workspace()
            let console = Console.standard
            let entries = try workspace.log(limit: n)
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

        static func date(time: Int64, offsetMinutes: Int32, format: String = "yyyy-MM-dd HH:mm") -> String {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.dateFormat = format
            formatter.timeZone = TimeZone(secondsFromGMT: Int(offsetMinutes) * 60)
            return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(time)))
        }

        /// ISO 8601 with the offset, for JSON.
        static func isoDate(time: Int64, offsetMinutes: Int32) -> String {
            date(time: time, offsetMinutes: offsetMinutes, format: "yyyy-MM-dd'T'HH:mm:ssxxx")
        }
    }
}
