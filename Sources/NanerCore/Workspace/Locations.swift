import FoundationEssentials

/// Where the managed tree and its repository are, from flags, then environment, then defaults.
public struct Locations: Sendable {
    /// Absolute path of the home config tree, without a trailing slash.
    public let home: String
    /// Absolute path of the git dir, without a trailing slash.
    public let repository: String

    public init(home: String, repository: String) {
        self.home = Paths.normalize(home)
        self.repository = Paths.normalize(repository)
    }

    /// `--home`, `NANER_HOME`, `$HOME`; `--repo`, `NANER_REPO`, `${XDG_DATA_HOME:-$HOME/.local/share}/naner/repo.git`.
    public static func resolve(home: String?, repository: String?) -> Locations {
        resolve(home: home, repository: repository, variable: Environment.nonEmpty)
    }

    /// The same, with the variables of `environment`.
    public static func resolve(home: String?, repository: String?, environment: [String: String]) -> Locations {
        resolve(home: home, repository: repository) { environment[$0].flatMap { $0.isEmpty ? nil : $0 } }
    }

    private static func resolve(home: String?, repository: String?, variable: (String) -> String?) -> Locations {
        let userHome = variable("HOME") ?? UserAccount.home
        let tree = home ?? variable("NANER_HOME") ?? userHome
        let dataHome = variable("XDG_DATA_HOME") ?? userHome + "/.local/share"
        let repo = repository ?? variable("NANER_REPO") ?? dataHome + "/naner/repo.git"
        return Locations(home: Paths.absolute(tree), repository: Paths.absolute(repo))
    }

    /// The repository's path relative to the home, when it lies inside it (so the
    /// rules can keep it out of the managed set).
    public var repositoryInsideHome: String? {
        repository.hasPrefix(home + "/") ? String(repository.dropFirst(home.count + 1)) : nil
    }

    public func checkHome() throws {
        // A stat, not FileManager: making FileManager.default was the slowest step of a
        // status before its thread reading the index could start.
        guard let status = PathStatus(path: home, following: true) else { throw NanerError.homeMissing(home) }
        guard status.kind == .directory else { throw NanerError.homeNotDirectory(home) }
    }
}
