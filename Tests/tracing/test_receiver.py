"""The OTLP/HTTP receiver itself (otlp_receiver.py), fed by hand: what it accepts, how it answers, what
it keeps. Needs only opentelemetry-proto; Scripts/test-tracing.sh runs it before the services' test."""

from __future__ import annotations

import gzip
import http.client
import sys
import unittest
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2  # noqa: E402
from opentelemetry.proto.common.v1 import common_pb2  # noqa: E402
from opentelemetry.proto.trace.v1 import trace_pb2  # noqa: E402
from otlp_receiver import Receiver  # noqa: E402

TRACE_ID = bytes.fromhex("0af7651916cd43dd8448eb211c80319c")
PARENT_ID = bytes.fromhex("b7ad6b7169203331")
SPAN_ID = bytes.fromhex("00f067aa0ba902b7")


def attribute(key, **value):
    return common_pb2.KeyValue(key=key, value=common_pb2.AnyValue(**value))


def export_request(service="notes") -> bytes:
    span = trace_pb2.Span(
        trace_id=TRACE_ID, span_id=SPAN_ID, parent_span_id=PARENT_ID, name="/v1/notes",
        kind=trace_pb2.Span.SPAN_KIND_SERVER, start_time_unix_nano=1, end_time_unix_nano=2,
        attributes=[attribute("http.request.method", string_value="POST"),
                    attribute("http.response.status_code", int_value=201),
                    attribute("flag", bool_value=True),
                    attribute("list", array_value=common_pb2.ArrayValue(values=[common_pb2.AnyValue(string_value="a")]))],
        events=[trace_pb2.Span.Event(name="exception", attributes=[attribute("exception.message", string_value="m")])],
    )
    request = trace_service_pb2.ExportTraceServiceRequest(resource_spans=[
        trace_pb2.ResourceSpans(
            resource={"attributes": [attribute("service.name", string_value=service)]},
            scope_spans=[trace_pb2.ScopeSpans(scope={"name": "hummingbird"}, spans=[span])],
        )
    ])
    return request.SerializeToString()


class ReceiverTest(unittest.TestCase):
    def setUp(self):
        self.receiver = Receiver().start()
        self.connection = http.client.HTTPConnection("127.0.0.1", self.receiver.port, timeout=5)

    def tearDown(self):
        self.connection.close()
        self.receiver.stop()

    def post(self, body: bytes, path="/v1/traces", content_type="application/x-protobuf", **headers):
        self.connection.request("POST", path, body, {"Content-Type": content_type, **headers})
        response = self.connection.getresponse()
        return response.status, response.getheader("Content-Type"), response.read()

    def test_decodes_a_span_and_answers_an_empty_protobuf_response(self):
        status, content_type, body = self.post(export_request())
        self.assertEqual((status, content_type), (200, "application/x-protobuf"))
        trace_service_pb2.ExportTraceServiceResponse().ParseFromString(body)
        (span,) = self.receiver.spans()
        self.assertEqual(span["trace_id"], TRACE_ID.hex())
        self.assertEqual(span["span_id"], SPAN_ID.hex())
        self.assertEqual(span["parent_span_id"], PARENT_ID.hex())
        self.assertEqual((span["name"], span["kind"], span["service_name"]), ("/v1/notes", "SPAN_KIND_SERVER", "notes"))
        self.assertEqual(span["attributes"], {"http.request.method": "POST", "http.response.status_code": 201,
                                              "flag": True, "list": ["a"]})
        self.assertEqual(span["events"], [{"name": "exception", "attributes": {"exception.message": "m"}}])
        self.assertEqual(span["scope"], "hummingbird")

    def test_keep_alive_gzip_and_deflate(self):
        # Three exports on one connection: plain, gzip, deflate.
        self.assertEqual(self.post(export_request("a"))[0], 200)
        self.assertEqual(self.post(gzip.compress(export_request("b")), **{"Content-Encoding": "gzip"})[0], 200)
        self.assertEqual(self.post(zlib.compress(export_request("c")), **{"Content-Encoding": "deflate"})[0], 200)
        self.assertEqual([span["service_name"] for span in self.receiver.spans()], ["a", "b", "c"])
        self.assertEqual(self.receiver.encodings, {"identity", "gzip", "deflate"})

    def test_chunked_body(self):
        body = export_request()
        self.connection.putrequest("POST", "/v1/traces")
        self.connection.putheader("Content-Type", "application/x-protobuf")
        self.connection.putheader("Transfer-Encoding", "chunked")
        self.connection.endheaders()
        half = len(body) // 2
        for piece in (body[:half], body[half:]):
            self.connection.send(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        self.connection.send(b"0\r\n\r\n")
        response = self.connection.getresponse()
        response.read()
        self.assertEqual(response.status, 200)
        self.assertEqual(len(self.receiver.spans()), 1)

    def test_refuses_other_paths_types_and_garbage(self):
        self.assertEqual(self.post(export_request(), path="/v1/metrics")[0], 404)
        self.assertEqual(self.post(b"{}", content_type="application/json")[0], 415)
        self.assertEqual(self.post(b"\xff\xff\xff not protobuf")[0], 400)
        self.assertEqual(self.receiver.spans(), [])
        self.assertEqual(len(self.receiver.rejected), 2)
        self.assertEqual(len(self.receiver.errors), 1)

    def test_wait_for_and_wait_quiet(self):
        self.assertIsNone(self.receiver.wait_for(lambda spans: spans, timeout=0.2))
        self.post(export_request())
        self.assertTrue(self.receiver.wait_for(lambda spans: spans, timeout=1))
        self.assertTrue(self.receiver.wait_quiet(quiet=0.2, timeout=2))


if __name__ == "__main__":
    unittest.main(verbosity=2)
