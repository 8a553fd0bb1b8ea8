import FoundationEssentials
import GitKit

/// A pull that stopped on conflicts, kept in the repository the way git keeps it
/// (`MERGE_HEAD`, `ORIG_HEAD`, `MERGE_MSG`, so `git status` says "merging"), plus
/// naner's own record of which files it wrote and which conflict.
struct MergeState: Codable {
    static let file = "naner-merge.json"

    var remote: String
    var ours: String
    var theirs: String
    /// Every path the merge wrote into the tree: what `--abort` puts back.
    var written: [String]
    var conflicts: [String]
    /// The layer branch being merged (`refs/heads/main`, `refs/heads/class/work`) when it is
    /// not HEAD's: the commit that finishes the merge makes its merge commit there. nil: HEAD.
    var branch: String? = nil
    /// That merge's tree (conflicting files with markers): the base the finishing commit
    /// lays the resolved files over.
    var mergedTree: String? = nil

    static func load(repository: String) -> MergeState? {
        guard FileManager.default.fileExists(atPath: repository + "/MERGE_HEAD"),
              let data = FileManager.default.contents(atPath: repository + "/" + file) else { return nil }
        return try? JSONDecoder().decode(MergeState.self, from: data)
    }

    func save(repository: String, message: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(Array(try encoder.encode(self)), to: repository + "/" + MergeState.file, mode: 0o644)
        try AtomicFile.write(Array((ours + "\n").utf8), to: repository + "/ORIG_HEAD", mode: 0o644)
        try AtomicFile.write(Array(message.utf8), to: repository + "/MERGE_MSG", mode: 0o644)
        // Last: its presence is what marks the merge as in progress.
        try AtomicFile.write(Array((theirs + "\n").utf8), to: repository + "/MERGE_HEAD", mode: 0o644)
    }

    static func clear(repository: String) {
        for name in ["MERGE_HEAD", "MERGE_MSG", MergeState.file] { FileSystem.removeIfPresent(repository + "/" + name) }
    }

    static let markerStart = Array("<<<<<<< local".utf8)

    /// Conflicting files that still hold a `<<<<<<< local` line.
    func unresolved(home: String) -> [String] {
        conflicts.filter { path in
            guard let bytes = FileManager.default.contents(atPath: home + "/" + path).map(Array.init) else { return false }
            var lineStart = true
            for index in bytes.indices {
                if lineStart && bytes[index...].starts(with: MergeState.markerStart) { return true }
                lineStart = bytes[index] == UInt8(ascii: "\n")
            }
            return false
        }
    }
}
