import Foundation
import GitKit

/// Answers libgit2's credential requests for one transfer over http(s). Sources, each
/// tried once, in order: the password written in the URL, `NANER_TOKEN`, then git's own
/// credential helpers through `git credential fill`. When all are used up it answers
/// `.none` and the transfer fails with an authentication error. Afterwards the caller
/// says how the transfer went, so a helper's credential is stored (`approve`) or
/// forgotten (`reject`) the way git itself does it.
///
/// The password never reaches the repository: the remote is stored as `publicURL`,
/// and the password from the URL is offered from memory.
public final class HTTPCredentials {
    /// The URL without its password (the user is kept): what is stored and shown.
    public let publicURL: String
    private let address: Address
    private let token: String?
    private let gitDirectory: String
    private let environment: [String: String]
    private var remaining: [Source] = [.url, .token, .helper]
    private var offered: Source?
    private var fromHelper: (username: String, password: String)?

    private enum Source { case url, token, helper }

    /// `gitDirectory` is the repository whose config `git credential` reads besides the global one.
    public init(url: String, gitDirectory: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        address = Address(url)
        publicURL = HTTPCredentials.redacted(url)
        token = environment["NANER_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        self.gitDirectory = gitDirectory
        self.environment = environment
    }

    /// Whether a URL is one this type answers for.
    public static func isHTTP(_ url: String) -> Bool {
        let lower = url.lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://")
    }

    /// `scheme://user:password@host/…` → `scheme://user@host/…`; anything else unchanged.
    public static func redacted(_ url: String) -> String {
        guard let parts = Address.split(url), let userinfo = parts.userinfo, let colon = userinfo.firstIndex(of: ":") else {
            return url
        }
        return parts.scheme + "://" + userinfo[..<colon] + "@" + parts.hostAndRest
    }

    /// The callback for `TransferOptions.credentials`.
    public func answer(_ request: CredentialRequest) -> Credential {
        guard request.allowsPassword else { return .none }
        while !remaining.isEmpty {
            let source = remaining.removeFirst()
            switch source {
            case .url:
                // libgit2 1.5 would send a URL's password itself before asking; the stored
                // URL has none, so it is offered here, once.
                if let user = address.username, let password = address.password {
                    offered = .url
                    return .password(username: user, password: password)
                }
            case .token:
                if let token {
                    offered = .token
                    // GitHub accepts any user name with a token; x-access-token is its own.
                    return .password(username: address.username ?? "x-access-token", password: token)
                }
            case .helper:
                if let found = helper("fill", username: request.username ?? address.username) {
                    offered = .helper
                    fromHelper = found
                    return .password(username: found.username, password: found.password)
                }
            }
        }
        offered = nil
        return .none
    }

    /// The transfer went through: a helper's credential was the one that worked; keep it.
    public func succeeded() {
        guard offered == .helper, let credential = fromHelper else { return }
        _ = helper("approve", username: credential.username, password: credential.password)
    }

    /// The server refused the credentials: a helper's stored one is wrong; forget it.
    public func failed() {
        guard let credential = fromHelper else { return }
        _ = helper("reject", username: credential.username, password: credential.password)
    }

    /// Runs `git credential ACTION` on the repository and the global config. For `fill`,
    /// returns what it found; git prompts on the terminal only when stdin is one.
    private func helper(_ action: String, username: String?, password: String? = nil) -> (username: String, password: String)? {
        guard let git = HTTPCredentials.gitExecutable(environment["PATH"]), let protocolName = address.scheme,
              let host = address.host else { return nil }
        var input = "protocol=\(protocolName)\nhost=\(host)\n"
        if let path = address.path, !path.isEmpty { input += "path=\(path)\n" }
        if let username { input += "username=\(username)\n" }
        if let password { input += "password=\(password)\n" }
        input += "\n"
        var environment = self.environment
        if !FileSystem.standardInputIsTerminal { environment["GIT_TERMINAL_PROMPT"] = "0" }
        guard let output = HTTPCredentials.run([git, "--git-dir=" + gitDirectory, "credential", action], input: input,
                                               environment: environment) else { return nil }
        guard action == "fill" else { return nil }
        var found: [String: String] = [:]
        for line in output.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            found[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        guard let user = found["username"], let secret = found["password"] else { return nil }
        return (user, secret)
    }

    /// Standard output of a successful run; nil when it could not start or failed.
    /// Its standard error is dropped: git's "terminal prompts disabled" is not naner's message.
    /// A git that exits before reading its input is no error (and never a SIGPIPE).
    private static func run(_ arguments: [String], input: String, environment: [String: String]) -> String? {
        guard let (termination, output) = try? ChildProcess.run(arguments, input: Array(input.utf8), environment: environment),
              termination.succeeded else { return nil }
        return String(decoding: output, as: UTF8.self)
    }

    private static func gitExecutable(_ path: String?) -> String? {
        let folders = (path ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        return folders.map { $0 + "/git" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The parts of an http(s) URL that git's credential protocol names.
    private struct Address {
        var scheme: String?
        var username: String?
        var password: String?
        /// `host` or `host:port`, as git's credential protocol writes it.
        var host: String?
        var path: String?

        init(_ url: String) {
            guard let parts = Address.split(url) else { return }
            scheme = parts.scheme.lowercased()
            if let userinfo = parts.userinfo {
                if let colon = userinfo.firstIndex(of: ":") {
                    username = Address.decoded(userinfo[..<colon])
                    password = Address.decoded(userinfo[userinfo.index(after: colon)...])
                } else {
                    username = Address.decoded(userinfo[...])
                }
            }
            let rest = parts.hostAndRest
            let slash = rest.firstIndex { "/?#".contains($0) } ?? rest.endIndex
            host = String(rest[..<slash])
            let afterHost = rest[slash...]
            let pathEnd = afterHost.firstIndex { "?#".contains($0) } ?? afterHost.endIndex
            path = String(afterHost[..<pathEnd].drop { $0 == "/" })
        }

        /// `scheme`, the userinfo before the authority's last `@`, and what follows it.
        static func split(_ url: String) -> (scheme: String, userinfo: Substring?, hostAndRest: Substring)? {
            guard HTTPCredentials.isHTTP(url), let separator = url.range(of: "://") else { return nil }
            let scheme = String(url[..<separator.lowerBound])
            let rest = url[separator.upperBound...]
            let authorityEnd = rest.firstIndex { "/?#".contains($0) } ?? rest.endIndex
            guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return (scheme, nil, rest) }
            return (scheme, rest[..<at], rest[rest.index(after: at)...])
        }

        private static func decoded(_ text: Substring) -> String? {
            text.isEmpty ? nil : (String(text).removingPercentEncoding ?? String(text))
        }
    }
}
