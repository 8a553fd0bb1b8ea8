/// Why an age file could not be made or read. One line each, lower case, naming
/// the file; a passphrase or secret key is never part of a message.
public enum AgeError: Error, Equatable, CustomStringConvertible {
    /// No stanza opened with the identities or passphrase given.
    case noMatch(String)
    /// The file is not well-formed age, or was altered.
    case damaged(String, AgeDamage)
    /// An scrypt stanza asks for more work than `ScryptIdentity.maximumWorkFactor`.
    case tooCostly(String, workFactor: Int, limit: Int)
    /// A recipient (`age1…`) or identity that is not one; the value is quoted only for recipients.
    case invalidKey(String)
    case cannotRead(String, reason: String)
    case cannotWrite(String, reason: String)

    public var description: String {
        switch self {
        case .noMatch(let file):
            return file.isEmpty ? "wrong passphrase or not an age file for this identity"
                : "wrong passphrase or not an age file for this identity: '\(file)'"
        case .damaged(let file, let damage): return "age file '\(file)' is damaged: \(damage.reason)"
        case .tooCostly(let file, let workFactor, let limit):
            return "age file '\(file)' asks for scrypt work factor \(workFactor), above the limit of \(limit)"
        case .invalidKey(let reason): return reason
        case .cannotRead(let file, let reason): return "cannot read '\(file)': \(reason)"
        case .cannotWrite(let file, let reason): return "cannot write '\(file)': \(reason)"
        }
    }

    /// The same failure told of another file (parsers work before they know its name).
    func about(_ file: String) -> AgeError {
        switch self {
        case .noMatch: return .noMatch(file)
        case .damaged(_, let damage): return .damaged(file, damage)
        case .tooCostly(_, let workFactor, let limit): return .tooCostly(file, workFactor: workFactor, limit: limit)
        case .cannotRead("", let reason): return .cannotRead(file, reason: reason)
        default: return self
        }
    }
}

/// Which layer of an age file is wrong; the test vectors tell these apart.
public enum AgeDamage: Equatable, Sendable {
    /// The ASCII armor around it.
    case armor(String)
    /// The header: version line, stanzas, MAC line, payload nonce.
    case header(String)
    /// The header's MAC does not match (a stanza or argument was changed).
    case headerMAC
    /// The encrypted payload: a chunk altered, cut, missing or in excess.
    case payload(String)

    public var reason: String {
        switch self {
        case .armor(let reason): return "its armor " + reason
        case .header(let reason): return "its header " + reason
        case .headerMAC: return "its header was altered (the header MAC does not match)"
        case .payload(let reason): return "its content " + reason
        }
    }
}
