"""The gateway's own rules, over plain HTTP (no browser): /internal/ refused, security headers, body limit."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

API_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def fetch(url: str, method: str = "GET", body: bytes | None = None, headers: dict | None = None):
    """(status, headers, body) of one request; error statuses are answers too."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.mark.parametrize(
    "path",
    ["/.well-known/jwks.json", "/v1/notes", "/v1/profile", "/v1/sessions"],
)
def test_api_answers_carry_the_security_headers(base_url: str, path: str) -> None:
    status, headers, _ = fetch(base_url + path)
    assert status in (200, 401), f"{path}: {status}"
    for name, value in API_HEADERS.items():
        assert headers.get(name) == value, f"{path}: {name} is {headers.get(name)!r}"


def test_the_web_demo_has_a_strict_policy(base_url: str) -> None:
    status, headers, _ = fetch(base_url + "/")
    assert status == 200
    policy = headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert headers.get("X-Content-Type-Options") == "nosniff"
    assert headers.get("Referrer-Policy") == "no-referrer"


@pytest.mark.parametrize(
    "path",
    ["/internal/v1/introspect", "/internal/v1/revocations", "/internal", "/v1/../internal/v1/introspect", "/%69nternal/v1/revocations"],
)
def test_internal_endpoints_are_never_routed(base_url: str, path: str) -> None:
    for method in ("GET", "POST"):
        status, headers, body = fetch(base_url + path, method=method, body=b"token=x" if method == "POST" else None)
        assert status == 404, f"{method} {path}: {status}"
        assert headers.get("Content-Type", "").startswith("application/problem+json")
        assert json.loads(body)["type"] == "urn:latchkey:problem:not-found"


def test_bodies_over_256_kib_are_refused_with_a_problem(base_url: str) -> None:
    body = json.dumps({"title": "big", "body": "x" * (300 * 1024)}).encode()
    status, headers, answer = fetch(
        base_url + "/v1/notes", method="POST", body=body, headers={"Content-Type": "application/json"}
    )
    assert status == 413
    assert json.loads(answer)["type"] == "urn:latchkey:problem:payload-too-large"

