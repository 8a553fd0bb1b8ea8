import Foundation
import XCTest

/// `naner log -n N` reads the repository's files itself (no libgit2) when they answer
/// alone. On randomised histories (backups, safety points, merges, objects and refs
/// packed by `git gc` or left loose, commits of the same second) it must print what the
/// libgit2 path prints (`naner log`, unlimited), and both what `git log` shows, in its order.
final class LogTests: XCTestCase {
    func testShortLogsAgreeWithLibgit2AndGitOnRandomisedHistories() throws {
        for seed in UInt64(1)...3 {
            var random = SeededGenerator(seed: seed)
            let sandbox = try Sandbox()
            try sandbox.makeTypicalHome()
            for index in 0..<12 { try sandbox.write(".config/app/f\(index).conf", "value = \(index)\n") }
            XCTAssertExit(sandbox.naner("init", "-q"), 0)
            var merges = 0, backups = 0, safetyPoints = 0
            for round in 0..<random.next(in: 6...12) {
                try sandbox.write(".config/app/f\(random.next(in: 0...11)).conf", "value = \(random.next())\n")
                XCTAssertExit(sandbox.naner("commit", "-q", "-m", "edit \(round)\n\nbody \(round)"), 0)
                switch random.next(in: 0...5) {
                case 0:
                    XCTAssertExit(sandbox.naner("backup", "-q", "--name", "b-\(seed)-\(round)"), 0)
                    backups += 1
                case 1:
                    // A safety point: a commit on top of this one, as restore leaves it.
                    let point = sandbox.git("commit-tree", "HEAD^{tree}", "-p", "HEAD", "-m", "safety point").stdout
                        .trimmingCharacters(in: .whitespacesAndNewlines)
                    XCTAssertExit(sandbox.git("update-ref", "refs/naner/safety/s-\(round)", point), 0)
                    safetyPoints += 1
                case 2:
                    // A merge, as a sync makes one: HEAD and a side line off its parent.
                    let side = sandbox.git("commit-tree", "HEAD^{tree}", "-p", "HEAD~1", "-m", "side \(round)").stdout
                        .trimmingCharacters(in: .whitespacesAndNewlines)
                    let merge = sandbox.git("commit-tree", "HEAD^{tree}", "-p", "HEAD", "-p", side, "-m", "merge \(round)").stdout
                        .trimmingCharacters(in: .whitespacesAndNewlines)
                    XCTAssertExit(sandbox.git("update-ref", "HEAD", merge), 0)
                    merges += 1
                case 3:
                    XCTAssertExit(sandbox.git("gc", "-q"), 0)  // packs, and packed-refs with peeled tags
                default:
                    break
                }
            }
            let full = sandbox.naner("log")
            XCTAssertExit(full, 0)
            let total = full.lines.count
            XCTAssertGreaterThan(total, 6)
            for limit in [1, 2, 3, 5, total, total + 3] {
                let short = sandbox.naner("log", "-n", "\(limit)")
                XCTAssertExit(short, 0)
                XCTAssertEqual(short.stderr, "")
                XCTAssertEqual(short.lines, Array(full.lines.prefix(limit)), "seed \(seed), -n \(limit)")
            }
            // git's own view, in git's order (commits of one second included).
            let format = "--format=%H%x09%ad%x09%s"
            let gitLines = sandbox.git("log", "-n", "\(total + 3)", format, "--date=format:%Y-%m-%d %H:%M").lines
            XCTAssertEqual(gitLines.count, total)
            for (line, shown) in zip(gitLines, full.lines) {
                let fields = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
                var expected = String(fields[0].prefix(7)) + " " + fields[1] + " " + fields[2]
                let tags = sandbox.git("tag", "--points-at", fields[0]).lines.sorted()
                if !tags.isEmpty { expected += " (backup: \(tags.joined(separator: ", ")))" }
                let points = sandbox.git("for-each-ref", "--format=%(refname:lstrip=3) %(objectname)", "refs/naner/safety/").lines
                    .filter { sandbox.git("rev-parse", String($0.split(separator: " ")[1]) + "^").stdout.hasPrefix(fields[0]) }
                    .map { String($0.split(separator: " ")[0]) }.sorted()
                if !points.isEmpty { expected += " (safety point: \(points.joined(separator: ", ")))" }
                XCTAssertEqual(shown, expected, "seed \(seed)")
            }
            print("log seed \(seed): \(total) commits, \(merges) merges, \(backups) backups, \(safetyPoints) safety points")
        }
    }

    /// A repository recorded for another home: the short log says so as the libgit2 path does.
    func testARepositoryOfAnotherHomeIsRefusedByTheShortLogToo() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init", "-q"), 0)
        XCTAssertExit(sandbox.git("config", "core.worktree", "/somewhere/else"), 0)
        let full = sandbox.naner("log"), short = sandbox.naner("log", "-n", "1")
        XCTAssertNotEqual(full.status, 0)
        XCTAssertEqual(short.status, full.status)
        XCTAssertEqual(short.stderr, full.stderr)
        XCTAssertTrue(short.stderr.contains("/somewhere/else"), short.stderr)
    }
}
