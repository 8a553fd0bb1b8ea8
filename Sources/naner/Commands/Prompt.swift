import ArgumentParser
import NanerCore

extension Naner {
    struct Prompt: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "prompt",
            abstract: "Print a short segment for a shell prompt: changes to commit, ahead/behind the sync remote, a merge, refused secrets.",
            discussion: """
                From local files only (no network), and never waits: while another naner holds the \
                repository, it prints the last answer, or nothing. Prints nothing when the tree is \
                clean and in step with the last sync. Default segment: ✚N changes to commit, !N \
                refused files (secrets), ⇡N ⇣N commits ahead/behind the sync remote as of the last \
                sync, 'merge' while a sync merge waits. --format placeholders: %c changes, %r refused, \
                %a ahead, %b behind, %m 'merge' or nothing, %l '?' when the answer is the last known \
                one, %s the default segment, %% a percent sign.
                """
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: ArgumentHelp("The segment's shape, with %c %r %a %b %m %l %s placeholders (default: %s).", valueName: "template"))
        var format: String?

        func run() throws {
            try Self.show(locations: global.locations, format: format)
        }

        static func show(locations: Locations, format: String?) throws {
            // Unattended: a prompt never prints a warning into the shell's line.
            let workspace = try Workspace.open(locations, interaction: Unattended(), openingInBackground: false)
            guard let state = try workspace.promptState(), !state.isQuiet else { return }
            Console.standard.output(render(state, format: format ?? "%s"))
        }

        /// The options a shell's prompt line passes, read without swift-argument-parser,
        /// whose reflection over the options cost a fifth of a prompt: `--home`, `--repo`,
        /// `--format` (each once, `--name value` or `--name=value`), `--color`, `-q`, `-v`
        /// (nothing for a prompt to colour or say). Anything else: nil, and the parser
        /// reads the line, with its usual errors.
        static func quickRun(_ arguments: ArraySlice<String>) -> (() throws -> Void)? {
            var values: [String: String] = [:]
            var index = arguments.startIndex
            while index < arguments.endIndex {
                let argument = arguments[index]
                index += 1
                if ["-q", "--quiet", "-v", "--verbose"].contains(argument) { continue }
                let parts = argument.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(parts[0])
                guard ["--home", "--repo", "--format", "--color"].contains(name), values[name] == nil else { return nil }
                let value: String
                if parts.count == 2 {
                    value = String(parts[1])
                } else {
                    guard index < arguments.endIndex, !arguments[index].hasPrefix("-") else { return nil }
                    value = arguments[index]
                    index += 1
                }
                values[name] = value
            }
            if let color = values["--color"], ColorChoice(rawValue: color) == nil { return nil }
            let locations = Locations.resolve(home: values["--home"], repository: values["--repo"])
            return { try show(locations: locations, format: values["--format"]) }
        }

        static func segment(_ state: PromptState) -> String {
            var parts: [String] = []
            if state.changes > 0 { parts.append("✚\(state.changes)") }
            if state.refused > 0 { parts.append("!\(state.refused)") }
            if state.ahead > 0 { parts.append("⇡\(state.ahead)") }
            if state.behind > 0 { parts.append("⇣\(state.behind)") }
            if state.merging { parts.append("merge") }
            return parts.joined(separator: " ")
        }

        static func render(_ state: PromptState, format: String) -> String {
            var out = ""
            var characters = format.makeIterator()
            while let character = characters.next() {
                guard character == "%", let code = characters.next() else { out.append(character); continue }
                switch code {
                case "c": out += String(state.changes)
                case "r": out += String(state.refused)
                case "a": out += String(state.ahead)
                case "b": out += String(state.behind)
                case "m": out += state.merging ? "merge" : ""
                case "l": out += state.isLastKnown ? "?" : ""
                case "s": out += segment(state)
                case "%": out += "%"
                default: out += "%" + String(code)
                }
            }
            return out
        }
    }
}
