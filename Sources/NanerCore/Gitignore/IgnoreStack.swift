import Glibc

/// The ignore decision for a work tree, with git's precedence (`dir.c`,
/// `last_matching_pattern` and `prep_exclude`):
///
/// 1. per-directory `.gitignore` files, the deepest directory first, and in
///    each file the last matching line;
/// 2. then the base rules (`$GIT_DIR/info/exclude`; naner points
///    core.excludesFile at /dev/null, so there is no global file).
///
/// The first level with a match decides; a negated match means "not ignored".
/// On top of that, a path below an ignored directory is ignored whatever its
/// own rules say, and `.gitignore` files inside an ignored directory are never
/// read, since git never looks into such a directory.
///
/// Not thread-safe: one stack serves one walker or one command.
public final class IgnoreStack {
    public let root: String
    public let readsInTreeGitignores: Bool
    private let baseRules: PackedRules

    /// Rules of each directory's `.gitignore`, by "" or "a/b/". An empty set
    /// records that the directory has none (or that it was looked up and missing).
    private var rulesByDirectory: [String: PackedRules] = [:]

    /// What `check` learned about a directory: the rule excluding it or one of
    /// its parents, else the rule levels that apply below it, shallowest first.
    private struct DirectoryContext {
        var excludedBy: GitignoreRule?
        var levels: [PackedRules]
    }
    private var contexts: [String: DirectoryContext] = [:]

    // The walker asks about many entries of one directory in a row: keep that
    // directory's levels and its path bytes, followed by the entry's name.
    private var entryDirectory: String?
    private var entryLevels: [PackedRules] = []
    private var entryPath: [UInt8] = []
    private var entryDirectoryByteCount = 0

    /// `root` is the absolute tree root; `baseRules` the info/exclude rules.
    /// With `readInTreeGitignores` false only `baseRules` count.
    public init(root: String, baseRules: [GitignoreRule], readInTreeGitignores: Bool = true) {
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        self.baseRules = PackedRules(baseRules)
        self.readsInTreeGitignores = readInTreeGitignores
    }

    // MARK: Feeding .gitignore files

    /// Hands in the `.gitignore` content of `directory` ("" or "a/b/"), for a
    /// walker that found it while listing, replacing anything read before.
    /// Ignored when the stack does not read in-tree files.
    public func loadGitignore(directory: String, bytes: [UInt8]) {
        guard readsInTreeGitignores else { return }
        let directory = IgnoreStack.directoryKey(directory)
        rulesByDirectory[directory] = PackedRules(
            parseGitignore(bytes, baseDirectory: directory, file: directory + ".gitignore"))
        contexts.removeAll(keepingCapacity: true)
        entryDirectory = nil
    }

    /// Rules of `directory`'s `.gitignore`, read from disk on first need.
    private func rules(forDirectory directory: String) -> PackedRules {
        guard readsInTreeGitignores else { return PackedRules([]) }
        if let known = rulesByDirectory[directory] { return known }
        var rules = PackedRules([])
        if let bytes = IgnoreStack.readFile(absolutePath(directory + ".gitignore")) {
            rules = PackedRules(parseGitignore(bytes, baseDirectory: directory, file: directory + ".gitignore"))
        }
        rulesByDirectory[directory] = rules
        return rules
    }

    // MARK: Full decision

    /// The decision for `path` (relative, no trailing slash), excluded parents
    /// included: an ignored parent directory decides for everything below it
    /// and is the rule reported, like `git check-ignore -v`. `deciding` is nil
    /// when no rule matched (not ignored); when it is a negated rule, the path
    /// is not ignored either.
    public func check(_ path: String, isDirectory: Bool) -> (ignored: Bool, deciding: GitignoreRule?) {
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty else { return (false, nil) }
        var basenameStart = bytes.count
        while basenameStart > 0 && bytes[basenameStart - 1] != ASCII.slash { basenameStart -= 1 }
        let parent = String(decoding: bytes[..<basenameStart], as: UTF8.self)
        let context = self.context(forDirectory: parent)
        if let excludedBy = context.excludedBy { return (true, excludedBy) }
        let deciding = bytes.withUnsafeBufferPointer { buffer in
            IgnoreStack.lastMatch(buffer, basenameStart: basenameStart, isDirectory: isDirectory,
                                  levels: context.levels, baseRules: baseRules)
        }
        return (deciding.map { !$0.isNegated } ?? false, deciding)
    }

