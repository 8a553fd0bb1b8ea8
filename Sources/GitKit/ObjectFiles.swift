import CLibgit2
import CNanerZlib
import Glibc

/// Objects read straight from a repository's files, without libgit2: loading libgit2 (and
/// the twenty libraries it needs) is most of what `naner log -n 1` costs on a small home.
/// A loose object (`objects/xx/…`, zlib) or one in a pack found through its version-2
/// index, deltas applied. Anything unusual (an alternate object store, a damaged or
/// unknown format, a chain of deltas deeper than git makes) is nil, and the caller asks
/// libgit2, which reports it properly. What is returned hashed to the id asked for.
public final class ObjectFiles {
    private let objects: String
    private let packs: [PackFile]
    /// git's own default `pack.depth` is 50; a longer chain is left to libgit2.
    private static let maximumDeltaDepth = 64
    /// No object (nor delta base) larger is read here, whatever its header claims: what
    /// arrived from a remote may say a commit is a gigabyte, and memory stays bounded.
    private let maximumSize: Int

    /// `repository`: the git directory. Nil when objects may live elsewhere (alternates).
    /// `maximumSize`: the largest object read, in bytes (commits and tags are small).
    public init?(repository: String, maximumSize: Int = 16 << 20) {
        self.maximumSize = maximumSize
        objects = repository + "/objects"
        guard access(objects + "/info/alternates", F_OK) != 0 else { return nil }
        packs = PackIndex.indexPaths(in: objects + "/pack").map(PackFile.init)
    }

    /// The object's kind and content, or nil (see the type's note).
    public func read(_ id: ObjectID) -> (kind: ObjectKind, bytes: [UInt8])? {
        read(id, depth: 0)
    }

    /// The commit `id` names, or nil when it is not a commit or cannot be read here.
    public func commit(_ id: ObjectID) -> CommitInfo? {
        guard let (kind, bytes) = read(id), kind == .commit else { return nil }
        return CommitText.parse(bytes, id: id)
    }

    /// The commit a tag names, following tags of tags; `id` itself when it is a commit.
    public func peeledCommit(_ id: ObjectID) -> ObjectID? {
        var current = id
        for _ in 0..<8 {
            guard let (kind, bytes) = read(current) else { return nil }
            switch kind {
            case .commit: return current
            case .tag:
                guard bytes.starts(with: Array("object ".utf8)), bytes.count >= 48, bytes[47] == 0x0A,
                      let target = ObjectID(hex: String(decoding: bytes[7..<47], as: UTF8.self)) else { return nil }
                current = target
            default: return nil
            }
        }
        return nil
    }

    private func read(_ id: ObjectID, depth: Int) -> (kind: ObjectKind, bytes: [UInt8])? {
        guard depth <= Self.maximumDeltaDepth else { return nil }
        // A loop, not `lazy.compactMap(…).first`, which inflates the object it finds twice.
        var found = readLoose(id)
        for pack in packs where found == nil { found = readPacked(id, in: pack, depth: depth) }
        guard let found, let hashed = try? ObjectID.hash(found.bytes, kind: found.kind), hashed == id else { return nil }
        return found
    }

    // MARK: loose objects

    private func readLoose(_ id: ObjectID) -> (kind: ObjectKind, bytes: [UInt8])? {
        let path = objects + "/" + id.loosePath
        var status = stat()
        guard stat(path, &status) == 0, Int(status.st_size) <= maximumSize + 4096,
              let compressed = IndexFile.readAll(path),
              let inflated = Self.inflateWhole(compressed, limit: maximumSize + 64),
              let end = inflated.firstIndex(of: 0), end < 32 else { return nil }
        let words = String(decoding: inflated[..<end], as: UTF8.self).split(separator: " ")
        guard words.count == 2, let kind = ObjectKind(name: words[0]), let size = Int(words[1]),
              size == inflated.count - end - 1 else { return nil }
        return (kind, Array(inflated[(end + 1)...]))
    }

    // MARK: packed objects

    private func readPacked(_ id: ObjectID, in pack: PackFile, depth: Int) -> (kind: ObjectKind, bytes: [UInt8])? {
        guard let offset = pack.index?.offset(of: id), let descriptor = pack.descriptor else { return nil }
        return readEntry(descriptor, at: offset, depth: depth)
    }

