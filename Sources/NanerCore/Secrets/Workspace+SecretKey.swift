import FoundationEssentials

extension Workspace {
    /// What `naner secret key` found or did.
    public struct SecretKeyReport: Sendable {
        public enum Origin: Sendable {
            /// The machine-local identity file was there.
            case existing
            /// None anywhere: a new identity, wrapped into the tree too.
            case created
            /// Unwrapped from the tree's `.naner/identity.age` with the passphrase.
            case unlocked
        }

        /// The machine-local identity file (absolute).
        public let path: String
        /// Its public `age1…` recipient.
        public let recipient: String
        public let origin: Origin
        /// False when the tree has no `.naner/identity.age`: a new machine could not unlock the secrets.
        public let wrappedPresent: Bool
    }

    /// The machine-local identity file.
    public var secretIdentityPath: String { locations.repository + "/" + SecretIdentity.localFileName }

    /// `naner secret key`: the configuration's age identity, made on first use. When
    /// the machine has none, the tree's wrapped copy is unlocked with the passphrase;
    /// when neither exists, a new identity is made and wrapped with a new passphrase
    /// (asked twice). The passphrase comes from `interaction` (the terminal or
    /// `NANER_PASSPHRASE`), never the command line. The wrapped copy is written
    /// before the local file, so a failure between the two leaves what the next run
    /// can unlock; a wrong passphrase writes nothing. With `create` false, a
    /// configuration without any identity gives nil (what `init --from` asks).
    public func secretKey(create: Bool = true, now: Date = Date()) throws -> SecretKeyReport? {
        _ = try repository
        try lockRepository()
        let local = secretIdentityPath
        let wrapped = locations.home + "/" + SecretIdentity.wrappedPath
        let wrappedPresent = FileManager.default.fileExists(atPath: wrapped)
        if PathStatus.exists(local) {
            let text: [UInt8]
            do {
                text = try FileReader.read(local)
            } catch {
                throw NanerError.identityUnreadable(local, reason: (error as? FileReader.Failure)?.reason ?? "\(error)")
            }
            let identity = try SecretIdentity.parse(String(decoding: text, as: UTF8.self), file: local)
            return SecretKeyReport(path: local, recipient: identity.recipient.encoded, origin: .existing, wrappedPresent: wrappedPresent)
        }
        if wrappedPresent {
            let bytes: [UInt8]
            do {
                bytes = try FileReader.read(wrapped)
            } catch {
                throw NanerError.identityUnreadable(SecretIdentity.wrappedPath, reason: (error as? FileReader.Failure)?.reason ?? "\(error)")
            }
            let passphrase = try interaction.passphrase(for: SecretIdentity.wrappedPath, confirm: false)
            let (identity, text) = try SecretIdentity.unwrap(bytes, passphrase: passphrase, file: SecretIdentity.wrappedPath)
            try writeLocalIdentity(text, to: local)
            return SecretKeyReport(path: local, recipient: identity.recipient.encoded, origin: .unlocked, wrappedPresent: true)
        }
        guard create else { return nil }
        let passphrase = try interaction.passphrase(for: SecretIdentity.wrappedPath, confirm: true)
        let identity = SecretIdentity(X25519Identity())
        do {
            try AtomicFile.write(try identity.wrapped(passphrase: passphrase, created: now), to: wrapped, mode: 0o600)
        } catch let error as NanerError {
            throw error
        } catch {
            throw NanerError.cannotWrite(SecretIdentity.wrappedPath, reason: "\(error)")
        }
        try writeLocalIdentity(Array(identity.fileText(created: now).utf8), to: local)
        return SecretKeyReport(path: local, recipient: identity.recipient.encoded, origin: .created, wrappedPresent: true)
    }

    /// Written beside itself with mode 0600 and linked into place, never over an existing file.
    private func writeLocalIdentity(_ text: [UInt8], to path: String) throws {
        let temporary = path + ".naner-tmp-\(FileSystem.processID)"
        FileSystem.removeIfPresent(temporary)
        defer { FileSystem.removeIfPresent(temporary) }
        do {
            try FileSystem.writeNewFile(temporary, text, mode: 0o600)
            try FileSystem.link(temporary, to: path)
        } catch {
            throw NanerError.cannotWrite(path, reason: error.reason)
        }
        FileSystem.syncFolder(locations.repository)
    }
}

extension Workspace {
    /// The machine-local identity, or nil when this machine has none (or cannot read it).
    func localSecretIdentity() -> SecretIdentity? {
        guard let bytes = try? FileReader.read(secretIdentityPath) else { return nil }
        return try? SecretIdentity.parse(String(decoding: bytes, as: UTF8.self), file: secretIdentityPath)
    }
}
