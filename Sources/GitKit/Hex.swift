/// Lowercase hexadecimal, as git writes ids and checksums: byte by byte, no generic
/// `map`/`joined` (their first use alone costs a status 0.2 M instructions of metadata).
public enum Hex {
    public static func string(_ bytes: UnsafeRawBufferPointer) -> String {
        let digits: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: bytes.count * 2) { text in
            for (position, byte) in bytes.enumerated() {
                text[2 * position] = digits.utf8Start[Int(byte >> 4)]
                text[2 * position + 1] = digits.utf8Start[Int(byte & 15)]
            }
            return bytes.count * 2
        }
    }
}
