import GitKit
import Synchronization

/// `lstat`s the index's paths on any number of threads, each relative to the home it holds
/// open (`OpenFolder`): the kernel walks only the path under the home. A descriptor of
/// each thread's own: with one shared, every call of every thread would update that one
/// open file's count (a multi-threaded process's `fdget` takes a reference).
// Unchecked: `output` is written at disjoint indexes, one claimed chunk per thread; `progress`
// is a Mutex, and the subscript is read only once every thread has left `work()` or
// `isComplete` said so.
final class StatBatch: @unchecked Sendable {
    private let home: String
    private let paths: PathTable
    private let output: UnsafeMutableBufferPointer<FileStat?>
    /// The next index to claim, and how many entries claimed chunks have filled.
    private let progress = Mutex((next: 0, filled: 0))
    private let chunk = 128

    /// `paths`: the entries' paths as the index reader collected them; nil: made here.
    init(home: String, entries: [IndexEntry], paths given: PathTable? = nil) {
        self.home = home
        paths = given ?? PathTable(pathsOf: entries)
        precondition(paths.count == entries.count, "a path for each entry")
        output = .allocate(capacity: entries.count)
        output.initialize(repeating: nil)
    }

    deinit {
        output.deinitialize()
        output.deallocate()
    }

    /// Claims chunks until none is left; any number of threads may call it. Returns the
    /// chunks this call filled, which the calling thread may read at once; `filled` is
    /// given each of them as soon as it is filled, before the next is claimed.
    @discardableResult
    func work(filled chunkFilled: (Range<Int>) -> Void = { _ in }) -> [Range<Int>] {
        guard progress.withLock({ $0.next < paths.count }) else { return [] }
        // A home that cannot be opened has none of its files: its chunks are left empty.
        let home = OpenFolder(path: home)
        var filled: [Range<Int>] = []
        paths.withCStrings { path in
            while let range = claim(after: filled.last) {
                if let home { for index in range { output[index] = home.fileStatus(path(index)) } }
                filled.append(range)
                chunkFilled(range)
            }
        }
        return filled
    }

    /// Whether every chunk is filled, by whichever threads: the subscript may then be read.
    var isComplete: Bool { progress.withLock { $0.filled == paths.count } }

    var count: Int { paths.count }

    /// The entry's file or link, nil where nothing is; read once every `work()` returned.
    /// Read in place: a copy of them all was a fifth of a millisecond of a 2,000-file diff
    /// (its pages new to the process).
    subscript(index: Int) -> FileStat? { output[index] }

    /// The next chunk, once the one just filled is counted.
    private func claim(after done: Range<Int>?) -> Range<Int>? {
        progress.withLock { progress in
            progress.filled += done?.count ?? 0
            guard progress.next < paths.count else { return nil }
            let start = progress.next
            progress.next = min(paths.count, start + chunk)
            return start..<progress.next
        }
    }
}
