import Foundation

/// The git CLI as the oracle of the core tests, run in `directory`.
struct GitOutput {
    let status: Int32
    let data: Data
    var stdout: String { String(decoding: data, as: UTF8.self) }
    var lines: [String] { stdout.split(separator: "\n").map(String.init) }
}

func git(_ directory: String, _ arguments: String...) -> GitOutput {
    git(directory, arguments, input: nil)
}

/// With `input` on its standard input.
func git(_ directory: String, _ arguments: [String], input: Data?) -> GitOutput {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/git")
    process.arguments = ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "core.quotepath=off"] + arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    let feed = Pipe()
    if input != nil { process.standardInput = feed }
    try? process.run()
    if let input {
        // Written on another thread: git may fill its output pipe before reading all of it.
        Thread.detachNewThread {
            feed.fileHandleForWriting.write(input)
            try? feed.fileHandleForWriting.close()
        }
    }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return GitOutput(status: process.terminationStatus, data: data)
}
