import GitKit
import Glibc
import Synchronization

/// A status's reading done on a thread of its own, started before the rules are loaded
/// (none of it needs them): the index file read, the remembered walk read and its
/// folders stat'ed, the tracked files stat'ed. The thread that asked joins in once its
/// rules are loaded, then takes the result and checks the remembered walk against those
/// rules (`WalkCache.validated`).
///
/// Each piece of work goes to whichever thread claims it first, so the thread that asked
/// never waits for the other to start: a new thread of a process that just started can
/// sit on the busy processor for 1-3 ms (measured on a 2-processor VM, on one run in
/// three or four), and there the stats were done by one thread after the other.
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
    private let thread: BackgroundThreads.Handle

    init(repository: String, home: String) {
        let shared = Shared(repository: repository, home: home)
        self.shared = shared
        // Abandonable: it only reads, and the process may end before it ever ran (the
        // thread that asked did all the work); the thread holds only `shared`.
        thread = BackgroundThreads.start(abandonable: true) { shared.readAll() }
    }

    /// Joined only if its work has ended, which costs nothing; one still to be scheduled
    /// is left to end with the process (`Workspace.mustEndAbruptly`).
    deinit {
        if shared.threadEnded.load(ordering: .acquiring) { BackgroundThreads.join(thread) }
    }

    /// The work still unclaimed, on the calling thread: the index if the prefetch thread has
    /// not begun it, the remembered walk if it has not taken it, then the stats left.
    func help() {
        shared.takeAll()
    }

    /// Everything read, once every piece claimed by the other thread is done; nil when the
    /// index could not be read this way.
    func result() -> Result? {
        shared.waitUntilDone()
        guard let read = shared.read, let stats = shared.state.withLock({ $0.batch }) else { return nil }
        return Result(entries: read.entries, checksum: read.checksum, stats: stats, walk: shared.walk.cache,
                      changedFolders: shared.walk.changed)
    }

    // Unchecked: `read` is written by the thread that claimed the index before it sets
    // `indexRead`, `walk` by the thread that took it before it sets `walkRead`, and both
    // are read only once those are set (under `state`'s lock).
    private final class Shared: @unchecked Sendable {
        let repository: String
        let home: String
        var read: (entries: [IndexEntry], checksum: String, paths: PathTable)?
        var walk: (cache: WalkCache?, changed: [Int]?) = (nil, nil)
        /// Which pieces a thread has claimed, and which are done; `batch` is the stat work,
        /// once the index is read (nil then if it could not be read this way).
        let state = Mutex(State())
        let threadEnded = Atomic(false)
        /// Whether a thread has begun laying out the secret guard's tables.
        let guardPrepared = Atomic(false)

        struct State {
            var indexTaken = false, indexRead = false
            var walkTaken = false, walkRead = false
            var batch: StatBatch?
        }

        init(repository: String, home: String) {
            (self.repository, self.home) = (repository, home)
        }

        /// The prefetch thread's work.
        func readAll() {
            defer { threadEnded.store(true, ordering: .releasing) }
            takeAll()
        }

        /// Every piece of work not yet claimed, in the order that hands the other thread
        /// work soonest: the index (its stats wait for it), the walk, then stat chunks.
        func takeAll() {
            if claim(.index) { readIndex() }
            if claim(.walk) { readWalk() }
            // The index may still be being read by the other thread, which is running.
            while true {
                let (read, batch) = state.withLock { ($0.indexRead, $0.batch) }
                if let batch {
                    batch.work { chunk in prepareGuardIfChanged(batch, chunk) }
                    return
                }
                if read { return }
                sched_yield()
            }
        }

        /// Lays out the secret guard's tables if `chunk`, just filled by this thread, holds
        /// a changed file and no thread has begun to: that file is read and checked once the
        /// stats are done, and the other thread takes the remaining chunks meanwhile. A
        /// deleted file is never read, so it alone does not call for the guard.
        private func prepareGuardIfChanged(_ stats: StatBatch, _ chunk: Range<Int>) {
            guard !guardPrepared.load(ordering: .relaxed), let read,
                  chunk.contains(where: { index in stats[index].map { !$0.matches(read.entries[index]) } ?? false }),
                  guardPrepared.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
            SecretGuard.prepare()
        }

        /// Waits until every claimed piece is done: all of them are claimed by now.
        func waitUntilDone() {
            var yields = 0
            while !state.withLock({ $0.indexRead && $0.walkRead && ($0.batch?.isComplete ?? true) }) {
                // The other thread is in the middle of a piece; past a few thousand yields
                // (a slow file system), sleep between looks instead.
                yields += 1
                if yields > 2_000 { usleep(50) } else { sched_yield() }
            }
        }

        private enum Piece { case index, walk }

        /// Whether this thread is the first to claim `piece`. A case, not a key path: the
        /// first use of a key path made it at run time, 0.1 to 0.2 ms of the prefetch
        /// thread's start (its pattern's types found by their mangled names).
        private func claim(_ piece: Piece) -> Bool {
            state.withLock { state in
                switch piece {
                case .index:
                    defer { state.indexTaken = true }
                    return !state.indexTaken
                case .walk:
                    defer { state.walkTaken = true }
                    return !state.walkTaken
                }
            }
        }

        /// An index IndexFile cannot read whole (version 4, a split index) leaves the scan
        /// to read it the usual way.
        private func readIndex() {
            let read = IndexFile.read(atPath: repository + "/index")
            self.read = read
            let batch = read.map { StatBatch(home: home, entries: $0.entries, paths: $0.paths) }
            state.withLock { state in
                state.batch = batch
                state.indexRead = true
            }
        }

        /// The remembered walk read and its folders stat'ed.
        private func readWalk() {
            let cache = WalkCache.read(file: repository + "/" + WalkCache.fileName)
            walk = (cache, cache?.changedFolders(home: home))
            state.withLock { $0.walkRead = true }
        }
    }
}
