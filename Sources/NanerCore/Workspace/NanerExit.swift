/// Exit codes, documented in the README.
public enum NanerExit {
    public static let failure: Int32 = 1
    /// Stopped because local edits or the other side conflict (restore, sync).
    public static let conflict: Int32 = 3
}
