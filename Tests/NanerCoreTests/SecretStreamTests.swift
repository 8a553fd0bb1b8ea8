import XCTest
@testable import NanerCore

/// `SecretStream` must give the verdict `SecretGuard.findSecret` gives the whole
/// content, however the content is cut, and pass on only bytes that start no secret.
final class SecretStreamTests: XCTestCase {
    typealias Random = GitignoreTests.SeededGenerator

    /// Secrets and near misses (too short, too long, no boundary, a password-less URL).
    static func fragment(_ random: inout Random) -> [UInt8] {
        let upper = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
        let alnum = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
        func run(_ alphabet: [UInt8], _ count: Int) -> String {
            String(decoding: (0..<count).map { _ in random.pick(alphabet) }, as: UTF8.self)
        }
        let text: String
        switch random.below(20) {
        case 0: text = "-----BEGIN " + random.pick(["", "RSA ", "EC ", "OPENSSH ", "ENCRYPTED "]) + "PRIVATE KEY-----\n"
        case 1: text = "-----BEGIN PGP PRIVATE KEY BLOCK-----\n"
        case 2: text = "-----BEGIN " + random.pick(["PUBLIC KEY", "CERTIFICATE", run(alnum, 36) + " PRIVATE KEY", run(alnum, 28) + " PRIVATE KEY"]) + "-----"
        case 3: text = random.pick(["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]) + run(alnum, 18 + random.below(6))
        case 4: text = "github_pat_" + run(alnum + [UInt8(ascii: "_")], 18 + random.below(6))
        case 5: text = random.pick(["AKIA", "ASIA", "AKIB", "ASI"]) + run(upper, 14 + random.below(5))
        case 6: text = random.pick(["x", "_", " ", "\n"]) + "AKIA" + run(upper, 16)
        case 7, 8:
            // Long user names put the '@' near the detector's 512-byte reach, on either side.
            let user = run(alnum, random.chance(50) ? 1 + random.below(8) : 480 + random.below(40))
            text = random.pick(["https", "ftp", "s3", ""]) + "://" + user + random.pick([":", ":p", ":secret", "::x", ""])
                + random.pick(["@host", "@", "/x@y", " @z"])
        case 9: text = "https://" + run(alnum, 505 + random.below(12)) + ":pw@host"
        case 10: text = "g" + random.pick(["hp", "ithub_pat", "hp_"])
        case 11: text = "-----BEGIN" + random.pick(["", " ", " PRIV"])
        case 12: text = random.pick(["A", "AK", "AKI", ":", ":/", "://", "-", "-----"])
        // Rules that read behind their start: an assignment's key, .netrc's login, a .pgpass line.
        case 14: text = random.pick(["\n", " ", "x", "\""]) + random.pick(["password", "API_KEY", "client_secret", "token", "key"])
            + random.pick(["=", ": ", "\": \"", " := ", "=="]) + run(alnum, 6 + random.below(8)) + random.pick(["!", "\"", "", "("])
        case 15: text = random.pick(["machine h login ann ", "login ann\n  ", "", String(repeating: " ", count: 120) + "login a "])
            + "password " + random.pick(["s3cr3t!", "${PW}", "", "x"])
        case 16: text = random.pick(["\n", "", "x"]) + random.pick(["db", String(repeating: "h", count: 126)]) + ":" + random.pick(["5432", "*", "x"])
            + ":app:ann:" + random.pick(["s3cr3t", "${PW}", ""]) + random.pick(["\n", "", ":x"])
        case 17: text = "eyJ" + run(alnum, 10 + random.below(30)) + "." + random.pick(["eyJ", "abc"]) + run(alnum, 14 + random.below(6))
        case 18: text = random.pick(["123456789", "1234567", "x12345678"]) + ":AA" + run(alnum, 31 + random.below(4))
        default: text = run(upper, 20 + random.below(10))
        }
        return Array(text.utf8)
    }

    /// Ordinary text with the characters detectors start on, and a few fragments
    /// placed on and around the cuts a stream of `pieceSize` pieces will make.
    static func buffer(_ random: inout Random, pieceSize: Int) -> [UInt8] {
        let filler = Array("abcdefghijklmnopqrstuvwxyzAKIS0123456789 \n-_:/@=.\"'g".utf8)
        var bytes = (0..<(2_000 + random.below(6_000))).map { _ in random.pick(filler) }
        for _ in 0..<random.below(4) {
            let piece = fragment(&random)
            var at: Int
            if random.chance(70) {
                // Straddling a cut: the cut falls anywhere inside the fragment, or just before or after it.
                let cut = pieceSize * (1 + random.below(max(1, bytes.count / pieceSize)))
                at = cut - random.below(piece.count + 3) + 1
            } else {
                at = random.below(bytes.count)
            }
            at = min(max(at, 0), bytes.count)
            bytes.replaceSubrange(at..<min(bytes.count, at + piece.count), with: piece)
        }
        return bytes
    }

    /// The verdict, and the bytes passed on, streaming `bytes` in pieces of the given sizes.
    static func stream(_ bytes: [UInt8], pieces sizes: () -> Int) -> (String?, [UInt8]) {
        let (finding, passed) = streamFinding(bytes, pieces: sizes)
        return (finding.map(\.description), passed)
    }

    static func streamFinding(_ bytes: [UInt8], pieces sizes: () -> Int) -> (SecretFinding?, [UInt8]) {
        var stream = SecretStream()
        var passed: [UInt8] = []
        var offset = 0
        var verdict: SecretFinding?
        bytes.withUnsafeBytes { whole in
            while offset < whole.count, verdict == nil {
                let end = min(whole.count, offset + max(1, sizes()))
                verdict = stream.feed(UnsafeRawBufferPointer(rebasing: whole[offset..<end])) { passed += $0 }
                offset = end
            }
            if verdict == nil { verdict = stream.finish { passed += $0 } }
        }
        return (verdict, passed)
    }

    /// Where the first secret starts, by trying each start position alone on the whole buffer.
    static func firstSecretStart(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBytes { whole in
            (0..<whole.count).first { SecretGuard.findSecret(in: whole, startingFrom: $0, before: $0 + 1) != nil }
        }
    }

    func testStreamedVerdictIsTheWholeBuffersOnRandomBuffers() {
        var random = Random(state: 5)
        var secrets = 0, clean = 0
        for round in 0..<1_500 {
            let pieceSize = random.pick([1, 2, 7, 64, 159, 160, 161, 333, 519, 520, 521, 600, 679, 680, 681, 1_024, 1_500, 4_096])
            let bytes = SecretStreamTests.buffer(&random, pieceSize: pieceSize)
            let expected = SecretGuard.findSecret(in: bytes)
            let (fixed, passedFixed) = SecretStreamTests.streamFinding(bytes) { pieceSize }
            XCTAssertEqual(fixed, expected, "round \(round), pieces of \(pieceSize)")
            var sizes = Random(state: UInt64(round))
            let (varied, passedVaried) = SecretStreamTests.streamFinding(bytes) { 1 + sizes.below(2 * pieceSize) }
            XCTAssertEqual(varied, expected, "round \(round), pieces of 1...\(2 * pieceSize)")
            if expected == nil {
                clean += 1
                XCTAssertEqual(passedFixed, bytes, "round \(round): clean content is passed on whole, in order")
                XCTAssertEqual(passedVaried, bytes, "round \(round): clean content is passed on whole, in order")
            } else {
                secrets += 1
                let start = SecretStreamTests.firstSecretStart(bytes)!
                for passed in [passedFixed, passedVaried] {
                    XCTAssertLessThanOrEqual(passed.count, start, "round \(round): nothing from the secret on is passed on")
                    XCTAssertEqual(passed, Array(bytes.prefix(passed.count)), "round \(round)")
                }
            }
        }
        // Both verdicts were exercised many times.
        XCTAssertGreaterThan(secrets, 300)
        XCTAssertGreaterThan(clean, 300)
    }

    /// Each detector at the edge of its reach, alone and cut at every place near that edge.
    func testDetectorsAtTheEdgeOfTheirReach() {
        let user = String(repeating: "u", count: 509)
        let key = String(repeating: "k", count: 55) + "_password"                     // 64: the longest key read
        let cases: [(String, String?)] = [
            ("x https://" + user + ":p@host", "url-password"),                        // '@' at 514 past ':'
            ("x https://" + user + "u:p@host", nil),                                   // one byte beyond the reach
            ("x AKIA" + String(repeating: "Q", count: 16) + " y", "aws-access-key-id"),
            ("x AKIA" + String(repeating: "Q", count: 17) + " y", nil),                // not exactly 16
            ("x AKIA" + String(repeating: "Q", count: 16), "aws-access-key-id"),       // ends the content
            ("x ghp_" + String(repeating: "a", count: 20), "github-token"),
            ("xghp_" + String(repeating: "a", count: 40), nil),                        // no boundary before it
            ("-----BEGIN " + String(repeating: "Z", count: 28) + " PRIVATE KEY-----", "pem-private-key"),  // the longest label read
            ("-----BEGIN " + String(repeating: "Z", count: 29) + " PRIVATE KEY-----", nil),
            (" " + key + " = Tr0ub4dor&3xK", "generic-secret"),
            (" k" + key + " = Tr0ub4dor&3xK", nil),                                   // a key beyond the reach behind
            ("login ann" + String(repeating: " ", count: 110) + "password s3cr3t!", "netrc-password"),
            ("login ann" + String(repeating: " ", count: 130) + "password s3cr3t!", nil),  // login too far behind
        ]
        for (text, expected) in cases {
            let bytes = Array(text.utf8)
            XCTAssertEqual(SecretGuard.findSecret(in: bytes)?.rule, expected, text)
            for pieceSize in 1...bytes.count + 1 {
                XCTAssertEqual(SecretStreamTests.streamFinding(bytes) { pieceSize }.0?.rule, expected, "\(text.prefix(20)), pieces of \(pieceSize)")
            }
            // And far into longer content, across a cut at every offset.
            let padding = [UInt8](repeating: UInt8(ascii: " "), count: 700)
            let long = padding + bytes + padding
            for pieceSize in stride(from: 600, through: 1_300, by: 7) {
                XCTAssertEqual(SecretStreamTests.streamFinding(long) { pieceSize }.0?.rule, expected, "\(text.prefix(20)), padded, pieces of \(pieceSize)")
            }
        }
    }

    func testEmptyAndTinyContent() {
        for text in ["", "A", ":", "-", "g", "ghp_"] {
            let (verdict, passed) = SecretStreamTests.stream(Array(text.utf8)) { 1 }
            XCTAssertNil(verdict)
            XCTAssertEqual(passed, Array(text.utf8))
        }
    }
}
