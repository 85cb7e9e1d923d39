"""The links service against the REAL auth executable, over real HTTP (Scripts/test-examples.sh runs it).

Needs, in the environment:
    LATCHKEY_AUTH_BIN      the auth executable (e.g. .build/debug/auth)
    LATCHKEY_DATABASE_URL  an empty PostgreSQL database for auth (postgres://user@127.0.0.1:PORT/auth)
    LATCHKEY_WORK          optional: a folder for the logs, the SQLite file and the list of PIDs started
                           (the script kills what is left in it, whatever happens)
Skipped without the first two.

auth runs with 10 s access tokens (its minimum), bcrypt cost 4 and a separate INTERNAL_PORT, which the
links service's AUTH_URL names (as in the Kubernetes manifests: JWKS, introspection and the feed all
come from there). The test methods run in order and share the processes.
"""

import base64
import hashlib
import hmac
import http.client
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from latchkey_tokens import b64url_decode, b64url_encode

EXAMPLE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AUTH_BIN = os.environ.get("LATCHKEY_AUTH_BIN")
DATABASE_URL = os.environ.get("LATCHKEY_DATABASE_URL")
ACCESS_TOKEN_TTL = 10
LEEWAY = 30
PASSWORD = "correct horse battery"
REALM = 'Bearer realm="latchkey"'


def say(message):
    print(f"    {message}", file=sys.stderr, flush=True)


def free_port():
    """A free port in 20000-31999, below the kernel's ephemeral range (as Scripts/lib/ports.sh)."""
    for _ in range(100):
        port = random.randint(20000, 31999)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError("no free port")


def call(port, method, path, token=None, body=None, headers=None, timeout=10):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    all_headers = dict(headers or {})
    if token is not None:
        all_headers["Authorization"] = f"Bearer {token}"
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        all_headers["Content-Type"] = "application/json"
    try:
        connection.request(method, path, body=payload, headers=all_headers)
        response = connection.getresponse()
        data = response.read()
    finally:
        connection.close()
    parsed = json.loads(data) if data and "json" in (response.getheader("Content-Type") or "") else data
    return response.status, response, parsed


class Process:
    """One executable in the background, its output in WORK/NAME.log, its PID in WORK/pids."""

    def __init__(self, name, argv, environment, work, cwd=None):
        self.name = name
        self.log_path = os.path.join(work, f"{name}.log")
        with open(self.log_path, "ab") as log:
            log.write(f"---- start {time.strftime('%H:%M:%S')}\n".encode())
            self.popen = subprocess.Popen(argv, env=environment, stdout=log, stderr=subprocess.STDOUT, cwd=cwd)
        with open(os.path.join(work, "pids"), "a") as pids:
            pids.write(f"{self.popen.pid}\n")

    def alive(self):
        return self.popen.poll() is None

    def stop(self):
        if self.alive():
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(5)

    def tail(self, lines=30):
        with open(self.log_path, "rb") as log:
            return b"".join(log.readlines()[-lines:]).decode("utf-8", "replace")


