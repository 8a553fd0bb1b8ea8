/// Finds content that must never be committed, whatever the include list says: private
/// keys in every encoding and the credentials of the services people keep in their
/// dotfiles (`SecretRules`, one table). Works on raw bytes, without regular expressions,
/// because it reads every new or changed file of every commit: a literal prefilter
/// (`SecretPrefilter`) finds where a rule's prefix may start, and only there is a rule matched.
///
/// Every rule reads a bounded distance around the position it starts from: it is handed
/// only the `lookBehind` bytes before it and the `lookAhead` bytes from it. That is what
/// lets `SecretStream` scan a file that arrives in pieces with the same verdict.
public enum SecretGuard {
    /// How far before its start a rule may look: an assignment's key (64 characters and
    /// blanks), `.netrc`'s `login` (128), a `.pgpass` line's host (128).
    public static let lookBehind = 160
    /// How far from its start a rule may read: the URL with a password reads up to 515
    /// bytes (3 + 512); an assignment's value 8 + 256 and a token there; a JWT's header 400.
    /// (`SecretStreamTests` fails below 515.)
    public static let lookAhead = 520

    /// Lays out the rules' tables now (0.3 million instructions, paid at the first file
    /// read otherwise), on a thread that would be idle: any thread that needs them first
    /// waits for them, never builds them twice.
    static func prepare() {
        _ = SecretPrefilter.shared
    }

    /// What the content holds that must not be committed, or nil when it looks safe.
    public static func findSecret(in bytes: UnsafeRawBufferPointer, allowing allowance: SecretAllowance = .none) -> SecretFinding? {
        findSecret(in: bytes, startingFrom: 0, before: bytes.count, allowing: allowance)
    }

    public static func findSecret(in bytes: [UInt8], allowing allowance: SecretAllowance = .none) -> SecretFinding? {
        bytes.withUnsafeBytes { findSecret(in: $0, allowing: allowance) }
    }

    public static func findSecret(in text: String, allowing allowance: SecretAllowance = .none) -> SecretFinding? {
        findSecret(in: Array(text.utf8), allowing: allowance)
    }

    /// Like `findSecret(in:)`, trying only the start positions from `first` up to (not
    /// including) `limit`. A secret that starts at `p` is found the same as in a larger
    /// buffer as long as the buffer holds `p - lookBehind ..< p + lookAhead` of it (or
    /// begins or ends where the larger one does).
    public static func findSecret(in bytes: UnsafeRawBufferPointer, startingFrom first: Int, before limit: Int,
                                  allowing allowance: SecretAllowance = .none) -> SecretFinding? {
        guard !allowance.everything, bytes.count > 0 else { return nil }
        let data = bytes.bindMemory(to: UInt8.self)
        let end = min(limit, data.count)
        let prefilter = SecretPrefilter.shared
        var index = max(first, 0)
        let lastPair = data.count - 1
        while index < end {
            let bucket = prefilter.bucket(data[index], index < lastPair ? data[index + 1] : 0)
            if bucket != 0 {
                let lower = max(0, index - lookBehind)
                let view = SecretBytes(data: UnsafeBufferPointer(rebasing: data[lower..<min(data.count, index + lookAhead)]))
                if let finding = prefilter.match(bucket, in: view, at: index - lower, allowing: allowance) { return finding }
            }
            index += 1
        }
        return nil
    }
}
