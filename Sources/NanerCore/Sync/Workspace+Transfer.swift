import FoundationEssentials
import GitKit
import Synchronization

extension Workspace {
    /// Runs one fetch, push or listing against `url`: answers an http(s) server's
    /// credential requests (`HTTPCredentials`), approves or rejects a helper's
    /// credential after, and turns libgit2's failures into one line that names the
    /// URL without its password. Other libgit2 errors pass through unchanged.
    ///
    /// For http(s) it first applies what git reads (`TransportSettings`): the CAs to
    /// trust, certificate checks turned off (with a warning naming the server, every
    /// time), and the proxy, whose credentials come from its URL or the credential
    /// helpers. `remote` is the remote's name, for `remote.<name>.proxy`.
    /// `checkingCertificates` checks them even where the settings turn checks off
    /// (`naner doctor`).
    func transfer<Result>(_ url: String, remote: String? = nil, checkingCertificates: Bool = false,
                          progress: ((TransferProgress) -> Void)? = nil,
                          _ body: (TransferOptions) throws -> Result) throws -> Result {
        // Before any request: a URL the credential protocol cannot carry is refused.
        if HTTPCredentials.isHTTP(url) { try HTTPCredentials.check(url) }
        let credentials = HTTPCredentials.isHTTP(url) ? HTTPCredentials(url: url, gitDirectory: locations.repository) : nil
        var options = TransferOptions(progress: progress)
        if let credentials { options.credentials = { try credentials.answer($0) } }
        let shown = HTTPCredentials.redacted(url)
        detailOnce((remote.map { "remote '\($0)': " } ?? "remote: ") + HTTPCredentials.masked(url))
        let settings = HTTPCredentials.isHTTP(url) ? try transportSettings(url, remote: remote) : nil
        var proxyCredentials: HTTPCredentials?
        if let settings {
            if settings.isHTTPS, let off = settings.verificationOff, !checkingCertificates {
                if warnedServers.insert(settings.server + " " + off.origin) {
                    interaction.warn("not checking the certificate of '\(settings.server)' (\(off.origin)): "
                                     + "anyone on the way can read and change what is sent")
                }
                options.acceptsInvalidCertificates = true
            } else if settings.isHTTPS {
                try useCertificates(settings)
            }
            if let proxy = settings.proxy {
                guard settings.proxyIsSupported, let address = settings.proxyAddress, let full = settings.proxyURLWithCredentials else {
                    throw TransportError.unsupportedProxy(proxy: settings.proxyAddress ?? "?", origin: proxy.origin)
                }
                try HTTPCredentials.check(full)
                detailOnce("proxy for '\(shown)': \(HTTPCredentials.masked(full)) (\(proxy.origin))")
                let helper = HTTPCredentials(url: full, gitDirectory: locations.repository, usingToken: false)
                proxyCredentials = helper
                options.proxy = ProxyOptions(url: address, credentials: { try helper.answer($0) })
            }
        }
        do {
            let result = try body(options)
            credentials?.succeeded()
            proxyCredentials?.succeeded()
            return result
        } catch let failure as ProxyFailure {
            if failure.kind == .authentication { proxyCredentials?.failed() }
            throw Workspace.proxyError(failure, settings: settings)
        } catch is AuthenticationFailed {
            credentials?.failed()
            throw NanerError.authenticationFailed(shown)
        } catch let error as GitError where error.isAuthentication {
            credentials?.failed()
            throw NanerError.authenticationFailed(shown)
        } catch let error as GitError where error.httpStatus == 404 {
            throw NanerError.remoteNotFound(shown)
        } catch let error as GitError where error.kind == .certificate {
            throw TransportError.certificateRefused(server: settings?.server ?? shown, host: settings?.host ?? shown,
                                                    problems: error.certificateProblems,
                                                    trusted: settings.map(Workspace.trustedCertificates) ?? "the system's CA bundle")
        } catch let error as GitError where error.isUnreachable {
            throw NanerError.remoteUnreachable(shown, reason: error.oneLineMessage)
        }
    }

    /// What git reads for `url` (an http(s) URL) from the environment and the config.
    func transportSettings(_ url: String, remote: String?) throws -> TransportSettings {
        TransportSettings(url: url, remote: remote, config: try repository.config().entries(matching: "^(http|remote)\\."),
                          environment: ProcessInfo.processInfo.environment)
    }