    /// Like `git check-ignore`: directory-ness comes from `lstat` under the
    /// root (a path that does not exist, or a symlink, is not a directory),
    /// or from a trailing slash, which is removed.
    ///
    /// git itself treats `dir/` oddly (it checks `dir` as a parent, then an
    /// empty basename); here it simply means "the directory `dir`".
    public func check(_ path: String) -> (ignored: Bool, deciding: GitignoreRule?) {
        if path.hasSuffix("/") {
            var trimmed = Substring(path)
            while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
            return check(String(trimmed), isDirectory: true)
        }
        var status = stat()
        let isDirectory = lstat(absolutePath(path), &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
        return check(path, isDirectory: isDirectory)
    }

    /// Walks `directory` ("" or "a/b/") from the root the way `prep_exclude`
    /// does: each directory is first tested against the rules above it, and
    /// only if it is not ignored is its own `.gitignore` read.
    private func context(forDirectory directory: String) -> DirectoryContext {
        if let known = contexts[directory] { return known }
        let context: DirectoryContext
        if directory.isEmpty {
            let own = rules(forDirectory: "")
            context = DirectoryContext(excludedBy: nil, levels: own.isEmpty ? [] : [own])
        } else {
            // "a/b/" → parent "a/", name "b".
            let bytes = Array(directory.utf8.dropLast())
            var nameStart = bytes.count
            while nameStart > 0 && bytes[nameStart - 1] != ASCII.slash { nameStart -= 1 }
            let parent = self.context(forDirectory: String(decoding: bytes[..<nameStart], as: UTF8.self))
            if parent.excludedBy != nil {
                context = parent
            } else {
                let deciding = bytes.withUnsafeBufferPointer { buffer in
                    IgnoreStack.lastMatch(buffer, basenameStart: nameStart, isDirectory: true,
                                          levels: parent.levels, baseRules: baseRules)
                }
                if let deciding, !deciding.isNegated {
                    context = DirectoryContext(excludedBy: deciding, levels: parent.levels)
                } else {
                    var levels = parent.levels
                    let own = rules(forDirectory: directory)
                    if !own.isEmpty { levels.append(own) }
                    context = DirectoryContext(excludedBy: nil, levels: levels)
                }
            }
        }
        contexts[directory] = context
        return context
    }

    // MARK: Walker fast path

    /// The decision for one entry of `parentDirectory` ("" or "a/b/") by the
    /// rules alone, for a walker that never enters ignored directories (so no
    /// parent of the entry is ignored). Reads nothing from disk: only
    /// `.gitignore` files handed to `loadGitignore` (or already read by
    /// `check`) count.
    public func isIgnoredEntry(parentDirectory: String, name: UnsafeBufferPointer<UInt8>, isDirectory: Bool) -> Bool {
        guard let rule = decidingRule(parentDirectory: parentDirectory, name: name, isDirectory: isDirectory) else {
            return false
        }
        return !rule.isNegated
    }

    public func isIgnoredEntry(parentDirectory: String, name: [UInt8], isDirectory: Bool) -> Bool {
        name.withUnsafeBufferPointer { isIgnoredEntry(parentDirectory: parentDirectory, name: $0, isDirectory: isDirectory) }
    }

    public func isIgnoredEntry(parentDirectory: String, name: String, isDirectory: Bool) -> Bool {
        var name = name
        return name.withUTF8 { isIgnoredEntry(parentDirectory: parentDirectory, name: $0, isDirectory: isDirectory) }
    }

    /// The rule behind `isIgnoredEntry`'s answer, nil when none matched.
    public func decidingRule(parentDirectory: String, name: UnsafeBufferPointer<UInt8>,
                             isDirectory: Bool) -> GitignoreRule? {
        if entryDirectory != parentDirectory { prepareEntryDirectory(parentDirectory) }
        entryPath.removeSubrange(entryDirectoryByteCount...)
        entryPath.append(contentsOf: name)
        let basenameStart = entryDirectoryByteCount
        return entryPath.withUnsafeBufferPointer { path in
            IgnoreStack.lastMatch(path, basenameStart: basenameStart, isDirectory: isDirectory,
                                  levels: entryLevels, baseRules: baseRules)
        }
    }

    private func prepareEntryDirectory(_ directory: String) {
        let key = IgnoreStack.directoryKey(directory)
        entryLevels.removeAll(keepingCapacity: true)
        if readsInTreeGitignores {
            if let rules = rulesByDirectory[""], !rules.isEmpty { entryLevels.append(rules) }
            var prefixEnd = key.startIndex
            while let slash = key[prefixEnd...].firstIndex(of: "/") {
                prefixEnd = key.index(after: slash)
                if let rules = rulesByDirectory[String(key[..<prefixEnd])], !rules.isEmpty { entryLevels.append(rules) }
            }
        }
        entryPath.removeAll(keepingCapacity: true)
        entryPath.append(contentsOf: key.utf8)
        entryDirectoryByteCount = entryPath.count
        entryDirectory = directory
    }

    // MARK: Matching

    /// The last matching rule of the deepest level that has one; `levels` are
    /// ordered shallowest first, `baseRules` come after all of them.
    private static func lastMatch(_ path: UnsafeBufferPointer<UInt8>, basenameStart: Int, isDirectory: Bool,
                                  levels: [PackedRules], baseRules: PackedRules) -> GitignoreRule? {
        var level = levels.count - 1
        while level >= 0 {
            if let rule = levels[level].lastMatch(path, basenameStart: basenameStart, isDirectory: isDirectory) {
                return rule
            }
            level -= 1
        }
        return baseRules.lastMatch(path, basenameStart: basenameStart, isDirectory: isDirectory)
    }

    // MARK: Files

    private func absolutePath(_ relative: String) -> String {
        root == "/" ? "/" + relative : root + "/" + relative
    }

    /// "" stays ""; "a/b" and "a/b/" both become "a/b/".
    private static func directoryKey(_ directory: String) -> String {
        directory.isEmpty || directory.hasSuffix("/") ? directory : directory + "/"
    }

    /// The whole file, or nil when it cannot be opened or read. Like git,
    /// a `.gitignore` that is a symlink is not followed.
    static func readFile(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { return result }
            result.append(contentsOf: chunk[..<count])
        }
    }
}

