import CLibgit2

extension Repository {
    /// A unified diff between a stored blob and new content, as `git diff` prints it.
    /// `old == nil` is a new file; `new == nil` a deleted one.
    public func unifiedDiff(path: String, old: ObjectID?, new: [UInt8]?, contextLines: UInt32 = 3) throws -> String {
        var options = git_diff_options()
        try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "git_diff_options_init")
        options.context_lines = contextLines
        var oldBlob: OpaquePointer?
        if let old {
            var oid = old.raw
            try check(git_blob_lookup(&oldBlob, pointer, &oid), "git_blob_lookup")
        }
        defer { git_blob_free(oldBlob) }
        var patch: OpaquePointer?
        if let new {
            try new.withUnsafeBytes { bytes in
                try check(git_patch_from_blob_and_buffer(&patch, oldBlob, path, bytes.baseAddress, bytes.count,
                                                         path, &options), "git_patch_from_blob_and_buffer")
            }
        } else {
            try check(git_patch_from_blobs(&patch, oldBlob, path, nil, path, &options), "git_patch_from_blobs")
        }
        defer { git_patch_free(patch) }
        guard patch != nil else { return "" }
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        try check(git_patch_to_buf(&buffer, patch), "git_patch_to_buf")
        guard buffer.size > 0, let text = buffer.ptr else { return "" }
        let bytes = UnsafeRawBufferPointer(start: text, count: buffer.size)
        return String(decoding: bytes, as: UTF8.self)
    }
}
