import Foundation
import NanerCore
import XCTest

/// The secret guard against evidence it was not written from: real credential files in
/// their tools' own formats at their real home paths (Tests/Fixtures/secrets, made by
/// make-corpus.py, one rule id each in MANIFEST.tsv), and files that only look like
/// secrets — public keys, hashes, ids, placeholders — that must pass
/// (Tests/Fixtures/not-secrets). See Tests/Fixtures/secrets/README.md.
final class SecretCorpusTests: XCTestCase {
    struct SecretCase {
        let name: String
        let path: String
        let rule: String
        let needle: [UInt8]
        var file: URL { SecretCorpusTests.fixtures.appendingPathComponent("secrets/\(name)/\(path)") }
    }

    struct LookAlike {
        let name: String
        let path: String
        var file: URL { SecretCorpusTests.fixtures.appendingPathComponent("not-secrets/\(name)/\(path)") }
    }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func rows(_ corpus: String, fields: Int) throws -> [[String]] {
        let text = try String(contentsOf: fixtures.appendingPathComponent("\(corpus)/MANIFEST.tsv"), encoding: .utf8)
        let rows = text.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        for row in rows where row.count != fields {
            XCTFail("\(corpus)/MANIFEST.tsv: \(fields) fields expected in \(row)")
        }
        return rows.filter { $0.count == fields }
    }

    static func secretCases() throws -> [SecretCase] {
        try rows("secrets", fields: 4).map { SecretCase(name: $0[0], path: $0[1], rule: $0[2], needle: needleBytes($0[3])) }
    }

    static func lookAlikes() throws -> [LookAlike] {
        try rows("not-secrets", fields: 2).map { LookAlike(name: $0[0], path: $0[1]) }
    }

    /// The secret's exact bytes: text, or `hex:` and the bytes in hex for a binary file.
    static func needleBytes(_ needle: String) -> [UInt8] {
        guard needle.hasPrefix("hex:") else { return Array(needle.utf8) }
        let digits = Array(needle.utf8.dropFirst(4))
        return stride(from: 0, to: digits.count - 1, by: 2).compactMap { UInt8(String(decoding: digits[$0...$0 + 1], as: UTF8.self), radix: 16) }
    }

    private func bytes(_ url: URL) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url))
    }

    // MARK: - The corpus itself (holds whatever the guard does)

    func testTheManifestsDescribeTheFilesOnDisk() throws {
        let secrets = try Self.secretCases()
        let lookAlikes = try Self.lookAlikes()
        for corpus in ["secrets", "not-secrets"] {
            let names = corpus == "secrets" ? secrets.map(\.name) : lookAlikes.map(\.name)
            XCTAssertEqual(Set(names).count, names.count, "\(corpus): a case name is used twice")
            let root = Self.fixtures.appendingPathComponent(corpus)
            let folders = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { name in
                var isFolder: ObjCBool = false
                return FileManager.default.fileExists(atPath: root.appendingPathComponent(name).path, isDirectory: &isFolder)
                    && isFolder.boolValue && name != "__pycache__"
            }
            XCTAssertEqual(Set(folders), Set(names), "\(corpus): case folders and MANIFEST.tsv disagree")
        }
        for item in secrets {
            let content = try bytes(item.file)
            XCTAssertFalse(item.needle.isEmpty, item.name)
            XCTAssertTrue(content.firstRange(of: item.needle) != nil, "\(item.name): its needle is not in '\(item.path)'")
        }
        for item in lookAlikes {
            XCTAssertTrue(FileManager.default.fileExists(atPath: item.file.path), "\(item.name): '\(item.path)' is missing")
        }
    }

    // MARK: - The guard against it

    /// Each file is refused, and by the rule the manifest names: the rule is what the
    /// warning tells the user (`(rule github-token)`), so a secret caught by the wrong
    /// rule (a GitHub token in `.git-credentials` reported as a URL password, a PyPI
    /// token as a generic `password =`) is a failure too.
    func testEverySecretCaseIsFoundByItsRule() throws {
        for item in try Self.secretCases() {
            let finding = SecretGuard.findSecret(in: try bytes(item.file))
            if let finding {
                XCTAssertEqual(finding.rule, item.rule,
                               "\(item.name) ('\(item.path)'): found as \(finding.kind) (rule \(finding.rule)), expected rule \(item.rule)")
            } else {
                XCTFail("\(item.name) ('\(item.path)'): no secret found, expected rule \(item.rule)")
            }
        }
    }

    /// The corpus is large and every rule in the table has a case: a rule without
    /// evidence fails here, and so does a case naming a rule the table lacks.
    func testTheCorpusCoversEveryRule() throws {
        let cases = try Self.secretCases()
        let covered = Set(cases.map(\.rule))
        XCTAssertGreaterThanOrEqual(cases.count, 60)
        XCTAssertGreaterThanOrEqual(covered.count, 30)
        let table = Set(SecretRules.ids)
        XCTAssertEqual(table.count, SecretRules.ids.count, "a rule id appears twice in the table")
        XCTAssertEqual(table.subtracting(covered).sorted(), [], "rules without a case in Tests/Fixtures/secrets")
        XCTAssertEqual(covered.subtracting(table).sorted(), [], "cases name rules the table lacks")
    }

    /// Public keys, certificates, hashes, lock files, ids and placeholders
    /// (`${DB_PASSWORD}`, `<your-token-here>`, `$(pass show …)`) are not secrets.
    func testNoLookAlikeIsASecret() throws {
        for item in try Self.lookAlikes() {
            if let finding = SecretGuard.findSecret(in: try bytes(item.file)) {
                XCTFail("\(item.name) ('\(item.path)'): not a secret, but found as \(finding.kind) (rule \(finding.rule))")
            }
        }
    }
}
