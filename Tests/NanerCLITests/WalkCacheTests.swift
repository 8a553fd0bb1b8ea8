import Foundation
import XCTest

/// The remembered walk (`REPO/naner-walk-cache`) spares a status the listing of
/// folders that did not change. These tests let it settle (its timestamps are
/// trusted only once a few seconds old), change the tree in the ways that do and
/// do not touch a folder, and check naner against `git status` each time.
final class WalkCacheTests: XCTestCase {
    private let settle: UInt32 = 4

    func testARememberedWalkStillSeesEveryChange() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        try sandbox.write(".config/kitty/.gitignore", "extra.conf\n")
        try sandbox.write(".config/kitty/extra.conf", "a .gitignore names it: content, not a rule\n")
        XCTAssertExit(sandbox.naner("init"), 0)
        XCTAssertTrue(sandbox.trackedFiles().isSuperset(of: [".config/kitty/extra.conf", ".config/kitty/.gitignore"]))

        // Remembered: the cache names the index it was made for.
        try remember(sandbox)
        XCTAssertEqual(changes(sandbox), [])

        // A new file in a folder the walk remembers: the folder changed.
        try sandbox.write(".config/nvim/lua/new.lua", "return {}\n")
        XCTAssertEqual(changes(sandbox), [".config/nvim/lua/new.lua"])
        XCTAssertEqual(changes(sandbox), agreedWithGit(sandbox))
        XCTAssertExit(sandbox.naner("commit", "-m", "new.lua"), 0)

