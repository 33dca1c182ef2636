//! The fields10 and request10 records, the same in every benchmark: as hooklog logs them,
//! in both of its forms (a level macro, `level`, and `log_fields!`, `lazy`), and as
//! tracing, slog and spdlog-rs log fields10.
#![allow(unused_macros, unused_imports)] // each bench uses a part

/// Logs the fields10 record at `$level` through `$logger`: message "request handled",
/// then int=1 (i64), int64=123456789, float=3.14159, string="hello world", bool=true,
/// error="fail", user="alice@example.com", path="/api/v1/users/42", status=200 (u64),
/// latency_ms=12.5. `hooklog_fields10!(info, logger)` is the level-macro form.
macro_rules! hooklog_fields10 {
    ($level:ident, $logger:expr) => {
        hooklog_fields10!(level $level, $logger)
    };
    ($form:ident $level:ident, $logger:expr) => {
        hooklog_emit!($form $level, $logger;
            "int" => 1i64, "int64" => 123456789i64, "float" => 3.14159,
            "string" => "hello world", "bool" => true, "error" => "fail",
            "user" => "alice@example.com", "path" => "/api/v1/users/42",
            "status" => 200u64, "latency_ms" => 12.5)
    };
}

/// Logs the request10 record: the fields10 values taken from a borrowed
/// `Request` (`benches/common/mod.rs`), its strings borrowed and its error given by `Display`.
macro_rules! hooklog_request10 {
    ($form:ident $level:ident, $logger:expr, $request:expr) => {{
        let r = &$request;
        hooklog_emit!($form $level, $logger;
            "int" => r.int, "int64" => r.int64, "float" => r.float,
            "string" => r.string.as_str(), "bool" => r.bool, "error" => %r.error,
            "user" => r.user.as_str(), "path" => r.path.as_str(),
            "status" => r.status, "latency_ms" => r.latency_ms)
    }};
}

/// One record with message "request handled" and the given fields, in either form.
macro_rules! hooklog_emit {
    (level $level:ident, $logger:expr;) => {
        hooklog::$level!($logger, "request handled")
    };
    (level $level:ident, $logger:expr; $($fields:tt)*) => {
        hooklog::$level!($logger, "request handled"; $($fields)*)
    };
    (lazy $level:ident, $logger:expr; $($fields:tt)*) => {
        hooklog::log_fields!($logger; $($fields)*).$level("request handled")
    };
}

/// The fields10 record through tracing's `$level!` macro; `tracing_fields10!(span "name")`
/// is an Info span with the same ten fields.
macro_rules! tracing_fields10 {
    ($level:ident) => {
        tracing_fields10!(@call $level, [], [, "request handled"])
    };
    (span $name:literal) => {
        tracing_fields10!(@call info_span, [$name,], [])
    };
    (@call $macro:ident, [$($before:tt)*], [$($after:tt)*]) => {
        tracing::$macro!(
            $($before)*
            int = 1i64,
            int64 = 123456789i64,
            float = 3.14159,
            string = "hello world",
            bool = true,
            error = "fail",
            user = "alice@example.com",
            path = "/api/v1/users/42",
            status = 200u64,
            latency_ms = 12.5
            $($after)*
        )
    };
}

/// The fields10 record through slog's `$level!` macro.
macro_rules! slog_fields10 {
    ($level:ident, $logger:expr) => {
        slog::$level!($logger, "request handled";
            "int" => 1i64, "int64" => 123456789i64, "float" => 3.14159,
            "string" => "hello world", "bool" => true, "error" => "fail",
            "user" => "alice@example.com", "path" => "/api/v1/users/42",
            "status" => 200u64, "latency_ms" => 12.5)
    };
}

/// The fields10 record through spdlog-rs's `$level!` macro, as key-values.
macro_rules! spdlog_fields10 {
    ($level:ident, $logger:expr) => {
        spdlog::$level!(logger: $logger, "request handled", kv: {
            int = 1i64, int64 = 123456789i64, float = 3.14159, string = "hello world",
            bool = true, error = "fail", user = "alice@example.com",
            path = "/api/v1/users/42", status = 200u64, latency_ms = 12.5 })
    };
}

pub(crate) use {
    hooklog_emit, hooklog_fields10, hooklog_request10, slog_fields10, spdlog_fields10,
    tracing_fields10,
};
