import Foundation
import XCTest

/// `-q` and `-v` are accepted by every command and mean the same everywhere: with
/// `-q`, a command that changes things prints nothing on success (errors and
/// warnings still go to stderr); a command whose output is its answer still answers.
final class QuietVerboseTests: XCTestCase {
    func testQuietSilencesReportsNotAnswers() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        let folder = sandbox.root + "/cloud.git"
        let config = ["XDG_CONFIG_HOME": sandbox.root + "/xdg", "NANER_SCHEDULER": "systemd"]
        let changing: [[String]] = [
            ["init"], ["add", ".vimrc"], ["commit", "-m", "x"], ["backup", "--name", "b1"],
            ["restore", "b1", "--force"], ["remote", "add", "laptop", "/srv/none.git"],
            ["sync", "push", "--provider", "custom", "--path", folder], ["sync", "--provider", "custom", "--path", folder],
            ["schedule", "daily"], ["schedule", "off"], ["remote", "remove", "laptop"], ["doctor", "--fix"], ["forget", ".vimrc"],
            ["backup", "--delete", "b1"],
        ]
        for arguments in changing {
            let run = sandbox.naner(arguments + ["-q"], environment: config)
            XCTAssertEqual(run.status, 0, "\(arguments): \(run.stderr)")
            XCTAssertEqual(run.stdout, "", "\(arguments) -q printed: \(run.stdout)")
        }
        try sandbox.write(".bashrc", "edited\n")
        let answering: [[String]] = [["status", "--short"], ["log", "-n", "1"], ["backups"], ["diff"], ["ignore", "check", ".bashrc"], ["remote", "list"], ["schedule"]]
        for arguments in answering {
            let quiet = sandbox.naner(arguments + ["-q"], environment: config)
            let loud = sandbox.naner(arguments + ["-v"], environment: config)
            XCTAssertEqual(quiet.status, 0, "\(arguments): \(quiet.stderr)")
            XCTAssertEqual(loud.status, 0, "\(arguments): \(loud.stderr)")
            XCTAssertFalse(quiet.stdout.isEmpty, "\(arguments) -q must still answer")
            XCTAssertEqual(quiet.stdout, loud.stdout, "\(arguments): the answer does not depend on -q/-v")
        }
    }
}
