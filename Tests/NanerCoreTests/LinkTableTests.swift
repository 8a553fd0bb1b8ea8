import XCTest
@testable import NanerCore

final class LinkTableTests: XCTestCase {
    private let table = LinkTable(text: "# comment\n.gitconfig\t/home/ann\n.vimrc\t/home/ann\nbad\trelative\nroot\t/\n")

    func testReadsOnlyUsableHomes() {
        XCTAssertEqual(table.homes, [".gitconfig": "/home/ann", ".vimrc": "/home/ann"])
        XCTAssertEqual(LinkTable(text: table.text), table)
        XCTAssertTrue(LinkTable(text: "x\t/home/ann/../bob\ny\t/home/ann/\n").isEmpty)
    }

    func testLinksMoveBetweenHomesAndBack() {
        let stored = Array("/home/ann/.dotfiles/gitconfig".utf8)
        let local = table.local(".gitconfig", stored: stored, home: "/home/bob")
        XCTAssertEqual(String(decoding: local, as: UTF8.self), "/home/bob/.dotfiles/gitconfig")
        XCTAssertEqual(table.stored(".gitconfig", local: local, home: "/home/bob"), stored)
        XCTAssertEqual(table.local(".gitconfig", stored: stored, home: "/home/ann"), stored, "the recording home: as stored")
        // Only the home itself or what is below it moves; not a sibling sharing its prefix, nor an unrecorded link.
        XCTAssertEqual(table.local(".gitconfig", stored: Array("/home/anna/x".utf8), home: "/home/bob"), Array("/home/anna/x".utf8))
        XCTAssertEqual(table.local(".bashrc", stored: stored, home: "/home/bob"), stored)
        XCTAssertEqual(table.local(".vimrc", stored: Array("/home/ann".utf8), home: "/home/bob"), Array("/home/bob".utf8))
    }

    func testACommitKeepsRecordedHomesAndRecordsNewLinks() {
        let updated = table.updated(links: [
            ".gitconfig": Array("/home/ann/.dotfiles/gitconfig".utf8),  // still in its recorded home
            ".vimrc": Array("../elsewhere".utf8),                      // no longer an absolute link into a home
            ".bash_aliases": Array("/home/bob/.aliases".utf8),          // new, made here
            ".profile": Array("/etc/profile".utf8),                      // outside any home
        ], home: "/home/bob")
        XCTAssertEqual(updated.homes, [".gitconfig": "/home/ann", ".bash_aliases": "/home/bob"])
    }

    func testMergesPathByPath() {
        let base = LinkTable(text: ".a\t/home/ann\n")
        let ours = LinkTable(text: ".a\t/home/ann\n.b\t/home/bob\n")
        let theirs = LinkTable(text: ".c\t/home/ann\n")
        XCTAssertEqual(LinkTable.merge(base: base, ours: ours, theirs: theirs).homes, [".b": "/home/bob", ".c": "/home/ann"])
    }
}
