import FoundationEssentials
import GitKit

/// What `-v` adds to every command, through `Interaction.detail`: the rule files read and
/// where each came from, each ref moved, the remotes talked to (passwords masked), and the
/// time each phase took. Counts of folders listed and reused come with each scan.
extension Workspace {
    /// Runs one phase of a command and says how long it took: `time: scan 3.1 ms`.
    func timed<Result>(_ phase: String, _ body: () throws -> Result) rethrows -> Result {
        let start = Clock.monotonicSeconds
        defer {
            let elapsed = (Clock.monotonicSeconds - start) * 1000
            interaction.detail("time: \(phase) \(elapsed.oneDecimal) ms")
        }
        return try body()
    }

    /// A detail line said at most once a run.
    func detailOnce(_ line: String) {
        guard detailsSaid.insert(line).inserted else { return }
        interaction.detail(line)
    }

    /// Which rule files decided the managed set, and whether each came from the tree or
    /// is naner's shipped default (a file deleted from the tree).
    func detailRules(_ rules: ManagedRules) {
        func origin(_ fromTree: Bool) -> String { fromTree ? "from the tree" : "from naner's shipped default (not in the tree)" }
        let entries = rules.includeList.entries.count
        detailOnce("rules: '\(IncludeList.path)' \(origin(rules.includeListFromTree)), \(entries) \(entries == 1 ? "entry" : "entries")")
        let patterns = rules.syncIgnorePatternCount
        detailOnce("rules: '\(SyncIgnore.path)' \(origin(rules.syncIgnoreFromTree)), \(patterns) \(patterns == 1 ? "pattern" : "patterns")")
    }

    /// The remote a transfer talks to, its password (if the URL holds one) masked.
    func detailRemote(_ remote: SyncRemote) {
        detailOnce("remote '\(remote.name)': \(HTTPCredentials.masked(remote.url))")
    }

    /// Points `name` at `id` in this repository (or, with `remote`, in that remote's folder)
    /// and says how it moved.
    func moveReference(_ name: String, to id: ObjectID, message: String, in other: Repository? = nil, remote: String? = nil) throws {
        let target = try other ?? repository
        let old = try? target.referenceTarget(name)
        try target.setReference(name, to: id, message: message)
        detailMoved(name, from: old, to: id, remote: remote)
    }

    /// `ref refs/heads/main: OLD → NEW`; `created at`, `deleted (was …)`; nothing when it did not move.
    func detailMoved(_ name: String, from old: ObjectID?, to new: ObjectID?, remote: String? = nil) {
        guard old != new else { return }
        let place = remote.map { " on '\($0)'" } ?? ""
        interaction.detail({
            switch (old, new) {
            case (nil, let new?): return "ref \(name)\(place): created at \(new.hex)"
            case (let old?, nil): return "ref \(name)\(place): deleted (was \(old.hex))"
            case (let old?, let new?): return "ref \(name)\(place): \(old.hex) → \(new.hex)"
            case (nil, nil): return ""
            }
        }())
    }

    /// Every ref under `prefixes` as it is now, to compare after something moved them (a fetch).
    func referenceSnapshot(_ prefixes: [String]) -> [String: ObjectID] {
        var snapshot: [String: ObjectID] = [:]
        for prefix in prefixes {
            for reference in (try? repository.references(matching: prefix + "*")) ?? [] {
                snapshot[reference.name] = (try? repository.referenceTarget(reference.name)) ?? reference.commit
            }
        }
        return snapshot
    }

    /// Says each ref under `prefixes` that moved since `before` was taken.
    func detailMoves(since before: [String: ObjectID], _ prefixes: [String]) {
        let after = referenceSnapshot(prefixes)
        for name in Set(before.keys).union(after.keys).sorted() { detailMoved(name, from: before[name], to: after[name]) }
    }
}
