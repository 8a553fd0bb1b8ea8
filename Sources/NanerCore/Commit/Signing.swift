import FoundationEssentials
import GitKit

/// Signs commits and tags as git does, when the user's git config asks for it:
/// `commit.gpgSign` / `tag.gpgSign`, `gpg.format` (`openpgp`, `x509` or `ssh`), the program
/// (`gpg.program` or `gpg.openpgp.program`, `gpg.x509.program`, `gpg.ssh.program`; else `gpg`,
/// `gpgsm`, `ssh-keygen`, looked up in `PATH`) and `user.signingKey`. The program runs as
/// git runs it, never through a shell:
///
/// - openpgp, x509: `PROGRAM --status-fd=2 -bsau KEY`, the object's text on stdin, the
///   armored signature on stdout, and success only with a `[GNUPG:] SIG_CREATED` status
///   line; KEY is `user.signingKey`, else the committer's `Name <email>`.
/// - ssh: `PROGRAM -Y sign -n git -f KEYFILE FILE`, the text in a private temporary FILE,
///   the signature read from `FILE.sig`; KEYFILE is `user.signingKey` (a leading `~/` is the
///   user's home, a relative path is taken from the home naner manages, as git takes it from
///   the work tree's top), or, for a key given literally (`key::ssh-ed25519 AAAA…`, or
///   starting with `ssh-`), a temporary file holding it, with `-U` (the private key is in
///   ssh-agent).
///
/// Anything that goes wrong is a `NanerError.cannotSign`, thrown before the object is written.
struct Signing {
    enum Format: String { case openpgp, x509, ssh }

    /// `commit.gpgSign` or `tag.gpgSign`.
    let setting: String
    let format: Format
    let program: String
    /// The config key the program came from; nil for git's default.
    let programSetting: String?
    /// `user.signingKey`, nil when unset or empty.
    let key: String?
    /// `Name <email>`: the key gpg looks up when `user.signingKey` is not set.
    let identity: String
    /// The home naner manages, where a relative key path starts.
    let workTree: String

