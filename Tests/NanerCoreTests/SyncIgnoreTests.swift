import XCTest
@testable import NanerCore

final class SyncIgnoreTests: XCTestCase {
    private func translate(_ text: String) throws -> [String] {
        try SyncIgnore.translate(Array(text.utf8)).map(\.0)
    }

    func testGuideLinesKeepGitignoreMeaning() throws {
        XCTAssertEqual(try translate(".cargo/registry/*\n*.lock\n.ssh/id_*\n**/cache/*\n"),
                       [".cargo/registry/*", "*.lock", ".ssh/id_*", "**/cache/*"])
    }

    func testWindowsSeparatorsAndCRLF() throws {
        XCTAssertEqual(try translate("Documents\\PowerShell\\Modules\\MyHugeModule\\*\r\n.vscode\\workspace.code-workspace\r\n"),
                       ["Documents/PowerShell/Modules/MyHugeModule/*", ".vscode/workspace.code-workspace"])
    }

    func testCommentsBlanksAndTrimming() throws {
        XCTAssertEqual(try translate("# a comment\n\n   \n  *.tmp  \n\t.DS_Store\t\n"), ["*.tmp", ".DS_Store"])
    }

    func testHomeAnchorsAndNegation() throws {
        XCTAssertEqual(try translate("~/.netrc\n./notes.txt\n!.ssh/id_rsa.pub\n"), ["/.netrc", "/notes.txt", "!.ssh/id_rsa.pub"])
    }

    /// ASCII lines take a byte path; it must say exactly what the String path says
    /// (pattern, trimmed text, or the error) for any line: seeded random lines of the
    /// characters that matter.
    func testTheASCIIPathAnswersAsTheStringPath() {
        var random = GitignoreTests.SeededGenerator(state: 0x5_1C16_0E)
        let pieces = ["a", "b", ".", "..", "/", "//", "\\", "~", "!", "#", "*", "?", "[", "]", "[!", "C:", "z:", " ", "\t", "\r",
                      ":", "x.log", "~/", "./", "\u{0}", "-", "_"]
        for _ in 0..<4000 {
            let line = (0..<random.below(8)).map { _ in random.pick(pieces) }.joined()
            func outcome(_ body: () throws -> (String, String)?) -> String {
                do { return try body().map { "\($0.0)|\($0.1)" } ?? "nil" } catch { return "error: \(error)" }
            }
            let ascii = outcome { try SyncIgnore.translateASCII(Array(line.utf8)[...], number: 7, file: "f") }
            let string = outcome { try SyncIgnore.translate(line: line, number: 7, file: "f").map { ($0, line.trimmingBlanks()) } }
            XCTAssertEqual(ascii, string, line.debugDescription)
        }
    }

    func testOriginsNameTheUsersLine() throws {
        let lines = try SyncIgnore.translate(Array("# c\n\n*.log\r\n".utf8))
        XCTAssertEqual(lines.first?.1, RuleOrigin(file: ".syncignore", line: 3, text: "*.log"))
    }

    /// What the byte-wise checks must leave alone, and the doubled slash they collapse.
    func testNamesOfDotsAndDoubledSlashes() throws {
        let lines = try SyncIgnore.translate(Array("a//b\n.../x\n.\u{301}x\n..x\nab:x\n\\x\\y\n".utf8)).map(\.0)
        XCTAssertEqual(lines, ["a/b", ".../x", ".\u{301}x", "..x", "ab:x", "/x/y"])
    }

    func testUntranslatableLinesNameFileAndLine() {
        let cases: [(String, Int, String)] = [
            ("ok\nC:\\Users\\me\\x\n", 2, "absolute Windows path"),
            ("ok\n\nfoo/../bar\n", 3, "'.' or '..'"),
            ("!\n", 1, "no name"),
            ("/\n", 1, "no name"),
            ("a\n[abc\n", 2, "without a closing"),
            ("x/./y\n", 1, "'.' or '..'"),
            ("x/..\n", 1, "'.' or '..'"),
            ("a\u{0}b\n", 1, "NUL byte"),
            ("D:/x\n", 1, "absolute Windows path"),
        ]
        for (text, line, reason) in cases {
            XCTAssertThrowsError(try translate(text), text) { error in
                guard case .malformedPattern(let file, let errorLine, let message) = error as? NanerError else {
                    return XCTFail("\(error)")
                }
                XCTAssertEqual(file, ".syncignore")
                XCTAssertEqual(errorLine, line, text)
                XCTAssertTrue(message.contains(reason), "\(message) for \(text)")
            }
        }
        XCTAssertThrowsError(try SyncIgnore.translate([0x61, 0x0A, 0xFF, 0xFE, 0x0A])) { error in
            XCTAssertEqual(error as? NanerError, .malformedPattern(file: ".syncignore", line: 2, reason: "not valid UTF-8 text"))
        }
    }

