import NanerCore

/// git's habit: global options before the subcommand (`naner --home DIR status`).
/// swift-argument-parser reads options after the subcommand that declares them, so the
/// ones every command shares are moved there before parsing.
enum GlobalArguments {
    /// Options that take a value, and flags, that every command accepts (`GlobalOptions`).
    /// Arrays, not sets: the first `Set<String>` a process builds looks up `Hashable` among
    /// every conformance in the binary (a tenth of `naner --version`'s instructions).
    static let valued = ["--home", "--repo", "--color"]
    static let flags = ["-q", "--quiet", "-v", "--verbose"]

    /// `[--home X, status, --short]` → `[status, --home X, --short]`. Anything else
    /// before the subcommand (`--version`, `--help`, an unknown option) stops the move,
    /// so the parser reports it as it would.
    static func reordered(_ arguments: [String]) -> [String] {
        var moved: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            if flags.contains(argument) {
                moved.append(argument)
                index += 1
            } else if valued.contains(name) {
                moved.append(argument)
                if !argument.contains("="), index + 1 < arguments.count {
                    moved.append(arguments[index + 1])
                    index += 1
                }
                index += 1
            } else {
                break
            }
        }
        guard !moved.isEmpty, index < arguments.count, !arguments[index].hasPrefix("-") else { return arguments }
        // The subcommand (and a sub-subcommand, such as `remote add`) stays first.
        var command = [arguments[index]]
        var rest = Array(arguments[(index + 1)...])
        if let next = rest.first, !next.hasPrefix("-"), subcommandsWithChildren.contains(command[0]) {
            command.append(next)
            rest.removeFirst()
        }
        return command + moved + rest
    }

    /// Commands whose first word may be a subcommand of their own.
    static let subcommandsWithChildren = ["remote", "ignore", "backups"]
}

/// The options of a command that shells and scripts run often, read without
/// swift-argument-parser: parsing even one command reflects over its options, 40% of
/// the instructions of a clean status on a 150-file home. The global `--home`, `--repo`,
/// `--color`, `-q`, `-v` and the command's own `flags` and `valued` options, each at
/// most once, `--name value` or `--name=value`. Anything else (help, a repeated or
/// unknown option, a value that looks like an option): nil, and the parser reads the
/// line, with its usual errors.
struct QuickArguments {
    // Arrays, not a dictionary and a set: a handful of options, and the first hashed
    // collection of Strings a process builds looks up `Hashable` among every
    // conformance in the binary.
    private var named: [(name: String, value: String)] = []
    private(set) var flags: [String] = []
    /// Arguments that are not options, in order (at most `positionals` of them).
    private(set) var positionals: [String] = []

    init?(_ arguments: ArraySlice<String>, flags allowedFlags: [String], valued allowedValued: [String], positionals allowed: Int = 0) {
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            index += 1
            if !argument.hasPrefix("-") {
                guard positionals.count < allowed else { return nil }
                positionals.append(argument)
                continue
            }
            if GlobalArguments.flags.contains(argument) || allowedFlags.contains(argument) {
                guard !flags.contains(argument) else { return nil }
                flags.append(argument)
                continue
            }
            let parts = argument.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            guard GlobalArguments.valued.contains(name) || allowedValued.contains(name), value(name) == nil else { return nil }
            if parts.count == 2 {
                guard name.hasPrefix("--") else { return nil }  // `-n=5` is the parser's to judge
                named.append((name, String(parts[1])))
            } else {
                guard index < arguments.endIndex, !arguments[index].hasPrefix("-") else { return nil }
                named.append((name, arguments[index]))
                index += 1
            }
        }
        if let color = value("--color"), ColorChoice(rawValue: color) == nil { return nil }
    }

    /// The value given to option `name`, if any.
    func value(_ name: String) -> String? { named.first { $0.name == name }?.value }

    func has(_ flag: String...) -> Bool { flag.contains(where: flags.contains) }

    var locations: Locations { Locations.resolve(home: value("--home"), repository: value("--repo")) }

    /// The console as GlobalOptions.console() sets it up.
    func console() -> Console {
        GlobalOptions.console(color: value("--color").flatMap(ColorChoice.init(rawValue:)) ?? .auto,
                              quiet: has("-q", "--quiet"), verbose: has("-v", "--verbose"), locations: locations)
    }
}
