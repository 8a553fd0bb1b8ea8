import Foundation
import XCTest

/// A `.syncignore` written to make pattern matching take exponential time,
/// in the home or pulled from a remote, against long names and deep paths:
/// `naner status` answers in bounded time, with the right answer.
final class AdversarialIgnoreTests: XCTestCase {
    static func repeated(_ text: String, _ count: Int) -> String { String(repeating: text, count: count) }

    static let lines = [
        repeated("*a", 30) + "b",                            // the issue's: 30 stars, 61 bytes
        repeated("**/", 3000) + "x",
        repeated("**/a/", 600) + "b",
        "*" + repeated("?", 250) + "b",
        "/.config/**/" + repeated("*[a-z]", 120) + "Q",
        repeated("*a", 127) + "b",
    ]

    static let deep = ".config/d/" + repeated(repeated("a", 250) + "/", 14)  // 3,524 bytes
    // 1,000 folders: the walk recurses once per folder, and a debug build's
    // stack holds about 1,300 of them (a limit of the walk, not of matching).
    static let many = ".config/s/" + repeated("a/", 1000)                    // 2,010 bytes
    /// Path → managed by the rules above.
    static let files: [(String, Bool)] = [
        (".config/" + repeated("a", 60) + "0", true),
        (".config/" + repeated("a", 60) + "b", false),
        (".config/" + repeated("a", 254) + "c", true),
        (".config/" + repeated("a", 254) + "b", false),
        (".config/" + repeated("a", 200) + "Q", false),
        (deep + "x", false),
        (deep + "y", true),
        (deep + repeated("a", 254) + "c", true),
        (many + "b", false),
        (many + "c", true),
    ]

    /// naner under `timeout`: a hang fails the test instead of stalling the suite.
    func timedNaner(_ sandbox: Sandbox, _ arguments: String...) -> (run: Sandbox.Run, seconds: Double) {
        let start = DispatchTime.now().uptimeNanoseconds
        let run = Sandbox.execute(["/usr/bin/timeout", "120", Sandbox.nanerBinary] + arguments,
                                  environment: sandbox.environment, directory: sandbox.home)
        return (run, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }

    func writeFiles(_ sandbox: Sandbox) throws {
        for (path, _) in Self.files { try sandbox.write(path, "x\n") }
    }

    func assertStatus(_ sandbox: Sandbox, file: StaticString = #filePath, line: UInt = #line) {
        let (status, seconds) = timedNaner(sandbox, "status", "--short")
        XCTAssertExit(status, 0, file: file, line: line)
        // Tens of milliseconds in fact; the exponential matcher took minutes.
        XCTAssertLessThan(seconds, 20, file: file, line: line)
        let listed = Set(status.lines.map { String($0.dropFirst(2)) })
        for (path, managed) in Self.files {
            XCTAssertEqual(listed.contains(path), managed, "…\(path.suffix(40))", file: file, line: line)
        }
    }

    func testAdversarialSyncIgnoreInTheHome() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        let original = String(decoding: sandbox.read(".syncignore")!, as: UTF8.self)
        try sandbox.write(".syncignore", original + Self.lines.joined(separator: "\n") + "\n")
        try writeFiles(sandbox)
        assertStatus(sandbox)
        let (check, seconds) = timedNaner(sandbox, "ignore", "check", Self.deep + "x", Self.many + "b")
        XCTAssertExit(check, 0)
        XCTAssertLessThan(seconds, 20)
        let (commit, commitSeconds) = timedNaner(sandbox, "commit", "-m", "adversarial rules")
        XCTAssertExit(commit, 0)
        XCTAssertLessThan(commitSeconds, 20)
        let tracked = sandbox.trackedFiles()
        for (path, managed) in Self.files { XCTAssertEqual(tracked.contains(path), managed, "…\(path.suffix(40))") }
    }

    func testAdversarialSyncIgnorePulledFromARemote() throws {
        let first = try Sandbox()
        try first.makeTypicalHome()
        XCTAssertExit(first.naner("init"), 0)
        let original = String(decoding: first.read(".syncignore")!, as: UTF8.self)
        try first.write(".syncignore", original + Self.lines.joined(separator: "\n") + "\n")
        XCTAssertExit(first.naner("commit", "-m", "rules from an attacker"), 0)

        let second = try Sandbox()
        try writeFiles(second)
        let (initFrom, seconds) = timedNaner(second, "init", "--from", first.repo)
        XCTAssertExit(initFrom, 0)
        XCTAssertLessThan(seconds, 20)
        XCTAssertEqual(second.read(".syncignore"), first.read(".syncignore"))
        assertStatus(second)
    }
}
