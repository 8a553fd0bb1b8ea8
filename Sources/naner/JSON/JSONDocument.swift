import FoundationEssentials

/// What `--json` prints: one document on stdout with sorted keys, two-space
/// indentation and `/` unescaped, the shape the README's table promises scripts.
/// Each document is an `Encodable` type in this folder, so its keys are checked
/// by the compiler; `JSONSchemaTests` holds them to the README.
protocol JSONDocument: Encodable {}

extension JSONDocument {
    var jsonText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
