/// The rules every archive entry must pass, on writing and on reading, so an
/// archive can never put a file outside the folder it is restored into.
enum ArchiveSafety {
    /// What an archive holds at one path, before it is checked.
    enum Kind: Equatable {
        case file
        case symlink(String)
        case folder
    }

    struct Problem: Equatable, Error {
        let path: String
        let reason: String
    }

    /// Why `path` cannot name an entry, or nil when it is a plain relative path.
    static func pathProblem(_ path: String) -> String? {
        if path.isEmpty { return "the path is empty" }
        if path.unicodeScalars.contains("\0") { return "the path contains a NUL byte" }
        if path.hasPrefix("/") { return "the path is absolute" }
        if path.contains("\\") { return "the path contains '\\', a folder separator on Windows" }
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        if let first = components.first, isDriveLetter(first) { return "the path starts with a drive letter" }
        for component in components {
            switch component {
            case "": return "the path has an empty component"
            case ".": return "the path has a '.' component"
            case "..": return "the path climbs out with '..'"
            default: continue
            }
        }
        return nil
    }

    /// Checks a whole set of entries: each path, duplicates, entries below a
    /// file or a symlink, and where every symlink leads. Returns the problems
    /// in path order (empty when the set is safe).
    static func problems(_ items: [(path: String, kind: Kind)]) -> [Problem] {
        var problems: [Problem] = []
        var kinds: [String: Kind] = [:]
        var reported = Set<String>()
        func report(_ path: String, _ reason: String) {
            guard reported.insert(path).inserted else { return }
            problems.append(Problem(path: path, reason: reason))
        }
        for item in items {
            if let reason = pathProblem(item.path) {
                report(item.path, reason)
                continue
            }
            if kinds[item.path] != nil {
                report(item.path, "the archive holds it more than once")
                continue
            }
            kinds[item.path] = item.kind
        }
        for (path, kind) in kinds {
            var folder = Substring(path)
            ancestors: while let slash = folder.lastIndex(of: "/") {
                folder = folder[..<slash]
                switch kinds[String(folder)] {
                case .file?:
                    report(path, "it lies below '\(folder)', which is a file")
                case .symlink?:
                    report(path, "it lies below '\(folder)', which is a symlink")
                default:
                    continue ancestors
                }
                break ancestors
            }
            if case .symlink(let target) = kind, !reported.contains(path),
               let reason = symlinkProblem(path: path, target: target, kinds: kinds) {
                report(path, reason)
            }
        }
        return problems.sorted { precedes($0.path, $1.path) }
    }

    /// Resolves the link lexically inside the archive, following the archive's
    /// own symlinks on the way (`a/l -> ..` then `b -> a/l/..` leads out too).
    static func symlinkProblem(path: String, target: String, kinds: [String: Kind]) -> String? {
        if target.isEmpty { return "the symlink's target is empty" }
        if target.unicodeScalars.contains("\0") { return "the symlink's target contains a NUL byte" }
        if target.hasPrefix("/") { return "the symlink points to the absolute path '\(target)'" }
        var stack = path.split(separator: "/").dropLast().map(String.init)
        var pending = target.split(separator: "/").map(String.init)[...]
        var hops = 0
        while let component = pending.popFirst() {
            switch component {
            case ".":
                continue
            case "..":
                guard !stack.isEmpty else { return "the symlink leads out of the archive ('\(target)')" }
                stack.removeLast()
            default:
                stack.append(component)
                guard case .symlink(let next)? = kinds[stack.joined(separator: "/")] else { continue }
                hops += 1
                if hops > 40 { return "the symlink goes through too many symlinks" }
                if next.hasPrefix("/") { return "the symlink leads out of the archive through '\(stack.joined(separator: "/"))'" }
                stack.removeLast()
                pending = (next.split(separator: "/").map(String.init) + pending)[...]
            }
        }
        return nil
    }

    /// Byte order of the UTF-8 paths, the order git and the archive use.
    static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }

    private static func isDriveLetter(_ component: Substring) -> Bool {
        let scalars = Array(component.unicodeScalars)
        return scalars.count == 2 && scalars[1] == ":" && scalars[0].isASCII && scalars[0].properties.isAlphabetic
    }
}
