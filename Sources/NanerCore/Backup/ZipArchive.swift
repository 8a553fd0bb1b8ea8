import FoundationEssentials

/// Zip files for portable backups, written and read here over zlib (ZIPFoundation,
/// used before, imports all of Foundation and with it ICU's 34 MB of data). Written
/// as Info-ZIP's zip does: unix permissions in the external attributes, symlinks as
/// symlink entries, UTF-8 names, ZIP64 only for offsets past 4 GiB. The reader takes
/// every size and offset from the file and checks it against the file's length
/// before using it, inflates exactly the entry's compressed bytes (a stream that
/// wants more is cut short, not waited on), and checks each entry's CRC-32.
enum ZipArchive {
    enum Failure: Error, Equatable {
        case damaged(String)
        case unsafe(entry: String, reason: String)
    }

    /// Everything one archive may expand to, so a small hostile zip cannot fill the memory.
    static let maximumExpandedSize: UInt64 = 4 << 30

    // MARK: Writing

    /// Writes `items` in this order, without checking them (the caller does):
    /// file bytes deflated when `compress`, modes as unix permissions, symlinks
    /// as symlink entries. `path` must not exist; the file is made 0600.
    static func write(_ items: [(path: String, content: ArchiveEntry.Content)], to path: String,
                      compress: Bool = true, date: Date = Date()) throws {
        try FileSystem.writeNewFile(path, bytes(items, compress: compress, date: date), mode: 0o600)
    }

    /// The same zip, built in memory (to be encrypted before any byte reaches the disk).
    static func bytes(_ items: [(path: String, content: ArchiveEntry.Content)], compress: Bool = true,
                      date: Date = Date()) throws -> [UInt8] {
        let (dosTime, dosDate) = dosTimestamp(date)
        var out = LittleEndian()
        var central = LittleEndian()
        for item in items {
            let name = Array(item.path.utf8)
            guard name.count <= 0xFFFF else {
                throw NanerError.cannotArchive(item.path, reason: "its name is longer than a zip entry's can be")
            }
            let data: [UInt8], unixMode: UInt32
            switch item.content {
            case .file(let bytes, let mode): (data, unixMode) = (bytes, 0o100000 | (mode & 0o777))
            case .symlink(let target): (data, unixMode) = (Array(target.utf8), 0o120777)
            }
            let crc = crc32(data)
            // A symlink's target is stored as it is, as zip and Info-ZIP do.
            var method: UInt16 = 0
            var stored = data
            if compress, case .file = item.content {
                method = 8
                stored = try deflate(data, shown: item.path)
            }
            // Entries stay below 4 GiB (the reader refuses larger ones); only offsets need ZIP64.
            guard data.count < 0xFFFF_FFFF, stored.count < 0xFFFF_FFFF else {
                throw NanerError.cannotArchive(item.path, reason: "it is larger than 4 GiB")
            }
            let offset = UInt64(out.bytes.count)
            // Local header: version 2.0, bit 11 (names are UTF-8).
            out.u32(localSignature); out.u16(20); out.u16(0x0800); out.u16(method)
            out.u16(dosTime); out.u16(dosDate); out.u32(crc)
            out.u32(UInt32(stored.count)); out.u32(UInt32(data.count))
            out.u16(UInt16(name.count)); out.u16(0)
            out.bytes += name
            out.bytes += stored

            let zip64 = offset >= 0xFFFF_FFFF
            central.u32(centralSignature)
            central.u16(3 << 8 | (zip64 ? 45 : 20))  // made by a unix host: the mode is in the attributes
            central.u16(zip64 ? 45 : 20); central.u16(0x0800); central.u16(method)
            central.u16(dosTime); central.u16(dosDate); central.u32(crc)
            central.u32(UInt32(stored.count)); central.u32(UInt32(data.count))
            central.u16(UInt16(name.count)); central.u16(zip64 ? 12 : 0); central.u16(0)  // comment
            central.u16(0); central.u16(0)  // disk, internal attributes
            central.u32(unixMode << 16)
            central.u32(zip64 ? 0xFFFF_FFFF : UInt32(offset))
            central.bytes += name
            if zip64 { central.u16(0x0001); central.u16(8); central.u64(offset) }
        }
        let directoryOffset = UInt64(out.bytes.count)
        let directorySize = UInt64(central.bytes.count)
        out.bytes += central.bytes
        let count = UInt64(items.count)
        let needsZip64 = count >= 0xFFFF || directoryOffset >= 0xFFFF_FFFF || directorySize >= 0xFFFF_FFFF
        if needsZip64 {
            let zip64End = UInt64(out.bytes.count)
            out.u32(zip64EndSignature); out.u64(44); out.u16(3 << 8 | 45); out.u16(45)
            out.u32(0); out.u32(0); out.u64(count); out.u64(count); out.u64(directorySize); out.u64(directoryOffset)
            out.u32(zip64LocatorSignature); out.u32(0); out.u64(zip64End); out.u32(1)
        }
        out.u32(endSignature); out.u16(0); out.u16(0)
        out.u16(needsZip64 ? 0xFFFF : UInt16(count)); out.u16(needsZip64 ? 0xFFFF : UInt16(count))
        out.u32(needsZip64 ? 0xFFFF_FFFF : UInt32(directorySize))
        out.u32(needsZip64 ? 0xFFFF_FFFF : UInt32(directoryOffset))
        out.u16(0)
        return out.bytes
    }

