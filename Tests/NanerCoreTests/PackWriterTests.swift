import Foundation
import GitKit
import XCTest

/// `PackWriter` stores objects as packs it writes itself through libgit2's
/// indexer; the git CLI must read every object back byte for byte, under the id
/// `git hash-object` gives, and find the repository sound.
final class PackWriterTests: XCTestCase {
    func testGitReadsEveryObjectOfThePacks() throws {
        let repository = NSTemporaryDirectory() + "naner-packs-\(UUID().uuidString).git"
        defer { try? FileManager.default.removeItem(atPath: repository) }
        XCTAssertEqual(git(NSTemporaryDirectory(), "init", "-q", "--bare", repository).status, 0)

        var random = GitignoreTests.SeededGenerator(state: 11)
        // Empty, tiny, sizes around the header's 4- and 7-bit steps, every byte value, repeats.
        var contents: [[UInt8]] = [[], [0x0A], Array(repeating: 0x61, count: 15), Array(repeating: 0x62, count: 16),
                                   (0..<2048).map { UInt8($0 % 256) }, Array("same\n".utf8), Array("same\n".utf8)]
        for _ in 0..<200 {
            contents.append((0..<Int.random(in: 0...5000, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) })
        }
        // A small batch size, so the objects go into several packs.
        let writer = PackWriter(gitDirectory: repository, flushBytes: 64 << 10)
        var ids: [ObjectID] = []
        for content in contents {
            let object = try content.withUnsafeBytes { try PackedObject($0, kind: .blob) }
            try writer.add(object)
            ids.append(object.id)
        }
        try writer.finish()

        let packs = try FileManager.default.contentsOfDirectory(atPath: repository + "/objects/pack").filter { $0.hasSuffix(".pack") }
        XCTAssertGreaterThan(packs.count, 1, "several packs were written")
        // One git process per question: each file's id, then each object's bytes in a batch.
        var paths: [String] = []
        for (position, content) in contents.enumerated() {
            paths.append(repository + "/expected-\(position)")
            try Data(content).write(to: URL(fileURLWithPath: paths[position]))
        }
        let hashed = git(repository, ["hash-object", "--stdin-paths"], input: Data((paths.joined(separator: "\n") + "\n").utf8)).lines
        XCTAssertEqual(hashed, ids.map(\.description))
        let batch = git(repository, ["cat-file", "--batch"], input: Data((ids.map(\.description).joined(separator: "\n") + "\n").utf8)).data
        var cursor = batch.startIndex
        for (content, id) in zip(contents, ids) {
            // "<id> blob <size>\n<content>\n"
            guard let newline = batch[cursor...].firstIndex(of: 0x0A) else { return XCTFail("cat-file output ends early") }
            XCTAssertEqual(String(decoding: batch[cursor..<newline], as: UTF8.self), "\(id) blob \(content.count)")
            let start = newline + 1
            XCTAssertEqual(Array(batch[start..<min(batch.endIndex, start + content.count)]), content)
            cursor = start + content.count + 1
        }
        XCTAssertEqual(git(repository, "count-objects", "-v").lines.first { $0.hasPrefix("in-pack: ") }, "in-pack: \(Set(ids).count)",
                       "each object once")
        XCTAssertEqual(git(repository, "fsck", "--strict").status, 0)
        for pack in packs {
            XCTAssertEqual(git(repository, "verify-pack", "objects/pack/" + pack.replacingOccurrences(of: ".pack", with: ".idx")).status, 0)
        }
    }
}
