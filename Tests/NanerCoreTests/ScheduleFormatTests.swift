import Foundation
import XCTest
@testable import NanerCore

/// What `naner schedule` writes, whichever scheduler this machine has.
final class ScheduleFormatTests: XCTestCase {
    private let locations = Locations(home: "/home/me", repository: "/home/me/.local/share/naner/repo.git")

    func testCronLineAndCalendar() throws {
        let scheduler = Scheduler.forThisMachine(locations: locations, environment: ["HOME": "/home/me", "NANER_SCHEDULER": "cron"])
        XCTAssertEqual(scheduler.kind, .cron)
        let weekly = try Schedule(frequency: .weekly, at: "04:05")
        XCTAssertEqual(weekly.cronTime, "5 4 * * 1")
        XCTAssertEqual(weekly.onCalendar, "Mon *-*-* 04:05:00")
        let daily = try Schedule(frequency: .daily, at: nil)
        XCTAssertEqual(daily.cronTime, "0 3 * * *")
        let line = scheduler.cronLine(daily)
        XCTAssertTrue(line.hasPrefix("0 3 * * * "), line)
        XCTAssertTrue(line.hasSuffix(" backup --quiet --home /home/me --repo /home/me/.local/share/naner/repo.git "
                                     + "--keep daily=7,weekly=4,monthly=12 --verify-weekly # naner schedule"), line)
        let everything = scheduler.cronLine(try Schedule(frequency: .daily, at: nil, keep: nil))
        XCTAssertTrue(everything.hasSuffix("/repo.git --verify-weekly # naner schedule"), "--keep all prunes nothing: \(everything)")
        let custom = scheduler.cronLine(try Schedule(frequency: .daily, at: nil, keep: RetentionPolicy(parsing: "last=3,yearly=5")))
        XCTAssertTrue(custom.contains(" --keep last=3,yearly=5 --verify-weekly "), custom)
        for bad in ["24:00", "7", "07:7", "a:b", "-1:00"] {
            XCTAssertThrowsError(try Schedule(frequency: .daily, at: bad), bad)
        }
    }

