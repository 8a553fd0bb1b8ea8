import ArgumentParser
import NanerCore

extension Naner {
    struct Ignore: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ignore",
            abstract: "Explain which files naner manages.",
            subcommands: [Check.self, Show.self]
        )

        struct Check: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "check",
                abstract: "Say, per path, whether it is managed and which line decides.",
                discussion: "Agrees with 'git check-ignore --no-index' on the generated rules."
            )

            @OptionGroup var global: GlobalOptions

            @Flag(help: "Print the answers as JSON.")
            var json = false

            @Argument(help: "Paths inside the home.")
            var paths: [String]

            func run() throws {
                let workspace = try global.workspace()
                let console = Console.standard
                let verdicts = try workspace.checkIgnore(paths)
                if json {
                    console.output(IgnoreCheckDocument(verdicts).jsonText)
                    return
                }
                var text = ""
                for verdict in verdicts {
                    let state = verdict.managed ? console.paint("managed", .green) : console.paint("not managed", .yellow)
                    var reason = verdict.rule.map { " (\(RulePrinter.describe($0)))" } ?? ""
                    if let link = verdict.link {
                        // As git: beyond a symbolic link nothing is stored but the link.
                        reason = link.stored ? " ('\(link.path)' is a link; it is stored as a link to '\(link.target)')"
                            : " ('\(link.path)' is a link to '\(link.target)'; the link is not managed:"
                                + " \(verdict.rule.map(RulePrinter.describe) ?? "no rule"))"
                    }
                    text += "\(verdict.path): \(state)\(reason)\n"
                }
                console.output(text)
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "show",
                abstract: "Print the gitignore rules generated from the include list and .syncignore."
            )

            @OptionGroup var global: GlobalOptions

            func run() throws {
                let workspace = try global.workspace()
                Console.standard.output(try workspace.ignoreRulesText())
            }
        }
    }
}
