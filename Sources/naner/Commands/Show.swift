import GitKit
import ArgumentParser
import NanerCore

extension Naner {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show a backup or safety point: its manifest and every file, with the mode a restore gives it."
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "A backup or safety point ('naner backups' lists them).")
        var name: String

        @Flag(help: "Print it as JSON.")
        var json = false

        func run() throws {
            let details = try global.workspace().showBackup(name)
            let console = Console.standard
            if json {
                console.output(ShowDocument(details).jsonText)
                return
            }
            let info = details.info
            let date = Log.isoDate(time: info.time, offsetMinutes: info.offsetMinutes)
            var lines = ["\(info.kind == .safety ? "safety point" : "backup") '\(info.name)' at \(info.commit.short), \(date)"]
            if !info.message.isEmpty { lines.append("message:  \(info.message)") }
            if let manifest = details.manifest {
                lines.append("made by:  \(manifest.user) on \(manifest.host), tree \(manifest.tree), naner \(manifest.nanerVersion)")
                lines.append("SSH keys: \(manifest.includedSSHKeys ? "in the archive written with it" : "not included")")
            }
            lines.append("files (\(details.files.count)):")
            lines += details.files.map { "  " + ($0.isSymlink ? "link" : String($0.mode, radix: 8).leftPadded(4)) + " " + $0.path }
            if let skipped = details.manifest?.skipped, !skipped.isEmpty {
                lines.append("skipped (\(skipped.count)):")
                lines += skipped.map { "  \($0.path): \($0.reason)" }
            }
            console.output(lines.joined(separator: "\n"))
        }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
