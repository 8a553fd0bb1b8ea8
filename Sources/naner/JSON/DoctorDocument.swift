import NanerCore

/// `naner doctor --json`.
struct DoctorDocument: JSONDocument {
    /// No finding is left open (fixed ones do not count).
    let healthy: Bool
    let findings: [DoctorFindingEntry]
    /// The CA and proxy settings in effect for each http(s) remote.
    let settings: [RemoteSettingEntry]
    /// Files committed although a secret rule matches them (`.naner/allowed-secrets`).
    let allowedSecrets: [AllowedSecretEntry]

    struct AllowedSecretEntry: Encodable {
        let path: String
        /// A rule id, or `*` for every rule.
        let rule: String
    }

    init(_ findings: [DoctorFinding], settings: [RemoteSetting], allowed: SecretAllowList) {
        healthy = findings.allSatisfy { $0.fixed != nil }
        self.findings = findings.map(DoctorFindingEntry.init)
        self.settings = settings.map(RemoteSettingEntry.init)
        allowedSecrets = allowed.entries.map { AllowedSecretEntry(path: $0.path, rule: $0.rule ?? "*") }
    }
}
