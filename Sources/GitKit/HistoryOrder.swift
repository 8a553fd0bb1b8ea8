/// `git log`'s own order, which both ways of reading a history share (libgit2's objects
/// and `ObjectFiles`): the newest waiting commit by committer time comes next, and its
/// parents join the waiting ones after every commit at least as new, so commits of the
/// same second keep the order they were met in and a linear history is its parent
/// chain. (libgit2's time sort orders commits of the same second arbitrarily, even a
/// parent before its child.)
public enum HistoryOrder {
    /// At most `limit` commits from `start`; `read` nil stops the walk and returns nil.
    public static func walk(from start: ObjectID, limit: Int?, read: (ObjectID) throws -> CommitInfo?) rethrows -> [CommitInfo]? {
        var waiting: [CommitInfo] = []
        guard let first = try read(start) else { return nil }
        waiting.append(first)
        var seen: Set<ObjectID>?  // made when first needed: `log -n 1` builds no hashed collection
        var shown: [CommitInfo] = []
        while !waiting.isEmpty, limit.map({ shown.count < $0 }) ?? true {
            let commit = waiting.removeFirst()
            shown.append(commit)
            if let limit, shown.count == limit { break }
            if seen == nil { seen = [start] }
            for parent in commit.parentIDs where seen!.insert(parent).inserted {
                guard let parentCommit = try read(parent) else { return nil }
                let place = waiting.firstIndex { $0.commitTime < parentCommit.commitTime } ?? waiting.endIndex
                waiting.insert(parentCommit, at: place)
            }
        }
        return shown
    }

    /// The same, reading each commit through `read`, which throws what stops it.
    public static func walk(from start: ObjectID, limit: Int?, read: (ObjectID) throws -> CommitInfo) throws -> [CommitInfo] {
        try walk(from: start, limit: limit) { id -> CommitInfo? in try read(id) } ?? []
    }
}
