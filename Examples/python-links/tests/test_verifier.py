"""The verifier's rules, one by one, without any server (TokenKit's AccessTokenVerifierTests, in Python)."""

import hashlib
import hmac
import json
import unittest
import uuid

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from latchkey_tokens import (
    AccessTokenVerifier,
    ServerSentEventParser,
    TokenRejected,
    b64url_decode,
    b64url_encode,
    max_age,
    parse_jwks,
)
from tests.fake_auth import raw_public, sign

NOW = 1_800_000_000


class Keys:
    def __init__(self, keys):
        self.keys = keys
        self.asked = []

    def key_for(self, kid):
        self.asked.append(kid)
        return self.keys.get(kid)


class VerifierTests(unittest.TestCase):
    def setUp(self):
        self.key = Ed25519PrivateKey.generate()
        self.other = Ed25519PrivateKey.generate()
        self.keys = Keys({"k1": self.key.public_key(), "k2": self.other.public_key()})
        self.verifier = AccessTokenVerifier("latchkey", ["links"], self.keys, clock=lambda: NOW + 0.9)

    def claims(self, **changes):
        claims = {
            "iss": "latchkey",
            "aud": ["notes", "profile", "links"],
            "sub": str(uuid.uuid4()),
            "sid": str(uuid.uuid4()),
            "jti": str(uuid.uuid4()),
            "iat": NOW,
            "nbf": NOW,
            "exp": NOW + 300,
            "client_id": "native",
        }
        claims.update(changes)
        return {name: value for name, value in claims.items() if value is not None}

    def token(self, claims=None, key=None, **header):
        full = {"alg": "EdDSA", "typ": "at+jwt", "kid": "k1"}
        full.update(header)
        full = {name: value for name, value in full.items() if value is not None}
        return sign(key or self.key, claims or self.claims(), full)

    def refused(self, token, reason=None):
        with self.assertRaises(TokenRejected) as caught:
            self.verifier.verify(token)
        if reason:
            self.assertEqual(caught.exception.reason, reason)
        return caught.exception

    def test_a_genuine_token_is_accepted(self):
        claims = self.claims(sub=str(uuid.uuid4()).upper())
        verified = self.verifier.verify(self.token(claims))
        self.assertEqual(verified.subject, claims["sub"].lower())
        self.assertEqual(verified.session_id, claims["sid"])
        self.assertEqual(verified.audience, ("notes", "profile", "links"))

    def test_only_eddsa(self):
        for alg in ("none", "HS256", "RS256", "ES256", "eddsa", None):
            self.assertEqual(self.refused(self.token(alg=alg), "algorithm").description, "invalid")

    def test_alg_none_with_an_empty_signature(self):
        header = b64url_encode(json.dumps({"alg": "none", "typ": "at+jwt", "kid": "k1"}).encode())
        payload = b64url_encode(json.dumps(self.claims()).encode())
        self.refused(f"{header}.{payload}.", "malformed")
        self.refused(f"{header}.{payload}", "malformed")

    def test_hs256_with_the_public_key_as_secret(self):
        header = b64url_encode(json.dumps({"alg": "HS256", "typ": "at+jwt", "kid": "k1"}).encode())
        payload = b64url_encode(json.dumps(self.claims()).encode())
        mac = hmac.new(raw_public(self.key), f"{header}.{payload}".encode(), hashlib.sha256).digest()
        self.refused(f"{header}.{payload}.{b64url_encode(mac)}", "algorithm")

    def test_only_at_jwt(self):
        for typ in ("JWT", "at+JWT", "", None):
            self.refused(self.token(typ=typ), "type")

    def test_header_allow_list(self):
        for name, value in (("crit", ["exp"]), ("jku", "http://evil"), ("x5u", "http://evil"), ("x5c", ["AA"]), ("jwk", {}), ("x5t", "AA"), ("cty", "JWT")):
            self.refused(self.token(**{name: value}), "header")

    def test_kid_must_be_published(self):
        self.refused(self.token(kid=None), "missing_kid")
        self.refused(self.token(kid=""), "missing_kid")
        self.refused(self.token(kid="k" * 129), "missing_kid")
        self.refused(self.token(kid=7), "missing_kid")
        self.refused(self.token(kid="unknown"), "unknown_kid")

    def test_a_known_kid_is_never_tried_with_another_key(self):
        # Signed by k2's private key but naming k1: the signature check uses k1 only.
        self.refused(self.token(key=self.other, kid="k1"), "signature")
        self.assertTrue(self.verifier.verify(self.token(key=self.other, kid="k2")))

    def test_forged_signature(self):
        forger = Ed25519PrivateKey.generate()
        self.refused(self.token(key=forger), "signature")
        header, payload, signature = self.token().split(".")
        self.refused(f"{header}.{payload}.{signature[:-2]}", "signature")
        tampered = b64url_encode(json.dumps(self.claims(sub=str(uuid.uuid4()))).encode())
        self.refused(f"{header}.{tampered}.{signature}", "signature")

    def test_strict_base64url(self):
        header, payload, signature = self.token().split(".")
        self.refused(f"{header}=.{payload}.{signature}")
        self.refused(f"{header}.{payload}.{signature}==")
        self.refused(f"{header}.{payload[:-1]}+.{signature}", "signature")  # the signature is checked first
        self.refused(f"{header} .{payload}.{signature}", "malformed")
        self.assertIsNone(b64url_decode("QQ=="))
        self.assertIsNone(b64url_decode("QR"))  # unused bits not zero
        self.assertEqual(b64url_decode("QQ"), b"A")
        self.assertIsNone(b64url_decode("Q"))
        self.assertIsNone(b64url_decode("QQ\n"))

    def test_shape_and_size(self):
        token = self.token()
        for bad in ("", ".", "..", "a.b", "a.b.c.d", token + ".x", "." + token, "é.b.c"):
            self.refused(bad)
        self.refused(self.token(self.claims(pad="x" * 4000)), "oversized")

    def test_issuer_and_audience(self):
        self.refused(self.token(self.claims(iss="someone-else")), "issuer")
        self.refused(self.token(self.claims(aud=["notes", "profile"])), "audience")
        self.refused(self.token(self.claims(aud=[])), "audience")
        self.refused(self.token(self.claims(aud="links")), "claims")  # always an array

    def test_required_claims_and_types(self):
        for name in ("iss", "aud", "sub", "sid", "jti", "iat", "nbf", "exp"):
            claims = self.claims()
            del claims[name]
            self.refused(self.token(claims), "claims")
        for name, value in (("sub", "not-a-uuid"), ("sid", "{" + str(uuid.uuid4()) + "}"), ("jti", 5),
                            ("exp", float(NOW + 300)), ("exp", True), ("nbf", str(NOW)), ("iat", 2**63), ("csrf", 5)):
            self.refused(self.token(self.claims(**{name: value})), "claims")

    def test_repeated_names_are_refused(self):
        header = b64url_encode(b'{"alg":"EdDSA","typ":"at+jwt","kid":"k1","kid":"k2"}')
        payload = b64url_encode(json.dumps(self.claims()).encode())
        signing_input = f"{header}.{payload}"
        self.refused(signing_input + "." + b64url_encode(self.key.sign(signing_input.encode())), "malformed")

    def test_not_before_with_leeway(self):
        self.assertTrue(self.verifier.verify(self.token(self.claims(nbf=NOW + 30))))
        self.refused(self.token(self.claims(nbf=NOW + 31)), "not_yet_valid")

    def test_expiry_with_leeway_and_only_for_genuine_tokens(self):
        # Valid until exp + 30 s, exclusive.
        self.assertTrue(self.verifier.verify(self.token(self.claims(exp=NOW - 29))))
        rejected = self.refused(self.token(self.claims(exp=NOW - 30)), "expired")
        self.assertTrue(rejected.expired)
        self.assertEqual(rejected.description, "expired")
        # Expired and anything else wrong: invalid, never "expired".
        self.assertFalse(self.refused(self.token(self.claims(exp=NOW - 100, aud=["notes"]))).expired)
        self.assertFalse(self.refused(self.token(self.claims(exp=NOW - 100), key=Ed25519PrivateKey.generate())).expired)
        self.assertFalse(self.refused(self.token(self.claims(exp=NOW - 100, nbf=NOW + 100))).expired)

    def test_extreme_times_do_not_overflow(self):
        self.assertTrue(self.verifier.verify(self.token(self.claims(exp=2**63 - 1))))
        self.refused(self.token(self.claims(nbf=2**63 - 1)), "not_yet_valid")
        self.refused(self.token(self.claims(exp=-(2**63))), "expired")

    def test_leeway_is_clamped_to_30_seconds(self):
        lenient = AccessTokenVerifier("latchkey", ["links"], self.keys, leeway_seconds=3600, clock=lambda: NOW)
        self.assertEqual(lenient.leeway, 30)
        with self.assertRaises(TokenRejected):
            lenient.verify(self.token(self.claims(exp=NOW - 31)))

    def test_a_dpop_bound_token_is_not_a_bearer_token(self):
        rejected = self.refused(self.token(self.claims(cnf={"jkt": "x"})), "dpop_bound")
        self.assertEqual(rejected.description, "dpop-bound")


