"""The service over real HTTP against a stand-in auth (tests/fake_auth.py), for what the real auth
cannot be made to do on cue: stall, go silent, change epoch, delete an account."""

import hashlib
import http.client
import json
import time
import unittest
import uuid

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from latchkey_tokens import b64url_encode
from links_service import AccountGone, LinksService, LinkStore, Settings
from tests.fake_auth import FakeAuth


def call(port, method, path, token=None, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    all_headers = dict(headers or {})
    if token is not None:
        all_headers["Authorization"] = f"Bearer {token}"
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        all_headers.setdefault("Content-Type", "application/json")
    connection.request(method, path, body=payload, headers=all_headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    parsed = json.loads(data) if data and response.getheader("Content-Type", "").endswith("json") else data
    return response.status, response, parsed


def wait_until(condition, seconds=5.0, step=0.02):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


class ServiceTestCase(unittest.TestCase):
    settings = {}

    def setUp(self):
        self.auth = FakeAuth()
        environment = {
            "PORT": "0",
            "AUTH_URL": self.auth.url,
            "INTROSPECTION_CLIENT_ID": FakeAuth.CLIENT[0],
            "INTROSPECTION_CLIENT_SECRET": FakeAuth.CLIENT[1],
            "INTROSPECTION_TIMEOUT_MS": "500",
            "DATABASE_PATH": ":memory:",
            "COOKIE_SECURE": "false",
            "FEED_SILENCE_TIMEOUT_SECONDS": "2",
        }
        environment.update(self.settings)
        self.service = LinksService(Settings(environment))

    def start(self, wait_ready=True):
        self.service.start()
        if wait_ready:
            self.assertTrue(wait_until(lambda: self.service.ready), "the service did not become ready")

    def tearDown(self):
        self.service.stop()
        self.auth.stop()

    def call(self, *args, **kwargs):
        return call(self.service.port, *args, **kwargs)


class StartGateTests(ServiceTestCase):
    def test_no_answer_before_the_replay_is_applied(self):
        self.auth.hold_replay.set()
        token = self.auth.token()
        self.start(wait_ready=False)
        self.assertTrue(wait_until(lambda: self.service.keys.loaded.is_set()))
        status, response, body = self.call("GET", "/v1/links", token)
        self.assertEqual(status, 503)
        self.assertEqual(body["type"], "urn:latchkey:problem:auth-unavailable")
        self.assertEqual(response.getheader("Retry-After"), "1")
        self.assertEqual(self.call("GET", "/readyz")[0], 503)
        self.assertEqual(self.call("GET", "/healthz")[0], 200)
        self.auth.hold_replay.clear()
        self.assertTrue(wait_until(lambda: self.service.ready))
        self.assertEqual(self.call("GET", "/v1/links", token)[0], 200)
        self.assertEqual(self.call("GET", "/readyz")[0], 200)

    def test_a_session_revoked_before_the_start_is_refused_after_it(self):
        claims = self.auth.claims()
        token = self.auth.token(claims)
        self.auth.revoke(claims["sub"], claims["sid"])
        self.start()
        status, response, body = self.call("GET", "/v1/links", token)
        self.assertEqual((status, body["type"]), (401, "urn:latchkey:problem:session-ended"))
        self.assertEqual(self.auth.feed_afters, [0])


class RequestTests(ServiceTestCase):
    def setUp(self):
        super().setUp()
        self.start()

    def test_reads_are_local_and_writes_are_confirmed(self):
        token = self.auth.token()
        status, response, link = self.call("POST", "/v1/links", token, {"url": "https://example.com/a", "title": "A"})
        self.assertEqual(status, 201, link)
        self.assertEqual(response.getheader("Location"), f"/v1/links/{link['id']}")
        self.assertEqual(self.auth.introspections, 1)
        status, _, body = self.call("GET", "/v1/links", token)
        self.assertEqual((status, [item["url"] for item in body["items"]]), (200, ["https://example.com/a"]))
        self.assertEqual(self.auth.introspections, 1, "a read must not call auth")
        self.assertEqual(self.call("DELETE", f"/v1/links/{link['id']}", token)[0], 204)
        self.assertEqual(self.call("DELETE", f"/v1/links/{link['id']}", token)[0], 404)
        self.assertEqual(self.auth.introspections, 3)

    def test_the_challenges_of_the_contract(self):
        status, response, body = self.call("GET", "/v1/links")
        self.assertEqual((status, body["type"]), (401, "urn:latchkey:problem:token-missing"))
        self.assertEqual(response.getheader("WWW-Authenticate"), 'Bearer realm="latchkey"')
        self.assertEqual(response.getheader("Content-Type"), "application/problem+json")
        self.assertEqual(set(body), {"type", "title", "status", "detail"})

        status, response, body = self.call("GET", "/v1/links", headers={"Authorization": "Basic abc"})
        self.assertEqual((status, body["type"]), (401, "urn:latchkey:problem:token-missing"))

        forged = self.auth.token(key=Ed25519PrivateKey.generate())
        status, response, body = self.call("GET", "/v1/links", forged)
        self.assertEqual((status, body["type"]), (401, "urn:latchkey:problem:token-invalid"))
        self.assertEqual(response.getheader("WWW-Authenticate"), 'Bearer realm="latchkey", error="invalid_token", error_description="invalid"')
        self.assertNotIn(forged.encode(), json.dumps(body).encode())

        now = int(time.time())
        expired = self.auth.token(self.auth.claims(iat=now - 400, nbf=now - 400, exp=now - 31))
        status, response, body = self.call("GET", "/v1/links", expired)
        self.assertEqual((status, body["type"]), (401, "urn:latchkey:problem:token-expired"))
        self.assertEqual(response.getheader("WWW-Authenticate"), 'Bearer realm="latchkey", error="invalid_token", error_description="expired"')

        status, _, body = self.call("GET", "/v1/links", headers={"Authorization": "bearer   "})
        self.assertEqual((status, body["type"]), (401, "urn:latchkey:problem:token-invalid"))

    def test_two_authorization_headers_are_a_bad_request(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.service.port, timeout=10)
        connection.putrequest("GET", "/v1/links")
        connection.putheader("Authorization", f"Bearer {self.auth.token()}")
        connection.putheader("Authorization", "Bearer other")
        connection.endheaders()
        response = connection.getresponse()
        self.assertEqual((response.status, json.loads(response.read())["type"]), (400, "urn:latchkey:problem:validation-failed"))
        connection.close()

    def test_a_revocation_refuses_reads_within_a_second(self):
        claims = self.auth.claims()
        token = self.auth.token(claims)
        self.assertEqual(self.call("GET", "/v1/links", token)[0], 200)
        introspections = self.auth.introspections
        self.auth.revoke(claims["sub"], claims["sid"])
        started = time.monotonic()
        self.assertTrue(wait_until(lambda: self.call("GET", "/v1/links", token)[0] == 401, seconds=1.0))
        self.assertLess(time.monotonic() - started, 1.0)
        status, response, body = self.call("GET", "/v1/links", token)
        self.assertEqual(body["type"], "urn:latchkey:problem:session-ended")
        self.assertEqual(response.getheader("WWW-Authenticate"), 'Bearer realm="latchkey", error="invalid_token", error_description="session ended"')
        self.assertEqual(self.auth.introspections, introspections)

    def test_an_inactive_session_or_an_answer_about_another_one_refuses_writes(self):
        token = self.auth.token(active=False)
        status, _, body = self.call("POST", "/v1/links", token, {"url": "https://example.com"})
        self.assertEqual((status, body["type"]), (401, "urn:latchkey:problem:session-ended"))
        self.auth.answer_override = {"active": True, "sub": str(uuid.uuid4()), "sid": str(uuid.uuid4())}
        status, _, body = self.call("POST", "/v1/links", self.auth.token(), {"url": "https://example.com"})
        self.assertEqual((status, body["type"]), (401, "urn:latchkey:problem:session-ended"))
        self.auth.answer_override = {"status": "yes"}
        status, _, body = self.call("POST", "/v1/links", self.auth.token(), {"url": "https://example.com"})
        self.assertEqual((status, body["type"]), (503, "urn:latchkey:problem:auth-unavailable"))

    def test_writes_fail_closed_when_auth_stalls_or_errs(self):
        token = self.auth.token()
        for mode in ("stall-body", "status-500"):
            self.auth.introspection_mode = mode
            started = time.monotonic()
            status, response, body = self.call("POST", "/v1/links", token, {"url": "https://example.com"})
            elapsed = time.monotonic() - started
            self.assertEqual((status, body["type"]), (503, "urn:latchkey:problem:auth-unavailable"), mode)
            self.assertEqual(response.getheader("Retry-After"), "2")
            self.assertLess(elapsed, 1.5, f"{mode}: the 500 ms deadline covers the whole answer")
        self.auth.introspection_mode = "answer"
        self.assertEqual(self.call("GET", "/v1/links", token)[1].status, 200)
        self.assertEqual(self.call("GET", "/v1/links", token)[2]["items"], [])

    def test_validation(self):
        token = self.auth.token()
        status, _, body = self.call("POST", "/v1/links", token, {"url": "ftp://x", "title": 5})
        self.assertEqual((status, {e["field"] for e in body["errors"]}), (400, {"url", "title"}))
        status, _, body = self.call("POST", "/v1/links", token, {"url": "https://example.com"}, headers={"Content-Type": "text/plain"})
        self.assertEqual(status, 415)
        status, _, body = self.call("POST", "/v1/links", token, {"url": "https://example.com/" + "x" * 20_000})
        self.assertEqual((status, body["type"]), (413, "urn:latchkey:problem:payload-too-large"))
        self.assertEqual(self.call("PUT", "/v1/links", token)[0], 405)
        self.assertEqual(self.call("GET", "/v1/other", token)[0], 404)

    def test_cookie_transport_needs_the_csrf_token_for_writes(self):
        csrf = "c" * 43
        claims = self.auth.claims(csrf=b64url_encode(hashlib.sha256(csrf.encode()).digest()), client_id="web")
        token = self.auth.token(claims)
        cookies = {"Cookie": f"access_token={token}; csrf_token={csrf}"}
        self.assertEqual(self.call("GET", "/v1/links", headers=cookies)[0], 200)
        # The secure name is not ours with COOKIE_SECURE=false.
        self.assertEqual(self.call("GET", "/v1/links", headers={"Cookie": f"__Host-access_token={token}"})[0], 401)
        status, _, body = self.call("POST", "/v1/links", body={"url": "https://example.com"}, headers=cookies)
        self.assertEqual((status, body["type"]), (403, "urn:latchkey:problem:csrf-failed"))
        wrong = {**cookies, "X-CSRF-Token": "d" * 43}
        self.assertEqual(self.call("POST", "/v1/links", body={"url": "https://example.com"}, headers=wrong)[0], 403)
        right = {**cookies, "X-CSRF-Token": csrf}
        self.assertEqual(self.call("POST", "/v1/links", body={"url": "https://example.com"}, headers=right)[0], 201)

    def test_an_unknown_kid_refetches_the_keys_at_most_once_per_30_seconds(self):
        fetches = self.auth.jwks_fetches
        new_key = Ed25519PrivateKey.generate()
        self.auth.published["key-2"] = new_key
        token = self.auth.token(header=self.auth.header(kid="key-2"), key=new_key)
        self.assertEqual(self.call("GET", "/v1/links", token)[0], 200)
        self.assertEqual(self.auth.jwks_fetches, fetches + 1)
        newer = Ed25519PrivateKey.generate()
        self.auth.published["key-3"] = newer
        for _ in range(3):
            token = self.auth.token(header=self.auth.header(kid="key-3"), key=newer)
            self.assertEqual(self.call("GET", "/v1/links", token)[0], 401)
        self.assertEqual(self.auth.jwks_fetches, fetches + 1)

    def test_account_deletion_removes_the_users_data_and_refuses_their_tokens(self):
        gone, kept = self.auth.claims(), self.auth.claims()
        gone_token, kept_token = self.auth.token(gone), self.auth.token(kept)
        for token in (gone_token, kept_token):
            self.assertEqual(self.call("POST", "/v1/links", token, {"url": "https://example.com"})[0], 201)
        self.auth.delete_account(gone["sub"])
        self.assertTrue(wait_until(lambda: self.call("GET", "/v1/links", gone_token)[0] == 401, seconds=1.0))
        self.assertEqual(self.service.store.list(gone["sub"]), [])
        self.assertEqual(len(self.call("GET", "/v1/links", kept_token)[2]["items"]), 1)

    def test_a_failed_erasure_is_retried_from_the_replay(self):
        gone = self.auth.claims()
        self.assertEqual(self.call("POST", "/v1/links", self.auth.token(gone), {"url": "https://example.com"})[0], 201)
        erase, failures = self.service.store.erase_account, []

        def flaky(user_id, deleted_at):
            if not failures:
                failures.append(user_id)
                raise OSError("disk full")
            return erase(user_id, deleted_at)

        self.service.store.erase_account = flaky
        seq = self.auth.delete_account(gone["sub"])
        self.assertTrue(wait_until(lambda: self.service.feed.last_seq == seq, seconds=3))
        self.assertEqual(failures, [gone["sub"]])
        self.assertEqual(self.service.store.list(gone["sub"]), [])
        self.assertEqual(self.auth.feed_afters[-1], seq - 1, "reconnected after the last event applied")

    def test_request_ids(self):
        self.assertEqual(self.call("GET", "/healthz", headers={"X-Request-ID": "abc-1.2_3"})[1].getheader("X-Request-ID"), "abc-1.2_3")
        self.assertNotEqual(self.call("GET", "/healthz", headers={"X-Request-ID": "bad id"})[1].getheader("X-Request-ID"), "bad id")


class StoreTests(unittest.TestCase):
    def test_no_write_of_a_deleted_account_survives(self):
        store = LinkStore(":memory:")
        user = str(uuid.uuid4())
        store.add(user, "https://example.com", None)
        self.assertEqual(store.erase_account(user, time.time()), 1)
        self.assertEqual(store.erase_account(user, time.time()), 0)  # the replay repeats it
        with self.assertRaises(AccountGone):
            store.add(user, "https://example.com", None)  # confirmed just before, written after: refused
        self.assertEqual(store.list(user), [])
        other = str(uuid.uuid4())
        store.add(other, "https://example.com", None)
        self.assertEqual(len(store.list(other)), 1)


class FeedConnectionTests(ServiceTestCase):
    def setUp(self):
        super().setUp()
        self.start()

    def test_a_silent_feed_is_replaced_and_resumes_after_the_last_seq(self):
        claims = self.auth.claims()
        self.auth.revoke(claims["sub"], claims["sid"])
        self.assertTrue(wait_until(lambda: self.service.feed.last_seq == 1))
        self.auth.feed_silent = True
        started = time.monotonic()
        self.assertTrue(wait_until(lambda: len(self.auth.feed_afters) >= 2, seconds=6))
        self.assertLess(time.monotonic() - started, 4, "the watchdog fires after 2 s of silence")
        self.assertEqual(self.auth.feed_afters[1], 1)
        self.auth.feed_silent = False

    def test_a_broken_stream_resumes_without_losing_events(self):
        self.auth.drop_streams()
        claims = self.auth.claims()
        token = self.auth.token(claims)
        self.auth.revoke(claims["sub"], claims["sid"])  # published while disconnected: read from the replay
        self.assertTrue(wait_until(lambda: self.call("GET", "/v1/links", token)[0] == 401, seconds=3))
        self.assertEqual(self.auth.feed_afters[:2], [0, 0])

    def test_a_new_epoch_replays_from_the_start_and_keeps_what_it_knew(self):
        claims = self.auth.claims()
        token = self.auth.token(claims)
        self.auth.revoke(claims["sub"], claims["sid"])
        self.assertTrue(wait_until(lambda: self.service.feed.last_seq == 1))
        # A new auth database: new epoch, the sequence starts again.
        self.auth.events.clear()
        self.auth.epoch = str(uuid.uuid4())
        self.auth.drop_streams()
        self.assertTrue(wait_until(lambda: self.service.feed.resynchronisations == 1, seconds=3))
        self.assertTrue(wait_until(lambda: self.auth.feed_afters[-1] == 0 and len(self.auth.feed_afters) >= 3, seconds=3))
        self.assertEqual(self.call("GET", "/v1/links", token)[0], 401)


if __name__ == "__main__":
    unittest.main()
