import Foundation
import GitKit
import NanerCore
import XCTest

/// `IndexFile` parses index files itself (for speed) and must refuse what it does not
/// understand, so callers fall back to libgit2 instead of misreading. The git CLI is
/// the oracle: `git ls-files -s --debug` lists each entry with its stat data.
final class IndexFileTests: XCTestCase {
    private var root = ""
    private var home: String { root + "/home" }
    private var repository: String { root + "/repo.git" }

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "naner-indexfile-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// A split index (`git update-index --split-index`) keeps most entries in a shared
    /// index named by its mandatory `link` extension; the entries of the index file
    /// alone are not the index. What naner reads must be git's list, or an error:
    /// never a list that silently lacks (or blanks) entries. The status then either
    /// fails or agrees with `git status --porcelain`.
    func testSplitIndexIsNotMisread() throws {
        try writeHome(["/.bashrc": "alias ll='ls -l'\n", "/.gitconfig": "[user]\n\tname = Me\n", "/.vimrc": "set nu\n",
                       "/.nanorc": "set autoindent\n", "/.config/app/one.conf": "one\n", "/.config/app/two.conf": "two\n",
                       "/.config/other.conf": "other\n"])
        let locations = Locations(home: home, repository: repository)
        _ = try Workspace.initialize(locations)
        // Changed after the commit, then the index is split: what git reports is " M .vimrc" and a new file.
        try writeHome(["/.vimrc": "set number\nsyntax on\n", "/.config/app/three.conf": "three\n"])
        XCTAssertEqual(runGit("update-index", "--split-index").status, 0)
        let shared = try FileManager.default.contentsOfDirectory(atPath: repository).filter { $0.hasPrefix("sharedindex.") }
        XCTAssertEqual(shared.count, 1, "git wrote no shared index")

        let expected = try listedByGit()
        XCTAssertGreaterThanOrEqual(expected.count, 7)

        // The path callers take (Workspace.scan): the file read directly, else libgit2's index.
        let read = Result { try IndexFile.read(atPath: repository + "/index")?.entries
            ?? Repository.open(gitDir: repository, workTree: home).index().entries() }
        switch read {
        case .success(let entries):
            XCTAssertEqual(entries.map(Listed.init), expected)
        case .failure(let error):
            // libgit2 1.5 does not read split indexes: it says so rather than guess.
            XCTAssertTrue("\(error)".contains("link"), "\(error)")
        }

        let gitStatus = runGit("status", "--porcelain", "--untracked-files=all").lines.map { line -> String in
            let code = line.prefix(2)
            let kind = code == "??" ? "A" : code.contains("D") ? "D" : code.contains("M") ? "M" : String(code)
            return kind + " " + line.dropFirst(3)
        }
        XCTAssertEqual(Set(gitStatus), ["M .vimrc", "A .config/app/three.conf"])
        do {
            let report = try Workspace.open(locations).status()
            let nanerStatus = report.scan.changes.map { change -> String in
                let kind = switch change.kind {
                case .added: "A"
                case .modified: "M"
                case .deleted: "D"
                case .excluded: "X"
                }
                return kind + " " + change.path
            }
            XCTAssertEqual(Set(nanerStatus), Set(gitStatus))
        } catch {
            XCTAssertTrue("\(error)".contains("link"), "\(error)")
        }
    }

    /// An index of version 4 (which git writes on request, and IndexFile leaves to libgit2):
    /// a status, whose index is read on a thread of its own, reads it the usual way and
    /// says what git says.
    func testStatusOfAVersion4IndexAgreesWithGit() throws {
        try writeHome(["/.bashrc": "alias ll='ls -l'\n", "/.vimrc": "set nu\n", "/.config/app/one.conf": "one\n",
                       "/.config/app/two.conf": "two\n"])
        let locations = Locations(home: home, repository: repository)
        _ = try Workspace.initialize(locations)
        try writeHome(["/.vimrc": "set number\n", "/.config/app/three.conf": "three\n"])
        try FileManager.default.removeItem(atPath: home + "/.bashrc")
        XCTAssertEqual(runGit("update-index", "--index-version", "4").status, 0)
        XCTAssertNil(IndexFile.read(atPath: repository + "/index"))
        let report = try Workspace.open(locations).status()
        XCTAssertEqual(Set(report.scan.changes.map { "\($0.kind.rawValue) \($0.path)" }),
                       ["modified .vimrc", "new .config/app/three.conf", "deleted .bashrc"])
        let gitStatus = Set(runGit("status", "--porcelain", "--untracked-files=all").lines)
        XCTAssertEqual(gitStatus, [" M .vimrc", "?? .config/app/three.conf", " D .bashrc"])
    }

