import ArgumentParser
import NanerCore

extension Naner {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the repository and commit everything managed.",
            discussion: "Lays the default .syncignore and include list (.naner/include) into the tree when they are absent. Running it again changes nothing."
        )

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let console = global.console()
            let locations = global.locations
            let (_, outcome) = try Workspace.initialize(locations)
            switch outcome {
            case .alreadyInitialized:
                console.say("naner is already set up: '\(locations.repository)' manages '\(locations.home)'; nothing changed")
            case .created(let report, let laid):
                for path in laid { console.say("laid default '\(path)'") }
                CommitPrinter(console: console).printWarnings(report.scan)
                console.say("initialized '\(locations.repository)' for '\(locations.home)'")
                if let commit = report.commit {
                    console.say("[main \(commit.short)] naner init: \(report.fileCount) files managed")
                }
            }
        }
    }
}
