import NanerCore

/// `naner secret list --json`: each file stored encrypted.
struct SecretListDocument: JSONDocument {
    struct Entry: Encodable {
        let path: String
        let present: Bool
        let committed: Bool
        let waiting: Bool
    }

    let secrets: [Entry]

    init(_ listings: [Workspace.SecretListing]) {
        secrets = listings.map { Entry(path: $0.path, present: $0.present, committed: $0.committed, waiting: $0.waiting) }
    }
}
