import GitKit
import ArgumentParser
import NanerCore

extension Naner {
    struct Commit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "commit",
            abstract: "Record every change in the managed set: edits, new files, deletions.",
            discussion: "Files holding private keys or credentials are refused, never committed; the rest is."
        )

        @OptionGroup var global: GlobalOptions

        @Option(name: .shortAndLong, help: "What changed, in a line.")
        var message: String

        func validate() throws {
            if message.trimmingSpacesAndNewlines().isEmpty {
                throw ValidationError("empty commit message: say what changed with -m")
            }
        }

        func run() throws {
            try Self.record(workspace: global.workspace(), console: Console.standard, message: message)
        }

        /// `commit -m MESSAGE` (or `--message`) with the global options only, read without
        /// swift-argument-parser (its reflection was a fifth of a small home's commit), or nil.
        static func quickRun(_ arguments: ArraySlice<String>) -> (() throws -> Void)? {
            guard let quick = QuickArguments(arguments, flags: [], valued: ["-m", "--message"]),
                  let message = quick.value("-m") ?? quick.value("--message"),
                  quick.value("-m") == nil || quick.value("--message") == nil,
                  !message.trimmingSpacesAndNewlines().isEmpty else { return nil }
            return {
                let console = quick.console()
                try record(workspace: Workspace.open(quick.locations, interaction: console), console: console, message: message)
            }
        }

        static func record(workspace: Workspace, console: Console, message: String) throws {
            let report = try workspace.commit(message: message)
            let printer = CommitPrinter(console: console)
            printer.printWarnings(report.scan)
            printer.detail(report)
            guard let commit = report.commit else {
                console.say("nothing to commit, managed files are clean")
                return
            }
            console.say("[\(workspace.branchName) \(commit.short)] \(message.split(separator: "\n").first ?? "")")
            console.say(" " + printer.summary(report.scan))
            for change in report.scan.modeChanges { console.say(" " + change.line) }
        }
    }
}

/// Shared by `init` and `commit`: the warnings for what was not committed, and a summary.
struct CommitPrinter {
    let console: Console

    func printWarnings(_ scan: ScanResult) {
        for problem in scan.refused {
            console.warning("not committing '\(problem.path)': it \(problem.reason)")
        }
        for problem in scan.skipped + scan.notices {
            console.warning("skipping '\(problem.path)': \(problem.reason)")
        }
        if scan.skipped.contains(where: { $0.isOverSizeLimit && !$0.storedEncrypted }) {
            console.hint("'naner add PATH' commits a large file anyway; 'git config --file REPO/config naner.maxFileSize 20m' raises the limit")
        }
        if let secret = scan.skipped.first(where: { $0.isOverSizeLimit && $0.storedEncrypted }) {
            // Never stored in plain form: its last encrypted version (if any) stays in the tree.
            console.hint("a file stored encrypted is read whole: 'git config --file REPO/config naner.maxFileSize 20m' raises the limit, "
                         + "or 'naner secret remove \(secret.path)' and exclude it")
        }
        if let refused = scan.refused.first {
            let allow = refused.secretRule.map { "naner secret allow '\(refused.path)' --rule \($0)" } ?? "naner secret allow PATH"
            console.hint("to keep it and store it encrypted: naner secret add '\(refused.path)'; or move the secret out of the file, "
                         + "or exclude the file in .syncignore; if it is no secret: \(allow)")
        }
    }

    /// With `-v`: what the scan found (the core says where main went).
    func detail(_ report: CommitReport) {
        let scan = report.scan
        console.detail("\(counted(report.fileCount, "file")) managed, \(scan.changes.count) changed, \(scan.refused.count) refused, \(scan.skipped.count) skipped")
    }

    func summary(_ scan: ScanResult) -> String {
        var counts: [FileChange.Kind: Int] = [:]
        for change in scan.changes { counts[change.kind, default: 0] += 1 }
        let parts = [(FileChange.Kind.modified, "modified"), (.added, "new"), (.deleted, "deleted"), (.excluded, "no longer managed")]
            .compactMap { kind, word in counts[kind].map { "\($0) \(word)" } }
        let total = scan.changes.count
        let head = "\(total) \(total == 1 ? "change" : "changes")"
        guard parts.isEmpty else { return head + ": " + parts.joined(separator: ", ") }
        // Only permissions changed: the lines below the summary name each path.
        let modes = scan.modeChanges.count
        return modes == 0 ? "permissions recorded" : "\(modes) permission \(modes == 1 ? "change" : "changes")"
    }
}
