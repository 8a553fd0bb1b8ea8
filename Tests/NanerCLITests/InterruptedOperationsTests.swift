import Foundation
import XCTest

/// commit, backup, sync pull and sync push killed with SIGKILL at seeded random
/// moments (150 trials; with the 50 restores of InterruptedRestoreTests, 200).
/// After each kill: `git fsck --strict` clean here and on the remote, every file
/// wholly old or wholly new, nothing that existed before unrecoverable, the lock
/// not in the way, and rerunning the same command finishes the job.
final class InterruptedOperationsTests: XCTestCase {
    private let fileCount = 120
    private var paths: [String] { (0..<fileCount).map { ".config/kill/d\($0 % 8)/f\($0).conf" } }

    /// Version `version` of file `index`: lengths differ per version, so a torn write passes for neither.
    private func content(_ version: Int, _ index: Int) -> Data {
        Data(String(repeating: "v\(version)-\(index) ", count: 600 + (version % 3) * 350).utf8)
    }

    private func writeVersion(_ version: Int, in sandbox: Sandbox) throws {
        for (index, path) in paths.enumerated() { try sandbox.write(path, content(version, index)) }
    }

    /// The version every file holds, one per file (nil: neither expected version).
    private func versions(in sandbox: Sandbox, expecting candidates: [Int]) -> [Int?] {
        paths.enumerated().map { index, path in
            let bytes = sandbox.read(path)
            return candidates.first { bytes == content($0, index) }
        }
    }

    private struct Tally {
        let name: String
        /// What `halfway` counts, for the summary line.
        let halfwayMeans: String
        var failures: [String] = []
        var halfway = 0
        var trials = 0

        mutating func fail(_ trial: Int, _ what: String) { failures.append("\(name) trial \(trial): \(what)") }

        func report() {
            let failed = Set(failures.map { $0.split(separator: ":")[0] }).count
            print("interrupted \(name): \(trials - failed) passed, \(failed) failed (\(halfway) \(halfwayMeans))")
        }
    }

