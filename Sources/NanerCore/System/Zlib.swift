import CNanerZlib

/// Raw deflate streams and CRC-32 for zip entries, over the system's zlib. The
/// only place NanerCore hands zlib raw pointers: each call lends it one buffer
/// for the length of the call.
enum Zlib {
    struct Failure: Error {
        let reason: String
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: uLong = CNanerZlib.crc32(0, nil, 0)
        var position = 0
        // zlib takes a 32-bit length: feed it at most 1 GiB at a time.
        while position < bytes.count {
            let length = min(bytes.count - position, 1 << 30)
            crc = bytes.withUnsafeBufferPointer { buffer in
                CNanerZlib.crc32(crc, buffer.baseAddress! + position, uInt(length))
            }
            position += length
        }
        return UInt32(truncatingIfNeeded: crc)
    }

    /// `bytes` as a raw deflate stream (no zlib header), as zip stores it.
    static func deflate(_ bytes: [UInt8]) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        guard deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY,
                            zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure(reason: "zlib cannot start compressing")
        }
        defer { deflateEnd(&stream) }
        guard bytes.count < Int(UInt32.max) else { throw Failure(reason: "it is larger than 4 GiB") }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))))
        let result: Int32 = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                // zlib's next_in is not const-qualified, but deflate only reads it.
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                return CNanerZlib.deflate(&stream, Z_FINISH)
            }
        }
        guard result == Z_STREAM_END else { throw Failure(reason: "zlib could not compress it") }
        output.removeSubrange(Int(stream.total_out)...)
        return output
    }

    enum InflateFailure: Error {
        /// The stream asked for more input than the entry holds.
        case cutShort
        /// It yields more than `expected` bytes.
        case tooLong
        case corrupt
    }

    /// Inflates a raw deflate stream that must end exactly where `compressed`
    /// does and yield at most `expected` bytes: a stream that wants more input
    /// is an error, never a wait.
    static func inflate(_ compressed: ArraySlice<UInt8>, expected: Int) throws(InflateFailure) -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .corrupt
        }
        defer { inflateEnd(&stream) }
        guard compressed.count < Int(UInt32.max) else { throw .corrupt }
        // One spare byte: a stream that fills it holds more than its header says.
        var output = [UInt8](repeating: 0, count: expected + 1)
        let result: Int32 = compressed.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = uInt(input.count)
                var code: Int32 = Z_OK
                var produced = 0
                // avail_out is 32-bit: hand out the buffer in pieces of at most 1 GiB.
                while code == Z_OK {
                    let piece = min(out.count - produced, 1 << 30)
                    stream.next_out = out.baseAddress! + produced
                    stream.avail_out = uInt(piece)
                    code = CNanerZlib.inflate(&stream, Z_NO_FLUSH)
                    produced += piece - Int(stream.avail_out)
                    if code == Z_OK && stream.avail_out != 0 { return Z_BUF_ERROR }  // input ran out first
                    if code == Z_OK && produced == out.count { return Z_MEM_ERROR }  // the spare byte was used
                }
                return code
            }
        }
        switch result {
        case Z_STREAM_END:
            let count = Int(stream.total_out)
            guard count <= expected else { throw .tooLong }
            output.removeSubrange(count...)
            return output
        case Z_BUF_ERROR: throw .cutShort
        case Z_MEM_ERROR: throw .tooLong
        default: throw .corrupt
        }
    }
}
