import FoundationEssentials
import CLibgit2
import Glibc

/// http(s) through an HTTP proxy. libgit2 1.5.1 sends a CONNECT of its own, but reads
/// the proxy's answer only when it carries a length: tinyproxy's 407 and 403 pages
/// end with the connection instead, which libgit2 reports as "unexpected EOF", so it
/// never answers a 407 and cannot say what the proxy refused (checked against
/// tinyproxy 1.11); and a plain-http request meant for the proxy it sends straight
/// to the server. While a transfer runs, this tunnel is libgit2's socket stream
/// instead: each connection libgit2 opens to the server goes to the proxy, asks it
/// to CONNECT there, answers a 407 with Basic credentials (asked once, then sent
/// with the transfer's later connections), and then carries libgit2's bytes — for
/// https, mbedTLS's, so TLS and its certificate check run end to end with the
/// server, as without a proxy.
final class ProxyTunnel {
    let options: ProxyOptions
    let host: String
    let port: String
    /// `Basic …` once the proxy asked and credentials were found.
    private var authorization: String?
    private var attempts = 0
    /// Why the last connection failed: thrown by the transfer instead of libgit2's words.
    private(set) var error: Error?

    static let maximumAttempts = 3
    /// Milliseconds connecting to the proxy may take, as naner's ssh (`ConnectTimeout=15`).
    static let connectTimeout: Int32 = 15_000

    /// Nil when the proxy's URL is not `http://host[:port]`.
    init?(_ options: ProxyOptions) {
        guard let endpoint = options.endpoint else { return nil }
        self.options = options
        host = endpoint.host
        port = endpoint.port
    }

    // MARK: Registration

    // Unchecked: `current` is written only by the thread holding `mutex`, and read by
    // libgit2's stream callback on that same thread while it holds it.
    private final class Registry: @unchecked Sendable {
        let mutex = PlainMutex()
        var current: ProxyTunnel?
    }

    private static let registry = Registry()

    /// Runs `body` (one libgit2 call) with every socket libgit2 opens going through this
    /// tunnel. libgit2's stream registry is process-wide: one tunnelled call at a time.
    func carrying<Result>(_ body: () throws -> Result) throws -> Result {
        try Self.registry.mutex.withLock {
            Self.registry.current = self
            defer {
                _ = git_stream_register(GIT_STREAM_STANDARD, nil)
                Self.registry.current = nil
            }
            var registration = git_stream_registration()
            registration.version = Int32(GIT_STREAM_VERSION)
            registration.`init` = { out, host, port in
                guard let tunnel = ProxyTunnel.registry.current, let host, let port else {
                    _ = git_error_set_str(Int32(GIT_ERROR_NET.rawValue), "no proxy tunnel is open")
                    return -1
                }
                out?.pointee = TunnelStream(tunnel: tunnel, host: String(cString: host), port: String(cString: port)).cPointer
                return 0
            }
            try check(git_stream_register(GIT_STREAM_STANDARD, &registration), "git_stream_register")
            return try body()
        }
    }

    // MARK: Opening a tunnel

    /// Connects to the proxy and has it CONNECT to `target`; returns the socket and any
    /// bytes that followed the proxy's answer. Answers 407s with credentials.
    fileprivate func open(to targetHost: String, _ targetPort: String) throws -> (socket: Int32, pending: [UInt8]) {
        let target = (targetHost.contains(":") ? "[\(targetHost)]" : targetHost) + ":" + targetPort
        while true {
            let socket = try connect(target: target)
            var keep = false
            defer { if !keep { Glibc.close(socket) } }
            var request = "CONNECT \(target) HTTP/1.1\r\nHost: \(target)\r\nUser-Agent: git/2.0 (naner)\r\n"
            if let authorization { request += "Proxy-Authorization: \(authorization)\r\n" }
            request += "\r\n"
            try send(Array(request.utf8), on: socket, target: target)
            let (answer, pending) = try readAnswer(from: socket, target: target)
            switch answer.status {
            case 200..<300:
                keep = true
                return (socket, pending)
            case 407, 401:
                // tinyproxy answers 407 to a CONNECT without credentials and 401 to one with wrong ones.
                let offered = answer.values("proxy-authenticate")
                if !offered.isEmpty, !offered.contains(where: { $0.lowercased().hasPrefix("basic") }) {
                    let scheme = offered[0].split(separator: " ").first.map(String.init) ?? offered[0]
                    throw ProxyFailure(proxy: options.url, target: target, kind: .unsupportedAuthentication(scheme: scheme))
                }
                attempts += 1
                guard attempts <= Self.maximumAttempts, let source = options.credentials else {
                    throw ProxyFailure(proxy: options.url, target: target, kind: .authentication)
                }
                let request = CredentialRequest(url: options.url, username: nil, allowsPassword: true, allowsSSHKey: false,
                                                attempt: attempts)
                guard case .password(let user, let password) = try source(request) else {
                    throw ProxyFailure(proxy: options.url, target: target, kind: .authentication)
                }
                authorization = "Basic " + Self.base64(Array("\(user):\(password)".utf8))
            default:
                throw ProxyFailure(proxy: options.url, target: target, kind: .refused(status: answer.status, reason: answer.reason))
            }
        }
    }