    /// What `setting` asks for; nil when it is unset or false.
    static func configured(_ setting: String, config: Config, signer: Signature, workTree: String) throws -> Signing? {
        do {
            guard try config.bool(setting) == true else { return nil }
            let formatName = try config.string("gpg.format") ?? "openpgp"
            guard let format = Format(rawValue: formatName.lowercased()) else {
                throw NanerError.cannotSign(setting: setting, reason: "unsupported value for gpg.format: '\(formatName)'")
            }
            let pattern: String, fallback: String
            switch format {
            case .openpgp: (pattern, fallback) = (#"^gpg\.(openpgp\.)?program$"#, "gpg")
            case .x509: (pattern, fallback) = (#"^gpg\.x509\.program$"#, "gpgsm")
            case .ssh: (pattern, fallback) = (#"^gpg\.ssh\.program$"#, "ssh-keygen")
            }
            // As git reads them: the last one set wins.
            let configured = try config.entries(matching: pattern).last.flatMap { $0.value.isEmpty ? nil : $0 }
            let key = try config.string("user.signingkey").flatMap { $0.isEmpty ? nil : $0 }
            return Signing(setting: setting, format: format, program: configured?.value ?? fallback, programSetting: configured?.name,
                           key: key, identity: "\(signer.name) <\(signer.email)>", workTree: workTree)
        } catch let error as GitError {
            throw NanerError.cannotSign(setting: setting, reason: "cannot read the git config: \(error.message)")
        }
    }

    /// The armored signature of `text`.
    func sign(_ text: String) throws -> String {
        let signature = format == .ssh ? try signWithSSH(text) : try signWithGPG(text)
        // As git does: no carriage return before a line feed (a Windows build of the program).
        return signature.replacing("\r\n", with: "\n")
    }

    private func signWithGPG(_ text: String) throws -> String {
        let (termination, output, errors) = try run([program, "--status-fd=2", "-bsau", key ?? identity], input: Array(text.utf8))
        let status = String(decoding: errors, as: UTF8.self)
        let created = status.split(separator: "\n").contains { $0.hasPrefix("[GNUPG:] SIG_CREATED ") }
        guard termination.succeeded, created, !output.isEmpty else {
            throw failure(termination, said: status, fallback: "it made no signature")
        }
        return String(decoding: output, as: UTF8.self)
    }

    private func signWithSSH(_ text: String) throws -> String {
        guard let key else { throw NanerError.cannotSign(setting: setting, reason: "user.signingKey needs to be set for ssh signing") }
        let literal: String? = key.hasPrefix("key::") ? String(key.dropFirst(5)) : key.hasPrefix("ssh-") ? key : nil
        let folder: String
        do { folder = try FileSystem.makeTemporaryFolder(prefix: "naner-sign-") } catch {
            throw NanerError.cannotSign(setting: setting, reason: "cannot make a temporary folder: \(error.reason)")
        }
        let (keyFile, buffer) = (folder + "/key", folder + "/buffer")
        defer {
            for file in [keyFile, buffer, buffer + ".sig"] { FileSystem.removeIfPresent(file) }
            FileSystem.removeFolder(folder)
        }
        do {
            if let literal { try FileSystem.writeNewFile(keyFile, Array(literal.utf8), mode: 0o600) }
            try FileSystem.writeNewFile(buffer, Array(text.utf8), mode: 0o600)
        } catch {
            throw NanerError.cannotSign(setting: setting, reason: "cannot write a temporary file: \(error.reason)")
        }
        let arguments = [program, "-Y", "sign", "-n", "git", "-f", literal == nil ? expanded(key) : keyFile]
            + (literal == nil ? [] : ["-U"]) + [buffer]
        let (termination, _, errors) = try run(arguments, input: [])
        let said = String(decoding: errors, as: UTF8.self)
        guard termination.succeeded else {
            if said.contains("usage:") {
                throw NanerError.cannotSign(setting: setting,
                                            reason: "ssh-keygen -Y sign is needed for ssh signing (available in openssh version 8.2p1+)")
            }
            throw failure(termination, said: said, fallback: nil)
        }
        do { return String(decoding: try FileReader.read(buffer + ".sig"), as: UTF8.self) } catch let error as FileReader.Failure {
            throw NanerError.cannotSign(setting: setting, reason: "'\(program)' wrote no signature: \(error.reason.lowercased())")
        }
    }

    /// git's `interpolate_path`: `~/` is the user's home; a relative path starts at the work tree.
    private func expanded(_ path: String) -> String {
        if path.hasPrefix("~/"), let home = ProcessInfo.processInfo.environment["HOME"] { return home + path.dropFirst(1) }
        return path.hasPrefix("/") ? path : workTree + "/" + path
    }

    private var programName: String { "'\(program)'" + (programSetting.map { " (\($0))" } ?? "") }

    private func run(_ arguments: [String], input: [UInt8]) throws -> (ChildProcess.Termination, [UInt8], [UInt8]) {
        do { return try ChildProcess.runKeepingErrors(arguments, input: input) } catch {
            throw NanerError.cannotSign(setting: setting, reason: "cannot run \(programName): \(error)")
        }
    }

    /// The program's failure in one line: how it ended, and its last words that are not gpg's status lines.
    private func failure(_ termination: ChildProcess.Termination, said: String, fallback: String?) -> NanerError {
        let how: String
        switch termination {
        case .exited(0): how = ""
        case .exited(let status): how = " with exit status \(status)"
        case .signalled(let signal): how = " by signal \(signal)"
        }
        let lines: [String] = said.split(separator: "\n").map { $0.trimmingSpaces() }
        let words = lines.last { !$0.isEmpty && !$0.hasPrefix("[GNUPG:]") } ?? fallback
        return NanerError.cannotSign(setting: setting, reason: "\(programName) failed\(how)" + (words.map { ": \($0)" } ?? ""))
    }
}
