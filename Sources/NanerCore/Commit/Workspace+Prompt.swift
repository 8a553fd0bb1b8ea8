import FoundationEssentials
import GitKit

extension Workspace {
    /// The state a shell prompt shows, from the index, the tree and the refs: no network,
    /// and never a wait. While another naner holds the repository (a commit, a sync),
    /// its files may be mid-change, so the last prompt's answer is given instead, marked
    /// as such; nil when there is none.
    public func promptState() throws -> PromptState? {
        let record = locations.repository + "/" + PromptState.file
        if FileLock.isHeld(repository: locations.repository) {
            guard let bytes = try? FileReader.read(record) else { return nil }
            var last = PromptState(record: String(decoding: bytes, as: UTF8.self))
            last?.isLastKnown = true
            return last
        }
        let scan = try rulesAndStatusScan().scan
        var state = PromptState()
        state.changes = scan.changes.count + scan.modeChanges.count
            + (scan.permissionsChanged && scan.modeChanges.isEmpty ? 1 : 0)
        state.refused = scan.refused.count
        if let upstream = upstreamStatus() {
            (state.ahead, state.behind) = (upstream.ahead, upstream.behind)
        }
        state.merging = PathStatus(path: locations.repository + "/MERGE_HEAD", following: false) != nil
        // Rewritten only when the answer changed: most prompts write nothing.
        let text = state.recordText
        if (try? FileReader.read(record)).map({ String(decoding: $0, as: UTF8.self) }) != text {
            try? AtomicFile.write(Array(text.utf8), to: record, mode: 0o644)
        }
        return state
    }
}
