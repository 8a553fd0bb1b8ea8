import CLibgit2
import Crypto
import Glibc

/// A pack of a repository with the ids its index (`pack-*.idx`, version 2) lists,
/// so that a whole pack can travel as it is (`copyObjects`).
struct PackIndex {
    let packPath: String
    let indexPath: String
    let ids: [ObjectID]
    /// The SHA-1 the index records for its pack, which the pack also ends with.
    let packChecksum: [UInt8]

    /// Every pack in `folder` that has its index beside it; an index that cannot be
    /// read (another version, damaged) only means its pack is not reused.
    static func all(in folder: String) -> [PackIndex] {
        indexNames(in: folder).compactMap { name in
            let base = folder + "/" + String(name.dropLast(4))
            guard access(base + ".pack", R_OK) == 0, let (ids, packChecksum) = readIndex(base + ".idx") else { return nil }
            return PackIndex(packPath: base + ".pack", indexPath: base + ".idx", ids: ids, packChecksum: packChecksum)
        }
    }

    /// The index files of `folder` whose pack is beside them (git's names only).
    static func indexPaths(in folder: String) -> [String] {
        indexNames(in: folder).sorted().map { folder + "/" + $0 }.filter { access(String($0.dropLast(4)) + ".pack", F_OK) == 0 }
    }

    /// How many packs (with their index) `folder` holds, without reading them.
    static func count(in folder: String) -> Int {
        indexNames(in: folder).filter { access(folder + "/" + $0.dropLast(4) + ".pack", F_OK) == 0 }.count
    }

    /// The pack's size in bytes.
    var packSize: Int {
        var status = stat()
        return stat(packPath, &status) == 0 ? Int(status.st_size) : 0
    }

    /// Only git's own names: a sync client's "pack-… (1).idx" is never trusted.
    private static func indexNames(in folder: String) -> [String] {
        guard let directory = opendir(folder) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            let hash = name.dropFirst(5).dropLast(4)
            guard name.hasPrefix("pack-"), name.hasSuffix(".idx"), hash.count == 40,
                  hash.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else { continue }
            names.append(name)
        }
        return names
    }

    /// Version 2: magic, version, 256 fan-out counts, the sorted ids, CRCs, offsets, then
    /// the pack's checksum and the index's own, which must match its content.
    private static func readIndex(_ path: String) -> (ids: [ObjectID], packChecksum: [UInt8])? {
        guard let bytes = IndexFile.readAll(path), bytes.count >= 8 + 1024 + 40, bytes[0..<8] == [0xFF, 0x74, 0x4F, 0x63, 0, 0, 0, 2],
              Array(Insecure.SHA1.hash(data: bytes[..<(bytes.count - 20)])) == Array(bytes[(bytes.count - 20)...]) else {
            return nil
        }
        let count = bytes[(8 + 255 * 4)..<(8 + 256 * 4)].reduce(0) { $0 << 8 | Int($1) }
        let start = 8 + 1024
        guard bytes.count >= start + count * 20 + 40 else { return nil }
        let ids = bytes.withUnsafeBytes { raw in
            (0..<count).map { position in
                let offset = start + position * 20
                return ObjectID(bytes: (raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self),
                                        raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self),
                                        raw.loadUnaligned(fromByteOffset: offset + 16, as: UInt32.self)))
            }
        }
        return (ids, Array(bytes[(bytes.count - 40)..<(bytes.count - 20)]))
    }

    /// Whether the pack is whole: its content hashes to the checksum it ends with, which
    /// is the one its index recorded. A pack a sync client is still bringing in is not,
    /// and its objects are read one by one instead (where a damaged one fails loudly).
    func isIntact() -> Bool {
        let descriptor = open(packPath, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_size >= 12 + 20 else { return false }
        let content = Int(status.st_size) - 20
        var hash = Insecure.SHA1()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var done = 0
        while done < content {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, min($0.count, content - done)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            hash.update(data: buffer[..<count])
            done += count
        }
        var trailer = [UInt8](repeating: 0, count: 20)
        guard trailer.withUnsafeMutableBytes({ read(descriptor, $0.baseAddress, 20) }) == 20 else { return false }
        return trailer == packChecksum && Array(hash.finalize()) == packChecksum
    }

    /// Copies the pack, then its index, each under a temporary name renamed into place:
    /// readers find a pack only through its index, so none sees half of one.
    func copy(into folder: String) throws {
        mkdir(folder, 0o755)  // a sync client may not have brought an empty folder along
        for source in [packPath, indexPath] {
            let name = String(source[source.index(after: source.lastIndex(of: "/")!)...])
            let target = folder + "/" + name
            if access(target, F_OK) == 0 { continue }
            let temporary = folder + "/tmp_pack_naner_\(getpid())_" + name
            try PackIndex.copyFile(source, to: temporary)
            guard rename(temporary, target) == 0 else {
                let reason = String(cString: strerror(errno))
                unlink(temporary)
                throw GitError(function: "rename", code: -1, message: "cannot place '\(target)': \(reason)")
            }
        }
    }

    private static func copyFile(_ source: String, to target: String) throws {
        func failure(_ what: String) -> GitError {
            GitError(function: "copy", code: -1, message: "cannot \(what): " + String(cString: strerror(errno)))
        }
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw failure("read '\(source)'") }
        defer { close(input) }
        let output = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o444)
        guard output >= 0 else { throw failure("create '\(target)'") }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { close(output); unlink(target); throw failure("read '\(source)'") }
            if count == 0 { break }
            var written = 0
            while written < count {
                let step = buffer.withUnsafeBytes { write(output, $0.baseAddress! + written, count - written) }
                if step < 0 && errno == EINTR { continue }
                guard step > 0 else { close(output); unlink(target); throw failure("write '\(target)'") }
                written += step
            }
        }
        guard close(output) == 0 else { unlink(target); throw failure("write '\(target)'") }
    }
}

