import Foundation
import XCTest

final class IgnoreTests: XCTestCase {
    /// The guide's own examples behave as the guide says, and as git says.
    func testGuideExamples() throws {
        let sandbox = try Sandbox()
        try sandbox.write(".bashrc", "x\n")
        XCTAssertExit(sandbox.naner("init"), 0)
        try sandbox.write(".naner/include", ".bashrc\n.config/\n.cargo/\n.gem/\n.ssh/\nDocuments/PowerShell/\nwork/\n")
        // CRLF line ends and Windows separators, as a .syncignore written on Windows has.
        let rules = [".cargo/registry/*", ".gem/ruby/*/cache/*", ".ssh/id_*", "*.lock", "**/cache/*",
                     "Documents\\PowerShell\\Modules\\MyHugeModule\\*", "work\\scratch\\", "# comment", ""]
        try sandbox.write(".syncignore", rules.joined(separator: "\r\n") + "\r\n")
        let cases: [(String, Bool)] = [
            (".cargo/registry/index/x.crate", false), (".cargo/config.toml", true),
            (".gem/ruby/3.1.0/cache/rake.gem", false), (".gem/ruby/3.1.0/specs/rake.spec", true),
            (".ssh/id_ed25519", false), (".ssh/id_rsa.pub", false), (".ssh/config", true),
            (".config/app/Cargo.lock", false), (".config/x.lock", false), (".config/lock.txt", true),
            (".config/nvim/cache/a", false), (".config/cache", true),
            ("Documents/PowerShell/Modules/MyHugeModule/big.psm1", false),
            ("Documents/PowerShell/Modules/Small/small.psm1", true),
            ("Documents/PowerShell/profile.ps1", true), ("Documents/letter.doc", false),
            ("work/scratch/", false), ("work/notes.md", true), ("Projects/x", false), (".bash_history", false),
        ]
        for (path, _) in cases where path.hasSuffix("/") {
            try FileManager.default.createDirectory(atPath: sandbox.home + "/" + path, withIntermediateDirectories: true)
        }
        let run = sandbox.naner(["ignore", "check", "--json"] + cases.map(\.0))
        XCTAssertExit(run, 0)
        let verdicts = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [[String: Any]]
        let git = gitCheckIgnore(sandbox, cases.map(\.0))
        for ((path, managed), verdict) in zip(cases, verdicts) {
            XCTAssertEqual(verdict["managed"] as? Bool, managed, "\(path): \(verdict)")
            XCTAssertEqual(git[path], !managed, "git check-ignore disagrees on \(path)")
        }
        // The deciding line is named.
        let one = sandbox.naner("ignore", "check", ".ssh/id_ed25519")
        XCTAssertEqual(one.stdout, ".ssh/id_ed25519: not managed (.syncignore:3: .ssh/id_*)\n")
        let show = sandbox.naner("ignore", "show")
        XCTAssertTrue(show.stdout.contains("\nDocuments/PowerShell/Modules/MyHugeModule/*\nwork/scratch/\n"), show.stdout)
        XCTAssertEqual(show.stdout, String(decoding: FileManager.default.contents(atPath: sandbox.repo + "/info/exclude")!, as: UTF8.self))
    }

    /// A path typed on the command line is taken literally: a backslash is part of the name
    /// (only `.syncignore` and the include list read it as a separator).
    func testCommandLinePathsAreLiteral() throws {
        let sandbox = try Sandbox()
        try sandbox.write(".bashrc", "x\n")
        XCTAssertExit(sandbox.naner("init"), 0)
        try sandbox.write(".syncignore", ".config/t/f/oo\n")
        let literal = ".config/t/f\\oo"
        let run = sandbox.naner("ignore", "check", "--json", literal)
        XCTAssertExit(run, 0)
        let verdicts = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [[String: Any]]
        XCTAssertEqual(verdicts.first?["path"] as? String, literal)
        XCTAssertEqual(verdicts.first?["managed"] as? Bool, true, "not the rule for .config/t/f/oo")
        let git = Sandbox.execute(["/usr/bin/git", "--git-dir=" + sandbox.repo, "--work-tree=" + sandbox.home,
                                   "check-ignore", "--no-index", "-q", literal], environment: sandbox.environment, directory: sandbox.home)
        XCTAssertEqual(git.status, 1, "git agrees: not ignored")
        try sandbox.write(literal, "a name with a backslash\n")
        let add = sandbox.naner("add", literal)
        XCTAssertExit(add, 1)
        XCTAssertOneErrorLine(add, contains: "the include list reads a backslash as a folder separator")
    }

