
/// Where a rule comes from, for telling the user which line decided.
public struct RuleOrigin: Sendable, Equatable {
    public let file: String
    /// 1-based line number in `file`.
    public let line: Int
    /// The line as written (without its line ending).
    public let text: String

    public init(file: String, line: Int, text: String) {
        self.file = file
        self.line = line
        self.text = text
    }
}
