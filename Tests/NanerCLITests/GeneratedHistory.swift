import Foundation
import XCTest

/// A history made by naner itself (Tests/tools/make-history, dated with faketime), once per
/// test run: two years every 16 days, then twelve days in a row, every tenth backup a named
/// one. Each test works on a copy (`sandbox()`); the original goes when the process ends.
enum GeneratedHistory {
    /// The folder holding `home/` and `repo.git/`, or why it could not be made.
    static let made: Result<String, HistoryFailure> = make()

    struct HistoryFailure: Error { let reason: String }

    static var tools: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("tools").path
    }

    private static func make() -> Result<String, HistoryFailure> {
        var template = Array("/tmp/naner-history.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { return .failure(HistoryFailure(reason: "mkdtemp failed")) }
        let root = String(cString: made)
        setenv("NANER_TEST_HISTORY", root, 1)
        atexit {
            if let root = getenv("NANER_TEST_HISTORY") { try? FileManager.default.removeItem(atPath: String(cString: root)) }
        }
        let out = root + "/history"
        let environment = ["PATH": "/usr/bin:/bin", "TZ": "UTC", "LANG": "C.UTF-8"]
        for arguments in [["--from", "2023-01-01", "--to", "2025-03-31", "--every", "16", "--named-every", "10"],
                          ["--from", "2025-04-01", "--to", "2025-04-12", "--every", "1", "--append"]] {
            let run = Sandbox.execute([tools + "/make-history", Sandbox.nanerBinary, out, "--edits", "1"] + arguments,
                                      environment: environment, directory: "/")
            guard run.status == 0 else { return .failure(HistoryFailure(reason: "make-history failed: \(run.stderr)")) }
        }
        return .success(out)
    }

    /// A sandbox holding a copy of the history, its repository pointed at the copy's home.
    static func sandbox(file: StaticString = #filePath, line: UInt = #line) throws -> Sandbox {
        let history: String
        switch made {
        case .success(let path): history = path
        case .failure(let failure):
            XCTFail(failure.reason, file: file, line: line)
            throw failure
        }
        let sandbox = try Sandbox()
        try FileManager.default.removeItem(atPath: sandbox.home)
        XCTAssertExit(Sandbox.execute(["/bin/cp", "-a", history + "/home", sandbox.home], environment: [:], directory: "/"), 0)
        XCTAssertExit(Sandbox.execute(["/bin/cp", "-a", history + "/repo.git", sandbox.repo], environment: [:], directory: "/"), 0)
        XCTAssertExit(sandbox.git("config", "core.worktree", sandbox.home), 0)
        return sandbox
    }
}
