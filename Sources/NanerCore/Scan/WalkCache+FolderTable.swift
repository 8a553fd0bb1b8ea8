extension WalkCache {
    /// The walked folders as the cache file holds them (since version 5): a line
    /// `folders COUNT LENGTH`, COUNT records of 48 bytes, LENGTH bytes of paths, a newline.
    /// A record holds, little-endian: device, inode, modified and changed seconds (64 bits
    /// each), their nanoseconds, the permission bits and the flags (32 bits each; flag 1:
    /// racy). The paths are the folders' in record order, each ended by a NUL.
    ///
    /// Binary because a status reads every folder's stat data on every run: in version 4's
    /// lines, the sixty-odd decimal digits of each folder were half of a 2,000-file diff's
    /// reading of the cache (0.76 of 1.5 million instructions, on the critical path).
    enum FolderTable {
        static let recordSize = 48
        private static let racyFlag: UInt32 = 1

        static func write(_ folders: [Folder], to data: inout [UInt8]) {
            let pathBytes = folders.reduce(0) { $0 + $1.path.utf8.count + 1 }
            data.append(contentsOf: "folders \(folders.count) \(pathBytes)\n".utf8)
            data.reserveCapacity(data.count + folders.count * recordSize + pathBytes + 1)
            for folder in folders {
                let key = folder.key
                append(key.device, to: &data)
                append(key.inode, to: &data)
                append(Int64(key.modified.seconds), to: &data)
                append(Int64(key.changed.seconds), to: &data)
                append(UInt32(truncatingIfNeeded: key.modified.nanoseconds), to: &data)
                append(UInt32(truncatingIfNeeded: key.changed.nanoseconds), to: &data)
                append(folder.mode, to: &data)
                append(folder.isRacy ? racyFlag : 0, to: &data)
            }
            for folder in folders {
                data.append(contentsOf: folder.path.utf8)
                data.append(0)
            }
            data.append(UInt8(ascii: "\n"))
        }

        /// The folders at the reader's position, which moves past them; nil when the table
        /// is damaged (a count the file cannot hold, a path missing, an unknown flag).
        static func read(_ reader: inout LineReader) -> [Folder]? {
            let bytes = reader.bytes
            guard reader.skip("folders "), let count = reader.number(then: UInt8(ascii: " ")),
                  let length = reader.number(then: UInt8(ascii: "\n")), let base = bytes.baseAddress else { return nil }
            let records = reader.position
            guard count <= (bytes.count - records) / recordSize else { return nil }
            let paths = records + count * recordSize, end = paths + length
            guard length < bytes.count - paths, bytes[end] == UInt8(ascii: "\n") else { return nil }
            var folders: [Folder] = []
            folders.reserveCapacity(count)
            var pathStart = paths
            for position in 0..<count {
                guard pathStart < end, let terminator = Memory.find(0, in: base + pathStart, count: end - pathStart) else { return nil }
                let pathEnd = UnsafeRawPointer(base).distance(to: terminator)
                let record = Record(start: UnsafeRawPointer(base + records + position * recordSize))
                let mode: UInt32 = record.field(at: 40), flags: UInt32 = record.field(at: 44)
                guard mode <= 0o7777, flags & ~racyFlag == 0 else { return nil }
                let key = StatKey(device: record.field(at: 0), inode: record.field(at: 8),
                                  modified: Timestamp(seconds: Int(record.field(at: 16) as Int64), nanoseconds: Int(record.field(at: 32) as UInt32)),
                                  changed: Timestamp(seconds: Int(record.field(at: 24) as Int64), nanoseconds: Int(record.field(at: 36) as UInt32)))
                let path = String(decoding: UnsafeBufferPointer(start: base + pathStart, count: pathEnd - pathStart), as: UTF8.self)
                folders.append(Folder(path: path, key: key, mode: mode, isRacy: flags & racyFlag != 0))
                pathStart = pathEnd + 1
            }
            guard pathStart == end else { return nil }
            reader.position = end + 1
            return folders
        }

        private static func append<Value: FixedWidthInteger>(_ value: Value, to data: inout [UInt8]) {
            withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
        }

        private struct Record {
            let start: UnsafeRawPointer

            @inline(__always)
            func field<Value: FixedWidthInteger>(at offset: Int) -> Value {
                Value(littleEndian: start.loadUnaligned(fromByteOffset: offset, as: Value.self))
            }
        }
    }
}
