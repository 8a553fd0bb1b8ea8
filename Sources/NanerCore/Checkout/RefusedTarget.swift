/// A target the gate refused (`TreeGate`): one line naming where it came from,
/// its commit when it has one, and the path, before anything was written.
public struct RefusedTarget: NanerFailure, Equatable {
    /// As the user named it: a tag, a remote, a URL, an archive.
    public let source: String
    /// The commit's short id; nil for an archive or a merge not yet committed.
    public let commit: String?
    public let problem: TreeProblem

    public var message: String {
        ("refusing '\(source)'" + (commit.map { " at \($0)" } ?? "") + ": '\(problem.path)' \(problem.reason.text)").onOneLine
    }

    public var hints: [String] {
        ["nothing was written: naner never writes such a path into the home; check where '\(source)' came from"]
    }

    public var exitCode: Int32 { NanerExit.failure }
}
