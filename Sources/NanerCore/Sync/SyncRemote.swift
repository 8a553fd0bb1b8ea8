import Foundation
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
        return path.removingPercentEncoding ?? path
    }

    public static func isLocalPath(_ url: String) -> Bool {
        if url.hasPrefix("file://") || url.hasPrefix("/") { return true }
        return !url.contains("://") && !url.contains(":")
    }

    var trackingPrefix: String { "refs/remotes/\(name)/" }
    var fetchRefspec: String { "+refs/heads/*:refs/remotes/\(name)/*" }
}

/// Cloud sync clients and the folder each keeps naner's bare repository in.
public enum CloudProvider: String, CaseIterable, Sendable {
    case dropbox, onedrive, googledrive, custom

    var displayName: String {
        switch self {
        case .dropbox: return "Dropbox"
        case .onedrive: return "OneDrive"
        case .googledrive: return "Google Drive"
        case .custom: return "custom"
        }
    }

    /// The provider's root folder under the user's home (not the managed tree):
    /// the client's own record wins over the default, as Dropbox's `info.json`.
    func root(userHome: String) -> String {
        switch self {
        case .dropbox:
            if let data = FileManager.default.contents(atPath: userHome + "/.dropbox/info.json"),
               let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
                for account in ["personal", "business"] {
                    if let path = (object[account] as? [String: Any])?["path"] as? String { return path }
                }
            }
            return userHome + "/Dropbox"
        case .onedrive: return userHome + "/OneDrive"
        case .googledrive: return userHome + "/Google Drive"
        case .custom: return userHome
        }
    }

    /// The bare repository's path for this provider.
    public func folder(userHome: String, customPath: String?) throws -> String {
        if self == .custom {
            guard let customPath, !customPath.isEmpty else { throw SyncError.customProviderNeedsPath }
            return Paths.absolute(customPath)
        }
        let root = root(userHome: userHome)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw SyncError.providerFolderMissing(provider: displayName, path: root)
        }
        return root + "/Naner-Config.git"
    }
}

public typealias TransferProgress = GitKit.TransferProgress
public typealias TreeChange = GitKit.TreeChange
