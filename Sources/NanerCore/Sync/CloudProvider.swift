import Foundation
import GitKit

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
