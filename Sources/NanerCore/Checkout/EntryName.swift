/// The rules for one name of a path another machine sent: what git's
/// `verify_path` refuses with `core.protectNTFS` and `core.protectHFS` on, what
/// `git fsck --strict` reports about a name, and what naner itself refuses
/// (a name that is not UTF-8, a `\` that climbs out where it separates folders).
/// A name here is one component, as bytes.
enum EntryName {
    private static let dot = UInt8(ascii: "."), slash = UInt8(ascii: "/"), backslash = UInt8(ascii: "\\")
    private static let space = UInt8(ascii: " "), colon = UInt8(ascii: ":"), tilde = UInt8(ascii: "~")

    /// Why `name` may not be written, or nil. `isSymlink`: the entry is a link
    /// (a `.gitmodules` link is refused as git refuses it).
    static func problem(_ name: [UInt8], isSymlink: Bool) -> TreeProblem.Reason? {
        // Most names: ASCII, no separator, not starting as `.git` or `git~1` do. Read once.
        var isASCII = true, hasSeparator = false
        for byte in name {
            if byte >= 0x80 { isASCII = false } else if byte == 0 || byte == slash || byte == backslash { hasSeparator = true }
        }
        if let first = name.first, isASCII && !hasSeparator && !isSymlink && name.count <= TreeGate.maximumNameLength
            && first != dot && first != UInt8(ascii: "g") && first != UInt8(ascii: "G") {
            return nil
        }
        if name.isEmpty { return .emptyName }
        if name.contains(0) { return .nul }
        if name.contains(slash) {
            // One entry naming a whole path: judged component by component first.
            if name.first == slash { return .leadsOutside }
            for component in name.split(separator: slash, omittingEmptySubsequences: false) {
                if let reason = problem(Array(component), isSymlink: false), reason != .slashInName { return reason }
            }
            return .slashInName
        }
        if name == [dot] { return .dotName }
        if name == [dot, dot] { return .leadsOutside }
        // HFS+ folds only what is not ASCII (an ASCII `.git` in any case is NTFS's too).
        var text: String? = nil
        if !isASCII {
            guard let valid = String(validating: name, as: UTF8.self) else { return .notUTF8 }
            text = valid
        }
        if isNTFSDotGit(name[...]) || text.map({ isHFSDot($0, "git") }) == true { return .dotGit }
        // NTFS reads a `\` as a separator: `a\.git` is `.git` there.
        if hasSeparator {
            for (index, byte) in name.enumerated() where byte == backslash {
                if isNTFSDotGit(name[(index + 1)...]) { return .dotGit }
                if isSymlink && isNTFSDot(name[(index + 1)...], "gitmodules", shortPrefix: "gi7eba") { return .gitmodulesLink }
            }
        }
        if isSymlink && (isNTFSDot(name[...], "gitmodules", shortPrefix: "gi7eba")
                         || text.map({ isHFSDot($0, "gitmodules") }) == true) {
            return .gitmodulesLink
        }
        // NUL and '/' were answered above: a separator here is a '\'.
        if hasSeparator && climbsOutOnWindows(name) { return .backslash }
        if name.count > TreeGate.maximumNameLength { return .tooLong }
        return nil
    }

