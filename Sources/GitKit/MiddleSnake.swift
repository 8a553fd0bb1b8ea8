/// The middle of an optimal (or, past a cost, a good enough) path through the edit graph
/// of two line sequences: Myers' bidirectional search with xdiff's limits, so that large
/// rewrites cost what they cost in git and split where git splits them.
struct MiddleSnake {
    struct Split {
        let i1: Int, i2: Int
        /// Whether the halves before and after must be compared without the heuristics.
        let minimalBefore: Bool, minimalAfter: Bool
    }

    /// A diagonal run this long counts as a good snake (xdiff's XDL_SNAKE_CNT).
    private static let snakeLength = 20
    /// Edit cost past which the heuristics may cut the search short.
    private static let heuristicCost = 256
    private static let lineMax = Int.max

    private var diagonals: [Int]
    private let forwardBase: Int, backwardBase: Int
    private let maximumCost: Int

    init(count1: Int, count2: Int) {
        let count = count1 + count2 + 3
        diagonals = Array(repeating: 0, count: 2 * count + 2)
        forwardBase = count2 + 1
        backwardBase = count + count2 + 1
        maximumCost = max(LineDiff.bogusSquareRoot(count), 256)
    }

    // swiftlint:disable:next function_body_length cyclomatic_complexity
    mutating func split(_ ha1: [Int], _ off1: Int, _ lim1: Int, _ ha2: [Int], _ off2: Int, _ lim2: Int,
                        needMinimal: Bool) -> Split {
        let fb = forwardBase, bb = backwardBase
        let dmin = off1 - lim2, dmax = lim1 - off2
        let fmid = off1 - off2, bmid = lim1 - lim2
        let odd = (fmid - bmid) & 1 != 0
        var fmin = fmid, fmax = fmid, bmin = bmid, bmax = bmid
        diagonals[fb + fmid] = off1
        diagonals[bb + bmid] = lim1

        var cost = 1
        while true {
            var gotSnake = false
            if fmin > dmin { fmin -= 1; diagonals[fb + fmin - 1] = -1 } else { fmin += 1 }
            if fmax < dmax { fmax += 1; diagonals[fb + fmax + 1] = -1 } else { fmax -= 1 }
            var d = fmax
            while d >= fmin {
                var i1 = diagonals[fb + d - 1] >= diagonals[fb + d + 1] ? diagonals[fb + d - 1] + 1 : diagonals[fb + d + 1]
                let before = i1
                var i2 = i1 - d
                while i1 < lim1 && i2 < lim2 && ha1[i1] == ha2[i2] { i1 += 1; i2 += 1 }
                if i1 - before > Self.snakeLength { gotSnake = true }
                diagonals[fb + d] = i1
                if odd && bmin <= d && d <= bmax && diagonals[bb + d] <= i1 {
                    return Split(i1: i1, i2: i2, minimalBefore: true, minimalAfter: true)
                }
                d -= 2
            }

            if bmin > dmin { bmin -= 1; diagonals[bb + bmin - 1] = Self.lineMax } else { bmin += 1 }
            if bmax < dmax { bmax += 1; diagonals[bb + bmax + 1] = Self.lineMax } else { bmax -= 1 }
            d = bmax
            while d >= bmin {
                var i1 = diagonals[bb + d - 1] < diagonals[bb + d + 1] ? diagonals[bb + d - 1] : diagonals[bb + d + 1] - 1
                let before = i1
                var i2 = i1 - d
                while i1 > off1 && i2 > off2 && ha1[i1 - 1] == ha2[i2 - 1] { i1 -= 1; i2 -= 1 }
                if before - i1 > Self.snakeLength { gotSnake = true }
                diagonals[bb + d] = i1
                if !odd && fmin <= d && d <= fmax && i1 <= diagonals[fb + d] {
                    return Split(i1: i1, i2: i2, minimalBefore: true, minimalAfter: true)
                }
                d -= 2
            }

            if !needMinimal {
                if gotSnake && cost > Self.heuristicCost {
                    if let found = goodForwardSnake(ha1, off1, lim1, ha2, off2, lim2, fmin, fmax, fmid, cost) { return found }
                    if let found = goodBackwardSnake(ha1, off1, lim1, ha2, off2, lim2, bmin, bmax, bmid, cost) { return found }
                }
                if cost >= maximumCost { return furthest(off1, lim1, off2, lim2, fmin, fmax, bmin, bmax) }
            }
            cost += 1
        }
    }

