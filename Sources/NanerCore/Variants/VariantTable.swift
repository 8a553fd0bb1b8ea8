import FoundationEssentials
import GitKit

/// `.naner/variants`: which paths vary, and at which layer. Tracked and shared, so every
/// machine knows every layer; a line is `KIND NAME PATH` (`host laptop .gitconfig`,
/// `class work .config/kitty/kitty.conf`, `os darwin .zshrc`). A line naner cannot read
/// is skipped (and named by `naner variant list`), never guessed at.
public struct VariantTable: Equatable, Sendable {
    public static let path = ".naner/variants"

    public struct Entry: Hashable, Sendable {
        public let layer: Layer
        public let path: String
    }

    public private(set) var entries: [Entry] = []
    /// Lines that name no known layer kind, an invalid name or an unsafe path.
    public private(set) var unreadable: [String] = []

    public init() {}

    public init(text: String) {
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let trimmed = line.trimmingSpaces()
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let parts = trimmed.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
            guard parts.count == 3, let layer = Layer(kind: String(parts[0]), name: String(parts[1])),
                  VariantTable.isSafePath(String(parts[2])) else {
                unreadable.append(String(line))
                continue
            }
            let entry = Entry(layer: layer, path: String(parts[2]))
            if !entries.contains(entry) { entries.append(entry) }
        }
    }

    public var isEmpty: Bool { entries.isEmpty }

    public var text: String {
        var text = "# Paths that vary per machine (naner variant add): KIND NAME PATH, KIND one of os, class, host.\n"
        for entry in entries.sorted(by: { ($0.path, $0.layer.rank, $0.layer.name ?? "") < ($1.path, $1.layer.rank, $1.layer.name ?? "") }) {
            text += "\(entry.layer.kind) \(entry.layer.name ?? "") \(entry.path)\n"
        }
        return text
    }

    /// Every layer that varies `path`.
    public func layers(of path: String) -> [Layer] {
        entries.filter { $0.path == path }.map(\.layer)
    }

    public var paths: Set<String> { Set(entries.map(\.path)) }

    @discardableResult
    mutating func add(_ path: String, layer: Layer) -> Bool {
        let entry = Entry(layer: layer, path: path)
        guard !entries.contains(entry) else { return false }
        entries.append(entry)
        return true
    }

    mutating func remove(_ path: String, layer: Layer) {
        entries.removeAll { $0.path == path && $0.layer == layer }
    }

    /// The layer that supplies `path` on `machine`: host over class over OS over shared.
    /// Two classes of the machine that both vary it is an error naming both.
    public func owner(of path: String, on machine: MachineIdentity) throws -> Layer {
        let applying = layers(of: path).filter(machine.uses)
        if let host = applying.first(where: { $0.rank == 3 }) { return host }
        let classes = applying.filter { $0.rank == 2 }
        if classes.count > 1 {
            throw VariantError.classesDisagree(path: path, classes: classes.compactMap(\.name).sorted())
        }
        if let one = classes.first { return one }
        return applying.first { $0.rank == 1 } ?? .shared
    }

    /// The branches this machine keeps, lowest first: `main`, its OS's and classes' when
    /// some path varies there, its own host's always.
    public func chain(for machine: MachineIdentity) -> [Layer] {
        let used = Set(entries.map(\.layer).filter(machine.uses))
        var chain: [Layer] = [.shared]
        if used.contains(.os(machine.os)) { chain.append(.os(machine.os)) }
        for name in machine.classes where used.contains(.machineClass(name)) { chain.append(.machineClass(name)) }
        chain.append(.host(machine.host))
        return chain
    }

    /// A path as git stores it: relative, no `.`/`..` component, no empty one.
    static func isSafePath(_ path: String) -> Bool {
        guard !path.hasPrefix("/"), !path.contains("\0") else { return false }
        return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { $0 != "" && $0 != "." && $0 != ".." && $0 != ".git" }
    }

    public static func load(home: String) -> VariantTable {
        guard let bytes = try? FileReader.read(home + "/" + path) else { return VariantTable() }
        return VariantTable(text: String(decoding: bytes, as: UTF8.self))
    }

    static func load(tree: ObjectID, repository: Repository) -> VariantTable {
        guard let entry = try? repository.entry(at: path, in: tree), let bytes = try? repository.blobContent(entry.id) else { return VariantTable() }
        return VariantTable(text: String(decoding: bytes, as: UTF8.self))
    }
}
