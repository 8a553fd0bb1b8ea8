import Foundation
import XCTest

final class CommitTests: XCTestCase {
    func testStatusAndCommitAgreeWithGit() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        let clean = sandbox.naner("status")
        XCTAssertExit(clean, 0)
        XCTAssertTrue(clean.stdout.contains("nothing to commit"), clean.stdout)

        try sandbox.write(".bashrc", "export EDITOR=nvim\n")
        try sandbox.write(".config/nvim/lua/plugins.lua", "return {}\n")
        try FileManager.default.removeItem(atPath: sandbox.home + "/.vimrc")
        try sandbox.write(".cache/thumbnails/b.png", "new cache file")

        let short = sandbox.naner("status", "--short")
        XCTAssertEqual(short.stdout, "M .bashrc\nA .config/nvim/lua/plugins.lua\nD .vimrc\n")
        XCTAssertEqual(Set(sandbox.git("status", "--porcelain", "-uall").lines.map { String($0.dropFirst(3)) }),
                       [".bashrc", ".config/nvim/lua/plugins.lua", ".vimrc"])

        let json = sandbox.naner("status", "--json")
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(object["clean"] as? Bool, false)
        XCTAssertEqual((object["changes"] as! [[String: Any]]).map { $0["status"] as! String }, ["modified", "new", "deleted"])