    /// Most people's `~/.gitignore` is git's global ignore file (`core.excludesFile`): its
    /// `*.local` must not keep `~/.gitconfig.local` out. A `.gitignore` in the tree is
    /// content; only the include list and `.syncignore` decide what is managed.
    func testGitignoreFilesInTheTreeAreContentNotRules() throws {
        let sandbox = try Sandbox()
        try sandbox.write(".bashrc", "x\n")
        try sandbox.write(".gitignore", "# git's global ignore file\n*.local\n.env\n")
        try sandbox.write(".gitconfig", "[include]\n\tpath = ~/.gitconfig.local\n")
        try sandbox.write(".gitconfig.local", "[user]\n\tname = Ann\n")
        try sandbox.write(".config/app/settings.local", "a=1\n")
        try sandbox.write(".config/app/.gitignore", "generated/\n")
        try sandbox.write(".config/app/generated/theme.conf", "dark\n")
        XCTAssertExit(sandbox.naner("init"), 0)
        XCTAssertEqual(sandbox.git("config", "naner.gitignoreIsContent").stdout, "true\n", "nothing to announce in a new repository")
        let check = sandbox.naner("ignore", "check", ".config/app/settings.local", ".config/app/generated/theme.conf")
        XCTAssertEqual(check.stdout, ".config/app/settings.local: managed (.naner/include:10: .config/)\n"
                       + ".config/app/generated/theme.conf: managed (.naner/include:10: .config/)\n")
        XCTAssertTrue(sandbox.trackedFiles().isSuperset(of: [".config/app/settings.local", ".config/app/generated/theme.conf",
                                                            ".config/app/.gitignore"]))
        let add = sandbox.naner("add", sandbox.home + "/.gitconfig.local")
        XCTAssertExit(add, 0)
        XCTAssertEqual(add.stdout, "added '.gitconfig.local' to the include list\n")
        XCTAssertEqual(sandbox.naner("status", "--short").stdout, "A .gitconfig.local\nM .naner/include\n")
        XCTAssertExit(sandbox.naner("commit", "-m", "identity"), 0)
        XCTAssertTrue(sandbox.trackedFiles().contains(".gitconfig.local"))
        // Tracked files are beyond ignore rules: git agrees once naner committed them.
        XCTAssertEqual(sandbox.git("status", "--porcelain").stdout, "")
        XCTAssertEqual(sandbox.naner("status", "--short").stdout, "")
    }

    /// A repository an earlier naner made read `.gitignore` files as rules: the files they
    /// hid are managed now, and the first status says so once.
    func testAnEarlierRepositorySaysOnceWhatAGitignoreHid() throws {
        let sandbox = try Sandbox()
        try sandbox.write(".bashrc", "x\n")
        try sandbox.write(".gitignore", "*.local\n")
        XCTAssertExit(sandbox.naner("init"), 0)
        // As an earlier naner left it: no mark, and the files a .gitignore hid never committed.
        XCTAssertExit(sandbox.git("config", "--unset", "naner.gitignoreIsContent"), 0)
        try sandbox.write(".config/app/settings.local", "a=1\n")
        try sandbox.write(".config/app/.gitignore", "generated/\n")
        try sandbox.write(".config/app/generated/theme.conf", "dark\n")
        try sandbox.write(".config/app/plain.conf", "b=2\n")
        let first = sandbox.naner("status", "--short")
        XCTAssertExit(first, 0)
        XCTAssertEqual(first.stderr, "warning: 2 files a .gitignore hid are managed now ('.config/app/generated/theme.conf', "
                       + "'.config/app/settings.local'): .gitignore files are content, not rules; exclude what must stay out in .syncignore\n")
        XCTAssertTrue(first.stdout.contains(".config/app/settings.local"), first.stdout)
        let second = sandbox.naner("status", "--short")
        XCTAssertEqual(second.stderr, "", "said once")
        XCTAssertEqual(second.stdout, first.stdout)
        XCTAssertEqual(sandbox.git("config", "naner.gitignoreIsContent").stdout, "true\n")
    }

