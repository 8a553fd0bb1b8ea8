import GitKit
import ArgumentParser
import NanerCore

extension Naner {
    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "restore",
            abstract: "Bring back a backup, a commit or a portable archive; report first.",
            discussion: """
                SOURCE is a backup name, a safety point, a tag, a commit id, HEAD~N, or the folder or .zip \
                written by 'naner backup --output'. Files with uncommitted edits are conflicts: nothing \
                changes and naner exits 3, unless --force, which saves them as a safety point first. \
                The restore is recorded as a commit on main.
                """
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "What to restore.")
        var source: String

        @Argument(help: "Only these files or folders.")
        var paths: [String] = []

        @Option(help: ArgumentHelp("Leave this file or folder alone (repeatable).", valueName: "path"))
        var exclude: [String] = []

        @Flag(name: [.customLong("dry-run"), .customLong("what-if")], help: "Print the plan; change nothing.")
        var dryRun = false

        @Flag(help: "Overwrite uncommitted edits after saving them as a safety point.")
        var force = false

        @Flag(help: "Print the plan as JSON.")
        var json = false

        func run() throws {
            try Self.restore(source, paths: paths, excludes: exclude, dryRun: dryRun, force: force, json: json,
                             console: global.console(), locations: global.locations)
        }

        /// `naner restore SOURCE [--dry-run] [--force] [--json]`, read without the parser;
        /// paths and `--exclude` go through it.
        static func quickRun(_ arguments: ArraySlice<String>) -> (() throws -> Void)? {
            guard let quick = QuickArguments(arguments, flags: ["--dry-run", "--what-if", "--force", "--json"], valued: [], positionals: 1),
                  let source = quick.positionals.first else { return nil }
            return {
                try restore(source, paths: [], excludes: [], dryRun: quick.has("--dry-run", "--what-if"), force: quick.has("--force"),
                            json: quick.has("--json"), console: quick.console(), locations: quick.locations)
            }
        }

        // swiftlint:disable:next function_parameter_count
        static func restore(_ source: String, paths: [String], excludes: [String], dryRun: Bool, force: Bool, json: Bool,
                            console: Console, locations: Locations) throws {
            // A dry run reads the repository's files, and loads libgit2 only if they cannot answer.
            let workspace = try Workspace.open(locations, interaction: console, openingInBackground: !dryRun)
            let report: RestoreReport
            do {
                report = try workspace.restore(source, paths: paths, excludes: excludes, dryRun: dryRun, force: force)
            } catch NanerError.conflicts(let conflicting) {
                for file in conflicting {
                    console.output("conflict: '\(file.path)' has uncommitted edits" + (file.removed ? "; the backup lacks it" : ""))
                }
                throw NanerError.conflicts(conflicting)
            }
            let plan = report.plan
            console.detail("plan: \(counted(plan.actions.count, "file")) to write or remove (\(plan.conflicts.count) with uncommitted edits), \(plan.unchangedCount) unchanged")
            if json {
                console.output(RestoreDocument(report).jsonText)
                return
            }
            let printer = RestorePrinter(console: console)
            if dryRun {
                console.output(printer.lines(plan, prefix: "would "))
                console.output(printer.summary(plan, dryRun: true))
                return
            }
            if plan.isEmpty {
                if let commit = report.commit {
                    console.say("finished an interrupted restore: [main \(commit.short)] restore \(plan.source)")
                } else {
                    console.say("nothing to restore: the tree already matches '\(plan.source)'")
                }
                return
            }
            if let safety = report.safetyPoint { console.say("saved the current state as safety point '\(safety)'") }
            if !console.quiet { console.output(printer.lines(plan, prefix: "")) }
            console.say(printer.summary(plan, dryRun: false))
            if let commit = report.commit { console.say("[main \(commit.short)] restore \(plan.source)") }
        }
    }
}

struct RestorePrinter {
    let console: Console

    /// `conflictNote`: what a conflict is here (init --from: a file no commit of this machine holds).
    func lines(_ plan: RestorePlan, prefix: String, conflictNote: String = "uncommitted edits") -> String {
        plan.actions.map { action in
            let verb = prefix + (prefix.isEmpty ? action.verb.pastTense : action.verb.rawValue)
            let color: Console.Color = action.conflict ? .red : action.kind == .remove ? .yellow : .green
            let note = action.conflict ? " (\(conflictNote))" : action.modeOnly ? " (permissions)" : ""
            return console.paint(verb, color) + " '\(action.path)'" + note + "\n"
        }.joined()
    }

    func summary(_ plan: RestorePlan, dryRun: Bool) -> String {
        let counts = RestorePlan.Action.Verb.allCases.map { (verb: $0.rawValue, count: plan.count($0)) }
        let parts = counts.map { "\($0.count) to \($0.verb)" } + ["\(plan.unchangedCount) unchanged"]
        let head = dryRun ? "restore of '\(plan.source)' would change \(plan.actions.count) file\(plan.actions.count == 1 ? "" : "s")" : "restored '\(plan.source)'"
        let conflicts = dryRun && !plan.conflicts.isEmpty
            ? "; \(plan.conflicts.count) \(plan.conflicts.count == 1 ? "conflict needs" : "conflicts need") --force or 'naner commit' first"
            : ""
        return head + ": " + parts.joined(separator: ", ") + conflicts
    }
}
