import Foundation
import XCTest

/// The secret corpus through the real binary: every file of Tests/Fixtures/secrets laid
/// at its real path in a home, `naner commit`, and each must be refused by the rule its
/// manifest names, with none of its bytes in any object of the repository or of the
/// remote it is pushed to. The look-alikes of Tests/Fixtures/not-secrets all commit.
/// Yelp's detect-secrets, with its provider-specific plugins, is the oracle: whatever it
/// flags naner must refuse, and it flags none of the look-alikes.
final class SecretCorpusCLITests: XCTestCase {
    struct Case {
        let name: String
        let path: String
        let rule: String?
        let needle: Data
        let source: URL
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let fixtures = packageRoot.appendingPathComponent("Tests/Fixtures")
    /// Installed by `make deps` (pinned there): the oracle's version is part of the evidence.
    static let detectSecrets = packageRoot.appendingPathComponent(".build/tools/detect-secrets/bin/detect-secrets").path
    static let detectSecretsVersion = "1.5.0"
    /// detect-secrets' provider-specific plugins. Left out: Base64HighEntropyString,
    /// HexHighEntropyString, KeywordDetector and IPPublicDetector, which flag hashes,
    /// commit ids and placeholders (5 of the look-alike files; see Tests/Fixtures/secrets/README.md).
    static let oraclePlugins: Set<String> = [
        "ArtifactoryDetector", "AWSKeyDetector", "AzureStorageKeyDetector", "BasicAuthDetector", "CloudantDetector",
        "DiscordBotTokenDetector", "GitHubTokenDetector", "GitLabTokenDetector", "IbmCloudIamDetector",
        "IbmCosHmacDetector", "JwtTokenDetector", "MailchimpDetector", "NpmDetector", "OpenAIDetector",
        "PrivateKeyDetector", "PypiTokenDetector", "SendGridDetector", "SlackDetector", "SoftlayerDetector",
        "SquareOAuthDetector", "StripeDetector", "TelegramBotTokenDetector", "TwilioKeyDetector",
    ]
    /// naner's built-in include list: other paths need `naner add`.
    static let defaultIncludes = [".bashrc", ".bash_profile", ".bash_aliases", ".gitconfig", ".vimrc", ".nanorc",
                                  ".config/", ".vscode/", ".ssh/", "Documents/PowerShell/", "Templates/"]

    // MARK: - The corpora

    static func cases(_ corpus: String) throws -> [Case] {
        let text = try String(contentsOf: fixtures.appendingPathComponent("\(corpus)/MANIFEST.tsv"), encoding: .utf8)
        return text.split(separator: "\n").map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            let needle = fields.count > 3 ? needleData(fields[3]) : Data()
            return Case(name: fields[0], path: fields[1], rule: fields.count > 2 ? fields[2] : nil, needle: needle,
                        source: fixtures.appendingPathComponent("\(corpus)/\(fields[0])/\(fields[1])"))
        }
    }

    static func needleData(_ needle: String) -> Data {
        guard needle.hasPrefix("hex:") else { return Data(needle.utf8) }
        let digits = Array(needle.dropFirst(4))
        return Data(stride(from: 0, to: digits.count - 1, by: 2).compactMap { UInt8(String(digits[$0...$0 + 1]), radix: 16) })
    }

    static func includedByDefault(_ path: String) -> Bool {
        defaultIncludes.contains { $0.hasSuffix("/") ? path.hasPrefix($0) : path == $0 }
    }

    /// As few homes as can hold the cases: each goes to the first home where no other
    /// case has its path (or a folder or file in its way).
    static func homes(_ cases: [Case]) -> [[Case]] {
        var homes: [[Case]] = []
        for item in cases {
            let clash: (Case) -> Bool = { other in
                other.path == item.path || other.path.hasPrefix(item.path + "/") || item.path.hasPrefix(other.path + "/")
            }
            if let index = homes.firstIndex(where: { !$0.contains(where: clash) }) {
                homes[index].append(item)
            } else {
                homes.append([item])
            }
        }
        return homes
    }