extension PackIndex {
    /// A version-2 index mapped into memory, to find where an object starts in its pack:
    /// the fan-out narrows the sorted ids to those sharing the first byte, a binary search
    /// finds the id, and its offset is in the 31-bit table or, past 2 GiB, the 64-bit one.
    final class Mapping {
        private let file: MappedFile
        private let count: Int

        init?(path: String) {
            guard let file = MappedFile(path: path, populate: false), file.bytes.count >= 8 + 1024 + 40 else { return nil }
            let bytes = file.bytes
            count = Mapping.word(bytes, 8 + 255 * 4)
            guard bytes[0..<8].elementsEqual([0xFF, 0x74, 0x4F, 0x63, 0, 0, 0, 2]),
                  bytes.count >= 8 + 1024 + count * 28 + 40 else { return nil }
            self.file = file
        }

        func offset(of id: ObjectID) -> Int? {
            let bytes = file.bytes
            let (base, length) = (bytes.baseAddress!, bytes.count)
            var target = id.raw
            return withUnsafeBytes(of: &target.id) { wanted -> Int? in
                let first = Int(wanted[0])
                let idStart = 8 + 1024, offsetStart = idStart + count * 24, largeStart = offsetStart + count * 4
                var low = first == 0 ? 0 : Mapping.word(bytes, 8 + (first - 1) * 4)
                var high = Mapping.word(bytes, 8 + first * 4)
                guard low <= high, high <= count else { return nil }
                while low < high {
                    let middle = (low + high) / 2
                    let order = memcmp(base + idStart + middle * 20, wanted.baseAddress!, 20)
                    if order == 0 {
                        let small = Mapping.word(bytes, offsetStart + middle * 4)
                        guard small & 0x8000_0000 != 0 else { return small }
                        let large = largeStart + (small & 0x7FFF_FFFF) * 8
                        guard large + 8 <= length - 40 else { return nil }
                        return bytes[large..<(large + 8)].reduce(0) { $0 << 8 | Int($1) }
                    }
                    if order < 0 { low = middle + 1 } else { high = middle }
                }
                return nil
            }
        }

        private static func word(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> Int {
            bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
        }
    }
}
