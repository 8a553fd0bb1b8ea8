import Foundation
import GitKit
import XCTest

/// Objects written, hashed and read back in pieces must be the objects git knows:
/// the ids `ObjectID.hash` and `git hash-object` give, the bytes `git cat-file`
/// prints; a stream dropped before it is finished leaves nothing behind.
final class ObjectStreamTests: XCTestCase {
    private func makeRepository() throws -> (String, Repository) {
        let path = NSTemporaryDirectory() + "naner-streams-\(UUID().uuidString).git"
        XCTAssertEqual(git(NSTemporaryDirectory(), "init", "-q", "--bare", path).status, 0)
        return (path, try Repository.open(gitDir: path, workTree: nil))
    }

    /// Every file under `objects/` but the empty folders git made.
    private func objectFiles(_ repository: String) -> [String] {
        let root = repository + "/objects"
        let walker = FileManager.default.enumerator(atPath: root)
        var files: [String] = []
        while let path = walker?.nextObject() as? String {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isFolder), !isFolder.boolValue { files.append(path) }
        }
        return files.sorted()
    }

    func testStreamedObjectsAreTheObjectsGitKnows() throws {
        let (path, repository) = try makeRepository()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let database = try repository.objectDatabase()
        var random = GitignoreTests.SeededGenerator(state: 21)
        for size in [0, 1, 4_096, (1 << 20) + 3, 5 << 20] {
            let content = (0..<size).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let expected = try ObjectID.hash(content, kind: .blob)
            let stream = try database.writeStream(size: size, kind: .blob)
            var hasher = ObjectHasher(size: size, kind: .blob)
            try content.withUnsafeBytes { whole in
                var offset = 0
                while offset < size {
                    let end = min(size, offset + 1 + random.below(300_000))
                    let piece = UnsafeRawBufferPointer(rebasing: whole[offset..<end])
                    try stream.write(piece)
                    try hasher.update(piece)
                    offset = end
                }
            }
            XCTAssertEqual(try hasher.finish(), expected, "hashed, \(size) bytes")
            XCTAssertEqual(try stream.finish(), expected, "written, \(size) bytes")
            XCTAssertEqual(git(path, "cat-file", "-s", expected.hex).stdout, "\(size)\n")
            XCTAssertEqual(Array(git(path, "cat-file", "blob", expected.hex).data), content)

            // Read back a piece at a time from the loose object, never more than 1 MiB at once.
            var read: [UInt8] = []
            try repository.streamBlob(expected) { piece in
                XCTAssertLessThanOrEqual(piece.count, 1 << 20)
                read += piece
            }
            XCTAssertEqual(read, content, "streamed back, \(size) bytes")
        }
        XCTAssertEqual(git(path, "fsck", "--strict").status, 0)
    }

    func testADroppedStreamLeavesNoObjectAndNoFile() throws {
        let (path, repository) = try makeRepository()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let database = try repository.objectDatabase()
        let before = objectFiles(path)
        let content = [UInt8](repeating: 0x41, count: 3 << 20)
        do {
            let stream = try database.writeStream(size: content.count, kind: .blob)
            try content.withUnsafeBytes { try stream.write(UnsafeRawBufferPointer(rebasing: $0[..<(2 << 20)])) }
            XCTAssertNotEqual(objectFiles(path), before, "libgit2 writes a temporary file as it goes")
            // Finished early: refused, and the stream is still dropped afterwards.
            XCTAssertThrowsError(try stream.finish())
        }
        XCTAssertEqual(objectFiles(path), before, "nothing is left under objects/")
        XCTAssertFalse(database.contains(try ObjectID.hash(content, kind: .blob)))

        let stream = try database.writeStream(size: 4, kind: .blob)
        XCTAssertThrowsError(try Array("12345".utf8).withUnsafeBytes { try stream.write($0) }, "more than declared")
        var hasher = ObjectHasher(size: 4, kind: .blob)
        XCTAssertThrowsError(try Array("12345".utf8).withUnsafeBytes { try hasher.update($0) }, "more than declared")
        XCTAssertThrowsError(try hasher.finish(), "fewer than declared")
    }

    /// A packed blob has no loose file: `streamBlob` reads it through libgit2 instead.
    func testAPackedBlobStreamsToo() throws {
        let (path, repository) = try makeRepository()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let content = Array("packed, not loose\n".utf8)
        let writer = PackWriter(gitDirectory: path)
        let object = try PackedObject(content, kind: .blob)
        try writer.add(object)
        try writer.finish()
        var read: [UInt8] = []
        try repository.streamBlob(object.id) { read += $0 }
        XCTAssertEqual(read, content)
    }
}
