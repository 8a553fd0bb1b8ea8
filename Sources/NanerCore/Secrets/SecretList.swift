import FoundationEssentials
import GitKit

/// `.naner/secrets`: the files stored encrypted (age, to the configuration's recipient),
/// tracked so every machine agrees. One path a line, quoted as `.naner/modes` quotes it;
/// written by `naner secret add` and `naner secret remove`. A listed file is always
/// managed (re-included after `.syncignore`), never refused by the secret guard (its
/// plaintext never enters an object) and never stored in plain form.
public struct SecretList: Equatable, Sendable {
    public static let path = ".naner/secrets"
    static let header = "# naner: files stored encrypted with age (naner secret add PATH, naner secret remove PATH).\n"
        + "# One path a line; 'naner secret key' prints the identity that opens them.\n"

    public private(set) var paths: [String] = []
    /// git's empty blob: an empty listed file is stored as it is (nothing secret in it).
    static let emptyBlob = ObjectID(hex: "e69de29bb2d1d6434b8b29ae775ad8c2d69e5391")!

    public init() {}

    public init(text: String) {
        self.init(bytes: Array(text.utf8))
    }

    /// Read as bytes, not Characters: every status with secrets reads it. Lines end in `\n`
    /// or `\r\n` (a list written on Windows).
    init(bytes: [UInt8]) {
        var seen = Set<String>()
        for var line in bytes.split(separator: 0x0A) where line.first != UInt8(ascii: "#") {
            if line.last == 0x0D { line = line.dropLast() }
            let path = ModeTable.unquote(String(decoding: line, as: UTF8.self))
            guard !path.isEmpty, !path.hasPrefix("/"), !path.hasSuffix("/"), seen.insert(path).inserted else { continue }
            paths.append(path)
        }
    }

    /// The list as the tree holds it; empty when there is none (or it cannot be read).
    public static func load(home: String) -> SecretList {
        (try? FileReader.read(home + "/" + path)).map { SecretList(bytes: $0) } ?? SecretList()
    }

    /// The list a tree of the repository holds (what a restore or a pull lays out).
    static func load(tree: ObjectID, repository: Repository) -> SecretList {
        load(tree: tree, objects: TreeReader(repository: repository))
    }

    static func load(tree: ObjectID, objects: TreeReader) -> SecretList {
        guard let entry = try? objects.entry(at: path, in: tree), let bytes = try? objects.blobContent(entry.id) else { return SecretList() }
        return SecretList(bytes: bytes)
    }

    public var isEmpty: Bool { paths.isEmpty }
    public func contains(_ path: String) -> Bool { paths.contains(path) }
    public var set: Set<String> { Set(paths) }

    /// Adds `path`; false when listed already.
    public mutating func add(_ path: String) -> Bool {
        guard !paths.contains(path) else { return false }
        paths.append(path)
        paths.sort()
        return true
    }

    /// Removes `path`; false when it was not listed.
    public mutating func remove(_ path: String) -> Bool {
        guard let position = paths.firstIndex(of: path) else { return false }
        paths.remove(at: position)
        return true
    }

    public var text: String { SecretList.header + paths.map { ModeTable.quote($0) + "\n" }.joined() }

    /// The stat data to record in the index for a secret file whose blob is its ciphertext:
    /// git must never compare the file's bytes with the blob, so the file's modification
    /// time is moved back past the index about to be written when it is that recent
    /// ("racy git" would re-read it), as `LinkTable.indexStatus` does for links.
    static func indexStatus(_ absolute: String, read: IndexEntry) -> FileStat? {
        guard let status = FileStat(path: absolute), !status.isSymlink else { return nil }
        // Changed since it was read: no stat data, so git and naner read it again.
        guard status.matches(read) else { return nil }
        let now = Clock.fileSystemNow
        guard status.modified.seconds + LinkTable.racySeconds > now.seconds else { return status }
        // utimensat without following: the file itself (it is no link).
        guard (try? FileSystem.setLinkModificationTime(absolute, seconds: now.seconds - LinkTable.racySeconds)) != nil else { return nil }
        return FileStat(path: absolute)
    }
}
