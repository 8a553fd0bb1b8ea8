import Foundation
import XCTest

/// What arrives is untrusted: trees crafted with git plumbing (names and modes no
/// git porcelain writes) delivered through `init --from` (a folder, `--provider
/// custom`, git://), `restore TAG` (dry run, real, forced) and portable archives.
/// naner refuses each with one `error:` line naming the path, before it writes
/// anything: nothing outside the home changes, no `.git` appears in it, `main`
/// stays where it was, and naner's repository stays sound.
final class HostileRemoteTests: XCTestCase {
    // MARK: Payloads

    /// One hostile tree: what it is, the path the refusal must name, and how to build its root.
    struct Payload {
        let name: String
        /// The path the `error:` line quotes; nil when the payload is accepted (skipped or clamped).
        let shown: String?
        /// naner's repository lies in the home for this one (`.local/share/naner/repo.git`).
        var repositoryInHome = false
        let build: (Forge, Scene) -> [Forge.Entry]
    }

    /// Where a test's outside world is: a canary beside the home, the folder a
    /// `.naner` link leads to, the file an fsmonitor hook would create.
    struct Scene {
        let root: String
        var outside: String { root + "/outside" }
        var canary: String { outside + "/canary" }
        var marker: String { root + "/fsmonitor-ran" }
    }

    static var payloads: [Payload] {
        func gitFolder(_ name: String, shown: String? = nil) -> Payload {
            Payload(name: name, shown: shown ?? name) { forge, scene in
                let config = forge.blob("[core]\n\tfsmonitor = touch \(scene.marker)\n\trepositoryformatversion = 0\n\tbare = false\n")
                let head = forge.blob("ref: refs/heads/main\n")
                return [.init("40000", name, forge.tree([.init("100644", "config", config), .init("100644", "HEAD", head)]))]
            }
        }
        return [
            Payload(name: "..", shown: "..") { forge, _ in
                [.init("40000", "..", forge.tree([.init("100644", "escape", forge.blob("escaped\n"))]))]
            },
            Payload(name: "../escape as one name", shown: "../escape") { forge, _ in
                [.init("100644", "../escape", forge.blob("escaped\n"))]
            },
            gitFolder(".git"), gitFolder(".GIT"), gitFolder(".git."), gitFolder(".git  "), gitFolder("git~1"),
            gitFolder(".git::$INDEX_ALLOCATION"),
            // HFS+ leaves invisible code points out; the message shows them.
            gitFolder(".g\u{200C}it", shown: ".g\\u{200C}it"), gitFolder(".Git\u{FEFF}", shown: ".Git\\u{FEFF}"),
            Payload(name: "a backslash name", shown: "..\\escape") { forge, _ in
                [.init("100644", "..\\escape", forge.blob("escaped\n"))]
            },
            Payload(name: "an absolute path as a name", shown: "/tmp/naner-hostile-absolute") { forge, _ in
                [.init("100644", "/tmp/naner-hostile-absolute", forge.blob("escaped\n"))]
            },
            Payload(name: "duplicate entries", shown: ".profile") { forge, _ in
                [.init("100644", ".profile", forge.blob("one\n")), .init("100644", ".profile", forge.blob("two\n"))]
            },
            Payload(name: "a file and a folder of one name", shown: ".config") { forge, _ in
                [.init("100644", ".config", forge.blob("file\n")),
                 .init("40000", ".config", forge.tree([.init("100644", "b", forge.blob("below\n"))]))]
            },
            Payload(name: "a link and a folder of one name", shown: ".config") { forge, scene in
                [.init("120000", ".config", forge.blob(scene.outside)),
                 .init("40000", ".config", forge.tree([.init("100644", "canary", forge.blob("overwritten\n"))]))]
            },
            Payload(name: "naner's own repository", shown: ".local/share/naner/repo.git/config", repositoryInHome: true) { forge, scene in
                let config = forge.blob("[core]\n\tfsmonitor = touch \(scene.marker)\n")
                var tree = forge.tree([.init("100644", "config", config)])
                for folder in ["repo.git", "naner", "share"] { tree = forge.tree([.init("40000", folder, tree)]) }
                return [.init("40000", ".local", tree)]
            },
            Payload(name: ".naner as a link out", shown: ".naner") { forge, scene in
                [.init("120000", ".naner", forge.blob(scene.outside))]
            },
            Payload(name: "a modes line leading out", shown: "../outside/canary") { forge, _ in
                [.init("40000", ".naner", forge.tree([.init("100644", "modes", forge.blob("0600 ../outside/canary\n"))]))]
            },
            Payload(name: "a name that is not UTF-8", shown: ".config/latin1-\\xE9.conf") { forge, _ in
                [.init("40000", ".config", forge.tree([.init("100644", Array("latin1-".utf8) + [0xE9] + Array(".conf".utf8), forge.blob("x\n"))]))]
            },
            Payload(name: "a zero-padded mode", shown: ".config") { forge, _ in
                [.init("040000", ".config", forge.tree([.init("100644", "app.conf", forge.blob("x\n"))]))]
            },
            Payload(name: "mode 100664", shown: ".profile") { forge, _ in
                [.init("100664", ".profile", forge.blob("x\n"))]
            },
            Payload(name: "entries out of order", shown: ".bashrc") { forge, _ in
                // Written as given: `.vimrc` (the ordinary entry) sorts first only by force.
                [.init("100644", ".bashrc", forge.blob("late\n"), unsorted: true)]
            },
            Payload(name: "a .syncignore no command could read", shown: ".syncignore") { forge, _ in
                [.init("100644", ".syncignore", forge.blob("*.log\n[a\n"))]
            },
            Payload(name: "an include list leaving the home", shown: ".naner/include") { forge, _ in
                [.init("40000", ".naner", forge.tree([.init("100644", "include", forge.blob(".bashrc\n../outside/\n"))]))]
            },
            Payload(name: "a .gitmodules link", shown: ".gitmodules") { forge, scene in
                [.init("120000", ".gitmodules", forge.blob(scene.outside + "/modules"))]
            },
        ]
    }

