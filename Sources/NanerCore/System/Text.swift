/// Trimming without Foundation's CharacterSet (in FoundationInternationalization, not
/// FoundationEssentials): the same sets, by Unicode scalar as CharacterSet trims.
extension StringProtocol {
    /// Without leading and trailing spaces and tabs (CharacterSet.whitespaces: Zs and tab).
    public func trimmingSpaces() -> String { trimmingScalars { isSpace($0) } }

    /// Without leading and trailing whitespace and line breaks (CharacterSet.whitespacesAndNewlines).
    public func trimmingSpacesAndNewlines() -> String {
        trimmingScalars { isSpace($0) || "\n\r\u{0B}\u{0C}\u{85}\u{2028}\u{2029}".unicodeScalars.contains($0) }
    }

    /// Without leading and trailing scalars that are in `set`.
    public func trimming(scalars set: String) -> String { trimmingScalars { set.unicodeScalars.contains($0) } }

    private func trimmingScalars(_ trimmed: (Unicode.Scalar) -> Bool) -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !trimmed($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !trimmed($0) })!
        var kept = String.UnicodeScalarView()
        kept.append(contentsOf: scalars[first...last])
        return String(kept)
    }

    private func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\t" || scalar.properties.generalCategory == .spaceSeparator
    }
}

extension StringProtocol {
    /// `%XX` escapes decoded (as Foundation's removingPercentEncoding, which lives in
    /// FoundationInternationalization here): nil when an escape is malformed or the
    /// bytes are not UTF-8.
    public var percentDecoded: String? {
        var bytes: [UInt8] = []
        var utf8 = self.utf8.makeIterator()
        while let byte = utf8.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = utf8.next().flatMap(Self.hexValue), let low = utf8.next().flatMap(Self.hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

extension Array where Element == UInt8 {
    /// These bytes with ASCII letters lowercased; others, UTF-8 sequences too, as they are.
    var lowercasedASCII: [UInt8] { map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 } }

    /// Whether `needle` occurs in these bytes (no String search: no Unicode, no generics).
    func containsBytes(_ needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        guard needle.count <= count else { return false }
        var start = 0
        while start + needle.count <= count {
            if self[start] == first && self[start..<(start + needle.count)].elementsEqual(needle) { return true }
            start += 1
        }
        return false
    }
}