    /// A connected socket to the proxy, trying each of its addresses in turn.
    private func connect(target: String) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(host, port, &hints, &list)
        guard resolved == 0 else {
            throw ProxyFailure(proxy: options.url, target: target, kind: .unreachable(reason: String(cString: gai_strerror(resolved))))
        }
        defer { freeaddrinfo(list) }
        var reason = "no address"
        var next = list
        while let address = next?.pointee {
            next = address.ai_next
            let socket = Glibc.socket(address.ai_family, address.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), address.ai_protocol)
            guard socket >= 0 else {
                reason = String(cString: strerror(errno))
                continue
            }
            if let failure = Self.connect(socket, to: address.ai_addr, length: address.ai_addrlen) {
                reason = failure
                Glibc.close(socket)
                continue
            }
            return socket
        }
        throw ProxyFailure(proxy: options.url, target: target, kind: .unreachable(reason: reason))
    }

    /// nil once connected; else why not. Non-blocking while connecting, for the timeout.
    private static func connect(_ socket: Int32, to address: UnsafeMutablePointer<sockaddr>?, length: socklen_t) -> String? {
        let flags = fcntl(socket, F_GETFL)
        _ = fcntl(socket, F_SETFL, flags | O_NONBLOCK)
        defer { _ = fcntl(socket, F_SETFL, flags) }
        if Glibc.connect(socket, address, length) == 0 { return nil }
        guard errno == EINPROGRESS else { return String(cString: strerror(errno)) }
        var entry = pollfd(fd: socket, events: Int16(POLLOUT), revents: 0)
        var ready: Int32
        repeat { ready = poll(&entry, 1, connectTimeout) } while ready < 0 && errno == EINTR
        if ready == 0 { return "no answer within \(connectTimeout / 1000) s" }
        if ready < 0 { return String(cString: strerror(errno)) }
        var failure: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(socket, SOL_SOCKET, SO_ERROR, &failure, &size) == 0 else { return String(cString: strerror(errno)) }
        return failure == 0 ? nil : String(cString: strerror(failure))
    }

    private func send(_ bytes: [UInt8], on socket: Int32, target: String) throws {
        var sent = 0
        while sent < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.send(socket, $0.baseAddress! + sent, bytes.count - sent, naner_msg_nosignal()) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                throw ProxyFailure(proxy: options.url, target: target, kind: .unreachable(reason: String(cString: strerror(errno))))
            }
            sent += written
        }
    }

    /// What the proxy answered to a CONNECT, and what followed its header.
    private struct Answer {
        let status: Int
        let reason: String
        let headers: [(name: String, value: String)]

        func values(_ name: String) -> [String] { headers.filter { $0.name == name }.map(\.value) }
    }

    /// Reads up to the blank line that ends the proxy's header (never past 64 KiB).
    private func readAnswer(from socket: Int32, target: String) throws -> (Answer, [UInt8]) {
        var received: [UInt8] = []
        let end: [UInt8] = Array("\r\n\r\n".utf8)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            if let range = received.firstRange(of: end) {
                let head = String(decoding: received[..<range.lowerBound], as: UTF8.self)
                return (try parse(head, target: target), Array(received[range.upperBound...]))
            }
            guard received.count < 65_536 else {
                throw ProxyFailure(proxy: options.url, target: target, kind: .brokenAnswer("an answer without an end"))
            }
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            if count < 0 {
                throw ProxyFailure(proxy: options.url, target: target, kind: .unreachable(reason: String(cString: strerror(errno))))
            }
            guard count > 0 else {
                throw ProxyFailure(proxy: options.url, target: target, kind: .brokenAnswer("it closed the connection without answering"))
            }
            received += buffer[..<count]
        }
    }

    private func parse(_ head: String, target: String) throws -> Answer {
        let lines = head.components(separatedBy: "\r\n")
        let statusLine = lines[0].split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/"), let status = Int(statusLine[1]) else {
            throw ProxyFailure(proxy: options.url, target: target, kind: .brokenAnswer("not an HTTP answer"))
        }
        let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingSpaces)
        }
        return Answer(status: status, reason: statusLine.count > 2 ? String(statusLine[2]) : "", headers: headers)
    }

    /// Records why a connection failed and tells libgit2 in words of its own.
    fileprivate func report(_ error: Error) -> Int32 {
        self.error = error
        _ = git_error_set_str(Int32(GIT_ERROR_NET.rawValue), "the proxy tunnel failed: \(error)")
        return -1
    }

    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * UInt32($1.offset)) }
            for position in 0..<4 {
                output.append(position <= chunk.count ? alphabet[Int(value >> (18 - 6 * UInt32(position)) & 0x3F)] : UInt8(ascii: "="))
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}

