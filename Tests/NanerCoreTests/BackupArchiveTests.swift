import Foundation
import Glibc
import XCTest
import ZIPFoundation
@testable import NanerCore

final class BackupArchiveTests: XCTestCase {
    // MARK: Fixtures

    private var scratch = ""

    override func setUpWithError() throws {
        var template = Array("/tmp/naner-archive-tests-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw XCTSkip("cannot make a temporary folder")
        }
        scratch = String(cString: made)
    }

    override func tearDownWithError() throws {
        if !scratch.isEmpty { try? FileManager.default.removeItem(atPath: scratch) }
    }

    /// A fresh empty folder inside the scratch folder.
    private func folder(_ name: String) throws -> String {
        let path = scratch + "/" + name
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private let manifest = BackupManifest(
        name: "pre-v2.0-update", date: "2026-11-25T21:40:00+01:00", host: "laptop", user: "me", tree: "/home/me",
        nanerVersion: "0.1.0", commit: String(repeating: "ab", count: 20), message: "before the upgrade",
        includedSSHKeys: true, itemsBackedUp: 12,
        skipped: [.init(path: ".ssh/id_rsa", reason: "refused: it holds a private key")])

    private var sampleEntries: [ArchiveEntry] {
        var random = SystemRandomNumberGenerator()
        let noise = (0..<40_000).map { _ in UInt8.random(in: 0...255, using: &random) }
        return [
            .file(".bashrc", Array("alias ll='ls -l'\nexport EDITOR=vim\n".utf8)),
            .file("bin/all-bytes", (0...255).map { UInt8($0) }, mode: 0o755),
            .file("crlf.txt", Array("one\r\ntwo\r\n\r\n".utf8)),
            .file("empty", []),
            .file(".ssh/config", Array("Host *\n  IdentitiesOnly yes\n".utf8), mode: 0o600),
            .file(".ssh/id_ed25519", Array("-----BEGIN OPENSSH PRIVATE KEY-----\nxyz\n".utf8), mode: 0o600),
            .file(".config/private/token", Array("secret".utf8), mode: 0o700),
            .file(".config/app/deep/er/still/settings.json", Array(String(repeating: "{\"k\": 1}\n", count: 5000).utf8)),
            .file(".cache/noise.bin", noise, mode: 0o640),
            .file("Documents/PowerShell/My Profile.ps1", Array("Set-Alias ll Get-ChildItem\r\n".utf8)),
            .file("notes/café ünïcode 日本語 🚀.txt", Array("ünïcode\n".utf8), mode: 0o444),
            .symlink(".vimrc", target: ".config/nvim/init.vim"),
            .file(".config/nvim/init.vim", Array("set number\n".utf8)),
            .symlink(".config/nvim/up", target: "../../.bashrc"),
            .symlink(".config/here", target: "."),
            .symlink("dangling", target: "not/there"),
        ]
    }

    private func sorted(_ entries: [ArchiveEntry]) -> [ArchiveEntry] {
        entries.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }

    private func listing(_ path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }

    private func lstatMode(_ path: String) -> mode_t? {
        var status = stat()
        return lstat(path, &status) == 0 ? status.st_mode : nil
    }

    private func writeBytes(_ path: String, _ bytes: [UInt8]) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// A zip written with no safety checks, for hostile archives.
    private func rawZip(_ name: String, _ items: [(String, ArchiveEntry.Content)], manifest withManifest: Bool = true,
                        compress: Bool = true) throws -> String {
        let path = scratch + "/" + name
        let manifestItem: [(String, ArchiveEntry.Content)] =
            withManifest ? [(BackupManifest.fileName, .file(Array(manifest.json().utf8), mode: 0o644))] : []
        try ZipArchive.write((manifestItem + items).map { (path: $0.0, content: $0.1) }, to: path, compress: compress)
        return path
    }

    /// A folder archive made by hand, with a valid manifest.
    private func handFolder(_ name: String) throws -> String {
        let path = try folder(name)
        try writeBytes(path + "/" + BackupManifest.fileName, Array(manifest.json().utf8))
        try writeBytes(path + "/.bashrc", Array("ok\n".utf8))
        return path
    }

    /// Reading `path` must fail with an error `matches` accepts, on one line.
    private func assertRefused(_ path: String, file: StaticString = #filePath, line: UInt = #line,
                               _ matches: (NanerError) -> Bool) {
        do {
            let result = try BackupArchive.read(path)
            XCTFail("read returned \(result.entries.count) entries instead of failing", file: file, line: line)
        } catch let error as NanerError {
            XCTAssertTrue(matches(error), "unexpected error: \(error.message)", file: file, line: line)
            XCTAssertFalse(error.message.contains("\n") || error.message.contains("\r") || error.message.contains("\0"),
                           "message is not one line: \(error.message)", file: file, line: line)
            XCTAssertFalse(error.hints.isEmpty, "no hint for \(error)", file: file, line: line)
        } catch {
            XCTFail("not a NanerError: \(error)", file: file, line: line)
        }
    }

    private func isUnsafe(_ error: NanerError, entry: String, reason: String) -> Bool {
        guard case .unsafeArchiveEntry(_, let found, let why) = error else { return false }
        return found == entry && why.contains(reason)
    }

    private func isDamaged(_ error: NanerError, _ reason: String = "") -> Bool {
        guard case .archiveDamaged(_, let why) = error else { return false }
        return reason.isEmpty || why.contains(reason)
    }

    private func python(_ script: String, _ arguments: [String] = []) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let output = Pipe()
        process.standardOutput = output
        do { try process.run() } catch { throw XCTSkip("python3 is not available") }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw XCTSkip("python3 failed") }
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: Other readers

