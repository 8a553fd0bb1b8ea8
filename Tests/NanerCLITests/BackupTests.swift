import Foundation
import XCTest

final class BackupTests: XCTestCase {
    func testBackupCommitsPendingChangesAndTagsThemWithAManifest() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        try sandbox.write(".bashrc", "export EDITOR=hx\n")
        try sandbox.write(".config/gh/token.txt", "ghp_" + String(repeating: "x1Y2", count: 9) + "\n")
        let run = sandbox.naner("backup", "--name", "pre-v2.0-update", "-m", "before the v2 upgrade")
        XCTAssertExit(run, 0)
        XCTAssertTrue(run.stdout.contains("backup 'pre-v2.0-update'"), run.stdout)
        XCTAssertEqual(sandbox.git("cat-file", "-t", "refs/tags/pre-v2.0-update").stdout, "tag\n", "an annotated tag")
        XCTAssertEqual(sandbox.git("rev-parse", "pre-v2.0-update^{commit}").stdout, sandbox.git("rev-parse", "HEAD").stdout)
        XCTAssertEqual(sandbox.git("show", "HEAD:.bashrc").stdout, "export EDITOR=hx\n", "pending edits are committed first")
        XCTAssertExit(sandbox.git("fsck", "--strict"), 0)

        let message = sandbox.git("tag", "-l", "--format=%(contents)", "pre-v2.0-update").stdout
        XCTAssertTrue(message.hasPrefix("before the v2 upgrade\n\n{"), message)
        let manifest = try JSONSerialization.jsonObject(with: Data(message[message.firstIndex(of: "{")!...].utf8)) as! [String: Any]
        XCTAssertEqual(manifest["BackupName"] as? String, "pre-v2.0-update")
        XCTAssertEqual(manifest["Tree"] as? String, sandbox.home)
        XCTAssertEqual(manifest["Host"] as? String, ProcessInfo.processInfo.hostName)
        XCTAssertEqual(manifest["User"] as? String, "tester")
        XCTAssertEqual(manifest["IncludedSSHKeys"] as? Bool, false)
        XCTAssertEqual(manifest["ItemsBackedUp"] as? Int, sandbox.trackedFiles().count)
        XCTAssertEqual(manifest["ItemsSkipped"] as? Int, 1)
        XCTAssertEqual((manifest["Skipped"] as? [[String: String]])?.first?["Path"], ".config/gh/token.txt")
        XCTAssertNotNil((manifest["NanerVersion"] as? String))
        let date = manifest["BackupDate"] as? String ?? ""
        XCTAssertNotNil(date.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$"#, options: .regularExpression), date)
    }

    func testDefaultNameAndListing() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        XCTAssertExit(sandbox.naner("backup"), 0)
        let tags = sandbox.git("tag", "-l").lines
        XCTAssertEqual(tags.count, 1)
        XCTAssertNotNil(tags[0].range(of: #"^naner-backup-\d{4}-\d\d-\d\d-\d{6}$"#, options: .regularExpression), tags[0])
        Thread.sleep(forTimeInterval: 1.1)
        XCTAssertExit(sandbox.naner("backup", "--name", "second", "-m", "the second one"), 0)

        let list = sandbox.naner("backups")
        XCTAssertExit(list, 0)
        XCTAssertTrue(list.lines[0].hasPrefix("second"), "newest first: \(list.stdout)")
        XCTAssertTrue(list.lines[0].contains("the second one"), list.stdout)
        let json = try JSONSerialization.jsonObject(with: Data(sandbox.naner("backups", "--json").stdout.utf8)) as! [[String: Any]]
        XCTAssertEqual(json.map { $0["name"] as! String }, ["second", tags[0]])
        XCTAssertEqual(json[0]["files"] as? Int, sandbox.trackedFiles().count)
        XCTAssertEqual(json[0]["kind"] as? String, "backup")
        let log = sandbox.naner("log").lines[0]
        XCTAssertTrue(log.hasSuffix("(backup: \(tags[0]), second)"), log)

        XCTAssertExit(sandbox.naner("backup", "--delete", "second"), 0)
        XCTAssertEqual(sandbox.git("tag", "-l").lines, [tags[0]])
        let unknown = sandbox.naner("backup", "--delete", "second")
        XCTAssertExit(unknown, 1)
        XCTAssertOneErrorLine(unknown, contains: "no backup named 'second'")
    }

    func testExistingAndInvalidNamesAreRefused() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        XCTAssertExit(sandbox.naner("backup", "--name", "x"), 0)
        try sandbox.write(".bashrc", "changed\n")
        let again = sandbox.naner("backup", "--name", "x")
        XCTAssertExit(again, 1)
        XCTAssertOneErrorLine(again, contains: "backup 'x' already exists")
        XCTAssertTrue(again.stderr.contains("hint: choose another name with --name, or delete the old one: naner backup --delete x"))
        XCTAssertEqual(sandbox.commitCount(), 1, "a refused backup commits nothing")
        for (name, reason) in [("a b", "' ' (a space)"), ("v1:2", "':'"), ("x..y", "'..'"), ("a/b", "'/'"), ("tip~1", "'~'"), ("x.lock", "'.lock'")] {
            let run = sandbox.naner("backup", "--name", name)
            XCTAssertExit(run, 1)
            XCTAssertOneErrorLine(run, contains: "backup name '\(name)' is not allowed: it cannot")
            XCTAssertTrue(run.stderr.contains(reason), "\(name): \(run.stderr)")
        }
        XCTAssertEqual(sandbox.git("tag", "-l").lines, ["x"])
    }

