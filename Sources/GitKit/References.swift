import CLibgit2

/// A tag or other reference as `naner backups` lists it.
public struct ReferenceInfo: Sendable {
    /// Full name: `refs/tags/pre-v2.0-update`.
    public let name: String
    /// The commit it leads to (annotated tags peeled).
    public let commit: ObjectID
    /// The object it names itself: an annotated tag's own id, else the commit.
    public let target: ObjectID
    /// The annotated tag's message and tagger time, when it is one.
    public let tagMessage: String?
    public let tagTime: Int64?
    public let tagOffsetMinutes: Int32?
}

extension Repository {
    /// Whether git accepts `name` as a full reference name (`refs/tags/NAME`).
    public static func isValidReferenceName(_ name: String) -> Bool {
        Libgit2.ensureInitialized()
        var valid: Int32 = 0
        return git_reference_name_is_valid(&valid, name) == 0 && valid == 1
    }

    public func referenceExists(_ name: String) -> Bool {
        var oid = git_oid()
        return git_reference_name_to_id(&oid, pointer, name) == 0
    }

    /// Creates an annotated tag `refs/tags/NAME` on `commit`; fails if it exists. With
    /// `signer`, the tag is signed as git signs one (see `createTagObject`).
    @discardableResult
    public func createTag(name: String, commit: ObjectID, message: String, signature: Signature,
                          signer: ObjectSigner? = nil) throws -> ObjectID {
        if referenceExists("refs/tags/" + name) {
            throw GitError(function: "git_tag_create", code: GIT_EEXISTS.rawValue, message: "tag '\(name)' already exists")
        }
        let id = try createTagObject(name: name, commit: commit, message: message, signature: signature, signer: signer)
        try createReference("refs/tags/" + name, to: id, message: "naner: tag")
        return id
    }

    /// Writes an annotated tag object for `commit` and names it nowhere yet: the caller
    /// creates the reference once the object is stored (it may go into a pack being
    /// written, `packNewObjects`). With `signer`, the tag is signed as git signs one: the
    /// signature of the tag's text is appended to it (after its message), and nothing is
    /// written when `signer` throws.
    public func createTagObject(name: String, commit: ObjectID, message: String, signature: Signature,
                                signer: ObjectSigner? = nil) throws -> ObjectID {
        var gitSignature: UnsafeMutablePointer<git_signature>?
        try check(git_signature_now(&gitSignature, signature.name, signature.email), "git_signature_now")
        defer { git_signature_free(gitSignature) }
        if let signer {
            // The text git_tag_create would store; the signature starts on a line of its own.
            let tagger = gitSignature!.pointee
            let minutes = abs(Int(tagger.when.offset))
            func twoDigits(_ number: Int) -> String { number < 10 ? "0\(number)" : "\(number)" }
            let offset = (tagger.when.offset < 0 ? "-" : "+") + twoDigits(minutes / 60) + twoDigits(minutes % 60)
            let text = "object \(commit.hex)\ntype commit\ntag \(name)\n"
                + "tagger \(String(cString: tagger.name)) <\(String(cString: tagger.email))> \(tagger.when.time) \(offset)\n\n"
                + message + (message.utf8.last == 0x0A ? "" : "\n")
            let signed = text + (try signer(text))
            return try objectDatabase().write(Array(signed.utf8), kind: .tag)
        }
        var target: OpaquePointer?
        var commitOID = commit.raw
        try check(git_object_lookup(&target, pointer, &commitOID, GIT_OBJECT_COMMIT), "git_object_lookup")
        defer { git_object_free(target) }
        var oid = git_oid()
        try check(git_tag_annotation_create(&oid, pointer, name, target, gitSignature, message), "git_tag_annotation_create")
        return ObjectID(oid)
    }

    /// Creates `name` pointing at `id` (a commit, or an annotated tag for `refs/tags/…`);
    /// fails with `.exists` when it exists already.
    public func createReference(_ name: String, to id: ObjectID, message: String) throws {
        var oid = id.raw
        var reference: OpaquePointer?
        try check(git_reference_create(&reference, pointer, name, &oid, 0, message), "git_reference_create")
        git_reference_free(reference)
    }

    /// Deletes `name` only if it still names `expected` (a lease): libgit2 deletes the value
    /// it read, under the reference's lock, so a reference moved meanwhile stays. Returns
    /// false when it names something else; true when it was deleted or was gone already.
    @discardableResult
    public func deleteReference(_ name: String, ifAt expected: ObjectID) throws -> Bool {
        var reference: OpaquePointer?
        let rc = git_reference_lookup(&reference, pointer, name)
        if rc == GIT_ENOTFOUND.rawValue { return true }
        try check(rc, "git_reference_lookup")
        defer { git_reference_free(reference) }
        guard git_reference_type(reference) == GIT_REFERENCE_DIRECT, let target = git_reference_target(reference),
              ObjectID(target.pointee) == expected else { return false }
        let deleted = git_reference_delete(reference)
        // Moved between the lookup and the delete: libgit2 found another value under the lock.
        if deleted == GIT_EMODIFIED.rawValue { return false }
        try check(deleted, "git_reference_delete")
        return true
    }

