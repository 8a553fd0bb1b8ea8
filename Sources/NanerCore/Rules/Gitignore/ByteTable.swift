
/// Open addressing over byte strings that live in another buffer: key →
/// highest rule index for files (directory-only rules left out) and for
/// directories.
struct ByteTable {
    struct Slot {
        var hash: UInt64
        var keyStart: Int32
        /// -1 for an empty slot.
        var keyCount: Int32
        var bestFile: Int32
        var bestAny: Int32
    }

    static let seed: UInt64 = 0xCBF2_9CE4_8422_2325

    /// FNV-1a, fed the key from its last byte to its first (any order would
    /// do, as long as building and looking up agree).
    @inline(__always)
    static func step(_ hash: UInt64, _ byte: UInt8) -> UInt64 {
        (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }

    /// `key` is never empty: the empty suffix (`*`) and the empty literal
    /// are kept out of the tables.
    static func hash(_ key: [UInt8]) -> UInt64 {
        key.withUnsafeBufferPointer { hash($0.baseAddress!, $0.count) }
    }

    @inline(__always)
    static func hash(_ key: UnsafePointer<UInt8>, _ count: Int) -> UInt64 {
        var hash = seed
        var position = count - 1
        while position >= 0 {
            hash = step(hash, key[position])
            position -= 1
        }
        return hash
    }

    /// What a table is built from: where the key lies in the rule bytes,
    /// and its highest rule indices.
    struct Best {
        var keyStart: Int32
        var file: Int32
        var any: Int32
    }

    let slots: UnsafeMutablePointer<Slot>
    let mask: Int

    init(_ groups: [[UInt8]: Best]) {
        var capacity = 4
        while capacity < groups.count * 2 { capacity *= 2 }
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: Slot(hash: 0, keyStart: 0, keyCount: -1, bestFile: -1, bestAny: -1), count: capacity)
        mask = capacity - 1
        // Sorted, so that the layout does not depend on dictionary order.
        for (key, best) in groups.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            let hash = ByteTable.hash(key)
            var slot = ByteTable.home(hash) & mask
            while slots[slot].keyCount >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Slot(hash: hash, keyStart: best.keyStart, keyCount: Int32(key.count),
                               bestFile: best.file, bestAny: best.any)
        }
    }

    func deallocate() { slots.deallocate() }

    @inline(__always)
    static func home(_ hash: UInt64) -> Int {
        Int(truncatingIfNeeded: ((hash ^ (hash >> 29)) &* 0x9E37_79B9_7F4A_7C15) >> 40)
    }

    /// The slot holding `key`, or -1.
    @inline(__always)
    func find(_ hash: UInt64, _ key: UnsafePointer<UInt8>, _ count: Int, keys: UnsafePointer<UInt8>) -> Int {
        var slot = ByteTable.home(hash) & mask
        while true {
            let candidate = slots[slot]
            if candidate.keyCount < 0 { return -1 }
            if candidate.hash == hash && Int(candidate.keyCount) == count
                && Memory.equal(keys + Int(candidate.keyStart), key, count: count) {
                return slot
            }
            slot = (slot + 1) & mask
        }
    }
}
