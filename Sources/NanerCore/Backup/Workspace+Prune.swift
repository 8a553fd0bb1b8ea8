import FoundationEssentials
import GitKit

extension Workspace {
    /// `naner backups prune --dry-run`: what a prune with `policy` would remove and why each
    /// other backup stays. Only this machine's automatic backups (`naner-backup-…`, its host
    /// in the manifest) are subject to the rules, named ones too with `includeNamed`;
    /// safety points go only once older than `naner.safetyPointMaxAge` days. Under the lock,
    /// so the plan a real run carries out is the one it printed.
    public func planPrune(_ policy: RetentionPolicy, includeNamed: Bool, now: Date = Date(),
                          host: String = ProcessInfo.processInfo.hostName) throws -> PrunePlan {
        guard !policy.isEmpty else { throw BackupError.pruneNeedsRule }
        try lockRepository()
        let all = try backups()
        let candidates = all.filter { backup in
            backup.kind == .backup && backup.host == host && (backup.isAutomatic || includeNamed)
        }
        let reasons = policy.reasons(forNewestFirst: candidates.map { Date(timeIntervalSince1970: TimeInterval($0.time)) })
        var verdicts: [String: PrunePlan.Decision.Verdict] = [:]
        for (backup, rules) in zip(candidates, reasons) {
            verdicts[backup.name] = rules.isEmpty ? .unkept : .kept(rules: rules)
        }
        let limit = safetyPointMaxAge
        let decisions = all.map { backup -> PrunePlan.Decision in
            let verdict: PrunePlan.Decision.Verdict
            if let decided = verdicts[backup.name], backup.kind == .backup {
                verdict = decided
            } else if backup.kind == .safety {
                let days = max(0, Int(now.timeIntervalSince1970 - Double(backup.time)) / 86_400)
                verdict = days > limit ? .oldSafetyPoint(days: days, limit: limit) : .youngSafetyPoint(days: days, limit: limit)
            } else if let other = backup.host {
                verdict = other == host ? .named : .otherHost(other)
            } else {
                verdict = .noManifest
            }
            let prefix = backup.kind == .safety ? BackupName.safetyPrefix : BackupName.tagPrefix
            return PrunePlan.Decision(backup: backup, verdict: verdict, reference: prefix + backup.name,
                                      target: backup.target ?? backup.commit)
        }
        return PrunePlan(policy: policy, decisions: decisions)
    }

    /// `naner backups prune`: removes what `plan` says goes, each only if its reference
    /// still names what the plan saw. The tags it removes are recorded for every remote
    /// this machine syncs with, whose copies the next push deletes (`PrunedTags`).
    public func prune(_ plan: PrunePlan) throws -> PruneReport {
        try lockRepository()
        let removals = plan.removals
        var remotes: [String] = []
        if removals.contains(where: { $0.backup.kind == .backup }) {
            remotes = try syncedRemotes()
            var record = PrunedTags.load(repository: locations.repository)
            for decision in removals where decision.backup.kind == .backup {
                for remote in remotes {
                    record.add(.init(remote: remote, reference: decision.reference, id: decision.target))
                }
            }
            // Written before any tag goes: a prune killed half-way still cleans the remotes of
            // what it removed (an entry whose tag is still here is dropped at the push).
            try record.save(repository: locations.repository)
        }
        var removed: [String] = []
        for decision in removals {
            do {
                guard try repository.deleteReference(decision.reference, ifAt: decision.target) else {
                    interaction.warn("'\(decision.backup.name)' changed while pruning; it stays")
                    continue
                }
            } catch let error as GitError {
                throw NanerError.cannotDeleteBackup(decision.backup.name, reason: error.message)
            }
            removed.append(decision.backup.name)
        }
        tidyRepository()
        return PruneReport(plan: plan, removed: removed, remotes: remotes)
    }

    /// The remotes a push may have sent tags to: every configured remote, and every other
    /// place this machine has synced with (an address given once keeps what it last saw).
    func syncedRemotes() throws -> [String] {
        var names = Set(try repository.remoteNames())
        for reference in try repository.references(matching: "refs/remotes/*") where reference.name.hasSuffix("/main") {
            names.insert(String(reference.name.dropFirst("refs/remotes/".count).dropLast("/main".count)))
        }
        return names.sorted()
    }
}
