import CLibgit2
import Glibc

/// What libgit2 asks for when a server wants credentials.
public struct CredentialRequest: Sendable {
    public let url: String
    /// The user named in the URL (`https://me@host/…`, `me@host:path`), if any.
    public let username: String?
    public let allowsPassword: Bool
    public let allowsSSHKey: Bool
    /// 1 for the first request of a transfer; libgit2 asks again after every refusal.
    public let attempt: Int
}

/// An answer to a `CredentialRequest`.
public enum Credential: Sendable {
    case password(username: String, password: String)
    case sshAgent(username: String)
    /// Nothing to offer: libgit2 fails the transfer with an authentication error.
    case none
}

/// Counts reported while objects travel.
public struct TransferProgress: Sendable {
    public enum Phase: Sendable { case counting, compressing, receiving, indexing, sending }
    public let phase: Phase
    public let done: Int
    public let total: Int
    public let bytes: Int
}

/// How a server answered one ref of a push: nil status means accepted.
public struct PushedReference: Sendable {
    public let name: String
    public let rejection: String?
}

/// Callbacks for one fetch or push. Swift closures, called on the caller's thread.
public struct TransferOptions {
    public var credentials: ((CredentialRequest) throws -> Credential)?
    public var progress: ((TransferProgress) -> Void)?
    /// libgit2 calls the credential callback again after every failure; stop here.
    public var maximumCredentialAttempts = 3

    public init(credentials: ((CredentialRequest) throws -> Credential)? = nil,
                progress: ((TransferProgress) -> Void)? = nil) {
        self.credentials = credentials
        self.progress = progress
    }
}

/// Raised from inside a transfer when credentials ran out.
public struct AuthenticationFailed: Error, Sendable {
    public let url: String
    public let attempts: Int
}

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

/// The state the C callbacks share for one transfer.
final class TransferState {
    let options: TransferOptions
    var attempts = 0
    var error: Error?
    var pushed: [PushedReference] = []
    /// The user of a URL whose user was taken out of it for this transfer.
    var urlUsername: String?

    init(_ options: TransferOptions) { self.options = options }

