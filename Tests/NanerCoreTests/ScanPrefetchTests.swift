import Dispatch
import Foundation
import GitKit
@testable import NanerCore
import Synchronization
import XCTest

/// A status's stats are shared out in chunks to whichever threads ask (`StatBatch`), and its
/// index and remembered walk are read by whichever thread comes first (`ScanPrefetch`): the
/// asking thread must get every file's stat data, once, whether the prefetch thread ran
/// first, alongside, or not yet, and must never wait forever for one that cannot be had.
final class ScanPrefetchTests: XCTestCase {
    private var root = ""
    private var home: String { root + "/home" }

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "naner-prefetch-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: root)
    }

    func testEveryEntryIsStatedOnceWhateverThreadsShareTheWork() throws {
        let read = try indexOfHome(files: 1_000)
        let batch = StatBatch(home: home, entries: read.entries, paths: read.paths)
        let filled = Mutex<[Range<Int>]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            let mine = batch.work()
            filled.withLock { $0 += mine }
        }
        XCTAssertTrue(batch.isComplete)
        let indexes = filled.withLock { $0 }.flatMap { $0 }.sorted()
        XCTAssertEqual(indexes, Array(0..<read.entries.count), "each chunk filled by exactly one thread")
        for (index, entry) in read.entries.enumerated() {
            XCTAssertEqual(try XCTUnwrap(batch[index], entry.path).matches(entry), true, entry.path)
        }
        XCTAssertEqual(batch.work(), [], "nothing is left to claim")
    }

    /// A home that cannot be opened (removed under the status) has none of its files, and the
    /// batch still completes: a waiter for it would otherwise never return.
    func testAHomeThatCannotBeOpenedCompletesWithNoFiles() throws {
        let read = try indexOfHome(files: 300)
        try FileManager.default.removeItem(atPath: home)
        let batch = StatBatch(home: home, entries: read.entries, paths: read.paths)
        XCTAssertFalse(batch.isComplete)
        XCTAssertEqual(batch.work().reduce(0) { $0 + $1.count }, read.entries.count)
        XCTAssertTrue(batch.isComplete)
        XCTAssertTrue((0..<read.entries.count).allSatisfy { batch[$0] == nil })
    }

    /// What the prefetch hands over is the index git wrote and a stat of each of its files;
    /// an edited file no longer matches its entry, the others do. Many rounds, so the asking
    /// thread finds the prefetch thread ahead of it, alongside it and not yet started.
    func testTheResultIsTheIndexAndItsFilesInEveryInterleaving() throws {
        let read = try indexOfHome(files: 400)
        let edited = read.entries[137].path
        try Data("edited, longer than before\n".utf8).write(to: URL(fileURLWithPath: home + "/" + edited))
        for _ in 0..<50 {
            let prefetch = ScanPrefetch(repository: home + "/.git", home: home)
            prefetch.help()
            let result = try XCTUnwrap(prefetch.result())
            XCTAssertEqual(result.checksum, read.checksum)
            XCTAssertEqual(result.entries.map(\.path), read.entries.map(\.path))
            XCTAssertTrue(result.stats.isComplete)
            let changed = result.entries.indices.filter { !(result.stats[$0]?.matches(result.entries[$0]) ?? false) }
            XCTAssertEqual(changed.map { result.entries[$0].path }, [edited])
        }
    }

    /// `files` small files in nested folders, added to an index by git.
    private func indexOfHome(files: Int) throws -> (entries: [IndexEntry], checksum: String, paths: PathTable) {
        for number in 0..<files {
            let folder = home + "/.config/app\(number % 7)/d\(number % 5)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Data("setting \(number)\n".utf8).write(to: URL(fileURLWithPath: folder + "/f\(number).conf"))
        }
        XCTAssertEqual(git(home, "init", "-q", "-b", "main").status, 0)
        XCTAssertEqual(git(home, "add", "-A").status, 0)
        let read = try XCTUnwrap(IndexFile.read(atPath: home + "/.git/index"))
        XCTAssertEqual(read.entries.count, files)
        return read
    }
}
