import GitKit

/// The state a restore brings the tree to: a commit of the repository (a backup,
/// a tag, any revision) or the files of a portable archive.
struct RestoreTarget {
    struct File: Sendable {
        let id: ObjectID
        let gitMode: UInt32
        /// Permission bits to give the file (from the target's `.naner/modes`).
        let permissions: UInt32
    }

    /// What the target is made of, as `TreeGate` reads it before anything is written.
    enum Contents {
        /// A tree, and the tree HEAD holds (which the gate need not read again where they agree).
        case tree(ObjectID, TreeReader, base: ObjectID?)
        case archive([ArchiveEntry])
    }

    let label: String
    /// The commit, for repository targets.
    let commit: ObjectID?
    /// Paths that may differ from the last commit; nil means "every path of `files`".
    let changedSinceHead: [String]?
    /// The permissions the target asks for, as a restore applies them: clamped
    /// (`ModeTable.incoming`), and only for paths the target holds.
    let modes: ModeTable
    let contents: Contents
    private let lookup: (String) throws -> File?
    private let content: (String, File) throws -> [UInt8]
    let allPaths: () throws -> [String]
    /// The number of files, given the number in HEAD when it is known (then only the diff counts).
    let fileCount: (_ headCount: Int?) throws -> Int

    /// Writes a large file of a commit straight from libgit2's buffer; nil for other targets.
    var repository: Repository? {
        guard case .tree(_, let objects, _) = contents else { return nil }
        return try? objects.repository
    }
    /// The target's `.naner/links`: its links recorded under a home, laid out into this one.
    var links = LinkTable()
    /// The target's `.naner/secrets`: files whose blob is an age file, decrypted when laid out.
    var secrets = SecretList()

    func file(_ path: String) throws -> File? { try lookup(path) }
    func bytes(_ path: String, _ file: File) throws -> [UInt8] { try content(path, file) }

    /// A commit of `repository`. Only the paths that differ from `head` need comparing.
    static func commit(_ id: ObjectID, label: String, head: ObjectID?, repository: Repository) throws -> RestoreTarget {
        try commit(id, label: label, head: head, objects: TreeReader(repository: repository))
    }

    static func commit(_ id: ObjectID, label: String, head: ObjectID?, objects: TreeReader) throws -> RestoreTarget {
        try tree(try objects.treeID(ofCommit: id), commit: id, label: label, head: head, objects: objects)
    }

    /// A tree of `repository` (a merge's result, conflict markers and all), `commit` when it has one.
    static func tree(_ tree: ObjectID, commit id: ObjectID?, label: String, head: ObjectID?,
                     repository: Repository) throws -> RestoreTarget {
        try self.tree(tree, commit: id, label: label, head: head, objects: TreeReader(repository: repository))
    }

    /// Read through `objects`: from the repository's files when they answer (a dry run
    /// loads no libgit2), else libgit2.
    static func tree(_ tree: ObjectID, commit id: ObjectID?, label: String, head: ObjectID?,
                     objects: TreeReader) throws -> RestoreTarget {
        let headTree = try head.map { try objects.treeID(ofCommit: $0) }
        let changes = try objects.changes(from: headTree, to: tree)
        let recorded = try objects.entry(at: ModeTable.path, in: tree)
            .map { ModeTable(text: String(decoding: try objects.blobContent($0.id), as: UTF8.self)) } ?? ModeTable()
        // A line for a file the tree lacks is ignored: a mode line never removes a file.
        let modes = try recorded.incoming { try objects.entry(at: $0, in: tree) != nil }
        func permissions(_ path: String, _ gitMode: UInt32) -> UInt32 {
            modes.modes[path] ?? (gitMode == IndexEntry.executableMode ? 0o755 : 0o644)
        }
        var target = RestoreTarget(
            label: label, commit: id, changedSinceHead: changes.map(\.path), modes: modes, contents: .tree(tree, objects, base: headTree),
            lookup: { path in
                try objects.entry(at: path, in: tree).map { File(id: $0.id, gitMode: $0.mode, permissions: permissions(path, $0.mode)) }
            },
            content: { _, file in try objects.blobContent(file.id) },
            allPaths: { try objects.repository.treeFiles(tree).keys.sorted() },
            fileCount: { headCount in
                guard let headCount, head != nil else { return try objects.repository.fileCount(in: tree) }
                return headCount + changes.filter(\.isAddition).count - changes.filter { $0.newID == nil }.count
            })
        // Only read: a table that is not a readable file (the gate judges the tree) moves no link.
        if let entry = try? objects.entry(at: LinkTable.path, in: tree), let bytes = try? objects.blobContent(entry.id) {
            target.links = LinkTable(text: String(decoding: bytes, as: UTF8.self))
        }
        target.secrets = SecretList.load(tree: tree, objects: objects)
        return target
    }

    /// The files of an archive, already validated by `BackupArchive.read`.
    static func archive(_ entries: [ArchiveEntry], label: String) throws -> RestoreTarget {
        var files: [String: (File, [UInt8])] = [:]
        var modes = ModeTable()
        for entry in entries {
            switch entry.content {
            case .file(let bytes, let mode):
                let id = try ObjectID.hash(bytes, kind: .blob)
                let gitMode = mode & 0o100 != 0 ? IndexEntry.executableMode : IndexEntry.regularMode
                let permissions = ModeTable.clamp(mode)
                files[entry.path] = (File(id: id, gitMode: gitMode, permissions: permissions), bytes)
                modes.recordFile(entry.path, mode: permissions)
            case .symlink(let target):
                let bytes = Array(target.utf8)
                let id = try ObjectID.hash(bytes, kind: .blob)
                files[entry.path] = (File(id: id, gitMode: IndexEntry.symlinkMode, permissions: 0o777), bytes)
            }
        }
        if let recorded = files[ModeTable.path] {
            // Folders' modes come from the archived table; files' from the archive itself.
            for (path, mode) in ModeTable(text: String(decoding: recorded.1, as: UTF8.self)).modes where path.hasSuffix("/") {
                modes.recordFolder(String(path.dropLast()), mode: ModeTable.clamp(mode))
            }
        }
        var target = RestoreTarget(
            label: label, commit: nil, changedSinceHead: nil, modes: modes, contents: .archive(entries),
            lookup: { files[$0]?.0 }, content: { path, _ in files[path]?.1 ?? [] },
            allPaths: { files.keys.sorted() }, fileCount: { _ in files.count })
        target.links = files[LinkTable.path].map { LinkTable(text: String(decoding: $0.1, as: UTF8.self)) } ?? LinkTable()
        target.secrets = files[SecretList.path].map { SecretList(text: String(decoding: $0.1, as: UTF8.self)) } ?? SecretList()
        return target
    }
}
