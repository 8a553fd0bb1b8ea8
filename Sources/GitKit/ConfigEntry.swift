import CLibgit2

/// One `name = value` of git's configuration, and which file level it came from.
public struct ConfigEntry: Sendable, Equatable {
    /// As libgit2 spells it: section and key in lowercase, a subsection as written
    /// (`http.https://example.com/.sslcainfo`).
    public let name: String
    public let value: String
    public let level: Level

    /// The files git reads, lowest priority first.
    public enum Level: Int, Sendable, Comparable {
        case system = 2, xdg = 3, global = 4, repository = 5, other = 100

        /// For messages: "the global config".
        public var description: String {
            switch self {
            case .system: return "the system config"
            case .xdg, .global: return "the global config"
            case .repository: return "the repository's config"
            case .other: return "git config"
            }
        }

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }

        init(_ level: git_config_level_t) {
            switch level {
            case GIT_CONFIG_LEVEL_SYSTEM, GIT_CONFIG_LEVEL_PROGRAMDATA: self = .system
            case GIT_CONFIG_LEVEL_XDG: self = .xdg
            case GIT_CONFIG_LEVEL_GLOBAL: self = .global
            case GIT_CONFIG_LEVEL_LOCAL: self = .repository
            default: self = .other
            }
        }
    }

    public init(name: String, value: String, level: Level) {
        self.name = name
        self.value = value
        self.level = level
    }
}
