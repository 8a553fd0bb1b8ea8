import Foundation
import XCTest
@testable import NanerCore

final class GitignoreTests: XCTestCase {

    // MARK: - Wildmatch: git's own table (t/t3070-wildmatch.sh)

    /// (text, pattern, expected): one digit per flag set git's test runs, in
    /// its order: WM_PATHNAME, WM_PATHNAME|WM_CASEFOLD, none, WM_CASEFOLD.
    static let wildmatchTable: [(String, String, String)] = [
        ("foo", "foo", "1111"),
        ("foo", "bar", "0000"),
        ("", "", "1111"),
        ("foo", "???", "1111"),
        ("foo", "??", "0000"),
        ("foo", "*", "1111"),
        ("foo", "f*", "1111"),
        ("foo", "*f", "0000"),
        ("foo", "*foo*", "1111"),
        ("foobar", "*ob*a*r*", "1111"),
        ("aaaaaaabababab", "*ab", "1111"),
        ("foo*", "foo\\*", "1111"),
        ("foobar", "foo\\*bar", "0000"),
        ("f\\oo", "f\\\\oo", "1111"),
        ("ball", "*[al]?", "1111"),
        ("ten", "[ten]", "0000"),
        ("ten", "**[!te]", "1111"),
        ("ten", "**[!ten]", "0000"),
        ("ten", "t[a-g]n", "1111"),
        ("ten", "t[!a-g]n", "0000"),
        ("ton", "t[!a-g]n", "1111"),
        ("ton", "t[^a-g]n", "1111"),
        ("a]b", "a[]]b", "1111"),
        ("a-b", "a[]-]b", "1111"),
        ("a]b", "a[]-]b", "1111"),
        ("aab", "a[]-]b", "0000"),
        ("aab", "a[]a-]b", "1111"),
        ("]", "]", "1111"),
        ("foo/baz/bar", "foo*bar", "0011"),
        ("foo/baz/bar", "foo**bar", "0011"),
        ("foobazbar", "foo**bar", "1111"),
        ("foo/baz/bar", "foo/**/bar", "1111"),
        ("foo/baz/bar", "foo/**/**/bar", "1100"),
        ("foo/b/a/z/bar", "foo/**/bar", "1111"),
        ("foo/b/a/z/bar", "foo/**/**/bar", "1111"),
        ("foo/bar", "foo/**/bar", "1100"),
        ("foo/bar", "foo/**/**/bar", "1100"),
        ("foo/bar", "foo?bar", "0011"),
        ("foo/bar", "foo[/]bar", "0011"),
        ("foo/bar", "foo[^a-z]bar", "0011"),
        ("foo/bar", "f[^eiu][^eiu][^eiu][^eiu][^eiu]r", "0011"),
        ("foo-bar", "f[^eiu][^eiu][^eiu][^eiu][^eiu]r", "1111"),
        ("foo", "**/foo", "1100"),
        ("XXX/foo", "**/foo", "1111"),
        ("bar/baz/foo", "**/foo", "1111"),
        ("bar/baz/foo", "*/foo", "0011"),
        ("foo/bar/baz", "**/bar*", "0011"),
        ("deep/foo/bar/baz", "**/bar/*", "1111"),
        ("deep/foo/bar/baz/", "**/bar/*", "0011"),
        ("deep/foo/bar/baz/", "**/bar/**", "1111"),
        ("deep/foo/bar", "**/bar/*", "0000"),
        ("deep/foo/bar/", "**/bar/**", "1111"),
        ("foo/bar/baz", "**/bar**", "0011"),
        ("foo/bar/baz/x", "*/bar/**", "1111"),
        ("deep/foo/bar/baz/x", "*/bar/**", "0011"),
        ("deep/foo/bar/baz/x", "**/bar/*/*", "1111"),
        ("acrt", "a[c-c]st", "0000"),
        ("acrt", "a[c-c]rt", "1111"),
        ("]", "[!]-]", "0000"),
        ("a", "[!]-]", "1111"),
        ("", "\\", "0000"),
        ("\\", "\\", "0000"),
        ("XXX/\\", "*/\\", "0000"),
        ("XXX/\\", "*/\\\\", "1111"),
        ("foo", "foo", "1111"),
        ("@foo", "@foo", "1111"),
        ("foo", "@foo", "0000"),
        ("[ab]", "\\[ab]", "1111"),
        ("[ab]", "[[]ab]", "1111"),
        ("[ab]", "[[:]ab]", "1111"),
        ("[ab]", "[[::]ab]", "0000"),
        ("[ab]", "[[:digit]ab]", "1111"),
        ("[ab]", "[\\[:]ab]", "1111"),
        ("?a?b", "\\??\\?b", "1111"),
        ("abc", "\\a\\b\\c", "1111"),
        ("foo", "", "0000"),
        ("foo/bar/baz/to", "**/t[o]", "1111"),
        ("a1B", "[[:alpha:]][[:digit:]][[:upper:]]", "1111"),
        ("a", "[[:digit:][:upper:][:space:]]", "0101"),
        ("A", "[[:digit:][:upper:][:space:]]", "1111"),
        ("1", "[[:digit:][:upper:][:space:]]", "1111"),
        ("1", "[[:digit:][:upper:][:spaci:]]", "0000"),
        (" ", "[[:digit:][:upper:][:space:]]", "1111"),
        (".", "[[:digit:][:upper:][:space:]]", "0000"),
        (".", "[[:digit:][:punct:][:space:]]", "1111"),
        ("5", "[[:xdigit:]]", "1111"),
        ("f", "[[:xdigit:]]", "1111"),
        ("D", "[[:xdigit:]]", "1111"),
        ("_", "[[:alnum:][:alpha:][:blank:][:cntrl:][:digit:][:graph:][:lower:][:print:][:punct:][:space:][:upper:][:xdigit:]]", "1111"),
        (".", "[^[:alnum:][:alpha:][:blank:][:cntrl:][:digit:][:lower:][:space:][:upper:][:xdigit:]]", "1111"),
        ("5", "[a-c[:digit:]x-z]", "1111"),
        ("b", "[a-c[:digit:]x-z]", "1111"),
        ("y", "[a-c[:digit:]x-z]", "1111"),
        ("q", "[a-c[:digit:]x-z]", "0000"),
        ("]", "[\\\\-^]", "1111"),
        ("[", "[\\\\-^]", "0000"),
        ("-", "[\\-_]", "1111"),
        ("]", "[\\]]", "1111"),
        ("\\]", "[\\]]", "0000"),
        ("\\", "[\\]]", "0000"),
        ("ab", "a[]b", "0000"),
        ("a[]b", "a[]b", "0000"),
        ("ab[", "ab[", "0000"),
        ("ab", "[!", "0000"),
        ("ab", "[-", "0000"),
        ("-", "[-]", "1111"),
        ("-", "[a-", "0000"),
        ("-", "[!a-", "0000"),
        ("-", "[--A]", "1111"),
        ("5", "[--A]", "1111"),
        (" ", "[ --]", "1111"),
        ("$", "[ --]", "1111"),
        ("-", "[ --]", "1111"),
        ("0", "[ --]", "0000"),
        ("-", "[---]", "1111"),
        ("-", "[------]", "1111"),
        ("j", "[a-e-n]", "0000"),
        ("-", "[a-e-n]", "1111"),
        ("a", "[!------]", "1111"),
        ("[", "[]-a]", "0000"),
        ("^", "[]-a]", "1111"),
        ("^", "[!]-a]", "0000"),
        ("[", "[!]-a]", "1111"),
        ("^", "[a^bc]", "1111"),
        ("-b]", "[a-]b]", "1111"),
        ("\\", "[\\]", "0000"),
        ("\\", "[\\\\]", "1111"),
        ("\\", "[!\\\\]", "0000"),
        ("G", "[A-\\\\]", "1111"),
        ("aaabbb", "b*a", "0000"),
        ("aabcaa", "*ba*", "0000"),
        (",", "[,]", "1111"),
        (",", "[\\\\,]", "1111"),
        ("\\", "[\\\\,]", "1111"),
        ("-", "[,-.]", "1111"),
        ("+", "[,-.]", "0000"),
        ("-.]", "[,-.]", "0000"),
        ("2", "[\\1-\\3]", "1111"),
        ("3", "[\\1-\\3]", "1111"),
        ("4", "[\\1-\\3]", "0000"),
        ("\\", "[[-\\]]", "1111"),
        ("[", "[[-\\]]", "1111"),
        ("]", "[[-\\]]", "1111"),
        ("-", "[[-\\]]", "0000"),
        ("-adobe-courier-bold-o-normal--12-120-75-75-m-70-iso8859-1", "-*-*-*-*-*-*-12-*-*-*-m-*-*-*", "1111"),
        ("-adobe-courier-bold-o-normal--12-120-75-75-X-70-iso8859-1", "-*-*-*-*-*-*-12-*-*-*-m-*-*-*", "0000"),
        ("-adobe-courier-bold-o-normal--12-120-75-75-/-70-iso8859-1", "-*-*-*-*-*-*-12-*-*-*-m-*-*-*", "0000"),
        ("XXX/adobe/courier/bold/o/normal//12/120/75/75/m/70/iso8859/1", "XXX/*/*/*/*/*/*/12/*/*/*/m/*/*/*", "1111"),
        ("XXX/adobe/courier/bold/o/normal//12/120/75/75/X/70/iso8859/1", "XXX/*/*/*/*/*/*/12/*/*/*/m/*/*/*", "0000"),
        ("abcd/abcdefg/abcdefghijk/abcdefghijklmnop.txt", "**/*a*b*g*n*t", "1111"),
        ("abcd/abcdefg/abcdefghijk/abcdefghijklmnop.txtz", "**/*a*b*g*n*t", "0000"),
        ("foo", "*/*/*", "0000"),
        ("foo/bar", "*/*/*", "0000"),
        ("foo/bba/arr", "*/*/*", "1111"),
        ("foo/bb/aa/rr", "*/*/*", "0011"),
        ("foo/bb/aa/rr", "**/**/**", "1111"),
        ("abcXdefXghi", "*X*i", "1111"),
        ("ab/cXd/efXg/hi", "*X*i", "0011"),
        ("ab/cXd/efXg/hi", "*/*X*/*/*i", "1111"),
        ("ab/cXd/efXg/hi", "**/*X*/**/*i", "1111"),
        ("foo", "fo", "0000"),
        ("foo/bar", "foo/bar", "1111"),
        ("foo/bar", "foo/*", "1111"),
        ("foo/bba/arr", "foo/*", "0011"),
        ("foo/bba/arr", "foo/**", "1111"),
        ("foo/bba/arr", "foo*", "0011"),
        ("foo/bba/arr", "foo**", "0011"),
        ("foo/bba/arr", "foo/*arr", "0011"),
        ("foo/bba/arr", "foo/**arr", "0011"),
        ("foo/bba/arr", "foo/*z", "0000"),
        ("foo/bba/arr", "foo/**z", "0000"),
        ("foo/bar", "foo?bar", "0011"),
        ("foo/bar", "foo[/]bar", "0011"),
        ("foo/bar", "foo[^a-z]bar", "0011"),
        ("ab/cXd/efXg/hi", "*Xg*i", "0011"),
        ("a", "[A-Z]", "0101"),
        ("A", "[A-Z]", "1111"),
        ("A", "[a-z]", "0101"),
        ("a", "[a-z]", "1111"),
        ("a", "[[:upper:]]", "0101"),
        ("A", "[[:upper:]]", "1111"),
        ("A", "[[:lower:]]", "0101"),
        ("a", "[[:lower:]]", "1111"),
        ("A", "[B-Za]", "0101"),
        ("a", "[B-Za]", "1111"),
        ("A", "[B-a]", "0101"),
        ("a", "[B-a]", "1111"),
        ("z", "[Z-y]", "0101"),
        ("Z", "[Z-y]", "1111"),
    ]

