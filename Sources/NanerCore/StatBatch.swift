import Dispatch
import Glibc

/// `lstat`s many tree paths on several threads. Paths come sorted (index order),
/// so neighbours share a folder: each lane opens that folder once and
/// stats names relative to it, which spares the kernel a full path walk per file.
final class StatBatch: @unchecked Sendable {
    private let home: String
    private let paths: [String]
    private let output: UnsafeMutableBufferPointer<FileStat?>
    private var next = 0
    private var mutex = pthread_mutex_t()
    private let chunk = 128

    /// `output` must have room for `paths.count` results and outlive `work()`.
    init(home: String, paths: [String], output: UnsafeMutableBufferPointer<FileStat?>) {
        self.home = home
        self.paths = paths
        self.output = output
        pthread_mutex_init(&mutex, nil)
    }

    deinit { pthread_mutex_destroy(&mutex) }

    /// Claims chunks until none is left; any number of threads may call it.
    func work() {
        var folder: Substring? = nil
        var folderDescriptor: Int32 = -1
        defer { if folderDescriptor >= 0 { close(folderDescriptor) } }
        while let range = claim() {
            for index in range {
                let path = paths[index]
                let slash = path.utf8.lastIndex(of: UInt8(ascii: "/"))
                let parent = slash.map { path[..<$0] } ?? ""
                if parent != folder {
                    if folderDescriptor >= 0 { close(folderDescriptor) }
                    folder = parent
                    folderDescriptor = open(parent.isEmpty ? home : home + "/" + parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                }
                let name = slash.map { String(path[path.utf8.index(after: $0)...]) } ?? path
                output[index] = folderDescriptor >= 0 ? FileStat(directory: folderDescriptor, name: name) : nil
            }
        }
    }

    private func claim() -> Range<Int>? {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        guard next < paths.count else { return nil }
        let start = next
        next = min(paths.count, next + chunk)
        return start..<next
    }
}

/// Runs `body(lane)` on `lanes` threads at once and waits for all of them.
func runConcurrently(lanes: Int, _ body: (Int) -> Void) {
    withoutActuallyEscaping(body) { body in
        let shared = UnsafeSendable(value: body)
        DispatchQueue.concurrentPerform(iterations: lanes) { lane in shared.value(lane) }
    }
}
