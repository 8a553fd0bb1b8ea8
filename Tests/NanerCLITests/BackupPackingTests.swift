import Foundation
import XCTest

/// Years of backups keep the repository small in files, as `git gc --auto` would: references
/// in `packed-refs`, objects in packs, unreachable ones never lost, and every command reading
/// packed references. The git CLI is the oracle.
final class BackupPackingTests: XCTestCase {
    private func looseReferences(_ sandbox: Sandbox) -> [String] {
        let walker = FileManager.default.enumerator(atPath: sandbox.repo + "/refs")
        var files: [String] = []
        while let path = walker?.nextObject() as? String {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: sandbox.repo + "/refs/" + path, isDirectory: &isFolder), !isFolder.boolValue {
                files.append(path)
            }
        }
        return files
    }

    private func countObjects(_ sandbox: Sandbox) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: sandbox.git("count-objects", "-v").lines.compactMap { line -> (String, Int)? in
            let parts = line.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
            return parts.count == 2 ? (parts[0], Int(parts[1]) ?? -1) : nil
        })
    }

    func testAGeneratedHistoryStaysPackedAndEveryCommandReadsIt() throws {
        let sandbox = try GeneratedHistory.sandbox()
        let tags = sandbox.git("for-each-ref", "refs/tags", "--format=%(refname:short)").lines
        XCTAssertGreaterThan(tags.count, 60)
        XCTAssertLessThanOrEqual(looseReferences(sandbox).count, 50, "references are packed past 50")
        let packed = try String(contentsOfFile: sandbox.repo + "/packed-refs", encoding: .utf8)
        XCTAssertTrue(packed.hasPrefix("# pack-refs with: peeled fully-peeled sorted"), packed)
        XCTAssertTrue(packed.contains("\n^"), "annotated tags carry their peeled commit")
        let objects = countObjects(sandbox)
        XCTAssertEqual(objects["count"], 0, "no loose object: every tag object went into a pack")
        XCTAssertLessThanOrEqual(objects["packs"] ?? 99, 33)
        XCTAssertExit(sandbox.git("fsck", "--strict"), 0)

        // Each read path, on packed references. Dates as git prints them, one of them on a
        // leap day at a negative offset (the listing computes dates without a DateFormatter).
        var leap = sandbox.environment
        leap["GIT_COMMITTER_DATE"] = "2000-02-29T23:59:59-0330"
        XCTAssertExit(Sandbox.execute(["/usr/bin/git", "--git-dir=" + sandbox.repo, "-c", "user.name=t", "-c", "user.email=t@e",
                                       "tag", "-a", "-m", "leap", "leap-day", "HEAD"], environment: leap, directory: "/"), 0)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(sandbox.naner("backups", "--json").stdout.utf8))
            as? [[String: Any]])
        let gitDates = Dictionary(uniqueKeysWithValues: sandbox.git("for-each-ref", "refs/tags",
                                                                    "--format=%(refname:short) %(taggerdate:iso-strict)").lines.map {
            (String($0.split(separator: " ")[0]), String($0.split(separator: " ")[1]))
        })
        XCTAssertEqual(json.count, tags.count + 1)
        for entry in json {
            let name = entry["name"] as? String ?? ""
            XCTAssertEqual(entry["date"] as? String, gitDates[name].map { $0.hasSuffix("Z") ? String($0.dropLast()) + "+00:00" : $0 }, name)
        }
        XCTAssertTrue(sandbox.naner("backups").lines.contains { $0.hasPrefix("leap-day") && $0.contains("  2000-02-29 23:59  ") })
        XCTAssertExit(sandbox.git("tag", "-d", "leap-day"), 0)
        let list = sandbox.naner("backups")
        XCTAssertExit(list, 0)
        XCTAssertEqual(list.lines.count, tags.count)
        let newest = try XCTUnwrap(tags.filter { $0.hasPrefix("naner-backup-") }.max())
        XCTAssertTrue(list.lines[0].hasPrefix(newest), list.lines[0])
        let log = sandbox.naner("log", "-n", "5")
        XCTAssertExit(log, 0)
        XCTAssertTrue(log.lines[0].hasSuffix("(backup: \(newest))"), log.stdout)
        XCTAssertEqual(sandbox.naner("status", "--short").stdout, "")
        let oldest = try XCTUnwrap(tags.filter { $0.hasPrefix("naner-backup-") }.min())
        XCTAssertExit(sandbox.naner("show", oldest), 0)
        let preview = sandbox.naner("restore", oldest, "--dry-run")
        XCTAssertExit(preview, 0)
        XCTAssertTrue(preview.stdout.contains("would restore"), preview.stdout)
        XCTAssertExit(sandbox.naner("backups", "verify", oldest), 0)
        let remote = sandbox.root + "/remote.git"
        XCTAssertExit(sandbox.naner("sync", "push", "--remote", remote), 0)
        XCTAssertEqual(Sandbox.execute(["/usr/bin/git", "--git-dir=" + remote, "tag", "-l"], environment: sandbox.environment,
                                       directory: "/").lines.count, tags.count)
        let again = sandbox.naner("sync", "push", "--remote", remote)
        XCTAssertTrue(again.stdout.hasSuffix("already has everything\n"), again.stdout)
    }

    func testDailyBackupsNeverRewriteTheHistorysPack() throws {
        let sandbox = try GeneratedHistory.sandbox()
        let folder = sandbox.repo + "/objects/pack"
        func packs() throws -> [String: Int] {
            Dictionary(uniqueKeysWithValues: try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".pack") }.map {
                ($0, (try FileManager.default.attributesOfItem(atPath: folder + "/" + $0)[.size] as? Int) ?? 0)
            })
        }
        let largest = try XCTUnwrap(try packs().max { $0.value < $1.value }?.key)
        var joined = false
        for day in 0..<20 {
            try sandbox.write(".config/daily.conf", "day \(day)\n")
            let before = try packs().count
            XCTAssertExit(sandbox.naner("backup", "--quiet", "--name", "day-\(day)"), 0)
            if try packs().count < before { joined = true }
        }
        XCTAssertTrue(joined, "past 32 packs the small ones were joined")
        XCTAssertNotNil(try packs()[largest], "the pack holding the history is never rewritten for a day's backup")
        XCTAssertLessThanOrEqual(try packs().count, 33)
        XCTAssertExit(sandbox.git("fsck", "--strict"), 0)
    }

    func testLooseObjectsAndReferencesOfAnEarlierRepositoryArePackedAndNothingIsLost() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        // What an earlier naner, or the git CLI, leaves: loose objects (here 700 nobody names)
        // and loose references.
        var ids: [String] = []
        let contents = (0..<700).map { "unreachable object \($0)\n" }.joined(separator: "\u{0}")
        let hashed = Sandbox.execute(["/usr/bin/python3", "-c", """
            import subprocess, sys
            for text in sys.stdin.read().split("\\0"):
                print(subprocess.run(["git", "--git-dir=\(sandbox.repo)", "hash-object", "-w", "--stdin"], input=text.encode(),
                                     capture_output=True, check=True).stdout.decode().strip())
            """], environment: sandbox.environment, directory: "/", input: Data(contents.utf8))
        XCTAssertExit(hashed, 0)
        ids = hashed.lines
        XCTAssertEqual(ids.count, 700)
        for index in 0..<60 {
            XCTAssertExit(sandbox.git("update-ref", "refs/naner/safety/old-\(index)", "HEAD"), 0)
        }
        XCTAssertGreaterThan(countObjects(sandbox)["count"] ?? 0, 600)
        XCTAssertGreaterThan(looseReferences(sandbox).count, 60)

        XCTAssertExit(sandbox.naner("backup", "--name", "after"), 0)
        XCTAssertEqual(countObjects(sandbox)["count"], 0)
        XCTAssertLessThanOrEqual(looseReferences(sandbox).count, 2)
        let check = Sandbox.execute(["/usr/bin/git", "--git-dir=" + sandbox.repo, "cat-file", "--batch-check"],
                                    environment: sandbox.environment, directory: "/", input: Data((ids.joined(separator: "\n") + "\n").utf8))
        XCTAssertEqual(check.lines.filter { $0.hasSuffix(" missing") }, [], "unreachable objects are packed, never dropped")
        XCTAssertEqual(sandbox.git("for-each-ref", "refs/naner/safety").lines.count, 60)
        XCTAssertExit(sandbox.git("fsck", "--strict"), 0)

        // A pruned tag's object stays readable (a reflog or another machine may still name it).
        XCTAssertExit(sandbox.naner("backup"), 0)
        let tag = sandbox.git("rev-parse", "refs/tags/after").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertExit(sandbox.naner("backups", "prune", "--keep-last", "1", "--include-named"), 0)
        XCTAssertFalse(sandbox.git("tag", "-l").lines.contains("after"))
        XCTAssertEqual(sandbox.git("cat-file", "-t", tag).stdout, "tag\n")
    }
}
