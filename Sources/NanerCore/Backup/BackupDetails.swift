import FoundationEssentials
import GitKit

/// One backup or safety point in full, as `naner show` prints it.
public struct BackupDetails: Sendable {
    public struct File: Sendable {
        public let path: String
        /// Permission bits as a restore gives them (from the backup's `.naner/modes`); symlinks 0o777.
        public let mode: UInt32
        public let isSymlink: Bool
    }

    public let info: BackupInfo
    /// The manifest a backup's tag carries; nil for safety points.
    public let manifest: BackupManifest?
    public let files: [File]
}