    /// MS-DOS time and date fields in local time, as zip and unzip read them (2-second steps, 1980 at the earliest).
    private static func dosTimestamp(_ date: Date) -> (time: UInt16, date: UInt16) {
        let parts = CivilTime.local(Int64(date.timeIntervalSince1970.rounded(.down)))
        guard parts.year >= 1980 else { return (0, 1 << 5 | 1) }
        guard parts.year <= 2107 else { return (0xBF7D, 0xFF9F) }
        let time = UInt16(parts.hour << 11 | parts.minute << 5 | parts.second / 2)
        let day = UInt16((parts.year - 1980) << 9 | parts.month << 5 | parts.day)
        return (time, day)
    }

    private struct LittleEndian {
        var bytes: [UInt8] = []
        mutating func u16(_ value: UInt16) { bytes.append(UInt8(value & 0xFF)); bytes.append(UInt8(value >> 8)) }
        mutating func u32(_ value: UInt32) { u16(UInt16(value & 0xFFFF)); u16(UInt16(value >> 16)) }
        mutating func u64(_ value: UInt64) { u32(UInt32(value & 0xFFFF_FFFF)); u32(UInt32(value >> 32)) }
    }

    // MARK: Reading

    /// Every entry of the zip held in `bytes`, folders included, in the
    /// central directory's order. Nothing is checked for safety here except
    /// what decoding needs (names and link targets must be UTF-8).
    static func read(_ bytes: [UInt8]) throws(Failure) -> [ArchiveItem] {
        let file = Bytes(bytes)
        let directory = try centralDirectory(file)
        var items: [ArchiveItem] = []
        var expanded: UInt64 = 0
        var position = directory.offset
        for _ in 0..<directory.count {
            let record = try centralRecord(file, at: position)
            position = record.next
            expanded += record.uncompressedSize
            guard expanded <= maximumExpandedSize else {
                throw .damaged("its entries expand to more than \(maximumExpandedSize >> 30) GiB")
            }
            items.append(try item(file, record))
        }
        return items
    }

    private struct Directory {
        let count: UInt64
        let offset: UInt64
    }

    private struct CentralRecord {
        let versionMadeBy: UInt16
        let flags: UInt16
        let method: UInt16
        let crc: UInt32
        let compressedSize: UInt64
        let uncompressedSize: UInt64
        let name: ArraySlice<UInt8>
        let externalAttributes: UInt32
        let localOffset: UInt64
        let next: UInt64
    }

    private static let endSignature: UInt32 = 0x0605_4b50
    private static let zip64EndSignature: UInt32 = 0x0606_4b50
    private static let zip64LocatorSignature: UInt32 = 0x0706_4b50
    private static let centralSignature: UInt32 = 0x0201_4b50
    private static let localSignature: UInt32 = 0x0403_4b50

    /// The end of central directory record (and its ZIP64 form), found the way
    /// unzip finds it: the last signature within the comment's reach of the end.
    private static func centralDirectory(_ file: Bytes) throws(Failure) -> Directory {
        let count = UInt64(file.bytes.count)
        guard count >= 22 else { throw .damaged("it is too short to be a zip file") }
        var end: UInt64?
        var candidate = count - 22
        while true {
            if file.u32(candidate) == endSignature, let commentLength = file.u16(candidate + 20),
               candidate + 22 + UInt64(commentLength) <= count {
                end = candidate
                break
            }
            if candidate == 0 || count - 22 - candidate >= 0xFFFF { break }
            candidate -= 1
        }
        guard let end, let disk = file.u16(end + 4), let directoryDisk = file.u16(end + 6),
              let entries = file.u16(end + 10), let offset = file.u32(end + 16) else {
            throw .damaged("its end of central directory record is missing (is the file cut short?)")
        }
        guard disk == 0, directoryDisk == 0 else { throw .damaged("it spans several disks") }
        guard entries == 0xFFFF || offset == 0xFFFF_FFFF else {
            return Directory(count: UInt64(entries), offset: UInt64(offset))
        }
        guard end >= 20, file.u32(end - 20) == zip64LocatorSignature, let zip64End = file.u64(end - 20 + 8),
              file.u32(zip64End) == zip64EndSignature,
              let zip64Entries = file.u64(zip64End + 32), let zip64Offset = file.u64(zip64End + 48) else {
            throw .damaged("its ZIP64 end of central directory record is missing")
        }
        return Directory(count: zip64Entries, offset: zip64Offset)
    }

