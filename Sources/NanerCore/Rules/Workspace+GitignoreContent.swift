import GitKit

extension Workspace {
    /// Set in the repository's config once `.gitignore` files in the tree are content, not
    /// rules: at creation, or once a repository an earlier naner made has said what changed.
    static let gitignoreIsContentKey = "naner.gitignoreIsContent"

    /// An earlier naner read the tree's `.gitignore` files as rules, so files they named
    /// were never managed; they are now. Said once per repository, by the first status or
    /// commit, with how many such files there are, and recorded in the config.
    func announceGitignoreIsContent(_ scan: ScanResult, rules: ManagedRules) {
        // Nearly always said already: the config file names the key. Looked for in its bytes,
        // so a status need not wait for libgit2's start-up to learn it (names are
        // case-insensitive in git's config); libgit2 reads the config only when it is absent.
        if let bytes = try? FileReader.read(locations.repository + "/config"),
           bytes.lowercasedASCII.containsBytes(Array("gitignoreiscontent".utf8)) { return }
        guard let config = try? repository.config(), (try? config.string(Workspace.gitignoreIsContentKey)) == nil else { return }
        let earlier = rules.makeGitignoreReadingStack(home: locations.home)
        let hidden = scan.changes.filter { $0.kind == .added && earlier.check($0.path, isDirectory: false).ignored }.map(\.path)
        if !hidden.isEmpty {
            let named = hidden.prefix(3).map { "'\($0)'" }.joined(separator: ", ") + (hidden.count > 3 ? ", …" : "")
            interaction.warn("\(hidden.count) \(hidden.count == 1 ? "file a .gitignore hid is" : "files a .gitignore hid are") "
                + "managed now (\(named)): .gitignore files are content, not rules; exclude what must stay out in .syncignore")
        }
        try? config.set(Workspace.gitignoreIsContentKey, true)
    }
}
