import Crypto

/// age's STREAM: the payload in chunks of 64 KiB, each sealed with
/// ChaCha20-Poly1305 under the payload key; the nonce is an 11-byte big-endian
/// chunk counter and a last-chunk flag, so chunks cannot be reordered, dropped
/// or cut off at the end without the tag saying so.
struct AgeStream {
    static let chunkSize = 64 * 1024
    static let tagSize = 16
    static let sealedChunkSize = chunkSize + tagSize
    static let nonceSize = 16

    private let key: SymmetricKey
    private var counter: UInt64 = 0

    /// The payload key: HKDF-SHA-256 of the file key with the file's 16-byte nonce as salt.
    init(fileKey: SymmetricKey, nonce: [UInt8]) {
        key = HKDF<SHA256>.deriveKey(inputKeyMaterial: fileKey, salt: nonce, info: Array("payload".utf8), outputByteCount: 32)
    }

    private func nonce(last: Bool) -> ChaChaPoly.Nonce {
        var bytes = [UInt8](repeating: 0, count: 12)
        for index in 0..<8 { bytes[10 - index] = UInt8(truncatingIfNeeded: counter >> UInt64(8 * index)) }
        bytes[11] = last ? 1 : 0
        return try! ChaChaPoly.Nonce(data: bytes)
    }

    mutating func seal(_ chunk: [UInt8], last: Bool) -> [UInt8] {
        let box = try! ChaChaPoly.seal(chunk, using: key, nonce: nonce(last: last))
        counter += 1
        return Array(box.ciphertext) + Array(box.tag)
    }

    /// The chunk's plaintext, or nil when its tag does not match; the counter moves on only on success.
    mutating func open(_ sealed: [UInt8], last: Bool) -> [UInt8]? {
        guard sealed.count >= AgeStream.tagSize,
              let box = try? ChaChaPoly.SealedBox(nonce: nonce(last: last), ciphertext: sealed.dropLast(AgeStream.tagSize),
                                                  tag: sealed.suffix(AgeStream.tagSize)),
              let plain = try? ChaChaPoly.open(box, using: key) else { return nil }
        counter += 1
        return Array(plain)
    }

    /// Decrypts the rest of `reader`, handing each chunk to `sink` once its tag is
    /// checked (as the reference implementation does: a failure later on does not
    /// take back what was handed over, so a caller that must not keep a partial
    /// result writes to a temporary file). One sealed chunk is held at a time.
    mutating func decrypt(_ reader: inout ByteReader, into sink: ([UInt8]) throws(AgeError) -> Void) throws(AgeError) {
        func failure(_ reason: String) -> AgeError { .damaged("", .payload(reason)) }
        var first = true
        while true {
            let chunk = try reader.read(upTo: AgeStream.sealedChunkSize)
            guard chunk.count >= AgeStream.tagSize else {
                throw failure(first && chunk.isEmpty ? "is missing (no chunk after the header)" : "is cut short (no last chunk)")
            }
            if chunk.count == AgeStream.sealedChunkSize, let plain = open(chunk, last: false) {
                try sink(plain)
                first = false
                continue
            }
            // A short chunk can only be the last one; a full one may be too.
            guard let plain = open(chunk, last: true) else { throw failure("was altered or cut short") }
            guard !plain.isEmpty || first else { throw failure("ends with an empty chunk") }
            try sink(plain)
            guard try reader.atEnd() else { throw failure("has data after its last chunk") }
            return
        }
    }

    /// Encrypts the rest of `reader` into `sink`, chunk by chunk.
    mutating func encrypt(_ reader: inout ByteReader, into sink: ([UInt8]) throws(AgeError) -> Void) throws(AgeError) {
        while true {
            let chunk = try reader.read(upTo: AgeStream.chunkSize)
            let last = try reader.atEnd()
            try sink(seal(chunk, last: last))
            if last { return }
        }
    }
}
