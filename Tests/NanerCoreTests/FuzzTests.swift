import Foundation
import XCTest
@testable import NanerCore

/// 10,000 random and mutated inputs, seeded and reproducible, fed to every parser
/// naner trusts with a user's or another machine's bytes: `.syncignore` (then the
/// rules it yields, matched against paths), the include list, backup names, backup
/// manifests, zip archives and the modes file. None may crash or hang, and every
/// rejection must be the typed error of its parser, whose message quotes the
/// rejected text with its control characters escaped exactly as `escaped` (an
/// oracle written apart from `onOneLine`) says: one line, and nothing lost.
final class FuzzTests: XCTestCase {
    private var random = GitignoreTests.SeededGenerator(state: 10_000_2026)

    /// Interesting bytes for these formats: separators, globs, escapes, JSON and zip structure.
    private let alphabet: [UInt8] = Array("/\\*?[]!#~. \t\r\n-_:{}\",0123456789abcxyzPK\u{3}\u{4}".utf8) + [0, 0x80, 0xC3, 0xFF, 0xE2]

    private func bytes(maximum: Int) -> [UInt8] {
        (0..<Int.random(in: 0...maximum, using: &random)).map { _ in
            Bool.random(using: &random) ? alphabet.randomElement(using: &random)! : UInt8.random(in: 0...255, using: &random)
        }
    }

    /// A valid input with a few bytes flipped, inserted, deleted or a stretch duplicated.
    private func mutate(_ seed: [UInt8]) -> [UInt8] {
        var result = seed
        for _ in 0..<Int.random(in: 1...6, using: &random) {
            let position = result.isEmpty ? 0 : Int.random(in: 0..<result.count, using: &random)
            switch Int.random(in: 0..<5, using: &random) {
            case 0 where !result.isEmpty: result[position] ^= UInt8(1 << Int.random(in: 0..<8, using: &random))
            case 1: result.insert(alphabet.randomElement(using: &random)!, at: position)
            case 2 where !result.isEmpty: result.remove(at: position)
            case 3 where !result.isEmpty: result[position] = UInt8.random(in: 0...255, using: &random)
            case 4 where result.count > 4:
                let end = min(result.count, position + Int.random(in: 1...64, using: &random))
                result.insert(contentsOf: result[position..<end], at: position)
            default: result.append(UInt8.random(in: 0...255, using: &random))
            }
        }
        return result
    }

    private func input(seed: [UInt8], maximum: Int = 300) -> [UInt8] {
        Bool.random(using: &random) ? mutate(seed) : bytes(maximum: maximum)
    }

    /// How a message shows a control character, stated independently of
    /// `String.onOneLine`: `\n`, `\r`, `\t`, `\0`, else `\xHH` (lowercase hex).
    static func escaped(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A: result += #"\n"#
            case 0x0D: result += #"\r"#
            case 0x09: result += #"\t"#
            case 0x00: result += #"\0"#
            case 0x01..<0x20, 0x7F:
                let hex = String(scalar.value, radix: 16)
                result += #"\x"# + (hex.count == 1 ? "0" + hex : hex)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// The message of the cases a parser here can throw, before escaping, as
    /// NanerError words it; nil for a case this test does not expect.
    static func unescapedMessage(_ error: NanerError) -> String? {
        switch error {
        case .invalidBackupName(let name, let reason): return "backup name '\(name)' is not allowed: \(reason)"
        case .malformedPattern(let file, let line, let reason), .malformedIncludeEntry(let file, let line, let reason):
            return "\(file):\(line): \(reason)"
        case .archiveDamaged(let path, let reason): return "backup archive '\(path)' is damaged: \(reason)"
        case .unsafeArchiveEntry(let archive, let entry, let reason):
            return "backup archive '\(archive)' holds an unsafe entry '\(entry)': \(reason)"
        case .notABackup(let path, let reason): return "'\(path)' is not a naner backup: \(reason)"
        default: return nil
        }
    }

    /// Rejections whose quoted text held a control character, by parser: the
    /// inputs must exercise the escaping, or the check above proves nothing.
    private var escapedRejections: [String: Int] = [:]

    /// A rejection must be a NanerError of the case `expected` accepts, and its
    /// message the oracle's escaping of its own words: no control character
    /// left, none dropped or escaped another way.
    private func checkRejection(_ error: Error, _ kind: String, _ iteration: Int, _ failures: inout [String],
                                expected: (NanerError) -> Bool) {
        guard let error = error as? NanerError else {
            failures.append("\(kind) \(iteration): not a NanerError: \(error)")
            return
        }
        guard expected(error) else {
            failures.append("\(kind) \(iteration): unexpected case \(error)")
            return
        }
        guard let words = Self.unescapedMessage(error) else {
            failures.append("\(kind) \(iteration): no oracle for \(error)")
            return
        }
        if error.message != Self.escaped(words) {
            failures.append("\(kind) \(iteration): \(error.message.debugDescription) is not \(Self.escaped(words).debugDescription)")
        }
        if error.message.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            failures.append("\(kind) \(iteration): a control character in \(error.message.debugDescription)")
        }
        if Self.escaped(words) != words { escapedRejections[kind, default: 0] += 1 }
    }

