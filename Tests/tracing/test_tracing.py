"""Tracing across the services (issue #16, CONTRACT.md "Request ids and tracing"), and that neither
the exported spans nor the logs carry a secret.

Scripts/test-tracing.sh runs it (a throwaway PostgreSQL, the virtualenv with opentelemetry-proto).
It starts an OTLP/HTTP receiver (otlp_receiver.py) and the debug executables auth, notes and profile
with tracing on (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_BSP_SCHEDULE_DELAY=200 ms), LOG_FORMAT=json and
LOG_LEVEL=debug, then sends:

  sign-up, login (bearer), an admin lookup by ?email=, a refresh            (auth)
  one write POST /v1/notes with traceparent 00-T1-P1-01                      (notes -> auth introspection)
  one write PUT /v1/profile with traceparent 00-T3-P3-01 and an X-Request-ID (profile, tracing on through
                                                  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT instead)
  one write to a second notes with OTEL_SERVICE_NAME=custom-notes, trace T2
  one write to a third notes with OTEL_TRACES_EXPORTER=none, trace T4       (tracing off)

and stops every service with SIGTERM (which flushes their spans). Then it checks the spans (trace ids,
parent links, kinds, service.name), the request ids in the JSON logs, and that no span (name,
attribute keys and values, events, resource) and no log line holds the e-mail, the password, the
password hash (read from auth's database), an access or refresh token, or a client secret.

Environment:
  TRACING_BIN_DIR       where auth, notes and profile are (required)
  TRACING_DATABASE_URL  postgres://user@host:port of a cluster with databases auth, notes, profile (required)
  TRACING_PSQL          psql (default: psql on PATH)
  TRACING_WORK          where logs, spans.jsonl and pids go (default: a temporary folder)
  TRACING_WAIT_SECONDS  the bound on each wait for spans (default 20)
"""

from __future__ import annotations

import base64
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from otlp_receiver import PROTOBUF, Receiver  # noqa: E402

BIN_DIR = Path(os.environ.get("TRACING_BIN_DIR", ""))
DATABASE_URL = os.environ.get("TRACING_DATABASE_URL", "")
PSQL = os.environ.get("TRACING_PSQL", "psql")
WORK = Path(os.environ.get("TRACING_WORK") or tempfile.mkdtemp(prefix="latchkey-tracing."))
WAIT = float(os.environ.get("TRACING_WAIT_SECONDS", "20"))
READY_SECONDS = 30
STOP_SECONDS = 10
BATCH_DELAY_MS = 200
TRACING_ON = "Tracing on"
SERVER, CLIENT = "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT"
INTROSPECT = "/internal/v1/introspect"

# Straight to 127.0.0.1, whatever http_proxy says.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    """A free port in 20000-31999 (below the ephemeral range, as Scripts/lib/ports.sh picks them)."""
    for _ in range(200):
        port = random.randint(20000, 31999)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port on 127.0.0.1")


def call(method: str, url: str, body=None, headers=None, timeout: float = 10):
    """(status, headers, parsed JSON body or None)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with OPENER.open(request, timeout=timeout) as response:
            raw = response.read()
            status, answer_headers = response.status, response.headers
    except urllib.error.HTTPError as error:
        raw, status, answer_headers = error.read(), error.code, error.headers
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = raw.decode(errors="replace")
    return status, answer_headers, parsed


class Service:
    """One executable, started with only the given settings; its PID goes to WORK/pids."""

    def __init__(self, name: str, executable: str, settings: dict[str, str]):
        self.name = name
        self.executable = str(BIN_DIR / executable)
        self.port = free_port()
        self.settings = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOST": "127.0.0.1", "COOKIE_SECURE": "false",
                         "PORT": str(self.port), **settings}
        self.out = WORK / f"{name}.out.log"
        self.err = WORK / f"{name}.err.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Service":
        with open(self.out, "wb") as out, open(self.err, "wb") as err:
            self.process = subprocess.Popen([self.executable], env=self.settings, stdout=out, stderr=err,
                                            stdin=subprocess.DEVNULL, cwd=WORK)
        with open(WORK / "pids", "a") as pids:
            pids.write(f"{self.process.pid}\n")
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"{self.name} exited ({self.process.returncode}) while starting:\n{self.tail()}")
            try:
                if call("GET", self.url + "/readyz", timeout=2)[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"{self.name} was not ready on port {self.port} within {READY_SECONDS} s:\n{self.tail()}")

    def stop(self) -> None:
        """SIGTERM (the exporter flushes the last spans after the application has stopped), SIGKILL after 10 s."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
            raise AssertionError(f"{self.name} did not stop within {STOP_SECONDS} s of SIGTERM")

    def log_text(self) -> str:
        return "".join(path.read_text(errors="replace") for path in (self.out, self.err) if path.exists())

    def json_lines(self) -> list[dict]:
        lines = []
        if self.out.exists():
            for line in self.out.read_text(errors="replace").splitlines():
                try:
                    value = json.loads(line)
                except ValueError:
                    continue
                if isinstance(value, dict):
                    lines.append(value)
        return lines

    def tail(self, count: int = 15) -> str:
        return "\n".join(line[:300] for line in self.log_text().splitlines()[-count:])


