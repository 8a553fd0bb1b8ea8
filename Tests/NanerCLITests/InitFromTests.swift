import Foundation
import XCTest

/// `naner init --from`: a second machine takes an existing configuration.
final class InitFromTests: XCTestCase {
    /// A first machine with a committed configuration; returns its repository path.
    private func firstMachine() throws -> Sandbox {
        let first = try Sandbox()
        try first.makeTypicalHome()
        XCTAssertExit(first.naner("init"), 0)
        XCTAssertExit(first.naner("backup", "--name", "baseline"), 0)
        return first
    }

    func testNewMachineGetsTheConfigurationWithModes() throws {
        let first = try firstMachine()
        let second = try Sandbox()
        try second.write(".bashrc", "export EDITOR=vim\nalias ll='ls -l'\n")  // already identical
        try second.write(".config/local-only/x.conf", "mine\n")
        let run = second.naner("init", "--from", first.repo)
        XCTAssertExit(run, 0)
        XCTAssertTrue(run.stdout.contains("initialized"), run.stdout)
        for path in [".bashrc", ".vimrc", ".config/nvim/init.vim", ".ssh/config", ".syncignore", ".naner/include"] {
            XCTAssertEqual(second.read(path), first.read(path), path)
        }
        XCTAssertEqual(second.mode(".ssh/config"), 0o600)
        XCTAssertEqual(second.mode(".ssh"), 0o700)
        XCTAssertEqual(String(decoding: second.read(".config/local-only/x.conf")!, as: UTF8.self), "mine\n", "local files are kept")
        XCTAssertEqual(second.git("rev-parse", "HEAD").stdout, first.git("rev-parse", "HEAD").stdout)
        XCTAssertEqual(second.git("tag", "-l").stdout, "baseline\n", "backups come along")
        XCTAssertEqual(second.git("status", "--porcelain").stdout, "?? .config/local-only/\n")
        XCTAssertEqual(second.naner("status", "--short").stdout, "A .config/local-only/x.conf\n")
        XCTAssertFalse(second.exists(".git"))
        XCTAssertExit(second.git("fsck", "--strict"), 0)
        let again = second.naner("init", "--from", first.repo)
        XCTAssertExit(again, 1)
        XCTAssertOneErrorLine(again, contains: "already set up")
    }

    func testDifferingLocalFilesAreConflictsUntilForced() throws {
        let first = try firstMachine()
        let second = try Sandbox()
        try second.write(".bashrc", "this machine's own bashrc\n")
        let refused = second.naner("init", "--from", first.repo)
        XCTAssertExit(refused, 3)
        XCTAssertTrue(refused.stdout.contains("conflict: '.bashrc' differs from the configuration (never committed here)"), refused.stdout)
        XCTAssertEqual(String(decoding: second.read(".bashrc")!, as: UTF8.self), "this machine's own bashrc\n", "kept")
        XCTAssertFalse(second.exists(".vimrc"), "nothing laid out while conflicts remain")

        let forced = second.naner("init", "--from", first.repo, "--force")
        XCTAssertExit(forced, 0)
        // This machine has no commits: its file was never committed here, not "edited".
        XCTAssertTrue(forced.stdout.contains("overwrote '.bashrc' (never committed here; kept in the safety point)"), forced.stdout)
        XCTAssertFalse(forced.stdout.contains("uncommitted edits"), forced.stdout)
        XCTAssertEqual(second.read(".bashrc"), first.read(".bashrc"))
        XCTAssertTrue(second.exists(".vimrc"))
        let safety = second.git("for-each-ref", "--format=%(refname)", "refs/naner/safety").lines
        XCTAssertEqual(safety.count, 1)
        XCTAssertEqual(second.git("show", safety[0] + ":.bashrc").stdout, "this machine's own bashrc\n")
        XCTAssertEqual(second.git("status", "--porcelain").stdout, "")
    }

    func testMissingSource() throws {
        let sandbox = try Sandbox()
        let run = sandbox.naner("init", "--from", sandbox.root + "/nothing.git")
        XCTAssertExit(run, 1)
        XCTAssertOneErrorLine(run, contains: "configuration '\(sandbox.root)/nothing.git' does not exist")
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.repo))
    }
}

