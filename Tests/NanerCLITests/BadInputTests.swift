import Foundation
import XCTest

/// Every refusal is one `error:` line naming the thing, a nonzero exit, and no change on disk.
final class BadInputTests: XCTestCase {
    func testHomeMissing() throws {
        let sandbox = try Sandbox()
        let run = sandbox.naner("status", "--home", sandbox.root + "/nowhere")
        XCTAssertExit(run, 1)
        XCTAssertOneErrorLine(run, contains: "home folder '\(sandbox.root)/nowhere' does not exist")
    }

    func testRepositoryMissing() throws {
        let sandbox = try Sandbox()
        let run = sandbox.naner("status")
        XCTAssertExit(run, 1)
        XCTAssertOneErrorLine(run, contains: "no naner repository at '\(sandbox.repo)'")
        XCTAssertTrue(run.stderr.contains("hint: run 'naner init'"), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.repo))
    }

    func testRepositoryCorrupt() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        // Lose the objects the branch points at, as a half-copied folder would.
        try FileManager.default.removeItem(atPath: sandbox.repo + "/objects")
        try FileManager.default.createDirectory(atPath: sandbox.repo + "/objects", withIntermediateDirectories: false)
        let run = sandbox.naner("commit", "-m", "x")
        XCTAssertExit(run, 1)
        XCTAssertOneErrorLine(run, contains: "repository '\(sandbox.repo)' is damaged")
    }

    func testMalformedSyncIgnoreLineIsNamedAndNothingChanges() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        let exclude = FileManager.default.contents(atPath: sandbox.repo + "/info/exclude")
        let head = sandbox.git("rev-parse", "HEAD").stdout
        try sandbox.write(".syncignore", "# mine\n*.log\nC:\\Users\\me\\secrets\n")
        try sandbox.write(".bashrc", "edited\n")
        for command in [["status"], ["commit", "-m", "x"], ["ignore", "check", ".bashrc"]] {
            let run = sandbox.naner(command)
            XCTAssertExit(run, 1)
            XCTAssertOneErrorLine(run, contains: ".syncignore:3:")
        }
        XCTAssertEqual(sandbox.git("rev-parse", "HEAD").stdout, head)
        XCTAssertEqual(FileManager.default.contents(atPath: sandbox.repo + "/info/exclude"), exclude)

        try sandbox.write(".syncignore", "ok.txt\n[abc\n")
        let bracket = sandbox.naner("status")
        XCTAssertOneErrorLine(bracket, contains: ".syncignore:2: '[' without a closing ']'")
    }

    /// A line that is not UTF-8 (here Latin-1 "caché/") is the documented error,
    /// not a pattern with U+FFFD in it; and no command rewrites the file.
    func testSyncIgnoreLineThatIsNotUTF8IsNamedAndNothingChanges() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        let exclude = FileManager.default.contents(atPath: sandbox.repo + "/info/exclude")
        let include = sandbox.read(".naner/include")
        let head = sandbox.git("rev-parse", "HEAD").stdout
        let syncIgnore = Data("# mine\n*.log\n".utf8) + Data([0x63, 0x61, 0x63, 0x68, 0xE9, 0x2F, 0x0A]) + Data("*.tmp\n".utf8)
        try sandbox.write(".syncignore", syncIgnore)
        try sandbox.write(".bashrc", "edited\n")
        for command in [["status"], ["commit", "-m", "x"], ["ignore", "check", ".bashrc"], ["ignore", "show"],
                        ["add", ".local"], ["forget", ".config/kitty/kitty.conf"], ["diff"]] {
            try sandbox.write(".local/x", "x\n")
            let run = sandbox.naner(command)
            XCTAssertExit(run, 1)
            XCTAssertOneErrorLine(run, contains: ".syncignore:3: not valid UTF-8 text")
            XCTAssertEqual(sandbox.read(".syncignore"), syncIgnore, "\(command)")
            XCTAssertEqual(sandbox.read(".naner/include"), include, "\(command)")
        }
        XCTAssertEqual(sandbox.git("rev-parse", "HEAD").stdout, head)
        XCTAssertEqual(FileManager.default.contents(atPath: sandbox.repo + "/info/exclude"), exclude)

        // Fixed, everything works again.
        try sandbox.write(".syncignore", "# mine\n*.log\ncaché/\n*.tmp\n")
        XCTAssertExit(sandbox.naner("status"), 0)
    }

    func testPathOutsideTheTree() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        let include = sandbox.read(".naner/include")
        for path in ["/etc/passwd", "../outside", sandbox.root] {
            let run = sandbox.naner("add", path)
            XCTAssertExit(run, 1)
            XCTAssertOneErrorLine(run, contains: "is outside the home folder")
        }
        XCTAssertEqual(sandbox.read(".naner/include"), include)
        let missing = sandbox.naner("add", ".does-not-exist")
        XCTAssertExit(missing, 1)
        XCTAssertOneErrorLine(missing, contains: "'.does-not-exist' does not exist")
    }

    func testEmptyMessageIsAUsageError() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        try sandbox.write(".bashrc", "edited\n")
        let run = sandbox.naner("commit", "-m", "  ")
        XCTAssertExit(run, 64)
        XCTAssertOneErrorLine(run, contains: "empty commit message")
        XCTAssertEqual(sandbox.commitCount(), 1)
        let unknown = sandbox.naner("frobnicate")
        XCTAssertExit(unknown, 64)
        XCTAssertEqual(unknown.stderr.split(separator: "\n").filter { $0.hasPrefix("error:") }.count, 1, unknown.stderr)
    }

    func testUnreadableFileIsNamedSkippedAndTheRestCommitted() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        try sandbox.write(".config/locked/secret.conf", "x\n", mode: 0o000)
        var prefix: [String] = []
        if getuid() == 0 {
            // root reads everything: run naner as 'nobody' on a tree 'nobody' owns.
            XCTAssertExit(Sandbox.execute(["/bin/chown", "-R", "65534:65534", sandbox.root], environment: [:], directory: "/"), 0)
            prefix = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        }
        let run = Sandbox.execute(prefix + [Sandbox.nanerBinary, "init"], environment: sandbox.environment, directory: "/")
        XCTAssertExit(run, 0)
        XCTAssertTrue(run.stderr.contains("warning: skipping '.config/locked/secret.conf': cannot read: permission denied"), run.stderr)
        XCTAssertTrue(sandbox.trackedFiles().contains(".bashrc"))
        XCTAssertFalse(sandbox.trackedFiles().contains(".config/locked/secret.conf"))
        let status = Sandbox.execute(prefix + [Sandbox.nanerBinary, "status", "--short"], environment: sandbox.environment, directory: "/")
        XCTAssertEqual(status.stdout, "S .config/locked/secret.conf\n")
    }

    func testSecondNanerWaitsThenNamesTheHolder() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        try sandbox.write(".bashrc", "edited\n")
        let holder = try sandbox.holdLock()
        defer { if holder.isRunning { holder.terminate() } }
        Thread.sleep(forTimeInterval: 0.5)
        let blocked = sandbox.naner("commit", "-m", "blocked", environment: ["NANER_LOCK_TIMEOUT": "0.5"])
        XCTAssertExit(blocked, 1)
        XCTAssertOneErrorLine(blocked, contains: "another naner (pid \(holder.processIdentifier)) is using '\(sandbox.repo)'")
        XCTAssertEqual(sandbox.commitCount(), 1)
        // The holder dies without cleaning up: its lock is taken over.
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        XCTAssertExit(sandbox.naner("commit", "-m", "after"), 0)
        XCTAssertEqual(sandbox.commitCount(), 2)
    }
}
