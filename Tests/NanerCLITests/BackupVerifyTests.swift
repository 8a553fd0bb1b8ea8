import Foundation
import XCTest

/// `naner backups verify`: a backup that restores says so in one line; each kind of damage
/// (a missing object, a flipped byte in a loose object or in a pack, a mode recorded
/// wrongly, a truncated archive) is one `error:` line naming the backup and what is wrong.
final class BackupVerifyTests: XCTestCase {
    private func errorLines(_ run: Sandbox.Run) -> [String] {
        run.stderr.split(separator: "\n").map(String.init).filter { $0.hasPrefix("error:") }
    }

    /// One failing backup: exactly one `error:` line, naming it and holding `fragment`, then hints.
    private func assertFails(_ run: Sandbox.Run, backup: String, _ fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertExit(run, 1, file: file, line: line)
        XCTAssertOneErrorLine(run, contains: "'\(backup)' does not verify: ", file: file, line: line)
        XCTAssertTrue(run.stderr.contains(fragment), "expected '\(fragment)' in:\n\(run.stderr)", file: file, line: line)
    }

    private func typicalBackup() throws -> Sandbox {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        try FileManager.default.createSymbolicLink(atPath: sandbox.home + "/.config/nvim/alias.vim", withDestinationPath: "init.vim")
        try sandbox.write(".config/tool/run.sh", "#!/bin/sh\necho hi\n", mode: 0o700)
        XCTAssertExit(sandbox.naner("init"), 0)
        XCTAssertExit(sandbox.naner("backup", "--name", "good"), 0)
        return sandbox
    }

    /// The id and file of `path` as a loose object, after every pack is exploded into loose objects.
    private func looseObject(_ sandbox: Sandbox, _ spec: String) -> (id: String, file: String) {
        let id = sandbox.git("rev-parse", spec).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return (id, sandbox.repo + "/objects/" + id.prefix(2) + "/" + id.dropFirst(2))
    }

    private func explodePacks(_ sandbox: Sandbox) throws {
        let folder = sandbox.repo + "/objects/pack"
        let aside = sandbox.root + "/packs-aside"
        try FileManager.default.moveItem(atPath: folder, toPath: aside)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for pack in try FileManager.default.contentsOfDirectory(atPath: aside) where pack.hasSuffix(".pack") {
            let run = Sandbox.execute(["/usr/bin/git", "--git-dir=" + sandbox.repo, "unpack-objects", "-q"], environment: sandbox.environment,
                                      directory: sandbox.root, input: FileManager.default.contents(atPath: aside + "/" + pack))
            XCTAssertExit(run, 0)
        }
        XCTAssertEqual(sandbox.git("count-objects").stdout.hasPrefix("0 objects"), false)
    }

