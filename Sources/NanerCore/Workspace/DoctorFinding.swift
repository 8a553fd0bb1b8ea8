import FoundationEssentials
import GitKit

/// One thing `naner doctor` found, with what to do about it.
public struct DoctorFinding: Sendable {
    public enum Check: String, Sendable {
        case integrity, lock, safetyPoints = "safety-points", modes, trackedExcluded = "tracked-excluded"
        case trackedSecret = "tracked-secret", remote, conflictedCopy = "conflicted-copy", nothingManaged = "nothing-managed"
        case syncState = "sync-state", certificate, proxy, allowedSecrets = "allowed-secrets", backup, variants
    }

    public let check: Check
    public let message: String
    public let hint: String
    /// What `--fix` did about it, nil when it was left for the user.
    public var fixed: String?
}
