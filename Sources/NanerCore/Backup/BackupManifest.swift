import Foundation

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
        case itemsSkipped = "ItemsSkipped", skipped = "Skipped"
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
        var utf8 = message.utf8[...]
        guard let start = utf8.firstIndex(of: UInt8(ascii: "{")) else { return nil }
        utf8 = utf8[start...]
        /// The bytes after `"KEY"`, blanks and a colon, and blanks; nil when the key is not there so.
        func value(of key: String) -> Substring.UTF8View.SubSequence? {
            let pattern = Array(("\"" + key + "\"").utf8)
            var rest = utf8
            while let first = rest.firstIndex(of: pattern[0]) {
                rest = rest[first...]
                if rest.starts(with: pattern) {
                    var after = rest.dropFirst(pattern.count).drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D }
                    if after.first == UInt8(ascii: ":") {
                        after = after.dropFirst().drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D }
                        return after
                    }
                }
                rest = rest.dropFirst()
            }
            return nil
        }
        if let count = value(of: "ItemsBackedUp"), let host = value(of: "Host"), host.first == UInt8(ascii: "\"") {
            let digits = count.prefix { (0x30...0x39).contains($0) }
            let name = host.dropFirst().prefix { $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
            if !digits.isEmpty, digits.count < 10, let items = Int(String(decoding: digits, as: UTF8.self)),
               host.dropFirst(name.count + 1).first == UInt8(ascii: "\"") {
                return (String(decoding: name, as: UTF8.self), items)
            }
        }
        return Workspace.manifest(inTagMessage: message).map { ($0.host, $0.itemsBackedUp) }
    }

    /// Parses a manifest; nil when the bytes are not one.
    public static func parse(_ data: Data) -> BackupManifest? {
        try? JSONDecoder().decode(BackupManifest.self, from: data)
    }

    /// `2026-11-25T21:40:00+01:00` for `date` in the local time zone.
    public static func timestamp(_ date: Date = Date(), timeZone: TimeZone = .current) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ssxxx"
        return formatter.string(from: date)
    }
}
