import CLibgit2

/// What is wrong with one object a commit needs.
public struct ObjectProblem: Error, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// No backend holds it.
        case missing
        /// It is there but cannot be read whole, or its content does not hash to its id.
        case damaged(String)
        /// It is another kind of object than the tree that names it says.
        case wrongKind(String)
    }

    public let id: ObjectID
    /// Where in the tree it sits (`.config/nvim/init.vim`; `""` for the root tree; the
    /// commit's or tag's own label for those).
    public let path: String
    public let kind: Kind
}

extension Repository {
    /// Reads `id` whole (libgit2 checks that the content hashes to the id: strict hash
    /// verification is on by default) and checks its kind; returns its content for a tree.
    /// Large blobs are streamed and hashed here instead of being held whole.
    func checkedObject(_ id: ObjectID, kind: ObjectKind, path: String, database: ObjectDatabase) throws -> [UInt8]? {
        var oid = id.raw
        var size = 0
        var type = GIT_OBJECT_ANY
        let header = git_odb_read_header(&size, &type, database.pointer, &oid)
        if header == GIT_ENOTFOUND.rawValue { throw ObjectProblem(id: id, path: path, kind: .missing) }
        if header < 0 { throw ObjectProblem(id: id, path: path, kind: .damaged(Repository.lastMessage(header))) }
        guard type == kind.raw else {
            throw ObjectProblem(id: id, path: path, kind: .wrongKind(String(cString: git_object_type2string(type))))
        }
        if kind == .blob && size > Repository.streamedCheckSize {
            var hasher = ObjectHasher(size: size, kind: .blob)
            do {
                try streamBlob(id) { try hasher.update($0) }
                let hashed = try hasher.finish()
                guard hashed == id else { throw ObjectProblem(id: id, path: path, kind: .damaged("its content hashes to \(hashed.hex)")) }
            } catch let problem as ObjectProblem {
                throw problem
            } catch let error as GitError {
                throw ObjectProblem(id: id, path: path, kind: .damaged(error.message))
            }
            return nil
        }
        var object: OpaquePointer?
        let rc = git_odb_read(&object, database.pointer, &oid)
        if rc == GIT_ENOTFOUND.rawValue { throw ObjectProblem(id: id, path: path, kind: .missing) }
        if rc < 0 { throw ObjectProblem(id: id, path: path, kind: .damaged(Repository.lastMessage(rc))) }
        defer { git_odb_object_free(object) }
        guard kind == .tree else { return nil }
        let length = git_odb_object_size(object)
        guard length > 0, let data = git_odb_object_data(object) else { return [] }
        return Array(UnsafeRawBufferPointer(start: data, count: length))
    }

    /// Every object a commit needs, each read whole and checked against its id: the commit,
    /// its tree and every tree and blob below (gitlinks name other repositories' commits
    /// and are not followed). `tag`: the annotated tag that names the commit, checked
    /// first. Returns how many blobs were read; throws the first `ObjectProblem`.
    public func checkObjects(commit: ObjectID, tag: ObjectID? = nil) throws -> Int {
        let database = try objectDatabase()
        if let tag { _ = try checkedObject(tag, kind: .tag, path: "(the tag)", database: database) }
        _ = try checkedObject(commit, kind: .commit, path: "(the commit)", database: database)
        let tree = try self.commit(commit).treeID
        var blobs = 0
        var seen = Set<ObjectID>()
        func visit(_ id: ObjectID, path: String) throws {
            guard let bytes = try checkedObject(id, kind: .tree, path: path, database: database) else { return }
            let raw = bytes.withUnsafeBytes { RawTree(parsing: $0) }
            if raw.isMalformed { throw ObjectProblem(id: id, path: path, kind: .damaged("the tree does not parse")) }
            for entry in raw.entries {
                let name = path.isEmpty ? String(decoding: entry.name, as: UTF8.self)
                    : path + "/" + String(decoding: entry.name, as: UTF8.self)
                if entry.isGitlink { continue }
                if entry.isTree {
                    try visit(entry.id, path: name)
                } else if seen.insert(entry.id).inserted {
                    _ = try checkedObject(entry.id, kind: .blob, path: name, database: database)
                    blobs += 1
                }
            }
        }
        try visit(tree, path: "")
        return blobs
    }

    /// Reads `tree` and every tree below it that `known` does not hold yet, adding each; throws
    /// when one is missing or unreadable. Blobs are not read (a sync client brings a pack whole).
    public func checkTreesPresent(_ tree: ObjectID, known: inout Set<ObjectID>) throws {
        guard known.insert(tree).inserted else { return }
        let handle = try lookupTree(tree)
        defer { git_tree_free(handle) }
        for index in 0..<git_tree_entrycount(handle) {
            guard let entry = git_tree_entry_byindex(handle, index), git_tree_entry_type(entry) == GIT_OBJECT_TREE else { continue }
            try checkTreesPresent(ObjectID(git_tree_entry_id(entry).pointee), known: &known)
        }
    }

    /// Blobs larger than this are hashed as they stream, never held whole.
    static let streamedCheckSize = 32 << 20

    static func lastMessage(_ rc: Int32) -> String {
        guard let last = git_error_last(), let text = last.pointee.message else { return "libgit2 error \(rc)" }
        return String(cString: text).trimmingTrailingNewlines()
    }
}
