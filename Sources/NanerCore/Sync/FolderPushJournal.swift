import FoundationEssentials
import GitKit

/// The references a push is moving in a folder remote, recorded (in this repository)
/// before the first one moves and removed after the last. Moving a reference takes git's
/// lock file beside it (`refs/heads/main.lock`); a push killed while holding one leaves
/// it, and every later push would stop on it. The next sync to that folder removes such
/// a lock only when this journal proves it is this machine's own: the journal names the
/// reference, and the lock holds nothing or the very id this push was writing. Any other
/// lock (another machine's, arriving through the sync client) stays.
struct FolderPushJournal: Codable {
    static let file = "naner-folder-push.json"

    var folder: String
    /// Reference name → the id being written.
    var references: [String: String]

    static func load(repository: String) -> FolderPushJournal? {
        FileManager.default.contents(atPath: repository + "/" + file).flatMap { try? JSONDecoder().decode(FolderPushJournal.self, from: $0) }
    }

    func save(repository: String) throws {
        try AtomicFile.write(Array(try JSONEncoder().encode(self)), to: repository + "/" + FolderPushJournal.file, mode: 0o600)
    }

    static func clear(repository: String) {
        FileSystem.removeIfPresent(repository + "/" + file)
    }

    /// Removes the locks a killed push of this machine left in `folder`; the names removed.
    static func removeOwnStaleLocks(repository: String, folder: String) -> [String] {
        guard let journal = load(repository: repository), journal.folder == folder else { return [] }
        var removed: [String] = []
        for (name, id) in journal.references.sorted(by: { $0.key < $1.key }) where Repository.isValidReferenceName(name) {
            let lock = folder + "/" + name + ".lock"
            guard let bytes = try? FileReader.read(lock) else { continue }
            let content = String(decoding: bytes, as: UTF8.self).trimmingSpacesAndNewlines()
            guard content.isEmpty || content == id else { continue }
            if (try? FileSystem.remove(lock)) != nil { removed.append(name + ".lock") }
        }
        clear(repository: repository)
        return removed
    }
}
