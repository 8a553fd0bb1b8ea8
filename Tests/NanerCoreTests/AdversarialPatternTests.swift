import Foundation
import XCTest
@testable import NanerCore

/// Patterns written to make a backtracking glob matcher take exponential
/// time (issue 13: a pulled `.syncignore` must not hang the machine), run
/// through the entry points the status walk uses. Every match must finish in
/// under 100 ms and give git's answer.
final class AdversarialPatternTests: XCTestCase {
    static let limit = Duration.milliseconds(100)

    /// A `.syncignore` line, and entries (parent folder, name) it is checked against.
    struct Case {
        let line: String
        let entries: [(parent: String, name: String)]
    }

    static func repeated(_ text: String, _ count: Int) -> String { String(repeating: text, count: count) }

    /// A folder chain below `.config/` about `bytes` long, each folder name 250 bytes.
    static func deepFolder(_ letter: String, bytes: Int) -> String {
        var path = ".config/"
        while path.utf8.count + 251 <= bytes { path += repeated(letter, 250) + "/" }
        return path
    }

    /// `a/a/a/…/` below `.config/`, about `bytes` long: thousands of folders.
    static func manyFolders(bytes: Int) -> String {
        ".config/" + repeated("a/", (bytes - 8) / 2)
    }

    static let cases: [Case] = {
        let a254 = repeated("a", 254)
        let deepA = deepFolder("a", bytes: 3900)
        let shallow = manyFolders(bytes: 3900)
        return [
            // The line: 30 stars with a literal between, against names without the final 'b'.
            Case(line: repeated("*a", 30) + "b",
                 entries: [(".config/", repeated("a", 60) + "0"), (".config/", repeated("a", 60) + "1"),
                           (".config/", repeated("a", 60) + "b"), (".config/", a254 + "c"), (".config/", a254 + "b")]),
            // As long as a name: 127 stars.
            Case(line: repeated("*a", 127) + "b",
                 entries: [(".config/", a254 + "c"), (".config/", a254 + "b"), (deepA, a254 + "c")]),
            // The same, anchored (matched with WM_PATHNAME), against a deep path.
            Case(line: "/.config/**/" + repeated("*a", 120) + "b",
                 entries: [(deepA, a254 + "c"), (deepA, a254 + "b")]),
            // `**/` 3,000 times.
            Case(line: repeated("**/", 3000) + "x",
                 entries: [(deepA, "x"), (deepA, "y"), (shallow, "y"), (".config/", a254)]),
            // `**/` with a folder between, which git retries after `**/` matching no folder.
            Case(line: repeated("**/a/", 600) + "b",
                 entries: [(shallow, "b"), (shallow, "c"), (deepA, "c")]),
            Case(line: repeated("**/a*/", 300) + "b",
                 entries: [(shallow, "c"), (deepA, a254)]),
            // Long bracket sets after stars, and repeated without them.
            Case(line: repeated("*[abcdefghijklmnopqrstuvwxyz0-9._-]", 60) + "Q",
                 entries: [(".config/", a254 + "c"), (deepA, a254 + "Q")]),
            Case(line: repeated("[a-z]", 250) + "*",
                 entries: [(".config/", a254 + "c"), (".config/", a254 + "_")]),
            Case(line: "/.config/**/" + repeated("*[a-z]", 120) + "Q",
                 entries: [(deepA, a254 + "c"), (deepA, a254 + "Q")]),
            // A star then many '?'.
            Case(line: "*" + repeated("?", 250) + "b",
                 entries: [(".config/", a254 + "c"), (".config/", a254 + "b"), (deepA, a254 + "b")]),
            Case(line: "/.config/**/*" + repeated("?", 200) + "/x",
                 entries: [(deepA, "x"), (deepA, "y")]),
            // Single stars across many folders.
            Case(line: "/.config/" + repeated("*a*a*a*a/", 15) + "b",
                 entries: [(deepA, "b"), (deepA, "c")]),
            Case(line: repeated("*/", 1947) + "x",
                 entries: [(shallow, "y"), (deepA, "x")]),
        ]
    }()

    /// The managed rules of a home that includes `.config/` and has `lines` in its `.syncignore`.
    static func stack(_ lines: [String]) throws -> IgnoreStack {
        let syncIgnore = try SyncIgnore.translate(Array(lines.map { $0 + "\n" }.joined().utf8))
        let rules = ManagedRules(includeList: try IncludeList(text: ".config/\n"), syncIgnore: syncIgnore,
                                 repositoryInsideHome: nil)
        return rules.makeStack(home: "/nonexistent-naner-home")
    }