def new_traceparent() -> tuple[str, str, str]:
    trace_id, span_id = secrets.token_hex(16), secrets.token_hex(8)
    return trace_id, span_id, f"00-{trace_id}-{span_id}-01"


def by_id(spans: list[dict]) -> dict[str, dict]:
    return {span["span_id"]: span for span in spans}


def describe(span: dict) -> str:
    return (f'{span["service_name"]}: {span["kind"].removeprefix("SPAN_KIND_").lower()} "{span["name"]}" '
            f'span {span["span_id"]} parent {span["parent_span_id"] or "-"} '
            f'{span["attributes"].get("http.request.method", "")} {span["attributes"].get("url.path", "")}').rstrip()


def trace_tree(spans: list[dict], trace_id: str) -> str:
    """The spans of one trace, indented under their parents (for the record and for failures)."""
    members = [span for span in spans if span["trace_id"] == trace_id]
    ids = by_id(members)
    children: dict[str, list[dict]] = {}
    for span in sorted(members, key=lambda span: span["start_ns"]):
        parent = span["parent_span_id"] if span["parent_span_id"] in ids else ""
        children.setdefault(parent, []).append(span)
    lines = []

    def walk(parent: str, depth: int):
        for span in children.get(parent, []):
            remote = "" if depth or not span["parent_span_id"] else " (remote parent)"
            lines.append("  " * (depth + 1) + describe(span) + remote)
            walk(span["span_id"], depth + 1)

    walk("", 0)
    return "\n".join(lines) or "  (no span)"


def server_span(spans: list[dict], trace_id: str, service: str, path: str) -> list[dict]:
    return [span for span in spans if span["trace_id"] == trace_id and span["kind"] == SERVER
            and span["service_name"] == service and span["attributes"].get("url.path") == path]


def flatten(value) -> list[str]:
    if isinstance(value, dict):
        return [text for key, item in value.items() for text in [str(key), *flatten(item)]]
    if isinstance(value, (list, tuple)):
        return [text for item in value for text in flatten(item)]
    return [str(value)] if value is not None else []


def span_texts(span: dict) -> list[str]:
    """Everything of a span a secret could be in: name, attributes, events, resource, status, links."""
    return [span["name"], span["status_message"], *flatten(span["attributes"]), *flatten(span["events"]),
            *flatten(span["resource"]), *flatten(span["links"])]


def variants(secret: str) -> set[str]:
    """The forms a secret may take in a log line or an attribute: as is, lower-cased, URL- and JSON-escaped
    (with and without escaped slashes, which Foundation's JSONEncoder writes by default)."""
    forms = {secret, secret.lower(), urllib.parse.quote(secret, safe=""), urllib.parse.quote_plus(secret),
             json.dumps(secret)[1:-1], json.dumps(secret)[1:-1].replace("/", "\\/")}
    return {form for form in forms if len(form) >= 6}


def token_parts(token: str) -> dict[str, str]:
    """A token, and its parts that are specific to it (a JWT's claims and signature, not its header)."""
    parts = {"whole": token}
    pieces = token.split(".")
    if len(pieces) == 3:
        parts["claims"], parts["signature"] = pieces[1], pieces[2]
    elif len(pieces) > 1:
        for index, piece in enumerate(pieces):
            if len(piece) >= 16:
                parts[f"part {index}"] = piece
    return parts


