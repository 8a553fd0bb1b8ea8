import GitKit

extension Workspace {
    /// Runs one fetch, push or listing against `url`: answers an http(s) server's
    /// credential requests (`HTTPCredentials`), approves or rejects a helper's
    /// credential after, and turns libgit2's failures into one line that names the
    /// URL without its password. Other libgit2 errors pass through unchanged.
    func transfer<Result>(_ url: String, progress: ((TransferProgress) -> Void)? = nil,
                          _ body: (TransferOptions) throws -> Result) throws -> Result {
        // Before any request: a URL the credential protocol cannot carry is refused.
        if HTTPCredentials.isHTTP(url) { try HTTPCredentials.check(url) }
        let credentials = HTTPCredentials.isHTTP(url) ? HTTPCredentials(url: url, gitDirectory: locations.repository) : nil
        var options = TransferOptions(progress: progress)
        if let credentials { options.credentials = { try credentials.answer($0) } }
        let shown = HTTPCredentials.redacted(url)
        do {
            let result = try body(options)
            credentials?.succeeded()
            return result
        } catch is AuthenticationFailed {
            credentials?.failed()
            throw NanerError.authenticationFailed(shown)
        } catch let error as GitError where error.isAuthentication {
            credentials?.failed()
            throw NanerError.authenticationFailed(shown)
        } catch let error as GitError where error.httpStatus == 404 {
            throw NanerError.remoteNotFound(shown)
        } catch let error as GitError where error.isUnreachable {
            throw NanerError.remoteUnreachable(shown, reason: error.message)
        }
    }
}
