import NanerCore

/// One finding of `doctor --json`.
struct DoctorFindingEntry: Encodable {
    let check: String
    let message: String
    let hint: String
    /// What `--fix` did about it; left out when it stays open.
    let fixed: String?

    init(_ finding: DoctorFinding) {
        check = finding.check.rawValue
        message = finding.message
        hint = finding.hint
        fixed = finding.fixed
    }
}
