import FoundationEssentials

extension Workspace {
    /// A command-line path → path relative to the home. Relative paths are taken
    /// from the current folder when it is inside the home, else from the home itself.
    public func treePath(_ argument: String, currentDirectory: String = FileManager.default.currentDirectoryPath) throws -> String {
        // Taken literally: on Linux a backslash is part of a name. (`.syncignore` and the
        // include list read it as a separator, for files written on Windows.)
        let base = Paths.relative(Paths.normalize(currentDirectory), to: locations.home) != nil ? currentDirectory : locations.home
        let absolute = Paths.absolute(argument, relativeTo: base)
        guard let relative = Paths.relative(absolute, to: locations.home) else {
            throw NanerError.pathOutsideHome(argument, home: locations.home)
        }
        guard !relative.isEmpty else { throw NanerError.pathOutsideHome(argument, home: locations.home) }
        return relative
    }

    public enum IncludeChange: Sendable {
        case added(String)
        case alreadyIncluded(String, by: String)
        case removed(String)
        /// `inside`: the included folder it lies in, when the exclusion was added to keep it out.
        case excludedBySyncIgnore(String, inside: String?)
    }

    /// `naner add PATH…`: grows the include list. A file already inside an included
    /// folder is managed already, unless it is over the size limit, where the
    /// explicit entry is what lets it be committed.
    public func add(_ arguments: [String]) throws -> [IncludeChange] {
        try lockRepository()
        // A `.syncignore` line that cannot be translated stops the command before any change.
        let rules = try refreshRules()
        var list = try currentIncludeList()
        var changes: [IncludeChange] = []
        let sizeLimit = try self.sizeLimit
        for argument in arguments {
            let path = try treePath(argument)
            guard let status = PathStatus(path: locations.home + "/" + path) else { throw NanerError.pathMissing(argument) }
            if path.contains("\n") || path.contains("\r") {
                throw NanerError.unrepresentablePath(path, reason: "its name holds a line break")
            }
            if path.contains("\\") {
                throw NanerError.unrepresentablePath(path, reason: "the include list reads a backslash as a folder separator")
            }
            if ManagedRules.ownFiles.contains(path) { throw NanerError.ownFile(path) }
            if case .escapingLink(let link, let target)? = checkout.escapingLinks([path]).first?.reason {
                throw NanerError.pathThroughLink(path, link: link, target: target)
            }
            if let link = linkAbove(path) {
                // git stores the link and never looks below it; so does naner.
                let stored = !rules.makeStack(home: locations.home).check(link.path, isDirectory: false).ignored
                let resolved = URL(fileURLWithPath: locations.home + "/" + path).resolvingSymlinksInPath().path
                let realHome = URL(fileURLWithPath: locations.home).resolvingSymlinksInPath().path
                let livesAt = Paths.relative(resolved, to: realHome).flatMap { $0.isEmpty || linkAbove($0) != nil ? nil : $0 }
                throw NanerError.pathBelowLink(path, link: link.path, target: link.target, stored: stored, livesAt: livesAt)
            }
            let isFolder = status.kind == .directory
            if let existing = list.entry(covering: path),
               existing.path == path || isFolder || status.size <= sizeLimit {
                changes.append(.alreadyIncluded(path, by: existing.written))
                continue
            }
            _ = list.remove(pathAndBelow: path)
            list.append(path: path, isFolder: isFolder)
            changes.append(.added(isFolder ? path + "/" : path))
        }
        try saveIncludeList(list)
        // Say when .syncignore will still keep the new entry out.
        let stack = try refreshRules().makeStack(home: locations.home)
        return changes.map { change in
            if case .added(let written) = change {
                let path = written.hasSuffix("/") ? String(written.dropLast()) : written
                let decision = stack.check(path, isDirectory: written.hasSuffix("/"))
                if decision.ignored, let rule = decision.deciding?.origin, rule.file == SyncIgnore.path {
                    return .excludedBySyncIgnore(written, inside: nil)
                }
            }
            return change
        }
    }

