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

    /// Below a link inside the home only the link can be stored: `add` refuses, names the
    /// link and where it leads, and hints at adding the link itself or the file where it lives.
    func testAddBelowALinkIsRefusedWithTheLink() throws {
        let sandbox = try Sandbox()
        try sandbox.write(".bashrc", "x\n")
        try sandbox.write("dotfiles/vim/vimrc", "set number\n")
        try sandbox.write("dotfiles/nvim/init.lua", "vim.o.number = true\n")
        try FileManager.default.createDirectory(atPath: sandbox.home + "/.config", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: sandbox.home + "/.config/nvim", withDestinationPath: "../dotfiles/nvim")
        try FileManager.default.createSymbolicLink(atPath: sandbox.home + "/.vim", withDestinationPath: "dotfiles/vim")
        XCTAssertExit(sandbox.naner("init"), 0)
        let include = sandbox.read(".naner/include")

        let below = sandbox.naner("add", ".vim/vimrc")
        XCTAssertExit(below, 1)
        XCTAssertOneErrorLine(below, contains: "'.vim/vimrc' is below '.vim', a link to 'dotfiles/vim'; naner stores links, never what is below them")
        XCTAssertTrue(below.stderr.contains("hint: 'naner add .vim' stores the link itself\n"), below.stderr)
        XCTAssertTrue(below.stderr.contains("hint: to manage the file, add it where it lives: 'naner add dotfiles/vim/vimrc'\n"), below.stderr)

        let managedLink = sandbox.naner("add", ".config/nvim/init.lua")
        XCTAssertExit(managedLink, 1)
        XCTAssertOneErrorLine(managedLink, contains: "'.config/nvim' is a link; it is stored as a link to '../dotfiles/nvim'")
        XCTAssertEqual(sandbox.read(".naner/include"), include, "nothing added")

        // The link itself is added as a link.
        XCTAssertExit(sandbox.naner("add", ".vim"), 0)
        XCTAssertExit(sandbox.naner("commit", "-m", "vim"), 0)
        XCTAssertTrue(sandbox.trackedFiles().contains(".vim"))
        XCTAssertEqual(sandbox.git("cat-file", "-p", "HEAD:.vim").stdout, "dotfiles/vim")
        XCTAssertEqual(sandbox.git("status", "--porcelain").stdout, "")
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
