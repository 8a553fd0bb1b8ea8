import XCTest
@testable import GitKit
@testable import NanerCore

/// Which CA, certificate-check and proxy settings apply to a URL, in git's order, with
/// git's urlmatch for `http.<url>.*` and curl's rules for NO_PROXY. The CLI tests
/// (HTTPSTests) show each one working against real servers; these pin the rules.
final class TransportSettingsTests: XCTestCase {
    private let url = "https://me@git.example.com:8443/team/dots.git"

    private func settings(_ config: [(String, String, ConfigEntry.Level)] = [], _ environment: [String: String] = [:],
                          url: String? = nil, remote: String? = "origin") -> TransportSettings {
        TransportSettings(url: url ?? self.url, remote: remote,
                          config: config.map { ConfigEntry(name: $0.0, value: $0.1, level: $0.2) },
                          environment: environment.merging(["HOME": "/home/me"]) { $1 })
    }

    func testCAFileOrder() {
        XCTAssertEqual(settings().caFile.value, Libgit2.systemCertificateBundle)
        XCTAssertEqual(settings().caFile.source, .default)
        XCTAssertEqual(settings([], ["SSL_CERT_FILE": "/env/cert.pem"]).caFile.origin, "SSL_CERT_FILE")
        let configured = settings([("http.sslcainfo", "~/ca.pem", .global)], ["SSL_CERT_FILE": "/env/cert.pem"])
        XCTAssertEqual(configured.caFile.value, "/home/me/ca.pem", "a config path's ~ is the home")
        XCTAssertEqual(configured.caFile.origin, "http.sslCAInfo in the global config")
        let both = settings([("http.sslcainfo", "/global.pem", .global), ("http.sslcainfo", "/repo.pem", .repository)],
                            ["GIT_SSL_CAINFO": "/git.pem"])
        XCTAssertEqual(both.caFile.value, "/git.pem")
        XCTAssertEqual(settings([("http.sslcainfo", "/global.pem", .global), ("http.sslcainfo", "/repo.pem", .repository)])
            .caFile.origin, "http.sslCAInfo in the repository's config")
        XCTAssertEqual(settings([], ["GIT_SSL_CAINFO": ""]).caFile.source, .default, "an empty variable is no setting")
        XCTAssertNil(settings().caPath)
        XCTAssertEqual(settings([("http.sslcapath", "/certs", .xdg)], ["SSL_CERT_DIR": "/dir"]).caPath?.value, "/certs")
        XCTAssertEqual(settings([("http.sslcapath", "/certs", .xdg)], ["GIT_SSL_CAPATH": "/git"]).caPath?.origin, "GIT_SSL_CAPATH")
    }

    /// git's urlmatch: scheme, host (with `*` labels), port and a path prefix must match; the
    /// longest host, then the fewest wildcards, then the longest path, then a named user wins.
    func testURLSpecificKeys() {
        func chosen(_ keys: [String]) -> String? {
            settings(keys.enumerated().map { ("http.\($0.element).sslcainfo", "\($0.offset)", .global) }).caFile.origin
        }
        XCTAssertEqual(chosen(["https://git.example.com:8443"]), "http.https://git.example.com:8443.sslCAInfo in the global config")
        for nonMatching in ["http://git.example.com:8443", "https://git.example.com", "https://example.com:8443",
                            "https://git.example.com:8443/tea", "https://you@git.example.com:8443", "https://*.com:8443"] {
            XCTAssertEqual(settings([("http.\(nonMatching).sslcainfo", "/x", .global)]).caFile.source, .default, nonMatching)
        }
        for matching in ["https://*.example.com:8443", "https://git.example.com:8443/team", "https://git.example.com:8443/team/",
                         "https://me@git.example.com:8443/", "HTTPS://GIT.example.com:8443"] {
            XCTAssertEqual(settings([("http.\(matching).sslcainfo", "/x", .global)]).caFile.value, "/x", matching)
        }
        let ranked = settings([
            ("http.https://git.example.com:8443/team.sslcainfo", "/path", .global),
            ("http.https://*.example.com:8443/team/dots.git.sslcainfo", "/wildcard", .global),
            ("http.https://git.example.com:8443.sslcainfo", "/host", .repository),
            ("http.sslcainfo", "/general", .repository),
        ])
        XCTAssertEqual(ranked.caFile.value, "/path", "an exact host beats a wildcard, whatever the path; a path beats none")
        let user = settings([("http.https://me@git.example.com:8443.sslcainfo", "/user", .global),
                             ("http.https://git.example.com:8443.sslcainfo", "/any", .repository)])
        XCTAssertEqual(user.caFile.value, "/user", "a named user beats none")
        XCTAssertEqual(settings([("http.https://git.example.com:443.sslcainfo", "/x", .global)], url: "https://git.example.com/d.git")
            .caFile.value, "/x", "the default port matches when it is left out")
    }

