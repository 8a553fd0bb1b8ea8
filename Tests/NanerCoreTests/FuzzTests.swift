import Foundation
import XCTest
@testable import NanerCore

/// 10,000 random and mutated inputs, seeded and reproducible, fed to every parser
/// naner trusts with a user's or another machine's bytes: `.syncignore` (then the
/// rules it yields, matched against paths), the include list, backup names, backup
/// manifests, zip archives and the modes file. None may crash or hang, and every
/// rejection must be one line.
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

    private func oneLine(_ error: Error, _ what: String, _ failures: inout [String]) {
        let message = (error as? NanerFailure)?.message ?? "\(error)"
        if message.contains("\n") || message.contains("\r") || message.isEmpty {
            failures.append("\(what): not one line: \(message.debugDescription)")
        }
    }

    func testParsersSurviveTenThousandHostileInputs() throws {
        let syncIgnore = Array(DefaultFiles.syncIgnore.utf8)
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
                let text = input(seed: syncIgnore, maximum: 200)
                do {
                    let rules = try SyncIgnore.translate(text)
                    let compiled = rules.compactMap { GitignoreRule(line: $0.0, origin: $0.1) }
                    let stack = IgnoreStack(root: "/nonexistent", baseRules: compiled, readInTreeGitignores: false)
                    for path in paths { _ = stack.check(path, isDirectory: false) }
                } catch { oneLine(error, "syncignore \(iteration)", &failures) }
            case 1:
                do { _ = try IncludeList(text: String(decoding: input(seed: include), as: UTF8.self)) } catch {
                    oneLine(error, "include \(iteration)", &failures)
                }
            case 2:
                let name = String(decoding: bytes(maximum: 40), as: UTF8.self)
                do { try BackupName.validate(name) } catch { oneLine(error, "name \(iteration)", &failures) }
            case 3:
                _ = BackupManifest.parse(Data(input(seed: manifest)))
            case 4:
                do {
                    let items = try ZipArchive.read(Bool.random(using: &random) ? mutate(zip) : input(seed: zip, maximum: 600))
                    _ = try BackupArchive.check(items, archive: "fuzz.zip")
                } catch let failure as ZipArchive.Failure {
                    switch failure {
                    case .damaged(let reason), .unsafe(_, let reason):
                        if NanerError.archiveDamaged("fuzz.zip", reason: reason).message.contains("\n") {
                            failures.append("zip \(iteration): not one line")
                        }
                    }
                } catch { oneLine(error, "zip \(iteration)", &failures) }
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
        XCTAssertEqual(failures, [])
        XCTAssertLessThan(slowest.0, 2, "a hang: \(slowest.1)")
    }
}
