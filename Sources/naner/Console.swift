import GitKit
import FoundationEssentials
import Glibc
import NanerCore

/// Where every line naner prints goes: results on stdout, `error:`, `warning:`
/// and `hint:` on stderr, colour only on a terminal.
// Unchecked: configured once on the main thread before any command runs; transfer
// progress, the only output from another thread, comes from libgit2 while the caller waits.
final class Console: @unchecked Sendable, Interaction {
    static let standard = Console()

    private(set) var useColor = false
    private(set) var quiet = false
    private(set) var verbose = false

    func configure(color: ColorChoice, quiet: Bool, verbose: Bool) {
        self.quiet = quiet
        self.verbose = verbose
        switch color {
        case .always: useColor = true
        case .never: useColor = false
        case .auto:
            let noColor = Environment.nonEmpty("NO_COLOR") != nil
            useColor = isatty(STDOUT_FILENO) == 1 && !noColor
        }
    }

    enum Color: String {
        case red = "31", green = "32", yellow = "33", cyan = "36", bold = "1"
    }

    func paint(_ text: String, _ color: Color) -> String {
        useColor ? "\u{1B}[\(color.rawValue)m\(text)\u{1B}[0m" : text
    }

    private var progressShown = false
    private var lastProgressLine = ""

    /// A progress line redrawn in place on stderr; nil (no reporting) with `--quiet`
    /// or when stderr is not a terminal.
    func transferProgress() -> ((TransferProgress) -> Void)? {
        guard !quiet, isatty(STDERR_FILENO) == 1 else { return nil }
        return { [self] progress in
            let words: String
            switch progress.phase {
            case .counting: words = "counting objects"
            case .compressing: words = "compressing objects"
            case .receiving: words = "receiving objects"
            case .indexing: words = "resolving deltas"
            case .sending: words = "sending objects"
            }
            let line: String
            if progress.total > 0 {
                let percent = min(progress.done * 100 / progress.total, 100)
                let width = 24, filled = width * percent / 100
                let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
                line = "\(words): [\(bar)] \(percent)% (\(progress.done)/\(progress.total))"
            } else {
                line = "\(words): \(progress.done)"  // the total is not known yet
            }
            // libgit2 reports far more often than the line changes: redraw only a new line.
            guard line != lastProgressLine else { return }
            lastProgressLine = line
            write("\r\(line)\u{1B}[K", to: STDERR_FILENO)
            progressShown = true
        }
    }

    /// Ends a progress line so the next line starts clean.
    func endProgress() {
        guard progressShown else { return }
        write("\n", to: STDERR_FILENO)
        progressShown = false
    }

    /// A result line on stdout, silenced by `--quiet`.
    func say(_ line: String) {
        guard !quiet else { return }
        write(line + "\n", to: STDOUT_FILENO)
    }

    /// Output that is the command's answer (`status`, `log`, JSON): printed even with `--quiet`.
    func output(_ text: String) {
        // By byte: a text ending in CRLF ends in one Character, "\r\n", not "\n".
        write(text.utf8.last == 0x0A || text.isEmpty ? text : text + "\n", to: STDOUT_FILENO)
    }

    /// A fact behind the report (the paths used, counts, full ids), on stderr and
    /// only with `--verbose`, so stdout is the same with or without it.
    func detail(_ line: @autoclosure () -> String) {
        guard verbose else { return }
        write(line() + "\n", to: STDERR_FILENO)
    }

    func error(_ message: String) { stderr(paint("error:", .red) + " " + message) }
    func warning(_ message: String) { stderr(paint("warning:", .yellow) + " " + message) }
    func hint(_ message: String) {
        guard !quiet else { return }
        stderr(paint("hint:", .cyan) + " " + message)
    }

    /// Prints a naner error with its hints and returns its exit code.
    func report(_ error: NanerFailure) -> Int32 {
        self.error(error.message)
        error.hints.forEach(hint)
        return error.exitCode
    }

    private func stderr(_ line: String) {
        write(line + "\n", to: STDERR_FILENO)
    }

    /// All of `text`, retrying what a signal interrupted; a closed pipe or full disk loses the rest.
    private func write(_ text: String, to fd: Int32) {
        var text = text
        text.withUTF8 { bytes in
            var written = 0
            while written < bytes.count {
                let count = Glibc.write(fd, bytes.baseAddress! + written, bytes.count - written)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return }
                written += count
            }
        }
    }
}

/// `1 file`, `2 files`: a count with its noun, for detail lines.
func counted(_ count: Int, _ noun: String, plural: String? = nil) -> String {
    "\(count) " + (count == 1 ? noun : plural ?? noun + "s")
}

extension Console {
    func warn(_ message: String) { warning(message) }

    func passphrase(for archive: String, confirm: Bool) throws -> String {
        try PassphrasePrompt.passphrase(for: archive, confirm: confirm)
    }
}
