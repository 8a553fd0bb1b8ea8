import CLibgit2
import Glibc

/// Throws a `SystemCallError` for a call returning -1 and setting `errno`.
@discardableResult
func checkSystem<T: BinaryInteger>(_ result: T, _ function: String) throws -> T {
    guard result == -1 else { return result }
    throw SystemCallError(function: function, code: errno)
}

/// Throws for the `posix_spawn*` family, which return the error number instead of setting `errno`.
func checkSpawn(_ result: Int32, _ function: String) throws {
    guard result == 0 else { throw SystemCallError(function: function, code: result) }
}

/// A program run with pipes on its stdin, stdout and (optionally) stderr, spawned
/// with `posix_spawn` so no Foundation thread or run loop is involved. Reads and
/// writes watch stderr at the same time, so a chatty stderr can never stall the
/// child, and the last few KiB of it are kept for error messages. The child is
/// always reaped: by `wait()`, or by `terminate()`/`deinit`, which kill it if needed.
///
/// naner's own helpers (`git credential`, `crontab`, `systemctl`) run through
/// `ChildProcess.run`, never Foundation's `Process`: the child stays in naner's
/// process group (a prompt on the terminal works, Ctrl-C reaches it) and SIGPIPE
/// is held off only around writes to it, never ignored process-wide (see
/// `withSIGPIPEBlocked`).
public final class ChildProcess {
    /// How the child ended.
    public enum Termination: Equatable, Sendable {
        /// It exited with this status.
        case exited(Int32)
        /// A signal ended it (0: it was reaped by someone else, how is unknown).
        case signalled(Int32)

        /// Exited with status 0.
        public var succeeded: Bool { self == .exited(0) }
    }

    /// Where the child's stderr goes.
    enum ErrorOutput {
        /// A pipe of its own; the last few KiB are kept in `stderrTail`.
        case captured
        /// /dev/null.
        case discarded
        /// The stdout pipe, interleaved with stdout as the child writes them (`2>&1`).
        case mergedIntoOutput
    }

    let pid: pid_t
    private var input: Int32
    private var output: Int32
    private var errors: Int32
    private(set) var termination: Termination?
    /// The end of what the child wrote to stderr.
    private(set) var stderrTail: [UInt8] = []
    private static let stderrLimit = 8192

