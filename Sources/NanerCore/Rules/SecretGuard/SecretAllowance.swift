/// The rules a file may match and still be committed (`naner secret allow`).
public struct SecretAllowance: Sendable, Equatable {
    /// Every rule: the file is not scanned at all.
    public var everything: Bool
    public var rules: Set<String>

    public init(everything: Bool = false, rules: Set<String> = []) {
        self.everything = everything
        self.rules = rules
    }

    public static let none = SecretAllowance()

    func allows(_ rule: String) -> Bool { everything || rules.contains(rule) }
}
