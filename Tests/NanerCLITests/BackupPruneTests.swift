import Foundation
import XCTest

/// `naner backups prune` on a history made by naner itself (`GeneratedHistory`: two years
/// every 16 days, then twelve days in a row, named backups among them), one backup
/// rewritten as if another machine had made it. The git CLI is the
/// oracle for what the repository holds before and after.
final class BackupPruneTests: XCTestCase {
    /// A sandbox holding a copy of the generated history (`GeneratedHistory`).
    private func historySandbox() throws -> Sandbox { try GeneratedHistory.sandbox() }

    private var utc: [String: String] { ["TZ": "UTC"] }

    /// Every tag with its tagger date (seconds), from the git CLI.
    private func tags(_ sandbox: Sandbox, gitDir: String? = nil) -> [String: Int] {
        let run = Sandbox.execute(["/usr/bin/git", "--git-dir=" + (gitDir ?? sandbox.repo), "for-each-ref", "refs/tags",
                                   "--format=%(refname:short) %(taggerdate:unix)"], environment: sandbox.environment, directory: "/")
        return Dictionary(uniqueKeysWithValues: run.lines.map { line in
            let parts = line.split(separator: " ")
            return (String(parts[0]), Int(parts.count > 1 ? parts[1] : "0") ?? 0)
        })
    }

    /// Rewrites backup `name` so that its manifest names `host`, as a tag another machine made.
    private func moveToHost(_ sandbox: Sandbox, _ name: String, _ host: String) throws {
        let raw = sandbox.git("cat-file", "tag", name).stdout
        let here = ProcessInfo.processInfo.hostName
        let forged = raw.replacingOccurrences(of: "\"Host\" : \"\(here)\"", with: "\"Host\" : \"\(host)\"")
        XCTAssertNotEqual(forged, raw)
        let made = Sandbox.execute(["/usr/bin/git", "--git-dir=" + sandbox.repo, "mktag"], environment: sandbox.environment,
                                   directory: "/", input: Data(forged.utf8))
        XCTAssertExit(made, 0)
        XCTAssertExit(sandbox.git("update-ref", "refs/tags/" + name, made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), 0)
    }

    /// The names a prune run lists with `verb` (`would remove`, `removed`, `keep`).
    private func listed(_ run: Sandbox.Run, _ verb: String) -> [String] {
        run.lines.compactMap { line in
            for kind in ["backup", "safety point"] where line.hasPrefix("\(verb) \(kind) '") {
                let rest = line.dropFirst("\(verb) \(kind) '".count)
                return String(rest[..<rest.firstIndex(of: "'")!])
            }
            return nil
        }
    }

    /// The oracle: restic's rules, formulated as the newest backup of each period, the N newest periods.
    private func expectedKept(_ dates: [String: Int], rules: [(String, Int)]) -> Set<String> {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var iso = Calendar(identifier: .iso8601)
        iso.timeZone = calendar.timeZone
        var kept = Set<String>()
        for (rule, count) in rules {
            var newest: [String: (String, Int)] = [:]
            for (name, time) in dates {
                let date = Date(timeIntervalSince1970: TimeInterval(time))
                let parts = calendar.dateComponents([.year, .month, .day], from: date)
                let week = iso.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
                let period: String
                switch rule {
                case "last": period = name
                case "daily": period = "\(parts.year!)-\(parts.month!)-\(parts.day!)"
                case "weekly": period = "\(week.yearForWeekOfYear!)-\(week.weekOfYear!)"
                case "monthly": period = "\(parts.year!)-\(parts.month!)"
                default: period = "\(parts.year!)"
                }
                if let known = newest[period], (known.1, known.0) >= (time, name) { continue }
                newest[period] = (name, time)
            }
            kept.formUnion(newest.values.sorted { ($0.1, $0.0) > ($1.1, $1.0) }.prefix(count).map(\.0))
        }
        return kept
    }

