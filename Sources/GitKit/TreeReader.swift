/// A repository's commits, trees and blobs as a restore plan reads them: from the
/// repository's files (`ObjectFiles`) when they answer, else through libgit2, which is
/// loaded only then (its loading is most of what `naner restore --dry-run` costs on a
/// small home). Trees just read are kept: the plan's gate reads the ones the comparison
/// with HEAD read.
public final class TreeReader: @unchecked Sendable {  // used by one thread at a time
    private let files: ObjectFiles?
    private let openRepository: () throws -> Repository
    private var opened: Repository?
    private var recentTrees: [(id: ObjectID, tree: RawTree)] = []
    private static let remembered = 64

    /// Through libgit2 alone.
    public init(repository: Repository) {
        files = nil
        opened = repository
        openRepository = { repository }
    }

    /// From the files of the git directory `gitDir`, with `repository` opening libgit2's
    /// handle for what they cannot give.
    public init(gitDir: String, repository: @escaping () throws -> Repository) {
        files = ObjectFiles(repository: gitDir)
        openRepository = repository
    }

    /// libgit2's handle on the repository (opened now if it was not).
    public var repository: Repository {
        get throws {
            if let opened { return opened }
            let repository = try openRepository()
            opened = repository
            return repository
        }
    }

    /// The tree of commit `id`.
    public func treeID(ofCommit id: ObjectID) throws -> ObjectID {
        if let commit = files?.commit(id) { return commit.treeID }
        return try repository.commit(id).treeID
    }

    /// The commit a tag (or tag of a tag) names; `id` itself when it is a commit; nil when
    /// the files cannot tell.
    public func peeledCommit(_ id: ObjectID) -> ObjectID? {
        files?.peeledCommit(id)
    }

    /// The tree `id` as stored; nil when the object is not a tree.
    public func rawTree(_ id: ObjectID) throws -> RawTree? {
        if let known = recentTrees.first(where: { $0.id == id }) { return known.tree }
        let tree: RawTree?
        if let (kind, bytes) = files?.read(id) {
            tree = kind == .tree ? bytes.withUnsafeBytes { RawTree(parsing: $0) } : nil
        } else {
            tree = try repository.rawTree(id)
        }
        if let tree {
            if recentTrees.count == Self.remembered { recentTrees.removeFirst() }
            recentTrees.append((id, tree))
        }
        return tree
    }

    public func blobContent(_ id: ObjectID) throws -> [UInt8] {
        if let (kind, bytes) = files?.read(id), kind == .blob { return bytes }
        return try repository.blobContent(id)
    }

    /// The blob (or link) and its mode at `path` in a tree, modes read as libgit2 reads
    /// them; nil when the path is absent or a folder.
    public func entry(at path: String, in tree: ObjectID) throws -> (id: ObjectID, mode: UInt32)? {
        // libgit2's own lookup (cached, by binary search) when it is the reader anyway.
        guard files != nil else { return try repository.entry(at: path, in: tree) }
        var current = tree
        let names = path.utf8.split(separator: 0x2F, omittingEmptySubsequences: false)
        for (position, name) in names.enumerated() {
            guard let raw = try rawTree(current), let found = raw.entries.first(where: { $0.name.elementsEqual(name) }) else { return nil }
            let mode = Self.normalized(found.mode)
            if position == names.count - 1 {
                return mode == RawTreeEntry.treeMode || mode == RawTreeEntry.gitlinkMode ? nil : (found.id, mode)
            }
            guard mode == RawTreeEntry.treeMode else { return nil }
            current = found.id
        }
        return nil
    }

    /// Paths whose blob or mode differ between `old` and `new` (nil: the empty tree), in
    /// path order. Unchanged subtrees are skipped by id, so this costs the size of the
    /// change (libgit2 1.5's `git_diff_tree_to_tree` reads every tree of both sides). A
    /// path that is a file on one side and a folder on the other is a deletion of the one
    /// and additions under the other; a file that became a link (or the reverse) is one change.
    public func changes(from old: ObjectID?, to new: ObjectID) throws -> [TreeChange] {
        var result: [TreeChange] = []
        try collectChanges(old: old, new: new, prefix: "", into: &result)
        result.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        return result
    }

