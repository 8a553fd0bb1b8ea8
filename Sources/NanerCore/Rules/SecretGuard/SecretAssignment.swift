/// `KEY = value`, `KEY: value`, `"KEY": "value"`, `KEY := value`, `KEY => value` — in
/// INI, env, shell, YAML, JSON and TOML — where the key is named like a secret
/// (`password`, `client_secret`, `OPENAI_API_KEY`, `_authToken` …) and the value is
/// no placeholder and looks random enough (`SecretValue`). Found from the separator.
struct SecretAssignment {
    /// The value: a provider's token found in it names the secret better than the key does.
    let value: Range<Int>
    let ruleID: String
    /// The key, for the message: "a credential assigned to 'client_secret'".
    var key: String? = nil

    /// Words that make a key secret-named, as whole words of it (`DB_PASSWORD`, `clientSecret`,
    /// `SECRET_KEY_BASE`, WireGuard's `PrivateKey`; not `certificate-authority-data`).
    private static let keywords: [[String]] = [
        ["password"], ["passwd"], ["pwd"], ["passphrase"], ["secret"], ["token"], ["apikey"], ["api", "key"], ["auth"],
        ["access", "key"], ["accesskey"], ["private", "key"], ["privatekey"], ["account", "key"], ["accountkey"],
    ]
    /// A last word that says the value is about the secret, not the secret itself.
    private static let aboutWords: Set<String> = [
        "file", "path", "dir", "url", "uri", "endpoint", "host", "type", "name", "length", "size", "expiry", "expires",
        "expiration", "env", "command", "cmd", "helper", "store", "method", "mode", "header", "prefix", "field",
        "source", "format", "ttl", "timeout", "enabled", "required", "provider", "policy", "scheme", "var", "variable",
    ]
    private static let awsSecretKeys: [[String]] = [["secret", "access", "key"], ["aws", "secret", "key"], ["secretaccesskey"]]
    private static let keyCharacters = ByteClass("_.-").union(.alphanumeric)
    private static let operatorsBeforeEquals = ByteClass("=!<>:+-*/|&^%~")
    private static let unquotedStops = ByteClass(",;})]\"'`").union(.whitespace)
    /// Bytes every secret-named key holds one of, lower-cased: a cheap first test.
    private static let hints = ["pass", "pwd", "secret", "token", "key", "auth"].map { Array($0.utf8) }
    private static let hintStarts = ByteClass("pstka")

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
        guard let keyRange = key(bytes, before: separator), hasHint(bytes, keyRange) else { return nil }
        let words = words(of: bytes.slice(keyRange))
        guard contains(words, anyOf: keywords), !aboutWords.contains(words.last ?? "") else { return nil }

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
            // `?token=&hours=168`: an empty value in a URL's query, not one that starts with `&`.
            if bytes.at(start) == UInt8(ascii: "&") { return nil }
            let length = bytes.run(from: start, atMost: 256, in: SecretValue.printable.subtracting(unquotedStops))
            value = start..<start + length
            // Code rather than a value: a call, or a dotted name (`process.env.TOKEN`).
            if bytes.at(value.upperBound) == UInt8(ascii: "(") || isDottedName(bytes, value) { return nil }
        }
        let text = bytes.slice(value)

        if words == ["auth"], isRegistryLogin(text) {
            return SecretAssignment(value: value, ruleID: "docker-registry-auth")
        }
        if contains(words, anyOf: awsSecretKeys), text.count == 40, text.allSatisfy({ ByteClass.base64.contains($0) }) {
            return SecretAssignment(value: value, ruleID: "aws-secret-access-key")
        }
        guard SecretValue.looksLikeCredential(text) else { return nil }
        return SecretAssignment(value: value, ruleID: "generic-secret", key: String(decoding: bytes.slice(keyRange), as: UTF8.self))
    }

    /// Whether the key holds one of `hints`, in any case: read in place, on every separator.
    private static func hasHint(_ bytes: SecretBytes, _ key: Range<Int>) -> Bool {
        for start in key where hintStarts.contains(bytes[start] | 0x20) {
            for hint in hints where hint[0] == bytes[start] | 0x20 && start + hint.count <= key.upperBound {
                var offset = 0
                while offset < hint.count, bytes[start + offset] | 0x20 == hint[offset] { offset += 1 }
                if offset == hint.count { return true }
            }
        }
        return false
    }

    /// A key's words in lower case: split at `_`, `-`, `.` and where camelCase turns upper.
    private static func words(of key: UnsafeBufferPointer<UInt8>) -> [String] {
        var words: [String] = []
        var current: [UInt8] = []
        var previousWasLower = false
        for byte in key {
            let isUpper = (65...90).contains(byte)
            if byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || (isUpper && previousWasLower) {
                if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)) }
                current.removeAll(keepingCapacity: true)
                previousWasLower = false
                if !isUpper { continue }
            }
            current.append(isUpper ? byte + 32 : byte)
            previousWasLower = (97...122).contains(byte) || (48...57).contains(byte)
        }
        if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)) }
        return words
    }

    /// Whether `words` holds one of `phrases` as consecutive words.
    private static func contains(_ words: [String], anyOf phrases: [[String]]) -> Bool {
        phrases.contains { phrase in
            phrase.count <= words.count && (0...(words.count - phrase.count)).contains { Array(words[$0..<$0 + phrase.count]) == phrase }
        }
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
