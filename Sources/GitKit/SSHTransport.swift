import CLibgit2

/// libgit2's `ssh` transport replaced by one that runs the system OpenSSH client, so
/// `~/.ssh/config`, ssh-agent and known_hosts work as they do for git (libssh2 reads
/// none of the config). libgit2 does the smart protocol; we only move bytes.
///
/// Ownership: libgit2 holds the C structs. A subtransport's struct keeps its Swift
/// object alive with one retain, released by libgit2's single `free` call. The
/// subtransport object owns its stream object; the stream struct refers to it unretained.
enum SSHTransport {
    /// Registers `ssh`, `ssh+git` and `git+ssh` (libgit2 appends `://` itself; scp-like
    /// `host:path` addresses reach the `ssh` one). Call once, right after `git_libgit2_init`.
    /// SIGPIPE is held off around each write to ssh (see `ChildProcess.write`) rather
    /// than ignored process-wide.
    static func register() throws {
        // libgit2 keeps this pointer for the life of the process.
        let definition = UnsafeMutablePointer<git_smart_subtransport_definition>.allocate(capacity: 1)
        definition.initialize(to: git_smart_subtransport_definition(callback: { out, _, _ in
            let subtransport = SSHSubtransport()
            out?.pointee = subtransport.cPointer
            return 0
        }, rpc: 0, param: nil))
        for scheme in ["ssh", "ssh+git", "git+ssh"] {
            try check(git_transport_register(scheme, git_transport_smart, definition), "git_transport_register")
        }
    }

    /// Hands an error to libgit2, which reports it to the caller unchanged.
    static func report(_ error: Error) -> Int32 {
        let text: String
        switch error {
        case let error as SSHConnection.Failure: text = error.description
        case let error as SSHAddress.Invalid: text = error.description
        case let error as SystemCallError: text = "lost the connection to ssh: \(error)"
        default: text = "\(error)"
        }
        _ = git_error_set_str(Int32(GIT_ERROR_SSH.rawValue), text)
        return error is SSHConnection.Failure ? GIT_EEOF.rawValue : GIT_ERROR.rawValue
    }
}

/// libgit2's subtransport: hands out the one open stream for every action. libgit2
/// asks for UPLOADPACK after UPLOADPACK_LS (and RECEIVEPACK after RECEIVEPACK_LS, and
/// UPLOADPACK again to say goodbye after a push) and expects the same connection.
private final class SSHSubtransport {
    let raw: UnsafeMutablePointer<naner_ssh_subtransport>
    var stream: SSHStream?

    var cPointer: UnsafeMutablePointer<git_smart_subtransport> { raw.pointer(to: \.parent)! }

    init() {
        raw = .allocate(capacity: 1)
        raw.initialize(to: naner_ssh_subtransport())
        // Released by `free`, which libgit2 calls exactly once.
        raw.pointee.owner = Unmanaged.passRetained(self).toOpaque()
        raw.pointee.parent.action = { out, subtransport, url, service in
            let this = SSHSubtransport.from(subtransport)
            do {
                out?.pointee = try this.action(url: url.map { String(cString: $0) } ?? "", service: service)
                return 0
            } catch {
                return SSHTransport.report(error)
            }
        }
        raw.pointee.parent.close = { subtransport in
            SSHSubtransport.from(subtransport).stream?.close()
            return 0
        }
        raw.pointee.parent.free = { subtransport in
            let this = SSHSubtransport.from(subtransport)
            this.stream?.close()
            this.stream = nil
            Unmanaged.passUnretained(this).release()
        }
    }

    deinit {
        raw.deinitialize(count: 1)
        raw.deallocate()
    }

    static func from(_ pointer: UnsafeMutablePointer<git_smart_subtransport>?) -> SSHSubtransport {
        let raw = UnsafeMutableRawPointer(pointer!).assumingMemoryBound(to: naner_ssh_subtransport.self)
        return Unmanaged<SSHSubtransport>.fromOpaque(raw.pointee.owner).takeUnretainedValue()
    }

    private func action(url: String, service: git_smart_service_t) throws -> UnsafeMutablePointer<git_smart_subtransport_stream> {
        if let stream { return stream.cPointer }
        let program: String
        switch service {
        case GIT_SERVICE_UPLOADPACK_LS, GIT_SERVICE_UPLOADPACK: program = "git-upload-pack"
        case GIT_SERVICE_RECEIVEPACK_LS, GIT_SERVICE_RECEIVEPACK: program = "git-receive-pack"
        default: throw SSHAddress.Invalid(url: url, reason: "libgit2 asked for unknown service \(service.rawValue)")
        }
        let stream = SSHStream(connection: try SSHConnection(url: url, remoteProgram: program), owner: self)
        self.stream = stream
        return stream.cPointer
    }
}

/// libgit2's stream over one ssh process.
private final class SSHStream {
    let raw: UnsafeMutablePointer<naner_ssh_stream>
    let connection: SSHConnection
    /// Unowned: the subtransport owns this stream and outlives it.
    unowned let owner: SSHSubtransport

    var cPointer: UnsafeMutablePointer<git_smart_subtransport_stream> { raw.pointer(to: \.parent)! }

    init(connection: SSHConnection, owner: SSHSubtransport) {
        self.connection = connection
        self.owner = owner
        raw = .allocate(capacity: 1)
        raw.initialize(to: naner_ssh_stream())
        raw.pointee.owner = Unmanaged.passUnretained(self).toOpaque()
        raw.pointee.parent.subtransport = owner.cPointer
        raw.pointee.parent.read = { stream, buffer, size, bytesRead in
            let this = SSHStream.from(stream)
            do {
                bytesRead?.pointee = try this.connection.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: size))
                return 0
            } catch {
                bytesRead?.pointee = 0
                return SSHTransport.report(error)
            }
        }
        raw.pointee.parent.write = { stream, buffer, length in
            let this = SSHStream.from(stream)
            do {
                try this.connection.write(UnsafeRawBufferPointer(start: buffer, count: length))
                return 0
            } catch {
                return SSHTransport.report(error)
            }
        }
        raw.pointee.parent.free = { stream in
            // libgit2 is done with this connection, possibly before the end (an error,
            // a cancelled fetch): end ssh and drop the subtransport's reference.
            let this = SSHStream.from(stream)
            this.close()
            if this.owner.stream === this { this.owner.stream = nil }
        }
    }

    deinit {
        connection.close()
        raw.deinitialize(count: 1)
        raw.deallocate()
    }

    func close() {
        connection.close()
    }

    static func from(_ pointer: UnsafeMutablePointer<git_smart_subtransport_stream>?) -> SSHStream {
        let raw = UnsafeMutableRawPointer(pointer!).assumingMemoryBound(to: naner_ssh_stream.self)
        return Unmanaged<SSHStream>.fromOpaque(raw.pointee.owner).takeUnretainedValue()
    }
}
