import CLibgit2
import Glibc

/// One run of the system `ssh` talking to `git-upload-pack` or `git-receive-pack` on
/// the remote: the smart protocol goes over ssh's stdin and stdout, ssh's stderr is
/// kept for the error message. Everything SSH (config aliases, agent, keys,
/// known_hosts, ProxyJump) is OpenSSH's own.
final class SSHConnection {
    let address: SSHAddress
    let program: [String]
    private let process: ChildProcess

    /// The error thrown when ssh or the remote ends the conversation; its text is one line.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Starts `ssh … -- [user@]host "git-upload-pack '/path'"`.
    init(url: String, remoteProgram: String) throws {
        address = try SSHAddress(parsing: url)
        program = try Self.sshProgram()
        var arguments = ["-o", "BatchMode=yes", "-o", "ConnectTimeout=15"]
        if let port = address.port { arguments += ["-p", String(port)] }
        arguments += ["--", address.destination, address.remoteCommand(remoteProgram)]
        do {
            process = try ChildProcess(program + arguments)
        } catch let error as SystemCallError where error.function.hasPrefix("posix_spawn") {
            throw Failure(description: "cannot run '\(program[0])': \(error.reason); install the OpenSSH client, "
                + "or name an ssh command in GIT_SSH_COMMAND")
        }
    }

    /// Reads protocol data; a short read is fine. At end of file, ssh's exit decides:
    /// a failure throws with ssh's own words, a clean exit returns 0.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = try process.read(into: buffer)
        if count == 0 { try finish() }
        return count
    }

    /// Writes all of `bytes`, or throws (with ssh's words if it has gone away).
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        do {
            try process.write(bytes)
        } catch let error as SystemCallError where error.code == EPIPE {
            try finish()
            throw Failure(description: "ssh closed the connection to '\(address.host)' early")
        }
    }

    /// Closes the pipes and reaps ssh, killing it if it does not end by itself.
    func close() {
        process.terminate()
    }

    /// Waits for ssh; throws when it failed.
    private func finish() throws {
        let termination = process.wait()
        guard !termination.succeeded else { return }
        throw Failure(description: SSHFailure(stderr: process.stderrText, termination: termination,
                                              address: address, program: program).message)
    }

    /// The ssh command as git picks it: `GIT_SSH_COMMAND`, else `core.sshCommand` (both
    /// shell command lines, run as `sh -c '<cmd> "$@"' <cmd> args…`), else `GIT_SSH`
    /// (a program), else `ssh`. `core.sshCommand` is read from the user's and the
    /// system's git config only: libgit2 does not tell a transport which repository it serves.
    static func sshProgram() throws -> [String] {
        if let command = try environment("GIT_SSH_COMMAND") ?? configuredCommand() {
            return ["/bin/sh", "-c", command + " \"$@\"", command]
        }
        if let program = environment("GIT_SSH") { return [program] }
        return ["ssh"]
    }

    private static func configuredCommand() throws -> String? {
        var pointer: OpaquePointer?
        try check(git_config_open_default(&pointer), "git_config_open_default")
        let command = try Config(pointer!).string("core.sshCommand")
        return command?.isEmpty == false ? command : nil
    }

    private static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        let text = String(cString: value)
        return text.isEmpty ? nil : text
    }
}
