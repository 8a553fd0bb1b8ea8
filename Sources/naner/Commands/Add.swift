import ArgumentParser
import NanerCore

extension Naner {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add files or folders to the include list.",
            discussion: "Paths are absolute, or relative to the current folder (or to the home when you are outside it). 'naner commit' records them."
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "Files or folders inside the home.")
        var paths: [String]

        func run() throws {
            let workspace = try global.workspace()
            let console = Console.standard
            let changes = try workspace.add(paths)
            console.detail(counted(changes.count, "include list change"))
            for change in changes {
                switch change {
                case .added(let path): console.say("added '\(path)' to the include list")
                case .alreadyIncluded(let path, let entry):
                    console.say("'\(path)' is already managed (include list: '\(entry)')")
                case .excludedBySyncIgnore(let path, _):
                    console.say("added '\(path)' to the include list")
                    console.warning("'\(path)' stays unmanaged: .syncignore excludes it")
                    console.hint("'naner ignore check \(path)' shows the line")
                case .removed: break
                }
            }
            console.hint("'naner commit -m MSG' records the change")
        }
    }

    struct Forget: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "forget",
            abstract: "Stop managing files or folders; they stay on disk and in history.",
            discussion: "A path inside an included folder is excluded with a line in .syncignore."
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "Files or folders inside the home.")
        var paths: [String]

        func run() throws {
            let workspace = try global.workspace()
            let console = Console.standard
            let changes = try workspace.forget(paths)
            console.detail(counted(changes.count, "include list or .syncignore change"))
            for change in changes {
                switch change {
                case .removed(let path): console.say("removed '\(path)' from the include list")
                case .excludedBySyncIgnore(let path, let folder):
                    console.say("excluded '\(path)' in .syncignore" + (folder.map { " (it is inside the included '\($0)')" } ?? ""))
                case .added, .alreadyIncluded: break
                }
            }
            console.hint("'naner commit -m MSG' stops tracking them; the files stay on disk")
        }
    }
}
