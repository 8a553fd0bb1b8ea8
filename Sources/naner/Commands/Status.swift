import ArgumentParser
import NanerCore

extension Naner {
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Show changed, new and deleted managed files."
        )

        @OptionGroup var global: GlobalOptions

        @Flag(name: .shortAndLong, help: "One line a path: M modified, A new, D deleted, X no longer managed, ! refused, S skipped, P permissions.")
        var short = false

        @Flag(help: "Print the status as JSON.")
        var json = false

        func run() throws {
            try Self.show(console: global.console(), locations: global.locations, short: short, json: json)
        }

        /// `status` with the options QuickArguments reads, or nil.
        static func quickRun(_ arguments: ArraySlice<String>) -> (() throws -> Void)? {
            guard let quick = QuickArguments(arguments, flags: ["-s", "--short", "--json"], valued: []) else { return nil }
            return { try show(console: quick.console(), locations: quick.locations, short: quick.has("-s", "--short"), json: quick.has("--json")) }
        }

        static func show(console: Console, locations: Locations, short: Bool, json: Bool) throws {
            // Opened only if the index, walk cache and refs do not answer (a changed file
            // needs the size limit from the config): a clean status never loads libgit2.
            let workspace = try Workspace.open(locations, interaction: console, openingInBackground: false)
            let report = try workspace.status()
            KeptUntilExit.keep(report)
            if json {
                console.output(StatusDocument(report).jsonText)
            } else if short {
                console.output(StatusPrinter(console: console).short(report.scan))
            } else {
                console.output(StatusPrinter(console: console).long(report))
                if !report.scan.waitingSecrets.isEmpty {
                    console.hint("'naner secret unlock' lays them out with the passphrase (asked, or NANER_PASSPHRASE)")
                }
            }
        }
    }
}

struct StatusPrinter {
    let console: Console

    static func code(_ kind: FileChange.Kind) -> String {
        switch kind {
        case .modified: return "M"
        case .added: return "A"
        case .deleted: return "D"
        case .excluded: return "X"
        }
    }

    func short(_ scan: ScanResult) -> String {
        var lines = scan.changes.map { "\(Self.code($0.kind)) \($0.path)" }
        lines += scan.refused.map { "! \($0.path)" }
        lines += scan.skipped.map { "S \($0.path)" }
        lines += scan.modeChanges.map { "P \($0.path)" }
        if scan.permissionsChanged && scan.modeChanges.isEmpty { lines.append("P \(ModeTable.path)") }
        return lines.map { $0 + "\n" }.joined()
    }

    func long(_ report: StatusReport) -> String {
        let scan = report.scan
        var lines = ["On branch \(report.branch)"]
        if let upstream = report.upstream {
            let name = "'\(upstream.remote)/main'"
            switch (upstream.ahead, upstream.behind) {
            case (0, 0): lines.append("Up to date with \(name) as of the last sync.")
            case (let ahead, 0): lines.append("Ahead of \(name) by \(ahead) commit\(ahead == 1 ? "" : "s"): 'naner sync' pushes them.")
            case (0, let behind): lines.append("Behind \(name) by \(behind) commit\(behind == 1 ? "" : "s"): 'naner sync' brings them.")
            case (let ahead, let behind):
                lines.append("Diverged from \(name): \(ahead) commit\(ahead == 1 ? "" : "s") here, \(behind) there: 'naner sync' merges them.")
            }
        }
        if let conflicts = report.mergeConflicts {
            lines.append(conflicts.isEmpty
                ? "A sync merge is waiting: 'naner commit -m MSG' finishes it ('naner sync --abort' undoes it)."
                : "A sync merge is waiting; conflict markers remain in:")
            lines += conflicts.map { "  " + console.paint("both changed: " + $0, .red) }
        }
        if !scan.changes.isEmpty || !scan.modeChanges.isEmpty || scan.permissionsChanged {
            lines.append("Changes 'naner commit' will record:")
            for change in scan.changes {
                let label: String
                var color = Console.Color.green
                switch change.kind {
                case .modified: label = "modified:   "
                case .added: label = "new file:   "
                case .deleted: label = "deleted:    "; color = .red
                case .excluded: label = "stop tracking:"; color = .yellow
                }
                var line = "  " + console.paint(label + " " + change.path, color)
                if let rule = change.rule { line += " (excluded by \(RulePrinter.describe(rule)))" }
                lines.append(line)
            }
            lines += scan.modeChanges.map { "  " + console.paint($0.line, .green) }
            if scan.permissionsChanged && scan.modeChanges.isEmpty {
                // The table changes only because files came or went: it is rewritten with them.
                lines.append("  " + console.paint("permissions: " + ModeTable.path + " (rewritten for the files above)", .green))
            }
        }
        if !scan.refused.isEmpty {
            lines.append("Refused, never committed:")
            lines += scan.refused.map { "  " + console.paint($0.path, .red) + ": it \($0.reason)" }
        }
        if !scan.skipped.isEmpty {
            lines.append("Skipped:")
            lines += scan.skipped.map { "  " + console.paint($0.path, .yellow) + ": \($0.reason)" }
        }
        if !scan.waitingSecrets.isEmpty {
            let count = scan.waitingSecrets.count
            lines.append("\(count) \(count == 1 ? "secret waits" : "secrets wait") for 'naner secret unlock' (stored encrypted, not laid out here):")
            lines += scan.waitingSecrets.map { "  " + console.paint($0, .yellow) }
        }
        if scan.isClean { lines.append("nothing to commit, managed files are clean") }
        return lines.map { $0 + "\n" }.joined()
    }
}

enum RulePrinter {
    static func describe(_ rule: RuleOrigin) -> String {
        rule.line > 0 ? "\(rule.file):\(rule.line): \(rule.text)" : "\(rule.file): \(rule.text)"
    }
}
