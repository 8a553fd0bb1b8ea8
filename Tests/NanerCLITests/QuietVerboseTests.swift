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

    /// A detail line with its counts and times replaced by `~` (`time: scan ~ ms`).
    private static func numbersHidden(_ line: String) -> String {
        line.replacingOccurrences(of: "(?<=[ (])[0-9]+(\\.[0-9])?(?=[ )])", with: "~", options: .regularExpression)
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
        // What -v must say on each changing command besides the home and repository: the rule
        // files read, the folders the walk listed or reused, each ref moved, the remote, and the
        // time of each phase (ids, times and the sandbox's path normalized).
        let rules = ["rules: '.naner/include' from the tree, ~ entries", "rules: '.syncignore' from the tree, ~ patterns"]
        let scanned = rules + ["walk: ~ folders listed, ~ reused from the walk cache", "time: scan and store ~ ms", "time: write ~ ms"]
        let expected: [String: [String]] = [
            "init": scanned + ["ref refs/heads/main: created at ID"],
            "add": rules,
            "commit": scanned + ["ref refs/heads/main: ID → ID"],
            "backup b1": scanned + ["ref refs/heads/main: ID → ID", "time: tag ~ ms", "ref refs/tags/b1: created at ID"],
            "restore": rules + ["walk: ~ folders listed, ~ reused from the walk cache", "time: scan and store ~ ms", "time: plan ~ ms",
                                "ref refs/naner/safety/pre-restore-TIME: created at ID", "time: write ~ ms", "time: record ~ ms"],
            "sync push": ["remote 'custom': ROOT/cloud.git", "ref refs/tags/b1 on 'custom': created at ID",
                          "ref refs/heads/main on 'custom': created at ID", "ref refs/remotes/custom/main: created at ID",
                          "time: transfer (push to 'custom') ~ ms"],
            "sync": ["remote 'custom': ROOT/cloud.git", "time: transfer (fetch from 'custom') ~ ms"],
            "doctor": rules, "forget": rules,
            "backup --delete": ["ref refs/tags/b1: deleted (was ID)"],
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
            XCTAssertLessThan((q.stdout + q.stderr).count, (n.stdout + n.stderr).count, "\(arguments): -q prints less")
            XCTAssertEqual(verbose.normalized(v.stdout), normal.normalized(n.stdout), "\(arguments): -v does not change stdout")
            assertMoreDetail(verbose.normalized(v.stderr), than: normal.normalized(n.stderr), arguments)
            let key = arguments.count > 1 && ["b1", "push", "--delete"].contains(arguments[1]) ? arguments[0] + " " + arguments[1]
                : arguments[0]
            let said = Set(verbose.normalized(v.stderr).map(Self.numbersHidden))
            for line in expected[key] ?? [] {
                XCTAssertTrue(said.contains(line), "\(arguments) -v does not say '\(line)':\n\(v.stderr)")
            }
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

    /// What `-v` says is true: the rule files and where each came from, the folders the walk
    /// listed and those the walk cache gave (counted from the home's own layout), the refs'
    /// ids as the git CLI reads them, the remote's URL with its password masked, a time a phase.
    func testVerboseDetailsAreTrue() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        func detail(_ arguments: String...) -> [String] {
            let run = sandbox.naner(arguments + ["-v"])
            XCTAssertExit(run, 0)
            return run.stderr.split(separator: "\n").map(String.init)
        }
        func revision(_ name: String) -> String { sandbox.git("rev-parse", name).stdout.trimmingCharacters(in: .newlines) }

        // The include list's entries as the tree holds them; the shipped .syncignore's patterns.
        let entries = String(decoding: sandbox.read(".naner/include")!, as: UTF8.self).split(separator: "\n")
            .filter { !$0.hasPrefix("#") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }.count
        var status = detail("status")
        XCTAssertTrue(status.contains("rules: '.naner/include' from the tree, \(entries) entries"), "\(status)")
        let fromTree = try XCTUnwrap(status.first { $0.hasPrefix("rules: '.syncignore' from the tree, ") }, "\(status)")
        XCTAssertTrue(status.contains { $0.range(of: "^time: scan [0-9]+\\.[0-9] ms$", options: .regularExpression) != nil }, "\(status)")
        try FileManager.default.removeItem(atPath: sandbox.home + "/.syncignore")
        status = detail("status")
        XCTAssertTrue(status.contains(fromTree.replacingOccurrences(of: "from the tree", with: "from naner's shipped default (not in the tree)")),
                      "the shipped default holds what init laid: \(status)")
        XCTAssertTrue(status.contains("rules: '.naner/include' from the tree, \(entries) entries"), "\(status)")
        XCTAssertExit(sandbox.naner("restore", "HEAD", ".syncignore"), 0)

        // The managed folders of makeTypicalHome: the root, .config, .config/kitty, .config/nvim,
        // .naner and .ssh; .cache, .cargo and Projects are never listed.
        let managedFolders = 6
        sleep(4)  // the walk trusts only folders that have not changed for 3 seconds
        _ = detail("status")  // remembers them settled
        status = detail("status")
        XCTAssertTrue(status.contains("walk: 0 folders listed, \(managedFolders) reused from the walk cache"), "\(status)")
        try sandbox.write(".config/kitty/theme.conf", "background #000\n")
        status = detail("status")
        XCTAssertTrue(status.contains("walk: 1 folder listed, \(managedFolders - 1) reused from the walk cache"), "\(status)")
        try FileManager.default.removeItem(atPath: sandbox.repo + "/naner-walk-cache")
        status = detail("status")
        XCTAssertTrue(status.contains("walk: \(managedFolders) folders listed, 0 reused from the walk cache"), "\(status)")

        // Each ref moved, with the ids git reads.
        let before = revision("HEAD")
        let commit = detail("commit", "-m", "theme")
        XCTAssertTrue(commit.contains("ref refs/heads/main: \(before) → \(revision("HEAD"))"), "\(commit)")
        XCTAssertTrue(commit.contains { $0.hasPrefix("time: scan and store ") } && commit.contains { $0.hasPrefix("time: write ") })
        let backup = detail("backup", "--name", "b1")
        XCTAssertTrue(backup.contains("ref refs/tags/b1: created at \(revision("refs/tags/b1"))"), "\(backup)")
        XCTAssertEqual(backup.filter { $0.hasPrefix("ref ") }.count, 1, "nothing pending: only the tag moved: \(backup)")
        try sandbox.write(".bashrc", "uncommitted\n")
        let head = revision("HEAD")
        func safetyPoints() -> Set<String> { Set(sandbox.git("for-each-ref", "--format=%(refname) %(objectname)", "refs/naner/safety").lines) }
        let earlier = safetyPoints()
        let restore = detail("restore", "HEAD~1", "--force")
        let made = safetyPoints().subtracting(earlier)
        XCTAssertEqual(made.count, 1)
        let safety = try XCTUnwrap(made.first).split(separator: " ")
        XCTAssertTrue(restore.contains("ref \(safety[0]): created at \(safety[1])"), "\(restore)")
        XCTAssertTrue(restore.contains("ref refs/heads/main: \(head) → \(revision("HEAD"))"), "\(restore)")
        for phase in ["plan", "write", "record"] { XCTAssertTrue(restore.contains { $0.hasPrefix("time: \(phase) ") }, "\(phase): \(restore)") }

        // The remote, its password masked and never printed.
        let url = "http://ann:hunter2@127.0.0.1:9/dotfiles.git"
        let unreachable = sandbox.naner("sync", "--remote", url, "-v")
        XCTAssertExit(unreachable, 1)
        XCTAssertTrue(unreachable.stderr.range(of: "\nremote 'url-[0-9a-f]+': http://ann:\\*\\*\\*@127\\.0\\.0\\.1:9/dotfiles\\.git\n",
                                               options: .regularExpression) != nil, unreachable.stderr)
        XCTAssertFalse(unreachable.stdout.contains("hunter2") || unreachable.stderr.contains("hunter2"))
    }
}
