import FoundationEssentials

/// Lexical path helpers: naner never resolves symlinks in the user's paths.
public enum Paths {
    public static func absolute(_ path: String, relativeTo base: String = FileManager.default.currentDirectoryPath) -> String {
        normalize(path.hasPrefix("/") ? path : base + "/" + path)
    }

    /// Removes `.` and empty components and applies `..` lexically; keeps a leading `/`.
    public static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        return path.hasPrefix("/") ? "/" + joined : joined
    }

    /// `path` relative to `home`, or nil when it is outside. The home itself gives "".
    public static func relative(_ path: String, to home: String) -> String? {
        if path == home { return "" }
        let prefix = home == "/" ? "/" : home + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : nil
    }

    /// The folder holding `path`, lexically (as NSString's deletingLastPathComponent,
    /// but `.` for a bare name): `/a/b` → `/a`, `/a` → `/`, `a` → `.`.
    public static func parent(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
    }
}
