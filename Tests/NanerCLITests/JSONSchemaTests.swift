import Foundation
import XCTest

/// Every `--json` document against the README's table ("Every command a script
/// reads has `--json`…"): the real binary runs each documented command on a
/// sandbox home, in states that fill every documented array and optional key,
/// and each document's keys must be exactly the README's. A key renamed, added
/// or dropped on either side fails; a `?` key may be absent from one document
/// but must appear in some; `…` is not checked.
final class JSONSchemaTests: XCTestCase {
    // MARK: - The README's notation

    /// What the README says a JSON value looks like.
    indirect enum Shape: Equatable {
        /// `…`, `[…]`, `{…text}`, or a bare key: not checked.
        case unchecked
        /// A placeholder such as `path` in `[path]`: a string, number or boolean.
        case scalar
        /// `"a|b|c"`: a string, one of these (a single example such as `"0600"` is any string).
        case string(oneOf: [String])
        case object([Key])
        case array(Shape)
        /// `SHAPE | null`.
        case nullable(Shape)
    }

    struct Key: Equatable {
        let name: String
        /// `"key"?`: may be absent.
        let optional: Bool
        let shape: Shape
    }

    /// One row of the table: `| \`status --json\` | \`{…}\` notes |`.
    struct Row {
        /// The command as documented, split into words: `["show", "NAME", "--json"]`.
        let words: [String]
        let shape: Shape
        /// The prose after the document, e.g. `(a real run adds "safetyPoint" and "commit")`.
        let note: String

        var key: String { words.prefix { !$0.hasPrefix("-") && $0 == $0.lowercased() }.joined(separator: " ") }
    }

    struct ParseError: Error, CustomStringConvertible {
        let description: String
    }

    /// A recursive-descent reader of the README's notation.
    struct ShapeParser {
        private let scalars: [Character]
        private var index = 0

        init(_ text: String) {
            scalars = Array(text)
        }

        static func parse(_ text: String) throws -> Shape {
            var parser = ShapeParser(text)
            let shape = try parser.value()
            parser.skipSpaces()
            guard parser.index == parser.scalars.count else { throw parser.failure("text after the document") }
            return shape
        }

        private func failure(_ what: String) -> ParseError {
            ParseError(description: "\(what) at \(index) in \(String(scalars))")
        }

        private var next: Character? { index < scalars.count ? scalars[index] : nil }

        private mutating func skipSpaces() {
            while next == " " { index += 1 }
        }

        private mutating func expect(_ character: Character) throws {
            skipSpaces()
            guard next == character else { throw failure("expected '\(character)'") }
            index += 1
        }

        mutating func value() throws -> Shape {
            skipSpaces()
            let shape: Shape
            switch next {
            case "{"?: shape = try object()
            case "["?: shape = try array()
            case "\""?:
                let text = try string()
                shape = text.contains("|") ? .string(oneOf: text.split(separator: "|").map(String.init)) : .string(oneOf: [])
            case "…"?:
                index += 1
                shape = .unchecked
            case let character? where character.isLetter:
                while let character = next, character.isLetter || character.isNumber { index += 1 }
                shape = .scalar
            default: throw failure("expected a value")
            }
            skipSpaces()
            if next == "|" {
                index += 1
                skipSpaces()
                for character in "null" { try expect(character) }
                return .nullable(shape)
            }
            return shape
        }

        private mutating func string() throws -> String {
            try expect("\"")
            var text = ""
            while let character = next, character != "\"" {
                text.append(character)
                index += 1
            }
            try expect("\"")
            return text
        }

