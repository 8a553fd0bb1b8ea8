import XCTest
@testable import GitKit

/// What naner hands to `ssh`: never a host, user or path that a variant of ssh, or
/// git on the other side, would read as an option (git refuses `ssh://-oProxyCommand=…`).
final class SSHAddressTests: XCTestCase {
    func testPartsThatReadAsOptionsAreRefused() {
        for url in ["ssh://-oProxyCommand=touch%20CANARY/x", "-oProxyCommand=touch CANARY:x",
                    "ssh://-oProxyCommand=x@host/x", "-oProxyCommand=x@host:x", "host:-x", "host:--upload-pack=touch CANARY",
                    "ssh://%2DoProxyCommand=touch%20CANARY/x", "%2Dx@host:x", "host:%2dx", "git+ssh://-h/x", "[-host:22]:x"] {
            XCTAssertThrowsError(try SSHAddress(parsing: url), url) { error in
                XCTAssertTrue("\(error)".contains("may not start with '-'"), "\(url): \(error)")
            }
        }
        for url in ["host:x-y", "ssh://host/-x", "me-you@host-1:path-2", "ssh://host/~-x", "host:/srv/-x.git"] {
            XCTAssertNoThrow(try SSHAddress(parsing: url), url)
        }
    }
}
