/// Reads age's ASCII armor (the strict PEM profile of the age spec): optional
/// whitespace, `-----BEGIN AGE ENCRYPTED FILE-----`, padded canonical base64 in
/// lines of exactly 64 columns but the last (1 to 64), `-----END AGE ENCRYPTED
/// FILE-----`, optional whitespace. LF or CRLF line ends. No headers, no
/// checksum, nothing else. Decodes line by line: memory stays one line.
struct AgeArmorSource: AgeSource {
    static let begin = Array("-----BEGIN AGE ENCRYPTED FILE-----".utf8)
    static let end = Array("-----END AGE ENCRYPTED FILE-----".utf8)
    static let whitespace: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D]

    private var reader: ByteReader
    private var started = false
    private var finished = false
    /// The line read last was shorter than 64 columns or padded: only the end line may follow.
    private var sawFinalLine = false

    init(_ reader: ByteReader) { self.reader = reader }

    /// True when `head` (the first bytes of a file) opens with optional whitespace and a PEM begin line.
    static func looksArmored(_ head: some Collection<UInt8>) -> Bool {
        head.drop(while: whitespace.contains).starts(with: Array("-----BEGIN".utf8))
    }

    private func failure(_ reason: String) -> AgeError { .damaged("", .armor(reason)) }

    /// A line without its LF (and CR before it); `ended` when it had no line end.
    private mutating func nextLine() throws(AgeError) -> (line: [UInt8], ended: Bool) {
        switch try reader.line(limit: 66) {
        case .line(var line):
            if line.last == 0x0D { line.removeLast() }
            return (line, false)
        case .unterminated(let rest):
            return (rest, true)
        case .tooLong:
            throw failure("has a line longer than 64 columns")
        }
    }

    mutating func read(upTo maximum: Int) throws(AgeError) -> [UInt8] {
        if !started {
            started = true
            try reader.skip(while: AgeArmorSource.whitespace.contains)
            guard try nextLine().line == AgeArmorSource.begin else { throw failure("does not begin with '-----BEGIN AGE ENCRYPTED FILE-----'") }
        }
        while !finished {
            let (line, ended) = try nextLine()
            if line == AgeArmorSource.end {
                try reader.skip(while: AgeArmorSource.whitespace.contains)
                guard try reader.atEnd() else { throw failure("has data after its end line") }
                finished = true
                break
            }
            if ended { throw failure(line.isEmpty ? "has no end line" : "is cut short before its end line") }
            guard !sawFinalLine else { throw failure("has a short or padded line before its last one") }
            guard !line.isEmpty else { throw failure("has an empty line") }
            guard line.count <= 64 else { throw failure("has a line longer than 64 columns") }
            guard let bytes = AgeBase64.decode(line, padded: true) else {
                throw failure("has a line that is not canonical padded base64")
            }
            sawFinalLine = line.count < 64 || line.last == 0x3D
            if !bytes.isEmpty { return bytes }
        }
        return []
    }
}
