/// Finds content that must never be committed, whatever the include list says:
/// private keys and well-known credentials. Works on raw bytes, without regular
/// expressions, because it reads every new or changed file of every commit.
///
/// Every detector reads a bounded distance around the position it starts from: at
/// most `lookBehind` bytes before it and at most `lookAhead` bytes past it. That is
/// what lets `SecretStream` scan a file that arrives in pieces with the same verdict.
public enum SecretGuard {
    /// How far before its start a detector may look (the boundary a token needs).
    public static let lookBehind = 1
    /// A bound on how far past its start a detector may read: the URL with a password
    /// reads up to 514 bytes past its `:` (3 + 511); a private key block 50 (11 + 39); a
    /// GitHub token 30; an AWS key id 20 (4 + 16, the 17th tells it is exactly 16).
    /// Kept above all of them (`SecretStreamTests` fails below 514).
    public static let lookAhead = 520

    /// Why a file is refused, or nil when it looks safe.
    public static func findSecret(in bytes: UnsafeRawBufferPointer) -> String? {
        findSecret(in: bytes, startingFrom: 0, before: bytes.count)
    }

    /// Like `findSecret(in:)`, trying only the start positions from `first` up to (not
    /// including) `limit`; detectors still read the whole buffer. A secret that starts
    /// at `p` is found the same as in a larger buffer as long as the buffer holds
    /// `p - lookBehind ... p + lookAhead` of it (or ends where the larger one ends).
    public static func findSecret(in bytes: UnsafeRawBufferPointer, startingFrom first: Int, before limit: Int) -> String? {
        let data = bytes.bindMemory(to: UInt8.self)
        let end = min(limit, data.count)
        var index = max(first, 0)
        while index < end {
            switch data[index] {
            case UInt8(ascii: "-"):
                if let reason = privateKeyBlock(data, at: index) { return reason }
            case UInt8(ascii: "g"):
                if let reason = gitHubToken(data, at: index) { return reason }
            case UInt8(ascii: "A"):
                if awsAccessKeyID(data, at: index) { return "an AWS access key id" }
            case UInt8(ascii: ":"):
                if urlWithPassword(data, at: index) { return "a URL with an embedded password" }
            default:
                break
            }
            index += 1
        }
        return nil
    }

    public static func findSecret(in bytes: [UInt8]) -> String? {
        bytes.withUnsafeBytes { findSecret(in: $0) }
    }

    // MARK: - Detectors

    private static let begin = Array("-----BEGIN ".utf8)
    private static let privateKeyEnd = Array("PRIVATE KEY".utf8)
    private static let pgpPrivate = Array("PGP PRIVATE KEY BLOCK".utf8)

    /// `-----BEGIN [RSA |EC |OPENSSH |ENCRYPTED |…]PRIVATE KEY-----` and PGP private key blocks.
    private static func privateKeyBlock(_ data: UnsafeBufferPointer<UInt8>, at start: Int) -> String? {
        guard hasPrefix(data, begin, at: start) else { return nil }
        var index = start + begin.count
        let limit = min(data.count, index + 40)
        let lineStart = index
        while index < limit, data[index] != UInt8(ascii: "-"), data[index] != 10 { index += 1 }
        let label = data[lineStart..<index]
        if endsWith(label, privateKeyEnd) || endsWith(label, pgpPrivate) { return "a private key" }
        return nil
    }

    private static let gitHubPrefixes: [[UInt8]] = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"].map { Array($0.utf8) }
    private static let fineGrained = Array("github_pat_".utf8)

    private static func gitHubToken(_ data: UnsafeBufferPointer<UInt8>, at start: Int) -> String? {
        guard isBoundary(data, before: start) else { return nil }
        for prefix in gitHubPrefixes where hasPrefix(data, prefix, at: start) {
            if run(data, from: start + prefix.count, atMost: 20, where: isAlphanumeric) >= 20 { return "a GitHub token" }
        }
        if hasPrefix(data, fineGrained, at: start),
           run(data, from: start + fineGrained.count, atMost: 20, where: { isAlphanumeric($0) || $0 == UInt8(ascii: "_") }) >= 20 {
            return "a GitHub token"
        }
        return nil
    }

    /// `AKIA` or `ASIA` and 16 upper-case letters or digits, standing alone.
    private static func awsAccessKeyID(_ data: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        guard start + 20 <= data.count, isBoundary(data, before: start),
              data[start + 1] == UInt8(ascii: "K") || data[start + 1] == UInt8(ascii: "S"),
              data[start + 2] == UInt8(ascii: "I"), data[start + 3] == UInt8(ascii: "A") else { return false }
        let isUpperOrDigit: (UInt8) -> Bool = { (65...90).contains($0) || (48...57).contains($0) }
        // Exactly 16: a 17th is read to tell.
        return run(data, from: start + 4, atMost: 17, where: isUpperOrDigit) == 16
    }

    /// `scheme://user:password@host`: found from the `:` of `://`.
    private static func urlWithPassword(_ data: UnsafeBufferPointer<UInt8>, at colon: Int) -> Bool {
        guard colon > 0, colon + 3 < data.count, data[colon + 1] == UInt8(ascii: "/"),
              data[colon + 2] == UInt8(ascii: "/"), isAlphanumeric(data[colon - 1]) else { return false }
        var index = colon + 3
        let limit = min(data.count, index + 512)
        var sawUser = false, sawColon = false, passwordLength = 0
        while index < limit {
            let byte = data[index]
            if byte == UInt8(ascii: "@") { return sawColon && sawUser && passwordLength > 0 }
            if byte == UInt8(ascii: "/") || byte <= 32 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                return false
            }
            if byte == UInt8(ascii: ":") {
                if sawColon { return false }
                sawColon = true
            } else if sawColon {
                passwordLength += 1
            } else {
                sawUser = true
            }
            index += 1
        }
        return false
    }

    // MARK: - Byte helpers

    private static func hasPrefix(_ data: UnsafeBufferPointer<UInt8>, _ prefix: [UInt8], at start: Int) -> Bool {
        guard start + prefix.count <= data.count else { return false }
        for offset in 0..<prefix.count where data[start + offset] != prefix[offset] { return false }
        return true
    }

    private static func endsWith(_ slice: Slice<UnsafeBufferPointer<UInt8>>, _ suffix: [UInt8]) -> Bool {
        slice.count >= suffix.count && slice.suffix(suffix.count).elementsEqual(suffix)
    }

    /// How many bytes from `start` pass `test`, counting no further than `atMost`
    /// (each detector's reach stays bounded, and a long run is not read again and again).
    private static func run(_ data: UnsafeBufferPointer<UInt8>, from start: Int, atMost: Int,
                            where test: (UInt8) -> Bool) -> Int {
        let end = min(data.count, start + atMost)
        var index = start
        while index < end, test(data[index]) { index += 1 }
        return index - start
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
    }

    private static func isBoundary(_ data: UnsafeBufferPointer<UInt8>, before index: Int) -> Bool {
        index == 0 || !(isAlphanumeric(data[index - 1]) || data[index - 1] == UInt8(ascii: "_"))
    }
}
