import Foundation
import XCTest

final class InitTests: XCTestCase {
    func testInitCommitsTheManagedSetAndNothingElse() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        let run = sandbox.naner("init")
        XCTAssertExit(run, 0)
        XCTAssertTrue(run.stdout.contains("initialized"), run.stdout)

        let tracked = sandbox.trackedFiles()
        for path in [".bashrc", ".gitconfig", ".vimrc", ".config/nvim/init.vim", ".config/kitty/kitty.conf",
                     ".ssh/config", ".ssh/id_ed25519.pub", ".syncignore", ".naner/include", ".naner/modes"] {
            XCTAssertTrue(tracked.contains(path), "\(path) should be tracked; tracked: \(tracked.sorted())")
        }
        for path in [".ssh/id_ed25519", ".bash_history", ".cache/thumbnails/a.png", "Projects/web/index.html",
                     ".config/app.log", ".cargo/registry/src/index/crate.rs"] {
            XCTAssertFalse(tracked.contains(path), "\(path) must not be tracked")
        }
        XCTAssertFalse(sandbox.exists(".git"), "the tree must never get a .git of its own")
        XCTAssertEqual(sandbox.git("symbolic-ref", "HEAD").stdout, "refs/heads/main\n")
        XCTAssertExit(sandbox.git("fsck", "--strict"), 0)
        XCTAssertEqual(sandbox.git("status", "--porcelain").stdout, "", "git must see a clean tree after init")
        // The default files were laid into the tree, byte for byte what is committed.
        XCTAssertEqual(sandbox.git("show", "HEAD:.syncignore").stdout, String(decoding: sandbox.read(".syncignore")!, as: UTF8.self))
        XCTAssertTrue(String(decoding: sandbox.read(".naner/include")!, as: UTF8.self).contains(".config/"))
        // Author from the tree's .gitconfig (the user's global git config).
        XCTAssertEqual(sandbox.git("log", "-1", "--format=%an <%ae>").stdout, "Home Owner <owner@example.com>\n")
    }

    func testSecondInitSaysSoAndChangesNothing() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        let head = sandbox.git("rev-parse", "HEAD").stdout
        try sandbox.write(".bashrc", "changed\n")
        let again = sandbox.naner("init")
        XCTAssertExit(again, 0)
        XCTAssertTrue(again.stdout.contains("already set up"), again.stdout)
        XCTAssertEqual(sandbox.git("rev-parse", "HEAD").stdout, head, "a second init must not commit")
        XCTAssertEqual(String(decoding: sandbox.read(".bashrc")!, as: UTF8.self), "changed\n")
    }

    func testUsersOwnGitignoreIsNeverTouched() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        try sandbox.write(".gitignore", "*.swp\n")
        XCTAssertExit(sandbox.naner("init"), 0)
        XCTAssertEqual(sandbox.read(".gitignore"), Data("*.swp\n".utf8))
        XCTAssertExit(sandbox.naner("commit", "-m", "again"), 0)
        XCTAssertEqual(sandbox.read(".gitignore"), Data("*.swp\n".utf8))
    }

    func testAuthorFallsBackToUserAtHostname() throws {
        let sandbox = try Sandbox()
        try sandbox.write(".bashrc", "x\n")
        XCTAssertExit(sandbox.naner("init"), 0)
        let hostname = ProcessInfo.processInfo.hostName
        XCTAssertEqual(sandbox.git("log", "-1", "--format=%an <%ae>").stdout, "tester <tester@\(hostname)>\n")
    }

    func testModesAreRecordedForRestore() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        try sandbox.write(".config/tool/run.sh", "#!/bin/sh\n", mode: 0o755)
        XCTAssertExit(sandbox.naner("init"), 0)
        let modes = sandbox.git("show", "HEAD:.naner/modes").stdout
        XCTAssertTrue(modes.contains("0600 .ssh/config\n"), modes)
        XCTAssertTrue(modes.contains("0700 .ssh/\n"), modes)
        XCTAssertFalse(modes.contains("run.sh"), "git's exec bit already records 0755: \(modes)")
        XCTAssertTrue(sandbox.git("ls-files", "-s", ".config/tool/run.sh").stdout.hasPrefix("100755"))

        // A permission change alone is a change naner records.
        chmod(sandbox.home + "/.vimrc", 0o600)
        let status = sandbox.naner("status", "--short")
        XCTAssertEqual(status.stdout, "P .vimrc\n")
        XCTAssertExit(sandbox.naner("commit", "-m", "private vimrc"), 0)
        XCTAssertTrue(sandbox.git("show", "HEAD:.naner/modes").stdout.contains("0600 .vimrc\n"))
    }

    func testBytesAreExact() throws {
        let sandbox = try Sandbox()
        let crlf = Data("line one\r\nline two\r\n".utf8)
        var binary = Data((0..<256).map { UInt8($0) })
        binary.append(contentsOf: [0, 0, 13, 10, 255])
        try sandbox.write(".config/win/settings.ini", crlf)
        try sandbox.write(".config/bin/blob.dat", binary)
        try sandbox.write(".gitconfig", "[core]\n\tautocrlf = true\n")
        XCTAssertExit(sandbox.naner("init"), 0)
        XCTAssertEqual(Data(sandbox.git("cat-file", "blob", "HEAD:.config/win/settings.ini").stdout.utf8), crlf)
        let blob = Sandbox.execute(["/bin/sh", "-c", "git --git-dir='\(sandbox.repo)' cat-file blob HEAD:.config/bin/blob.dat | od -An -tx1 | tr -d ' \\n'"],
                                   environment: sandbox.environment, directory: sandbox.home).stdout
        XCTAssertEqual(blob, binary.map { String(format: "%02x", $0) }.joined())
    }

    /// A first commit of many files stores them as a pack, not a file each; what git
    /// reads back must be the same: every file's bytes, nothing refused, a sound repository.
    func testALargeFirstCommitIsPackedAndExact() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        var expected: [String: Data] = [:]
        for number in 0..<400 {
            // Some files share their content, one is empty; a file over 1 MiB is stored loose beside the pack.
            let content = number % 7 == 0 ? Data("shared\n".utf8) : Data("setting \(number) = \(number * 31)\n".utf8)
            let path = ".config/many/d\(number % 13)/f\(number).conf"
            try sandbox.write(path, number == 5 ? Data() : content)
            expected[path] = number == 5 ? Data() : content
        }
        let large = Data((0..<(1 << 20) + 100).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        try sandbox.write(".config/many/large.bin", large)
        try sandbox.write(".config/many/deploy.conf", "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n")
        XCTAssertExit(sandbox.naner("init"), 0)

        let counts = sandbox.git("count-objects", "-v").lines
        let inPack = counts.first { $0.hasPrefix("in-pack: ") }.flatMap { Int($0.dropFirst(9)) } ?? 0
        XCTAssertGreaterThan(inPack, 300, "the new files went into a pack: \(counts)")
        XCTAssertExit(sandbox.git("fsck", "--strict"), 0)
        XCTAssertEqual(sandbox.git("status", "--porcelain").stdout, "?? .config/many/deploy.conf\n", "all but the refused key committed")
        for (path, content) in expected {
            XCTAssertEqual(sandbox.git("cat-file", "-p", "HEAD:" + path).stdout, String(decoding: content, as: UTF8.self), path)
        }
        // Equal ids are equal bytes (fsck checked that each object hashes to its id).
        XCTAssertEqual(sandbox.git("rev-parse", "HEAD:.config/many/large.bin").stdout,
                       sandbox.git("hash-object", sandbox.home + "/.config/many/large.bin").stdout)
        XCTAssertFalse(sandbox.trackedFiles().contains(".config/many/deploy.conf"), "a secret is refused in a pack too")
        let secretID = sandbox.git("hash-object", sandbox.home + "/.config/many/deploy.conf").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertNotEqual(sandbox.git("cat-file", "-e", secretID).status, 0, "the refused secret was never stored")

        // A pack whose writing was killed is garbage to git: doctor names it, and the next
        // naner that takes the lock removes it.
        let halfWritten = "objects/pack/pack_git2_1e30118a79075f4f"
        try Data("PACK".utf8).write(to: URL(fileURLWithPath: sandbox.repo + "/" + halfWritten))
        XCTAssertTrue(sandbox.naner("doctor").stderr.contains("'\(halfWritten)' was left"))
        let commit = sandbox.naner("commit", "-m", "nothing")
        XCTAssertTrue(commit.stderr.contains("warning: removed '\(halfWritten)'"), commit.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.repo + "/" + halfWritten))
        XCTAssertEqual(sandbox.git("count-objects", "-v").lines.first { $0.hasPrefix("garbage: ") }, "garbage: 0")
    }
}
