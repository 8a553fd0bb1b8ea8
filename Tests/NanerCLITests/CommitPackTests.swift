import Foundation
import XCTest

/// A commit's new blobs and trees go into one small pack instead of a loose file each,
/// and the small packs are joined now and then; git must read every object back.
final class CommitPackTests: XCTestCase {
    private func looseObjects(_ sandbox: Sandbox) -> Int {
        sandbox.git("count-objects", "-v").lines.first { $0.hasPrefix("count: ") }.flatMap { Int($0.dropFirst(7)) } ?? -1
    }

    private func packs(_ sandbox: Sandbox) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: sandbox.repo + "/objects/pack")) ?? []).filter { $0.hasSuffix(".pack") }
    }

    func testACommitWritesOnePackThatGitReads() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        let packsAfterInit = packs(sandbox).count
        XCTAssertEqual(looseObjects(sandbox), 0, "the first commit is in its pack too")

        try sandbox.write(".bashrc", "export EDITOR=nvim\n")
        try sandbox.write(".config/nvim/lua/deep/plugins.lua", "return { 'a' }\n")
        try sandbox.write(".config/nvim/init.lua", "require('deep.plugins')\n", mode: 0o755)
        try FileManager.default.removeItem(atPath: sandbox.home + "/.vimrc")
        let large = Data((0..<(1 << 20) + 10).map { UInt8(truncatingIfNeeded: $0 &* 13) })
        try sandbox.write(".config/app/large.bin", large)
        XCTAssertExit(sandbox.naner("commit", "-m", "nvim"), 0)

        // Preconditions that the pack path ran: one more pack; loose is only the blob
        // over 1 MiB (a pack batch is held in memory).
        XCTAssertEqual(packs(sandbox).count, packsAfterInit + 1)
        XCTAssertEqual(looseObjects(sandbox), 1)
        // HEAD moved as git moves it, in both reflogs.
        XCTAssertEqual(sandbox.git("reflog", "--format=%gs", "HEAD").lines, ["commit: nvim", "commit (initial): naner init"])
        XCTAssertEqual(sandbox.git("reflog", "--format=%gs", "main").lines, ["commit: nvim", "commit (initial): naner init"])
        XCTAssertEqual(sandbox.git("reflog", "-1", "--format=%gn <%ge>", "main").stdout, sandbox.git("log", "-1", "--format=%cn <%ce>").stdout,
                       "the reflog is signed by the committer")
        XCTAssertExit(sandbox.git("fsck", "--strict"), 0)
        XCTAssertEqual(sandbox.git("status", "--porcelain").stdout, "")
        XCTAssertEqual(sandbox.git("show", "HEAD:.config/nvim/lua/deep/plugins.lua").stdout, "return { 'a' }\n")
        XCTAssertEqual(sandbox.git("show", "HEAD:.bashrc").stdout, "export EDITOR=nvim\n")
        XCTAssertTrue(sandbox.git("ls-tree", "HEAD", ".config/nvim/init.lua").stdout.hasPrefix("100755 blob "))
        XCTAssertEqual(sandbox.git("rev-parse", "HEAD:.config/app/large.bin").stdout,
                       sandbox.git("hash-object", sandbox.home + "/.config/app/large.bin").stdout)
        XCTAssertEqual(sandbox.git("diff", "--name-status", "HEAD~1", "HEAD").lines.sorted(),
                       ["A\t.config/app/large.bin", "A\t.config/nvim/init.lua", "A\t.config/nvim/lua/deep/plugins.lua",
                        "D\t.vimrc", "M\t.bashrc"])

        // A backup's commit and tag, and a restore's commit, are read back as well.
        try sandbox.write(".bashrc", "export EDITOR=vim\n")
        XCTAssertExit(sandbox.naner("backup", "--name", "before"), 0)
        try sandbox.write(".bashrc", "broken\n")
        XCTAssertExit(sandbox.naner("commit", "-m", "broken"), 0)
        let (looseBefore, packsBefore) = (looseObjects(sandbox), packs(sandbox).count)
        XCTAssertExit(sandbox.naner("restore", "before"), 0)
        // The safety point's commit is loose; the restore's blob, trees and commit are one pack.
        XCTAssertEqual(looseObjects(sandbox), looseBefore + 1)
        XCTAssertEqual(packs(sandbox).count, packsBefore + 1)
        XCTAssertEqual(sandbox.git("reflog", "-1", "--format=%gs", "main").stdout, "commit: restore before\n")
        XCTAssertEqual(sandbox.read(".bashrc"), Data("export EDITOR=vim\n".utf8))
        XCTAssertExit(sandbox.git("fsck", "--strict"), 0)
        XCTAssertEqual(sandbox.git("show", "HEAD:.bashrc").stdout, "export EDITOR=vim\n")
        XCTAssertEqual(sandbox.git("cat-file", "-t", "before").stdout, "tag\n")
    }

    func testSmallPacksAreJoinedAndHistoryStaysWhole() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        let commits = 40
        var most = 0
        for number in 1...commits {
            try sandbox.write(".config/edits/file\(number % 5).conf", "edit \(number)\n")
            XCTAssertExit(sandbox.naner("commit", "-m", "edit \(number)"), 0)
            most = max(most, packs(sandbox).count)
        }
        // 41 commits made 41 packs; past 32 they were joined, and never left more than 32.
        XCTAssertLessThanOrEqual(most, 32)
        XCTAssertLessThan(packs(sandbox).count, 33)
        XCTAssertExit(sandbox.git("fsck", "--strict"), 0)
        XCTAssertEqual(sandbox.git("count-objects", "-v").lines.first { $0.hasPrefix("garbage: ") }, "garbage: 0")
        // Every version of every file is there: the oldest edits came out of joined packs.
        for number in 1...commits {
            let back = commits - number
            XCTAssertEqual(sandbox.git("show", "HEAD~\(back):.config/edits/file\(number % 5).conf").stdout, "edit \(number)\n")
        }
        let listed = sandbox.git("rev-list", "--objects", "--all", "--missing=print")
        XCTAssertExit(listed, 0)
        XCTAssertGreaterThan(listed.lines.count, 40 * 3)
        XCTAssertEqual(listed.lines.filter { $0.hasPrefix("?") }, [], "no object is missing")
        XCTAssertEqual(sandbox.naner("status", "--short").stdout, "")
    }

    func testARepositoryWithoutAPackFolderGetsOne() throws {
        // A repository of loose objects whose empty pack folder a sync client did not bring along.
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        let folder = sandbox.repo + "/objects/pack"
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            if name.hasSuffix(".pack") {
                let pack = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
                try FileManager.default.moveItem(atPath: folder + "/" + name, toPath: sandbox.root + "/" + name)
                XCTAssertExit(Sandbox.execute(["/usr/bin/git", "--git-dir=" + sandbox.repo, "unpack-objects", "-q"],
                                              environment: sandbox.environment, directory: sandbox.root, input: pack), 0)
            } else {
                try FileManager.default.removeItem(atPath: folder + "/" + name)
            }
        }
        try FileManager.default.removeItem(atPath: folder)
        XCTAssertExit(sandbox.git("fsck", "--strict"), 0)

        try sandbox.write(".bashrc", "export PAGER=less\n")
        XCTAssertExit(sandbox.naner("commit", "-m", "pager"), 0)
        XCTAssertEqual(packs(sandbox).count, 1)
        XCTAssertEqual(sandbox.git("show", "HEAD:.bashrc").stdout, "export PAGER=less\n")
        XCTAssertEqual(sandbox.git("log", "--format=%s").lines, ["pager", "naner init"])
        XCTAssertExit(sandbox.git("fsck", "--strict"), 0)

        // An index whose pack is gone (a kill between libgit2's two renames) is swept.
        let orphan = "objects/pack/pack-" + String(repeating: "ab", count: 20) + ".idx"
        try Data("idx".utf8).write(to: URL(fileURLWithPath: sandbox.repo + "/" + orphan))
        try sandbox.write(".bashrc", "export PAGER=most\n")
        let commit = sandbox.naner("commit", "-m", "most")
        XCTAssertExit(commit, 0)
        XCTAssertTrue(commit.stderr.contains("warning: removed '\(orphan)'"), commit.stderr)
        XCTAssertEqual(sandbox.git("count-objects", "-v").lines.first { $0.hasPrefix("garbage: ") }, "garbage: 0")
    }
}