    /// Read with `\` as Windows reads it, a folder separator: the name is absolute
    /// (`\x`, `C:\x`) or climbs out (`..\escape`). Other names holding a `\` are
    /// ordinary on Linux (systemd's escaped unit names: `dev-disk-by\x2duuid.mount`).
    private static func climbsOutOnWindows(_ name: [UInt8]) -> Bool {
        let components = name.split(separator: backslash, omittingEmptySubsequences: false)
        if name.first == backslash || components.contains(where: { $0.elementsEqual([dot, dot]) }) { return true }
        guard let first = components.first, first.count == 2, first.last == colon else { return false }
        return (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(lower(first.first!))
    }

    /// Why a `/`-separated relative path may not be written, or nil.
    static func pathProblem(_ path: String, isSymlink: Bool = false) -> TreeProblem.Reason? {
        if path.isEmpty { return .emptyName }
        if path.hasPrefix("/") { return .leadsOutside }
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        // `..` anywhere says more than any other problem of the path.
        if components.contains("..") { return .leadsOutside }
        for (index, component) in components.enumerated() {
            if let reason = problem(Array(component.utf8), isSymlink: isSymlink && index == components.count - 1) { return reason }
        }
        return nil
    }

    // MARK: NTFS

    private static func lower(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }

    /// `.git` or its 8.3 short name `git~1`, followed only by spaces and dots (NTFS drops
    /// them), then the end, a separator or a `:` (an alternate data stream such as
    /// `.git::$INDEX_ALLOCATION`).
    static func isNTFSDotGit(_ name: ArraySlice<UInt8>) -> Bool {
        var rest = name
        let expected: [UInt8]
        if rest.first == dot {
            rest = rest.dropFirst()
            expected = Array("git".utf8)
        } else {
            expected = Array("git~1".utf8)
        }
        guard rest.count >= expected.count, zip(rest.prefix(expected.count), expected).allSatisfy({ lower($0) == $1 }) else {
            return false
        }
        return onlySpacesAndDots(rest.dropFirst(expected.count), stoppingAt: [slash, backslash, colon])
    }

    /// `.NAME`, its short name (`gitmod~1`…`~4`) or a fallback short name built from
    /// `shortPrefix` (`gi7eba~1`…), ending as in `isNTFSDotGit`.
    static func isNTFSDot(_ name: ArraySlice<UInt8>, _ needle: String, shortPrefix: String) -> Bool {
        let needle = Array(needle.utf8), prefix = Array(shortPrefix.utf8)
        func matches(_ slice: ArraySlice<UInt8>, _ expected: ArraySlice<UInt8>) -> Bool {
            slice.count >= expected.count && zip(slice.prefix(expected.count), expected).allSatisfy { lower($0) == $1 }
        }
        let bytes = Array(name)
        func at(_ index: Int) -> UInt8 { index < bytes.count ? bytes[index] : 0 }
        if at(0) == dot, matches(bytes[1...], needle[...]) {
            return onlySpacesAndDots(bytes[(needle.count + 1)...], stoppingAt: [colon])
        }
        if matches(bytes[...], needle.prefix(6)), at(6) == tilde, (UInt8(ascii: "1")...UInt8(ascii: "4")).contains(at(7)) {
            return onlySpacesAndDots(bytes[min(8, bytes.count)...], stoppingAt: [colon])
        }
        var index = 0
        var sawTilde = false
        while index < 8 {
            let byte = at(index)
            if byte == 0 { return false }
            if sawTilde {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return false }
            } else if byte == tilde {
                index += 1
                guard (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(at(index)) else { return false }
                sawTilde = true
            } else if index >= 6 || byte & 0x80 != 0 || lower(byte) != prefix[index] {
                return false
            }
            index += 1
        }
        return onlySpacesAndDots(bytes[min(8, bytes.count)...], stoppingAt: [colon])
    }

    private static func onlySpacesAndDots(_ rest: ArraySlice<UInt8>, stoppingAt stops: Set<UInt8>) -> Bool {
        for byte in rest {
            if stops.contains(byte) { return true }
            if byte != space && byte != dot { return false }
        }
        return true
    }

    // MARK: HFS+

    /// Code points HFS+ leaves out of a name when it compares names.
    private static let hfsIgnorable: Set<UInt32> = [
        0x200C, 0x200D, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
        0x206A, 0x206B, 0x206C, 0x206D, 0x206E, 0x206F, 0xFEFF,
    ]

    /// `.` then `needle` in any ASCII case, once the ignorable code points are left out.
    static func isHFSDot(_ name: String, _ needle: String) -> Bool {
        let kept = name.unicodeScalars.filter { !hfsIgnorable.contains($0.value) }
        let expected = Array(("." + needle).unicodeScalars)
        guard kept.count == expected.count else { return false }
        return zip(kept, expected).allSatisfy { scalar, wanted in
            scalar.isASCII && lower(UInt8(scalar.value)) == UInt8(wanted.value)
        }
    }
}

extension EntryName {
    /// A name as shown in a message: its text, with each byte that is not part of
    /// valid UTF-8 as `\xNN` (never dropped, never replaced by U+FFFD) and each
    /// invisible formatting code point (U+200C in `.g\u{200C}it`) as `\u{200C}`.
    static func shown(_ name: [UInt8]) -> String {
        if let text = String(validating: name, as: UTF8.self) { return visible(text) }
        var result = ""
        var index = 0
        while index < name.count {
            let lead = name[index]
            let length = lead < 0x80 ? 1 : lead >> 5 == 0b110 ? 2 : lead >> 4 == 0b1110 ? 3 : lead >> 3 == 0b11110 ? 4 : 0
            if length > 0, index + length <= name.count,
               let text = String(validating: name[index..<(index + length)], as: UTF8.self) {
                result += visible(text)
                index += length
            } else {
                result += "\\x" + (lead < 0x10 ? "0" : "") + String(lead, radix: 16, uppercase: true)
                index += 1
            }
        }
        return result
    }

    private static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.properties.generalCategory == .format }) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar.properties.generalCategory == .format {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
