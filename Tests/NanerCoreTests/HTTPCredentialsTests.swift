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
    func testSourcesAreTriedOnceInOrder() {
        let credentials = HTTPCredentials(url: "http://me:p%40ss@host/c.git", gitDirectory: "/nonexistent",
                                          environment: ["NANER_TOKEN": "tok", "PATH": ""])
        XCTAssertEqual(credentials.publicURL, "http://me@host/c.git")
        let answers = (1...3).map { describe(credentials.answer(request(attempt: $0))) }
        XCTAssertEqual(answers, ["me:p@ss", "me:tok", "none"])
    }

    func testTokenWithoutAUserIsAnAccessToken() {
        let credentials = HTTPCredentials(url: "https://host/c.git", gitDirectory: "/nonexistent",
                                          environment: ["NANER_TOKEN": "tok", "PATH": ""])
        XCTAssertEqual(describe(credentials.answer(request(attempt: 1, username: nil))), "x-access-token:tok")
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
