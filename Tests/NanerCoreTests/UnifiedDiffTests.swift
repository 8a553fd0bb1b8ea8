import Foundation
import GitKit
import XCTest

/// `UnifiedDiff` writes `naner diff`'s patches without libgit2. The git CLI is the oracle,
/// byte for byte: hundreds of seeded random edits (lines that repeat, indentation, blank
/// lines, function-like lines, no final newline, CRLF, binary bytes, rewrites large enough
/// for xdiff's cost limits) diffed by `git diff` in one repository and by UnifiedDiff.
final class UnifiedDiffTests: XCTestCase {
    private var root = ""

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "naner-unifieddiff-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        XCTAssertEqual(git(root, "init", "-q", "-b", "main").status, 0)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// git's own settings for what the patch looks like, whatever the machine's config says.
    private func gitDiff(_ extra: [String] = []) -> String {
        git(root, ["-c", "core.quotepath=on", "-c", "diff.algorithm=myers", "-c", "diff.indentHeuristic=true",
                   "-c", "diff.interHunkContext=0", "-c", "diff.context=3", "-c", "core.abbrev=7", "-c", "diff.noprefix=false",
                   "-c", "diff.mnemonicPrefix=false", "-c", "diff.suppressBlankEmpty=false", "-c", "diff.renames=false",
                   "--no-pager", "diff", "--no-color", "--no-ext-diff"] + extra, input: nil).stdout
    }

