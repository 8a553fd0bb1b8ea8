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
}
