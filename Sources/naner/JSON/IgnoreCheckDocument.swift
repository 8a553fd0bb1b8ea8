import NanerCore

/// `naner ignore check --json PATH…`: one answer a path, in the order given.
struct IgnoreCheckDocument: JSONDocument {
    let verdicts: [IgnoreVerdictEntry]

    init(_ verdicts: [IgnoreVerdict]) {
        self.verdicts = verdicts.map(IgnoreVerdictEntry.init)
    }

    /// The document is the list itself, not an object holding it.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(verdicts)
    }
}
