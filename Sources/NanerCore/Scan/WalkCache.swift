import GitKit

/// What the last walk of the managed folders found, so that the next scan need
/// not list them again while nothing in them changed: git's untracked cache, in
/// spirit. Kept in `REPO/naner-walk-cache`; deleting it only costs one walk.
///
/// Why it is sound: creating, removing or renaming an entry changes its folder's
/// ctime, and so does every chmod or utime, which cannot set a ctime back. So a
/// folder that still has the device, inode, mtime and ctime it had lists what it
/// listed then (what the walk keeps depends on the rules alone, the include list
/// and `.syncignore`, whose digest the file records; a `.gitignore` in the tree is
/// content, never a rule). Three levels use that:
///
/// - every folder unchanged, and the same rules and index (its checksum): the
///   walk's result against the index is the recorded one, and no folder is listed;
/// - some folders changed, but listed again (each alone) they hold the entries
///   they held: a shell rewrote its history beside them, an editor's swap file
///   came and went. The recorded result still holds (`TreeWalker.relist`);
/// - otherwise the walker lists only the folders that changed and takes the
///   recorded entries of the others.
///
/// A folder changed within a few seconds of the walk is recorded
/// as racy, as git says, and listed again next time: a second change within one
/// tick of the file system's clock would not show in its timestamps.
struct WalkCache {
    static let fileName = "naner-walk-cache"
    static let header = "naner walk cache 5"
    /// How old a folder's last change must be before its timestamps are trusted:
    /// more than the coarsest clock of the file systems a home lives on (FAT: 2 s).
    static let settledSeconds = 3

    /// The stat data that changes whenever a folder's entries (or a file's content) may have.
    struct StatKey: Equatable {
        var device: UInt64
        var inode: UInt64
        var modified: Timestamp
        var changed: Timestamp

        init(_ status: PathStatus) {
            device = status.device
            inode = status.inode
            modified = status.modified
            changed = status.changed
        }

        init(device: UInt64, inode: UInt64, modified: Timestamp, changed: Timestamp) {
            self.device = device
            self.inode = inode
            self.modified = modified
            self.changed = changed
        }

        /// `lstat` of `path` (`stat` for the tree's root, which may be a link).
        static func of(_ path: String, following: Bool = false) -> StatKey? {
            PathStatus(path: path, following: following).map(StatKey.init)
        }

        func isSettled(before start: Timestamp) -> Bool {
            max(modified, changed).seconds + WalkCache.settledSeconds < start.seconds
        }
    }

    /// A walked folder: "" for the root, else a relative path without a trailing slash.
    struct Folder {
        var path: String
        var key: StatKey
        var mode: UInt32
        /// Changed within a few seconds of the walk: listed again next time.
        var isRacy = false
        /// The entries the rules keep: files, links and folders.
        var entries: [Entry] = []
        /// Problems found while listing it (names that are not UTF-8, nested repositories, FIFOs).
        var problems: [Problem] = []

        /// Whether its recorded entries may stand for it (when its stat data still matches).
        var isTrusted: Bool { !isRacy }
    }

    struct Entry: Equatable {
        enum Kind: UInt8 {
            case file = 0x66    // "f"
            case link = 0x6C    // "l"
            case folder = 0x64  // "d"
        }
        var name: String
        var kind: Kind
    }

    struct Problem: Equatable {
        var path: String
        var reason: String
        /// A notice (never blocking) rather than a skipped path.
        var isNotice: Bool
    }

    /// What the cache is valid for: the tree, its rules, and the index's paths.
    struct Context {
        let file: String
        let home: String
        /// The rules as `REPO/info/exclude` holds them, kept whole in the cache: comparing
        /// a few kilobytes costs less than digesting them (version 3 kept a SHA-256).
        let rules: [UInt8]
        let indexChecksum: String

        init(repository: String, home: String, rules: ManagedRules, indexChecksum: String) {
            file = repository + "/" + WalkCache.fileName
            self.home = home
            self.rules = Array(rules.excludeFileText.utf8)
            self.indexChecksum = indexChecksum
        }
    }

