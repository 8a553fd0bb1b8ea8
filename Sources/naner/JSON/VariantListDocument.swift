import NanerCore

/// `naner variant list --json`: each varying path, its layers, the one used here.
struct VariantListDocument: JSONDocument {
    struct LayerEntry: Encodable {
        let kind: String
        /// null for the shared layer.
        @NullWhenAbsent var name: String?
        let branch: String
    }

    struct Entry: Encodable {
        let path: String
        let layers: [LayerEntry]
        /// null when two classes of this machine both vary it.
        @NullWhenAbsent var used: LayerEntry?
    }

    let variants: [Entry]

    init(_ listings: [VariantListing]) {
        func entry(_ layer: Layer) -> LayerEntry { LayerEntry(kind: layer.kind, name: layer.name, branch: layer.branchName) }
        variants = listings.map { Entry(path: $0.path, layers: $0.layers.map(entry), used: $0.used.map(entry)) }
    }
}
