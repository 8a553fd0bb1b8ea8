import Foundation
import GitKit
import XCTest

/// `ObjectFiles` reads objects without libgit2 (a short `naner log`). The git CLI is the
/// oracle: every object of a repository with loose objects and packs whose deltas point
/// back by offset or by id reads as `git cat-file` prints it, commits parse as libgit2
/// parses them, and a damaged pack is never misread.
final class ObjectFilesTests: XCTestCase {
    private var root = ""

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "naner-objectfiles-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root + "/work", withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// A history whose files change a little each commit (so packs hold deltas), with
    /// an annotated tag, a tag of that tag, a signed-looking multi-line header and an
    /// author with an odd offset; `packed` runs `git gc` (offset deltas) or a repack with
    /// deltas named by id, then adds a few loose commits on top.
    private func makeRepository(deltasByID: Bool) throws -> String {
        let work = root + "/work"
        XCTAssertEqual(git(work, "init", "-q", "-b", "main").status, 0)
        var text = (0..<400).map { "line \($0) of a configuration file that changes a little\n" }.joined()
        for round in 0..<12 {
            text = text.replacingOccurrences(of: "line \(round * 7) ", with: "line \(round * 7) (edited \(round)) ")
            try text.write(toFile: work + "/config.txt", atomically: true, encoding: .utf8)
            try "round \(round)\n".write(toFile: work + "/round-\(round % 3).txt", atomically: true, encoding: .utf8)
            XCTAssertEqual(git(work, "add", "-A").status, 0)
            let date = "\(1_764_950_000 + round * 3_600) \(round % 2 == 0 ? "+0530" : "-0845")"
            let commit = git(work, ["-c", "user.name=  Ann  Example ", "commit", "-q", "-m", "round \(round)\n\nbody of \(round)\n",
                                    "--date", date], input: nil)
            XCTAssertEqual(commit.status, 0)
            if round == 5 {
                XCTAssertEqual(git(work, "tag", "-a", "-m", "a backup", "backup-5").status, 0)
                XCTAssertEqual(git(work, "tag", "-a", "-m", "tag of a tag", "nested", "backup-5").status, 0)
            }
        }
        if deltasByID {
            XCTAssertEqual(git(work, "-c", "repack.useDeltaBaseOffset=false", "repack", "-a", "-d", "-f", "-q").status, 0)
        } else {
            XCTAssertEqual(git(work, "gc", "-q", "--aggressive").status, 0)
        }
        try "after the pack\n".write(toFile: work + "/loose.txt", atomically: true, encoding: .utf8)
        XCTAssertEqual(git(work, "add", "-A").status, 0)
        XCTAssertEqual(git(work, "commit", "-q", "-m", "loose on top").status, 0)
        // The packs must hold deltas, of the kind asked for, or the test proves nothing.
        let pack = try FileManager.default.contentsOfDirectory(atPath: work + "/.git/objects/pack").first { $0.hasSuffix(".idx") }!
        let verify = git(work, "verify-pack", "-v", ".git/objects/pack/" + pack).lines
        XCTAssertGreaterThan(verify.filter { $0.split(separator: " ").count >= 7 }.count, 3, "no deltas in the pack")
        return work + "/.git"
    }

    private func allObjects(_ gitDir: String) -> [(id: String, type: String)] {
        git(gitDir, "cat-file", "--batch-all-objects", "--batch-check=%(objectname) %(objecttype)").lines.map {
            let parts = $0.split(separator: " ")
            return (String(parts[0]), String(parts[1]))
        }
    }

    func testEveryObjectReadsAsGitPrintsIt() throws {
        for byID in [false, true] {
            let gitDir = try makeRepository(deltasByID: byID)
            let objects = try XCTUnwrap(ObjectFiles(repository: gitDir))
            let listed = allObjects(gitDir)
            XCTAssertGreaterThan(listed.count, 40)
            for (hex, type) in listed {
                let read = try XCTUnwrap(objects.read(try XCTUnwrap(ObjectID(hex: hex))), "\(type) \(hex) not read (deltas by id: \(byID))")
                XCTAssertEqual("\(read.kind)", type)
                XCTAssertEqual(read.bytes, [UInt8](git(gitDir, "cat-file", type, hex).data), "\(type) \(hex) (deltas by id: \(byID))")
            }
            try FileManager.default.removeItem(atPath: root + "/work")
            try FileManager.default.createDirectory(atPath: root + "/work", withIntermediateDirectories: true)
        }
    }

