import FoundationEssentials
import GitKit

extension Checkout {
    /// Makes the index the commit's tree, with the stat data of the files now on disk,
    /// so the next status does not re-read every file. Only for a tree that was just
    /// laid out whole: a file with an uncommitted edit would look committed.
    func resetIndex(to commit: ObjectID) throws {
        let tree = try repository.commit(commit).treeID
        let index = try repository.index()
        try index.read(tree: tree, in: repository)
        let secrets = (record: SecretRecord.load(repository: locations.repository), listed: SecretList.load(home: locations.home).set)
        for entry in index.entries() {
            guard let status = stat(entry.path, id: entry.id, mode: entry.mode, secrets: secrets), status.gitMode == entry.mode else { continue }
            try index.add(status.indexEntry(path: entry.path, id: entry.id))
        }
        _ = try index.writeTree()
        try index.write()
    }

    /// Moves the index from one commit to another after `written` files were laid out:
    /// only those get the stat data from disk; other changed paths get none, so git and
    /// naner re-read them, and every untouched entry keeps what it had. A file with an
    /// uncommitted edit therefore still shows as edited.
    func updateIndex(from old: ObjectID, to new: ObjectID, written: [String]) throws {
        let index = try repository.index()
        let secrets = (record: SecretRecord.load(repository: locations.repository), listed: SecretList.load(home: locations.home).set)
        let written = Set(written)
        var changed = Set<String>()
        for change in try repository.changes(from: repository.commit(old).treeID, to: repository.commit(new).treeID) {
            changed.insert(change.path)
            guard let id = change.newID else {
                try index.remove(path: change.path)
                continue
            }
            try index.add(indexEntry(change.path, id: id, mode: change.newMode, fromDisk: written.contains(change.path), secrets: secrets))
        }
        for entry in index.entries() where written.contains(entry.path) && !changed.contains(entry.path) {
            try index.add(indexEntry(entry.path, id: entry.id, mode: entry.mode, fromDisk: true, secrets: secrets))
        }
        _ = try index.writeTree()
        try index.write()
    }

    private func indexEntry(_ path: String, id: ObjectID, mode: UInt32, fromDisk: Bool, secrets: (record: SecretRecord, listed: Set<String>)) -> IndexEntry {
        if fromDisk, let status = stat(path, id: id, mode: mode, secrets: secrets), status.gitMode == mode {
            return status.indexEntry(path: path, id: id)
        }
        return IndexEntry(path: path, id: id, mode: mode)
    }

    /// The stat data to record for a file just laid out; for a link pointing into this home
    /// instead of the stored one's, such that git never compares its bytes (`LinkTable.indexStatus`).
    /// A secret's file gets stat data only when it holds what that ciphertext holds (then
    /// such that git never compares its bytes, `SecretList.indexStatus`); one waiting for
    /// an identity gets none.
    private func stat(_ path: String, id: ObjectID, mode: UInt32, secrets: (record: SecretRecord, listed: Set<String>)) -> FileStat? {
        let absolute = locations.home + "/" + path
        if secrets.record.waiting[path] == id { return nil }
        if secrets.record.entries[path]?.cipher == id {
            guard let status = FileStat(path: absolute) else { return nil }
            return SecretList.indexStatus(absolute, read: status.indexEntry(path: path, id: id))
        }
        // A listed file not laid out from that ciphertext (left as it was): read again.
        if secrets.listed.contains(path) && id != SecretList.emptyBlob { return nil }
        return mode == IndexEntry.symlinkMode ? LinkTable.indexStatus(absolute, stored: id) : FileStat(path: absolute)
    }
}
