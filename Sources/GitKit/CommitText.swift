/// A commit object's text read as libgit2 reads it (`git_commit_lookup`): its tree,
/// parents and author, then the message after the first empty line, leading newlines
/// dropped. Nil when anything is out of shape, so the caller asks libgit2, which says why.
enum CommitText {
    static func parse(_ bytes: [UInt8], id: ObjectID) -> CommitInfo? {
        guard let headerEnd = emptyLine(in: bytes) ?? (bytes.last == 0x0A ? (bytes.count - 1)..<bytes.count : nil) else { return nil }
        var tree: ObjectID?
        var parents: [ObjectID] = []
        var author: (name: String, email: String, time: Int64, offset: Int32)?
        var committer: (name: String, email: String, time: Int64, offset: Int32)?
        for line in bytes[..<headerEnd.lowerBound].split(separator: 0x0A, omittingEmptySubsequences: false) {
            if line.first == 0x20 { continue }  // a continued header (gpgsig)
            guard let space = line.firstIndex(of: 0x20) else { return nil }
            let value = line[(space + 1)...]
            switch String(decoding: line[..<space], as: UTF8.self) {
            case "tree":
                guard tree == nil, parents.isEmpty, let id = ObjectID(hex: String(decoding: value, as: UTF8.self)) else { return nil }
                tree = id
            case "parent":
                guard tree != nil, author == nil, let id = ObjectID(hex: String(decoding: value, as: UTF8.self)) else { return nil }
                parents.append(id)
            case "author":
                guard tree != nil, author == nil, let signature = signature(value) else { return nil }
                author = signature
            case "committer":
                guard author != nil, committer == nil, let signature = signature(value) else { return nil }
                committer = signature
            default:
                continue
            }
        }
        guard let tree, let author, let committer else { return nil }
        var message = bytes[headerEnd.upperBound...]
        while message.first == 0x0A { message = message.dropFirst() }
        return CommitInfo(id: id, treeID: tree, parentIDs: parents, message: String(decoding: message, as: UTF8.self),
                          authorName: author.name, authorEmail: author.email, time: author.time, offsetMinutes: author.offset,
                          commitTime: committer.time)
    }

    /// Where the first `\n\n` is (a plain loop: the generic search was a sixth of a short log).
    private static func emptyLine(in bytes: [UInt8]) -> Range<Int>? {
        var index = 1
        while index < bytes.count {
            if bytes[index] == 0x0A && bytes[index - 1] == 0x0A { return (index - 1)..<(index + 1) }
            index += 1
        }
        return nil
    }

    /// `Name <email> 1764950000 +0100`.
    private static func signature(_ text: ArraySlice<UInt8>) -> (name: String, email: String, time: Int64, offset: Int32)? {
        guard let open = text.firstIndex(of: UInt8(ascii: "<")), let close = text.lastIndex(of: UInt8(ascii: ">")), open < close else { return nil }
        var name = text[..<open]
        while name.last == 0x20 { name = name.dropLast() }
        while name.first == 0x20 { name = name.dropFirst() }
        let email = text[(open + 1)..<close]
        let rest = text[(close + 1)...].split(separator: 0x20)
        guard rest.count == 2, let time = Int64(String(decoding: rest[0], as: UTF8.self)) else { return nil }
        let zone = Array(rest[1])
        guard zone.count == 5, zone[0] == UInt8(ascii: "+") || zone[0] == UInt8(ascii: "-"),
              let hours = Int32(String(decoding: zone[1..<3], as: UTF8.self)),
              let minutes = Int32(String(decoding: zone[3..<5], as: UTF8.self)) else { return nil }
        let offset = (hours * 60 + minutes) * (zone[0] == UInt8(ascii: "-") ? -1 : 1)
        return (String(decoding: name, as: UTF8.self), String(decoding: email, as: UTF8.self), time, offset)
    }
}
