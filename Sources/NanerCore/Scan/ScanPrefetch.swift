import GitKit
import Glibc
import Synchronization

/// A status's reading done on a thread of its own, started before the rules are loaded
/// (none of it needs them): the index file read, the remembered walk read and its
/// folders stat'ed, the tracked files stat'ed. The thread that asked helps with the
/// stats once its rules are loaded, then takes the result and checks the remembered
/// walk against those rules (`WalkCache.validated`).
// Unchecked: `read` is written by the prefetch thread, `walk` by the one thread that takes it
// (`state` says which), and `result()` reads both only after joining the prefetch thread.
final class ScanPrefetch: @unchecked Sendable {
    struct Result {
        let entries: [IndexEntry]
        /// The index file's trailing checksum: which content these entries are.
        let checksum: String
        let stats: StatBatch
        /// The remembered walk as the file holds it, not yet checked, and the positions of
        /// its folders whose stat data changed since (nil: it records none).
        let walk: WalkCache?
        let changedFolders: [Int]?
    }

    /// When the prefetch began: folders changed less than a few seconds before it are racy.
    let start = Clock.fileSystemNow
    private let repository: String
    private let home: String
    private var thread: BackgroundThreads.Handle?
    private var read: (entries: [IndexEntry], checksum: String, paths: PathTable)?
    private var walk: (cache: WalkCache?, changed: [Int]?) = (nil, nil)
    /// The stat work, once the index is read; whether a thread took the remembered walk;
    /// `finished` once the prefetch thread has nothing left to share.
    private let state = Mutex<(batch: StatBatch?, walkTaken: Bool, finished: Bool)>((nil, false, false))

    init(repository: String, home: String) {
        (self.repository, self.home) = (repository, home)
        thread = BackgroundThreads.start { [self] in
            defer { state.withLock { $0.finished = true } }
            // An index IndexFile cannot read whole (version 4, a split index) leaves the
            // scan to read it the usual way.
            guard let read = IndexFile.read(atPath: repository + "/index") else { return }
            self.read = read
            let stats = StatBatch(home: home, entries: read.entries, paths: read.paths)
            state.withLock { $0.batch = stats }
            takeWalk()
            stats.work()
        }
    }

    /// The remembered walk read and its folders stat'ed, by whichever thread comes first.
    private func takeWalk() {
        guard state.withLock({ state in
            defer { state.walkTaken = true }
            return !state.walkTaken
        }) else { return }
        let cache = WalkCache.read(file: repository + "/" + WalkCache.fileName)
        walk = (cache, cache?.changedFolders(home: home))
    }

    /// Work still unclaimed, on the calling thread: the remembered walk if the prefetch
    /// thread is still reading the index, then the stats left.
    func help() {
        takeWalk()
        while true {
            let (batch, finished) = state.withLock { ($0.batch, $0.finished) }
            if let batch { return batch.work() }
            if finished { return }
            sched_yield()
        }
    }

    /// Everything read; nil when the index could not be read this way.
    func result() -> Result? {
        if let thread { BackgroundThreads.join(thread) }
        thread = nil
        guard let read, let stats = state.withLock({ $0.batch }) else { return nil }
        return Result(entries: read.entries, checksum: read.checksum, stats: stats, walk: walk.cache,
                      changedFolders: walk.changed)
    }
}
