import CLibgit2
import Glibc

/// A regular file mapped read-only. `populate`: every page mapped at once
/// (`MAP_POPULATE`), for a file read whole: a status reads the whole index, and read into
/// fresh memory each of its pages cost a page fault and a copy (53 faults for a
/// 2,000-file index); a pack index, searched in a few places, is mapped lazily. The file
/// must be replaced by a rename, never rewritten in place, as git, libgit2 and naner write
/// the index and packs (git and libgit2 map them too), and naner its walk cache.
// Unchecked: the mapping is read-only and never changes once made.
public final class MappedFile: @unchecked Sendable {
    public let bytes: UnsafeRawBufferPointer

    public init?(path: String, populate: Bool = true) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & 0o170000 == 0o100000, status.st_size > 0,
              let mapping = mmap(nil, Int(status.st_size), PROT_READ, MAP_PRIVATE | (populate ? MAP_POPULATE : 0), descriptor, 0),
              mapping != MAP_FAILED else { return nil }
        bytes = UnsafeRawBufferPointer(start: mapping, count: Int(status.st_size))
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress!), bytes.count) }
}
