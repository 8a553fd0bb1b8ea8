/// A file's change as `git diff` prints it, byte for byte: the `diff --git` header, mode and
/// index lines, then the hunks with three lines of context and git's default function
/// names after `@@`, or `Binary files … differ`. Written here rather than asked of libgit2,
/// whose patches name no modes for a blob against a buffer and whose loading is most of
/// what a small `naner diff` costs.
public enum UnifiedDiff {
    /// One side of a change: its blob, mode and content.
    public struct Side {
        public let id: ObjectID
        public let mode: UInt32
        public let bytes: [UInt8]

        public init(id: ObjectID, mode: UInt32, bytes: [UInt8]) {
            self.id = id
            self.mode = mode
            self.bytes = bytes
        }
    }

    /// The patch from `old` to `new` (nil: the file is new, or deleted). A change of kind
    /// (a link become a file) is a deletion and an addition, as git shows it.
    public static func patch(path: String, old: Side?, new: Side?, contextLines: Int = 3) -> String {
        if let old, let new, (old.mode ^ new.mode) & 0o170000 != 0 {
            return patch(path: path, old: old, new: nil, contextLines: contextLines)
                + patch(path: path, old: nil, new: new, contextLines: contextLines)
        }
        let a = quoted("a/" + path), b = quoted("b/" + path)
        var text = "diff --git \(a) \(b)\n"
        let zero = String(repeating: "0", count: 7)
        switch (old, new) {
        case (nil, let new?):
            text += "new file mode \(octal(new.mode))\nindex \(zero)..\(new.id.short)\n"
        case (let old?, nil):
            text += "deleted file mode \(octal(old.mode))\nindex \(old.id.short)..\(zero)\n"
        case (let old?, let new?):
            // git's index line names a change of content: a mode alone has none.
            if old.id == new.id {
                return old.mode == new.mode ? "" : text + "old mode \(octal(old.mode))\nnew mode \(octal(new.mode))\n"
            }
            if old.mode != new.mode {
                text += "old mode \(octal(old.mode))\nnew mode \(octal(new.mode))\nindex \(old.id.short)..\(new.id.short)\n"
            } else {
                text += "index \(old.id.short)..\(new.id.short) \(octal(old.mode))\n"
            }
        case (nil, nil):
            return ""
        }
        let oldBytes = old?.bytes ?? [], newBytes = new?.bytes ?? []
        let oldLabel = old == nil ? "/dev/null" : a, newLabel = new == nil ? "/dev/null" : b
        if isBinary(oldBytes) || isBinary(newBytes) {
            if oldBytes != newBytes { text += "Binary files \(oldLabel) and \(newLabel) differ\n" }
            return text
        }
        let hunks = self.hunks(old: oldBytes, new: newBytes, contextLines: contextLines)
        guard !hunks.isEmpty else { return text }
        // git ends a name with a space with a tab, for patch(1)'s sake.
        // A byte search: String's `contains(" ")` is _StringProcessing's generic search, 7,000 instructions a name.
        func label(_ name: String) -> String { name.utf8.contains(0x20) ? name + "\t" : name }
        return text + "--- \(label(oldLabel))\n+++ \(label(newLabel))\n" + String(decoding: hunks, as: UTF8.self)
    }

    /// git's test: a NUL byte in the first 8,000.
    public static func isBinary(_ bytes: [UInt8]) -> Bool {
        bytes.prefix(8000).contains(0)
    }