    var folders: [Folder] = []
    /// Made for the index the context names: then the summary below holds.
    var matchesIndex = true
    /// Managed files the walk found that the index does not track.
    var newFiles: [String] = []
    /// Tracked files the walk did not reach (excluded now, deleted, or behind a link).
    var unwalkedTracked: [String] = []
    var skipped: [(path: String, reason: String)] = []
    var notices: [(path: String, reason: String)] = []
    /// The file as mapped, and where its entries start, for `loadEntries`.
    private var file: MappedFile?
    private var bytes: UnsafeBufferPointer<UInt8>? { file.map { $0.bytes.assumingMemoryBound(to: UInt8.self) } }
    private var entriesOffset: Int?
    /// False for a cache read without its entries: saving it again copies them as read.
    private var hasEntries = true
    /// The file's home and index lines and where its rules lie in `bytes`, as read.
    private var madeFor: (home: String, index: String, rules: Range<Int>)?

    /// Permission bits of the walked folders other than 0755 (the only ones `.naner/modes` records).
    var folderModes: [String: UInt32] {
        var modes: [String: UInt32] = [:]
        for folder in folders where !folder.path.isEmpty && folder.mode != 0o755 { modes[folder.path] = folder.mode }
        return modes
    }

    /// Positions of the folders that may list something else now: their stat data
    /// changed, or they were racy when recorded. nil when nothing was recorded.
    func changedFolders(home: String) -> [Int]? {
        guard !folders.isEmpty else { return nil }
        // Relative to the home held open: no path is built, and the kernel walks less.
        let root = OpenFolder(path: home)
        var changed: [Int] = []
        for (position, folder) in folders.enumerated() {
            if folder.isRacy || root?.pathStatus(folder.path).map(StatKey.init) != folder.key { changed.append(position) }
        }
        return changed
    }

    // MARK: - File

    /// The cache for `context`'s tree and rules, with its folders but not yet their
    /// entries (`loadEntries`), which only a walk needs. `matchesIndex` says whether it
    /// was made for the index `context` names.
    static func load(_ context: Context) -> WalkCache? {
        read(file: context.file)?.validated(for: context)
    }

    /// The cache in `file` as it is, for whatever tree and rules it was made: a status reads
    /// it on a thread of its own before its rules are loaded, then checks it (`validated`).
    /// Mapped, not read: read into fresh memory, its 130 KB (2,000 files) were 30 page
    /// faults and a copy on every status. Saved by a rename (`AtomicFile`), never in place.
    static func read(file path: String) -> WalkCache? {
        guard let file = MappedFile(path: path) else { return nil }
        let bytes = file.bytes.assumingMemoryBound(to: UInt8.self)
        guard bytes.count > 4, bytes[(bytes.count - 4)...].elementsEqual("end\n".utf8) else { return nil }
        var cache = parse(LineReader(bytes))
        cache?.file = file
        cache?.hasEntries = false
        return cache
    }

    /// This cache if it was made for `context`'s home and rules, with `matchesIndex` set.
    func validated(for context: Context) -> WalkCache? {
        guard let made = madeFor, made.home == "home " + ModeTable.quote(context.home), let bytes,
              made.rules.count == context.rules.count, bytes[made.rules].elementsEqual(context.rules) else { return nil }
        var cache = self
        cache.matchesIndex = made.index == "index " + context.indexChecksum
        return cache
    }