    func testAGoodBackupTheNewestByDefaultAndArchivesVerify() throws {
        let sandbox = try typicalBackup()
        let files = sandbox.trackedFiles().count
        XCTAssertGreaterThan(files, 5)
        let newest = sandbox.naner("backups", "verify")
        XCTAssertExit(newest, 0)
        XCTAssertEqual(newest.stdout, "verified 'good': \(files) files, bytes and modes match\n")
        XCTAssertEqual(newest.stderr, "")

        // A safety point, and archives given as paths: a folder, a zip and a sealed zip.
        try sandbox.write(".bashrc", "edited\n")
        XCTAssertExit(sandbox.naner("restore", "good", "--force"), 0)
        let point = sandbox.naner("backups", "--json")
        let safety = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(point.stdout.utf8)) as? [[String: Any]])?
            .first { $0["kind"] as? String == "safety" }?["name"] as? String)
        let out = sandbox.root + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        XCTAssertExit(sandbox.naner("backup", "--name", "copy", "--output", out), 0)
        XCTAssertExit(sandbox.naner("backup", "--name", "zipped", "--output", out, "--compress"), 0)
        let passphrase = ["NANER_PASSPHRASE": "correct horse battery staple"]
        XCTAssertExit(sandbox.naner(["backup", "--name", "sealed", "--output", out, "--encrypt", "--include-ssh-keys"],
                                    environment: passphrase), 0)
        let all = sandbox.naner(["backups", "verify", "good", safety, out + "/copy", out + "/zipped.zip", out + "/sealed.zip.age"],
                                environment: passphrase)
        XCTAssertExit(all, 0)
        XCTAssertEqual(all.lines.count, 5, all.stdout)
        XCTAssertTrue(all.lines.allSatisfy { $0.hasPrefix("verified '") && $0.hasSuffix(" files, bytes and modes match") }, all.stdout)
        XCTAssertTrue(all.lines[4].contains("sealed.zip.age': \(files + 1) files"), "the key travels in the sealed archive: \(all.stdout)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: sandbox.repo).filter { $0.hasPrefix("naner-verify-") }, [],
                       "the scratch folders go")
        XCTAssertExit(sandbox.git("fsck", "--strict"), 0)
    }

    func testAMissingObjectAndAFlippedByteInALooseObject() throws {
        let sandbox = try typicalBackup()
        try explodePacks(sandbox)
        XCTAssertExit(sandbox.naner("backups", "verify", "good"), 0)

        let blob = looseObject(sandbox, "good:.config/kitty/kitty.conf")
        var bytes = try XCTUnwrap(FileManager.default.contents(atPath: blob.file))
        chmod(blob.file, 0o644)
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: blob.file))
        assertFails(sandbox.naner("backups", "verify", "good"), backup: "good",
                    "the object of '.config/kitty/kitty.conf' (\(blob.id.prefix(7))) is damaged")

        try FileManager.default.removeItem(atPath: blob.file)
        assertFails(sandbox.naner("backups", "verify", "good"), backup: "good",
                    "the object of '.config/kitty/kitty.conf' (\(blob.id.prefix(7))) is missing")
        XCTAssertNotEqual(sandbox.git("fsck").status, 0, "the oracle agrees")
    }

    func testAFlippedByteInAPack() throws {
        let sandbox = try typicalBackup()
        let id = sandbox.git("rev-parse", "good:.gitconfig").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        // git verify-pack names each object's offset and size in its pack.
        let folder = sandbox.repo + "/objects/pack"
        var damaged = false
        for index in try FileManager.default.contentsOfDirectory(atPath: folder) where index.hasSuffix(".idx") {
            let listing = sandbox.git("verify-pack", "-v", folder + "/" + index).lines
            guard let line = listing.first(where: { $0.hasPrefix(id + " ") }) else { continue }
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            let sizeInPack = Int(fields[3])!, offset = Int(fields[4])!
            let pack = folder + "/" + index.dropLast(4) + ".pack"
            chmod(pack, 0o644)
            var bytes = try XCTUnwrap(FileManager.default.contents(atPath: pack))
            bytes[offset + sizeInPack - 3] ^= 0x40
            try bytes.write(to: URL(fileURLWithPath: pack))
            damaged = true
        }
        XCTAssertTrue(damaged, "the blob is in a pack")
        assertFails(sandbox.naner("backups", "verify", "good"), backup: "good", "the object of '.gitconfig' (\(id.prefix(7))) is damaged")
    }

    func testAModeRecordedWronglyAndAManifestThatCountsOtherwise() throws {
        let sandbox = try typicalBackup()
        // The same backup, but .naner/modes records the plain .bashrc as 0700 (executable)
        // while the tree records it as 100644: what a restore gives is not what was recorded.
        let modes = sandbox.git("show", "good:.naner/modes").stdout + "0700 .bashrc\n"
        let index = sandbox.root + "/forged-index"
        let environment = sandbox.environment.merging(["GIT_INDEX_FILE": index]) { $1 }
        func git(_ arguments: [String], input: String? = nil) -> Sandbox.Run {
            Sandbox.execute(["/usr/bin/git", "--git-dir=" + sandbox.repo] + arguments, environment: environment, directory: sandbox.root,
                            input: input.map { Data($0.utf8) })
        }
        XCTAssertExit(git(["read-tree", "good^{tree}"]), 0)
        let blob = git(["hash-object", "-w", "--stdin"], input: modes).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertExit(git(["update-index", "--cacheinfo", "100644,\(blob),.naner/modes"]), 0)
        let tree = git(["write-tree"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let commit = git(["-c", "user.name=t", "-c", "user.email=t@e", "commit-tree", tree, "-p", "good^{commit}", "-m", "forged"])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let message = sandbox.git("tag", "-l", "--format=%(contents)", "good").stdout
        XCTAssertExit(git(["-c", "user.name=t", "-c", "user.email=t@e", "tag", "-a", "-F", "-", "forged", commit], input: message), 0)
        assertFails(sandbox.naner("backups", "verify", "forged"), backup: "forged",
                    "'.bashrc' is recorded as 0700 in .naner/modes but as not executable (100644) in the tree")

        // A manifest that counts one file more than the tree holds.
        let files = sandbox.trackedFiles().count
        let miscounted = message.replacingOccurrences(of: "\"ItemsBackedUp\" : \(files)", with: "\"ItemsBackedUp\" : \(files + 1)")
        XCTAssertNotEqual(miscounted, message)
        XCTAssertExit(git(["-c", "user.name=t", "-c", "user.email=t@e", "tag", "-a", "-F", "-", "miscounted", "good^{commit}"],
                          input: miscounted), 0)
        assertFails(sandbox.naner("backups", "verify", "miscounted"), backup: "miscounted",
                    "its manifest lists \(files + 1) files, its tree holds \(files)")

        // Several at once: one line each, then the count.
        let several = sandbox.naner("backups", "verify", "good", "forged", "nothing-here")
        XCTAssertExit(several, 1)
        XCTAssertEqual(several.lines, ["verified 'good': \(files) files, bytes and modes match"])
        XCTAssertEqual(errorLines(several).count, 3, several.stderr)
        XCTAssertTrue(errorLines(several)[1].contains("'nothing-here' does not verify: no backup, safety point or archive has that name"),
                      several.stderr)
        XCTAssertEqual(errorLines(several)[2], "error: 2 backups failed verification")
    }

    func testATruncatedArchive() throws {
        let sandbox = try typicalBackup()
        let out = sandbox.root + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        XCTAssertExit(sandbox.naner("backup", "--name", "zipped", "--output", out, "--compress"), 0)
        let zip = out + "/zipped.zip"
        XCTAssertExit(sandbox.naner("backups", "verify", zip), 0)
        let bytes = try XCTUnwrap(FileManager.default.contents(atPath: zip))
        let truncated = out + "/truncated.zip"
        try bytes.prefix(bytes.count * 2 / 3).write(to: URL(fileURLWithPath: truncated))
        assertFails(sandbox.naner("backups", "verify", truncated), backup: truncated, "is damaged")

        // A folder archive missing a file: its manifest counts one more.
        XCTAssertExit(sandbox.naner("backup", "--name", "folder", "--output", out), 0)
        try FileManager.default.removeItem(atPath: out + "/folder/.vimrc")
        assertFails(sandbox.naner("backups", "verify", out + "/folder"), backup: out + "/folder", "its manifest lists")
    }
}