    /// A forward path that went far, ending in a long snake: split there.
    private func goodForwardSnake(_ ha1: [Int], _ off1: Int, _ lim1: Int, _ ha2: [Int], _ off2: Int, _ lim2: Int,
                                  _ fmin: Int, _ fmax: Int, _ fmid: Int, _ cost: Int) -> Split? {
        var best = 0
        var found: Split?
        var d = fmax
        while d >= fmin {
            let distance = d > fmid ? d - fmid : fmid - d
            let i1 = diagonals[forwardBase + d]
            let i2 = i1 - d
            let value = (i1 - off1) + (i2 - off2) - distance
            if value > 4 * cost && value > best && off1 + Self.snakeLength <= i1 && i1 < lim1
                && off2 + Self.snakeLength <= i2 && i2 < lim2 {
                var k = 1
                while ha1[i1 - k] == ha2[i2 - k] {
                    if k == Self.snakeLength {
                        best = value
                        found = Split(i1: i1, i2: i2, minimalBefore: true, minimalAfter: false)
                        break
                    }
                    k += 1
                }
            }
            d -= 2
        }
        return best > 0 ? found : nil
    }

    /// The same, searching backwards.
    private func goodBackwardSnake(_ ha1: [Int], _ off1: Int, _ lim1: Int, _ ha2: [Int], _ off2: Int, _ lim2: Int,
                                   _ bmin: Int, _ bmax: Int, _ bmid: Int, _ cost: Int) -> Split? {
        var best = 0
        var found: Split?
        var d = bmax
        while d >= bmin {
            let distance = d > bmid ? d - bmid : bmid - d
            let i1 = diagonals[backwardBase + d]
            let i2 = i1 - d
            let value = (lim1 - i1) + (lim2 - i2) - distance
            if value > 4 * cost && value > best && off1 < i1 && i1 <= lim1 - Self.snakeLength
                && off2 < i2 && i2 <= lim2 - Self.snakeLength {
                var k = 0
                while ha1[i1 + k] == ha2[i2 + k] {
                    if k == Self.snakeLength - 1 {
                        best = value
                        found = Split(i1: i1, i2: i2, minimalBefore: false, minimalAfter: true)
                        break
                    }
                    k += 1
                }
            }
            d -= 2
        }
        return best > 0 ? found : nil
    }

    /// Too costly: the furthest-reaching path found so far, forward or backward.
    private func furthest(_ off1: Int, _ lim1: Int, _ off2: Int, _ lim2: Int,
                          _ fmin: Int, _ fmax: Int, _ bmin: Int, _ bmax: Int) -> Split {
        var fbest = -1, fbest1 = -1
        var d = fmax
        while d >= fmin {
            var i1 = min(diagonals[forwardBase + d], lim1)
            var i2 = i1 - d
            if lim2 < i2 { i1 = lim2 + d; i2 = lim2 }
            if fbest < i1 + i2 { fbest = i1 + i2; fbest1 = i1 }
            d -= 2
        }
        var bbest = Self.lineMax, bbest1 = Self.lineMax
        d = bmax
        while d >= bmin {
            var i1 = max(off1, diagonals[backwardBase + d])
            var i2 = i1 - d
            if i2 < off2 { i1 = off2 + d; i2 = off2 }
            if i1 + i2 < bbest { bbest = i1 + i2; bbest1 = i1 }
            d -= 2
        }
        if (lim1 + lim2) - bbest < fbest - (off1 + off2) {
            return Split(i1: fbest1, i2: fbest - fbest1, minimalBefore: true, minimalAfter: false)
        }
        return Split(i1: bbest1, i2: bbest - bbest1, minimalBefore: false, minimalAfter: true)
    }
}
