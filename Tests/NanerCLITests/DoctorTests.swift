import Foundation
import XCTest

/// `naner doctor [--fix] [--json]`: each problem found with a hint, safe ones repaired.
final class DoctorTests: XCTestCase {
    private func checks(_ run: Sandbox.Run) throws -> [String] {
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], run.stdout)
        return (object["findings"] as? [[String: Any]] ?? []).compactMap { $0["check"] as? String }
    }

    func testHealthyThenEachProblemFoundAndTheSafeOnesFixed() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        let healthy = sandbox.naner("doctor")
        XCTAssertExit(healthy, 0)
        XCTAssertEqual(healthy.stdout, "everything is healthy\n")

        // A lock file left by a killed process, an old safety point, a changed mode,
        // a tracked file now excluded, a secret committed by the git CLI, remotes in trouble.
        try sandbox.write(".bashrc", "edited\n")
        XCTAssertExit(sandbox.naner("restore", "HEAD", "--force"), 0)
        XCTAssertExit(sandbox.git("config", "naner.safetyPointMaxAge", "-1"), 0)
        chmod(sandbox.home + "/.ssh/config", 0o644)
        try sandbox.write(".syncignore", (String(decoding: sandbox.read(".syncignore")!, as: UTF8.self)) + ".vimrc\n")
        try sandbox.write(".config/tool/old.conf", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n")
        XCTAssertExit(sandbox.git("add", "-f", ".config/tool/old.conf"), 0)
        XCTAssertExit(sandbox.git("-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "-m", "by hand"), 0)
        XCTAssertExit(sandbox.naner("remote", "add", "origin", "http://127.0.0.1:1/config.git"), 0)
        XCTAssertExit(sandbox.naner("remote", "add", "dropbox", sandbox.root + "/Dropbox/Naner-Config.git"), 0)
        _ = FileManager.default.createFile(atPath: sandbox.repo + "/index.lock", contents: nil)
        // A restore killed while saving its safety point leaves the ref's lock file.
        try FileManager.default.createDirectory(atPath: sandbox.repo + "/refs/naner/safety", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: sandbox.repo + "/refs/naner/safety/pre-restore-2026-11-26-034548.lock", contents: nil)

        let sick = sandbox.naner("doctor", "--json")
        XCTAssertExit(sick, 1)
        let found = try checks(sick)
        for check in ["lock", "safety-points", "modes", "tracked-excluded", "tracked-secret", "remote"] {
            XCTAssertTrue(found.contains(check), "\(check) not found in \(found)")
        }
        XCTAssertEqual(found.filter { $0 == "remote" }.count, 2, "both remotes")
        XCTAssertEqual(found.filter { $0 == "lock" }.count, 2, "the index's and the safety point's")
        let text = sandbox.naner("doctor")
        XCTAssertExit(text, 1)
        let warnings = text.stderr.split(separator: "\n").filter { $0.hasPrefix("warning:") }
        let hints = text.stderr.split(separator: "\n").filter { $0.hasPrefix("hint:") }
        XCTAssertEqual(warnings.count, found.count, text.stderr)
        XCTAssertEqual(hints.count, found.count, "a hint for each finding")
        XCTAssertTrue(text.stderr.contains("'.config/tool/old.conf' in the last commit looks like it holds"), text.stderr)
        XCTAssertTrue(text.stderr.contains("remote 'origin'") && text.stderr.contains("127.0.0.1:1"), text.stderr)
        XCTAssertTrue(text.stderr.contains("'\(sandbox.root)/Dropbox/Naner-Config.git' does not exist"), text.stderr)

        // --fix: the lock file and the old safety point go; the rest stays for the user.
        let fixed = sandbox.naner("doctor", "--fix")
        XCTAssertExit(fixed, 1)
        XCTAssertTrue(fixed.stdout.contains("fixed: removed 'index.lock'"), fixed.stdout)
        XCTAssertTrue(fixed.stdout.contains("fixed: deleted safety point 'pre-restore-"), fixed.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.repo + "/index.lock"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.repo + "/refs/naner/safety/pre-restore-2026-11-26-034548.lock"))
        XCTAssertEqual(sandbox.git("for-each-ref", "refs/naner/safety").stdout, "")
        let after = try checks(sandbox.naner("doctor", "--json"))
        XCTAssertFalse(after.contains("lock") || after.contains("safety-points"), "\(after)")
        XCTAssertTrue(after.contains("tracked-secret"))
    }

    func testNothingManagedAndAConflictedCopyAreFound() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        let folder = sandbox.root + "/cloud/Naner-Config.git"
        XCTAssertExit(sandbox.naner("sync", "--provider", "custom", "--path", folder), 0)
        try FileManager.default.copyItem(atPath: folder + "/refs/heads/main", toPath: folder + "/refs/heads/main (laptop's conflicted copy 2026-11-25)")
        try sandbox.write(".syncignore", "*\n")
        XCTAssertExit(sandbox.naner("commit", "-m", "oops"), 0)
        let run = sandbox.naner("doctor", "--json")
        XCTAssertExit(run, 1)
        let found = try checks(run)
        XCTAssertTrue(found.contains("nothing-managed"), "\(found)")
        XCTAssertTrue(found.contains("conflicted-copy"), "\(found)")
    }
}