        let commit = sandbox.naner("commit", "-m", "nvim plugins")
        XCTAssertExit(commit, 0)
        XCTAssertTrue(commit.stdout.contains("3 changes: 1 modified, 1 new, 1 deleted"), commit.stdout)
        XCTAssertEqual(sandbox.git("log", "-1", "--format=%s").stdout, "nvim plugins\n")
        XCTAssertEqual(sandbox.git("status", "--porcelain").stdout, "")
        XCTAssertTrue(sandbox.naner("status").stdout.contains("nothing to commit"))
        XCTAssertFalse(sandbox.trackedFiles().contains(".vimrc"))
        XCTAssertEqual(sandbox.git("show", "HEAD:.bashrc").stdout, "export EDITOR=nvim\n")
        XCTAssertExit(sandbox.git("fsck", "--strict"), 0)
    }

    func testNothingToCommitMakesNoCommit() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        let run = sandbox.naner("commit", "-m", "nothing")
        XCTAssertExit(run, 0)
        XCTAssertTrue(run.stdout.contains("nothing to commit"), run.stdout)
        XCTAssertEqual(sandbox.commitCount(), 1)
    }

    func testTouchedButUnchangedFileIsNotAChange() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        try sandbox.write(".bashrc", "export EDITOR=vim\nalias ll='ls -l'\n")  // same bytes, new mtime
        XCTAssertEqual(sandbox.naner("status", "--short").stdout, "")
        XCTAssertTrue(sandbox.naner("commit", "-m", "x").stdout.contains("nothing to commit"))
    }

    func testSecretsAreRefusedAndTheRestCommitted() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        let token = "ghp_" + String(repeating: "a1B2", count: 9)
        try sandbox.write(".config/gh/token.txt", "token: \(token)\n")
        try sandbox.write(".config/tool/key.txt", "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n")
        try sandbox.write(".config/tool/remote.conf", "url = https://me:s3cret@example.com/repo.git\n")
        try sandbox.write(".config/tool/aws.conf", "key = AKIAIOSFODNN7EXAMPLE\n")
        try sandbox.write(".config/tool/fine.conf", "url = https://example.com/repo.git\n")

        let run = sandbox.naner("commit", "-m", "tools")
        XCTAssertExit(run, 0)
        for (path, reason) in [(".config/gh/token.txt", "GitHub token"), (".config/tool/key.txt", "private key"),
                               (".config/tool/remote.conf", "password"), (".config/tool/aws.conf", "AWS access key")] {
            XCTAssertTrue(run.stderr.contains("warning: not committing '\(path)'") && run.stderr.contains(reason),
                          "\(path): \(run.stderr)")
            XCTAssertEqual(sandbox.git("cat-file", "-e", "HEAD:" + path).status, 128, "\(path) must not be committed")
        }
        XCTAssertTrue(sandbox.trackedFiles().contains(".config/tool/fine.conf"))
        let status = sandbox.naner("status")
        XCTAssertTrue(status.stdout.contains("Refused") && status.stdout.contains(".config/gh/token.txt"), status.stdout)
        XCTAssertFalse(status.stdout.contains(token), "a secret is never printed")
        // A tracked file that turns into a secret keeps its committed version.
        try sandbox.write(".bashrc", "export GITHUB_TOKEN=\(token)\n")
        XCTAssertExit(sandbox.naner("commit", "-m", "oops"), 0)
        XCTAssertEqual(sandbox.git("show", "HEAD:.bashrc").stdout, "export EDITOR=vim\nalias ll='ls -l'\n")
    }

    func testLargeFilesNeedAnExplicitAdd() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        try sandbox.write(".config/big/model.bin", Data(count: 6 * 1024 * 1024))
        let run = sandbox.naner("commit", "-m", "big")
        XCTAssertTrue(run.stderr.contains("warning: skipping '.config/big/model.bin': 6 MiB, over the 5 MiB limit"), run.stderr)
        XCTAssertFalse(sandbox.trackedFiles().contains(".config/big/model.bin"))
        XCTAssertExit(sandbox.naner("add", ".config/big/model.bin"), 0)
        XCTAssertExit(sandbox.naner("commit", "-m", "big, on purpose"), 0)
        XCTAssertTrue(sandbox.trackedFiles().contains(".config/big/model.bin"))
    }

    func testSyncIgnoreChangeStopsTrackingButKeepsTheFile() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        var rules = String(decoding: sandbox.read(".syncignore")!, as: UTF8.self)
        rules += "kitty/\n"
        try sandbox.write(".syncignore", rules)
        let status = sandbox.naner("status", "--short")
        XCTAssertTrue(status.stdout.contains("X .config/kitty/kitty.conf"), status.stdout)
        XCTAssertExit(sandbox.naner("commit", "-m", "no kitty"), 0)
        XCTAssertFalse(sandbox.trackedFiles().contains(".config/kitty/kitty.conf"))
        XCTAssertTrue(sandbox.exists(".config/kitty/kitty.conf"))
        XCTAssertEqual(sandbox.git("show", "HEAD~1:.config/kitty/kitty.conf").stdout, "font_size 12\n", "still in history")
        XCTAssertEqual(sandbox.git("status", "--porcelain").stdout, "")
    }

    func testNestedRepositoryIsSkippedNotSwallowed() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        try sandbox.write(".config/emacs/init.el", "(setq x 1)\n")
        XCTAssertExit(Sandbox.execute(["/usr/bin/git", "init", "-q", sandbox.home + "/.config/emacs"], environment: sandbox.environment, directory: "/"), 0)
        let run = sandbox.naner("init")
        XCTAssertExit(run, 0)
        XCTAssertTrue(run.stderr.contains("'.config/emacs': a git repository of its own"), run.stderr)
        XCTAssertFalse(sandbox.trackedFiles().contains { $0.hasPrefix(".config/emacs") })
    }

    func testLogAndDiff() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        try sandbox.write(".bashrc", "export EDITOR=vim\nalias k=kubectl\n")
        let diff = sandbox.naner("diff")
        XCTAssertExit(diff, 0)
        XCTAssertTrue(diff.stdout.contains("-alias ll='ls -l'\n+alias k=kubectl\n"), diff.stdout)
        XCTAssertTrue(diff.stdout.contains("--- a/.bashrc"), diff.stdout)
        XCTAssertEqual(sandbox.naner("diff", ".vimrc").stdout, "", "a path filter limits the diff")
        XCTAssertExit(sandbox.naner("commit", "-m", "aliases for kubectl"), 0)
        let log = sandbox.naner("log")
        XCTAssertEqual(log.lines.count, 2)
        XCTAssertTrue(log.lines[0].hasSuffix("aliases for kubectl"), log.stdout)
        XCTAssertTrue(log.lines[1].hasSuffix("naner init"), log.stdout)
        XCTAssertEqual(sandbox.naner("log", "-n", "1").lines.count, 1)
        XCTAssertTrue(log.lines[0].hasPrefix(String(sandbox.git("rev-parse", "--short=7", "HEAD").stdout.prefix(7))))
    }

    func testColourOnlyWhenAsked() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        try sandbox.write(".bashrc", "changed\n")
        XCTAssertFalse(sandbox.naner("status").stdout.contains("\u{1B}["), "no colour when not a terminal")
        XCTAssertTrue(sandbox.naner("status", "--color", "always").stdout.contains("\u{1B}["))
        XCTAssertFalse(sandbox.naner("status", "--color", "never").stdout.contains("\u{1B}["))
    }
}
