import ArgumentParser
import NanerCore

extension Naner {
    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "diff",
            abstract: "Show what 'naner commit' would record, or how the tree differs from a backup, as unified diffs.",
            discussion: "naner diff NAME [PATH…] compares the files now with a backup, safety point, tag or commit."
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "Only these files or folders.")
        var paths: [String] = []

        func run() throws {
            try Self.show(console: global.console(), locations: global.locations, paths: paths)
        }

        /// `naner diff` alone, as a shell alias runs it: read without the parser.
        static func quickRun(_ arguments: ArraySlice<String>) -> (() throws -> Void)? {
            guard let quick = QuickArguments(arguments, flags: [], valued: []) else { return nil }
            return { try show(console: quick.console(), locations: quick.locations, paths: []) }
        }

        static func show(console: Console, locations: Locations, paths: [String]) throws {
            // Opened only if the index and objects do not answer (see Workspace.diff).
            let workspace = try Workspace.open(locations, interaction: console, openingInBackground: !paths.isEmpty)
            let base = paths.first.flatMap(workspace.diffBase)
            let (diffs, scan) = try workspace.diff(paths: base == nil ? paths : Array(paths.dropFirst()), against: base)
            KeptUntilExit.keep((diffs, scan))
            for diff in diffs {
                if diff.change?.kind == .excluded {
                    console.output(console.paint("# \(diff.path): no longer managed; the next commit stops tracking it", .yellow))
                } else if diff.isSecret {
                    let kind = diff.change.map { $0.kind == .added ? "new" : $0.kind == .deleted ? "deleted" : "changed" } ?? "changed"
                    console.output(console.paint("# \(diff.path): \(kind), a secret stored encrypted (content not shown)", .yellow))
                } else {
                    console.output(colored(diff.patch, console))
                }
            }
            for problem in scan.refused {
                console.warning("not showing '\(problem.path)': it \(problem.reason) and will not be committed")
            }
        }

        private static func colored(_ patch: String, _ console: Console) -> String {
            guard console.useColor else { return patch }
            return patch.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
                let text = String(line)
                if text.hasPrefix("+++") || text.hasPrefix("---") || text.hasPrefix("diff ") || text.hasPrefix("old mode ")
                    || text.hasPrefix("new mode ") {
                    return console.paint(text, .bold)
                }
                if text.hasPrefix("+") { return console.paint(text, .green) }
                if text.hasPrefix("-") { return console.paint(text, .red) }
                if text.hasPrefix("@@") { return console.paint(text, .cyan) }
                return text
            }.joined(separator: "\n")
        }
    }
}
