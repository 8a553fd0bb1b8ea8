/// `SecretGuard` for content that arrives in pieces (a file too large to hold whole):
/// the same verdict `SecretGuard.findSecret` gives the whole content, for any way of
/// cutting it, and it passes the content on only once it is known not to start a
/// secret, so nothing a secret starts in ever reaches the consumer.
///
/// It keeps the last `lookBehind + lookAhead` bytes it was given: each start
/// position is tried once, when the bytes after it hold a detector's whole reach (or
/// the content has ended), so a detector never judges a cut-off window — an AWS key id
/// must be exactly 16 characters, which a window cut after 16 would wrongly confirm.
public struct SecretStream {
    /// The bytes given and not yet passed on, after `lookBehind` bytes already passed on.
    private var window: [UInt8] = []
    /// Where in `window` the first start position not yet tried is.
    private var untried = 0
    /// The first secret found; nothing is passed on after it.
    public private(set) var secret: SecretFinding?
    /// The rules this content may match (`naner secret allow`).
    private let allowance: SecretAllowance

    public init(allowing allowance: SecretAllowance = .none) {
        self.allowance = allowance
    }

    /// Takes the next piece; calls `pass` with the content (earlier pieces' included)
    /// now known to start no secret, in order. Returns the secret once one is found.
    @discardableResult
    public mutating func feed(_ piece: UnsafeRawBufferPointer, pass: (UnsafeRawBufferPointer) throws -> Void) rethrows -> SecretFinding? {
        guard secret == nil else { return secret }
        window.append(contentsOf: piece)
        // Start positions before `limit` have their detectors' whole reach (`p + lookAhead`) in the window.
        let limit = window.count - SecretGuard.lookAhead
        guard limit > untried else { return nil }
        try scan(before: limit, pass: pass)
        if secret == nil {
            // Keep what a later start may read: one byte behind it, and what follows.
            let dropped = max(0, limit - SecretGuard.lookBehind)
            window.removeSubrange(0..<dropped)
            untried = limit - dropped
        }
        return secret
    }

    /// The content has ended: tries the last start positions, passes the rest on
    /// when it is clean, and returns the verdict.
    @discardableResult
    public mutating func finish(pass: (UnsafeRawBufferPointer) throws -> Void) rethrows -> SecretFinding? {
        guard secret == nil else { return secret }
        try scan(before: window.count, pass: pass)
        window.removeAll()
        untried = 0
        return secret
    }

    private mutating func scan(before limit: Int, pass: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        let first = untried
        let found = window.withUnsafeBytes { SecretGuard.findSecret(in: $0, startingFrom: first, before: limit, allowing: allowance) }
        if let found {
            secret = found
            return
        }
        try window.withUnsafeBytes { try pass(UnsafeRawBufferPointer(rebasing: $0[first..<limit])) }
        untried = limit
    }
}
