
/// A plan's content, built in a local variable and then stored.
struct PlanData {
    /// The directory: "" or "a/b/".
    var bytes: [UInt8] = []
    /// The base rules first, then the `.gitignore` files from the root down.
    var levels: [PlanLevel] = []
    /// Anchored rules still able to match something at or below the
    /// directory, with their automaton states; grouped by level.
    var alive: [AliveRule] = []
    /// Per level, highest index first: the rules to try one by one.
    var candidates: [Int32] = []

    mutating func reset(bytes: ArraySlice<UInt8>) {
        self.bytes.removeAll(keepingCapacity: true)
        self.bytes.append(contentsOf: bytes)
        levels.removeAll(keepingCapacity: true)
        alive.removeAll(keepingCapacity: true)
        candidates.removeAll(keepingCapacity: true)
    }

    /// The parent's levels, one segment deeper.
    mutating func addChildLevels(of parent: PlanData, segment: ArraySlice<UInt8>) {
        segment.withUnsafeBufferPointer { segment in
            let nul = RuleIndex.holdsNul(segment)
            for level in parent.levels {
                guard level.active else {
                    // Its rules start below some other directory: maybe this one.
                    addLevel(level.rules)
                    continue
                }
                let index = level.rules.index
                var child = PlanLevel(rules: level.rules, active: true, aliveStart: alive.count)
                parent.alive.withUnsafeBufferPointer { parentAlive in
                    for position in level.aliveStart ..< level.aliveStart + level.aliveCount {
                        let rule = parentAlive[position].rule
                        let states = index.pointee.advance(Int(rule), parentAlive[position].states, over: segment,
                                                                 nulInText: nul)
                        if states != 0 { alive.append(AliveRule(rule: rule, states: states)) }
                    }
                }
                child.aliveCount = alive.count - child.aliveStart
                finish(&child)
                levels.append(child)
            }
        }
    }

    /// Adds a level that was not active in the parent's plan: active here if
    /// the directory lies below the level's base.
    mutating func addLevel(_ rules: PackedRules) {
        let index = rules.index
        var level = PlanLevel(rules: rules, active: false, aliveStart: alive.count)
        let baseCount = index.pointee.primaryBaseCount
        let base = UnsafeBufferPointer(start: index.pointee.bytes + index.pointee.primaryBaseStart, count: baseCount)
        let directory = bytes
        directory.withUnsafeBufferPointer { directory in
            guard directory.count >= baseCount && GitignoreRule.equal(directory, 0, base, 0, baseCount) else { return }
            level.active = true
            let below = UnsafeBufferPointer(rebasing: directory[baseCount...])
            let nul = RuleIndex.holdsNul(below)
            for position in 0 ..< index.pointee.trackedCount {
                let rule = Int(index.pointee.tracked[position])
                let states = index.pointee.advance(rule, index.pointee.initialStates(rule), over: below, nulInText: nul)
                if states != 0 { alive.append(AliveRule(rule: Int32(rule), states: states)) }
            }
        }
        level.aliveCount = alive.count - level.aliveStart
        finish(&level)
        levels.append(level)
    }

    /// Lists `level`'s candidates: its general rules, and its live anchored
    /// rules that can finish on a name.
    mutating func finish(_ level: inout PlanLevel) {
        let index = level.rules.index
        level.candidateStart = candidates.count
        var general = 0
        let generalCount = index.pointee.generalCount
        var alivePosition = level.aliveStart + level.aliveCount - 1
        while true {
            while alivePosition >= level.aliveStart
                    && !index.pointee.canFinish(Int(alive[alivePosition].rule), alive[alivePosition].states) {
                alivePosition -= 1
            }
            let nextAlive: Int32 = alivePosition >= level.aliveStart ? alive[alivePosition].rule : -1
            let nextGeneral: Int32 = general < generalCount ? index.pointee.general[general] : -1
            if nextAlive < 0 && nextGeneral < 0 { break }
            if nextGeneral > nextAlive {
                candidates.append(nextGeneral)
                general += 1
            } else {
                candidates.append(nextAlive)
                alivePosition -= 1
            }
        }
        level.candidateCount = candidates.count - level.candidateStart
    }
}
