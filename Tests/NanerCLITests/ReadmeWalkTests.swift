import Foundation
import XCTest

/// The README's workflows walked in order, as a new user would, on a home laid out like
/// the popular public dotfiles repositories: a GNU-stow-style folder link
/// (`~/.config/nvim -> ../dotfiles/nvim/.config/nvim`), an absolute link into the home
/// (`~/.gitconfig -> $HOME/.dotfiles/git/gitconfig.symlink`), a `~/.gitignore` that is git's
/// global ignore file (`*.local`) beside a `~/.gitconfig.local` holding the user's identity,
/// and `.ssh` modes loosened by a careless `chmod`. Each step checks what the README says
/// happens: the messages it quotes, and the git CLI as the oracle (`git status --porcelain`
/// clean after each commit, `git ls-tree` for what is stored and with which mode).
final class ReadmeWalkTests: XCTestCase {
    private var cloud: String!

    override func setUpWithError() throws {
        var template = Array("/tmp/naner-walk.XXXXXX".utf8CString)
        cloud = String(cString: mkdtemp(&template)!)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: cloud)
    }

    /// The folder standing in for GitHub.
    private var remote: String { cloud + "/dotfiles.git" }

    private func text(_ sandbox: Sandbox, _ path: String) -> String? {
        sandbox.read(path).map { String(decoding: $0, as: UTF8.self) }
    }

    private func link(_ sandbox: Sandbox, _ path: String) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: sandbox.home + "/" + path)
    }

    /// `git ls-tree -r REV` as path → (mode, object id).
    private func tree(_ sandbox: Sandbox, _ revision: String = "HEAD") -> [String: (mode: String, id: String)] {
        var entries: [String: (String, String)] = [:]
        for line in sandbox.git("ls-tree", "-r", "-z", revision).stdout.split(separator: "\0") {
            guard let tab = line.firstIndex(of: "\t") else { continue }
            let fields = line[..<tab].split(separator: " ")
            entries[String(line[line.index(after: tab)...])] = (String(fields[0]), String(fields[2]))
        }
        return entries
    }

    /// The lines of `.naner/modes` in REV, comments left out.
    private func modes(_ sandbox: Sandbox, _ revision: String = "HEAD") -> [String] {
        sandbox.git("show", revision + ":.naner/modes").lines.filter { !$0.hasPrefix("#") }
    }

    private func assertGitClean(_ sandbox: Sandbox, _ when: String, file: StaticString = #filePath, line: UInt = #line) {
        let status = sandbox.git("status", "--porcelain")
        XCTAssertExit(status, 0, file: file, line: line)
        XCTAssertEqual(status.stdout, "", "git status after \(when)", file: file, line: line)
    }

    private func assertNanerClean(_ sandbox: Sandbox, _ when: String, file: StaticString = #filePath, line: UInt = #line) {
        let status = sandbox.naner("status")
        XCTAssertExit(status, 0, file: file, line: line)
        XCTAssertTrue(status.stdout.hasSuffix("nothing to commit, managed files are clean\n"), "naner status after \(when): \(status.stdout)",
                      file: file, line: line)
    }

    /// The first machine's home: what the three repositories' users have.
    private func makeDotfilesHome(_ sandbox: Sandbox) throws {
        let home = sandbox.home
        try sandbox.write(".bashrc", "export EDITOR=vim\n")
        try sandbox.write(".vimrc", "set number\n")
        try sandbox.write(".config/kitty/kitty.conf", "font_size 12\n")
        // Under an included folder, and matching the global ignore file's `*.local`.
        try sandbox.write(".config/app/settings.local", "theme=dark\n")
        // git's global ignore file, and the identity a `[include]` in the global config reads.
        try sandbox.write(".gitignore", "*.local\n.env\n")
        try sandbox.write(".gitconfig.local", "[user]\n\tname = Ann Example\n\temail = ann@example.com\n")
        // The stow package: a git repository of its own, with nvim's folder linked into ~/.config.
        try sandbox.write("dotfiles/nvim/.config/nvim/init.lua", "vim.o.number = true\n")
        XCTAssertExit(Sandbox.execute(["/usr/bin/git", "init", "-q", home + "/dotfiles"], environment: sandbox.environment, directory: home), 0)
        try FileManager.default.createSymbolicLink(atPath: home + "/.config/nvim", withDestinationPath: "../dotfiles/nvim/.config/nvim")
        // The "install.sh" style: an absolute link into ~/.dotfiles.
        try sandbox.write(".dotfiles/git/gitconfig.symlink",
                          "[core]\n\texcludesFile = ~/.gitignore\n[include]\n\tpath = ~/.gitconfig.local\n")
        try FileManager.default.createSymbolicLink(atPath: home + "/.gitconfig", withDestinationPath: home + "/.dotfiles/git/gitconfig.symlink")
        try sandbox.write(".ssh/config", "Host *\n  ServerAliveInterval 60\n", mode: 0o600)
        try sandbox.write(".ssh/id_ed25519", "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n", mode: 0o600)
        chmod(home + "/.ssh", 0o700)
    }

    func testTheReadmeWorkflowsOnAHomeWithLinksAGlobalIgnoreFileAndLoosenedModes() throws {
        let ann = try Sandbox()
        try makeDotfilesHome(ann)

        // MARK: naner init — once per machine
        let initialized = ann.naner("init")
        XCTAssertExit(initialized, 0)
        XCTAssertTrue(initialized.stdout.contains("laid default '.syncignore'"), initialized.stdout)
        XCTAssertTrue(initialized.stdout.contains("laid default '.naner/include'"), initialized.stdout)
        XCTAssertTrue(initialized.stdout.contains("initialized '\(ann.repo)' for '\(ann.home)'"), initialized.stdout)
        XCTAssertTrue(initialized.stdout.contains("[main "), initialized.stdout)
        XCTAssertFalse(initialized.stderr.contains("error:"), initialized.stderr)
        assertGitClean(ann, "init")
        XCTAssertExit(ann.git("fsck", "--strict"), 0)
        var stored = tree(ann)
        // Links are stored as links, with their own bytes; nothing below the folder link.
        XCTAssertEqual(stored[".config/nvim"]?.mode, "120000")
        XCTAssertEqual(ann.git("cat-file", "-p", "HEAD:.config/nvim").stdout, "../dotfiles/nvim/.config/nvim")
        XCTAssertEqual(stored[".gitconfig"]?.mode, "120000")
        XCTAssertEqual(ann.git("cat-file", "-p", "HEAD:.gitconfig").stdout, ann.home + "/.dotfiles/git/gitconfig.symlink")
        XCTAssertEqual(ann.git("show", "HEAD:.naner/links").lines.filter { !$0.hasPrefix("#") }, [".gitconfig\t" + ann.home],
                       "the home the absolute link was made in")
        XCTAssertNil(stored[".config/nvim/init.lua"], "a path beyond a link is never stored")
        // A .gitignore is content, not a rule: '*.local' does not drop a managed file.
        XCTAssertEqual(stored[".config/app/settings.local"]?.mode, "100644")
        // git records only the exec bit; .naner/modes keeps the rest.
        XCTAssertEqual(stored[".ssh/config"]?.mode, "100644")
        XCTAssertEqual(Set(modes(ann)), ["0700 .ssh/", "0600 .ssh/config"])
        // Never stored: the private key, the stow package's own repository, what is not included.
        for path in [".ssh/id_ed25519", ".gitignore", ".gitconfig.local", "dotfiles/nvim/.config/nvim/init.lua"] {
            XCTAssertNil(stored[path], "'\(path)' was stored")
        }
        XCTAssertNoSecrets(gitDir: ann.repo)

        // MARK: naner ignore check / naner add
        let beyond = ann.naner("ignore", "check", ".config/nvim/init.lua")
        XCTAssertExit(beyond, 0)
        XCTAssertEqual(beyond.stdout,
                       ".config/nvim/init.lua: not managed ('.config/nvim' is a link; it is stored as a link to '../dotfiles/nvim/.config/nvim')\n")
        let key = ann.naner("ignore", "check", ann.home + "/.ssh/id_ed25519")
        XCTAssertTrue(key.stdout.hasPrefix(".ssh/id_ed25519: not managed (.syncignore:"), key.stdout)
        let local = ann.naner("ignore", "check", ".config/app/settings.local")
        XCTAssertTrue(local.stdout.hasPrefix(".config/app/settings.local: managed (.naner/include:"), local.stdout)
        let addBeyond = ann.naner("add", ".config/nvim/init.lua")
        XCTAssertExit(addBeyond, 1)
        XCTAssertOneErrorLine(addBeyond, contains: "'.config/nvim' is a link; it is stored as a link to '../dotfiles/nvim/.config/nvim'")
        // Nor can it be forgotten: it never was stored, and an exclusion would hide nothing but
        // a file nobody asked to leave out, were the link ever replaced by a folder.
        let syncIgnore = text(ann, ".syncignore")
        let forgetBeyond = ann.naner("forget", ".config/nvim/init.lua")
        XCTAssertExit(forgetBeyond, 1)
        XCTAssertOneErrorLine(forgetBeyond, contains: "'.config/nvim/init.lua' is below '.config/nvim', a link to "
                              + "'../dotfiles/nvim/.config/nvim': naner never stores what is below a link, so there is nothing to forget")
        XCTAssertTrue(forgetBeyond.stderr.contains("hint: 'naner forget .config/nvim' stops managing the link itself"), forgetBeyond.stderr)
        XCTAssertEqual(text(ann, ".syncignore"), syncIgnore, "no exclusion for what was never stored")
        let addLocal = ann.naner("add", ann.home + "/.gitconfig.local")
        XCTAssertExit(addLocal, 0)
        XCTAssertEqual(ann.naner("ignore", "check", ".gitconfig.local").stdout.hasPrefix(".gitconfig.local: managed (.naner/include:"), true)

        // MARK: Every day: edit, status, diff, commit
        try ann.write(".bashrc", "export EDITOR=vim\nalias k=kubectl\n")
        let status = ann.naner("status")
        XCTAssertExit(status, 0)
        XCTAssertTrue(status.stdout.contains("Changes 'naner commit' will record:\n"), status.stdout)
        XCTAssertTrue(status.stdout.contains("  modified:    .bashrc\n"), status.stdout)
        XCTAssertTrue(status.stdout.contains("  new file:    .gitconfig.local\n"), status.stdout)
        XCTAssertTrue(status.stdout.contains("  modified:    .naner/include\n"), status.stdout)
        XCTAssertEqual(ann.naner("status", "--short").stdout, "M .bashrc\nA .gitconfig.local\nM .naner/include\n")
        let diff = ann.naner("diff", ".bashrc")
        XCTAssertExit(diff, 0)
        XCTAssertTrue(diff.stdout.contains("diff --git a/.bashrc b/.bashrc\n") && diff.stdout.contains("\n+alias k=kubectl\n"), diff.stdout)
        let committed = ann.naner("commit", "-m", "aliases for kubectl")
        XCTAssertExit(committed, 0)
        XCTAssertTrue(committed.stdout.hasPrefix("[main ") && committed.stdout.contains("] aliases for kubectl\n"), committed.stdout)
        assertGitClean(ann, "the everyday commit")
        assertNanerClean(ann, "the everyday commit")
        stored = tree(ann)
        XCTAssertEqual(stored[".gitconfig.local"]?.mode, "100644", "the identity a global '*.local' would hide is managed")
        XCTAssertEqual(ann.git("show", "HEAD:.bashrc").stdout, "export EDITOR=vim\nalias k=kubectl\n")
        XCTAssertEqual(ann.git("log", "-1", "--format=%an <%ae>").stdout, "Ann Example <ann@example.com>\n",
                       "the identity comes from the global config's [include] of ~/.gitconfig.local")
        let log = ann.naner("log", "-n", "5")
        XCTAssertTrue(log.stdout.contains("aliases for kubectl") && log.stdout.contains("naner init"), log.stdout)

        // MARK: Before a risky update …
        let backup = ann.naner("backup", "--name", "pre-v2.0-update")
        XCTAssertExit(backup, 0)
        XCTAssertTrue(backup.stdout.contains("backup 'pre-v2.0-update' at "), backup.stdout)
        XCTAssertEqual(ann.git("cat-file", "-t", "pre-v2.0-update").stdout, "tag\n")
        let backupCommit = ann.git("rev-parse", "pre-v2.0-update^{commit}").stdout
        XCTAssertEqual(backupCommit, ann.git("rev-parse", "HEAD").stdout, "nothing pending: the backup tags HEAD")

        // … which loosened the modes, as `chmod 644 ~/.ssh/config; chmod 755 ~/.ssh` does.
        chmod(ann.home + "/.ssh/config", 0o644)
        chmod(ann.home + "/.ssh", 0o755)
        let loosened = ann.naner("status")
        XCTAssertTrue(loosened.stdout.contains("Changes 'naner commit' will record:\n  mode 0700 → 0755  .ssh/\n  mode 0600 → 0644  .ssh/config\n"),
                      loosened.stdout)
        XCTAssertEqual(ann.naner("status", "--short").stdout, "P .ssh/\nP .ssh/config\n")
        XCTAssertEqual(ann.naner("diff").stdout, """
            diff --git a/.ssh b/.ssh
            old mode 040700
            new mode 040755
            diff --git a/.ssh/config b/.ssh/config
            old mode 100600
            new mode 100644

            """)
        assertGitClean(ann, "a chmod (the one thing git status cannot see)")
        let doctor = ann.naner("doctor")
        XCTAssertTrue(doctor.stderr.contains(".ssh/config") && doctor.stderr.contains("0600") && doctor.stderr.contains("0644"), doctor.stderr)
        let modeCommit = ann.naner("commit", "-m", "the update loosened ~/.ssh")
        XCTAssertExit(modeCommit, 0)
        XCTAssertTrue(modeCommit.stdout.contains(" mode 0700 → 0755  .ssh/\n") && modeCommit.stdout.contains(" mode 0600 → 0644  .ssh/config\n"),
                      modeCommit.stdout)
        XCTAssertEqual(modes(ann), [], "0644 and 0755 are git's own: nothing left to record")
        XCTAssertEqual(tree(ann)[".ssh/config"]?.mode, "100644")
        assertGitClean(ann, "the mode commit")

        // … and when it broke: an uncommitted edit, then the restore's report first.
        let bashrcBefore = text(ann, ".bashrc")
        try ann.write(".bashrc", "broken by the update\n")
        let dryRun = ann.naner("restore", "pre-v2.0-update", "--dry-run")
        XCTAssertExit(dryRun, 0)
        XCTAssertTrue(dryRun.stdout.contains("would overwrite '.bashrc' (uncommitted edits)\n"), dryRun.stdout)
        XCTAssertTrue(dryRun.stdout.contains("would restore '.ssh/config' (permissions)\n"), dryRun.stdout)
        XCTAssertTrue(dryRun.stdout.contains("restore of 'pre-v2.0-update' would change "), dryRun.stdout)
        XCTAssertTrue(dryRun.stdout.contains("1 conflict needs --force or 'naner commit' first"), dryRun.stdout)
        XCTAssertEqual(text(ann, ".bashrc"), "broken by the update\n", "a dry run changes nothing")
        XCTAssertEqual(ann.mode(".ssh/config"), 0o644)
        let stopped = ann.naner("restore", "pre-v2.0-update")
        XCTAssertExit(stopped, 3)
        XCTAssertTrue(stopped.stdout.contains("conflict: '.bashrc' has uncommitted edits"), stopped.stdout)
        XCTAssertEqual(text(ann, ".bashrc"), "broken by the update\n", "a conflict changes nothing")
        let forced = ann.naner("restore", "pre-v2.0-update", "--force")
        XCTAssertExit(forced, 0)
        let safety = try XCTUnwrap(forced.stdout.split(separator: "\n")
            .first { $0.hasPrefix("saved the current state as safety point 'pre-restore-") }, forced.stdout)
        let safetyName = String(safety.split(separator: "'")[1])
        XCTAssertTrue(forced.stdout.contains("] restore pre-v2.0-update\n"), forced.stdout)
        XCTAssertEqual(text(ann, ".bashrc"), bashrcBefore)
        XCTAssertEqual(ann.mode(".ssh/config"), 0o600, "the recorded mode comes back")
        XCTAssertEqual(ann.mode(".ssh"), 0o700, "and the folder's")
        XCTAssertEqual(Set(modes(ann)), ["0700 .ssh/", "0600 .ssh/config"])
        XCTAssertEqual(ann.git("show", "refs/naner/safety/\(safetyName):.bashrc").stdout, "broken by the update\n",
                       "the uncommitted edit is kept in the safety point")
        XCTAssertTrue(ann.naner("backups").stdout.contains(safetyName))
        XCTAssertEqual(link(ann, ".config/nvim"), "../dotfiles/nvim/.config/nvim")
        XCTAssertEqual(link(ann, ".gitconfig"), ann.home + "/.dotfiles/git/gitconfig.symlink")
        assertGitClean(ann, "the forced restore")
        assertNanerClean(ann, "the forced restore")

        // A selective restore: the folder link comes back as a link; another edit stays.
        try FileManager.default.removeItem(atPath: ann.home + "/.config/nvim")
        try ann.write(".config/kitty/kitty.conf", "font_size 14\n")
        let selective = ann.naner("restore", "pre-v2.0-update", ".config/nvim", "--exclude", ".config/nvim/lazy-lock.json")
        XCTAssertExit(selective, 0)
        XCTAssertTrue(selective.stdout.contains("restored '.config/nvim'"), selective.stdout)
        XCTAssertEqual(link(ann, ".config/nvim"), "../dotfiles/nvim/.config/nvim")
        XCTAssertEqual(text(ann, ".config/kitty/kitty.conf"), "font_size 14\n", "outside the selection")
        XCTAssertEqual(ann.naner("status", "--short").stdout, "M .config/kitty/kitty.conf\n")
        XCTAssertExit(ann.naner("commit", "-m", "kitty: bigger font"), 0)
        assertGitClean(ann, "the selective restore and a commit")

        // MARK: Several machines, through a folder standing in for GitHub
        XCTAssertExit(ann.naner("remote", "add", "origin", remote), 0)
        let firstSync = ann.naner("sync")
        XCTAssertExit(firstSync, 0)
        XCTAssertTrue(firstSync.stdout.contains("created the bare repository '\(remote)'"), firstSync.stdout)
        XCTAssertTrue(firstSync.stdout.contains("pushed main (") && firstSync.stdout.contains("pushed 1 backup tag: pre-v2.0-update"),
                      firstSync.stdout)
        let folderGit = { (arguments: [String]) in
            Sandbox.execute(["/usr/bin/git", "--git-dir=" + self.remote] + arguments,
                            environment: ["PATH": "/usr/bin:/bin", "GIT_CONFIG_NOSYSTEM": "1", "HOME": self.cloud], directory: "/")
        }
        XCTAssertExit(folderGit(["fsck", "--strict"]), 0)
        XCTAssertEqual(folderGit(["rev-parse", "main"]).stdout, ann.git("rev-parse", "HEAD").stdout)
        XCTAssertNoSecrets(gitDir: remote)
        let upToDate = ann.naner("sync", "--dry-run")
        XCTAssertExit(upToDate, 0)
        XCTAssertTrue(upToDate.stdout.contains("0 commits to push, 0 to pull ('origin')"), upToDate.stdout)

        // MARK: A new machine: init --from, a differing local file first
        let bob = try Sandbox()
        XCTAssertNotEqual(bob.home, ann.home)
        try bob.write(".bashrc", "# what the distribution ships\n")
        let refused = bob.naner("init", "--from", remote)
        XCTAssertExit(refused, 3)
        XCTAssertTrue(refused.stdout.contains("conflict: '.bashrc' differs from the configuration"), refused.stdout)
        XCTAssertEqual(text(bob, ".bashrc"), "# what the distribution ships\n", "kept")
        let arrived = bob.naner("init", "--from", remote, "--force")
        XCTAssertExit(arrived, 0)
        XCTAssertTrue(arrived.stdout.contains("saved local files as safety point '"), arrived.stdout)
        XCTAssertTrue(arrived.stdout.contains("restored '.gitconfig.local'"), arrived.stdout)
        XCTAssertTrue(arrived.stdout.contains("initialized '\(bob.repo)' for '\(bob.home)' from '\(remote)' at "), arrived.stdout)
        XCTAssertEqual(bob.git("rev-parse", "HEAD").stdout, ann.git("rev-parse", "HEAD").stdout)
        XCTAssertEqual(text(bob, ".bashrc"), text(ann, ".bashrc"))
        XCTAssertEqual(text(bob, ".gitconfig.local"), text(ann, ".gitconfig.local"))
        XCTAssertEqual(text(bob, ".config/app/settings.local"), "theme=dark\n")
        XCTAssertEqual(bob.mode(".ssh/config"), 0o600)
        XCTAssertEqual(bob.mode(".ssh"), 0o700)
        XCTAssertFalse(bob.exists(".ssh/id_ed25519"), "the private key never travelled")
        // Links: the absolute one into this home, the relative one as it is; both lead nowhere yet, and are named.
        XCTAssertEqual(link(bob, ".gitconfig"), bob.home + "/.dotfiles/git/gitconfig.symlink")
        XCTAssertEqual(link(bob, ".config/nvim"), "../dotfiles/nvim/.config/nvim")
        XCTAssertTrue(arrived.stderr.contains(
            "warning: '.gitconfig' is a link to '\(bob.home)/.dotfiles/git/gitconfig.symlink', which does not exist here"), arrived.stderr)
        XCTAssertTrue(arrived.stderr.contains(
            "warning: '.config/nvim' is a link to '../dotfiles/nvim/.config/nvim', which does not exist here"), arrived.stderr)
        assertGitClean(bob, "init --from")
        assertNanerClean(bob, "init --from")
        // The dotfiles arrive their own way (a clone, an install script): the links lead somewhere now.
        try bob.write(".dotfiles/git/gitconfig.symlink", text(ann, ".dotfiles/git/gitconfig.symlink")!)
        try bob.write("dotfiles/nvim/.config/nvim/init.lua", "vim.o.number = true\n")
        XCTAssertEqual(text(bob, ".config/nvim/init.lua"), "vim.o.number = true\n")
        assertNanerClean(bob, "the link targets arrived")
        assertGitClean(bob, "the link targets arrived")
        XCTAssertEqual(bob.naner("ignore", "check", ".config/nvim/init.lua").stdout,
                       ".config/nvim/init.lua: not managed ('.config/nvim' is a link; it is stored as a link to '../dotfiles/nvim/.config/nvim')\n")
        XCTAssertTrue(bob.naner("backups").stdout.contains("pre-v2.0-update"), "the backups travelled")
        let rollback = bob.naner("restore", "pre-v2.0-update", "--dry-run")
        XCTAssertExit(rollback, 0)
        XCTAssertFalse(rollback.stdout.contains("'.gitconfig'"), "the link laid out into this home is the stored one: \(rollback.stdout)")
        let bobDoctor = bob.naner("doctor")
        XCTAssertExit(bobDoctor, 0)
        XCTAssertTrue(bobDoctor.stdout.contains("everything is healthy"), bobDoctor.stdout)

        // MARK: Both machines in step
        try bob.write(".vimrc", "set number\nset relativenumber\n")
        XCTAssertExit(bob.naner("commit", "-m", "vim: relative numbers"), 0)
        XCTAssertEqual(bob.git("log", "-1", "--format=%an <%ae>").stdout, "Ann Example <ann@example.com>\n",
                       "the identity travelled with ~/.gitconfig.local")
        assertGitClean(bob, "a commit on the second machine")
        XCTAssertExit(bob.naner("sync"), 0)
        // An uncommitted edit the pull would change stops it before anything is written (exit 3:
        // commit first), and the dry run says so first, in the same words.
        try ann.write(".vimrc", "set number\nset cursorline\n")
        let blockedPreview = ann.naner("sync", "--dry-run")
        let blocked = ann.naner("sync")
        XCTAssertExit(blocked, 3)
        XCTAssertOneErrorLine(blocked, contains: "1 file has uncommitted edits that the pull would change: '.vimrc'")
        XCTAssertEqual([blockedPreview.status, blockedPreview.stdout, blockedPreview.stderr] as [AnyHashable],
                       [blocked.status, blocked.stdout, blocked.stderr] as [AnyHashable], "the dry run stops as the pull does")
        XCTAssertEqual(text(ann, ".vimrc"), "set number\nset cursorline\n", "the edit is kept")
        try ann.write(".vimrc", "set number\n")
        let preview = ann.naner("sync", "--dry-run")
        XCTAssertTrue(preview.stdout.contains("0 commits to push, 1 to pull ('origin')"), preview.stdout)
        XCTAssertTrue(preview.stdout.contains("would update here: '.vimrc'"), preview.stdout)
        let pulled = ann.naner("sync")
        XCTAssertExit(pulled, 0)
        XCTAssertTrue(pulled.stdout.contains("updated '.vimrc'") && pulled.stdout.contains("fast-forwarded main to "), pulled.stdout)
        XCTAssertEqual(text(ann, ".vimrc"), "set number\nset relativenumber\n")
        XCTAssertEqual(link(ann, ".gitconfig"), ann.home + "/.dotfiles/git/gitconfig.symlink", "never flipped to the other home")
        XCTAssertEqual(ann.git("cat-file", "-p", "HEAD:.gitconfig").stdout, ann.home + "/.dotfiles/git/gitconfig.symlink")
        assertGitClean(ann, "the pull")
        assertNanerClean(ann, "the pull")
        XCTAssertTrue(ann.naner("status").stdout.contains("Up to date with 'origin/main' as of the last sync."))

        // Both machines changed one line: exit 3, 'conflict: .bashrc', markers in the file; edit, commit, sync.
        try ann.write(".bashrc", "export EDITOR=nvim\nalias k=kubectl\n")
        XCTAssertExit(ann.naner("commit", "-m", "ann: nvim"), 0)
        XCTAssertExit(ann.naner("sync"), 0)
        try bob.write(".bashrc", "export EDITOR=emacs\nalias k=kubectl\n")
        XCTAssertExit(bob.naner("commit", "-m", "bob: emacs"), 0)
        let conflicted = bob.naner("sync")
        XCTAssertExit(conflicted, 3)
        XCTAssertEqual(conflicted.lines, ["conflict: '.bashrc'"])
        XCTAssertTrue(text(bob, ".bashrc")!.hasPrefix("<<<<<<< local\nexport EDITOR=emacs\n"), text(bob, ".bashrc")!)
        XCTAssertTrue(bob.git("status").stdout.contains("merging"), "git sees the merge too")
        try bob.write(".bashrc", "export EDITOR=nvim\nalias k=kubectl\nalias e=emacs\n")
        XCTAssertExit(bob.naner("commit", "-m", "merge"), 0)
        XCTAssertExit(bob.naner("sync"), 0)
        assertGitClean(bob, "the merge")
        XCTAssertExit(ann.naner("sync"), 0)
        XCTAssertEqual(text(ann, ".bashrc"), "export EDITOR=nvim\nalias k=kubectl\nalias e=emacs\n")
        XCTAssertEqual(link(ann, ".gitconfig"), ann.home + "/.dotfiles/git/gitconfig.symlink")
        assertGitClean(ann, "the merge arrived")
        assertNanerClean(ann, "the merge arrived")

        // Stop managing a folder: it stays on disk, leaves the next commit, git agrees.
        let forget = ann.naner("forget", ann.home + "/.config/kitty")
        XCTAssertExit(forget, 0)
        XCTAssertEqual(forget.stdout, "excluded '.config/kitty/' in .syncignore (it is inside the included '.config/')\n")
        XCTAssertEqual(Set(ann.naner("status", "--short").lines), ["M .syncignore", "X .config/kitty/kitty.conf"])
        XCTAssertExit(ann.naner("commit", "-m", "kitty is machine-local"), 0)
        XCTAssertNil(tree(ann)[".config/kitty/kitty.conf"])
        XCTAssertEqual(text(ann, ".config/kitty/kitty.conf"), "font_size 14\n", "the file stays on disk")
        assertGitClean(ann, "forget and commit")
        let annDoctor = ann.naner("doctor")
        XCTAssertExit(annDoctor, 0)
        XCTAssertTrue(annDoctor.stdout.contains("everything is healthy"), annDoctor.stdout + annDoctor.stderr)
        XCTAssertExit(ann.git("fsck", "--strict"), 0)
        XCTAssertExit(bob.git("fsck", "--strict"), 0)
    }
}
