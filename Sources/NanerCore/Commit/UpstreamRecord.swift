/// Where HEAD's branch stood against the sync remote the last time libgit2 counted it, and what
/// that answer depended on: the repository's config (which remote is the sync remote),
/// the home it was checked against, and the two refs' ids. While all of them read the
/// same from their files, the answer still holds, and a status or prompt gives it
/// without starting libgit2. Kept in `REPO/naner-upstream`; deleting it costs one
/// slower run.
struct UpstreamRecord: Equatable {
    static let file = "naner-upstream"

    var configDigest: String
    var home: String
    var head: String
    /// The sync remote's name, or nil when the repository has none.
    var remote: String?
    /// The remote's last-seen copy of HEAD's branch, or nil when never synced.
    var tracking: String?
    var ahead = 0
    var behind = 0

    var status: UpstreamStatus? {
        guard let remote, tracking != nil else { return nil }
        return UpstreamStatus(remote: remote, ahead: ahead, behind: behind)
    }

    /// What the files say now, for the given remote; nil when they cannot say it simply.
    static func current(repository: String, home: String, remote: String?) -> UpstreamRecord? {
        guard let config = try? FileReader.read(repository + "/config"),
              case .id(let head) = RefFiles.lookup("HEAD", repository: repository) else { return nil }
        var record = UpstreamRecord(configDigest: digest(config), home: home, head: head, remote: remote)
        if let remote {
            // HEAD's own branch there: `main`, or with variants this machine's host branch.
            let branch = RefFiles.headBranch(repository: repository) ?? "main"
            switch RefFiles.lookup("refs/remotes/\(remote)/\(branch)", repository: repository) {
            case .id(let id): record.tracking = id
            case .absent: record.tracking = nil
            case .unknown: return nil
            }
        }
        return record
    }

    /// The remembered answer, if the files still say what they said when it was counted.
    static func remembered(repository: String, home: String) -> UpstreamStatus?? {
        guard let bytes = try? FileReader.read(repository + "/" + file),
              let saved = UpstreamRecord(text: String(decoding: bytes, as: UTF8.self)),
              var now = current(repository: repository, home: home, remote: saved.remote) else { return nil }
        (now.ahead, now.behind) = (saved.ahead, saved.behind)
        return now == saved ? .some(saved.status) : nil
    }

    func save(repository: String) {
        let text = self.text
        let path = repository + "/" + UpstreamRecord.file
        if (try? FileReader.read(path)).map({ String(decoding: $0, as: UTF8.self) }) != text {
            try? AtomicFile.write(Array(text.utf8), to: path, mode: 0o644)
        }
    }

    /// One field a line (the home may hold spaces).
    var text: String {
        ["naner-upstream 1", configDigest, head, remote ?? "-", tracking ?? "-", String(ahead), String(behind), home]
            .joined(separator: "\n") + "\n"
    }

    init(configDigest: String, home: String, head: String, remote: String?) {
        (self.configDigest, self.home, self.head, self.remote) = (configDigest, home, head, remote)
    }

    init?(text: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count == 9, lines[0] == "naner-upstream 1", lines[8].isEmpty,
              let ahead = Int(lines[5]), let behind = Int(lines[6]) else { return nil }
        configDigest = lines[1]
        head = lines[2]
        remote = lines[3] == "-" ? nil : lines[3]
        tracking = lines[4] == "-" ? nil : lines[4]
        (self.ahead, self.behind) = (ahead, behind)
        home = lines[7]
    }

    /// FNV-1a, 64 bits: the config is small and this only tells one version from the next.
    static func digest(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(hash, radix: 16) + "-" + String(bytes.count)
    }
}