@unittest.skipUnless(AUTH_BIN and DATABASE_URL, "set LATCHKEY_AUTH_BIN and LATCHKEY_DATABASE_URL (Scripts/test-examples.sh does)")
class AgainstRealAuth(unittest.TestCase):
    processes = []

    @classmethod
    def setUpClass(cls):
        cls.work = os.environ.get("LATCHKEY_WORK") or tempfile.mkdtemp(prefix="links-e2e-")
        cls.secret = base64.b64encode(os.urandom(32)).decode()
        cls.client_secret = os.urandom(16).hex()
        cls.auth_port, cls.internal_port = free_port(), free_port()
        cls.links_port, cls.stranger_port = free_port(), free_port()
        cls.database_path = os.path.join(cls.work, "links.sqlite3")
        try:
            cls.auth = cls.start_auth()
            cls.links = cls.start_links()
            cls.stranger = cls.start_links(name="stranger", port=cls.stranger_port, service_name="stranger")
            for port, process in ((cls.links_port, cls.links), (cls.stranger_port, cls.stranger)):
                cls.wait_ready(port, process)
            cls.email = f"links-{uuid.uuid4().hex[:12]}@example.com"
            status, _, body = call(cls.auth_port, "POST", "/v1/accounts", body={"email": cls.email, "password": PASSWORD})
            assert status == 201, (status, body)
            cls.user_id = body["id"]
            # A token kept for the last test, which waits until it has expired.
            cls.first_token, _ = cls.login()
            cls.first_token_at = time.time()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        # The services first, then auth (so they do not log auth's going away).
        for process in sorted(reversed(cls.processes), key=lambda process: process.name == "auth"):
            process.stop()

    def setUp(self):
        self.started = time.monotonic()

    def tearDown(self):
        say(f"({time.monotonic() - self.started:.1f} s)")

    # Processes

    @classmethod
    def start_auth(cls):
        environment = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOST": "127.0.0.1",
            "PORT": str(cls.auth_port),
            "INTERNAL_PORT": str(cls.internal_port),
            "DATABASE_URL": DATABASE_URL,
            "AUTH_SECRET_KEY": cls.secret,
            "INTROSPECTION_CLIENTS": f"links:{cls.client_secret}",
            "JWT_AUDIENCE": "notes,profile,links",
            "ACCESS_TOKEN_TTL_SECONDS": str(ACCESS_TOKEN_TTL),
            "SIGNUPS_PER_CLIENT": "1000000",
            "BCRYPT_COST": "4",
            "COOKIE_SECURE": "false",
            "LOG_LEVEL": "warning",
        }
        process = Process("auth", [AUTH_BIN], environment, cls.work)
        cls.processes.append(process)
        cls.wait_ready(cls.auth_port, process)
        return process

    @classmethod
    def start_links(cls, name="links", port=None, service_name="links"):
        environment = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOST": "127.0.0.1",
            "PORT": str(port or cls.links_port),
            "SERVICE_NAME": service_name,
            "AUTH_URL": f"http://127.0.0.1:{cls.internal_port}",
            "INTROSPECTION_CLIENT_ID": "links",
            "INTROSPECTION_CLIENT_SECRET": cls.client_secret,
            "DATABASE_PATH": os.path.join(cls.work, f"{name}.sqlite3"),
            "COOKIE_SECURE": "false",
            "LOG_LEVEL": "info",
        }
        process = Process(name, [sys.executable, os.path.join(EXAMPLE_DIR, "links_service.py")], environment, cls.work, cwd=EXAMPLE_DIR)
        cls.processes.append(process)
        return process

    @classmethod
    def wait_ready(cls, port, process, seconds=30):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if not process.alive():
                raise AssertionError(f"{process.name} exited while starting:\n{process.tail()}")
            try:
                if call(port, "GET", "/readyz", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"{process.name} was not ready on port {port} within {seconds} s:\n{process.tail()}")

    @classmethod
    def login(cls):
        status, _, body = call(cls.auth_port, "POST", "/v1/sessions", body={"email": cls.email, "password": PASSWORD})
        assert status == 201, (status, body)
        return body["access_token"], body["session"]["id"]

    def logout(self, token):
        status, _, body = call(self.auth_port, "DELETE", "/v1/sessions/current", token)
        self.assertEqual(status, 204, body)

    def refused_within(self, token, seconds):
        """Polls a read until it is refused; returns the time it took (the caller asserts the bound)."""
        started = time.monotonic()
        while time.monotonic() - started < seconds + 2:
            status, response, body = call(self.links_port, "GET", "/v1/links", token)
            if status == 401:
                self.assertEqual(body["type"], "urn:latchkey:problem:session-ended")
                self.assertEqual(response.getheader("WWW-Authenticate"), f'{REALM}, error="invalid_token", error_description="session ended"')
                return time.monotonic() - started
            self.assertEqual(status, 200)
            time.sleep(0.01)
        self.fail("the revoked session was still accepted")

    def assert_invalid(self, port, token, what):
        status, response, body = call(port, "GET", "/v1/links", token)
        self.assertEqual((status, body["type"]), (401, "urn:latchkey:problem:token-invalid"), what)
        self.assertEqual(response.getheader("WWW-Authenticate"), f'{REALM}, error="invalid_token", error_description="invalid"', what)

    # The tests, in order

    def test_1_reads_and_writes_with_a_real_session(self):
        token, _ = self.login()
        status, response, link = call(self.links_port, "POST", "/v1/links", token, {"url": "https://swift.org", "title": "Swift"})
        self.assertEqual(status, 201, link)
        status, _, body = call(self.links_port, "GET", "/v1/links", token)
        self.assertEqual(status, 200)
        self.assertEqual([item["id"] for item in body["items"]], [link["id"]])

    def test_2_bad_tokens_are_refused(self):
        token, _ = self.login()
        header, payload, signature = token.split(".")
        kid = json.loads(b64url_decode(header))["kid"]
        claims = json.loads(b64url_decode(payload))
        self.assertEqual(claims["aud"], ["notes", "profile", "links"])

        status, response, body = call(self.links_port, "GET", "/v1/links")
        self.assertEqual((status, body["type"]), (401, "urn:latchkey:problem:token-missing"))
        self.assertEqual(response.getheader("WWW-Authenticate"), REALM)

        def encode(value):
            return b64url_encode(json.dumps(value, separators=(",", ":")).encode())

        def forge(key, header_value, claims_value):
            signing_input = encode(header_value) + "." + encode(claims_value)
            return signing_input + "." + b64url_encode(key.sign(signing_input.encode()))

        forger = Ed25519PrivateKey.generate()
        self.assert_invalid(self.links_port, forge(forger, {"alg": "EdDSA", "typ": "at+jwt", "kid": kid}, claims), "forged, auth's kid")
        self.assert_invalid(self.links_port, forge(forger, {"alg": "EdDSA", "typ": "at+jwt", "kid": "attacker"}, claims), "forged, unknown kid")
        self.assert_invalid(self.links_port, f"{encode({'alg': 'none', 'typ': 'at+jwt', 'kid': kid})}.{payload}.", "alg none")
        # HS256 keyed with auth's public key (the classic confusion attack).
        status, _, jwks = call(self.internal_port, "GET", "/.well-known/jwks.json")
        public = b64url_decode(next(k for k in jwks["keys"] if k["kid"] == kid)["x"])
        hs_input = f"{encode({'alg': 'HS256', 'typ': 'at+jwt', 'kid': kid})}.{payload}"
        self.assert_invalid(self.links_port, hs_input + "." + b64url_encode(hmac.new(public, hs_input.encode(), hashlib.sha256).digest()), "HS256")
        tampered = encode({**claims, "sub": str(uuid.uuid4())})
        self.assert_invalid(self.links_port, f"{header}.{tampered}.{signature}", "tampered claims")
        self.assert_invalid(self.links_port, f"{header}.{payload}.{signature}x", "bad signature encoding")
        # A genuine token of auth, whose `aud` does not name the service that gets it.
        self.assert_invalid(self.stranger_port, token, "wrong audience")
        self.assertEqual(call(self.links_port, "GET", "/v1/links", token)[0], 200)

    def test_3_a_revoked_session_is_refused_within_a_second(self):
        token, _ = self.login()
        self.assertEqual(call(self.links_port, "GET", "/v1/links", token)[0], 200)
        self.logout(token)
        elapsed = self.refused_within(token, 1.0)
        say(f"revoked session refused {elapsed * 1000:.0f} ms after the logout answered")
        self.assertLess(elapsed, 1.0)
        status, _, body = call(self.links_port, "POST", "/v1/links", token, {"url": "https://example.com"})
        self.assertEqual((status, body["type"]), (401, "urn:latchkey:problem:session-ended"))

    def test_4_writes_fail_closed_while_auth_is_down_and_reads_stay_local(self):
        token, _ = self.login()
        self.auth.stop()
        started = time.monotonic()
        status, response, body = call(self.links_port, "POST", "/v1/links", token, {"url": "https://example.com"})
        elapsed = time.monotonic() - started
        self.assertEqual((status, body["type"]), (503, "urn:latchkey:problem:auth-unavailable"))
        self.assertTrue(response.getheader("Retry-After", "").isdigit())
        self.assertLess(elapsed, 2.5)
        self.assertEqual(call(self.links_port, "GET", "/v1/links", token)[0], 200)

    def test_5_the_feed_reconnects_when_auth_is_back(self):
        type(self).auth = self.start_auth()
        token, _ = self.login()
        # The feed reconnects with backoff (at most 5 s) and after=<last seq>.
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and b"latchkey_revocation_feed_connected 1" not in call(self.links_port, "GET", "/metrics")[2]:
            time.sleep(0.1)
        self.assertEqual(call(self.links_port, "POST", "/v1/links", token, {"url": "https://example.org"})[0], 201)
        self.logout(token)
        elapsed = self.refused_within(token, 1.0)
        say(f"after auth's restart: refused {elapsed * 1000:.0f} ms after the logout")
        self.assertLess(elapsed, 1.0)

    def test_6_a_restarted_service_still_refuses_a_session_revoked_before(self):
        revoked, _ = self.login()
        valid, _ = self.login()
        self.logout(revoked)
        self.refused_within(revoked, 1.0)
        # Restart with auth down: nothing but the health paths answers before keys and replay are in.
        self.auth.stop()
        self.links.stop()
        type(self).links = self.start_links()
        deadline = time.monotonic() + 10
        while True:
            try:
                status, response, body = call(self.links_port, "GET", "/v1/links", valid)
                break
            except OSError:
                self.assertLess(time.monotonic(), deadline, "links did not listen")
                time.sleep(0.05)
        self.assertEqual((status, body["type"]), (503, "urn:latchkey:problem:auth-unavailable"))
        self.assertTrue(response.getheader("Retry-After", "").isdigit())
        self.assertEqual(call(self.links_port, "GET", "/readyz")[0], 503)
        type(self).auth = self.start_auth()
        self.wait_ready(self.links_port, self.links)
        status, _, body = call(self.links_port, "GET", "/v1/links", revoked)
        self.assertEqual((status, body["type"]), (401, "urn:latchkey:problem:session-ended"), "the replay must refuse it")
        status, _, body = call(self.links_port, "GET", "/v1/links", valid)
        self.assertEqual(status, 200)
        self.assertEqual(len(body["items"]), 2, "the links outlive the restart")

    def test_7_account_deletion_removes_the_users_links(self):
        token, _ = self.login()
        status, _, body = call(self.auth_port, "DELETE", "/v1/accounts/me", token, {"current_password": PASSWORD})
        if status in (404, 405):
            self.skipTest(f"this auth has no account deletion yet (DELETE /v1/accounts/me answered {status})")
        self.assertEqual(status, 204, body)
        self.refused_within(token, 1.0)
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            with sqlite3.connect(self.database_path) as database:
                left = database.execute("SELECT count(*) FROM links WHERE user_id = ?", (self.user_id,)).fetchone()[0]
            if left == 0:
                break
            time.sleep(0.05)
        self.assertEqual(left, 0)

    def test_8_an_expired_token_is_token_expired(self):
        wait = self.first_token_at + ACCESS_TOKEN_TTL + LEEWAY + 1.5 - time.time()
        if wait > 0:
            say(f"waiting {wait:.0f} s for the first token to expire (10 s TTL + 30 s leeway)")
            time.sleep(wait)
        # Expiry is checked before revocation: even if test 7 deleted the account, this is "expired".
        status, response, body = call(self.links_port, "GET", "/v1/links", self.first_token)
        self.assertEqual((status, body["type"]), (401, "urn:latchkey:problem:token-expired"))
        self.assertEqual(response.getheader("WWW-Authenticate"), f'{REALM}, error="invalid_token", error_description="expired"')
        # Expired and addressed to another service: invalid, never "expired".
        self.assert_invalid(self.stranger_port, self.first_token, "expired, wrong audience")


if __name__ == "__main__":
    unittest.main()
