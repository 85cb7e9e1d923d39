"""A stand-in for auth's JWKS, introspection and revocation feed, for tests that need to steer them
(a stalled answer, a silent feed, a new epoch, an account deletion). The test against the real auth
is test_against_auth.py."""

from __future__ import annotations

import base64
import json
import queue
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from latchkey_tokens import b64url_encode


def raw_public(private_key) -> bytes:
    return private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def sign(private_key, claims: dict, header: dict) -> str:
    """A compact JWS over exactly these header and claims (no checks: tests forge on purpose)."""
    encode = lambda value: b64url_encode(json.dumps(value, separators=(",", ":")).encode("utf-8"))  # noqa: E731
    signing_input = encode(header) + "." + encode(claims)
    return signing_input + "." + b64url_encode(private_key.sign(signing_input.encode("ascii")))


class FakeAuth:
    CLIENT = ("links", "s3cret")

    def __init__(self, issuer="latchkey", audience=("notes", "profile", "links")):
        self.issuer = issuer
        self.audience = list(audience)
        self.signing_key = Ed25519PrivateKey.generate()
        self.kid = "key-1"
        self.published = {self.kid: self.signing_key}
        self.jwks_fetches = 0
        self.introspections = 0
        self.introspection_mode = "answer"  # answer | stall-body | status-500
        self.sessions_active = set()
        self.answer_override = None
        # Feed
        self.epoch = str(uuid.uuid4())
        self.events: list = []  # (seq, name, data)
        self.feed_afters: list = []
        self.feed_silent = False
        self.hold_replay = threading.Event()  # set: the first heartbeat waits until cleared
        self._subscribers: list = []
        self._lock = threading.Lock()
        auth = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def authorized(self):
                expected = "Basic " + base64.b64encode(":".join(auth.CLIENT).encode()).decode()
                return self.headers.get("Authorization") == expected

            def send_json(self, status, body, headers=()):
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self):
                if self.path == "/.well-known/jwks.json":
                    with auth._lock:
                        auth.jwks_fetches += 1
                        keys = [
                            {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(raw_public(key)), "kid": kid, "alg": "EdDSA", "use": "sig"}
                            for kid, key in auth.published.items()
                        ]
                    self.send_json(200, {"keys": keys}, [("Cache-Control", "max-age=300")])
                elif self.path.startswith("/internal/v1/revocations"):
                    if not self.authorized():
                        return self.send_json(401, {"type": "urn:latchkey:problem:token-invalid"})
                    after = int(self.path.partition("after=")[2] or 0)
                    auth.feed_afters.append(after)
                    self.stream(after)
                else:
                    self.send_json(404, {})

            def stream(self, after):
                inbox = queue.Queue()
                with auth._lock:
                    auth._subscribers.append(inbox)
                    replay = [event for event in auth.events if event[0] > after]
                    head = auth.events[-1][0] if auth.events else 0
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()

                def write(text):
                    data = text.encode()
                    self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                    self.wfile.flush()

                try:
                    write(f'event: epoch\ndata: {{"epoch":"{auth.epoch}","head":{head}}}\n\n')
                    last = after
                    for seq, name, data in replay:
                        write(f"event: {name}\nid: {seq}\ndata: {data}\n\n")
                        last = seq
                    deadline = time.monotonic() + 10
                    while auth.hold_replay.is_set() and time.monotonic() < deadline:
                        time.sleep(0.05)
                    next_beat = 0.0
                    stop_at = time.monotonic() + 60
                    while time.monotonic() < stop_at:
                        try:
                            event = inbox.get(timeout=0.05)
                        except queue.Empty:
                            event = ()
                        if event is None:
                            break  # drop_streams()
                        if event and event[0] > last:
                            seq, name, data = event
                            write(f"event: {name}\nid: {seq}\ndata: {data}\n\n")
                            last = seq
                        if not auth.feed_silent and time.monotonic() >= next_beat:
                            write("event: heartbeat\ndata: {}\n\n")
                            next_beat = time.monotonic() + 1.0
                except OSError:
                    pass
                finally:
                    with auth._lock:
                        if inbox in auth._subscribers:
                            auth._subscribers.remove(inbox)
                    self.close_connection = True

            def do_POST(self):
                if self.path != "/internal/v1/introspect":
                    return self.send_json(404, {})
                length = int(self.headers.get("Content-Length") or 0)
                form = self.rfile.read(length).decode()
                with auth._lock:
                    auth.introspections += 1
                if not self.authorized():
                    return self.send_json(401, {})
                if auth.introspection_mode == "status-500":
                    return self.send_json(500, {})
                if auth.introspection_mode == "stall-body":
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", "100")
                    self.end_headers()
                    # A head, then a byte every 200 ms: no single read waits long, the whole answer does.
                    try:
                        for byte in b'{"active": true' + b" " * 85:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(0.2)
                    except OSError:
                        pass
                    return
                token = form.partition("token=")[2]
                claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
                if auth.answer_override is not None:
                    return self.send_json(200, auth.answer_override)
                if claims["sid"] in auth.sessions_active:
                    return self.send_json(200, {"active": True, "sub": claims["sub"], "sid": claims["sid"], "exp": claims["exp"], "iat": claims["iat"], "client_id": "links"})
                self.send_json(200, {"active": False})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()

    def stop(self):
        self.feed_silent = True
        self.server.shutdown()
        self.server.server_close()

    # Tokens

    def claims(self, sub=None, sid=None, **changes):
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": sub or str(uuid.uuid4()),
            "sid": sid or str(uuid.uuid4()),
            "jti": str(uuid.uuid4()),
            "iat": now,
            "nbf": now,
            "exp": now + 300,
            "client_id": "native",
        }
        claims.update(changes)
        return {name: value for name, value in claims.items() if value is not None}

    def header(self, **changes):
        header = {"alg": "EdDSA", "typ": "at+jwt", "kid": self.kid}
        header.update(changes)
        return {name: value for name, value in header.items() if value is not None}

    def token(self, claims=None, header=None, key=None, active=True):
        claims = claims or self.claims()
        if active:
            self.sessions_active.add(claims["sid"])
        return sign(key or self.signing_key, claims, header or self.header())

    # Feed

    def publish(self, name: str, data: dict):
        with self._lock:
            seq = (self.events[-1][0] if self.events else 0) + 1
            data = {"seq": seq, **data}
            event = (seq, name, json.dumps(data, separators=(",", ":")))
            self.events.append(event)
            subscribers = list(self._subscribers)
        for inbox in subscribers:
            inbox.put(event)
        return seq

    def drop_streams(self):
        with self._lock:
            subscribers = list(self._subscribers)
        for inbox in subscribers:
            inbox.put(None)

    def revoke(self, sub: str, sid: str):
        self.sessions_active.discard(sid)
        now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
        return self.publish("revoked", {"sid": sid, "sub": sub, "revoked_at": now, "reason": "logout"})

    def delete_account(self, sub: str):
        now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
        return self.publish("account-deleted", {"sub": sub, "deleted_at": now})