class TracingTest(unittest.TestCase):
    receiver: Receiver
    services: list[Service]
    spans: list[dict]
    facts: dict

    @classmethod
    def setUpClass(cls):
        if not BIN_DIR.is_dir() or not DATABASE_URL:
            raise unittest.SkipTest("TRACING_BIN_DIR and TRACING_DATABASE_URL are required (run Scripts/test-tracing.sh)")
        WORK.mkdir(parents=True, exist_ok=True)
        cls.services = []
        cls.facts = {}
        cls.receiver = Receiver().start()
        try:
            cls.run_scenario()
        except BaseException:
            cls.stop_all()
            cls.receiver.stop()
            cls.dump_spans()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.stop_all()
        cls.receiver.stop()
        cls.dump_spans()

    @classmethod
    def stop_all(cls):
        for service in reversed(getattr(cls, "services", [])):
            try:
                service.stop()
            except AssertionError as error:
                cls.facts.setdefault("stop_errors", []).append(str(error))

    @classmethod
    def dump_spans(cls):
        with open(WORK / "spans.jsonl", "w") as out:
            for span in cls.receiver.spans():
                out.write(json.dumps(span, default=str) + "\n")

    @classmethod
    def start(cls, name: str, executable: str, settings: dict[str, str]) -> Service:
        service = Service(name, executable, settings)
        cls.services.append(service)
        return service.start()

    @classmethod
    def run_scenario(cls):
        facts = cls.facts
        otel = {"OTEL_EXPORTER_OTLP_ENDPOINT": cls.receiver.endpoint, "OTEL_BSP_SCHEDULE_DELAY": str(BATCH_DELAY_MS),
                "LOG_FORMAT": "json", "LOG_LEVEL": "debug"}
        client_secret = secrets.token_hex(16)
        admin_secret = secrets.token_hex(16)
        secret_key = base64.b64encode(secrets.token_bytes(32)).decode()
        facts["secrets"] = {"introspection client secret": client_secret, "admin client secret": admin_secret,
                            "AUTH_SECRET_KEY": secret_key}
        auth = cls.start("auth", "auth", {
            **otel, "DATABASE_URL": f"{DATABASE_URL}/auth", "AUTH_SECRET_KEY": secret_key, "BCRYPT_COST": "4",
            "INTROSPECTION_CLIENTS": f"notes:{client_secret},profile:{client_secret}",
            "ADMIN_CLIENTS": f"ops:{admin_secret}", "SIGNUPS_PER_CLIENT": "100"})

        def resource(name: str, executable: str, extra: dict[str, str]) -> Service:
            return cls.start(name, executable, {
                **otel, "DATABASE_URL": f"{DATABASE_URL}/{executable}", "AUTH_URL": auth.url,
                "INTROSPECTION_CLIENT_ID": executable, "INTROSPECTION_CLIENT_SECRET": client_secret, **extra})

        notes = resource("notes", "notes", {})
        # profile turns tracing on with the traces-specific endpoint (used as is: the full URL).
        profile_otel = {key: value for key, value in otel.items() if key != "OTEL_EXPORTER_OTLP_ENDPOINT"}
        profile = cls.start("profile", "profile", {
            **profile_otel, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": cls.receiver.endpoint + "/v1/traces",
            "DATABASE_URL": f"{DATABASE_URL}/profile", "AUTH_URL": auth.url,
            "INTROSPECTION_CLIENT_ID": "profile", "INTROSPECTION_CLIENT_SECRET": client_secret})
        missing = [service.name for service in (auth, notes, profile) if TRACING_ON not in service.log_text()]
        if missing:
            raise AssertionError(
                f"{', '.join(missing)} did not log {TRACING_ON!r} with OTEL_EXPORTER_OTLP_ENDPOINT (profile: "
                f"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) set: these executables in {BIN_DIR} do not export spans "
                f"(built before tracing?). Last lines of {missing[0]}:\n"
                f"{next(service for service in cls.services if service.name == missing[0]).tail()}")

        # --- the user's requests ------------------------------------------------------------------------
        email = f"Tracing-{uuid.uuid4().hex[:12]}@Tracing-Test.example"
        password = f"tracing pass {secrets.token_hex(8)}"
        facts.update(email=email, password=password, request_ids={})

        def expect(service: Service, method: str, path: str, status: int, body=None, headers=None, label=None):
            got, answer_headers, answer = call(method, service.url + path, body, headers)
            if got != status:
                raise AssertionError(f"{method} {path} on {service.name}: {got} instead of {status}: {answer}")
            facts["request_ids"][label or f"{method} {path}"] = answer_headers.get("X-Request-ID")
            return answer_headers, answer

        expect(auth, "POST", "/v1/accounts", 201, {"email": email, "password": password}, label="sign-up")
        facts["password_hash"] = subprocess.run(
            [PSQL, f"{DATABASE_URL}/auth", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c",
             f"SELECT password_hash FROM accounts WHERE email = '{email.lower()}'"],
            capture_output=True, text=True, timeout=30, check=True, env={**os.environ, "PGCONNECT_TIMEOUT": "10"},
        ).stdout.strip()
        if not facts["password_hash"]:
            raise AssertionError(f"no password_hash in auth's accounts for {email.lower()}")
        _, session = expect(auth, "POST", "/v1/sessions", 201, {"email": email, "password": password}, label="login")
        access, refresh = session["access_token"], session["refresh_token"]
        facts["tokens"] = {"access token": access, "refresh token": refresh}

        trace_id, parent_id, traceparent = new_traceparent()
        facts["notes_trace"] = (trace_id, parent_id)
        headers, _ = expect(notes, "POST", "/v1/notes", 201, {"title": "traced", "body": "one traced write"},
                               {"Authorization": f"Bearer {access}", "traceparent": traceparent}, label="notes write")
        facts["notes_write_request_id"] = headers.get("X-Request-ID")
        # How long the write's spans take to reach the receiver (batches every OTEL_BSP_SCHEDULE_DELAY).
        written = time.monotonic()
        if cls.receiver.wait_for(lambda spans: server_span(spans, trace_id, "notes", "/v1/notes")
                                 and server_span(spans, trace_id, "auth", INTROSPECT), WAIT):
            facts["arrival_seconds"] = time.monotonic() - written

        basic = base64.b64encode(f"ops:{admin_secret}".encode()).decode()
        expect(auth, "GET", "/internal/v1/admin/accounts?" + urllib.parse.urlencode({"email": email}), 200,
               headers={"Authorization": f"Basic {basic}"}, label="admin lookup by e-mail")

        trace_id, parent_id, traceparent = new_traceparent()
        facts["profile_trace"] = (trace_id, parent_id)
        own_request_id = f"tracing-test.{uuid.uuid4().hex[:16]}"
        facts["profile_own_request_id"] = own_request_id
        headers, _ = expect(profile, "PUT", "/v1/profile", 200, {"display_name": "Traced", "bio": "one traced write"},
                            {"Authorization": f"Bearer {access}", "traceparent": traceparent,
                             "X-Request-ID": own_request_id}, label="profile write")
        facts["profile_write_request_id"] = headers.get("X-Request-ID")

        _, rotated = expect(auth, "POST", "/v1/sessions/refresh", 200, {"refresh_token": refresh}, label="refresh")
        facts["tokens"].update({"refreshed access token": rotated["access_token"],
                                "refreshed refresh token": rotated["refresh_token"]})

        # --- OTEL_SERVICE_NAME on a second notes -------------------------------------------------------
        custom = resource("notes-custom", "notes", {"OTEL_SERVICE_NAME": "custom-notes"})
        trace_id, parent_id, traceparent = new_traceparent()
        facts["custom_trace"] = (trace_id, parent_id)
        expect(custom, "POST", "/v1/notes", 201, {"title": "custom", "body": "service name"},
               {"Authorization": f"Bearer {rotated['access_token']}", "traceparent": traceparent},
               label="custom-notes write")

        # --- tracing off: an endpoint but OTEL_TRACES_EXPORTER=none ------------------------------------
        off = resource("notes-off", "notes", {"OTEL_TRACES_EXPORTER": "none"})
        trace_id, parent_id, traceparent = new_traceparent()
        facts["off_trace"] = (trace_id, parent_id)
        expect(off, "POST", "/v1/notes", 201, {"title": "off", "body": "no spans"},
               {"Authorization": f"Bearer {rotated['access_token']}", "traceparent": traceparent}, label="tracing-off write")
        facts["off_logged_tracing_on"] = TRACING_ON in off.log_text()

        # --- the spans arrive within the batch delay; then SIGTERM flushes the rest ----------------------
        wanted = [(facts["notes_trace"][0], "notes", "/v1/notes"), (facts["notes_trace"][0], "auth", INTROSPECT),
                  (facts["profile_trace"][0], "profile", "/v1/profile"), (facts["profile_trace"][0], "auth", INTROSPECT),
                  (facts["custom_trace"][0], "custom-notes", "/v1/notes"), (facts["custom_trace"][0], "auth", INTROSPECT)]
        facts["all_arrived"] = bool(cls.receiver.wait_for(lambda spans: all(server_span(spans, *want) for want in wanted), WAIT))
        cls.stop_all()
        cls.receiver.wait_quiet(quiet=1.0, timeout=WAIT)
        cls.spans = cls.receiver.spans()
        cls.dump_spans()

    # --- helpers -------------------------------------------------------------------------------------

    def trace_report(self, trace_id: str) -> str:
        return f"trace {trace_id}:\n{trace_tree(self.spans, trace_id)}"

    def one_server_span(self, trace_id: str, service: str, path: str) -> dict:
        found = server_span(self.spans, trace_id, service, path)
        self.assertEqual(len(found), 1, f"expected one server span of {service} for {path} in the trace; "
                                        f"{len(self.spans)} spans received.\n{self.trace_report(trace_id)}")
        return found[0]

    def assert_continued_and_linked(self, trace: tuple[str, str], service: str, path: str):
        """The resource service's span continues the caller's traceparent; auth's introspection span is in
        the same trace, its parent a client span of the resource service whose parents lead to its server span."""
        trace_id, caller_span = trace
        report = self.trace_report(trace_id)
        server = self.one_server_span(trace_id, service, path)
        self.assertEqual(server["parent_span_id"], caller_span,
                         f"{service}'s server span does not have the traceparent's span as its parent\n{report}")
        introspection = self.one_server_span(trace_id, "auth", INTROSPECT)
        spans = by_id([span for span in self.spans if span["trace_id"] == trace_id])
        parent = spans.get(introspection["parent_span_id"])
        self.assertIsNotNone(parent, f"auth's introspection span's parent {introspection['parent_span_id']} is not "
                                     f"a span of the trace\n{report}")
        self.assertEqual(parent["service_name"], service, f"auth's introspection span's parent is not {service}'s\n{report}")
        self.assertEqual(parent["kind"], CLIENT, f"auth's introspection span's parent is not a client span\n{report}")
        chain, current = [], parent
        while current is not None and current["span_id"] != server["span_id"] and len(chain) < 20:
            self.assertEqual(current["service_name"], service, f"a span between the two is not {service}'s\n{report}")
            chain.append(current)
            current = spans.get(current["parent_span_id"])
        self.assertIsNotNone(current, f"the introspection call's client span does not lead to {service}'s server "
                                      f"span\n{report}")
        self.assertEqual(current["span_id"], server["span_id"], report)
        # Every span the resource service exported in this trace belongs to it and is under its server span.
        for span in spans.values():
            if span["service_name"] == service and span is not server:
                ancestor = spans.get(span["parent_span_id"])
                while ancestor is not None and ancestor is not server:
                    ancestor = spans.get(ancestor["parent_span_id"])
                self.assertIs(ancestor, server, f"{describe(span)} is not under {service}'s server span\n{report}")
        return server, chain, introspection

    # --- the tests -----------------------------------------------------------------------------------

    def test_01_every_service_said_tracing_on(self):
        for service in self.services:
            if service.name != "notes-off":
                self.assertTrue(TRACING_ON in service.log_text(), f"{service.name} did not log {TRACING_ON!r}")
        self.assertFalse(self.facts.get("stop_errors"), self.facts.get("stop_errors"))

    def test_02_exports_are_otlp_http_protobuf(self):
        self.assertGreater(self.receiver.exports, 0)
        self.assertEqual(self.receiver.rejected, [], "requests the receiver refused")
        self.assertEqual(self.receiver.errors, [], "export bodies that did not decode")
        self.assertEqual(self.receiver.content_types, {PROTOBUF})
        self.assertIsNotNone(self.facts.get("arrival_seconds"), f"the notes write's spans did not arrive within {WAIT:.0f} s")
        self.assertTrue(self.facts["all_arrived"], f"the writes' spans did not all arrive within {WAIT:.0f} s")

    def test_03_notes_write_continues_traceparent_and_auth_joins_it(self):
        server, chain, introspection = self.assert_continued_and_linked(self.facts["notes_trace"], "notes", "/v1/notes")
        self.assertEqual(server["attributes"].get("http.request.method"), "POST")
        self.assertEqual(server["attributes"].get("http.response.status_code"), 201)
        self.assertEqual(introspection["attributes"].get("http.response.status_code"), 200)
        print(f"\n{self.trace_report(self.facts['notes_trace'][0])}", file=sys.stderr)

    def test_04_profile_write_continues_traceparent_and_auth_joins_it(self):
        self.assert_continued_and_linked(self.facts["profile_trace"], "profile", "/v1/profile")

    def test_05_service_names(self):
        names = {span["service_name"] for span in self.spans}
        self.assertEqual(names, {"auth", "notes", "profile", "custom-notes"},
                         "service.name of the exported spans (auth, notes, profile, and the second notes' "
                         "OTEL_SERVICE_NAME)")
        for span in self.spans:
            self.assertEqual(span["resource"].get("service.name"), span["service_name"])

    def test_06_otel_service_name_is_followed(self):
        server, _, _ = self.assert_continued_and_linked(self.facts["custom_trace"], "custom-notes", "/v1/notes")
        self.assertEqual(server["resource"]["service.name"], "custom-notes")
        # The first notes' spans keep "notes": the setting is per process.
        self.assertTrue(server_span(self.spans, self.facts["notes_trace"][0], "notes", "/v1/notes"))

    def test_07_tracing_off_exports_nothing(self):
        self.assertFalse(self.facts["off_logged_tracing_on"], "notes with OTEL_TRACES_EXPORTER=none logged Tracing on")
        trace_id = self.facts["off_trace"][0]
        self.assertEqual([describe(span) for span in self.spans if span["trace_id"] == trace_id], [],
                         "spans of the write to notes with OTEL_TRACES_EXPORTER=none")

    def test_08_every_response_has_a_request_id(self):
        pattern = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
        for label, request_id in self.facts["request_ids"].items():
            self.assertTrue(request_id and pattern.match(request_id), f"{label}: X-Request-ID {request_id!r}")
        self.assertEqual(self.facts["profile_write_request_id"], self.facts["profile_own_request_id"],
                         "the caller's X-Request-ID is not the response's")

    def request_log_lines(self, service_name: str, path: str, method: str) -> list[dict]:
        service = next(service for service in self.services if service.name == service_name)
        return [line for line in service.json_lines() if line.get("message") == "Request answered"
                and line.get("http.path") == path and line.get("http.method") == method]

    def test_09_request_id_reaches_both_logs(self):
        for request_id, resource, path, method in (
            (self.facts["notes_write_request_id"], "notes", "/v1/notes", "POST"),
            (self.facts["profile_own_request_id"], "profile", "/v1/profile", "PUT"),
        ):
            lines = self.request_log_lines(resource, path, method)
            self.assertIn(request_id, [line.get("request_id") for line in lines],
                          f"{resource}'s 'Request answered' lines for {method} {path}: {lines}")
            lines = self.request_log_lines("auth", INTROSPECT, "POST")
            self.assertIn(request_id, [line.get("request_id") for line in lines],
                          f"auth's 'Request answered' lines for POST {INTROSPECT}: {lines}")

    def needles(self) -> dict[str, set[str]]:
        facts = self.facts
        email = facts["email"]
        found = {"e-mail": variants(email), "e-mail's local part": variants(email.split("@")[0]),
                 "password": variants(facts["password"]), "password hash": variants(facts["password_hash"]),
                 # bcrypt: $2b$04$ + 22 characters of salt + 31 of digest
                 "password hash's salt and digest": variants(facts["password_hash"][-53:])}
        for label, token in facts["tokens"].items():
            for part, value in token_parts(token).items():
                found[f"{label} ({part})"] = variants(value)
        for label, value in facts["secrets"].items():
            found[label] = variants(value)
        return found

    def leaks(self, texts: list[str]) -> list[str]:
        joined = "\n".join(texts)
        return [label for label, forms in self.needles().items() if any(form in joined for form in forms)]

    def test_10_no_secret_in_any_span(self):
        texts = [text for span in self.spans for text in span_texts(span)]
        # The haystack is real: the notes write's and the admin lookup's paths are in it.
        self.assertIn("/v1/notes", texts)
        self.assertIn("/internal/v1/admin/accounts", texts, "the admin lookup's server span")
        for span in self.spans:
            leaked = self.leaks(span_texts(span))
            self.assertEqual(leaked, [], f"in the span {describe(span)}: {json.dumps(span, default=str)}")

    def test_11_no_secret_in_any_log_line(self):
        for service in self.services:
            text = service.log_text()
            self.assertIn("Request answered", text, f"{service.name} logged no request at LOG_LEVEL=debug")
            decoded = [str(value) for line in service.json_lines() for value in flatten(line)]
            for line in text.splitlines() + decoded:
                leaked = self.leaks([line])
                self.assertEqual(leaked, [], f"{service.name}'s log: {line[:2000]}")


