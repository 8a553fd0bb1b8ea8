import Crypto
import Foundation
import XCTest
import ZIPFoundation
@testable import NanerCore

/// Every C2SP CCTV age vector in Tests/Fixtures/age (see SOURCE.txt there) gives
/// its expected result: on success the payload's SHA-256; on failure a refusal of
/// the expected kind, and the plaintext released before it hashes to `payload`.
final class AgeVectorTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/age")

    struct Vector {
        let name: String
        var expect = ""
        var payload: String?
        var identities: [String] = []
        var passphrases: [String] = []
        var armored = false
        var compressed = false
        var body: [UInt8] = []
    }

    static func load(_ name: String) throws -> Vector {
        let bytes = try [UInt8](Data(contentsOf: folder.appendingPathComponent(name)))
        var vector = Vector(name: name)
        var position = 0
        while true {
            let end = try XCTUnwrap(bytes[position...].firstIndex(of: 0x0A), "\(name): header line")
            let line = String(decoding: bytes[position..<end], as: UTF8.self)
            position = end + 1
            if line.isEmpty { break }
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            switch parts[0] {
            case "expect": vector.expect = parts[1]
            case "payload": vector.payload = parts[1]
            case "identity": vector.identities.append(parts[1])
            case "passphrase": vector.passphrases.append(parts[1])
            case "armored": vector.armored = parts[1] == "yes"
            case "compressed": vector.compressed = parts[1] == "zlib"
            default: break
            }
        }
        vector.body = Array(bytes[position...])
        if vector.compressed { vector.body = try inflate(vector.body) }
        return vector
    }

    /// zlib: a two-byte header, raw deflate, an Adler-32 trailer the inflater stops before.
    static func inflate(_ zlib: [UInt8]) throws -> [UInt8] {
        let deflated = Data(zlib.dropFirst(2))
        var result = Data()
        _ = try Data.decompress(size: Int64(deflated.count), bufferSize: 64 * 1024, skipCRC32: true, provider: { position, size in
            deflated.subdata(in: Int(position)..<min(deflated.count, Int(position) + size))
        }, consumer: { result.append($0) })
        return [UInt8](result)
    }

    static var names: [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: folder.path))?
            .filter { !$0.hasPrefix(".") && !$0.hasSuffix(".txt") && !$0.hasSuffix(".md") }.sorted() ?? []
    }

    /// The vectors' failure kinds, from naner's errors.
    static func kind(_ error: AgeError) -> String {
        switch error {
        case .noMatch: return "no match"
        case .damaged(_, .armor): return "armor failure"
        case .damaged(_, .header), .tooCostly: return "header failure"
        case .damaged(_, .headerMAC): return "HMAC failure"
        case .damaged(_, .payload): return "payload failure"
        default: return "other: \(error)"
        }
    }

    func testEveryVector() throws {
        let names = AgeVectorTests.names
        XCTAssertEqual(names.count, 124, "the vectors copied into Tests/Fixtures/age")
        var outcomes: [String: Int] = [:]
        for name in names {
            let vector = try AgeVectorTests.load(name)
            var identities: [any AgeIdentity] = []
            for text in vector.identities { identities.append(try X25519Identity(parsing: text)) }
            identities += vector.passphrases.map { ScryptIdentity(passphrase: $0) }
            var hash = SHA256()
            var released = 0
            var outcome = "success"
            do {
                try AgeFile.decrypt(from: AgeBytesSource(vector.body), with: identities, file: name,
                                    armor: vector.armored ? .required : .refused) { chunk in
                    hash.update(data: chunk)
                    released += chunk.count
                }
            } catch {
                outcome = AgeVectorTests.kind(error)
                XCTAssertTrue(error.description.contains("'\(name)'") || outcome == "no match", "\(name): \(error)")
            }
            XCTAssertEqual(outcome, vector.expect, name)
            if let payload = vector.payload, outcome == "success" || outcome == "payload failure" {
                let digest = hash.finalize().map { String(format: "%02x", $0) }.joined()
                XCTAssertEqual(digest, payload, "\(name): the plaintext released (\(released) bytes)")
            }
            if outcome != "success" && outcome != "payload failure" { XCTAssertEqual(released, 0, "\(name): nothing released") }
            outcomes[vector.expect, default: 0] += 1
        }
        XCTAssertEqual(outcomes["success"], 21)
        print("age vectors:", outcomes.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
    }

    /// Armored vectors are found by `.detect` too, and binary ones are never taken for armor.
    func testArmorIsDetected() throws {
        for name in ["armor_x25519", "armor_crlf", "armor_whitespace_outside", "x25519", "stanza_valid_characters"] {
            let vector = try AgeVectorTests.load(name)
            let identities = try vector.identities.map { try X25519Identity(parsing: $0) }
            let plain = try AgeFile.decrypt(vector.body, with: identities, file: name)
            XCTAssertEqual(SHA256.hash(data: plain).map { String(format: "%02x", $0) }.joined(), vector.payload, name)
        }
    }

    /// Every header that parses re-encodes to the very bytes its MAC covers (canonical parsing).
    func testHeadersRoundTrip() throws {
        var checked = 0
        for name in AgeVectorTests.names {
            let vector = try AgeVectorTests.load(name)
            guard !vector.armored, vector.expect != "header failure" else { continue }
            var reader = ByteReader(AgeBytesSource(vector.body))
            let header = try AgeHeader.read(from: &reader)
            var encoded = AgeHeader.versionLine + [0x0A]
            for stanza in header.stanzas { encoded += stanza.encoded }
            XCTAssertEqual(encoded + Array("---".utf8), header.macInput, name)
            checked += 1
        }
        XCTAssertGreaterThan(checked, 40)
    }
}
