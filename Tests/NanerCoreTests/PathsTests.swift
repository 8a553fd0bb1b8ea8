import NanerCore
import XCTest

/// `Paths.normalize` returns a path already normal as it is, without rebuilding it:
/// on every path of up to six pieces, it must equal the component-wise rebuild.
final class PathsTests: XCTestCase {
    private func rebuilt(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        return path.hasPrefix("/") ? "/" + joined : joined
    }

    func testNormalizeAgreesWithTheRebuildOnEveryShortPath() {
        let pieces = ["/", "a", ".", "..", "...", ".b", "é", "\u{301}"]
        var paths = [""]
        var checked = 0
        for _ in 0..<6 {
            paths = paths.flatMap { path in pieces.map { path + $0 } }
            for path in paths {
                XCTAssertEqual(Paths.normalize(path), rebuilt(path), "'\(path)'")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 200_000)
    }
}
