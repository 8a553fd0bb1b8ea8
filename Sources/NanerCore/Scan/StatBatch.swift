import Synchronization

/// `lstat`s many tree paths on several threads. Paths come sorted (index order),
/// so neighbours share a folder: each lane opens that folder once and
/// stats names relative to it, which spares the kernel a full path walk per file.
// Unchecked: `output` is written at disjoint indexes, one claimed chunk per lane; `next` is a Mutex.
final class StatBatch: @unchecked Sendable {
    private let home: String
    private let paths: [String]
    private let output: UnsafeMutableBufferPointer<FileStat?>
    private let next = Mutex(0)
    private let chunk = 128

    /// `output` must have room for `paths.count` results and outlive `work()`.
    init(home: String, paths: [String], output: UnsafeMutableBufferPointer<FileStat?>) {
        self.home = home
        self.paths = paths
        self.output = output
    }

    /// Claims chunks until none is left; any number of threads may call it.
    func work() {
        // The folder open now, as the bytes of its tree path (empty for the root).
        var folder: [UInt8]? = nil
        var openFolder: OpenFolder? = nil
        while let range = claim() {
            for index in range {
                // Works on the path's C string: the name is its tail, so nothing is copied.
                output[index] = paths[index].withCString { path -> FileStat? in
                    let slash = Memory.findLast(UInt8(ascii: "/"), inCString: path)
                    let parentLength = slash.map { path.distance(to: $0) } ?? 0
                    let sameFolder = folder.map { known in
                        known.count == parentLength
                            && (parentLength == 0 || known.withUnsafeBufferPointer { Memory.equal($0.baseAddress!, path, count: parentLength) })
                    } ?? false
                    if !sameFolder {
                        let parent = UnsafeRawBufferPointer(start: path, count: parentLength)
                        folder = Array(parent)
                        let absolute = parentLength == 0 ? home : home + "/" + String(decoding: parent, as: UTF8.self)
                        openFolder = OpenFolder(path: absolute)
                    }
                    return openFolder?.fileStatus(slash.map { $0 + 1 } ?? path)
                }
            }
        }
    }

    private func claim() -> Range<Int>? {
        next.withLock { next in
            guard next < paths.count else { return nil }
            let start = next
            next = min(paths.count, next + chunk)
            return start..<next
        }
    }
}
