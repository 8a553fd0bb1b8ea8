import Foundation
import XCTest

/// The repository holds copies of private files (0600 `~/.ssh/config`), so nobody
/// else may read it; naner never follows a link out of the home when told to manage
/// a path; and a sync left half-way is found and cleared by `naner doctor`.
final class PrivateByDefaultTests: XCTestCase {
    private func mode(_ path: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
    }

    func testRepositoryAndTheFoldersNanerCreatesArePrivate() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        // The default place, inside the home: naner creates .local, .local/share and naner/.
        let inside = sandbox.naner(["init"], environment: ["NANER_REPO": ""])
        XCTAssertExit(inside, 0)
        for folder in [".local", ".local/share", ".local/share/naner", ".local/share/naner/repo.git"] {
            XCTAssertEqual(try mode(sandbox.home + "/" + folder), 0o700, folder)
        }
        XCTAssertFalse(inside.stderr.contains("made"), "a new repository needs no repair: \(inside.stderr)")
        let fsck = Sandbox.execute(["/usr/bin/git", "--git-dir=" + sandbox.home + "/.local/share/naner/repo.git", "fsck", "--strict"],
                                   environment: sandbox.environment, directory: sandbox.home)
        XCTAssertEqual(fsck.status, 0, fsck.stderr)
    }

    func testARepositoryMadeReadableByOthersIsRepairedOnceAndSaysSo() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        XCTAssertEqual(try mode(sandbox.repo), 0o700)
        // As an earlier naner left it.
        XCTAssertEqual(chmod(sandbox.repo, 0o755), 0)
        let first = sandbox.naner("status")
        XCTAssertExit(first, 0)
        XCTAssertTrue(first.stderr.contains("warning: made '\(sandbox.repo)' private (700)"), first.stderr)
        XCTAssertEqual(try mode(sandbox.repo), 0o700)
        let second = sandbox.naner("status")
        XCTAssertFalse(second.stderr.contains("private"), "said once: \(second.stderr)")
    }

    func testAddThroughALinkLeadingOutOfTheHomeIsRefused() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        let outside = sandbox.root + "/outside"
        try FileManager.default.createDirectory(atPath: outside + "/data", withIntermediateDirectories: true)
        try Data("secret elsewhere\n".utf8).write(to: URL(fileURLWithPath: outside + "/data/file"))
        try FileManager.default.createSymbolicLink(atPath: sandbox.home + "/.sneaky", withDestinationPath: outside)
        let includeBefore = sandbox.read(".naner/include")
        let run = sandbox.naner("add", sandbox.home + "/.sneaky/data")
        XCTAssertExit(run, 1)
        XCTAssertOneErrorLine(run, contains: "'.sneaky/data' is inside '.sneaky', a link to '\(outside)' outside the home")
        XCTAssertEqual(sandbox.read(".naner/include"), includeBefore, "nothing changed")
        // The link itself may be managed: it is stored as a link.
        XCTAssertExit(sandbox.naner("add", ".sneaky"), 0)
    }

    func testDoctorFindsAndClearsWhatAnInterruptedSyncLeft() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        // The scratch refs of a killed `sync --dry-run`, and a journal of a pull that cannot finish.
        let head = sandbox.git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertExit(sandbox.git("update-ref", "refs/naner/preview/origin/main", head), 0)
        let journal = #"{"remote": "origin", "from": "\#(head)", "to": "0123456789012345678901234567890123456789"}"#
        try Data(journal.utf8).write(to: URL(fileURLWithPath: sandbox.repo + "/naner-sync-pending.json"))

        let found = sandbox.naner("doctor")
        XCTAssertExit(found, 1)
        XCTAssertTrue(found.stderr.contains("scratch ref(s) of an interrupted 'naner sync --dry-run' remain"), found.stderr)
        XCTAssertTrue(found.stderr.contains("a pull from 'origin' was interrupted"), found.stderr)
        let fixed = sandbox.naner("doctor", "--fix")
        XCTAssertTrue(fixed.stdout.contains("removed 1 scratch ref(s)") || fixed.stderr.contains("removed 1 scratch ref(s)"),
                      fixed.stdout + fixed.stderr)
        XCTAssertEqual(sandbox.git("for-each-ref", "refs/naner/preview").stdout, "")
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.repo + "/naner-sync-pending.json"))
        XCTAssertExit(sandbox.naner("doctor"), 0)
        try sandbox.write(".bashrc", "after\n")
        XCTAssertExit(sandbox.naner("commit", "-m", "after"), 0)
    }
}
