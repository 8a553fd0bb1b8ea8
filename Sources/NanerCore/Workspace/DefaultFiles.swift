/// The files `naner init` lays into a new tree, embedded at build time from the
/// package's `.syncignore` and `templates/` (see Plugins/EmbedResourcesPlugin).
public enum DefaultFiles {
    public static var syncIgnore: String { text(".syncignore") }
    public static var includeList: String { text("templates/include") }

    static func text(_ name: String) -> String {
        guard let bytes = EmbeddedResources.files[name] else { preconditionFailure("'\(name)' was not embedded") }
        return String(decoding: bytes, as: UTF8.self)
    }
}