    private struct Item {
        let name: [UInt8]
        let id: ObjectID
        let mode: UInt32
        var isTree: Bool { mode == RawTreeEntry.treeMode }
        var shownName: String { String(decoding: name, as: UTF8.self) }
    }

    /// Past this many entries a tree's names are looked up in a table; below, one by one.
    private static let tableSize = 48

    /// A tree's entries, modes normalized as libgit2 gives them; a name stored twice counts
    /// once, as the last.
    private func items(_ id: ObjectID?) throws -> [Item] {
        guard let id else { return [] }
        guard let raw = try rawTree(id) else { throw GitError(function: "git_tree_lookup", code: -3, message: "the object is not a tree") }
        var items = raw.entries.map { Item(name: $0.name, id: $0.id, mode: Self.normalized($0.mode)) }
        var last: [[UInt8]: Int] = [:]
        if items.count > Self.tableSize {
            for (position, item) in items.enumerated() { last[item.name] = position }
        }
        func isLast(_ position: Int) -> Bool {
            last.isEmpty ? !items[(position + 1)...].contains { $0.name == items[position].name } : last[items[position].name] == position
        }
        if items.indices.contains(where: { !isLast($0) }) {
            items = items.indices.filter(isLast).map { items[$0] }
        }
        return items
    }

    private func collectChanges(old: ObjectID?, new: ObjectID?, prefix: String, into result: inout [TreeChange]) throws {
        if old == new { return }
        let before = try items(old), after = try items(new)
        // Small trees are compared name by name: a table would cost more than it saves.
        func table(_ items: [Item]) -> [[UInt8]: Int]? {
            guard items.count > Self.tableSize else { return nil }
            var table: [[UInt8]: Int] = [:]
            for (position, item) in items.enumerated() { table[item.name] = position }
            return table
        }
        let beforeTable = table(before), afterTable = table(after)
        func previous(_ name: [UInt8]) -> Item? {
            beforeTable.map { $0[name].map { before[$0] } } ?? before.first { $0.name == name }
        }
        func stays(_ name: [UInt8]) -> Bool { afterTable.map { $0[name] != nil } ?? after.contains { $0.name == name } }
        for item in after {
            let previous = previous(item.name)
            if let previous, previous.id == item.id && previous.mode == item.mode { continue }
            let path = prefix + item.shownName
            switch (previous?.isTree, item.isTree) {
            case (true?, true):
                try collectChanges(old: previous!.id, new: item.id, prefix: path + "/", into: &result)
            case (false?, true):
                result.append(TreeChange(path: path, newID: nil, newMode: 0, isAddition: false))
                try collectChanges(old: nil, new: item.id, prefix: path + "/", into: &result)
            case (nil, true):
                try collectChanges(old: nil, new: item.id, prefix: path + "/", into: &result)
            case (true?, false):
                try collectChanges(old: previous!.id, new: nil, prefix: path + "/", into: &result)
                result.append(TreeChange(path: path, newID: item.id, newMode: item.mode, isAddition: true))
            case (let wasTree, false):
                result.append(TreeChange(path: path, newID: item.id, newMode: item.mode, isAddition: wasTree == nil))
            }
        }
        for item in before where !stays(item.name) {
            if item.isTree {
                try collectChanges(old: item.id, new: nil, prefix: prefix + item.shownName + "/", into: &result)
            } else {
                result.append(TreeChange(path: prefix + item.shownName, newID: nil, newMode: 0, isAddition: false))
            }
        }
    }

    /// A mode as libgit2's tree API gives it: any exec bit an executable file, then by type.
    static func normalized(_ mode: UInt32) -> UInt32 {
        if mode & 0o170000 == RawTreeEntry.treeMode { return RawTreeEntry.treeMode }
        if mode & 0o111 != 0 { return 0o100755 }
        if mode & 0o170000 == RawTreeEntry.gitlinkMode { return RawTreeEntry.gitlinkMode }
        if mode & 0o170000 == RawTreeEntry.symlinkMode { return RawTreeEntry.symlinkMode }
        return 0o100644
    }
}
