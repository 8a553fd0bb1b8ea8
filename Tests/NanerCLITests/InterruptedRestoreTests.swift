import Foundation
import XCTest

/// A restore killed at any moment leaves every file wholly old or wholly new,
/// a consistent repository, and a rerun that finishes the job. Half the kills
/// come at a random moment of the whole run, half while it writes files (once a
/// randomly chosen file has its new content), where a torn state could arise.
final class InterruptedRestoreTests: XCTestCase {
    func testRestoreKilledAtRandomMomentsIsNeverHalfDone() throws {
        let sandbox = try Sandbox()
        try sandbox.write(".bashrc", "x\n")
        let count = 300
        func content(_ version: String, _ index: Int) -> Data {
            // Different lengths per version, so a torn write could not pass for either.
            Data(String(repeating: "\(version)\(index) ", count: version == "A" ? 900 : 1300).utf8)
        }
        let paths = (0..<count).map { ".config/kill/d\($0 % 10)/f\($0).conf" }
        for (index, path) in paths.enumerated() { try sandbox.write(path, content("A", index)) }
        XCTAssertExit(sandbox.naner("init"), 0)
        XCTAssertExit(sandbox.naner("backup", "--name", "a"), 0)
        for (index, path) in paths.enumerated() { try sandbox.write(path, content("B", index)) }
        XCTAssertExit(sandbox.naner("backup", "--name", "b"), 0)

        // How long a whole restore takes here, to spread the kills over it: the middle of
        // four, since the first ones still walk the whole new tree (see WalkCache).
        var durations: [TimeInterval] = []
        for name in ["a", "b", "a", "b"] {
            let started = Date()
            XCTAssertExit(sandbox.naner("restore", name, "--force"), 0)
            durations.append(Date().timeIntervalSince(started))
        }
        let duration = durations.sorted()[2]

        var random = SeededGenerator(seed: 50_2026)
        var failures: [String] = []
        var interrupted = 0
        let trials = 50
        for trial in 0..<trials {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Sandbox.nanerBinary)
            process.arguments = ["restore", "a", "--force"]
            process.environment = sandbox.environment
            process.currentDirectoryURL = URL(fileURLWithPath: sandbox.home)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            if trial % 2 == 0 {
                // Any moment of the whole run.
                let delay = Double(random.next(in: 0...1000)) / 1000 * duration * 1.1
                Thread.sleep(forTimeInterval: delay)
            } else {
                // While it writes: once a randomly chosen file has its new content.
                let chosen = random.next(in: 0...(count - 1))
                let deadline = Date().addingTimeInterval(duration * 3 + 1)
                while sandbox.read(paths[chosen]) != content("A", chosen) && Date() < deadline {
                    Thread.sleep(forTimeInterval: 0.0002)
                }
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()

            var versions = Set<String>()
            for (index, path) in paths.enumerated() {
                switch sandbox.read(path) {
                case content("A", index): versions.insert("A")
                case content("B", index): versions.insert("B")
                case nil: failures.append("trial \(trial): '\(path)' is missing")
                default: failures.append("trial \(trial): '\(path)' is neither old nor new")
                }
            }
            if versions.count == 2 { interrupted += 1 }
            if sandbox.git("fsck", "--strict").status != 0 { failures.append("trial \(trial): git fsck failed") }
            let rerun = sandbox.naner("restore", "a", "--force")
            if rerun.status != 0 { failures.append("trial \(trial): rerun failed: \(rerun.stderr)") }
            if paths.enumerated().contains(where: { sandbox.read($0.element) != content("A", $0.offset) }) {
                failures.append("trial \(trial): the rerun did not finish the restore")
            }
            if !sandbox.naner("status", "--short").stdout.isEmpty { failures.append("trial \(trial): not clean after the rerun") }
            XCTAssertExit(sandbox.naner("restore", "b", "--force"), 0)
        }
        print("interrupted restore: \(trials - Set(failures.map { $0.split(separator: ":")[0] }).count) passed, "
              + "\(Set(failures.map { $0.split(separator: ":")[0] }).count) failed (\(interrupted) killed half-way)")
        XCTAssertEqual(failures, [])
        XCTAssertGreaterThanOrEqual(interrupted, 3, "the kills must land in the middle of restores for this test to mean anything")
    }
}