    // MARK: init --from

    func testInitFromRefusesEveryPayloadAndLeavesNoRepository() throws {
        for payload in HostileRemoteTests.payloads {
            let machine = try Machine(repositoryInHome: payload.repositoryInHome)
            let forge = try Forge(at: machine.scene.root + "/hostile.git")
            let commit = forge.publish(forge.tree(Forge.ordinary(forge) + payload.build(forge, machine.scene)), tag: "hostile")
            XCTAssertFalse(commit.isEmpty, payload.name)
            let before = machine.snapshot()
            let run = machine.naner("init", "--from", forge.path)
            machine.assertRefused(run, payload, before: before)
            XCTAssertFalse(FileManager.default.fileExists(atPath: machine.repo), "\(payload.name): the half-made repository is removed")

            // The next run against a clean source starts clean and succeeds.
            let clean = try Forge(at: machine.scene.root + "/clean.git")
            clean.publish(clean.tree(Forge.ordinary(clean)), tag: "clean")
            XCTAssertExit(machine.naner("init", "--from", clean.path), 0)
            XCTAssertEqual(machine.sandbox.read(".vimrc"), Data("set number\n".utf8), payload.name)
            XCTAssertExit(machine.git("fsck", "--strict"), 0)
        }
    }

    func testInitFromThroughGitDaemonAndCustomProvider() throws {
        let chosen = HostileRemoteTests.payloads.filter { ["..", ".git", "a modes line leading out"].contains($0.name) }
        XCTAssertEqual(chosen.count, 3)
        for payload in chosen {
            let machine = try Machine()
            let forge = try Forge(at: machine.scene.root + "/served/hostile.git")
            forge.publish(forge.tree(Forge.ordinary(forge) + payload.build(forge, machine.scene)), tag: "hostile")
            let before = machine.snapshot()
            let custom = machine.naner("init", "--provider", "custom", "--path", forge.path)
            machine.assertRefused(custom, payload, before: before)
            XCTAssertFalse(FileManager.default.fileExists(atPath: machine.repo), payload.name)

            let port = try Loopback.freePort()
            let daemon = Process()
            daemon.executableURL = URL(fileURLWithPath: "/usr/bin/git")
            daemon.arguments = ["daemon", "--reuseaddr", "--listen=127.0.0.1", "--port=\(port)",
                                "--base-path=" + machine.scene.root + "/served", "--export-all"]
            daemon.environment = Forge.environment
            daemon.standardOutput = FileHandle.nullDevice
            daemon.standardError = FileHandle.nullDevice
            try daemon.run()
            defer { daemon.terminate(); daemon.waitUntilExit() }
            let deadline = Date().addingTimeInterval(10)
            while !Loopback.accepts(port: port) && Date() < deadline { usleep(50_000) }
            let served = machine.naner("init", "--from", "git://127.0.0.1:\(port)/hostile.git")
            machine.assertRefused(served, payload, before: before)
            XCTAssertFalse(FileManager.default.fileExists(atPath: machine.repo), payload.name)
        }
    }

    // MARK: restore TAG