    /// Starts naner, kills it after a random share of `duration`.
    private func runAndKill(_ arguments: [String], in sandbox: Sandbox, duration: TimeInterval,
                            from start: Double = 0, random: inout SeededGenerator) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Sandbox.nanerBinary)
        process.arguments = arguments
        process.environment = sandbox.environment
        process.currentDirectoryURL = URL(fileURLWithPath: sandbox.home)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: (start + Double(random.next(in: 0...1000)) / 1000 * (1.1 - start)) * duration)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    private func timed(_ body: () -> Void) -> TimeInterval {
        let started = Date()
        body()
        return Date().timeIntervalSince(started)
    }

    private func head(_ sandbox: Sandbox) -> String {
        sandbox.git("rev-parse", "-q", "--verify", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func testCommitAndBackupKilledAtRandomMoments() throws {
        let sandbox = try Sandbox()
        try sandbox.write(".bashrc", "x\n")
        try writeVersion(0, in: sandbox)
        XCTAssertExit(sandbox.naner("init"), 0)
        var random = SeededGenerator(seed: 150_2026)
        var version = 0

        for (name, trials) in [("commit", 30), ("backup", 30)] {
            var tally = Tally(name: name, halfwayMeans: "killed after HEAD moved")
            version += 1
            try writeVersion(version, in: sandbox)
            let duration = timed {
                XCTAssertExit(sandbox.naner(name == "commit" ? ["commit", "-m", "measure"] : ["backup", "--name", "measure"]), 0)
            }
            for trial in 0..<trials {
                tally.trials += 1
                version += 1
                try writeVersion(version, in: sandbox)
                let before = head(sandbox)
                let arguments = name == "commit" ? ["commit", "-m", "v\(version)"] : ["backup", "--name", "b\(version)"]
                try runAndKill(arguments, in: sandbox, duration: duration, random: &random)
                if versions(in: sandbox, expecting: [version]).contains(nil) { tally.fail(trial, "a file changed under a \(name)") }
                if sandbox.git("fsck", "--strict").status != 0 { tally.fail(trial, "git fsck failed") }
                if head(sandbox) != before { tally.halfway += 1 }
                let rerun = sandbox.naner(arguments)
                // A backup whose tag was made before the kill is complete: its rerun says it exists.
                let finished = rerun.status == 0
                    || (name == "backup" && rerun.stderr.contains("already exists") && sandbox.git("rev-parse", "b\(version)^{commit}").stdout == sandbox.git("rev-parse", "HEAD").stdout)
                if !finished { tally.fail(trial, "rerun failed: \(rerun.stderr)") }
                if !sandbox.naner("status", "--short").stdout.isEmpty { tally.fail(trial, "not clean after the rerun") }
                let committed = sandbox.git("show", "HEAD:" + paths[trial % fileCount]).stdout
                if committed.utf8.count != content(version, trial % fileCount).count { tally.fail(trial, "HEAD lacks the new version") }
            }
            tally.report()
            XCTAssertEqual(tally.failures, [])
        }
    }

    func testSyncPullAndPushKilledAtRandomMoments() throws {
        var template = Array("/tmp/naner-cloud.XXXXXX".utf8CString)
        let cloud = String(cString: mkdtemp(&template)!)
        defer { try? FileManager.default.removeItem(atPath: cloud) }
        let folder = cloud + "/Naner-Config.git"
        func folderGit(_ arguments: String...) -> Sandbox.Run {
            Sandbox.execute(["/usr/bin/git", "--git-dir=" + folder] + arguments,
                            environment: ["PATH": "/usr/bin:/bin", "GIT_CONFIG_NOSYSTEM": "1", "HOME": cloud], directory: "/")
        }
        func folderMain() -> String { folderGit("rev-parse", "-q", "--verify", "main").stdout.trimmingCharacters(in: .whitespacesAndNewlines) }
        let sync = ["sync", "--provider", "custom", "--path", folder]

        let first = try Sandbox(), second = try Sandbox()
        try first.write(".bashrc", "x\n")
        try writeVersion(0, in: first)
        XCTAssertExit(first.naner("init"), 0)
        XCTAssertExit(first.naner(sync), 0)
        XCTAssertExit(second.naner("init", "--from", folder), 0)
        var random = SeededGenerator(seed: 151_2026)
        var version = 0

        // Pull: the first machine pushes version N, the second pulls it and is killed.
        var pull = Tally(name: "sync pull", halfwayMeans: "killed while laying files out")
        version += 1
        try writeVersion(version, in: first)
        XCTAssertExit(first.naner("commit", "-m", "v\(version)"), 0)
        XCTAssertExit(first.naner(sync), 0)
        let pullDuration = timed { XCTAssertExit(second.naner(sync + ["pull"]), 0) }
        for trial in 0..<50 {
            pull.trials += 1
            version += 1
            try writeVersion(version, in: first)
            XCTAssertExit(first.naner("commit", "-m", "v\(version)"), 0)
            XCTAssertExit(first.naner(sync), 0)
            // Fetching touches no file of the tree: most kills land later, where files are written.
            try runAndKill(sync + ["pull"], in: second, duration: pullDuration, from: 0.4, random: &random)
            let found = versions(in: second, expecting: [version - 1, version])
            if found.contains(nil) { pull.fail(trial, "a file is neither old nor new") }
            // Between the first file written and the index updated, the pull keeps a journal.
            if Set(found.compactMap { $0 }).count == 2 || FileManager.default.fileExists(atPath: second.repo + "/naner-sync-pending.json") {
                pull.halfway += 1
            }
            if second.git("fsck", "--strict").status != 0 { pull.fail(trial, "git fsck failed") }
            let rerun = second.naner(sync + ["pull"])
            if rerun.status != 0 { pull.fail(trial, "rerun failed: \(rerun.stderr)") }
            if versions(in: second, expecting: [version]).contains(nil) { pull.fail(trial, "the rerun did not finish the pull") }
            if head(second) != head(first) { pull.fail(trial, "main is not the first machine's") }
            if !second.naner("status", "--short").stdout.isEmpty || !second.git("status", "--porcelain").stdout.isEmpty {
                pull.fail(trial, "not clean after the rerun")
            }
        }
        pull.report()

        // Push: the first machine commits version N and pushes it, killed.
        var push = Tally(name: "sync push", halfwayMeans: "killed after the folder's main moved")
        version += 1
        try writeVersion(version, in: first)
        XCTAssertExit(first.naner("commit", "-m", "v\(version)"), 0)
        let pushDuration = timed { XCTAssertExit(first.naner(sync + ["push"]), 0) }
        for trial in 0..<40 {
            push.trials += 1
            let before = folderMain()
            version += 1
            try writeVersion(version, in: first)
            XCTAssertExit(first.naner("commit", "-m", "v\(version)"), 0)
            try runAndKill(sync + ["push"], in: first, duration: pushDuration, random: &random)
            let after = folderMain()
            if after != before && after != head(first) { push.fail(trial, "the folder's main is neither old nor new") }
            if after != before { push.halfway += 1 }
            if folderGit("fsck", "--strict").status != 0 { push.fail(trial, "git fsck failed on the folder") }
            if first.git("fsck", "--strict").status != 0 { push.fail(trial, "git fsck failed here") }
            let rerun = first.naner(sync + ["push"])
            if rerun.status != 0 { push.fail(trial, "rerun failed: \(rerun.stderr)") }
            if folderMain() != head(first) { push.fail(trial, "the rerun did not finish the push") }
        }
        push.report()
        // The other machine still takes everything from the folder.
        XCTAssertExit(second.naner(sync), 0)
        XCTAssertEqual(versions(in: second, expecting: [version]).contains(nil), false)
        XCTAssertEqual(pull.failures + push.failures, [])
        XCTAssertGreaterThanOrEqual(pull.halfway, 3, "kills must land in the middle of pulls for this test to mean anything")
    }
}
