import FoundationEssentials
import GitKit

extension Workspace {
    /// `naner remote add NAME URL`: the URL is stored without any password in it.
    public func addRemote(name: String, url: String) throws -> RemoteInfo {
        guard Repository.isValidRemoteName(name), !name.hasPrefix("-") else { throw SyncError.invalidRemoteName(name) }
        if HTTPCredentials.isHTTP(url) { try HTTPCredentials.check(url) }
        try lockRepository()
        if let existing = try repository.remoteURL(name) { throw SyncError.remoteExists(name, url: existing) }
        let stored = Workspace.remoteURL(HTTPCredentials.redacted(url))
        try repository.createRemote(name: name, url: stored)
        return RemoteInfo(name: name, url: stored)
    }

    public func remotes() throws -> [RemoteInfo] {
        try repository.remoteNames().compactMap { name in try repository.remoteURL(name).map { RemoteInfo(name: name, url: $0) } }
    }

    /// `naner remote remove NAME`: the remote and what this machine last saw of it.
    public func removeRemote(name: String) throws {
        try lockRepository()
        guard try repository.remoteURL(name) != nil else { throw SyncError.unknownRemote(name) }
        try repository.deleteRemote(name)
    }

    /// HEAD's branch against the default sync remote's last-seen copy of it, from local refs only. The
    /// answer is remembered (`UpstreamRecord`) and given again, without libgit2, while the
    /// config and both refs read the same.
    func upstreamStatus() -> UpstreamStatus? {
        if let known = UpstreamRecord.remembered(repository: locations.repository, home: locations.home) { return known }
        guard let repository = try? repository else { return nil }
        let remote: SyncRemote?
        do { remote = try syncRemote(SyncOptions(), creating: false) } catch SyncError.noRemote { remote = nil } catch { return nil }
        // Read before libgit2 counts: a ref moved meanwhile leaves a record that no longer matches.
        let files = UpstreamRecord.current(repository: locations.repository, home: locations.home, remote: remote?.name)
        let head = try? repository.headCommitID()
        let seen = remote.flatMap { try? repository.resolveCommit($0.trackingPrefix + branchName) }
        var answer: UpstreamStatus?
        if let remote, let head, let seen, let counts = try? repository.aheadBehind(local: head, upstream: seen) {
            answer = UpstreamStatus(remote: remote.name, ahead: counts.ahead, behind: counts.behind)
        }
        if var files, let head, files.head == head.hex, files.tracking == seen?.hex, (seen == nil) == (answer == nil) {
            (files.ahead, files.behind) = (answer?.ahead ?? 0, answer?.behind ?? 0)
            files.save(repository: locations.repository)
        }
        return answer
    }
}