    func testRestoreRefusesEveryPayloadDryRunIncluded() throws {
        for payload in HostileRemoteTests.payloads {
            let machine = try Machine(repositoryInHome: payload.repositoryInHome)
            try machine.sandbox.makeTypicalHome()
            XCTAssertExit(machine.naner("init"), 0)
            let forge = try Forge(at: machine.scene.root + "/hostile.git")
            forge.publish(forge.tree(Forge.ordinary(forge) + payload.build(forge, machine.scene)), tag: "hostile")
            XCTAssertExit(machine.git("fetch", "--quiet", forge.path, "refs/tags/hostile:refs/tags/hostile"), 0)
            let main = machine.git("rev-parse", "refs/heads/main").stdout
            let before = machine.snapshot()
            for arguments in [["--dry-run"], ["--dry-run", "--json"], [], ["--force"]] {
                let run = machine.naner(["restore", "hostile"] + arguments)
                machine.assertRefused(run, payload, before: before, also: arguments.joined(separator: " "))
                XCTAssertEqual(machine.git("rev-parse", "refs/heads/main").stdout, main, "\(payload.name): main unchanged")
            }
            XCTAssertEqual(machine.git("for-each-ref", "refs/naner/safety").stdout, "", "\(payload.name): no safety point")
            machine.assertSoundAfterwards(payload.name)
        }
    }

    // MARK: sync pull

    func testSyncPullAndItsPreviewRefuseEveryPayloadBeforeAnyRefMoves() throws {
        for payload in HostileRemoteTests.payloads where payload.shown != nil {
            let machine = try Machine(repositoryInHome: payload.repositoryInHome)
            try machine.sandbox.makeTypicalHome()
            XCTAssertExit(machine.naner("init"), 0)
            let forge = try Forge(at: machine.scene.root + "/hostile.git")
            forge.publish(forge.tree(Forge.ordinary(forge) + payload.build(forge, machine.scene)), tag: "hostile")
            let main = machine.git("rev-parse", "refs/heads/main").stdout
            let before = machine.snapshot()
            for arguments in [["--dry-run"], ["pull"], []] {
                let run = machine.naner(["sync"] + arguments + ["--provider", "custom", "--path", forge.path])
                machine.assertRefused(run, payload, before: before, also: "sync " + arguments.joined(separator: " "))
                XCTAssertEqual(machine.git("rev-parse", "refs/heads/main").stdout, main, "\(payload.name): main unchanged")
                XCTAssertEqual(machine.git("for-each-ref", "refs/remotes", "refs/naner").stdout, "",
                               "\(payload.name): no remote-tracking or scratch ref moved")
                for leftover in ["naner-sync-pending.json", "MERGE_HEAD", "naner-merge.json"] {
                    XCTAssertFalse(FileManager.default.fileExists(atPath: machine.repo + "/" + leftover), "\(payload.name): \(leftover)")
                }
            }
            machine.assertSoundAfterwards(payload.name)
        }
    }

    // MARK: Archives

    func testFolderArchivesAreRefused() throws {
        let cases: [(String, String, (Scene, String) throws -> Void)] = [
            (".git", ".git/config", { scene, folder in try Self.write(folder + "/.git/config", "[core]\n\tfsmonitor = touch \(scene.marker)\n") }),
            (".GIT", ".GIT/config", { scene, folder in try Self.write(folder + "/.GIT/config", "[core]\n\tfsmonitor = touch \(scene.marker)\n") }),
            (".git.", ".git./config", { _, folder in try Self.write(folder + "/.git./config", "x\n") }),
            ("git~1", "git~1/config", { _, folder in try Self.write(folder + "/git~1/config", "x\n") }),
            (".git::$INDEX_ALLOCATION", ".git::$INDEX_ALLOCATION/config", { _, folder in try Self.write(folder + "/.git::$INDEX_ALLOCATION/config", "x\n") }),
            ("HFS", ".g\\u{200C}it/config", { _, folder in try Self.write(folder + "/.g\u{200C}it/config", "x\n") }),
            ("repository", ".local/share/naner/repo.git/config", { _, folder in try Self.write(folder + "/.local/share/naner/repo.git/config", "x\n") }),
            (".naner link", ".naner", { _, folder in
                try? FileManager.default.removeItem(atPath: folder + "/.naner")
                try FileManager.default.createSymbolicLink(atPath: folder + "/.naner", withDestinationPath: ".config") }),
            ("modes", "../outside/canary", { _, folder in try Self.write(folder + "/.naner/modes", "0600 ../outside/canary\n") }),
        ]
        for (name, shown, make) in cases {
            let machine = try Machine(repositoryInHome: name == "repository")
            try machine.sandbox.makeTypicalHome()
            XCTAssertExit(machine.naner("init"), 0)
            let out = machine.scene.root + "/out"
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            XCTAssertExit(machine.naner("backup", "--name", "base", "--output", out), 0)
            try make(machine.scene, out + "/base")
            let payload = Payload(name: "folder archive: " + name, shown: shown) { _, _ in [] }
            let main = machine.git("rev-parse", "refs/heads/main").stdout
            let before = machine.snapshot()
            for arguments in [["--dry-run"], [], ["--force"]] {
                machine.assertRefused(machine.naner(["restore", out + "/base"] + arguments), payload, before: before,
                                      also: arguments.joined(separator: " "))
            }
            XCTAssertEqual(machine.git("rev-parse", "refs/heads/main").stdout, main, name)
            machine.assertSoundAfterwards(payload.name)
        }
    }

