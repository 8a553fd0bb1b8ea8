import FoundationEssentials
import GitKit

extension Workspace {
    /// What `git gc --auto` would do, for a repository that gains a backup every day: past
    /// `looseReferenceLimit` loose references they go into `packed-refs`; past git's own
    /// estimate of `looseObjectLimit` loose objects they go into one pack; past `packLimit`
    /// packs the small ones are joined (large packs are never rewritten). Nothing is ever
    /// deleted that is not also in a pack or in `packed-refs` first: unreachable objects
    /// (a deleted tag's, a safety point's history) are packed like any other. Run under
    /// the lock after a backup or a prune; a failure costs speed, not data, and is a warning.
    func tidyRepository() {
        do {
            let repository = try self.repository
            if repository.looseReferenceCount(upTo: Workspace.looseReferenceLimit) > Workspace.looseReferenceLimit {
                try repository.packReferences()
            }
            if repository.looseObjectEstimate() > Workspace.looseObjectLimit {
                try repository.packLooseObjects()
            }
            try repository.consolidatePacks(above: Workspace.packLimit)
        } catch {
            interaction.warn("cannot pack the repository's references and objects: \((error as? GitError)?.message ?? "\(error)")")
        }
    }

    /// Loose references past which they are packed; git reads either form alike.
    static let looseReferenceLimit = 50
    /// git's estimate of the loose objects (256 × those in `objects/17`) past which they are
    /// packed: far below git's own `gc.auto` (6,700), so a `git gc --auto` finds nothing to do.
    static let looseObjectLimit = 256
}

extension Workspace {
    /// The backup's annotated tag: its object goes into a pack of its own (one loose file
    /// a day adds up to thousands), stored before the reference names it.
    @discardableResult
    func createBackupTag(name: String, commit: ObjectID, message: String) throws -> ObjectID {
        let tagger = signature()
        let signer = try signer(tagger, tag: true)
        let packs = PackWriter(gitDirectory: locations.repository)
        try repository.packNewObjects(into: packs)
        defer { try? repository.packNewObjects(into: nil) }
        let tag = try repository.createTagObject(name: name, commit: commit, message: message, signature: tagger, signer: signer)
        try packs.finish()
        try repository.packNewObjects(into: nil)
        try repository.createReference(BackupName.tagPrefix + name, to: tag, message: "naner: backup")
        return tag
    }
}
