import Crypto
import Foundation
import XCTest
@testable import NanerCore

/// What a hostile or huge age file can make naner spend: memory that does not
/// grow with the file, no scrypt work beyond the limit, a bounded header.
final class AgeStreamingTests: XCTestCase {
    /// A plaintext made on the fly, never held whole.
    struct Generated: AgeSource {
        let size: Int
        var position = 0

        mutating func read(upTo maximum: Int) throws(AgeError) -> [UInt8] {
            // Each aligned 4 KiB block holds one value: the content depends on the position only.
            let count = min(size - position, maximum, 4096 - position % 4096)
            defer { position += count }
            return [UInt8](repeating: UInt8(truncatingIfNeeded: position / 4096 &* 31), count: count)
        }
    }

    /// The process's peak resident memory (VmHWM), in bytes.
    static func peakMemory() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }

    func testMemoryDoesNotGrowWithTheFile() throws {
        let size = 96 * 1024 * 1024
        let path = NSTemporaryDirectory() + "naner-age-stream-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        FileManager.default.createFile(atPath: path, contents: nil)
        let identity = X25519Identity()
        let before = AgeStreamingTests.peakMemory()

        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        var expected = SHA256()
        let source = Generated(size: size)
        var copy = source
        while true {
            let piece = try copy.read(upTo: 1 << 20)
            if piece.isEmpty { break }
            expected.update(data: piece)
        }
        try AgeFile.encrypt(from: source, to: [identity.recipient]) { output.write(Data($0)) }
        try output.close()

        var hash = SHA256()
        var total = 0, largest = 0
        try AgeFile.decrypt(from: try AgeFileSource(path: path), with: [identity], file: path) {
            hash.update(data: $0)
            total += $0.count
            largest = max(largest, $0.count)
        }
        XCTAssertEqual(total, size)
        XCTAssertEqual(Array(hash.finalize()), Array(expected.finalize()))
        XCTAssertEqual(largest, 64 * 1024, "handed over one chunk at a time")
        let growth = AgeStreamingTests.peakMemory() - before
        print("peak memory grew by \(growth >> 10) KiB")
        XCTAssertLessThan(growth, 24 * 1024 * 1024, "a \(size >> 20) MiB file made the peak grow by \(growth >> 20) MiB")
    }

    func testCostlyScryptIsRefusedBeforeAnyWork() throws {
        let sealed = try AgeFile.encrypt(Array("x".utf8), to: [ScryptRecipient(passphrase: "p", workFactor: 10)])
        var text = String(decoding: sealed, as: UTF8.self)
        for workFactor in [21, 40, 63] {
            text = text.replacingOccurrences(of: #"(-> scrypt \S+) \d+"#, with: "$1 \(workFactor)", options: .regularExpression)
            let started = Date()
            XCTAssertThrowsError(try AgeFile.decrypt(Array(text.utf8), with: [ScryptIdentity(passphrase: "p")], file: "f")) {
                XCTAssertEqual($0 as? AgeError, .tooCostly("f", workFactor: workFactor, limit: 20))
                XCTAssertEqual("\($0)", "age file 'f' asks for scrypt work factor \(workFactor), above the limit of 20")
            }
            XCTAssertLessThan(Date().timeIntervalSince(started), 1)
        }
    }

    func testHeaderSizeIsBounded() throws {
        // A stanza line that never ends, and a header of endless small stanzas.
        let endlessLine = Array("age-encryption.org/v1\n-> X25519 ".utf8) + [UInt8](repeating: 0x41, count: 2 << 20)
        var endlessStanzas = Array("age-encryption.org/v1\n".utf8)
        while endlessStanzas.count < 2 << 20 { endlessStanzas += Array("-> grease\n\n".utf8) }
        for bytes in [endlessLine, endlessStanzas] {
            XCTAssertThrowsError(try AgeFile.decrypt(bytes, with: [X25519Identity()], file: "big")) {
                XCTAssertEqual($0 as? AgeError, .damaged("big", .header("is longer than 1048576 bytes")))
            }
        }
    }

    /// The most work a header can ask for: 1 MiB of X25519 stanzas (about 10,700
    /// key agreements), none for us. Seconds, not minutes, even in a debug build.
    func testTheCostliestHeaderTakesBoundedTime() throws {
        let one = String(decoding: try AgeFile.encrypt([1, 2, 3], to: [X25519Identity().recipient]), as: UTF8.self)
        let lines = one.split(separator: "\n", omittingEmptySubsequences: false)
        let stanza = lines[1] + "\n" + lines[2] + "\n"
        var header = "age-encryption.org/v1\n"
        while header.utf8.count < AgeHeader.maximumSize - 200 { header += stanza }
        header += "--- " + String(repeating: "A", count: 43) + "\n"
        let started = Date()
        XCTAssertThrowsError(try AgeFile.decrypt(Array(header.utf8) + [UInt8](repeating: 0, count: 40), with: [X25519Identity()], file: "f")) {
            XCTAssertEqual($0 as? AgeError, .noMatch("f"))
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 20)
        XCTAssertThrowsError(try AgeFile.encrypt([1], to: [ScryptRecipient(passphrase: "p", workFactor: 21)]), "never writes what it refuses to read")
    }

    func testEveryFlippedBitIsRefusedAndNothingIsReleasedBeforeTheHeaderChecks() throws {
        let identity = X25519Identity()
        let plain = [UInt8](repeating: 7, count: 70_000)
        let sealed = try AgeFile.encrypt(plain, to: [identity.recipient])
        XCTAssertEqual(try AgeFile.decrypt(sealed, with: [identity], file: "f"), plain)
        let headerEnd = sealed.firstRange(of: Array("\n---".utf8))!.upperBound
        for position in stride(from: 0, to: sealed.count, by: 997) + [sealed.count - 1, headerEnd + 5] {
            var damaged = sealed
            damaged[position] ^= 0x04
            var released = 0
            XCTAssertThrowsError(try AgeFile.decrypt(from: AgeBytesSource(damaged), with: [identity], file: "f") { released += $0.count },
                                 "byte \(position)")
            if position < headerEnd + 1 + 43 + 1 + 16 { XCTAssertEqual(released, 0, "byte \(position) is in the header or nonce") }
        }
        XCTAssertThrowsError(try AgeFile.decrypt(Array(sealed.dropLast()), with: [identity], file: "f"))
        XCTAssertThrowsError(try AgeFile.decrypt(sealed + [0], with: [identity], file: "f"))
    }
}