    /// A class holding a `/` runs to its `]`, as in git: valid, anchored, never matching a `/`.
    func testBracketsMayHoldASlash() throws {
        XCTAssertEqual(try translate("foo[/]bar\na[\\x]b\n[!/]c\n"), ["foo[/]bar", "a[/x]b", "[!/]c"])
        XCTAssertThrowsError(try translate("foo[/bar\n")) { error in
            XCTAssertEqual(error as? NanerError, .malformedPattern(file: ".syncignore", line: 1,
                                                                   reason: "'[' without a closing ']' in 'foo[/bar'"))
        }
    }

    func testLiteralEscapesGlobsWithBrackets() {
        XCTAssertEqual(SyncIgnore.literal("a*b?[c].txt"), "a[*]b[?][[]c].txt")
    }

    func testShippedDefaultTranslates() throws {
        let lines = try SyncIgnore.translate(Array(DefaultFiles.syncIgnore.utf8))
        XCTAssertTrue(lines.contains { $0.0 == ".ssh/id_*" })
        XCTAssertTrue(lines.contains { $0.0 == "!.config/Code/User/settings.json" })
    }
}

final class ManagedRulesTests: XCTestCase {
    func testWhitelistReincludesParentsOnce() throws {
        let list = try IncludeList(text: ".bashrc\nDocuments/PowerShell/\nDocuments/notes.txt\n.config/\n.config/nvim/init.vim\n")
        let rules = ManagedRules(includeList: list, syncIgnore: [], repositoryInsideHome: ".local/share/naner/repo.git")
        let patterns = rules.lines.map(\.pattern)
        XCTAssertEqual(Array(patterns.prefix(7)), [
            "/*", "!/.bashrc", "!/.config/",
            "!/Documents/", "/Documents/*", "!/Documents/PowerShell/", "!/Documents/notes.txt",
        ])
        XCTAssertFalse(patterns.contains("!/.config/nvim/init.vim"), "covered by .config/")
        XCTAssertEqual(patterns.last, "/.local/share/naner/repo.git/")
        XCTAssertTrue(patterns.contains("!/.naner/include"))
    }

    func testEscapesLiteralNames() {
        XCTAssertEqual(ManagedRules.escape("a*b[1]?\\x "), "a\\*b\\[1]\\?\\\\x\\ ")
    }
}

final class IncludeListTests: XCTestCase {
    func testParsesAndEditsKeepingComments() throws {
        var list = try IncludeList(text: "# mine\n.bashrc\n.config\\nvim\\\n~/.vimrc\n")
        XCTAssertEqual(list.entries.map(\.written), [".bashrc", ".config/nvim/", ".vimrc"])
        list.append(path: ".tmux.conf", isFolder: false)
        XCTAssertEqual(list.remove(pathAndBelow: ".config").map(\.written), [".config/nvim/"])
        XCTAssertEqual(list.text, "# mine\n.bashrc\n~/.vimrc\n.tmux.conf\n")
        XCTAssertEqual(list.entry(covering: ".bashrc")?.path, ".bashrc")
    }

    func testWindowsLineEndsAreLineEnds() throws {
        var list = try IncludeList(text: "# mine\r\n.bashrc\r\n.vimrc\r\n.config/\r\n")
        XCTAssertEqual(list.entries.map(\.written), [".bashrc", ".vimrc", ".config/"])
        XCTAssertEqual(list.entries.map(\.line), [2, 3, 4])
        _ = list.remove(pathAndBelow: ".vimrc")
        XCTAssertEqual(list.text, "# mine\r\n.bashrc\r\n.config/\r\n", "the user's line ends are kept")
    }