/// A configuration committed as a pack travels through a cloud folder as that pack,
/// copied whole; what is new later travels as a pack of its own.
final class PackedSyncTests: XCTestCase {
    func testPacksTravelWholeAndLaterChangesTravelAlone() throws {
        let first = try Sandbox()
        try first.makeTypicalHome()
        for number in 0..<300 { try first.write(".config/many/f\(number).conf", "value \(number)\n") }
        XCTAssertExit(first.naner("init"), 0)
        XCTAssertExit(first.naner("backup", "--name", "baseline"), 0)
        let folder = first.root + "/Cloud/Naner-Config.git"
        XCTAssertExit(first.naner("sync", "push", "--provider", "custom", "--path", folder), 0)

        let ours = try packs(first.repo)
        XCTAssertEqual(ours.count, 2, "the first commit's files are one pack, the backup's tag object another")
        XCTAssertTrue(try packs(folder).isSuperset(of: ours), "the pack was copied as it is")
        XCTAssertExit(Sandbox.execute(["/usr/bin/git", "--git-dir=" + folder, "fsck", "--strict"],
                                      environment: first.environment, directory: first.root), 0)
        let pushedMain = Sandbox.execute(["/usr/bin/git", "--git-dir=" + folder, "rev-parse", "main", "baseline"],
                                         environment: first.environment, directory: first.root).stdout
        XCTAssertEqual(pushedMain, first.git("rev-parse", "main", "baseline").stdout)

        // An edit travels alone: one more pack in the folder, not a second copy of everything.
        let before = try packs(folder)
        try first.write(".config/many/f7.conf", "value seven\n")
        XCTAssertExit(first.naner("commit", "-m", "seven"), 0)
        XCTAssertExit(first.naner("sync", "push", "--provider", "custom", "--path", folder), 0)
        let added = try packs(folder).subtracting(before)
        XCTAssertEqual(added.count, 1)
        let index = try Data(contentsOf: URL(fileURLWithPath: folder + "/objects/pack/" + added.first!.replacingOccurrences(of: ".pack", with: ".idx")))
        let listed = Sandbox.execute(["/usr/bin/git", "show-index"], environment: first.environment, directory: first.root, input: index)
        XCTAssertEqual(listed.lines.count, 5, "the commit, three trees and the file: \(listed.stdout)")

        // A new machine gets every file through the folder, byte for byte.
        let second = try Sandbox()
        XCTAssertExit(second.naner("init", "--from", folder), 0)
        XCTAssertEqual(second.read(".config/many/f7.conf"), Data("value seven\n".utf8))
        XCTAssertEqual(second.read(".config/many/f299.conf"), Data("value 299\n".utf8))
        XCTAssertEqual(second.git("rev-parse", "HEAD", "baseline").stdout, first.git("rev-parse", "HEAD", "baseline").stdout)
        XCTAssertEqual(second.git("status", "--porcelain").stdout, "")
        XCTAssertExit(second.git("fsck", "--strict"), 0)
    }

    func testAHalfSyncedPackIsNeverCopied() throws {
        let first = try Sandbox()
        try first.makeTypicalHome()
        for number in 0..<300 { try first.write(".config/many/f\(number).conf", "value \(number)\n") }
        XCTAssertExit(first.naner("init"), 0)
        let folder = first.root + "/Cloud/Naner-Config.git"
        XCTAssertExit(first.naner("sync", "push", "--provider", "custom", "--path", folder), 0)

        // The sync client has brought the big pack's index but not all of the pack yet.
        let big = try XCTUnwrap(try packs(first.repo).first)
        let packPath = folder + "/objects/pack/" + big
        let whole = try Data(contentsOf: URL(fileURLWithPath: packPath))
        chmod(packPath, 0o644)
        try whole.prefix(whole.count - 100).write(to: URL(fileURLWithPath: packPath))

        let second = try Sandbox()
        let run = second.naner("init", "--from", folder)
        XCTAssertNotEqual(run.status, 0, "objects that cannot be read stop the init")
        XCTAssertFalse((try? packs(second.repo))?.contains(big) ?? false, "the damaged pack was not copied")
    }

    private func packs(_ repository: String) throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: repository + "/objects/pack").filter { $0.hasSuffix(".pack") })
    }
}
