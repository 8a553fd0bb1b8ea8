import CLibgit2
import Glibc

/// Reads the entries of an index file (versions 2 and 3) straight from disk.
///
/// libgit2 1.5's `git_index_read` verifies the file's SHA-1 with its
/// collision-detecting hash and builds a path map, which for a 20,000-file home
/// costs as much as all the `lstat` calls of a status. `git status` skips that
/// checksum too. Read-only: every write still goes through libgit2's `Index`.
/// Returns nil for anything it does not parse whole: another version (4), a
/// mandatory extension (a split index's `link`, a sparse index's `sdir`), a damaged
/// layout. Callers then fall back to libgit2, which reads it or says why it cannot.
public enum IndexFile {
    /// The entries, the file's trailing checksum, which names this exact content, and the
    /// entries' paths as C strings (for the stat threads: see `PathTable`).
    public static func read(atPath path: String) -> (entries: [IndexEntry], checksum: String, paths: PathTable)? {
        guard let file = MappedFile(path: path), file.bytes.count >= 12 + 20,
              let (entries, paths) = parse(file) else { return nil }
        return (entries, Hex.string(UnsafeRawBufferPointer(rebasing: file.bytes[(file.bytes.count - 20)...])), paths)
    }

    /// The trailing checksum of the index file at `path`, nil when there is none.
    public static func checksum(atPath path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0, status.st_size >= 12 + 20 else { return nil }
        var trailer = [UInt8](repeating: 0, count: 20)
        let count = trailer.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, 20, status.st_size - 20) }
        return count == 20 ? hex(trailer[...]) : nil
    }

    private static func hex(_ bytes: ArraySlice<UInt8>) -> String {
        bytes.withUnsafeBytes { Hex.string($0) }
    }

    /// The entries and a table of their paths, which stays in `file`: each path there is
    /// already followed by a NUL (the padding the format requires, checked here).
    static func parse(_ file: MappedFile) -> (entries: [IndexEntry], paths: PathTable)? {
        let data = file.bytes
        // Fields are read as whole big-endian words, each only after its entry's bounds were
        // checked: byte by byte through bounds-checked subscripts, a 2,000-file index took
        // a third of a million instructions more.
        func u32(_ offset: Int) -> UInt32 { UInt32(bigEndian: data.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
        func u16(_ offset: Int) -> UInt16 { UInt16(bigEndian: data.loadUnaligned(fromByteOffset: offset, as: UInt16.self)) }

        guard u32(0) == 0x4449_5243 /* DIRC */ else { return nil }
        let version = u32(4)
        guard version == 2 || version == 3 else { return nil }
        let count = Int(u32(8))
        let end = data.count - 20  // trailing checksum
        // Each entry takes at least 64 bytes: a count the file cannot hold is damage.
        guard count <= (end - 12) / 64 else { return nil }
        var entries: [IndexEntry] = []
        entries.reserveCapacity(count)
        var starts: [Int] = [], ends: [Int] = []
        starts.reserveCapacity(count)
        ends.reserveCapacity(count)
        var offset = 12
        for _ in 0..<count {
            guard offset + 62 <= end else { return nil }
            let flags = u16(offset + 60)
            let extended = flags & 0x4000 != 0
            guard !extended || version == 3 else { return nil }
            let pathStart = offset + 62 + (extended ? 2 : 0)
            var pathEnd = pathStart + Int(flags & 0x0FFF)
            if flags & 0x0FFF == 0x0FFF {
                pathEnd = pathStart
                while pathEnd < end, data[pathEnd] != 0 { pathEnd += 1 }
            }
            // The path ends in a NUL (the table hands it out as a C string).
            guard pathEnd < end, data[pathEnd] == 0 else { return nil }
            // Entries are NUL-padded to a multiple of 8 bytes, counted from the entry's start.
            let length = pathEnd - offset
            let next = offset + ((length + 8) & ~7)
            guard next <= end else { return nil }
            if (flags >> 12) & 0x3 == 0 {
                let id = ObjectID(bytes: (data.loadUnaligned(fromByteOffset: offset + 40, as: UInt64.self),
                                          data.loadUnaligned(fromByteOffset: offset + 48, as: UInt64.self),
                                          data.loadUnaligned(fromByteOffset: offset + 56, as: UInt32.self)))
                // The path stays in the file: no String is made (see IndexEntry.path).
                starts.append(pathStart)
                ends.append(pathEnd)
                entries.append(IndexEntry(
                    pathAt: entries.count, id: id, mode: u32(offset + 24), fileSize: u32(offset + 36),
                    mtimeSeconds: Int32(bitPattern: u32(offset + 8)), mtimeNanoseconds: u32(offset + 12),
                    ctimeSeconds: Int32(bitPattern: u32(offset)), ctimeNanoseconds: u32(offset + 4),
                    device: u32(offset + 16), inode: u32(offset + 20), uid: u32(offset + 28), gid: u32(offset + 32)))
            }
            offset = next
        }
        // Extensions follow the entries: a 4-byte signature, a 4-byte size, the data.
        // As in git, one whose signature starts with 'A'...'Z' is optional and may be
        // skipped (TREE, REUC, UNTR, FSMN, EOIE, IEOT); any other changes what the
        // entries mean (`link`: most of them live in a shared index; `sdir`: some are
        // folders) and none is understood here.
        while offset + 8 <= end {
            guard data[offset] >= UInt8(ascii: "A") && data[offset] <= UInt8(ascii: "Z") else { return nil }
            let size = Int(u32(offset + 4))
            guard size <= end - offset - 8 else { return nil }
            offset += 8 + size
        }
        guard offset == end else { return nil }
        let paths = PathTable(file: file, starts: starts, ends: ends)
        let table = SharedPathTable(paths)
        for position in entries.indices { entries[position].keepPath(in: table) }
        return (entries, paths)
    }

    /// A whole file, or nil when it cannot be read (also for `PackIndex`).
    static func readAll(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { return nil }
        let size = Int(status.st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        while filled < size {
            let count = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + filled, size - filled) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return nil }
            filled += count
        }
        return bytes
    }
}

