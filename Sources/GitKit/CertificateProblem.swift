import CLibgit2

/// What mbedTLS found wrong with a server's certificate.
public enum CertificateProblem: Sendable, Equatable, CaseIterable {
    /// Not signed by a CA this process trusts (or the chain is incomplete).
    case untrusted
    case expired
    case notYetValid
    /// Issued for another name than the host in the URL.
    case nameMismatch
    case revoked
    /// Wrong key usage, a weak hash or key, anything else mbedTLS flags.
    case other

    /// mbedTLS's `MBEDTLS_X509_BADCERT_*` flags, as libgit2 1.5.1 prints them.
    static func problems(flags: UInt32) -> [CertificateProblem] {
        var problems: [CertificateProblem] = []
        if flags & 0x08 != 0 { problems.append(.untrusted) }  // BADCERT_NOT_TRUSTED
        if flags & 0x01 != 0 { problems.append(.expired) }  // BADCERT_EXPIRED
        if flags & 0x200 != 0 { problems.append(.notYetValid) }  // BADCERT_FUTURE
        if flags & 0x04 != 0 { problems.append(.nameMismatch) }  // BADCERT_CN_MISMATCH
        if flags & 0x02 != 0 { problems.append(.revoked) }  // BADCERT_REVOKED
        if flags & ~UInt32(0x08 | 0x01 | 0x200 | 0x04 | 0x02) != 0 || problems.isEmpty { problems.append(.other) }
        return problems
    }
}

extension GitError {
    /// Why the server's certificate was refused, for a `.certificate` error; empty for
    /// any other. libgit2 1.5.1 with mbedTLS writes the verification flags into its
    /// message, followed by mbedTLS's own sentences joined by line breaks:
    /// `the SSL certificate is invalid: 0x08 - The certificate is not correctly signed
    /// by the trusted CA` (after the handshake), or `SSL error: 0x… [8] - …` (during it).
    public var certificateProblems: [CertificateProblem] {
        guard kind == .certificate else { return [] }
        if let range = message.firstRange(of: "invalid: 0x") {
            let digits = message[range.upperBound...].prefix { $0.isHexDigit }
            if let flags = UInt32(digits, radix: 16) { return CertificateProblem.problems(flags: flags) }
        }
        if let open = message.firstIndex(of: "["), let close = message[open...].firstIndex(of: "]"),
           let flags = UInt32(message[message.index(after: open)..<close], radix: 16) {
            return CertificateProblem.problems(flags: flags)
        }
        return [.other]
    }
}
