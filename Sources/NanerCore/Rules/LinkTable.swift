import GitKit

/// Absolute links into a home folder, with the home each was recorded in. A link
/// `~/.gitconfig -> /home/ann/.dotfiles/gitconfig` committed where the home is
/// `/home/ann` is stored with its own bytes, and `.naner/links` records
/// `.gitconfig<TAB>/home/ann`. Where the home is `/home/bob`, a restore, pull or
/// `init --from` lays it out as `-> /home/bob/.dotfiles/gitconfig`, and that link
/// counts as the stored one: a status there sees no change, a commit records none,
/// and the table keeps `/home/ann`, so the link never flips between machines.
///
/// Written on commit, like `.naner/modes`: one `PATH<TAB>HOME` line a link, sorted,
/// both quoted as `.naner/modes` quotes paths. Two machines' tables merge path by path.
public struct LinkTable: Equatable, Sendable {
    public static let path = ".naner/links"
    static let header = "# naner: absolute links into a home folder and the home they were recorded in;"
        + " laid out into this machine's home. Generated on commit.\n"

    /// Link path → the home its stored bytes point into.
    public private(set) var homes: [String: String] = [:]

    public init() {}

    /// Lines naner cannot use (a home that is not an absolute folder path) are left out:
    /// a table pulled from elsewhere only ever moves a link's home prefix to this home.
    public init(text: String) {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let tab = line.firstIndex(of: "\t") else { continue }
            let path = ModeTable.unquote(String(line[..<tab]))
            let home = ModeTable.unquote(String(line[line.index(after: tab)...]))
            if !path.isEmpty && LinkTable.isUsableHome(home) { homes[path] = home }
        }
    }

    /// `.naner/links` as the tree holds it; empty when it has none (or it cannot be read).
    static func load(home: String) -> LinkTable {
        (try? FileReader.read(home + "/" + path)).map { LinkTable(text: String(decoding: $0, as: UTF8.self)) } ?? LinkTable()
    }

    public var isEmpty: Bool { homes.isEmpty }

    public var text: String {
        var result = LinkTable.header
        for path in homes.keys.sorted() { result += ModeTable.quote(path) + "\t" + ModeTable.quote(homes[path]!) + "\n" }
        return result
    }

    /// An absolute, normalized folder other than `/`.
    static func isUsableHome(_ home: String) -> Bool {
        home.hasPrefix("/") && home.count > 1 && !home.hasSuffix("/") && !home.utf8.contains(where: { $0 < 32 })
            && !home.split(separator: "/").contains(where: { $0 == "." || $0 == ".." })
    }

    /// What follows `home` in `target` when the target is `home` itself ("") or lies below it ("/…").
    static func rest(of target: [UInt8], in home: String) -> ArraySlice<UInt8>? {
        let prefix = Array(home.utf8)
        guard target.count >= prefix.count, target.starts(with: prefix) else { return nil }
        let rest = target[prefix.count...]
        return rest.isEmpty || rest.first == UInt8(ascii: "/") ? rest : nil
    }

    /// The bytes to store for the link at `path` that points to `target` on a machine whose
    /// home is `home`: a link recorded under another home and pointing into this one stands
    /// for the recorded bytes.
    func stored(_ path: String, local target: [UInt8], home: String) -> [UInt8] {
        guard let recorded = homes[path], recorded != home, let rest = LinkTable.rest(of: target, in: home) else { return target }
        return Array(recorded.utf8) + rest
    }

    /// The link to lay out at `path` for `target` as stored, on a machine whose home is `home`.
    func local(_ path: String, stored target: [UInt8], home: String) -> [UInt8] {
        guard let recorded = homes[path], recorded != home, let rest = LinkTable.rest(of: target, in: recorded) else { return target }
        return Array(home.utf8) + rest
    }

    /// Whether laying out `path` on a machine whose home is `home` rewrites its target.
    func rewrites(_ path: String, home: String) -> Bool {
        homes[path].map { $0 != home } ?? false
    }

    /// The table a commit records for the managed links (path → bytes as stored): a link keeps
    /// its recorded home while its bytes still point into it; another one pointing into `home`
    /// (the committing machine's) is recorded under it; the rest need no line.
    func updated(links: [String: [UInt8]], home: String) -> LinkTable {
        var result = LinkTable()
        for (path, target) in links {
            if let recorded = homes[path], LinkTable.rest(of: target, in: recorded) != nil {
                result.homes[path] = recorded
            } else if LinkTable.isUsableHome(home), LinkTable.rest(of: target, in: home) != nil {
                result.homes[path] = home
            }
        }
        return result
    }

    /// A 3-way merge per path: a side that changed a path's line (or added or dropped it) wins;
    /// when both changed it differently, ours stays (the link itself is ours then too).
    static func merge(base: LinkTable, ours: LinkTable, theirs: LinkTable) -> LinkTable {
        var result = LinkTable()
        for path in Set(base.homes.keys).union(ours.homes.keys).union(theirs.homes.keys) {
            let (was, mine, other) = (base.homes[path], ours.homes[path], theirs.homes[path])
            result.homes[path] = mine == was ? other : mine
        }
        return result
    }

    /// The stat data to record in the index for the link at `absolute`, which holds `stored`.
    /// A link laid out (or kept) under this machine's home has other bytes than the stored
    /// ones; git compares the bytes of an entry whose stat data is "racy" (modified no earlier
    /// than the index was written) and would call it modified. Such a link, when fresh, is
    /// given a modification time a few seconds back first; nil when nothing is there.
    static func indexStatus(_ absolute: String, stored: ObjectID) -> FileStat? {
        guard let status = FileStat(path: absolute) else { return nil }
        let now = Clock.fileSystemNow
        guard status.isSymlink, status.modified.seconds + racySeconds > now.seconds,
              let bytes = try? FileReader.readLink(absolute), (try? ObjectID.hash(bytes, kind: .blob)) != stored else { return status }
        guard (try? FileSystem.setLinkModificationTime(absolute, seconds: now.seconds - racySeconds)) != nil else { return status }
        return FileStat(path: absolute)
    }

    /// How far back a rewritten link's modification time goes: past any index written from now on.
    static let racySeconds = 2
}