    func testZipArchivesAreRefused() throws {
        let cases: [(name: String, shown: String, entries: [ZipEntry])] = [
            ("..", "../escape", [ZipEntry("../escape", "escaped\n")]),
            ("absolute", "/tmp/naner-hostile-absolute", [ZipEntry("/tmp/naner-hostile-absolute", "escaped\n")]),
            ("backslash", "..\\escape", [ZipEntry("..\\escape", "escaped\n")]),
            ("duplicate", ".profile", [ZipEntry(".profile", "one\n"), ZipEntry(".profile", "two\n")]),
            ("file and folder", ".profile/b", [ZipEntry(".profile", "one\n"), ZipEntry(".profile/b", "two\n")]),
            (".git", ".git/config", [ZipEntry(".git/config", "[core]\n\tfsmonitor = touch MARKER\n")]),
            ("git~1", "git~1/config", [ZipEntry("git~1/config", "x\n")]),
            (".naner link", ".naner/", [ZipEntry(".naner", ".config", link: true)]),
            ("modes", "../outside/canary", [ZipEntry(".naner/modes", "0600 ../outside/canary\n")]),
        ]
        for (name, shown, entries) in cases {
            let machine = try Machine()
            try machine.sandbox.makeTypicalHome()
            XCTAssertExit(machine.naner("init"), 0)
            let out = machine.scene.root + "/out"
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            XCTAssertExit(machine.naner("backup", "--name", "base", "--output", out), 0)
            let zip = out + "/hostile.zip"
            try Self.zip(folder: out + "/base", adding: entries.map { $0.replacing("MARKER", machine.scene.marker) }, to: zip)
            let payload = Payload(name: "zip archive: " + name, shown: shown) { _, _ in [] }
            let main = machine.git("rev-parse", "refs/heads/main").stdout
            let before = machine.snapshot()
            for arguments in [["--dry-run"], [], ["--force"]] {
                let run = machine.naner(["restore", zip] + arguments)
                XCTAssertExit(run, 1)
                XCTAssertOneErrorLine(run, contains: "'\(shown)")
                machine.assertNothingEscaped(payload, before: before)
            }
            XCTAssertEqual(machine.git("rev-parse", "refs/heads/main").stdout, main, name)
            machine.assertSoundAfterwards(payload.name)
        }
    }

    // MARK: What is accepted: gitlinks, and modes as data

    func testGitlinkIsSkippedWithAWarning() throws {
        let gitlink: (Forge) -> [Forge.Entry] = { forge in
            [.init("40000", ".config", forge.tree([.init("100644", "app.conf", forge.blob("kept\n")),
                                                   .init("160000", "sub", "1234567890abcdef1234567890abcdef12345678")]))]
        }
        // init --from
        let first = try Machine()
        let forge = try Forge(at: first.scene.root + "/hostile.git")
        forge.publish(forge.tree(Forge.ordinary(forge) + gitlink(forge)), tag: "hostile")
        let initialized = first.naner("init", "--from", forge.path)
        XCTAssertExit(initialized, 0)
        XCTAssertTrue(initialized.stderr.contains("warning: skipping '.config/sub'"), initialized.stderr)
        XCTAssertEqual(first.sandbox.read(".config/app.conf"), Data("kept\n".utf8))
        XCTAssertFalse(first.sandbox.exists(".config/sub"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: first.repo + "/naner-init-pending"))
        try first.sandbox.write(".vimrc", "set nonumber\n")
        XCTAssertExit(first.naner("commit", "-m", "x"), 0)
        XCTAssertExit(first.git("fsck", "--strict"), 0)

        // restore TAG, with a local file in the gitlink's place left alone.
        let second = try Machine()
        try second.sandbox.makeTypicalHome()
        try second.sandbox.write(".config/sub/local.conf", "mine\n")
        XCTAssertExit(second.naner("init"), 0)
        let other = try Forge(at: second.scene.root + "/hostile.git")
        other.publish(other.tree(Forge.ordinary(other) + gitlink(other)), tag: "hostile")
        XCTAssertExit(second.git("fetch", "--quiet", other.path, "refs/tags/hostile:refs/tags/hostile"), 0)
        let restored = second.naner("restore", "hostile")
        XCTAssertExit(restored, 0)
        XCTAssertTrue(restored.stderr.contains("warning: skipping '.config/sub'"), restored.stderr)
        XCTAssertEqual(second.sandbox.read(".config/app.conf"), Data("kept\n".utf8))
        XCTAssertEqual(second.sandbox.read(".config/sub/local.conf"), Data("mine\n".utf8), "a gitlink never removes a local file")
        try second.sandbox.write(".vimrc", "set nonumber\n")
        XCTAssertExit(second.naner("commit", "-m", "x"), 0)
    }

