/// One thing a restore target holds that naner will not write, at one path:
/// what `TreeGate` finds in a tree or an archive from elsewhere.
public struct TreeProblem: Sendable, Equatable {
    public enum Reason: Sendable, Equatable {
        /// `..`, an absolute name, a name holding `../`: it would be written above the home.
        case leadsOutside
        /// `.git` in any case, or an alias NTFS or HFS+ resolves to it (`.git.`, `git~1`,
        /// `.git::$INDEX_ALLOCATION`, `.g\u{200c}it`): git tools would take it for a repository.
        case dotGit
        /// A `.gitmodules` that is a link (git refuses it: it could point anywhere).
        case gitmodulesLink
        case dotName
        case emptyName
        /// A name holding `/`: one entry pretending to be a whole path.
        case slashInName
        /// `..\escape`, `\x`, `C:\x`: outside the home where `\` separates folders (Windows).
        case backslash
        case nul
        /// The name's bytes are not UTF-8: another tool or machine would see another name.
        case notUTF8
        case tooLong
        /// The folder holds the name twice (`a` the file and `a` the folder, or the same entry again).
        case duplicate
        /// Out of git's order in its folder: git and libgit2 would look it up differently.
        case unsorted
        /// A mode git does not write (`100664`, `100600`), or zero-padded (`040000`).
        case badMode(String)
        case zeroPaddedMode(String)
        /// The entry's object id is all zeros.
        case nullID
        /// The tree object cannot be read entry by entry.
        case malformedTree
        /// More paths than `TreeGate.maximumEntries`.
        case tooManyEntries
        /// Folders nested deeper than `TreeGate.maximumDepth`: a walk of them would exhaust the stack.
        case tooDeep
        /// A `.syncignore` or include list naner cannot read: once written, every command would stop.
        case badRules(String)
        /// The object is missing or not what the entry says.
        case unreadable(String)
        /// In naner's own repository (`.local/share/naner/repo.git` when it lies in the home).
        case ownRepository
        /// A file or link where a folder on the way to naner's own repository is.
        case replacesRepositoryFolder
        /// Below an entry of the same folder that is a link.
        case belowLink(String)
        /// `.naner` made a link (where naner keeps its include list and modes).
        case nanerIsLink
        /// Written through `.naner`, which is a link in the home.
        case throughNanerLink
        /// A line of `.naner/modes`, judged as a path.
        indirect case inModes(Reason)

        /// The words after the quoted path.
        public var text: String {
            switch self {
            case .leadsOutside: return "leads outside the home"
            case .dotGit: return "is a .git folder"
            case .gitmodulesLink: return "is a .gitmodules link"
            case .dotName: return "is named '.'"
            case .emptyName: return "has an empty name"
            case .slashInName: return "is one name holding '/'"
            case .backslash: return "leads outside the home where '\\' separates folders (Windows)"
            case .nul: return "holds a NUL byte"
            case .notUTF8: return "is not valid UTF-8"
            case .tooLong: return "has a name longer than \(TreeGate.maximumNameLength) bytes"
            case .duplicate: return "appears twice in its folder"
            case .unsorted: return "is out of git's order in its folder"
            case .badMode(let mode): return "has mode \(mode), which git does not write"
            case .zeroPaddedMode(let mode): return "has the zero-padded mode \(mode)"
            case .nullID: return "points at the null object id"
            case .malformedTree: return "is not a well-formed tree"
            case .tooManyEntries: return "holds more than \(TreeGate.maximumEntries) paths"
            case .tooDeep: return "is nested deeper than \(TreeGate.maximumDepth) folders"
            case .badRules(let reason): return "cannot be read: \(reason)"
            case .unreadable(let reason): return "cannot be read: \(reason)"
            case .ownRepository: return "lies in naner's own repository"
            case .replacesRepositoryFolder: return "would replace a folder holding naner's own repository"
            case .belowLink(let link): return "lies below '\(link)', which is a link"
            case .nanerIsLink: return "is a link; naner keeps its own files there"
            case .throughNanerLink: return "would be written through '.naner', which is a link"
            case .inModes(let reason): return reason.text + " (a line of \(ModeTable.path))"
            }
        }
    }

    /// The path as shown: `/`-separated, bytes that are not UTF-8 as `\xNN`.
    public let path: String
    public let reason: Reason
}
