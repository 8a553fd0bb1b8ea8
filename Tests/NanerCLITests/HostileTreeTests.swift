import Foundation
import XCTest

/// Odd and hostile trees: names git and shells trip over, links, special files,
/// a file too large for memory, read-only places, a full disk, many naners at once.
final class HostileTreeTests: XCTestCase {
    /// Writes a file whose name is given as raw bytes (not necessarily UTF-8).
    private func writeRaw(_ folder: String, name: [UInt8], content: String) throws {
        let path = Array(folder.utf8) + [UInt8(ascii: "/")] + name + [0]
        let fd = path.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT | O_TRUNC, 0o644) } }
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno)!) }
        _ = content.withCString { write(fd, $0, strlen($0)) }
        close(fd)
    }

    func testOddNamesRoundTripByteForByte() throws {
        let sandbox = try Sandbox()
        try sandbox.write(".bashrc", "x\n")
        let names = ["with space.conf", "tab\there.conf", "new\nline.conf", "-leading-dash.conf", "--", "quote\"s.conf",
                     "back\\slash.conf", "ünïcödé.conf", "emoji-🙂.conf", String(repeating: "n", count: 255)]
        for (index, name) in names.enumerated() { try sandbox.write(".config/odd/" + name, "content \(index)\n") }
        // Close to PATH_MAX: 15 folders of 250 bytes.
        var deep = ".config/deep"
        for level in 0..<15 { deep += "/" + String(repeating: Character(UnicodeScalar(UInt8(97 + level))), count: 250) }
        try sandbox.write(deep + "/f", "deep\n")
        XCTAssertGreaterThan((sandbox.home + "/" + deep + "/f").utf8.count, 3800)
        XCTAssertExit(sandbox.naner("init"), 0)

        let tracked = sandbox.git("ls-files", "-z").stdout.split(separator: "\0").map(String.init)
        for name in names { XCTAssertTrue(tracked.contains(".config/odd/" + name), "'\(name)' not committed") }
        XCTAssertTrue(tracked.contains(deep + "/f"))
        XCTAssertEqual(sandbox.git("status", "--porcelain").stdout, "")
        XCTAssertExit(sandbox.git("fsck", "--strict"), 0)

        // Gone and restored: the same bytes under the same names.
        try FileManager.default.removeItem(atPath: sandbox.home + "/.config")
        XCTAssertExit(sandbox.naner("commit", "-m", "all gone"), 0)
        XCTAssertExit(sandbox.naner("restore", "HEAD~1"), 0)
        for (index, name) in names.enumerated() {
            XCTAssertEqual(sandbox.read(".config/odd/" + name).map { String(decoding: $0, as: UTF8.self) }, "content \(index)\n", name)
        }
        XCTAssertEqual(sandbox.read(deep + "/f"), Data("deep\n".utf8))
        XCTAssertEqual(sandbox.git("status", "--porcelain").stdout, "")
        let short = sandbox.naner("status", "--short")
        XCTAssertEqual(short.stdout, "")

        // A name that is not UTF-8 cannot round-trip through every tool: it is skipped, and said so.
        try writeRaw(sandbox.home + "/.config/odd", name: Array("latin1-".utf8) + [0xE9, 0xFF] + Array(".conf".utf8), content: "x\n")
        let commit = sandbox.naner("commit", "-m", "odd name")
        XCTAssertExit(commit, 0)
        XCTAssertTrue(commit.stderr.contains("warning:") && commit.stderr.contains("UTF-8"), commit.stderr)
        XCTAssertEqual(commit.stderr.split(separator: "\n").filter { $0.hasPrefix("warning:") }.count, 1, commit.stderr)
        XCTAssertExit(sandbox.git("fsck", "--strict"), 0)
    }

    func testLinksAreCommittedAsLinksAndNeverFollowedOut() throws {
        let sandbox = try Sandbox()
        try sandbox.write(".config/nvim/init.vim", "set number\n")
        symlink("init.vim", sandbox.home + "/.config/nvim/vimrc")
        symlink("/etc/passwd", sandbox.home + "/.config/passwd-link")
        symlink("/etc", sandbox.home + "/.config/etc-link")
        XCTAssertExit(sandbox.naner("init"), 0)
        let staged = sandbox.git("ls-files", "-s", ".config").lines
        XCTAssertTrue(staged.contains { $0.hasPrefix("120000") && $0.hasSuffix(".config/nvim/vimrc") }, "\(staged)")
        XCTAssertTrue(staged.contains { $0.hasPrefix("120000") && $0.hasSuffix(".config/passwd-link") }, "the link, not /etc/passwd")
        XCTAssertFalse(staged.contains { $0.contains(".config/etc-link/") }, "never walked into /etc")
        XCTAssertEqual(sandbox.git("show", "HEAD:.config/passwd-link").stdout, "/etc/passwd")

        try FileManager.default.removeItem(atPath: sandbox.home + "/.config/nvim/vimrc")
        XCTAssertExit(sandbox.naner("restore", "HEAD", "--force"), 0)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: sandbox.home + "/.config/nvim/vimrc"), "init.vim")

        // The folder replaced by a link to another place: the restore refuses to write through it.
        let elsewhere = sandbox.root + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: sandbox.home + "/.config/nvim", toPath: sandbox.root + "/nvim-moved")
        symlink(elsewhere, sandbox.home + "/.config/nvim")
        let refused = sandbox.naner("restore", "HEAD", "--force")
        XCTAssertExit(refused, 1)
        XCTAssertOneErrorLine(refused, contains: "will not write '.config/nvim/")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: elsewhere), [], "nothing written through the link")
    }

    func testSpecialFilesAreSkippedWithAWarningNeverOpened() throws {
        let sandbox = try Sandbox()
        try sandbox.write(".config/app/app.conf", "x\n")
        XCTAssertEqual(mkfifo(sandbox.home + "/.config/app/fifo", 0o644), 0)
        let socketPath = sandbox.home + "/.config/app/socket"
        let socket = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in socketPath.utf8.prefix(raw.count - 1).enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        defer { close(socket) }
        let device = getuid() == 0 && mknod(sandbox.home + "/.config/app/null", S_IFCHR | 0o644, dev_t((1 << 8) | 3)) == 0

        // A FIFO that is opened blocks forever: a hang here would mean naner opened it.
        let started = Date()
        let run = sandbox.naner("init")
        XCTAssertExit(run, 0)
        XCTAssertLessThan(Date().timeIntervalSince(started), 20)
        let tracked = sandbox.trackedFiles()
        XCTAssertTrue(tracked.contains(".config/app/app.conf"))
        for name in ["fifo", "socket", "null"] { XCTAssertFalse(tracked.contains(".config/app/" + name), name) }
        XCTAssertTrue(run.stderr.contains("fifo"), run.stderr)
        if bound == 0 { XCTAssertTrue(run.stderr.contains("socket"), run.stderr) }
        if device { XCTAssertTrue(run.stderr.contains("null"), run.stderr) }
        XCTAssertExit(sandbox.naner("status"), 0)
        XCTAssertExit(sandbox.git("fsck", "--strict"), 0)
    }

    /// naner's own rules files are read only when they are files: opened, a FIFO as
    /// `.syncignore` would block the read forever, and a folder is no list (both were once
    /// reported as "permission denied"). Either is named in one line; nothing is committed.
    func testRulesFileThatIsNoFileIsNamedNeverOpened() throws {
        let sandbox = try Sandbox()
        try sandbox.write(".bashrc", "x\n")
        XCTAssertExit(sandbox.naner("init"), 0)
        try sandbox.write(".bashrc", "y\n")
        let head = sandbox.git("rev-parse", "HEAD").stdout
        let syncIgnore = sandbox.home + "/.syncignore"
        for (kind, make) in [("fifo", { mkfifo(syncIgnore, 0o644) }), ("folder", { mkdir(syncIgnore, 0o755) })] {
            try FileManager.default.removeItem(atPath: syncIgnore)
            XCTAssertEqual(make(), 0, kind)
            for command in [["status"], ["diff"], ["commit", "-m", "edit"]] {
                // Bounded: a naner that opened the FIFO would wait for a writer forever.
                let run = Sandbox.execute(["/usr/bin/timeout", "20", Sandbox.nanerBinary] + command,
                                          environment: sandbox.environment, directory: sandbox.home)
                XCTAssertExit(run, 1)
                XCTAssertOneErrorLine(run, contains: "cannot read '")
                XCTAssertTrue(run.stderr.contains(".syncignore': not a regular file"), "\(kind) \(command): \(run.stderr)")
                XCTAssertTrue(run.stderr.contains("hint: naner reads only a regular file there"), run.stderr)
            }
            XCTAssertEqual(sandbox.git("rev-parse", "HEAD").stdout, head, kind)
        }
    }

    /// A 200 MB file, added explicitly (it is over the size limit): committed and
    /// restored byte for byte, each with a peak RSS under 100 MiB (the file is read,
    /// scanned and deflated a piece at a time, and restored the same way).
    func testTwoHundredMegabyteFile() throws {
        let sandbox = try Sandbox()
        try sandbox.write(".bashrc", "x\n")
        XCTAssertExit(sandbox.naner("init"), 0)
        let size = 200 * 1024 * 1024
        let path = sandbox.home + "/.config/big/blob.bin"
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        // Not compressible to nothing: a repeating 1 MiB block of pseudo-random bytes.
        var generator = SeededGenerator(seed: 200)
        let block = Data((0..<(1 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) })
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        for _ in 0..<(size >> 20) { handle.write(block) }
        try handle.close()

        func peak(_ arguments: [String]) -> (Sandbox.Run, Int) {
            let rss = sandbox.root + "/rss"
            let run = Sandbox.execute(["/usr/bin/time", "-f", "%M", "-o", rss, Sandbox.nanerBinary] + arguments,
                                      environment: sandbox.environment, directory: sandbox.home)
            let kib = Int((try? String(contentsOfFile: rss, encoding: .utf8))?.split(separator: "\n").last ?? "") ?? -1
            return (run, kib)
        }
        /// The blob at `revision:path` and the file hold the same bytes (compared by cmp, not in memory).
        func sameAsCommitted(_ revision: String) -> Bool {
            Sandbox.execute(["/bin/sh", "-c", "git --git-dir=\"$1\" cat-file blob \"$2\" | cmp -s - \"$3\"", "sh",
                             sandbox.repo, revision + ":.config/big/blob.bin", path],
                            environment: sandbox.environment, directory: sandbox.home).status == 0
        }
        XCTAssertExit(sandbox.naner("add", ".config/big/blob.bin"), 0)
        let (commit, commitRSS) = peak(["commit", "-m", "big"])
        XCTAssertExit(commit, 0)
        XCTAssertEqual(sandbox.git("cat-file", "-s", "HEAD:.config/big/blob.bin").stdout, "\(size)\n")
        XCTAssertTrue(sameAsCommitted("HEAD"), "the commit holds the file byte for byte")
        XCTAssertExit(sandbox.git("fsck", "--strict"), 0)
        try FileManager.default.removeItem(atPath: path)
        XCTAssertExit(sandbox.naner("commit", "-m", "gone"), 0)
        let (restore, restoreRSS) = peak(["restore", "HEAD~1", "--", ".config/big"])
        XCTAssertExit(restore, 0)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        XCTAssertEqual(attributes[.size] as? Int, size)
        XCTAssertTrue(sameAsCommitted("HEAD~2"), "the restore brings the file back byte for byte")
        XCTAssertEqual(sandbox.git("rev-parse", "HEAD:.config/big/blob.bin").stdout, sandbox.git("rev-parse", "HEAD~2:.config/big/blob.bin").stdout,
                       "the restore's commit records the same blob")
        XCTAssertExit(sandbox.git("fsck", "--strict"), 0)
        print("200 MB file: commit peak RSS \(commitRSS / 1024) MiB, restore peak RSS \(restoreRSS / 1024) MiB")
        XCTAssertGreaterThan(commitRSS, 0)
        XCTAssertLessThanOrEqual(commitRSS, 100 * 1024, "the commit's peak RSS stays under 100 MiB")
        XCTAssertGreaterThan(restoreRSS, 0)
        XCTAssertLessThanOrEqual(restoreRSS, 100 * 1024, "the restore's peak RSS stays under 100 MiB")
    }

    /// Every object and file under the repository's `objects/`: no blob of `size`
    /// bytes, and no file large enough to hold a piece of incompressible content.
    private func assertNothingStored(_ sandbox: Sandbox, size: Int, file: StaticString = #filePath, line: UInt = #line) {
        let objects = sandbox.git("cat-file", "--batch-all-objects", "--batch-check")
        XCTAssertExit(objects, 0, file: file, line: line)
        let large = objects.lines.filter { (Int($0.split(separator: " ").last ?? "") ?? 0) >= 1 << 20 }
        XCTAssertEqual(large, [], "no object of \(size) bytes, nor any large one", file: file, line: line)
        let walker = FileManager.default.enumerator(atPath: sandbox.repo + "/objects")
        while let name = walker?.nextObject() as? String {
            let bytes = (try? FileManager.default.attributesOfItem(atPath: sandbox.repo + "/objects/" + name))?[.size] as? Int ?? 0
            XCTAssertLessThan(bytes, 1 << 20, "objects/\(name): no loose object, pack or temporary file holds the content",
                              file: file, line: line)
        }
        XCTAssertExit(sandbox.git("fsck", "--strict"), 0, file: file, line: line)
    }

    /// A 20 MiB file named in the include list, a private key block straddling its
    /// first 1 MiB piece and the next: refused, and nothing of it is stored.
    func testSecretAcrossAPieceBoundaryOfALargeFileIsRefusedAndNothingStored() throws {
        let sandbox = try Sandbox()
        try sandbox.write(".bashrc", "x\n")
        XCTAssertExit(sandbox.naner("init"), 0)
        let size = 20 << 20
        var generator = SeededGenerator(seed: 20)
        // Incompressible, and free of anything a detector starts on ('-', 'g', 'A', ':').
        let alphabet = Array("bcdefhijklmnopqrstuvwxyzBCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \n".utf8)
        var content = (0..<size).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
        let key = Array("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----\n".utf8)
        let at = (1 << 20) - 17  // the header's first 17 bytes in the first piece, the rest in the second
        content.replaceSubrange(at..<(at + key.count), with: key)
        try sandbox.write(".config/big/keys.dump", Data(content))
        XCTAssertExit(sandbox.naner("add", ".config/big/keys.dump"), 0)

        let status = sandbox.naner("status", "--short")
        XCTAssertExit(status, 0)
        XCTAssertTrue(status.lines.contains("! .config/big/keys.dump"), status.stdout)
        let commit = sandbox.naner("commit", "-m", "with the dump")
        XCTAssertExit(commit, 0)
        XCTAssertTrue(commit.stderr.contains("not committing '.config/big/keys.dump': it contains an OpenSSH private key (rule openssh-private-key)"), commit.stderr)
        XCTAssertFalse(sandbox.trackedFiles().contains(".config/big/keys.dump"))
        XCTAssertNotEqual(sandbox.git("cat-file", "-e", "HEAD:.config/big/keys.dump").status, 0)
        assertNothingStored(sandbox, size: size)

        // Without the key, the same file is committed whole.
        content.replaceSubrange(at..<(at + key.count), with: [UInt8](repeating: UInt8(ascii: "x"), count: key.count))
        try sandbox.write(".config/big/keys.dump", Data(content))
        XCTAssertExit(sandbox.naner("commit", "-m", "clean dump"), 0)
        XCTAssertEqual(sandbox.git("cat-file", "-s", "HEAD:.config/big/keys.dump").stdout, "\(size)\n")
        XCTAssertEqual(sandbox.git("hash-object", ".config/big/keys.dump").stdout, sandbox.git("rev-parse", "HEAD:.config/big/keys.dump").stdout)
    }

    /// A large file that grows while the commit reads it is skipped, not stored half
    /// old, half new. Deterministic: the file grows as soon as naner first reads from
    /// it (inotify), long before the read of its 64 MiB can end.
    func testLargeFileThatGrowsWhileCommittedIsSkipped() throws {
        let sandbox = try Sandbox()
        try sandbox.write(".bashrc", "x\n")
        XCTAssertExit(sandbox.naner("init"), 0)
        let size = 64 << 20
        let path = sandbox.home + "/.config/big/growing.bin"
        try sandbox.write(".config/big/growing.bin", Data(repeating: UInt8(ascii: "l"), count: size))
        XCTAssertExit(sandbox.naner("add", ".config/big/growing.bin"), 0)

        let watcher = inotify_init1(Int32(IN_CLOEXEC))
        XCTAssertGreaterThanOrEqual(watcher, 0)
        defer { close(watcher) }
        XCTAssertGreaterThanOrEqual(inotify_add_watch(watcher, path, UInt32(IN_ACCESS)), 0)
        let grew = expectation(description: "the file grew while naner read it")
        Thread.detachNewThread {
            var poller = pollfd(fd: watcher, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 120_000) == 1 else { return }
            let handle = FileHandle(forWritingAtPath: path)
            handle?.seekToEndOfFile()
            handle?.write(Data("one more line\n".utf8))
            try? handle?.close()
            grew.fulfill()
        }
        let commit = sandbox.naner("commit", "-m", "while it grows")
        wait(for: [grew], timeout: 5)
        XCTAssertExit(commit, 0)
        XCTAssertTrue(commit.stderr.contains("skipping '.config/big/growing.bin': cannot read: it changed while being read"), commit.stderr)
        XCTAssertFalse(sandbox.trackedFiles().contains(".config/big/growing.bin"))
        XCTAssertExit(sandbox.git("fsck", "--strict"), 0)
        let objects = sandbox.git("cat-file", "--batch-all-objects", "--batch-check").lines
        XCTAssertEqual(objects.filter { (Int($0.split(separator: " ").last ?? "") ?? 0) >= size }, [], "nothing of it was stored")

        // Once it holds still, it is committed whole.
        XCTAssertExit(sandbox.naner("commit", "-m", "still"), 0)
        XCTAssertEqual(sandbox.git("cat-file", "-s", "HEAD:.config/big/growing.bin").stdout, "\(size + 14)\n")
    }

    func testReadOnlyFolderAndFullDiskAreOneLineAndLeaveNoPartialFile() throws {
        let sandbox = try Sandbox()
        try sandbox.write(".config/app/settings.conf", String(repeating: "setting = value\n", count: 20_000))  // ~300 KB
        try sandbox.write(".config/ro/locked.conf", "before\n")
        XCTAssertExit(sandbox.naner("init"), 0)
        try sandbox.write(".config/ro/locked.conf", "after\n")
        XCTAssertExit(sandbox.naner("commit", "-m", "after"), 0)

        // A read-only folder. Root ignores permissions, so as root naner runs as 'nobody'
        // (setpriv) on a sandbox handed to nobody for the moment.
        let asNobody = getuid() == 0
        if asNobody { XCTAssertExit(Sandbox.execute(["/bin/chown", "-R", "65534:65534", sandbox.root], environment: [:], directory: "/"), 0) }
        chmod(sandbox.home + "/.config/ro", 0o555)
        let prefix = asNobody ? ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"] : []
        let refused = Sandbox.execute(prefix + [Sandbox.nanerBinary, "restore", "HEAD~1", "--force"],
                                      environment: sandbox.environment, directory: sandbox.home)
        chmod(sandbox.home + "/.config/ro", 0o755)
        if asNobody { XCTAssertExit(Sandbox.execute(["/bin/chown", "-R", "0:0", sandbox.root], environment: [:], directory: "/"), 0) }
        XCTAssertExit(refused, 1)
        XCTAssertOneErrorLine(refused, contains: "cannot write '\(sandbox.home)/.config/ro/locked.conf': Permission denied")
        XCTAssertEqual(String(decoding: sandbox.read(".config/ro/locked.conf")!, as: UTF8.self), "after\n")
        XCTAssertExit(sandbox.git("fsck", "--strict"), 0)
        XCTAssertEqual(sandbox.git("status", "--porcelain").stdout, "", "nothing half-restored")

        // A full disk, as a file size limit: writes fail with EFBIG instead of killing naner.
        try sandbox.write(".config/app/settings.conf", "short\n")
        XCTAssertExit(sandbox.naner("commit", "-m", "short"), 0)
        let limited = Sandbox.execute(["/bin/sh", "-c", "ulimit -f 64; exec \"$0\" restore HEAD~1 --force", Sandbox.nanerBinary],
                                      environment: sandbox.environment, directory: sandbox.home)
        XCTAssertExit(limited, 1)
        XCTAssertOneErrorLine(limited, contains: "settings.conf")
        XCTAssertEqual(String(decoding: sandbox.read(".config/app/settings.conf")!, as: UTF8.self), "short\n", "wholly old")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: sandbox.home + "/.config/app").filter { $0.contains("naner-tmp") }
        XCTAssertEqual(leftovers, [], "no partial file left")
        XCTAssertExit(sandbox.git("fsck", "--strict"), 0)
        XCTAssertExit(sandbox.naner("restore", "HEAD~1", "--force"), 0)
        XCTAssertEqual(sandbox.read(".config/app/settings.conf")?.count, 16 * 20_000)
    }

    /// Two, then ten naners at once on one repository: each finishes or says who
    /// holds the lock; the repository stays consistent and nothing is lost.
    func testManyNanersAtOnceAreSerialized() throws {
        let sandbox = try Sandbox()
        try sandbox.write(".bashrc", "x\n")
        XCTAssertExit(sandbox.naner("init"), 0)
        for count in [2, 10] {
            var processes: [(Process, String)] = []
            for index in 0..<count {
                try sandbox.write(".config/many/f\(count)-\(index).conf", "\(index)\n")
                let errors = sandbox.root + "/err-\(count)-\(index)"
                _ = FileManager.default.createFile(atPath: errors, contents: nil)
                let process = Process()
                process.executableURL = URL(fileURLWithPath: Sandbox.nanerBinary)
                process.arguments = index % 2 == 0 ? ["commit", "-m", "writer \(index)"] : ["backup", "--name", "b\(count)-\(index)"]
                process.environment = sandbox.environment.merging(["NANER_LOCK_TIMEOUT": "30"]) { $1 }
                process.currentDirectoryURL = URL(fileURLWithPath: sandbox.home)
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle(forWritingAtPath: errors)
                processes.append((process, errors))
            }
            for (process, _) in processes { try process.run() }
            for (process, errors) in processes {
                process.waitUntilExit()
                XCTAssertEqual(process.terminationStatus, 0, (try? String(contentsOfFile: errors, encoding: .utf8)) ?? "")
            }
            XCTAssertExit(sandbox.git("fsck", "--strict"), 0)
            XCTAssertEqual(sandbox.git("status", "--porcelain").stdout, "", "every file committed by one of them")
            for index in 0..<count {
                XCTAssertEqual(sandbox.git("show", "HEAD:.config/many/f\(count)-\(index).conf").stdout, "\(index)\n")
            }
            XCTAssertEqual(sandbox.git("tag").lines.filter { $0.hasPrefix("b\(count)-") }.count, count / 2)
        }
    }
}
