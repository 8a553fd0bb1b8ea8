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
            // Unattended: a prompt never prints a warning into the shell's line.
            let workspace = try Workspace.open(global.locations, interaction: Unattended(), openingInBackground: false)
            guard let state = try workspace.promptState(), !state.isQuiet else { return }
            Console.standard.output(Self.render(state, format: format ?? "%s"))
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
