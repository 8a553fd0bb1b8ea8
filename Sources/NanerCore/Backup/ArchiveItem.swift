import FoundationEssentials

/// What an archive holds at one path, as read, before it is checked.
struct ArchiveItem: Equatable {
    enum Content: Equatable {
        case file([UInt8], mode: UInt32)
        case symlink(String)
        case folder
    }

    let path: String
    let content: Content

    var safetyKind: ArchiveSafety.Kind {
        switch content {
        case .file: return .file
        case .symlink(let target): return .symlink(target)
        case .folder: return .folder
        }
    }
}
