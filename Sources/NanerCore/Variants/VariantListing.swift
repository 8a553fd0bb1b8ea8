/// One varying path as `naner variant list` and `which` show it.
public struct VariantListing: Sendable, Equatable {
    public let path: String
    /// Every layer that varies it, lowest first.
    public let layers: [Layer]
    /// The layer whose version this machine has; nil when two of its classes disagree.
    public let used: Layer?
}