class LeakScannerTest(unittest.TestCase):
    """The hygiene checks' matching, on made-up text (no services needed)."""

    def test_forms_of_a_secret_are_found(self):
        email = "Ada-1234@Example.COM"
        texts = [f'{{"email":"{email.lower()}"}}', "GET /x?email=Ada-1234%40Example.COM", json.dumps({"e": "a/b+c"})]
        self.assertTrue(any(form in texts[0] for form in variants(email)), "lower-cased")
        self.assertTrue(any(form in texts[1] for form in variants(email)), "URL-encoded")
        self.assertTrue(any(form in texts[2] for form in variants("a/b+c")) or "a/b+c" in texts[2])
        self.assertTrue(any(form in '"h":"$2b$04$abc\\/def"' for form in variants("$2b$04$abc/def")), "JSON-escaped slash")

    def test_jwt_parts(self):
        parts = token_parts("eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl")
        self.assertEqual(set(parts), {"whole", "claims", "signature"})
        self.assertEqual(parts["claims"], "eyJzdWIiOiJ4In0")

    def test_span_texts_cover_attributes_events_and_resource(self):
        span = {"name": "n", "status_message": "", "attributes": {"k": ["v1", {"inner": "v2"}]},
                "events": [{"name": "e", "attributes": {"x": "v3"}}], "resource": {"service.name": "v4"}, "links": []}
        texts = span_texts(span)
        for value in ("n", "k", "v1", "inner", "v2", "e", "x", "v3", "service.name", "v4"):
            self.assertIn(value, texts)


