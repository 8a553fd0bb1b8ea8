import CLibgit2
import CNanerZlib
import Glibc

extension Repository {
    /// Hands the content of a loose blob over in pieces of at most `pieceSize` bytes,
    /// inflating its file as it reads it; false when the blob is not a loose object
    /// here (it is packed, or in an alternate). libgit2's own read stream maps the
    /// whole compressed file, and every page it inflates stays resident: a large blob
    /// would weigh its full compressed size in the process. The content is checked
    /// against the id when it ends, as libgit2 checks what it reads; a mismatch throws,
    /// after the pieces were handed over.
    func streamLooseBlob(_ id: ObjectID, pieceSize: Int = 1 << 20, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Bool {
        let hex = id.hex
        let file = path + "objects/" + id.loosePath
        let fd = Glibc.open(file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        func failure(_ message: String) -> GitError {
            GitError(function: "streamLooseBlob", code: -1, message: "loose object \(hex): \(message)")
        }

        var stream = z_stream()
        guard inflateInit_(&stream, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { throw failure("cannot inflate") }
        defer { inflateEnd(&stream) }
        let input = UnsafeMutablePointer<UInt8>.allocate(capacity: 256 << 10)
        defer { input.deallocate() }
        let output = UnsafeMutablePointer<UInt8>.allocate(capacity: max(pieceSize, 64))
        defer { output.deallocate() }

        var header: [UInt8] = []  // "blob <size>\0", before the content
        var hasher: ObjectHasher?
        var ended = false
        while !ended {
            if stream.avail_in == 0 {
                let count = Glibc.read(fd, input, 256 << 10)
                if count < 0 {
                    if errno == EINTR { continue }
                    throw failure(String(cString: strerror(errno)))
                }
                guard count > 0 else { throw failure("the file ends early") }
                stream.next_in = input
                stream.avail_in = uInt(count)
            }
            // Until the header is read, inflate a few bytes at a time, so the content starts at the buffer's start.
            let room = hasher == nil ? 64 : max(pieceSize, 64)
            stream.next_out = output
            stream.avail_out = uInt(room)
            let rc = inflate(&stream, Z_NO_FLUSH)
            guard rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR else { throw failure("corrupt (zlib \(rc))") }
            ended = rc == Z_STREAM_END
            var produced = UnsafeRawBufferPointer(start: output, count: room - Int(stream.avail_out))
            if hasher == nil {
                guard let end = produced.firstIndex(of: 0) else {
                    header += produced
                    guard header.count < 32, !ended else { throw failure("no header") }
                    continue
                }
                header += produced[..<end]
                let words = String(decoding: header, as: UTF8.self).split(separator: " ")
                guard words.count == 2, words[0] == "blob", let size = Int(words[1]), size >= 0 else { throw failure("not a blob") }
                hasher = ObjectHasher(size: size, kind: .blob)
                produced = UnsafeRawBufferPointer(rebasing: produced[(end + 1)...])
            }
            if produced.count > 0 {
                try hasher!.update(produced)
                try body(produced)
            }
        }
        guard let hasher else { throw failure("no header") }
        guard try hasher.finish() == id else { throw failure("its content does not match its id") }
        return true
    }
}