    func testWildmatchMatchesGitsTable() {
        let flagSets: [Wildmatch.Options] = [.pathname, [.pathname, .caseFold], [], .caseFold]
        for (text, pattern, expected) in Self.wildmatchTable {
            for (column, digit) in expected.enumerated() {
                let result = Wildmatch.matches(pattern, text, options: flagSets[column])
                XCTAssertEqual(result, digit == "1",
                               "wildmatch('\(pattern)', '\(text)') with \(flagSets[column]) should be \(digit)")
            }
        }
    }

    func testWildmatchDoubleStarForms() {
        // Leading `**/`, trailing `/**`, middle `/**/`; anything else is `*`.
        XCTAssertTrue(Wildmatch.matches("**/foo", "foo"))
        XCTAssertTrue(Wildmatch.matches("**/foo", "a/b/foo"))
        XCTAssertTrue(Wildmatch.matches("foo/**", "foo/a/b"))
        XCTAssertFalse(Wildmatch.matches("foo/**", "foo"))
        XCTAssertTrue(Wildmatch.matches("a/**/b", "a/b"))
        XCTAssertTrue(Wildmatch.matches("a/**/b", "a/x/y/b"))
        XCTAssertFalse(Wildmatch.matches("a**/b", "ax/y/b"))
        XCTAssertTrue(Wildmatch.matches("a**/b", "axy/b"))
        XCTAssertFalse(Wildmatch.matches("a/**b", "a/x/b"))
        XCTAssertTrue(Wildmatch.matches("a/**b", "a/xb"))
        XCTAssertTrue(Wildmatch.matches("**", "a/b/c"))
        XCTAssertTrue(Wildmatch.matches("a/\\**", "a/*x"))
    }

    // MARK: - Parsing

    private func rules(_ text: String, base: String = "", file: String = "f") -> [GitignoreRule] {
        parseGitignore(Array(text.utf8), baseDirectory: base, file: file)
    }

    private func rule(_ line: String, base: String = "") -> GitignoreRule {
        GitignoreRule(line: line, origin: RuleOrigin(file: "t", line: 1, text: line), baseDirectory: base)!
    }

    func testParsingSkipsBlankLinesAndCommentsAndCountsEveryLine() {
        let parsed = rules("# comment\n\n*.log\n  \n\\#hash\n#another\n!keep.log\n")
        XCTAssertEqual(parsed.map(\.origin.line), [3, 4, 5, 7])
        XCTAssertEqual(parsed.map(\.pattern), ["*.log", "", "\\#hash", "keep.log"])
        XCTAssertEqual(parsed[2].origin, RuleOrigin(file: "f", line: 5, text: "\\#hash"))
        XCTAssertTrue(parsed[2].matches(path: "#hash", isDirectory: false))
        XCTAssertFalse(parsed[1].matches(path: "x", isDirectory: false), "a blank pattern matches nothing")
        XCTAssertTrue(parsed[3].isNegated)
    }

    func testParsingHandlesCRLFBomAndMissingFinalNewline() {
        let parsed = parseGitignore([0xEF, 0xBB, 0xBF] + Array("a\r\nb/\r\nc".utf8), baseDirectory: "", file: "f")
        XCTAssertEqual(parsed.map(\.pattern), ["a", "b", "c"])
        XCTAssertEqual(parsed.map(\.origin.text), ["a", "b/", "c"])
        XCTAssertEqual(parsed.map(\.origin.line), [1, 2, 3])
        XCTAssertTrue(parsed[1].directoryOnly)
        XCTAssertTrue(parsed[0].matches(path: "x/a", isDirectory: false))
    }

    func testTrailingSpaces() {
        let trimmed = rule("a.txt   ")
        XCTAssertEqual(trimmed.pattern, "a.txt")
        XCTAssertTrue(trimmed.matches(path: "a.txt", isDirectory: false))
        XCTAssertEqual(trimmed.origin.text, "a.txt   ")
        let escaped = rule("b\\ ")
        XCTAssertTrue(escaped.matches(path: "b ", isDirectory: false))
        XCTAssertFalse(escaped.matches(path: "b", isDirectory: false))
        let escapedThenSpaces = rule("c\\   ")
        XCTAssertEqual(escapedThenSpaces.pattern, "c\\ ")
        XCTAssertTrue(escapedThenSpaces.matches(path: "c ", isDirectory: false))
        XCTAssertEqual(rule("d  \\").pattern, "d  \\", "a trailing backslash stops the trimming")
        XCTAssertFalse(rule("d  \\").matches(path: "d  ", isDirectory: false))
        XCTAssertEqual(rule("e\t").pattern, "e\t", "only spaces are trimmed")
    }

