/// A buffer over an `AgeSource` for the parsers: lines of bounded length, exact
/// counts, a look at what comes next. It never holds more than the largest
/// request plus one piece of the source.
struct ByteReader {
    private var source: any AgeSource
    private var buffer: [UInt8] = []
    private var start = 0
    private var ended = false

    init(_ source: any AgeSource) { self.source = source }

    private var available: Int { buffer.count - start }

    /// Reads until `count` bytes are buffered or the source ends; true when they are.
    mutating func fill(_ count: Int) throws(AgeError) -> Bool {
        while available < count && !ended {
            if start > 0 && start >= buffer.count / 2 {
                buffer.removeFirst(start)
                start = 0
            }
            let piece = try source.read(upTo: max(count - available, 16 * 1024))
            if piece.isEmpty { ended = true } else { buffer += piece }
        }
        return available >= count
    }

    /// True when nothing is left.
    mutating func atEnd() throws(AgeError) -> Bool { try !fill(1) }

    /// The next `count` bytes without taking them (fewer at the end).
    mutating func peek(_ count: Int) throws(AgeError) -> ArraySlice<UInt8> {
        _ = try fill(count)
        return buffer[start..<start + min(count, available)]
    }

    /// Up to `count` bytes; fewer only at the end.
    mutating func read(upTo count: Int) throws(AgeError) -> [UInt8] {
        _ = try fill(count)
        let taken = min(count, available)
        defer { start += taken }
        return Array(buffer[start..<start + taken])
    }

    /// Skips bytes while `skip` holds for them.
    mutating func skip(while skip: (UInt8) -> Bool) throws(AgeError) {
        while try fill(1), skip(buffer[start]) { start += 1 }
    }

    enum Line {
        case line([UInt8])      // without its "\n"
        case unterminated([UInt8])  // the source ended first (maybe empty)
        case tooLong
    }

    /// The next line, at most `limit` bytes before its newline.
    mutating func line(limit: Int) throws(AgeError) -> Line {
        var scanned = 0
        while true {
            if let index = buffer[(start + scanned)...].firstIndex(of: 0x0A) {
                let length = index - start
                guard length <= limit else { return .tooLong }
                defer { start = index + 1 }
                return .line(Array(buffer[start..<index]))
            }
            scanned = available
            guard scanned <= limit else { return .tooLong }
            if !(try fill(available + 1)) {
                defer { start = buffer.count }
                return .unterminated(Array(buffer[start...]))
            }
        }
    }
}
