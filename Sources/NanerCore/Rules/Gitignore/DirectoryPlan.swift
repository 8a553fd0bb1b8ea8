
/// What can match an entry of one directory, level by level.
final class DirectoryPlan {
    /// The directory: "" or "a/b/".
    private(set) var directory = ""
    private var data = PlanData()

    // The plan as the hot loop reads it, in memory of its own.
    private(set) var hotLevels: UnsafeMutablePointer<HotLevel>
    private(set) var hotLevelCount = 0
    private var hotLevelCapacity = 4
    private var hotCandidates: UnsafeMutablePointer<Int32>
    private var hotCandidateCapacity = 64
    private(set) var pathBytes: UnsafeMutablePointer<UInt8>
    private(set) var byteCount = 0
    private var pathCapacity = 64

    init() {
        hotLevels = .allocate(capacity: hotLevelCapacity)
        hotCandidates = .allocate(capacity: hotCandidateCapacity)
        pathBytes = .allocate(capacity: pathCapacity)
    }

    deinit {
        hotLevels.deallocate()
        hotCandidates.deallocate()
        pathBytes.deallocate()
    }

    /// Whether this is the plan of `key[..<count]`.
    func isFor(_ key: [UInt8], count: Int) -> Bool {
        count == byteCount && key.withUnsafeBufferPointer { Memory.equal($0.baseAddress!, pathBytes, count: count) }
    }

    /// The root's plan; `levels` are the base rules, then the root's `.gitignore` if any.
    func buildRoot(levels: [PackedRules]) {
        var data = PlanData()
        swap(&data, &self.data)
        data.reset(bytes: [][...])
        for rules in levels { data.addLevel(rules) }
        swap(&data, &self.data)
        publish(directory: "")
    }

    /// The plan of `parent`'s subdirectory `directory` (as `bytes`, its last
    /// segment starting at `segmentStart`), whose own `.gitignore` rules are `own`.
    func build(directory: String, bytes: ArraySlice<UInt8>, parent: DirectoryPlan, segmentStart: Int, own: PackedRules?) {
        var data = PlanData()
        swap(&data, &self.data)
        data.reset(bytes: bytes)
        data.addChildLevels(of: parent.data, segment: bytes[segmentStart...])
        if let own { data.addLevel(own) }
        swap(&data, &self.data)
        publish(directory: directory)
    }

    /// Copies `data` into the hot buffers.
    private func publish(directory: String) {
        let levels = data.levels
        let candidates = data.candidates
        let bytes = data.bytes
        if levels.count > hotLevelCapacity {
            hotLevels.deallocate()
            hotLevelCapacity = max(levels.count, hotLevelCapacity * 2)
            hotLevels = .allocate(capacity: hotLevelCapacity)
        }
        if candidates.count > hotCandidateCapacity {
            hotCandidates.deallocate()
            hotCandidateCapacity = max(candidates.count, hotCandidateCapacity * 2)
            hotCandidates = .allocate(capacity: hotCandidateCapacity)
        }
        if bytes.count > pathCapacity {
            pathBytes.deallocate()
            pathCapacity = max(bytes.count, pathCapacity * 2)
            pathBytes = .allocate(capacity: pathCapacity)
        }
        candidates.withUnsafeBufferPointer { candidates in
            if candidates.count > 0 { hotCandidates.update(from: candidates.baseAddress!, count: candidates.count) }
        }
        bytes.withUnsafeBufferPointer { bytes in
            if bytes.count > 0 { pathBytes.update(from: bytes.baseAddress!, count: bytes.count) }
        }
        for (position, level) in levels.enumerated() {
            (hotLevels + position).initialize(to: HotLevel(index: level.rules.index, tablesApply: level.active,
                                                           candidates: hotCandidates + level.candidateStart,
                                                           candidateCount: level.candidateCount))
        }
        hotLevelCount = levels.count
        byteCount = bytes.count
        self.directory = directory
    }

    /// The rules behind `hotLevels[level]`.
    func rules(level: Int) -> PackedRules { data.levels[level].rules }
}
