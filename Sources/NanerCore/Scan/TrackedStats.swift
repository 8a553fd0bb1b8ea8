import GitKit
import Synchronization

/// The index file read and its files stat'ed on a thread of its own, started before the
/// rules are loaded: neither needs them, and on a settled home the two are most of what a
/// status waits for. The thread that asked helps with the stats once its own part of the
/// scan (the remembered walk) is done, then takes the result.
// Unchecked: the thread writes `read` before it publishes `batch`, and `result()` reads
// both only after joining it.
final class TrackedStats: @unchecked Sendable {
    struct Result {
        let entries: [IndexEntry]
        /// The index file's trailing checksum: which content these entries are.
        let checksum: String
        let stats: [FileStat?]
    }

    private var thread: BackgroundThreads.Handle?
    private var read: (entries: [IndexEntry], checksum: String)?
    private let batch = Mutex<StatBatch?>(nil)

    init(repository: String, home: String) {
        thread = BackgroundThreads.start { [self] in
            // An index IndexFile cannot read whole (version 4, a split index) leaves the
            // scan to read it the usual way.
            guard let read = IndexFile.read(atPath: repository + "/index") else { return }
            self.read = read
            let stats = StatBatch(home: home, entries: read.entries)
            batch.withLock { $0 = stats }
            stats.work()
        }
    }

    /// Stats files still unclaimed, on the calling thread.
    func help() {
        batch.withLock { $0 }?.work()
    }

    /// The entries and their stat data; nil when the index could not be read this way.
    func result() -> Result? {
        if let thread { BackgroundThreads.join(thread) }
        thread = nil
        guard let read, let stats = batch.withLock({ $0 }) else { return nil }
        return Result(entries: read.entries, checksum: read.checksum, stats: stats.results())
    }
}