    /// libgit2 1.5 answers an http server's first 401 with the URL's user and an empty
    /// password before it asks the callback: a refused login on the server every time.
    /// When there is a callback, the user moves from this transfer's URL into its requests.
    func takeUserOutOfURL(_ remote: OpaquePointer?) throws {
        guard options.credentials != nil, let url = git_remote_url(remote).map({ String(cString: $0) }),
              url.lowercased().hasPrefix("http"), let colon = url.firstIndex(of: ":"), url[colon...].hasPrefix("://") else { return }
        let schemeEnd = url.index(colon, offsetBy: 3)
        let rest = url[schemeEnd...]
        let authorityEnd = rest.firstIndex { "/?#".contains($0) } ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return }
        let userinfo = rest[..<at]
        guard !userinfo.contains(":"), !userinfo.isEmpty else { return }
        try check(git_remote_set_instance_url(remote, String(url[..<schemeEnd] + rest[rest.index(after: at)...])),
                  "git_remote_set_instance_url")
        urlUsername = percentDecoded(userinfo)
    }

    /// Fills libgit2's callback table; the payload is this object, kept alive by the caller.
    func callbacks() throws -> git_remote_callbacks {
        var callbacks = git_remote_callbacks()
        try check(git_remote_init_callbacks(&callbacks, UInt32(GIT_REMOTE_CALLBACKS_VERSION)), "git_remote_init_callbacks")
        callbacks.payload = Unmanaged.passUnretained(self).toOpaque()
        callbacks.credentials = { out, url, username, allowed, payload in
            let state = Unmanaged<TransferState>.fromOpaque(payload!).takeUnretainedValue()
            return state.credential(out, url.map { String(cString: $0) } ?? "", username.map { String(cString: $0) }, allowed)
        }
        callbacks.push_update_reference = { name, status, payload in
            let state = Unmanaged<TransferState>.fromOpaque(payload!).takeUnretainedValue()
            state.pushed.append(PushedReference(name: name.map { String(cString: $0) } ?? "",
                                                rejection: status.map { String(cString: $0) }))
            return 0
        }
        callbacks.transfer_progress = { stats, payload in
            let state = Unmanaged<TransferState>.fromOpaque(payload!).takeUnretainedValue()
            guard let report = state.options.progress, let stats = stats?.pointee else { return 0 }
            if stats.received_objects < stats.total_objects {
                report(TransferProgress(phase: .receiving, done: Int(stats.received_objects), total: Int(stats.total_objects),
                                        bytes: Int(stats.received_bytes)))
            } else {
                report(TransferProgress(phase: .indexing, done: Int(stats.indexed_deltas), total: Int(stats.total_deltas),
                                        bytes: Int(stats.received_bytes)))
            }
            return 0
        }
        callbacks.pack_progress = TransferState.packProgress
        callbacks.push_transfer_progress = { current, total, bytes, payload in
            let state = Unmanaged<TransferState>.fromOpaque(payload!).takeUnretainedValue()
            state.options.progress?(TransferProgress(phase: .sending, done: Int(current), total: Int(total), bytes: bytes))
            return 0
        }
        return callbacks
    }

    /// Counting and compressing objects while a pack is built (push, folder copies).
    static let packProgress: git_packbuilder_progress = { stage, current, total, payload in
        let state = Unmanaged<TransferState>.fromOpaque(payload!).takeUnretainedValue()
        let phase: TransferProgress.Phase = stage == Int32(GIT_PACKBUILDER_ADDING_OBJECTS.rawValue) ? .counting : .compressing
        state.options.progress?(TransferProgress(phase: phase, done: Int(current), total: Int(total), bytes: 0))
        return 0
    }

    private func credential(_ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>?, _ url: String,
                            _ username: String?, _ allowed: UInt32) -> Int32 {
        attempts += 1
        guard let source = options.credentials else { return GIT_PASSTHROUGH.rawValue }
        if attempts > options.maximumCredentialAttempts {
            error = AuthenticationFailed(url: url, attempts: attempts - 1)
            return GIT_EUSER.rawValue
        }
        let request = CredentialRequest(
            url: url, username: username ?? urlUsername,
            allowsPassword: allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0,
            allowsSSHKey: allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0, attempt: attempts)
        do {
            switch try source(request) {
            case .password(let user, let password):
                return git_credential_userpass_plaintext_new(out, user, password)
            case .sshAgent(let user):
                return git_credential_ssh_key_from_agent(out, user)
            case .none:
                if attempts > 1 { error = AuthenticationFailed(url: url, attempts: attempts - 1) }
                return attempts > 1 ? GIT_EUSER.rawValue : GIT_PASSTHROUGH.rawValue
            }
        } catch {
            self.error = error
            return GIT_EUSER.rawValue
        }
    }

    /// Rethrows what a callback stored, else libgit2's own error.
    func finish(_ rc: Int32, _ function: String) throws {
        if let error { throw error }
        try check(rc, function)
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
        fetchOptions.download_tags = tags ? GIT_REMOTE_DOWNLOAD_TAGS_ALL : GIT_REMOTE_DOWNLOAD_TAGS_NONE
        fetchOptions.prune = pruning ? GIT_FETCH_PRUNE : GIT_FETCH_NO_PRUNE
        let rc = withStrings(refspecs ?? []) { array in
            withExtendedLifetime(state) {
                git_remote_fetch(remote, refspecs == nil ? nil : array, &fetchOptions, "naner: fetch")
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
        // Both cores for deltas: libgit2 builds the pack itself, and it is the slow part.
        pushOptions.pb_parallelism = 0
        let rc = withStrings(refspecs) { array in
            withExtendedLifetime(state) { git_remote_push(remote, array, &pushOptions) }
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
        let rc = withExtendedLifetime(state) {
            git_remote_connect(remote, GIT_DIRECTION_FETCH, &callbacks, nil, nil)
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
