import Foundation
@testable import NanerCore
import XCTest

/// The walk cache's folder records (`WalkCache.FolderTable`): read back as written, and a
/// damaged table read as none (the next status then walks), never as other folders.
final class FolderTableTests: XCTestCase {
    private let folders = [
        WalkCache.Folder(path: "", key: key(1), mode: 0o755),
        WalkCache.Folder(path: ".config", key: key(2), mode: 0o700, isRacy: true),
        WalkCache.Folder(path: ".config/we\nird \\ \"fö\"", key: key(3), mode: 0o1777),
    ]

    private static func key(_ n: Int) -> WalkCache.StatKey {
        WalkCache.StatKey(device: UInt64(n) << 40 | 0xFD01, inode: UInt64.max - UInt64(n),
                          modified: Timestamp(seconds: 1_700_000_000 + n, nanoseconds: 999_999_999 - n),
                          changed: Timestamp(seconds: -n, nanoseconds: n))
    }

    func testFoldersReadBackAsWritten() throws {
        let read = try XCTUnwrap(read(table(folders) + Array("new a\n".utf8)))
        XCTAssertEqual(read.folders.map(\.path), folders.map(\.path))
        XCTAssertEqual(read.folders.map(\.key), folders.map(\.key))
        XCTAssertEqual(read.folders.map(\.mode), [0o755, 0o700, 0o1777])
        XCTAssertEqual(read.folders.map(\.isRacy), [false, true, false])
        XCTAssertEqual(read.rest, Array("new a\n".utf8), "the reader stops after the table's newline")
        XCTAssertEqual(try XCTUnwrap(self.read(table([]))).folders.count, 0)
    }

    func testADamagedTableIsReadAsNone() throws {
        let whole = table(folders)
        let header = whole.firstIndex(of: UInt8(ascii: "\n"))! + 1
        let damaged: [(String, [UInt8])] = [
            ("cut inside the records", Array(whole.prefix(header + 50))),
            ("cut inside the paths", Array(whole.dropLast(3))),
            ("no newline after the paths", Array(whole.dropLast())),
            ("more folders than records", Array("folders 4 ".utf8) + whole.dropFirst("folders 3 ".count)),
            ("a count past the file", Array("folders 99999999999 4\n".utf8) + whole.dropFirst(header)),
            ("a path missing its end", replacing(whole, at: whole.count - 2, with: UInt8(ascii: "x"))),
            ("a path too many", Array("folders 2 ".utf8) + whole.dropFirst("folders 3 ".count)),
            ("an unknown flag", replacing(whole, at: header + 48 + 44, with: 2)),
            ("a mode past the permission bits", replacing(whole, at: header + 40 + 1, with: 0x10)),
            ("no table", Array("new a\n".utf8)),
        ]
        for (what, bytes) in damaged {
            XCTAssertNil(read(bytes), what)
        }
    }

    private func table(_ folders: [WalkCache.Folder]) -> [UInt8] {
        var data: [UInt8] = []
        WalkCache.FolderTable.write(folders, to: &data)
        return data
    }

    private func read(_ bytes: [UInt8]) -> (folders: [WalkCache.Folder], rest: [UInt8])? {
        bytes.withUnsafeBufferPointer { buffer in
            var reader = WalkCache.LineReader(buffer)
            return WalkCache.FolderTable.read(&reader).map { ($0, Array(buffer[reader.position...])) }
        }
    }

    private func replacing(_ bytes: [UInt8], at position: Int, with byte: UInt8) -> [UInt8] {
        var bytes = bytes
        bytes[position] = byte
        return bytes
    }
}