    /// Starts `arguments[0]`, looked up in `PATH` unless it contains a `/`, with
    /// `environment` (nil: this process's own).
    init(_ arguments: [String], stderr errorOutput: ErrorOutput = .captured, environment: [String: String]? = nil) throws {
        precondition(!arguments.isEmpty)
        let captureStderr = errorOutput == .captured
        // Pipes: [read, write]. The parent keeps stdin's write end, stdout's and stderr's read ends.
        var stdinPipe: [Int32] = [-1, -1], stdoutPipe: [Int32] = [-1, -1], stderrPipe: [Int32] = [-1, -1]
        var opened: [Int32] = []
        func closeOpened() { for fd in opened where fd >= 0 { close(fd) } }
        do {
            try checkSystem(naner_pipe_cloexec(&stdinPipe), "pipe2")
            opened += stdinPipe
            try checkSystem(naner_pipe_cloexec(&stdoutPipe), "pipe2")
            opened += stdoutPipe
            if captureStderr {
                try checkSystem(naner_pipe_cloexec(&stderrPipe), "pipe2")
                opened += stderrPipe
            }

            var actions = posix_spawn_file_actions_t()
            try checkSpawn(posix_spawn_file_actions_init(&actions), "posix_spawn_file_actions_init")
            defer { posix_spawn_file_actions_destroy(&actions) }
            try checkSpawn(posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0), "posix_spawn_file_actions_adddup2")
            try checkSpawn(posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1), "posix_spawn_file_actions_adddup2")
            if captureStderr {
                try checkSpawn(posix_spawn_file_actions_adddup2(&actions, stderrPipe[1], 2), "posix_spawn_file_actions_adddup2")
            } else if errorOutput == .mergedIntoOutput {
                try checkSpawn(posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 2), "posix_spawn_file_actions_adddup2")
            } else {
                try checkSpawn(posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0),
                               "posix_spawn_file_actions_addopen")
            }
            try checkSpawn(naner_spawn_close_from(&actions, 3), "posix_spawn_file_actions_addclosefrom_np")

            // The child starts with SIGPIPE at its default and nothing blocked, whatever
            // this process inherited.
            var attributes = posix_spawnattr_t()
            try checkSpawn(posix_spawnattr_init(&attributes), "posix_spawnattr_init")
            defer { posix_spawnattr_destroy(&attributes) }
            var defaults = sigset_t(), mask = sigset_t()
            sigemptyset(&defaults)
            sigaddset(&defaults, SIGPIPE)
            sigemptyset(&mask)
            try checkSpawn(posix_spawnattr_setsigdefault(&attributes, &defaults), "posix_spawnattr_setsigdefault")
            try checkSpawn(posix_spawnattr_setsigmask(&attributes, &mask), "posix_spawnattr_setsigmask")
            try checkSpawn(posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)),
                           "posix_spawnattr_setflags")

            let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
            defer { for pointer in argv { free(pointer) } }
            let envp: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.map { strdup($0.key + "=" + $0.value) } + [nil] }
            defer { for pointer in envp ?? [] { free(pointer) } }
            var child: pid_t = 0
            let spawn = arguments[0].contains("/") ? "posix_spawn" : "posix_spawnp"
            func start(_ envp: UnsafePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
                arguments[0].contains("/")
                    ? posix_spawn(&child, arguments[0], &actions, &attributes, argv, envp)
                    : posix_spawnp(&child, arguments[0], &actions, &attributes, argv, envp)
            }
            try checkSpawn(envp.map { start($0) } ?? start(environ), spawn)
            pid = child
        } catch {
            closeOpened()
            throw error
        }
        // The child's ends belong to the child now.
        close(stdinPipe[0])
        close(stdoutPipe[1])
        if captureStderr { close(stderrPipe[1]) }
        input = stdinPipe[1]
        output = stdoutPipe[0]
        errors = stderrPipe[0]
    }

    deinit { terminate() }

    /// Reads what the child wrote to stdout: a short read is fine, 0 means end of file.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard output >= 0 else { return 0 }
        while true {
            var fds = [pollfd(fd: output, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: errors, events: Int16(POLLIN), revents: 0)]
            guard try waitForEvents(&fds) else { continue }
            if fds[1].revents != 0 { drainStderr() }
            guard fds[0].revents != 0 else { continue }
            let count = Glibc.read(output, buffer.baseAddress, buffer.count)
            if count < 0 && errno == EINTR { continue }
            return try checkSystem(count, "read")
        }
    }

    /// Writes all of `bytes` to the child's stdin. A child that has gone away gives
    /// `EPIPE` (SIGPIPE is held off during the write), never a dead naner.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard input >= 0 else { throw SystemCallError(function: "write", code: EPIPE) }
        var offset = 0
        while offset < bytes.count {
            var fds = [pollfd(fd: input, events: Int16(POLLOUT), revents: 0),
                       pollfd(fd: errors, events: Int16(POLLIN), revents: 0)]
            guard try waitForEvents(&fds) else { continue }
            if fds[1].revents != 0 { drainStderr() }
            guard fds[0].revents != 0 else { continue }
            let count = Self.withSIGPIPEBlocked { Glibc.write(input, bytes.baseAddress! + offset, bytes.count - offset) }
            if count < 0 && errno == EINTR { continue }
            offset += try checkSystem(count, "write")
        }
    }

    /// Waits for the child to exit, still collecting its stderr. Returns at once if it was reaped already.
    @discardableResult
    func wait() -> Termination {
        closeDescriptor(&input)
        while termination == nil {
            if errors >= 0 {
                // Keep reading stderr while the child runs; a child blocked on a full
                // stderr pipe would never exit. Look at its state every 100 ms, since a
                // grandchild (a ControlMaster, a ProxyCommand) may hold stderr open.
                var fds = [pollfd(fd: errors, events: Int16(POLLIN), revents: 0)]
                if poll(&fds, 1, 100) > 0 { drainStderr() }
                _ = reap(blocking: false)
            } else {
                _ = reap(blocking: true)
            }
        }
        // What is left in the pipe after the exit.
        while errors >= 0 {
            var fds = [pollfd(fd: errors, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 1, 0) > 0 else { break }
            drainStderr()
        }
        return termination!
    }

    /// Ends the child: closes its pipes (EOF on stdin lets ssh and the remote end
    /// finish on their own), gives it a moment, then kills it. Always reaps it.
    func terminate() {
        closeDescriptor(&input)
        closeDescriptor(&output)
        closeDescriptor(&errors)
        guard termination == nil else { return }
        for _ in 0..<200 {
            if reap(blocking: false) { return }
            usleep(10_000)
        }
        kill(pid, SIGKILL)
        _ = reap(blocking: true)
    }

    /// The child's stderr so far, as text.
    var stderrText: String { String(decoding: stderrTail, as: UTF8.self) }

    /// Runs a helper to completion and returns how it ended and what it wrote.
    ///
    /// - `arguments[0]` is the program: a path when it contains a `/`, else looked up in
    ///   this process's `PATH` (not `environment`'s).
    /// - `input` is written to its stdin, which is then closed (EOF at once when empty).
    ///   A helper that exits without reading it all is no error.
    /// - `environment` is its whole environment; nil passes on this process's own.
    /// - Its stderr goes to /dev/null, or with `mergingStandardError` into the output
    ///   along with its stdout.
    ///
    /// Throws when the program cannot be started or its pipes fail.
    public static func run(_ arguments: [String], input: [UInt8] = [], environment: [String: String]? = nil,
                           mergingStandardError: Bool = false) throws -> (termination: Termination, output: [UInt8]) {
        let child = try ChildProcess(arguments, stderr: mergingStandardError ? .mergedIntoOutput : .discarded,
                                     environment: environment)
        let output = try child.feedAndCollect(input)
        return (child.wait(), output)
    }

    /// Like `run`, with the child's stderr kept apart from its stdout: its last few KiB come
    /// back as `errors` (what gpg's `--status-fd=2` and ssh-keygen say went wrong).
    public static func runKeepingErrors(_ arguments: [String], input: [UInt8] = [], environment: [String: String]? = nil) throws
        -> (termination: Termination, output: [UInt8], errors: [UInt8]) {
        let child = try ChildProcess(arguments, stderr: .captured, environment: environment)
        let output = try child.feedAndCollect(input)
        let termination = child.wait()
        return (termination, output, child.stderrTail)
    }

    /// Writes `input` to the child, closes its stdin, and reads its stdout to the end.
    private func feedAndCollect(_ input: [UInt8]) throws -> [UInt8] {
        if !input.isEmpty { try? input.withUnsafeBytes { try write($0) } }
        closeDescriptor(&self.input)
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = try buffer.withUnsafeMutableBytes { try read(into: $0) }
            if count == 0 { break }
            output += buffer[..<count]
        }
        return output
    }

    // MARK: - Private

    /// Runs `body` with SIGPIPE blocked on this thread and discards a SIGPIPE it raised,
    /// so a write to a child that has exited fails with EPIPE instead of killing naner
    /// (the final flush libgit2 writes can come after ssh is gone). Not `SIG_IGN`
    /// process-wide as git does: Foundation's `FileHandle.write` then crashes on a
    /// closed stdout (`naner log | head`) where SIGPIPE would have ended naner quietly.
    /// SIGPIPE from write(2) is sent to the writing thread, so blocking it here suffices.
    private static func withSIGPIPEBlocked<T>(_ body: () -> T) -> T {
        var pipeSignal = sigset_t(), previous = sigset_t(), pendingBefore = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        sigpending(&pendingBefore)
        pthread_sigmask(SIG_BLOCK, &pipeSignal, &previous)
        let result = body()
        var pending = sigset_t()
        sigpending(&pending)
        if sigismember(&pending, SIGPIPE) == 1 && sigismember(&pendingBefore, SIGPIPE) == 0 {
            var now = timespec(tv_sec: 0, tv_nsec: 0)
            while sigtimedwait(&pipeSignal, nil, &now) == -1 && errno == EINTR {}
        }
        pthread_sigmask(SIG_SETMASK, &previous, nil)
        return result
    }

    /// `poll` without a timeout; false when a signal interrupted it.
    private func waitForEvents(_ fds: inout [pollfd]) throws -> Bool {
        let ready = poll(&fds, nfds_t(fds.count), -1)
        if ready == -1 && errno == EINTR { return false }
        return try checkSystem(ready, "poll") > 0
    }

    /// Reads once from stderr, keeping only the tail; closes it at end of file.
    private func drainStderr() {
        guard errors >= 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { Glibc.read(errors, $0.baseAddress, $0.count) }
        if count < 0 && (errno == EINTR || errno == EAGAIN) { return }
        guard count > 0 else { closeDescriptor(&errors); return }
        stderrTail += buffer[..<count]
        if stderrTail.count > Self.stderrLimit { stderrTail.removeFirst(stderrTail.count - Self.stderrLimit) }
    }

    /// `waitpid`; true once the child has been reaped.
    private func reap(blocking: Bool) -> Bool {
        guard termination == nil else { return true }
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
            if result == -1 && errno == EINTR { continue }
            if result == 0 { return false }
            if result == -1 {
                // ECHILD: someone else reaped it (a SIGCHLD handler set to SIG_IGN); nothing is left to wait for.
                termination = .signalled(0)
                return true
            }
            break
        }
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros Swift cannot import.
        let signal = status & 0x7f
        termination = signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
        return true
    }

    private func closeDescriptor(_ descriptor: inout Int32) {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
    }
}
