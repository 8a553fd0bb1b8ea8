/// Which lines of two texts differ, found as git's xdiff finds them (Myers' algorithm with
/// xdiff's heuristics, then its sliding of changed groups with the indent heuristic git
/// turns on by default), so that naner's patches are git's byte for byte without loading
/// libgit2. Written from the algorithm git documents in `xdiff/`, checked against the git
/// CLI on randomised edits (LineDiffTests).
struct LineDiff {
    /// One side: its bytes cut into lines (each with its `\n`, the last one perhaps
    /// without), each line's class (equal lines, equal classes) and which lines changed.
    struct Side {
        let bytes: [UInt8]
        var lines: [Range<Int>] = []
        var classes: [Int] = []
        /// `changed[i + 1]` for line i: index -1 and `lines.count` stay false, as sentinels.
        var changed: [Bool] = []

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                end = min(end + 1, bytes.count)
                lines.append(start..<end)
                start = end
            }
            changed = Array(repeating: false, count: lines.count + 2)
        }

        var count: Int { lines.count }
        func isChanged(_ line: Int) -> Bool { line >= -1 && line <= count ? changed[line + 1] : false }
        mutating func setChanged(_ line: Int, _ value: Bool) { changed[line + 1] = value }
    }

    /// A run of changed lines: `count1` lines from `start1` replaced by `count2` from `start2`.
    struct Change {
        let start1: Int, start2: Int, count1: Int, count2: Int
    }

    private(set) var old: Side
    private(set) var new: Side

    init(old oldBytes: [UInt8], new newBytes: [UInt8]) {
        old = Side(oldBytes)
        new = Side(newBytes)
        let counts = Self.classify(&old, &new)
        var reduced1 = Reduced(), reduced2 = Reduced()
        Self.discardUnmatched(&old, &new, counts: counts, into: &reduced1, &reduced2)
        Self.compare(&old, &new, reduced1, reduced2)
        Self.compact(&old, other: &new)
        Self.compact(&new, other: &old)
    }

    /// The changes, first to last.
    var changes: [Change] {
        var result: [Change] = []
        var i1 = old.count, i2 = new.count
        while i1 >= 0 || i2 >= 0 {
            if old.isChanged(i1 - 1) || new.isChanged(i2 - 1) {
                let end1 = i1, end2 = i2
                while old.isChanged(i1 - 1) { i1 -= 1 }
                while new.isChanged(i2 - 1) { i2 -= 1 }
                result.append(Change(start1: i1, start2: i2, count1: end1 - i1, count2: end2 - i2))
            }
            i1 -= 1
            i2 -= 1
        }
        return result.reversed()
    }

    // MARK: - Classes

    /// Gives equal lines equal classes; returns how often each class occurs on each side.
    private static func classify(_ old: inout Side, _ new: inout Side) -> (old: [Int], new: [Int]) {
        // Plain loops: a nested function capturing the table and counts had every access
        // checked for exclusivity at run time (a third of the numbering).
        var table = LineClassTable(old.bytes, new.bytes, expected: old.count + new.count)
        var counts: (old: [Int], new: [Int]) = ([], [])
        counts.old.reserveCapacity(old.count + new.count)
        counts.new.reserveCapacity(old.count + new.count)
        var oldClasses: [Int] = [], newClasses: [Int] = []
        oldClasses.reserveCapacity(old.count)
        newClasses.reserveCapacity(new.count)
        for line in old.lines {
            let lineClass = table.classOf(line, inOld: true)
            if lineClass == counts.old.count { counts.old.append(0); counts.new.append(0) }
            counts.old[lineClass] += 1
            oldClasses.append(lineClass)
        }
        for line in new.lines {
            let lineClass = table.classOf(line, inOld: false)
            if lineClass == counts.old.count { counts.old.append(0); counts.new.append(0) }
            counts.new[lineClass] += 1
            newClasses.append(lineClass)
        }
        old.classes = oldClasses
        new.classes = newClasses
        return counts
    }

    // MARK: - Discarding lines that cannot match

    /// The lines left for the comparison: their line numbers and classes.
    struct Reduced {
        var lineNumbers: [Int] = []
        var classes: [Int] = []
    }

    /// xdiff trims the common head and tail, then marks as changed every line whose class
    /// never occurs on the other side, and lines that occur very often there when they sit
    /// in a run of such lines; the rest is compared.
    private static func discardUnmatched(_ old: inout Side, _ new: inout Side, counts: (old: [Int], new: [Int]),
                                         into reduced1: inout Reduced, _ reduced2: inout Reduced) {
        var head = 0
        let shorter = min(old.count, new.count)
        while head < shorter && old.classes[head] == new.classes[head] { head += 1 }
        var tail = 0
        while tail < shorter - head && old.classes[old.count - 1 - tail] == new.classes[new.count - 1 - tail] { tail += 1 }
        let end1 = old.count - tail - 1, end2 = new.count - tail - 1

        func marks(_ side: Side, end: Int, otherCounts: [Int]) -> [UInt8] {
            let limit = min(bogusSquareRoot(side.count), 1024)
            var marks = Array(repeating: UInt8(0), count: side.count + 1)
            if head <= end {
                for i in head...end {
                    let matches = otherCounts[side.classes[i]]
                    marks[i] = matches == 0 ? 0 : matches >= limit ? 2 : 1
                }
            }
            return marks
        }
        let marks1 = marks(old, end: end1, otherCounts: counts.new)
        let marks2 = marks(new, end: end2, otherCounts: counts.old)

        func keep(_ side: inout Side, _ marks: [UInt8], end: Int, into reduced: inout Reduced) {
            guard head <= end else { return }
            for i in head...end {
                if marks[i] == 1 || (marks[i] == 2 && !discardsMultipleMatch(marks, i, start: head, end: end)) {
                    reduced.lineNumbers.append(i)
                    reduced.classes.append(side.classes[i])
                } else {
                    side.setChanged(i, true)
                }
            }
        }
        keep(&old, marks1, end: end1, into: &reduced1)
        keep(&new, marks2, end: end2, into: &reduced2)
    }

    /// A line that matches often on the other side is dropped when the lines around it
    /// (within 100) are mostly lines that match nothing.
    private static func discardsMultipleMatch(_ marks: [UInt8], _ i: Int, start: Int, end: Int) -> Bool {
        let start = i - start > 100 ? i - 100 : start
        let end = end - i > 100 ? i + 100 : end
        var unmatchedBefore = 0, multipleBefore = 1
        var r = 1
        while i - r >= start {
            if marks[i - r] == 0 { unmatchedBefore += 1 } else if marks[i - r] == 2 { multipleBefore += 1 } else { break }
            r += 1
        }
        if unmatchedBefore == 0 { return false }
        var unmatchedAfter = 0, multipleAfter = 1
        r = 1
        while i + r <= end {
            if marks[i + r] == 0 { unmatchedAfter += 1 } else if marks[i + r] == 2 { multipleAfter += 1 } else { break }
            r += 1
        }
        if unmatchedAfter == 0 { return false }
        let unmatched = unmatchedAfter + unmatchedBefore
        let multiple = multipleAfter + multipleBefore
        return multiple * 4 < multiple + unmatched
    }

    static func bogusSquareRoot(_ n: Int) -> Int {
        var n = n, root = 1
        while n > 0 { root <<= 1; n >>= 2 }
        return root
    }

    // MARK: - Myers

    private static func compare(_ old: inout Side, _ new: inout Side, _ reduced1: Reduced, _ reduced2: Reduced) {
        let ha1 = reduced1.classes, ha2 = reduced2.classes
        var search = MiddleSnake(count1: ha1.count, count2: ha2.count)
        // Boxes still to compare: (off1, lim1, off2, lim2, needMinimal). Order does not matter:
        // each box marks only its own lines.
        var boxes = [(0, ha1.count, 0, ha2.count, false)]
        while let (start1, end1, start2, end2, needMinimal) = boxes.popLast() {
            var off1 = start1, lim1 = end1, off2 = start2, lim2 = end2
            while off1 < lim1 && off2 < lim2 && ha1[off1] == ha2[off2] { off1 += 1; off2 += 1 }
            while off1 < lim1 && off2 < lim2 && ha1[lim1 - 1] == ha2[lim2 - 1] { lim1 -= 1; lim2 -= 1 }
            if off1 == lim1 {
                for i in off2..<lim2 { new.setChanged(reduced2.lineNumbers[i], true) }
            } else if off2 == lim2 {
                for i in off1..<lim1 { old.setChanged(reduced1.lineNumbers[i], true) }
            } else {
                let split = search.split(ha1, off1, lim1, ha2, off2, lim2, needMinimal: needMinimal)
                boxes.append((split.i1, lim1, split.i2, lim2, split.minimalAfter))
                boxes.append((off1, split.i1, off2, split.i2, split.minimalBefore))
            }
        }
    }

    // MARK: - Sliding groups of changes

    /// A run of changed lines [start, end) in one side (empty: start == end).
    private struct Group { var start = 0, end = 0 }

    private static func firstGroup(_ side: Side) -> Group {
        var group = Group()
        while side.isChanged(group.end) { group.end += 1 }
        return group
    }

    private static func nextGroup(_ side: Side, _ group: inout Group) -> Bool {
        guard group.end != side.count else { return false }
        group.start = group.end + 1
        group.end = group.start
        while side.isChanged(group.end) { group.end += 1 }
        return true
    }

    private static func previousGroup(_ side: Side, _ group: inout Group) -> Bool {
        guard group.start != 0 else { return false }
        group.end = group.start - 1
        group.start = group.end
        while side.isChanged(group.start - 1) { group.start -= 1 }
        return true
    }

    private static func slideDown(_ side: inout Side, _ group: inout Group) -> Bool {
        guard group.end < side.count, side.classes[group.start] == side.classes[group.end] else { return false }
        side.setChanged(group.start, false)
        group.start += 1
        side.setChanged(group.end, true)
        group.end += 1
        while side.isChanged(group.end) { group.end += 1 }
        return true
    }

    private static func slideUp(_ side: inout Side, _ group: inout Group) -> Bool {
        guard group.start > 0, side.classes[group.start - 1] == side.classes[group.end - 1] else { return false }
        group.start -= 1
        side.setChanged(group.start, true)
        group.end -= 1
        side.setChanged(group.end, false)
        while side.isChanged(group.start - 1) { group.start -= 1 }
        return true
    }

    /// Moves each group of changes as xdiff does: merged with neighbours it can slide into,
    /// lined up with a change on the other side when it can be, else placed where the
    /// indentation says a block begins and ends.
    private static func compact(_ side: inout Side, other: inout Side) {
        var group = firstGroup(side)
        var otherGroup = firstGroup(other)
        while true {
            if group.end != group.start {
                var size = 0
                var earliestEnd = 0
                var endMatchingOther = -1
                repeat {
                    size = group.end - group.start
                    endMatchingOther = -1
                    while slideUp(&side, &group) { _ = previousGroup(other, &otherGroup) }
                    earliestEnd = group.end
                    if otherGroup.end > otherGroup.start { endMatchingOther = group.end }
                    while slideDown(&side, &group) {
                        _ = nextGroup(other, &otherGroup)
                        if otherGroup.end > otherGroup.start { endMatchingOther = group.end }
                    }
                } while size != group.end - group.start

                if group.end == earliestEnd {
                    // It cannot move.
                } else if endMatchingOther != -1 {
                    while otherGroup.end == otherGroup.start {
                        _ = slideUp(&side, &group)
                        _ = previousGroup(other, &otherGroup)
                    }
                } else {
                    var shift = max(earliestEnd, group.end - size - 1, group.end - IndentScore.maximumSliding)
                    var bestShift = -1
                    var best = IndentScore()
                    while shift <= group.end {
                        var score = IndentScore()
                        score.add(IndentScore.Split(side, at: shift))
                        score.add(IndentScore.Split(side, at: shift - size))
                        if bestShift == -1 || score.compare(best) <= 0 {
                            best = score
                            bestShift = shift
                        }
                        shift += 1
                    }
                    while group.end > bestShift {
                        _ = slideUp(&side, &group)
                        _ = previousGroup(other, &otherGroup)
                    }
                }
            }
            guard nextGroup(side, &group) else { break }
            _ = nextGroup(other, &otherGroup)
        }
    }
}
