import ArgumentParser
import NanerCore

extension Naner {
    struct Secret: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "secret",
            abstract: "Manage the secret guard: allow a false positive, list the rules; the age identity for secrets.",
            subcommands: [Allow.self, Rules.self, Key.self]
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

        struct Key: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "key",
                abstract: "Print the age identity's file and its public age1… recipient; make it on first use.",
                discussion: "One age identity per configuration, for the secrets naner stores encrypted. The identity file "
                    + "is machine-local (in the repository folder, mode 0600); .naner/identity.age in the tree holds it "
                    + "wrapped by a passphrase, so a new machine needs only that passphrase. The passphrase comes from "
                    + "NANER_PASSPHRASE or is asked on a terminal (twice for a new identity), never from the command line."
            )

            @OptionGroup var global: GlobalOptions

            func run() throws {
                let console = Console.standard
                guard let report = try global.workspace().secretKey() else { return }
                switch report.origin {
                case .existing: break
                case .created:
                    console.say("made a new age identity; \(SecretIdentity.wrappedPath) holds it wrapped by your passphrase")
                    console.hint("'naner commit' records \(SecretIdentity.wrappedPath); a new machine needs only the passphrase")
                case .unlocked:
                    console.say("unlocked the age identity from \(SecretIdentity.wrappedPath)")
                }
                console.output("identity  \(report.path)\nrecipient \(report.recipient)\n")
                if !report.wrappedPresent {
                    console.warning("\(SecretIdentity.wrappedPath) is missing: a new machine could not unlock the secrets")
                    console.hint("restore it from history: naner restore HEAD \(SecretIdentity.wrappedPath)")
                }
            }
        }
    }
}