    /// naner writes its zips itself: Info-ZIP's unzip and ZIPFoundation must read them as
    /// written (bytes, permissions, a symlink, an empty file, stored and deflated).
    func testZipsOpenWithInfoZipsUnzipAndZIPFoundation() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/unzip") else {
            throw XCTSkip("Info-ZIP's unzip is not installed (make deps installs it)")
        }
        var random = SystemRandomNumberGenerator()
        let noise = (0..<70_000).map { _ in UInt8.random(in: 0...255, using: &random) }
        let items: [(path: String, content: ArchiveEntry.Content)] = [
            ("a.txt", .file(Array(String(repeating: "hello\n", count: 1000).utf8), mode: 0o644)),
            (".config/app/secret.conf", .file(noise, mode: 0o600)),
            ("bin/run.sh", .file(Array("#!/bin/sh\necho ü\n".utf8), mode: 0o755)),
            ("empty", .file([], mode: 0o644)),
            ("link", .symlink(target: "a.txt")),
        ]
        for compress in [true, false] {
            let zip = scratch + "/other-\(compress).zip"
            try ZipArchive.write(items, to: zip, compress: compress)
            let out = try folder("unzipped-\(compress)")
            let unzip = Process()
            unzip.executableURL = URL(fileURLWithPath: "/usr/bin/unzip")
            unzip.arguments = ["-q", zip, "-d", out]
            unzip.standardOutput = FileHandle.nullDevice
            try unzip.run()
            unzip.waitUntilExit()
            XCTAssertEqual(unzip.terminationStatus, 0, "unzip refused the archive (compress: \(compress))")

            let archive = try Archive(url: URL(fileURLWithPath: zip), accessMode: .read)
            for (path, content) in items {
                var status = stat()
                XCTAssertEqual(lstat(out + "/" + path, &status), 0, "unzip did not write \(path)")
                guard let entry = archive[path] else { XCTFail("ZIPFoundation finds no \(path)"); continue }
                var read = Data()
                _ = try archive.extract(entry, consumer: { read.append($0) })
                switch content {
                case .file(let bytes, let mode):
                    XCTAssertEqual(FileManager.default.contents(atPath: out + "/" + path).map { [UInt8]($0) }, bytes, path)
                    XCTAssertEqual(UInt32(status.st_mode) & 0o777, mode, "\(path)'s mode after unzip")
                    XCTAssertEqual([UInt8](read), bytes, "\(path) through ZIPFoundation")
                    XCTAssertEqual(entry.type, .file)
                case .symlink(let target):
                    XCTAssertEqual(UInt32(status.st_mode) & 0o170000, 0o120000, "unzip made \(path) a link")
                    XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: out + "/" + path), target)
                    XCTAssertEqual(entry.type, .symlink)
                    XCTAssertEqual(String(decoding: read, as: UTF8.self), target)
                }
            }
        }
    }

    // MARK: Round trips

    func testFolderRoundTripKeepsBytesModesAndSymlinks() throws {
        let output = try folder("out")
        let entries = sampleEntries
        let written = try BackupArchive.write(entries: entries, manifest: manifest, to: output, name: "pre-v2.0-update",
                                              compress: false)
        XCTAssertEqual(written, output + "/pre-v2.0-update")
        XCTAssertEqual(listing(output), ["pre-v2.0-update"], "the temporary folder is left behind")

        // Plain files on disk, as a person would see them.
        XCTAssertEqual(lstatMode(written).map { $0 & 0o7777 }, 0o700)
        XCTAssertEqual(lstatMode(written + "/.ssh/config").map { $0 & 0o7777 }, 0o600)
        XCTAssertEqual(lstatMode(written + "/bin/all-bytes").map { $0 & 0o7777 }, 0o755)
        XCTAssertEqual(lstatMode(written + "/.config/private/token").map { $0 & 0o7777 }, 0o700)
        XCTAssertEqual(lstatMode(written + "/.vimrc").map { $0 & S_IFMT }, S_IFLNK)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: written + "/.config/nvim/up"), "../../.bashrc")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: written + "/crlf.txt")), Data("one\r\ntwo\r\n\r\n".utf8))
        XCTAssertEqual(try String(contentsOfFile: written + "/" + BackupManifest.fileName, encoding: .utf8), manifest.json())

        let (readManifest, readEntries) = try BackupArchive.read(written)
        XCTAssertEqual(readManifest, manifest)
        XCTAssertEqual(readEntries, sorted(entries))
    }

    func testZipRoundTripKeepsBytesModesAndSymlinks() throws {
        let output = try folder("out")
        let entries = sampleEntries
        let written = try BackupArchive.write(entries: entries, manifest: manifest, to: output, name: "pre-v2.0-update",
                                              compress: true)
        XCTAssertEqual(written, output + "/pre-v2.0-update.zip")
        XCTAssertEqual(listing(output), ["pre-v2.0-update.zip"], "the temporary file is left behind")
        XCTAssertEqual(lstatMode(written).map { $0 & 0o7777 }, 0o600)

        let (readManifest, readEntries) = try BackupArchive.read(written)
        XCTAssertEqual(readManifest, manifest)
        XCTAssertEqual(readEntries, sorted(entries))
    }

    func testZipIsReadableByOtherTools() throws {
        let output = try folder("out")
        let written = try BackupArchive.write(entries: sampleEntries, manifest: manifest, to: output, name: "b",
                                              compress: true)
        // Python's zipfile: CRCs good, names at the root, unix modes and a symlink in the attributes.
        let report = try python("""
            import sys, zipfile
            z = zipfile.ZipFile(sys.argv[1])
            assert z.testzip() is None
            for i in z.infolist():
                print(i.filename, oct(i.external_attr >> 16))
            """, [written])
        let lines = Set(report.split(separator: "\n").map(String.init))
        XCTAssertTrue(lines.contains("BACKUP-MANIFEST.json 0o100644"), report)
        XCTAssertTrue(lines.contains(".ssh/config 0o100600"), report)
        XCTAssertTrue(lines.contains("bin/all-bytes 0o100755"), report)
        XCTAssertTrue(lines.contains(".vimrc 0o120777"), report)
        XCTAssertTrue(lines.contains("notes/café ünïcode 日本語 🚀.txt 0o100444"), report)
        XCTAssertTrue(lines.allSatisfy { !$0.hasPrefix("b/") }, "entries must sit at the archive's root")
    }

    func testReadsZipMadeByAnotherTool() throws {
        // Folder entries, deflated data, a deflated symlink, default attributes: all as other zip tools write them.
        let path = scratch + "/other.zip"
        _ = try python("""
            import sys, zipfile
            manifest = open(sys.argv[2], 'rb').read()
            with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
                z.writestr('BACKUP-MANIFEST.json', manifest)
                z.writestr(zipfile.ZipInfo('.config/'), b'')
                i = zipfile.ZipInfo('.config/app.conf'); i.create_system = 3; i.external_attr = 0o100640 << 16
                z.writestr(i, b'x = 1\\n' * 1000, zipfile.ZIP_DEFLATED)
                i = zipfile.ZipInfo('.config/link'); i.create_system = 3; i.external_attr = 0o120777 << 16
                z.writestr(i, 'app.conf', zipfile.ZIP_DEFLATED)
                i = zipfile.ZipInfo('dos.txt'); i.create_system = 0
                z.writestr(i, b'from windows\\r\\n')
            """, [path, try writeManifestFile()])
        let (readManifest, entries) = try BackupArchive.read(path)
        XCTAssertEqual(readManifest, manifest)
        XCTAssertEqual(entries, [
            .file(".config/app.conf", Array(String(repeating: "x = 1\n", count: 1000).utf8), mode: 0o640),
            .symlink(".config/link", target: "app.conf"),
            .file("dos.txt", Array("from windows\r\n".utf8), mode: 0o644),
        ])
    }

    private func writeManifestFile() throws -> String {
        let path = scratch + "/manifest.json"
        try writeBytes(path, Array(manifest.json().utf8))
        return path
    }

    func testReadsFolderFilledByHand() throws {
        let path = try handFolder("by-hand")
        try FileManager.default.createDirectory(atPath: path + "/empty/folder", withIntermediateDirectories: true)
        try writeBytes(path + "/.config/x.conf", Array("x\n".utf8))
        XCTAssertEqual(chmod(path + "/.config/x.conf", 0o600), 0)
        let (readManifest, entries) = try BackupArchive.read(path)
        XCTAssertEqual(readManifest, manifest)
        XCTAssertEqual(entries.map(\.path), [".bashrc", ".config/x.conf"])
        XCTAssertEqual(entries.last, .file(".config/x.conf", Array("x\n".utf8), mode: 0o600))
    }

    // MARK: Writing refuses

    func testExistingTargetIsRefusedAndNothingIsWritten() throws {
        let output = try folder("out")
        try writeBytes(output + "/b.zip", Array("keep me".utf8))
        try FileManager.default.createDirectory(atPath: output + "/b/inside", withIntermediateDirectories: true)
        try writeBytes(output + "/c", Array("a file named like the folder".utf8))
        XCTAssertEqual(symlink("/nonexistent", output + "/d.zip"), 0)
        let before = listing(output)

        for (name, compress, target) in [("b", true, "b.zip"), ("b", false, "b"), ("c", false, "c"), ("d", true, "d.zip")] {
            XCTAssertThrowsError(try BackupArchive.write(entries: sampleEntries, manifest: manifest, to: output,
                                                         name: name, compress: compress)) { error in
                XCTAssertEqual(error as? NanerError, .archiveExists(output + "/" + target))
                XCTAssertEqual((error as? NanerError)?.message, "'\(output)/\(target)' already exists")
            }
        }
        XCTAssertEqual(listing(output), before)
        XCTAssertEqual(listing(output + "/b"), ["inside"])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: output + "/b.zip")), Data("keep me".utf8))
    }

    func testUnsafeEntriesAreRefusedBeforeWriting() throws {
        let output = try folder("out")
        let cases: [(ArchiveEntry, String)] = [
            (.file("/etc/passwd", []), "absolute"),
            (.file("../escape", []), "'..'"),
            (.file("a/./b", []), "'.'"),
            (.file("a//b", []), "empty component"),
            (.file("a\\b", []), "'\\'"),
            (.file("nul\0byte", []), "NUL"),
            (.symlink("link", target: "/etc/passwd"), "absolute"),
            (.symlink("a/link", target: "../../outside"), "leads out"),
            (.file(BackupManifest.fileName, []), "manifest"),
        ]
        for (entry, reason) in cases {
            for compress in [false, true] {
                XCTAssertThrowsError(try BackupArchive.write(entries: [.file("ok", [1])] + [entry], manifest: manifest,
                                                             to: output, name: "x", compress: compress)) { error in
                    guard case .cannotArchive(let path, let why)? = error as? NanerError else {
                        return XCTFail("unexpected \(error)")
                    }
                    XCTAssertEqual(path, entry.path)
                    XCTAssertTrue(why.contains(reason), why)
                }
            }
        }
        XCTAssertEqual(listing(output), [])
        XCTAssertEqual(BackupArchive.unsafeEntries(in: cases.map(\.0).dropLast() + [.file("fine", [])]).count, 8)
    }

    func testFailureHalfwayRemovesTheTemporaryFolder() throws {
        let output = try folder("out")
        let tooLong = String(repeating: "n", count: 300)
        XCTAssertThrowsError(try BackupArchive.write(entries: [.file("a", [1]), .file("z/" + tooLong, [2])],
                                                     manifest: manifest, to: output, name: "x", compress: false)) { error in
            guard case .cannotWrite(let path, _)? = error as? NanerError else { return XCTFail("unexpected \(error)") }
            XCTAssertEqual(path, output + "/x/z/" + tooLong)
        }
        XCTAssertEqual(listing(output), [])
    }

    func testMissingOutputFolderAndBadNames() {
        XCTAssertThrowsError(try BackupArchive.write(entries: [], manifest: manifest, to: scratch + "/nope", name: "x",
                                                     compress: true)) { error in
            XCTAssertEqual(error as? NanerError, .outputMissing(scratch + "/nope"))
        }
        for name in ["", "a/b", "..", ".hidden"] {
            XCTAssertThrowsError(try BackupArchive.write(entries: [], manifest: manifest, to: scratch, name: name,
                                                         compress: false)) { error in
                guard case .invalidBackupName? = error as? NanerError else { return XCTFail("unexpected \(error)") }
            }
        }
    }

    // MARK: Hostile zips

    func testZipWithAbsolutePathIsRefused() throws {
        let path = try rawZip("abs.zip", [("/etc/cron.d/evil", .file(Array("* * * * * root sh\n".utf8), mode: 0o644))])
        assertRefused(path) { self.isUnsafe($0, entry: "/etc/cron.d/evil", reason: "absolute") }
    }

    func testZipWithDotDotIsRefused() throws {
        let path = try rawZip("dotdot.zip", [("ok", .file([1], mode: 0o644)), ("../escape", .file([2], mode: 0o644))])
        assertRefused(path) { self.isUnsafe($0, entry: "../escape", reason: "'..'") }
        let deeper = try rawZip("dotdot2.zip", [("a/b/../../../escape", .file([2], mode: 0o644))])
        assertRefused(deeper) { self.isUnsafe($0, entry: "a/b/../../../escape", reason: "'..'") }
        let windows = try rawZip("backslash.zip", [("..\\..\\escape", .file([2], mode: 0o644))])
        assertRefused(windows) { self.isUnsafe($0, entry: "..\\..\\escape", reason: "'\\'") }
    }

    func testZipWithNulOrNewlineInNameIsRefusedOnOneLine() throws {
        let path = try rawZip("nul.zip", [("evil\0/../../x", .file([1], mode: 0o644))])
        assertRefused(path) { self.isUnsafe($0, entry: "evil\0/../../x", reason: "NUL") }
        let newline = try rawZip("newline.zip", [("../evil\nname", .file([1], mode: 0o644))])
        assertRefused(newline) { error in
            error.message.contains("'../evil\\nname'") && self.isUnsafe(error, entry: "../evil\nname", reason: "'..'")
        }
    }

    func testZipSymlinkToAbsolutePathIsRefused() throws {
        let path = try rawZip("abslink.zip", [(".bashrc", .symlink(target: "/etc/passwd"))])
        assertRefused(path) { self.isUnsafe($0, entry: ".bashrc", reason: "absolute path '/etc/passwd'") }
    }

    func testZipSymlinkClimbingOutIsRefused() throws {
        let path = try rawZip("climb.zip", [("a/b", .symlink(target: "../../outside"))])
        assertRefused(path) { self.isUnsafe($0, entry: "a/b", reason: "leads out") }
        // Each link stays inside on its own, but b goes through a/l, which is the root: b is the root's parent.
        let chained = try rawZip("chain.zip", [("a/l", .symlink(target: "..")), ("b", .symlink(target: "a/l/.."))])
        assertRefused(chained) { self.isUnsafe($0, entry: "b", reason: "leads out") }
        let loop = try rawZip("loop.zip", [("x", .symlink(target: "y/z")), ("y", .symlink(target: "x"))])
        assertRefused(loop) { self.isUnsafe($0, entry: "x", reason: "too many symlinks") }
    }

    func testZipEntryBelowASymlinkIsRefused() throws {
        // Extracting l first and then l/evil would write through the link.
        let path = try rawZip("below.zip", [("l", .symlink(target: "sub")), ("l/evil", .file([1], mode: 0o644))])
        assertRefused(path) { self.isUnsafe($0, entry: "l/evil", reason: "which is a symlink") }
        let twice = try rawZip("twice.zip", [("x", .file([1], mode: 0o644)), ("x", .file([2], mode: 0o644))])
        assertRefused(twice) { self.isUnsafe($0, entry: "x", reason: "more than once") }
    }

    func testZipWithoutManifestIsNotABackup() throws {
        let path = try rawZip("plain.zip", [(".bashrc", .file([1], mode: 0o644))], manifest: false)
        assertRefused(path) { $0 == .notABackup(path, reason: "no BACKUP-MANIFEST.json") }
        XCTAssertEqual(NanerError.notABackup("/x", reason: "no BACKUP-MANIFEST.json").message,
                       "'/x' is not a naner backup: no BACKUP-MANIFEST.json")
    }

    func testZipWithGarbageManifestIsNotABackup() throws {
        let path = try rawZip("garbage.zip", [(BackupManifest.fileName, .file(Array("{\"not\": \"it\"}".utf8), mode: 0o644))],
                              manifest: false)
        assertRefused(path) { error in
            guard case .notABackup(path, let reason) = error else { return false }
            return reason.contains("BACKUP-MANIFEST.json")
        }
        let linked = try rawZip("linked.zip", [(BackupManifest.fileName, .symlink(target: "x"))], manifest: false)
        assertRefused(linked) { error in
            guard case .notABackup(linked, let reason) = error else { return false }
            return reason.contains("not a regular file")
        }
    }

    func testTruncatedZipIsDamaged() throws {
        let output = try folder("out")
        let written = try BackupArchive.write(entries: sampleEntries, manifest: manifest, to: output, name: "b",
                                              compress: true)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: written))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: written))
        assertRefused(written) { self.isDamaged($0) }
        XCTAssertTrue(NanerError.archiveDamaged("/x.zip", reason: "r").message == "backup archive '/x.zip' is damaged: r")
    }

    func testFlippedByteFailsTheCRC() throws {
        let marker = Array("UNIQUE-MARKER-CONTENT-0123456789".utf8)
        let path = try rawZip("flip.zip", [("data.txt", .file(marker, mode: 0o644))], compress: false)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let at = try XCTUnwrap((0...(bytes.count - marker.count)).first { Array(bytes[$0..<$0 + marker.count]) == marker })
        bytes[at + 10] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        assertRefused(path) { self.isDamaged($0, "'data.txt' fails its CRC-32 check") }
    }

    func testFlippedByteInDeflatedDataIsDamaged() throws {
        let output = try folder("out")
        let written = try BackupArchive.write(entries: sampleEntries, manifest: manifest, to: output, name: "b",
                                              compress: true)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: written)))
        let name = Array(".cache/noise.bin".utf8)
        let at = try XCTUnwrap((0...(bytes.count - name.count)).first { Array(bytes[$0..<$0 + name.count]) == name })
        bytes[at + name.count + 20_000] ^= 0x40  // inside the local entry's data (no extra field)
        try Data(bytes).write(to: URL(fileURLWithPath: written))
        assertRefused(written) { self.isDamaged($0) }
    }

    func testDeflateStreamThatNeverEndsIsDamagedNotAHang() throws {
        // A deflated entry whose data opens a 65535-byte stored block and then ends: ZIPFoundation's own
        // reader loops forever on it (0.9.20, Linux). Ours must answer, so run it aside with a deadline.
        let path = try rawZip("hang.zip", [("evil", .file([0x00, 0xFF, 0xFF, 0x00, 0x00, 0x61, 0x62, 0x63], mode: 0o644))],
                              compress: false)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let name = Array("evil".utf8)
        for at in 0...(bytes.count - name.count) where Array(bytes[at..<at + name.count]) == name {
            // Local header: name at 30, method at 8; central header: name at 46, method at 10.
            if at >= 30, bytes[(at - 30)..<(at - 26)] == [0x50, 0x4B, 0x03, 0x04] { bytes[at - 30 + 8] = 8 }
            if at >= 46, bytes[(at - 46)..<(at - 42)] == [0x50, 0x4B, 0x01, 0x02] { bytes[at - 46 + 10] = 8 }
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let finished = expectation(description: "read returns")
        let box = ResultBox()
        Thread.detachNewThread {
            do { _ = try BackupArchive.read(path) } catch { box.set(error as? NanerError) }
            finished.fulfill()
        }
        wait(for: [finished], timeout: 20)
        XCTAssertTrue(box.get().map { isDamaged($0, "cut short") } ?? false, "\(String(describing: box.get()))")
    }

    func testNotAnArchiveAtAll() throws {
        assertRefused(scratch + "/missing.zip") { $0 == .archiveMissing(self.scratch + "/missing.zip") }
        XCTAssertEqual(NanerError.archiveMissing("/x").message, "backup archive '/x' does not exist")
        let text = scratch + "/notes.txt"
        try writeBytes(text, Array("hello\n".utf8))
        assertRefused(text) { $0 == .notABackup(text, reason: "it is neither a folder nor a zip file") }
        let tiny = scratch + "/tiny.zip"
        try writeBytes(tiny, [0x50, 0x4B, 0x03, 0x04, 0, 0])
        assertRefused(tiny) { self.isDamaged($0) }
    }

    // MARK: Hostile folders

    func testFolderSymlinkLeadingOutIsRefused() throws {
        let path = try handFolder("climb")
        try FileManager.default.createDirectory(atPath: path + "/.config", withIntermediateDirectories: true)
        XCTAssertEqual(symlink("../../../etc", path + "/.config/etc"), 0)
        assertRefused(path) { self.isUnsafe($0, entry: ".config/etc", reason: "leads out") }

        let absolute = try handFolder("absolute")
        XCTAssertEqual(symlink("/etc/passwd", absolute + "/.profile"), 0)
        assertRefused(absolute) { self.isUnsafe($0, entry: ".profile", reason: "absolute") }
    }

    func testFolderWithoutOrWithGarbageManifestIsNotABackup() throws {
        let empty = try folder("no-manifest")
        try writeBytes(empty + "/.bashrc", [1])
        assertRefused(empty) { $0 == .notABackup(empty, reason: "no BACKUP-MANIFEST.json") }

        let garbage = try folder("garbage")
        try writeBytes(garbage + "/" + BackupManifest.fileName, Array("not json at all".utf8))
        assertRefused(garbage) { error in
            guard case .notABackup(garbage, let reason) = error else { return false }
            return reason.contains("not a naner manifest")
        }

        // A manifest that is a symlink is never followed.
        let linked = try folder("linked")
        try writeBytes(scratch + "/elsewhere.json", Array(manifest.json().utf8))
        XCTAssertEqual(symlink(scratch + "/elsewhere.json", linked + "/" + BackupManifest.fileName), 0)
        assertRefused(linked) { error in
            guard case .notABackup(linked, let reason) = error else { return false }
            return reason.contains("not a regular file")
        }
    }

    func testFolderWithPipeIsRefused() throws {
        let path = try handFolder("fifo")
        XCTAssertEqual(mkfifo(path + "/pipe", 0o600), 0)
        assertRefused(path) { self.isUnsafe($0, entry: "pipe", reason: "pipe") }
    }

    // MARK: Rules

    func testSymlinkResolutionStaysLexicalInsideTheArchive() {
        let kinds: [String: ArchiveSafety.Kind] = [:]
        XCTAssertNil(ArchiveSafety.symlinkProblem(path: "a/b/c", target: "../../x", kinds: kinds))
        XCTAssertNotNil(ArchiveSafety.symlinkProblem(path: "a/b/c", target: "../../../x", kinds: kinds))
        XCTAssertNil(ArchiveSafety.symlinkProblem(path: "a/l", target: "..", kinds: kinds))
        XCTAssertNil(ArchiveSafety.symlinkProblem(path: "a/l", target: "./x/../../y", kinds: kinds))
        XCTAssertNotNil(ArchiveSafety.symlinkProblem(path: "l", target: "x/../..", kinds: kinds))
        XCTAssertNotNil(ArchiveSafety.symlinkProblem(path: "l", target: "", kinds: kinds))
        XCTAssertEqual(ArchiveSafety.pathProblem("C:/Windows"), "the path starts with a drive letter")
        XCTAssertNil(ArchiveSafety.pathProblem(".config/Code/User/settings.json"))
        XCTAssertNil(ArchiveSafety.pathProblem("..hidden/...dots"))
    }
}

/// Carries the error out of the reading thread.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var error: NanerError?

    func set(_ error: NanerError?) { lock.withLock { self.error = error } }
    func get() -> NanerError? { lock.withLock { error } }
}
