import ArgumentParser
import NanerCore

extension Naner {
    struct Machine: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "machine",
            abstract: "This machine's host name, OS and classes, which decide its per-machine variants.",
            discussion: "Kept in the repository's own config: never synced. 'naner init --host NAME' sets the host name.",
            subcommands: [Show.self, ClassCommand.self],
            defaultSubcommand: Show.self
        )

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "show", abstract: "Show this machine's host name, OS and classes.")

            @OptionGroup var global: GlobalOptions

            func run() throws {
                let machine = try global.workspace().machine
                Console.standard.output(MachineText.lines(machine))
            }
        }

        struct ClassCommand: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "class",
                abstract: "Put this machine in a class (e.g. work) or take it out.",
                subcommands: [Join.self, Leave.self]
            )

            struct Join: ParsableCommand {
                static let configuration = CommandConfiguration(
                    commandName: "add", abstract: "This machine belongs to class NAME: the files that vary for it are laid out here.")

                @OptionGroup var global: GlobalOptions

                @Argument(help: "The class, e.g. work.")
                var name: String

                func run() throws {
                    try global.workspace().changeClass(name, join: true)
                    Console.standard.say("this machine is in class '\(name)'")
                    Console.standard.hint("'naner sync' brings the class's variants other machines made")
                }
            }

            struct Leave: ParsableCommand {
                static let configuration = CommandConfiguration(
                    commandName: "remove", abstract: "This machine leaves class NAME: the files it varied take their other version back.")

                @OptionGroup var global: GlobalOptions

                @Argument(help: "The class.")
                var name: String

                func run() throws {
                    try global.workspace().changeClass(name, join: false)
                    Console.standard.say("this machine is no longer in class '\(name)'")
                }
            }
        }
    }
}

/// `naner machine` and `naner variant which` show the facts alike.
enum MachineText {
    static func lines(_ machine: MachineIdentity) -> String {
        "host: \(machine.host)\nos: \(machine.os)\nclasses: \(machine.classes.isEmpty ? "(none)" : machine.classes.joined(separator: ", "))\n"
    }
}
