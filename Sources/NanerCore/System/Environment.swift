import Glibc

/// One environment variable, read with `getenv`: `ProcessInfo.environment` copies the
/// whole environment into a dictionary, a fifth of what a short `naner log` executed.
public enum Environment {
    /// The variable's value; nil when unset.
    public static func value(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    /// The variable's value; nil when unset or empty.
    public static func nonEmpty(_ name: String) -> String? {
        value(name).flatMap { $0.isEmpty ? nil : $0 }
    }
}
