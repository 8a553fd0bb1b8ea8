import Foundation
import XCTest

final class RestoreTests: XCTestCase {
    /// A home with a backup, then an upgrade that changed, added and deleted files.
    private func homeAfterUpgrade() throws -> Sandbox {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        XCTAssertExit(sandbox.naner("backup", "--name", "pre-v2.0-update"), 0)
        try sandbox.write(".bashrc", "export EDITOR=broken\n")
        try sandbox.write(".config/nvim/plugin.lua", "-- added by v2\n")
        try FileManager.default.removeItem(atPath: sandbox.home + "/.vimrc")
        XCTAssertExit(sandbox.naner("commit", "-m", "v2.0 update"), 0)
        return sandbox
    }

    private func snapshot(_ sandbox: Sandbox) -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: sandbox.home)!
        while let path = enumerator.nextObject() as? String {
            if let data = FileManager.default.contents(atPath: sandbox.home + "/" + path) { result[path] = data }
        }
        return result
    }

    func testDryRunPrintsThePlanAndChangesNothing() throws {
        let sandbox = try homeAfterUpgrade()
        try sandbox.write(".config/kitty/kitty.conf", "font_size 14\n")  // an uncommitted edit, unchanged since the backup
        let before = snapshot(sandbox)
        let refs = sandbox.git("for-each-ref").stdout
        let run = sandbox.naner("restore", "pre-v2.0-update", "--dry-run")
        XCTAssertExit(run, 0)
        XCTAssertTrue(run.stdout.contains("would restore '.bashrc'"), run.stdout)
        XCTAssertTrue(run.stdout.contains("would restore '.vimrc'"), run.stdout)
        XCTAssertTrue(run.stdout.contains("would remove '.config/nvim/plugin.lua'"), run.stdout)
        XCTAssertTrue(run.stdout.contains("would overwrite '.config/kitty/kitty.conf' (uncommitted edits)"), run.stdout)
        XCTAssertTrue(run.stdout.contains("2 to restore, 1 to overwrite, 1 to remove"), run.stdout)
        XCTAssertEqual(snapshot(sandbox), before)
        XCTAssertEqual(sandbox.git("for-each-ref").stdout, refs)
        XCTAssertExit(sandbox.naner("restore", "pre-v2.0-update", "--what-if"), 0)

        let json = try JSONSerialization.jsonObject(with: Data(sandbox.naner("restore", "pre-v2.0-update", "--dry-run", "--json").stdout.utf8)) as! [String: Any]
        let actions = json["actions"] as! [[String: Any]]
        XCTAssertEqual(actions.map { $0["path"] as! String }, [".bashrc", ".config/kitty/kitty.conf", ".config/nvim/plugin.lua", ".vimrc"])
        XCTAssertEqual(actions.map { $0["action"] as! String }, ["restore", "overwrite", "remove", "restore"])
        XCTAssertEqual(snapshot(sandbox), before)
    }

    func testConflictsStopWithTheirOwnExitCode() throws {
        let sandbox = try homeAfterUpgrade()
        try sandbox.write(".bashrc", "my precious edit\n")
        let before = snapshot(sandbox)
        let head = sandbox.git("rev-parse", "HEAD").stdout
        let run = sandbox.naner("restore", "pre-v2.0-update")
        XCTAssertExit(run, 3)
        XCTAssertTrue(run.stdout.contains("conflict: '.bashrc' has uncommitted edits"), run.stdout)
        XCTAssertOneErrorLine(run, contains: "1 file has uncommitted edits that would be overwritten: '.bashrc'")
        XCTAssertTrue(run.stderr.contains("--force") && run.stderr.contains("naner commit"), run.stderr)
        XCTAssertEqual(snapshot(sandbox), before)
        XCTAssertEqual(sandbox.git("rev-parse", "HEAD").stdout, head)
        XCTAssertEqual(sandbox.git("for-each-ref", "refs/naner").stdout, "", "no safety point for a refused restore")

        // A file the backup lacks would be removed, not overwritten: each says which.
        try sandbox.write(".config/nvim/plugin.lua", "-- my own edit\n")
        let both = sandbox.naner("restore", "pre-v2.0-update")
        XCTAssertExit(both, 3)
        XCTAssertTrue(both.stdout.contains("conflict: '.config/nvim/plugin.lua' has uncommitted edits; the backup lacks it"), both.stdout)
        XCTAssertOneErrorLine(both, contains: "2 files have uncommitted edits that would be lost: "
            + "'.bashrc' (overwritten), '.config/nvim/plugin.lua' (removed)")
        XCTAssertTrue(sandbox.naner("restore", "pre-v2.0-update", "--dry-run").stdout
            .contains("would remove '.config/nvim/plugin.lua' (uncommitted edits)"))
    }

    func testForcedRestoreSavesASafetyPointAndCommits() throws {
        let sandbox = try homeAfterUpgrade()
        try sandbox.write(".bashrc", "my precious edit\n")
        let run = sandbox.naner("restore", "pre-v2.0-update", "--force")
        XCTAssertExit(run, 0)
        XCTAssertEqual(String(decoding: sandbox.read(".bashrc")!, as: UTF8.self), "export EDITOR=vim\nalias ll='ls -l'\n")
        XCTAssertEqual(String(decoding: sandbox.read(".vimrc")!, as: UTF8.self), "set number\n")
        XCTAssertFalse(sandbox.exists(".config/nvim/plugin.lua"))
        // The edit is kept in a safety point that naner backups lists.
        let safety = sandbox.git("for-each-ref", "--format=%(refname)", "refs/naner/safety").lines
        XCTAssertEqual(safety.count, 1)
        XCTAssertTrue(safety[0].hasPrefix("refs/naner/safety/pre-restore-"), safety[0])
        XCTAssertEqual(sandbox.git("show", safety[0] + ":.bashrc").stdout, "my precious edit\n")
        let backups = sandbox.naner("backups")
        XCTAssertTrue(backups.stdout.contains("pre-restore-") && backups.stdout.contains("(safety point)"), backups.stdout)
        // History and sync see the rollback.
        XCTAssertEqual(sandbox.git("log", "-1", "--format=%s").stdout, "restore pre-v2.0-update\n")
        XCTAssertEqual(sandbox.git("diff", "--stat", "pre-v2.0-update", "HEAD").stdout, "")
        XCTAssertEqual(sandbox.git("status", "--porcelain").stdout, "")
        XCTAssertExit(sandbox.git("fsck", "--strict"), 0)
        // Restoring again changes nothing and commits nothing.
        let again = sandbox.naner("restore", "pre-v2.0-update")
        XCTAssertExit(again, 0)
        XCTAssertTrue(again.stdout.contains("nothing to restore"), again.stdout)
        XCTAssertEqual(sandbox.git("log", "-1", "--format=%s").stdout, "restore pre-v2.0-update\n")
    }

    func testSelectiveRestoreAndExclude() throws {
        let sandbox = try homeAfterUpgrade()
        XCTAssertExit(sandbox.naner("restore", "pre-v2.0-update", ".vimrc"), 0)
        XCTAssertTrue(sandbox.exists(".vimrc"))
        XCTAssertEqual(String(decoding: sandbox.read(".bashrc")!, as: UTF8.self), "export EDITOR=broken\n", "not selected")
        XCTAssertExit(sandbox.naner("restore", "HEAD~2", "--exclude", ".config", "--exclude", ".bashrc"), 0)
        XCTAssertTrue(sandbox.exists(".config/nvim/plugin.lua"), "excluded folder left alone")
        XCTAssertEqual(String(decoding: sandbox.read(".bashrc")!, as: UTF8.self), "export EDITOR=broken\n")
        let commit = sandbox.git("rev-parse", "pre-v2.0-update^{commit}").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertExit(sandbox.naner("restore", String(commit.prefix(10)), ".bashrc"), 0)
        XCTAssertEqual(String(decoding: sandbox.read(".bashrc")!, as: UTF8.self), "export EDITOR=vim\nalias ll='ls -l'\n")
    }

    func testModesComeBack() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        try sandbox.write(".config/tool/run.sh", "#!/bin/sh\necho hi\n", mode: 0o755)
        XCTAssertExit(sandbox.naner("init"), 0)
        XCTAssertExit(sandbox.naner("backup", "--name", "good"), 0)
        try FileManager.default.removeItem(atPath: sandbox.home + "/.ssh")
        try FileManager.default.removeItem(atPath: sandbox.home + "/.config/tool/run.sh")
        chmod(sandbox.home + "/.vimrc", 0o666)
        let run = sandbox.naner("restore", "good")
        XCTAssertExit(run, 0)
        XCTAssertEqual(sandbox.mode(".ssh"), 0o700)
        XCTAssertEqual(sandbox.mode(".ssh/config"), 0o600)
        XCTAssertEqual(sandbox.mode(".config/tool/run.sh"), 0o755)
        XCTAssertEqual(sandbox.mode(".vimrc"), 0o644, "the recorded mode comes back")
        XCTAssertTrue(run.stdout.contains("restored '.vimrc' (permissions)"), run.stdout)
        // A file that is private locally stays private: a restore never widens a mode.
        try sandbox.write(".gitconfig", "[user]\n\tname = Changed\n", mode: 0o600)
        XCTAssertExit(sandbox.naner("restore", "good", ".gitconfig", "--force"), 0)
        XCTAssertEqual(sandbox.mode(".gitconfig"), 0o600)
    }

    func testRestoreFromArchives() throws {
        let sandbox = try homeAfterUpgrade()
        let out = sandbox.root + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        XCTAssertExit(sandbox.naner("restore", "pre-v2.0-update"), 0)
        XCTAssertExit(sandbox.naner("backup", "--name", "copy", "--output", out), 0)
        XCTAssertExit(sandbox.naner("backup", "--name", "zipped", "--output", out, "--compress"), 0)
        for archive in [out + "/copy", out + "/zipped.zip"] {
            try sandbox.write(".bashrc", "broken again\n")
            try FileManager.default.removeItem(atPath: sandbox.home + "/.ssh/config")
            XCTAssertExit(sandbox.naner("commit", "-m", "break"), 0)
            let dry = sandbox.naner("restore", archive, "--dry-run")
            XCTAssertTrue(dry.stdout.contains("would restore '.bashrc'") && dry.stdout.contains("would restore '.ssh/config'"), dry.stdout)
            XCTAssertExit(sandbox.naner("restore", archive), 0)
            XCTAssertEqual(String(decoding: sandbox.read(".bashrc")!, as: UTF8.self), "export EDITOR=vim\nalias ll='ls -l'\n")
            XCTAssertEqual(sandbox.mode(".ssh/config"), 0o600)
            XCTAssertEqual(sandbox.git("status", "--porcelain").stdout, "")
        }
    }

    func testBadSources() throws {
        let sandbox = try homeAfterUpgrade()
        let before = snapshot(sandbox)
        let unknown = sandbox.naner("restore", "pre-v3")
        XCTAssertExit(unknown, 1)
        XCTAssertOneErrorLine(unknown, contains: "'pre-v3' is not a backup, tag, commit or archive")

        let missing = sandbox.naner("restore", sandbox.root + "/gone.zip")
        XCTAssertExit(missing, 1)
        XCTAssertOneErrorLine(missing, contains: "does not exist")

        let notArchive = sandbox.root + "/random"
        try FileManager.default.createDirectory(atPath: notArchive, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: notArchive + "/.bashrc"))
        let refused = sandbox.naner("restore", notArchive)
        XCTAssertExit(refused, 1)
        XCTAssertOneErrorLine(refused, contains: "is not a naner backup")

        let damaged = sandbox.root + "/damaged.zip"
        try Data(repeating: 0x50, count: 100).write(to: URL(fileURLWithPath: damaged))
        let bad = sandbox.naner("restore", damaged)
        XCTAssertExit(bad, 1)
        XCTAssertOneErrorLine(bad, contains: "damaged")

        // An archive entry that climbs out of the tree: refused, nothing written.
        let evil = sandbox.root + "/evil.zip"
        let script = """
            import zipfile, sys
            z = zipfile.ZipFile(sys.argv[1], 'w')
            z.writestr('BACKUP-MANIFEST.json', open(sys.argv[2]).read())
            z.writestr('../escaped.txt', 'gotcha')
            z.writestr('.bashrc', 'evil')
            z.close()
            """
        let manifest = sandbox.root + "/manifest.json"
        XCTAssertExit(sandbox.naner("backup", "--name", "m", "--output", sandbox.root), 0)
        try FileManager.default.copyItem(atPath: sandbox.root + "/m/BACKUP-MANIFEST.json", toPath: manifest)
        XCTAssertExit(Sandbox.execute(["/usr/bin/python3", "-c", script, evil, manifest], environment: sandbox.environment, directory: sandbox.root), 0)
        let escape = sandbox.naner("restore", evil, "--force")
        XCTAssertExit(escape, 1)
        XCTAssertOneErrorLine(escape, contains: "unsafe entry '../escaped.txt'")
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.root + "/escaped.txt"))
        XCTAssertEqual(snapshot(sandbox), before)
    }

    func testAFileNoCommitEverHeldIsNeverRemoved() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        XCTAssertExit(sandbox.naner("backup", "--name", "pre-x"), 0)
        // After the backup: one file committed (the backup lacks it), one never committed.
        try sandbox.write(".config/kitty/theme.conf", "committed after the backup\n")
        XCTAssertExit(sandbox.naner("commit", "-m", "theme"), 0)
        try sandbox.write(".config/app/local.conf", "[user]\n\temail = me@work\n")
        for arguments in [["--dry-run"], ["--force"]] {
            let run = sandbox.naner(["restore", "pre-x"] + arguments)
            XCTAssertExit(run, 0)
            XCTAssertFalse(run.stdout.contains("local.conf"), "\(arguments): \(run.stdout)")
        }
        XCTAssertEqual(sandbox.read(".config/app/local.conf"), Data("[user]\n\temail = me@work\n".utf8), "left in place")
        XCTAssertNil(sandbox.read(".config/kitty/theme.conf"), "a file the current commit tracks is still removed")
        XCTAssertTrue(sandbox.naner("status", "--short").stdout.contains("A .config/app/local.conf"), "still reported as new")
    }

    func testNeverWritesThroughALinkLeavingTheHome() throws {
        let sandbox = try homeAfterUpgrade()
        let outside = sandbox.root + "/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: sandbox.home + "/.config", toPath: sandbox.root + "/config-moved")
        try FileManager.default.createSymbolicLink(atPath: sandbox.home + "/.config", withDestinationPath: outside)
        let run = sandbox.naner("restore", "pre-v2.0-update", "--force")
        XCTAssertExit(run, 1)
        XCTAssertOneErrorLine(run, contains: "its folder '.config' is a link to '\(outside)', outside the home")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: outside), [], "nothing written outside")
    }

    /// A link a restore lays out that leads nowhere here is named, once, with where it points.
    func testADanglingLinkARestoreWritesIsNamed() throws {
        let sandbox = try Sandbox()
        try sandbox.write(".config/kitty/themes/dark.conf", "background #000\n")
        try sandbox.write(".config/kitty/themes/light.conf", "background #fff\n")
        try FileManager.default.createSymbolicLink(atPath: sandbox.home + "/.config/kitty/current.conf", withDestinationPath: "themes/dark.conf")
        XCTAssertExit(sandbox.naner("init"), 0)
        XCTAssertExit(sandbox.naner("backup", "--name", "dark"), 0)
        try FileManager.default.removeItem(atPath: sandbox.home + "/.config/kitty/current.conf")
        try FileManager.default.createSymbolicLink(atPath: sandbox.home + "/.config/kitty/current.conf", withDestinationPath: "themes/light.conf")
        try FileManager.default.removeItem(atPath: sandbox.home + "/.config/kitty/themes/dark.conf")
        XCTAssertExit(sandbox.naner("commit", "-m", "light, and no dark theme"), 0)
        let run = sandbox.naner("restore", "dark", ".config/kitty/current.conf")
        XCTAssertExit(run, 0)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: sandbox.home + "/.config/kitty/current.conf"), "themes/dark.conf")
        XCTAssertEqual(run.stderr, "warning: '.config/kitty/current.conf' is a link to 'themes/dark.conf', which does not exist here\n")
        XCTAssertEqual(sandbox.git("status", "--porcelain").stdout, "")
    }

    func testRestoreWaitsForTheLock() throws {
        let sandbox = try homeAfterUpgrade()
        let holder = try sandbox.holdLock()
        defer { holder.terminate(); holder.waitUntilExit() }
        Thread.sleep(forTimeInterval: 0.5)
        let run = sandbox.naner("restore", "pre-v2.0-update", environment: ["NANER_LOCK_TIMEOUT": "0.3"])
        XCTAssertExit(run, 1)
        XCTAssertOneErrorLine(run, contains: "another naner (pid \(holder.processIdentifier))")
        XCTAssertEqual(String(decoding: sandbox.read(".bashrc")!, as: UTF8.self), "export EDITOR=broken\n")
    }
}