    /// Read byte by byte: a status reads this file on every run, and a thousand
    /// lines through `String.split` cost more than the walk they spare.
    private static func parse(_ reader: LineReader) -> WalkCache? {
        var reader = reader
        // An older version's cache (3: a digest of the rules) is not read: one walk replaces it.
        guard reader.nextLine() == header, let home = reader.nextLine(), let index = reader.nextLine(),
              reader.skip("rules "), let length = reader.number(then: UInt8(ascii: "\n")),
              length <= reader.bytes.count - reader.position else { return nil }
        var cache = WalkCache()
        cache.madeFor = (home, index, reader.position..<(reader.position + length))
        reader.position += length
        guard let folders = FolderTable.read(&reader) else { return nil }
        cache.folders = folders
        // Line words are matched as bytes: only paths and reasons become Strings.
        while true {
            if reader.skip("new ") {
                guard let path = reader.nextLine() else { return nil }
                cache.newFiles.append(ModeTable.unquote(path))
            } else if reader.skip("unwalked ") {
                guard let path = reader.nextLine() else { return nil }
                cache.unwalkedTracked.append(ModeTable.unquote(path))
            } else if reader.startsWith("skipped ") || reader.startsWith("notice ") {
                let skipped = reader.skip("skipped ")
                if !skipped { _ = reader.skip("notice ") }
                guard let line = reader.nextLine(), let tab = line.firstIndex(of: "\t") else { return nil }
                let problem = (ModeTable.unquote(String(line[..<tab])), String(line[line.index(after: tab)...]))
                if skipped { cache.skipped.append(problem) } else { cache.notices.append(problem) }
            } else if reader.skip("entries\n") {
                cache.entriesOffset = reader.position
                return cache
            } else {
                return nil
            }
        }
    }

    /// Reads the entries (the second part of the file) of the folders at `positions`, or of
    /// every folder; false when they are damaged. Read for some folders only, the entries
    /// are saved again as they were read.
    mutating func loadEntries(of positions: Set<Int>? = nil) -> Bool {
        guard let bytes, let entriesOffset else { return false }
        var folders = self.folders
        let loaded = { () -> Bool in
            var reader = LineReader(bytes)
            reader.position = entriesOffset
            var current = -1
            while true {
                if reader.skip("in ") {
                    current += 1
                    guard current < folders.count, reader.skipLine() else { return false }
                    if let positions, !positions.contains(current) {
                        // Not asked for: its lines are passed over without being decoded.
                        while !reader.atEnd && !reader.startsWith("in ") && !reader.startsWith("end\n") {
                            guard reader.skipLine() else { return false }
                        }
                    }
                    continue
                }
                if reader.skip("end\n") { return current == folders.count - 1 && reader.atEnd }
                guard current >= 0, let word = reader.word() else { return false }
                switch word {
                case "f", "l", "d":
                    guard let name = reader.nextLine(), let kind = Entry.Kind(rawValue: word.utf8.first!) else { return false }
                    folders[current].entries.append(Entry(name: ModeTable.unquote(name), kind: kind))
                case "s", "n":
                    guard let line = reader.nextLine(), let tab = line.firstIndex(of: "\t") else { return false }
                    folders[current].problems.append(Problem(path: ModeTable.unquote(String(line[..<tab])),
                                                             reason: String(line[line.index(after: tab)...]), isNotice: word == "n"))
                default:
                    return false
                }
            }
        }()
        if loaded {
            self.folders = folders
            hasEntries = positions == nil
        }
        return loaded
    }

    /// Writes the cache for `context`; a cache that cannot be written is simply not there.
    /// Built as bytes: appending interpolated Strings was 12 M instructions for a
    /// 2,000-file home, paid by every commit.
    func save(_ context: Context) {
        var out = Writer()
        out.data.reserveCapacity(max(file?.bytes.count ?? 0, 4096) + 1024)
        let newline = UInt8(ascii: "\n"), space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
        out.add(WalkCache.header); out.add(newline)
        out.add("home "); out.add(ModeTable.quote(context.home)); out.add(newline)
        out.add("index "); out.add(context.indexChecksum); out.add(newline)
        out.add("rules "); out.add(number: context.rules.count); out.add(newline)
        out.data += context.rules
        FolderTable.write(folders, to: &out.data)
        for path in newFiles { out.add("new "); out.add(ModeTable.quote(path)); out.add(newline) }
        for path in unwalkedTracked { out.add("unwalked "); out.add(ModeTable.quote(path)); out.add(newline) }
        for (path, reason) in skipped { out.add("skipped "); out.add(ModeTable.quote(path)); out.add(tab); out.add(reason.onOneLine); out.add(newline) }
        for (path, reason) in notices { out.add("notice "); out.add(ModeTable.quote(path)); out.add(tab); out.add(reason.onOneLine); out.add(newline) }
        out.add("entries\n")
        if !hasEntries, let bytes, let entriesOffset {
            // Read without its entries, which did not change: they are copied as they were.
            out.data += bytes[entriesOffset...]
            try? AtomicFile.write(out.data, to: context.file, mode: 0o644)
            return
        }
        for folder in folders {
            out.add("in "); out.add(ModeTable.quote(folder.path)); out.add(newline)
            for entry in folder.entries {
                out.add(entry.kind.rawValue); out.add(space); out.add(ModeTable.quote(entry.name)); out.add(newline)
            }
            for problem in folder.problems {
                out.add(problem.isNotice ? "n " : "s "); out.add(ModeTable.quote(problem.path)); out.add(tab); out.add(problem.reason.onOneLine); out.add(newline)
            }
        }
        out.add("end\n")
        try? AtomicFile.write(out.data, to: context.file, mode: 0o644)
    }

