import GitKit

/// What a walk of the managed set found, compared with the index.
public struct ScanResult: Sendable {
    public internal(set) var changes: [FileChange] = []
    /// Files whose content is a secret: never staged.
    public internal(set) var refused: [PathProblem] = []
    /// Files too large, unreadable, or inside another repository.
    public internal(set) var skipped: [PathProblem] = []
    /// Special files git does not list either; reported, never blocking.
    public internal(set) var notices: [PathProblem] = []
    /// True when some managed file's permissions differ from `.naner/modes`.
    public internal(set) var permissionsChanged = false
    /// Each managed file or folder whose permissions differ from the last commit's, old and
    /// new, sorted by path (files new or gone since are not listed here: they are changes).
    public internal(set) var modeChanges: [ModeChange] = []
    /// How many files the index tracks (the last commit's files).
    public internal(set) var trackedCount = 0
    /// Managed folders the walk listed from the disk, and those whose listing the
    /// remembered walk (`WalkCache`) gave instead.
    public internal(set) var foldersListed = 0
    public internal(set) var foldersReused = 0
    /// Secrets listed in `.naner/secrets` that are not laid out here (no identity when a
    /// restore, pull or `init --from` brought them): left alone, waiting for `naner secret unlock`.
    public internal(set) var waitingSecrets: [String] = []
    /// How many files `.naner/secrets` lists, and how many of them this scan read (hashed,
    /// never decrypted: their stat data changed).
    public internal(set) var secretCount = 0
    public internal(set) var secretsRead = 0
    /// The checksum of the index file the scan compared with, when it read the file itself.
    var indexChecksum: String?

    /// Index updates a commit applies: new or changed blobs (already written) and removals.
    var updates: [IndexEntry] = []
    var removals: [String] = []
    var modeTable = ModeTable()
    /// The tree's `.naner/links` as the scan read it: links stored under another home.
    var links = LinkTable()
    /// The index entries the scan compared with (a diff's old side).
    var indexEntries: [IndexEntry] = []
    /// Paths the index tracks as links, for a commit to keep `.naner/links` in step.
    var trackedLinks: [String] = []
    /// Secret files stored (or kept) encrypted by this scan: their plaintext's hash and ciphertext.
    var sealed: [String: SecretRecord.Entry] = [:]
    /// The walk behind this result, for a commit to remember once the index is written (a
    /// status has saved it already).
    var walk: WalkCache?

    /// Clean means the same as an empty `git status --porcelain` on the same rules,
    /// plus permissions, which git cannot see.
    public var isClean: Bool { changes.isEmpty && refused.isEmpty && skipped.isEmpty && !permissionsChanged }
}
