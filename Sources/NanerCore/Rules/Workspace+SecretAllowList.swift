extension Workspace {
    /// What `naner secret allow` did.
    public struct SecretAllowReport: Sendable {
        public let path: String
        /// nil: every rule.
        public let rule: String?
        /// False when `.naner/allowed-secrets` allowed it already.
        public let added: Bool
        /// What the file matches now, before the allowance (nil: nothing, or not readable).
        public let matchesNow: SecretFinding?
        /// What it still matches once allowed: a rule the allowance does not cover.
        public let stillRefused: SecretFinding?
    }

    /// `naner secret allow PATH [--rule ID]`: records in the tracked `.naner/allowed-secrets`
    /// that `PATH` may match `rule` (or any rule), so the next commit records it.
    public func allowSecret(_ argument: String, rule: String?) throws -> SecretAllowReport {
        if let rule, !SecretRules.ids.contains(rule) { throw NanerError.unknownSecretRule(rule) }
        try lockRepository()
        let path = try treePath(argument)
        let absolute = locations.home + "/" + path
        guard let status = FileStat(path: absolute) else { throw NanerError.pathMissing(argument) }
        if path.contains("\n") || path.contains("\r") { throw NanerError.unrepresentablePath(path, reason: "its name holds a line break") }
        if ManagedRules.ownFiles.contains(path) { throw NanerError.ownFile(path) }
        var list = SecretAllowList.load(home: locations.home)
        let added = list.allow(path, rule: rule)
        if added {
            do {
                try AtomicFile.write(Array(list.text.utf8), to: locations.home + "/" + SecretAllowList.path, mode: 0o644)
            } catch {
                throw NanerError.cannotWrite(SecretAllowList.path, reason: "\(error)")
            }
        }
        // Read only to say what the allowance changes; a large file is not read whole.
        var matchesNow: SecretFinding?, stillRefused: SecretFinding?
        if status.size <= Workspace.defaultSizeLimit, let bytes = try? status.isSymlink ? FileReader.readLink(absolute) : FileReader.read(absolute) {
            matchesNow = SecretGuard.findSecret(in: bytes)
            stillRefused = SecretGuard.findSecret(in: bytes, allowing: list.allowance(for: path))
        }
        return SecretAllowReport(path: path, rule: rule, added: added, matchesNow: matchesNow, stillRefused: stillRefused)
    }
}
