import Foundation
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

    /// main against the default sync remote's last-seen main, from local refs only.
    func upstreamStatus() -> UpstreamStatus? {
        guard let remote = try? syncRemote(SyncOptions(), creating: false),
              let seen = try? repository.resolveCommit(remote.trackingPrefix + "main"),
              let head = try? repository.headCommitID(),
              let counts = try? repository.aheadBehind(local: head, upstream: seen) else { return nil }
        return UpstreamStatus(remote: remote.name, ahead: counts.ahead, behind: counts.behind)
    }
}