    func testChecksOff() {
        XCTAssertNil(settings().verificationOff)
        XCTAssertEqual(settings([], ["GIT_SSL_NO_VERIFY": ""]).verificationOff?.origin, "GIT_SSL_NO_VERIFY", "set at all, as git reads it")
        for off in ["false", "no", "off", "0", "FALSE"] {
            XCTAssertEqual(settings([("http.sslverify", off, .global)]).verificationOff?.origin, "http.sslVerify in the global config")
        }
        for on in ["true", "yes", "1", ""] { XCTAssertNil(settings([("http.sslverify", on, .global)]).verificationOff, on) }
        XCTAssertNil(settings([("http.sslverify", "false", .global), ("http.https://git.example.com:8443.sslverify", "true", .global)])
            .verificationOff, "a URL's own key wins")
    }

    func testProxyOrder() {
        let environment = ["HTTPS_PROXY": "http://upper:1", "https_proxy": "http://lower:1", "ALL_PROXY": "http://all:1",
                           "http_proxy": "http://plain:1"]
        XCTAssertNil(settings().proxy)
        XCTAssertEqual(settings([], environment).proxy?.origin, "https_proxy", "lowercase overrides, as in git")
        XCTAssertEqual(settings([], ["HTTPS_PROXY": "http://upper:1", "ALL_PROXY": "http://all:1"]).proxy?.origin, "HTTPS_PROXY")
        XCTAssertEqual(settings([], ["ALL_PROXY": "http://all:1", "http_proxy": "http://plain:1"]).proxy?.origin, "ALL_PROXY")
        XCTAssertEqual(settings([], ["all_proxy": "http://a:1", "ALL_PROXY": "http://b:1"]).proxy?.origin, "all_proxy")
        // http:// URLs read http_proxy, never HTTP_PROXY (curl refuses it: a CGI sets it from a request header).
        let plain = "http://git.example.com/d.git"
        XCTAssertEqual(settings([], environment, url: plain).proxy?.origin, "http_proxy")
        XCTAssertEqual(settings([], ["HTTP_PROXY": "http://upper:1"], url: plain).proxy?.origin, nil)
        let config = [("http.proxy", "http://general:1", ConfigEntry.Level.global),
                      ("http.https://git.example.com:8443.proxy", "http://host:1", .global)]
        XCTAssertEqual(settings(config, environment).proxy?.value, "http://host:1", "config over the environment, a URL's key first")
        XCTAssertEqual(settings(config + [("remote.origin.proxy", "http://remote:1", .repository)], environment).proxy?.origin,
                       "remote.origin.proxy in the repository's config")
        XCTAssertEqual(settings([("remote.other.proxy", "http://remote:1", .repository)]).proxy, nil)
        let empty = settings([("http.proxy", "", .global)], environment)
        XCTAssertNil(empty.proxy, "an empty http.proxy turns every proxy off")
        XCTAssertEqual(empty.proxyBypass?.origin, "http.proxy in the global config")
    }

    /// curl's NO_PROXY: `*`, a name and every name below it (a leading dot changes nothing), any case.
    func testNoProxy() {
        func bypassed(_ list: String, _ host: String = "git.example.com") -> Bool {
            settings([], ["HTTPS_PROXY": "http://p:1", "NO_PROXY": list], url: "https://\(host)/d.git").proxy == nil
        }
        XCTAssertTrue(bypassed("*"))
        XCTAssertTrue(bypassed("example.com"))
        XCTAssertTrue(bypassed(".example.com"))
        XCTAssertTrue(bypassed("localhost, GIT.EXAMPLE.COM"))
        XCTAssertTrue(bypassed("10.0.0.1,127.0.0.1", "127.0.0.1"))
        XCTAssertFalse(bypassed("ample.com"))
        XCTAssertFalse(bypassed("other.example.com"))
        XCTAssertFalse(bypassed(""))
        let lower = settings([], ["HTTPS_PROXY": "http://p:1", "NO_PROXY": "nothing", "no_proxy": "example.com"])
        XCTAssertEqual(lower.proxyBypass, .init(value: "example.com", source: .environment, origin: "no_proxy"))
        XCTAssertNil(settings([("http.proxy", "http://p:1", .global)], ["NO_PROXY": "example.com"]).proxy,
                     "NO_PROXY applies to a configured proxy too")
    }

