import FoundationEssentials
import GitKit

/// A pull that is laying files out, recorded before the first file is written and
/// removed after the index is up to date: a pull killed in between is finished by
/// the next sync, so the tree, `main` and the index never stay out of step.
struct SyncJournal: Codable {
    static let file = "naner-sync-pending.json"

    var remote: String
    /// `main` before the pull, and the commit it is moving to.
    var from: String
    var to: String

    static func load(repository: String) -> SyncJournal? {
        FileManager.default.contents(atPath: repository + "/" + file).flatMap { try? JSONDecoder().decode(SyncJournal.self, from: $0) }
    }

    func save(repository: String) throws {
        try AtomicFile.write(Array(try JSONEncoder().encode(self)), to: repository + "/" + SyncJournal.file, mode: 0o644)
    }

    static func clear(repository: String) {
        FileSystem.removeIfPresent(repository + "/" + file)
    }
}