    /// The hunks of the change, `@@` lines and all; empty when nothing changed.
    static func hunks(old: [UInt8], new: [UInt8], contextLines context: Int) -> [UInt8] {
        let diff = LineDiff(old: old, new: new)
        let changes = diff.changes
        var out: [UInt8] = []
        var functionName: ArraySlice<UInt8> = []
        var searchedDownTo = -1
        var first = 0
        while first < changes.count {
            var last = first
            while last + 1 < changes.count,
                  changes[last + 1].start1 - (changes[last].start1 + changes[last].count1) <= 2 * context {
                last += 1
            }
            let head = changes[first], tail = changes[last]
            let s1 = max(head.start1 - context, 0), s2 = max(head.start2 - context, 0)
            let after = min(context, diff.old.count - (tail.start1 + tail.count1), diff.new.count - (tail.start2 + tail.count2))
            let e1 = tail.start1 + tail.count1 + after, e2 = tail.start2 + tail.count2 + after

            // Like git, the name found for an earlier hunk stands when none lies between.
            var line = s1 - 1
            while line != searchedDownTo && line >= 0 && line < diff.old.count {
                if let name = functionLine(diff.old.bytes[diff.old.lines[line]]) {
                    functionName = name
                    break
                }
                line -= 1
            }
            searchedDownTo = s1 - 1
            out += hunkHeader(s1, e1 - s1, s2, e2 - s2, functionName)

            for line in s2..<head.start2 { emit(diff.new, line, 0x20, into: &out) }
            var p1 = head.start1, p2 = head.start2
            for change in changes[first...last] {
                while p1 < change.start1 && p2 < change.start2 {
                    emit(diff.new, p2, 0x20, into: &out)
                    p1 += 1
                    p2 += 1
                }
                for line in change.start1..<(change.start1 + change.count1) { emit(diff.old, line, 0x2D, into: &out) }
                for line in change.start2..<(change.start2 + change.count2) { emit(diff.new, line, 0x2B, into: &out) }
                p1 = change.start1 + change.count1
                p2 = change.start2 + change.count2
            }
            for line in (tail.start2 + tail.count2)..<e2 { emit(diff.new, line, 0x20, into: &out) }
            first = last + 1
        }
        return out
    }

    private static func emit(_ side: LineDiff.Side, _ line: Int, _ prefix: UInt8, into out: inout [UInt8]) {
        let range = side.lines[line]
        out.append(prefix)
        out += side.bytes[range]
        if side.bytes[range.upperBound - 1] != 0x0A {
            out += Array("\n\\ No newline at end of file\n".utf8)
        }
    }

    /// `@@ -s1,c1 +s2,c2 @@ name`: a count of one is left out, an empty side starts before.
    private static func hunkHeader(_ s1: Int, _ c1: Int, _ s2: Int, _ c2: Int, _ name: ArraySlice<UInt8>) -> [UInt8] {
        var header = "@@ -\(c1 > 0 ? s1 + 1 : s1)"
        if c1 != 1 { header += ",\(c1)" }
        header += " +\(c2 > 0 ? s2 + 1 : s2)"
        if c2 != 1 { header += ",\(c2)" }
        header += " @@"
        var bytes = Array(header.utf8)
        if !name.isEmpty {
            bytes.append(0x20)
            bytes += name.prefix(max(128 - bytes.count - 1, 0))
        }
        bytes.append(0x0A)
        return bytes
    }

    /// git's default function line: one that starts with a letter, `_` or `$`; at most 80
    /// bytes, without trailing white space.
    static func functionLine(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        guard let first = line.first,
              (0x41...0x5A).contains(first) || (0x61...0x7A).contains(first) || first == 0x5F || first == 0x24 else { return nil }
        var name = line.prefix(80)
        while let last = name.last, last == 0x20 || last == 0x09 || last == 0x0A || last == 0x0D { name = name.dropLast() }
        return name
    }

    /// `100644`: six octal digits, as git prints a mode.
    static func octal(_ mode: UInt32) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// A path as git's diff headers print it (`core.quotePath`, its default): in double
    /// quotes with C escapes when it holds a control character, a quote, a backslash or a
    /// byte past ASCII.
    public static func quoted(_ path: String) -> String {
        guard path.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 >= 0x7F }) else { return path }
        var result: [UInt8] = [0x22]
        for byte in path.utf8 {
            switch byte {
            case 0x07: result += [0x5C, UInt8(ascii: "a")]
            case 0x08: result += [0x5C, UInt8(ascii: "b")]
            case 0x09: result += [0x5C, UInt8(ascii: "t")]
            case 0x0A: result += [0x5C, UInt8(ascii: "n")]
            case 0x0B: result += [0x5C, UInt8(ascii: "v")]
            case 0x0C: result += [0x5C, UInt8(ascii: "f")]
            case 0x0D: result += [0x5C, UInt8(ascii: "r")]
            case 0x22, 0x5C: result += [0x5C, byte]
            case 0..<0x20, 0x7F...:
                result += [0x5C, 0x30 + (byte >> 6), 0x30 + ((byte >> 3) & 7), 0x30 + (byte & 7)]
            default: result.append(byte)
            }
        }
        result.append(0x22)
        return String(decoding: result, as: UTF8.self)
    }
}
