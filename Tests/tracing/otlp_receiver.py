"""A small OTLP/HTTP trace receiver for the tracing test (Tests/tracing/test_tracing.py).

It listens on 127.0.0.1 (a free port unless one is given) and accepts ``POST /v1/traces`` with an
``application/x-protobuf`` body (``Content-Encoding: gzip`` or ``deflate`` are undone first), decodes
it with PyPI's ``opentelemetry-proto`` (``ExportTraceServiceRequest``), answers 200 with an empty
``ExportTraceServiceResponse`` (``application/x-protobuf``, as the OTLP/HTTP spec has it) and keeps
every span as a plain dict:

    trace_id, span_id, parent_span_id   lower-case hex ("" when the span has no parent)
    name, kind                          kind as the proto's enum name, e.g. "SPAN_KIND_SERVER"
    service_name                        the resource's service.name ("" when missing)
    resource, attributes                {key: value}: str, int, float, bool, bytes (hex) or lists
    scope                               the instrumentation scope's name
    events                              [{"name", "attributes"}]
    status_code, status_message, start_ns, end_ns

Anything else is answered with 404 (another path), 405 (another method) or 415 (another content
type) and counted in ``rejected``, so that a test can tell "nothing was sent" from "something was
sent that this receiver did not take". A body that does not decode is 400 and recorded in ``errors``.

Used as a library (``Receiver().start()``), or on its own to look at what a service exports:

    python3 otlp_receiver.py [--port 4318]     # prints one JSON line per span
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import json
import sys
import threading
import time
import zlib

from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from opentelemetry.proto.trace.v1 import trace_pb2

PROTOBUF = "application/x-protobuf"
TRACES_PATH = "/v1/traces"
MAX_BODY_BYTES = 64 * 1024 * 1024


def any_value(value):
    """An OTLP AnyValue as a plain Python value."""
    kind = value.WhichOneof("value")
    if kind is None:
        return None
    if kind == "array_value":
        return [any_value(item) for item in value.array_value.values]
    if kind == "kvlist_value":
        return {item.key: any_value(item.value) for item in value.kvlist_value.values}
    if kind == "bytes_value":
        return value.bytes_value.hex()
    return getattr(value, kind)


def key_values(items):
    return {item.key: any_value(item.value) for item in items}


def decode_spans(request: trace_service_pb2.ExportTraceServiceRequest) -> list[dict]:
    spans = []
    for resource_spans in request.resource_spans:
        resource = key_values(resource_spans.resource.attributes)
        service_name = resource.get("service.name") or ""
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                spans.append(
                    {
                        "trace_id": span.trace_id.hex(),
                        "span_id": span.span_id.hex(),
                        "parent_span_id": span.parent_span_id.hex(),
                        "name": span.name,
                        "kind": trace_pb2.Span.SpanKind.Name(span.kind),
                        "service_name": service_name,
                        "resource": resource,
                        "scope": scope_spans.scope.name,
                        "attributes": key_values(span.attributes),
                        "events": [{"name": event.name, "attributes": key_values(event.attributes)} for event in span.events],
                        "links": [{"trace_id": link.trace_id.hex(), "span_id": link.span_id.hex()} for link in span.links],
                        "status_code": trace_pb2.Status.StatusCode.Name(span.status.code),
                        "status_message": span.status.message,
                        "start_ns": span.start_time_unix_nano,
                        "end_ns": span.end_time_unix_nano,
                    }
                )
    return spans


class Receiver:
    """The OTLP/HTTP receiver; thread-safe. ``start()`` binds and serves in a daemon thread."""

    def __init__(self, port: int = 0, on_span=None):
        self._lock = threading.Condition()
        self._spans: list[dict] = []
        self.exports = 0  # requests accepted
        self.rejected: list[str] = []  # "METHOD PATH STATUS why"
        self.errors: list[str] = []  # bodies that did not decode
        self.user_agents: set[str] = set()
        self.content_types: set[str] = set()
        self.encodings: set[str] = set()
        self._on_span = on_span
        self._requested_port = port
        self._server = None
        self._thread = None

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> "Receiver":
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            # Keep-alive, as the OTLP/HTTP exporters expect (swift-otel sends "Connection: keep-alive").
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args):  # noqa: A002 - the base class's name
                pass

            def _answer(self, status: int, body: bytes = b"", content_type: str = "text/plain") -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _reject(self, status: int, why: str) -> None:
                # Read (and drop) any body, so that the connection stays usable.
                length = int(self.headers.get("Content-Length") or 0)
                if 0 < length <= MAX_BODY_BYTES:
                    self.rfile.read(length)
                with receiver._lock:
                    receiver.rejected.append(f"{self.command} {self.path} {status} {why}")
                self._answer(status, why.encode())

            def _read_chunked(self):
                chunks, total = [], 0
                while True:
                    size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass  # trailers
                        return b"".join(chunks)
                    total += size
                    if total > MAX_BODY_BYTES:
                        return None
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()  # the CRLF after each chunk

            def do_GET(self):
                self._reject(405 if self.path == TRACES_PATH else 404, "only POST /v1/traces")

            do_PUT = do_DELETE = do_PATCH = do_HEAD = do_GET

            def do_POST(self):
                if self.path.split("?", 1)[0] != TRACES_PATH:
                    return self._reject(404, f"no such path (only {TRACES_PATH})")
                content_type = (self.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
                if content_type != PROTOBUF:
                    return self._reject(415, f"Content-Type {content_type!r}, only {PROTOBUF}")
                if (self.headers.get("Transfer-Encoding") or "").strip().lower() == "chunked":
                    body = self._read_chunked()
                    if body is None:
                        self.close_connection = True
                        return self._answer(413, b"body over 64 MiB")
                else:
                    length = int(self.headers.get("Content-Length") or -1)
                    if not 0 <= length <= MAX_BODY_BYTES:
                        return self._reject(411, "a Content-Length up to 64 MiB is required")
                    body = self.rfile.read(length)
                encoding = (self.headers.get("Content-Encoding") or "identity").strip().lower()
                try:
                    if encoding == "gzip":
                        body = gzip.decompress(body)
                    elif encoding == "deflate":
                        body = zlib.decompress(body)
                    elif encoding != "identity":
                        return self._reject(415, f"Content-Encoding {encoding!r}")
                    request = trace_service_pb2.ExportTraceServiceRequest()
                    request.ParseFromString(body)
                    spans = decode_spans(request)
                except Exception as error:  # a body that does not decode: the exporter's fault
                    with receiver._lock:
                        receiver.errors.append(f"{type(error).__name__}: {error}")
                    return self._answer(400, b"undecodable body")
                with receiver._lock:
                    receiver.exports += 1
                    receiver.user_agents.add(self.headers.get("User-Agent") or "")
                    receiver.content_types.add(content_type)
                    receiver.encodings.add(encoding)
                    receiver._spans.extend(spans)
                    receiver._lock.notify_all()
                if receiver._on_span:
                    for span in spans:
                        receiver._on_span(span)
                self._answer(200, trace_service_pb2.ExportTraceServiceResponse().SerializeToString(), PROTOBUF)

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server(("127.0.0.1", self._requested_port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="otlp-receiver", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def endpoint(self) -> str:
        """The base URL, for OTEL_EXPORTER_OTLP_ENDPOINT (the exporter appends /v1/traces)."""
        return f"http://127.0.0.1:{self.port}"

    # --- what was received ---------------------------------------------------------------------

    def spans(self) -> list[dict]:
        with self._lock:
            return list(self._spans)

    def wait_for(self, predicate, timeout: float):
        """Calls predicate(spans) whenever spans arrive, until it returns something truthy (returned)
        or timeout seconds have passed (then None)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                result = predicate(list(self._spans))
                if result:
                    return result
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._lock.wait(min(remaining, 0.25))

    def wait_quiet(self, quiet: float, timeout: float) -> bool:
        """Waits until no export has arrived for `quiet` seconds (True), or timeout passes (False)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            seen = self.exports
        last_change = time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.05)
            with self._lock:
                if self.exports != seen:
                    seen = self.exports
                    last_change = time.monotonic()
            if time.monotonic() - last_change >= quiet:
                return True
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description="An OTLP/HTTP (protobuf) trace receiver that prints spans as JSON lines.")
    parser.add_argument("--port", type=int, default=4318)
    arguments = parser.parse_args()
    receiver = Receiver(arguments.port, on_span=lambda span: print(json.dumps(span, default=str), flush=True)).start()
    print(f"listening on {receiver.endpoint}{TRACES_PATH}", file=sys.stderr, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        receiver.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
