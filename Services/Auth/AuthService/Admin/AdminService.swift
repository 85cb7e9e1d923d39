import Foundation
import Logging
import PostgresNIO
import ServiceSupport

/// What an operator may do to accounts and sessions, for the admin API and for `auth admin`: find
/// an account, end its sessions, lock and unlock it, and end every session of every account.
///
/// Each action is a security event of the account (the kill switch: of every account it touched)
/// and every revocation goes out on the feed, so resource services refuse the sessions within a
/// second. A lock moves the account's session epoch, so a login whose password check is under way
/// cannot open a session after it.
public struct AdminService: Sendable {
    let client: PostgresClient
    let accounts: AccountRepository
    let sessions: SessionRepository
    let revocations: RevocationRepository
    let events: SecurityEventRepository
    let clock: AuthClock
    let logger: Logger

    /// The account with this e-mail (normalized) and its active sessions, or nil.
    public func account(email: String) async throws -> AdminAccountView? {
        guard let account = try await self.accounts.find(email: EmailAddress.normalize(email)) else { return nil }
        let sessions = try await self.sessions.listActive(accountID: account.id, now: self.clock.now())
        return AdminAccountView(account, sessions: sessions)
    }

    /// Ends every session of the account; false when there is no such account.
    public func endSessions(accountID: UUID) async throws -> Bool {
        let now = self.clock.now()
        let ended = try await self.client.withTransaction(logger: self.logger) { connection -> Int? in
            guard try await self.accounts.lock(id: accountID, on: connection) else { return nil }
            try await self.accounts.endSessionEpoch(accountID: accountID, on: connection)
            let revoked = try await self.revocations.revokeAll(accountID: accountID, keeping: nil, reason: .adminRevoked, now: now, on: connection)
            try await self.events.record(.adminRevoked, accountID: accountID, origin: .server, at: now, on: connection)
            return revoked.count
        }
        guard let ended else { return false }
        self.logger.notice("Operator ended an account's sessions", metadata: ["user.id": "\(accountID)", "sessions.count": "\(ended)"])
        return true
    }

    /// Locks the account: every session ends and logins are refused (403 `account-locked`) until
    /// ``unlock(accountID:)``; false when there is no such account.
    public func lock(accountID: UUID) async throws -> Bool {
        let now = self.clock.now()
        let ended = try await self.client.withTransaction(logger: self.logger) { connection -> Int? in
            guard try await self.accounts.setLocked(accountID: accountID, at: now, on: connection) else { return nil }
            let revoked = try await self.revocations.revokeAll(accountID: accountID, keeping: nil, reason: .accountLocked, now: now, on: connection)
            try await self.events.record(.accountLocked, accountID: accountID, origin: .server, at: now, on: connection)
            return revoked.count
        }
        guard let ended else { return false }
        self.logger.notice("Operator locked an account", metadata: ["user.id": "\(accountID)", "sessions.count": "\(ended)"])
        return true
    }

    /// Lets the account log in again; false when there is no such account.
    public func unlock(accountID: UUID) async throws -> Bool {
        let now = self.clock.now()
        let found = try await self.client.withTransaction(logger: self.logger) { connection -> Bool in
            guard try await self.accounts.setLocked(accountID: accountID, at: nil, on: connection) else { return false }
            try await self.events.record(.accountUnlocked, accountID: accountID, origin: .server, at: now, on: connection)
            return true
        }
        if found { self.logger.notice("Operator unlocked an account", metadata: ["user.id": "\(accountID)"]) }
        return found
    }

    /// The kill switch: ends every session of every account; says how many sessions ended.
    @discardableResult
    public func endAllSessions() async throws -> Int {
        let now = self.clock.now()
        let ended = try await self.client.withTransaction(logger: self.logger) { connection in
            try await self.revocations.revokeEverySession(reason: .adminRevoked, now: now, on: connection)
        }
        self.logger.notice(
            "Operator ended every session",
            metadata: ["sessions.count": "\(ended.sessions)", "accounts.count": "\(ended.accounts)"]
        )
        return ended.sessions
    }
}

extension AdminService {
    init(core: AuthCore) {
        self.init(
            client: core.postgres,
            accounts: core.accounts,
            sessions: core.sessions,
            revocations: core.revocations,
            events: core.events,
            clock: core.clock,
            logger: core.logger
        )
    }
}

extension AdminService {
    /// An admin service on a database pool of its own, for `auth admin`: applies the migrations (as a
    /// start of `auth` would), runs `body`, and closes the pool. Revocations reach the running auth
    /// replicas through the database (`NOTIFY`), and from them every resource service.
    public static func withDatabase<Value: Sendable>(
        settings: AuthSettings,
        logger: Logger,
        _ body: (AdminService) async throws -> Value
    ) async throws -> Value {
        let client = PostgresClient(
            configuration: try settings.common.databaseURL.clientConfiguration(maximumConnections: 2),
            backgroundLogger: logger.cappedForDatabase
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await MigrationRunner(migrations: AuthMigrations.all, lockKey: AuthMigrations.lockKey).migrate(client: client, logger: logger)
            let admin = AdminService(
                client: client,
                accounts: AccountRepository(client: client, logger: logger),
                sessions: SessionRepository(client: client, logger: logger),
                revocations: RevocationRepository(logger: logger),
                events: SecurityEventRepository(client: client, logger: logger),
                clock: .system,
                logger: logger
            )
            return try await body(admin)
        }
    }
}
