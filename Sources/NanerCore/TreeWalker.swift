import Glibc

/// Lists the managed part of the tree and nothing else: a folder is opened
/// only when the rules keep it, so caches and projects beside the managed set
/// cost one directory entry each, never a walk. Uses `d_type` so listing needs
/// no `stat` per entry.
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
    /// Every folder listed, with the stat data a `WalkCache` checks next time.
    private(set) var folders: [WalkCache.Folder] = []
    /// False when some folder could not be listed: such a walk is not worth remembering.
    private(set) var listedEveryFolder = true

    init(root: String, stack: IgnoreStack) {
        self.root = root
        self.stack = stack
    }

    func walk() {
        walk(directory: "")
    }

    /// `directory` is "" for the root, else a relative path ending in `/`.
    private func walk(directory: String) {
        let absolute = directory.isEmpty ? root : root + "/" + String(directory.dropLast())
        guard let handle = opendir(absolute) else {
            skipped.append((directory, "cannot read folder: " + String(cString: strerror(errno))))
            listedEveryFolder = false
            return
        }
        defer { closedir(handle) }
        // Stat data before the listing: a change while listing shows as a changed folder next time.
        var status = stat()
        guard fstat(dirfd(handle), &status) == 0 else {
            listedEveryFolder = false
            return
        }
        let folderPath = String(directory.dropLast())
        let folderRecord = folders.count
        folders.append(WalkCache.Folder(path: folderPath, key: WalkCache.StatKey(status), mode: UInt32(status.st_mode) & 0o7777))
        var entries: [(name: String, type: UInt8)] = []
        var hasGitignore = false
        while let entry = readdir(handle) {
            let decoded = withUnsafePointer(to: &entry.pointee.d_name) { pointer -> (String, Bool) in
                let raw = UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self)
                if let valid = String(validatingCString: raw) { return (valid, true) }
                return (String(cString: raw), false)
            }
            let name = decoded.0
            if name == "." || name == ".." { continue }
            guard decoded.1 else {
                // Swift strings, git's tools and other machines would each see another name.
                skipped.append((directory + name, "its name is not valid UTF-8; rename it to manage it"))
                continue
            }
            if name == ".git" {
                // A folder with its own repository belongs to that repository, as git sees it.
                if !directory.isEmpty {
                    skipped.append((String(directory.dropLast()), "a git repository of its own"))
                    return
                }
                continue
            }
            if name == ".gitignore" { hasGitignore = true }
            entries.append((name, entry.pointee.d_type))
        }
        if hasGitignore {
            folders[folderRecord].gitignore = WalkCache.StatKey.of(absolute + "/.gitignore")
            if let bytes = readSmallFile(absolute + "/.gitignore") { stack.loadGitignore(directory: directory, bytes: bytes) }
        }
        for (name, rawType) in entries {
            var type = rawType
            if type == UInt8(DT_UNKNOWN) {
                var status = stat()
                guard lstat(absolute + "/" + name, &status) == 0 else { continue }
                type = TreeWalker.directoryEntryType(status.st_mode)
            }
            let isDirectory = type == UInt8(DT_DIR)
            if stack.isIgnoredEntry(parentDirectory: directory, name: name, isDirectory: isDirectory) { continue }
            let path = directory + name
            switch Int(type) {
            case Int(DT_DIR): walk(directory: path + "/")
            case Int(DT_REG): files.append(Found(path: path, isSymlink: false))
            case Int(DT_LNK): files.append(Found(path: path, isSymlink: true))
            default: notices.append((path, "not a regular file, link or folder"))
            }
        }
    }

    static func directoryEntryType(_ mode: mode_t) -> UInt8 {
        switch mode & S_IFMT {
        case S_IFDIR: return UInt8(DT_DIR)
        case S_IFREG: return UInt8(DT_REG)
        case S_IFLNK: return UInt8(DT_LNK)
        default: return UInt8(DT_FIFO)
        }
    }
}

/// Reads a whole file, or nil when it cannot be opened.
func readSmallFile(_ path: String) -> [UInt8]? {
    try? FileReader.read(path)
}