    /// The file's bytes as `save` builds them. A struct, not functions nested in `save`:
    /// those captured the array, and every append paid a run-time exclusivity check.
    private struct Writer {
        var data: [UInt8] = []

        mutating func add(_ text: String) { data.append(contentsOf: text.utf8) }
        mutating func add(_ byte: UInt8) { data.append(byte) }

        /// As interpolation writes it, written back to front on the stack and appended at
        /// once (an array of digits per number was a thousand instructions).
        mutating func add(number: UInt64) {
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
                var value = number, start = digits.count
                repeat {
                    start -= 1
                    digits[start] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                } while value > 0
                data.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
            }
        }

        /// Decimal, with a '-' when negative.
        mutating func add(number: Int) {
            if number < 0 { add(UInt8(ascii: "-")) }
            add(number: UInt64(number.magnitude))
        }
    }

    /// A cursor over the cache file's bytes.
    struct LineReader {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        var atEnd: Bool { position == bytes.count }

        /// The rest of the line, without its newline; nil at the end of the file.
        mutating func nextLine() -> String? {
            guard let end = find(UInt8(ascii: "\n")) else { return nil }
            defer { position = end + 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[position..<end]), as: UTF8.self)
        }

        /// The next word and the space or newline after it.
        mutating func word() -> String? {
            var end = position
            while end < bytes.count && bytes[end] != UInt8(ascii: " ") && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            guard end < bytes.count else { return nil }
            defer { position = end + 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[position..<end]), as: UTF8.self)
        }

        func startsWith(_ text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            return position + count <= bytes.count && Memory.equal(bytes.baseAddress! + position, text.utf8Start, count: count)
        }

        mutating func skip(_ text: StaticString) -> Bool {
            guard startsWith(text) else { return false }
            position += text.utf8CodeUnitCount
            return true
        }

        /// Passes over the rest of the line; false at the end of the file.
        mutating func skipLine() -> Bool {
            guard let end = find(UInt8(ascii: "\n")) else { return false }
            position = end + 1
            return true
        }

        /// Decimal digits up to `separator`, which is consumed. One unsigned comparison a
        /// digit (a byte below '0' wraps above 9).
        mutating func number(then separator: UInt8) -> Int? {
            guard let base = bytes.baseAddress else { return nil }
            let count = bytes.count, start = position
            // At most 18 digits: no overflow.
            let limit = min(count, start + 19)
            var at = start, value = 0
            while at < limit {
                let digit = base[at] &- UInt8(ascii: "0")
                if digit > 9 { break }
                value = value &* 10 &+ Int(digit)
                at &+= 1
            }
            guard at > start && at - start <= 18 && at < count && base[at] == separator else { return nil }
            position = at + 1
            return value
        }

        func find(_ byte: UInt8) -> Int? {
            guard position < bytes.count, let found = Memory.find(byte, in: bytes.baseAddress! + position, count: bytes.count - position) else {
                return nil
            }
            return bytes.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
    }

}