    /// A path beyond a symbolic link is never stored (git: "beyond a symbolic link"), only
    /// the link is; `ignore check` says so instead of naming the include entry.
    func testPathsBelowALinkAreAnsweredTruthfully() throws {
        let sandbox = try Sandbox()
        try sandbox.write(".bashrc", "x\n")
        try sandbox.write("dotfiles/nvim/.config/nvim/init.lua", "vim.o.number = true\n")
        try sandbox.write("dotfiles/vim/vimrc", "set number\n")
        try FileManager.default.createDirectory(atPath: sandbox.home + "/.config", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: sandbox.home + "/.config/nvim", withDestinationPath: "../dotfiles/nvim/.config/nvim")
        try FileManager.default.createSymbolicLink(atPath: sandbox.home + "/.vim", withDestinationPath: "dotfiles/vim")
        XCTAssertExit(sandbox.naner("init"), 0)
        XCTAssertTrue(sandbox.trackedFiles().contains(".config/nvim"))
        XCTAssertFalse(sandbox.trackedFiles().contains(".config/nvim/init.lua"))

        let check = sandbox.naner("ignore", "check", ".config/nvim/init.lua", ".vim/vimrc", ".config/nvim")
        XCTAssertExit(check, 0)
        XCTAssertEqual(check.lines, [
            ".config/nvim/init.lua: not managed ('.config/nvim' is a link; it is stored as a link to '../dotfiles/nvim/.config/nvim')",
            ".vim/vimrc: not managed ('.vim' is a link to 'dotfiles/vim'; the link is not managed: .naner/include: not in the include list)",
            ".config/nvim: managed (.naner/include:10: .config/)",
        ])
        // git agrees: nothing beyond a link is ever looked at.
        let git = sandbox.git("check-ignore", "--no-index", ".config/nvim/init.lua")
        XCTAssertTrue(git.stderr.contains("beyond a symbolic link"), git.stderr)

        let json = sandbox.naner("ignore", "check", "--json", ".config/nvim/init.lua")
        let verdicts = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [[String: Any]]
        XCTAssertEqual(verdicts.first?["managed"] as? Bool, false)
        let link = try XCTUnwrap(verdicts.first?["link"] as? [String: Any])
        XCTAssertEqual(link["path"] as? String, ".config/nvim")
        XCTAssertEqual(link["target"] as? String, "../dotfiles/nvim/.config/nvim")
        XCTAssertEqual(link["stored"] as? Bool, true)
        XCTAssertEqual((verdicts.first?["rule"] as? [String: Any])?["pattern"] as? String, ".config/")
    }

    /// A `/` inside a class is valid gitignore (git never matches it: a class never matches
    /// a `/`); `naner ignore check` answers as `git check-ignore` does, and nothing stops.
    func testSlashInsideBracketsBehavesAsInGit() throws {
        let sandbox = try Sandbox()
        try sandbox.write(".bashrc", "x\n")
        XCTAssertExit(sandbox.naner("init"), 0)
        try sandbox.write(".naner/include", ".bashrc\n.config/\nfoo/\n")
        try sandbox.write(".syncignore", "foo[/]bar\n.config/e[/]f\n.config/a[/x]b\n.config/c[!/]d\n[/]\n")
        let paths = ["foo/bar", ".config/e/f", ".config/e[/]f", ".config/axb", ".config/a/b", ".config/cxd", ".config/c/d",
                     ".config/a[/x]b"]
        for path in paths { try sandbox.write(path, "x\n") }
        let run = sandbox.naner(["ignore", "check", "--json"] + paths)
        XCTAssertExit(run, 0)
        guard run.status == 0 else { return }
        let verdicts = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [[String: Any]]
        let git = gitCheckIgnore(sandbox, paths)
        for (path, verdict) in zip(paths, verdicts) {
            XCTAssertEqual(!(verdict["managed"] as! Bool), git[path], "\(path): naner \(verdict), git ignored=\(String(describing: git[path]))")
        }
        XCTAssertEqual(verdicts.map { $0["managed"] as! Bool }, [true, true, true, false, true, false, true, true])
        XCTAssertExit(sandbox.naner("commit", "-m", "brackets"), 0)
        XCTAssertEqual(sandbox.git("status", "--porcelain").stdout, "")
        XCTAssertTrue(sandbox.trackedFiles().isSuperset(of: ["foo/bar", ".config/e/f", ".config/e[/]f", ".config/a/b", ".config/c/d"]))
        XCTAssertFalse(sandbox.trackedFiles().contains(".config/axb"))
    }

