import ArgumentParser
import NanerCore

extension Naner {
    struct Variant: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "variant",
            abstract: "Files that differ per machine: a plain file per layer (shared, OS, class, host), no templates.",
            discussion: "The live file is byte-identical to the layer that supplies it here, so an edit is captured back by a "
                + "plain 'naner commit'; a shared edit reaches every variant by a 3-way merge at the next sync.",
            subcommands: [Add.self, List.self, Remove.self, Which.self]
        )

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "add",
                abstract: "From now on these files vary per host (default), per class or per OS.",
                discussion: "This machine's current content becomes that layer's version and is committed at once; "
                    + "every other machine keeps the shared version."
            )

            @OptionGroup var global: GlobalOptions

            @Flag(help: "Vary per host: this machine alone (the default).")
            var host = false

            @Option(name: .customLong("class"), help: ArgumentHelp("Vary for the machines in this class.", valueName: "name"))
            var machineClass: String?

            @Flag(help: "Vary for the machines with this machine's OS.")
            var os = false

            @Argument(help: "Files inside the home.")
            var paths: [String]

            func validate() throws {
                if [host, machineClass != nil, os].filter({ $0 }).count > 1 { throw ValidationError("give one of --host, --class, --os") }
            }

            func run() throws {
                let choice: Workspace.VariantLayerChoice = machineClass.map { .machineClass($0) } ?? (os ? .os : .host)
                let (layer, paths) = try global.workspace().addVariants(self.paths, at: choice)
                for path in paths { Console.standard.say("'\(path)' varies for \(layer.description) (branch '\(layer.branchName)')") }
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "list", abstract: "List the files that vary and the layer each comes from here.")

            @OptionGroup var global: GlobalOptions

            @Flag(help: "Print the list as JSON.")
            var json = false

            func run() throws {
                let listings = try global.workspace().listVariants()
                if json {
                    Console.standard.output(VariantListDocument(listings).jsonText + "\n")
                    return
                }
                var text = ""
                for listing in listings {
                    let layers = listing.layers.map { "\($0.kind) \($0.name ?? "")" }.joined(separator: ", ")
                    text += "\(listing.path)\tvaries for \(layers)\tused here: \(listing.used.map(VariantText.layer) ?? "conflicting classes")\n"
                }
                Console.standard.output(text)
            }
        }

        struct Remove: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "remove",
                abstract: "Stop varying these files: the shared version comes back here (or, with --keep-here, this machine's becomes shared)."
            )

            @OptionGroup var global: GlobalOptions

            @Flag(help: "This machine's version becomes the shared one.")
            var keepHere = false

            @Argument(help: "Files listed by 'naner variant list'.")
            var paths: [String]

            func run() throws {
                for path in try global.workspace().removeVariants(paths, keepHere: keepHere) {
                    Console.standard.say("'\(path)' no longer varies" + (keepHere ? "; this machine's version is the shared one" : ""))
                }
            }
        }

        struct Which: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "which", abstract: "Which layer supplies this file here, and why.")

            @OptionGroup var global: GlobalOptions

            @Argument(help: "A file inside the home.")
            var path: String

            func run() throws {
                let (machine, listing) = try global.workspace().whichVariant(path)
                var text = MachineText.lines(machine)
                let layers = listing.layers.isEmpty ? "none (it does not vary)"
                    : listing.layers.map { "\($0.kind) \($0.name ?? "")" }.joined(separator: ", ")
                text += "\(listing.path): varies for \(layers)\n"
                text += "supplied here by: \(listing.used.map(VariantText.layer) ?? "two classes")\n"
                Console.standard.output(text)
            }
        }
    }
}

enum VariantText {
    /// `host laptop (branch host/laptop)`, `shared (branch main)`.
    static func layer(_ layer: Layer) -> String {
        "\(layer.kind)\(layer.name.map { " " + $0 } ?? "") (branch \(layer.branchName))"
    }
}
