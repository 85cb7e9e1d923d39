"""Latchkey's token rules for a resource service written in Python.

A port of what the Swift services get from TokenKit and TokenKitClients, for a service in another
language. Everything here follows the Swift code rule for rule (see README.md for the why):

- ``AccessTokenVerifier``: strict local verification of an access token (TokenKit's
  AccessTokenVerifier): size, shape, header allow-list, ``alg`` exactly ``EdDSA``, ``typ`` exactly
  ``at+jwt``, a ``kid`` the JWKS publishes, the Ed25519 signature, then ``iss``, ``aud``, ``nbf``
  and ``exp`` last, with 30 s of leeway applied to the clock.
- ``JWKSCache``: the auth service's public keys, refreshed as ``Cache-Control: max-age`` says,
  refetched for an unknown ``kid`` at most once per 30 s, cached keys kept while auth is down.
- ``SessionConfirmer``: RFC 7662 introspection for dangerous requests, with one deadline for the
  whole answer; anything but a clear answer raises ``AuthUnavailable`` (the request fails closed).
- ``RevocationFeed``: follows ``GET /internal/v1/revocations`` (Server-Sent Events), keeps the
  revoked session ids, reconnects with ``after=<last seq>``, replaces a silent connection, and
  says when the first replay has been applied.

Only the standard library and ``cryptography`` (for Ed25519) are used.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import http.client
import json
import logging
import re
import socket
import threading
import time
from datetime import datetime
from typing import Callable, Optional
from urllib.parse import quote, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

log = logging.getLogger("latchkey")

ALGORITHM = "EdDSA"
TOKEN_TYPE = "at+jwt"
#: The only header parameters an access token may carry; ``crit``, ``jku``, ``x5u``, ``x5c``, ``jwk``
#: or anything else makes it invalid, and none of them is ever followed.
ALLOWED_HEADER_PARAMETERS = frozenset({"alg", "typ", "kid"})
MAXIMUM_TOKEN_BYTES = 4096
MAXIMUM_LEEWAY_SECONDS = 30
MAXIMUM_KID_BYTES = 128
INT64 = range(-(2**63), 2**63)


# --------------------------------------------------------------------------------------------
# Encodings
# --------------------------------------------------------------------------------------------

_BASE64URL = re.compile(rb"[A-Za-z0-9_-]*")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_SAFE_LOG_VALUE = re.compile(r"[A-Za-z0-9._-]{1,64}")


def b64url_encode(raw: bytes) -> str:
    """Base64url without padding."""
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def b64url_decode(data) -> Optional[bytes]:
    """Strict, canonical base64url without padding (TokenKit's Base64URL), or None.

    Refuses padding, white space, any character outside the URL-safe alphabet, a length that no
    encoding has, and unused trailing bits that are not zero, so every value has one spelling.
    Python's own ``urlsafe_b64decode`` accepts most of those.
    """
    if isinstance(data, str):
        try:
            data = data.encode("ascii")
        except UnicodeEncodeError:
            return None
    if len(data) % 4 == 1 or not _BASE64URL.fullmatch(data):
        return None
    raw = base64.urlsafe_b64decode(data + b"=" * (-len(data) % 4))
    if b64url_encode(raw).encode("ascii") != data:
        return None
    return raw


def strict_uuid(value) -> Optional[str]:
    """The 36-character 8-4-4-4-12 hex form (either case), lower-cased; None for anything else."""
    if isinstance(value, str) and _UUID.fullmatch(value):
        return value.lower()
    return None


def log_safe(value: str) -> str:
    """A client-chosen value as it may appear in a log line (docs/API.md, Logs)."""
    if _SAFE_LOG_VALUE.fullmatch(value):
        return value
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"unsafe(length={len(value)},sha256={digest})"


class _Duplicate(ValueError):
    pass


def _no_duplicates(pairs):
    result = {}
    for name, value in pairs:
        if name in result:
            raise _Duplicate(name)
        result[name] = value
    return result


def _reject_constant(name):
    raise ValueError(name)


def json_object(raw: bytes) -> Optional[dict]:
    """A JSON object from strict UTF-8, without repeated names, NaN or Infinity; None otherwise."""
    try:
        value = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


# --------------------------------------------------------------------------------------------
# Verification
# --------------------------------------------------------------------------------------------


class TokenRejected(Exception):
    """A presented token that must not be used: 401.

    ``expired`` is True exactly when the signature and every other claim were good but the token is
    too old (the client should refresh); ``reason`` is for logs and metrics only, never for clients.
    """

    def __init__(self, reason: str, expired: bool = False, description: Optional[str] = None):
        super().__init__(reason)
        self.reason = reason
        self.expired = expired
        #: The challenge's ``error_description``: ``expired``, ``invalid`` or (contract, DPoP) ``dpop-bound``.
        self.description = description or ("expired" if expired else "invalid")


@dataclasses.dataclass(frozen=True)
class AccessTokenClaims:
    issuer: str
    audience: tuple
    subject: str  # user id, lower-case UUID
    session_id: str  # lower-case UUID
    token_id: str  # lower-case UUID
    issued_at: int
    not_before: int
    expires_at: int
    csrf_hash: Optional[str]
    client_id: Optional[str]


class AccessTokenVerifier:
    """Verifies access tokens as TokenKit's AccessTokenVerifier does, in the same order.

    Size; three non-empty strict base64url segments; a header of only ``alg``, ``typ`` and ``kid``
    with ``alg`` exactly ``EdDSA`` and ``typ`` exactly ``at+jwt``; a ``kid`` the key provider knows (no
    default key, ever); the Ed25519 signature over the first two segments; then the claims: ``iss``,
    ``aud``, ``nbf`` and finally ``exp``. Because the signature and every other rule come first,
    ``expired`` means "genuine, but too old". The leeway (at most 30 s) moves the clock, never the
    token's times: valid from ``nbf - leeway`` (inclusive) until ``exp + leeway`` (exclusive).
    """

    def __init__(self, issuer: str, audiences, keys, leeway_seconds: int = 30, clock: Callable[[], float] = time.time):
        self.issuer = issuer
        self.audiences = frozenset(audiences)
        self.keys = keys
        self.leeway = min(max(int(leeway_seconds), 0), MAXIMUM_LEEWAY_SECONDS)
        self.clock = clock

    def verify(self, token: str) -> AccessTokenClaims:
        try:
            data = token.encode("utf-8")
        except UnicodeEncodeError:
            raise TokenRejected("malformed")
        if len(data) > MAXIMUM_TOKEN_BYTES:
            raise TokenRejected("oversized")
        segments = data.split(b".")
        if len(segments) != 3 or not all(segments):
            raise TokenRejected("malformed")
        encoded_header, encoded_claims, encoded_signature = segments
        kid = self._check_header(encoded_header)
        key = self.keys.key_for(kid)
        if key is None:
            raise TokenRejected("unknown_kid")
        signature = b64url_decode(encoded_signature)
        if signature is None or len(signature) != 64:
            raise TokenRejected("signature")
        try:
            key.verify(signature, encoded_header + b"." + encoded_claims)
        except InvalidSignature:
            raise TokenRejected("signature")
        claims = self._decode_claims(encoded_claims)
        if claims.issuer != self.issuer:
            raise TokenRejected("issuer")
        if not any(name in self.audiences for name in claims.audience):
            raise TokenRejected("audience")
        now = int(self.clock() // 1)
        if now + self.leeway < claims.not_before:
            raise TokenRejected("not_yet_valid")
        if not now - self.leeway < claims.expires_at:
            raise TokenRejected("expired", expired=True)
        return claims

    @staticmethod
    def _check_header(encoded: bytes) -> str:
        raw = b64url_decode(encoded)
        header = json_object(raw) if raw is not None else None
        if header is None:
            raise TokenRejected("malformed")

        def string(name):
            value = header.get(name)
            return value if isinstance(value, str) else None

        if string("alg") != ALGORITHM:
            raise TokenRejected("algorithm")
        if not set(header) <= ALLOWED_HEADER_PARAMETERS:
            raise TokenRejected("header")
        if string("typ") != TOKEN_TYPE:
            raise TokenRejected("type")
        kid = string("kid")
        if not kid or len(kid.encode("utf-8", "surrogatepass")) > MAXIMUM_KID_BYTES:
            raise TokenRejected("missing_kid")
        return kid

    @staticmethod
    def _decode_claims(encoded: bytes) -> AccessTokenClaims:
        raw = b64url_decode(encoded)
        claims = json_object(raw) if raw is not None else None
        if claims is None:
            raise TokenRejected("claims")

        def integer(name):
            value = claims.get(name)
            # bool is a subclass of int in Python; JSON true is not a time.
            if type(value) is not int or value not in INT64:
                raise TokenRejected("claims")
            return value

        def uuid(name):
            value = strict_uuid(claims.get(name))
            if value is None:
                raise TokenRejected("claims")
            return value

        issuer = claims.get("iss")
        audience = claims.get("aud")
        # `aud` is always an array (contract); a bare string is refused, as TokenKit's decoder does.
        if not isinstance(issuer, str) or not isinstance(audience, list) or not all(isinstance(a, str) for a in audience):
            raise TokenRejected("claims")
        csrf = claims.get("csrf")
        if csrf is not None and not isinstance(csrf, str):
            raise TokenRejected("claims")
        client_id = claims.get("client_id")
        result = AccessTokenClaims(
            issuer=issuer,
            audience=tuple(audience),
            subject=uuid("sub"),
            session_id=uuid("sid"),
            token_id=uuid("jti"),
            issued_at=integer("iat"),
            not_before=integer("nbf"),
            expires_at=integer("exp"),
            csrf_hash=csrf,
            client_id=client_id if isinstance(client_id, str) else None,
        )
        # A DPoP-bound token (contract: `cnf`) is never accepted as a bearer token. This service does
        # not take the `DPoP` scheme, so such a token is refused here, after its signature was checked.
        if "cnf" in claims:
            raise TokenRejected("dpop_bound", description="dpop-bound")
        return result


# --------------------------------------------------------------------------------------------
# HTTP with one deadline for the whole answer
# --------------------------------------------------------------------------------------------


class DeadlineExceeded(Exception):
    pass


class AnswerTooLarge(Exception):
    pass


def http_request(method: str, url: str, *, headers=None, body: Optional[bytes] = None, timeout: float, max_body: int):
    """One HTTP request whose whole answer (connect, send, head, every body byte) ends within ``timeout``.

    Socket timeouts bound each read, not the answer: a peer that sends a head and then one byte a
    second would hold the caller for ever. A timer shuts the socket down at the deadline instead, so
    a blocked read returns at once. Returns ``(status, headers, body)``.
    """
    parts = urlsplit(url)
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parts.hostname, parts.port, timeout=timeout)
    expired = threading.Event()

    def expire():
        expired.set()
        sock = connection.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    timer = threading.Timer(timeout, expire)
    timer.daemon = True
    timer.start()
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read(max_body + 1)
        if expired.is_set():
            raise DeadlineExceeded(f"no complete answer within {timeout} s")
        if len(data) > max_body:
            raise AnswerTooLarge(f"answer over {max_body} bytes")
        return response.status, response.headers, data
    except (OSError, http.client.HTTPException) as error:
        if expired.is_set():
            raise DeadlineExceeded(f"no complete answer within {timeout} s") from error
        raise
    finally:
        timer.cancel()
        connection.close()


def basic_authorization(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode("utf-8")).decode("ascii")


# --------------------------------------------------------------------------------------------
# JWKS
# --------------------------------------------------------------------------------------------


def parse_jwks(raw: bytes) -> dict:
    """The usable Ed25519 signature keys of a JWKS document by ``kid``; raises ValueError when the
    document itself is unreadable. Members of other kinds are skipped (RFC 7517), one by one."""
    document = json_object(raw)
    if document is None or not isinstance(document.get("keys"), list):
        raise ValueError("malformed JWKS document")
    keys = {}
    for jwk in document["keys"]:
        if not isinstance(jwk, dict):
            continue
        if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
            continue
        if jwk.get("alg", ALGORITHM) != ALGORITHM or jwk.get("use", "sig") != "sig":
            continue
        kid = jwk.get("kid")
        if not isinstance(kid, str) or not kid or len(kid.encode("utf-8", "surrogatepass")) > MAXIMUM_KID_BYTES:
            continue
        raw_key = b64url_decode(jwk.get("x")) if isinstance(jwk.get("x"), str) else None
        if raw_key is None or len(raw_key) != 32:
            continue
        try:
            keys[kid] = Ed25519PublicKey.from_public_bytes(raw_key)
        except ValueError:
            continue
    return keys


def max_age(cache_control: Optional[str]) -> Optional[int]:
    """``max-age=N`` of a ``Cache-Control`` value."""
    for directive in (cache_control or "").split(","):
        name, _, value = directive.partition("=")
        if name.strip().lower() == "max-age" and value.strip().isdigit():
            return int(value.strip())
    return None


class JWKSCache:
    """The auth service's public keys (TokenKitClients' JWKSCache).

    ``start()`` loads them in the background, retrying with backoff (200 ms doubling to 5 s) until
    the first load succeeds, then refreshes every ``max-age`` (clamped to 1 s … 5 min). A token
    naming an unknown ``kid`` causes a refetch at most once per ``unknown_kid_interval``; callers
    arriving while a fetch runs wait for it (a fetch is bounded by ``fetch_timeout``) instead of
    refusing a token it is about to make valid. A failed fetch keeps the cached keys.
    """

    MAXIMUM_BODY_BYTES = 64 * 1024

    def __init__(self, auth_url: str, fetch_timeout: float = 5.0, unknown_kid_interval: float = 30.0, refresh_bounds=(1.0, 300.0)):
        self.url = auth_url.rstrip("/") + "/.well-known/jwks.json"
        self.fetch_timeout = fetch_timeout
        self.unknown_kid_interval = unknown_kid_interval
        self.refresh_bounds = refresh_bounds
        self.loaded = threading.Event()
        self.fetches = 0
        self._keys: dict = {}
        self._lock = threading.Lock()
        self._in_flight: Optional[threading.Event] = None
        self._last_unknown_kid_fetch: Optional[float] = None
        self._next_refresh = 60.0
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None

    @property
    def kids(self) -> set:
        with self._lock:
            return set(self._keys)

    def key_for(self, kid: str):
        with self._lock:
            key = self._keys.get(kid)
            if key is not None:
                return key
            in_flight = self._in_flight
        if in_flight is not None:
            in_flight.wait(self.fetch_timeout + 1)
            with self._lock:
                key = self._keys.get(kid)
                if key is not None:
                    return key
        with self._lock:
            now = time.monotonic()
            if self._last_unknown_kid_fetch is not None and now < self._last_unknown_kid_fetch + self.unknown_kid_interval:
                return None
            self._last_unknown_kid_fetch = now
        log.info("Unknown key id %s; refetching JWKS", log_safe(kid))
        self.refresh()
        with self._lock:
            return self._keys.get(kid)

    def refresh(self) -> bool:
        """Fetches the key set now, sharing a fetch already under way; True when it succeeded."""
        with self._lock:
            in_flight = self._in_flight
            leader = in_flight is None
            if leader:
                in_flight = self._in_flight = threading.Event()
        if not leader:
            in_flight.wait(self.fetch_timeout + 1)
            return self.loaded.is_set()
        try:
            self.fetches += 1
            status, headers, body = http_request(
                "GET", self.url, headers={"Accept": "application/json"}, timeout=self.fetch_timeout, max_body=self.MAXIMUM_BODY_BYTES
            )
            if status != 200:
                raise ValueError(f"JWKS answered {status}")
            keys = parse_jwks(body)
            seconds = max_age(headers.get("Cache-Control"))
            with self._lock:
                self._keys = keys
                low, high = self.refresh_bounds
                self._next_refresh = min(max(float(seconds if seconds is not None else 60), low), high)
            self.loaded.set()
            log.debug("JWKS refreshed: %d keys", len(keys))
            return True
        except Exception as error:  # noqa: BLE001 - any failure keeps the cached keys
            log.warning("JWKS fetch failed; keeping cached keys: %s", error)
            return False
        finally:
            with self._lock:
                self._in_flight = None
            in_flight.set()

    def start(self):
        self._thread = threading.Thread(target=self._run, name="jwks", daemon=True)
        self._thread.start()

    def stop(self):
        self._stop.set()

    def _run(self):
        backoff = 0.2
        while not self._stop.is_set():
            if self.refresh():
                backoff = 0.2
                with self._lock:
                    wait = self._next_refresh
            else:
                wait = backoff
                backoff = min(backoff * 2, 5.0)
            self._stop.wait(wait)


# --------------------------------------------------------------------------------------------
# Introspection
# --------------------------------------------------------------------------------------------


class AuthUnavailable(Exception):
    """The session could not be confirmed in time: 503 ``auth-unavailable`` with ``Retry-After``."""

    def __init__(self, reason: str, retry_after: int = 2):
        super().__init__(reason)
        self.retry_after = retry_after


class SessionConfirmer:
    """Asks ``auth`` whether a session is still active (``POST /internal/v1/introspect``, RFC 7662).

    The deadline covers the whole answer. Refused connection, timeout, another status than 200, a
    body over 16 KiB or one that is not a clear answer: ``AuthUnavailable``, and the dangerous
    request fails closed. An answer about another session or user counts as inactive.
    """

    MAXIMUM_BODY_BYTES = 16 * 1024

    def __init__(self, auth_url: str, client_id: str, client_secret: str, timeout_seconds: float):
        self.url = auth_url.rstrip("/") + "/internal/v1/introspect"
        self.authorization = basic_authorization(client_id, client_secret)
        self.timeout = timeout_seconds

    def is_active(self, token: str, claims: AccessTokenClaims, request_id: Optional[str] = None) -> bool:
        headers = {
            "Authorization": self.authorization,
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        }
        if request_id:
            headers["X-Request-ID"] = request_id
        body = ("token=" + quote(token, safe="-._~")).encode("ascii")
        try:
            status, _, data = http_request("POST", self.url, headers=headers, body=body, timeout=self.timeout, max_body=self.MAXIMUM_BODY_BYTES)
        except Exception as error:  # noqa: BLE001 - every failure fails closed
            log.warning("Introspection failed; refusing the request: %s", type(error).__name__)
            raise AuthUnavailable(type(error).__name__)
        answer = json_object(data) if status == 200 else None
        if answer is None or not isinstance(answer.get("active"), bool):
            log.warning("Introspection answered %s without a clear answer; refusing the request", status)
            raise AuthUnavailable(f"status {status}")
        return answer["active"] is True and answer.get("sid") == claims.session_id and answer.get("sub") == claims.subject


# --------------------------------------------------------------------------------------------
# Revocation feed
# --------------------------------------------------------------------------------------------


class ServerSentEventParser:
    """Incremental ``text/event-stream`` parser (the WHATWG rules that matter here): lines end in LF
    or CRLF, ``event:`` and ``data:`` fields accumulate, a blank line dispatches, ``:`` lines are
    comments. A line over 64 KiB ends the connection."""

    MAXIMUM_LINE_BYTES = 64 * 1024

    def __init__(self):
        self._buffer = bytearray()
        self._name = ""
        self._data: list = []

    def feed(self, chunk: bytes) -> list:
        events = []
        self._buffer += chunk
        while True:
            end = self._buffer.find(b"\n")
            if end < 0:
                break
            line = bytes(self._buffer[:end])
            del self._buffer[: end + 1]
            if line.endswith(b"\r"):
                line = line[:-1]
            event = self._line(line.decode("utf-8", "replace"))
            if event is not None:
                events.append(event)
        if len(self._buffer) > self.MAXIMUM_LINE_BYTES:
            raise ValueError("event-stream line too long")
        return events

    def _line(self, line: str):
        if not line:
            name, data = self._name, self._data
            self._name, self._data = "", []
            if not name and not data:
                return None
            return (name or "message", "\n".join(data))
        if line.startswith(":"):
            return None
        field, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if field == "event":
            self._name = value
        elif field == "data":
            self._data.append(value)
        return None


def _parse_time(text) -> Optional[float]:
    if not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


class _Resynchronise(Exception):
    pass


class RevocationFeed:
    """Follows auth's revocation feed and answers "was this session revoked?" without a call.

    Connects with ``after=0``, applies the replay, and treats the first ``heartbeat`` as the end of
    the replay (``replayed``; until then the service answers 503). Then applies events as they come.
    A connection that breaks, ends, or delivers no event for ``silence_timeout`` seconds (the feed
    beats every 2 s; a watchdog shuts the silent socket down) is replaced, with backoff (200 ms
    doubling to 5 s), by one that asks for ``after=<last seq>``, so no event is lost. An ``epoch``
    event with another epoch, or a ``head`` behind the last ``seq`` applied, means the sequence
    restarted (a new or restored auth database): every revocation known is kept, the position is
    forgotten, and the feed is read again from ``after=0``.

    Revoked sessions are kept ``retention`` seconds after their revocation (24 h + 1 min: longer
    than any access token can live), deleted accounts likewise; ``on_account_deleted(sub, deleted_at)``
    deletes the user's data (idempotently: deletions are replayed for 30 days), and the event's
    position is recorded only after it returned, so a failure is retried from the replay.
    """

    def __init__(
        self,
        auth_url: str,
        client_id: str,
        client_secret: str,
        connect_timeout: float = 2.0,
        silence_timeout: float = 10.0,
        retention: float = 86_400 + 60,
        on_account_deleted: Optional[Callable[[str, float], None]] = None,
    ):
        parts = urlsplit(auth_url.rstrip("/") + "/internal/v1/revocations")
        self._scheme, self._host, self._port, self._path = parts.scheme, parts.hostname, parts.port, parts.path
        self.authorization = basic_authorization(client_id, client_secret)
        self.connect_timeout = connect_timeout
        self.silence_timeout = silence_timeout
        self.retention = retention
        self.on_account_deleted = on_account_deleted
        self.replayed = threading.Event()
        self.connected = False
        self.last_seq = 0
        self.epoch: Optional[str] = None
        self.connections = 0
        self.resynchronisations = 0
        self._events_seen = 0
        self._revoked: dict = {}  # sid -> revoked_at (epoch seconds)
        self._deleted: dict = {}  # sub -> deleted_at
        self._lock = threading.Lock()
        self._connection = None
        self._last_event = time.monotonic()
        self._stop = threading.Event()
        self._threads: list = []

    # Lookups, on every request: a dictionary read under a lock.

    def is_revoked(self, session_id: str) -> bool:
        with self._lock:
            return session_id in self._revoked

    def is_deleted(self, subject: str) -> bool:
        with self._lock:
            return subject in self._deleted

    @property
    def revoked_count(self) -> int:
        with self._lock:
            return len(self._revoked)

    def start(self):
        for target, name in ((self._run, "revocation-feed"), (self._watchdog, "revocation-feed-watchdog")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self):
        self._stop.set()
        self._shut_current()

    def _shut_current(self):
        with self._lock:
            connection = self._connection
        sock = connection.sock if connection is not None else None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _run(self):
        backoff = 0.2
        while not self._stop.is_set():
            events_before = self._events_seen
            try:
                self._connect_once()
            except _Resynchronise:
                backoff = 0.2
                continue
            except Exception as error:  # noqa: BLE001 - every failure means: reconnect
                if not self._stop.is_set():
                    log.warning("Revocation feed disconnected (%s); reads rely on token expiry until it is back", error or type(error).__name__)
            finally:
                self.connected = False
                with self._lock:
                    connection, self._connection = self._connection, None
                if connection is not None:
                    connection.close()
            if self._events_seen > events_before:
                backoff = 0.2
            self._stop.wait(backoff)
            backoff = min(backoff * 2, 5.0)

    def _connect_once(self):
        connection_class = http.client.HTTPSConnection if self._scheme == "https" else http.client.HTTPConnection
        connection = connection_class(self._host, self._port, timeout=self.connect_timeout)
        with self._lock:
            self._connection = connection
            self._last_event = time.monotonic()
        self.connections += 1
        after = self.last_seq
        log.info("Revocation feed connecting after=%d", after)
        connection.request(
            "GET",
            f"{self._path}?after={after}",
            headers={"Authorization": self.authorization, "Accept": "text/event-stream"},
        )
        response = connection.getresponse()
        if response.status != 200:
            raise ValueError(f"feed answered {response.status}")
        # From here the watchdog bounds silence; the socket timeout is only a backstop.
        connection.sock.settimeout(self.silence_timeout + 5)
        self.connected = True
        parser = ServerSentEventParser()
        while not self._stop.is_set():
            chunk = response.read1(65536)
            if not chunk:
                raise ValueError("stream ended")
            for name, data in parser.feed(chunk):
                with self._lock:
                    self._last_event = time.monotonic()
                self._events_seen += 1
                self.apply(name, data)

    def _watchdog(self):
        while not self._stop.wait(0.25):
            with self._lock:
                silent = self._connection is not None and time.monotonic() - self._last_event > self.silence_timeout
            if silent:
                log.warning("Revocation feed silent for over %s s; replacing the connection", self.silence_timeout)
                with self._lock:
                    self._last_event = time.monotonic()
                self._shut_current()

    def apply(self, name: str, data: str):
        """Applies one event; raises ``_Resynchronise`` when the sequence restarted."""
        if name == "epoch":
            body = json_object(data.encode("utf-8"))
            epoch, head = (body or {}).get("epoch"), (body or {}).get("head")
            if not isinstance(epoch, str) or type(head) is not int:
                log.warning("Revocation feed sent an unreadable epoch")
                return
            restarted = (self.epoch is not None and self.epoch != epoch) or head < self.last_seq
            self.epoch = epoch
            if restarted:
                self.last_seq = 0
                self.resynchronisations += 1
                log.warning("Revocation feed sequence restarted (head %d); replaying from the start", head)
                raise _Resynchronise()
        elif name == "revoked":
            body = json_object(data.encode("utf-8")) or {}
            seq, sid, revoked_at = body.get("seq"), strict_uuid(body.get("sid")), _parse_time(body.get("revoked_at"))
            if type(seq) is not int or sid is None or revoked_at is None:
                log.warning("Revocation feed sent an unreadable event")
                return
            with self._lock:
                self._revoked[sid] = revoked_at
            self.last_seq = max(self.last_seq, seq)
        elif name == "account-deleted":
            body = json_object(data.encode("utf-8")) or {}
            seq, sub, deleted_at = body.get("seq"), strict_uuid(body.get("sub")), _parse_time(body.get("deleted_at"))
            if type(seq) is not int or sub is None or deleted_at is None:
                log.warning("Revocation feed sent an unreadable account deletion")
                return
            with self._lock:
                self._deleted[sub] = deleted_at
            if self.on_account_deleted is not None:
                self.on_account_deleted(sub, deleted_at)  # raises: the connection is replaced and the event read again
            self.last_seq = max(self.last_seq, seq)
        elif name == "heartbeat":
            if not self.replayed.is_set():
                self.replayed.set()
                log.info("Revocation feed replayed: %d revoked sessions", self.revoked_count)
            self._prune()

    def _prune(self):
        cutoff = time.time() - self.retention
        with self._lock:
            for table in (self._revoked, self._deleted):
                for key in [key for key, at in table.items() if at < cutoff]:
                    del table[key]


def constant_time_equals(left: str, right: str) -> bool:
    return hmac.compare_digest(left.encode("utf-8", "surrogatepass"), right.encode("utf-8", "surrogatepass"))
