import Foundation
import XCTest

final class AddForgetTests: XCTestCase {
    func testAddGrowsTheManagedSet() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        try sandbox.write(".tmux.conf", "set -g mouse on\n")
        try sandbox.write(".local/bin/tool", "#!/bin/sh\n", mode: 0o755)
        XCTAssertExit(sandbox.naner("init"), 0)
        XCTAssertFalse(sandbox.trackedFiles().contains(".tmux.conf"))

        let run = sandbox.naner("add", sandbox.home + "/.tmux.conf", ".local/bin")
        XCTAssertExit(run, 0)
        XCTAssertTrue(run.stdout.contains("added '.tmux.conf' to the include list"), run.stdout)
        XCTAssertTrue(run.stdout.contains("added '.local/bin/' to the include list"), run.stdout)
        let include = String(decoding: sandbox.read(".naner/include")!, as: UTF8.self)
        XCTAssertTrue(include.hasSuffix(".tmux.conf\n.local/bin/\n"), include)
        XCTAssertTrue(include.hasPrefix("# naner include list"), "comments are kept: \(include)")
        XCTAssertExit(sandbox.naner("commit", "-m", "tmux and tools"), 0)
        XCTAssertTrue(sandbox.trackedFiles().isSuperset(of: [".tmux.conf", ".local/bin/tool", ".naner/include"]))
        XCTAssertEqual(sandbox.git("status", "--porcelain").stdout, "")

        // Relative to the current folder when inside the home.
        try sandbox.write(".local/share/app/app.toml", "x = 1\n")
        XCTAssertExit(sandbox.naner(["add", "app.toml"], in: sandbox.home + "/.local/share/app"), 0)
        XCTAssertTrue(String(decoding: sandbox.read(".naner/include")!, as: UTF8.self).contains(".local/share/app/app.toml\n"))

        let again = sandbox.naner("add", ".config/nvim/init.vim")
        XCTAssertTrue(again.stdout.contains("already managed (include list: '.config/')"), again.stdout)

        let excluded = sandbox.naner("add", ".bash_history")
        XCTAssertTrue(excluded.stderr.contains("warning: '.bash_history' stays unmanaged: .syncignore excludes it"), excluded.stderr)
    }

    func testForgetStopsTrackingButKeepsFiles() throws {
        let sandbox = try Sandbox()
        try sandbox.makeTypicalHome()
        XCTAssertExit(sandbox.naner("init"), 0)

        let run = sandbox.naner("forget", ".vimrc", ".config/kitty")
        XCTAssertExit(run, 0)
        XCTAssertTrue(run.stdout.contains("removed '.vimrc' from the include list"), run.stdout)
        XCTAssertTrue(run.stdout.contains("excluded '.config/kitty/"), run.stdout)
        XCTAssertTrue(String(decoding: sandbox.read(".syncignore")!, as: UTF8.self).hasSuffix("/.config/kitty/\n"))
        XCTAssertExit(sandbox.naner("commit", "-m", "forget vim and kitty"), 0)
        let tracked = sandbox.trackedFiles()
        XCTAssertFalse(tracked.contains(".vimrc"))
        XCTAssertFalse(tracked.contains(".config/kitty/kitty.conf"))
        XCTAssertTrue(sandbox.exists(".vimrc") && sandbox.exists(".config/kitty/kitty.conf"), "files stay on disk")
        XCTAssertEqual(sandbox.git("status", "--porcelain").stdout, "")

        let unmanaged = sandbox.naner("forget", "Projects/web")
        XCTAssertExit(unmanaged, 1)
        XCTAssertOneErrorLine(unmanaged, contains: "'Projects/web' is not managed by naner")
        let own = sandbox.naner("forget", ".syncignore")
        XCTAssertExit(own, 1)
        XCTAssertOneErrorLine(own, contains: "'.syncignore' is naner's own file")
    }
}
