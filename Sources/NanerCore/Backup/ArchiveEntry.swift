/// One file or symlink of a portable backup archive, at a path relative to the
/// home (`"/"`-separated, e.g. `.ssh/config`).
public struct ArchiveEntry: Sendable, Equatable {
    public enum Content: Sendable, Equatable {
        /// The bytes, exactly, and the permission bits (`0o600`); only the low nine bits are kept.
        case file([UInt8], mode: UInt32)
        /// The link's target as stored, never followed.
        case symlink(target: String)
    }

    public let path: String
    public let content: Content

    public init(path: String, content: Content) {
        self.path = path
        self.content = content
    }

    public static func file(_ path: String, _ bytes: [UInt8], mode: UInt32 = 0o644) -> ArchiveEntry {
        ArchiveEntry(path: path, content: .file(bytes, mode: mode))
    }

    public static func symlink(_ path: String, target: String) -> ArchiveEntry {
        ArchiveEntry(path: path, content: .symlink(target: target))
    }
}

extension ArchiveEntry {
    var safetyKind: ArchiveSafety.Kind {
        switch content {
        case .file: return .file
        case .symlink(let target): return .symlink(target)
        }
    }
}