    /// A home with an empty `.syncignore` (the default one excludes many of these paths
    /// by name; here the content guard is under test), the cases laid out and added,
    /// and one commit.
    private func commitHome(_ cases: [Case], mode: Int, file: StaticString = #filePath, line: UInt = #line) throws
        -> (Sandbox, Sandbox.Run) {
        let sandbox = try Sandbox()
        try sandbox.write(".syncignore", "")
        XCTAssertExit(sandbox.naner("init"), 0, file: file, line: line)
        for item in cases {
            try sandbox.write(item.path, try Data(contentsOf: item.source), mode: mode)
        }
        let outside = cases.map(\.path).filter { !Self.includedByDefault($0) }
        if !outside.isEmpty {
            XCTAssertExit(sandbox.naner(["add"] + outside), 0, file: file, line: line)
        }
        let run = sandbox.naner("commit", "-m", "corpus")
        XCTAssertExit(run, 0, file: file, line: line)
        return (sandbox, run)
    }

    private func refusals(_ run: Sandbox.Run) -> [String] {
        run.stderr.split(separator: "\n").map(String.init).filter { $0.hasPrefix("warning: not committing '") }
    }

    private func trackedOnMain(_ sandbox: Sandbox) -> Set<String> {
        let listing = sandbox.git("ls-tree", "-r", "--name-only", "main")
        XCTAssertExit(listing, 0)
        return Set(listing.lines)
    }

    /// Every object of a repository, inflated, as raw bytes (a needle can be binary).
    static func allObjects(gitDir: String) -> (status: Int32, data: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        process.arguments = ["--git-dir=" + gitDir, "cat-file", "--batch-all-objects", "--batch"]
        process.environment = ["PATH": "/usr/bin:/bin", "GIT_CONFIG_NOSYSTEM": "1", "HOME": "/nonexistent"]
        let out = NSTemporaryDirectory() + "naner-objects-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: out) }
        process.standardOutput = FileHandle(forWritingAtPath: out)
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return (-1, Data()) }
        process.waitUntilExit()
        return (process.terminationStatus, FileManager.default.contents(atPath: out) ?? Data())
    }

    // MARK: - The secret corpus

    func testEverySecretIsRefusedByItsRuleAndNoneReachesTheRemote() throws {
        let cases = try Self.cases("secrets")
        XCTAssertGreaterThanOrEqual(cases.count, 60)
        for (number, home) in Self.homes(cases).enumerated() {
            let (sandbox, run) = try commitHome(home, mode: 0o600)
            let warnings = refusals(run)
            let tracked = trackedOnMain(sandbox)
            for item in home {
                let rule = item.rule ?? "?"
                let prefix = "warning: not committing '\(item.path)': it contains "
                if let warning = warnings.first(where: { $0.hasPrefix(prefix) }) {
                    XCTAssertTrue(warning.hasSuffix(" (rule \(rule))"), "\(item.name): expected rule \(rule) in: \(warning)")
                } else {
                    XCTFail("\(item.name): '\(item.path)' was not refused (rule \(rule)); stderr:\n\(run.stderr)")
                }
                XCTAssertFalse(tracked.contains(item.path), "\(item.name): '\(item.path)' is on main")
                let said = Data((run.stdout + run.stderr).utf8)
                XCTAssertNil(said.range(of: item.needle), "\(item.name): naner printed the secret")
            }
            for warning in warnings where !home.contains(where: { warning.hasPrefix("warning: not committing '\($0.path)'") }) {
                XCTFail("home \(number): a refusal no case asks for: \(warning)")
            }

            let remote = sandbox.root + "/remote.git"
            XCTAssertExit(Sandbox.execute(["/usr/bin/git", "init", "--bare", "-q", remote],
                                          environment: ["PATH": "/usr/bin:/bin", "HOME": "/nonexistent"], directory: "/"), 0)
            XCTAssertExit(sandbox.naner("remote", "add", "origin", remote), 0)
            XCTAssertExit(sandbox.naner("sync", "push"), 0)
            for (place, gitDir) in [("the remote", remote), ("the repository", sandbox.repo)] {
                let objects = Self.allObjects(gitDir: gitDir)
                XCTAssertEqual(objects.status, 0, "cat-file on \(place)")
                XCTAssertNotNil(objects.data.range(of: Data(".syncignore".utf8)), "\(place) holds the commit's tree")
                for item in cases where objects.data.range(of: item.needle) != nil {
                    XCTFail("home \(number): \(item.name)'s secret is in an object of \(place)")
                }
            }
        }
    }

