import NanerCore

/// One file of a restore plan in `restore --json`.
struct RestoreActionEntry: Encodable {
    let path: String
    /// `restore`, `overwrite` or `remove`.
    let action: String
    let conflict: Bool
    let permissionsOnly: Bool

    init(_ action: RestorePlan.Action) {
        path = action.path
        self.action = action.verb.rawValue
        conflict = action.conflict
        permissionsOnly = action.modeOnly
    }
}
