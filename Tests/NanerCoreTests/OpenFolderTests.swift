import Foundation
@testable import NanerCore
import XCTest

/// Status stats tracked paths relative to the home held open. A path from the index or the
/// walk cache that is absolute must not reach outside the home through `fstatat`, which
/// ignores the folder for such a path.
final class OpenFolderTests: XCTestCase {
    func testAnAbsolutePathIsNothingInsideTheFolder() throws {
        var template = Array("/tmp/naner-open.XXXXXX".utf8CString)
        let home = String(cString: try XCTUnwrap(mkdtemp(&template)))
        defer { try? FileManager.default.removeItem(atPath: home) }
        try Data("x\n".utf8).write(to: URL(fileURLWithPath: home + "/.bashrc"))
        let folder = try XCTUnwrap(OpenFolder(path: home))
        XCTAssertNotNil(folder.fileStatus(".bashrc"))
        XCTAssertNotNil(folder.pathStatus(".bashrc"))
        XCTAssertNotNil(folder.pathStatus(""), "the folder itself")
        // /etc/passwd exists outside the home: an absolute path is not looked up there.
        XCTAssertTrue(FileManager.default.fileExists(atPath: "/etc/passwd"))
        XCTAssertNil(folder.fileStatus("/etc/passwd"))
        XCTAssertNil(folder.pathStatus("/etc"))
    }
}
