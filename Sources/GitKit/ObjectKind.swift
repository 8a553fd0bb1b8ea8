import CLibgit2

public enum ObjectKind: Sendable {
    case blob, tree, commit, tag

    /// The type's name in an object's header (`blob 12\0…`).
    var name: String {
        switch self {
        case .blob: return "blob"
        case .tree: return "tree"
        case .commit: return "commit"
        case .tag: return "tag"
        }
    }

    var raw: git_object_t {
        switch self {
        case .blob: return GIT_OBJECT_BLOB
        case .tree: return GIT_OBJECT_TREE
        case .commit: return GIT_OBJECT_COMMIT
        case .tag: return GIT_OBJECT_TAG
        }
    }
}
