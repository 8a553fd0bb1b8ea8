/// Base64 as age writes it: the standard alphabet, strict and canonical (unused
/// bits zero), without padding in headers and with it in armor. Anything else is
/// refused, so a header re-encodes to exactly the bytes its MAC covers.
enum AgeBase64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let values: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (index, character) in alphabet.enumerated() { table[Int(character)] = Int8(index) }
        return table
    }()

    /// Unpadded, as in stanzas and the MAC line (naner reads armor but does not write it).
    static func encode(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity((bytes.count + 2) / 3 * 4)
        var iterator = bytes.makeIterator()
        while let first = iterator.next() {
            let second = iterator.next(), third = second == nil ? nil : iterator.next()
            let value = UInt32(first) << 16 | UInt32(second ?? 0) << 8 | UInt32(third ?? 0)
            result.append(alphabet[Int(value >> 18 & 63)])
            result.append(alphabet[Int(value >> 12 & 63)])
            if second != nil { result.append(alphabet[Int(value >> 6 & 63)]) }
            if third != nil { result.append(alphabet[Int(value & 63)]) }
        }
        return result
    }

    /// nil unless `text` is the canonical encoding of some bytes.
    static func decode(_ text: some Collection<UInt8>, padded: Bool = false) -> [UInt8]? {
        var characters = Array(text)
        if padded {
            guard characters.count % 4 == 0 else { return nil }
            var padding = 0
            while padding < 2, characters.last == 0x3D {
                characters.removeLast()
                padding += 1
            }
        }
        guard characters.count % 4 != 1 else { return nil }
        var result: [UInt8] = []
        result.reserveCapacity(characters.count * 3 / 4)
        var accumulator: UInt32 = 0, bits = 0
        for character in characters {
            let value = values[Int(character)]
            guard value >= 0 else { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                result.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        // Canonical: the bits left over are zero.
        guard accumulator & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
        return result
    }
}
