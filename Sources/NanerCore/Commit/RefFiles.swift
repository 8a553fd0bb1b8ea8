import Glibc

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

    /// Every reference under `prefix` (`refs/tags/`): a loose file wins over its
    /// `packed-refs` line, which may carry the commit an annotated tag peels to (`^ID`).
    /// Nil when anything is unusual (a symbolic or unreadable reference, a name git would
    /// refuse), and the caller asks libgit2.
    static func all(under prefix: String, repository: String) -> [(name: String, id: String, peeled: String?)]? {
        // An array, not a dictionary: few references, and the first dictionary keyed by
        // String a process builds scans every conformance in the binary (a tenth of a short log).
        var found: [(name: String, id: String, peeled: String?)] = []
        if let packed = try? FileReader.read(repository + "/packed-refs") {
            var lastMatched = false
            for line in String(decoding: packed, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
                if line.hasPrefix("^") {
                    let peeled = String(line.dropFirst())
                    guard isObjectID(peeled) else { return nil }
                    if lastMatched { found[found.count - 1].peeled = peeled }
                    continue
                }
                let parts = line.split(separator: " ", maxSplits: 1)
                guard parts.count == 2, isObjectID(String(parts[0])) else { return nil }
                lastMatched = parts[1].hasPrefix(prefix)
                if lastMatched { found.append((String(parts[1]), String(parts[0]), nil)) }
            }
        } else if PathStatus(path: repository + "/packed-refs") != nil {
            return nil
        }
        let packedCount = found.count
        guard collectLoose(String(prefix.dropLast()), repository: repository, into: &found, packedCount: packedCount) else { return nil }
        return found
    }

    /// Adds the loose references in the folder of reference name `name`, each replacing
    /// its packed line (the first `packedCount` of `found`); false when one is unusual.
    private static func collectLoose(_ name: String, repository: String, into found: inout [(name: String, id: String, peeled: String?)],
                                     packedCount: Int) -> Bool {
        let folder = repository + "/" + name
        let stream: DirectoryStream
        do { stream = try DirectoryStream(path: folder) } catch { return error.code == ENOENT }
        while let entry = stream.next() {
            if entry.name.hasSuffix(".lock") { continue }  // a reference being written: its old value stays
            guard entry.isValidUTF8 else { return false }
            let child = name + "/" + entry.name
            switch entry.kind ?? PathStatus(path: folder + "/" + entry.name)?.kind {
            case .directory:
                guard collectLoose(child, repository: repository, into: &found, packedCount: packedCount) else { return false }
            case .file:
                guard case .id(let id) = lookup(child, repository: repository) else { return false }
                if let packed = found[..<packedCount].firstIndex(where: { $0.name == child }) {
                    found[packed] = (child, id, nil)
                } else {
                    found.append((child, id, nil))
                }
            default:
                return false
            }
        }
        return true
    }

    static func isObjectID(_ text: String) -> Bool {
        text.utf8.count == 40 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
