import ArgumentParser
import NanerCore

extension Naner {
    struct Doctor: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "doctor",
            abstract: "Check the repository, locks, safety points, permissions, tracked secrets and remotes.",
            discussion: "Each finding is one line with a hint. Exits 0 only when everything is healthy; 1 otherwise. "
                + "For each http(s) remote it first says which CA file, CA folder and proxy are in effect, and where each came from."
        )

        @OptionGroup var global: GlobalOptions

        @Flag(help: "Repair what is safe to repair (stale lock files, old safety points, a sync left half-way) and say what was done.")
        var fix = false

        @Flag(help: "Print the findings as JSON.")
        var json = false

        func run() throws {
            let workspace = try global.workspace()
            let console = Console.standard
            // Settings that cannot be read (a damaged config) leave the findings to say why.
            let settings = (try? workspace.remoteSettings()) ?? []
            let findings = try workspace.doctor(fix: fix)
            let allowed = workspace.allowedSecrets()
            let open = findings.filter { $0.fixed == nil }
            console.detail("\(counted(findings.count, "finding")), \(findings.count - open.count) fixed")
            if json {
                console.output(DoctorDocument(findings, settings: settings, allowed: allowed).jsonText)
            } else {
                for setting in settings { console.say(setting.description) }
                for entry in allowed.entries {
                    console.say("allowed secret: '\(entry.path)' may match \(entry.rule.map { "rule \($0)" } ?? "every rule") (\(SecretAllowList.path))")
                }
                for finding in findings {
                    if let fixed = finding.fixed {
                        console.say("fixed: \(fixed)")
                    } else {
                        console.warning(finding.message)
                        console.hint(finding.hint)
                    }
                }
                if open.isEmpty { console.say(findings.isEmpty ? "everything is healthy" : "everything is healthy now") }
            }
            if !open.isEmpty { throw ExitCode(NanerExit.failure) }
        }
    }
}
