import CLibgit2
import Glibc

/// Counts reported while objects travel.
public struct TransferProgress: Sendable {
    public enum Phase: Sendable { case counting, compressing, receiving, indexing, sending }
    public let phase: Phase
    public let done: Int
    public let total: Int
    public let bytes: Int
}
