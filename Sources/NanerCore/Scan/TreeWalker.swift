
/// Lists the managed part of the tree and nothing else: a folder is opened
/// only when the rules keep it, so caches and projects beside the managed set
/// cost one directory entry each, never a walk. Uses `d_type` so listing needs
/// no `stat` per entry.
///
/// Given the folders an earlier walk listed (`remembered`, see `WalkCache`), a
/// folder whose stat data is as recorded is not listed again: its recorded
/// entries are used. Only the include list and `.syncignore` decide what is
/// kept: a `.gitignore` file in the tree is content like any other file.
final class TreeWalker {
    struct Found {
        var path: String
        var isSymlink: Bool
    }

    let root: String
    let stack: IgnoreStack
    private(set) var files: [Found] = []
    /// Problems that make a path unmanageable (git shows these as untracked too).
    private(set) var skipped: [(path: String, reason: String)] = []
    /// Entries git does not show at all (FIFOs, sockets, devices): said once, never blocking.
    private(set) var notices: [(path: String, reason: String)] = []
    /// Every folder walked, with its entries and the stat data a `WalkCache` checks next time.
    private(set) var folders: [WalkCache.Folder] = []
    /// False when some folder could not be listed: such a walk is not worth remembering.
    private(set) var listedEveryFolder = true
    /// Whether some folder listed now holds other entries (or problems) than it had
    /// when remembered, or was not remembered: only then can the walk's result differ.
    private(set) var changedListing = false
    /// Whether some folder listed now can be trusted next time with new stat data:
    /// then remembering this walk again spares listing it next time.
    private(set) var settledNewly = false
    /// Folders listed from the disk, and folders whose remembered listing was used (`-v`).
    private(set) var listedCount = 0
    private(set) var reusedCount = 0

    private let remembered: [String: WalkCache.Folder]
    /// When the walk started: a folder changed since (or just before) is recorded as racy.
    private let start: Timestamp
    /// False to list folders one by one, without what is below them (`relist`).
    private let descends: Bool

    init(root: String, stack: IgnoreStack, remembered: [WalkCache.Folder] = [], start: Timestamp = Clock.fileSystemNow, descends: Bool = true) {
        self.root = root
        self.stack = stack
        self.start = start
        self.descends = descends
        var byPath: [String: WalkCache.Folder] = [:]
        for folder in remembered { byPath[folder.path] = folder }
        self.remembered = byPath
    }

    func walk() {
        walk(directory: "")
    }

    /// `directory` is "" for the root, else a relative path ending in `/`.
    private func walk(directory: String) {
        let folderPath = String(directory.dropLast())
        let absolute = directory.isEmpty ? root : root + "/" + folderPath
        let known = remembered[folderPath]
        if let known, known.isTrusted, WalkCache.StatKey.of(absolute, following: directory.isEmpty) == known.key {
            replay(known, directory: directory)
        } else {
            list(directory: directory, absolute: absolute, known: known)
        }
    }

    /// Uses what an earlier walk recorded for an unchanged folder.
    private func replay(_ folder: WalkCache.Folder, directory: String) {
        reusedCount += 1
        folders.append(folder)
        for problem in folder.problems {
            if problem.isNotice { notices.append((problem.path, problem.reason)) } else { skipped.append((problem.path, problem.reason)) }
        }
        for entry in folder.entries {
            switch entry.kind {
            case .folder: walk(directory: directory + entry.name + "/")
            case .file: files.append(Found(path: directory + entry.name, isSymlink: false))
            case .link: files.append(Found(path: directory + entry.name, isSymlink: true))
            }
        }
    }

    private func list(directory: String, absolute: String, known: WalkCache.Folder?) {
        listedCount += 1
        let stream: DirectoryStream
        do {
            stream = try DirectoryStream(path: absolute)
        } catch {
            skipped.append((directory, "cannot read folder: " + error.reason))
            listedEveryFolder = false
            return
        }
        // Stat data before the listing: a change while listing shows as a changed folder next time.
        guard let status = stream.status else {
            listedEveryFolder = false
            return
        }
        let record = folders.count
        let key = WalkCache.StatKey(status)
        folders.append(WalkCache.Folder(path: String(directory.dropLast()), key: key,
                                        mode: status.permissions, isRacy: !key.isSettled(before: start)))
        func problem(_ path: String, _ reason: String, notice: Bool = false) {
            if notice { notices.append((path, reason)) } else { skipped.append((path, reason)) }
            folders[record].problems.append(WalkCache.Problem(path: path, reason: reason, isNotice: notice))
        }
        var entries: [(name: String, kind: FileKind?)] = []
        while let entry = stream.next() {
            let name = entry.name
            guard entry.isValidUTF8 else {
                // Swift strings, git's tools and other machines would each see another name.
                problem(directory + name, "its name is not valid UTF-8; rename it to manage it")
                continue
            }
            if name == ".git" {
                // A folder with its own repository belongs to that repository, as git sees it.
                if !directory.isEmpty {
                    problem(String(directory.dropLast()), "a git repository of its own")
                    compare(folders[record], with: known)
                    return
                }
                continue
            }
            entries.append((name, entry.kind))
        }
        for (name, listedKind) in entries {
            guard let kind = listedKind ?? PathStatus.kind(absolute + "/" + name) else { continue }
            let isDirectory = kind == .directory
            if stack.isIgnoredEntry(parentDirectory: directory, name: name, isDirectory: isDirectory) { continue }
            let path = directory + name
            switch kind {
            case .directory:
                folders[record].entries.append(WalkCache.Entry(name: name, kind: .folder))
                if descends { walk(directory: path + "/") }
            case .file:
                folders[record].entries.append(WalkCache.Entry(name: name, kind: .file))
                files.append(Found(path: path, isSymlink: false))
            case .symlink:
                folders[record].entries.append(WalkCache.Entry(name: name, kind: .link))
                files.append(Found(path: path, isSymlink: true))
            default:
                problem(path, "not a regular file, link or folder", notice: true)
            }
        }
        compare(folders[record], with: known)
    }

    /// Compares a folder just listed with what was remembered of it.
    private func compare(_ folder: WalkCache.Folder, with known: WalkCache.Folder?) {
        guard let known, folder.entries == known.entries, folder.problems == known.problems,
              folder.mode == known.mode else {
            changedListing = true
            return
        }
        if folder.isTrusted && (folder.key != known.key || !known.isTrusted) { settledNewly = true }
    }

    /// The remembered walk with the folders at `positions` (those whose stat data changed,
    /// or that were racy) listed again, each alone. When each holds the entries, problems
    /// and mode it held, nothing the walk found can differ, and its result
    /// against the index holds. nil as soon as one differs: then only a walk will do.
    /// `settledNewly`: some folder can be trusted from now on, so the walk is worth saving.
    static func relist(_ positions: [Int], of remembered: WalkCache, root: String, stack: IgnoreStack,
                       start: Timestamp) -> (walk: WalkCache, settledNewly: Bool)? {
        var walk = remembered
        guard walk.loadEntries(of: Set(positions)) else { return nil }
        let walker = TreeWalker(root: root, stack: stack, start: start, descends: false)
        for position in positions {
            let path = walk.folders[position].path
            let absolute = path.isEmpty ? root : root + "/" + path
            walker.list(directory: path.isEmpty ? "" : path + "/", absolute: absolute, known: walk.folders[position])
            guard walker.listedEveryFolder, !walker.changedListing, let listed = walker.folders.last else { return nil }
            walk.folders[position] = listed
        }
        return (walk, walker.settledNewly)
    }
}
