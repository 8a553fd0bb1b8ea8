import CLibgit2

/// A repository's configuration, all levels merged; writes go to the repository's own file.
public final class Config {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { git_config_free(pointer) }

    public func set(_ name: String, _ value: String) throws {
        try check(git_config_set_string(pointer, name, value), "git_config_set_string")
    }

    public func set(_ name: String, _ value: Bool) throws {
        try check(git_config_set_bool(pointer, name, value ? 1 : 0), "git_config_set_bool")
    }

    public func string(_ name: String) throws -> String? {
        // A snapshot is required to read strings safely from a live config.
        var snapshot: OpaquePointer?
        try check(git_config_snapshot(&snapshot, pointer), "git_config_snapshot")
        defer { git_config_free(snapshot) }
        var value: UnsafePointer<CChar>?
        let rc = git_config_get_string(&value, snapshot, name)
        if rc == GIT_ENOTFOUND.rawValue { return nil }
        try check(rc, "git_config_get_string")
        return value.map { String(cString: $0) }
    }

    /// Every entry whose name matches the regular expression, in the order git reads
    /// them (system, global, repository; each file top to bottom), so a later one
    /// overrides an earlier one as it does for git. A key without `=` reads as "".
    public func entries(matching pattern: String) throws -> [ConfigEntry] {
        var snapshot: OpaquePointer?
        try check(git_config_snapshot(&snapshot, pointer), "git_config_snapshot")
        defer { git_config_free(snapshot) }
        var iterator: OpaquePointer?
        try check(git_config_iterator_glob_new(&iterator, snapshot, pattern), "git_config_iterator_glob_new")
        defer { git_config_iterator_free(iterator) }
        var entries: [ConfigEntry] = []
        var entry: UnsafeMutablePointer<git_config_entry>?
        while true {
            let rc = git_config_next(&entry, iterator)
            if rc == GIT_ITEROVER.rawValue { break }
            try check(rc, "git_config_next")
            guard let found = entry?.pointee, let name = found.name else { continue }
            entries.append(ConfigEntry(name: String(cString: name), value: found.value.map { String(cString: $0) } ?? "",
                                       level: ConfigEntry.Level(found.level)))
        }
        // libgit2 walks its files lowest level first; sorted (stably) so it never depends on that.
        return entries.enumerated().sorted { ($0.element.level, $0.offset) < ($1.element.level, $1.offset) }.map(\.element)
    }

    /// A boolean as git reads one (`true`, `yes`, `on`, `1`, a key alone…); nil when unset.
    public func bool(_ name: String) throws -> Bool? {
        var snapshot: OpaquePointer?
        try check(git_config_snapshot(&snapshot, pointer), "git_config_snapshot")
        defer { git_config_free(snapshot) }
        var value: Int32 = 0
        let rc = git_config_get_bool(&value, snapshot, name)
        if rc == GIT_ENOTFOUND.rawValue { return nil }
        try check(rc, "git_config_get_bool")
        return value != 0
    }

    public func int64(_ name: String) throws -> Int64? {
        var value: Int64 = 0
        let rc = git_config_get_int64(&value, pointer, name)
        if rc == GIT_ENOTFOUND.rawValue { return nil }
        try check(rc, "git_config_get_int64")
        return value
    }
}