    /// A proxy's user and password never reach a message; what naner can speak to.
    func testProxyAddress() {
        func address(_ proxy: String) -> String? { settings([], ["HTTPS_PROXY": proxy]).proxyAddress }
        XCTAssertEqual(address("http://user:secret@proxy.corp:3128"), "http://proxy.corp:3128")
        XCTAssertEqual(address("http://user:secret@proxy.corp:3128/"), "http://proxy.corp:3128")
        XCTAssertEqual(address("proxy.corp:3128"), "http://proxy.corp:3128", "curl's default scheme")
        XCTAssertEqual(address("user@proxy.corp"), "http://proxy.corp")
        XCTAssertEqual(settings([], ["HTTPS_PROXY": "user:secret@proxy.corp:3128"]).proxyURLWithCredentials,
                       "http://user:secret@proxy.corp:3128")
        for supported in ["http://proxy:3128", "proxy:3128", "HTTP://u:p@proxy"] {
            XCTAssertTrue(settings([], ["HTTPS_PROXY": supported]).proxyIsSupported, supported)
        }
        for unsupported in ["socks5://proxy:1080", "https://proxy:3128", "http://proxy:3128/path"] {
            XCTAssertFalse(settings([], ["HTTPS_PROXY": unsupported]).proxyIsSupported, unsupported)
        }
        XCTAssertEqual(ProxyOptions(url: "http://proxy.corp").endpoint?.port, "1080")
        XCTAssertEqual(ProxyOptions(url: "http://[::1]:3128").endpoint?.host, "::1")
        XCTAssertNil(ProxyOptions(url: "http://u@proxy:1").endpoint)
    }

    func testServerAsMessagesNameIt() {
        XCTAssertEqual(settings().server, "git.example.com:8443")
        XCTAssertEqual(settings(url: "https://github.com/me/dots.git").server, "github.com")
        XCTAssertEqual(settings(url: "https://github.com:443/me/dots.git").server, "github.com")
        XCTAssertEqual(settings(url: "http://[::1]:8080/d.git").server, "[::1]:8080")
    }

    /// mbedTLS's verification flags, as libgit2 1.5.1 words its two messages.
    func testCertificateProblemsFromLibgit2Messages() {
        func problems(_ message: String) -> [CertificateProblem] {
            GitError(function: "git_remote_connect", code: -17 /* GIT_ECERTIFICATE */, message: message).certificateProblems
        }
        XCTAssertEqual(problems("the SSL certificate is invalid: 0x08 - The certificate is not correctly signed by the trusted CA"),
                       [.untrusted])
        XCTAssertEqual(problems("the SSL certificate is invalid: 0x0c - The certificate Common Name (CN) does not match with the "
                                + "expected CN\nThe certificate is not correctly signed by the trusted CA"), [.untrusted, .nameMismatch])
        XCTAssertEqual(problems("the SSL certificate is invalid: 0x201 - …"), [.expired, .notYetValid])
        XCTAssertEqual(problems("SSL error: 0x-2700 [4] - X509 - Certificate verification failed"), [.nameMismatch])
        XCTAssertEqual(problems("the SSL certificate is invalid: 0x4000 - signed with an unacceptable hash"), [.other])
        XCTAssertEqual(problems("no flags"), [.other])
        XCTAssertEqual(TransportError.certificateRefused(server: "localhost:8443", host: "localhost", problems: [.untrusted, .expired],
                                                         trusted: "x").message,
                       "the certificate of 'localhost:8443' is not signed by a trusted CA and has expired")
    }

    func testBase64OfProxyCredentials() {
        XCTAssertEqual(ProxyTunnel.base64(Array("Aladdin:open sesame".utf8)), "QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
        XCTAssertEqual(ProxyTunnel.base64(Array("a".utf8)), "YQ==")
        XCTAssertEqual(ProxyTunnel.base64(Array("ab".utf8)), "YWI=")
        XCTAssertEqual(ProxyTunnel.base64(Array("abc".utf8)), "YWJj")
        XCTAssertEqual(ProxyTunnel.base64([]), "")
    }
}
