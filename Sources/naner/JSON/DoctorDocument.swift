import NanerCore

/// `naner doctor --json`.
struct DoctorDocument: JSONDocument {
    /// No finding is left open (fixed ones do not count).
    let healthy: Bool
    let findings: [DoctorFindingEntry]

    init(_ findings: [DoctorFinding]) {
        healthy = findings.allSatisfy { $0.fixed != nil }
        self.findings = findings.map(DoctorFindingEntry.init)
    }
}
