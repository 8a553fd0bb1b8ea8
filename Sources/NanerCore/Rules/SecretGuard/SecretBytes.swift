/// The bytes around one start position, as a detector sees them: the guard hands
/// each detector a view cut to `SecretGuard.lookBehind` bytes before the start and
/// `SecretGuard.lookAhead` after it, so a verdict never depends on how far the
/// content goes on (and `SecretStream` gives the same verdict as the whole buffer).
struct SecretBytes {
    let data: UnsafeBufferPointer<UInt8>

    var count: Int { data.count }

    @inline(__always)
    subscript(_ index: Int) -> UInt8 { data[index] }

    /// The byte at `index`, or 0 past either end.
    @inline(__always)
    func at(_ index: Int) -> UInt8 { index >= 0 && index < data.count ? data[index] : 0 }

    func hasPrefix(_ prefix: [UInt8], at start: Int) -> Bool {
        guard start >= 0, start + prefix.count <= data.count else { return false }
        for offset in 0..<prefix.count where data[start + offset] != prefix[offset] { return false }
        return true
    }

    func hasPrefix(_ prefix: String, at start: Int) -> Bool { hasPrefix(Array(prefix.utf8), at: start) }

    /// How many bytes from `start` are in `allowed`, counting no further than `atMost`
    /// (each detector's reach stays bounded, and a long run is not read again and again).
    func run(from start: Int, atMost: Int, in allowed: ByteClass) -> Int {
        let end = min(data.count, start + atMost)
        var index = max(start, 0)
        while index < end, allowed.contains(data[index]) { index += 1 }
        return index - start
    }

    /// How many bytes before `end` (exclusive) are in `allowed`, going back at most `atMost`.
    func runBackward(before end: Int, atMost: Int, in allowed: ByteClass) -> Int {
        let stop = max(0, end - atMost)
        var index = end
        while index > stop, allowed.contains(data[index - 1]) { index -= 1 }
        return end - index
    }

    /// Whether a token may start at `index`: the byte before it is no letter, digit or `_`.
    func isBoundary(before index: Int) -> Bool {
        index <= 0 || !ByteClass.word.contains(data[index - 1])
    }

    /// Whether `needle` occurs in `range`.
    func contains(_ needle: [UInt8], in range: Range<Int>) -> Bool {
        let range = range.clamped(to: 0..<data.count)
        guard range.count >= needle.count, let first = needle.first else { return false }
        var index = range.lowerBound
        while index + needle.count <= range.upperBound {
            if data[index] == first, hasPrefix(needle, at: index) { return true }
            index += 1
        }
        return false
    }

    /// The bytes of `range`, clamped to the view.
    func slice(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: data[range.clamped(to: 0..<data.count)])
    }
}
