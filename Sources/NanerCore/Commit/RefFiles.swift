/// References read from the files git keeps them in, without libgit2 (whose start-up
/// costs a small home's whole status): a loose file `REPO/NAME` holding an id or
/// `ref: OTHER`, else a line `ID NAME` of `REPO/packed-refs`. Anything else, or
/// anything unusual, is `.unknown`, and the caller asks libgit2.
enum RefFiles {
    enum Lookup: Equatable {
        case id(String)
        case absent
        case unknown
    }

    static func lookup(_ name: String, repository: String) -> Lookup {
        lookup(name, repository: repository, depth: 0)
    }

    private static func lookup(_ name: String, repository: String, depth: Int) -> Lookup {
        guard depth < 4, name == "HEAD" || name.hasPrefix("refs/"), !name.contains(".."), !name.contains("//"),
              !name.hasSuffix("/"), !name.hasSuffix(".lock") else { return .unknown }
        if let bytes = try? FileReader.read(repository + "/" + name) {
            var text = String(decoding: bytes, as: UTF8.self)
            while text.last == "\n" || text.last == "\r" { text.removeLast() }
            if text.hasPrefix("ref: ") { return lookup(String(text.dropFirst(5)), repository: repository, depth: depth + 1) }
            return isObjectID(text) ? .id(text) : .unknown
        }
        if PathStatus(path: repository + "/" + name) != nil { return .unknown }  // a folder, an unreadable file
        guard name != "HEAD" else { return .unknown }
        guard let packed = try? FileReader.read(repository + "/packed-refs") else {
            return (PathStatus(path: repository + "/packed-refs") != nil) ? .unknown : .absent
        }
        for line in String(decoding: packed, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") && !line.hasPrefix("^") {
            let parts = line.split(separator: " ", maxSplits: 1)
            if parts.count == 2 && parts[1] == name {
                return isObjectID(String(parts[0])) ? .id(String(parts[0])) : .unknown
            }
        }
        return .absent
    }

    /// The branch HEAD names (`main`), from `REPO/HEAD`; nil when detached or unreadable.
    static func headBranch(repository: String) -> String? {
        guard let bytes = try? FileReader.read(repository + "/HEAD") else { return nil }
        var text = String(decoding: bytes, as: UTF8.self)
        while text.last == "\n" || text.last == "\r" { text.removeLast() }
        guard text.hasPrefix("ref: refs/heads/") else { return nil }
        let name = String(text.dropFirst("ref: refs/heads/".count))
        return name.isEmpty ? nil : name
    }

    static func isObjectID(_ text: String) -> Bool {
        text.utf8.count == 40 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