    func testPortableCopiesAndSSHKeys() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        let out = sandbox.root + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)

        XCTAssertExit(sandbox.naner("backup", "--name", "plain", "--output", out), 0)
        let folder = out + "/plain"
        XCTAssertEqual(FileManager.default.contents(atPath: folder + "/.bashrc"), sandbox.read(".bashrc"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/BACKUP-MANIFEST.json"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/.ssh/id_ed25519"), "keys only when asked")
        let mode = (try FileManager.default.attributesOfItem(atPath: folder + "/.ssh/config")[.posixPermissions] as? Int) ?? 0
        XCTAssertEqual(mode, 0o600)

        // Without --output the keys go into the repository encrypted only, which needs the
        // age identity: with no passphrase to make it, nothing is written.
        let noOutput = sandbox.naner("backup", "--name", "keys", "--include-ssh-keys")
        XCTAssertExit(noOutput, 1)
        XCTAssertOneErrorLine(noOutput, contains: "needs a passphrase")
        XCTAssertEqual(sandbox.git("tag", "-l", "keys").stdout, "")

        let unsealed = sandbox.naner("backup", "--name", "full", "--output", out, "--compress", "--include-ssh-keys")
        XCTAssertExit(unsealed, 64)
        XCTAssertOneErrorLine(unsealed, contains: "add --encrypt, or --no-encrypt to write them in the clear")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/full.zip"))
        let keys = sandbox.naner("backup", "--name", "full", "--output", out, "--compress", "--include-ssh-keys", "--no-encrypt")
        XCTAssertExit(keys, 0)
        XCTAssertTrue(keys.stderr.contains("warning: SSH keys are sensitive"), keys.stderr)
        let listing = Sandbox.execute(["/usr/bin/python3", "-c", "import zipfile,sys; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))", out + "/full.zip"],
                                      environment: sandbox.environment, directory: sandbox.root).lines
        XCTAssertTrue(listing.contains(".ssh/id_ed25519"), "\(listing)")
        XCTAssertTrue(listing.contains("BACKUP-MANIFEST.json"))
        XCTAssertTrue(listing.contains(".bashrc"))
        XCTAssertEqual(sandbox.git("cat-file", "-e", "full:.ssh/id_ed25519").status, 128, "the key never enters the repository")
        XCTAssertFalse(sandbox.git("rev-list", "--objects", "--all").stdout.contains("id_ed25519\n"))

        let missing = sandbox.naner("backup", "--output", sandbox.root + "/nowhere")
        XCTAssertExit(missing, 1)
        XCTAssertOneErrorLine(missing, contains: "output folder '\(sandbox.root)/nowhere' does not exist")
    }
}
