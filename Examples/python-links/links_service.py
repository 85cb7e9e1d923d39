"""links: a small Latchkey resource service in Python (a user's saved links).

    GET    /v1/links         safe: verified locally, no call to auth    200 {"items": [link]} newest first
    POST   /v1/links         dangerous: verified, then introspected     201 link, Location
    DELETE /v1/links/{id}    dangerous                                   204; 404 when missing or another user's
    GET    /healthz, /readyz, /metrics

A link is {"id", "url", "title", "created_at"}. Settings come from the environment, named as the
Swift resource services name them (see README.md). Run: python3 links_service.py
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import signal
import sqlite3
import sys
import threading
import time
import uuid
from datetime import datetime, timezone
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Optional

from latchkey_tokens import (
    AccessTokenVerifier,
    AuthUnavailable,
    JWKSCache,
    RevocationFeed,
    SessionConfirmer,
    TokenRejected,
    b64url_encode,
    constant_time_equals,
)

log = logging.getLogger("links")

PROBLEM = "urn:latchkey:problem:"
REALM = 'Bearer realm="latchkey"'
EXEMPT_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAXIMUM_BODY_BYTES = 16 * 1024
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")
_LINK_PATH = re.compile(r"/v1/links/([^/]+)")


# --------------------------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------------------------


class SettingsError(Exception):
    pass


class Settings:
    """Read from the environment; a missing required setting stops the start with its name."""

    def __init__(self, environment):
        def integer(name, default, low, high):
            raw = environment.get(name)
            if raw is None:
                return default
            try:
                value = int(raw)
            except ValueError:
                raise SettingsError(f"{name} must be a whole number between {low} and {high}")
            if not low <= value <= high:
                raise SettingsError(f"{name} must be a whole number between {low} and {high}")
            return value

        def required(name):
            value = environment.get(name)
            if not value:
                raise SettingsError(f"{name} is required but not set")
            return value

        self.host = environment.get("HOST", "127.0.0.1")
        self.port = integer("PORT", 8085, 0, 65535)
        self.service_name = environment.get("SERVICE_NAME", "links")
        self.issuer = environment.get("JWT_ISSUER", "latchkey")
        self.auth_url = environment.get("AUTH_URL", "http://127.0.0.1:8081")
        if not self.auth_url.startswith(("http://", "https://")):
            raise SettingsError("AUTH_URL must be an http:// or https:// URL")
        self.client_id = required("INTROSPECTION_CLIENT_ID")
        self.client_secret = required("INTROSPECTION_CLIENT_SECRET")
        self.introspection_timeout = integer("INTROSPECTION_TIMEOUT_MS", 2000, 10, 60_000) / 1000
        cookie_secure = environment.get("COOKIE_SECURE", "true").lower()
        if cookie_secure not in ("true", "false", "1", "0"):
            raise SettingsError("COOKIE_SECURE must be true or false")
        self.cookie_secure = cookie_secure in ("true", "1")
        self.database_path = environment.get("DATABASE_PATH", "links.sqlite3")
        self.feed_silence_timeout = integer("FEED_SILENCE_TIMEOUT_SECONDS", 10, 1, 300)
        level = environment.get("LOG_LEVEL", "info").upper()
        self.log_level = {"TRACE": "DEBUG", "NOTICE": "INFO", "CRITICAL": "CRITICAL"}.get(level, level)
        if self.log_level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise SettingsError("LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical")

    @property
    def access_cookie(self):
        return "__Host-access_token" if self.cookie_secure else "access_token"

    @property
    def csrf_cookie(self):
        return "__Host-csrf_token" if self.cookie_secure else "csrf_token"


# --------------------------------------------------------------------------------------------
# Storage
# --------------------------------------------------------------------------------------------


class AccountGone(Exception):
    """The account was deleted: no data of it may be written any more."""


class LinkStore:
    """The links, in SQLite (one connection, one lock: this is an example, not a database server).

    An account deletion removes the user's rows and records a tombstone in the same locked
    transaction, and ``add`` checks the tombstone in the transaction that inserts: a write whose
    session was confirmed just before the deletion either commits first and is deleted with the
    rest, or comes after and is refused. Tombstones are kept as long as auth replays deletions (30 days).
    """

    TOMBSTONE_RETENTION = 30 * 86_400

    def __init__(self, path: str):
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        with self._lock:
            if path != ":memory:":
                self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS links (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, "
                "user_id TEXT NOT NULL, url TEXT NOT NULL, title TEXT, created_at TEXT NOT NULL)"
            )
            self._db.execute("CREATE INDEX IF NOT EXISTS links_by_user ON links (user_id, seq)")
            self._db.execute("CREATE TABLE IF NOT EXISTS deleted_accounts (account_id TEXT PRIMARY KEY, deleted_at REAL NOT NULL)")

    def list(self, user_id: str, limit: int = 100):
        with self._lock:
            rows = self._db.execute(
                "SELECT id, url, title, created_at FROM links WHERE user_id = ? ORDER BY seq DESC LIMIT ?", (user_id, limit)
            ).fetchall()
        return [dict(zip(("id", "url", "title", "created_at"), row)) for row in rows]

    def add(self, user_id: str, url: str, title: Optional[str]):
        link = {
            "id": str(uuid.uuid4()),
            "url": url,
            "title": title,
            "created_at": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        }
        with self._lock:
            if self._db.execute("SELECT 1 FROM deleted_accounts WHERE account_id = ?", (user_id,)).fetchone():
                raise AccountGone()
            self._db.execute(
                "INSERT INTO links (id, user_id, url, title, created_at) VALUES (?, ?, ?, ?, ?)",
                (link["id"], user_id, url, title, link["created_at"]),
            )
        return link

    def delete(self, user_id: str, link_id: str) -> bool:
        with self._lock:
            return self._db.execute("DELETE FROM links WHERE id = ? AND user_id = ?", (link_id, user_id)).rowcount > 0

    def erase_account(self, user_id: str, deleted_at: float) -> int:
        """Deletes the user's links and records the tombstone, in one transaction (idempotent: the
        feed replays deletions for 30 days)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute("INSERT OR IGNORE INTO deleted_accounts (account_id, deleted_at) VALUES (?, ?)", (user_id, deleted_at))
                removed = self._db.execute("DELETE FROM links WHERE user_id = ?", (user_id,)).rowcount
                self._db.execute("DELETE FROM deleted_accounts WHERE deleted_at < ?", (time.time() - self.TOMBSTONE_RETENTION,))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return removed

    def close(self):
        with self._lock:
            self._db.close()