    /// Writes each old text, commits, writes each new one; returns git's diff and ours.
    private func compare(_ pairs: [(name: String, old: [UInt8], new: [UInt8])]) throws -> (git: String, ours: String) {
        for pair in pairs { try Data(pair.old).write(to: URL(fileURLWithPath: root + "/" + pair.name)) }
        XCTAssertEqual(git(root, "add", "-A").status, 0)
        XCTAssertEqual(git(root, "commit", "-q", "-m", "old").status, 0)
        for pair in pairs { try Data(pair.new).write(to: URL(fileURLWithPath: root + "/" + pair.name)) }
        // git lists paths in byte order.
        let ours = try pairs.sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }.map { pair -> String in
            guard pair.old != pair.new else { return "" }
            return UnifiedDiff.patch(path: pair.name,
                                     old: .init(id: try ObjectID.hash(pair.old, kind: .blob), mode: 0o100644, bytes: pair.old),
                                     new: .init(id: try ObjectID.hash(pair.new, kind: .blob), mode: 0o100644, bytes: pair.new))
        }.joined()
        return (gitDiff(), ours)
    }

    /// Splits both outputs per file, so a failure names the file and shows its two patches.
    private func assertSame(_ result: (git: String, ours: String), file: StaticString = #filePath, line: UInt = #line) {
        func files(_ text: String) -> [String] { text.components(separatedBy: "diff --git ").filter { !$0.isEmpty } }
        let expected = files(result.git), actual = files(result.ours)
        XCTAssertEqual(actual.count, expected.count, "files with a patch", file: file, line: line)
        for (theirs, ours) in zip(expected, actual) where theirs != ours {
            XCTFail("git:\n\(theirs)\nnaner:\n\(ours)", file: file, line: line)
            return
        }
        XCTAssertFalse(expected.isEmpty, "the oracle printed nothing: the test proves nothing", file: file, line: line)
    }

    func testSmallHandWrittenCasesAsGitPrintsThem() throws {
        let cases: [(String, String, String)] = [
            ("append", "a\nb\nc\n", "a\nb\nc\nd\n"),
            ("no-newline-old", "a\nb", "a\nb\n"),
            ("no-newline-new", "a\nb\n", "a\nc"),
            ("emptied", "a\nb\n", ""),
            ("from-empty", "", "a\n"),
            ("crlf", "a\r\nb\r\n", "a\r\nc\r\n"),
            ("function-name", "int main() {\n  x;\n  y;\n  z;\n  w;\n  v;\n}\n", "int main() {\n  x;\n  y;\n  z;\n  w;\n  V;\n}\n"),
            ("long-function-name", String(repeating: "f", count: 120) + "  \n1\n2\n3\n4\n5\n", String(repeating: "f", count: 120) + "  \n1\n2\n3\n4\nX\n"),
            ("two-hunks", (1...30).map { "\($0)\n" }.joined(), (1...30).map { $0 == 3 || $0 == 25 ? "x\n" : "\($0)\n" }.joined()),
            ("joined-hunks", (1...30).map { "\($0)\n" }.joined(), (1...30).map { $0 == 3 || $0 == 9 ? "x\n" : "\($0)\n" }.joined()),
            ("slide", "a\n\nb\n\nc\n", "a\n\nb\n\nx\n\nc\n"),
            ("indent", "if a {\n    b\n}\n\nif c {\n    d\n}\n", "if a {\n    b\n}\n\nif e {\n    f\n}\n\nif c {\n    d\n}\n"),
            ("binary", "a\u{0}b\n", "a\u{0}c\n"),
            ("becomes-binary", "text\n", "te\u{0}xt\n"),
            ("tabs", "\tx\n\t\ty\n", "\tx\n\t\tz\n"),
        ]
        assertSame(try compare(cases.map { ($0.0, Array($0.1.utf8), Array($0.2.utf8)) }))
    }

    func testSeededRandomEditsAsGitPrintsThem() throws {
        var random = GitignoreTests.SeededGenerator(state: 0x5EED_D1FF)
        let vocabulary = ["", "", "}", "{", "    return x;", "\tfoo();", "int f(void)", "# comment", "export PATH=$PATH:~/bin",
                          "alias ll='ls -l'", "    ", "set -g mouse on", "[section]", "key = value", "  - item", "fi", "done",
                          "$var = 1", "_private", "1234", "\tif (a) {", "\t}", "line"]
        func randomLine() -> String {
            random.chance(30) ? random.pick(vocabulary) : "\(random.pick(vocabulary)) \(random.below(40))"
        }
        var pairs: [(name: String, old: [UInt8], new: [UInt8])] = []
        for number in 0..<300 {
            let count = random.chance(10) ? random.below(400) : random.below(40)
            var lines = (0..<count).map { _ in randomLine() }
            let old = lines
            for _ in 0..<(1 + random.below(6)) {
                let at = lines.isEmpty ? 0 : random.below(lines.count + 1)
                switch random.below(5) {
                case 0: lines.insert(contentsOf: (0..<(1 + random.below(5))).map { _ in randomLine() }, at: at)
                case 1: if at < lines.count { lines.removeSubrange(at..<min(lines.count, at + 1 + random.below(4))) }
                case 2: if at < lines.count { lines[at] = randomLine() }
                case 3: if at < lines.count { lines.insert(lines[at], at: min(lines.count, at + 1 + random.below(3))) }  // a repeat
                default: lines.insert(contentsOf: ["", randomLine(), ""], at: at)
                }
            }
            func text(_ lines: [String]) -> [UInt8] {
                var text = lines.map { $0 + "\n" }.joined()
                if random.chance(8), !text.isEmpty { text.removeLast() }  // no final newline
                if random.chance(5) { text = text.replacingOccurrences(of: "\n", with: "\r\n") }
                return Array(text.utf8)
            }
            pairs.append(("f\(number)", text(old), text(lines)))
        }
        assertSame(try compare(pairs))
    }

    /// Rewrites big enough for xdiff's shortcuts (an edit cost past 256: good snakes,
    /// then the furthest path), and lines so frequent that xdiff discards them.
    func testLargeRewritesTakeGitsShortcuts() throws {
        var random = GitignoreTests.SeededGenerator(state: 0xB16_D1FF)
        var pairs: [(name: String, old: [UInt8], new: [UInt8])] = []
        for number in 0..<6 {
            let count = 1500 + random.below(2500)
            let old = (0..<count).map { _ in random.chance(20) ? "}" : "value \(random.below(count / 2))" }
            // Scattered edits, or blocks of edits between long unchanged runs (good snakes);
            // lines new to the file are set aside by xdiff, so most edits reuse old lines.
            let new = number % 2 == 0
                ? old.map { line in random.chance(35 + number * 5) ? "other \(random.below(count))" : line }
                : old.indices.map { index in (index / 30) % 2 == 0 ? "value \(random.below(count / 2))" : old[index] }
            pairs.append(("big\(number)", Array(old.map { $0 + "\n" }.joined().utf8),
                          Array((new + (0..<random.below(200)).map { "tail \($0 % 7)" }).map { $0 + "\n" }.joined().utf8)))
        }
        // xdiff looks for good snakes only once its cost limit (the root of the line count,
        // at least 256) lets the search run past 256: files of more than 32,768 lines.
        let count = 40_000
        let old = (0..<count).map { "value \(($0 * 7_919) % 9_000)" }
        let new = old.indices.map { index in index % 50 < 6 ? "value \(random.below(9_000))" : old[index] }
        pairs.append(("huge", Array(old.map { $0 + "\n" }.joined().utf8), Array(new.map { $0 + "\n" }.joined().utf8)))
        assertSame(try compare(pairs))
    }

    func testPathsAreQuotedAsGitQuotesThem() throws {
        let names = ["caf\u{E9}.conf", "tab\there", "quote\"d", "back\\slash", "plain name"]
        assertSame(try compare(names.map { ($0, Array("a\n".utf8), Array("b\n".utf8)) }))
    }

    func testNewDeletedAndEmptyFilesAsGitPrintsThem() throws {
        for (name, text) in [("gone", "a\nb\n"), ("gone-empty", ""), ("stays", "x\n")] {
            try Data(text.utf8).write(to: URL(fileURLWithPath: root + "/" + name))
        }
        XCTAssertEqual(git(root, "add", "-A").status, 0)
        XCTAssertEqual(git(root, "commit", "-q", "-m", "old").status, 0)
        try FileManager.default.removeItem(atPath: root + "/gone")
        try FileManager.default.removeItem(atPath: root + "/gone-empty")
        try Data("new\nfile".utf8).write(to: URL(fileURLWithPath: root + "/new"))
        try Data().write(to: URL(fileURLWithPath: root + "/new-empty"))
        XCTAssertEqual(git(root, "add", "-N", "new", "new-empty").status, 0)  // git diff shows them as new
        func side(_ text: String) throws -> UnifiedDiff.Side {
            .init(id: try ObjectID.hash(Array(text.utf8), kind: .blob), mode: 0o100644, bytes: Array(text.utf8))
        }
        let ours = try UnifiedDiff.patch(path: "gone", old: side("a\nb\n"), new: nil)
            + UnifiedDiff.patch(path: "gone-empty", old: side(""), new: nil)
            + UnifiedDiff.patch(path: "new", old: nil, new: side("new\nfile"))
            + UnifiedDiff.patch(path: "new-empty", old: nil, new: side(""))
        assertSame((gitDiff(), ours))
    }

    /// The same content: nothing, or git's two mode lines and no index line.
    func testSameContentIsNothingOrModeLinesAlone() throws {
        let bytes = Array("set number\n".utf8)
        let id = try ObjectID.hash(bytes, kind: .blob)
        XCTAssertEqual(UnifiedDiff.patch(path: "a", old: .init(id: id, mode: 0o100644, bytes: bytes), new: .init(id: id, mode: 0o100644, bytes: bytes)), "")
        try Data(bytes).write(to: URL(fileURLWithPath: root + "/run"))
        XCTAssertEqual(git(root, "add", "-A").status, 0)
        XCTAssertEqual(git(root, "commit", "-q", "-m", "old").status, 0)
        chmod(root + "/run", 0o755)
        assertSame((gitDiff(), UnifiedDiff.patch(path: "run", old: .init(id: id, mode: 0o100644, bytes: bytes),
                                                 new: .init(id: id, mode: 0o100755, bytes: bytes))))
    }
}
