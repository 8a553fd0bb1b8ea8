/// git's habit: global options before the subcommand (`naner --home DIR status`).
/// swift-argument-parser reads options after the subcommand that declares them, so the
/// ones every command shares are moved there before parsing.
enum GlobalArguments {
    /// Options that take a value, and flags, that every command accepts (`GlobalOptions`).
    static let valued: Set<String> = ["--home", "--repo", "--color"]
    static let flags: Set<String> = ["-q", "--quiet", "-v", "--verbose"]

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
    static let subcommandsWithChildren: Set<String> = ["remote", "ignore", "backups"]
}
