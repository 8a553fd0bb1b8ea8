/// Decodes the start of base64 text, as far as it is valid: enough for the guard to
/// see what a base64-wrapped PEM block says in its first line.
enum Base64Prefix {
    private static let values: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (value, character) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(character)] = Int8(value)
        }
        return table
    }()

    static func decode(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(text.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        for character in text {
            let value = values[Int(character)]
            guard value >= 0 else { break }
            buffer = buffer << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                decoded.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        return decoded
    }

    /// Whether `text` is base64 (padding allowed at its end only).
    static func isBase64(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !text.isEmpty else { return false }
        var padding = 0
        for character in text {
            if character == UInt8(ascii: "=") { padding += 1; continue }
            if padding > 0 || values[Int(character)] < 0 { return false }
        }
        return padding <= 2
    }
}
