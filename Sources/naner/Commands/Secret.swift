import ArgumentParser
import NanerCore

extension Naner {
    struct Secret: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "secret",
            abstract: "Files stored encrypted (age), the age identity for them; the secret guard's rules and allowances.",
            subcommands: [Add.self, List.self, Remove.self, Unlock.self, Allow.self, Rules.self, Key.self]
        )

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "add",
                abstract: "Store these files encrypted with age from the next commit on.",
                discussion: "Listed in .naner/secrets, which is tracked. Each commit stores a listed file as an age file to the "
                    + "configuration's recipient ('naner secret key', made on first use): its plaintext never enters an object. "
                    + "The file is made managed and private (0600)."
            )

            @OptionGroup var global: GlobalOptions

            @Argument(help: "Files inside the home.")
            var paths: [String]

            func run() throws {
                let console = Console.standard
                for report in try global.workspace().addSecrets(paths) {
                    if report.added {
                        console.say("'\(report.path)' is stored encrypted from the next commit on (\(SecretList.path))")
                    } else {
                        console.say("'\(report.path)' is stored encrypted already")
                    }
                    if report.included { console.say("added '\(report.path)' to the include list") }
                    if report.madePrivate { console.say("made '\(report.path)' private (group and others lose access)") }
                    if let over = report.overSizeLimit {
                        console.warning("'\(report.path)' is \(over): commits skip it until the limit is raised")
                        console.hint("'git config --file REPO/config naner.maxFileSize 20m' raises the limit")
                    }
                    if report.committedInPlain {
                        console.warning("'\(report.path)' was committed in plain form before: the history keeps that version")
                        console.hint("rotate what it holds if that history was ever pushed")
                    }
                }
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "list",
                abstract: "List the files stored encrypted."
            )

            @OptionGroup var global: GlobalOptions

            @Flag(help: "Print the list as JSON.")
            var json = false

            func run() throws {
                let listings = try global.workspace().listSecrets()
                if json {
                    Console.standard.output(SecretListDocument(listings).jsonText + "\n")
                    return
                }
                var text = ""
                for listing in listings {
                    let state = listing.waiting ? "waiting for 'naner secret unlock'" : !listing.present ? "missing here"
                        : listing.committed ? "committed" : "not committed yet"
                    text += listing.path + "\t" + state + "\n"
                }
                Console.standard.output(text)
            }
        }

        struct Remove: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "remove",
                abstract: "Stop storing these files encrypted.",
                discussion: "The file stays. The next commit stores it in plain form, or refuses it when it holds a secret."
            )

            @OptionGroup var global: GlobalOptions

            @Argument(help: "Files listed in .naner/secrets.")
            var paths: [String]

            func run() throws {
                for path in try global.workspace().removeSecrets(paths) {
                    Console.standard.say("'\(path)' is no longer stored encrypted; the secret guard checks it again at the next commit")
                }
            }
        }

        struct Unlock: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "unlock",
                abstract: "Decrypt the secrets a restore, a pull or 'init --from' could not lay out yet.",
                discussion: "Unlocks the age identity first when this machine lacks it: the passphrase comes from "
                    + "NANER_PASSPHRASE or is asked on a terminal, never from the command line."
            )

            @OptionGroup var global: GlobalOptions

            func run() throws {
                let workspace = try global.workspace()
                SecretPrinter(console: Console.standard).print(try workspace.unlockSecrets(), workspace: workspace)
            }
        }

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

/// What laying out the waiting secrets did, for `secret unlock` and `init --from`.
struct SecretPrinter {
    let console: Console

    func print(_ report: Workspace.SecretUnlockReport, workspace: Workspace) {
        for path in report.laidOut { console.say("decrypted '\(path)'") }
        for path in report.keptBeside {
            console.warning("'\(path)' here differs from the stored version: it stays as it is, and the next commit stores it encrypted; "
                            + "the stored version is kept decrypted in '\(workspace.keptSecretPath(path))'")
        }
        if report.laidOut.isEmpty && report.keptBeside.isEmpty { console.say("no secret waits to be laid out") }
    }

    /// Secrets still waiting, each named, with the way out. One whose file is here already
    /// (`init --from` found it) is left as it is until the unlock compares the two.
    func printWaiting(_ workspace: Workspace) {
        let waiting = ((try? workspace.listSecrets()) ?? []).filter(\.waiting)
        for listing in waiting {
            if listing.present {
                console.warning("'\(listing.path)' is here already and stays as it is; it is stored encrypted, and the age identity "
                                + "is needed to compare it with the stored version")
            } else {
                console.warning("'\(listing.path)' is stored encrypted and waits for the age identity")
            }
        }
        if !waiting.isEmpty { console.hint("'naner secret unlock' lays them out with the passphrase (asked, or NANER_PASSPHRASE)") }
    }
}
