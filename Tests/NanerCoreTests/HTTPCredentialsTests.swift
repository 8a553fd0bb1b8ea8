import XCTest
@testable import GitKit
@testable import NanerCore

final class HTTPCredentialsTests: XCTestCase {
    func testRedactionKeepsTheUserAndDropsThePassword() {
        XCTAssertEqual(HTTPCredentials.redacted("https://me:pw@host/x.git"), "https://me@host/x.git")
        XCTAssertEqual(HTTPCredentials.redacted("http://me:p%40ss@127.0.0.1:8080/git/c.git"), "http://me@127.0.0.1:8080/git/c.git")
        // An unencoded @ in the password: the authority ends at the last @ before the path.
        XCTAssertEqual(HTTPCredentials.redacted("https://me:a@b@host/x@y.git"), "https://me@host/x@y.git")
        XCTAssertEqual(HTTPCredentials.redacted("HTTPS://me:pw@host"), "HTTPS://me@host")
        for unchanged in ["https://me@host/x.git", "https://host/a@b", "ssh://me@host/x.git", "me@host:x.git", "/srv/x.git"] {
            XCTAssertEqual(HTTPCredentials.redacted(unchanged), unchanged)
        }
    }

    /// URL password, then the token, each once; with no git to ask, then nothing.
    func testSourcesAreTriedOnceInOrder() throws {
        let credentials = HTTPCredentials(url: "http://me:p%40ss@host/c.git", gitDirectory: "/nonexistent",
                                          environment: ["NANER_TOKEN": "tok", "PATH": ""])
        XCTAssertEqual(credentials.publicURL, "http://me@host/c.git")
        let answers = try (1...3).map { describe(try credentials.answer(request(attempt: $0))) }
        XCTAssertEqual(answers, ["me:p@ss", "me:tok", "none"])
    }

    func testTokenWithoutAUserIsAnAccessToken() throws {
        let credentials = HTTPCredentials(url: "https://host/c.git", gitDirectory: "/nonexistent",
                                          environment: ["NANER_TOKEN": "tok", "PATH": ""])
        XCTAssertEqual(describe(try credentials.answer(request(attempt: 1, username: nil))), "x-access-token:tok")
    }

    /// git's CVE-2020-5260: a line break in a URL's part would add lines of its own to
    /// what `git credential fill` reads. Refused raw or percent-encoded, in any part.
    func testURLsThatWouldBreakTheCredentialProtocolAreRefused() {
        let refused: [(String, String)] = [
            ("http://x%0ahost=github.com%0aprotocol=https%0ausername=victim@127.0.0.1:8080/repo.git", "a line break (%0a)"),
            ("https://x%0Ahost=github.com@evil.example/r.git", "a line break (%0a)"),
            ("https://evil.example/r.git%0ahost=github.com", "a line break (%0a)"),
            ("https://evil.example%0d%0ahost=github.com/r.git", "a line break (%0a)"),
            ("https://me@evil.example/r%0d.git", "a carriage return (%0d)"),
            ("https://me%00@evil.example/r.git", "a NUL byte (%00)"),
            ("https://evil.example/r.git\nhost=github.com", "a line break (%0a)"),
            ("https://evil.example/r.git\r", "a carriage return (%0d)"),
            ("https://me:pass%0aword@evil.example/r.git", "a line break (%0a)"),
        ]
        for (url, character) in refused {
            XCTAssertThrowsError(try HTTPCredentials.check(url), url) { error in
                guard let unsafe = error as? HTTPCredentials.UnsafeURL else { return XCTFail("\(error)") }
                XCTAssertEqual(unsafe.character, character, url)
                XCTAssertTrue(unsafe.message.hasPrefix("refusing URL '"), unsafe.message)
                XCTAssertTrue(unsafe.message.contains("it holds \(character)"), unsafe.message)
                XCTAssertFalse(unsafe.message.contains("\n") || unsafe.message.contains("\r"), "one line: \(unsafe.message)")
                XCTAssertFalse(unsafe.message.contains("pass"), "no password: \(unsafe.message)")
                XCTAssertEqual(unsafe.exitCode, 1)
            }
        }
        // Decoded once, as git does: an escaped '%' is text.
        for url in ["https://me:p%40ss@host/x.git", "https://host/a%250ab.git", "http://127.0.0.1:8080/git/c.git", "https://host/100%"] {
            XCTAssertNoThrow(try HTTPCredentials.check(url), url)
        }
    }

    /// What libgit2 hands back (the URL it asks about, the user it names) is checked
    /// too, and a refusal runs no helper at all: here a stand-in `git` that records
    /// its input and answers a credential.
    func testNoHelperRunsForAnAnswerThatWouldBreakTheProtocol() throws {
        let folder = NSTemporaryDirectory() + "naner-credentials-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let record = folder + "/input"
        try "#!/bin/sh\n/bin/cat >> '\(record)'\necho username=helper-user\necho password=helper-secret\n"
            .write(toFile: folder + "/git", atomically: true, encoding: .utf8)
        chmod(folder + "/git", 0o755)
        let environment = ["PATH": folder]

        let unsafe: [CredentialRequest] = [
            CredentialRequest(url: "http://host/c.git", username: "x\nhost=github.com", allowsPassword: true,
                              allowsSSHKey: false, attempt: 1),
            CredentialRequest(url: "http://host/c.git", username: "x\rhost=github.com", allowsPassword: true,
                              allowsSSHKey: false, attempt: 1),
            CredentialRequest(url: "http://host/c.git", username: "x\u{0}", allowsPassword: true, allowsSSHKey: false, attempt: 1),
            CredentialRequest(url: "http://host/c.git%0ahost=github.com", username: nil, allowsPassword: true,
                              allowsSSHKey: false, attempt: 1),
        ]
        for request in unsafe {
            let credentials = HTTPCredentials(url: "http://host/c.git", gitDirectory: "/nonexistent", environment: environment)
            XCTAssertThrowsError(try credentials.answer(request)) { XCTAssertTrue($0 is HTTPCredentials.UnsafeURL, "\($0)") }
            credentials.failed()
            credentials.succeeded()
        }
        // A URL whose user breaks the protocol, handed to the class directly.
        let direct = HTTPCredentials(url: "http://x%0ahost=github.com@host/c.git", gitDirectory: "/nonexistent", environment: environment)
        XCTAssertThrowsError(try direct.answer(request(attempt: 1, username: nil)))
        XCTAssertFalse(FileManager.default.fileExists(atPath: record), "a helper ran")

        // The stand-in does run for a sound request: the test could have seen one.
        let sound = HTTPCredentials(url: "http://host:8080/c.git", gitDirectory: "/nonexistent", environment: environment)
        XCTAssertEqual(describe(try sound.answer(request(attempt: 1))), "helper-user:helper-secret")
        XCTAssertEqual(try String(contentsOfFile: record, encoding: .utf8),
                       "protocol=http\nhost=host:8080\npath=c.git\nusername=me\n\n")
    }

    private func request(attempt: Int, username: String? = "me") -> CredentialRequest {
        CredentialRequest(url: "http://host/c.git", username: username, allowsPassword: true, allowsSSHKey: false, attempt: attempt)
    }

    private func describe(_ credential: Credential) -> String {
        switch credential {
        case .password(let user, let password): return user + ":" + password
        case .sshAgent(let user): return "agent:" + user
        case .none: return "none"
        }
    }
}
