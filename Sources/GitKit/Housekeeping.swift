import CLibgit2
import Glibc

/// What `git gc --auto` does for a repository that gains a tag and a commit every day:
/// loose references go into `packed-refs`, loose objects into a pack. Without it, years
/// of daily backups leave thousands of small files that every listing opens one by one.
extension Repository {
    /// How many references are loose files under `refs/` (not counting `.lock` files),
    /// counting no further than `limit + 1`.
    public func looseReferenceCount(upTo limit: Int) -> Int {
        var count = 0
        func walk(_ folder: String) {
            guard count <= limit, let directory = opendir(folder) else { return }
            defer { closedir(directory) }
            while count <= limit, let entry = readdir(directory) {
                let name = Repository.entryName(entry)
                if name == "." || name == ".." || name.hasSuffix(".lock") { continue }
                if entry.pointee.d_type == UInt8(DT_DIR) {
                    walk(folder + "/" + name)
                } else if entry.pointee.d_type == UInt8(DT_UNKNOWN) {
                    var status = stat()
                    if lstat(folder + "/" + name, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
                        walk(folder + "/" + name)
                    } else {
                        count += 1
                    }
                } else {
                    count += 1
                }
            }
        }
        walk(path + "refs")
        return count
    }

    /// Moves every loose reference into `packed-refs` (with the peeled commit of each
    /// annotated tag, as `git pack-refs --all` writes it), then removes each loose file
    /// that still holds the value packed; a reference moved meanwhile stays loose.
    /// libgit2 and git read both alike.
    public func packReferences() throws {
        var refdb: OpaquePointer?
        try check(git_repository_refdb(&refdb, pointer), "git_repository_refdb")
        defer { git_refdb_free(refdb) }
        try check(git_refdb_compress(refdb), "git_refdb_compress")
    }

    /// git's estimate of the loose objects (`gc --auto`): the objects in `objects/17`, times 256.
    public func looseObjectEstimate() -> Int {
        Repository.looseObjectNames(in: path + "objects/17").count * 256
    }

    /// Writes the loose objects of at most `largest` bytes into one new pack, then removes
    /// each one the pack holds (and folders left empty), as `git repack -d` followed by
    /// `git prune-packed` would; returns how many went. Every loose object is packed,
    /// reachable or not: nothing a safety point, a deleted tag or a reflog needs is lost.
    /// One that cannot be read whole (damaged) stays as it is. The pack is durable before
    /// any loose file goes, so a kill at any point leaves every object readable.
    @discardableResult
    public func packLooseObjects(largest: Int = 16 << 20) throws -> Int {
        let database = try objectDatabase()
        let objects = path + "objects"
        var loose: [(id: ObjectID, file: String)] = []
        for folder in 0..<256 {
            let prefix = (folder < 16 ? "0" : "") + String(folder, radix: 16)
            for name in Repository.looseObjectNames(in: objects + "/" + prefix) {
                guard let id = ObjectID(hex: prefix + name) else { continue }
                loose.append((id, objects + "/" + prefix + "/" + name))
            }
        }
        guard !loose.isEmpty else { return 0 }
        let writer = PackWriter(gitDirectory: String(path.dropLast()), durable: true)
        var packed: [String] = []
        for object in loose {
            var size = 0
            var type = GIT_OBJECT_ANY
            var oid = object.id.raw
            guard git_odb_read_header(&size, &type, database.pointer, &oid) == 0, size <= largest,
                  let read = try? database.packed(object.id) else { continue }
            try writer.add(read)
            packed.append(object.file)
        }
        guard !packed.isEmpty else { return 0 }
        try writer.finish()
        var folders = Set<String>()
        for file in packed where unlink(file) == 0 {
            folders.insert(String(file[..<file.lastIndex(of: "/")!]))
        }
        for folder in folders { rmdir(folder) }  // only when empty, as git prune-packed leaves it
        return packed.count
    }

    /// The names of the loose objects in one `objects/xx` folder (38 hex digits each).
    private static func looseObjectNames(in folder: String) -> [String] {
        guard let directory = opendir(folder) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = entryName(entry)
            guard name.utf8.count == 38, name.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
                continue
            }
            names.append(name)
        }
        return names
    }

    private static func entryName(_ entry: UnsafeMutablePointer<dirent>) -> String {
        withUnsafePointer(to: &entry.pointee.d_name) { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
    }
}