    func testParsersSurviveTenThousandHostileInputs() throws {
        let syncIgnore = Array(DefaultFiles.syncIgnore.utf8)
        // Lines .syncignore refuses, quoting control characters; mutated, most stay refused.
        let rejectedSyncIgnore = Array("C:\\Users\\me\t\u{1B}x\n[a\u{7}/b\n./..\u{1}\n".utf8)
        let include = Array(DefaultFiles.includeList.utf8)
        let manifest = Array(BackupManifest(name: "b", date: BackupManifest.timestamp(), host: "h", user: "u", tree: "/home/u",
                                            nanerVersion: "0.1.0", commit: String(repeating: "a", count: 40), message: "m",
                                            includedSSHKeys: false, itemsBackedUp: 2, skipped: []).json().utf8)
        let zip = try ZipArchive.bytes([
            (BackupManifest.fileName, .file(manifest, mode: 0o644)), (".bashrc", .file(Array("alias ll='ls -l'\n".utf8), mode: 0o644)),
            (".ssh/config", .file(Array("Host *\n".utf8), mode: 0o600)), (".config/nvim", .symlink(target: "../.vim")),
        ])
        let modes = Array("# naner\n0600 .ssh/config\n0700 .ssh/\n0755 \"a\\nb\"\n".utf8)
        let paths = [".bashrc", ".config/nvim/init.vim", ".ssh/id_ed25519", ".cache/x/y", "a b/c", ".config/Code/User/settings.json"]

        var counts: [String: Int] = [:]
        var failures: [String] = []
        let started = Date()
        var slowest = (0.0, "")
        for iteration in 0..<10_000 {
            let begin = Date()
            let kind = iteration % 6
            switch kind {
            case 0:
                let text = input(seed: Bool.random(using: &random) ? syncIgnore : rejectedSyncIgnore, maximum: 200)
                do {
                    let rules = try SyncIgnore.translate(text)
                    let compiled = rules.compactMap { GitignoreRule(line: $0.0, origin: $0.1) }
                    let stack = IgnoreStack(root: "/nonexistent", baseRules: compiled, readInTreeGitignores: false)
                    for path in paths { _ = stack.check(path, isDirectory: false) }
                } catch {
                    let lines = text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).count
                    checkRejection(error, "syncignore", iteration, &failures) {
                        if case .malformedPattern(SyncIgnore.path, let line, _) = $0 { return (1...lines).contains(line) }
                        return false
                    }
                }
            case 1:
                let text = String(decoding: input(seed: include), as: UTF8.self)
                do { _ = try IncludeList(text: text) } catch {
                    // Lines end at the byte, as the include list reads them ("\r\n" is one Character).
                    let lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
                        .map { String(decoding: $0, as: UTF8.self) }
                    checkRejection(error, "include", iteration, &failures) {
                        // The reason starts with the entry (or its pattern part) quoted as it stands on that line.
                        guard case .malformedIncludeEntry(IncludeList.path, let line, let reason) = $0, (1...lines.count).contains(line)
                        else { return false }
                        guard reason.hasPrefix("'"), let close = reason.range(of: "' ", options: .backwards) else { return false }
                        return lines[line - 1].contains(reason[reason.index(after: reason.startIndex)..<close.lowerBound])
                    }
                }
            case 2:
                let name = String(decoding: bytes(maximum: 40), as: UTF8.self)
                do { try BackupName.validate(name) } catch {
                    checkRejection(error, "name", iteration, &failures) {
                        if case .invalidBackupName(name, _) = $0 { return true }  // the name as given, not cleaned
                        return false
                    }
                }
            case 3:
                _ = BackupManifest.parse(Data(input(seed: manifest)))
            case 4:
                do {
                    let items = try ZipArchive.read(Bool.random(using: &random) ? mutate(zip) : input(seed: zip, maximum: 600))
                    _ = try BackupArchive.check(items, archive: "fuzz.zip")
                } catch let failure as ZipArchive.Failure {
                    // As BackupArchive.read words them.
                    let error: NanerError
                    switch failure {
                    case .damaged(let reason): error = .archiveDamaged("fuzz.zip", reason: reason)
                    case .unsafe(let entry, let reason): error = .unsafeArchiveEntry(archive: "fuzz.zip", entry: entry, reason: reason)
                    }
                    checkRejection(error, "zip", iteration, &failures) { _ in true }
                } catch {
                    checkRejection(error, "zip", iteration, &failures) {
                        switch $0 {
                        case .notABackup("fuzz.zip", _), .unsafeArchiveEntry("fuzz.zip", _, _): return true
                        default: return false
                        }
                    }
                }
            default:
                let table = ModeTable(text: String(decoding: input(seed: modes), as: UTF8.self))
                // What it reads it writes back the same way.
                if ModeTable(text: table.text) != table { failures.append("modes \(iteration): the text does not round-trip") }
            }
            counts[["syncignore", "include", "name", "manifest", "zip", "modes"][kind], default: 0] += 1
            let took = Date().timeIntervalSince(begin)
            if took > slowest.0 { slowest = (took, "input \(iteration)") }
        }
        print("fuzz: 10000 inputs (\(counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))), "
              + "\(10_000 - failures.count) passed, \(failures.count) failed, slowest \(Int(slowest.0 * 1000)) ms, "
              + "total \(Int(Date().timeIntervalSince(started))) s")
        print("fuzz: rejections quoting a control character: \(escapedRejections.sorted { $0.key < $1.key })")
        XCTAssertEqual(failures.count, 0, "the first of them:\n" + failures.prefix(20).joined(separator: "\n"))
        XCTAssertLessThan(slowest.0, 2, "a hang: \(slowest.1)")
        // The seeded inputs quote control characters often enough to test the escaping.
        for kind in ["name", "include", "syncignore"] {
            XCTAssertGreaterThan(escapedRejections[kind] ?? 0, 50, "too few \(kind) rejections quote a control character")
        }
    }

    /// Each escape, spelled out: a message quotes what it rejects with control
    /// characters shown, so it stays one line and still names the thing.
    func testRejectionsQuoteControlCharactersEscaped() {
        func message(_ body: () throws -> Void) -> String? {
            do { try body() } catch { return (error as? NanerError)?.message ?? "not a NanerError: \(error)" }
            return nil
        }
        XCTAssertEqual(message { try BackupName.validate("a\nb") },
                       #"backup name 'a\nb' is not allowed: it cannot contain a control character"#)
        XCTAssertEqual(message { try BackupName.validate("x\u{7F}\u{1B}\0") },
                       #"backup name 'x\x7f\x1b\0' is not allowed: it cannot contain a control character"#)
        XCTAssertEqual(message { _ = try IncludeList(text: ".bashrc\na/../b\r") },
                       #".naner/include:2: 'a/../b\r' leaves the home folder"#)
        XCTAssertEqual(message { _ = try SyncIgnore.translate(Array("C:\\x\ty\n".utf8)) },
                       #".syncignore:1: 'C:\x\ty' is an absolute Windows path; write it relative to the home folder"#)
        XCTAssertEqual(NanerError.unsafeArchiveEntry(archive: "a.zip", entry: "../\u{1}x", reason: "it leaves\nthe home").message,
                       #"backup archive 'a.zip' holds an unsafe entry '../\x01x': it leaves\nthe home"#)
    }
}
