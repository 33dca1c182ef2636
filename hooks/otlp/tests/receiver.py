#!/usr/bin/env python3
"""An OTLP/HTTP logs receiver for the tests, decoding with the published protobuf
definitions (the `opentelemetry-proto` package): it stores every log record it takes as
one JSON line, and can answer the first requests with errors.

Usage: receiver.py --out RECORDS [--requests LOG] [--port N] [--answer STATUS[:RETRY_AFTER]]...
                   [--reject N]

Prints `PORT <n>` once it listens on 127.0.0.1:<n>. Each record line holds its resource
attributes, scope name, times, severity, body, attributes, trace and span ids (hex) and
flags; values keep their OTLP type: {"string": "x"}, {"int": 3}, {"double": "1.5"} (repr,
so NaN and infinities survive), {"bool": true}, {"array": [...]}, {"kvlist": {...}},
{"bytes": "hex"}, {"null": null}. Records are written and flushed before the answer goes
out, so a record the exporter was told was taken is in the file.

--answer: the first requests get these answers instead (one per request, in order), with
a Retry-After header of that many seconds when given; they are not stored.
--reject N: the first request taken answers with a partial success rejecting N records.
--requests LOG: one JSON line per request: when it arrived, its path, the status answered,
the number of records, the Content-Encoding and Content-Type, and the headers.
"""
import argparse
import gzip
import http.server
import json
import sys
import time

from opentelemetry.proto.collector.logs.v1 import logs_service_pb2


def any_value(value):
    kind = value.WhichOneof("value")
    if kind is None:
        return {"null": None}
    if kind == "string_value":
        return {"string": value.string_value}
    if kind == "int_value":
        return {"int": value.int_value}
    if kind == "double_value":
        return {"double": repr(value.double_value)}
    if kind == "bool_value":
        return {"bool": value.bool_value}
    if kind == "bytes_value":
        return {"bytes": value.bytes_value.hex()}
    if kind == "array_value":
        return {"array": [any_value(v) for v in value.array_value.values]}
    return {"kvlist": {kv.key: any_value(kv.value) for kv in value.kvlist_value.values}}


def records(request):
    for resource_logs in request.resource_logs:
        resource = {kv.key: any_value(kv.value) for kv in resource_logs.resource.attributes}
        for scope_logs in resource_logs.scope_logs:
            for record in scope_logs.log_records:
                yield {
                    "resource": resource,
                    "scope": scope_logs.scope.name,
                    "time": record.time_unix_nano,
                    "observed": record.observed_time_unix_nano,
                    "severity_number": record.severity_number,
                    "severity_text": record.severity_text,
                    "body": any_value(record.body),
                    "attributes": {kv.key: any_value(kv.value) for kv in record.attributes},
                    "dropped": record.dropped_attributes_count,
                    "trace_id": record.trace_id.hex(),
                    "span_id": record.span_id.hex(),
                    "flags": record.flags,
                }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--requests")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--answer", action="append", default=[])
    parser.add_argument("--reject", type=int, default=0)
    args = parser.parse_args()
    answers = list(args.answer)
    out = open(args.out, "a", encoding="utf-8")
    log = open(args.requests, "a", encoding="utf-8") if args.requests else None
    state = {"reject": args.reject}

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            encoding = self.headers.get("Content-Encoding", "")
            if encoding == "gzip":
                body = gzip.decompress(body)
            request = logs_service_pb2.ExportLogsServiceRequest()
            request.ParseFromString(body)
            decoded = list(records(request))
            retry_after = None
            if answers:
                status, _, retry_after = answers.pop(0).partition(":")
                status = int(status)
            else:
                status = 200
                for record in decoded:
                    out.write(json.dumps(record) + "\n")
                out.flush()
            if log:
                log.write(json.dumps({
                    "at": time.time(),
                    "path": self.path,
                    "status": status,
                    "records": len(decoded),
                    "content_encoding": encoding,
                    "content_type": self.headers.get("Content-Type", ""),
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                }) + "\n")
                log.flush()
            response = logs_service_pb2.ExportLogsServiceResponse()
            if status == 200 and state["reject"]:
                response.partial_success.rejected_log_records = state["reject"]
                response.partial_success.error_message = "rejected by the test receiver"
                state["reject"] = 0
            payload = response.SerializeToString() if status == 200 else b""
            self.send_response(status)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", str(len(payload)))
            if retry_after:
                self.send_header("Retry-After", retry_after)
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", args.port), Handler)
    print(f"PORT {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
