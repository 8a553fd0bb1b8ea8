import Foundation
import XCTest

/// `-q` and `-v` are accepted by every command and mean the same everywhere: with
/// `-q`, a command that changes things prints nothing on success (errors and
/// warnings still go to stderr); a command whose output is its answer still answers.
/// `-v` adds detail lines on stderr (the home and repository used, counts, full
/// ids) and never changes stdout.
final class QuietVerboseTests: XCTestCase {
    /// One sandbox a flag, taken through the same commands in step, so each
    /// changing command's output can be compared across `-q`, nothing and `-v`.
    private struct Machine {
        let flag: String?
        let sandbox: Sandbox

        var environment: [String: String] { ["XDG_CONFIG_HOME": sandbox.root + "/xdg", "NANER_SCHEDULER": "systemd"] }
        var folder: String { sandbox.root + "/cloud.git" }

        func naner(_ arguments: [String]) -> Sandbox.Run {
            let filled = arguments.map { $0 == "FOLDER" ? folder : $0 }
            return sandbox.naner(filled + (flag.map { [$0] } ?? []), environment: environment)
        }

        /// Output with what differs between sandboxes and runs replaced: the
        /// sandbox's path, commit ids, the time in safety point names.
        func normalized(_ text: String) -> [String] {
            var text = text.replacingOccurrences(of: sandbox.root, with: "ROOT")
            for (pattern, replacement) in [("\\b[0-9a-f]{7,40}\\b", "ID"), ("\\d{4}-\\d{2}-\\d{2}-\\d{6}", "TIME")] {
                text = text.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
            }
            return text.split(separator: "\n").map(String.init)
        }
    }

    /// `-v`'s stderr holds every line the default run printed there, and more.
    private func assertMoreDetail(_ verbose: [String], than normal: [String], _ arguments: [String],
                                  file: StaticString = #filePath, line: UInt = #line) {
        var rest = verbose
        for expected in normal {
            guard let index = rest.firstIndex(of: expected) else {
                return XCTFail("\(arguments) -v lost the stderr line '\(expected)': \(verbose)", file: file, line: line)
            }
            rest.remove(at: index)
        }
        XCTAssertFalse(rest.isEmpty, "\(arguments) -v said nothing more than without it on stderr: \(verbose)", file: file, line: line)
    }

    func testQuietSilencesReportsVerboseAddsDetailAnswersStay() throws {
        let quiet = Machine(flag: "-q", sandbox: try Sandbox())
        let normal = Machine(flag: nil, sandbox: try Sandbox())
        let verbose = Machine(flag: "-v", sandbox: try Sandbox())
        let machines = [quiet, normal, verbose]
        for machine in machines { try machine.sandbox.makeTypicalHome() }

        let changing: [[String]] = [
            ["init"], ["add", ".vimrc"], ["commit", "-m", "x"], ["backup", "--name", "b1"],
            ["restore", "b1", "--force"], ["remote", "add", "laptop", "/srv/none.git"],
            ["sync", "push", "--provider", "custom", "--path", "FOLDER"], ["sync", "--provider", "custom", "--path", "FOLDER"],
            ["schedule", "daily"], ["schedule", "off"], ["remote", "remove", "laptop"], ["doctor", "--fix"], ["forget", ".vimrc"],
            ["backup", "--delete", "b1"],
        ]
        for arguments in changing {
            // Something to record and restore at each step, the same on every machine.
            for machine in machines { try machine.sandbox.write(".bashrc", "edited before \(arguments[0])\n") }
            let runs = machines.map { $0.naner(arguments) }
            for (machine, run) in zip(machines, runs) {
                XCTAssertEqual(run.status, 0, "\(arguments) \(machine.flag ?? ""): \(run.stderr)")
            }
            let (q, n, v) = (runs[0], runs[1], runs[2])
            XCTAssertFalse(n.stdout.isEmpty, "\(arguments) reports what it did")
            XCTAssertEqual(q.stdout, "", "\(arguments) -q printed: \(q.stdout)")
            XCTAssertLessThanOrEqual(q.stderr.count, n.stderr.count, "\(arguments) -q printed more on stderr: \(q.stderr)")
            XCTAssertEqual(verbose.normalized(v.stdout), normal.normalized(n.stdout), "\(arguments): -v does not change stdout")
            assertMoreDetail(verbose.normalized(v.stderr), than: normal.normalized(n.stderr), arguments)
        }

        // Answers: the same on stdout with -q, without flags and with -v; more on stderr with -v.
        try normal.sandbox.write(".bashrc", "edited\n")
        let answering: [[String]] = [
            ["status"], ["status", "--short"], ["status", "--json"], ["log", "-n", "1"], ["backups"], ["backups", "--json"], ["diff"],
            ["ignore", "check", ".bashrc"], ["ignore", "check", "--json", ".bashrc"], ["ignore", "show"], ["remote", "list"],
            ["schedule"], ["doctor", "--json"], ["sync", "--dry-run", "--json", "--provider", "custom", "--path", "FOLDER"],
        ]
        for arguments in answering {
            let runs = ["-q", nil, "-v"].map { Machine(flag: $0, sandbox: normal.sandbox).naner(arguments) }
            // doctor answers 1: the forgotten .vimrc is still tracked until a commit.
            let expected: Int32 = arguments[0] == "doctor" ? 1 : 0
            for run in runs { XCTAssertEqual(run.status, expected, "\(arguments): \(run.stdout) \(run.stderr)") }
            XCTAssertFalse(runs[0].stdout.isEmpty, "\(arguments) -q must still answer")
            XCTAssertEqual(runs[0].stdout, runs[1].stdout, "\(arguments): the answer does not depend on -q")
            XCTAssertEqual(runs[2].stdout, runs[1].stdout, "\(arguments): the answer does not depend on -v")
            assertMoreDetail(runs[2].stderr.split(separator: "\n").map(String.init), than: runs[1].stderr.split(separator: "\n").map(String.init),
                             arguments)
        }
        let detail = normal.sandbox.naner("status", "-v").stderr
        XCTAssertTrue(detail.contains("home: \(normal.sandbox.home)\n") && detail.contains("repository: \(normal.sandbox.repo)\n"),
                      "-v names the home and repository used: \(detail)")
    }
}
