import FoundationEssentials
import GitKit

/// Backup tags a prune removed here and that remotes may still hold: one line per remote
/// and tag, `REMOTE<TAB>refs/tags/NAME<TAB>TAG-ID` in `REPO/naner-pruned-tags`. The next
/// push to a remote deletes each of its tags there only if the remote still points it at
/// TAG-ID, the object this machine last saw (a lease), and a pull from it never brings
/// them back; the line goes once the remote has been dealt with.
struct PrunedTags: Equatable {
    struct Entry: Hashable {
        let remote: String
        /// `refs/tags/NAME`.
        let reference: String
        /// The tag object the reference named when it was pruned.
        let id: ObjectID
    }

    static let fileName = "naner-pruned-tags"

    private(set) var entries: [Entry] = []

    static func load(repository: String) -> PrunedTags {
        guard let text = try? String(contentsOfFile: repository + "/" + fileName, encoding: .utf8) else { return PrunedTags() }
        var record = PrunedTags()
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 3, fields[1].hasPrefix(BackupName.tagPrefix), let id = ObjectID(hex: fields[2]) else { continue }
            record.entries.append(Entry(remote: fields[0], reference: fields[1], id: id))
        }
        return record
    }

    func save(repository: String) throws {
        let path = repository + "/" + PrunedTags.fileName
        guard !entries.isEmpty else {
            FileSystem.removeIfPresent(path)
            return
        }
        let text = entries.map { "\($0.remote)\t\($0.reference)\t\($0.id.hex)\n" }.joined()
        try AtomicFile.write(Array(text.utf8), to: path, mode: 0o600)
    }

    /// The tags still to delete from `remote`, by reference.
    func pending(for remote: String) -> [String: ObjectID] {
        Dictionary(entries.filter { $0.remote == remote }.map { ($0.reference, $0.id) }, uniquingKeysWith: { _, last in last })
    }

    mutating func add(_ entry: Entry) {
        entries.removeAll { $0.remote == entry.remote && $0.reference == entry.reference }
        entries.append(entry)
    }

    mutating func remove(remote: String, reference: String) {
        entries.removeAll { $0.remote == remote && $0.reference == reference }
    }
}
