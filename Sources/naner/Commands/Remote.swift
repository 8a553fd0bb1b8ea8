import ArgumentParser
import NanerCore

extension Naner {
    struct Remote: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remote",
            abstract: "Name the places naner syncs with.",
            subcommands: [Add.self, List.self, Remove.self],
            defaultSubcommand: List.self
        )

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "add",
                abstract: "Add a remote: https://, ssh://, host:path (~/.ssh/config aliases work) or a folder.",
                discussion: "A password in an https URL is not stored; use NANER_TOKEN or a git credential helper."
            )

            @OptionGroup var global: GlobalOptions

            @Argument(help: "The remote's name, e.g. origin.")
            var name: String

            @Argument(help: "Where it is.")
            var url: String

            func run() throws {
                let remote = try global.workspace().addRemote(name: name, url: url)
                Console.standard.say("added remote '\(remote.name)': \(remote.url)")
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "list", abstract: "List the remotes.")

            @OptionGroup var global: GlobalOptions

            func run() throws {
                for remote in try global.workspace().remotes() {
                    Console.standard.output("\(remote.name)\t\(remote.url)")
                }
            }
        }

        struct Remove: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "remove", abstract: "Remove a remote (its repository is not touched).", aliases: ["rm"])

            @OptionGroup var global: GlobalOptions

            @Argument(help: "The remote's name.")
            var name: String

            func run() throws {
                try global.workspace().removeRemote(name: name)
                Console.standard.say("removed remote '\(name)'")
            }
        }
    }
}
