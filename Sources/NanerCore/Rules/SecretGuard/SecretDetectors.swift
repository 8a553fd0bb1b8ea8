/// The rules whose shape a prefix and an alphabet cannot say. Each reads only the
/// view it is given (`SecretBytes`), from the start of its prefix.
enum SecretDetectors {
    private static let dash = UInt8(ascii: "-")

    /// The label of a `-----BEGIN LABEL-----` line ("RSA PRIVATE KEY"), or nil.
    static func pemLabel(_ bytes: SecretBytes, _ start: Int, _ prefixLength: Int) -> String? {
        let labelStart = start + prefixLength
        let length = bytes.run(from: labelStart, atMost: 40, in: ByteClass(" ", ranges: ["A"..."Z", "0"..."9"]))
        guard length > 0, bytes.at(labelStart + length) == dash else { return nil }
        return String(decoding: bytes.slice(labelStart..<labelStart + length), as: UTF8.self)
    }

    /// base64 that decodes to `-----BEGIN … PRIVATE KEY-----`.
    static func base64PrivateKey(_ bytes: SecretBytes, _ start: Int, _ prefixLength: Int) -> Bool {
        let length = bytes.run(from: start, atMost: 96, in: .paddedBase64)
        let decoded = Base64Prefix.decode(bytes.slice(start..<start + length))
        let prefix = Array("-----BEGIN ".utf8)
        guard decoded.starts(with: prefix) else { return false }
        let label = decoded.dropFirst(prefix.count).prefix { $0 != dash && $0 != 10 }
        return String(decoding: label, as: UTF8.self).hasSuffix("PRIVATE KEY")
            || String(decoding: label, as: UTF8.self) == "PGP PRIVATE KEY BLOCK"
    }

    /// A PKCS#12 file's first bytes: a SEQUENCE holding the version 3 and then a
    /// ContentInfo whose type is pkcs7-data or pkcs7-signedData (RFC 7292).
    static func pkcs12(_ bytes: SecretBytes, _ start: Int, _ prefixLength: Int) -> Bool {
        guard let content = derContent(bytes, lengthAt: start + 1),
              bytes.hasPrefix([0x02, 0x01, 0x03, 0x30], at: content),
              let info = derContent(bytes, lengthAt: content + 4) else { return false }
        return bytes.hasPrefix([0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07], at: info)
            && (bytes.at(info + 10) == 0x01 || bytes.at(info + 10) == 0x02)
    }

    /// Where a DER value's content starts, given where its length is.
    private static func derContent(_ bytes: SecretBytes, lengthAt index: Int) -> Int? {
        let first = bytes.at(index)
        guard index < bytes.count else { return nil }
        if first < 0x80 || first == 0x80 { return index + 1 }
        let count = Int(first & 0x7F)
        return count <= 4 ? index + 1 + count : nil
    }

    /// `"private_key_id": "` and 40 hex digits: a Google service-account key file.
    static func serviceAccountKeyID(_ bytes: SecretBytes, _ start: Int, _ prefixLength: Int) -> Bool {
        var index = start + prefixLength
        index += bytes.run(from: index, atMost: 8, in: .blank)
        guard bytes.at(index) == UInt8(ascii: ":") else { return false }
        index += 1
        index += bytes.run(from: index, atMost: 8, in: .blank)
        guard bytes.at(index) == UInt8(ascii: "\"") else { return false }
        return bytes.run(from: index + 1, atMost: 41, in: .lowerHex) == 40 && bytes.at(index + 41) == UInt8(ascii: "\"")
    }

    private static let clientSecretCharacters = ByteClass("_~.").union(.alphanumeric)

    /// Three characters, a digit, `Q~`, then 31 to 34 more: an Entra ID (Azure AD) client secret.
    static func azureClientSecret(_ bytes: SecretBytes, _ start: Int, _ prefixLength: Int) -> Bool {
        guard start >= 4, ByteClass.digits.contains(bytes[start - 1]),
              bytes.runBackward(before: start - 1, atMost: 4, in: clientSecretCharacters) == 3 else { return false }
        let rest = bytes.run(from: start + prefixLength, atMost: 35, in: clientSecretCharacters.union(ByteClass("-")))
        return (31...34).contains(rest)
    }

    /// The bot's id in base64 (24 to 28), a dot, 6 characters, a dot, 27 to 38 more.
    static func discordBotToken(_ bytes: SecretBytes, _ start: Int, _ prefixLength: Int) -> Bool {
        let id = bytes.run(from: start, atMost: 29, in: .alphanumeric)
        guard (24...28).contains(id), bytes.at(start + id) == UInt8(ascii: ".") else { return false }
        let stamp = bytes.run(from: start + id + 1, atMost: 8, in: .urlSafe)
        guard (6...7).contains(stamp), bytes.at(start + id + 1 + stamp) == UInt8(ascii: ".") else { return false }
        return (27...38).contains(bytes.run(from: start + id + stamp + 2, atMost: 39, in: .urlSafe))
    }

