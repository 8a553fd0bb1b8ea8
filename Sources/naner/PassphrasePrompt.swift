import FoundationEssentials
import Glibc
import NanerCore

/// Asks for an archive's passphrase on the terminal, without echo, when
/// `NANER_PASSPHRASE` is not set. Never reads one from the command line, and
/// never prompts without a terminal (a script gets a clear error instead).
enum PassphrasePrompt {
    static func passphrase(for archive: String, confirm: Bool) throws -> String {
        if let given = ProcessInfo.processInfo.environment["NANER_PASSPHRASE"], !given.isEmpty { return given }
        guard isatty(STDIN_FILENO) == 1 else { return try Unattended.environmentPassphrase(for: archive) }
        let first = try ask("passphrase for '\(archive)': ")
        guard !first.isEmpty else { throw NanerError.passphraseNeeded(archive) }
        if confirm, try ask("again: ") != first { throw NanerError.passphraseMismatch }
        return first
    }

    /// One line from the terminal with echo off, restored whatever happens.
    private static func ask(_ prompt: String) throws -> String {
        let tty = open("/dev/tty", O_RDWR | O_CLOEXEC)
        guard tty >= 0 else { throw NanerError.passphraseNeeded("the archive") }
        defer { close(tty) }
        var saved = termios()
        tcgetattr(tty, &saved)
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(tty, TCSANOW, &quiet)
        defer {
            tcsetattr(tty, TCSANOW, &saved)
            _ = write(tty, "\n", 1)
        }
        _ = prompt.withCString { write(tty, $0, strlen($0)) }
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while read(tty, &byte, 1) == 1, byte != UInt8(ascii: "\n") { line.append(byte) }
        return String(decoding: line, as: UTF8.self)
    }
}
