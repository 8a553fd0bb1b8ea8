import CLibgit2
import Glibc

/// A file merged line by line: the text with conflict markers where sides disagree.
public struct MergedFile: Sendable {
    public let bytes: [UInt8]
    public let isClean: Bool
}
