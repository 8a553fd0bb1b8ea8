import FoundationEssentials
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
///
/// git's credential protocol is one `key=value` a line: a value holding a line break
/// could add lines of its own (`http://x%0ahost=github.com@evil/` asks the helper for
/// github.com's password, git's CVE-2020-5260). As git's `credential.c` does, nothing
/// holding a line break, a carriage return or a NUL, raw or percent-encoded, is ever
/// written to a helper: such a URL is refused before any request (`check`), and every
/// field is checked again on its way to `git credential`, libgit2's URL and user too.
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
    /// A proxy's credentials (`usingToken: false`) come from its URL and the helpers only.
    public init(url: String, gitDirectory: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                usingToken: Bool = true) {
        address = Address(url)
        publicURL = HTTPCredentials.redacted(url)
        token = usingToken ? environment["NANER_TOKEN"].flatMap { $0.isEmpty ? nil : $0 } : nil
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

    /// `scheme://user:password@host/…` → `scheme://user:***@host/…`: says a password was
    /// given without showing it (`-v`); anything else unchanged.
    public static func masked(_ url: String) -> String {
        guard let parts = Address.split(url), let userinfo = parts.userinfo, let colon = userinfo.firstIndex(of: ":") else {
            return url
        }
        return parts.scheme + "://" + userinfo[..<colon] + ":***@" + parts.hostAndRest
    }

    /// A URL that the credential protocol cannot carry: refused before anything is sent.
    public struct UnsafeURL: NanerFailure, Equatable {
        /// The URL without its password.
        public let url: String
        /// What it holds: "a line break (%0a)", "a carriage return (%0d)", "a NUL byte (%00)".
        public let character: String

        public var message: String {
            ("refusing URL '\(url)': it holds \(character), which would let it speak for another host "
                + "to git's credential helper").onOneLine
        }
        public var hints: [String] { ["check where the URL came from; a repository's address never needs one"] }
        public var exitCode: Int32 { NanerExit.failure }
    }

    /// Throws `UnsafeURL` when `url`, as written or percent-decoded, holds a line
    /// break, a carriage return or a NUL, as git refuses it (`credential_from_url`).
    public static func check(_ url: String) throws {
        if let character = unsafeCharacter(in: url) {
            throw UnsafeURL(url: redacted(url).onOneLine, character: character)
        }
    }

    /// What makes `text` (raw, and after decoding `%XX` once) unfit for the credential protocol.
    static func unsafeCharacter(in text: String) -> String? {
        let raw = Array(text.utf8)
        var decoded: [UInt8] = []
        decoded.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            if raw[index] == UInt8(ascii: "%"), index + 2 < raw.count,
               let high = hexValue(raw[index + 1]), let low = hexValue(raw[index + 2]) {
                decoded.append(high << 4 | low)
                index += 3
            } else {
                decoded.append(raw[index])
                index += 1
            }
        }
        if decoded.contains(0x0A) { return "a line break (%0a)" }
        if decoded.contains(0x0D) { return "a carriage return (%0d)" }
        if decoded.contains(0x00) { return "a NUL byte (%00)" }
        return nil
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// The callback for `TransferOptions.credentials`. Throws `UnsafeURL` when the
    /// URL or the user libgit2 asks about could not be written to a helper safely.
    public func answer(_ request: CredentialRequest) throws -> Credential {
        guard request.allowsPassword else { return .none }
        for field in [request.url, request.username ?? ""] where HTTPCredentials.unsafeCharacter(in: field) != nil {
            throw UnsafeURL(url: publicURL.onOneLine, character: HTTPCredentials.unsafeCharacter(in: field)!)
        }
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
                if let found = try helper("fill", username: request.username ?? address.username) {
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
        _ = try? helper("approve", username: credential.username, password: credential.password)
    }

    /// The server refused the credentials: a helper's stored one is wrong; forget it.
    public func failed() {
        guard let credential = fromHelper else { return }
        _ = try? helper("reject", username: credential.username, password: credential.password)
    }

    /// Runs `git credential ACTION` on the repository and the global config. For `fill`,
    /// returns what it found; git prompts on the terminal only when stdin is one.
    /// Throws `UnsafeURL`, running nothing, when a field would break its line.
    private func helper(_ action: String, username: String?, password: String? = nil) throws -> (username: String, password: String)? {
        guard let git = HTTPCredentials.gitExecutable(environment["PATH"]), let protocolName = address.scheme,
              let host = address.host else { return nil }
        var fields = [("protocol", protocolName), ("host", host)]
        if let path = address.path, !path.isEmpty { fields.append(("path", path)) }
        if let username { fields.append(("username", username)) }
        if let password { fields.append(("password", password)) }
        // Raw: what is written. Decoded too, as git decodes a URL's parts before writing them.
        for (_, value) in fields {
            if let character = HTTPCredentials.unsafeCharacter(in: value) {
                throw UnsafeURL(url: publicURL.onOneLine, character: character)
            }
        }
        let input = fields.map { "\($0.0)=\($0.1)\n" }.joined() + "\n"
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
            guard HTTPCredentials.isHTTP(url), let separator = url.firstRange(of: "://") else { return nil }
            let scheme = String(url[..<separator.lowerBound])
            let rest = url[separator.upperBound...]
            let authorityEnd = rest.firstIndex { "/?#".contains($0) } ?? rest.endIndex
            guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return (scheme, nil, rest) }
            return (scheme, rest[..<at], rest[rest.index(after: at)...])
        }

        private static func decoded(_ text: Substring) -> String? {
            text.isEmpty ? nil : (String(text).percentDecoded ?? String(text))
        }
    }
}
