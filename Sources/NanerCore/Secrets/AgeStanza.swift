/// One recipient stanza of an age header: `-> TYPE ARG…` and a base64 body.
public struct AgeStanza: Equatable, Sendable {
    public let type: String
    public let arguments: [String]
    public let body: [UInt8]

    public init(type: String, arguments: [String], body: [UInt8]) {
        self.type = type
        self.arguments = arguments
        self.body = body
    }

    /// `-> TYPE ARG…\n`, the body in lines of 64 columns, the last one shorter (empty if need be).
    var encoded: [UInt8] {
        var result = Array("->".utf8)
        for argument in [type] + arguments { result += [0x20] + Array(argument.utf8) }
        result.append(0x0A)
        let text = AgeBase64.encode(body)
        var offset = 0
        while true {
            let line = text[offset..<min(offset + 64, text.count)]
            result += line + [0x0A]
            offset += 64
            if line.count < 64 { break }
        }
        return result
    }

    /// An argument: one or more printable ASCII characters, no space.
    static func isArgument(_ bytes: some Collection<UInt8>) -> Bool {
        !bytes.isEmpty && bytes.allSatisfy { (0x21...0x7E).contains($0) }
    }
}
