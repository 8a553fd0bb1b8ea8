import CLibgit2
import Glibc

/// One side of a conflicting path: its blob and mode, nil when that side deleted it.
public struct MergeSide: Sendable {
    public let id: ObjectID
    public let mode: UInt32

    public init(id: ObjectID, mode: UInt32) {
        self.id = id
        self.mode = mode
    }
}