    static func measure<T>(_ body: () -> T) -> (T, Duration) {
        let clock = ContinuousClock()
        let start = clock.now
        let result = body()
        return (result, clock.now - start)
    }

    /// Walks down to each entry as the status walk does (each folder an entry
    /// of its parent, then the entry), and decides it as `check` does (each
    /// folder after its parent): every step is one match of each rule, and
    /// must take under 100 ms.
    func testEveryAdversarialPatternIsMatchedInBoundedTime() throws {
        for (number, test) in Self.cases.enumerated() {
            for (parent, name) in test.entries {
                let label = "case \(number) (\(test.line.prefix(40))…, \(test.line.utf8.count) bytes) "
                    + "vs \(parent.utf8.count + name.utf8.count)-byte path ending '\(name.suffix(8))'"
                let walker = try Self.stack([test.line])
                let checker = try Self.stack([test.line])
                var directory = ""
                var walking = true
                for component in parent.split(separator: "/").map(String.init) + [name] {
                    let isDirectory = directory.utf8.count + component.utf8.count < parent.utf8.count
                    let (checked, checkTime) = Self.measure { checker.check(directory + component, isDirectory: isDirectory) }
                    XCTAssertLessThan(checkTime, Self.limit, "check \(directory.utf8.count): \(label)")
                    if walking {
                        let (walked, walkTime) = Self.measure {
                            walker.isIgnoredEntry(parentDirectory: directory, name: component, isDirectory: isDirectory)
                        }
                        XCTAssertLessThan(walkTime, Self.limit, "walk \(directory.utf8.count): \(label)")
                        XCTAssertEqual(walked, checked.ignored, label)
                        // The walk never enters an ignored folder.
                        walking = !walked
                    }
                    directory += component + "/"
                }

                // The bare rule, on the whole path.
                let translated = try XCTUnwrap(SyncIgnore.translate(Array(test.line.utf8)).first?.0)
                let rule = try XCTUnwrap(GitignoreRule(line: translated, origin: RuleOrigin(file: "x", line: 1, text: "")))
                for isDirectory in [false, true] {
                    let (_, ruleTime) = Self.measure { rule.matches(path: parent + name, isDirectory: isDirectory) }
                    XCTAssertLessThan(ruleTime, Self.limit, "rule: \(label)")
                }
            }
        }
        // All the lines in one `.syncignore`, each entry in a fresh walk.
        for test in Self.cases {
            for (parent, name) in test.entries {
                let all = try Self.stack(Self.cases.map(\.line))
                let (_, time) = Self.measure { all.isIgnoredEntry(parentDirectory: parent, name: name, isDirectory: false) }
                XCTAssertLessThan(time, Self.limit, "all rules: \(parent.utf8.count + name.utf8.count)-byte path")
            }
        }
    }

    /// What the matcher answers on the adversarial cases, spelled out.
    func testAdversarialAnswers() throws {
        let a254 = Self.repeated("a", 254)
        let deepA = Self.deepFolder("a", bytes: 3900)
        let shallow = Self.manyFolders(bytes: 3900)
        let expectations: [(String, String, Bool)] = [
            (Self.repeated("*a", 30) + "b", ".config/" + Self.repeated("a", 60) + "0", false),
            (Self.repeated("*a", 30) + "b", ".config/" + Self.repeated("a", 60) + "b", true),
            (Self.repeated("*a", 30) + "b", ".config/" + Self.repeated("a", 20) + "b", false),
            (Self.repeated("*a", 127) + "b", ".config/" + a254 + "b", true),
            (Self.repeated("*a", 127) + "b", ".config/" + a254 + "c", false),
            (Self.repeated("**/", 3000) + "x", deepA + "x", true),
            (Self.repeated("**/", 3000) + "x", shallow + "y", false),
            (Self.repeated("**/a/", 600) + "b", shallow + "b", true),
            (Self.repeated("**/a/", 600) + "b", shallow + "c", false),
            (Self.repeated("**/a/", 600) + "b", ".config/" + Self.repeated("a/", 599) + "b", false),
            ("*" + Self.repeated("?", 250) + "b", ".config/" + a254 + "b", true),
            ("*" + Self.repeated("?", 250) + "b", ".config/" + Self.repeated("a", 200) + "b", false),
            ("/.config/" + Self.repeated("*a*a*a*a/", 15) + "b", deepA + "b", true),
            ("/.config/" + Self.repeated("*a*a*a*a/", 15) + "b", deepA + "c", false),
            ("/.config/" + Self.repeated("*a*a*a*a/", 14) + "b", deepA + "b", false),
            (Self.repeated("*/", 1800) + "x", shallow + "x", false),
            (Self.repeated("*/", 1947) + "x", shallow + "x", true),
        ]
        for (line, path, expected) in expectations {
            let stack = try Self.stack([line])
            let answer = stack.check(path, isDirectory: false)
            XCTAssertEqual(answer.ignored, expected, "\(line.prefix(30))… vs …\(path.suffix(30))")
        }
    }

