/// The tracked list of what naner manages (`.naner/include`): one path a line,
/// relative to the home, a trailing `/` for a folder, `#` comments. Edits keep
/// the user's comments and order.
public struct IncludeList: Equatable, Sendable {
    public static let path = ".naner/include"

    public struct Entry: Equatable, Sendable {
        /// Relative path without a trailing slash.
        public let path: String
        public let isFolder: Bool
        /// 1-based line in the file, for messages.
        public let line: Int

        public var written: String { isFolder ? path + "/" : path }
    }

    private(set) var lines: [String]
    public private(set) var entries: [Entry]

    public init(text: String, file: String = IncludeList.path) throws {
        // Split on the byte: Swift reads "\r\n" as one Character, so a list saved with CRLF
        // line ends would be one line.
        var lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        if lines.last == "" { lines.removeLast() }
        self.lines = lines
        self.entries = []
        for (offset, raw) in lines.enumerated() {
            if let entry = try IncludeList.parse(raw, line: offset + 1, file: file) { entries.append(entry) }
        }
    }

    public var text: String { lines.map { $0 + "\n" }.joined() }

    /// The entry that covers `path` (itself or a folder above it), if any.
    public func entry(covering path: String) -> Entry? {
        entries.first { $0.path == path || ($0.isFolder && path.hasPrefix($0.path + "/")) }
    }

    public func entry(exactly path: String) -> Entry? {
        entries.first { $0.path == path }
    }

    public mutating func append(path: String, isFolder: Bool) {
        let line = isFolder ? path + "/" : path
        lines.append(line)
        entries.append(Entry(path: path, isFolder: isFolder, line: lines.count))
    }

    /// Removes the entry for `path` and every entry below it; returns what was removed.
    public mutating func remove(pathAndBelow path: String) -> [Entry] {
        let removed = entries.filter { $0.path == path || $0.path.hasPrefix(path + "/") }
        let removedLines = Set(removed.map(\.line))
        lines = lines.enumerated().filter { !removedLines.contains($0.offset + 1) }.map(\.element)
        self = try! IncludeList(text: text)
        return removed
    }

    /// One line: blank and `#` lines are comments; backslashes are separators;
    /// a leading `/` or `./` is the home itself.
    static func parse(_ raw: String, line: Int, file: String) throws -> Entry? {
        var text = raw
        while let last = text.last, last == "\r" || last == " " || last == "\t" { text.removeLast() }
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        if text.isEmpty || text.hasPrefix("#") { return nil }
        text = text.replacingAll("\\", with: "/")
        let isFolder = text.hasSuffix("/")
        var components = text.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if components.first == "~" || components.first == "." { components.removeFirst() }
        if components.contains("..") || components.contains(".") {
            throw NanerError.malformedIncludeEntry(file: file, line: line, reason: "'\(raw)' leaves the home folder")
        }
        guard !components.isEmpty else {
            throw NanerError.malformedIncludeEntry(file: file, line: line, reason: "'\(raw)' names the whole home folder")
        }
        if let glob = components.first(where: { $0.contains(where: { "*?[".contains($0) }) }) {
            throw NanerError.malformedIncludeEntry(
                file: file, line: line, reason: "'\(glob)' is a pattern; the include list takes plain paths")
        }
        // Joined by hand: `joined(separator:)`'s first use costs more than all of this.
        var path = components[0]
        for component in components.dropFirst() { path += "/" + component }
        return Entry(path: path, isFolder: isFolder, line: line)
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        guard contains(target) else { return self }
        return split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