    /// The bot's numeric id (8 to 10 digits), `:`, then 35 characters starting `AA`.
    static func telegramBotToken(_ bytes: SecretBytes, _ colon: Int, _ prefixLength: Int) -> Bool {
        let digits = bytes.runBackward(before: colon, atMost: 11, in: .digits)
        guard (8...10).contains(digits), bytes.isBoundary(before: colon - digits) else { return false }
        return bytes.run(from: colon + prefixLength, atMost: 34, in: .urlSafe) == 33
    }

    /// A header and a payload, both JSON objects in base64url (`eyJ` is `{"`).
    static func jsonWebToken(_ bytes: SecretBytes, _ start: Int, _ prefixLength: Int) -> Bool {
        let header = bytes.run(from: start, atMost: 400, in: .urlSafe)
        guard header >= 12, bytes.at(start + header) == UInt8(ascii: "."), bytes.hasPrefix("eyJ", at: start + header + 1) else {
            return false
        }
        return bytes.run(from: start + header + 1, atMost: 16, in: .urlSafe) >= 16
    }

    /// `scheme://user:password@host` (as `.git-credentials` holds), found from the `:` of
    /// `://`; a password that is a placeholder (`${PGPASSWORD}`) is none.
    static func urlPassword(_ bytes: SecretBytes, _ colon: Int, _ prefixLength: Int) -> Range<Int>? {
        guard colon > 0, ByteClass.alphanumeric.contains(bytes[colon - 1]) else { return nil }
        var index = colon + 3
        let limit = min(bytes.count, index + 512)
        var userLength = 0
        var passwordStart: Int?
        while index < limit {
            let byte = bytes[index]
            if byte == UInt8(ascii: "@") {
                guard userLength > 0, let passwordStart, passwordStart < index,
                      !SecretValue.isPlaceholder(bytes.slice(passwordStart..<index)) else { return nil }
                return passwordStart..<index
            }
            if byte == UInt8(ascii: "/") || byte <= 32 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") { return nil }
            if byte == UInt8(ascii: ":") {
                if passwordStart != nil { return nil }
                passwordStart = index + 1
            } else if passwordStart == nil {
                userLength += 1
            }
            index += 1
        }
        return nil
    }

    /// `.netrc` and `.authinfo`: `password VALUE` after a `machine` or `login` token.
    static func netrcPassword(_ bytes: SecretBytes, _ start: Int, _ prefixLength: Int) -> Range<Int>? {
        let gap = bytes.run(from: start + prefixLength, atMost: 8, in: .whitespace)
        guard gap > 0 else { return nil }
        let valueStart = start + prefixLength + gap
        let length = bytes.run(from: valueStart, atMost: 129, in: SecretValue.printable)
        let value = valueStart..<valueStart + length
        guard (1...128).contains(length), !SecretValue.isPlaceholder(bytes.slice(value)) else { return nil }
        let before = max(0, start - 128)..<start
        let found = ["login", "machine"].contains { word in
            [" ", "\t", "\n"].contains { bytes.contains(Array((word + $0).utf8), in: before) }
        }
        return found ? value : nil
    }

    /// A `.pgpass` line, `host:port:database:user:password`, found from the colon before
    /// its port (digits or `*`); the whole line must be in view.
    static func pgpassPassword(_ bytes: SecretBytes, _ colon: Int, _ prefixLength: Int) -> Range<Int>? {
        let host = bytes.runBackward(before: colon, atMost: 128, in: SecretValue.printable.union(ByteClass("\\")))
        let lineStart = colon - host
        // A line start, or the content's: the view reaches further back than 128 bytes.
        guard host > 0, lineStart == 0 || bytes[lineStart - 1] == 10 else { return nil }
        // The fields after the host, split at unescaped colons, up to the line's end.
        var fields: [Range<Int>] = []
        var fieldStart = colon + 1
        var index = fieldStart
        let limit = min(bytes.count, colon + 300)
        while index < limit {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") { index += 2; continue }
            if byte == 10 || byte == 13 || byte == UInt8(ascii: ":") {
                fields.append(fieldStart..<index)
                if byte != UInt8(ascii: ":") { break }
                fieldStart = index + 1
            } else if byte == 32 || byte == 9 {
                return nil
            }
            index += 1
        }
        if index >= bytes.count { fields.append(fieldStart..<min(index, bytes.count)) } else if index >= limit { return nil }
        guard fields.count == 4, fields.allSatisfy({ !$0.isEmpty }) else { return nil }
        let port = fields[0]
        let portIsNumber = port.count <= 5 && bytes.run(from: port.lowerBound, atMost: port.count, in: .digits) == port.count
        guard portIsNumber || (port.count == 1 && bytes[port.lowerBound] == UInt8(ascii: "*")) else { return nil }
        return SecretValue.isPlaceholder(bytes.slice(fields[3])) ? nil : fields[3]
    }
}