    /// Each odd name is read back by systemd itself as the very word naner meant: the
    /// units pass `systemd-analyze verify` (which also checks the program is an executable
    /// file where the line says), and systemd's own parser (`systemd --test --user` dumps
    /// each command line it read) gives back naner's path, home and repository.
    func testSystemdReadsEveryQuotedWordBack() throws {
        for tool in ["/usr/bin/systemd-analyze", "/lib/systemd/systemd", "/usr/bin/setpriv"] where !FileManager.default.fileExists(atPath: tool) {
            throw XCTSkip("no \(tool)")
        }
        var template = Array("/tmp/naner-units.XXXXXX".utf8CString)
        let root = String(cString: try XCTUnwrap(mkdtemp(&template)))
        defer { try? FileManager.default.removeItem(atPath: root) }
        chmod(root, 0o755)  // systemd's test mode runs as nobody
        let names = ["it's", "two words", "100%", "%h and %%", "$HOME", "${USER}", "back\\slash", "a \"quoted\" name", "tab\there",
                     "new\nline", "semi;colon", ";", "trailing\\", "'", "\"", "café", "-dash", "x\u{7}bell", "`tick` (paren) <a>|&!*?"]
        for (number, name) in names.enumerated() {
            let folder = root + "/\(number)/" + name
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: "/bin/true", toPath: folder + "/run")
            let scheduler = Scheduler(kind: .systemd, unitFolder: root + "/units\(number)", naner: folder + "/run", home: "/home/" + name,
                                      repository: folder + "/repo.git")
            try FileManager.default.createDirectory(atPath: scheduler.unitFolder, withIntermediateDirectories: true)
            try scheduler.serviceText().write(toFile: scheduler.servicePath, atomically: true, encoding: .utf8)
            try scheduler.timerText(try Schedule(frequency: .daily, at: nil)).write(toFile: scheduler.timerPath, atomically: true, encoding: .utf8)
            chmod(scheduler.servicePath, 0o644)
            chmod(scheduler.timerPath, 0o644)
            let verify = run(["/usr/bin/systemd-analyze", "verify", "--man=no", scheduler.timerPath, scheduler.servicePath])
            XCTAssertEqual(verify.status, 0, "\(name.debugDescription): \(verify.output)\n\(scheduler.serviceText())")

            let words = try XCTUnwrap(systemdCommandLine(unitFolder: scheduler.unitFolder, runtime: root + "/runtime\(number)"),
                                      name.debugDescription)
            // systemd replaces `$$` with `$` in the arguments when it starts the service, and
            // `$NAME` or `${NAME}` with a variable's value: no lone `$` may reach it.
            for word in words.dropFirst() {
                XCTAssertFalse(word.replacingOccurrences(of: "$$", with: "").contains("$"), "\(name.debugDescription): \(word)")
            }
            let started = [words[0]] + words.dropFirst().map { $0.replacingOccurrences(of: "$$", with: "$") }
            let expected = ["backup", "--quiet", "--home", "/home/" + name, "--repo", folder + "/repo.git"]
            if Scheduler.systemdAcceptsProgram(folder + "/run") {
                XCTAssertEqual(started, [folder + "/run"] + expected, name.debugDescription)
            } else {
                XCTAssertEqual(started, ["/bin/sh", "-c", #"exec "$0" "$@""#, folder + "/run"] + expected, name.debugDescription)
            }
        }
        // A program that is not there is refused: the check above means something.
        let missing = Scheduler(kind: .systemd, unitFolder: root + "/missing", naner: root + "/100% not here", home: "/home/me", repository: root)
        try FileManager.default.createDirectory(atPath: missing.unitFolder, withIntermediateDirectories: true)
        try missing.serviceText().write(toFile: missing.servicePath, atomically: true, encoding: .utf8)
        XCTAssertNotEqual(run(["/usr/bin/systemd-analyze", "verify", "--man=no", missing.servicePath]).status, 0)
    }

    private func run(_ arguments: [String], environment: [String: String] = ["PATH": "/usr/bin:/bin"]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        do { try process.run() } catch { return (-1, "\(error)") }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    /// The command line of `naner-backup.service` as systemd's own parser read it, from the
    /// configuration dump of `systemd --test --user` (as nobody when run as root: test mode
    /// refuses root), decoded from systemd's quoting (`"…"` with `\"`, `\\`, `\$`, C escapes).
    private func systemdCommandLine(unitFolder: String, runtime: String) -> [String]? {
        try? FileManager.default.createDirectory(atPath: runtime, withIntermediateDirectories: true)
        var command = ["/usr/bin/env", "-i", "SYSTEMD_UNIT_PATH=\(unitFolder):", "HOME=/", "XDG_RUNTIME_DIR=\(runtime)",
                       "/lib/systemd/systemd", "--test", "--user", "--unit=naner-backup.service", "--no-pager", "--log-target=console"]
        if getuid() == 0 {
            chown(runtime, 65534, 65534)
            command = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + command
        }
        let dump = run(command).output
        guard let unit = dump.range(of: "-> Unit naner-backup.service:") else { return nil }
        guard let line = dump[unit.upperBound...].split(separator: "\n").first(where: { $0.contains("Command Line: ") }) else { return nil }
        let text = Array(line[line.range(of: "Command Line: ")!.upperBound...].utf8)
        var words: [String] = []
        var index = 0
        while index < text.count {
            var word: [UInt8] = []
            if text[index] == UInt8(ascii: "\"") {
                index += 1
                while index < text.count && text[index] != UInt8(ascii: "\"") {
                    guard text[index] == UInt8(ascii: "\\") else { word.append(text[index]); index += 1; continue }
                    let next = text[index + 1]
                    index += 2
                    switch next {
                    case UInt8(ascii: "n"): word.append(10)
                    case UInt8(ascii: "t"): word.append(9)
                    case UInt8(ascii: "r"): word.append(13)
                    case UInt8(ascii: "a"): word.append(7)
                    case UInt8(ascii: "b"): word.append(8)
                    case UInt8(ascii: "f"): word.append(12)
                    case UInt8(ascii: "v"): word.append(11)
                    case UInt8(ascii: "x"):
                        word.append(UInt8(String(decoding: text[index..<index + 2], as: UTF8.self), radix: 16)!)
                        index += 2
                    case UInt8(ascii: "0")...UInt8(ascii: "7"):
                        word.append(UInt8(String(decoding: text[index - 1..<index + 2], as: UTF8.self), radix: 8)!)
                        index += 2
                    default: word.append(next)
                    }
                }
                index += 2  // the closing quote and the space
            } else {
                while index < text.count && text[index] != UInt8(ascii: " ") { word.append(text[index]); index += 1 }
                index += 1
            }
            words.append(String(decoding: word, as: UTF8.self))
        }
        return words
    }

    func testOddPathsAreQuotedForShellAndSystemd() {
        let odd = Locations(home: "/home/me/my home", repository: "/data/it's 100%/repo.git")
        let scheduler = Scheduler.forThisMachine(locations: odd, environment: ["HOME": "/home/me", "NANER_SCHEDULER": "systemd"])
        XCTAssertTrue(scheduler.serviceText().contains(#"--home "/home/me/my home" --repo "/data/it's 100%%/repo.git""#), scheduler.serviceText())
        XCTAssertTrue(scheduler.cronLine(try! Schedule(frequency: .daily, at: nil)).contains(#"--home '/home/me/my home' --repo '/data/it'\''s 100\%/repo.git'"#))
    }
}
