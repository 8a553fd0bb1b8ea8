import Foundation
import XCTest

/// A temporary home and repository for one test, removed afterwards. Runs the
/// real `naner` binary and the real git CLI (the oracle) against them.
final class Sandbox {
    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String

        var lines: [String] { stdout.split(separator: "\n").map(String.init) }
    }

    let root: String
    let home: String
    let repo: String

    init(file: StaticString = #filePath, line: UInt = #line) throws {
        var template = Array("/tmp/naner-test.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        root = String(cString: made)
        home = root + "/home"
        repo = root + "/repo.git"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    }

    deinit {
        // Make everything removable again (tests chmod things away).
        _ = Sandbox.execute(["/bin/chmod", "-R", "u+rwx", root], environment: [:], directory: "/")
        try? FileManager.default.removeItem(atPath: root)
    }

    static var nanerBinary: String {
        if let path = ProcessInfo.processInfo.environment["NANER_BIN"], !path.isEmpty { return path }
        return Bundle.main.bundleURL.appendingPathComponent("naner").path
    }

    /// The environment every naner run gets: the sandbox's home and repository,
    /// no colour, a short lock wait, and nothing from the real user's git config.
    var environment: [String: String] {
        [
            "HOME": home, "NANER_HOME": home, "NANER_REPO": repo, "PATH": "/usr/bin:/bin:/usr/sbin:/sbin",
            "USER": "tester", "GIT_CONFIG_NOSYSTEM": "1", "NANER_LOCK_TIMEOUT": "1", "LANG": "C.UTF-8",
        ]
    }

    @discardableResult
    func naner(_ arguments: String..., environment extra: [String: String] = [:], in directory: String? = nil) -> Run {
        naner(arguments, environment: extra, in: directory)
    }

    @discardableResult
    func naner(_ arguments: [String], environment extra: [String: String] = [:], in directory: String? = nil) -> Run {
        Sandbox.execute([Sandbox.nanerBinary] + arguments, environment: environment.merging(extra) { $1 },
                        directory: directory ?? home)
    }

    /// The git CLI on naner's repository and tree.
    @discardableResult
    func git(_ arguments: String...) -> Run {
        git(arguments)
    }

    @discardableResult
    func git(_ arguments: [String]) -> Run {
        Sandbox.execute(["/usr/bin/git", "--git-dir=" + repo, "--work-tree=" + home] + arguments,
                        environment: environment, directory: home)
    }

    static func execute(_ arguments: [String], environment: [String: String], directory: String, input: Data? = nil) -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        // Files, not pipes: a chatty process can never block on a full pipe.
        let outPath = NSTemporaryDirectory() + "naner-out-\(UUID().uuidString)"
        let errPath = outPath + ".err"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: outPath); try? FileManager.default.removeItem(atPath: errPath) }
        process.standardOutput = FileHandle(forWritingAtPath: outPath)
        process.standardError = FileHandle(forWritingAtPath: errPath)
        if let input {
            let pipe = Pipe()
            process.standardInput = pipe
            try? process.run()
            pipe.fileHandleForWriting.write(input)
            try? pipe.fileHandleForWriting.close()
        } else {
            process.standardInput = FileHandle.nullDevice
            do { try process.run() } catch { return Run(status: -1, stdout: "", stderr: "\(error)") }
        }
        process.waitUntilExit()
        let out = FileManager.default.contents(atPath: outPath) ?? Data()
        let err = FileManager.default.contents(atPath: errPath) ?? Data()
        return Run(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                   stderr: String(decoding: err, as: UTF8.self))
    }

    // MARK: - The tree

    func write(_ path: String, _ content: String, mode: Int = 0o644) throws {
        try write(path, Data(content.utf8), mode: mode)
    }

    func write(_ path: String, _ data: Data, mode: Int = 0o644) throws {
        let url = URL(fileURLWithPath: home + "/" + path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
    }

    func read(_ path: String) -> Data? {
        FileManager.default.contents(atPath: home + "/" + path)
    }

    func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: home + "/" + path)
    }

    func mode(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: home + "/" + path))?[.posixPermissions] as? Int) ?? -1
    }

    /// A small home like a real one: configs to manage, secrets and caches to leave alone.
    func makeTypicalHome() throws {
        try write(".bashrc", "export EDITOR=vim\nalias ll='ls -l'\n")
        try write(".gitconfig", "[user]\n\tname = Home Owner\n\temail = owner@example.com\n")
        try write(".vimrc", "set number\n")
        try write(".config/nvim/init.vim", "set relativenumber\n")
        try write(".config/kitty/kitty.conf", "font_size 12\n")
        try write(".config/app.log", "noise\n")
        try write(".ssh/config", "Host *\n  ServerAliveInterval 60\n", mode: 0o600)
        try write(".ssh/id_ed25519", "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n", mode: 0o600)
        try write(".ssh/id_ed25519.pub", "ssh-ed25519 AAAA test@example\n")
        try write(".bash_history", "ls\n", mode: 0o600)
        try write(".cache/thumbnails/a.png", "png")
        try write("Projects/web/index.html", "<html>")
        try write(".cargo/registry/src/index/crate.rs", "fn main() {}")
        chmod(home + "/.ssh", 0o700)
    }

    /// Another process holding the repository's lock the way naner does (flock),
    /// with its pid in the lock file. The caller terminates it.
    func holdLock() throws -> Process {
        let lock = repo + "/naner.lock"
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        holder.arguments = ["-c", "import fcntl, os, time\nf = open('\(lock)', 'w')\nfcntl.flock(f, fcntl.LOCK_EX)\nf.write(str(os.getpid())); f.flush()\ntime.sleep(30)"]
        try holder.run()
        return holder
    }

    func trackedFiles() -> Set<String> {
        Set(git("ls-files").lines)
    }

    func commitCount() -> Int {
        Int(git("rev-list", "--count", "HEAD").stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }
}