        // A .gitignore rewritten in place is an edit like any other: the walk remembers no
        // .gitignore, and what is managed stays as it was.
        try remember(sandbox)
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: sandbox.home + "/.config/kitty/.gitignore"))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data("*\n".utf8))
        try handle.close()
        XCTAssertEqual(changes(sandbox), [".config/kitty/.gitignore"])
        XCTAssertEqual(changes(sandbox), agreedWithGit(sandbox))
        // A new file beside it is managed whatever it says; git, which reads it, lists the
        // file only once a naner commit tracks it.
        try sandbox.write(".config/kitty/more.conf", "font_family mono\n")
        XCTAssertEqual(changes(sandbox), [".config/kitty/.gitignore", ".config/kitty/more.conf"])
        XCTAssertExit(sandbox.naner("commit", "-m", "more.conf"), 0)
        XCTAssertTrue(sandbox.trackedFiles().contains(".config/kitty/more.conf"))
        XCTAssertEqual(sandbox.git("status", "--porcelain").stdout, "")

        // A deleted file and a file replaced by a folder of the same name.
        try remember(sandbox)
        try FileManager.default.removeItem(atPath: sandbox.home + "/.config/kitty/kitty.conf")
        try FileManager.default.removeItem(atPath: sandbox.home + "/.vimrc")
        try sandbox.write(".vimrc/inner", "now a folder\n")
        XCTAssertEqual(changes(sandbox), agreedWithGit(sandbox))
        XCTAssertEqual(changes(sandbox), [".config/kitty/kitty.conf", ".vimrc", ".vimrc/inner"])
        XCTAssertExit(sandbox.git("fsck", "--strict"), 0)
    }

    func testACommitRemembersItsWalkForTheNewIndex() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        try sandbox.write(".config/nvim/later.lua", "return {}\n")
        try remember(sandbox)
        XCTAssertEqual(changes(sandbox), [".config/nvim/later.lua"])

        // Edits in place change no folder: the commit keeps the walk, for its own index,
        // where the file that was new is tracked now.
        try sandbox.write(".bashrc", "export EDITOR=nvim\n")
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: sandbox.home + "/.config/nvim/init.vim"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("set list\n".utf8))
        try handle.close()
        XCTAssertExit(sandbox.naner("commit", "-m", "edits"), 0)
        XCTAssertEqual(try cachedIndex(sandbox), try indexChecksum(sandbox), "the commit rewrote the cache for its index")
        XCTAssertTrue(sandbox.trackedFiles().contains(".config/nvim/later.lua"))
        XCTAssertEqual(changes(sandbox), [])
        XCTAssertEqual(sandbox.git("status", "--porcelain").stdout, "")

        // Rules that change make the remembered walk void: a newly included folder is walked.
        try sandbox.write("Projects/web/style.css", "body {}\n")
        try remember(sandbox)
        XCTAssertExit(sandbox.naner("add", "Projects/web"), 0)
        XCTAssertEqual(changes(sandbox), agreedWithGit(sandbox))
        XCTAssertTrue(changes(sandbox).isSuperset(of: ["Projects/web/index.html", "Projects/web/style.css"]), "\(changes(sandbox))")
    }

    func testAGitignoreAboveAFolderChangesNothingBelowIt() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        try sandbox.write(".config/kitty/.gitignore", "themes/dark.conf\n")
        try sandbox.write(".config/kitty/themes/dark.conf", "background #000\n")
        try sandbox.write(".config/kitty/themes/light.conf", "background #fff\n")
        XCTAssertExit(sandbox.naner("init"), 0)
        XCTAssertTrue(sandbox.trackedFiles().contains(".config/kitty/themes/dark.conf"), "a .gitignore is content, not a rule")

        // The home's root changes (a shell rewrote its history): only it is listed again,
        // and every other folder's remembered entries still count.
        try remember(sandbox)
        try sandbox.write(".new_history", "ls\n")
        try FileManager.default.removeItem(atPath: sandbox.home + "/.bash_history")
        XCTAssertEqual(changes(sandbox), agreedWithGit(sandbox))
        XCTAssertEqual(changes(sandbox), [])

        // The folder above `themes/` gets another .gitignore, rewritten in place to hide all
        // of `themes/`: only that file changed, and `themes/` is still replayed as remembered.
        try remember(sandbox)
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: sandbox.home + "/.config/kitty/.gitignore"))
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data("themes/\n".utf8))
        try handle.close()
        XCTAssertEqual(changes(sandbox), agreedWithGit(sandbox))
        XCTAssertEqual(changes(sandbox), [".config/kitty/.gitignore"])

        // A new file below it is new to naner; git, reading the .gitignore, lists it only
        // once a naner commit tracks it, and then `git status` is clean.
        try sandbox.write(".config/kitty/themes/blue.conf", "background #00f\n")
        XCTAssertEqual(changes(sandbox), [".config/kitty/.gitignore", ".config/kitty/themes/blue.conf"])
        XCTAssertEqual(agreedWithGit(sandbox), [".config/kitty/.gitignore"])
        XCTAssertExit(sandbox.naner("commit", "-m", "blue"), 0)
        XCTAssertTrue(sandbox.trackedFiles().contains(".config/kitty/themes/blue.conf"))
        XCTAssertEqual(sandbox.git("status", "--porcelain").stdout, "")
    }

    func testFoldersListedAgainAloneStillSeeEveryChange() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        try sandbox.write(".config/kitty/themes/dark.conf", "background #000\n")
        XCTAssertExit(sandbox.naner("init"), 0)

        // Folders that changed but hold what they held: an editor's swap file came and
        // went in one, another got a swap file `.syncignore` excludes, and the home's
        // root had its history rewritten. The remembered result holds: nothing changed.
        try remember(sandbox)
        let before = try cacheModified(sandbox)
        try sandbox.write(".config/nvim/.init.vim.swp", "swap\n")
        try FileManager.default.removeItem(atPath: sandbox.home + "/.config/nvim/.init.vim.swp")
        try sandbox.write(".config/kitty/themes/.dark.conf.swp", "swap\n")
        try sandbox.write(".bash_history.new", "ls\n")
        XCTAssertEqual(rename(sandbox.home + "/.bash_history.new", sandbox.home + "/.bash_history"), 0)
        XCTAssertEqual(changes(sandbox), agreedWithGit(sandbox))
        XCTAssertEqual(changes(sandbox), [])
        // Once they are old enough to be trusted, the walk is remembered with their new stat data.
        sleep(settle)
        XCTAssertExit(sandbox.naner("status"), 0)
        XCTAssertNotEqual(try cacheModified(sandbox), before, "the walk was remembered again")

        // Several folders changed and one of them lists something new: each folder is
        // compared with what it held, not with another's entries.
        try remember(sandbox)
        try sandbox.write(".config/nvim/.init.vim.swp", "swap\n")
        try FileManager.default.removeItem(atPath: sandbox.home + "/.config/nvim/.init.vim.swp")
        try sandbox.write(".config/kitty/themes/.light.conf.swp", "swap\n")
        try sandbox.write(".ssh/config.tmp", "")
        try FileManager.default.removeItem(atPath: sandbox.home + "/.ssh/config.tmp")
        try sandbox.write(".config/kitty/extra.conf", "font_family mono\n")
        XCTAssertEqual(changes(sandbox), agreedWithGit(sandbox))
        XCTAssertEqual(changes(sandbox), [".config/kitty/extra.conf"])

        // A file that is no longer ignored in a folder that changed alone.
        XCTAssertExit(sandbox.naner("commit", "-m", "extra"), 0)
        try remember(sandbox)
        try FileManager.default.removeItem(atPath: sandbox.home + "/.config/kitty/themes/.light.conf.swp")
        try sandbox.write(".config/kitty/themes/light.conf", "background #fff\n")
        XCTAssertEqual(changes(sandbox), agreedWithGit(sandbox))
        XCTAssertEqual(changes(sandbox), [".config/kitty/themes/light.conf"])
    }

    /// The previous release wrote its folders as lines of decimal stat data (version 4);
    /// this one keeps them as binary records (5). A version-4 cache is walked past, never
    /// read: here its folders' stat data is current and it does not name the new file, so
    /// a release that trusted it would hide that file.
    func testACacheThePreviousReleaseWroteIsWalkedPastAndReplaced() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        try sandbox.write(".config/nvim/lua/new.lua", "return {}\n")
        try remember(sandbox)
        let path = sandbox.repo + "/naner-walk-cache"
        let current = try CacheFile(bytes: [UInt8](Data(contentsOf: URL(fileURLWithPath: path))))
        XCTAssertEqual(current.version, "naner walk cache 5")
        XCTAssertTrue(current.folders.contains(".config/nvim/lua"))
        XCTAssertTrue(current.lines.contains(Array("new .config/nvim/lua/new.lua".utf8)))

        // Laid out as version 4 wrote it, without the line naming the new file.
        var older = Array("naner walk cache 4\n".utf8) + current.head
        for folder in current.folders {
            var status = stat()
            let absolute = folder.isEmpty ? sandbox.home : sandbox.home + "/" + folder
            XCTAssertEqual(folder.isEmpty ? stat(absolute, &status) : lstat(absolute, &status), 0, folder)
            let key = "\(status.st_dev):\(status.st_ino):\(status.st_mtim.tv_sec).\(status.st_mtim.tv_nsec):"
                + "\(status.st_ctim.tv_sec).\(status.st_ctim.tv_nsec)"
            older += Array("folder \(key) \(String(status.st_mode & 0o7777, radix: 8)) - \(folder)\n".utf8)
        }
        for line in current.lines where !line.starts(with: Array("new ".utf8)) { older += line + [UInt8(ascii: "\n")] }
        try Data(older).write(to: URL(fileURLWithPath: path))

        XCTAssertEqual(changes(sandbox), [".config/nvim/lua/new.lua"])
        XCTAssertEqual(changes(sandbox), agreedWithGit(sandbox))
        let replaced = try CacheFile(bytes: [UInt8](Data(contentsOf: URL(fileURLWithPath: path))))
        XCTAssertEqual(replaced.version, "naner walk cache 5", "the next status wrote this release's cache")
        XCTAssertEqual(replaced.folders, current.folders)
    }

    /// Folder names a line format would have to quote (a newline, a backslash, a tab, a
    /// quote, non-ASCII letters) are kept as they are, and a file new in them is seen.
    func testFoldersWithAnyNameAreRememberedAsTheyAre() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        let odd = ".config/nvim/we\nird \\ \t \"fö\""
        try sandbox.write(odd + "/init.lua", "return 1\n")
        XCTAssertExit(sandbox.naner("init"), 0)
        try remember(sandbox)
        let cache = try CacheFile(bytes: [UInt8](Data(contentsOf: URL(fileURLWithPath: sandbox.repo + "/naner-walk-cache"))))
        XCTAssertTrue(cache.folders.contains(odd), "\(cache.folders)")
        XCTAssertEqual(changes(sandbox), [])

        try sandbox.write(odd + "/new.lua", "return 2\n")
        XCTAssertTrue(sandbox.naner("status", "--short").stdout.contains("new.lua"))
        XCTAssertExit(sandbox.naner("commit", "-m", "new.lua"), 0)
        XCTAssertTrue(sandbox.git("ls-files", "-z").stdout.split(separator: "\0").contains { $0 == odd + "/new.lua" })
        XCTAssertEqual(sandbox.git("status", "--porcelain").stdout, "")
    }

    // MARK: - Helpers

    /// The cache file in parts: its first line, the lines naming its home, index and rules
    /// (`head`), the paths of its folder table, and the lines after the table.
    private struct CacheFile {
        var version = "", head: [UInt8] = [], folders: [String] = [], lines: [[UInt8]] = []

        init(bytes: [UInt8]) throws {
            let newline = UInt8(ascii: "\n")
            var at = try XCTUnwrap(bytes.firstIndex(of: newline))
            version = String(decoding: bytes[..<at], as: UTF8.self)
            let rulesLine = try XCTUnwrap(Self.lineStart(of: "rules ", in: bytes, from: at + 1))
            let rulesEnd = try XCTUnwrap(bytes[rulesLine...].firstIndex(of: newline))
            let rulesLength = try XCTUnwrap(Int(String(decoding: bytes[(rulesLine + 6)..<rulesEnd], as: UTF8.self)))
            at = rulesEnd + 1 + rulesLength
            head = Array(bytes[(version.utf8.count + 1)..<at])
            let tableEnd = try XCTUnwrap(bytes[at...].firstIndex(of: newline))
            let words = String(decoding: bytes[at..<tableEnd], as: UTF8.self).split(separator: " ")
            XCTAssertEqual(words.first, "folders")
            let count = try XCTUnwrap(Int(words[1])), length = try XCTUnwrap(Int(words[2]))
            let paths = tableEnd + 1 + count * 48
            folders = bytes[paths..<(paths + length)].split(separator: 0, omittingEmptySubsequences: false).dropLast()
                .map { String(decoding: $0, as: UTF8.self) }
            XCTAssertEqual(folders.count, count)
            let entries = try XCTUnwrap(Self.lineStart(of: "entries", in: bytes, from: paths + length + 1))
            lines = bytes[(paths + length + 1)..<entries].split(separator: newline).map { Array($0) }
            lines += bytes[entries...].split(separator: newline).map { Array($0) }
        }

        private static func lineStart(of prefix: String, in bytes: [UInt8], from start: Int) -> Int? {
            var at = start
            while at < bytes.count {
                if bytes[at...].starts(with: prefix.utf8) { return at }
                guard let end = bytes[at...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
                at = end + 1
            }
            return nil
        }
    }

    /// Lets the tree's timestamps settle, then runs a status that remembers its walk.
    private func remember(_ sandbox: Sandbox, file: StaticString = #filePath, line: UInt = #line) throws {
        sleep(settle)
        XCTAssertExit(sandbox.naner("status"), 0, file: file, line: line)
        XCTAssertEqual(try cachedIndex(sandbox), try indexChecksum(sandbox), "status remembered its walk", file: file, line: line)
    }

    private func changes(_ sandbox: Sandbox) -> Set<String> {
        Set(sandbox.naner("status", "--short").lines.map { String($0.dropFirst(2)) })
    }

    private func agreedWithGit(_ sandbox: Sandbox) -> Set<String> {
        Set(sandbox.git("status", "--porcelain", "-uall").lines.map { String($0.dropFirst(3)) })
    }

    private func cacheModified(_ sandbox: Sandbox) throws -> Date? {
        try FileManager.default.attributesOfItem(atPath: sandbox.repo + "/naner-walk-cache")[.modificationDate] as? Date
    }

    private func cachedIndex(_ sandbox: Sandbox) throws -> String? {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: sandbox.repo + "/naner-walk-cache"))
        return bytes.split(separator: UInt8(ascii: "\n"), maxSplits: 3).map { String(decoding: $0, as: UTF8.self) }
            .first { $0.hasPrefix("index ") }.map { String($0.dropFirst(6)) }
    }

    /// The index file's trailing checksum, as git writes it.
    private func indexChecksum(_ sandbox: Sandbox) throws -> String {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: sandbox.repo + "/index"))
        return bytes.suffix(20).map { String(format: "%02x", $0) }.joined()
    }
}