    func testNegationAndItsEscape() {
        let negated = rule("!a")
        XCTAssertTrue(negated.isNegated)
        XCTAssertTrue(negated.matches(path: "a", isDirectory: false))
        let literal = rule("\\!a")
        XCTAssertFalse(literal.isNegated)
        XCTAssertTrue(literal.matches(path: "!a", isDirectory: false))
        XCTAssertFalse(literal.matches(path: "a", isDirectory: false))
    }

    func testTrailingSlashMeansDirectoryOnly() {
        let directory = rule("build/")
        XCTAssertTrue(directory.directoryOnly)
        XCTAssertTrue(directory.matchesBasename, "the trailing slash does not anchor")
        XCTAssertTrue(directory.matches(path: "x/build", isDirectory: true))
        XCTAssertFalse(directory.matches(path: "x/build", isDirectory: false))
        let anchored = rule("a/b/")
        XCTAssertFalse(anchored.matchesBasename)
        XCTAssertTrue(anchored.matches(path: "a/b", isDirectory: true))
        XCTAssertFalse(anchored.matches(path: "x/a/b", isDirectory: true))
    }

    func testSlashAnchorsToTheBaseDirectory() {
        XCTAssertTrue(rule("/a").matches(path: "a", isDirectory: false))
        XCTAssertFalse(rule("/a").matches(path: "x/a", isDirectory: false))
        XCTAssertTrue(rule("a").matches(path: "x/y/a", isDirectory: false))
        XCTAssertTrue(rule("a/b").matches(path: "a/b", isDirectory: false))
        XCTAssertFalse(rule("a/b").matches(path: "x/a/b", isDirectory: false))
        // In a nested file, patterns are relative to its directory.
        let nested = rule("/c", base: "a/b/")
        XCTAssertTrue(nested.matches(path: "a/b/c", isDirectory: false))
        XCTAssertFalse(nested.matches(path: "c", isDirectory: false))
        XCTAssertFalse(nested.matches(path: "a/b/x/c", isDirectory: false))
        let nestedName = rule("c", base: "a/b")
        XCTAssertEqual(nestedName.baseDirectory, "a/b/")
        XCTAssertTrue(nestedName.matches(path: "a/b/x/c", isDirectory: false))
        XCTAssertFalse(nestedName.matches(path: "a/c", isDirectory: false), "outside its directory")
    }

    func testFastPathsAgreeWithWildmatch() {
        XCTAssertEqual(rule("*.log").matcher, .basenameSuffix)
        XCTAssertEqual(rule("name").matcher, .basenameLiteral)
        XCTAssertEqual(rule("[ab]*").matcher, .basenameGlob)
        XCTAssertEqual(rule("/a/b").matcher, .pathLiteral)
        XCTAssertEqual(rule("a/b/*").matcher, .pathPrefixThenStar)
        XCTAssertEqual(rule("a/**").matcher, .pathPrefixThenAnything)
        XCTAssertEqual(rule("a/*/b").matcher, .pathGlob)
        let paths = ["a.log", "x/a.log", ".log", "a.logx", "name", "x/name", "a/b", "a/b/c", "a/b/c/d", "a/x/b", "a", "b"]
        for line in ["*.log", "name", "[ab]*", "/a/b", "a/b/*", "a/**", "a/*/b", "*", "/*", "**"] {
            let parsed = rule(line)
            var pattern = parsed.pattern
            if !parsed.matchesBasename && pattern.hasPrefix("/") { pattern.removeFirst() }
            for path in paths {
                let subject = parsed.matchesBasename ? String(path.split(separator: "/").last!) : path
                let options: Wildmatch.Options = parsed.matchesBasename ? [] : .pathname
                XCTAssertEqual(parsed.matches(path: path, isDirectory: false),
                               Wildmatch.matches(pattern, subject, options: options), "\(line) vs \(path)")
            }
        }
    }

    func testGeneratedLinesKeepTheirOrigins() {
        let include = RuleOrigin(file: ".naner/include", line: 4, text: ".config/nvim/")
        let sync = RuleOrigin(file: ".syncignore", line: 9, text: "*.swp")
        let parsed = parseGitignore(lines: [(pattern: "/*", origin: include),
                                            (pattern: "# comment", origin: include),
                                            (pattern: "*.swp  ", origin: sync),
                                            (pattern: "a\nb", origin: sync)],
                                    baseDirectory: "")
        XCTAssertEqual(parsed.map(\.pattern), ["/*", "*.swp", "a", "b"])
        XCTAssertEqual(parsed.map(\.origin), [include, sync, sync, sync])
        XCTAssertNil(GitignoreRule(line: "# note", origin: include))
        XCTAssertNil(GitignoreRule(line: "", origin: include))
    }

    func testCharacterClasses() {
        XCTAssertTrue(rule("[ab].c").matches(path: "x/b.c", isDirectory: false))
        XCTAssertFalse(rule("[ab].c").matches(path: "c.c", isDirectory: false))
        XCTAssertTrue(rule("[!a]x").matches(path: "bx", isDirectory: false))
        XCTAssertFalse(rule("[!a]x").matches(path: "ax", isDirectory: false))
        XCTAssertTrue(rule("[^a]x").matches(path: "bx", isDirectory: false))
        XCTAssertTrue(rule("file[0-9]").matches(path: "file7", isDirectory: false))
        XCTAssertFalse(rule("file[0-9]").matches(path: "filex", isDirectory: false))
        XCTAssertTrue(rule("[[:digit:]]*").matches(path: "1abc", isDirectory: false))
        XCTAssertFalse(rule("[[:digit:]]*").matches(path: "abc", isDirectory: false))
        XCTAssertTrue(rule("[[:upper:]][[:lower:]]").matches(path: "Ab", isDirectory: false))
        XCTAssertFalse(rule("a[/]b").matches(path: "a/b", isDirectory: false), "a class never matches '/'")
        XCTAssertFalse(rule("[[:bogus:]]").matches(path: "a", isDirectory: false))
    }

    func testEscapes() {
        XCTAssertTrue(rule("\\*").matches(path: "*", isDirectory: false))
        XCTAssertFalse(rule("\\*").matches(path: "a", isDirectory: false))
        XCTAssertTrue(rule("a\\?").matches(path: "a?", isDirectory: false))
        XCTAssertFalse(rule("a\\?").matches(path: "ab", isDirectory: false))
        XCTAssertTrue(rule("\\[ab]").matches(path: "[ab]", isDirectory: false))
        XCTAssertTrue(rule("\\a\\b").matches(path: "ab", isDirectory: false))
    }

    // MARK: - Stack

    private var scratch: [String] = []

    override func tearDown() {
        for directory in scratch { try? FileManager.default.removeItem(atPath: directory) }
        scratch = []
        super.tearDown()
    }

    private func makeTree(_ files: [String: String] = [:], directories: [String] = []) -> String {
        let root = NSTemporaryDirectory() + "naner-gitignore-" + UUID().uuidString
        scratch.append(root)
        let manager = FileManager.default
        try! manager.createDirectory(atPath: root, withIntermediateDirectories: true)
        for directory in directories {
            try! manager.createDirectory(atPath: root + "/" + directory, withIntermediateDirectories: true)
        }
        for (path, text) in files {
            let url = URL(fileURLWithPath: root + "/" + path)
            try! manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try! Data(text.utf8).write(to: url)
        }
        return root
    }

    private func stack(_ exclude: String, root: String? = nil) -> IgnoreStack {
        IgnoreStack(root: root ?? makeTree(), baseRules: rules(exclude, file: "exclude"))
    }