/// Asserts a naner run ended as expected, showing its output when it did not.
func XCTAssertExit(_ run: Sandbox.Run, _ status: Int32, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(run.status, status, "stdout:\n\(run.stdout)\nstderr:\n\(run.stderr)", file: file, line: line)
}

/// Bad input must produce exactly one `error:` line (hints may follow).
func XCTAssertOneErrorLine(_ run: Sandbox.Run, contains fragment: String, file: StaticString = #filePath, line: UInt = #line) {
    let errors = run.stderr.split(separator: "\n").filter { $0.hasPrefix("error:") }
    XCTAssertEqual(errors.count, 1, "stderr:\n\(run.stderr)", file: file, line: line)
    XCTAssertTrue(errors.first?.contains(fragment) ?? false, "expected '\(fragment)' in:\n\(run.stderr)", file: file, line: line)
    let other = run.stderr.split(separator: "\n").filter { !$0.hasPrefix("error:") && !$0.hasPrefix("hint:") }
    XCTAssertTrue(other.isEmpty, "unexpected stderr lines:\n\(run.stderr)", file: file, line: line)
}

/// Reads every object reachable in a repository (the git CLI as the oracle) and fails
/// when any holds a private key or token, or any tree names a path that must never
/// leave the machine.
func XCTAssertNoSecrets(gitDir: String, forbiddenPaths: [String] = [".ssh/id_ed25519", ".bash_history", ".cache/", "Projects/"],
                        file: StaticString = #filePath, line: UInt = #line) {
    let environment = ["PATH": "/usr/bin:/bin", "GIT_CONFIG_NOSYSTEM": "1", "HOME": "/nonexistent"]
    let listing = Sandbox.execute(["/usr/bin/git", "--git-dir=" + gitDir, "rev-list", "--objects", "--all", "--reflog"],
                                  environment: environment, directory: "/")
    XCTAssertExit(listing, 0, file: file, line: line)
    let ids = listing.lines.map { String($0.prefix(40)) }
    XCTAssertFalse(ids.isEmpty, "no objects in '\(gitDir)'", file: file, line: line)
    for path in listing.lines.compactMap({ $0.count > 41 ? String($0.dropFirst(41)) : nil }) {
        // A folder (trailing slash) forbids everything in it; a file only itself (its .pub may travel).
        for forbidden in forbiddenPaths where path == forbidden || path + "/" == forbidden
            || (forbidden.hasSuffix("/") && path.hasPrefix(forbidden)) {
            XCTFail("'\(path)' reached '\(gitDir)'", file: file, line: line)
        }
    }
    let contents = Sandbox.execute(["/usr/bin/git", "--git-dir=" + gitDir, "cat-file", "--batch"], environment: environment,
                                   directory: "/", input: Data((ids.joined(separator: "\n") + "\n").utf8))
    XCTAssertExit(contents, 0, file: file, line: line)
    for secret in ["PRIVATE KEY-----", "ghp_", "github_pat_", "AKIA", "hunter2"] where contents.stdout.contains(secret) {
        XCTFail("an object in '\(gitDir)' holds '\(secret)'", file: file, line: line)
    }
}
