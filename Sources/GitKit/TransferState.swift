import CLibgit2
import Glibc

/// The state the C callbacks share for one transfer.
final class TransferState {
    let options: TransferOptions
    var attempts = 0
    var error: Error?
    var pushed: [PushedReference] = []
    /// The user of a URL whose user was taken out of it for this transfer.
    var urlUsername: String?
    /// Connections through a proxy go through this (see `ProxyTunnel`).
    private var tunnel: ProxyTunnel?

    init(_ options: TransferOptions) { self.options = options }

    /// libgit2's proxy options for `remote`'s connections: always none. An http(s) remote
    /// with a proxy goes through a `ProxyTunnel` instead, plain http too: libgit2 1.5.1
    /// writes a plain-http request for the proxy but sends it straight to the server
    /// (`http_client_connect` uses the proxy only to CONNECT).
    func proxyOptions(for remote: OpaquePointer?) throws -> git_proxy_options {
        var proxy = git_proxy_options()
        try check(git_proxy_options_init(&proxy, UInt32(GIT_PROXY_OPTIONS_VERSION)), "git_proxy_options_init")
        guard let wanted = options.proxy, let url = git_remote_url(remote).map({ String(cString: $0).lowercased() }),
              url.hasPrefix("https://") || url.hasPrefix("http://") else { return proxy }
        guard let tunnel = ProxyTunnel(wanted) else {
            throw GitError(function: "proxy", code: GIT_EINVALID.rawValue,
                           message: "'\(wanted.url)' is not an http:// proxy", errorClass: Int32(GIT_ERROR_NET.rawValue))
        }
        self.tunnel = tunnel
        return proxy
    }

    /// Runs one libgit2 call that connects, through the tunnel when there is one.
    func connecting<Result>(_ body: () -> Result) throws -> Result {
        guard let tunnel else { return body() }
        return try tunnel.carrying(body)
    }

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
        if options.acceptsInvalidCertificates {
            // Called for every TLS connection with the certificate and mbedTLS's verdict.
            callbacks.certificate_check = { _, _, _, _ in 0 }
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

    /// Rethrows what a callback or the tunnel stored, else libgit2's own error.
    func finish(_ rc: Int32, _ function: String) throws {
        if let error { throw error }
        if rc < 0, let error = tunnel?.error { throw error }
        try check(rc, function)
    }
}