# --------------------------------------------------------------------------------------------
# Metrics (Prometheus text format)
# --------------------------------------------------------------------------------------------


class Metrics:
    def __init__(self):
        self._lock = threading.Lock()
        self._counters: dict = {}

    def count(self, name: str, label: str, value: str):
        with self._lock:
            key = (name, label, value)
            self._counters[key] = self._counters.get(key, 0) + 1

    def render(self, gauges: dict) -> str:
        with self._lock:
            counters = sorted(self._counters.items())
        lines = [f'{name}{{{label}="{value}"}} {count}' for (name, label, value), count in counters]
        lines += [f"{name} {value}" for name, value in sorted(gauges.items())]
        return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# Answers
# --------------------------------------------------------------------------------------------


class Problem(Exception):
    """An RFC 9457 answer with the contract's type; never echoes a token."""

    TITLES = {
        "token-missing": "Authentication required",
        "token-expired": "Access token expired",
        "token-invalid": "Access token invalid",
        "session-ended": "Session ended",
        "csrf-failed": "CSRF check failed",
        "auth-unavailable": "Authentication service unavailable",
        "validation-failed": "Validation failed",
        "not-found": "Not found",
        "method-not-allowed": "Method not allowed",
        "payload-too-large": "Payload too large",
        "unsupported-media-type": "Unsupported media type",
        "service-unavailable": "Service unavailable",
        "internal-error": "Internal error",
    }

    def __init__(self, status: int, name: str, detail: str, headers=None, errors=None):
        super().__init__(name)
        self.status, self.name, self.detail = status, name, detail
        self.headers = headers or {}
        self.errors = errors

    def body(self) -> bytes:
        body = {"type": PROBLEM + self.name, "title": self.TITLES[self.name], "status": self.status, "detail": self.detail}
        if self.errors:
            body["errors"] = self.errors
        return json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")