    func testEachRuleAndCombinationsKeepWhatTheOracleKeeps() throws {
        let sandbox = try historySandbox()
        let all = tags(sandbox)
        let automatic = all.filter { $0.key.hasPrefix("naner-backup-") }
        XCTAssertGreaterThan(automatic.count, 50)
        XCTAssertTrue(all.keys.contains { $0.hasPrefix("before-upgrade-") }, "named backups among them")
        for rules in [[("last", 4)], [("daily", 5)], [("weekly", 3)], [("monthly", 6)], [("yearly", 2)],
                      [("daily", 7), ("weekly", 4), ("monthly", 12)], [("last", 2), ("yearly", 3)], [("monthly", 100)]] {
            let arguments = ["backups", "prune", "--dry-run"] + rules.flatMap { ["--keep-\($0.0)", "\($0.1)"] }
            let run = sandbox.naner(arguments, environment: utc)
            XCTAssertExit(run, 0)
            let kept = Set(listed(run, "keep")), removed = Set(listed(run, "would remove"))
            XCTAssertEqual(kept.union(removed), Set(all.keys), "every backup is listed once: \(rules)")
            XCTAssertTrue(kept.isDisjoint(with: removed))
            XCTAssertEqual(kept.filter { $0.hasPrefix("naner-backup-") }, expectedKept(automatic, rules: rules), "\(rules)")
            XCTAssertTrue(removed.allSatisfy { $0.hasPrefix("naner-backup-") }, "named backups stay without --include-named")
            for line in run.lines where line.hasPrefix("keep backup 'naner-backup-") {
                XCTAssertTrue(line.contains(": kept by "), line)
            }
        }
        XCTAssertEqual(tags(sandbox), all, "a dry run removes nothing")
    }

    func testADryRunListsExactlyWhatARealRunRemovesAndWhyEachStays() throws {
        let sandbox = try historySandbox()
        let before = tags(sandbox)
        let oldest = try XCTUnwrap(before.filter { $0.key.hasPrefix("naner-backup-") }.min { $0.value < $1.value }?.key)
        try moveToHost(sandbox, oldest, "laptop")
        // A safety point: a forced restore over an edit.
        try sandbox.write(".bashrc", "an edit\n")
        XCTAssertExit(sandbox.naner("restore", "HEAD", "--force"), 0)
        let safety = sandbox.git("for-each-ref", "refs/naner/safety", "--format=%(refname:lstrip=3)").lines
        XCTAssertEqual(safety.count, 1)

        let keep = ["--keep-daily", "3", "--keep-weekly", "2", "--keep-monthly", "4", "--keep-yearly", "1"]
        let preview = sandbox.naner(["backups", "prune", "--dry-run"] + keep, environment: utc)
        XCTAssertExit(preview, 0)
        let wouldRemove = listed(preview, "would remove")
        XCTAssertFalse(wouldRemove.isEmpty)
        XCTAssertTrue(preview.stdout.contains("keep backup '\(oldest)' ("), preview.stdout)
        XCTAssertTrue(preview.lines.contains { $0.hasPrefix("keep backup '\(oldest)'") && $0.hasSuffix(": made on 'laptop'") })
        XCTAssertTrue(preview.lines.contains { $0.hasPrefix("keep backup 'before-upgrade-") && $0.hasSuffix("(--include-named prunes it too)") })
        XCTAssertTrue(preview.lines.contains { $0.hasPrefix("keep safety point '\(safety[0])'") && $0.contains("naner.safetyPointMaxAge") })
        XCTAssertTrue(preview.lines.contains { $0.hasPrefix("would remove backup 'naner-backup-") && $0.hasSuffix(": no rule keeps it") })
        XCTAssertEqual(preview.lines.last, "would remove \(wouldRemove.count) of \(before.count + 1), keep \(before.count + 1 - wouldRemove.count) "
                       + "(daily=3, weekly=2, monthly=4, yearly=1)")

        let real = sandbox.naner(["backups", "prune"] + keep, environment: utc)
        XCTAssertExit(real, 0)
        XCTAssertEqual(listed(real, "removed"), wouldRemove, "the real run removes exactly what the dry run listed")
        let after = tags(sandbox)
        XCTAssertEqual(Set(after.keys), Set(before.keys).subtracting(wouldRemove))
        XCTAssertEqual(sandbox.git("for-each-ref", "refs/naner/safety", "--format=%(refname:lstrip=3)").lines, safety)
        XCTAssertExit(sandbox.git("fsck", "--strict"), 0)
        // Nothing else to do: the same rules again remove nothing.
        let again = sandbox.naner(["backups", "prune", "--dry-run"] + keep, environment: utc)
        XCTAssertEqual(listed(again, "would remove"), [])

        // --include-named makes named backups candidates; the other machine's stays whatever the rules.
        let named = sandbox.naner(["backups", "prune", "--include-named", "--keep-last", "1"], environment: utc)
        XCTAssertExit(named, 0)
        let left = tags(sandbox)
        XCTAssertEqual(Set(left.keys), [oldest, left.filter { $0.key != oldest }.max { ($0.value, $0.key) < ($1.value, $1.key) }!.key])
        XCTAssertFalse(left.keys.contains { $0.hasPrefix("before-upgrade-") })

        // Old safety points go, by naner.safetyPointMaxAge.
        XCTAssertExit(sandbox.git("config", "naner.safetyPointMaxAge", "-1"), 0)
        let old = sandbox.naner(["backups", "prune", "--keep-last", "1"], environment: utc)
        XCTAssertExit(old, 0)
        XCTAssertTrue(old.lines.contains { $0.hasPrefix("removed safety point '\(safety[0])'") && $0.contains("older than -1 days") }, old.stdout)
        XCTAssertEqual(sandbox.git("for-each-ref", "refs/naner/safety").stdout, "")
    }

