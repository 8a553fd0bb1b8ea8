import FoundationEssentials
import GitKit

/// Where a sync goes: a named remote, a URL, or a cloud provider's folder.
public struct SyncRemote: Sendable, Equatable {
    /// The remote's name in the repository (`origin`, `dropbox`); its last-seen
    /// position is kept under `refs/remotes/NAME/`.
    public let name: String
    /// As given; may hold a password for this run (never stored, never shown).
    public let url: String
    /// The URL without its password: what messages show.
    public var displayURL: String { HTTPCredentials.redacted(url) }
    /// A bare repository in a folder (a cloud provider's, or any path): created on
    /// first push, and checked for a sync client's half-copied state and conflicted copies.
    public var folderPath: String? {
        guard SyncRemote.isLocalPath(url) else { return nil }
        // file:// URLs are how a path with a ':' is stored (see Repository.createRemote).
        guard url.hasPrefix("file://") else { return url }
        let path = String(url.dropFirst(7))
        return path.percentDecoded ?? path
    }

    public static func isLocalPath(_ url: String) -> Bool {
        if url.hasPrefix("file://") || url.hasPrefix("/") { return true }
        return !url.contains("://") && !url.contains(":")
    }

    var trackingPrefix: String { "refs/remotes/\(name)/" }
}

public typealias TransferProgress = GitKit.TransferProgress
public typealias TreeChange = GitKit.TreeChange
