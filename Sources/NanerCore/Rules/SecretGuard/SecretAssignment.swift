/// `KEY = value`, `KEY: value`, `"KEY": "value"`, `KEY := value`, `KEY => value` — in
/// INI, env, shell, YAML, JSON and TOML — where the key is named like a secret
/// (`password`, `client_secret`, `OPENAI_API_KEY`, `_authToken` …) and the value is
/// no placeholder and looks random enough (`SecretValue`). Found from the separator.
struct SecretAssignment {
    /// Where the value starts: a provider's own rule matching there names it better.
    let valueStart: Int
    let ruleID: String
    /// The key, for the message: "a credential assigned to 'client_secret'".
    var key = ""

    /// Key endings, with `-` and `.` read as `_`, in lower case.
    private static let keywords: [[UInt8]] = [
        "password", "passwd", "passphrase", "secret", "token", "apikey", "api_key", "auth", "access_key", "accesskey",
        "private_key", "privatekey", "secret_key", "secretkey", "account_key", "accountkey",
    ].map { Array($0.utf8) }
    private static let awsSecretKeys: [[UInt8]] = ["secret_access_key", "secretaccesskey", "aws_secret_key"].map { Array($0.utf8) }
    private static let keyCharacters = ByteClass("_.-").union(.alphanumeric)
    private static let operatorsBeforeEquals = ByteClass("=!<>:+-*/|&^%~")
    private static let unquotedStops = ByteClass(",;})]\"'`").union(.whitespace)

    static func find(_ bytes: SecretBytes, separator: Int) -> SecretAssignment? {
        let equals = bytes[separator] == UInt8(ascii: "=")
        let next = bytes.at(separator + 1)
        var valueFrom = separator + 1
        if equals {
            // `==`, `!=`, `<=`, `+=`, `:=` (found from its `:`) …: not an assignment to read here.
            if separator > 0 && operatorsBeforeEquals.contains(bytes[separator - 1]) || next == UInt8(ascii: "=") { return nil }
            if next == UInt8(ascii: ">") { valueFrom += 1 }
        } else {
            if separator > 0 && bytes[separator - 1] == UInt8(ascii: ":") || next == UInt8(ascii: ":") { return nil }
            if next == UInt8(ascii: "/") && bytes.at(separator + 2) == UInt8(ascii: "/") { return nil }
            if next == UInt8(ascii: "=") { valueFrom += 1 }
        }
        guard let key = key(bytes, before: separator), isSecretName(bytes, key, endingIn: keywords) else { return nil }

        // The value: quoted up to its closing quote, or unquoted up to a blank or a stop.
        var start = valueFrom + bytes.run(from: valueFrom, atMost: 8, in: .blank)
        let quote = bytes.at(start)
        let value: Range<Int>
        if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") || quote == UInt8(ascii: "`") {
            start += 1
            var end = start
            let limit = min(bytes.count, start + 256)
            while end < limit, bytes[end] != quote, bytes[end] != 10 {
                end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1
            }
            guard end < limit, bytes[end] == quote else { return nil }
            value = start..<end
        } else {
            let length = bytes.run(from: start, atMost: 256, in: SecretValue.printable.subtracting(unquotedStops))
            value = start..<start + length
            // Code rather than a value: a call, or a dotted name (`process.env.TOKEN`).
            if bytes.at(value.upperBound) == UInt8(ascii: "(") || isDottedName(bytes, value) { return nil }
        }
        let text = bytes.slice(value)

        if isSecretName(bytes, key, endingIn: [Array("auth".utf8)], whole: true), isRegistryLogin(text) {
            return SecretAssignment(valueStart: start, ruleID: "docker-registry-auth")
        }
        if isSecretName(bytes, key, endingIn: awsSecretKeys), text.count == 40,
           text.allSatisfy({ ByteClass.base64.contains($0) }) {
            return SecretAssignment(valueStart: start, ruleID: "aws-secret-access-key")
        }
        guard SecretValue.looksLikeCredential(text) else { return nil }
        return SecretAssignment(valueStart: start, ruleID: "generic-secret", key: String(decoding: bytes.slice(key), as: UTF8.self))
    }

    /// The key before a separator: blanks and one closing quote skipped, at most 64 characters.
    private static func key(_ bytes: SecretBytes, before separator: Int) -> Range<Int>? {
        var end = separator - bytes.runBackward(before: separator, atMost: 8, in: .blank)
        let quote = bytes.at(end - 1)
        let quoted = quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'")
        if quoted { end -= 1 }
        let length = bytes.runBackward(before: end, atMost: 65, in: keyCharacters)
        guard (1...64).contains(length) else { return nil }
        if quoted && bytes.at(end - length - 1) != quote { return nil }
        return end - length..<end
    }

    /// Whether the key ends with one of `endings` (or is one, with `whole`), in lower
    /// case with `-` and `.` read as `_`.
    private static func isSecretName(_ bytes: SecretBytes, _ key: Range<Int>, endingIn endings: [[UInt8]], whole: Bool = false) -> Bool {
        for ending in endings where ending.count <= key.count && (!whole || ending.count == key.count) {
            var matched = true
            for offset in 1...ending.count {
                var byte = bytes[key.upperBound - offset]
                if (65...90).contains(byte) { byte += 32 } else if byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") { byte = UInt8(ascii: "_") }
                if byte != ending[ending.count - offset] { matched = false; break }
            }
            if matched { return true }
        }
        return false
    }

    /// `"auth": "…"` in a Docker or Podman `config.json`: base64 of `user:password`.
    private static func isRegistryLogin(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard value.count >= 8, Base64Prefix.isBase64(value) else { return false }
        let decoded = Base64Prefix.decode(value)
        guard let colon = decoded.firstIndex(of: UInt8(ascii: ":")), colon > 0, colon < decoded.count - 1 else { return false }
        return decoded.allSatisfy { $0 >= 32 && $0 != 127 }
    }

    private static func isDottedName(_ bytes: SecretBytes, _ value: Range<Int>) -> Bool {
        var dots = 0
        var segmentStart = true
        for index in value {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") {
                if segmentStart { return false }
                dots += 1
                segmentStart = true
            } else if ByteClass.letters.contains(byte) || byte == UInt8(ascii: "_") || (!segmentStart && ByteClass.digits.contains(byte)) {
                segmentStart = false
            } else {
                return false
            }
        }
        return dots > 0 && !segmentStart
    }
}