/// One connection libgit2 opened while a tunnel was registered: its socket to the proxy,
/// which carries the bytes to and from the server once the proxy said yes.
private final class TunnelStream {
    let raw: UnsafeMutablePointer<naner_stream>
    let tunnel: ProxyTunnel
    let targetHost: String
    let targetPort: String
    var socket: Int32 = -1
    /// Bytes the server sent right behind the proxy's answer.
    var pending: [UInt8] = []

    var cPointer: UnsafeMutablePointer<git_stream> { raw.pointer(to: \.parent)! }

    init(tunnel: ProxyTunnel, host: String, port: String) {
        self.tunnel = tunnel
        targetHost = host
        targetPort = port
        raw = .allocate(capacity: 1)
        raw.initialize(to: naner_stream())
        // Released by `free`, which libgit2 calls exactly once.
        raw.pointee.owner = Unmanaged.passRetained(self).toOpaque()
        raw.pointee.parent.version = Int32(GIT_STREAM_VERSION)
        raw.pointee.parent.connect = { stream in
            let this = TunnelStream.from(stream)
            do {
                (this.socket, this.pending) = try this.tunnel.open(to: this.targetHost, this.targetPort)
                return 0
            } catch {
                return this.tunnel.report(error)
            }
        }
        raw.pointee.parent.read = { stream, buffer, length in
            let this = TunnelStream.from(stream)
            if !this.pending.isEmpty {
                let count = min(length, this.pending.count)
                this.pending.withUnsafeBytes { buffer?.copyMemory(from: $0.baseAddress!, byteCount: count) }
                this.pending.removeFirst(count)
                return count
            }
            while true {
                let count = recv(this.socket, buffer, length, 0)
                if count < 0 && errno == EINTR { continue }
                if count < 0 {
                    _ = git_error_set_str(Int32(GIT_ERROR_NET.rawValue), "reading through the proxy failed: \(String(cString: strerror(errno)))")
                }
                return count
            }
        }
        raw.pointee.parent.write = { stream, data, length, _ in
            let this = TunnelStream.from(stream)
            while true {
                let count = send(this.socket, data, length, naner_msg_nosignal())
                if count < 0 && errno == EINTR { continue }
                if count < 0 {
                    _ = git_error_set_str(Int32(GIT_ERROR_NET.rawValue), "writing through the proxy failed: \(String(cString: strerror(errno)))")
                }
                return count
            }
        }
        raw.pointee.parent.close = { stream in
            TunnelStream.from(stream).closeSocket()
            return 0
        }
        raw.pointee.parent.free = { stream in
            let this = TunnelStream.from(stream)
            this.closeSocket()
            Unmanaged.passUnretained(this).release()
        }
    }

    deinit {
        closeSocket()
        raw.deinitialize(count: 1)
        raw.deallocate()
    }

    func closeSocket() {
        guard socket >= 0 else { return }
        Glibc.close(socket)
        socket = -1
    }

    static func from(_ pointer: UnsafeMutablePointer<git_stream>?) -> TunnelStream {
        let raw = UnsafeMutableRawPointer(pointer!).assumingMemoryBound(to: naner_stream.self)
        return Unmanaged<TunnelStream>.fromOpaque(raw.pointee.owner).takeUnretainedValue()
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
