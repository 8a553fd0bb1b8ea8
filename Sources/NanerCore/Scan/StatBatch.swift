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
        // The folder open now, as the bytes of its tree path (empty for the root).
        var folder: [UInt8]? = nil
        var folderDescriptor: Int32 = -1
        defer { if folderDescriptor >= 0 { close(folderDescriptor) } }
        while let range = claim() {
            for index in range {
                // Works on the path's C string: the name is its tail, so nothing is copied.
                output[index] = paths[index].withCString { path -> FileStat? in
                    let slash = strrchr(path, Int32(UInt8(ascii: "/")))
                    let parentLength = slash.map { path.distance(to: $0) } ?? 0
                    let sameFolder = folder.map { known in
                        known.count == parentLength
                            && (parentLength == 0 || known.withUnsafeBufferPointer { memcmp($0.baseAddress!, path, parentLength) == 0 })
                    } ?? false
                    if !sameFolder {
                        if folderDescriptor >= 0 { close(folderDescriptor) }
                        let parent = UnsafeRawBufferPointer(start: path, count: parentLength)
                        folder = Array(parent)
                        let absolute = parentLength == 0 ? home : home + "/" + String(decoding: parent, as: UTF8.self)
                        folderDescriptor = open(absolute, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                    }
                    guard folderDescriptor >= 0 else { return nil }
                    return FileStat(directory: folderDescriptor, name: slash.map { UnsafePointer($0 + 1) } ?? path)
                }
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