    /// `git check-ignore --no-index` on naner's repository: path → ignored.
    func gitCheckIgnore(_ sandbox: Sandbox, _ paths: [String]) -> [String: Bool] {
        let run = Sandbox.execute(
            ["/usr/bin/git", "--git-dir=" + sandbox.repo, "--work-tree=" + sandbox.home, "check-ignore", "--no-index", "-v", "-n", "--stdin"],
            environment: sandbox.environment, directory: sandbox.home, input: Data(paths.map { $0 + "\n" }.joined().utf8))
        var result: [String: Bool] = [:]
        for line in run.lines {
            guard let tab = line.lastIndex(of: "\t") else { continue }
            let source = line[..<tab]
            let path = String(line[line.index(after: tab)...])
            // `::` is no match; a matching `!` pattern means re-included.
            let pattern = source.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).last ?? ""
            result[path] = source != "::" && !pattern.hasPrefix("!")
        }
        return result
    }

    /// Seeded property test: generated `.syncignore` files and paths, naner's answer
    /// against git's on the rules naner generated: 250 rule sets × up to 48 paths, at least 10,000 cases.
    func testAgreesWithGitCheckIgnoreOnGeneratedRules() throws {
        let sandbox = try Sandbox()
        try sandbox.write(".bashrc", "x\n")
        XCTAssertExit(sandbox.naner("init"), 0)
        try sandbox.write(".naner/include", ".bashrc\n.config/\n.ssh/\nDocuments/PowerShell/\n.local/bin/\nnotes.txt\n")
        var random = SeededGenerator(seed: 20261125)
        let names = ["a", "b", "x.log", "y.lock", "cache", "logs", ".env", "id_rsa", "id_rsa.pub", "nvim", "keep.log", "dir", "Code", "settings.json"]
        let globs = ["*.log", "*.lock", "id_*", "*", "?", "[ab]", "[!a]*", "x.*", "**"]
        let prefixes = ["", ".config/", ".config/nvim/", ".ssh/", "Documents/PowerShell/", ".local/bin/", ".config/Code/User/", "Projects/"]
        var disagreements: [String] = []
        var cases = 0
        for trial in 0..<250 {
            var lines: [String] = []
            for _ in 0..<random.next(in: 1...8) {
                var pattern: String
                switch random.next(in: 0...5) {
                case 0: pattern = names.randomElement(using: &random)!
                case 1: pattern = globs.randomElement(using: &random)!
                case 2: pattern = prefixes.randomElement(using: &random)! + names.randomElement(using: &random)!
                case 3: pattern = "**/" + names.randomElement(using: &random)!
                case 4: pattern = prefixes.randomElement(using: &random)! + globs.randomElement(using: &random)!
                default: pattern = "/" + prefixes.randomElement(using: &random)! + names.randomElement(using: &random)! + "/"
                }
                if pattern.hasPrefix("//") { pattern.removeFirst() }
                if random.next(in: 0...4) == 0 { pattern = "!" + pattern }
                if random.next(in: 0...5) == 0 && !pattern.hasSuffix("/") { pattern += "/" }
                lines.append(pattern)
            }
            try sandbox.write(".syncignore", lines.joined(separator: "\n") + "\n")
            var paths: [String] = []
            for _ in 0..<48 {
                var path = prefixes.randomElement(using: &random)! + names.randomElement(using: &random)!
                if random.next(in: 0...2) == 0 { path += "/" + names.randomElement(using: &random)! }
                paths.append(path)
            }
            paths = Array(Set(paths)).sorted()
            // Make some of them folders, the rest files, so directory-only patterns are exercised.
            for (index, path) in paths.enumerated() {
                let absolute = sandbox.home + "/" + path
                if FileManager.default.fileExists(atPath: absolute) { continue }
                if index % 3 == 0 {
                    try? FileManager.default.createDirectory(atPath: absolute, withIntermediateDirectories: true)
                } else {
                    try? FileManager.default.createDirectory(atPath: (absolute as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                    _ = FileManager.default.createFile(atPath: absolute, contents: Data())
                }
            }
            let run = sandbox.naner(["ignore", "check", "--json"] + paths)
            XCTAssertExit(run, 0)
            guard run.status == 0 else { return }
            let verdicts = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [[String: Any]]
            let git = gitCheckIgnore(sandbox, paths)
            for (path, verdict) in zip(paths, verdicts) {
                cases += 1
                let nanerIgnored = !(verdict["managed"] as! Bool)
                if git[path] != nanerIgnored {
                    disagreements.append("trial \(trial): \(path): naner ignored=\(nanerIgnored), git=\(String(describing: git[path])); rules: \(lines)")
                }
            }
        }
        XCTAssertGreaterThanOrEqual(cases, 10_000)
        XCTAssertEqual(disagreements, [], "\(disagreements.count) of \(cases) cases disagree")
        print("ignore oracle: \(cases - disagreements.count) passed, \(disagreements.count) failed")
    }
}
