import GitKit

extension Workspace {
    /// Set in the repository's config once its `.syncignore` excludes the credential stores
    /// the shipped default names: at creation, or after a commit added the missing lines.
    static let credentialStoresKey = "naner.credentialStoresExcluded"

    /// The shipped `.syncignore`'s "Credential stores" block: files that hold only logins
    /// and tokens (`~/.config/git/credentials` is git's credential store under XDG).
    static var credentialStoreLines: [String] {
        let text = DefaultFiles.syncIgnore
        guard let start = text.firstRange(of: "# Credential stores") else { return [] }
        return text[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false).dropFirst().prefix { !$0.isEmpty }.map(String.init)
    }

    /// A `.syncignore` laid by an earlier naner lacks the credential stores: the guard refused
    /// them by content, with a warning at every commit. The first commit adds the missing
    /// lines (and records the change), says so once, and notes it in the config, so a line
    /// the user deletes afterwards stays deleted.
    func addCredentialStoreExclusions() throws {
        guard let config = try? repository.config(), (try? config.string(Workspace.credentialStoresKey)) == nil else { return }
        let path = locations.home + "/" + SyncIgnore.path
        // No `.syncignore`: the shipped default applies, which has them.
        if let status = FileStat(path: path), !status.isSymlink, let bytes = try? FileReader.read(path) {
            var text = String(decoding: bytes, as: UTF8.self)
            let present = Set(text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map { $0.trimmingSpaces() })
            let missing = Workspace.credentialStoreLines.filter { !present.contains($0) }
            if !missing.isEmpty {
                if !text.isEmpty && text.utf8.last != 0x0A { text += "\n" }
                text += "\n# Credential stores: tools' own files that hold only logins and tokens (added by naner)\n"
                    + missing.joined(separator: "\n") + "\n"
                try AtomicFile.write(Array(text.utf8), to: path, mode: status.mode & 0o7777)
                let named = missing.prefix(2).map { "'\($0)'" }.joined(separator: ", ") + (missing.count > 2 ? ", …" : "")
                interaction.warn("added \(missing.count) credential \(missing.count == 1 ? "store" : "stores") to .syncignore (\(named)):"
                                 + " they hold only logins and tokens; this commit records the change")
            }
        }
        try? config.set(Workspace.credentialStoresKey, true)
    }
}
