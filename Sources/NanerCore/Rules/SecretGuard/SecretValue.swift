import FoundationEssentials
import Glibc

/// What tells a real credential from a stand-in: placeholders are never secrets
/// (`changeme`, `${VAR}`, `$(pass show x)`, `<token>`, `xxxx`), and a value assigned
/// to a secret-named key counts only when it looks random enough to be one.
enum SecretValue {
    /// Visible ASCII and any byte of a multi-byte UTF-8 character: what a value is made of.
    static let printable: ByteClass = {
        var characters = ""
        for byte in UInt8(0x21)...UInt8(0x7E) { characters.append(Character(UnicodeScalar(byte))) }
        var table = ByteClass(characters)
        for byte in UInt8(0x80)...UInt8(0xFF) { table = table.union(ByteClass.single(byte)) }
        return table
    }()

    private static let words: Set<String> = [
        "true", "false", "null", "nil", "none", "yes", "no", "on", "off", "undefined", "required", "optional",
        "password", "passwd", "secret", "token", "string", "env", "keyring", "keychain", "prompt", "ask", "pass",
        "bearer", "basic", "oauth", "oauth2", "default", "empty", "hidden", "unset", "disabled", "enabled",
    ]
    private static let interpolations = ["${", "{{", "$(", "#{"].map { Array($0.utf8) }
    private static let masks = ByteClass("xX*.-_#0")
    private static let markers: [[UInt8]] = [
        "changeme", "change_me", "change-me", "placeholder", "example", "dummy", "redacted", "your_", "your-",
        "yourtoken", "yourpass", "xxxx", "****", "fixme", "todo", "replace_", "replace-", "insert_", "insert-",
    ].map { Array($0.utf8) }

    /// Whether `value` stands for a secret kept elsewhere rather than being one.
    static func isPlaceholder(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = value.first, let last = value.last else { return true }
        // A variable, a command's output, a format, a template: the secret is elsewhere.
        if first == UInt8(ascii: "$") || first == UInt8(ascii: "%") { return true }
        if first == UInt8(ascii: "<") && last == UInt8(ascii: ">") { return true }
        // `xxx`, `***`, `...`: a mask, not a value (a one- or two-character password is one).
        if value.count >= 3 && (value.allSatisfy({ $0 == first }) || value.allSatisfy({ masks.contains($0) })) { return true }
        let lowered = value.map { (65...90).contains($0) ? $0 | 0x20 : $0 }
        if words.contains(String(decoding: lowered, as: UTF8.self)) { return true }
        return lowered.withUnsafeBufferPointer { buffer in
            let text = SecretBytes(data: buffer)
            return (interpolations + markers).contains { text.contains($0, in: 0..<buffer.count) }
        }
    }

    /// Whether a value assigned to a secret-named key looks like a real credential: at
    /// least 8 characters, no spaces, not a path or a URL, a digit or both cases in it
    /// (`my-app-secret` is a name), and random enough: Shannon entropy of at least 3 bits
    /// a character (`hunter2` and `bearer` are not; `Tr0ub4dor&3x` and a token are).
    static func looksLikeCredential(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard value.count >= 8, !isPlaceholder(value) else { return false }
        if value.contains(where: { ByteClass.whitespace.contains($0) }) { return false }
        let first = value[0]
        if first == UInt8(ascii: "/") || first == UInt8(ascii: "~") || (first == UInt8(ascii: ".") && value.count > 1 && value[1] == UInt8(ascii: "/")) {
            return false
        }
        if SecretBytes(data: value).contains(Array("://".utf8), in: 0..<value.count) { return false }
        let hasLower = value.contains { (97...122).contains($0) }
        let hasUpper = value.contains { (65...90).contains($0) }
        let hasDigit = value.contains { (48...57).contains($0) }
        guard hasDigit || (hasLower && hasUpper) else { return false }
        return entropy(value) >= 3.0
    }

    /// Shannon entropy in bits a byte.
    static func entropy(_ value: UnsafeBufferPointer<UInt8>) -> Double {
        var counts = [Int](repeating: 0, count: 256)
        for byte in value { counts[Int(byte)] += 1 }
        let total = Double(value.count)
        var bits = 0.0
        for count in counts where count > 0 {
            let share = Double(count) / total
            bits -= share * log2(share)
        }
        return bits
    }
}
