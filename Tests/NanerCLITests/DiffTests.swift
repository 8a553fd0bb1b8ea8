import Foundation
import XCTest

/// `naner diff` prints git's patches (its own writer, not libgit2's): the git CLI on the
/// same repository is the oracle, byte for byte, for the kinds of change a home has; a
/// secret stored encrypted is named and never printed, old or new.
final class DiffTests: XCTestCase {
    func testEditsDiffAsGitDiffsThemByteForByte() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        let bashrc = (1...40).map { $0 == 2 ? "alias ll='ls -l'\n" : "export VAR\($0)=\($0)\n" }.joined()
        try sandbox.write(".bashrc", bashrc.replacingOccurrences(of: "VAR5=5", with: "VAR5=five")
            .replacingOccurrences(of: "VAR33=33", with: "VAR33=thirty-three"))
        try sandbox.write(".local/bin/backup.sh", "#!/bin/sh\nset -e\nrsync -a ~/ /mnt/backup/\n", mode: 0o755)
        try sandbox.write(".config/app/settings.ini", "[main]\r\ntheme = dark\r\nfont = mono\r\n")
        try sandbox.write(".inputrc", "set editing-mode vi")  // no final newline
        symlink(".vimrc", sandbox.home + "/.exrc")
        XCTAssertExit(sandbox.naner("init"), 0)
        XCTAssertExit(sandbox.naner("add", ".local/bin/backup.sh", ".config/app", ".inputrc", ".exrc"), 0)
        XCTAssertExit(sandbox.naner("commit", "-m", "first"), 0)
        XCTAssertEqual(sandbox.naner("diff").stdout, "", "nothing changed yet")

        // An executable edited, CRLF lines, a last line without newline, a link pointed elsewhere,
        // and two changes far enough apart for two hunks, with a function name.
        try sandbox.write(".local/bin/backup.sh", "#!/bin/sh\nset -eu\nrsync -a ~/ /mnt/backup/\necho done\n", mode: 0o755)
        try sandbox.write(".config/app/settings.ini", "[main]\r\ntheme = light\r\nfont = mono\r\n")
        try sandbox.write(".inputrc", "set editing-mode emacs\n")
        try FileManager.default.removeItem(atPath: sandbox.home + "/.exrc")
        symlink(".bashrc", sandbox.home + "/.exrc")
        try sandbox.write(".bashrc", bashrc)

        let diff = sandbox.naner("diff")
        XCTAssertExit(diff, 0)
        let git = sandbox.git("diff")
        XCTAssertEqual(diff.stdout, git.stdout)
        for expected in ["index ", " 100755\n", " 120000\n", "\\ No newline at end of file\n", "\r\n", "@@ -30,7 +30,7 @@ export VAR29=29\n"] {
            XCTAssertTrue(git.stdout.contains(expected), "the oracle lacks \(expected.debugDescription): the test proves less")
        }
        // One path: the same as git's for it.
        XCTAssertEqual(sandbox.naner("diff", ".exrc").stdout, sandbox.git("diff", "--", ".exrc").stdout)
    }

    func testASecretStoredEncryptedIsNamedNotShown() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        let passphrase = ["NANER_PASSPHRASE": "a long and memorable phrase"]
        try sandbox.write(".npmrc", "//registry.npmjs.org/:_authToken=npm_DiffOldToken0123456789abcdefghijklmn\n")
        XCTAssertExit(sandbox.naner("init"), 0)
        XCTAssertExit(sandbox.naner(["secret", "add", ".npmrc"], environment: passphrase), 0)
        XCTAssertExit(sandbox.naner("commit", "-m", "secret"), 0)
        try sandbox.write(".npmrc", "//registry.npmjs.org/:_authToken=npm_DiffNewToken0123456789abcdefghijklmn\n")
        try sandbox.write(".vimrc", "set number\nsyntax on\n")

        let diff = sandbox.naner("diff")
        XCTAssertExit(diff, 0)
        XCTAssertTrue(diff.stdout.contains("# .npmrc: changed, a secret stored encrypted (content not shown)\n"), diff.stdout)
        XCTAssertFalse(diff.stdout.contains("Token") || diff.stdout.contains("age-encryption.org"), diff.stdout)
        XCTAssertTrue(diff.stdout.contains("+syntax on\n"), "other files are still shown: \(diff.stdout)")
        // Against a backup, too.
        XCTAssertExit(sandbox.naner("backup", "--name", "before"), 0)
        try sandbox.write(".npmrc", "//registry.npmjs.org/:_authToken=npm_DiffThirdToken123456789abcdefghijklmn\n")
        let against = sandbox.naner("diff", "before")
        XCTAssertExit(against, 0)
        XCTAssertTrue(against.stdout.contains("# .npmrc: changed, a secret stored encrypted (content not shown)\n"), against.stdout)
        XCTAssertFalse(against.stdout.contains("Token") || against.stdout.contains("age-encryption.org"), against.stdout)
    }
}