/// One file's rules packed for the hot loop: every pattern and base in one
/// byte buffer and a table of plain values, so matching an entry against a
/// hundred rules touches no reference count.
struct PackedRules {
    private struct Entry {
        var matcher: GitignoreRule.Matcher
        var directoryOnly: Bool
        var patternStart: Int
        var patternCount: Int
        var literalPrefixLength: Int
        var baseStart: Int
        var baseCount: Int
    }

    let rules: [GitignoreRule]
    private let bytes: [UInt8]
    private let entries: [Entry]

    init(_ rules: [GitignoreRule]) {
        var bytes: [UInt8] = []
        var entries: [Entry] = []
        entries.reserveCapacity(rules.count)
        var baseStarts: [String: Int] = [:]
        for rule in rules {
            let baseStart: Int
            if let known = baseStarts[rule.baseDirectory] {
                baseStart = known
            } else {
                baseStart = bytes.count
                bytes += rule.baseBytes
                baseStarts[rule.baseDirectory] = baseStart
            }
            entries.append(Entry(matcher: rule.matcher, directoryOnly: rule.directoryOnly,
                                 patternStart: bytes.count, patternCount: rule.matchBytes.count,
                                 literalPrefixLength: rule.literalPrefixLength,
                                 baseStart: baseStart, baseCount: rule.baseBytes.count))
            bytes += rule.matchBytes
        }
        self.rules = rules
        self.bytes = bytes
        self.entries = entries
    }

    var isEmpty: Bool { rules.isEmpty }

    /// The last rule matching `path`, as git scans one pattern list.
    func lastMatch(_ path: UnsafeBufferPointer<UInt8>, basenameStart: Int, isDirectory: Bool) -> GitignoreRule? {
        let found: Int? = bytes.withUnsafeBufferPointer { bytes in
            entries.withUnsafeBufferPointer { entries in
                var index = entries.count - 1
                while index >= 0 {
                    let entry = entries[index]
                    let pattern = UnsafeBufferPointer(rebasing: bytes[entry.patternStart ..< entry.patternStart + entry.patternCount])
                    let base = UnsafeBufferPointer(rebasing: bytes[entry.baseStart ..< entry.baseStart + entry.baseCount])
                    if GitignoreRule.match(entry.matcher, pattern: pattern, literalPrefixLength: entry.literalPrefixLength,
                                           base: base, directoryOnly: entry.directoryOnly,
                                           path: path, basenameStart: basenameStart, isDirectory: isDirectory) {
                        return index
                    }
                    index -= 1
                }
                return nil
            }
        }
        return found.map { rules[$0] }
    }
}