    func testModesAreClampedAndNeverRemoveAFile() throws {
        let modes: (Forge) -> [Forge.Entry] = { forge in
            [.init("40000", ".config", forge.tree([.init("100755", "tool.sh", forge.blob("#!/bin/sh\n"))])),
             .init("100644", ".profile", forge.blob("x\n")),
             .init("40000", ".naner", forge.tree([.init("100644", "modes", forge.blob(
                "4755 .config/tool.sh\n0666 .profile\n1777 .config/\n0600 Projects/keep.txt\n"))]))]
        }
        let first = try Machine()
        try first.sandbox.write("Projects/keep.txt", "not managed\n")
        let forge = try Forge(at: first.scene.root + "/modes.git")
        forge.publish(forge.tree(Forge.ordinary(forge) + modes(forge)), tag: "modes")
        XCTAssertExit(first.naner("init", "--from", forge.path), 0)
        XCTAssertEqual(first.sandbox.mode(".config/tool.sh"), 0o755, "no setuid")
        XCTAssertEqual(first.sandbox.mode(".profile"), 0o644, "no group or other write")
        XCTAssertEqual(first.sandbox.mode(".config"), 0o755, "no sticky bit, no write for others")
        XCTAssertEqual(first.sandbox.read("Projects/keep.txt"), Data("not managed\n".utf8))

        let second = try Machine()
        try second.sandbox.makeTypicalHome()
        try second.sandbox.write("Projects/keep.txt", "not managed\n")
        XCTAssertExit(second.naner("init"), 0)
        let other = try Forge(at: second.scene.root + "/modes.git")
        other.publish(other.tree(Forge.ordinary(other) + modes(other)), tag: "modes")
        XCTAssertExit(second.git("fetch", "--quiet", other.path, "refs/tags/modes:refs/tags/modes"), 0)
        XCTAssertExit(second.naner("restore", "modes"), 0)
        XCTAssertEqual(second.sandbox.mode(".config/tool.sh"), 0o755)
        XCTAssertEqual(second.sandbox.mode(".profile"), 0o644)
        XCTAssertEqual(second.sandbox.read("Projects/keep.txt"), Data("not managed\n".utf8), "a mode line never removes a file")

        // A folder archive asking for 0666 and 0777: clamped too.
        let out = second.scene.root + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        XCTAssertExit(second.naner("backup", "--name", "wide", "--output", out), 0)
        chmod(out + "/wide/.vimrc", 0o666)
        chmod(out + "/wide/.config/tool.sh", 0o777)
        XCTAssertExit(second.naner("restore", out + "/wide", "--force"), 0)
        XCTAssertEqual(second.sandbox.mode(".vimrc"), 0o644)
        XCTAssertEqual(second.sandbox.mode(".config/tool.sh"), 0o755)
    }

    func testLocalNanerLinkIsNeverWrittenThrough() throws {
        for inside in [true, false] {
            let machine = try Machine()
            try machine.sandbox.makeTypicalHome()
            XCTAssertExit(machine.naner("init"), 0)
            XCTAssertExit(machine.naner("backup", "--name", "good"), 0)
            try machine.sandbox.write(".tmux.conf", "set -g mouse on\n")
            XCTAssertExit(machine.naner("add", ".tmux.conf"), 0)
            XCTAssertExit(machine.naner("commit", "-m", "tmux"), 0)
            // `.naner` becomes a link to another folder (in the home, or beside it) holding its files:
            // restoring 'good' rewrites the include list.
            let elsewhere = inside ? machine.sandbox.home + "/Projects/naner-files" : machine.scene.outside
            try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
            for name in try FileManager.default.contentsOfDirectory(atPath: machine.sandbox.home + "/.naner") {
                try FileManager.default.copyItem(atPath: machine.sandbox.home + "/.naner/" + name, toPath: elsewhere + "/" + name)
            }
            try FileManager.default.removeItem(atPath: machine.sandbox.home + "/.naner")
            try FileManager.default.createSymbolicLink(atPath: machine.sandbox.home + "/.naner", withDestinationPath: elsewhere)
            let before = Machine.listing(elsewhere)
            for arguments in [["--dry-run"], ["--force"]] {
                let run = machine.naner(["restore", "good"] + arguments)
                XCTAssertExit(run, 1)
                XCTAssertOneErrorLine(run, contains: "'.naner/include' would be written through '.naner', which is a link")
                XCTAssertEqual(Machine.listing(elsewhere), before, "nothing written through the link")
            }
        }
        // A new machine whose `.naner` is a link: init --from lays nothing out, its rules included.
        let machine = try Machine()
        try FileManager.default.createSymbolicLink(atPath: machine.sandbox.home + "/.naner", withDestinationPath: machine.scene.outside)
        let clean = try Forge(at: machine.scene.root + "/clean.git")
        clean.publish(clean.tree(Forge.ordinary(clean) + [.init("40000", ".naner", clean.tree([.init("100644", "include", clean.blob(".vimrc\n"))]))]),
                      tag: "clean")
        let before = machine.snapshot()
        let run = machine.naner("init", "--from", clean.path)
        XCTAssertExit(run, 1)
        XCTAssertOneErrorLine(run, contains: "'.naner/include' would be written through '.naner', which is a link")
        machine.assertNothingEscaped(HostileRemoteTests.Payload(name: "init through a .naner link", shown: nil) { _, _ in [] }, before: before)
        XCTAssertFalse(FileManager.default.fileExists(atPath: machine.repo), "the half-made repository is removed")
    }

