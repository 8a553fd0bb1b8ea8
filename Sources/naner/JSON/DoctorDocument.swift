import NanerCore

/// `naner doctor --json`.
struct DoctorDocument: JSONDocument {
    /// No finding is left open (fixed ones do not count).
    let healthy: Bool
    let findings: [DoctorFindingEntry]
    /// The CA and proxy settings in effect for each http(s) remote.
    let settings: [RemoteSettingEntry]

    init(_ findings: [DoctorFinding], settings: [RemoteSetting]) {
        healthy = findings.allSatisfy { $0.fixed != nil }
        self.findings = findings.map(DoctorFindingEntry.init)
        self.settings = settings.map(RemoteSettingEntry.init)
    }
}
