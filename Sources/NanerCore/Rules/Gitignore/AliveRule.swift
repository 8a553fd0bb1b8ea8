
struct AliveRule {
    var rule: Int32
    var states: UInt64
}
