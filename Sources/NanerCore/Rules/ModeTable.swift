/// Permission bits git cannot record. git keeps only "executable or not", so
/// `.naner/modes` lists every managed file whose bits differ from what git's
/// checkout would give (0644, or 0755 when executable) and every folder on the
/// way to a managed file whose bits are not 0755 — `~/.ssh` 0700,
/// `~/.ssh/config` 0600. Restore reads it back. Sorted, one `MODE PATH` a line,
/// folders with a trailing `/`, so diffs stay readable.
public struct ModeTable: Equatable, Sendable {
    public static let path = ".naner/modes"
    static let header = "# naner: permissions git cannot record, restored by naner. Generated on commit.\n"

    /// Relative path (folders with a trailing `/`) → permission bits (0o7777 mask).
    public private(set) var modes: [String: UInt32] = [:]

    public init() {}

    /// The home's `.naner/modes` as it is on disk (empty when there is none), read as
    /// `LinkTable.load` reads its file: never through a link.
    static func load(home: String) -> ModeTable {
        (try? FileReader.read(home + "/" + path)).map { ModeTable(text: String(decoding: $0, as: UTF8.self)) } ?? ModeTable()
    }

    /// Read as bytes, as `text` writes it: split into Characters, a path that starts with a
    /// combining mark merged it with the space before it, and its line was dropped (and a
    /// CRLF was no line break at all).
    public init(text: String) {
        var text = text
        modes = text.withUTF8 { bytes in
            var modes: [String: UInt32] = [:]
            for var line in bytes.split(separator: 0x0A) where line.first != UInt8(ascii: "#") {
                // A CR left by an editor: a path never holds one unquoted (`quote` escapes it).
                if line.last == 0x0D { line = line.dropLast() }
                guard let space = line.firstIndex(of: 0x20), let mode = ModeTable.octal(line[..<space]) else { continue }
                modes[ModeTable.unquote(String(decoding: line[(space + 1)...], as: UTF8.self))] = mode & 0o7777
            }
            return modes
        }
    }

    /// Octal digits (at most 8: no mode has more) as a number.
    private static func octal(_ digits: Slice<UnsafeBufferPointer<UInt8>>) -> UInt32? {
        guard !digits.isEmpty, digits.count <= 8 else { return nil }
        var value: UInt32 = 0
        for digit in digits {
            guard digit >= UInt8(ascii: "0") && digit <= UInt8(ascii: "7") else { return nil }
            value = value * 8 + UInt32(digit - UInt8(ascii: "0"))
        }
        return value
    }

    /// Bits a mode from elsewhere (another machine's table, an archive) never brings:
    /// setuid, setgid, sticky, and write access for group and other.
    public static let forbiddenBits: UInt32 = 0o7022

    /// `mode`'s permission bits without the forbidden ones.
    public static func clamp(_ mode: UInt32) -> UInt32 {
        mode & 0o7777 & ~forbiddenBits
    }

    /// The table as a restore may apply it: every mode clamped, and a file's line kept
    /// only when `holds` says the target has that file (folders' lines stay: they apply
    /// only to folders on the way to a file that is written).
    func incoming(holding holds: (String) throws -> Bool) rethrows -> ModeTable {
        var result = ModeTable()
        for (path, mode) in modes {
            guard try path.hasSuffix("/") || holds(path) else { continue }
            result.modes[path] = ModeTable.clamp(mode)
        }
        return result
    }

    /// Records `mode` for a file when git's exec bit alone would not reproduce it.
    public mutating func recordFile(_ path: String, mode: UInt32) {
        if !ModeTable.isGitDefault(fileMode: mode) { modes[path] = mode & 0o7777 }
    }

    /// Whether a file's bits are what git would lay it out with (0644, or 0755 with the
    /// owner's exec bit): nothing to record.
    @inline(__always)
    static func isGitDefault(fileMode mode: UInt32) -> Bool {
        let bits = mode & 0o7777
        return bits == (bits & 0o100 != 0 ? 0o755 : 0o644)
    }

    /// Sets or (nil) drops a path's line as another table has it.
    mutating func set(_ path: String, _ mode: UInt32?) {
        modes[path] = mode
    }

    public mutating func recordFolder(_ path: String, mode: UInt32) {
        let bits = mode & 0o7777
        if bits != 0o755 { modes[path + "/"] = bits }
    }

    /// A 3-way merge per path: a side that changed a path's mode (or added or dropped
    /// it) wins; when both changed it differently, the narrower mode wins.
    static func merge(base: ModeTable, ours: ModeTable, theirs: ModeTable) -> ModeTable {
        var result = ModeTable()
        for path in Set(base.modes.keys).union(ours.modes.keys).union(theirs.modes.keys) {
            let (was, mine, other) = (base.modes[path], ours.modes[path], theirs.modes[path])
            let chosen: UInt32?
            if mine == other || other == was { chosen = mine }
            else if mine == was { chosen = other }
            else { chosen = [mine, other].compactMap { $0 }.min { $0.nonzeroBitCount < $1.nonzeroBitCount } }
            result.modes[path] = chosen
        }
        return result
    }

    public var text: String {
        var result = ModeTable.header
        for path in modes.keys.sorted() {
            result += String(modes[path]!, radix: 8).leftPadded(to: 4) + " " + ModeTable.quote(path) + "\n"
        }
        return result
    }

    /// Paths are quoted the way git quotes them when they hold a newline,
    /// a backslash, a quote or a control character.
    static func quote(_ path: String) -> String {
        // A plain loop: through `contains(where:)` a path took 770 instructions to pass.
        var plain = true
        for byte in path.utf8 where byte < 32 || byte == 0x22 || byte == 0x5C || byte == 0x7F {
            plain = false
            break
        }
        if plain { return path }
        var result: [UInt8] = [0x22]
        for byte in path.utf8 {
            switch byte {
            case 0x0A: result += Array("\\n".utf8)
            case 0x09: result += Array("\\t".utf8)
            case 0x22, 0x5C: result += [0x5C, byte]
            case 0..<32, 0x7F: result += Array(("\\" + String(byte, radix: 8).leftPadded(to: 3)).utf8)
            default: result.append(byte)
            }
        }
        return String(decoding: result + [0x22], as: UTF8.self)
    }

    static func unquote(_ text: String) -> String {
        guard text.utf8.first == 0x22, text.utf8.last == 0x22, text.utf8.count >= 2 else { return text }
        var bytes: [UInt8] = []
        var input = Array(text.utf8.dropFirst().dropLast())[...]
        while let byte = input.popFirst() {
            guard byte == 0x5C, let next = input.popFirst() else { bytes.append(byte); continue }
            switch next {
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                var value = UInt32(next - 48)
                for _ in 0..<2 { if let digit = input.first, (48...55).contains(digit) { value = value * 8 + UInt32(digit - 48); input.removeFirst() } }
                bytes.append(UInt8(truncatingIfNeeded: value))
            default: bytes.append(next)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
