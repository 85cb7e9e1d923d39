import Foundation
import Logging
import PostgresNIO
import TokenKit

/// Auth's in-memory copy of the signing keys in the database: which key signs now, and which
/// public keys are published and accepted.
///
/// Every replica loads the same rows, and a key's activation time is data, so all replicas switch
/// to a new key at the same moment without talking to each other.
actor SigningKeyRing: VerificationKeyProvider {
    /// One unsealed key with its schedule.
    struct Entry: Sendable {
        let key: SigningKey
        let signer: AccessTokenSigner
        let activatesAt: Date
    }

    private let client: PostgresClient
    private let repository: SigningKeyRepository
    private let sealer: SigningKeySealer
    private let clock: AuthClock
    private let logger: Logger
    private var entries: [Entry] = []
    private var lastReload: Date = .distantPast
    /// Numbers reloads in the order they read the database; the snapshot of a reload that started
    /// earlier is never installed over that of one that started later (the actor is reentrant at
    /// every `await`, so two reloads can overlap and finish in either order).
    private var reloadsStarted: UInt64 = 0
    private var installedReload: UInt64 = 0
    /// Tokens verified with these keys, for auth's own verifier (introspection verifies the same token of
    /// a client again and again); a key that leaves the ring takes its tokens out of the cache.
    nonisolated let verifiedTokens = VerifiedTokenCache()

    init(client: PostgresClient, sealer: SigningKeySealer, clock: AuthClock, logger: Logger) {
        self.client = client
        self.repository = SigningKeyRepository(logger: logger)
        self.sealer = sealer
        self.clock = clock
        self.logger = logger
    }

    /// Reloads the keys from the database, keeping signers already built.
    ///
    /// A reload that finishes after a newer one (it read the database earlier) installs nothing.
    func reload() async throws {
        self.reloadsStarted += 1
        let reload = self.reloadsStarted
        let startedAt = self.clock.now()
        let rows = try await self.client.withConnection { connection in
            try await self.repository.all(on: connection)
        }
        var built = Dictionary(uniqueKeysWithValues: self.entries.map { ($0.key.kid, $0) })
        var entries: [Entry] = []
        for row in rows {
            if let existing = built[row.kid] {
                entries.append(existing)
                continue
            }
            guard let key = try? self.sealer.open(row.sealedPrivateKey, kid: row.kid) else {
                throw SigningKeyError.cannotUnseal(kid: row.kid)
            }
            let entry = Entry(key: key, signer: await AccessTokenSigner(key: key), activatesAt: row.activatesAt)
            built[row.kid] = entry
            entries.append(entry)
        }
        guard reload > self.installedReload else { return }
        // Taken after the awaits: the ring as it is now, which a newer reload may have changed.
        let withdrawn = Set(self.entries.map(\.key.kid)).subtracting(entries.map(\.key.kid))
        self.installedReload = reload
        self.entries = entries.sorted { $0.activatesAt < $1.activatesAt }
        self.lastReload = startedAt
        self.verifiedTokens.purge(kids: withdrawn)
    }

    /// The signer of the key active now (the newest whose activation time has come).
    func currentSigner() async throws -> AccessTokenSigner {
        if let entry = self.currentEntry() { return entry.signer }
        try await self.reload()
        guard let entry = self.currentEntry() else { throw SigningKeyError.noActiveKey }
        return entry.signer
    }

    /// Whether a key can sign now; `/readyz` needs it.
    var hasActiveKey: Bool { self.currentEntry() != nil }

    /// Every key whose tokens may be alive, and the next one: what the JWKS publishes.
    var publishedKeys: [VerificationKey] { self.entries.reversed().map(\.key.verificationKey) }

    func verificationKey(for kid: String) async -> VerificationKey? {
        if let entry = self.entries.first(where: { $0.key.kid == kid }) { return entry.key.verificationKey }
        // Another replica may have added a key since the last reload; look again, at most once a second.
        guard self.clock.now().timeIntervalSince(self.lastReload) >= 1 else { return nil }
        try? await self.reload()
        return self.entries.first { $0.key.kid == kid }?.key.verificationKey
    }

    private func currentEntry() -> Entry? {
        let now = self.clock.now()
        return self.entries.last { $0.activatesAt <= now }
    }
}

/// The key ring could not produce a signing key.
enum SigningKeyError: Error, CustomStringConvertible {
    case noActiveKey
    case cannotUnseal(kid: String)

    var description: String {
        switch self {
        case .noActiveKey:
            "no signing key is active"
        case .cannotUnseal(let kid):
            "signing key \(kid) in the database cannot be decrypted with this AUTH_SECRET_KEY; was the secret changed? "
                + "Restore the old secret, or delete the rows of signing_keys (every session then has to log in again)"
        }
    }
}
