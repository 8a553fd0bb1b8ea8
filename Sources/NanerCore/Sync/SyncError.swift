/// What `naner remote` and `naner sync` refuse or fail at.
public enum SyncError: NanerFailure, Equatable {
    case noRemote
    case unknownRemote(String)
    case remoteExists(String, url: String)
    case invalidRemoteName(String)
    case customProviderNeedsPath
    case providerFolderMissing(provider: String, path: String)
    case remoteHasNewCommits(remote: String)
    case remoteMoved(remote: String, now: String, lastSeen: String?)
    case pushRejected(remote: String, reference: String, reason: String)
    case folderStillSyncing(folder: String, reference: String)
    case transferFailed(url: String, reason: String)
    case pullBlocked([String])
    case mergeConflicts([String])
    case mergeInProgress
    case noMergeInProgress
    case conflictMarkersRemain([String])

    /// Always one line: names quoted from a file or another machine may hold control characters.
    public var message: String { text.onOneLine }

    private var text: String {
        switch self {
        case .noRemote: return "no remote to sync with"
        case .unknownRemote(let name): return "no remote named '\(name)'"
        case .remoteExists(let name, let url): return "remote '\(name)' already exists ('\(url)')"
        case .invalidRemoteName(let name): return "'\(name)' cannot be a remote name"
        case .customProviderNeedsPath: return "--provider custom needs --path DIR"
        case .providerFolderMissing(let provider, let path): return "\(provider) folder not found at \(path)"
        case .remoteHasNewCommits(let remote): return "remote '\(remote)' has commits this machine does not have"
        case .remoteMoved(let remote, let now, let lastSeen):
            return "remote '\(remote)' moved to \(now) since this machine last saw it"
                + (lastSeen.map { " at \($0)" } ?? " (never fetched)")
        case .pushRejected(let remote, let reference, let reason):
            return "remote '\(remote)' refused '\(reference)': \(reason)"
        case .folderStillSyncing(let folder, let reference):
            return "'\(folder)' is still being copied by a sync client: '\(reference)' points at commits not there yet"
        case .transferFailed(let url, let reason): return "cannot reach '\(url)': \(reason)"
        case .pullBlocked(let paths):
            return "\(paths.count) \(paths.count == 1 ? "file has" : "files have") uncommitted edits that the pull would change: "
                + paths.prefix(5).map { "'\($0)'" }.joined(separator: ", ") + (paths.count > 5 ? ", …" : "")
        case .mergeConflicts(let paths):
            return "\(paths.count) \(paths.count == 1 ? "file conflicts" : "files conflict") between this machine and the remote: "
                + paths.prefix(5).map { "'\($0)'" }.joined(separator: ", ") + (paths.count > 5 ? ", …" : "")
        case .mergeInProgress: return "a sync merge is waiting for its conflicts to be resolved"
        case .noMergeInProgress: return "no sync merge to abort"
        case .conflictMarkersRemain(let paths):
            return "conflict markers remain in " + paths.prefix(5).map { "'\($0)'" }.joined(separator: ", ")
        }
    }

    public var hints: [String] {
        switch self {
        case .noRemote:
            return ["add one with 'naner remote add origin URL', or sync through a cloud folder with --provider dropbox"]
        case .unknownRemote: return ["'naner remote list' shows the remotes"]
        case .remoteExists(let name, _): return ["remove it first with 'naner remote remove \(name)', or choose another name"]
        case .invalidRemoteName: return ["use letters, digits, '-' and '_', e.g. origin"]
        case .customProviderNeedsPath: return ["e.g. naner sync --provider custom --path /mnt/share/Naner-Config.git"]
        case .providerFolderMissing:
            return ["install the sync client and let it create its folder", "or name the folder: --provider custom --path DIR"]
        case .remoteHasNewCommits: return ["run 'naner sync pull' (or 'naner sync') to merge them first"]
        case .remoteMoved: return ["run 'naner sync pull' to see what arrived; --force only overwrites what this machine has seen"]
        case .pushRejected: return ["check the server's rules for this branch; 'naner sync pull' first if it moved"]
        case .folderStillSyncing: return ["wait until the sync client has finished, then run naner sync again; nothing was changed"]
        case .transferFailed: return ["check the address and your network; 'naner remote list' shows the remotes"]
        case .pullBlocked: return ["commit them first ('naner commit -m MSG'), then run naner sync again"]
        case .mergeConflicts:
            return ["edit each file where the '<<<<<<< local' and '>>>>>>> remote' markers are, then 'naner commit -m MSG' and 'naner sync'",
                    "or 'naner sync --abort' to return to where you were before the pull"]
        case .mergeInProgress:
            return ["resolve the conflicts and 'naner commit -m MSG', or 'naner sync --abort'"]
        case .noMergeInProgress: return []
        case .conflictMarkersRemain: return ["edit them out, then commit again; or 'naner sync --abort'"]
        }
    }

    public var exitCode: Int32 {
        switch self {
        case .mergeConflicts, .pullBlocked, .mergeInProgress: return NanerExit.conflict
        default: return NanerExit.failure
        }
    }
}
