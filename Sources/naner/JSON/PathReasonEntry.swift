import NanerCore

/// A refused or skipped path and why, in `status --json`.
struct PathReasonEntry: Encodable {
    let path: String
    let reason: String

    init(_ problem: PathProblem) {
        path = problem.path
        reason = problem.reason
    }
}