    func testFileUnderExcludedDirectoryCannotBeReincluded() {
        // libgit2 gets this wrong; git does not.
        let stack = stack("/logs/\n*.log\n!/logs/keep.log\n")
        let decision = stack.check("logs/keep.log", isDirectory: false)
        XCTAssertTrue(decision.ignored)
        XCTAssertEqual(decision.deciding?.origin.line, 1)
        XCTAssertEqual(stack.check("logs", isDirectory: true).deciding?.origin.line, 1)
        XCTAssertFalse(stack.check("logs", isDirectory: false).ignored, "a file named logs is not the directory")
        XCTAssertEqual(stack.check("keep.log", isDirectory: false).deciding?.origin.line, 2)
        XCTAssertTrue(stack.check("other/x.log", isDirectory: false).ignored)
    }

    func testWhitelist() {
        let stack = stack("/*\n!/.bashrc\n!/.config/\n/.config/*\n!/.config/nvim/\n")
        func verdict(_ path: String, _ isDirectory: Bool) -> (Bool, Int?) {
            let decision = stack.check(path, isDirectory: isDirectory)
            return (decision.ignored, decision.deciding?.origin.line)
        }
        XCTAssertTrue(verdict(".bashrc", false) == (false, 2))
        XCTAssertTrue(verdict(".zshrc", false) == (true, 1))
        XCTAssertTrue(verdict(".config", true) == (false, 3))
        XCTAssertTrue(verdict(".config/git", true) == (true, 4))
        XCTAssertTrue(verdict(".config/git/config", false) == (true, 4))
        XCTAssertTrue(verdict(".config/nvim", true) == (false, 5))
        XCTAssertTrue(verdict(".config/nvim/init.lua", false) == (false, nil))
        XCTAssertTrue(verdict(".config/nvim/lua/plugins.lua", false) == (false, nil))
        XCTAssertTrue(verdict(".local/share/x", false) == (true, 1))
        XCTAssertTrue(verdict(".config", false) == (true, 1), "a file named .config is not re-included")
    }

    func testDoubleStarCache() {
        let stack = stack("**/cache/*\n")
        XCTAssertTrue(stack.check("cache/x", isDirectory: false).ignored)
        XCTAssertTrue(stack.check("a/b/cache/x", isDirectory: false).ignored)
        XCTAssertTrue(stack.check("a/cache/x/y", isDirectory: false).ignored)
        XCTAssertFalse(stack.check("cache", isDirectory: true).ignored)
        XCTAssertFalse(stack.check("a/cache", isDirectory: true).ignored)
        XCTAssertFalse(stack.check("cachex/y", isDirectory: false).ignored)
    }

    func testGemCache() {
        let stack = stack(".gem/ruby/*/cache/*\n")
        XCTAssertTrue(stack.check(".gem/ruby/3.0.0/cache/rake.gem", isDirectory: false).ignored)
        XCTAssertTrue(stack.check(".gem/ruby/3.0.0/cache/dir/file", isDirectory: false).ignored)
        XCTAssertFalse(stack.check(".gem/ruby/3.0.0/x/cache/y", isDirectory: false).ignored)
        XCTAssertFalse(stack.check(".gem/ruby/cache/y", isDirectory: false).ignored)
        XCTAssertFalse(stack.check("x/.gem/ruby/3.0.0/cache/y", isDirectory: false).ignored)
    }

    func testDoubleStarPatterns() {
        let middle = stack("a/**/b\n")
        for path in ["a/b", "a/x/b", "a/x/y/b"] { XCTAssertTrue(middle.check(path, isDirectory: false).ignored, path) }
        for path in ["xa/b", "a/bc", "x/a/b"] { XCTAssertFalse(middle.check(path, isDirectory: false).ignored, path) }
        let leading = stack("**/foo\n")
        for path in ["foo", "x/foo", "x/y/foo", "foo/z"] { XCTAssertTrue(leading.check(path, isDirectory: false).ignored, path) }
        XCTAssertFalse(leading.check("foox", isDirectory: false).ignored)
        let trailing = stack("foo/**\n")
        XCTAssertTrue(trailing.check("foo/x", isDirectory: false).ignored)
        XCTAssertTrue(trailing.check("foo/x/y", isDirectory: false).ignored)
        XCTAssertFalse(trailing.check("foo", isDirectory: true).ignored)
        XCTAssertFalse(trailing.check("x/foo/y", isDirectory: false).ignored)
    }

    func testGitStripsTheLiteralPrefixBeforeWildmatch() {
        // git matches `x/a**` as prefix `x/a` + wildmatch("**", rest), so the
        // stars cross '/': visible once the directory itself is re-included.
        let stack = stack("x/a**\n!x/ab\n")
        XCTAssertFalse(stack.check("x/ab", isDirectory: true).ignored)
        XCTAssertEqual(stack.check("x/ab/c", isDirectory: false).deciding?.origin.line, 1)
    }

    func testNestedGitignoresTakePrecedenceAndStayInTheirDirectory() {
        let root = makeTree([
            ".gitignore": "*.tmp\n!keep.tmp\n",
            "a/.gitignore": "!*.tmp\n/only-here\nlocal\n",
            "a/b/.gitignore": "*.tmp\n",
        ])
        let stack = stack("*.tmp\nonly-here\n", root: root)
        XCTAssertEqual(stack.check("x.tmp", isDirectory: false).deciding?.origin, RuleOrigin(file: ".gitignore", line: 1, text: "*.tmp"))
        XCTAssertFalse(stack.check("keep.tmp", isDirectory: false).ignored)
        XCTAssertFalse(stack.check("a/x.tmp", isDirectory: false).ignored)
        XCTAssertEqual(stack.check("a/x.tmp", isDirectory: false).deciding?.origin.file, "a/.gitignore")
        XCTAssertTrue(stack.check("a/b/x.tmp", isDirectory: false).ignored)
        XCTAssertEqual(stack.check("a/b/x.tmp", isDirectory: false).deciding?.origin.file, "a/b/.gitignore")
        XCTAssertEqual(stack.check("a/only-here", isDirectory: false).deciding?.origin.file, "a/.gitignore")
        XCTAssertEqual(stack.check("a/c/only-here", isDirectory: false).deciding?.origin.file, "exclude")
        XCTAssertEqual(stack.check("only-here", isDirectory: false).deciding?.origin.file, "exclude")
        XCTAssertFalse(stack.check("local", isDirectory: false).ignored, "a/.gitignore does not reach the root")
        XCTAssertTrue(stack.check("a/c/local", isDirectory: false).ignored)
    }

    func testGitignoreInsideAnIgnoredDirectoryIsNotRead() {
        let root = makeTree(["skip/.gitignore": "!*\n", "skip/file": ""])
        let stack = stack("skip/\n", root: root)
        XCTAssertTrue(stack.check("skip/file", isDirectory: false).ignored)
        XCTAssertEqual(stack.check("skip/file", isDirectory: false).deciding?.origin.line, 1)
    }

    func testCheckWithoutKnownTypeUsesLstat() {
        let root = makeTree(["dir/file": "", "plain": ""])
        symlink(root + "/dir", root + "/link")
        let stack = stack("dir/\nplain/\nlink/\nmissing/\n", root: root)
        XCTAssertTrue(stack.check("dir").ignored)
        XCTAssertFalse(stack.check("plain").ignored)
        XCTAssertFalse(stack.check("link").ignored, "a symlink to a directory is not a directory")
        XCTAssertFalse(stack.check("missing").ignored)
        XCTAssertTrue(stack.check("missing/").ignored)
    }

    func testWalkerEntriesAgreeWithCheck() {
        let root = makeTree(["a/.gitignore": "*.o\n!keep.o\n"])
        let base = "/*\n!/a/\n/a/*\n!/a/src/\n*.log\n"
        let walker = stack(base, root: root)
        walker.loadGitignore(directory: "a/", bytes: Array("*.o\n!keep.o\n".utf8))
        let checker = stack(base, root: root)
        let entries: [(String, String, Bool)] = [
            ("", "a", true), ("", "b", false), ("a/", "src", true), ("a/", "doc", true),
            ("a/src/", "x.o", false), ("a/src/", "keep.o", false), ("a/src/", "x.log", false),
            ("a/src/", "main.c", false), ("a/src/", "sub", true),
        ]
        for (parent, name, isDirectory) in entries {
            XCTAssertEqual(walker.isIgnoredEntry(parentDirectory: parent, name: name, isDirectory: isDirectory),
                           checker.check(parent + name, isDirectory: isDirectory).ignored, parent + name)
            XCTAssertEqual(walker.isIgnoredEntry(parentDirectory: parent, name: Array(name.utf8), isDirectory: isDirectory),
                           checker.check(parent + name, isDirectory: isDirectory).ignored, parent + name)
        }
    }

