#!/usr/bin/env python3
"""Exports one record through the official OpenTelemetry SDK's OTLP/HTTP exporter
(`opentelemetry-sdk`, `opentelemetry-exporter-otlp-proto-http`), for tests/sdk.rs to
compare with the same record exported by hooklog-otlp.

Usage: sdk_export.py ENDPOINT

The record: service `compare`, scope `compare.scope`, time 1,700,000,000.123456789 s,
severity error (17), body `payment failed`, trace 4bf92f3577b34da6a3ce929d0e0e4736,
span 00f067aa0ba902b7, sampled, and the attributes below.
"""
import sys

from opentelemetry import trace
from opentelemetry._logs import SeverityNumber
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor
from opentelemetry.sdk.resources import Resource
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

ATTRIBUTES = {
    "user": "ana",
    "attempt": 3,
    "negative": -7,
    "ratio": 0.25,
    "ok": False,
    "tags": ["a", "b"],
    "limits": {"max": 10, "unit": "requests"},
}


def main():
    endpoint = sys.argv[1]
    provider = LoggerProvider(resource=Resource.create({"service.name": "compare"}))
    provider.add_log_record_processor(
        SimpleLogRecordProcessor(OTLPLogExporter(endpoint=endpoint))
    )
    span = SpanContext(
        trace_id=0x4BF92F3577B34DA6A3CE929D0E0E4736,
        span_id=0x00F067AA0BA902B7,
        is_remote=False,
        trace_flags=TraceFlags(TraceFlags.SAMPLED),
    )
    context = trace.set_span_in_context(NonRecordingSpan(span))
    provider.get_logger("compare.scope").emit(
        timestamp=1_700_000_000_123_456_789,
        observed_timestamp=1_700_000_000_123_456_789,
        context=context,
        severity_number=SeverityNumber.ERROR,
        severity_text="error",
        body="payment failed",
        attributes=ATTRIBUTES,
    )
    provider.shutdown()


if __name__ == "__main__":
    main()
