import FoundationEssentials
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
               let info = try? JSONDecoder().decode(DropboxInfo.self, from: data),
               let path = info.personal?.path ?? info.business?.path {
                return path
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
        var isDirectory = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory else {
            throw SyncError.providerFolderMissing(provider: displayName, path: root)
        }
        return root + "/Naner-Config.git"
    }
}

/// The part of Dropbox's `~/.dropbox/info.json` naner reads: each account's folder.
private struct DropboxInfo: Decodable {
    struct Account: Decodable {
        let path: String?
    }
    let personal: Account?
    let business: Account?
}
