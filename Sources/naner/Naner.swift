import ArgumentParser
import FoundationEssentials
import Glibc
import NanerCore

/// naner: keeps a home folder's configuration in a git repository.
@main
struct Naner: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "naner",
        abstract: "Keep your configuration files safe and in step, in a git repository.",
        discussion: """
            The home config tree is $HOME (--home, NANER_HOME); the repository is \
            ${XDG_DATA_HOME:-~/.local/share}/naner/repo.git (--repo, NANER_REPO). \
            Exit codes: 0 success, 1 failure, 3 stopped because of conflicts, 64 bad usage.
            """,
        version: version,
        subcommands: [
            Init.self, Status.self, Prompt.self, Diff.self, Add.self, Forget.self, Commit.self, Log.self,
            Backup.self, Backups.self, Show.self, Restore.self, Remote.self, Sync.self, Ignore.self, Secret.self, Variant.self, Machine.self, Doctor.self, ScheduleCommand.self,
        ]
    )

    /// Parse errors become one `error:` line and exit 64; naner's own errors print
    /// `error:` and `hint:` lines and exit with their code.
    static func main() {
        // Past a file size limit (a full quota), a write should fail with EFBIG and be
        // reported, not kill naner between a temporary file and its rename.
        signal(SIGXFSZ, SIG_IGN)
        let code = runReportingErrors()
        Workspace.finishBackgroundWork()
        if Workspace.mustEndAbruptly {
            fflush(nil)
            _exit(code)
        }
        Glibc.exit(code)
    }

    /// Runs the command and returns its exit code; errors are printed here.
    private static func runReportingErrors() -> Int32 {
        do {
            let arguments = GlobalArguments.reordered(Array(CommandLine.arguments.dropFirst()))
            if let quickRun = quickRun(arguments.first ?? ""), let quick = quickRun(arguments.dropFirst()) {
                try quick()
                return 0
            }
            if var fast = try fastPath(arguments) {
                try fast.run()
                return 0
            }
            var command = try parseAsRoot(arguments)
            try command.run()
            return 0
        } catch let exit as ExitCode {
            return exit.rawValue
        } catch let error as NanerFailure {
            return Console.standard.report(error)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                return 0
            }
            let message = self.message(for: error)
            if code.rawValue == EX_USAGE || error is ValidationError {
                let line = message.split(separator: "\n").first.map(String.init) ?? message
                Console.standard.error(line.lowercasedFirstLetter)
                Console.standard.hint("see 'naner help' for usage")
                return ExitCode.validationFailure.rawValue
            }
            Console.standard.error(message.isEmpty ? "\(error)" : message.lowercasedFirstLetter)
            return NanerExit.failure
        }
    }
}

extension Naner {
    /// Commands a shell runs at every prompt, parsed without the whole command tree:
    /// swift-argument-parser's root parse reflects over every subcommand's options first,
    /// which was a fifth of a prompt on a small home. Help, completion and anything
    /// unusual take the ordinary path, so their output stays as it was.
    static func fastPath(_ arguments: [String]) throws -> (any ParsableCommand)? {
        if arguments == ["--version"] {
            return PrintVersion()
        }
        guard let name = arguments.first, name == "prompt" || quickCommand(name) != nil,
              !arguments.contains(where: { $0 == "-h" || $0 == "--help" || $0 == "-help" || $0.hasPrefix("--generate-") || $0 == "--experimental-dump-help" })
        else { return nil }
        if name == "prompt" { return try Prompt.parse(Array(arguments.dropFirst())) }
        // The root parse was 44% of a clean status's instructions on a 150-file home. Any
        // error goes back to the root parse, so messages stay exactly as they were.
        return try? quickCommand(name)!.parse(Array(arguments.dropFirst()))
    }

    // Both lookups are switches, not dictionaries: the first dictionary or set a process
    // builds looks up `Hashable` among every conformance in the binary, a tenth of what
    // `naner --version` executes.

    /// Commands a shell prompt or script runs most, with their usual options read by hand
    /// (QuickArguments); nil sends the line to the parser.
    static func quickRun(_ name: String) -> ((ArraySlice<String>) -> (() throws -> Void)?)? {
        switch name {
        case "prompt": Prompt.quickRun
        case "status": Status.quickRun
        case "log": Log.quickRun
        case "commit": Commit.quickRun
        case "backup": Backup.quickRun
        case "diff": Diff.quickRun
        case "restore": Restore.quickRun
        default: nil
        }
    }

    /// Commands without subcommands of their own that small homes run most, parsed alone.
    static func quickCommand(_ name: String) -> (any ParsableCommand.Type)? {
        switch name {
        case "status": Status.self
        case "log": Log.self
        case "diff": Diff.self
        case "commit": Commit.self
        case "backup": Backup.self
        case "restore": Restore.self
        default: nil
        }
    }

    /// `naner --version`, as the parser prints it.
    struct PrintVersion: ParsableCommand {
        func run() { print(Naner.version) }
    }
}

extension String {
    var lowercasedFirstLetter: String {
        guard let first else { return self }
        // Keep acronyms and quoted names as they are.
        let second = dropFirst().first
        if second?.isUppercase == true { return self }
        return first.lowercased() + dropFirst()
    }
}
