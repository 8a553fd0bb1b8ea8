/// Where a file's version comes from on a machine: the shared configuration (`main`), or
/// a layer above it that varies some paths. Each layer is a branch holding the whole
/// configuration as that layer sees it, so every branch is plain git on its own.
public enum Layer: Hashable, Sendable {
    case shared
    case os(String)
    case machineClass(String)
    case host(String)

    /// Precedence, lowest first: host over class over OS over shared.
    var rank: Int {
        switch self {
        case .shared: return 0
        case .os: return 1
        case .machineClass: return 2
        case .host: return 3
        }
    }

    /// The word `.naner/variants` and `--json` use.
    public var kind: String {
        switch self {
        case .shared: return "shared"
        case .os: return "os"
        case .machineClass: return "class"
        case .host: return "host"
        }
    }

    public var name: String? {
        switch self {
        case .shared: return nil
        case .os(let name), .machineClass(let name), .host(let name): return name
        }
    }

    /// The branch under `refs/heads/`: `main`, `os/linux`, `class/work`, `host/laptop`.
    public var branchName: String {
        switch self {
        case .shared: return "main"
        case .os(let name): return "os/" + name
        case .machineClass(let name): return "class/" + name
        case .host(let name): return "host/" + name
        }
    }

    public var reference: String { "refs/heads/" + branchName }

    /// `host 'laptop'`, `the shared configuration`: as messages name it.
    public var description: String {
        switch self {
        case .shared: return "the shared configuration"
        case .os(let name): return "OS '\(name)'"
        case .machineClass(let name): return "class '\(name)'"
        case .host(let name): return "host '\(name)'"
        }
    }

    init?(kind: String, name: String) {
        guard Layer.isValidName(name) else { return nil }
        switch kind {
        case "os": self = .os(name)
        case "class": self = .machineClass(name)
        case "host": self = .host(name)
        default: return nil
        }
    }

    /// A name that is one plain branch-name component on every system: letters, digits,
    /// `.`, `_`, `-`, starting with a letter or digit, never `.lock` or `..`.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, name.utf8.count <= 64, isAlphanumeric(first) else { return false }
        guard !name.hasSuffix(".lock"), !name.contains(".."), !name.hasSuffix(".") else { return false }
        return name.utf8.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5a).contains(byte) || (0x61...0x7a).contains(byte)
    }
}