    func testWalkerSpeed() {
        var lines: [String] = ["/*"]
        for index in 0..<40 {
            lines += ["!/.dir\(index)/", "/.dir\(index)/*", "*.ext\(index)"]
        }
        let stack = IgnoreStack(root: "/nonexistent-naner", baseRules: rules(lines.joined(separator: "\n")))
        XCTAssertEqual(lines.count, 121)
        let names = (0..<20_000).map { Array("file\($0).txt".utf8) }
        let start = DispatchTime.now().uptimeNanoseconds
        var ignored = 0
        // Like the walker: all entries of one directory in a row.
        let parents = (0..<40).map { ".dir\($0)/" }
        for (index, name) in names.enumerated() {
            let parent = parents[index / 500]
            if stack.isIgnoredEntry(parentDirectory: parent, name: name, isDirectory: false) { ignored += 1 }
        }
        let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        print("isIgnoredEntry: 20,000 entries × 121 rules in \(milliseconds) ms")
        XCTAssertEqual(ignored, 20_000)
        XCTAssertLessThan(milliseconds, 2_000)
    }

    // MARK: - The index against the plain scan

    /// The straightforward decision that the index must reproduce: every rule
    /// of every level, the deepest level first (`levels` are the base rules,
    /// then the `.gitignore` files from the root down), in a level the last
    /// matching rule.
    static func plainDecidingRule(_ path: [UInt8], basenameStart: Int, isDirectory: Bool,
                                  levels: [[GitignoreRule]]) -> GitignoreRule? {
        path.withUnsafeBufferPointer { path in
            for rules in levels.reversed() {
                for rule in rules.reversed()
                where rule.matches(path: path, basenameStart: basenameStart, isDirectory: isDirectory) {
                    return rule
                }
            }
            return nil
        }
    }