    private static func centralRecord(_ file: Bytes, at position: UInt64) throws(Failure) -> CentralRecord {
        let truncated = Failure.damaged("its central directory is cut short")
        guard file.u32(position) == centralSignature else {
            throw file.u32(position) == nil ? truncated : .damaged("its central directory is corrupt")
        }
        guard let versionMadeBy = file.u16(position + 4), let flags = file.u16(position + 8),
              let method = file.u16(position + 10), let crc = file.u32(position + 16),
              let compressed32 = file.u32(position + 20), let uncompressed32 = file.u32(position + 24),
              let nameLength = file.u16(position + 28), let extraLength = file.u16(position + 30),
              let commentLength = file.u16(position + 32), let attributes = file.u32(position + 38),
              let offset32 = file.u32(position + 42),
              let name = file.slice(position + 46, UInt64(nameLength)),
              let extra = file.slice(position + 46 + UInt64(nameLength), UInt64(extraLength)),
              file.slice(position + 46 + UInt64(nameLength) + UInt64(extraLength), UInt64(commentLength)) != nil
        else { throw truncated }
        var uncompressedSize = UInt64(uncompressed32)
        var compressedSize = UInt64(compressed32)
        var localOffset = UInt64(offset32)
        if uncompressed32 == 0xFFFF_FFFF || compressed32 == 0xFFFF_FFFF || offset32 == 0xFFFF_FFFF {
            // ZIP64 extended information: only the fields whose 32-bit form is saturated, in this order.
            guard var field = zip64Field(Bytes(Array(extra))) else {
                throw .damaged("an entry's ZIP64 sizes are missing")
            }
            func take(_ value: inout UInt64, if saturated: Bool) throws(Failure) {
                guard saturated else { return }
                guard let next = field.u64(0) else { throw .damaged("an entry's ZIP64 sizes are missing") }
                value = next
                field = Bytes(Array(field.bytes.dropFirst(8)))
            }
            try take(&uncompressedSize, if: uncompressed32 == 0xFFFF_FFFF)
            try take(&compressedSize, if: compressed32 == 0xFFFF_FFFF)
            try take(&localOffset, if: offset32 == 0xFFFF_FFFF)
        }
        return CentralRecord(versionMadeBy: versionMadeBy, flags: flags, method: method, crc: crc,
                             compressedSize: compressedSize, uncompressedSize: uncompressedSize, name: name,
                             externalAttributes: attributes, localOffset: localOffset,
                             next: position + 46 + UInt64(nameLength) + UInt64(extraLength) + UInt64(commentLength))
    }

    private static func zip64Field(_ extra: Bytes) -> Bytes? {
        var position: UInt64 = 0
        while let id = extra.u16(position), let size = extra.u16(position + 2) {
            guard let body = extra.slice(position + 4, UInt64(size)) else { return nil }
            if id == 0x0001 { return Bytes(Array(body)) }
            position += 4 + UInt64(size)
        }
        return nil
    }

    private static func item(_ file: Bytes, _ record: CentralRecord) throws(Failure) -> ArchiveItem {
        let name = try decodeName(record)
        let shown = name.isEmpty ? "(an entry without a name)" : "'\(name)'"
        guard record.flags & 1 == 0 else { throw .damaged("\(shown) is encrypted, which naner cannot read") }

        // The kind: unix hosts (3) and macOS (19) keep the file type in the high half of the attributes.
        let host = record.versionMadeBy >> 8
        let unixMode = record.externalAttributes >> 16
        enum Kind { case file, folder, symlink }
        var kind: Kind = name.hasSuffix("/") ? .folder : .file
        var mode: UInt32 = 0o644
        if host == 3 || host == 19, unixMode != 0 {
            switch unixMode & 0o170000 {
            case 0o120000: kind = .symlink
            case 0o040000: kind = .folder
            case 0o100000: kind = .file
            case 0: break
            default: throw .unsafe(entry: name, reason: "it is a device, pipe or socket")
            }
            mode = unixMode & 0o777
        } else if host == 0, record.externalAttributes & 0x10 != 0 {
            kind = .folder
        }
        if kind == .folder {
            let path = name.hasSuffix("/") ? String(name.dropLast()) : name
            return ArchiveItem(path: path, content: .folder)
        }

        let data = try contents(file, record, shown: shown)
        switch kind {
        case .symlink:
            guard let target = String(validating: data, as: UTF8.self) else {
                throw .unsafe(entry: name, reason: "the symlink's target is not UTF-8")
            }
            return ArchiveItem(path: name, content: .symlink(target))
        default:
            return ArchiveItem(path: name, content: .file(data, mode: mode))
        }
    }

