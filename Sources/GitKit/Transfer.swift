import CLibgit2
import Glibc

/// How a transfer failed, read from libgit2 1.5's errors (checked against a loopback
/// lighttpd): callers turn these into messages without knowing libgit2's classes.
extension GitError {
    /// The server refused every credential, or wanted some and none were offered.
    public var isAuthentication: Bool { kind == .auth }

    /// No connection: name resolution, connect or TLS failed. A refused connect is
    /// reported with the OS class, like local file errors, so the message decides it.
    public var isUnreachable: Bool {
        errorClass == GIT_ERROR_NET.rawValue || errorClass == GIT_ERROR_SSL.rawValue
            || (errorClass == GIT_ERROR_OS.rawValue && message.hasPrefix("failed to connect"))
    }

    /// The HTTP status of an unexpected answer (`unexpected http status code: 404`).
    public var httpStatus: Int? {
        let prefix = "unexpected http status code: "
        guard errorClass == GIT_ERROR_HTTP.rawValue, message.hasPrefix(prefix) else { return nil }
        return Int(message.dropFirst(prefix.count).prefix { $0.isNumber })
    }
}

extension Repository {
    /// Remote names in the repository's config, in order.
    public func remoteNames() throws -> [String] {
        var names = git_strarray()
        try check(git_remote_list(&names, pointer), "git_remote_list")
        defer { git_strarray_dispose(&names) }
        return (0..<names.count).compactMap { names.strings[$0].map { String(cString: $0) } }
    }

    /// The URL of a named remote; nil when there is no such remote.
    public func remoteURL(_ name: String) throws -> String? {
        var remote: OpaquePointer?
        let rc = git_remote_lookup(&remote, pointer, name)
        if rc == GIT_ENOTFOUND.rawValue || rc == GIT_EINVALIDSPEC.rawValue { return nil }
        try check(rc, "git_remote_lookup")
        defer { git_remote_free(remote) }
        return git_remote_url(remote).map { String(cString: $0) }
    }

    public func deleteRemote(_ name: String) throws {
        try check(git_remote_delete(pointer, name), "git_remote_delete")
    }

    public static func isValidRemoteName(_ name: String) -> Bool {
        Libgit2.ensureInitialized()
        var valid: Int32 = 0
        return git_remote_name_is_valid(&valid, name) == 0 && valid != 0
    }

    /// Fetches `refspecs` (or the remote's configured ones) from a named remote, or
    /// from a URL through an anonymous remote that leaves no trace in the config.
    public func fetch(remote nameOrURL: String, refspecs: [String]? = nil, pruning: Bool = false, tags: Bool = true,
                      options: TransferOptions = TransferOptions()) throws {
        let remote = try lookupOrAnonymous(nameOrURL)
        defer { git_remote_free(remote) }
        let state = TransferState(options)
        try state.takeUserOutOfURL(remote)
        var fetchOptions = git_fetch_options()
        try check(git_fetch_options_init(&fetchOptions, UInt32(GIT_FETCH_OPTIONS_VERSION)), "git_fetch_options_init")
        fetchOptions.callbacks = try state.callbacks()
        fetchOptions.proxy_opts = try state.proxyOptions(for: remote)
        fetchOptions.download_tags = tags ? GIT_REMOTE_DOWNLOAD_TAGS_ALL : GIT_REMOTE_DOWNLOAD_TAGS_NONE
        fetchOptions.prune = pruning ? GIT_FETCH_PRUNE : GIT_FETCH_NO_PRUNE
        let rc = try withStrings(refspecs ?? []) { array in
            try withExtendedLifetime(state) {
                try state.connecting { git_remote_fetch(remote, refspecs == nil ? nil : array, &fetchOptions, "naner: fetch") }
            }
        }
        try state.finish(rc, "git_remote_fetch")
    }

    /// Pushes `refspecs`; returns the server's answer per ref. A rejection the client
    /// detects (not a fast-forward) throws; one the server sends arrives as a
    /// `PushedReference` with a rejection while libgit2 returns 0.
    public func push(remote nameOrURL: String, refspecs: [String],
                     options: TransferOptions = TransferOptions()) throws -> [PushedReference] {
        let remote = try lookupOrAnonymous(nameOrURL)
        defer { git_remote_free(remote) }
        let state = TransferState(options)
        try state.takeUserOutOfURL(remote)
        var pushOptions = git_push_options()
        try check(git_push_options_init(&pushOptions, UInt32(GIT_PUSH_OPTIONS_VERSION)), "git_push_options_init")
        pushOptions.callbacks = try state.callbacks()
        pushOptions.proxy_opts = try state.proxyOptions(for: remote)
        // Both cores for deltas: libgit2 builds the pack itself, and it is the slow part.
        pushOptions.pb_parallelism = 0
        let rc = try withStrings(refspecs) { array in
            try withExtendedLifetime(state) { try state.connecting { git_remote_push(remote, array, &pushOptions) } }
        }
        try state.finish(rc, "git_remote_push")
        return state.pushed
    }

    /// Lists a remote's refs without fetching: name → commit (peeled for tags).
    public func listRemote(_ nameOrURL: String, options: TransferOptions = TransferOptions()) throws -> [String: ObjectID] {
        let remote = try lookupOrAnonymous(nameOrURL)
        defer { git_remote_free(remote) }
        let state = TransferState(options)
        try state.takeUserOutOfURL(remote)
        var callbacks = try state.callbacks()
        var proxy = try state.proxyOptions(for: remote)
        let rc = try withExtendedLifetime(state) {
            try state.connecting { git_remote_connect(remote, GIT_DIRECTION_FETCH, &callbacks, &proxy, nil) }
        }
        try state.finish(rc, "git_remote_connect")
        defer { git_remote_disconnect(remote) }
        var heads: UnsafeMutablePointer<UnsafePointer<git_remote_head>?>?
        var count = 0
        try check(git_remote_ls(&heads, &count, remote), "git_remote_ls")
        var result: [String: ObjectID] = [:]
        for index in 0..<count {
            guard let head = heads?[index]?.pointee else { continue }
            result[String(cString: head.name)] = ObjectID(head.oid)
        }
        return result
    }

    private func lookupOrAnonymous(_ nameOrURL: String) throws -> OpaquePointer? {
        var remote: OpaquePointer?
        if Repository.isValidRemoteName(nameOrURL), git_remote_lookup(&remote, pointer, nameOrURL) == 0 {
            return remote
        }
        try check(git_remote_create_anonymous(&remote, pointer, nameOrURL), "git_remote_create_anonymous")
        return remote
    }
}

/// `%40` → `@`, as libgit2 decodes a URL's user; malformed escapes stay as written.
func percentDecoded(_ text: Substring) -> String {
    var bytes: [UInt8] = []
    var utf8 = Array(text.utf8)[...]
    while let byte = utf8.popFirst() {
        if byte == UInt8(ascii: "%"), utf8.count >= 2, utf8.prefix(2).allSatisfy({ isxdigit(Int32($0)) != 0 }),
           let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
            bytes.append(value)
            utf8 = utf8.dropFirst(2)
        } else {
            bytes.append(byte)
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Lends C strings as a `git_strarray` for the duration of `body`.
func withStrings<Result>(_ strings: [String], _ body: (UnsafeMutablePointer<git_strarray>) throws -> Result) rethrows -> Result {
    var pointers = strings.map { strdup($0) }
    defer { pointers.forEach { free($0) } }
    return try pointers.withUnsafeMutableBufferPointer { buffer in
        var array = git_strarray(strings: buffer.baseAddress, count: buffer.count)
        return try body(&array)
    }
}