    /// Points `name` at `commit`, creating or moving it, with a reflog message.
    /// Points `name` at a commit (or, for `refs/tags/…`, an annotated tag), forced.
    public func setReference(_ name: String, to commit: ObjectID, message: String) throws {
        var oid = commit.raw
        var reference: OpaquePointer?
        try check(git_reference_create(&reference, pointer, name, &oid, 1, message), "git_reference_create")
        git_reference_free(reference)
    }

    public func deleteReference(_ name: String) throws {
        var reference: OpaquePointer?
        try check(git_reference_lookup(&reference, pointer, name), "git_reference_lookup")
        defer { git_reference_free(reference) }
        try check(git_reference_delete(reference), "git_reference_delete")
    }

    /// The object a reference names directly (an annotated tag's own id, not its commit).
    public func referenceTarget(_ name: String) throws -> ObjectID {
        var reference: OpaquePointer?
        try check(git_reference_lookup(&reference, pointer, name), "git_reference_lookup")
        defer { git_reference_free(reference) }
        var resolved: OpaquePointer?
        try check(git_reference_resolve(&resolved, reference), "git_reference_resolve")
        defer { git_reference_free(resolved) }
        return ObjectID(git_reference_target(resolved)!.pointee)
    }

    /// Every direct reference matching a glob, by name → the object it names itself (an
    /// annotated tag's own id), without reading any object.
    public func referenceTargets(matching glob: String) throws -> [(name: String, target: ObjectID)] {
        var result: [(name: String, target: ObjectID)] = []
        try forEachDirectReference(matching: glob) { reference, target in
            result.append((String(cString: git_reference_name(reference)), target))
        }
        return result
    }

    /// Calls `body` with each direct reference matching `glob` (symbolic ones are skipped) and
    /// the object it names; the reference is freed when `body` returns.
    func forEachDirectReference(matching glob: String, _ body: (OpaquePointer?, ObjectID) throws -> Void) throws {
        var iterator: OpaquePointer?
        try check(git_reference_iterator_glob_new(&iterator, pointer, glob), "git_reference_iterator_glob_new")
        defer { git_reference_iterator_free(iterator) }
        var reference: OpaquePointer?
        while true {
            let rc = git_reference_next(&reference, iterator)
            if rc == GIT_ITEROVER.rawValue { break }
            try check(rc, "git_reference_next")
            defer { git_reference_free(reference) }
            guard let target = git_reference_target(reference) else { continue }
            try body(reference, ObjectID(target.pointee))
        }
    }

    /// Every reference matching a glob (`refs/tags/*`), with tag messages read. Packed
    /// references carry their tag's commit (`packed-refs` peel lines), so no commit is read;
    /// an annotated tag's object is read once for its message, tagger and target.
    public func references(matching glob: String) throws -> [ReferenceInfo] {
        var result: [ReferenceInfo] = []
        try forEachDirectReference(matching: glob) { reference, direct in
            let name = String(cString: git_reference_name(reference))
            var message: String?, time: Int64?, offset: Int32?
            var commit: ObjectID?
            var object: OpaquePointer?
            var oid = direct.raw
            guard git_object_lookup(&object, pointer, &oid, GIT_OBJECT_ANY) == 0 else { return }
            defer { git_object_free(object) }
            switch git_object_type(object) {
            case GIT_OBJECT_COMMIT:
                commit = direct
            case GIT_OBJECT_TAG:
                message = git_tag_message(object).map { String(cString: $0) }
                if let tagger = git_tag_tagger(object) {
                    time = tagger.pointee.when.time
                    offset = tagger.pointee.when.offset
                }
                if let peeled = git_reference_target_peel(reference) {
                    commit = ObjectID(peeled.pointee)
                } else if git_tag_target_type(object) == GIT_OBJECT_COMMIT {
                    commit = ObjectID(git_tag_target_id(object).pointee)
                }
            default:
                break
            }
            if commit == nil {
                // A tag of a tag: peeled the long way; anything that is no commit is left out.
                var peeled: OpaquePointer?
                guard git_reference_peel(&peeled, reference, GIT_OBJECT_COMMIT) == 0 else { return }
                commit = ObjectID(git_object_id(peeled).pointee)
                git_object_free(peeled)
            }
            result.append(ReferenceInfo(name: name, commit: commit!, target: direct, tagMessage: message, tagTime: time,
                                        tagOffsetMinutes: offset))
        }
        return result
    }
}
