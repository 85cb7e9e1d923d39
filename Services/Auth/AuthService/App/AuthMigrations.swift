import ServiceSupport

/// The auth database schema, in order. Append new migrations; never edit an applied one.
enum AuthMigrations {
    /// The advisory lock id that serializes auth replicas' migrations.
    static let lockKey: Int64 = 0x6C6B_6175_7468

    static let all: [DatabaseMigration] = [
        DatabaseMigration(
            version: 1,
            name: "accounts, sessions, signing keys, login failures, revocations",
            statements: [
                """
                CREATE TABLE accounts (
                    id uuid PRIMARY KEY,
                    email text NOT NULL UNIQUE,
                    password_hash text NOT NULL,
                    created_at timestamptz NOT NULL,
                    password_changed_at timestamptz NOT NULL
                )
                """,
                """
                CREATE TABLE sessions (
                    id uuid PRIMARY KEY,
                    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
                    created_at timestamptz NOT NULL,
                    last_used_at timestamptz NOT NULL,
                    idle_expires_at timestamptz NOT NULL,
                    absolute_expires_at timestamptz NOT NULL,
                    revoked_at timestamptz,
                    revoked_reason text,
                    user_agent text,
                    ip text,
                    refresh_generation bigint NOT NULL DEFAULT 0,
                    generation_started_at timestamptz NOT NULL,
                    csrf_hash text NOT NULL
                )
                """,
                "CREATE INDEX sessions_active_by_account ON sessions (account_id) WHERE revoked_at IS NULL",
                """
                CREATE TABLE signing_keys (
                    kid text PRIMARY KEY,
                    sealed_private_key bytea NOT NULL,
                    created_at timestamptz NOT NULL,
                    activates_at timestamptz NOT NULL UNIQUE
                )
                """,
                """
                CREATE TABLE login_failures (
                    id bigserial PRIMARY KEY,
                    email text NOT NULL,
                    client_address text NOT NULL,
                    failed_at timestamptz NOT NULL
                )
                """,
                "CREATE INDEX login_failures_by_email ON login_failures (email, failed_at)",
                "CREATE INDEX login_failures_by_client ON login_failures (client_address, failed_at)",
                """
                CREATE TABLE revocations (
                    seq bigserial PRIMARY KEY,
                    session_id uuid NOT NULL,
                    account_id uuid NOT NULL,
                    revoked_at timestamptz NOT NULL,
                    reason text NOT NULL
                )
                """,
                "CREATE INDEX revocations_by_time ON revocations (revoked_at)",
            ]
        ),
        DatabaseMigration(
            version: 2,
            name: "sign-up attempts per client address; the account's session epoch",
            statements: [
                """
                CREATE TABLE signup_attempts (
                    id bigserial PRIMARY KEY,
                    client_address text NOT NULL,
                    attempted_at timestamptz NOT NULL
                )
                """,
                "CREATE INDEX signup_attempts_by_client ON signup_attempts (client_address, attempted_at)",
                // Moves on every password change and revoke-all: a login whose password check began
                // before either may not open a session after it (see SessionRepository.insert).
                "ALTER TABLE accounts ADD COLUMN session_epoch bigint NOT NULL DEFAULT 0",
            ]
        ),
        DatabaseMigration(
            version: 3,
            name: "the revocation feed's epoch",
            statements: [
                // A new database gets a new epoch: resource services that see it change (or see the
                // sequence behind what they have read) replay the feed from the start.
                "CREATE TABLE revocation_feed_epoch (epoch uuid PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now())",
                "INSERT INTO revocation_feed_epoch (epoch) VALUES (gen_random_uuid())",
            ]
        ),
        DatabaseMigration(
            version: 4,
            name: "attempts counted in one statement, under their advisory locks",
            statements: [
                // Check and count a login attempt in one round trip: the advisory locks (taken in the
                // order the caller gives, ascending) are held only while the server runs this, never
                // across a client's round trips, so a stalled replica cannot hold up the others' logins.
                // The limit-th newest failure inside the window decides: none, and the attempt is
                // counted (reservation); one, and the caller waits until it leaves the window.
                """
                CREATE FUNCTION reserve_login_attempt(
                    p_email text, p_client text, p_first_lock bigint, p_second_lock bigint,
                    p_email_limit bigint, p_client_limit bigint, p_window_seconds bigint, p_now timestamptz,
                    OUT reservation bigint, OUT retry_after bigint
                ) LANGUAGE plpgsql AS $$
                DECLARE
                    v_window interval := make_interval(secs => p_window_seconds);
                    v_email_blocker timestamptz;
                    v_client_blocker timestamptz;
                BEGIN
                    PERFORM pg_advisory_xact_lock(p_first_lock);
                    PERFORM pg_advisory_xact_lock(p_second_lock);
                    SELECT failed_at INTO v_email_blocker FROM login_failures
                    WHERE email = p_email AND failed_at > p_now - v_window
                    ORDER BY failed_at DESC OFFSET p_email_limit - 1 LIMIT 1;
                    SELECT failed_at INTO v_client_blocker FROM login_failures
                    WHERE client_address = p_client AND failed_at > p_now - v_window
                    ORDER BY failed_at DESC OFFSET p_client_limit - 1 LIMIT 1;
                    IF v_email_blocker IS NOT NULL OR v_client_blocker IS NOT NULL THEN
                        retry_after := greatest(1, ceil(extract(epoch FROM
                            greatest(v_email_blocker, v_client_blocker) + v_window - p_now)))::bigint;
                        RETURN;
                    END IF;
                    INSERT INTO login_failures (email, client_address, failed_at)
                    VALUES (p_email, p_client, p_now) RETURNING id INTO reservation;
                END
                $$
                """,
                """
                CREATE FUNCTION reserve_signup_attempt(
                    p_client text, p_lock bigint, p_limit bigint, p_window_seconds bigint, p_now timestamptz,
                    OUT reservation bigint, OUT retry_after bigint
                ) LANGUAGE plpgsql AS $$
                DECLARE
                    v_window interval := make_interval(secs => p_window_seconds);
                    v_blocker timestamptz;
                BEGIN
                    PERFORM pg_advisory_xact_lock(p_lock);
                    SELECT attempted_at INTO v_blocker FROM signup_attempts
                    WHERE client_address = p_client AND attempted_at > p_now - v_window
                    ORDER BY attempted_at DESC OFFSET p_limit - 1 LIMIT 1;
                    IF v_blocker IS NOT NULL THEN
                        retry_after := greatest(1, ceil(extract(epoch FROM v_blocker + v_window - p_now)))::bigint;
                        RETURN;
                    END IF;
                    INSERT INTO signup_attempts (client_address, attempted_at)
                    VALUES (p_client, p_now) RETURNING id INTO reservation;
                END
                $$
                """,
            ]
        ),
        DatabaseMigration(
            version: 5,
            name: "security events, account locks, account deletions on the feed",
            statements: [
                """
                CREATE TABLE security_events (
                    id bigserial PRIMARY KEY,
                    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
                    type text NOT NULL,
                    at timestamptz NOT NULL,
                    session_id uuid,
                    ip text,
                    user_agent text
                )
                """,
                "CREATE INDEX security_events_by_account ON security_events (account_id, id DESC)",
                "CREATE INDEX security_events_by_time ON security_events (at)",
                "ALTER TABLE accounts ADD COLUMN locked_at timestamptz",
                // An account deletion is a feed event without a session: `kind` tells the two apart.
                "ALTER TABLE revocations ADD COLUMN kind text NOT NULL DEFAULT 'revoked'",
                "ALTER TABLE revocations ALTER COLUMN session_id DROP NOT NULL",
                "CREATE INDEX revocations_account_deletions ON revocations (revoked_at) WHERE kind = 'account-deleted'",
            ]
        ),
    ]
}
