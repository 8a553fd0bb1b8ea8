import GitKit
import Glibc
import Synchronization

/// A status's reading done on a thread of its own, started before the rules are loaded
/// (none of it needs them): the index file read, the remembered walk read and its
/// folders stat'ed, the tracked files stat'ed. The thread that asked helps with the
/// stats once its rules are loaded, then takes the result and checks the remembered
/// walk against those rules (`WalkCache.validated`).
final class ScanPrefetch {
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
    private let shared: Shared
    private var thread: BackgroundThreads.Handle?

    init(repository: String, home: String) {
        let shared = Shared(repository: repository, home: home)
        self.shared = shared
        // The thread holds only `shared`: this object is always released, and its thread
        // joined, by the thread that made it.
        thread = BackgroundThreads.start { shared.readAll() }
    }

    /// Joined only now: waiting for the thread's end in `result()` put its exit (its stack
    /// handed back) and the wake-up after it on every status's path; by now it has ended.
    deinit {
        if let thread { BackgroundThreads.join(thread) }
    }

    /// Work still unclaimed, on the calling thread: the remembered walk if the prefetch
    /// thread is still reading the index, then the stats left.
    func help() {
        shared.takeWalk()
        while true {
            let (batch, finished) = shared.state.withLock { ($0.batch, $0.finished) }
            if let batch {
                batch.work()
                return
            }
            if finished { return }
            sched_yield()
        }
    }

    /// Everything read, once the prefetch thread has done its part (the calling thread
    /// has done its own in `help()`); nil when the index could not be read this way.
    func result() -> Result? {
        // One chunk of stats at most is left to the other thread: waited for by yielding, and
        // if it takes long (a slow file system), by joining the thread.
        var yields = 0
        while !shared.state.withLock({ $0.finished }) {
            yields += 1
            if yields > 2_000, let thread {
                BackgroundThreads.join(thread)
                self.thread = nil
            } else {
                sched_yield()
            }
        }
        guard let read = shared.read, let stats = shared.state.withLock({ $0.batch }) else { return nil }
        return Result(entries: read.entries, checksum: read.checksum, stats: stats, walk: shared.walk.cache,
                      changedFolders: shared.walk.changed)
    }

    // Unchecked: `read` is written by the prefetch thread before it sets `finished`, `walk`
    // by the one thread that takes it (`state` says which) before that one's work ends, and
    // `result()` reads both only once `finished` is set and `help()` has returned.
    private final class Shared: @unchecked Sendable {
        let repository: String
        let home: String
        var read: (entries: [IndexEntry], checksum: String, paths: PathTable)?
        var walk: (cache: WalkCache?, changed: [Int]?) = (nil, nil)
        /// The stat work, once the index is read; whether a thread took the remembered walk;
        /// `finished` once the prefetch thread has nothing left to share.
        let state = Mutex<(batch: StatBatch?, walkTaken: Bool, finished: Bool)>((nil, false, false))

        init(repository: String, home: String) {
            (self.repository, self.home) = (repository, home)
        }

        /// The prefetch thread's work. When a file it stat'ed changed, that file is read and
        /// checked for secrets next: the guard's tables are laid out here meanwhile, once
        /// `finished` is set, so the scan does not wait for them (see `SecretGuard.prepare`).
        func readAll() {
            if readAndStat() { SecretGuard.prepare() }
        }

        /// Whether a file this thread stat'ed is there but no longer matches its index entry.
        private func readAndStat() -> Bool {
            defer { state.withLock { $0.finished = true } }
            // An index IndexFile cannot read whole (version 4, a split index) leaves the
            // scan to read it the usual way.
            guard let read = IndexFile.read(atPath: repository + "/index") else { return false }
            self.read = read
            let stats = StatBatch(home: home, entries: read.entries, paths: read.paths)
            state.withLock { $0.batch = stats }
            takeWalk()
            // Its own chunks only: the other thread may still be writing the rest. A deleted
            // file is never read, so it alone does not call for the guard.
            return stats.work().contains { chunk in
                chunk.contains { index in stats[index].map { status in !status.matches(read.entries[index]) } ?? false }
            }
        }

        /// The remembered walk read and its folders stat'ed, by whichever thread comes first.
        func takeWalk() {
            guard state.withLock({ state in
                defer { state.walkTaken = true }
                return !state.walkTaken
            }) else { return }
            let cache = WalkCache.read(file: repository + "/" + WalkCache.fileName)
            walk = (cache, cache?.changedFolders(home: home))
        }
    }
}