    /// The entry at `offset`: a type and size header, then the deflated content, or for a
    /// delta its base (an offset back in this pack, or an id) and the deflated delta.
    private func readEntry(_ descriptor: Int32, at offset: Int, depth: Int) -> (kind: ObjectKind, bytes: [UInt8])? {
        guard depth <= Self.maximumDeltaDepth, offset >= 12 else { return nil }
        var header = [UInt8](repeating: 0, count: 32)
        let got = header.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, 32, off_t(offset)) }
        guard got > 0 else { return nil }
        var position = 0
        var byte = header[0]
        let type = (byte >> 4) & 7
        var size = Int(byte & 0x0F)
        var shift = 4
        while byte & 0x80 != 0 {
            position += 1
            guard position < got, shift < 57 else { return nil }
            byte = header[position]
            size |= Int(byte & 0x7F) << shift
            shift += 7
        }
        position += 1
        switch type {
        case 1, 2, 3, 4:
            guard size <= maximumSize, let kind = ObjectKind(packType: type),
                  let content = inflateEntry(descriptor, at: offset + position, size: size) else { return nil }
            return (kind, content)
        case 6:  // OFS_DELTA: the base lies this far before the entry
            guard position < got else { return nil }
            byte = header[position]
            var distance = Int(byte & 0x7F)
            while byte & 0x80 != 0 {
                position += 1
                guard position < got, distance < Int.max >> 8 else { return nil }
                byte = header[position]
                distance = ((distance + 1) << 7) | Int(byte & 0x7F)
            }
            position += 1
            guard size <= maximumSize, distance > 0, distance < offset,
                  let base = readEntry(descriptor, at: offset - distance, depth: depth + 1),
                  let delta = inflateEntry(descriptor, at: offset + position, size: size),
                  let result = Self.applyDelta(delta, to: base.bytes, maximumSize: maximumSize) else { return nil }
            return (base.kind, result)
        case 7:  // REF_DELTA: the base named by its id
            guard position + 20 <= got else { return nil }
            let baseID = ObjectID(rawBytes: Array(header[position..<(position + 20)]))
            guard size <= maximumSize, let base = read(baseID, depth: depth + 1),
                  let delta = inflateEntry(descriptor, at: offset + position + 20, size: size),
                  let result = Self.applyDelta(delta, to: base.bytes, maximumSize: maximumSize) else { return nil }
            return (base.kind, result)
        default:
            return nil
        }
    }

    /// Inflates the zlib stream at `offset`, which must give exactly `size` bytes.
    private func inflateEntry(_ descriptor: Int32, at offset: Int, size: Int) -> [UInt8]? {
        guard size <= maximumSize else { return nil }
        var stream = z_stream()
        guard inflateInit_(&stream, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: size + 1)  // one more: a longer stream shows as an overrun
        var input = [UInt8](repeating: 0, count: min(max(size / 2, 4096), 1 << 20))
        var position = offset
        var produced = 0
        while true {
            let count = input.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(position)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return nil }
            let rc: Int32 = input.withUnsafeMutableBufferPointer { inputBuffer in
                output.withUnsafeMutableBufferPointer { outputBuffer in
                    stream.next_in = inputBuffer.baseAddress
                    stream.avail_in = uInt(count)
                    stream.next_out = outputBuffer.baseAddress! + produced
                    stream.avail_out = uInt(outputBuffer.count - produced)
                    let rc = CNanerZlib.inflate(&stream, Z_NO_FLUSH)
                    produced = outputBuffer.count - Int(stream.avail_out)
                    return rc
                }
            }
            position += count - Int(stream.avail_in)
            if rc == Z_STREAM_END { break }
            guard rc == Z_OK || rc == Z_BUF_ERROR, produced <= size else { return nil }
        }
        guard produced == size else { return nil }
        output.removeLast()
        return output
    }

    /// A whole zlib stream held in memory (a loose object's file).
    static func inflateWhole(_ compressed: [UInt8], limit: Int) -> [UInt8]? {
        var stream = z_stream()
        guard inflateInit_(&stream, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: min(max(4096, compressed.count * 4), 1 << 20))
        return compressed.withUnsafeBufferPointer { inputBuffer -> [UInt8]? in
            stream.next_in = UnsafeMutablePointer(mutating: inputBuffer.baseAddress)
            stream.avail_in = uInt(inputBuffer.count)
            while true {
                let rc: Int32 = chunk.withUnsafeMutableBufferPointer { chunkBuffer in
                    stream.next_out = chunkBuffer.baseAddress
                    stream.avail_out = uInt(chunkBuffer.count)
                    return CNanerZlib.inflate(&stream, Z_NO_FLUSH)
                }
                output += chunk[..<(chunk.count - Int(stream.avail_out))]
                if output.count > limit { return nil }
                if rc == Z_STREAM_END { return output }
                guard rc == Z_OK, stream.avail_in > 0 || stream.avail_out == 0 else { return nil }
            }
        }
    }

    /// git's delta: the base's size and the result's, then instructions that copy a
    /// range of the base or insert the bytes that follow them.
    static func applyDelta(_ delta: [UInt8], to base: [UInt8], maximumSize: Int) -> [UInt8]? {
        var position = 0
        func size() -> Int? {
            var value = 0, shift = 0
            while position < delta.count, shift < 57 {
                let byte = delta[position]
                position += 1
                value |= Int(byte & 0x7F) << shift
                shift += 7
                if byte & 0x80 == 0 { return value }
            }
            return nil
        }
        guard let baseSize = size(), baseSize == base.count, let resultSize = size(), resultSize <= maximumSize else { return nil }
        var result: [UInt8] = []
        result.reserveCapacity(resultSize)
        while position < delta.count {
            let instruction = delta[position]
            position += 1
            if instruction & 0x80 != 0 {
                var copyOffset = 0, copySize = 0
                for bit in 0..<4 where instruction & (1 << bit) != 0 {
                    guard position < delta.count else { return nil }
                    copyOffset |= Int(delta[position]) << (8 * bit)
                    position += 1
                }
                for bit in 0..<3 where instruction & (0x10 << bit) != 0 {
                    guard position < delta.count else { return nil }
                    copySize |= Int(delta[position]) << (8 * bit)
                    position += 1
                }
                if copySize == 0 { copySize = 0x10000 }
                guard copyOffset + copySize <= base.count, result.count + copySize <= resultSize else { return nil }
                result += base[copyOffset..<(copyOffset + copySize)]
            } else if instruction != 0 {
                let count = Int(instruction)
                guard position + count <= delta.count, result.count + count <= resultSize else { return nil }
                result += delta[position..<(position + count)]
                position += count
            } else {
                return nil  // reserved
            }
        }
        return result.count == resultSize ? result : nil
    }
}

