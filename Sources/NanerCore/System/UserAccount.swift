import Glibc

/// The user naner runs as, from the password database (Foundation's
/// NSUserName and NSHomeDirectory, without linking all of Foundation).
public enum UserAccount {
    /// The login name of the effective user, or its number when it has no entry.
    public static var name: String { entry { String(cString: $0.pw_name) } ?? String(geteuid()) }

    /// The home folder the password database gives the effective user ("/" when none).
    public static var home: String { entry { String(cString: $0.pw_dir) } ?? "/" }

    private static func entry(_ read: (passwd) -> String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        // getpwuid_r fills `record` with pointers into `buffer`: read them while it is lent.
        return buffer.withUnsafeMutableBufferPointer { storage -> String? in
            var record = passwd()
            var found: UnsafeMutablePointer<passwd>?
            guard getpwuid_r(geteuid(), &record, storage.baseAddress!, storage.count, &found) == 0, found != nil else {
                return nil
            }
            return read(record)
        }
    }
}

extension Double {
    /// `12.3`: one decimal, rounded half away from zero (what `String(format: "%.1f")` printed).
    var oneDecimal: String {
        let tenths = (self * 10).rounded()
        guard tenths.isFinite, abs(tenths) < 1e17 else { return "\(self)" }
        let whole = Int64(tenths)
        return (whole < 0 ? "-" : "") + "\(whole.magnitude / 10).\(whole.magnitude % 10)"
    }
}
