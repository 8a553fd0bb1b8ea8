import GitKit

/// A managed file or folder whose permission bits differ from what the last commit
/// recorded: `.naner/modes` for the bits git cannot keep, git's own exec bit for the
/// rest (a file without a line was 0644, or 0755 when executable; a folder 0755).
/// Files new or gone since the commit are not mode changes: they are new or deleted.
public struct ModeChange: Sendable, Equatable {
    /// Relative path; a folder's ends with `/`, as in `.naner/modes`.
    public let path: String
    /// Permission bits (0o7777 mask) as recorded, and as they are now.
    public let old: UInt32
    public let new: UInt32

    public var isFolder: Bool { path.hasSuffix("/") }

    /// `0600`.
    public static func octal(_ mode: UInt32) -> String {
        String(mode & 0o7777, radix: 8).leftPadded(to: 4)
    }

    /// `mode 0600 → 0644  .ssh/config`.
    public var line: String { "mode \(ModeChange.octal(old)) → \(ModeChange.octal(new))  \(path)" }

    /// git's `diff --git` header and `old mode`/`new mode` lines for it, as `git diff`
    /// prints a mode change (a folder as git would write a tree's mode, `040700`).
    public var gitHeader: String {
        let name = isFolder ? String(path.dropLast()) : path
        return "diff --git \(ModeTable.quote("a/" + name)) \(ModeTable.quote("b/" + name))\n"
            + gitModeLines
    }

    /// `old mode 100600\nnew mode 100644\n`.
    public var gitModeLines: String {
        let type = isFolder ? "04" : "10"
        return "old mode \(type)\(ModeChange.octal(old))\nnew mode \(type)\(ModeChange.octal(new))\n"
    }

    /// The mode changes between the table the last commit recorded and the one a scan
    /// built, for paths the index tracked and the scan kept (`kept`, by position: tracked
    /// entries first, then `newPaths`). Only paths either table names, and files whose
    /// content or exec bit changed (`changed`), can differ: nothing else is looked at.
    static func between(recorded: ModeTable, current: ModeTable, entries: [IndexEntry], newPaths: [String],
                        stats: StatBatch, kept: [Bool], changed: [String]) -> [ModeChange] {
        var paths = Set(recorded.modes.keys).union(current.modes.keys)
        guard !paths.isEmpty || !changed.isEmpty else { return [] }
        paths.formUnion(changed)
        var result: [ModeChange] = []
        for path in paths {
            if path.hasSuffix("/") {
                let prefix = Array(path.utf8)
                let first = TreeScanner.firstPosition(notBefore: prefix, in: entries)
                // It led to a tracked file before, and leads to a file kept now.
                guard first < entries.count, entries[first].pathStarts(with: prefix) else { continue }
                var leads = false
                var position = first
                while !leads && position < entries.count && entries[position].pathStarts(with: prefix) {
                    leads = kept[position]
                    position += 1
                }
                if !leads {
                    leads = newPaths.indices.contains { kept[entries.count + $0] && newPaths[$0].utf8.starts(with: prefix) }
                }
                guard leads else { continue }
                let (old, new) = (recorded.modes[path] ?? 0o755, current.modes[path] ?? 0o755)
                if old != new { result.append(ModeChange(path: path, old: old, new: new)) }
            } else {
                let position = TreeScanner.firstPosition(notBefore: Array(path.utf8), in: entries)
                guard position < entries.count, entries[position].pathIs(path), kept[position],
                      let status = stats[position], !status.isSymlink else { continue }
                let entry = entries[position]
                guard entry.mode == IndexEntry.regularMode || entry.mode == IndexEntry.executableMode else { continue }
                let old = recorded.modes[path] ?? (entry.mode == IndexEntry.executableMode ? 0o755 : 0o644)
                let new = status.mode & 0o7777
                if old != new { result.append(ModeChange(path: path, old: old, new: new)) }
            }
        }
        return result.sorted { $0.path < $1.path }
    }
}