    /// Optional extensions (TREE from a commit, UNTR from the untracked cache) are
    /// skipped; version 3 (an entry with extended flags) is read. Every field of every
    /// entry matches git's, including the stat data a status compares.
    func testReadsVersions2And3WithOptionalExtensions() throws {
        try writeHome(["/a": "a\n", "/b/c": "c\n", "/b/d/e": "e\n", "/tool": "#!/bin/sh\n", "/x y": "space\n"])
        chmod(home + "/tool", 0o755)
        try FileManager.default.createSymbolicLink(atPath: home + "/link", withDestinationPath: "b/c")
        XCTAssertEqual(runGit("init", "-q", "-b", "main").status, 0)
        XCTAssertEqual(runGit("add", "-A").status, 0)
        XCTAssertEqual(runGit("commit", "-q", "-m", "first").status, 0)
        XCTAssertEqual(runGit("update-index", "--untracked-cache").status, 0)
        XCTAssertEqual(runGit("status", "--porcelain").status, 0)

        let index = home + "/.git/index"
        let version2 = try XCTUnwrap(IndexFile.read(atPath: index), "a version 2 index with TREE was refused")
        XCTAssertEqual(version2.entries.map(Listed.init), try listedByGit(gitDir: home + "/.git"))
        XCTAssertEqual(try header(index).version, 2)
        XCTAssertEqual(try extensions(index), ["TREE", "UNTR"])

        // skip-worktree needs the extended flags: git writes version 3.
        XCTAssertEqual(runGit("update-index", "--skip-worktree", "b/c").status, 0)
        XCTAssertEqual(try header(index).version, 3)
        let version3 = try XCTUnwrap(IndexFile.read(atPath: index), "a version 3 index was refused")
        XCTAssertEqual(version3.entries.map(Listed.init), try listedByGit(gitDir: home + "/.git"))

        // The stat threads' C strings are the entries' paths, in their order.
        for read in [version2, version3] {
            XCTAssertEqual(read.paths.count, read.entries.count)
            let paths = read.paths.withCStrings { path in (0..<read.paths.count).map { String(cString: path($0)) } }
            XCTAssertEqual(paths, read.entries.map(\.path))
        }
    }

    /// git's rule: an extension whose signature starts with 'A'...'Z' may be ignored,
    /// any other may not. Version 4 (prefix-compressed paths) is left to libgit2.
    func testRefusesMandatoryExtensionsAndVersion4() throws {
        let (index, original, bytes) = try addedIndex(["/a": "a\n", "/b/c": "c\n"])
        XCTAssertEqual(try extensions(index), [])

        func read(withExtension signature: String, size: UInt32? = nil, payload: [UInt8] = [1, 2, 3, 4]) -> [IndexEntry]? {
            let declared = size ?? UInt32(payload.count)
            let block = Array(signature.utf8) + withUnsafeBytes(of: declared.bigEndian, Array.init) + payload
            return readCopy(bytes.dropLast(20) + block + bytes.suffix(20))
        }
        XCTAssertEqual(read(withExtension: "ZZZZ")?.map(Listed.init), original.entries.map(Listed.init))
        XCTAssertNil(read(withExtension: "link"), "a split index's link extension was skipped")
        XCTAssertNil(read(withExtension: "sdir"), "a sparse index's sdir extension was skipped")
        XCTAssertNil(read(withExtension: "zzzz"))
        XCTAssertNil(read(withExtension: "1ABC"))
        XCTAssertNil(read(withExtension: "TREE", size: 1000), "an extension running past the checksum was accepted")

        XCTAssertEqual(runGit("update-index", "--index-version", "4").status, 0)
        XCTAssertEqual(try header(index).version, 4)
        XCTAssertNil(IndexFile.read(atPath: index))
        // libgit2 reads it, and agrees with git.
        let entries = try Repository.open(gitDir: home + "/.git", workTree: home).index().entries()
        XCTAssertEqual(entries.map(Listed.init), try listedByGit(gitDir: home + "/.git"))
    }

