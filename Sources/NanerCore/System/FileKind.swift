import Glibc

/// What a path is, as `lstat` (or `stat`, when following a link) tells it.
enum FileKind: Equatable, Sendable {
    case file, directory, symlink, other

    init(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFREG: self = .file
        case S_IFDIR: self = .directory
        case S_IFLNK: self = .symlink
        default: self = .other
        }
    }
}
