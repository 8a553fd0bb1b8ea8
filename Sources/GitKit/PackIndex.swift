import Glibc

/// A pack of a repository with the ids its index (`pack-*.idx`, version 2) lists,
/// so that a whole pack can travel as it is (`copyObjects`).
struct PackIndex {
    let packPath: String
    let indexPath: String
    let ids: [ObjectID]

    /// Every pack in `folder` that has its index beside it; an index that cannot be
    /// read (another version, damaged) only means its pack is not reused.
    static func all(in folder: String) -> [PackIndex] {
        guard let directory = opendir(folder) else { return [] }
        defer { closedir(directory) }
        var found: [PackIndex] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            guard name.hasPrefix("pack-"), name.hasSuffix(".idx") else { continue }
            let base = folder + "/" + String(name.dropLast(4))
            guard access(base + ".pack", R_OK) == 0, let ids = readIDs(base + ".idx") else { continue }
            found.append(PackIndex(packPath: base + ".pack", indexPath: base + ".idx", ids: ids))
        }
        return found
    }

    /// Version 2: magic, version, 256 fan-out counts, then the sorted ids.
    private static func readIDs(_ path: String) -> [ObjectID]? {
        guard let bytes = IndexFile.readAll(path), bytes.count >= 8 + 1024, bytes[0..<8] == [0xFF, 0x74, 0x4F, 0x63, 0, 0, 0, 2] else {
            return nil
        }
        let count = bytes[(8 + 255 * 4)..<(8 + 256 * 4)].reduce(0) { $0 << 8 | Int($1) }
        let start = 8 + 1024
        guard bytes.count >= start + count * 20 else { return nil }
        return bytes.withUnsafeBytes { raw in
            (0..<count).map { position in
                let offset = start + position * 20
                return ObjectID(bytes: (raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self),
                                        raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self),
                                        raw.loadUnaligned(fromByteOffset: offset + 16, as: UInt32.self)))
            }
        }
    }

    /// Copies the pack, then its index, each under a temporary name renamed into place:
    /// readers find a pack only through its index, so none sees half of one.
    func copy(into folder: String) throws {
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
