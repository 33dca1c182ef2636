#!/usr/bin/env python3
"""An OTLP/HTTP logs receiver for the tests, decoding with the published protobuf
definitions (the `opentelemetry-proto` package): it stores every log record it takes as
one JSON line, and can answer the first requests with errors.

Usage: receiver.py --out RECORDS [--requests LOG] [--port N] [--answer STATUS[:RETRY_AFTER]]...
                   [--reject N] [--grpc]

Prints `PORT <n>` once it listens on 127.0.0.1:<n>. Each record line holds its resource
attributes, scope name, times, severity, body, attributes, trace and span ids (hex) and
flags; values keep their OTLP type: {"string": "x"}, {"int": 3}, {"double": "1.5"} (repr,
so NaN and infinities survive), {"bool": true}, {"array": [...]}, {"kvlist": {...}},
{"bytes": "hex"}, {"null": null}. Records are written and flushed before the answer goes
out, so a record the exporter was told was taken is in the file.

--answer: the first requests get these answers instead (one per request, in order), with
a Retry-After header of that many seconds when given; they are not stored.
--reject N: the first request taken answers with a partial success rejecting N records.
--grpc: serve OTLP/gRPC (`LogsService/Export`, with `grpcio`) instead of OTLP/HTTP; an
--answer's STATUS is then a gRPC status code, sent with a RetryInfo of RETRY_AFTER seconds
when given.
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
    parser.add_argument("--grpc", action="store_true")
    args = parser.parse_args()
    answers = list(args.answer)
    out = open(args.out, "a", encoding="utf-8")
    log = open(args.requests, "a", encoding="utf-8") if args.requests else None
    state = {"reject": args.reject}

    def store(decoded):
        for record in decoded:
            out.write(json.dumps(record) + "\n")
        out.flush()

    def note(path, status, count, encoding, content_type, headers):
        if log:
            log.write(json.dumps({
                "at": time.time(),
                "path": path,
                "status": status,
                "records": count,
                "content_encoding": encoding,
                "content_type": content_type,
                "headers": headers,
            }) + "\n")
            log.flush()

    def response():
        response = logs_service_pb2.ExportLogsServiceResponse()
        if state["reject"]:
            response.partial_success.rejected_log_records = state["reject"]
            response.partial_success.error_message = "rejected by the test receiver"
            state["reject"] = 0
        return response

    if args.grpc:
        return serve_grpc(args.port, answers, store, note, response)

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
                store(decoded)
            headers = {k.lower(): v for k, v in self.headers.items()}
            note(self.path, status, len(decoded), encoding,
                 self.headers.get("Content-Type", ""), headers)
            payload = response().SerializeToString() if status == 200 else b""
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


def serve_grpc(port, answers, store, note, response):
    from concurrent import futures

    import grpc
    from google.protobuf import any_pb2, duration_pb2
    from google.rpc import code_pb2, error_details_pb2, status_pb2
    from grpc_status import rpc_status
    from opentelemetry.proto.collector.logs.v1 import logs_service_pb2_grpc

    class Servicer(logs_service_pb2_grpc.LogsServiceServicer):
        def Export(self, request, context):
            decoded = list(records(request))
            metadata = {k: v for k, v in context.invocation_metadata()}
            encoding = metadata.get("grpc-encoding", "")
            path = "/opentelemetry.proto.collector.logs.v1.LogsService/Export"
            if answers:
                code, _, retry_after = answers.pop(0).partition(":")
                code = int(code)
                note(path, code, len(decoded), encoding, metadata.get("content-type", ""), metadata)
                status = status_pb2.Status(code=code, message="answered by the test receiver")
                if retry_after:
                    info = error_details_pb2.RetryInfo(
                        retry_delay=duration_pb2.Duration(seconds=int(retry_after)))
                    detail = any_pb2.Any()
                    detail.Pack(info)
                    status.details.append(detail)
                context.abort_with_status(rpc_status.to_status(status))
            store(decoded)
            note(path, 0, len(decoded), encoding, metadata.get("content-type", ""), metadata)
            return response()

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=1))
    logs_service_pb2_grpc.add_LogsServiceServicer_to_server(Servicer(), server)
    bound = server.add_insecure_port(f"127.0.0.1:{port}")
    if bound == 0:
        return 1
    server.start()
    print(f"PORT {bound}", flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    sys.exit(main())
