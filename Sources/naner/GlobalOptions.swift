import ArgumentParser
import NanerCore

enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never
}

/// Flags every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The home config tree (default: NANER_HOME, else $HOME).", valueName: "dir"))
    var home: String?

    @Option(help: ArgumentHelp("The repository (default: NANER_REPO, else ~/.local/share/naner/repo.git).", valueName: "dir"))
    var repo: String?

    @Option(help: "Colour output: auto (on a terminal, unless NO_COLOR is set), always or never.")
    var color: ColorChoice = .auto

    @Flag(name: .shortAndLong, help: "Print only errors and warnings.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Say more about what happens.")
    var verbose = false

    var locations: Locations { Locations.resolve(home: home, repository: repo) }

    /// Sets up the console for this command and returns it; with `-v`, says which
    /// home and repository the command works on.
    func console() -> Console {
        GlobalOptions.console(color: color, quiet: quiet, verbose: verbose, locations: locations)
    }

    static func console(color: ColorChoice, quiet: Bool, verbose: Bool, locations: Locations) -> Console {
        let console = Console.standard
        console.configure(color: color, quiet: quiet, verbose: verbose)
        console.detail("home: \(locations.home)")
        console.detail("repository: \(locations.repository)")
        return console
    }

    /// `openingInBackground`: see `Workspace.open`.
    func workspace(openingInBackground: Bool = true) throws -> Workspace {
        try Workspace.open(locations, interaction: console(), openingInBackground: openingInBackground)
    }
}