    func testEveryLookAlikeIsCommitted() throws {
        let cases = try Self.cases("not-secrets")
        XCTAssertGreaterThanOrEqual(cases.count, 45)
        XCTAssertEqual(Self.homes(cases).count, 1, "the look-alikes fit in one home")
        let (sandbox, run) = try commitHome(cases, mode: 0o644)
        XCTAssertEqual(refusals(run), [], "look-alikes refused")
        XCTAssertFalse(run.stderr.contains("warning: skipping"), run.stderr)
        let tracked = trackedOnMain(sandbox)
        for item in cases {
            XCTAssertTrue(tracked.contains(item.path), "\(item.name): '\(item.path)' is not on main")
        }
    }

    // MARK: - detect-secrets as the oracle

    /// The files detect-secrets flags, relative to Tests/Fixtures, with the kinds it saw.
    private func detectSecretsFlags(_ corpus: String, _ cases: [Case]) throws -> [String: Set<String>]? {
        guard FileManager.default.isExecutableFile(atPath: Self.detectSecrets) else {
            XCTFail("detect-secrets is not installed at '\(Self.detectSecrets)': run `make deps`")
            return nil
        }
        let environment = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/nonexistent"]
        let directory = Self.fixtures.path
        let version = Sandbox.execute([Self.detectSecrets, "--version"], environment: environment, directory: directory)
        XCTAssertEqual(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines), Self.detectSecretsVersion,
                       "the Makefile pins detect-secrets \(Self.detectSecretsVersion): run `make deps`")
        let listing = Sandbox.execute([Self.detectSecrets, "scan", "--list-all-plugins"], environment: environment, directory: directory)
        XCTAssertExit(listing, 0)
        let all = Set(listing.lines)
        XCTAssertEqual(Self.oraclePlugins.subtracting(all).sorted(), [], "plugins this detect-secrets lacks")
        let disable = all.subtracting(Self.oraclePlugins).sorted().flatMap { ["--disable-plugin", $0] }
        let files = cases.map { "\(corpus)/\($0.name)/\($0.path)" }
        let scan = Sandbox.execute([Self.detectSecrets, "scan", "--all-files"] + disable + files,
                                   environment: environment, directory: directory)
        XCTAssertExit(scan, 0)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(scan.stdout.utf8)) as? [String: Any])
        let used = Set(((report["plugins_used"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String })
        XCTAssertEqual(used, Self.oraclePlugins, "the plugins detect-secrets ran")
        let results = (report["results"] as? [String: [[String: Any]]]) ?? [:]
        return results.mapValues { Set($0.compactMap { $0["type"] as? String }) }
    }

    func testWhatDetectSecretsFlagsNanerRefuses() throws {
        let cases = try Self.cases("secrets")
        guard let flags = try detectSecretsFlags("secrets", cases) else { return }
        let flagged = cases.filter { flags["secrets/\($0.name)/\($0.path)"] != nil }
        XCTAssertGreaterThanOrEqual(flagged.count, 20, "the oracle must really be exercised")
        XCTAssertEqual(Set(flags.keys).subtracting(flagged.map { "secrets/\($0.name)/\($0.path)" }), [])
        for home in Self.homes(flagged) {
            let (_, run) = try commitHome(home, mode: 0o600)
            let warnings = refusals(run)
            for item in home where !warnings.contains(where: { $0.hasPrefix("warning: not committing '\(item.path)': ") }) {
                let kinds = (flags["secrets/\(item.name)/\(item.path)"] ?? []).sorted().joined(separator: ", ")
                XCTFail("\(item.name): detect-secrets finds \(kinds) in '\(item.path)', naner committed it")
            }
        }
    }

    func testDetectSecretsFlagsNoLookAlike() throws {
        let cases = try Self.cases("not-secrets")
        guard let flags = try detectSecretsFlags("not-secrets", cases) else { return }
        XCTAssertEqual(flags.mapValues { $0.sorted() }, [:], "detect-secrets finds secrets in look-alikes: fix the corpus")
    }
}
