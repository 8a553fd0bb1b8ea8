
struct PlanLevel {
    let rules: PackedRules
    /// The directory lies below the level's base: its tables and tracked rules apply.
    var active: Bool
    var aliveStart: Int
    var aliveCount = 0
    var candidateStart = 0
    var candidateCount = 0

    init(rules: PackedRules, active: Bool, aliveStart: Int) {
        self.rules = rules
        self.active = active
        self.aliveStart = aliveStart
    }
}
