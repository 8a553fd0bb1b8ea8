/// Everything naner refuses or fails at, as one lowercase line that quotes the
/// thing concerned, plus hints that say what to do. The CLI prints
/// `error: MESSAGE` and `hint: HINT` lines and exits with `exitCode`.
public enum NanerError: Error, Equatable, Sendable {
    case homeMissing(String)
    case homeNotDirectory(String)
    case repositoryMissing(String)
    case repositoryCorrupt(String, reason: String)
    case alreadyInitialized(repository: String, home: String)
    case repositoryForOtherHome(repository: String, home: String)
    case malformedPattern(file: String, line: Int, reason: String)
    case malformedIncludeEntry(file: String, line: Int, reason: String)
    case pathOutsideHome(String, home: String)
    case pathMissing(String)
    case pathNotManaged(String)
    case ownFile(String)
    case unrepresentablePath(String, reason: String)
    case emptyMessage
    case locked(repository: String, pid: Int32?)
    case cannotRead(String, reason: String)
    case cannotWrite(String, reason: String)
    case git(String)

    public var message: String {
        switch self {
        case .homeMissing(let path): return "home folder '\(path)' does not exist"
        case .homeNotDirectory(let path): return "home '\(path)' is not a folder"
        case .repositoryMissing(let path): return "no naner repository at '\(path)'"
        case .repositoryCorrupt(let path, let reason): return "repository '\(path)' is damaged: \(reason)"
        case .alreadyInitialized(let repository, let home):
            return "naner is already set up: '\(repository)' manages '\(home)'"
        case .repositoryForOtherHome(let repository, let home):
            return "repository '\(repository)' already manages another folder, '\(home)'"
        case .malformedPattern(let file, let line, let reason): return "\(file):\(line): \(reason)"
        case .malformedIncludeEntry(let file, let line, let reason): return "\(file):\(line): \(reason)"
        case .pathOutsideHome(let path, let home): return "'\(path)' is outside the home folder '\(home)'"
        case .pathMissing(let path): return "'\(path)' does not exist"
        case .pathNotManaged(let path): return "'\(path)' is not managed by naner"
        case .ownFile(let path): return "'\(path)' is naner's own file and is always managed"
        case .unrepresentablePath(let path, let reason): return "cannot manage '\(path)': \(reason)"
        case .emptyMessage: return "empty commit message"
        case .locked(let repository, let pid):
            let holder = pid.map { "another naner (pid \($0))" } ?? "another naner"
            return "\(holder) is using '\(repository)'"
        case .cannotRead(let path, let reason): return "cannot read '\(path)': \(reason)"
        case .cannotWrite(let path, let reason): return "cannot write '\(path)': \(reason)"
        case .git(let message): return message
        }
    }

    public var hints: [String] {
        switch self {
        case .homeMissing, .homeNotDirectory:
            return ["point naner at your home folder with --home DIR or NANER_HOME"]
        case .repositoryMissing: return ["run 'naner init' to start managing your configuration"]
        case .repositoryCorrupt:
            return ["check it with 'git --git-dir=REPO fsck'; restore the folder from a copy or run 'naner init --from' another machine"]
        case .alreadyInitialized: return []
        case .repositoryForOtherHome: return ["pass that folder with --home, or choose another repository with --repo"]
        case .malformedPattern: return ["fix or remove that line; 'naner ignore check PATH' shows which line decides a path"]
        case .malformedIncludeEntry: return ["fix or remove that line, or use 'naner add' and 'naner forget'"]
        case .pathOutsideHome: return ["naner manages files inside the home folder only"]
        case .pathMissing: return ["create it first, or check the spelling"]
        case .pathNotManaged: return ["'naner ignore check PATH' says why"]
        case .ownFile: return []
        case .unrepresentablePath: return ["rename it"]
        case .emptyMessage: return ["say what changed: naner commit -m \"aliases for kubectl\""]
        case .locked: return ["wait for it to finish and try again"]
        case .cannotRead, .cannotWrite: return ["check the file's permissions"]
        case .git: return []
        }
    }
}

/// Exit codes, documented in the README.
public enum NanerExit {
    public static let success: Int32 = 0
    public static let failure: Int32 = 1
    /// Stopped because local edits or the other side conflict (restore, sync).
    public static let conflict: Int32 = 3
    public static let usage: Int32 = 64
}