    /// An entry read from the file makes its path from the mapped index only when asked;
    /// set, it keeps the new one, and a table of paths built from entries (as a scan of
    /// libgit2's entries builds one) holds the same bytes as the reader's.
    func testEntriesKeepTheirPathsInTheMappedFile() throws {
        let long = "long/" + String(repeating: "p", count: 200) + "/x y \u{e9}.conf"
        let (_, read, _) = try addedIndex(["/a": "a\n", "/" + long: "l\n", "/z/b": "b\n"])
        XCTAssertEqual(read.entries.map(\.path), ["a", long, "z/b"])
        XCTAssertTrue(read.entries[1].pathIs(long))
        XCTAssertTrue(read.entries[1].pathStarts(with: Array("long/".utf8)))
        XCTAssertTrue(read.entries[0].pathPrecedes(Array("b".utf8)))
        XCTAssertFalse(read.entries[2].pathPrecedes(Array("z/b".utf8)))
        let rebuilt = PathTable(pathsOf: read.entries)
        for table in [read.paths, rebuilt] {
            XCTAssertEqual(table.withCStrings { path in (0..<table.count).map { String(cString: path($0)) } }, ["a", long, "z/b"])
        }
        var renamed = read.entries[1]
        renamed.path = "renamed"
        XCTAssertEqual(renamed.path, "renamed")
        XCTAssertTrue(renamed.pathIs("renamed"))
        XCTAssertEqual(read.entries[1].path, long, "renaming a copy changed the original")
    }

    /// The paths stay in the mapped file, handed out as C strings: one whose NUL is missing
    /// (a damaged or forged file) would run into the next entry, and a count of entries the
    /// file cannot hold would reserve memory for billions. Both are refused, so the caller
    /// falls back to libgit2, which says what is wrong.
    func testRefusesAPathWithoutItsNulAndAnImpossibleCount() throws {
        let (_, original, bytes) = try addedIndex(["/a": "a\n", "/bb/c": "c\n"])
        XCTAssertEqual(original.entries.map(\.path), ["a", "bb/c"])
        for entry in original.entries { XCTAssertTrue(entry.withPathBytes { $0.elementsEqual(entry.path.utf8) }) }
        func read(_ edit: (inout [UInt8]) -> Void) -> [IndexEntry]? {
            var edited = bytes
            edit(&edited)
            return readCopy(edited)
        }
        XCTAssertEqual(read { _ in }?.map(\.path), ["a", "bb/c"], "an unedited copy was refused")
        // The first entry's path "a" starts at byte 12 + 62; its padding follows it.
        XCTAssertEqual(bytes[12 + 62], UInt8(ascii: "a"))
        XCTAssertNil(read { $0[12 + 62 + 1] = UInt8(ascii: "x") }, "a path without its NUL was read")
        XCTAssertNil(read { $0.replaceSubrange(8..<12, with: [0xFF, 0xFF, 0xFF, 0xFF]) }, "four billion entries were read")
    }

    // MARK: - Helpers

    /// `files` written into the home and added to a git repository there (not committed):
    /// its index file's path, as IndexFile reads it, and its bytes.
    private func addedIndex(_ files: [String: String]) throws
        -> (path: String, read: (entries: [IndexEntry], checksum: String, paths: PathTable), bytes: [UInt8]) {
        try writeHome(files)
        XCTAssertEqual(runGit("init", "-q", "-b", "main").status, 0)
        XCTAssertEqual(runGit("add", "-A").status, 0)
        let index = home + "/.git/index"
        return (index, try XCTUnwrap(IndexFile.read(atPath: index)), [UInt8](try XCTUnwrap(FileManager.default.contents(atPath: index))))
    }

    /// An edited copy of an index file, as IndexFile reads it.
    private func readCopy(_ bytes: [UInt8]) -> [IndexEntry]? {
        let path = root + "/edited-index"
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return IndexFile.read(atPath: path)?.entries
    }

    /// One stage-0 entry as `git ls-files -s --debug` shows it.
    private struct Listed: Equatable, CustomStringConvertible {
        var path: String, mode: UInt32, id: String
        var ctime: String, mtime: String, device: UInt32, inode: UInt32, uid: UInt32, gid: UInt32, size: UInt32

        init(path: String, mode: UInt32, id: String, ctime: String, mtime: String,
             device: UInt32, inode: UInt32, uid: UInt32, gid: UInt32, size: UInt32) {
            (self.path, self.mode, self.id, self.ctime, self.mtime) = (path, mode, id, ctime, mtime)
            (self.device, self.inode, self.uid, self.gid, self.size) = (device, inode, uid, gid, size)
        }

