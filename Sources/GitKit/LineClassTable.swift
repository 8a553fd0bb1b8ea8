import Glibc

/// Numbers lines so that equal lines (byte for byte, `\n` included) get equal numbers.
/// Open addressing over the lines' own bytes: a diff of a small file must not pay for a
/// Dictionary's first use of a new key type. It holds both texts, so a line is a range
/// of one of them, compared with `memcmp` (an ArraySlice kept per line retained its text
/// and was compared element by element).
struct LineClassTable {
    private let old: [UInt8]
    private let new: [UInt8]
    private var slots: [Int]
    private let mask: Int
    /// Each class's first line: in which text, and where.
    private var representatives: [(inOld: Bool, range: Range<Int>)] = []
    private var hashes: [UInt64] = []

    /// `expected`: how many lines will be numbered, at most.
    init(_ old: [UInt8], _ new: [UInt8], expected: Int) {
        (self.old, self.new) = (old, new)
        var size = 16
        while size < expected * 2 { size <<= 1 }
        slots = Array(repeating: -1, count: size)
        mask = size - 1
        representatives.reserveCapacity(expected)
        hashes.reserveCapacity(expected)
    }

    /// The number of the line at `range` of the old or new text: a new one for a line
    /// not seen before.
    mutating func classOf(_ range: Range<Int>, inOld: Bool) -> Int {
        let (old, new) = (self.old, self.new)
        return (inOld ? old : new).withUnsafeBufferPointer { text in
            let line = UnsafeBufferPointer(rebasing: text[range])
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
            for byte in line { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            var slot = Int(truncatingIfNeeded: hash ^ (hash >> 31)) & mask
            while slots[slot] >= 0 {
                let number = slots[slot]
                if hashes[number] == hash && equal(line, representatives[number]) { return number }
                slot = (slot + 1) & mask
            }
            slots[slot] = representatives.count
            representatives.append((inOld, range))
            hashes.append(hash)
            return representatives.count - 1
        }
    }

    private func equal(_ line: UnsafeBufferPointer<UInt8>, _ other: (inOld: Bool, range: Range<Int>)) -> Bool {
        guard line.count == other.range.count else { return false }
        guard line.count > 0 else { return true }
        return (other.inOld ? old : new).withUnsafeBufferPointer { text in
            memcmp(line.baseAddress!, text.baseAddress! + other.range.lowerBound, line.count) == 0
        }
    }
}