    /// `naner forget PATH…`: shrinks the include list. A path inside an included
    /// folder cannot be cut out of that entry, so it gets an anchored line in
    /// `.syncignore` instead. The files stay on disk and in history.
    public func forget(_ arguments: [String]) throws -> [IncludeChange] {
        try lockRepository()
        // Before any change: an untranslatable `.syncignore` (text that is not UTF-8
        // above all) would otherwise be read as missing below, and replaced.
        try refreshRules()
        var list = try currentIncludeList()
        var changes: [IncludeChange] = []
        var exclusions: [String] = []
        for argument in arguments {
            let path = try treePath(argument)
            if ManagedRules.ownFiles.contains(path) || path == ".naner" { throw NanerError.ownFile(path) }
            let removed = list.remove(pathAndBelow: path)
            if !removed.isEmpty {
                changes += removed.map { .removed($0.written) }
                if list.entry(covering: path) == nil { continue }
            }
            guard let folder = list.entry(covering: path) else {
                if removed.isEmpty { throw NanerError.pathNotManaged(argument) }
                continue
            }
            if let link = linkAbove(path) {
                // Nothing below a link is stored: an exclusion would keep out nothing today and,
                // were the link ever replaced by a folder, a file nobody asked to leave out.
                if removed.isEmpty { throw NanerError.forgetBelowLink(path, link: link.path, target: link.target) }
                continue
            }
            let isFolder = PathStatus.kind(locations.home + "/" + path) == .directory
            exclusions.append("/" + SyncIgnore.literal(path) + (isFolder ? "/" : ""))
            changes.append(.excludedBySyncIgnore(path + (isFolder ? "/" : ""), inside: folder.written))
        }
        try saveIncludeList(list)
        if !exclusions.isEmpty {
            let syncIgnorePath = locations.home + "/" + SyncIgnore.path
            var text = (try? String(contentsOfFile: syncIgnorePath, encoding: .utf8)) ?? DefaultFiles.syncIgnore
            if !text.isEmpty && text.utf8.last != 0x0A { text += "\n" }
            text += "# naner forget\n" + exclusions.map { $0 + "\n" }.joined()
            try AtomicFile.write(Array(text.utf8), to: syncIgnorePath, mode: 0o644)
        }
        try refreshRules()
        return changes
    }

    /// `naner ignore check PATH…`: managed or not, and which line of which file decides.
    public func checkIgnore(_ arguments: [String]) throws -> [IgnoreVerdict] {
        let rules = try refreshRules()
        let stack = rules.makeStack(home: locations.home)
        return try arguments.map { argument in
            let path = try treePath(argument)
            var isDirectory = argument.hasSuffix("/")
            if !isDirectory, let kind = PathStatus.kind(locations.home + "/" + path) {
                isDirectory = kind == .directory
            }
            if let link = linkAbove(path) {
                // As git: a path beyond a symbolic link is never stored, only the link is.
                let decision = stack.check(link.path, isDirectory: false)
                return IgnoreVerdict(path: path + (isDirectory && !path.hasSuffix("/") ? "/" : ""), managed: false,
                                     rule: verdictRule(link.path, decision: decision, rules: rules),
                                     link: .init(path: link.path, target: link.target, stored: !decision.ignored))
            }
            let decision = stack.check(path, isDirectory: isDirectory)
            return IgnoreVerdict(path: path + (isDirectory && !path.hasSuffix("/") ? "/" : ""),
                                 managed: !decision.ignored, rule: verdictRule(path, decision: decision, rules: rules))
        }
    }

    /// The line to name for a decision: a managed path that no exclusion matched is
    /// managed because of its include entry (or because it is naner's own file).
    private func verdictRule(_ path: String, decision: (ignored: Bool, deciding: GitignoreRule?), rules: ManagedRules) -> RuleOrigin? {
        var rule = decision.deciding?.origin
        if !decision.ignored && (rule == nil || rule == ManagedRules.notIncluded) {
            if ManagedRules.ownFiles.contains(path) {
                rule = ManagedRules.ownFile
            } else if let entry = rules.includeList.entry(covering: path) {
                rule = RuleOrigin(file: IncludeList.path, line: entry.line, text: entry.written)
            }
        }
        return rule
    }

    /// The first folder on the way to `path` (relative to the home) that is a symbolic
    /// link, with its target as written; nil when none is.
    func linkAbove(_ path: String) -> (path: String, target: String)? {
        var folder = ""
        for component in path.split(separator: "/").dropLast() {
            folder += (folder.isEmpty ? "" : "/") + component
            guard let kind = PathStatus.kind(locations.home + "/" + folder) else { return nil }
            guard kind == .symlink else { continue }
            let target = (try? FileReader.readLink(locations.home + "/" + folder)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            return (folder, target)
        }
        return nil
    }

    /// The generated rules, as `REPO/info/exclude` holds them.
    public func ignoreRulesText() throws -> String {
        try refreshRules().excludeFileText
    }

    private func currentIncludeList() throws -> IncludeList {
        let text = try ManagedRules.readTreeFile(locations.home + "/" + IncludeList.path) ?? DefaultFiles.includeList
        return try IncludeList(text: text)
    }

    private func saveIncludeList(_ list: IncludeList) throws {
        try AtomicFile.write(Array(list.text.utf8), to: locations.home + "/" + IncludeList.path, mode: 0o644)
    }
}
