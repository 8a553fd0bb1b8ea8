import NanerCore

/// A file of a backup in `show --json`, with the mode a restore gives it.
struct ShowFileEntry: Encodable {
    let path: String
    /// Octal, four digits: `0600`.
    let mode: String
    let symlink: Bool

    init(_ file: BackupDetails.File) {
        path = file.path
        mode = String(file.mode, radix: 8).leftPadded(4)
        symlink = file.isSymlink
    }
}