    /// Tells libgit2 which CAs to trust, or says which setting names something unusable.
    private func useCertificates(_ settings: TransportSettings) throws {
        let file = settings.caFile.source == .default && settings.caPath == nil ? nil : settings.caFile.value
        do {
            try Libgit2.useCertificates(file: file, directory: settings.caPath?.value)
        } catch let error as GitError {
            var blamed = (path: settings.caFile.value, origin: settings.caFile.origin)
            var reason = "it holds no certificate naner can read (\(error.oneLineMessage))"
            for (path, origin) in [(file, settings.caFile.origin), (settings.caPath?.value, settings.caPath?.origin ?? "")] {
                guard let path else { continue }
                if !FileManager.default.fileExists(atPath: path) {
                    (blamed, reason) = ((path, origin), "it does not exist")
                    break
                }
                if !FileManager.default.isReadableFile(atPath: path) {
                    (blamed, reason) = ((path, origin), "it cannot be read")
                    break
                }
            }
            throw TransportError.unusableCertificates(path: blamed.path, origin: blamed.origin, reason: reason)
        }
    }

    /// "the CAs in '…' (GIT_SSL_CAINFO)", for a refused certificate's hint.
    static func trustedCertificates(_ settings: TransportSettings) -> String {
        var text = settings.caFile.source == .default ? "the system's CA bundle '\(settings.caFile.value)'"
            : "the CAs in '\(settings.caFile.value)' (\(settings.caFile.origin))"
        if let folder = settings.caPath { text += " and in '\(folder.value)' (\(folder.origin))" }
        return text
    }

    private static func proxyError(_ failure: ProxyFailure, settings: TransportSettings?) -> TransportError {
        let origin = settings?.proxy?.origin ?? "the proxy setting"
        switch failure.kind {
        case .unreachable(let reason):
            return .proxyUnreachable(proxy: failure.proxy, origin: origin, reason: reason)
        case .refused(let status, let reason):
            return .proxyRefused(proxy: failure.proxy, origin: origin, server: settings?.server ?? failure.target, status: status,
                                 reason: reason)
        case .authentication:
            return .proxyAuthenticationFailed(proxy: failure.proxy, origin: origin)
        case .unsupportedAuthentication(let scheme):
            return .proxyAuthenticationUnsupported(proxy: failure.proxy, origin: origin, scheme: scheme)
        case .brokenAnswer(let what):
            return .proxyBrokenAnswer(proxy: failure.proxy, origin: origin, what: what)
        }
    }

    /// The CA and proxy settings in effect for each http(s) remote, for `naner doctor`.
    public func remoteSettings() throws -> [RemoteSetting] {
        var lines: [RemoteSetting] = []
        for remote in try remotes() where HTTPCredentials.isHTTP(remote.url) {
            let settings = try transportSettings(remote.url, remote: remote.name)
            func add(_ kind: RemoteSetting.Kind, _ value: String, _ source: TransportSettings.Source, _ origin: String) {
                lines.append(RemoteSetting(remote: remote.name, kind: kind, value: value, source: source, origin: origin))
            }
            if settings.isHTTPS {
                add(.caFile, settings.caFile.value, settings.caFile.source, settings.caFile.origin)
                if let folder = settings.caPath { add(.caPath, folder.value, folder.source, folder.origin) }
                if let off = settings.verificationOff { add(.sslVerify, "false", off.source, off.origin) }
            }
            if let proxy = settings.proxy {
                add(.proxy, settings.proxyAddress ?? "?", proxy.source, proxy.origin)
            } else if let bypass = settings.proxyBypass {
                add(.proxy, "none", bypass.source, bypass.value.isEmpty ? "\(bypass.origin) is empty" : "\(bypass.origin) names '\(bypass.value)'")
            } else {
                add(.proxy, "none", .default, "nothing sets one")
            }
        }
        return lines
    }
}

/// Servers whose unchecked certificates this run has warned about: once a run is
/// enough, and a sync connects up to three times (fetch, listing, push).
private let warnedServers = WarnedServers()

private final class WarnedServers: Sendable {
    private let names = Mutex<Set<String>>([])

    /// True the first time `name` is given.
    func insert(_ name: String) -> Bool {
        names.withLock { $0.insert(name).inserted }
    }
}

extension GitError {
    /// libgit2's message on one line: mbedTLS's reasons come joined by line breaks.
    var oneLineMessage: String {
        message.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).joined(separator: "; ")
    }
}
