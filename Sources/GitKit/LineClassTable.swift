/// Numbers lines so that equal lines (byte for byte, `\n` included) get equal numbers.
/// Open addressing over the lines' own bytes: a diff of a small file must not pay for a
/// Dictionary's first use of a new key type.
struct LineClassTable {
    private var slots: [Int]
    private let mask: Int
    private var representatives: [ArraySlice<UInt8>] = []
    private var hashes: [UInt64] = []

    /// `expected`: how many lines will be numbered, at most.
    init(expected: Int) {
        var size = 16
        while size < expected * 2 { size <<= 1 }
        slots = Array(repeating: -1, count: size)
        mask = size - 1
    }

    /// The number of the line `bytes[range]`: a new one for a line not seen before.
    mutating func classOf(_ bytes: [UInt8], _ range: Range<Int>) -> Int {
        let line = bytes[range]
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
        for byte in line { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        var slot = Int(truncatingIfNeeded: hash ^ (hash >> 31)) & mask
        while slots[slot] >= 0 {
            let number = slots[slot]
            if hashes[number] == hash && representatives[number] == line { return number }
            slot = (slot + 1) & mask
        }
        slots[slot] = representatives.count
        representatives.append(line)
        hashes.append(hash)
        return representatives.count - 1
    }
}
