import ArgumentParser
import NanerCore

extension Naner {
    struct Secret: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "secret",
            abstract: "Manage the secret guard: allow a false positive, list the rules.",
            subcommands: [Allow.self, Rules.self]
        )

        struct Allow: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "allow",
                abstract: "Let a file that a secret rule refuses be committed.",
                discussion: "Recorded in .naner/allowed-secrets, which is tracked: every machine commits the file. "
                    + "Without --rule, no rule is checked on that file again; 'naner doctor' lists what is allowed."
            )

            @OptionGroup var global: GlobalOptions

            @Option(help: "Allow only this rule (the id a refusal names); the file stays refused for any other.")
            var rule: String?

            @Argument(help: "The file, inside the home.")
            var path: String

            func run() throws {
                let console = Console.standard
                let report = try global.workspace().allowSecret(path, rule: rule)
                let what = report.rule.map { "rule \($0)" } ?? "every secret rule"
                if !report.added {
                    console.say("'\(report.path)' is allowed \(what) already (\(SecretAllowList.path))")
                } else {
                    console.say("allowed '\(report.path)' to match \(what) (\(SecretAllowList.path)); 'naner commit' records it")
                }
                if let rule = report.rule, let now = report.matchesNow, now.rule != rule, report.stillRefused == nil {
                    console.hint("it matches \(now) now, which the allowance covers")
                }
                if let still = report.stillRefused {
                    console.warning("'\(report.path)' still holds \(still), which stays refused")
                    console.hint("naner secret allow '\(report.path)' --rule \(still.rule)")
                }
            }
        }

        struct Rules: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "rules",
                abstract: "List the secret guard's rules: each id and what it finds."
            )

            func run() throws {
                var text = ""
                for id in SecretRules.ids { text += id + "\t" + (SecretRules.kind(of: id) ?? "") + "\n" }
                Console.standard.output(text)
            }
        }
    }
}