    /// UTF-8 whether or not the entry says so (bit 11); anything else is refused.
    private static func decodeName(_ record: CentralRecord) throws(Failure) -> String {
        guard let name = String(validating: record.name, as: UTF8.self) else {
            throw .unsafe(entry: String(decoding: record.name, as: UTF8.self), reason: "the name is not UTF-8")
        }
        return name
    }

    /// The entry's bytes, checked: the local header agrees with the central
    /// one, the data lies inside the file, inflating it stops at its end and
    /// yields exactly the size recorded, and the CRC-32 matches.
    private static func contents(_ file: Bytes, _ record: CentralRecord, shown: String) throws(Failure) -> [UInt8] {
        let offset = record.localOffset
        guard file.u32(offset) == localSignature, let nameLength = file.u16(offset + 26),
              let extraLength = file.u16(offset + 28) else {
            throw .damaged("the local header of \(shown) is missing")
        }
        guard file.slice(offset + 30, UInt64(nameLength)) == record.name else {
            throw .damaged("the local header of \(shown) names another file")
        }
        guard record.compressedSize <= UInt64(UInt32.max), record.uncompressedSize <= UInt64(UInt32.max) else {
            throw .damaged("\(shown) is larger than 4 GiB")
        }
        let start = offset + 30 + UInt64(nameLength) + UInt64(extraLength)
        guard let stored = file.slice(start, record.compressedSize) else {
            throw .damaged("the data of \(shown) runs past the end of the file (is the file cut short?)")
        }
        let expected = Int(record.uncompressedSize)
        var data: [UInt8]
        switch record.method {
        case 0:
            guard stored.count == expected else { throw .damaged("the sizes recorded for \(shown) disagree") }
            data = Array(stored)
        case 8:
            data = try inflate(stored, expected: expected, shown: shown)
        default:
            throw .damaged("\(shown) uses compression method \(record.method), which naner cannot read")
        }
        guard data.count == expected else { throw .damaged("\(shown) is shorter than its header says") }
        guard crc32(data) == record.crc else { throw .damaged("\(shown) fails its CRC-32 check") }
        return data
    }

    /// zlib's inflater, fed exactly the entry's compressed bytes.
    private static func inflate(_ compressed: ArraySlice<UInt8>, expected: Int, shown: String) throws(Failure) -> [UInt8] {
        guard !compressed.isEmpty else { throw .damaged("the compressed data of \(shown) is empty") }
        do {
            return try Zlib.inflate(compressed, expected: expected)
        } catch .cutShort {
            throw .damaged("the compressed data of \(shown) is cut short")
        } catch .tooLong {
            throw .damaged("\(shown) holds more data than its header says")
        } catch {
            throw .damaged("the compressed data of \(shown) is corrupt")
        }
    }

    private static func crc32(_ bytes: [UInt8]) -> UInt32 { Zlib.crc32(bytes) }

    private static func deflate(_ bytes: [UInt8], shown: String) throws -> [UInt8] {
        do {
            return try Zlib.deflate(bytes)
        } catch {
            throw NanerError.cannotArchive(shown, reason: error.reason)
        }
    }

    /// Little-endian reads that answer nil instead of reading past the end.
    private struct Bytes {
        let bytes: [UInt8]

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
        }

        func slice(_ offset: UInt64, _ length: UInt64) -> ArraySlice<UInt8>? {
            let count = UInt64(bytes.count)
            guard offset <= count, length <= count - offset else { return nil }
            return bytes[Int(offset)..<Int(offset + length)]
        }

        private func integer(_ offset: UInt64, _ size: UInt64) -> UInt64? {
            guard let slice = slice(offset, size) else { return nil }
            return slice.reversed().reduce(0) { $0 << 8 | UInt64($1) }
        }

        func u16(_ offset: UInt64) -> UInt16? { integer(offset, 2).map { UInt16($0) } }
        func u32(_ offset: UInt64) -> UInt32? { integer(offset, 4).map { UInt32($0) } }
        func u64(_ offset: UInt64) -> UInt64? { integer(offset, 8) }
    }
}
