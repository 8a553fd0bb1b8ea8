import Foundation
import XCTest

/// status, prompt, diff, `log -n` and `restore --dry-run` read the repository's files
/// without libgit2. A repository libgit2 refuses (recorded for another home, a format
/// version or an extension it does not know) must be refused by them too, with the same
/// line as the commands that open it through libgit2, and nothing printed as if it
/// were read: what naner cannot fully handle is never half read.
final class RepositoryFormatTests: XCTestCase {
    private let readers: [[String]] = [["status"], ["status", "--short"], ["prompt"], ["diff"], ["log", "-n", "1"],
                                       ["restore", "base", "--dry-run"]]

    private func prepared() throws -> Sandbox {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init", "-q"), 0)
        XCTAssertExit(sandbox.naner("backup", "-q", "--name", "base"), 0)
        try sandbox.write(".vimrc", "set number\nsyntax on\n")
        return sandbox
    }

    /// The repository's config with its format version set to `version` and `extensions`
    /// added, written as a user's editor would (git itself refuses to touch such a file).
    private func setFormat(_ sandbox: Sandbox, version: Int, extensions: String = "") throws {
        let path = sandbox.repo + "/config"
        let config = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(config.contains("repositoryformatversion = 0"), config)
        let changed = config.replacingOccurrences(of: "repositoryformatversion = 0", with: "repositoryformatversion = \(version)")
        try (changed + (extensions.isEmpty ? "" : "[extensions]\n" + extensions)).write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Each reader fails as the full `naner log` (libgit2's path) does, saying `expected`.
    private func assertRefusedByEveryReader(_ sandbox: Sandbox, saying expected: String,
                                            file: StaticString = #filePath, line: UInt = #line) {
        let reference = sandbox.naner("log")
        XCTAssertNotEqual(reference.status, 0, file: file, line: line)
        XCTAssertTrue(reference.stderr.contains(expected), reference.stderr, file: file, line: line)
        for arguments in readers {
            let run = sandbox.naner(arguments)
            XCTAssertEqual(run.status, reference.status, "naner \(arguments.joined(separator: " "))", file: file, line: line)
            XCTAssertEqual(run.stderr, reference.stderr, "naner \(arguments.joined(separator: " "))", file: file, line: line)
            XCTAssertEqual(run.stdout, "", "naner \(arguments.joined(separator: " ")) printed as if it read the repository",
                           file: file, line: line)
        }
    }

    func testAnUnknownExtensionIsRefusedByEveryReader() throws {
        let sandbox = try prepared()
        try setFormat(sandbox, version: 1, extensions: "\tweird = true\n")
        assertRefusedByEveryReader(sandbox, saying: "is in a format naner cannot read: unsupported extension name extensions.weird")
    }

    func testAFormatVersionAboveOneIsRefusedByEveryReader() throws {
        let sandbox = try prepared()
        try setFormat(sandbox, version: 2)
        assertRefusedByEveryReader(sandbox, saying: "is in a format naner cannot read: unsupported repository version 2")
    }

    func testARepositoryRecordedForAnotherHomeIsRefusedByEveryReader() throws {
        let sandbox = try prepared()
        XCTAssertExit(sandbox.git("config", "core.worktree", "/somewhere/else"), 0)
        assertRefusedByEveryReader(sandbox, saying: "/somewhere/else")
    }

    /// What libgit2 accepts is read as before: version 1 with the `noop` extension, and an
    /// extension named in a version-0 repository, which git and libgit2 both ignore.
    func testWhatLibgit2AcceptsIsReadAsBefore() throws {
        let sandbox = try prepared()
        try setFormat(sandbox, version: 1, extensions: "\tnoop = yes\n")
        for arguments in readers {
            let run = sandbox.naner(arguments)
            XCTAssertEqual(run.status, 0, "naner \(arguments.joined(separator: " ")): \(run.stderr)")
        }
        XCTAssertTrue(sandbox.naner("status", "--short").stdout.contains(".vimrc"))

        let other = try prepared()
        try setFormat(other, version: 0, extensions: "\tweird = true\n")
        for arguments in readers {
            let run = other.naner(arguments)
            XCTAssertEqual(run.status, 0, "naner \(arguments.joined(separator: " ")): \(run.stderr)")
        }
    }
}
