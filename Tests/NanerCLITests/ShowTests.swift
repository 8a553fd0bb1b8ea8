import Foundation
import XCTest

/// `naner show NAME`: a backup's manifest and files, as text and as JSON.
final class ShowTests: XCTestCase {
    func testShowsManifestFilesAndModes() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        try sandbox.write(".config/tool/token.conf", "token = ghp_0123456789abcdefghijABCDEFGHIJ012345\n")
        XCTAssertExit(sandbox.naner("init"), 0)
        XCTAssertExit(sandbox.naner("backup", "--name", "pre-v2.0-update", "-m", "before the upgrade"), 0)

        let text = sandbox.naner("show", "pre-v2.0-update")
        XCTAssertExit(text, 0)
        XCTAssertTrue(text.stdout.hasPrefix("backup 'pre-v2.0-update' at "), text.stdout)
        XCTAssertTrue(text.stdout.contains("message:  before the upgrade"), text.stdout)
        XCTAssertTrue(text.stdout.contains("  0600 .ssh/config\n"), text.stdout)
        XCTAssertTrue(text.stdout.contains("  0644 .bashrc\n"), text.stdout)
        XCTAssertTrue(text.stdout.contains("skipped (1):\n  .config/tool/token.conf: refused"), text.stdout)
        XCTAssertEqual(text.stdout.components(separatedBy: "\n  0").count - 1, sandbox.trackedFiles().count, "every file listed")

        let json = sandbox.naner("show", "pre-v2.0-update", "--json")
        XCTAssertExit(json, 0)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["name"] as? String, "pre-v2.0-update")
        XCTAssertEqual(object["kind"] as? String, "backup")
        XCTAssertEqual(object["commit"] as? String, sandbox.git("rev-parse", "pre-v2.0-update^{commit}").stdout.trimmingCharacters(in: .newlines))
        let files = try XCTUnwrap(object["files"] as? [[String: Any]])
        XCTAssertEqual(Set(files.compactMap { $0["path"] as? String }), sandbox.trackedFiles())
        XCTAssertEqual(files.first { $0["path"] as? String == ".ssh/config" }?["mode"] as? String, "0600")
        let manifest = try XCTUnwrap(object["manifest"] as? [String: Any])
        XCTAssertEqual(manifest["BackupName"] as? String, "pre-v2.0-update")

        // A safety point has no manifest; an unknown name is one line.
        try sandbox.write(".bashrc", "edited\n")
        XCTAssertExit(sandbox.naner("restore", "pre-v2.0-update", "--force"), 0)
        XCTAssertTrue(sandbox.exists(".config/tool/token.conf"), "a refused secret is never removed by a restore: no safety point could hold it")
        let safety = try XCTUnwrap(sandbox.git("for-each-ref", "--format=%(refname:lstrip=3)", "refs/naner/safety").lines.first)
        let log = sandbox.naner("log").lines
        XCTAssertTrue(log.contains { $0.contains("(backup: pre-v2.0-update)") && $0.contains("(safety point: \(safety))") },
                      "the commit the edits were made on carries both marks: \(log)")
        let shown = sandbox.naner("show", safety, "--json")
        XCTAssertExit(shown, 0)
        let safetyObject = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(safetyObject["kind"] as? String, "safety")
        XCTAssertTrue(safetyObject["manifest"] is NSNull)
        let unknown = sandbox.naner("show", "nope")
        XCTAssertExit(unknown, 1)
        XCTAssertOneErrorLine(unknown, contains: "no backup named 'nope'")
    }

    /// `naner diff NAME [PATH…]`: the tree now against a backup, committed or not.
    func testDiffAgainstABackup() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        XCTAssertExit(sandbox.naner("backup", "--name", "before"), 0)
        try sandbox.write(".vimrc", "set number\nset ruler\n")
        XCTAssertExit(sandbox.naner("commit", "-m", "ruler"), 0)
        try sandbox.write(".bashrc", "export EDITOR=nvim\n")  // not committed
        let run = sandbox.naner("diff", "before")
        XCTAssertExit(run, 0)
        XCTAssertTrue(run.stdout.contains("+++ b/.vimrc") && run.stdout.contains("+set ruler"), run.stdout)
        XCTAssertTrue(run.stdout.contains("+++ b/.bashrc") && run.stdout.contains("-export EDITOR=vim"), run.stdout)
        // The same lines as git's own diff of that backup against the tree.
        let git = sandbox.git("diff", "before", "--", ".vimrc").stdout
        let changed = git.split(separator: "\n").filter { $0.hasPrefix("+") || $0.hasPrefix("-") }
        XCTAssertFalse(changed.isEmpty)
        XCTAssertTrue(Set(changed).isSubset(of: Set(run.stdout.split(separator: "\n"))), git)
        let only = sandbox.naner("diff", "before", ".vimrc")
        XCTAssertFalse(only.stdout.contains(".bashrc"), only.stdout)
        // A path that exists is a path, not a backup name.
        XCTAssertTrue(sandbox.naner("diff", ".bashrc").stdout.contains("+export EDITOR=nvim"))
    }
}
