import NanerCore

/// One CA or proxy setting of `doctor --json`.
struct RemoteSettingEntry: Encodable {
    let remote: String
    /// `ca-file`, `ca-path`, `ssl-verify` or `proxy`.
    let setting: String
    let value: String
    /// `env`, `config` or `default`.
    let source: String
    /// The variable or key that set it, or why there is none.
    let origin: String

    init(_ setting: RemoteSetting) {
        remote = setting.remote
        self.setting = setting.kind.rawValue
        value = setting.value
        source = setting.source.rawValue
        origin = setting.origin
    }
}