/// A pack and its index, each opened when first needed and kept open for the reads after.
private final class PackFile {
    private let indexPath: String
    private var opened = false
    private var mappedIndex: PackIndex.Mapping?
    private var packDescriptor: Int32 = -1

    init(indexPath: String) { self.indexPath = indexPath }

    deinit { if packDescriptor >= 0 { close(packDescriptor) } }

    var index: PackIndex.Mapping? { open(); return mappedIndex }
    var descriptor: Int32? { open(); return packDescriptor >= 0 ? packDescriptor : nil }

    private func open() {
        guard !opened else { return }
        opened = true
        mappedIndex = PackIndex.Mapping(path: indexPath)
        if mappedIndex != nil { packDescriptor = Glibc.open(String(indexPath.dropLast(4)) + ".pack", O_RDONLY | O_CLOEXEC) }
    }
}

extension ObjectKind {
    init?(name: Substring) {
        switch name {
        case "blob": self = .blob
        case "tree": self = .tree
        case "commit": self = .commit
        case "tag": self = .tag
        default: return nil
        }
    }

    /// The type numbers of a pack entry's header.
    init?(packType: UInt8) {
        switch packType {
        case 1: self = .commit
        case 2: self = .tree
        case 3: self = .blob
        case 4: self = .tag
        default: return nil
        }
    }
}
