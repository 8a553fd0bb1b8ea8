import Foundation
import GitKit
import XCTest

/// `TreeReader.changes` is what restores, pulls and previews compare trees with, read
/// from the repository's files or through libgit2. The git CLI's `diff-tree -r` is the
/// oracle on seeded random histories: files edited, added, removed, made executable or
/// links, files become folders and folders files, and folders large enough for the
/// lookup table; both readers must list exactly git's paths, ids and modes.
final class TreeReaderTests: XCTestCase {
    private var root = ""

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "naner-treereader-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root + "/work", withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: root)
    }

    func testChangesAreGitsDiffTreeThroughBothReaders() throws {
        let work = root + "/work"
        XCTAssertEqual(git(work, "init", "-q", "-b", "main").status, 0)
        var random = GitignoreTests.SeededGenerator(state: 0x7EE_D1FF)
        let folders = ["", "a/", "a/b/", "big/", "c/", "c/d/e/"]
        func path() -> String {
            let folder = random.pick(folders)
            return folder + (folder == "big/" ? "f\(random.below(120))" : random.pick(["x", "y", "z", "w.conf", "b", "d"]))
        }
        func write(_ relative: String, _ text: String) throws {
            let absolute = work + "/" + relative
            try? FileManager.default.removeItem(atPath: absolute)
            try FileManager.default.createDirectory(atPath: (absolute as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: absolute, atomically: false, encoding: .utf8)
        }
        for index in 0..<150 { try? write(path(), "first \(index)\n") }
        for index in 0..<100 { try write("big/f\(index)", "big \(index)\n") }
        XCTAssertEqual(git(work, "add", "-A").status, 0)
        XCTAssertEqual(git(work, "commit", "-q", "-m", "0").status, 0)

        let repository = try Repository.open(gitDir: work + "/.git", workTree: nil)
        var compared = 0
        for round in 1...12 {
            for _ in 0..<(3 + random.below(12)) {
                let target = path()
                let absolute = work + "/" + target
                switch random.below(7) {
                case 0: try? FileManager.default.removeItem(atPath: absolute)
                case 1: chmod(absolute, 0o755)
                case 2:
                    try? FileManager.default.removeItem(atPath: absolute)
                    try? FileManager.default.createDirectory(atPath: (absolute as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                    symlink("elsewhere-\(round)", absolute)
                case 3:  // a file becomes a folder, or a folder a file
                    var isFolder: ObjCBool = false
                    if FileManager.default.fileExists(atPath: absolute, isDirectory: &isFolder), isFolder.boolValue {
                        try FileManager.default.removeItem(atPath: absolute)
                        try write(target, "was a folder \(round)\n")
                    } else {
                        try? FileManager.default.removeItem(atPath: absolute)
                        try? write(target + "/inside", "was a file \(round)\n")
                    }
                default: try? write(target, "round \(round) \(random.below(1000))\n")
                }
            }
            XCTAssertEqual(git(work, "add", "-A").status, 0)
            XCTAssertEqual(git(work, "commit", "-q", "--allow-empty", "-m", "\(round)").status, 0)
            if round % 4 == 0 { XCTAssertEqual(git(work, "gc", "-q").status, 0) }  // packed and loose objects both

            let older = random.below(round)
            let old = try XCTUnwrap(ObjectID(hex: git(work, "rev-parse", "HEAD~\(round - older)^{tree}").stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
            let new = try XCTUnwrap(ObjectID(hex: git(work, "rev-parse", "HEAD^{tree}").stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
            let raw = git(work, "diff-tree", "-r", "-z", "--no-renames", old.hex, new.hex).data
            var expected: [String] = []
            let fields = raw.split(separator: 0, omittingEmptySubsequences: true).map { String(decoding: $0, as: UTF8.self) }
            var position = 0
            while position + 1 < fields.count {
                let header = fields[position].dropFirst().split(separator: " ")
                let status = header[4], path = fields[position + 1]
                expected.append(status == "D" ? "\(path) gone" : "\(path) \(header[3]) \(header[1]) \(status == "A" ? "new" : "changed")")
                position += 2
            }
            func listed(_ changes: [TreeChange]) -> [String] {
                changes.map { change in
                    guard let id = change.newID else { return "\(change.path) gone" }
                    return "\(change.path) \(id.hex) \(String(change.newMode, radix: 8).leftPadded6) \(change.isAddition ? "new" : "changed")"
                }
            }
            let fromFiles = TreeReader(gitDir: work + "/.git") {
                XCTFail("libgit2 opened for trees the files hold")
                return repository
            }
            XCTAssertEqual(listed(try fromFiles.changes(from: old, to: new)).sorted(), expected.sorted(), "round \(round)")
            XCTAssertEqual(listed(try repository.changes(from: old, to: new)).sorted(), expected.sorted(), "round \(round)")
            compared += expected.count
        }
        XCTAssertGreaterThan(compared, 100, "too few changes compared: the test proves little")
    }
}

private extension String {
    var leftPadded6: String { String(repeating: "0", count: max(0, 6 - count)) + self }
}
