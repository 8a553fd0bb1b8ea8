import Crypto

/// The header of an age v1 file: the version line, the recipient stanzas and the
/// MAC line. Parsed strictly (canonical base64, LF only, printable arguments, body
/// lines of 64 columns ending with a shorter one), so the bytes the MAC covers are
/// exactly the ones read; bounded, so a hostile file cannot make naner read or keep
/// more than `maximumSize` bytes before the payload.
struct AgeHeader {
    static let versionLine = Array("age-encryption.org/v1".utf8)
    /// Far above any real header (an X25519 stanza is about 100 bytes, a post-quantum
    /// one about 1,600): what a file can make naner hold before it decrypts anything.
    static let maximumSize = 1 << 20

    var stanzas: [AgeStanza]
    /// The 32-byte HMAC-SHA-256 of `macInput` under the header key.
    var mac: [UInt8]
    /// The header's bytes up to and including `---`.
    var macInput: [UInt8]

    /// Everything up to and including "---", then " MAC\n", for a new file.
    static func encode(_ stanzas: [AgeStanza], fileKey: SymmetricKey) -> [UInt8] {
        var bytes = versionLine + [0x0A]
        for stanza in stanzas { bytes += stanza.encoded }
        bytes += Array("---".utf8)
        let mac = Array(HMAC<SHA256>.authenticationCode(for: bytes, using: macKey(fileKey)))
        return bytes + [0x20] + AgeBase64.encode(mac) + [0x0A]
    }

    static func macKey(_ fileKey: SymmetricKey) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: fileKey, salt: [UInt8](), info: Array("header".utf8), outputByteCount: 32)
    }

    func macMatches(fileKey: SymmetricKey) -> Bool {
        HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: macInput, using: AgeHeader.macKey(fileKey))
    }

    /// Reads the header from `reader`, leaving it at the payload's nonce.
    static func read(from reader: inout ByteReader) throws(AgeError) -> AgeHeader {
        func failure(_ reason: String) -> AgeError { .damaged("", .header(reason)) }
        var macInput: [UInt8] = []
        func nextLine() throws(AgeError) -> [UInt8] {
            let limit = maximumSize - macInput.count
            switch try reader.line(limit: limit) {
            case .line(let line):
                guard !line.contains(0x0D) else { throw failure("has a carriage return (CRLF line ends)") }
                return line
            case .unterminated(let rest):
                throw failure(rest.isEmpty && macInput.isEmpty ? "is missing: the file is empty" : "ends before its MAC line")
            case .tooLong:
                throw failure("is longer than \(maximumSize) bytes")
            }
        }

        let first = try nextLine()
        guard first == versionLine else {
            if first.starts(with: Array("age-encryption.org/".utf8)) {
                throw failure("names an unsupported version '\(String(decoding: first.prefix(40), as: UTF8.self))'")
            }
            throw failure("does not start with '\(String(decoding: versionLine, as: UTF8.self))': not an age file")
        }
        macInput = first + [0x0A]
        var stanzas: [AgeStanza] = []
        var line = try nextLine()
        while true {
            if line.starts(with: Array("---".utf8)) {
                guard line.count == 3 + 1 + 43, line[3] == 0x20, let mac = AgeBase64.decode(line[4...]), mac.count == 32 else {
                    throw failure("has a malformed MAC line")
                }
                macInput += Array("---".utf8)
                return AgeHeader(stanzas: stanzas, mac: mac, macInput: macInput)
            }
            guard line.starts(with: Array("-> ".utf8)) else { throw failure("has a line that is neither a stanza nor the MAC") }
            macInput += line + [0x0A]
            let fields = line.dropFirst(3).split(separator: 0x20, omittingEmptySubsequences: false)
            guard fields.allSatisfy(AgeStanza.isArgument) else { throw failure("has a stanza with an empty or invalid argument") }
            var text: [UInt8] = []
            while true {
                let bodyLine = try nextLine()
                guard bodyLine.count <= 64 else { throw failure("has a stanza body line longer than 64 columns") }
                macInput += bodyLine + [0x0A]
                text += bodyLine
                if bodyLine.count < 64 { break }
            }
            guard let body = AgeBase64.decode(text) else { throw failure("has a stanza body that is not canonical base64") }
            let strings = fields.map { String(decoding: $0, as: UTF8.self) }
            stanzas.append(AgeStanza(type: strings[0], arguments: Array(strings.dropFirst()), body: body))
            line = try nextLine()
        }
    }
}