        init(_ entry: IndexEntry) {
            self.init(path: entry.path, mode: entry.mode, id: entry.id.hex,
                      ctime: "\(UInt32(bitPattern: entry.ctimeSeconds)):\(entry.ctimeNanoseconds)",
                      mtime: "\(UInt32(bitPattern: entry.mtimeSeconds)):\(entry.mtimeNanoseconds)",
                      device: entry.device, inode: entry.inode, uid: entry.uid, gid: entry.gid, size: entry.fileSize)
        }

        var description: String { "\(String(mode, radix: 8)) \(id) \(path) c\(ctime) m\(mtime) \(device)/\(inode) \(uid):\(gid) \(size)" }
    }

    /// `git ls-files -s --debug`, cross-checked against plain `git ls-files -s`.
    private func listedByGit(gitDir: String? = nil) throws -> [Listed] {
        let lines = runGit(gitDir: gitDir, "ls-files", "-s", "--debug").lines
        var listed: [Listed] = []
        var index = 0
        func values(_ line: String) -> [String] {
            line.split(whereSeparator: { $0 == " " || $0 == "\t" }).filter { !$0.hasSuffix(":") }.map(String.init)
        }
        while index < lines.count {
            let head = lines[index]
            guard let tab = head.firstIndex(of: "\t"), index + 5 < lines.count else { throw Unexpected(line: head) }
            let fields = head[..<tab].split(separator: " ")
            guard fields.count == 3, let mode = UInt32(fields[0], radix: 8) else { throw Unexpected(line: head) }
            let ctime = values(lines[index + 1]), mtime = values(lines[index + 2])
            let devIno = values(lines[index + 3]), uidGid = values(lines[index + 4]), sizeFlags = values(lines[index + 5])
            guard ctime.count == 1, mtime.count == 1, devIno.count == 2, uidGid.count == 2, sizeFlags.count == 2,
                  let device = UInt32(devIno[0]), let inode = UInt32(devIno[1]), let uid = UInt32(uidGid[0]),
                  let gid = UInt32(uidGid[1]), let size = UInt32(sizeFlags[0]) else { throw Unexpected(line: head) }
            if fields[2] == "0" {
                listed.append(Listed(path: String(head[head.index(after: tab)...]), mode: mode, id: String(fields[1]),
                                     ctime: ctime[0], mtime: mtime[0], device: device, inode: inode, uid: uid, gid: gid, size: size))
            }
            index += 6
        }
        let plain = runGit(gitDir: gitDir, "ls-files", "-s").lines.filter { $0.split(separator: " ")[2].hasPrefix("0\t") }
        XCTAssertEqual(plain, listed.map { "\(String($0.mode, radix: 8)) \($0.id) 0\t\($0.path)" }, "ls-files -s and --debug differ")
        return listed
    }

    private struct Unexpected: Error { let line: String }

    /// The git CLI on the naner repository (`gitDir` nil) or on a repository in the home.
    private func runGit(gitDir: String? = nil, _ arguments: String...) -> GitOutput {
        if let gitDir { return git(home, ["--git-dir=" + gitDir, "--work-tree=" + home] + arguments, input: nil) }
        if FileManager.default.fileExists(atPath: repository) {
            return git(home, ["--git-dir=" + repository, "--work-tree=" + home] + arguments, input: nil)
        }
        return git(home, arguments, input: nil)
    }

    private func writeHome(_ files: [String: String]) throws {
        for (path, text) in files {
            let absolute = home + path
            try FileManager.default.createDirectory(atPath: (absolute as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try text.write(toFile: absolute, atomically: false, encoding: .utf8)
        }
    }

    private func header(_ path: String) throws -> (signature: String, version: UInt32) {
        let bytes = try XCTUnwrap(FileManager.default.contents(atPath: path))
        return (String(decoding: bytes.prefix(4), as: UTF8.self), bytes[4..<8].reduce(0) { $0 << 8 | UInt32($1) })
    }

    /// The signatures of a version 2 or 3 index's extensions, found by walking its entries.
    private func extensions(_ path: String) throws -> [String] {
        let bytes = [UInt8](try XCTUnwrap(FileManager.default.contents(atPath: path)))
        func u32(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        var offset = 12
        for _ in 0..<u32(8) {
            let flags = Int(bytes[offset + 60]) << 8 | Int(bytes[offset + 61])
            var end = offset + 62 + (flags & 0x4000 != 0 ? 2 : 0)
            while bytes[end] != 0 { end += 1 }
            offset += (end - offset + 8) & ~7
        }
        var found: [String] = []
        while offset + 8 <= bytes.count - 20 {
            found.append(String(decoding: bytes[offset..<offset + 4], as: UTF8.self))
            offset += 8 + u32(offset + 4)
        }
        return found
    }
}
