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
        case tree(ObjectID, Repository, base: ObjectID?)
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
    var repository: Repository? = nil
    /// The target's `.naner/links`: its links recorded under a home, laid out into this one.
    var links = LinkTable()
    /// The target's `.naner/secrets`: files whose blob is an age file, decrypted when laid out.
    var secrets = SecretList()

    func file(_ path: String) throws -> File? { try lookup(path) }
    func bytes(_ path: String, _ file: File) throws -> [UInt8] { try content(path, file) }

    /// A commit of `repository`. Only the paths that differ from `head` need comparing.
    static func commit(_ id: ObjectID, label: String, head: ObjectID?, repository: Repository) throws -> RestoreTarget {
        try tree(try repository.commit(id).treeID, commit: id, label: label, head: head, repository: repository)
    }

    /// A tree of `repository` (a merge's result, conflict markers and all), `commit` when it has one.
    static func tree(_ tree: ObjectID, commit id: ObjectID?, label: String, head: ObjectID?,
                     repository: Repository) throws -> RestoreTarget {
        let headTree = try head.map { try repository.commit($0).treeID }
        let changes = try repository.changes(from: headTree, to: tree)
        let recorded = try repository.entry(at: ModeTable.path, in: tree)
            .map { ModeTable(text: String(decoding: try repository.blobContent($0.id), as: UTF8.self)) } ?? ModeTable()
        // A line for a file the tree lacks is ignored: a mode line never removes a file.
        let modes = try recorded.incoming { try repository.entry(at: $0, in: tree) != nil }
        func permissions(_ path: String, _ gitMode: UInt32) -> UInt32 {
            modes.modes[path] ?? (gitMode == IndexEntry.executableMode ? 0o755 : 0o644)
        }
        var target = RestoreTarget(
            label: label, commit: id, changedSinceHead: changes.map(\.path), modes: modes, contents: .tree(tree, repository, base: headTree),
            lookup: { path in
                try repository.entry(at: path, in: tree).map { File(id: $0.id, gitMode: $0.mode, permissions: permissions(path, $0.mode)) }
            },
            content: { _, file in try repository.blobContent(file.id) },
            allPaths: { try repository.treeFiles(tree).keys.sorted() },
            fileCount: { headCount in
                guard let headCount, head != nil else { return try repository.fileCount(in: tree) }
                return headCount + changes.filter(\.isAddition).count - changes.filter { $0.newID == nil }.count
            })
        target.repository = repository
        // Only read: a table that is not a readable file (the gate judges the tree) moves no link.
        if let entry = try? repository.entry(at: LinkTable.path, in: tree), let bytes = try? repository.blobContent(entry.id) {
            target.links = LinkTable(text: String(decoding: bytes, as: UTF8.self))
        }
        target.secrets = SecretList.load(tree: tree, repository: repository)
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
