/// Paths as C strings, each ended by a NUL: what the stat threads of a status read
/// (`StatBatch`). Read through `[IndexEntry]`, each entry was copied whole, its path
/// retained and released, by every thread for every file. The index reader's table
/// points into the mapped index file, where each path already ends in a NUL (see
/// `IndexFile.read`); any other is filled path by path into a buffer of its own.
public struct PathTable: Sendable {
    /// Paths appended one by one, each followed by a NUL.
    private var bytes: [UInt8] = []
    /// The file the paths lie in, when they were not copied.
    private var file: MappedFile?
    private var starts: [Int] = []
    private var ends: [Int] = []

    public init() {}

    /// The paths at `starts[i]..<ends[i]` of `file`, each followed there by a NUL.
    init(file: MappedFile, starts: [Int], ends: [Int]) {
        precondition(starts.count == ends.count, "a start and an end for each path")
        (self.file, self.starts, self.ends) = (file, starts, ends)
    }

    /// The entries' paths, in their order.
    public init(pathsOf entries: [IndexEntry]) {
        starts.reserveCapacity(entries.count)
        ends.reserveCapacity(entries.count)
        // Borrowed, not copied: a copy of an entry retains its path and its table.
        entries.withUnsafeBufferPointer { entries in
            for position in entries.indices { entries[position].withPathBytes { append($0) } }
        }
    }

    public var count: Int { starts.count }

    /// Adds a path (its bytes must hold no NUL: git's paths never do).
    public mutating func append(_ path: UnsafeBufferPointer<UInt8>) {
        precondition(file == nil, "a table of a file's paths is complete")
        starts.append(bytes.count)
        bytes.append(contentsOf: path)
        ends.append(bytes.count)
        bytes.append(0)
    }

    public mutating func append(_ path: String) {
        var path = path
        path.withUTF8 { append($0) }
    }

    /// The bytes of the path at `position` (without its NUL), valid only inside `body`.
    public func withPath<Result>(at position: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try withBase { base in try body(UnsafeBufferPointer(start: base + starts[position], count: ends[position] - starts[position])) }
    }

    /// `body` given a pointer to each path by its position: valid only inside `body`.
    public func withCStrings<Result>(_ body: (_ path: (Int) -> UnsafePointer<CChar>) throws -> Result) rethrows -> Result {
        try withBase { base in
            let characters = UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self)
            return try body { characters + starts[$0] }
        }
    }

    private func withBase<Result>(_ body: (UnsafePointer<UInt8>) throws -> Result) rethrows -> Result {
        if let file { return try withExtendedLifetime(file) { try body(file.bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)) } }
        return try bytes.withUnsafeBufferPointer { try body($0.baseAddress ?? UnsafePointer(bitPattern: 1)!) }
    }
}

/// A finished table that index entries refer to for their paths (`IndexEntry.path`): a
/// status of 2,000 files made 2,000 Strings (a million instructions, a page fault in
/// fifty) when it looks at the paths of a few changed files.
public final class SharedPathTable: Sendable {
    public let table: PathTable

    public init(_ table: PathTable) { self.table = table }
}
