import FoundationEssentials

/// Lexical path helpers: naner never resolves symlinks in the user's paths.
public enum Paths {
    /// `base` nil: the working directory, asked for only for a relative path (FileManager's
    /// first use costs a command's start-up a few dozen microseconds).
    public static func absolute(_ path: String, relativeTo base: String? = nil) -> String {
        if path.hasPrefix("/") { return normalize(path) }
        return normalize((base ?? FileManager.default.currentDirectoryPath) + "/" + path)
    }

    /// Removes `.` and empty components and applies `..` lexically; keeps a leading `/`.
    public static func normalize(_ path: String) -> String {
        if isNormal(path) { return path }  // most are: every command resolves its two locations
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        return path.hasPrefix("/") ? "/" + joined : joined
    }

    /// Whether `normalize` would return `path` unchanged: no empty, `.` or `..` component
    /// (a leading `/` aside) and no trailing `/`. Read on the UTF-8 bytes.
    private static func isNormal(_ path: String) -> Bool {
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        var length = 0, dots = 0, index = 0
        for byte in path.utf8 {
            if byte == slash {
                if index > 0 && (length == 0 || (dots == length && length <= 2)) { return false }
                length = 0
                dots = 0
            } else {
                length += 1
                if byte == dot { dots += 1 }
            }
            index += 1
        }
        return length > 0 && !(dots == length && length <= 2)
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
