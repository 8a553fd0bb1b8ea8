import Foundation
import XCTest

/// Options every command takes may come before the command, as git users type them.
final class GlobalOptionsTests: XCTestCase {
    func testGlobalOptionsBeforeTheCommand() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        // The environment names another home: only the option can point naner at this one.
        let elsewhere = ["NANER_HOME": sandbox.root + "/missing", "NANER_REPO": sandbox.root + "/missing.git"]
        XCTAssertExit(sandbox.naner(["--home", sandbox.home, "--repo", sandbox.repo, "init", "-q"], environment: elsewhere), 0)
        try sandbox.write(".bashrc", "edited\n")
        let before = sandbox.naner(["--home=" + sandbox.home, "--repo", sandbox.repo, "-v", "status", "--short"], environment: elsewhere)
        let after = sandbox.naner(["status", "--short", "--home", sandbox.home, "--repo", sandbox.repo, "-v"], environment: elsewhere)
        XCTAssertExit(before, 0)
        XCTAssertEqual(before.stdout, after.stdout)
        XCTAssertTrue(before.stdout.contains("M .bashrc"), before.stdout)
        XCTAssertTrue(before.stderr.contains("home: \(sandbox.home)"), "-v before the command counts: \(before.stderr)")
        let remote = sandbox.naner(["--repo", sandbox.repo, "--home", sandbox.home, "remote", "add", "laptop", "/srv/none.git"],
                                   environment: elsewhere)
        XCTAssertExit(remote, 0)
        XCTAssertEqual(sandbox.naner("remote", "list").stdout, "laptop\t/srv/none.git\n")
        let unknown = sandbox.naner("--bogus", "status")
        XCTAssertExit(unknown, 64)
        XCTAssertOneErrorLine(unknown, contains: "unknown option '--bogus'")
    }

    /// libgit2 is loaded with dlopen on first use: a machine without it still runs the
    /// commands that never need it, and the others end with one `error:` line.
    func testAMissingLibgit2IsOneErrorLineAndVersionAShortLogADiffAndADryRunNeedNoLibgit2() throws {
        let library = "/usr/lib/x86_64-linux-gnu/libgit2.so.1.5"
        guard FileManager.default.fileExists(atPath: library), getuid() == 0 else {
            throw XCTSkip("hiding libgit2 needs root and Debian's \(library)")
        }
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init", "-q"), 0)
        // In a mount namespace of its own, libgit2's file is an empty one: dlopen fails as it
        // would on a machine without the package; nothing outside the namespace changes.
        func withoutLibgit2(_ arguments: String...) -> Sandbox.Run {
            Sandbox.execute(["/usr/bin/unshare", "-m", "/bin/sh", "-c",
                             "mount --bind /dev/null \(library) && exec \"$0\" \"$@\"", Sandbox.nanerBinary] + arguments,
                            environment: sandbox.environment, directory: sandbox.home)
        }
        let probe = withoutLibgit2("--version")
        guard !probe.stderr.contains("mount:"), !probe.stderr.contains("unshare:") else {
            throw XCTSkip("no mount namespace here: \(probe.stderr)")
        }
        XCTAssertExit(probe, 0)
        XCTAssertFalse(probe.stdout.isEmpty)
        let log = withoutLibgit2("log")
        XCTAssertExit(log, 1)
        XCTAssertOneErrorLine(log, contains: "cannot load libgit2 (libgit2.so.1.5)")
        XCTAssertEqual(log.stdout, "")
        // The same command with libgit2 in place works: what failed was loading it.
        XCTAssertExit(sandbox.naner("log"), 0)
        // A short log is read from the repository's files: it needs no libgit2 at all.
        let short = withoutLibgit2("log", "-n", "1")
        XCTAssertExit(short, 0)
        XCTAssertEqual(short.stdout, sandbox.naner("log", "-n", "1").stdout)
        XCTAssertFalse(short.stdout.isEmpty)
        // So is a diff of what the next commit records: index, blobs and patches.
        try sandbox.write(".vimrc", "set number\nsyntax on\n")
        let diff = withoutLibgit2("diff")
        XCTAssertExit(diff, 0)
        XCTAssertEqual(diff.stdout, sandbox.git("diff").stdout)
        XCTAssertTrue(diff.stdout.contains("+syntax on\n"), diff.stdout)
        // And a restore's dry run from a backup: its plan from the files, the same plan as
        // libgit2's (which `base~0` goes through, a revision the files alone do not resolve).
        XCTAssertExit(sandbox.naner("backup", "--name", "base"), 0)
        try sandbox.write(".vimrc", "set nonumber\n")
        try sandbox.write(".config/kitty/kitty.conf", "font_size 20\n")
        XCTAssertExit(sandbox.naner("commit", "-m", "later"), 0)
        try sandbox.write(".bashrc", "export EDITOR=hx\n")
        let dryRun = withoutLibgit2("restore", "base", "--dry-run")
        XCTAssertExit(dryRun, 0)
        let throughLibgit2 = sandbox.naner("restore", "base~0", "--dry-run")
        XCTAssertExit(throughLibgit2, 0)
        XCTAssertEqual(dryRun.stdout, throughLibgit2.stdout.replacingOccurrences(of: "base~0", with: "base"))
        XCTAssertTrue(dryRun.stdout.contains(".vimrc") && dryRun.stdout.contains("kitty.conf"), dryRun.stdout)
        XCTAssertEqual(withoutLibgit2("restore", "base", "--dry-run", "--json").stdout,
                       sandbox.naner("restore", "base~0", "--dry-run", "--json").stdout.replacingOccurrences(of: "base~0", with: "base"))
    }
}

