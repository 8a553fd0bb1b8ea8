import CLibgit2

/// Process-wide libgit2 setup. `git_libgit2_init` must precede every other call;
/// we never shut down because threads may still hold handles at exit.
public enum Libgit2 {
    private static let initialized: Bool = {
        git_libgit2_init()
        // ssh:// and scp-like remotes run the system ssh (see SSHTransport). Only a
        // bug can make this fail (a scheme registered twice).
        do { try SSHTransport.register() } catch { fatalError("registering the ssh transport: \(error)") }
        // The repository lives under the user's own data folder; owner checks add
        // nothing there and break tests run as another uid on shared temp folders.
        _ = naner_git_set_owner_validation(0)
        // naner writes every blob it stages before staging it, so checking that each
        // of 20,000 index entries exists while writing trees is pure cost.
        _ = naner_git_enable_strict_object_creation(0)
        return true
    }()

    public static func ensureInitialized() {
        _ = initialized
    }

    /// fsync objects, refs and the index before renaming them into place, so a
    /// crash or power loss never leaves a ref pointing at a missing object.
    public static func setDurableWrites(_ enabled: Bool) {
        ensureInitialized()
        _ = naner_git_enable_fsync_gitdir(enabled ? 1 : 0)
    }

    public static var version: String {
        var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
        git_libgit2_version(&major, &minor, &patch)
        return "\(major).\(minor).\(patch)"
    }
}