def challenge(description: str) -> dict:
    return {"WWW-Authenticate": f'{REALM}, error="invalid_token", error_description="{description}"'}


def token_missing():
    return Problem(401, "token-missing", "This request needs an access token.", {"WWW-Authenticate": REALM})


def token_rejected(error: TokenRejected):
    if error.expired:
        return Problem(401, "token-expired", "The access token has expired; refresh it and retry.", challenge("expired"))
    return Problem(401, "token-invalid", "The access token is not valid.", challenge(error.description))


def session_ended():
    return Problem(401, "session-ended", "The session has ended; log in again.", challenge("session ended"))


def auth_unavailable(seconds: int, detail="The session could not be confirmed right now; retry shortly."):
    return Problem(503, "auth-unavailable", detail, {"Retry-After": str(max(1, seconds))})


# --------------------------------------------------------------------------------------------
# The service
# --------------------------------------------------------------------------------------------


class Identity:
    def __init__(self, claims, token: str, transport: str):
        self.claims = claims
        self.token = token
        self.transport = transport
        self.user_id = claims.subject


class LinksService:
    """Wires the token rules to the routes. ``serve()`` blocks; ``start()`` runs in a thread (tests)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.metrics = Metrics()
        self.store = LinkStore(settings.database_path)
        self.keys = JWKSCache(settings.auth_url)
        self.verifier = AccessTokenVerifier(settings.issuer, [settings.service_name], self.keys)
        self.confirmer = SessionConfirmer(settings.auth_url, settings.client_id, settings.client_secret, settings.introspection_timeout)
        self.feed = RevocationFeed(
            settings.auth_url,
            settings.client_id,
            settings.client_secret,
            connect_timeout=settings.introspection_timeout,
            silence_timeout=settings.feed_silence_timeout,
            on_account_deleted=self._account_deleted,
        )
        service = self

        class Handler(RequestHandler):
            app = service

        self.server = ThreadingHTTPServer((settings.host, settings.port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]

    def _account_deleted(self, user_id: str, deleted_at: float):
        removed = self.store.erase_account(user_id, deleted_at)
        log.info("Account deleted: removed %d links", removed)

    @property
    def ready(self) -> bool:
        """Keys loaded and the feed's first replay applied: until then every request but the health
        paths is 503, so a session revoked before this process started is never accepted."""
        return self.keys.loaded.is_set() and self.feed.replayed.is_set()

    def start(self):
        self.keys.start()
        self.feed.start()
        thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, name="http", daemon=True)
        thread.start()
        return self

    def serve(self):
        self.keys.start()
        self.feed.start()
        log.info("links listening on http://%s:%d (service name %s)", self.settings.host, self.port, self.settings.service_name)
        self.server.serve_forever()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.feed.stop()
        self.keys.stop()
        self.store.close()

    # Authentication: the same steps, in the same order, as the Swift services' middleware.

    def presented_token(self, handler):
        """``Authorization: Bearer`` first (scheme in any case), else the access cookie of this
        service's COOKIE_SECURE setting, never the other name. Another scheme is not ours."""
        values = handler.headers.get_all("Authorization") or []
        if len(values) > 1:
            raise Problem(400, "validation-failed", "Send one Authorization header.")
        if values:
            scheme, _, rest = values[0].strip(" ").partition(" ")
            if scheme.lower() == "bearer":
                return rest.strip(" \t"), "bearer"
        cookie = handler.cookies().get(self.settings.access_cookie)
        if cookie:
            return cookie, "cookie"
        return None, None

    def authenticate(self, handler, method: str) -> Identity:
        token, transport = self.presented_token(handler)
        if token is None:
            raise token_missing()
        try:
            claims = self.verifier.verify(token)
        except TokenRejected as error:
            self.metrics.count("latchkey_token_verifications_total", "result", error.reason)
            log.info("Access token refused: %s", error.reason)
            raise token_rejected(error)
        if self.feed.is_revoked(claims.session_id) or self.feed.is_deleted(claims.subject):
            self.metrics.count("latchkey_token_verifications_total", "result", "session_revoked")
            raise session_ended()
        self.metrics.count("latchkey_token_verifications_total", "result", "valid")
        if transport == "cookie" and method in UNSAFE_METHODS:
            self.check_csrf(handler, claims)
        return Identity(claims, token, transport)

    def check_csrf(self, handler, claims):
        """Double submit bound to the session: header == cookie, and base64url(SHA-256(header)) == the
        token's ``csrf`` claim. Missing or wrong: 403."""
        header = handler.headers.get("X-CSRF-Token") or ""
        cookie = handler.cookies().get(self.settings.csrf_cookie) or ""
        expected = claims.csrf_hash
        digest = b64url_encode(hashlib.sha256(header.encode("utf-8", "surrogatepass")).digest())
        if not (expected and header and constant_time_equals(header, cookie) and constant_time_equals(digest, expected)):
            raise Problem(403, "csrf-failed", "Send the value of the csrf cookie in the X-CSRF-Token header.")

    def confirm(self, identity: Identity, request_id: str):
        """Dangerous requests: ask auth. Inactive: 401. No clear answer in time: 503, never a success."""
        try:
            active = self.confirmer.is_active(identity.token, identity.claims, request_id)
        except AuthUnavailable as error:
            self.metrics.count("latchkey_session_confirmations_total", "outcome", "unavailable")
            raise auth_unavailable(error.retry_after)
        if not active:
            self.metrics.count("latchkey_session_confirmations_total", "outcome", "inactive")
            raise session_ended()
        self.metrics.count("latchkey_session_confirmations_total", "outcome", "active")

    # Routes

    def handle(self, handler, method: str):
        path = handler.path.split("?", 1)[0]
        if path == "/healthz" and method in ("GET", "HEAD"):
            return 200, {"status": "ok"}, {}
        if path == "/readyz" and method in ("GET", "HEAD"):
            if not self.ready:
                raise Problem(503, "service-unavailable", "Not ready: signing keys or revocations are not loaded yet.")
            return 200, {"status": "ready"}, {}
        if path == "/metrics" and method in ("GET", "HEAD"):
            gauges = {
                "latchkey_revocation_feed_connected": int(self.feed.connected),
                "latchkey_revocation_feed_last_seq": self.feed.last_seq,
                "latchkey_revoked_sessions": self.feed.revoked_count,
            }
            return 200, self.metrics.render(gauges).encode("utf-8"), {"Content-Type": "text/plain; version=0.0.4; charset=utf-8"}
        if path not in EXEMPT_PATHS and not self.ready:
            raise auth_unavailable(1, "The service is starting: signing keys or revocations are not loaded yet; retry shortly.")
        if path == "/v1/links":
            if method in ("GET", "HEAD"):
                identity = self.authenticate(handler, method)
                return 200, {"items": self.store.list(identity.user_id)}, {}
            if method == "POST":
                body = handler.read_body()
                identity = self.authenticate(handler, method)
                self.confirm(identity, handler.request_id)
                url, title = self.validate_link(handler, body)
                try:
                    link = self.store.add(identity.user_id, url, title)
                except AccountGone:
                    raise session_ended()
                return 201, link, {"Location": f"/v1/links/{link['id']}"}
            raise Problem(405, "method-not-allowed", "Use GET or POST.", {"Allow": "GET, HEAD, POST"})
        match = _LINK_PATH.fullmatch(path)
        if match:
            if method == "DELETE":
                identity = self.authenticate(handler, method)
                self.confirm(identity, handler.request_id)
                if not self.store.delete(identity.user_id, match.group(1).lower()):
                    raise Problem(404, "not-found", "No such link.")
                return 204, None, {}
            raise Problem(405, "method-not-allowed", "Use DELETE.", {"Allow": "DELETE"})
        raise Problem(404, "not-found", "No such resource.")

    @staticmethod
    def validate_link(handler, body: bytes):
        content_type = (handler.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type != "application/json":
            raise Problem(415, "unsupported-media-type", "Send the body as application/json.")
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise Problem(400, "validation-failed", "The body is not JSON.", errors=[{"field": "body", "message": "must be a JSON object"}])
        errors = []
        if not isinstance(data, dict):
            data = {}
            errors.append({"field": "body", "message": "must be a JSON object"})
        url, title = data.get("url"), data.get("title")
        if not isinstance(url, str) or not url.startswith(("https://", "http://")) or not 8 <= len(url) <= 2048 or "\x00" in url:
            errors.append({"field": "url", "message": "must be an http:// or https:// URL of at most 2048 characters"})
        if title is not None and (not isinstance(title, str) or len(title) > 200 or "\x00" in title):
            errors.append({"field": "title", "message": "must be text of at most 200 characters"})
        if errors:
            raise Problem(400, "validation-failed", "The link is not valid.", errors=errors)
        return url, title


class RequestHandler(BaseHTTPRequestHandler):
    app: LinksService
    protocol_version = "HTTP/1.1"
    server_version = "links"
    sys_version = ""
    timeout = 60  # an idle or stalled client connection is closed after a minute, freeing its thread

    def do_GET(self):
        self.dispatch("GET")

    def do_HEAD(self):
        self.dispatch("HEAD")

    def do_POST(self):
        self.dispatch("POST")

    def do_PUT(self):
        self.dispatch("PUT")

    def do_PATCH(self):
        self.dispatch("PATCH")

    def do_DELETE(self):
        self.dispatch("DELETE")

    def cookies(self) -> dict:
        jar = SimpleCookie()
        for value in self.headers.get_all("Cookie") or []:
            try:
                jar.load(value)
            except CookieError:
                continue
        return {name: morsel.value for name, morsel in jar.items()}

    def read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            self.close_connection = True
            raise Problem(400, "validation-failed", "Send a Content-Length.")
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True
            raise Problem(400, "validation-failed", "Bad Content-Length.")
        if length > MAXIMUM_BODY_BYTES:
            self.close_connection = True  # the body stays unread
            raise Problem(413, "payload-too-large", f"A body may have at most {MAXIMUM_BODY_BYTES} bytes.")
        self._body_read = True
        return self.rfile.read(length)

    def dispatch(self, method: str):
        started = time.monotonic()
        presented = self.headers.get("X-Request-ID") or ""
        self.request_id = presented if _REQUEST_ID.fullmatch(presented) else str(uuid.uuid4())
        self._body_read = False
        try:
            status, body, headers = self.app.handle(self, method)
            if isinstance(body, (dict, list)):
                payload = json.dumps(body, separators=(",", ":")).encode("utf-8")
                headers = {"Content-Type": "application/json", "Cache-Control": "no-store", **headers}
            else:
                payload = body or b""
        except Problem as problem:
            status, payload = problem.status, problem.body()
            headers = {"Content-Type": "application/problem+json", "Cache-Control": "no-store", **problem.headers}
        except Exception:  # noqa: BLE001 - the cause is logged by type only
            log.exception("Request failed")
            problem = Problem(500, "internal-error", "The request could not be completed.")
            status, payload = 500, problem.body()
            headers = {"Content-Type": "application/problem+json", "Cache-Control": "no-store"}
        if not self._body_read and (self.headers.get("Content-Length") or "0") != "0":
            self.close_connection = True  # an unread body would be taken for the next request
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("X-Request-ID", self.request_id)
        if status != 204:
            self.send_header("Content-Length", str(len(payload)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if method != "HEAD" and status != 204:
            self.wfile.write(payload)
        log.debug("%s %s %d %.1f ms request_id=%s", method, self.path.split("?")[0], status, (time.monotonic() - started) * 1000, self.request_id)

    def log_message(self, format, *args):  # noqa: A002 - http.server's name
        pass  # one debug line per request above instead; the default would log to stderr unconditionally


def main() -> int:
    try:
        settings = Settings(os.environ)
    except SettingsError as error:
        print(f"links: error: {error}", file=sys.stderr)
        return 1
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    try:
        service = LinksService(settings)
    except OSError as error:
        print(f"links: error: cannot listen on {settings.host}:{settings.port}: {error}", file=sys.stderr)
        return 1

    def terminate(signum, frame):
        log.info("Stopping (signal %d)", signum)
        threading.Thread(target=service.server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGINT, terminate)
    service.serve()
    service.feed.stop()
    service.keys.stop()
    service.server.server_close()
    service.store.close()
    log.info("Stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
