import Foundation
import XCTest

/// A permission change is named, path by path, old and new, wherever naner reports changes:
/// `status` (text, `--short`, `--json`), `diff`, `doctor` and the commit's summary.
final class PermissionsTests: XCTestCase {
    func testLoosenedSSHModesAreNamedEverywhere() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        chmod(sandbox.home + "/.ssh/config", 0o644)
        chmod(sandbox.home + "/.ssh", 0o755)

        let status = sandbox.naner("status")
        XCTAssertExit(status, 0)
        XCTAssertTrue(status.stdout.contains("  mode 0700 → 0755  .ssh/\n  mode 0600 → 0644  .ssh/config\n"), status.stdout)
        XCTAssertFalse(status.stdout.contains("nothing to commit"), status.stdout)
        XCTAssertEqual(sandbox.naner("status", "--short").stdout, "P .ssh/\nP .ssh/config\n")

        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(sandbox.naner("status", "--json").stdout.utf8)) as? [String: Any])
        XCTAssertEqual(json["permissionsChanged"] as? Bool, true)
        XCTAssertEqual(json["modeChanges"] as? [[String: String]], [["path": ".ssh/", "old": "0700", "new": "0755"],
                                                                   ["path": ".ssh/config", "old": "0600", "new": "0644"]])

        // git's own lines for a mode change; a folder as git writes a tree's mode.
        XCTAssertEqual(sandbox.naner("diff").stdout,
                       "diff --git a/.ssh b/.ssh\nold mode 040700\nnew mode 040755\n"
                       + "diff --git a/.ssh/config b/.ssh/config\nold mode 100600\nnew mode 100644\n")
        XCTAssertEqual(sandbox.naner("diff", ".ssh/config").stdout, "diff --git a/.ssh/config b/.ssh/config\nold mode 100600\nnew mode 100644\n")

        let doctor = sandbox.naner("doctor")
        XCTAssertExit(doctor, 1)
        XCTAssertTrue(doctor.stderr.contains("warning: '.ssh/config' is 0644, the last commit recorded 0600\n"), doctor.stderr)
        XCTAssertTrue(doctor.stderr.contains("warning: '.ssh/' is 0755, the last commit recorded 0700\n"), doctor.stderr)
        XCTAssertFalse(doctor.stderr.contains("lists them under permissions"), doctor.stderr)

        let commit = sandbox.naner("commit", "-m", "looser ssh")
        XCTAssertExit(commit, 0)
        XCTAssertTrue(commit.stdout.contains(" 2 permission changes\n mode 0700 → 0755  .ssh/\n mode 0600 → 0644  .ssh/config\n"), commit.stdout)
        let modes = sandbox.git("show", "HEAD:.naner/modes").stdout
        XCTAssertFalse(modes.contains(".ssh/config") || modes.contains(".ssh/\n"), modes)
        XCTAssertEqual(sandbox.naner("status", "--short").stdout, "")
        XCTAssertExit(sandbox.naner("doctor"), 0)
    }

    func testExecBitAndContentChangesDiffAsGitDoes() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        // git sees the exec bit: its diff is the oracle, byte for byte.
        chmod(sandbox.home + "/.vimrc", 0o755)
        try sandbox.write(".config/kitty/kitty.conf", "font_size 14\n", mode: 0o755)
        for path in [".vimrc", ".config/kitty/kitty.conf"] {
            let git = sandbox.git("diff", "--", path)
            XCTAssertTrue(git.stdout.contains("old mode 100644\nnew mode 100755\n"), git.stdout)
            XCTAssertEqual(sandbox.naner("diff", path).stdout, git.stdout, path)
        }
        XCTAssertEqual(sandbox.naner("status", "--short").stdout,
                       "M .config/kitty/kitty.conf\nM .vimrc\nP .config/kitty/kitty.conf\nP .vimrc\n")
        // A mode git cannot see, with content: mode lines, then the content's diff.
        try sandbox.write(".bashrc", "export EDITOR=nvim\n", mode: 0o600)
        let diff = sandbox.naner("diff", ".bashrc").stdout
        XCTAssertTrue(diff.hasPrefix("diff --git a/.bashrc b/.bashrc\nold mode 100644\nnew mode 100600\nindex "), diff)
        XCTAssertTrue(diff.contains("\n--- a/.bashrc\n+++ b/.bashrc\n") && diff.contains("+export EDITOR=nvim\n"), diff)

        // A file new or gone since the commit is new or deleted, not a mode change.
        try sandbox.write(".config/tool/private.conf", "x\n", mode: 0o600)
        try FileManager.default.removeItem(atPath: sandbox.home + "/.ssh/config")
        let short = sandbox.naner("status", "--short").stdout
        XCTAssertTrue(short.contains("A .config/tool/private.conf\n") && short.contains("D .ssh/config\n"), short)
        XCTAssertFalse(short.contains("P .config/tool/private.conf") || short.contains("P .ssh/config"), short)

        let commit = sandbox.naner("commit", "-m", "modes and content")
        XCTAssertExit(commit, 0)
        XCTAssertTrue(commit.stdout.contains(" mode 0644 → 0600  .bashrc\n"), commit.stdout)
        XCTAssertTrue(sandbox.git("show", "HEAD:.naner/modes").stdout.contains("0600 .config/tool/private.conf\n"))
        XCTAssertEqual(sandbox.git("status", "--porcelain").stdout, "")
    }
}
