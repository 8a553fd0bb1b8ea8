import XCTest
@testable import NanerCore

/// The rule table's own promises; the corpus (`SecretCorpusTests`) checks each rule on
/// realistic files, these check the edges: formats, placeholders, near misses, allowances.
final class SecretRulesTests: XCTestCase {
    private func rule(_ text: String, allowing allowance: SecretAllowance = .none) -> String? {
        SecretGuard.findSecret(in: text, allowing: allowance)?.rule
    }

    func testTheTableIsWellFormed() {
        XCTAssertGreaterThanOrEqual(SecretRules.ids.count, 50)
        XCTAssertEqual(Set(SecretRules.ids).count, SecretRules.ids.count)
        for rule in SecretRules.all {
            XCTAssertTrue(rule.id.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" }, rule.id)
            XCTAssertTrue(["a ", "an "].contains { rule.kind.hasPrefix($0) }, "\(rule.id): '\(rule.kind)' reads after 'contains'")
            if case .reportedByAssignment = rule.body { continue }
            XCTAssertFalse(rule.prefixes.isEmpty, rule.id)
        }
        // Rows sharing an id say the same thing.
        for id in SecretRules.ids {
            XCTAssertEqual(Set(SecretRules.all.filter { $0.id == id }.map(\.kind)).count, 1, id)
        }
    }

    /// The prefilter tries a position's candidates in table order, whether their prefix is
    /// one byte (`=`, `:`, kept once per byte) or a pair starting with that byte: the
    /// first rule of the table that matches is the one reported.
    func testPrefilterTriesCandidatesInTableOrder() {
        func first(_ table: [SecretRule], in text: String) -> String? {
            let prefilter = SecretPrefilter(rules: table)
            return Array(text.utf8).withUnsafeBufferPointer { data in
                let view = SecretBytes(data: data)
                for position in 0..<data.count {
                    let bucket = prefilter.bucket(data[position], view.at(position + 1))
                    if bucket != 0, let found = prefilter.match(bucket, in: view, at: position, allowing: .none) { return found.rule }
                }
                return nil
            }
        }
        let single = SecretRule("single", "a single", prefixes: [":"], boundary: false, .check { _, _, _ in true })
        let pair = SecretRule("pair", "a pair", prefixes: [":x"], boundary: false, .check { _, _, _ in true })
        XCTAssertEqual(first([single, pair], in: "a:xb"), "single")
        XCTAssertEqual(first([pair, single], in: "a:xb"), "pair")
        XCTAssertEqual(first([pair, single], in: "a:yb"), "single")
        XCTAssertNil(first([pair], in: "a:yb"))
        XCTAssertEqual(first([pair], in: "a:x"), "pair")
    }

    /// The same assignment in every syntax people keep one in.
    func testAssignmentsInEverySyntax() {
        let value = "Tr0ub4dor&3xKq"
        for text in ["password=\(value)", "export DB_PASSWORD='\(value)'", "PASSWORD := \(value)", "password: \(value)",
                     "  client_secret: \"\(value)\"", "{\"password\": \"\(value)\"}", "api_key = \"\(value)\"",
                     "[db]\npasswd = \(value)\n", ":password => '\(value)'", "mysql --password=\(value) -h db",
                     "\"client-secret\":\"\(value)\"", "SECRET_KEY=\(value)", "auth_token: \(value)"] {
            XCTAssertEqual(rule(text), "generic-secret", text)
        }
        // A provider's token as the value is named by its own rule.
        XCTAssertEqual(rule("OPENAI_API_KEY=sk-proj-" + String(repeating: "aB3_", count: 10)), "openai-api-key")
        XCTAssertEqual(rule("//registry.npmjs.org/:_authToken=npm_" + String(repeating: "a1B2", count: 9)), "npm-token")
        XCTAssertEqual(rule("aws_secret_access_key = " + String(repeating: "wJa/K7+bPx", count: 4)), "aws-secret-access-key")
        XCTAssertEqual(rule("{\"auths\": {\"ghcr.io\": {\"auth\": \"YW5uOnM0bHQtYW5kLXBlcHBlcg==\"}}}"), "docker-registry-auth")
        XCTAssertEqual(SecretGuard.findSecret(in: "client_secret = \(value)")?.kind, "a credential assigned to 'client_secret'")
    }

    /// Placeholders stand for a secret kept elsewhere; values too plain to be one; code.
    func testPlaceholdersAndPlainValuesAreNotSecrets() {
        for text in ["password = ${DB_PASSWORD}", "password=$DB_PASSWORD", "export GITHUB_TOKEN=\"$(pass show github)\"",
                     "token: <your-token-here>", "token = {{ .token }}", "api_key = changeme", "secret = xxxxxxxxxxxx",
                     "password: '********'", "password = \"\"", "auth = true", "token_type: Bearer", "max_tokens = 4096",
                     "password = hunter2", "secret = your_secret_here", "api_key = EXAMPLEKEY12345",
                     "token = process.env.GITHUB_TOKEN", "password = getpass()", "token_file = ~/.config/tool/token",
                     "password_command = pass show mail", "auth: https://auth.example.com/oauth", "secret = /run/secrets/db",
                     "postgres://app:${PGPASSWORD}@db/app", "https://user:<password>@host/x", "if password == other {",
                     "\"password-store\": \"gnome-libsecret\"", "\"github.gitAuthentication\": true", "token = 'a b c d e f g h'"] {
            XCTAssertNil(rule(text), text)
        }
    }

    func testNearMissesOfProviderRules() {
        for text in ["AIza" + String(repeating: "b", count: 34), "xAKIA" + String(repeating: "Q", count: 16),
                     "glpat-short", "sk-" + String(repeating: "a", count: 48), "npm_" + String(repeating: "a", count: 20),
                     "SK" + String(repeating: "0", count: 31), "hooks.slack.com/services/short",
                     "-----BEGIN CERTIFICATE-----", "-----BEGIN PGP PUBLIC KEY BLOCK-----", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKx ann@host",
                     "12345678:AB" + String(repeating: "x", count: 33), "eyJhbGciOiJIUzI1NiJ9", "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t",
                     "host:5432:db:user", "machine example.com", "the password is in the keyring"] {
            XCTAssertNil(rule(text), text)
        }
    }

    func testAllowancesSkipOnlyTheirRules() {
        let text = "password = Tr0ub4dor&3xKq\ntoken = " + "ghp_" + String(repeating: "a1B2", count: 9) + "\n"
        XCTAssertEqual(rule(text), "generic-secret")
        XCTAssertEqual(rule(text, allowing: SecretAllowance(rules: ["generic-secret"])), "github-token")
        XCTAssertNil(rule(text, allowing: SecretAllowance(rules: ["generic-secret", "github-token"])))
        XCTAssertNil(rule(text, allowing: SecretAllowance(everything: true)))
    }

    func testTheAllowListRoundTripsAndNamesUnusableLines() {
        var list = SecretAllowList()
        XCTAssertTrue(list.allow(".config/app/fixture.ini", rule: "generic-secret"))
        XCTAssertTrue(list.allow("Templates/with space.txt", rule: nil))
        XCTAssertFalse(list.allow("Templates/with space.txt", rule: "jwt"), "every rule covers this one")
        XCTAssertEqual(SecretAllowList(text: list.text), list)
        XCTAssertEqual(list.allowance(for: "Templates/with space.txt"), SecretAllowance(everything: true))
        XCTAssertEqual(list.allowance(for: ".config/app/fixture.ini"), SecretAllowance(rules: ["generic-secret"]))
        XCTAssertEqual(list.allowance(for: ".bashrc"), .none)
        let pulled = SecretAllowList(text: "# comment\nno-such-rule .bashrc\n.bashrc\njwt .config/a\r\n")
        XCTAssertEqual(pulled.entries, [SecretAllowList.Entry(path: ".config/a", rule: "jwt")])
        XCTAssertEqual(pulled.unusableLines, [2, 3])
    }
}
