/// Bech32 (BIP 173) as age uses it for keys: `age1…` recipients and
/// `AGE-SECRET-KEY-1…` identities, without BIP 173's 90-character limit.
enum Bech32 {
    private static let charset = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l".utf8)
    private static let generator: [UInt32] = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3]

    private static func polymod(_ values: [UInt8]) -> UInt32 {
        var checksum: UInt32 = 1
        for value in values {
            let top = checksum >> 25
            checksum = (checksum & 0x1ffffff) << 5 ^ UInt32(value)
            for index in 0..<5 where (top >> UInt32(index)) & 1 == 1 { checksum ^= generator[index] }
        }
        return checksum
    }

    private static func expand(_ prefix: [UInt8]) -> [UInt8] {
        prefix.map { $0 >> 5 } + [0] + prefix.map { $0 & 31 }
    }

    /// Regroups bits: 8 → 5 pads with zeros; 5 → 8 refuses leftover bits that are not zero padding.
    private static func convert(_ data: [UInt8], from: Int, to: Int, pad: Bool) -> [UInt8]? {
        var accumulator = 0, bits = 0
        var result: [UInt8] = []
        let maximum = (1 << to) - 1
        for value in data {
            accumulator = accumulator << from | Int(value)
            bits += from
            while bits >= to {
                bits -= to
                result.append(UInt8(accumulator >> bits & maximum))
            }
        }
        if pad {
            if bits > 0 { result.append(UInt8(accumulator << (to - bits) & maximum)) }
        } else if bits >= from || accumulator << (to - bits) & maximum != 0 {
            return nil
        }
        return result
    }

    /// Lower case; `uppercased` for identities.
    static func encode(prefix: String, data: [UInt8], uppercased: Bool = false) -> String {
        let hrp = Array(prefix.lowercased().utf8)
        let values = convert(data, from: 8, to: 5, pad: true)!
        let checksum = polymod(expand(hrp) + values + [0, 0, 0, 0, 0, 0]) ^ 1
        let check = (0..<6).map { UInt8(checksum >> UInt32(5 * (5 - $0)) & 31) }
        let text = String(decoding: hrp + [0x31] + (values + check).map { charset[Int($0)] }, as: UTF8.self)
        return uppercased ? text.uppercased() : text
    }

    /// The prefix (lower case) and data, or nil for anything that is not valid Bech32 (mixed case included).
    static func decode(_ text: String) -> (prefix: String, data: [UInt8])? {
        let bytes = Array(text.utf8)
        guard bytes.allSatisfy({ (33...126).contains($0) }) else { return nil }
        let lower = text.lowercased(), upper = text.uppercased()
        guard text == lower || text == upper else { return nil }
        let characters = Array(lower.utf8)
        guard let separator = characters.lastIndex(of: 0x31), separator >= 1, characters.count - separator - 1 >= 6 else { return nil }
        let hrp = Array(characters[..<separator])
        var values: [UInt8] = []
        for character in characters[(separator + 1)...] {
            guard let value = charset.firstIndex(of: character) else { return nil }
            values.append(UInt8(value))
        }
        guard polymod(expand(hrp) + values) == 1,
              let data = convert(Array(values.dropLast(6)), from: 5, to: 8, pad: false) else { return nil }
        return (String(decoding: hrp, as: UTF8.self), data)
    }
}
