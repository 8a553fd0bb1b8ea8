import Glibc

/// Every commit naner makes adds a small pack (`PackingBackend`). libgit2 searches the
/// packs one by one for each object it does not find at once, so, as `git gc --auto`
/// does past 50 packs, the small ones are now and then written as one.
extension Repository {
    /// When the repository holds more than `limit` packs, writes the objects of the smallest
    /// of those under `smallPack` bytes into one new pack and then removes them; returns how
    /// many packs went. Which ones, as `git repack --geometric=2` chooses: the smallest packs,
    /// and each next one smaller than twice what is joined so far; a pack at least twice their
    /// size stays (years of daily backups gather into one pack that a day's commit and tag
    /// must not rewrite every 16 days). Large packs (a first commit) are never rewritten, so
    /// the work stays bounded; packs git was told to keep (`.keep`, `.promisor`) stay too. Killed at any
    /// point, the repository is whole: the old packs go only after the new one is in
    /// place, and a leftover old one merely holds objects twice.
    @discardableResult
    public func consolidatePacks(above limit: Int, smallPack: Int = 16 << 20) throws -> Int {
        let folder = path + "objects/pack"
        guard PackIndex.count(in: folder) > limit else { return 0 }
        let candidates = PackIndex.all(in: folder).filter { pack in
            let base = pack.packPath.dropLast(5)
            return pack.packSize < smallPack && access(base + ".keep", F_OK) != 0 && access(base + ".promisor", F_OK) != 0
        }
        let merged = Repository.geometricRollup(candidates.map { ($0, $0.packSize) })
        guard merged.count > 1 else { return 0 }
        let database = try objectDatabase()
        // The old packs are durable; the new one must be too before they go.
        let writer = PackWriter(gitDirectory: String(path.dropLast()), durable: true)
        // Objects already together in one pack come out as that very pack, under its name.
        func written() -> Set<String> { Set(writer.packNames.map { folder + "/pack-" + $0 + ".pack" }) }
        do {
            for pack in merged {
                for id in pack.ids { try writer.add(database.packed(id)) }
            }
            try writer.finish()
        } catch {
            // A pack written before the failure holds copies only.
            let old = Set(merged.map(\.packPath))
            for name in written() where !old.contains(name) {
                unlink(String(name.dropLast(5)) + ".idx")
                unlink(name)
            }
            throw error
        }
        let kept = written()
        for pack in merged where !kept.contains(pack.packPath) {
            // The pack first, its index last, as git removes them: an index left alone by a
            // kill is swept by the next naner holding the lock.
            let base = String(pack.packPath.dropLast(5))
            for suffix in [".pack", ".rev", ".bitmap", ".mtimes", ".idx"] { unlink(base + suffix) }
        }
        return merged.count
    }

    /// The packs to join, smallest first: all up to the last one that breaks a progression of
    /// factor 2 from the top, then each next one while it is smaller than twice their sum.
    static func geometricRollup<Pack>(_ packs: [(pack: Pack, size: Int)]) -> [Pack] {
        let sorted = packs.sorted { $0.size < $1.size }
        guard sorted.count > 1 else { return [] }
        var split = sorted.count - 1
        while split > 0, sorted[split].size >= 2 * sorted[split - 1].size { split -= 1 }
        var total = sorted[...split].reduce(0) { $0 + $1.size }
        var end = split
        while end + 1 < sorted.count, sorted[end + 1].size < 2 * total {
            end += 1
            total += sorted[end].size
        }
        return sorted[...end].map(\.pack)
    }
}