    func testNoRuleIsRefusedAndANegativeCountIsBadUsage() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        XCTAssertExit(sandbox.naner("backup"), 0)
        let none = sandbox.naner("backups", "prune")
        XCTAssertExit(none, 1)
        XCTAssertOneErrorLine(none, contains: "say what to keep: --keep-last, --keep-daily")
        let negative = sandbox.naner("backups", "prune", "--keep-daily", "-1")
        XCTAssertExit(negative, 64)
        XCTAssertEqual(sandbox.git("tag", "-l").lines.count, 1)
    }

    func testPrunedTagsLeaveTheRemoteWithALeaseAndAMovedOneStays() throws {
        let sandbox = try historySandbox()
        let remote = sandbox.root + "/remote.git"
        XCTAssertExit(sandbox.naner("remote", "add", "origin", remote), 0)
        XCTAssertExit(sandbox.naner("sync", "push"), 0)
        let before = tags(sandbox)
        XCTAssertEqual(tags(sandbox, gitDir: remote), before)

        let prune = sandbox.naner(["backups", "prune", "--keep-monthly", "3"], environment: utc)
        XCTAssertExit(prune, 0)
        XCTAssertTrue(prune.stdout.contains("the removed tags leave 'origin' at the next sync"), prune.stdout)
        let removed = listed(prune, "removed")
        XCTAssertGreaterThan(removed.count, 10)
        // Another machine moved one of them on the remote meanwhile.
        let moved = removed[removed.count / 2]
        let remoteGit = ["/usr/bin/git", "--git-dir=" + remote, "-c", "user.name=o", "-c", "user.email=o@e"]
        XCTAssertExit(Sandbox.execute(remoteGit + ["tag", "-f", "-a", "-m", "moved elsewhere", moved, "main"],
                                      environment: sandbox.environment, directory: "/"), 0)
        let movedID = Sandbox.execute(remoteGit + ["rev-parse", "refs/tags/" + moved], environment: sandbox.environment, directory: "/").stdout

        let sync = sandbox.naner("sync")
        XCTAssertExit(sync, 0)
        XCTAssertEqual(sync.stderr, "warning: backup '\(moved)' was pruned here, but 'origin' moved it since this machine last saw it; "
                       + "it stays there\n")
        XCTAssertTrue(sync.stdout.contains("deleted \(removed.count - 1) pruned backup tags from 'origin'"), sync.stdout)
        let there = tags(sandbox, gitDir: remote)
        XCTAssertEqual(Set(there.keys), Set(before.keys).subtracting(removed).union([moved]))
        XCTAssertEqual(Sandbox.execute(remoteGit + ["rev-parse", "refs/tags/" + moved], environment: sandbox.environment,
                                       directory: "/").stdout, movedID, "the moved tag is left as it is there")
        // The pull did not bring the pruned tags back; the moved one is another machine's now.
        XCTAssertEqual(Set(tags(sandbox).keys), Set(before.keys).subtracting(removed).union([moved]))
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.repo + "/naner-pruned-tags"), "every remote was dealt with")
        let quiet = sandbox.naner("sync")
        XCTAssertExit(quiet, 0)
        XCTAssertEqual(quiet.stderr, "", "said once")
        XCTAssertExit(Sandbox.execute(["/usr/bin/git", "--git-dir=" + remote, "fsck", "--strict"], environment: sandbox.environment,
                                      directory: "/"), 0)
    }

    func testPrunedTagsLeaveAServerRemoteAndAPullDoesNotBringThemBack() throws {
        let sandbox = try historySandbox()
        let served = sandbox.root + "/served"
        let bare = served + "/config.git"
        XCTAssertExit(Sandbox.execute(["/usr/bin/git", "init", "-q", "--bare", bare], environment: sandbox.environment, directory: "/"), 0)
        XCTAssertExit(Sandbox.execute(["/usr/bin/git", "--git-dir=" + bare, "config", "receive.denyDeletes", "false"],
                                      environment: sandbox.environment, directory: "/"), 0)
        let port = try Loopback.freePort()
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        daemon.arguments = ["daemon", "--reuseaddr", "--listen=127.0.0.1", "--port=\(port)", "--base-path=" + served, "--export-all",
                            "--enable=receive-pack", served]
        daemon.environment = sandbox.environment
        daemon.standardOutput = FileHandle.nullDevice
        daemon.standardError = FileHandle.nullDevice
        try daemon.run()
        defer { daemon.terminate(); daemon.waitUntilExit() }
        for _ in 0..<100 where !Loopback.accepts(port: port) { Thread.sleep(forTimeInterval: 0.05) }

        XCTAssertExit(sandbox.naner("remote", "add", "origin", "git://127.0.0.1:\(port)/config.git"), 0)
        XCTAssertExit(sandbox.naner("sync", "push"), 0)
        let before = tags(sandbox)
        XCTAssertEqual(tags(sandbox, gitDir: bare), before)
        let prune = sandbox.naner(["backups", "prune", "--keep-weekly", "2"], environment: utc)
        XCTAssertExit(prune, 0)
        let removed = listed(prune, "removed")
        XCTAssertFalse(removed.isEmpty)

        // A pull alone keeps them away; the push then deletes them there.
        XCTAssertExit(sandbox.naner("sync", "pull"), 0)
        XCTAssertEqual(Set(tags(sandbox).keys), Set(before.keys).subtracting(removed))
        let push = sandbox.naner("sync", "push")
        XCTAssertExit(push, 0)
        XCTAssertTrue(push.stdout.contains("deleted \(removed.count) pruned backup tag"), push.stdout)
        XCTAssertEqual(Set(tags(sandbox, gitDir: bare).keys), Set(before.keys).subtracting(removed))
        XCTAssertEqual(sandbox.naner("sync").stdout.contains("deleted"), false)
        XCTAssertEqual(Set(tags(sandbox).keys), Set(before.keys).subtracting(removed))
    }
}
