import Foundation
import XCTest

/// `naner sync` between two homes through one bare repository in a folder, as
/// through a Dropbox folder; the git CLI checks the folder and both repositories.
final class SyncTests: XCTestCase {
    private var folderRoot: String!
    private var folder: String { folderRoot + "/Dropbox/Naner-Config.git" }

    override func setUpWithError() throws {
        var template = Array("/tmp/naner-cloud.XXXXXX".utf8CString)
        folderRoot = String(cString: mkdtemp(&template)!)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: folderRoot)
    }

    /// The git CLI on the shared folder.
    private func folderGit(_ arguments: String...) -> Sandbox.Run {
        Sandbox.execute(["/usr/bin/git", "--git-dir=" + folder] + arguments,
                        environment: ["PATH": "/usr/bin:/bin", "GIT_CONFIG_NOSYSTEM": "1", "HOME": folderRoot], directory: "/")
    }

    private func sync(_ sandbox: Sandbox, _ arguments: String...) -> Sandbox.Run {
        sandbox.naner(["sync"] + arguments + ["--provider", "custom", "--path", folder])
    }

    /// Machine A pushes its configuration to the folder; machine B takes it with init --from.
    private func twoMachines() throws -> (Sandbox, Sandbox) {
        let first = try Sandbox()
        try first.makeTypicalHome()
        XCTAssertExit(first.naner("init"), 0)
        XCTAssertExit(first.naner("backup", "--name", "baseline"), 0)
        let push = sync(first)
        XCTAssertExit(push, 0)
        XCTAssertTrue(push.stdout.contains("created the bare repository"), push.stdout)
        XCTAssertTrue(push.stdout.contains("pushed 1 backup tag: baseline"), push.stdout)
        let second = try Sandbox()
        XCTAssertExit(second.naner("init", "--from", folder), 0)
        return (first, second)
    }

    private func head(_ sandbox: Sandbox) -> String { sandbox.git("rev-parse", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines) }
    private func folderMain() -> String { folderGit("rev-parse", "main").stdout.trimmingCharacters(in: .whitespacesAndNewlines) }

    private func assertFolderSound(file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertExit(folderGit("fsck", "--strict"), 0, file: file, line: line)
        XCTAssertEqual(folderGit("config", "core.bare").stdout, "true\n", file: file, line: line)
    }

    func testFirstPushCreatesAPlainBareRepositoryWithTheBackups() throws {
        let (first, second) = try twoMachines()
        assertFolderSound()
        XCTAssertEqual(folderMain(), head(first))
        XCTAssertEqual(folderGit("tag", "-l").stdout, "baseline\n")
        XCTAssertEqual(folderGit("cat-file", "-t", "baseline").stdout, "tag\n", "annotated, manifest and all")
        XCTAssertEqual(head(second), head(first))
        XCTAssertEqual(second.read(".bashrc"), first.read(".bashrc"))
        XCTAssertEqual(second.mode(".ssh/config"), 0o600)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/objects/../refs/heads/main.lock"))
        // A second sync has nothing to do.
        let again = sync(first)
        XCTAssertExit(again, 0)
        XCTAssertTrue(again.stdout.contains("already up to date"), again.stdout)
        XCTAssertTrue(again.stdout.contains("already has everything"), again.stdout)
    }

    /// An absolute link into the home (`~/.gitconfig -> /home/ann/.dotfiles/…`) keeps its bytes in
    /// the repository, with the home it was recorded in (`.naner/links`); another machine lays it
    /// out into its own home, sees no change there, and the link never flips between machines.
    /// A link left leading nowhere is named.
    func testAbsoluteLinksIntoTheHomeFollowTheHome() throws {
        let first = try Sandbox()
        try first.write(".bashrc", "x\n")
        try first.write(".dotfiles/git/gitconfig.symlink", "[user]\n\tname = Ann\n")
        try first.write(".dotfiles/nvim/init.lua", "vim.o.number = true\n")
        try first.write(".naner/include", ".bashrc\n.gitconfig\n.vimrc\n.bash_aliases\n.config/\n.dotfiles/\n")
        try FileManager.default.createDirectory(atPath: first.home + "/.config", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: first.home + "/.gitconfig",
                                                   withDestinationPath: first.home + "/.dotfiles/git/gitconfig.symlink")
        try FileManager.default.createSymbolicLink(atPath: first.home + "/.vimrc", withDestinationPath: first.home + "/elsewhere/vimrc")
        try FileManager.default.createSymbolicLink(atPath: first.home + "/.config/nvim", withDestinationPath: "../.dotfiles/nvim")
        XCTAssertExit(first.naner("init"), 0)
        XCTAssertEqual(first.git("cat-file", "-p", "HEAD:.gitconfig").stdout, first.home + "/.dotfiles/git/gitconfig.symlink",
                       "the repository keeps the link's own bytes")
        let table = first.git("show", "HEAD:.naner/links").lines.filter { !$0.hasPrefix("#") }
        XCTAssertEqual(table, [".gitconfig\t" + first.home, ".vimrc\t" + first.home])
        XCTAssertExit(sync(first), 0)

        let second = try Sandbox()
        XCTAssertNotEqual(second.home, first.home)
        let arrival = second.naner("init", "--from", folder)
        XCTAssertExit(arrival, 0)
        func link(_ sandbox: Sandbox, _ path: String) -> String? {
            try? FileManager.default.destinationOfSymbolicLink(atPath: sandbox.home + "/" + path)
        }
        XCTAssertEqual(link(second, ".gitconfig"), second.home + "/.dotfiles/git/gitconfig.symlink")
        XCTAssertEqual(second.read(".gitconfig"), Data("[user]\n\tname = Ann\n".utf8), "it leads to the file")
        XCTAssertEqual(link(second, ".config/nvim"), "../.dotfiles/nvim", "relative links are left as they are")
        XCTAssertEqual(link(second, ".vimrc"), second.home + "/elsewhere/vimrc")
        XCTAssertTrue(arrival.stderr.contains("warning: '.vimrc' is a link to '\(second.home)/elsewhere/vimrc', which does not exist here"),
                      arrival.stderr)
        XCTAssertFalse(arrival.stderr.contains("'.gitconfig' is a link"), arrival.stderr)
        // Laid out that way, the link is the stored one: nothing to commit, git sees nothing either.
        XCTAssertEqual(second.naner("status", "--short").stdout, "")
        XCTAssertEqual(second.git("status", "--porcelain").stdout, "")
        XCTAssertEqual(second.naner("diff").stdout, "")
        let commits = second.commitCount()
        XCTAssertExit(second.naner("commit", "-m", "nothing"), 0)
        XCTAssertEqual(second.commitCount(), commits)

        // Made again by hand the same way: still no change, and the stored bytes stay the first machine's.
        try FileManager.default.removeItem(atPath: second.home + "/.gitconfig")
        try FileManager.default.createSymbolicLink(atPath: second.home + "/.gitconfig",
                                                   withDestinationPath: second.home + "/.dotfiles/git/gitconfig.symlink")
        XCTAssertEqual(second.naner("status", "--short").stdout, "")
        XCTAssertExit(second.naner("commit", "-m", "nothing either"), 0)
        XCTAssertEqual(second.commitCount(), commits)
        XCTAssertEqual(second.git("status", "--porcelain").stdout, "")
        // Removed and restored: laid out into this home again.
        try FileManager.default.removeItem(atPath: second.home + "/.gitconfig")
        XCTAssertExit(second.naner("restore", "HEAD"), 0)
        XCTAssertEqual(link(second, ".gitconfig"), second.home + "/.dotfiles/git/gitconfig.symlink")
        XCTAssertEqual(second.git("status", "--porcelain").stdout, "")

        // A new link made on the second machine is recorded under its home, and the first lays it out into its own.
        try second.write(".dotfiles/aliases", "alias g=git\n")
        try FileManager.default.createSymbolicLink(atPath: second.home + "/.bash_aliases", withDestinationPath: second.home + "/.dotfiles/aliases")
        XCTAssertExit(second.naner("commit", "-m", "aliases"), 0)
        XCTAssertEqual(second.git("cat-file", "-p", "HEAD:.bash_aliases").stdout, second.home + "/.dotfiles/aliases")
        XCTAssertEqual(second.git("cat-file", "-p", "HEAD:.gitconfig").stdout, first.home + "/.dotfiles/git/gitconfig.symlink")
        XCTAssertEqual(second.git("status", "--porcelain").stdout, "")
        XCTAssertExit(sync(second), 0)
        XCTAssertExit(sync(first), 0)
        XCTAssertEqual(link(first, ".bash_aliases"), first.home + "/.dotfiles/aliases")
        XCTAssertEqual(link(first, ".gitconfig"), first.home + "/.dotfiles/git/gitconfig.symlink")
        XCTAssertEqual(first.naner("status", "--short").stdout, "")
        XCTAssertEqual(first.git("status", "--porcelain").stdout, "")
        let firstCommits = first.commitCount()
        XCTAssertExit(first.naner("commit", "-m", "nothing"), 0)
        XCTAssertEqual(first.commitCount(), firstCommits, "no link flips back")
        XCTAssertExit(first.git("fsck", "--strict"), 0)
    }

    func testEditsOnBothMachinesMergeAndNothingIsLost() throws {
        let (first, second) = try twoMachines()
        try first.write(".vimrc", "set number\nset hlsearch\n")
        XCTAssertExit(first.naner("commit", "-m", "first: vim search"), 0)
        XCTAssertExit(sync(first), 0)
        try second.write(".config/kitty/kitty.conf", "font_size 14\n")
        try second.write(".bash_aliases", "alias g=git\n")
        XCTAssertExit(second.naner("commit", "-m", "second: kitty and aliases"), 0)
        XCTAssertTrue(second.naner("status").stdout.contains("Ahead of 'origin/main' by 1 commit"), "from the last sync, no network")

        let merge = sync(second)
        XCTAssertExit(merge, 0)
        XCTAssertTrue(merge.stdout.contains("merged 'custom' into main"), merge.stdout)
        XCTAssertEqual(String(decoding: second.read(".vimrc")!, as: UTF8.self), "set number\nset hlsearch\n")
        XCTAssertEqual(second.git("log", "-1", "--format=%P").stdout.split(separator: " ").count, 2, "a merge commit")
        XCTAssertEqual(folderMain(), head(second))
        assertFolderSound()

        let pull = sync(first)
        XCTAssertExit(pull, 0)
        XCTAssertTrue(pull.stdout.contains("fast-forwarded"), pull.stdout)
        XCTAssertEqual(head(first), head(second))
        for path in [".vimrc", ".config/kitty/kitty.conf", ".bash_aliases", ".bashrc", ".ssh/config"] {
            XCTAssertEqual(first.read(path), second.read(path), path)
        }
        for sandbox in [first, second] {
            XCTAssertEqual(sandbox.git("status", "--porcelain").stdout, "")
            XCTAssertExit(sandbox.git("fsck", "--strict"), 0)
            let subjects = sandbox.git("log", "--format=%s").stdout
            XCTAssertTrue(subjects.contains("first: vim search") && subjects.contains("second: kitty and aliases"), subjects)
        }
    }

    /// A push killed while holding git's lock beside the folder's `main` leaves
    /// `refs/heads/main.lock`. The journal this machine wrote before moving the ref proves
    /// the lock is its own: the next sync removes it and finishes. A lock the journal does
    /// not name (another machine's, copied in by the sync client) is never touched.
    func testALockLeftByAKilledPushIsRemovedOnlyWhenItIsThisMachines() throws {
        let (first, _) = try twoMachines()
        try first.write(".bashrc", "export EDITOR=hx\n")
        XCTAssertExit(first.naner("commit", "-m", "helix"), 0)
        let lock = folder + "/refs/heads/main.lock"
        let journal = "{\"folder\":\"\(folder)\",\"references\":{\"refs/heads/main\":\"\(head(first))\"}}"

        // Not this machine's: left alone, and the push stops on it.
        _ = FileManager.default.createFile(atPath: lock, contents: Data())
        let refused = sync(first, "push")
        XCTAssertExit(refused, 1)
        XCTAssertTrue(FileManager.default.fileExists(atPath: lock))
        XCTAssertNotEqual(folderMain(), head(first))

        // This machine's, as a killed push leaves it (empty, or holding the id it was writing).
        for content in ["", head(first) + "\n"] {
            _ = FileManager.default.createFile(atPath: lock, contents: Data(content.utf8))
            _ = FileManager.default.createFile(atPath: first.repo + "/naner-folder-push.json", contents: Data(journal.utf8))
            let rerun = sync(first, "push")
            XCTAssertExit(rerun, 0)
            XCTAssertTrue(rerun.stderr.contains("warning: removed 'refs/heads/main.lock' from '\(folder)'"), rerun.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: lock))
            XCTAssertEqual(folderMain(), head(first))
            XCTAssertFalse(FileManager.default.fileExists(atPath: first.repo + "/naner-folder-push.json"))
        }
        assertFolderSound()
    }

    func testTrueConflictGetsMarkersAbortsAndResolves() throws {
        let (first, second) = try twoMachines()
        try first.write(".bashrc", "export EDITOR=nvim\nalias ll='ls -l'\n")
        XCTAssertExit(first.naner("commit", "-m", "first: nvim"), 0)
        XCTAssertExit(sync(first), 0)
        let remoteBefore = folderMain()
        try second.write(".bashrc", "export EDITOR=emacs\nalias ll='ls -l'\n")
        XCTAssertExit(second.naner("commit", "-m", "second: emacs"), 0)
        let secondHead = head(second)
        let gitconfig = second.read(".gitconfig")!
        try second.write(".gitconfig", "[user]\n\tname = Second\n")  // uncommitted, and no business of the merge

        let conflicted = sync(second)
        XCTAssertExit(conflicted, 3)
        XCTAssertEqual(conflicted.lines, ["conflict: '.bashrc'"])
        XCTAssertOneErrorLine(conflicted, contains: "1 file conflicts between this machine and the remote: '.bashrc'")
        let marked = String(decoding: second.read(".bashrc")!, as: UTF8.self)
        XCTAssertEqual(marked, """
            <<<<<<< local
            export EDITOR=emacs
            ||||||| base
            export EDITOR=vim
            =======
            export EDITOR=nvim
            >>>>>>> remote
            alias ll='ls -l'

            """)
        XCTAssertEqual(folderMain(), remoteBefore, "nothing pushed while conflicts remain")
        XCTAssertEqual(head(second), secondHead)
        XCTAssertTrue(second.git("status").stdout.contains("merging"), "git sees the merge too")
        let status = second.naner("status").stdout
        XCTAssertTrue(status.contains("A sync merge is waiting; conflict markers remain in:\n  both changed: .bashrc"), status)
        XCTAssertExit(second.naner("sync", "push", "--provider", "custom", "--path", folder), 3)

        // Abort: the file comes back as it was committed, the half-merged state is kept as a safety point.
        let abort = second.naner("sync", "--abort")
        XCTAssertExit(abort, 0)
        XCTAssertEqual(String(decoding: second.read(".bashrc")!, as: UTF8.self), "export EDITOR=emacs\nalias ll='ls -l'\n")
        XCTAssertEqual(second.git("status", "--porcelain").stdout, " M .gitconfig\n", "the unrelated edit is still an edit")
        XCTAssertEqual(second.naner("status", "--short").stdout, "M .gitconfig\n")
        try second.write(".gitconfig", gitconfig)
        XCTAssertEqual(second.git("for-each-ref", "refs/naner/safety").lines.count, 1)
        XCTAssertExit(second.naner("sync", "--abort"), 1)

        // Again, and resolve this time.
        XCTAssertExit(sync(second), 3)
        let early = second.naner("commit", "-m", "too early")
        XCTAssertExit(early, 1)
        XCTAssertOneErrorLine(early, contains: "conflict markers remain in '.bashrc'")
        try second.write(".bashrc", "export EDITOR=nvim\nalias ll='ls -l'\nalias e=emacs\n")
        XCTAssertExit(second.naner("commit", "-m", "take nvim, keep emacs handy"), 0)
        let parents = second.git("log", "-1", "--format=%P").stdout.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        XCTAssertEqual(parents, [secondHead, remoteBefore])
        XCTAssertFalse(FileManager.default.fileExists(atPath: second.repo + "/MERGE_HEAD"))
        XCTAssertExit(sync(second), 0)
        XCTAssertEqual(folderMain(), head(second))
        XCTAssertExit(sync(first), 0)
        XCTAssertEqual(first.read(".bashrc"), second.read(".bashrc"))
        assertFolderSound()
    }

    func testUncommittedEditThatThePullWouldChangeStopsIt() throws {
        let (first, second) = try twoMachines()
        try first.write(".vimrc", "set nonumber\n")
        XCTAssertExit(first.naner("commit", "-m", "first: no numbers"), 0)
        XCTAssertExit(sync(first), 0)
        try second.write(".vimrc", "set number\nset list\n")  // not committed
        let before = head(second)
        let run = second.naner("sync", "pull", "--provider", "custom", "--path", folder)
        XCTAssertExit(run, 3)
        XCTAssertOneErrorLine(run, contains: "uncommitted edits that the pull would change: '.vimrc'")
        XCTAssertEqual(String(decoding: second.read(".vimrc")!, as: UTF8.self), "set number\nset list\n", "the edit is kept")
        XCTAssertEqual(head(second), before)
        // An edit to a file the pull leaves alone does not stand in the way, and stays uncommitted.
        try second.write(".vimrc", "set number\n")
        try second.write(".gitconfig", "[user]\n\tname = Second\n")
        XCTAssertExit(second.naner("sync", "pull", "--provider", "custom", "--path", folder), 0)
        XCTAssertEqual(String(decoding: second.read(".vimrc")!, as: UTF8.self), "set nonumber\n")
        XCTAssertEqual(String(decoding: second.read(".gitconfig")!, as: UTF8.self), "[user]\n\tname = Second\n")
        XCTAssertEqual(second.git("status", "--porcelain").stdout, " M .gitconfig\n")
        XCTAssertEqual(second.naner("status", "--short").stdout, "M .gitconfig\n")
    }

    /// The preview plans the files the pull would write as the real pull does: when an
    /// uncommitted edit is in the way, both stop with the same words and exit code, for a
    /// fast-forward and for a merge, and the preview changes nothing. A merge's conflicts
    /// are named before the real run writes its markers.
    func testDryRunStopsWhereTheRealPullWouldOnAnUncommittedEdit() throws {
        let (first, second) = try twoMachines()
        try first.write(".vimrc", "set nonumber\n")
        XCTAssertExit(first.naner("commit", "-m", "first: no numbers"), 0)
        XCTAssertExit(sync(first), 0)
        let edit = "set number\nset list\n"
        try second.write(".vimrc", edit)  // not committed, and the pull changes .vimrc
        func assertSameAsTheRealRun(_ direction: [String], _ what: String, file: StaticString = #filePath, line: UInt = #line) {
            let refs = second.git("for-each-ref").stdout
            let preview = second.naner(["sync"] + direction + ["--dry-run", "--provider", "custom", "--path", folder])
            let json = second.naner(["sync"] + direction + ["--dry-run", "--json", "--provider", "custom", "--path", folder])
            XCTAssertEqual(second.git("for-each-ref").stdout, refs, "\(what): the previews moved no ref", file: file, line: line)
            let main = head(second)
            let real = second.naner(["sync"] + direction + ["--provider", "custom", "--path", folder])
            XCTAssertExit(real, 3, file: file, line: line)
            XCTAssertOneErrorLine(real, contains: "1 file has uncommitted edits that the pull would change: '.vimrc'", file: file, line: line)
            for run in [preview, json] {
                XCTAssertEqual(run.status, real.status, "\(what): exit code", file: file, line: line)
                XCTAssertEqual(run.stdout, real.stdout, "\(what): stdout", file: file, line: line)
                XCTAssertEqual(run.stderr, real.stderr, "\(what): stderr", file: file, line: line)
            }
            XCTAssertEqual(String(decoding: second.read(".vimrc")!, as: UTF8.self), edit, "\(what): the edit is kept", file: file, line: line)
            XCTAssertEqual(head(second), main, "\(what): main did not move", file: file, line: line)
        }
        assertSameAsTheRealRun([], "a fast-forward")
        assertSameAsTheRealRun(["pull"], "a fast-forward, pull only")

        // Both sides committed something else: the pull would merge, and the merge changes .vimrc here.
        try second.write(".vimrc", "set number\n")
        try second.write(".config/kitty/kitty.conf", "font_size 14\n")
        XCTAssertExit(second.naner("commit", "-m", "second: kitty"), 0)
        try second.write(".vimrc", edit)
        XCTAssertEqual(second.naner("status", "--short").stdout, "M .vimrc\n")
        assertSameAsTheRealRun([], "a merge")

        // A push alone never writes here: the edit is no business of it. The push would be
        // refused, so the preview exits as the real push does (1), with the same error line.
        let push = second.naner("sync", "push", "--dry-run", "--provider", "custom", "--path", folder)
        XCTAssertExit(push, 1)
        XCTAssertTrue(push.stdout.contains("the push would stop: remote 'custom' has commits this machine does not have"), push.stdout)
        XCTAssertOneErrorLine(push, contains: "remote 'custom' has commits this machine does not have")
        let realPush = second.naner("sync", "push", "--provider", "custom", "--path", folder)
        XCTAssertExit(realPush, 1)
        XCTAssertEqual(push.stderr, realPush.stderr, "the preview stops with the real push's words")

        // Committed, the edit meets the other machine's change to the same line: the preview
        // names the conflict (and changes nothing); the real run stops there with exit 3.
        XCTAssertExit(second.naner("commit", "-m", "second: list"), 0)
        let refs = second.git("for-each-ref").stdout
        let preview = sync(second, "--dry-run")
        XCTAssertExit(preview, 3)
        XCTAssertTrue(preview.stdout.contains("would update here: '.vimrc'"), preview.stdout)
        let stop = "the pull would stop: 1 file conflicts between this machine and the remote: '.vimrc'"
        XCTAssertTrue(preview.lines.contains(stop), preview.stdout)
        XCTAssertOneErrorLine(preview, contains: String(stop.dropFirst("the pull would stop: ".count)))
        XCTAssertEqual(String(decoding: second.read(".vimrc")!, as: UTF8.self), edit, "no marker written by the preview")
        XCTAssertEqual(second.git("for-each-ref").stdout, refs)
        let real = sync(second)
        XCTAssertExit(real, 3)
        XCTAssertOneErrorLine(real, contains: String(stop.dropFirst("the pull would stop: ".count)))
        XCTAssertEqual(preview.stderr, real.stderr, "the preview stops with the real run's words and exit code")
    }

    func testPushIsFastForwardOnlyAndForceLeasesOnWhatWasSeen() throws {
        let (first, second) = try twoMachines()
        try first.write(".vimrc", "set nonumber\n")
        XCTAssertExit(first.naner("commit", "-m", "first"), 0)
        XCTAssertExit(sync(first), 0)
        let firstPushed = folderMain()
        try second.write(".vimrc", "set number\nset ruler\n")
        XCTAssertExit(second.naner("commit", "-m", "second"), 0)

        let refused = second.naner("sync", "push", "--provider", "custom", "--path", folder)
        XCTAssertExit(refused, 1)
        XCTAssertOneErrorLine(refused, contains: "remote 'custom' has commits this machine does not have")
        XCTAssertTrue(refused.stderr.contains("naner sync pull"), refused.stderr)
        let unseen = second.naner("sync", "push", "--force", "--provider", "custom", "--path", folder)
        XCTAssertExit(unseen, 1)
        XCTAssertOneErrorLine(unseen, contains: "moved to \(firstPushed.prefix(7)) since this machine last saw it")
        XCTAssertEqual(folderMain(), firstPushed)

        // Once this machine has seen it (a pull that stopped on a conflict, then aborted), --force may replace it.
        XCTAssertExit(sync(second, "pull"), 3)
        XCTAssertExit(second.naner("sync", "--abort"), 0)
        XCTAssertExit(second.naner("sync", "push", "--force", "--provider", "custom", "--path", folder), 0)
        XCTAssertEqual(folderMain(), head(second))
        assertFolderSound()
    }

    func testDryRunShowsBothSidesAndChangesNothing() throws {
        let (first, second) = try twoMachines()
        try first.write(".vimrc", "set nonumber\n")
        XCTAssertExit(first.naner("commit", "-m", "first: vim"), 0)
        XCTAssertExit(sync(first), 0)
        try second.write(".config/kitty/kitty.conf", "font_size 14\n")
        XCTAssertExit(second.naner("commit", "-m", "second: kitty"), 0)
        try second.write(".bashrc", "uncommitted\n")
        let refsBefore = second.git("for-each-ref").stdout
        let folderBefore = folderGit("for-each-ref").stdout

        let run = sync(second, "--dry-run")
        XCTAssertExit(run, 0)
        XCTAssertTrue(run.stdout.contains("1 commit to push, 1 to pull ('custom')"), run.stdout)
        XCTAssertTrue(run.stdout.contains("would pull") && run.stdout.contains("first: vim"), run.stdout)
        XCTAssertTrue(run.stdout.contains("would update here: '.vimrc'"), run.stdout)
        XCTAssertTrue(run.stdout.contains("would push") && run.stdout.contains("second: kitty"), run.stdout)
        XCTAssertTrue(run.stdout.contains("would update on 'custom': '.config/kitty/kitty.conf'"), run.stdout)
        XCTAssertTrue(run.stdout.contains("1 uncommitted change"), run.stdout)
        let json = sync(second, "--dry-run", "--json")
        XCTAssertExit(json, 0)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["remote"] as? String, "custom")
        XCTAssertEqual((object["toPull"] as? [[String: Any]])?.map { $0["summary"] as? String }, ["first: vim"])
        XCTAssertEqual((object["toPush"] as? [[String: Any]])?.map { $0["summary"] as? String }, ["second: kitty"])
        XCTAssertEqual((object["filesHere"] as? [[String: Any]])?.first?["path"] as? String, ".vimrc")
        XCTAssertEqual((object["filesThere"] as? [[String: Any]])?.first?["change"] as? String, "update")
        XCTAssertEqual(object["uncommitted"] as? Int, 1)
        XCTAssertEqual(second.git("for-each-ref").stdout, refsBefore, "no ref changed, remote-tracking ones included")
        XCTAssertEqual(folderGit("for-each-ref").stdout, folderBefore)
        XCTAssertEqual(String(decoding: second.read(".vimrc")!, as: UTF8.self), "set number\n")
        XCTAssertEqual(String(decoding: second.read(".bashrc")!, as: UTF8.self), "uncommitted\n")

        // The preview decides as the real sync does: only the direction asked for, and a
        // push that would stop says so, as the real push then does.
        let pullOnly = sync(second, "pull", "--dry-run")
        XCTAssertExit(pullOnly, 0)
        XCTAssertTrue(pullOnly.stdout.contains("would pull"), pullOnly.stdout)
        XCTAssertFalse(pullOnly.stdout.contains("would push"), pullOnly.stdout)
        let pushOnly = sync(second, "push", "--dry-run")
        XCTAssertExit(pushOnly, 1)
        XCTAssertOneErrorLine(pushOnly, contains: "remote 'custom' has commits this machine does not have")
        XCTAssertFalse(pushOnly.stdout.contains("would pull"), pushOnly.stdout)
        XCTAssertTrue(pushOnly.stdout.contains("the push would stop: remote 'custom' has commits this machine does not have"),
                      pushOnly.stdout)
        XCTAssertFalse(sync(second, "--dry-run").stdout.contains("would stop"), "a pull first makes the push a fast-forward")
        let realPush = sync(second, "push")
        XCTAssertExit(realPush, 1)
        XCTAssertOneErrorLine(realPush, contains: "remote 'custom' has commits this machine does not have")
        XCTAssertEqual(second.git("for-each-ref").stdout, refsBefore, "the previews and the refused push moved no ref")
    }

    func testProvidersMapToTheirFolders() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        let userHome = folderRoot!
        let missing = sandbox.naner(["sync", "--provider", "dropbox"], environment: ["HOME": userHome])
        XCTAssertExit(missing, 1)
        XCTAssertOneErrorLine(missing, contains: "Dropbox folder not found at \(userHome)/Dropbox")
        XCTAssertTrue(missing.stderr.contains("--provider custom --path"), missing.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: userHome + "/Dropbox"))

        // Dropbox's own record of where its folder is wins over the default.
        let elsewhere = userHome + "/Work Dropbox"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: userHome + "/.dropbox", withIntermediateDirectories: true)
        try Data(#"{"personal": {"path": "\#(elsewhere)", "host": 1}}"#.utf8).write(to: URL(fileURLWithPath: userHome + "/.dropbox/info.json"))
        XCTAssertExit(sandbox.naner(["sync", "--provider", "dropbox"], environment: ["HOME": userHome]), 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: elsewhere + "/Naner-Config.git/HEAD"))
        XCTAssertEqual(sandbox.naner("remote", "list").stdout, "dropbox\t\(elsewhere)/Naner-Config.git\n")

        // A new machine starts from the same provider's folder.
        let laptop = try Sandbox()
        XCTAssertExit(laptop.naner(["init", "--provider", "dropbox"], environment: ["HOME": userHome]), 0)
        XCTAssertEqual(laptop.read(".bashrc"), sandbox.read(".bashrc"))
        XCTAssertEqual(laptop.naner("remote", "list").stdout, "origin\t\(elsewhere)/Naner-Config.git\n")
        XCTAssertExit(laptop.naner("init", "--provider", "icloud"), 64)

        try FileManager.default.createDirectory(atPath: userHome + "/OneDrive", withIntermediateDirectories: true)
        XCTAssertExit(sandbox.naner(["sync", "push", "--provider", "onedrive"], environment: ["HOME": userHome]), 0)
        XCTAssertExit(Sandbox.execute(["/usr/bin/git", "--git-dir=" + userHome + "/OneDrive/Naner-Config.git", "fsck", "--strict"],
                                      environment: ["PATH": "/usr/bin:/bin"], directory: "/"), 0)
        let noPath = sandbox.naner("sync", "--provider", "custom")
        XCTAssertExit(noPath, 1)
        XCTAssertOneErrorLine(noPath, contains: "--provider custom needs --path DIR")
        let badProvider = sandbox.naner("sync", "--provider", "icloud")
        XCTAssertExit(badProvider, 64)
        XCTAssertOneErrorLine(badProvider, contains: "unknown provider 'icloud'")
    }

    func testRemoteCommands() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        let none = sandbox.naner("sync")
        XCTAssertExit(none, 1)
        XCTAssertOneErrorLine(none, contains: "no remote to sync with")

        XCTAssertExit(sandbox.naner("remote", "add", "origin", "https://me:hunter2@example.com/me/dots.git"), 0)
        XCTAssertEqual(sandbox.git("config", "remote.origin.url").stdout, "https://me@example.com/me/dots.git\n",
                       "the password is never stored")
        XCTAssertExit(sandbox.naner("remote", "add", "laptop", "laptop:/srv/dots.git"), 0)
        XCTAssertEqual(sandbox.naner("remote", "list").stdout,
                       "laptop\tlaptop:/srv/dots.git\norigin\thttps://me@example.com/me/dots.git\n")
        let twice = sandbox.naner("remote", "add", "origin", "/elsewhere")
        XCTAssertExit(twice, 1)
        XCTAssertOneErrorLine(twice, contains: "remote 'origin' already exists")
        let badName = sandbox.naner("remote", "add", "a b", "/x")
        XCTAssertExit(badName, 1)
        XCTAssertOneErrorLine(badName, contains: "'a b' cannot be a remote name")
        XCTAssertExit(sandbox.naner("remote", "remove", "laptop"), 0)
        let gone = sandbox.naner("remote", "remove", "laptop")
        XCTAssertExit(gone, 1)
        XCTAssertOneErrorLine(gone, contains: "no remote named 'laptop'")
        XCTAssertEqual(sandbox.git("remote").stdout, "origin\n")
        let unknown = sandbox.naner("sync", "--remote", "nowhere")
        XCTAssertExit(unknown, 1)
        XCTAssertOneErrorLine(unknown, contains: "no remote named 'nowhere'")
    }

    // MARK: - A sync client copying the folder between machines

    private func shell(_ command: String) {
        let run = Sandbox.execute(["/bin/sh", "-c", command], environment: ["PATH": "/usr/bin:/bin"], directory: "/")
        XCTAssertExit(run, 0)
    }

    /// Two machines push to their own copies of the folder; the client then merges the
    /// copies as Dropbox does: every object file arrives (objects never clash), the first
    /// machine's `main` wins and the second's is kept as a conflicted copy.
    func testConflictedCopiesAreReportedAndNoCommitIsLost() throws {
        let (first, second) = try twoMachines()
        let copyA = folderRoot + "/copy-a.git", copyB = folderRoot + "/copy-b.git"
        shell("cp -a '\(folder)' '\(copyA)' && cp -a '\(folder)' '\(copyB)'")
        try first.write(".vimrc", "set nonumber\n")
        XCTAssertExit(first.naner("commit", "-m", "first: offline edit"), 0)
        XCTAssertExit(first.naner("sync", "--provider", "custom", "--path", copyA), 0)
        try second.write(".bash_aliases", "alias g=git\n")
        XCTAssertExit(second.naner("commit", "-m", "second: offline edit"), 0)
        XCTAssertExit(second.naner("sync", "--provider", "custom", "--path", copyB), 0)
        let firstCommit = head(first), secondCommit = head(second)

        shell("""
            cd '\(copyB)' && find objects -type f | while read f; do \
              [ -e '\(copyA)'/"$f" ] || { mkdir -p "$(dirname '\(copyA)'/"$f")"; cp -p "$f" '\(copyA)'/"$f"; }; done && \
            cp refs/heads/main '\(copyA)/refs/heads/main (second'"'"'s conflicted copy 2026-11-25)' && \
            rm -rf '\(folder)' && mv '\(copyA)' '\(folder)'
            """)
        XCTAssertEqual(folderMain(), firstCommit)

        // The first machine is told, merges the copy's commit like any remote branch,
        // pushes, and moves the copy out of refs/ so the folder is plain git again.
        let told = sync(first)
        XCTAssertExit(told, 0)
        XCTAssertTrue(told.stderr.contains("warning: 'refs/heads/main (second's conflicted copy 2026-11-25)'"), told.stderr)
        XCTAssertTrue(told.stderr.contains(String(secondCommit.prefix(7))), "names the commit the copy holds: \(told.stderr)")
        XCTAssertTrue(told.stdout.contains("merged 'custom' into main"), told.stdout)
        XCTAssertTrue(told.stderr.contains("naner-conflicted-copies/"), told.stderr)
        XCTAssertTrue(first.git("log", "-1", "--format=%s").stdout.contains("merge the conflicted copy"))
        XCTAssertEqual(String(decoding: first.read(".bash_aliases")!, as: UTF8.self), "alias g=git\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/refs/heads/main (second's conflicted copy 2026-11-25)"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/naner-conflicted-copies/main (second's conflicted copy 2026-11-25)"))
        assertFolderSound()

        // The second machine, which lost the clash, gets both.
        XCTAssertExit(sync(second), 0)
        for commit in [firstCommit, secondCommit] {
            XCTAssertExit(folderGit("merge-base", "--is-ancestor", commit, "main"), 0)
            XCTAssertExit(second.git("merge-base", "--is-ancestor", commit, "HEAD"), 0)
        }
        XCTAssertEqual(head(first), head(second))
        XCTAssertEqual(String(decoding: second.read(".vimrc")!, as: UTF8.self), "set nonumber\n")
        XCTAssertEqual(second.git("status", "--porcelain").stdout, "")
        let quiet = sync(first)
        XCTAssertExit(quiet, 0)
        XCTAssertEqual(quiet.stderr, "", "nothing left to report")
    }

    /// The client copied the ref before the objects it points at: nothing may be trusted yet.
    func testRefArrivingBeforeItsObjectsChangesNothing() throws {
        let (first, second) = try twoMachines()
        try first.write(".vimrc", "set nonumber\n")
        XCTAssertExit(first.naner("commit", "-m", "first: later"), 0)
        let partial = folderRoot + "/partial.git"
        shell("cp -a '\(folder)' '\(partial)'")
        XCTAssertExit(sync(first), 0)
        // Only the new ref file has arrived in the partial copy.
        shell("cp '\(folder)/refs/heads/main' '\(partial)/refs/heads/main'")
        let refsBefore = second.git("for-each-ref").stdout
        let run = second.naner("sync", "--provider", "custom", "--path", partial)
        XCTAssertExit(run, 1)
        XCTAssertOneErrorLine(run, contains: "is still being copied by a sync client: 'refs/heads/main'")
        XCTAssertEqual(second.git("for-each-ref").stdout, refsBefore)
        XCTAssertEqual(String(decoding: second.read(".vimrc")!, as: UTF8.self), "set number\n")
    }

    /// A progress bar on a terminal; nothing with -q or when stderr is not a terminal.
    func testProgressOnlyOnATerminal() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)
        let command = [Sandbox.nanerBinary, "sync", "push", "--provider", "custom", "--path", folder]
        func onTerminal(_ extra: [String]) -> Sandbox.Run {
            let quoted = (command + extra).map { "'" + $0 + "'" }.joined(separator: " ")
            return Sandbox.execute(["/usr/bin/script", "-qec", quoted, "/dev/null"], environment: sandbox.environment, directory: sandbox.home)
        }
        let shown = onTerminal([])
        XCTAssertExit(shown, 0)
        XCTAssertTrue(shown.stdout.contains("sending objects: ["), shown.stdout)
        XCTAssertTrue(shown.stdout.contains("100%"), shown.stdout)
        try FileManager.default.removeItem(atPath: folder)
        let quiet = onTerminal(["-q"])
        XCTAssertExit(quiet, 0)
        XCTAssertFalse(quiet.stdout.contains("objects"), quiet.stdout)
        try FileManager.default.removeItem(atPath: folder)
        let piped = sandbox.naner(command.dropFirst().map { $0 })
        XCTAssertExit(piped, 0)
        XCTAssertFalse(piped.stderr.contains("objects"), piped.stderr)
    }

    /// Secrets refused on this machine never reach the folder, in any object of any commit or tag.
    func testNoSecretReachesTheRemote() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        try sandbox.write(".config/gh/hosts.yml", "github.com:\n  oauth_token: ghp_0123456789abcdefghijABCDEFGHIJ012345\n")
        try sandbox.write(".config/aws/credentials", "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n")
        try sandbox.write(".config/app/remote.conf", "url = https://me:hunter2@example.com/repo.git\n")
        try sandbox.write(".ssh/old_key", "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n", mode: 0o600)
        XCTAssertExit(sandbox.naner("init"), 0)
        XCTAssertExit(sandbox.naner("backup", "--name", "all"), 0)
        XCTAssertExit(sandbox.naner("remote", "add", "origin", "https://me:hunter2@example.com/me/dots.git"), 0)
        XCTAssertExit(sync(sandbox), 0)
        assertFolderSound()
        XCTAssertNoSecrets(gitDir: folder, forbiddenPaths: [".ssh/id_ed25519", ".ssh/old_key", ".bash_history", ".cache/", "Projects/",
                                                            ".config/gh/hosts.yml", ".config/aws/credentials"])
        XCTAssertNoSecrets(gitDir: sandbox.repo, forbiddenPaths: [".ssh/old_key"])
        for file in ["config", "logs/HEAD", "logs/refs/heads/main", "packed-refs"] {
            let text = (try? String(contentsOfFile: sandbox.repo + "/" + file, encoding: .utf8)) ?? ""
            XCTAssertFalse(text.contains("hunter2"), "a password in \(file)")
        }
        XCTAssertTrue(sandbox.exists(".config/gh/hosts.yml"), "refused, never touched")
    }
}