class JWKSParsingTests(unittest.TestCase):
    def test_only_ed25519_signature_keys(self):
        good = Ed25519PrivateKey.generate()
        x = b64url_encode(raw_public(good))
        document = {
            "keys": [
                {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": "good", "alg": "EdDSA", "use": "sig"},
                {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": "bare"},
                {"kty": "RSA", "n": "AQAB", "e": "AQAB", "kid": "rsa"},
                {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": "hs", "alg": "HS256"},
                {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": "enc", "use": "enc"},
                {"kty": "OKP", "crv": "X25519", "x": x, "kid": "x25519"},
                {"kty": "OKP", "crv": "Ed25519", "x": x[:-2], "kid": "short"},
                {"kty": "OKP", "crv": "Ed25519", "x": x, "kid": ""},
                {"kty": "OKP", "crv": "Ed25519", "x": x},
                "not an object",
            ]
        }
        self.assertEqual(set(parse_jwks(json.dumps(document).encode())), {"good", "bare"})
        for bad in (b"[]", b"{}", b'{"keys": {}}', b"not json"):
            with self.assertRaises(ValueError):
                parse_jwks(bad)

    def test_max_age(self):
        self.assertEqual(max_age("public, max-age=75"), 75)
        self.assertEqual(max_age("Max-Age = 5"), 5)
        self.assertIsNone(max_age("no-store"))
        self.assertIsNone(max_age(None))
        self.assertIsNone(max_age("max-age=-1"))


class EventStreamParserTests(unittest.TestCase):
    def test_events_split_anywhere(self):
        stream = b"event: epoch\r\ndata: {\"a\":1}\r\n\r\n: comment\n\nevent: heartbeat\ndata: {}\n\ndata: x\ndata: y\n\n"
        parser = ServerSentEventParser()
        events = []
        for index in range(len(stream)):
            events += parser.feed(stream[index:index + 1])
        self.assertEqual(events, [("epoch", '{"a":1}'), ("heartbeat", "{}"), ("message", "x\ny")])

    def test_an_endless_line_is_refused(self):
        with self.assertRaises(ValueError):
            ServerSentEventParser().feed(b"data: " + b"x" * 70_000)


if __name__ == "__main__":
    unittest.main()
