import Foundation
import XCTest

/// `naner prompt` against the git CLI: on randomised homes its counts must be what
/// `git status --porcelain=v2 --branch` says of the same repository (git lists a refused
/// secret as untracked: naner counts it apart), ahead/behind the sync remote included.
final class PromptTests: XCTestCase {
    private var folderRoot: String!
    private var folder: String { folderRoot + "/cloud.git" }

    override func setUpWithError() throws {
        var template = Array("/tmp/naner-prompt.XXXXXX".utf8CString)
        folderRoot = String(cString: mkdtemp(&template)!)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: folderRoot)
    }

    /// The prompt's counts, in a shape that always prints something but a clean tree.
    private func counts(_ sandbox: Sandbox, file: StaticString = #filePath, line: UInt = #line) -> [Int]? {
        let run = sandbox.naner("prompt", "--format", "%c %r %a %b")
        XCTAssertExit(run, 0, file: file, line: line)
        XCTAssertEqual(run.stderr, "", file: file, line: line)
        if run.stdout.isEmpty { return nil }
        return run.stdout.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
    }

    /// What git says, on naner's rules (info/exclude), with the sync remote as upstream.
    private func gitCounts(_ sandbox: Sandbox, remote: String?) -> (paths: [String], ahead: Int, behind: Int) {
        var arguments = ["status", "--porcelain=v2", "--branch", "-uall"]
        if let remote { arguments = ["-c", "branch.main.remote=\(remote)", "-c", "branch.main.merge=refs/heads/main"] + arguments }
        var paths: [String] = []
        var (ahead, behind) = (0, 0)
        for line in sandbox.git(arguments).lines {
            if line.hasPrefix("# branch.ab ") {
                let words = line.split(separator: " ")
                ahead = Int(words[2].dropFirst()) ?? -1
                behind = Int(words[3].dropFirst()) ?? -1
            } else if !line.hasPrefix("#") {
                paths.append(String(line.split(separator: " ").last!))
            }
        }
        return (paths, ahead, behind)
    }

    func testCountsAgreeWithGitOnRandomisedHomes() throws {
        for seed in UInt64(1)...3 {
            var random = SeededGenerator(seed: seed)
            let sandbox = try Sandbox()
            try sandbox.makeTypicalHome()
            var files: [String] = []
            for app in 0..<Int.random(in: 3...8, using: &random) {
                for index in 0..<Int.random(in: 5...40, using: &random) {
                    let path = ".config/app\(app)/d\(index % 3)/f\(index).conf"
                    try sandbox.write(path, "value = \(random.next())\n")
                    files.append(path)
                }
            }
            XCTAssertExit(sandbox.naner("init"), 0)
            XCTAssertNil(counts(sandbox), "seed \(seed): a tree just committed prints nothing")
            XCTAssertEqual(gitCounts(sandbox, remote: nil).paths, [])

            // Edits, deletions, new files, and new secrets, in random numbers.
            files.shuffle(using: &random)
            let edits = Int.random(in: 0...5, using: &random)
            let deletions = Int.random(in: 0...3, using: &random)
            for path in files.prefix(edits) { try sandbox.write(path, "value = edited \(random.next())\n") }
            for path in files.dropFirst(edits).prefix(deletions) { try FileManager.default.removeItem(atPath: sandbox.home + "/" + path) }
            let added = Int.random(in: 1...6, using: &random)
            for index in 0..<added { try sandbox.write(".config/new\(index % 2)/n\(index).conf", "new = \(random.next())\n") }
            let secrets = Int.random(in: 0...2, using: &random)
            for index in 0..<secrets {
                try sandbox.write(".config/app0/token\(index).ini", "[test]\npassword = Wq9!zT4#mB2x\(index)\n")
            }
            let git = gitCounts(sandbox, remote: nil)
            XCTAssertEqual(git.paths.count, edits + deletions + added + secrets, "seed \(seed): \(git.paths)")
            XCTAssertEqual(counts(sandbox), [edits + deletions + added, secrets, 0, 0], "seed \(seed)")
            let short = sandbox.naner("status", "--short").lines
            XCTAssertEqual(short.filter { $0.hasPrefix("! ") }.count, secrets, "seed \(seed): \(short)")
            XCTAssertEqual(Set(short.map { String($0.dropFirst(2)) }), Set(git.paths), "seed \(seed)")

            // Committed: only the refused secrets remain, which git lists as untracked.
            XCTAssertExit(sandbox.naner("commit", "-m", "edits"), 0)
            XCTAssertEqual(gitCounts(sandbox, remote: nil).paths.count, secrets)
            XCTAssertEqual(counts(sandbox), secrets == 0 ? nil : [0, secrets, 0, 0], "seed \(seed)")
            for index in 0..<secrets { try FileManager.default.removeItem(atPath: sandbox.home + "/.config/app0/token\(index).ini") }

            // Ahead and behind the folder remote, as of the last sync: commits here, and commits
            // another clone pushed there that a fetch (git's own) brought into view.
            XCTAssertExit(sandbox.naner("sync", "push", "--provider", "custom", "--path", folder), 0)
            XCTAssertNil(counts(sandbox), "seed \(seed): in step after a push")
            let ahead = Int.random(in: 0...3, using: &random)
            for index in 0..<ahead {
                try sandbox.write(".config/app0/ahead\(index).conf", "ahead\n")
                XCTAssertExit(sandbox.naner("commit", "-m", "ahead \(index)"), 0)
            }
            let clone = folderRoot + "/clone-\(seed)"
            let environment = ["PATH": "/usr/bin:/bin", "GIT_CONFIG_NOSYSTEM": "1", "HOME": folderRoot!,
                               "GIT_AUTHOR_NAME": "Other", "GIT_AUTHOR_EMAIL": "o@example.com",
                               "GIT_COMMITTER_NAME": "Other", "GIT_COMMITTER_EMAIL": "o@example.com"]
            XCTAssertExit(Sandbox.execute(["/usr/bin/git", "clone", "-q", folder, clone], environment: environment, directory: "/"), 0)
            let behind = Int.random(in: 1...3, using: &random)
            for index in 0..<behind {
                XCTAssertExit(Sandbox.execute(["/usr/bin/git", "commit", "-q", "--allow-empty", "-m", "there \(index)"],
                                              environment: environment, directory: clone), 0)
            }
            XCTAssertExit(Sandbox.execute(["/usr/bin/git", "push", "-q", "origin", "main"], environment: environment, directory: clone), 0)
            XCTAssertEqual(counts(sandbox), ahead == 0 ? nil : [0, 0, ahead, 0], "seed \(seed): not fetched yet, so not seen")
            XCTAssertExit(sandbox.git("fetch", "-q", "custom"), 0)
            let both = gitCounts(sandbox, remote: "custom")
            XCTAssertEqual([both.ahead, both.behind], [ahead, behind], "seed \(seed)")
            XCTAssertEqual(counts(sandbox), [0, 0, ahead, behind], "seed \(seed)")
            XCTAssertEqual(sandbox.naner("prompt").stdout, (ahead > 0 ? "⇡\(ahead) " : "") + "⇣\(behind)\n")
            // The remembered count (REPO/naner-upstream) holds while the refs read the same,
            // packed or loose, and not once the config names another sync remote, or none.
            XCTAssertExit(sandbox.git("pack-refs", "--all"), 0)
            XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.repo + "/refs/remotes/custom/main"))
            XCTAssertEqual(counts(sandbox), [0, 0, ahead, behind], "seed \(seed): from packed-refs")
            XCTAssertExit(sandbox.naner("sync", "pull", "--provider", "custom", "--path", folder), 0)
            XCTAssertEqual(counts(sandbox), ahead == 0 ? nil : [0, 0, ahead + 1, 0], "seed \(seed): merged, so ahead by the merge too")
            let pulled = gitCounts(sandbox, remote: "custom")
            XCTAssertEqual([pulled.ahead, pulled.behind], ahead == 0 ? [0, 0] : [ahead + 1, 0])
            XCTAssertExit(sandbox.naner("remote", "remove", "custom"), 0)
            XCTAssertNil(counts(sandbox), "seed \(seed): no sync remote, nothing to be ahead of")
            try FileManager.default.removeItem(atPath: clone)
            try FileManager.default.removeItem(atPath: folder)
        }
    }

    func testDefaultSegmentAndFormats() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        XCTAssertEqual(sandbox.naner("prompt").stdout, "")
        try sandbox.write(".bashrc", "export EDITOR=nvim\n")
        try sandbox.write(".config/kitty/new.conf", "x\n")
        try sandbox.write(".config/kitty/fixture.ini", "[test]\npassword = Wq9!zT4#mB2x\n")
        let run = sandbox.naner("prompt")
        XCTAssertExit(run, 0)
        XCTAssertEqual(run.stdout, "✚2 !1\n")
        XCTAssertEqual(run.stderr, "", "a prompt never prints warnings into the shell's line")
        XCTAssertEqual(sandbox.naner("prompt", "--format", "[%s] %c/%r/%a/%b%m%l 100%% %x").stdout, "[✚2 !1] 2/1/0/0 100% %x\n")
        XCTAssertEqual(sandbox.naner("--home", sandbox.home, "prompt", "--format", "%c").stdout, "2\n")
        // Read apart from the other commands (see Prompt.quickRun and Naner.fastPath): every
        // spelling of the options, and the parser's own errors for anything else.
        for spelling in [["--format=%c/%r"], ["-q", "--format", "%c/%r", "--color", "never"], ["--repo=" + sandbox.repo, "-v", "--format", "%c/%r"]] {
            let run = sandbox.naner(["prompt"] + spelling)
            XCTAssertExit(run, 0)
            XCTAssertEqual(run.stdout, "2/1\n", "\(spelling)")
        }
        XCTAssertExit(sandbox.naner("prompt", "--color", "sometimes"), 64)
        XCTAssertExit(sandbox.naner("prompt", "--format"), 64)
        // Parsed apart from the other commands (see Naner.fastPath), with the same errors.
        let bad = sandbox.naner("prompt", "--bogus")
        XCTAssertExit(bad, 64)
        XCTAssertOneErrorLine(bad, contains: "unknown option '--bogus'")
        XCTAssertTrue(sandbox.naner("prompt", "--help").stdout.contains("USAGE: naner prompt"))
        let version = sandbox.naner("--version")
        XCTAssertExit(version, 0)
        XCTAssertNotNil(version.stdout.range(of: "^[0-9]+\\.[0-9]+\\.[0-9]+\n$", options: .regularExpression), version.stdout)
        // Not a naner home: an error on stderr, nothing on stdout.
        let missing = sandbox.naner(["prompt"], environment: ["NANER_REPO": sandbox.root + "/none.git"])
        XCTAssertExit(missing, 1)
        XCTAssertEqual(missing.stdout, "")
    }

    func testALockedRepositoryGivesTheLastAnswerWithoutWaiting() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        // Locked before any prompt ran: nothing to say, at once, though a file changed.
        try sandbox.write(".bashrc", "export EDITOR=nvim\n")
        var holder = try sandbox.holdLock()
        defer { if holder.isRunning { holder.terminate() } }
        try waitForLock(sandbox, holder)
        let slow = ["NANER_LOCK_TIMEOUT": "20"]
        var started = Date()
        let none = sandbox.naner(["prompt", "--format", "%c%l"], environment: slow)
        XCTAssertExit(none, 0)
        XCTAssertEqual(none.stdout, "")
        XCTAssertLessThan(Date().timeIntervalSince(started), 5, "a prompt never waits for the lock")
        holder.terminate(); holder.waitUntilExit()
        XCTAssertEqual(sandbox.naner("prompt", "--format", "%c%l").stdout, "1\n")
        // Locked again, and the tree changes meanwhile: the last answer, marked as such.
        holder = try sandbox.holdLock()
        try waitForLock(sandbox, holder)
        try sandbox.write(".vimrc", "set nonumber\n")
        started = Date()
        let last = sandbox.naner(["prompt", "--format", "%c%l"], environment: slow)
        XCTAssertEqual(last.stdout, "1?\n")
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        holder.terminate(); holder.waitUntilExit()
        XCTAssertEqual(sandbox.naner("prompt", "--format", "%c%l").stdout, "2\n")
        XCTAssertEqual(sandbox.git("status", "--porcelain").lines.count, 2)
    }

    func testAWaitingMergeShows() throws {
        let first = try Sandbox()
        try first.makeTypicalHome()
        XCTAssertExit(first.naner("init"), 0)
        XCTAssertExit(first.naner("sync", "push", "--provider", "custom", "--path", folder), 0)
        let second = try Sandbox()
        XCTAssertExit(second.naner("init", "--from", folder), 0)
        try first.write(".bashrc", "export EDITOR=nvim\n")
        XCTAssertExit(first.naner("commit", "-m", "nvim"), 0)
        XCTAssertExit(first.naner("sync", "--provider", "custom", "--path", folder), 0)
        try second.write(".bashrc", "export EDITOR=emacs\n")
        XCTAssertExit(second.naner("commit", "-m", "emacs"), 0)
        XCTAssertExit(second.naner("sync", "--provider", "custom", "--path", folder), 3)
        XCTAssertTrue(second.git("status").stdout.contains("merging"))
        let prompt = second.naner("prompt", "--format", "%m")
        XCTAssertExit(prompt, 0)
        XCTAssertEqual(prompt.stdout, "merge\n")
        XCTAssertTrue(second.naner("prompt").stdout.contains("merge"))
        XCTAssertExit(second.naner("sync", "--abort"), 0)
        XCTAssertFalse(second.naner("prompt").stdout.contains("merge"))
    }

    /// The holder takes the lock a moment after it starts.
    /// Until `holder` wrote its own pid: the file still names the previous holder
    /// until the new one has opened it, and a prompt run then would find no lock.
    private func waitForLock(_ sandbox: Sandbox, _ holder: Process) throws {
        for _ in 0..<100 {
            if sandbox.read("../repo.git/naner.lock") == Data(String(holder.processIdentifier).utf8) { return }
            usleep(20_000)
        }
        XCTFail("the lock holder never took the lock")
    }
}
