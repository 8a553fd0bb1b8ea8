import Foundation
import GitKit
import XCTest

/// `Repository.changes(from:to:)` prunes unchanged subtrees by id; `git diff-tree`
/// is the oracle on random pairs of trees with every kind of change. Applying the
/// changes with `tree(from:updating:removing:)` must give the new tree back.
final class TreeDiffTests: XCTestCase {
    func testAgreesWithGitDiffTreeOnRandomTrees() throws {
        let root = NSTemporaryDirectory() + "naner-treediff-\(UUID().uuidString)"
        let work = root + "/work"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        XCTAssertEqual(git(work, "init", "-q", "-b", "main").status, 0)

        var random = GitignoreTests.SeededGenerator(state: 7)
        let names = ["a", "b", "c", "a.d", "a-e", "x y"]
        func randomPath() -> String {
            (0..<Int.random(in: 1...3, using: &random)).map { _ in names.randomElement(using: &random)! }.joined(separator: "/")
        }
        var commits: [String] = []
        var compared = 0
        for round in 0..<40 {
            // Each round adds, edits, removes, chmods, relinks and swaps files and folders.
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                let path = work + "/" + randomPath()
                let parent = (path as NSString).deletingLastPathComponent
                switch Int.random(in: 0..<6, using: &random) {
                case 0, 1:
                    try? FileManager.default.removeItem(atPath: path)
                    if (try? FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)) == nil {
                        continue  // a file stands where a folder is wanted
                    }
                    try "round \(round) \(Int.random(in: 0..<3, using: &random))\n".write(toFile: path, atomically: false, encoding: .utf8)
                case 2:
                    try? FileManager.default.removeItem(atPath: path)
                case 3:
                    chmod(path, Bool.random(using: &random) ? 0o755 : 0o644)
                case 4:
                    try? FileManager.default.removeItem(atPath: path)
                    if (try? FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)) != nil {
                        try? FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "target-\(round)")
                    }
                default:
                    // A file becomes a folder of the same name, or a folder a file.
                    try? FileManager.default.removeItem(atPath: path)
                    if (try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)) != nil {
                        try "inside\n".write(toFile: path + "/inner", atomically: false, encoding: .utf8)
                    }
                }
            }
            XCTAssertEqual(git(work, "add", "-A").status, 0)
            guard git(work, "commit", "-q", "--allow-empty", "-m", "round \(round)").status == 0 else { continue }
            commits.append(git(work, "rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        }

        // Every file (blob or link) of a commit: path → blob id, from `git ls-tree`.
        var listed: [String: [String: String]] = [:]
        func files(_ commit: String) -> [String: String] {
            if let known = listed[commit] { return known }
            var result: [String: String] = [:]
            for line in git(work, "ls-tree", "-r", "-z", commit).stdout.split(separator: "\0") {
                let fields = line.split(separator: "\t", maxSplits: 1)
                let meta = fields[0].split(separator: " ")
                if meta[1] == "blob" { result[String(fields[1])] = String(meta[2]) }
            }
            listed[commit] = result
            return result
        }
        let repository = try Repository.open(gitDir: work + "/.git", workTree: work)
        for _ in 0..<60 {
            let old = Bool.random(using: &random) ? nil : commits.randomElement(using: &random)!
            let new = commits.randomElement(using: &random)!
            let oldTree = try old.map { try repository.commit(try repository.resolveCommit($0)).treeID }
            let newTree = try repository.commit(try repository.resolveCommit(new)).treeID
            let changes = try repository.changes(from: oldTree, to: newTree)

            let base = old ?? git(work, "hash-object", "-t", "tree", "/dev/null").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let expected = git(work, "diff-tree", "-r", "--no-renames", "--name-only", base, new).lines
            XCTAssertEqual(Set(changes.map(\.path)), Set(expected), "\(old ?? "empty") → \(new)")
            XCTAssertEqual(changes.map(\.path), changes.map(\.path).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
            let before = old.map(files) ?? [:], after = files(new)
            for change in changes {
                XCTAssertEqual(change.newID?.hex, after[change.path], change.path)
                // An addition: no file at that path before (a folder there does not count).
                if change.newID != nil { XCTAssertEqual(change.isAddition, before[change.path] == nil, change.path) }
            }
            // Applying the changes to the old tree gives the new one, id for id.
            let updates = changes.compactMap { change in change.newID.map { IndexEntry(path: change.path, id: $0, mode: change.newMode) } }
            let removals = changes.filter { $0.newID == nil }.map(\.path)
            XCTAssertEqual(try repository.tree(from: oldTree, updating: updates, removing: removals), newTree,
                           "\(old ?? "empty") → \(new)")
            compared += changes.count
        }
        XCTAssertGreaterThan(compared, 100, "the random trees differ enough to test something")
    }
}
