import CLibgit2
import Glibc

/// Process-wide libgit2 setup. `git_libgit2_init` must precede every other call;
/// we never shut down because threads may still hold handles at exit.
public enum Libgit2 {
    /// Taken with a plain mutex rather than a `static let`: Swift's once waits in a
    /// priority-inheritance futex, on which the kernel spins while the owner runs, and
    /// `git_libgit2_init` runs for milliseconds (it parses the CA bundle). A second
    /// thread opening a repository meanwhile burnt a CPU that the tree scan needed.
    private static let initialization = Initialization()

    // Unchecked: `done` is read and written only under `mutex`.
    private final class Initialization: @unchecked Sendable {
        private let mutex = PlainMutex()
        private var done = false

        func run(_ body: () -> Void) {
            mutex.withLock {
                if !done {
                    body()
                    done = true
                }
            }
        }
    }

    public static func ensureInitialized() {
        initialization.run {
            // The CA bundle is parsed only before the first https transfer (useCertificates):
            // 60% of the instructions of a command that only reads the repository.
            _ = naner_git_init_deferring_certificates()
            // ssh:// and scp-like remotes run the system ssh (see SSHTransport). Only a
            // bug can make this fail (a scheme registered twice).
            do { try SSHTransport.register() } catch { fatalError("registering the ssh transport: \(error)") }
            // The repository lives under the user's own data folder; owner checks add
            // nothing there and break tests run as another uid on shared temp folders.
            _ = naner_git_set_owner_validation(0)
            // naner writes every blob it stages before staging it, so checking that each
            // of 20,000 index entries exists while writing trees is pure cost.
            _ = naner_git_enable_strict_object_creation(0)
        }
    }

    /// The CA bundle libgit2 was built to trust (Debian's; compiled into libgit2 and
    /// parsed by `git_libgit2_init`).
    public static let systemCertificateBundle = "/etc/ssl/certs/ca-certificates.crt"

    private static let certificates = CertificateLocations()

    // Unchecked: `current` is read and written only under `mutex`.
    private final class CertificateLocations: @unchecked Sendable {
        let mutex = PlainMutex()
        /// What mbedTLS trusts now; nil while it is what git_libgit2_init left: the system
        /// bundle, or nothing when its parse was deferred.
        var current: (file: String?, directory: String?)?
    }

    /// Which CAs every later TLS connection of this process trusts (libgit2 keeps one
    /// chain for all of them): a PEM file, a folder of certificates (mbedTLS parses
    /// every file in it; hashed names are not needed), or both. `nil, nil` goes back
    /// to the system bundle. Parsing a bundle costs milliseconds, so asking for what
    /// is already in effect does nothing. Throws when a file or folder cannot be
    /// read or holds no certificate mbedTLS can parse; what was trusted before stays.
    public static func useCertificates(file: String?, directory: String?) throws {
        ensureInitialized()
        try certificates.mutex.withLock {
            let wanted = (file: file, directory: directory)
            // Nothing set yet: libgit2 holds the system bundle, unless its parse was deferred.
            let bundleLoaded = naner_git_default_certificates_deferred() == 0
            if certificates.current == nil && !bundleLoaded && wanted == (file: nil, directory: nil) {
                try check(naner_git_set_ssl_cert_locations(systemCertificateBundle, nil),
                          "git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS)")
                certificates.current = wanted
                return
            }
            let current = certificates.current ?? (file: nil, directory: nil)
            guard wanted != current else { return }
            let loaded = file == nil && directory == nil
                ? naner_git_set_ssl_cert_locations(systemCertificateBundle, nil)
                : naner_git_set_ssl_cert_locations(file, directory)
            try check(loaded, "git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS)")
            certificates.current = wanted
        }
    }

    public static var version: String {
        var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
        git_libgit2_version(&major, &minor, &patch)
        return "\(major).\(minor).\(patch)"
    }
}
