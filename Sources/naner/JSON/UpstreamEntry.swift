import NanerCore

/// Where `main` stands against the remote as of the last sync, in `status --json`.
struct UpstreamEntry: Encodable {
    let remote: String
    let ahead: Int
    let behind: Int

    init(_ upstream: UpstreamStatus) {
        remote = upstream.remote
        ahead = upstream.ahead
        behind = upstream.behind
    }
}
