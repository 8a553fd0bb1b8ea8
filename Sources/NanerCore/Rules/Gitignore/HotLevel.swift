
/// A plan level as the hot loop reads it: plain values only.
struct HotLevel {
    var index: UnsafeMutablePointer<RuleIndex>
    var tablesApply: Bool
    var candidates: UnsafeMutablePointer<Int32>
    var candidateCount: Int
}