    func testRejectsPathsLeavingTheHomeAndPatterns() {
        XCTAssertThrowsError(try IncludeList(text: "../etc/passwd\n"))
        XCTAssertThrowsError(try IncludeList(text: ".config/*.conf\n"))
    }
}

final class ModeTableTests: XCTestCase {
    func testRecordsOnlyWhatGitCannotAndRoundTrips() {
        var table = ModeTable()
        table.recordFile(".bashrc", mode: 0o100644)
        table.recordFile("bin/run", mode: 0o100755)
        table.recordFile(".ssh/config", mode: 0o100600)
        table.recordFile("odd\nname \"q\"", mode: 0o100640)
        table.recordFolder(".ssh", mode: 0o40700)
        table.recordFolder(".config", mode: 0o40755)
        XCTAssertEqual(table.modes, [".ssh/config": 0o600, ".ssh/": 0o700, "odd\nname \"q\"": 0o640])
        XCTAssertTrue(table.text.contains("0700 .ssh/\n0600 .ssh/config\n"), table.text)
        XCTAssertTrue(table.text.contains("0640 \"odd\\nname \\\"q\\\"\"\n"), table.text)
        XCTAssertEqual(ModeTable(text: table.text), table)
    }

    /// Lines are read byte by byte, as they are written, never as Characters, which merge a
    /// space or a quote with a combining mark after it: such a path lost its bits.
    func testPathsStartingWithACombiningMarkRoundTrip() {
        let combining = "\u{301}"  // a combining acute accent: joins the character before it
        let paths = [combining + "starts-combining", combining + "starts-combining\nand-quoted", "ends-combining" + combining,
                     "\"" + combining + "\"", "tab\there", "back\\slash"]
        var table = ModeTable()
        for (offset, path) in paths.enumerated() { table.recordFile(path, mode: 0o600 + UInt32(offset % 2) * 0o40) }
        XCTAssertEqual(table.modes.count, paths.count)
        XCTAssertEqual(ModeTable(text: table.text).modes, table.modes, "text:\n\(table.text)")
        // Line ends an editor turned into CRLF still end lines.
        XCTAssertEqual(ModeTable(text: "0600 .ssh/config\r\n0700 .ssh/\r\n").modes, [".ssh/config": 0o600, ".ssh/": 0o700])
    }
}

final class SecretGuardTests: XCTestCase {
    private func secret(_ text: String) -> String? { SecretGuard.findSecret(in: Array(text.utf8))?.kind }

    func testFindsKeysAndTokens() {
        XCTAssertEqual(secret("x\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbg==\n"), "an OpenSSH private key")
        XCTAssertEqual(secret("-----BEGIN RSA PRIVATE KEY-----"), "a private key")
        XCTAssertEqual(secret("-----BEGIN EC PRIVATE KEY-----"), "a private key")
        XCTAssertEqual(secret("-----BEGIN ENCRYPTED PRIVATE KEY-----"), "a private key")
        XCTAssertEqual(secret("-----BEGIN PGP PRIVATE KEY BLOCK-----"), "a PGP private key block")
        XCTAssertEqual(secret("token=ghp_" + String(repeating: "A", count: 36)), "a GitHub token")
        XCTAssertEqual(secret("github_pat_11ABCDEFG0123456789_abcdefghijklmnop"), "a GitHub fine-grained token")
        XCTAssertEqual(secret("aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"), "an AWS access key id")
        XCTAssertEqual(secret("url = https://user:hunter2@github.com/me/dots.git"), "a URL with an embedded password")
    }

    func testLeavesOrdinaryConfigAlone() {
        for text in ["-----BEGIN CERTIFICATE-----\nMIIB\n", "-----BEGIN PUBLIC KEY-----", "ssh-ed25519 AAAAC3Nza test@host",
                     "url = git@github.com:me/dots.git", "url = ssh://git@host:22/x.git", "https://example.com/a:b@c",
                     "see https://user@example.com/", "ghp_short", "XAKIAIOSFODNN7EXAMPLEX", "alias k=kubectl"] {
            XCTAssertNil(secret(text), text)
        }
    }
}