        private mutating func object() throws -> Shape {
            try expect("{")
            skipSpaces()
            if next == "…" {
                // `{…BACKUP-MANIFEST.json fields}`: described in prose, not checked here.
                while let character = next, character != "}" { index += 1 }
                try expect("}")
                return .unchecked
            }
            var keys: [Key] = []
            while true {
                skipSpaces()
                if next == "}" { break }
                let name = try string()
                var optional = false
                if next == "?" {
                    optional = true
                    index += 1
                }
                skipSpaces()
                var shape = Shape.unchecked
                if next == ":" {
                    index += 1
                    shape = try value()
                }
                keys.append(Key(name: name, optional: optional, shape: shape))
                skipSpaces()
                guard next == "," else { break }
                index += 1
            }
            try expect("}")
            return .object(keys)
        }

        private mutating func array() throws -> Shape {
            try expect("[")
            let element = try value()
            try expect("]")
            return .array(element)
        }
    }

    /// The README at the top of the package, found from this file.
    static func readme() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
    }

    /// The rows of the table that follows "Every command a script reads has `--json`".
    static func rows(_ readme: String) throws -> [Row] {
        let lines = readme.components(separatedBy: "\n")
        guard let start = lines.firstIndex(where: { $0.hasPrefix("Every command a script reads has `--json`") }) else {
            throw ParseError(description: "the README has no '--json' paragraph")
        }
        var rows: [Row] = []
        var inTable = false
        for line in lines[start...] {
            guard line.hasPrefix("|") else {
                if inTable { break }
                continue
            }
            inTable = true
            // Cells split on unescaped pipes; `\|` is a pipe inside a cell.
            let cells = line.replacingOccurrences(of: "\\|", with: "\u{0}")
                .split(separator: "|", omittingEmptySubsequences: false)
                .map { $0.replacingOccurrences(of: "\u{0}", with: "|").trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 3, cells[1].hasPrefix("`"), cells[1].hasSuffix("`") else { continue }  // the header and its rule
            let command = String(cells[1].dropFirst().dropLast())
            let document = cells[2]
            guard document.hasPrefix("`"), let end = document.dropFirst().firstIndex(of: "`") else {
                throw ParseError(description: "no `document` in the row for '\(command)'")
            }
            let shape = try ShapeParser.parse(String(document[document.index(after: document.startIndex)..<end]))
            rows.append(Row(words: command.split(separator: " ").map(String.init), shape: shape,
                            note: String(document[document.index(after: end)...])))
        }
        return rows
    }

    // MARK: - Checking a document

    /// Object shapes (by their place in the document) that some document showed,
    /// and the optional keys some document held: both must cover the README.
    private var checkedObjects: Set<String> = []
    private var seenOptionalKeys: Set<String> = []

    private func check(_ value: Any, _ shape: Shape, at place: String, extraKeys: [String] = [], _ failures: inout [String]) {
        switch shape {
        case .unchecked:
            break
        case .scalar:
            if value is [Any] || value is [String: Any] || value is NSNull { failures.append("\(place): expected a plain value, got \(value)") }
        case .string(let allowed):
            guard let text = value as? String else {
                failures.append("\(place): expected a string, got \(value)")
                return
            }
            if !allowed.isEmpty && !allowed.contains(text) { failures.append("\(place): '\(text)' is not one of \(allowed)") }
        case .nullable(let inner):
            if !(value is NSNull) { check(value, inner, at: place, extraKeys: extraKeys, &failures) }
        case .array(let element):
            guard let list = value as? [Any] else {
                failures.append("\(place): expected an array, got \(value)")
                return
            }
            for item in list { check(item, element, at: place + "[]", &failures) }
        case .object(let keys):
            guard let object = value as? [String: Any] else {
                failures.append("\(place): expected an object, got \(value)")
                return
            }
            checkedObjects.insert(place)
            let documented = Set(keys.map(\.name) + extraKeys)
            // Keys a note adds for this run ("a real run adds …") are required in it.
            let required = Set(keys.filter { !$0.optional }.map(\.name) + extraKeys)
            let actual = Set(object.keys)
            for missing in required.subtracting(actual).sorted() { failures.append("\(place): the README's key '\(missing)' is missing") }
            for extra in actual.subtracting(documented).sorted() { failures.append("\(place): key '\(extra)' is not in the README") }
            for key in keys {
                guard let field = object[key.name] else { continue }
                if key.optional { seenOptionalKeys.insert(place + "." + key.name) }
                check(field, key.shape, at: place + "." + key.name, &failures)
            }
        }
    }

    /// Every object shape and optional key of a row, by place, to compare with what was seen.
    private func places(_ shape: Shape, at place: String, objects: inout Set<String>, optionals: inout Set<String>) {
        switch shape {
        case .unchecked, .scalar, .string: break
        case .nullable(let inner): places(inner, at: place, objects: &objects, optionals: &optionals)
        case .array(let element): places(element, at: place + "[]", objects: &objects, optionals: &optionals)
        case .object(let keys):
            objects.insert(place)
            for key in keys {
                if key.optional { optionals.insert(place + "." + key.name) }
                places(key.shape, at: place + "." + key.name, objects: &objects, optionals: &optionals)
            }
        }
    }

    // MARK: - Running the documented commands

    /// The documented command with its placeholders filled in.
    private func arguments(_ row: Row, _ fill: [String: [String]]) -> [String] {
        row.words.flatMap { word -> [String] in
            if let values = fill[word] { return values }
            XCTAssertFalse(word == word.uppercased() && word.first?.isLetter == true, "no value for '\(word)' in '\(row.key)'")
            return [word]
        }
    }

    func testEveryDocumentHasTheREADMEsKeys() throws {
        let rows = try Self.rows(Self.readme())
        let byKey = Dictionary(rows.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        XCTAssertEqual(Set(byKey.keys), ["status", "backups", "show", "restore", "sync", "doctor", "ignore check", "secret list",
                                            "variant list"],
                       "the README's table and this test name the same commands")
        XCTAssertEqual(byKey.count, rows.count, "one row a command")
        guard let status = byKey["status"], let backups = byKey["backups"], let show = byKey["show"],
              let restore = byKey["restore"], let sync = byKey["sync"], let doctor = byKey["doctor"],
              let ignoreCheck = byKey["ignore check"], let secretList = byKey["secret list"],
              let variantList = byKey["variant list"] else { return }

        var documents: [(row: Row, arguments: [String], json: Any, extraKeys: [String])] = []
        func run(_ sandbox: Sandbox, _ row: Row, _ fill: [String: [String]] = [:], drop: Set<String> = [], add: [String] = [],
                 extraKeys: [String] = [], status expected: Int32 = 0, file: StaticString = #filePath, line: UInt = #line) {
            let arguments = arguments(row, fill).filter { !drop.contains($0) } + add
            let result = sandbox.naner(arguments)
            XCTAssertExit(result, expected, file: file, line: line)
            guard let json = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) else {
                XCTFail("\(arguments): not JSON:\n\(result.stdout)", file: file, line: line)
                return
            }
            documents.append((row, arguments, json, extraKeys))
        }

        // Two machines sharing a cloud folder, as the README's sync section has them.
        let first = try Sandbox()
        let cloud = first.root + "/cloud/Naner-Config.git"
        let provider = ["--provider", "custom", "--path", cloud]
        try first.makeTypicalHome()
        XCTAssertExit(first.naner("init"), 0)
        run(first, status)  // clean, no upstream, no merge
        run(first, doctor)  // healthy
        XCTAssertExit(first.naner("backup", "--name", "before", "-m", "before the edits"), 0)
        XCTAssertExit(first.naner(["sync"] + provider), 0)
        let second = try Sandbox()
        XCTAssertExit(second.naner("init", "--from", cloud), 0)

        // A commit after the backup, so restoring it records a commit.
        try first.write(".config/nvim/init.vim", "set norelativenumber\n")
        XCTAssertExit(first.naner("commit", "-m", "first: nvim"), 0)

        // Every kind of status entry: modified, new, deleted, excluded (with its rule),
        // refused, skipped (too large), permissions; an upstream as of the last sync.
        try first.write(".bashrc", "edited\n")
        try first.write(".config/nvim/new.vim", "new\n")
        try FileManager.default.removeItem(atPath: first.home + "/.config/kitty/kitty.conf")
        try first.write(".syncignore", String(decoding: first.read(".syncignore")!, as: UTF8.self) + ".gitconfig\n")
        try first.write(".config/tool/token.conf", "token = ghp_0123456789abcdefghijABCDEFGHIJ012345\n")
        try first.write(".config/big.conf", String(repeating: "x", count: 4096) + "\n")
        XCTAssertExit(first.git("config", "naner.maxFileSize", "1024"), 0)
        chmod(first.home + "/.ssh/config", 0o644)
        run(first, status)
        run(first, ignoreCheck, ["PATH…": [".bashrc", ".gitconfig", ".cache/x", ".config/nvim", "Projects/web/index.html"]])
        // A path below a link: the link is named.
        let linked = try Sandbox()
        try linked.write("dotfiles/nvim/init.lua", "vim.o.number = true\n")
        try FileManager.default.createDirectory(atPath: linked.home + "/.config", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: linked.home + "/.config/nvim", withDestinationPath: "../dotfiles/nvim")
        XCTAssertExit(linked.naner("init"), 0)
        run(linked, ignoreCheck, ["PATH…": [".config/nvim/init.lua", ".config/nvim"]])
        // A file stored encrypted (`naner secret add`), not committed yet.
        try linked.write(".netrc", "machine example.com login ann password Xy7pQ2rT9zLm\n", mode: 0o600)
        XCTAssertExit(linked.naner(["secret", "add", ".netrc"], environment: ["NANER_PASSPHRASE": "a long and memorable phrase"]), 0)
        run(linked, secretList)
        // A file that varies per host (`naner variant add`).
        XCTAssertExit(linked.naner("variant", "add", ".netrc"), 0)
        run(linked, variantList)
        run(first, restore, ["SOURCE": ["before"]])
        run(first, restore, ["SOURCE": ["before"]], drop: ["--dry-run"], add: ["--force"], extraKeys: Self.realRunKeys(restore))
        run(first, backups)  // a backup and the restore's safety point
        run(first, show, ["NAME": ["before"]])
        let safety = try XCTUnwrap(first.git("for-each-ref", "--format=%(refname:lstrip=3)", "refs/naner/safety").lines.first)
        run(first, show, ["NAME": [safety]])  // no manifest: null

        // Commits on both sides, a file each way, an uncommitted edit.
        XCTAssertExit(first.naner("commit", "-m", "first: after the restore"), 0)
        XCTAssertExit(first.naner(["sync"] + provider), 0)
        try second.write(".config/kitty/kitty.conf", "font_size 14\n")
        XCTAssertExit(second.naner("commit", "-m", "second: kitty"), 0)
        try second.write(".vimrc", "uncommitted\n")
        run(second, sync, add: ["--remote", "origin"])
        run(second, sync, add: ["--provider", "custom", "--path", second.root + "/nowhere.git"])  // a remote not made yet

        // A sync merge stopped on a conflict: mergeConflicts lists the file.
        XCTAssertExit(second.naner("commit", "-m", "second: vim"), 0)
        try first.write(".vimrc", "first's vim\n")
        XCTAssertExit(first.naner("commit", "-m", "first: vim"), 0)
        XCTAssertExit(first.naner(["sync"] + provider), 0)
        XCTAssertExit(second.naner("sync", "pull"), 3)
        run(second, status)

        // Findings, one of them fixed; an https remote with its CA and proxy settings (nothing listens there).
        _ = FileManager.default.createFile(atPath: first.repo + "/index.lock", contents: nil)
        XCTAssertExit(first.naner("remote", "add", "web", "https://localhost:1/config.git"), 0)
        XCTAssertExit(first.git("config", "http.sslCAPath", first.root), 0)
        XCTAssertExit(first.git("config", "http.sslVerify", "false"), 0)
        // A file allowed to match a rule (`naner secret allow`): listed, never a finding.
        XCTAssertExit(first.naner("secret", "allow", ".config/tool/token.conf", "--rule", "github-token"), 0)
        run(first, doctor, status: 1)
        XCTAssertExit(first.naner("remote", "remove", "web"), 0)
        _ = FileManager.default.createFile(atPath: first.repo + "/index.lock", contents: nil)
        run(first, doctor, add: ["--fix"])  // healthy once fixed

        var failures: [String] = []
        for document in documents {
            var found: [String] = []
            check(document.json, document.row.shape, at: document.row.key, extraKeys: document.extraKeys, &found)
            for failure in found.map({ "\(document.arguments.joined(separator: " ")): \($0)" }) where !failures.contains(failure) {
                failures.append(failure)  // once, not once an array element
            }
        }
        XCTAssertEqual(failures, [], "documents that differ from the README's table")

        // Each documented object was seen (a non-empty array of it, a non-null value),
        // and each optional key held by some document, so a rename of either is caught.
        var objects: Set<String> = [], optionals: Set<String> = []
        for row in rows { places(row.shape, at: row.key, objects: &objects, optionals: &optionals) }
        XCTAssertEqual(objects.subtracting(checkedObjects).sorted(), [], "documented objects no run produced")
        XCTAssertEqual(optionals.subtracting(seenOptionalKeys).sorted(), [], "documented optional keys no run produced")
    }

    /// The keys a real (not dry) run adds, from the row's note: `(a real run adds "safetyPoint" and "commit")`.
    static func realRunKeys(_ row: Row) -> [String] {
        guard let range = row.note.range(of: "a real run adds") else { return [] }
        let tail = row.note[range.upperBound...]
        return tail.split(separator: "\"", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }

    /// The notation reader on the README's own forms, so a misreading cannot pass silently.
    func testReadsTheREADMEsNotation() throws {
        XCTAssertEqual(try ShapeParser.parse(#"{"a", "b"?: [{"c", "d": "x|y"}] | null, "e": […], "f": {…prose} | null, "g": [path]}"#),
                       .object([
                           Key(name: "a", optional: false, shape: .unchecked),
                           Key(name: "b", optional: true, shape: .nullable(.array(.object([
                               Key(name: "c", optional: false, shape: .unchecked),
                               Key(name: "d", optional: false, shape: .string(oneOf: ["x", "y"])),
                           ])))),
                           Key(name: "e", optional: false, shape: .array(.unchecked)),
                           Key(name: "f", optional: false, shape: .nullable(.unchecked)),
                           Key(name: "g", optional: false, shape: .array(.scalar)),
                       ]))
        XCTAssertThrowsError(try ShapeParser.parse(#"{"a" "b"}"#))
        let rows = try Self.rows(Self.readme())
        XCTAssertEqual(rows.count, 9, "\(rows.map(\.key))")
        let restore = try XCTUnwrap(rows.first { $0.key == "restore" })
        XCTAssertEqual(restore.words, ["restore", "SOURCE", "--dry-run", "--json"])
        XCTAssertEqual(Self.realRunKeys(restore), ["safetyPoint", "commit"])
        XCTAssertEqual(rows.first { $0.key == "ignore check" }?.words, ["ignore", "check", "--json", "PATH…"])
        guard case .object(let keys)? = rows.first(where: { $0.key == "status" })?.shape else { return XCTFail("status is an object") }
        XCTAssertEqual(keys.map(\.name), ["branch", "clean", "changes", "refused", "skipped", "permissionsChanged", "modeChanges", "upstream", "mergeConflicts", "waitingSecrets"])
    }
}
