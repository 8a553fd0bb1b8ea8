/// Paths as C strings, each ended by a NUL, one after the other in one buffer: what the
/// stat threads of a status read (`StatBatch`). Read through `[IndexEntry]`, each entry
/// was copied whole, its path retained and released, by every thread for every file;
/// the index reader fills one as it reads the paths (see `IndexFile.read`).
public struct PathTable: Sendable {
    private var bytes: [UInt8] = []
    private var starts: [Int] = []

    public init() {}

    public var count: Int { starts.count }

    mutating func reserve(count: Int, bytes byteCount: Int) {
        starts.reserveCapacity(count)
        bytes.reserveCapacity(max(0, byteCount) + count)
    }

    /// Adds a path (its bytes must hold no NUL: git's paths never do).
    public mutating func append(_ path: UnsafeBufferPointer<UInt8>) {
        starts.append(bytes.count)
        bytes.append(contentsOf: path)
        bytes.append(0)
    }

    public mutating func append(_ path: String) {
        var path = path
        path.withUTF8 { append($0) }
    }

    /// `body` given a pointer to each path by its position: valid only inside `body`.
    public func withCStrings<Result>(_ body: (_ path: (Int) -> UnsafePointer<CChar>) throws -> Result) rethrows -> Result {
        try bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress!.assumingMemoryBound(to: CChar.self)
            return try body { base + starts[$0] }
        }
    }
}
