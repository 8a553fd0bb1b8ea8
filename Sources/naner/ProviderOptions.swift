import ArgumentParser
import FoundationEssentials
import NanerCore

/// `--provider P [--path DIR]`, shared by `sync` and `init`.
struct ProviderOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A cloud folder: dropbox, onedrive, googledrive or custom (with --path).", valueName: "provider"))
    var provider: String?

    @Option(help: ArgumentHelp("The bare repository's folder for --provider custom.", valueName: "dir"))
    var path: String?

    var cloudProvider: CloudProvider? { provider.flatMap { CloudProvider(rawValue: $0.lowercased()) } }

    func validate() throws {
        if let provider, cloudProvider == nil {
            throw ValidationError("unknown provider '\(provider)': use dropbox, onedrive, googledrive or custom")
        }
        if path != nil && cloudProvider != .custom { throw ValidationError("--path goes with --provider custom") }
    }

    /// The provider's bare repository for the user's own home (not the managed tree).
    func folder() throws -> String? {
        try cloudProvider?.folder(userHome: ProcessInfo.processInfo.environment["HOME"] ?? UserAccount.home, customPath: path)
    }
}