    /// The levels for the entries of `directory` ("" or "a/b/"): the base
    /// rules, then the `.gitignore` of every directory from the root down to it.
    static func plainLevels(_ directory: String, base: [GitignoreRule],
                            gitignores: [String: [GitignoreRule]]) -> [[GitignoreRule]] {
        var levels = [base]
        if let root = gitignores[""] { levels.append(root) }
        let bytes = Array(directory.utf8)
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "/") {
            if let own = gitignores[String(decoding: bytes[...offset], as: UTF8.self)] { levels.append(own) }
        }
        return levels
    }

    /// `check` the plain way: each parent directory is decided first, and its
    /// `.gitignore` counts only when it is not ignored.
    static func plainCheck(_ path: String, isDirectory: Bool, base: [GitignoreRule],
                           gitignores: [String: [GitignoreRule]]) -> GitignoreRule? {
        let bytes = Array(path.utf8)
        var levels = [base]
        if let root = gitignores[""] { levels.append(root) }
        var start = 0
        while let slash = bytes[start...].firstIndex(of: UInt8(ascii: "/")) {
            if let rule = plainDecidingRule(Array(bytes[..<slash]), basenameStart: start, isDirectory: true, levels: levels),
               !rule.isNegated {
                return rule
            }
            start = slash + 1
            if let own = gitignores[String(decoding: bytes[..<start], as: UTF8.self)] { levels.append(own) }
        }
        return plainDecidingRule(bytes, basenameStart: start, isDirectory: isDirectory, levels: levels)
    }

    static func sameRule(_ a: GitignoreRule?, _ b: GitignoreRule?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case let (a?, b?):
            return a.origin == b.origin && a.pattern == b.pattern && a.isNegated == b.isNegated
                && a.directoryOnly == b.directoryOnly && a.baseDirectory == b.baseDirectory
        default: return false
        }
    }

    static func describe(_ rule: GitignoreRule?) -> String {
        guard let rule else { return "nothing" }
        return "\(rule.origin.file):\(rule.origin.line):\(rule.origin.text)"
    }

    /// Pattern pieces aimed at every shortcut: literal and suffix tables,
    /// `*` alone, general globs, brackets, escapes (a trailing backslash
    /// escapes the '/' that may follow), `**` in all its forms.
    static let indexSegments = ["a", "b", "ab", "cache", "Cache", ".config", "Code", "User", "node_modules", ".DS_Store",
                                "x.log", "foo", "foo.tar.gz", "*.log", "*.gz", "*.tar.gz", "*~", "*", "*o", "a*", "foo*",
                                ".#*", "[ab]*", "?", "b?", "*a*", "[!a]", "\\*", "a\\?", "[[:alpha:]]*", "**", "***", "a**",
                                "**a", "\\a", "[", "a[b", "c\\", "[a-c]x", "ca?he", "*ache", "\\[ab]", "x[/]y", "*.", "."]
    static let indexNames = ["a", "b", "ab", "ba", "c", "cache", "Cache", ".config", "Code", "User", "node_modules",
                             ".DS_Store", "x.log", ".log", "log", "foo", "foo.tar.gz", "a.gz", "tar.gz", "x~", "~", "o",
                             "io", "foox", ".#x", "[ab]", "*", "?", "a?", "\\", "!a", "#x", "b ", "xy", "x", "y", ".",
                             String(repeating: "ab", count: 40), "q" + String(repeating: "z", count: 70),
                             String(repeating: "z", count: 63), String(repeating: "z", count: 64)]
    static let longPatterns = [String(repeating: "ab", count: 40), String(repeating: "z", count: 63),
                               String(repeating: "z", count: 64), "*" + String(repeating: "z", count: 62),
                               "*" + String(repeating: "z", count: 63), "*" + String(repeating: "z", count: 70),
                               String(repeating: "a/", count: 35) + "*", String(repeating: "*/", count: 40) + "b",
                               String(repeating: "?", count: 62) + "/*", "/" + String(repeating: "z", count: 66) + "/*"]

    static func indexPattern(_ random: inout SeededGenerator) -> String {
        func segment() -> String { random.pick(indexSegments) }
        var pattern: String
        switch random.below(15) {
        case 0, 1, 2, 3: pattern = segment()
        case 4: pattern = "/" + segment()
        case 5: pattern = segment() + "/" + segment()
        case 6: pattern = (random.chance(50) ? "/" : "") + segment() + "/" + segment() + "/" + segment()
        case 7: pattern = "**/" + segment() + (random.chance(50) ? "/" + segment() : "")
        case 8: pattern = segment() + "/**" + (random.chance(50) ? "/" + segment() : "")
        case 9: pattern = segment() + "/**/" + segment()
        case 10: pattern = ".config/" + random.pick(["*", "Code", "*/Cache", "Code/*", "*/" + segment(), segment() + "/*"])
        case 11: pattern = random.pick(["!", "/", "//", "\\!a", "\\#x", "!/", "!*", "*/", "/*", "**/*", "***/b", "a/***",
                                        "/*/*", "*/*/*", "a/b/c/d", "**/**", "/**", "a/**/", "x/foo**"])
        case 12: pattern = random.pick(longPatterns)
        case 13: pattern = segment() + segment() + (random.chance(50) ? "/" + segment() + segment() : "")
        default: pattern = segment() + "/*"
        }
        if random.chance(25) && !pattern.hasSuffix("/") { pattern += "/" }
        if random.chance(25) { pattern = "!" + pattern }
        if random.chance(5) { pattern += "  " }
        return pattern
    }

    static func indexRuleFile(_ random: inout SeededGenerator, lines count: Int) -> [UInt8] {
        var lines: [String] = []
        for _ in 0..<count { lines.append(random.chance(5) ? "# comment" : indexPattern(&random)) }
        return Array(lines.joined(separator: "\n").utf8)
    }

    static func indexName(_ random: inout SeededGenerator) -> [UInt8] {
        switch random.below(40) {
        case 0: return []
        case 1: return Array("a/b".utf8)
        case 2: return Array("x/".utf8)
        case 3: return [0x61, 0xFF, 0x62]
        case 4: return [0x61, 0x00, 0x62]
        case 5, 6, 7, 8:
            let alphabet = Array("abcoxz.~*?[]\\ !#".utf8)
            return (0..<(1 + random.below(6))).map { _ in random.pick(alphabet) }
        default: return Array(random.pick(indexNames).utf8)
        }
    }

    static func indexDirectory(_ random: inout SeededGenerator) -> String {
        var directory = ""
        for _ in 0..<random.below(5) {
            var name = random.pick(indexNames.filter { $0.count < 20 })
            if random.chance(2) { name = "n\u{0}ul" }
            directory += name + "/"
        }
        return directory
    }

    /// A random walk over directories (runs in one directory, returns to a
    /// parent, jumps), with `.gitignore` files handed in and replaced on
    /// the way and `check` calls in between: the walker entry points must
    /// name exactly the rule the plain scan names, and `check` the rule the
    /// plain parent-first decision names.
    func testIndexAgreesWithThePlainScan() {
        let seed = ProcessInfo.processInfo.environment["NANER_INDEX_SEED"].flatMap { UInt64($0) } ?? 0x696E_6465_78
        let trials = ProcessInfo.processInfo.environment["NANER_INDEX_TRIALS"].flatMap { Int($0) } ?? 400
        var random = SeededGenerator(state: seed)
        var failures: [String] = []
        var compared = 0, checked = 0, ignored = 0, decidedByAnchored = 0, decidedByNested = 0
        for trial in 0..<trials {
            let baseText = Self.indexRuleFile(&random, lines: 1 + random.below(30))
            let base = parseGitignore(baseText, baseDirectory: "", file: "exclude")
            let readsInTree = !random.chance(10)
            let stack = IgnoreStack(root: "/nonexistent-naner-index", baseRules: base, readInTreeGitignores: readsInTree)
            var gitignores: [String: [GitignoreRule]] = [:]
            var texts: [String: [UInt8]] = [:]
            var directories = (0..<(2 + random.below(8))).map { _ in Self.indexDirectory(&random) }
            // Every ancestor may be visited, and may hold a .gitignore.
            for directory in directories {
                var prefix = ""
                for component in directory.split(separator: "/", omittingEmptySubsequences: false).dropLast() {
                    prefix += component + "/"
                    directories.append(prefix)
                }
            }
            directories.append("")
            func load(_ directory: String) {
                let text = Self.indexRuleFile(&random, lines: 1 + random.below(8))
                stack.loadGitignore(directory: directory, bytes: text)
                if readsInTree {
                    gitignores[directory] = parseGitignore(text, baseDirectory: directory, file: directory + ".gitignore")
                    texts[directory] = text
                }
            }
            for _ in 0..<random.below(4) { load(random.pick(directories)) }

            var current = random.pick(directories)
            for _ in 0..<150 {
                switch random.below(100) {
                case 0..<70: break
                case 70..<80:
                    // Back to the parent, as the walker does after a subdirectory.
                    var bytes = Array(current.utf8.dropLast())
                    while let last = bytes.last, last != UInt8(ascii: "/") { bytes.removeLast() }
                    current = String(decoding: bytes, as: UTF8.self)
                case 80..<97: current = random.pick(directories)
                default: load(random.pick(directories))
                }
                let name = Self.indexName(&random)
                let isDirectory = random.chance(40)
                var path = Array(current.utf8)
                path += name
                let levels = Self.plainLevels(current, base: base, gitignores: gitignores)
                let expected = Self.plainDecidingRule(path, basenameStart: current.utf8.count, isDirectory: isDirectory,
                                                      levels: levels)
                let found = name.withUnsafeBufferPointer {
                    stack.decidingRule(parentDirectory: current, name: $0, isDirectory: isDirectory)
                }
                let answer = stack.isIgnoredEntry(parentDirectory: current, name: name, isDirectory: isDirectory)
                compared += 1
                if expected.map({ !$0.isNegated }) ?? false { ignored += 1 }
                if let expected, !expected.matchesBasename { decidedByAnchored += 1 }
                if let expected, expected.origin.file != "exclude" { decidedByNested += 1 }
                func context() -> String {
                    "seed \(seed) trial \(trial), reads in-tree files: \(readsInTree)\n--- exclude:\n"
                        + String(decoding: baseText, as: UTF8.self) + "\n"
                        + texts.sorted { $0.key < $1.key }
                            .map { "--- \($0.key.debugDescription).gitignore:\n\(String(decoding: $0.value, as: UTF8.self))\n" }
                            .joined()
                        + "entry \(String(decoding: name, as: UTF8.self).debugDescription) of \(current.debugDescription)"
                        + (isDirectory ? " (directory)" : "")
                }
                if !Self.sameRule(found, expected) {
                    failures.append("\(context()): index says \(Self.describe(found)), plain scan \(Self.describe(expected))")
                }
                if answer != (expected.map { !$0.isNegated } ?? false) {
                    failures.append("\(context()): isIgnoredEntry says \(answer), plain scan \(Self.describe(expected))")
                }
                if let text = String(validating: name, as: UTF8.self),
                   stack.isIgnoredEntry(parentDirectory: current, name: text, isDirectory: isDirectory) != answer {
                    failures.append("\(context()): the String entry point disagrees")
                }
                if random.chance(15), !name.isEmpty, !name.contains(UInt8(ascii: "/")),
                   let text = String(validating: name, as: UTF8.self) {
                    let full = current + text
                    let decision = stack.check(full, isDirectory: isDirectory)
                    let plain = Self.plainCheck(full, isDirectory: isDirectory, base: base, gitignores: gitignores)
                    checked += 1
                    if !Self.sameRule(decision.deciding, plain) || decision.ignored != (plain.map { !$0.isNegated } ?? false) {
                        failures.append("\(context()): check(\(full.debugDescription)) says \(Self.describe(decision.deciding)), "
                            + "plain \(Self.describe(plain))")
                    }
                }
            }
        }
        print("index vs plain scan: seed \(seed), \(trials) rule sets, \(compared) entries (\(ignored) ignored, "
              + "\(decidedByAnchored) by an anchored rule, \(decidedByNested) by an in-tree .gitignore), "
              + "\(checked) checks, \(failures.count) disagreements")
        XCTAssertGreaterThan(decidedByAnchored, 1_000)
        XCTAssertGreaterThan(decidedByNested, 1_000)
        for failure in failures.prefix(10) { XCTFail(failure) }
        XCTAssertTrue(failures.isEmpty, "\(failures.count) disagreements (seed \(seed))")
    }

    /// One rule file's index alone: tables plus the rest, for any path and
    /// basename start, including an empty basename or one holding '/'.
    func testPackedRulesAgreeWithTheirLinearScan() {
        var random = SeededGenerator(state: 0x7061_636B)
        var failures: [String] = []
        var matched = 0
        for trial in 0..<300 {
            let baseDirectory = random.pick(["", "", "a/", "a/b/", "cache/"])
            let text = Self.indexRuleFile(&random, lines: 1 + random.below(40))
            var rules = parseGitignore(text, baseDirectory: baseDirectory, file: "f")
            if random.chance(20) {
                // Mixed bases: only possible through the base rules' initializer.
                rules += parseGitignore(Self.indexRuleFile(&random, lines: 5), baseDirectory: "a/", file: "g")
            }
            let packed = PackedRules(rules)
            for _ in 0..<100 {
                let directory = random.chance(70) ? baseDirectory + Self.indexDirectory(&random) : Self.indexDirectory(&random)
                let path = Array(directory.utf8) + Self.indexName(&random)
                var basenameStart = path.count
                while basenameStart > 0 && path[basenameStart - 1] != UInt8(ascii: "/") { basenameStart -= 1 }
                if random.chance(10) { basenameStart = random.below(path.count + 1) }
                let isDirectory = random.chance(40)
                let (fast, plain) = path.withUnsafeBufferPointer {
                    (packed.lastMatch($0, basenameStart: basenameStart, isDirectory: isDirectory),
                     packed.linearLastMatch($0, basenameStart: basenameStart, isDirectory: isDirectory))
                }
                if plain != nil { matched += 1 }
                if !Self.sameRule(fast, plain) {
                    failures.append("trial \(trial): \(String(decoding: path, as: UTF8.self).debugDescription) from "
                        + "\(basenameStart): index \(Self.describe(fast)), linear \(Self.describe(plain))\n"
                        + String(decoding: text, as: UTF8.self))
                }
            }
        }
        XCTAssertGreaterThan(matched, 5_000)
        for failure in failures.prefix(10) { XCTFail(failure) }
        XCTAssertTrue(failures.isEmpty, "\(failures.count) disagreements")
    }

    /// The per-directory automaton never drops a rule that can match: for
    /// each anchored pattern and directory, if some entry matches, the rule
    /// must be alive and able to finish there.
    func testAutomatonIsASupersetOfWildmatch() {
        var random = SeededGenerator(state: 0x6E66_61)
        var checked = 0
        for _ in 0..<3_000 {
            var pattern = Self.indexPattern(&random)
            if pattern.hasPrefix("!") { pattern.removeFirst() }
            guard let rule = GitignoreRule(line: pattern, origin: RuleOrigin(file: "t", line: 1, text: pattern)),
                  !rule.matchesBasename, let automaton = RuleIndex.automaton(rule.matchBytes) else { continue }
            let packed = PackedRules([rule])
            let index = packed.index
            XCTAssertEqual(index.pointee.trackedCount, 1, pattern)
            XCTAssertEqual(automaton.canFinish & (1 << UInt64(automaton.tokens.count)), 1 << UInt64(automaton.tokens.count))
            for _ in 0..<20 {
                let directory = Array(Self.indexDirectory(&random).utf8)
                var name = Self.indexName(&random)
                if name.isEmpty || name.contains(UInt8(ascii: "/")) { name = [UInt8(ascii: "a")] }
                let path = directory + name
                let matches = path.withUnsafeBufferPointer {
                    rule.matches(path: $0, basenameStart: directory.count, isDirectory: true)
                }
                let states = directory.withUnsafeBufferPointer {
                    index.pointee.advance(0, index.pointee.initialStates(0), over: $0, nulInText: RuleIndex.holdsNul($0))
                }
                if matches {
                    checked += 1
                    XCTAssertTrue(states != 0 && index.pointee.canFinish(0, states),
                                  "\(pattern) matches \(String(decoding: path, as: UTF8.self)) but the automaton dropped it")
                }
            }
        }
        XCTAssertGreaterThan(checked, 500)
    }

    func testWalkerEntriesWithUnusualDirectoriesAndNames() {
        // A NUL ends the text for wildmatch, as in C: `a/*x` then matches
        // "a/x" + NUL + "y/z". Directories on disk never hold one, but the
        // entry points take any string.
        let stack = stack("a/*x\na/*\n!*.keep\n**/cache/*\n/b/**/c/\n")
        let cases: [(String, String, Bool)] = [
            ("a/x\u{0}y/", "z", true), ("a/xy/", "z", false), ("a/x/", "z", false), ("a/", "z", true),
            ("a/", "z.keep", false), ("d/cache/", "x", true), ("d/cache/e/", "x", false), ("b/", "c", true),
            ("b/x/y/", "c", true), ("b/x/y/", "d", false), ("b", "c", true),
        ]
        for (parent, name, expected) in cases {
            let isDirectory = name == "c"
            XCTAssertEqual(stack.isIgnoredEntry(parentDirectory: parent, name: name, isDirectory: isDirectory), expected,
                           parent.debugDescription + " " + name)
        }
        // Names the walker never passes: empty, or holding '/'. Plain scan.
        XCTAssertTrue(stack.isIgnoredEntry(parentDirectory: "", name: "a/x", isDirectory: false))
        XCTAssertFalse(stack.isIgnoredEntry(parentDirectory: "", name: "", isDirectory: false))
    }

    func testWalkerSeesGitignoresThatCheckRead() {
        // The walker entry points read nothing from disk, but count what
        // `check` has read, from the next call on, even in the same directory.
        let root = makeTree(["a/.gitignore": "*.o\n", "a/b/x.o": ""])
        let stack = stack("*.log\n", root: root)
        XCTAssertFalse(stack.isIgnoredEntry(parentDirectory: "a/b/", name: "x.o", isDirectory: false))
        XCTAssertTrue(stack.isIgnoredEntry(parentDirectory: "a/b/", name: "x.log", isDirectory: false))
        XCTAssertTrue(stack.check("a/b/x.o", isDirectory: false).ignored)
        XCTAssertTrue(stack.isIgnoredEntry(parentDirectory: "a/b/", name: "x.o", isDirectory: false))
        let rule = Array("y.o".utf8).withUnsafeBufferPointer {
            stack.decidingRule(parentDirectory: "a/", name: $0, isDirectory: false)
        }
        XCTAssertEqual(rule?.origin.file, "a/.gitignore")
    }

    // MARK: - Oracle: the git CLI

    /// SplitMix64: small, seedable, and the same on every platform.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
        mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    }

    static let patternSegments = ["a", "b", ".x", "dir", "cache", "logs", "*.log", "?", "[ab]", "*", "a*", "*a",
                                  "x.log", "keep.log", "[!a]*", "[a-c]", "b?", "\\*", "[[:alpha:]]*", "\\[ab]",
                                  "b\\ ", "\\!a", "\\#x", "**a", "a**"]
    static let pathNames = ["a", "b", ".x", "dir", "cache", "logs", "x.log", "a.log", "keep.log", "ab", "ba", "c",
                            "!a", "#x", "*", "[ab]", "b "]

    static func randomPattern(_ random: inout SeededGenerator) -> String {
        func segment() -> String { random.pick(patternSegments) }
        var pattern: String
        switch random.below(12) {
        case 0, 1, 2: pattern = segment()
        case 3: pattern = "/" + segment()
        case 4: pattern = (random.chance(50) ? "/" : "") + segment() + "/" + segment()
        case 5: pattern = "**/" + segment()
        case 6: pattern = segment() + "/**"
        case 7: pattern = segment() + "/**/" + segment()
        case 8: pattern = segment() + "/" + segment() + "/" + segment()
        case 9: pattern = random.pick(["**", "/*", "*/", "**/*.log", "*/" + segment(), "/" + segment() + "/*",
                                       segment() + "**/" + segment(), "**/" + segment() + "/**",
                                       segment() + "/*/" + segment()])
        case 10: pattern = "/" + segment() + "/" + segment() + (random.chance(50) ? "/*" : "")
        default: pattern = segment() + "/*"
        }
        if random.chance(30) && !pattern.hasSuffix("/") { pattern += "/" }
        if random.chance(30) { pattern = "!" + pattern }
        if random.chance(8) { pattern += "  " }
        return pattern
    }

    static func randomRuleFile(_ random: inout SeededGenerator, lines count: Int) -> String {
        var lines: [String] = []
        for _ in 0..<count {
            switch random.below(20) {
            case 0: lines.append("# comment")
            case 1: lines.append("")
            default: lines.append(randomPattern(&random))
            }
        }
        // Now and then a BOM or CRLF line endings, which git strips.
        let newline = random.chance(10) ? "\r\n" : "\n"
        return (random.chance(5) ? "\u{FEFF}" : "") + lines.joined(separator: newline) + (random.chance(80) ? newline : "")
    }

    struct Trial {
        var exclude: String
        var gitignores: [String: String] // directory ("" or "a/") → text
        var paths: [String]
        var directories: Set<String>
    }

    static func randomTrial(_ random: inout SeededGenerator) -> Trial {
        var gitignores: [String: String] = [:]
        var nested: [String] = []
        if random.chance(40) {
            for _ in 0..<(1 + random.below(2)) {
                let directory = random.pick(["a/", "dir/", "a/b/", "cache/", ".x/dir/", "logs/", "a/dir/"])
                if gitignores[directory] != nil { continue }
                gitignores[directory] = randomRuleFile(&random, lines: 1 + random.below(5))
                nested.append(directory)
            }
        }
        if random.chance(20) { gitignores[""] = randomRuleFile(&random, lines: 1 + random.below(4)) }
        let exclude = randomRuleFile(&random, lines: 2 + random.below(7))

        var paths: [String] = []
        var seen = Set<String>()
        while paths.count < 20 {
            var components: [String] = []
            if !nested.isEmpty, random.chance(50) {
                components = random.pick(nested).split(separator: "/").map(String.init)
            }
            for _ in 0..<(1 + random.below(components.isEmpty ? 4 : 3)) { components.append(random.pick(pathNames)) }
            let path = components.joined(separator: "/")
            if seen.insert(path).inserted { paths.append(path) }
        }
        // Every prefix of a path is a directory; the rest are directories at random.
        var directories = Set<String>()
        for path in paths + nested.map({ String($0.dropLast()) }) {
            var prefix = ""
            for component in path.split(separator: "/").dropLast() {
                prefix += (prefix.isEmpty ? "" : "/") + component
                directories.insert(prefix)
            }
        }
        for directory in nested { directories.insert(String(directory.dropLast())) }
        for path in paths where !directories.contains(path) && random.chance(35) { directories.insert(path) }
        return Trial(exclude: exclude, gitignores: gitignores, paths: paths, directories: directories)
    }

    @discardableResult
    static func run(_ arguments: [String], in directory: String, input: String = "") -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = ["HOME": directory, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
                               "PATH": "/usr/bin:/bin", "LC_ALL": "C"]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try! process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try! stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self)
    }

    /// `git check-ignore -v -n` line → (source, line, pattern as printed), nil for "::".
    static func parseVerbose(_ line: Substring) -> (path: String, source: String, line: Int, pattern: String)? {
        guard let tab = line.firstIndex(of: "\t") else { return nil }
        let path = String(line[line.index(after: tab)...])
        let left = line[..<tab]
        if left == "::" { return (path, "", 0, "") }
        let parts = left.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let number = Int(parts[1]) else { return nil }
        return (path, String(parts[0]), number, String(parts[2]))
    }

    func testAgainstGitCheckIgnore() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/git") else {
            throw XCTSkip("git is not installed")
        }
        let seed = ProcessInfo.processInfo.environment["NANER_GITIGNORE_SEED"].flatMap { UInt64($0) }
            ?? 0x6E61_6E65_7221
        let trials = ProcessInfo.processInfo.environment["NANER_GITIGNORE_TRIALS"].flatMap { Int($0) } ?? 150
        var random = SeededGenerator(state: seed)
        var mismatches: [String] = []
        var compared = 0, ignoredCount = 0, negatedCount = 0, parentDecided = 0, nestedDecided = 0
        // One repository, its work tree emptied and rebuilt for every trial.
        let root = makeTree()
        Self.run(["init", "-q"], in: root)
        let manager = FileManager.default
        for trialNumber in 0..<trials {
            let trial = Self.randomTrial(&random)
            for name in try manager.contentsOfDirectory(atPath: root) where name != ".git" {
                try manager.removeItem(atPath: root + "/" + name)
            }
            for directory in trial.directories.sorted() {
                try manager.createDirectory(atPath: root + "/" + directory, withIntermediateDirectories: true)
            }
            try Data(trial.exclude.utf8).write(to: URL(fileURLWithPath: root + "/.git/info/exclude"))
            for (directory, text) in trial.gitignores {
                try Data(text.utf8).write(to: URL(fileURLWithPath: root + "/" + directory + ".gitignore"))
            }
            for path in trial.paths where !trial.directories.contains(path) {
                _ = manager.createFile(atPath: root + "/" + path, contents: Data())
            }
            let output = Self.run(["-c", "core.excludesFile=/dev/null", "check-ignore", "--no-index", "-v", "-n", "--stdin"],
                                  in: root, input: trial.paths.map { $0 + "\n" }.joined())
            let lines = output.split(separator: "\n")
            let stack = IgnoreStack(root: root, baseRules: parseGitignore(Array(trial.exclude.utf8), baseDirectory: "",
                                                                            file: ".git/info/exclude"))
            func describe() -> String {
                "seed \(seed) trial \(trialNumber)\n--- .git/info/exclude:\n\(trial.exclude)\n"
                    + trial.gitignores.sorted(by: { $0.key < $1.key })
                        .map { "--- \($0.key).gitignore:\n\($0.value)\n" }.joined()
                    + "--- directories: \(trial.directories.sorted())"
            }
            guard lines.count == trial.paths.count else {
                mismatches.append("\(describe())\ngit printed \(lines.count) lines for \(trial.paths.count) paths:\n\(output)")
                continue
            }
            for (path, line) in zip(trial.paths, lines) {
                guard let git = Self.parseVerbose(line), git.path == path else {
                    mismatches.append("\(describe())\ncannot read git's line '\(line)' for '\(path)'")
                    continue
                }
                compared += 1
                let gitIgnored = !git.source.isEmpty && !git.pattern.hasPrefix("!")
                let ours = stack.check(path)
                var oursPattern = ""
                if let rule = ours.deciding {
                    oursPattern = (rule.isNegated ? "!" : "") + rule.pattern + (rule.directoryOnly ? "/" : "")
                }
                let agree = gitIgnored == ours.ignored
                    && git.source == (ours.deciding?.origin.file ?? "")
                    && git.line == (ours.deciding?.origin.line ?? 0)
                    && git.pattern == oursPattern
                if !agree {
                    mismatches.append("\(describe())\npath '\(path)' (\(trial.directories.contains(path) ? "directory" : "file")): "
                        + "git says '\(line)', naner says ignored=\(ours.ignored) "
                        + "by \(ours.deciding.map { "\($0.origin.file):\($0.origin.line):\(oursPattern)" } ?? "nothing")")
                }
                if gitIgnored { ignoredCount += 1 }
                if git.pattern.hasPrefix("!") { negatedCount += 1 }
                if git.source != ".git/info/exclude" && !git.source.isEmpty { nestedDecided += 1 }
                if let rule = ours.deciding, !rule.isNegated,
                   !rule.matches(path: path, isDirectory: trial.directories.contains(path)) { parentDecided += 1 }
            }
            mismatches += walkerDisagreements(root: root, trial: trial).map { "\(describe())\n\($0)" }
        }
        print("git check-ignore oracle: seed \(seed), \(trials) rule sets, \(compared) paths compared "
              + "(\(ignoredCount) ignored, \(negatedCount) negated matches, \(parentDecided) decided by a parent, "
              + "\(nestedDecided) by an in-tree .gitignore), \(mismatches.count) disagreements")
        XCTAssertGreaterThanOrEqual(compared, 1_200)
        for mismatch in mismatches.prefix(15) { XCTFail(mismatch) }
        XCTAssertTrue(mismatches.isEmpty, "\(mismatches.count) disagreements with git (seed \(seed))")
    }

    /// Walks the trial's tree the way naner's walker does (listing, handing in
    /// each `.gitignore`, skipping ignored directories) and checks every entry
    /// against `check`, including everything below skipped directories.
    private func walkerDisagreements(root: String, trial: Trial) -> [String] {
        let baseRules = parseGitignore(Array(trial.exclude.utf8), baseDirectory: "", file: ".git/info/exclude")
        let walker = IgnoreStack(root: root, baseRules: baseRules)
        let checker = IgnoreStack(root: root, baseRules: baseRules)
        var problems: [String] = []
        func walk(_ directory: String, parentIgnored: Bool) {
            let absolute = directory.isEmpty ? root : root + "/" + directory.dropLast()
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: absolute)) ?? []).sorted()
            if !parentIgnored, names.contains(".gitignore"),
               let data = FileManager.default.contents(atPath: absolute + "/.gitignore") {
                walker.loadGitignore(directory: directory, bytes: Array(data))
            }
            for name in names where !(directory.isEmpty && name == ".git") {
                var isDirectory: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: absolute + "/" + name, isDirectory: &isDirectory)
                let expected = checker.check(directory + name, isDirectory: isDirectory.boolValue).ignored
                let walked = parentIgnored
                    || walker.isIgnoredEntry(parentDirectory: directory, name: name, isDirectory: isDirectory.boolValue)
                if walked != expected {
                    problems.append("walker says ignored=\(walked) for '\(directory + name)', check says \(expected)")
                }
                if isDirectory.boolValue { walk(directory + name + "/", parentIgnored: walked) }
            }
        }
        walk("", parentIgnored: false)
        return problems
    }
}