    // MARK: Helpers

    private static func write(_ path: String, _ text: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }

    struct ZipEntry {
        let name: String
        let content: String
        var link = false

        init(_ name: String, _ content: String, link: Bool = false) {
            self.name = name
            self.content = content
            self.link = link
        }

        func replacing(_ token: String, _ value: String) -> ZipEntry {
            ZipEntry(name, content.replacingOccurrences(of: token, with: value), link: link)
        }
    }

    /// A zip of `folder` (modes and links kept) with `entries` added as given (replacing
    /// the folder's file of the same name), names unchecked.
    private static func zip(folder: String, adding entries: [ZipEntry], to zip: String) throws {
        let extra = try JSONSerialization.data(withJSONObject: entries.map { ["name": $0.name, "content": $0.content, "link": $0.link] })
        let listing = NSTemporaryDirectory() + "naner-zip-\(UUID().uuidString).json"
        try extra.write(to: URL(fileURLWithPath: listing))
        defer { try? FileManager.default.removeItem(atPath: listing) }
        let script = """
            import json, os, stat, sys, zipfile
            folder, listing, out = sys.argv[1:4]
            with zipfile.ZipFile(out, 'w', zipfile.ZIP_STORED) as z:
                added = json.load(open(listing))
                replaced = {entry['name'] for entry in added}
                for top, dirs, files in os.walk(folder):
                    for name in sorted(files):
                        path = os.path.join(top, name)
                        rel = os.path.relpath(path, folder)
                        if rel in replaced:
                            continue
                        st = os.lstat(path)
                        info = zipfile.ZipInfo(rel)
                        info.create_system = 3
                        info.external_attr = (st.st_mode & 0xFFFF) << 16
                        data = os.readlink(path).encode() if stat.S_ISLNK(st.st_mode) else open(path, 'rb').read()
                        z.writestr(info, data)
                for entry in added:
                    info = zipfile.ZipInfo(entry['name'])
                    info.create_system = 3
                    info.external_attr = ((0o120777 if entry['link'] else 0o100644) << 16)
                    z.writestr(info, entry['content'].encode())
            """
        let run = Sandbox.execute(["/usr/bin/python3", "-c", script, folder, listing, zip], environment: Forge.environment, directory: "/")
        XCTAssertExit(run, 0)
    }
}

/// A bare repository whose objects are written with git plumbing, so its trees can
/// hold what no git porcelain would write (names, modes, order, duplicates).
struct Forge {
    /// One tree entry as it is to be stored: raw mode digits, raw name bytes, an object id.
    struct Entry {
        let mode: String
        let name: [UInt8]
        let id: String
        /// Written after the ordinary entries whatever the order says.
        var unsorted = false

        init(_ mode: String, _ name: String, _ id: String, unsorted: Bool = false) {
            self.init(mode, Array(name.utf8), id, unsorted: unsorted)
        }

        init(_ mode: String, _ name: [UInt8], _ id: String, unsorted: Bool = false) {
            self.mode = mode
            self.name = name
            self.id = id
            self.unsorted = unsorted
        }

        /// Git's order: a folder's name sorts as if it ended in '/'.
        var sortKey: [UInt8] { name + (mode.hasSuffix("40000") ? [UInt8(ascii: "/")] : []) }
    }

    static let environment = [
        "PATH": "/usr/bin:/bin", "GIT_CONFIG_NOSYSTEM": "1", "HOME": "/nonexistent", "LANG": "C.UTF-8",
        "GIT_AUTHOR_NAME": "Forger", "GIT_AUTHOR_EMAIL": "forger@example.com",
        "GIT_COMMITTER_NAME": "Forger", "GIT_COMMITTER_EMAIL": "forger@example.com",
    ]

