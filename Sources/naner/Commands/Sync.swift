import GitKit
import ArgumentParser
import FoundationEssentials
import NanerCore

extension Naner {
    struct Sync: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sync",
            abstract: "Pull and push the configuration through a remote or a cloud folder.",
            discussion: """
                DIRECTION is push, pull, or nothing for both (pull, then push). The remote is --remote \
                NAME|URL, or --provider's folder, else origin. Pull fast-forwards or merges; uncommitted \
                edits to files the pull would change stop it (commit them first). Conflicting files get \
                '<<<<<<< local' / '>>>>>>> remote' markers and naner exits 3: edit them and \
                'naner commit -m MSG', or 'naner sync --abort'. Push is fast-forward only; --force \
                overwrites the remote only if it is where this machine last saw it.
                """
        )

        enum Direction: String, ExpressibleByArgument, CaseIterable { case push, pull }

        @OptionGroup var global: GlobalOptions

        @Argument(help: "push or pull (default: both).")
        var direction: Direction?

        @Option(help: ArgumentHelp("A remote's name or URL (default: origin).", valueName: "name|url"))
        var remote: String?

        @OptionGroup var cloud: ProviderOptions

        @Flag(name: [.customLong("dry-run"), .customLong("what-if")], help: "Show both sides' commits and files; change nothing.")
        var dryRun = false

        @Flag(help: "Push over the remote's branch, only if it is where this machine last saw it.")
        var force = false

        @Flag(help: "Put back the files a sync merge with conflicts wrote; end the merge.")
        var abort = false

        @Flag(help: "With --dry-run: print the comparison as JSON.")
        var json = false

        func validate() throws {
            if cloud.provider != nil && remote != nil { throw ValidationError("give --remote or --provider, not both") }
            if abort && (direction != nil || dryRun || force) { throw ValidationError("--abort takes no other options") }
            if json && !dryRun { throw ValidationError("--json goes with --dry-run") }
        }

        func run() throws {
            let console = global.console()
            let workspace = try Workspace.open(global.locations, interaction: console)
            if abort {
                let (plan, safety) = try workspace.abortMerge()
                console.detail("\(counted(plan.actions.count, "file")) put back")
                for action in plan.actions { console.say("put back '\(action.path)'") }
                if let safety { console.say("saved the half-resolved files as safety point '\(safety)'") }
                console.say("sync merge aborted")
                return
            }
            var options = SyncOptions(remote: remote, provider: cloud.cloudProvider, path: cloud.path, force: force)
            options.progress = console.transferProgress()
            let chosen: SyncDirection
            switch direction {
            case .push?: chosen = .push
            case .pull?: chosen = .pull
            case nil: chosen = .both
            }
            if dryRun {
                let preview = try workspace.planSync(chosen, options)
                if json {
                    console.output(SyncPreviewDocument(preview).jsonText)
                } else {
                    SyncPrinter.preview(preview, console: console)
                }
                // A run that would stop exits as that run would, with its error: a script
                // that checks the dry run first learns what the real run would do.
                if !preview.conflicts.isEmpty { throw SyncError.mergeConflicts(preview.conflicts) }
                if case .refused(let refusal) = preview.push { throw refusal }
                return
            }
            let report: SyncReport
            do {
                report = try workspace.sync(chosen, options)
            } catch SyncError.mergeConflicts(let paths) {
                console.endProgress()
                for path in paths { console.output("conflict: '\(path)'") }
                throw SyncError.mergeConflicts(paths)
            }
            console.endProgress()
            SyncPrinter.detail(report, console: console)
            SyncPrinter.report(report, console: console)
        }
    }
}

/// The words `naner sync` prints.
enum SyncPrinter {
    static func report(_ report: SyncReport, console: Console) {
        let remote = report.remote.name
        switch report.pull {
        case nil: break
        case .remoteEmpty?: console.say("'\(remote)' has no configuration yet: nothing to pull")
        case .upToDate?: console.say("already up to date with '\(remote)'")
        case .fastForward(let commit, let files)?:
            files.forEach { console.say("\($0.kind == .remove ? "removed" : "updated") '\($0.path)'") }
            console.say("fast-forwarded \(report.branch) to \(commit.short) from '\(remote)'")
        case .merged(let commit, let files)?:
            files.forEach { console.say("\($0.kind == .remove ? "removed" : "updated") '\($0.path)'") }
            console.say("merged '\(remote)' into \(report.branch): \(commit.short)")
        }
        if let push = report.push {
            if push.createdFolder { console.say("created the bare repository '\(report.remote.displayURL)'") }
            if let main = push.main { console.say("pushed main (\(main.short)) to '\(remote)'") }
            if !push.layers.isEmpty { console.say("pushed \(push.layers.joined(separator: ", ")) to '\(remote)'") }
            if !push.tags.isEmpty { console.say("pushed \(push.tags.count) backup tag\(push.tags.count == 1 ? "" : "s"): \(push.tags.joined(separator: ", "))") }
            if !push.deletedTags.isEmpty {
                console.say("deleted \(push.deletedTags.count) pruned backup tag\(push.deletedTags.count == 1 ? "" : "s") "
                    + "from '\(remote)': \(push.deletedTags.joined(separator: ", "))")
            }
            if push.main == nil && push.layers.isEmpty && push.tags.isEmpty && push.deletedTags.isEmpty { console.say("'\(remote)' already has everything") }
        }
    }

    /// With `-v`: how many files a pull wrote and what a push sent (the core names the
    /// remote's address and each ref that moved, here and there).
    static func detail(_ report: SyncReport, console: Console) {
        switch report.pull {
        case .fastForward(_, let files)?, .merged(_, let files)?:
            console.detail("pull: \(counted(files.count, "file")) written or removed")
        case .remoteEmpty?, .upToDate?, nil: break
        }
        if let push = report.push {
            console.detail("push: " + (push.main == nil ? "main unchanged, " : "main, ") + counted(push.tags.count, "tag"))
        }
    }

    static func preview(_ preview: SyncPlan, console: Console) {
        let remote = preview.remote.name
        if !preview.remoteExists && preview.push != .notAsked {
            console.output("'\(remote)' does not exist yet: a push would create it at '\(preview.remote.displayURL)'")
        }
        if !preview.conflicts.isEmpty {
            console.output("the pull would stop: \(SyncError.mergeConflicts(preview.conflicts).message)")
        }
        if case .refused(let refusal) = preview.push { console.output("the push would stop: \(refusal.message)") }
        console.output("\(preview.ahead.count) commit\(preview.ahead.count == 1 ? "" : "s") to push, "
            + "\(preview.behind.count) to pull ('\(remote)')")
        for commit in preview.behind { console.output("would pull \(commit.id.short) \(commit.summary)") }
        for change in preview.incoming { console.output("would \(verb(change)) here: '\(change.path)'") }
        for commit in preview.ahead { console.output("would push \(commit.id.short) \(commit.summary)") }
        for change in preview.outgoing { console.output("would \(verb(change)) on '\(remote)': '\(change.path)'") }
        if preview.uncommitted > 0 {
            console.output("\(preview.uncommitted) uncommitted change\(preview.uncommitted == 1 ? "" : "s") here are not synced until 'naner commit'")
        }
        console.output("dry run: nothing changed")
    }

    /// `add`, `update` or `remove`: what a sync would do to the file on the other side.
    static func verb(_ change: TreeChange) -> String {
        change.newID == nil ? "remove" : change.isAddition ? "add" : "update"
    }
}
