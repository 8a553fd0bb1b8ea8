import FoundationEssentials
import GitKit

/// A bare repository inside a folder that a sync client copies file by file. Objects
/// are immutable and safe; refs are not: a clash leaves the loser under a "conflicted
/// copy" name, and a ref can arrive before the objects it points at.
struct CloudFolder {
    /// A file a sync client made beside a ref when two machines wrote it.
    struct ConflictedCopy: Sendable {
        /// Relative to the folder, as found: `refs/heads/main (laptop's conflicted copy 2026-11-25)`.
        let path: String
        /// The commit it names, when the file holds one that the folder has.
        let commit: ObjectID?
    }

    let path: String

    /// Names the four clients give copies (Dropbox, OneDrive, Google Drive, iCloud):
    /// `main (laptop's conflicted copy 2026-11-25)`, `main-LAPTOP`, `main (1)`, `main 2`.
    /// naner writes only `main` and tag names, so another name beside one of them is a copy.
    static func isConflictedCopy(_ name: String, beside original: Set<String>) -> Bool {
        if name.contains("conflicted copy") { return true }
        // The original is the part before a ' ' or '-' that starts the copy's suffix: each such
        // place is looked up, not each original (a folder holds a thousand backup tags).
        for split in name.indices where name[split] == " " || name[split] == "-" {
            guard original.contains(String(name[..<split])) else { continue }
            let rest = name[split...]
            if rest.hasPrefix(" (") && rest.hasSuffix(")") { return true }  // "main (1)", "main (2)"
            if rest.hasPrefix(" "), Int(rest.dropFirst()) != nil { return true }  // "main 2"
            if rest.hasPrefix("-"), !rest.dropFirst().isEmpty, !rest.dropFirst().contains("/") { return true }  // "main-LAPTOP"
        }
        return false
    }

    /// Every copy-named file among the refs and `packed-refs`, and copy-named packs.
    func conflictedCopies() -> [ConflictedCopy] {
        var found: [ConflictedCopy] = []
        let manager = FileManager.default
        let database = try? Repository.open(gitDir: path, workTree: nil)
        func commit(in file: String) -> ObjectID? {
            guard let text = try? String(contentsOfFile: path + "/" + file, encoding: .utf8),
                  let id = ObjectID(hex: String(text.prefix(40))), let database,
                  (try? database.commit(id)) != nil else { return nil }
            return id
        }
        for folder in ["refs/heads", "refs/tags"] {
            guard let names = try? manager.contentsOfDirectory(atPath: path + "/" + folder) else { continue }
            let originals: Set<String> = folder == "refs/heads" ? ["main"] : Set(names.filter { Repository.isValidReferenceName("refs/tags/" + $0) })
            for name in names.sorted() where CloudFolder.isConflictedCopy(name, beside: originals)
                || (folder == "refs/heads" && !Repository.isValidReferenceName("refs/heads/" + name)) {
                found.append(ConflictedCopy(path: folder + "/" + name, commit: commit(in: folder + "/" + name)))
            }
        }
        if let names = try? manager.contentsOfDirectory(atPath: path) {
            for name in names.sorted() where name != "packed-refs" && name.hasPrefix("packed-refs") {
                found.append(ConflictedCopy(path: name, commit: nil))
            }
        }
        if let names = try? manager.contentsOfDirectory(atPath: path + "/objects/pack") {
            for name in names.sorted() where name.hasPrefix("pack-") && !CloudFolder.isPackName(name) {
                found.append(ConflictedCopy(path: "objects/pack/" + name, commit: nil))
            }
        }
        return found
    }

    /// `pack-<40 hex>.pack|.idx|.rev|.keep`: anything else in the pack folder is a copy.
    static func isPackName(_ name: String) -> Bool {
        let parts = name.split(separator: ".")
        guard parts.count == 2, ["pack", "idx", "rev", "keep", "bitmap"].contains(parts[1]) else { return false }
        let stem = parts[0]
        return stem.hasPrefix("pack-") && stem.dropFirst(5).count == 40 && stem.dropFirst(5).allSatisfy(\.isHexDigit)
    }

    /// A ref whose commit (or its tree) is not in the folder yet means the client is
    /// still copying: nothing of it may be trusted now.
    /// `complete`: the references (`NAME ID`) found whole before, which are not read again:
    /// objects never leave a folder, so years of backup tags are checked once each. The ones
    /// found whole now are added.
    func incompleteReference(complete: inout Set<String>) -> String? {
        guard let database = try? Repository.open(gitDir: path, workTree: nil) else { return nil }
        // Backups mostly share their trees, and a day's tree shares all but a few folders with
        // the day's before: each distinct tree, at any depth, is read once.
        var walked = Set<ObjectID>()
        for (name, id) in references(in: database).sorted(by: { $0.key < $1.key }) where !complete.contains(name + " " + id.hex) {
            guard let commit = try? database.peeledCommit(id), let info = try? database.commit(commit) else { return name }
            if (try? database.checkTreesPresent(info.treeID, known: &walked)) == nil { return name }
            complete.insert(name + " " + id.hex)
        }
        return nil
    }

    /// Where this machine remembers which of the folder's references it found whole:
    /// `REPO/naner-folder-<hash of the folder's path>`, one `NAME ID` a line.
    static func checkedFile(repository: String, folder: String) -> String {
        let digest = (try? ObjectID.hash(Array(folder.utf8), kind: .blob).hex) ?? "0"
        return repository + "/naner-folder-" + digest.prefix(12)
    }

    /// `refs/heads/main` (or `master`), the layer branches and every tag, by name → the object each names.
    /// Read name by name, so a copy-named file beside them cannot break the listing: a loose
    /// reference file holding an id is read as it is (a folder holds a file per backup tag),
    /// any other through libgit2, and a name only `packed-refs` holds from its line there.
    func references(in repository: Repository) -> [String: ObjectID] {
        var names = ["refs/heads/main", "refs/heads/master"]
        let manager = FileManager.default
        if let tags = try? manager.contentsOfDirectory(atPath: path + "/refs/tags") {
            names += tags.map { "refs/tags/" + $0 }
        }
        // The layer branches of per-machine variants: one folder level each.
        for kind in ["os", "class", "host"] {
            if let layers = try? manager.contentsOfDirectory(atPath: path + "/refs/heads/" + kind) {
                names += layers.map { "refs/heads/\(kind)/" + $0 }
            }
        }
        var packed: [String: ObjectID] = [:]
        if let text = try? String(contentsOfFile: path + "/packed-refs", encoding: .utf8) {
            for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.hasPrefix("^") {
                guard let space = line.firstIndex(of: " ") else { continue }
                let name = String(line[line.index(after: space)...])
                names.append(name)
                if let id = ObjectID(hex: String(line[..<space])) { packed[name] = id }
            }
        }
        var result: [String: ObjectID] = [:]
        for name in Set(names) where (name.hasPrefix("refs/tags/") || name.hasPrefix("refs/heads/"))
            && Repository.isValidReferenceName(name) {
            if let bytes = try? FileReader.read(path + "/" + name) {
                if bytes.count == 41, bytes[40] == 0x0A, let id = ObjectID(hex: String(decoding: bytes[..<40], as: UTF8.self)) {
                    result[name] = id
                } else if let id = repository.referenceTargetIfPresent(name) {
                    result[name] = id
                }
            } else if PathStatus(path: path + "/" + name) == nil, let id = packed[name] {
                result[name] = id
            }
        }
        return result
    }

    var exists: Bool { FileManager.default.fileExists(atPath: path + "/HEAD") || FileManager.default.fileExists(atPath: path + "/objects") }
}
