/// What `naner machine` and `naner variant` refuse.
public enum VariantError: NanerFailure, Equatable {
    case invalidName(kind: String, name: String)
    case notInClass(String)
    case alreadyVaries(path: String, layer: Layer)
    case doesNotVary(String)
    case classesDisagree(path: String, classes: [String])
    case notAFile(String)
    case ownFile(String)
    case alreadyInClass(String)
    case notAMember(String)

    public var message: String { text.onOneLine }

    private var text: String {
        switch self {
        case .invalidName(let kind, let name): return "'\(name)' cannot be a \(kind) name"
        case .notInClass(let name): return "this machine is not in class '\(name)'"
        case .alreadyVaries(let path, let layer): return "'\(path)' already varies for \(layer.description)"
        case .doesNotVary(let path): return "'\(path)' does not vary on this machine"
        case .classesDisagree(let path, let classes):
            return "'\(path)' varies for both " + classes.map { "class '\($0)'" }.joined(separator: " and ")
                + ", and this machine is in both"
        case .notAFile(let path): return "'\(path)' is not a file: only files can vary per machine"
        case .ownFile(let path): return "'\(path)' is naner's own file and cannot vary per machine"
        case .alreadyInClass(let name): return "this machine is in class '\(name)' already"
        case .notAMember(let name): return "this machine is not in class '\(name)'"
        }
    }

    public var hints: [String] {
        switch self {
        case .invalidName: return ["use letters, digits, '.', '_' and '-', starting with a letter or digit, e.g. work"]
        case .notInClass(let name): return ["add it first with 'naner machine class add \(name)'"]
        case .alreadyVaries: return ["'naner variant list' shows every varying path"]
        case .doesNotVary: return ["'naner variant list' shows every varying path"]
        case .classesDisagree(let path, let classes):
            return ["leave one class with 'naner machine class remove \(classes.last ?? "")', or vary '\(path)' per host"]
        case .notAFile, .ownFile: return []
        case .alreadyInClass, .notAMember: return ["'naner machine' shows this machine's classes"]
        }
    }

    public var exitCode: Int32 { NanerExit.failure }
}
