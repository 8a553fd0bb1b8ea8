import FoundationEssentials

/// What a backup holds, in the guide's `BACKUP-MANIFEST.json` shape. The same
/// JSON is the body of the backup's tag message and the manifest file of a
/// portable archive.
public struct BackupManifest: Codable, Equatable, Sendable {
    public struct SkippedItem: Codable, Equatable, Sendable {
        public var path: String
        public var reason: String

        public init(path: String, reason: String) {
            self.path = path
            self.reason = reason
        }

        enum CodingKeys: String, CodingKey {
            case path = "Path", reason = "Reason"
        }
    }

    public static let currentVersion = "2"
    public static let fileName = "BACKUP-MANIFEST.json"

    public var name: String
    /// ISO 8601 with the local offset: `2026-11-25T21:40:00+01:00`.
    public var date: String
    public var host: String
    public var user: String
    /// The home config tree the backup was taken from.
    public var tree: String
    public var nanerVersion: String
    public var backupVersion: String
    /// The commit the backup's tag points at.
    public var commit: String
    public var message: String
    public var includedSSHKeys: Bool
    public var itemsBackedUp: Int
    public var itemsSkipped: Int
    public var skipped: [SkippedItem]
    /// With per-machine variants: where each layer branch this machine keeps stood (branch →
    /// commit), the backup's commit being this machine's view of them. Absent otherwise.
    public var layers: [String: String]?

    public init(name: String, date: String, host: String, user: String, tree: String, nanerVersion: String,
                commit: String, message: String, includedSSHKeys: Bool, itemsBackedUp: Int, skipped: [SkippedItem]) {
        self.name = name
        self.date = date
        self.host = host
        self.user = user
        self.tree = tree
        self.nanerVersion = nanerVersion
        self.backupVersion = BackupManifest.currentVersion
        self.commit = commit
        self.message = message
        self.includedSSHKeys = includedSSHKeys
        self.itemsBackedUp = itemsBackedUp
        self.itemsSkipped = skipped.count
        self.skipped = skipped
    }

    enum CodingKeys: String, CodingKey {
        case name = "BackupName", date = "BackupDate", host = "Host", user = "User", tree = "Tree"
        case nanerVersion = "NanerVersion", backupVersion = "BackupVersion", commit = "Commit"
        case message = "Message", includedSSHKeys = "IncludedSSHKeys", itemsBackedUp = "ItemsBackedUp"
        case itemsSkipped = "ItemsSkipped", skipped = "Skipped", layers = "Layers"
    }

    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self) + "\n"
    }

    /// What a listing needs of a manifest in a tag's message, its host and file count, read
    /// without decoding the whole document (a listing of years of backups reads a thousand):
    /// the two top-level keys' values as naner writes them, else the whole manifest decoded.
    static func summary(inTagMessage message: String) -> (host: String, itemsBackedUp: Int)? {
        var text = message
        let found: (host: String, itemsBackedUp: Int)?? = text.withUTF8 { bytes in
            guard let start = bytes.firstIndex(of: UInt8(ascii: "{")) else { return .some(nil) }
            /// Where the value of top-level `"KEY":` starts (blanks skipped); nil when the key is not there so.
            func value(of key: StaticString) -> Int? {
                let pattern = UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
                var position = start
                while position + pattern.count + 2 <= bytes.count {
                    guard bytes[position] == UInt8(ascii: "\""),
                          bytes[(position + 1)...].starts(with: pattern), bytes[position + 1 + pattern.count] == UInt8(ascii: "\"") else {
                        position += 1
                        continue
                    }
                    var after = position + pattern.count + 2
                    func skipBlanks() { while after < bytes.count, [0x20, 0x0A, 0x09, 0x0D].contains(bytes[after]) { after += 1 } }
                    skipBlanks()
                    guard after < bytes.count, bytes[after] == UInt8(ascii: ":") else {
                        position += 1
                        continue
                    }
                    after += 1
                    skipBlanks()
                    return after
                }
                return nil
            }
            guard let count = value(of: "ItemsBackedUp"), let host = value(of: "Host"), bytes[host] == UInt8(ascii: "\"") else { return nil }
            var items = 0, end = count
            while end < bytes.count, end - count < 9, (0x30...0x39).contains(bytes[end]) {
                items = items * 10 + Int(bytes[end] - 0x30)
                end += 1
            }
            var close = host + 1
            while close < bytes.count, bytes[close] != UInt8(ascii: "\""), bytes[close] != UInt8(ascii: "\\") { close += 1 }
            guard end > count, close < bytes.count, bytes[close] == UInt8(ascii: "\"") else { return nil }
            return .some((String(decoding: UnsafeBufferPointer(rebasing: bytes[(host + 1)..<close]), as: UTF8.self), items))
        }
        if let found { return found }
        // Escapes, another layout: the whole manifest, decoded.
        return Workspace.manifest(inTagMessage: message).map { ($0.host, $0.itemsBackedUp) }
    }

    /// Parses a manifest; nil when the bytes are not one.
    public static func parse(_ data: Data) -> BackupManifest? {
        try? JSONDecoder().decode(BackupManifest.self, from: data)
    }

    /// `2026-11-25T21:40:00+01:00` for `date` in the local time zone.
    public static func timestamp(_ date: Date = Date()) -> String {
        CivilTime.local(Int64(date.timeIntervalSince1970.rounded(.down))).iso8601
    }
}
