import FoundationEssentials
import GitKit

/// What a sync does, decided from both sides before anything changes here or there.
/// `naner sync --dry-run` builds it and prints it; `naner sync` makes each of its
/// decisions with the same functions (`SyncPlan.decidePull`, `decidePush`) and carries
/// them out, so the preview cannot promise what the real run would not do. The files
/// the pull would write are planned as the real pull plans them (`planIncoming`): an
/// uncommitted edit in the way stops the preview as it stops the pull, and a merge's
/// conflicts are known before a marker is written.
public struct SyncPlan: Sendable {
    /// What the pull does with the remote's `main`.
    public enum Pull: Sendable, Equatable {
        /// `naner sync push`.
        case notAsked
        /// The remote has no configuration yet.
        case remoteEmpty
        case upToDate
        case fastForward(to: ObjectID)
        /// Both sides have commits of their own: a 3-way merge (which may stop on conflicts).
        case merge(with: ObjectID)
    }

    /// What the push does to the remote's `main`.
    public enum Push: Sendable, Equatable {
        /// `naner sync pull`.
        case notAsked
        /// The remote already has this `main` (tags may still travel).
        case upToDate
        /// The remote has no `main` yet (a new folder is created first).
        case create
        case fastForward
        /// The remote has commits this machine lacks: the pull merges them first.
        case afterPull
        /// `--force` over the remote's `main`, which is where this machine last saw it.
        case overwrite(lease: ObjectID)
        /// The remote has commits this machine lacks and no pull comes first, or `--force`
        /// found the remote elsewhere than this machine last saw it.
        case refused(SyncError)
    }

    public let remote: SyncRemote
    public let direction: SyncDirection
    public let remoteExists: Bool
    public let pull: Pull
    public let push: Push
    /// Commits only this machine has, and only the remote has.
    public let ahead: [CommitInfo]
    public let behind: [CommitInfo]
    /// Files the pull would change here, and files the push would change there.
    public let incoming: [TreeChange]
    public let outgoing: [TreeChange]
    /// Uncommitted changes here, which a sync does not carry.
    public let uncommitted: Int
    /// Files the pull's merge would leave with conflict markers: the real sync stops there (exit 3).
    public let conflicts: [String]

    /// The pull's decision: nothing, a fast-forward, or a merge.
    static func decidePull(ours: ObjectID, theirs: ObjectID?, in repository: Repository) throws -> Pull {
        guard let theirs else { return .remoteEmpty }
        if try ours == theirs || repository.isDescendant(ours, of: theirs) { return .upToDate }
        if try repository.isDescendant(theirs, of: ours) { return .fastForward(to: theirs) }
        return .merge(with: theirs)
    }

    /// The push's decision for `main`, given the remote's `main` now (`there`, nil when it
    /// has none) and where this machine last saw it. Push is fast-forward only; `--force`
    /// overwrites only what was last seen (a lease).
    static func decidePush(local: ObjectID, there: ObjectID?, lastSeen: ObjectID?, pullFirst: Bool, force: Bool,
                           remote: SyncRemote, in repository: Repository) throws -> Push {
        guard let there else { return .create }
        if there == local { return .upToDate }
        let known = (try? repository.commit(there)) != nil
        if known, try repository.isDescendant(local, of: there) { return .fastForward }
        if pullFirst { return .afterPull }
        guard force else { return .refused(.remoteHasNewCommits(remote: remote.name)) }
        guard there == lastSeen else {
            return .refused(.remoteMoved(remote: remote.name, now: there.short, lastSeen: lastSeen?.short))
        }
        return .overwrite(lease: there)
    }
}