    /// `git check-ignore` agrees, on the cases git 2.39 itself answers in
    /// reasonable time (it is exponential on the others: that is the bug).
    func testAnswersEqualGitCheckIgnore() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/git") else { throw XCTSkip("git is not installed") }
        let a254 = Self.repeated("a", 254)
        let deepA = Self.deepFolder("a", bytes: 3900)
        let shallow = Self.manyFolders(bytes: 3900)
        let a60b = ".config/" + Self.repeated("a", 60) + "b"
        let trials: [(line: String, paths: [String])] = [
            (Self.repeated("*a", 30) + "b",
             [a60b, ".config/" + a254 + "b", deepA + a254 + "b", deepA + "x", shallow + "x", deepA + "b"]),
            (Self.repeated("**/", 5) + "x", [deepA + "x", deepA + "b", ".config/" + a254 + "b"]),
            ("*" + Self.repeated("?", 250) + "b",
             [a60b, deepA + "x", shallow + "x", ".config/" + a254 + "b", deepA + a254 + "b", ".config/" + a254 + "c"]),
            (Self.repeated("[a-z]", 250) + "*",
             [a60b, deepA + "x", shallow + "x", ".config/" + a254 + "b", ".config/" + a254 + "_"]),
            ("/.config/" + Self.repeated("*a*a*a*a/", 14) + "b", [a60b, shallow + "x", ".config/" + Self.repeated("a", 100) + "b"]),
            ("/.config/" + Self.repeated("*/", 14) + "b", [deepA + "b", deepA + "c", shallow + "b"]),
        ]
        let root = NSTemporaryDirectory() + "naner-adversarial-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = GitignoreTests.run(["init", "-q"], in: root)
        var ignored = 0, compared = 0
        for trial in trials {
            let exclude = try SyncIgnore.translate(Array(trial.line.utf8)).map { $0.0 + "\n" }.joined()
            try Data(exclude.utf8).write(to: URL(fileURLWithPath: root + "/.git/info/exclude"))
            let output = GitignoreTests.run(["-c", "core.excludesFile=/dev/null", "check-ignore", "--no-index", "-v", "-n", "--stdin"],
                                            in: root, input: trial.paths.map { $0 + "\n" }.joined())
            let answers = output.split(separator: "\n")
            XCTAssertEqual(answers.count, trial.paths.count, output)
            let stack = IgnoreStack(root: root, baseRules: parseGitignore(Array(exclude.utf8), baseDirectory: "",
                                                                          file: ".git/info/exclude"))
            for (path, answer) in zip(trial.paths, answers) {
                let label = "\(trial.line.prefix(30))… vs …\(path.suffix(30))"
                let git = try XCTUnwrap(GitignoreTests.parseVerbose(answer), String(answer))
                // Untimed: a fresh stack matches each of up to 1,947 parent folders first
                // (the timed walk is the test above).
                let ours = stack.check(path, isDirectory: false)
                XCTAssertEqual(ours.ignored, !git.source.isEmpty, label)
                XCTAssertEqual(ours.deciding?.origin.line ?? 0, git.line, label)
                compared += 1
                if ours.ignored { ignored += 1 }
            }
        }
        XCTAssertEqual(compared, 26)
        XCTAssertGreaterThan(ignored, 5)
        XCTAssertLessThan(ignored, compared - 5)
    }

    /// The bounded matcher and git 2.39's recursive one (`WildmatchReference`)
    /// agree on small random patterns and texts built from the characters
    /// that matter, in all four of git's flag sets.
    func testBoundedWildmatchAgreesWithGitsRecursiveOne() {
        var random = GitignoreTests.SeededGenerator(state: 0x7769_6C64)
        let pieces = ["a", "b", "A", "/", "*", "**", "**/", "/**/", "/**", "?", "[ab]", "[!a]", "[^/]", "[a-]", "[]a]",
                      "[[:alpha:]]", "[[:bogus:]]", "[[:", "[", "]", "\\", "\\*", "\\/", "-", "a*", "*a", "*/", ".", "[/]"]
        let textPieces = ["a", "b", "A", "B", "/", "-", "]", "*", "[", ".", "\\", "ab", "a/", "/a"]
        let flagSets: [Wildmatch.Options] = [.pathname, [.pathname, .caseFold], [], .caseFold]
        var matches = 0
        for _ in 0 ..< 60_000 {
            let pattern = Array((0 ..< random.below(8)).map { _ in random.pick(pieces) }.joined().utf8)
            let text = Array((0 ..< random.below(8)).map { _ in random.pick(textPieces) }.joined().utf8)
            let options = random.pick(flagSets)
            let bounded = Wildmatch.matches(pattern: pattern, text: text, options: options)
            let reference = WildmatchReference.matches(pattern, text, options: options)
            if bounded { matches += 1 }
            XCTAssertEqual(bounded, reference, "'\(String(decoding: pattern, as: UTF8.self))' vs "
                           + "'\(String(decoding: text, as: UTF8.self))' with \(options.rawValue)")
        }
        XCTAssertGreaterThan(matches, 1500)
    }

    /// A rule with `**/` repeated matches what git's `match_pathname` matches
    /// with the pattern as written (compare the literal prefix, then
    /// wildmatch the rests), though naner keeps a single `**/`.
    func testRepeatedFolderWildcardsMatchAsWritten() throws {
        var random = GitignoreTests.SeededGenerator(state: 0x2A2A_2F2A)
        let pieces = ["a", "b", "/", "*", "**", "**/", "**/", "**/", "/**/", "***/", "?", "[ab]", "\\*", "x", "ab"]
        let textPieces = ["a", "b", "/", "x", "ab", "a/", "/b", "*"]
        var compared = 0, matched = 0, collapsed = 0
        for _ in 0 ..< 40_000 {
            let line = (0 ..< 1 + random.below(8)).map { _ in random.pick(pieces) }.joined()
            guard let rule = GitignoreRule(line: line, origin: RuleOrigin(file: "x", line: 1, text: line)),
                  !rule.matchesBasename else { continue }
            let text = Array((0 ..< 1 + random.below(7)).map { _ in random.pick(textPieces) }.joined().utf8)
            var pattern = Array(rule.pattern.utf8)
            if pattern.first == UInt8(ascii: "/") { pattern.removeFirst() }
            if rule.matchBytes != pattern { collapsed += 1 }
            let prefix = rule.literalPrefixLength
            let expected = text.count >= prefix && text.prefix(prefix).elementsEqual(pattern.prefix(prefix))
                && (prefix == pattern.count ? text.count == prefix
                    : WildmatchReference.matches(Array(pattern[prefix...]), Array(text[prefix...]), options: .pathname))
            let ours = rule.matches(path: String(decoding: text, as: UTF8.self), isDirectory: true)
            XCTAssertEqual(ours, expected, "'\(line)' vs '\(String(decoding: text, as: UTF8.self))'")
            compared += 1
            if ours { matched += 1 }
        }
        XCTAssertGreaterThan(compared, 20_000)
        XCTAssertGreaterThan(matched, 1_000)
        XCTAssertGreaterThan(collapsed, 2_000)
        let long = try XCTUnwrap(GitignoreRule(line: Self.repeated("**/", 3000) + "x", origin: RuleOrigin(file: "x", line: 1, text: "")))
        XCTAssertEqual(long.matchBytes, Array("**/x".utf8))
        let quirk = try XCTUnwrap(GitignoreRule(line: "a/b**/**/c", origin: RuleOrigin(file: "x", line: 1, text: "")))
        XCTAssertEqual(quirk.matchBytes, Array("a/b**/c".utf8), "git hands wildmatch '**/**/c': both stars start it")
        let bracket = try XCTUnwrap(GitignoreRule(line: "[a]/**/**/c", origin: RuleOrigin(file: "x", line: 1, text: "")))
        XCTAssertEqual(bracket.matchBytes, Array("[a]/**/**/c".utf8))
    }

    /// Embedded NUL bytes end the text as in C, whatever follows.
    func testNulEndsTheText() {
        let text: [UInt8] = Array("ab".utf8) + [0] + Array("cd".utf8)
        XCTAssertEqual(Wildmatch.matches(pattern: Array("*".utf8), text: text),
                       WildmatchReference.matches(Array("*".utf8), text, options: .pathname))
        XCTAssertEqual(Wildmatch.matches(pattern: Array("ab*d".utf8), text: text),
                       WildmatchReference.matches(Array("ab*d".utf8), text, options: .pathname))
        XCTAssertEqual(Wildmatch.matches(pattern: Array("**/d".utf8), text: text, options: []),
                       WildmatchReference.matches(Array("**/d".utf8), text, options: []))
    }
}
