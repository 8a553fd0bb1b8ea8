import Foundation
import XCTest

/// Per-machine variants across three homes and one bare folder: hosts `laptop`, `desktop`
/// and `server`, the first two in class `work`. `.gitconfig` varies per host,
/// `.config/kitty/kitty.conf` per class. The git CLI checks every repository after each step.
final class VariantsTests: XCTestCase {
    private var folderRoot: String!
    private var folder: String { folderRoot + "/remote.git" }

    override func setUpWithError() throws {
        var template = Array("/tmp/naner-variants.XXXXXX".utf8CString)
        folderRoot = String(cString: mkdtemp(&template)!)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: folderRoot)
    }

    private func sync(_ machine: Sandbox, expect status: Int32 = 0, file: StaticString = #filePath, line: UInt = #line) -> Sandbox.Run {
        let run = machine.naner("sync", "--provider", "custom", "--path", folder)
        XCTAssertExit(run, status, file: file, line: line)
        return run
    }

    private func text(_ machine: Sandbox, _ path: String) -> String {
        String(decoding: machine.read(path) ?? Data(), as: UTF8.self)
    }

    /// After every naner command, plain git sees a clean tree on every machine.
    private func assertClean(_ machines: [Sandbox], file: StaticString = #filePath, line: UInt = #line) {
        for machine in machines {
            XCTAssertEqual(machine.git("status", "--porcelain").stdout, "", "git status on \(machine.home)", file: file, line: line)
        }
    }

    /// `naner variant which` names the layer `expected` (e.g. `host laptop (branch host/laptop)`) for each machine.
    private func assertWhich(_ path: String, _ expected: [(Sandbox, String)], file: StaticString = #filePath, line: UInt = #line) {
        for (machine, layer) in expected {
            let which = machine.naner("variant", "which", path)
            XCTAssertExit(which, 0, file: file, line: line)
            XCTAssertTrue(which.stdout.contains("supplied here by: \(layer)\n"), which.stdout, file: file, line: line)
        }
    }

    private func gitconfig(header: String, email: String) -> String {
        "# \(header)\n[user]\n\tname = Ann\n\temail = \(email)\n"
    }

    private func threeMachines() throws -> (laptop: Sandbox, desktop: Sandbox, server: Sandbox) {
        let laptop = try Sandbox()
        try laptop.write(".gitconfig", gitconfig(header: "shared header", email: "ann@example.org"))
        try laptop.write(".config/kitty/kitty.conf", "font_size 11\n\n# colours\nbackground #000000\n")
        try laptop.write(".bashrc", "alias ll='ls -l'\n")
        XCTAssertExit(laptop.naner("init", "--host", "laptop"), 0)
        XCTAssertExit(laptop.naner("machine", "class", "add", "work"), 0)
        _ = sync(laptop)
        let desktop = try Sandbox(), server = try Sandbox()
        XCTAssertExit(desktop.naner("init", "--from", folder, "--host", "desktop"), 0)
        XCTAssertExit(desktop.naner("machine", "class", "add", "work"), 0)
        XCTAssertExit(server.naner("init", "--from", folder, "--host", "server"), 0)
        XCTAssertEqual(desktop.naner("machine").stdout, "host: desktop\nos: linux\nclasses: work\n")
        assertClean([laptop, desktop, server])

        // The laptop's .gitconfig varies per host, kitty per class; the desktop has a host variant too.
        try laptop.write(".gitconfig", gitconfig(header: "shared header", email: "ann@work.example"))
        let added = laptop.naner("variant", "add", ".gitconfig")
        XCTAssertExit(added, 0)
        XCTAssertTrue(added.stdout.contains("'.gitconfig' varies for host 'laptop' (branch 'host/laptop')"), added.stdout)
        try laptop.write(".config/kitty/kitty.conf", "font_size 12\n\n# colours\nbackground #000000\n")  // the class's own version
        XCTAssertExit(laptop.naner("variant", "add", "--class", "work", ".config/kitty/kitty.conf"), 0)
        _ = sync(laptop)
        _ = sync(desktop)
        try desktop.write(".gitconfig", gitconfig(header: "shared header", email: "ann@home.example"))
        XCTAssertExit(desktop.naner("variant", "add", ".gitconfig"), 0)
        _ = sync(desktop)
        _ = sync(server)
        _ = sync(laptop)
        assertClean([laptop, desktop, server])
        XCTAssertEqual(text(desktop, ".config/kitty/kitty.conf"), "font_size 12\n\n# colours\nbackground #000000\n")
        XCTAssertEqual(text(server, ".config/kitty/kitty.conf"), "font_size 11\n\n# colours\nbackground #000000\n")
        return (laptop, desktop, server)
    }

    func testEachEditReachesTheMachinesOfItsLayerAndSharedEditsMergeIntoVariants() throws {
        let (laptop, desktop, server) = try threeMachines()
        let all = [laptop, desktop, server]
        XCTAssertEqual(laptop.git("symbolic-ref", "HEAD").stdout, "refs/heads/host/laptop\n")
        XCTAssertTrue(text(server, ".gitconfig").contains("ann@example.org"), "the server keeps the shared version")

        // A shared edit on the server reaches both others.
        try server.write(".bashrc", "alias ll='ls -l'\nexport EDITOR=vim\n")
        XCTAssertExit(server.naner("commit", "-m", "editor"), 0)
        _ = sync(server)
        _ = sync(laptop)
        _ = sync(desktop)
        XCTAssertEqual(text(laptop, ".bashrc"), text(server, ".bashrc"))
        XCTAssertEqual(text(desktop, ".bashrc"), text(server, ".bashrc"))
        assertClean(all)
        assertWhich(".bashrc", [(laptop, "shared (branch main)"), (desktop, "shared (branch main)"), (server, "shared (branch main)")])

        // The laptop's .gitconfig edit reaches neither other machine (but is pushed).
        try laptop.write(".gitconfig", gitconfig(header: "shared header", email: "ann@work.example") + "[core]\n\tpager = less\n")
        XCTAssertExit(laptop.naner("commit", "-m", "laptop pager"), 0)
        _ = sync(laptop)
        _ = sync(desktop)
        _ = sync(server)
        XCTAssertFalse(text(desktop, ".gitconfig").contains("pager"))
        XCTAssertFalse(text(server, ".gitconfig").contains("pager"))
        let pushed = Sandbox.execute(["/usr/bin/git", "--git-dir=" + folder, "show", "host/laptop:.gitconfig"],
                                     environment: ["PATH": "/usr/bin:/bin", "HOME": folderRoot], directory: "/")
        XCTAssertTrue(pushed.stdout.contains("pager = less"), "the host layer is kept on the remote for a reinstall")
        assertClean(all)
        assertWhich(".gitconfig", [(laptop, "host laptop (branch host/laptop)"), (desktop, "host desktop (branch host/desktop)"),
                                   (server, "shared (branch main)")])

        // The desktop's kitty edit reaches the laptop (same class), not the server.
        try desktop.write(".config/kitty/kitty.conf", "font_size 14\n\n# colours\nbackground #000000\n")
        XCTAssertExit(desktop.naner("commit", "-m", "bigger font"), 0)
        _ = sync(desktop)
        _ = sync(laptop)
        _ = sync(server)
        XCTAssertEqual(text(laptop, ".config/kitty/kitty.conf"), "font_size 14\n\n# colours\nbackground #000000\n")
        XCTAssertEqual(text(server, ".config/kitty/kitty.conf"), "font_size 11\n\n# colours\nbackground #000000\n")
        assertClean(all)
        assertWhich(".config/kitty/kitty.conf", [(laptop, "class work (branch class/work)"), (desktop, "class work (branch class/work)"),
                                                 (server, "shared (branch main)")])

        // A shared edit to the first line of .gitconfig, made on the server (no variant there),
        // merges into both hosts' variants with their own email lines intact.
        try server.write(".gitconfig", gitconfig(header: "shared header, version 2", email: "ann@example.org"))
        XCTAssertExit(server.naner("commit", "-m", "header v2"), 0)
        _ = sync(server)
        _ = sync(laptop)
        _ = sync(desktop)
        XCTAssertEqual(text(laptop, ".gitconfig"),
                       gitconfig(header: "shared header, version 2", email: "ann@work.example") + "[core]\n\tpager = less\n")
        XCTAssertEqual(text(desktop, ".gitconfig"), gitconfig(header: "shared header, version 2", email: "ann@home.example"))
        assertClean(all)

        // `variant which` names the layer each time.
        XCTAssertTrue(laptop.naner("variant", "which", ".gitconfig").stdout.contains("supplied here by: host laptop (branch host/laptop)"))
        XCTAssertTrue(laptop.naner("variant", "which", ".config/kitty/kitty.conf").stdout
            .contains("supplied here by: class work (branch class/work)"))
        XCTAssertTrue(server.naner("variant", "which", ".gitconfig").stdout.contains("supplied here by: shared (branch main)"))
        XCTAssertTrue(server.naner("variant", "which", ".bashrc").stdout.contains("varies for none (it does not vary)"))

        // A plain clone shows the shared configuration; every repository is sound.
        let clone = folderRoot + "/clone"
        XCTAssertExit(Sandbox.execute(["/usr/bin/git", "clone", "-q", folder, clone], environment: ["PATH": "/usr/bin:/bin", "HOME": folderRoot],
                                      directory: "/"), 0)
        XCTAssertEqual(String(decoding: FileManager.default.contents(atPath: clone + "/.gitconfig") ?? Data(), as: UTF8.self),
                       gitconfig(header: "shared header, version 2", email: "ann@example.org"))
        for machine in all { XCTAssertExit(machine.git("fsck", "--strict"), 0) }
    }

    func testSameLineEditedSharedAndInAVariantConflictsOnTheMachineUsingIt() throws {
        let (laptop, desktop, server) = try threeMachines()
        try laptop.write(".gitconfig", gitconfig(header: "laptop header", email: "ann@work.example"))
        XCTAssertExit(laptop.naner("commit", "-m", "laptop header"), 0)
        try server.write(".gitconfig", gitconfig(header: "server header", email: "ann@example.org"))
        XCTAssertExit(server.naner("commit", "-m", "server header"), 0)
        _ = sync(server)
        _ = sync(desktop)  // the desktop did not touch that line: a clean merge
        XCTAssertEqual(text(desktop, ".gitconfig"), gitconfig(header: "server header", email: "ann@home.example"))

        let conflicted = sync(laptop, expect: 3)
        XCTAssertOneErrorLine(conflicted, contains: "1 file conflicts between this machine and the remote: '.gitconfig'")
        XCTAssertTrue(text(laptop, ".gitconfig").contains("<<<<<<< local\n# laptop header\n"), text(laptop, ".gitconfig"))
        XCTAssertTrue(text(laptop, ".gitconfig").contains("=======\n# server header\n>>>>>>> remote\n"), text(laptop, ".gitconfig"))
        XCTAssertTrue(text(laptop, ".gitconfig").contains("ann@work.example"), "the laptop's own email line is intact")

        try laptop.write(".gitconfig", gitconfig(header: "laptop and server header", email: "ann@work.example"))
        XCTAssertExit(laptop.naner("commit", "-m", "resolve the header"), 0)
        _ = sync(laptop)
        _ = sync(desktop)
        _ = sync(server)
        XCTAssertEqual(text(laptop, ".gitconfig"), gitconfig(header: "laptop and server header", email: "ann@work.example"))
        XCTAssertEqual(text(desktop, ".gitconfig"), gitconfig(header: "server header", email: "ann@home.example"))
        XCTAssertEqual(text(server, ".gitconfig"), gitconfig(header: "server header", email: "ann@example.org"))
        assertClean([laptop, desktop, server])
    }

    func testDryRunMakesTheSameMergesAndChangesNothing() throws {
        let (laptop, desktop, server) = try threeMachines()
        try laptop.write(".gitconfig", gitconfig(header: "laptop header", email: "ann@work.example"))
        XCTAssertExit(laptop.naner("commit", "-m", "laptop header"), 0)
        try server.write(".gitconfig", gitconfig(header: "server header", email: "ann@example.org"))
        try server.write(".bashrc", "alias ll='ls -l'\nexport EDITOR=vim\n")
        XCTAssertExit(server.naner("commit", "-m", "server header"), 0)
        _ = sync(server)

        let refs = laptop.git("for-each-ref").stdout, bytes = text(laptop, ".gitconfig")
        let preview = laptop.naner("sync", "--dry-run", "--provider", "custom", "--path", folder)
        XCTAssertExit(preview, 3)  // as the real run will
        XCTAssertOneErrorLine(preview, contains: "1 file conflicts between this machine and the remote: '.gitconfig'")
        XCTAssertTrue(preview.stdout.contains("the pull would stop: 1 file conflicts between this machine and the remote: '.gitconfig'"),
                      preview.stdout)
        XCTAssertTrue(preview.stdout.contains("would update here: '.bashrc'"), preview.stdout)
        XCTAssertEqual(laptop.git("for-each-ref").stdout, refs, "no branch or tracking ref moved")
        XCTAssertEqual(text(laptop, ".gitconfig"), bytes)
        _ = sync(laptop, expect: 3)  // as the preview said

        let clean = desktop.naner("sync", "--dry-run", "--provider", "custom", "--path", folder)
        XCTAssertExit(clean, 0)
        XCTAssertFalse(clean.stdout.contains("would stop"), clean.stdout)
        XCTAssertTrue(clean.stdout.contains("would update here: '.gitconfig'"), clean.stdout)
        assertClean([desktop, server])
    }

    func testAReinstalledHostGetsItsVariantsBack() throws {
        let (laptop, _, _) = try threeMachines()
        let again = try Sandbox()
        let run = again.naner("init", "--from", folder, "--host", "laptop")
        XCTAssertExit(run, 0)
        XCTAssertEqual(again.git("symbolic-ref", "HEAD").stdout, "refs/heads/host/laptop\n")
        XCTAssertEqual(text(again, ".gitconfig"), text(laptop, ".gitconfig"))
        XCTAssertTrue(text(again, ".gitconfig").contains("ann@work.example"))
        // The host branch is the host's whole view, its class's files included; joining the class
        // again keeps them coming.
        XCTAssertEqual(text(again, ".config/kitty/kitty.conf"), "font_size 12\n\n# colours\nbackground #000000\n")
        XCTAssertExit(again.naner("machine", "class", "add", "work"), 0)
        assertClean([again])
        _ = sync(again)
        assertClean([again])
        XCTAssertEqual(text(again, ".config/kitty/kitty.conf"), text(laptop, ".config/kitty/kitty.conf"))
    }

    func testABackupRecordsEveryLayerAndRestoresThisMachinesView() throws {
        let (laptop, _, server) = try threeMachines()
        XCTAssertExit(laptop.naner("backup", "--name", "before"), 0)
        let show = laptop.naner("show", "before", "--json")
        XCTAssertExit(show, 0)
        for branch in ["main", "class/work", "host/laptop"] {
            let id = laptop.git("rev-parse", branch).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            XCTAssertTrue(show.stdout.contains("\"\(branch)\" : \"\(id)\""), "\(branch) at \(id) in \(show.stdout)")
        }
        let view = (text(laptop, ".gitconfig"), text(laptop, ".bashrc"))
        try laptop.write(".gitconfig", "[user]\n\temail = broken\n")
        try laptop.write(".bashrc", "broken\n")
        XCTAssertExit(laptop.naner("commit", "-m", "break both"), 0)
        XCTAssertEqual(laptop.git("show", "main:.bashrc").stdout, "broken\n", "the shared edit went to main")
        XCTAssertExit(laptop.naner("restore", "before"), 0)
        XCTAssertEqual(text(laptop, ".gitconfig"), view.0)
        XCTAssertEqual(text(laptop, ".bashrc"), view.1)
        assertClean([laptop])
        // The restore is a commit like any other: the shared file goes back on main, the variant on the host branch.
        XCTAssertEqual(laptop.git("show", "main:.bashrc").stdout, view.1)
        XCTAssertEqual(laptop.git("show", "host/laptop:.gitconfig").stdout, view.0)
        XCTAssertTrue(laptop.git("show", "main:.gitconfig").stdout.contains("ann@example.org"), "the shared .gitconfig is untouched")
        _ = sync(laptop)
        _ = sync(server)
        XCTAssertEqual(text(server, ".bashrc"), view.1)
        assertClean([laptop, server])
    }

    func testLeavingAClassBringsTheSharedVersionBack() throws {
        let (laptop, desktop, _) = try threeMachines()
        let gitconfig = text(desktop, ".gitconfig")
        XCTAssertExit(desktop.naner("machine", "class", "remove", "work"), 0)
        XCTAssertEqual(text(desktop, ".config/kitty/kitty.conf"), "font_size 11\n\n# colours\nbackground #000000\n")
        XCTAssertEqual(text(desktop, ".gitconfig"), gitconfig, "its host variant stays")
        XCTAssertEqual(desktop.naner("machine").stdout, "host: desktop\nos: linux\nclasses: (none)\n")
        assertClean([desktop])
        // Its kitty edits are shared edits now: they merge into the class's variant, whose own line stays.
        try desktop.write(".config/kitty/kitty.conf", "font_size 11\n\n# colours\nbackground #222222\n")
        XCTAssertExit(desktop.naner("commit", "-m", "darker grey, shared now"), 0)
        _ = sync(desktop)
        _ = sync(laptop)
        XCTAssertEqual(text(laptop, ".config/kitty/kitty.conf"), "font_size 12\n\n# colours\nbackground #222222\n")
        assertClean([laptop, desktop])
    }

    func testASecretVariesPerHostAndStaysEncrypted() throws {
        let (laptop, desktop, _) = try threeMachines()
        let passphrase = ["NANER_PASSPHRASE": "a long and memorable phrase"]
        let token = "npm_" + String(repeating: "Ab3dE6gH9k", count: 3) + "LmNoPq"
        try laptop.write(".npmrc", "//registry.npmjs.org/:_authToken=\(token)\n", mode: 0o600)
        XCTAssertExit(laptop.naner(["secret", "add", ".npmrc"], environment: passphrase), 0)
        XCTAssertExit(laptop.naner("variant", "add", ".npmrc"), 0)
        XCTAssertExit(laptop.naner("commit", "-m", "the secrets list"), 0)
        assertClean([laptop])
        _ = sync(laptop)
        _ = sync(desktop)
        XCTAssertFalse(desktop.exists(".npmrc"), "another host's variant never reaches this machine")
        XCTAssertNotEqual(laptop.git("cat-file", "-e", "main:.npmrc").status, 0, "the shared configuration has no .npmrc")
        XCTAssertEqual(laptop.git("cat-file", "-e", "host/laptop:.npmrc").status, 0)
        // Its mode line travels with it: on the host branch, not in the shared table.
        XCTAssertTrue(laptop.git("show", "host/laptop:.naner/modes").stdout.contains("0600 .npmrc\n"))
        XCTAssertFalse(laptop.git("show", "main:.naner/modes").stdout.contains(".npmrc"))
        for gitDir in [laptop.repo, desktop.repo, folder] {
            SecretTravelTests.assertNoPlaintext(gitDir: gitDir, pieces: [token])
        }
        assertClean([laptop, desktop])

        // A reinstall of the laptop gets it back, decrypted, 0600.
        let again = try Sandbox()
        XCTAssertExit(again.naner(["init", "--from", folder, "--host", "laptop"], environment: passphrase), 0)
        XCTAssertEqual(text(again, ".npmrc"), "//registry.npmjs.org/:_authToken=\(token)\n")
        let mode = try FileManager.default.attributesOfItem(atPath: again.home + "/.npmrc")[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
        assertClean([again])
    }

    func testAnOSVariantReachesTheMachinesOfThatOS() throws {
        let (laptop, desktop, server) = try threeMachines()
        let os = laptop.naner("machine").lines.first { $0.hasPrefix("os: ") }.map { String($0.dropFirst(4)) } ?? "?"
        try server.write(".bashrc", "alias ll='ls -l'\nalias open=xdg-open\n")
        let added = server.naner("variant", "add", "--os", ".bashrc")
        XCTAssertExit(added, 0)
        XCTAssertTrue(added.stdout.contains("'.bashrc' varies for OS '\(os)' (branch 'os/\(os)')"), added.stdout)
        _ = sync(server)
        _ = sync(laptop)
        _ = sync(desktop)
        // Every test machine runs the same OS: all of them take the OS's version, and it is not on main.
        XCTAssertEqual(text(laptop, ".bashrc"), text(server, ".bashrc"))
        XCTAssertEqual(text(desktop, ".bashrc"), text(server, ".bashrc"))
        XCTAssertEqual(laptop.git("show", "main:.bashrc").stdout, "alias ll='ls -l'\n")
        XCTAssertTrue(laptop.naner("variant", "which", ".bashrc").stdout.contains("supplied here by: os \(os) (branch os/\(os))"))
        // A host variant of the same file wins over the OS's.
        try laptop.write(".bashrc", "alias ll='ls -la'\n")
        XCTAssertExit(laptop.naner("variant", "add", ".bashrc"), 0)
        XCTAssertTrue(laptop.naner("variant", "which", ".bashrc").stdout.contains("supplied here by: host laptop (branch host/laptop)"))
        _ = sync(laptop)
        _ = sync(desktop)
        XCTAssertEqual(text(desktop, ".bashrc"), text(server, ".bashrc"))
        assertClean([laptop, desktop, server])
    }

    func testRemovingAVariantBringsTheSharedVersionBackEverywhere() throws {
        let (laptop, desktop, server) = try threeMachines()
        let removed = laptop.naner("variant", "remove", ".gitconfig")
        XCTAssertExit(removed, 0)
        XCTAssertEqual(text(laptop, ".gitconfig"), gitconfig(header: "shared header", email: "ann@example.org"))
        XCTAssertExit(laptop.naner("variant", "remove", "--keep-here", ".config/kitty/kitty.conf"), 0)
        _ = sync(laptop)
        _ = sync(desktop)
        _ = sync(server)
        // The desktop's own host variant stays; the class file is shared now, the server has it too.
        XCTAssertEqual(text(desktop, ".gitconfig"), gitconfig(header: "shared header", email: "ann@home.example"))
        XCTAssertEqual(text(server, ".config/kitty/kitty.conf"), text(laptop, ".config/kitty/kitty.conf"))
        let list = laptop.naner("variant", "list", "--json")
        XCTAssertExit(list, 0)
        XCTAssertTrue(list.stdout.contains("\"path\" : \".gitconfig\""), list.stdout)
        XCTAssertFalse(list.stdout.contains("kitty"), list.stdout)
        assertClean([laptop, desktop, server])
    }

    func testBadInputIsOneLineAndChangesNothing() throws {
        let laptop = try Sandbox()
        try laptop.write(".bashrc", "alias ll='ls -l'\n")
        XCTAssertExit(laptop.naner("init", "--host", "laptop"), 0)
        let head = laptop.git("rev-parse", "HEAD").stdout
        for (arguments, message) in [
            (["variant", "add", "--class", "work", ".bashrc"], "this machine is not in class 'work'"),
            (["variant", "add", ".nothing-here"], "'.nothing-here' does not exist"),
            (["variant", "remove", ".bashrc"], "'.bashrc' does not vary on this machine"),
            (["machine", "class", "add", "../x"], "'../x' cannot be a class name"),
            (["variant", "add", ".naner/include"], "'.naner/include' is naner's own file and cannot vary per machine"),
        ] {
            let run = laptop.naner(arguments)
            XCTAssertExit(run, 1)
            XCTAssertOneErrorLine(run, contains: message)
        }
        XCTAssertEqual(laptop.git("rev-parse", "HEAD").stdout, head)
        XCTAssertEqual(laptop.git("symbolic-ref", "HEAD").stdout, "refs/heads/main\n", "no variant: the machine stays on main")
        XCTAssertExit(laptop.naner("init", "--host", "bad/name"), 64)
    }

    func testTwoClassesVaryingOnePathAreRefusedAndDoctorNamesThem() throws {
        let machine = try Sandbox()
        try machine.write(".bashrc", "alias ll='ls -l'\n")
        XCTAssertExit(machine.naner("init", "--host", "box"), 0)
        XCTAssertExit(machine.naner("machine", "class", "add", "work"), 0)
        XCTAssertExit(machine.naner("machine", "class", "add", "games"), 0)
        XCTAssertExit(machine.naner("variant", "add", "--class", "work", ".bashrc"), 0)
        let head = machine.git("rev-parse", "HEAD").stdout
        let both = machine.naner("variant", "add", "--class", "games", ".bashrc")
        XCTAssertExit(both, 1)
        XCTAssertOneErrorLine(both, contains: "'.bashrc' varies for both class 'games' and class 'work', and this machine is in both")
        XCTAssertEqual(machine.git("rev-parse", "HEAD").stdout, head, "nothing committed")
        XCTAssertEqual(text(machine, ".naner/variants").components(separatedBy: "\n").filter { $0.hasPrefix("class") }, ["class work .bashrc"])

        // The same state arriving in the file (by hand, or from two machines): doctor names it, and a line it cannot read.
        try machine.write(".naner/variants", "class work .bashrc\nclass games .bashrc\nplanet mars .bashrc\n")
        let doctor = machine.naner("doctor")
        XCTAssertExit(doctor, 1)
        XCTAssertTrue(doctor.stderr.contains("warning: '.bashrc' varies for both class 'games' and class 'work'"), doctor.stderr)
        XCTAssertTrue(doctor.stderr.contains("has a line naner cannot read: 'planet mars .bashrc'"), doctor.stderr)
        let commit = machine.naner("commit", "-m", "both")
        XCTAssertExit(commit, 1)
        XCTAssertOneErrorLine(commit, contains: "varies for both class 'games' and class 'work'")
    }
}