def summary(result: unittest.TestResult, cls=TracingTest) -> None:
    facts = getattr(cls, "facts", {})
    spans = getattr(cls, "spans", [])
    if not spans:
        return
    kinds: dict[tuple[str, str], int] = {}
    for span in spans:
        key = (span["service_name"], span["kind"].removeprefix("SPAN_KIND_").lower())
        kinds[key] = kinds.get(key, 0) + 1
    print(f"spans received: {len(spans)} in {cls.receiver.exports} exports "
          f"({', '.join(f'{service} {kind} {count}' for (service, kind), count in sorted(kinds.items()))})")
    if facts.get("arrival_seconds") is not None:
        print(f"the notes write's spans (notes and auth) reached the receiver {facts['arrival_seconds']:.2f} s after "
              f"its response (OTEL_BSP_SCHEDULE_DELAY={BATCH_DELAY_MS})")
    print(f"user agents: {', '.join(sorted(cls.receiver.user_agents))}")
    if "notes_trace" in facts:
        print(f"trace of the notes write (traceparent span {facts['notes_trace'][1]}):")
        print(trace_tree(spans, facts["notes_trace"][0]))


if __name__ == "__main__":
    program = unittest.main(exit=False, verbosity=2)
    summary(program.result)
    sys.exit(0 if program.result.wasSuccessful() else 1)