    func testCommitsAndTagsParseAsLibgit2ReadsThem() throws {
        let gitDir = try makeRepository(deltasByID: false)
        let objects = try XCTUnwrap(ObjectFiles(repository: gitDir))
        let repository = try Repository.open(gitDir: gitDir, workTree: nil)
        for (hex, type) in allObjects(gitDir) where type == "commit" {
            let id = try XCTUnwrap(ObjectID(hex: hex))
            let mine = try XCTUnwrap(objects.commit(id)), theirs = try repository.commit(id)
            XCTAssertEqual(mine.treeID, theirs.treeID)
            XCTAssertEqual(mine.parentIDs, theirs.parentIDs)
            XCTAssertEqual(mine.message, theirs.message)
            XCTAssertEqual(mine.authorName, theirs.authorName)
            XCTAssertEqual(mine.authorEmail, theirs.authorEmail)
            XCTAssertEqual(mine.time, theirs.time)
            XCTAssertEqual(mine.offsetMinutes, theirs.offsetMinutes)
            XCTAssertEqual(mine.commitTime, theirs.commitTime)
        }
        for tag in ["backup-5", "nested"] {
            let tagID = try XCTUnwrap(ObjectID(hex: git(gitDir, "rev-parse", tag).stdout.trimmingCharacters(in: .newlines)))
            let commit = git(gitDir, "rev-parse", tag + "^{commit}").stdout.trimmingCharacters(in: .newlines)
            XCTAssertEqual(objects.peeledCommit(tagID)?.hex, commit, tag)
        }
        XCTAssertNil(objects.commit(try XCTUnwrap(ObjectID(hex: git(gitDir, "rev-parse", "HEAD^{tree}").stdout.trimmingCharacters(in: .newlines)))),
                     "a tree is not a commit")
    }

    /// Every byte of the pack past its header flipped in turn (a sample of them): an
    /// object then reads as it did, or not at all, never as something else.
    func testADamagedPackIsNeverMisread() throws {
        let gitDir = try makeRepository(deltasByID: false)
        let expected = Dictionary(uniqueKeysWithValues: allObjects(gitDir).map { ($0.id, [UInt8](git(gitDir, "cat-file", $0.type, $0.id).data)) })
        let packFolder = gitDir + "/objects/pack"
        let pack = packFolder + "/" + (try FileManager.default.contentsOfDirectory(atPath: packFolder).first { $0.hasSuffix(".pack") }!)
        let original = try Data(contentsOf: URL(fileURLWithPath: pack))
        var missing = 0
        for position in stride(from: 12, to: original.count - 20, by: max(1, original.count / 60)) {
            var damaged = original
            damaged[position] ^= 0x5A
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: pack)
            try damaged.write(to: URL(fileURLWithPath: pack))
            let objects = try XCTUnwrap(ObjectFiles(repository: gitDir))
            for (hex, bytes) in expected {
                guard let read = objects.read(try XCTUnwrap(ObjectID(hex: hex))) else { missing += 1; continue }
                XCTAssertEqual(read.bytes, bytes, "\(hex) misread with byte \(position) of the pack damaged")
            }
        }
        XCTAssertGreaterThan(missing, 0, "no damage was noticed: the test did not reach the objects")
    }

    /// An object past the size bound is not read (libgit2 answers), loose or packed,
    /// whatever its header claims; the small ones around it still are.
    func testAnObjectPastTheSizeBoundIsLeftToLibgit2() throws {
        let gitDir = try makeRepository(deltasByID: false)
        let work = root + "/work"
        var random = SystemRandomNumberGenerator()
        let big = (0..<(3 << 20)).map { _ in UInt8.random(in: 0...255, using: &random) }  // incompressible
        try Data(big).write(to: URL(fileURLWithPath: work + "/big.bin"))
        let hex = git(work, "hash-object", "-w", "big.bin").stdout.trimmingCharacters(in: .newlines)
        let id = try XCTUnwrap(ObjectID(hex: hex))
        let head = try XCTUnwrap(ObjectID(hex: git(gitDir, "rev-parse", "HEAD").stdout.trimmingCharacters(in: .newlines)))
        for packed in [false, true] {
            if packed { XCTAssertEqual(git(work, "add", "big.bin").status, 0); XCTAssertEqual(git(work, "commit", "-q", "-m", "big").status, 0)
                        XCTAssertEqual(git(work, "repack", "-a", "-d", "-q").status, 0) }
            let bounded = try XCTUnwrap(ObjectFiles(repository: gitDir, maximumSize: 1 << 20))
            XCTAssertNil(bounded.read(id), packed ? "packed" : "loose")
            XCTAssertNotNil(bounded.commit(head))
            XCTAssertEqual(try XCTUnwrap(ObjectFiles(repository: gitDir)).read(id)?.bytes, big)
        }
    }

    func testAnAlternateObjectStoreIsLeftToLibgit2() throws {
        let gitDir = try makeRepository(deltasByID: false)
        try "/elsewhere/objects\n".write(toFile: gitDir + "/objects/info/alternates", atomically: true, encoding: .utf8)
        XCTAssertNil(ObjectFiles(repository: gitDir))
    }
}
