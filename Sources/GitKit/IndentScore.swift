/// git's indent heuristic: where a group of added or removed lines that could slide reads
/// best, judged by the blank lines and indentation around its two edges (xdiff's weights,
/// tuned by git on real code; smaller is better).
struct IndentScore {
    /// A group slides at most this far for the heuristic.
    static let maximumSliding = 100
    private static let maximumIndent = 200
    private static let maximumBlanks = 20

    private var effectiveIndent = 0
    private var penalty = 0

    /// What surrounds a split before line `at` of a side.
    struct Split {
        var endOfFile = false
        /// The indent of the line after the split, -1 when blank.
        var indent = -1
        var blanksBefore = 0
        /// The indent of the nearest non-blank line before, -1 when none.
        var indentBefore = -1
        var blanksAfter = 0
        /// The indent of the nearest non-blank line after the next one, -1 when none.
        var indentAfter = -1

        init(_ side: LineDiff.Side, at split: Int) {
            if split >= side.count {
                endOfFile = true
            } else {
                indent = IndentScore.indent(side, split)
            }
            var i = split - 1
            while i >= 0 {
                indentBefore = IndentScore.indent(side, i)
                if indentBefore != -1 { break }
                blanksBefore += 1
                if blanksBefore == IndentScore.maximumBlanks { indentBefore = 0; break }
                i -= 1
            }
            i = split + 1
            while i < side.count {
                indentAfter = IndentScore.indent(side, i)
                if indentAfter != -1 { break }
                blanksAfter += 1
                if blanksAfter == IndentScore.maximumBlanks { indentAfter = 0; break }
                i += 1
            }
        }
    }

    /// The width of a line's leading white space (tabs to multiples of 8), -1 when the line
    /// is only white space. Spaces in git's sense: space, tab, `\n`, `\r`.
    static func indent(_ side: LineDiff.Side, _ line: Int) -> Int {
        var width = 0
        for byte in side.bytes[side.lines[line]] {
            switch byte {
            case 0x20: width += 1
            case 0x09: width += 8 - width % 8
            case 0x0A, 0x0D: break
            default: return width
            }
            if width >= maximumIndent { return maximumIndent }
        }
        return -1
    }

    mutating func add(_ split: Split) {
        if split.indentBefore == -1 && split.blanksBefore == 0 { penalty += 1 }  // start of file
        if split.endOfFile { penalty += 21 }
        let blanksAfter = split.indent == -1 ? 1 + split.blanksAfter : 0
        let blanks = split.blanksBefore + blanksAfter
        penalty += -30 * blanks
        penalty += 6 * blanksAfter
        let indent = split.indent != -1 ? split.indent : split.indentAfter
        let anyBlanks = blanks != 0
        effectiveIndent += indent
        if indent == -1 || split.indentBefore == -1 {
            // Nothing more to weigh.
        } else if indent > split.indentBefore {
            penalty += anyBlanks ? 10 : -4
        } else if indent == split.indentBefore {
            // Same level as the line before.
        } else if split.indentAfter != -1 && split.indentAfter > indent {
            penalty += anyBlanks ? 17 : 24  // likely the start of a block
        } else {
            penalty += anyBlanks ? 17 : 23  // likely the end of one
        }
    }

    /// Negative when `self` is better than `other`.
    func compare(_ other: IndentScore) -> Int {
        let indents = (effectiveIndent > other.effectiveIndent ? 1 : 0) - (effectiveIndent < other.effectiveIndent ? 1 : 0)
        return 60 * indents + (penalty - other.penalty)
    }
}
