import GitKit
import ArgumentParser
import FoundationEssentials
import NanerCore

extension Naner {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Create the repository and commit everything managed, or bring an existing configuration here.",
            discussion: """
                Lays the default .syncignore and include list (.naner/include) into the tree when they are \
                absent. Running it again changes nothing. With --from, brings the configuration of another \
                machine (a folder, a bare repository or an http(s) URL; credentials from the URL, NANER_TOKEN \
                or git's credential helper) onto this one: local files that differ are conflicts \
                and are kept (exit 3) unless --force, which saves them as a safety point first.
                """
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: ArgumentHelp("An existing configuration repository to start from.", valueName: "url-or-path"))
        var from: String?

        @OptionGroup var cloud: ProviderOptions

        @Flag(help: "With --from: overwrite differing local files after saving them as a safety point.")
        var force = false

        @Option(help: ArgumentHelp("This machine's host name for per-machine variants (default: the hostname up to its first dot).",
                                   valueName: "name"))
        var host: String?

        func validate() throws {
            if from != nil && cloud.provider != nil { throw ValidationError("give --from or --provider, not both") }
            if force && from == nil && cloud.provider == nil { throw ValidationError("--force needs --from or --provider") }
            if let host, !Layer.isValidName(host) {
                throw ValidationError("'\(host)' cannot be a host name: use letters, digits, '.', '_' and '-', e.g. laptop")
            }
        }

        func run() throws {
            let console = global.console()
            let locations = global.locations
            let source = try from ?? cloud.folder()
            if let given = source {
                // Never echo a password written in the URL.
                let from = HTTPCredentials.redacted(given)
                let report: Workspace.InitFromReport
                let workspace: Workspace
                do {
                    (workspace, report) = try Workspace.initialize(from: given, locations, force: force, host: host, interaction: console)
                } catch NanerError.conflicts(let conflicting) {
                    for file in conflicting { console.output("conflict: '\(file.path)' differs from the configuration (never committed here)") }
                    console.error("\(conflicting.count) local \(conflicting.count == 1 ? "file differs" : "files differ") from '\(from)'; nothing was overwritten")
                    console.hint("rerun with --force to save them as a safety point and take the configuration's versions")
                    throw ExitCode(NanerExit.conflict)
                }
                if let safety = report.safetyPoint { console.say("saved local files as safety point '\(safety)'") }
                console.detail("\(counted(report.plan.actions.count, "file")) written or removed, \(report.plan.unchangedCount) unchanged")
                let printer = RestorePrinter(console: console)
                if !report.plan.isEmpty && !console.quiet { console.output(printer.lines(report.plan, prefix: "", conflictNote: "never committed here; kept in the safety point")) }
                console.say("initialized '\(locations.repository)' for '\(locations.home)' from '\(from)' at \(report.commit.short)")
                unlockIdentity(workspace, console: console)
                layOutSecrets(workspace, console: console)
                return
            }
            let (_, outcome) = try Workspace.initialize(locations, host: host, interaction: console)
            switch outcome {
            case .alreadyInitialized:
                console.say("naner is already set up: '\(locations.repository)' manages '\(locations.home)'; nothing changed")
            case .created(let report, let laid):
                for path in laid { console.say("laid default '\(path)'") }
                CommitPrinter(console: console).printWarnings(report.scan)
                CommitPrinter(console: console).detail(report)
                console.say("initialized '\(locations.repository)' for '\(locations.home)'")
                if let commit = report.commit {
                    console.say("[main \(commit.short)] naner init: \(report.fileCount) files managed")
                }
            }
        }

        /// The secrets laid out waiting (no identity during the checkout): decrypted now
        /// when the identity was unlocked; else each is named, with the way out.
        private func layOutSecrets(_ workspace: Workspace, console: Console) {
            guard !workspace.waitingSecrets().isEmpty else { return }
            let printer = SecretPrinter(console: console)
            if workspace.hasSecretIdentity {
                do {
                    printer.print(try workspace.unlockSecrets(), workspace: workspace)
                } catch let error as NanerError {
                    console.warning("the secrets are not laid out: " + error.message)
                } catch {
                    console.warning("the secrets are not laid out: \(error)")
                }
            }
            printer.printWaiting(workspace)
        }

        /// The configuration's age identity, when it has one: unlocked with the passphrase
        /// (terminal or NANER_PASSPHRASE). Without it, or with a wrong one, everything else
        /// is in place already: a warning and the way to do it later.
        private func unlockIdentity(_ workspace: Workspace, console: Console) {
            do {
                if let key = try workspace.secretKey(create: false), key.origin == .unlocked {
                    console.say("unlocked the age identity from \(SecretIdentity.wrappedPath)")
                }
            } catch let error as NanerError {
                console.warning("the age identity is still locked: " + error.message)
                console.hint("'naner secret unlock' unlocks it with the passphrase it was made with (asked, or NANER_PASSPHRASE)")
            } catch {
                console.warning("the age identity is still locked: \(error)")
            }
        }
    }
}