    let path: String

    init(at path: String) throws {
        self.path = path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        XCTAssertExit(git(["init", "--quiet", "--bare", "--initial-branch=main"]), 0)
    }

    /// The entries every payload tree starts from.
    static func ordinary(_ forge: Forge) -> [Entry] {
        [Entry("100644", ".vimrc", forge.blob("set number\n"))]
    }

    func git(_ arguments: [String], input: Data? = nil) -> Sandbox.Run {
        Sandbox.execute(["/usr/bin/git", "--git-dir=" + path] + arguments, environment: Forge.environment, directory: "/", input: input)
    }

    func blob(_ content: String) -> String {
        let run = git(["hash-object", "-w", "--stdin"], input: Data(content.utf8))
        XCTAssertExit(run, 0)
        return run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Writes the tree exactly as given (`--literally`: git checks nothing), in git's
    /// order except for entries marked unsorted, which come last.
    func tree(_ entries: [Entry]) -> String {
        let ordered = entries.filter { !$0.unsorted }.sorted { $0.sortKey.lexicographicallyPrecedes($1.sortKey) }
            + entries.filter(\.unsorted)
        var bytes: [UInt8] = []
        for entry in ordered {
            bytes += Array(entry.mode.utf8) + [0x20] + entry.name + [0]
            var hex = Array(entry.id.utf8)[...]
            while hex.count >= 2 {
                bytes.append(UInt8(String(decoding: hex.prefix(2), as: UTF8.self), radix: 16)!)
                hex = hex.dropFirst(2)
            }
        }
        let run = git(["hash-object", "-t", "tree", "-w", "--literally", "--stdin"], input: Data(bytes))
        XCTAssertExit(run, 0)
        return run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A commit of `tree` on `main` and tagged `tag`; returns its id.
    @discardableResult
    func publish(_ tree: String, tag: String) -> String {
        let commit = git(["commit-tree", "-m", "payload", tree])
        XCTAssertExit(commit, 0)
        let id = commit.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertExit(git(["update-ref", "refs/heads/main", id]), 0)
        XCTAssertExit(git(["update-ref", "refs/tags/" + tag, id]), 0)
        return id
    }
}

/// A sandbox seen as one machine: its repository (in the home or beside it) and the
/// world around the home that a hostile tree must never reach.
final class Machine {
    let sandbox: Sandbox
    let repo: String
    let scene: HostileRemoteTests.Scene

    init(repositoryInHome: Bool = false) throws {
        sandbox = try Sandbox()
        repo = repositoryInHome ? sandbox.home + "/.local/share/naner/repo.git" : sandbox.repo
        scene = HostileRemoteTests.Scene(root: sandbox.root)
        try FileManager.default.createDirectory(atPath: scene.outside, withIntermediateDirectories: true)
        try "canary\n".write(toFile: scene.canary, atomically: false, encoding: .utf8)
        chmod(scene.canary, 0o640)
    }

    func naner(_ arguments: String...) -> Sandbox.Run { naner(arguments) }

    func naner(_ arguments: [String]) -> Sandbox.Run {
        sandbox.naner(arguments, environment: ["NANER_REPO": repo])
    }

    @discardableResult
    func git(_ arguments: String...) -> Sandbox.Run {
        Sandbox.execute(["/usr/bin/git", "--git-dir=" + repo, "--work-tree=" + sandbox.home] + arguments,
                        environment: sandbox.environment, directory: sandbox.home)
    }

    struct Snapshot: Equatable {
        let home: [String: String]
        let around: [String: String]
    }

    /// Every path of the home (naner's repository and the folders holding it left out)
    /// and of the sandbox around it (forges and archives left out), with kind, mode and content.
    func snapshot() -> Snapshot {
        let inHome = repo.hasPrefix(sandbox.home + "/") ? String(repo.dropFirst(sandbox.home.count + 1)) : nil
        let home = Machine.listing(sandbox.home).filter { path, _ in
            guard let inHome else { return true }
            return !(path == inHome || path.hasPrefix(inHome + "/") || inHome.hasPrefix(path + "/"))
        }
        let around = Machine.listing(sandbox.root).filter { path, _ in
            !["home", "repo.git", "hostile.git", "clean.git", "modes.git", "served", "out"].contains { path == $0 || path.hasPrefix($0 + "/") }
        }
        return Snapshot(home: home, around: around)
    }

    /// path → "kind mode content" for everything below `folder`, links not followed.
    static func listing(_ folder: String) -> [String: String] {
        var result: [String: String] = [:]
        func walk(_ relative: String) {
            let absolute = relative.isEmpty ? folder : folder + "/" + relative
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: absolute) else { return }
            for name in names {
                let path = relative.isEmpty ? name : relative + "/" + name
                var status = stat()
                guard lstat(folder + "/" + path, &status) == 0 else { continue }
                let mode = String(status.st_mode & 0o7777, radix: 8)
                switch status.st_mode & S_IFMT {
                case S_IFDIR:
                    result[path] = "folder \(mode)"
                    walk(path)
                case S_IFLNK:
                    result[path] = "link " + ((try? FileManager.default.destinationOfSymbolicLink(atPath: folder + "/" + path)) ?? "?")
                default:
                    let content = FileManager.default.contents(atPath: folder + "/" + path) ?? Data()
                    result[path] = "file \(mode) " + content.base64EncodedString()
                }
            }
        }
        walk("")
        return result
    }

    /// `.git` or a name NTFS or HFS+ would take for it, anywhere in the home.
    func dotGitNames() -> [String] {
        Machine.listing(sandbox.home).keys.filter { path in
            let name = path.split(separator: "/").last.map(String.init) ?? path
            var folded = String(String.UnicodeScalarView(name.unicodeScalars.filter {
                ![0x200C, 0x200D, 0x200E, 0x200F, 0xFEFF].contains($0.value) })).lowercased()
            if let colon = folded.firstIndex(of: ":") { folded = String(folded[..<colon]) }
            while folded.hasSuffix(".") || folded.hasSuffix(" ") { folded.removeLast() }
            return folded == ".git" || folded == "git~1"
        }.sorted()
    }

    /// The run refused the payload with one line naming its path, and changed nothing.
    func assertRefused(_ run: Sandbox.Run, _ payload: HostileRemoteTests.Payload, before: Snapshot, also: String = "",
                       file: StaticString = #filePath, line: UInt = #line) {
        let label = "\(payload.name) \(also)"
        XCTAssertEqual(run.status, 1, "\(label): stdout:\n\(run.stdout)\nstderr:\n\(run.stderr)", file: file, line: line)
        if let shown = payload.shown {
            XCTAssertOneErrorLine(run, contains: "'\(shown)'", file: file, line: line)
            XCTAssertTrue(run.stderr.contains("error: refusing '"), "\(label): \(run.stderr)", file: file, line: line)
        }
        assertNothingEscaped(payload, before: before, file: file, line: line)
    }

    func assertNothingEscaped(_ payload: HostileRemoteTests.Payload, before: Snapshot,
                              file: StaticString = #filePath, line: UInt = #line) {
        let after = snapshot()
        func changed(_ old: [String: String], _ new: [String: String]) -> [String] {
            Set(old.keys).union(new.keys).filter { old[$0] != new[$0] }.sorted()
        }
        XCTAssertEqual(changed(before.around, after.around), [], "\(payload.name): changed outside the home", file: file, line: line)
        XCTAssertEqual(changed(before.home, after.home), [], "\(payload.name): changed in the home", file: file, line: line)
        XCTAssertEqual(try? String(contentsOfFile: scene.canary, encoding: .utf8), "canary\n", payload.name, file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/tmp/naner-hostile-absolute"), payload.name, file: file, line: line)
        XCTAssertEqual(dotGitNames(), [], "\(payload.name): a .git in the home", file: file, line: line)
        // git run in the home finds no repository there, so runs no hook of one.
        _ = Sandbox.execute(["/usr/bin/git", "status"], environment: ["PATH": "/usr/bin:/bin", "HOME": sandbox.home,
                                                                       "GIT_CONFIG_NOSYSTEM": "1", "GIT_CEILING_DIRECTORIES": "/tmp"],
                            directory: sandbox.home)
        XCTAssertFalse(FileManager.default.fileExists(atPath: scene.marker), "\(payload.name): git ran the payload's fsmonitor",
                       file: file, line: line)
    }

    /// With the payload's objects gone, naner's repository passes `git fsck --strict`,
    /// and an ordinary commit works.
    func assertSoundAfterwards(_ name: String, file: StaticString = #filePath, line: UInt = #line) {
        git("tag", "-d", "hostile")
        XCTAssertExit(git("-c", "gc.reflogExpire=now", "-c", "gc.reflogExpireUnreachable=now", "gc", "--quiet", "--prune=now"), 0,
                      file: file, line: line)
        let fsck = git("fsck", "--strict")
        XCTAssertEqual(fsck.status, 0, "\(name): \(fsck.stderr)", file: file, line: line)
        try? sandbox.write(".vimrc", "set nonumber\n")
        XCTAssertExit(naner("commit", "-m", "x"), 0, file: file, line: line)
        XCTAssertEqual(git("fsck", "--strict").status, 0, name, file: file, line: line)
    }
}
