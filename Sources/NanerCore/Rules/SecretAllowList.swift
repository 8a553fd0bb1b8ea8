/// `.naner/allowed-secrets`: files committed although a secret rule matches them — the
/// way out of a false positive, written by `naner secret allow PATH [--rule ID]` and
/// tracked, so every machine agrees. One `RULE PATH` line each (`*`: every rule), the
/// path quoted as `.naner/modes` quotes it; `naner doctor` lists them.
public struct SecretAllowList: Equatable, Sendable {
    public static let path = ".naner/allowed-secrets"
    static let header = "# naner: files committed although a secret rule matches them (naner secret allow PATH [--rule ID]).\n"
        + "# One line each: a rule id, or * for every rule, then the path.\n"

    public struct Entry: Equatable, Sendable {
        public let path: String
        /// nil: every rule.
        public let rule: String?
    }

    public private(set) var entries: [Entry] = []
    /// Lines that say nothing naner can use, by line number: `naner doctor` names them.
    public private(set) var unusableLines: [Int] = []

    public init() {}

    public init(text: String) {
        // "\r\n" is one Character in Swift: both line ends split.
        for (number, line) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            guard let space = line.firstIndex(of: " ") else {
                unusableLines.append(number + 1)
                continue
            }
            let rule = String(line[..<space])
            let path = ModeTable.unquote(String(line[line.index(after: space)...]))
            guard !path.isEmpty, rule == "*" || SecretRules.ids.contains(rule) else {
                unusableLines.append(number + 1)
                continue
            }
            entries.append(Entry(path: path, rule: rule == "*" ? nil : rule))
        }
    }

    /// The table as the tree holds it; empty when there is none (or it cannot be read).
    public static func load(home: String) -> SecretAllowList {
        (try? FileReader.read(home + "/" + path)).map { SecretAllowList(text: String(decoding: $0, as: UTF8.self)) } ?? SecretAllowList()
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// The rules `path` may match.
    public func allowance(for path: String) -> SecretAllowance {
        var allowance = SecretAllowance()
        for entry in entries where entry.path == path {
            if let rule = entry.rule { allowance.rules.insert(rule) } else { allowance.everything = true }
        }
        return allowance
    }

    /// Adds a line; false when the table allows that already.
    public mutating func allow(_ path: String, rule: String?) -> Bool {
        let allowance = allowance(for: path)
        if allowance.everything || rule.map(allowance.rules.contains) == true { return false }
        entries.append(Entry(path: path, rule: rule))
        return true
    }

    public var text: String {
        var result = SecretAllowList.header
        for entry in entries { result += (entry.rule ?? "*") + " " + ModeTable.quote(entry.path) + "\n" }
        return result
    }
}
