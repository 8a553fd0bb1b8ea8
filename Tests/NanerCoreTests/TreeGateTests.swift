import Foundation
import GitKit
import XCTest
@testable import NanerCore

/// `TreeGate` against git itself: every name git's `verify_path` refuses with
/// `core.protectNTFS` and `core.protectHFS` on, naner refuses too (naner also
/// refuses a `\`); every tree `git fsck --strict` fails, naner refuses.
final class TreeGateTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "naner-gate-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func testNamesAgainstGitVerifyPath() throws {
        XCTAssertEqual(git(folder, "init", "--quiet").status, 0)
        let empty = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"
        let names = [
            ".", "..", ".git", ".GIT", ".Git", ".git.", ".git  ", ".git . .", "git~1", "GIT~1", "git~2",
            ".git::$INDEX_ALLOCATION", ".git:stream", ".git\u{200C}", ".g\u{200C}it", "\u{200C}.git", ".gi\u{200D}t",
            ".GIT\u{FEFF}", ".gitx", ".gitignore", ".gitconfig", ".gitmodules", ".GITMODULES", ".gitmodules .",
            "gitmod~1", "GITMOD~4", "gitmod~5", "gi7eba~1", "gi7eba~9", "a\\.git", "a\\git~1", "..\\escape", "back\\slash.conf",
            ".config", "git", "g", "gi", "normal.conf", "ünïcödé", "emoji-🙂", String(repeating: "n", count: 255),
        ]
        var gitRefusals = 0
        for name in names {
            for mode in ["100644", "120000"] {
                let refusedByGit = git(folder, ["-c", "core.protectNTFS=true", "-c", "core.protectHFS=true",
                                                "update-index", "--add", "--cacheinfo", "\(mode),\(empty),\(name)"], input: nil).status != 0
                let reason = EntryName.problem(Array(name.utf8), isSymlink: mode == "120000")
                if refusedByGit {
                    gitRefusals += 1
                    XCTAssertNotNil(reason, "git refuses '\(name)' (\(mode)); naner must too")
                } else if let reason {
                    XCTAssertEqual(reason, .backslash, "naner refuses '\(name)' (\(mode)), which git accepts, for \(reason.text)")
                }
            }
        }
        XCTAssertGreaterThan(gitRefusals, 40, "the oracle refuses what it should")
        // What the CLI cannot hand git: bytes that are not UTF-8, a NUL, a '/', nothing.
        XCTAssertEqual(EntryName.problem([0x61, 0xE9, 0x62], isSymlink: false), .notUTF8)
        XCTAssertEqual(EntryName.problem([], isSymlink: false), .emptyName)
        XCTAssertEqual(EntryName.problem(Array("../escape".utf8), isSymlink: false), .leadsOutside)
        XCTAssertEqual(EntryName.problem(Array("/etc/passwd".utf8), isSymlink: false), .leadsOutside)
        XCTAssertEqual(EntryName.problem(Array("a/.git".utf8), isSymlink: false), .dotGit)
        XCTAssertEqual(EntryName.problem(Array("a/b".utf8), isSymlink: false), .slashInName)
        XCTAssertEqual(EntryName.problem(Array(repeating: 0x6E, count: 4097), isSymlink: false), .tooLong)
        // A '\' is refused where Windows would read it as a way out; elsewhere it is an ordinary byte.
        for name in ["..\\escape", "a\\..\\..\\b", "\\etc\\passwd", "C:\\x"] {
            XCTAssertEqual(EntryName.problem(Array(name.utf8), isSymlink: false), .backslash, name)
        }
        for name in ["back\\slash.conf", "dev-disk-by\\x2duuid.mount", "a\\\\b", "..x\\y", "ab:\\c"] {
            XCTAssertNil(EntryName.problem(Array(name.utf8), isSymlink: false), name)
        }
        XCTAssertEqual(EntryName.shown(Array("latin1-".utf8) + [0xE9] + Array(".conf".utf8)), "latin1-\\xE9.conf")
        XCTAssertEqual(EntryName.shown(Array(".g\u{200C}it".utf8)), ".g\\u{200C}it")
    }

    func testTreesAgainstGitFsckStrict() throws {
        let blob = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"
        let null = String(repeating: "0", count: 40)
        // Each tree as (mode, name, id) rows written exactly in this order.
        let trees: [(String, [(String, String, String)], fsckFails: Bool, gateRefuses: Bool)] = [
            ("ordinary", [("100644", ".bashrc", blob), ("100755", "run.sh", blob), ("120000", "vimrc", blob)], false, false),
            ("duplicate", [("100644", ".bashrc", blob), ("100644", ".bashrc", blob)], true, true),
            ("file and folder", [("100644", "a", blob), ("40000", "a", "EMPTY"), ("100644", "a.c", blob)], true, true),
            ("apart file and folder", [("100644", "a", blob), ("100644", "a.c", blob), ("40000", "a", "EMPTY")], true, true),
            ("unsorted", [("100644", "b", blob), ("100644", "a", blob)], true, true),
            ("folder sorts as name/", [("40000", "a", "EMPTY"), ("100644", "a.c", blob)], true, true),
            ("zero-padded", [("040000", "a", "EMPTY")], true, true),
            ("group-writable", [("100664", "a", blob)], false, true),
            ("odd mode", [("100600", "a", blob)], false, true),
            ("full path", [("100644", "a/b", blob)], true, true),
            ("null id", [("100644", "a", null)], true, true),
            ("dotdot", [("100644", "..", blob)], true, true),
            (".git", [("40000", ".git", "EMPTY")], true, true),
            ("git~1", [("40000", "git~1", "EMPTY")], true, true),
            (".gitmodules link", [("120000", ".gitmodules", blob)], true, true),
            ("gitlink", [("160000", "sub", "1234567890123456789012345678901234567890")], false, false),
        ]
        for (name, rows, fsckFails, gateRefuses) in trees {
            let gitDir = folder + "/" + name.replacingOccurrences(of: " ", with: "-") + ".git"
            XCTAssertEqual(git(folder, "init", "--quiet", "--bare", gitDir).status, 0)
            let emptyTree = git(gitDir, ["hash-object", "-t", "tree", "-w", "--stdin"], input: Data()).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines)
            XCTAssertEqual(git(gitDir, ["hash-object", "-w", "--stdin"], input: Data()).status, 0)
            var bytes: [UInt8] = []
            for (mode, entry, id) in rows {
                bytes += Array("\(mode) ".utf8) + Array(entry.utf8) + [0]
                let hex = Array((id == "EMPTY" ? emptyTree : id).utf8)
                for index in stride(from: 0, to: 40, by: 2) {
                    bytes.append(UInt8(String(decoding: hex[index..<index + 2], as: UTF8.self), radix: 16)!)
                }
            }
            let tree = git(gitDir, ["hash-object", "-t", "tree", "-w", "--literally", "--stdin"], input: Data(bytes)).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let fsck = git(gitDir, "fsck", "--strict", "--no-dangling")
            XCTAssertEqual(fsck.status != 0, fsckFails, "\(name): git fsck --strict")
            let repository = try Repository.open(gitDir: gitDir, workTree: nil)
            let gate = TreeGate(locations: Locations(home: folder + "/home", repository: gitDir))
            let verdict = gate.check(tree: try XCTUnwrap(ObjectID(hex: tree)), in: TreeReader(repository: repository))
            XCTAssertEqual(!verdict.problems.isEmpty, gateRefuses, "\(name): \(verdict.problems)")
            // A dry run reads the trees from the files, not through libgit2: the same verdict.
            let fromFiles = gate.check(tree: try XCTUnwrap(ObjectID(hex: tree)), in: TreeReader(gitDir: gitDir) {
                XCTFail("\(name): libgit2 opened for a tree the files hold")
                return repository
            })
            XCTAssertEqual(fromFiles.problems, verdict.problems, name)
            XCTAssertEqual(fromFiles.gitlinks, verdict.gitlinks, name)
            if name == "gitlink" { XCTAssertEqual(verdict.gitlinks, ["sub"]) }
        }
    }

    func testFoldersNestedTooDeepAreRefusedBeforeAnyWalk() throws {
        let gitDir = folder + "/deep.git"
        XCTAssertEqual(git(folder, "init", "--quiet", "--bare", gitDir).status, 0)
        let blob = git(gitDir, ["hash-object", "-w", "--stdin"], input: Data("x\n".utf8)).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        func tree(_ entry: String) -> String {
            git(gitDir, ["mktree"], input: Data((entry + "\n").utf8)).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        func nested(_ depth: Int) -> String {
            var id = tree("100644 blob \(blob)\tleaf")
            for _ in 0..<depth { id = tree("040000 tree \(id)\td") }
            return id
        }
        let repository = TreeReader(repository: try Repository.open(gitDir: gitDir, workTree: nil))
        let gate = TreeGate(locations: Locations(home: folder + "/home", repository: gitDir))
        XCTAssertEqual(gate.check(tree: try XCTUnwrap(ObjectID(hex: nested(TreeGate.maximumDepth))), in: repository).problems, [])
        let deep = gate.check(tree: try XCTUnwrap(ObjectID(hex: nested(TreeGate.maximumDepth + 1))), in: repository)
        XCTAssertEqual(deep.problems.map(\.reason), [.tooDeep])
        let archive = gate.check(archive: [.file(Array(repeating: "d", count: TreeGate.maximumDepth + 1).joined(separator: "/") + "/leaf", [])])
        XCTAssertEqual(archive.problems.map(\.reason), [.tooDeep])
    }

    func testOwnRepositoryAndModesLines() throws {
        let gate = TreeGate(locations: Locations(home: "/home/me", repository: "/home/me/.local/share/naner/repo.git"))
        let archive = gate.check(archive: [
            .file(".local/share/naner/repo.git/config", []), .file(".local/share/naner/notes", []),
            .symlink(".local/share", target: "elsewhere"), .symlink(".naner", target: ".config"),
            .file(ModeTable.path, Array("0600 ../outside/canary\n0644 .ssh/config\n0700 .git/\n".utf8)),
        ])
        XCTAssertEqual(archive.problems.map(\.path), ["../outside/canary", ".git", ".local/share", ".local/share/naner/repo.git/config", ".naner"])
        XCTAssertEqual(archive.problems.map(\.reason), [.inModes(.leadsOutside), .inModes(.dotGit), .replacesRepositoryFolder,
                                                        .ownRepository, .nanerIsLink])
        XCTAssertEqual(ModeTable.clamp(0o4755), 0o755)
        XCTAssertEqual(ModeTable.clamp(0o1777), 0o755)
        XCTAssertEqual(ModeTable.clamp(0o666), 0o644)
        XCTAssertEqual(ModeTable.clamp(0o600), 0o600)
    }
}
