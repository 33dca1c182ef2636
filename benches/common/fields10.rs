//! The fields10 record as hooklog logs it, the same in every benchmark.

/// Logs the fields10 record at `$level` through `$logger`: message "request handled",
/// then int=1 (i64), int64=123456789, float=3.14159, string="hello world", bool=true,
/// error="fail", user="alice@example.com", path="/api/v1/users/42", status=200 (u64),
/// latency_ms=12.5.
macro_rules! hooklog_fields10 {
    ($level:ident, $logger:expr) => {
        hooklog::$level!($logger, "request handled";
            "int" => 1i64, "int64" => 123456789i64, "float" => 3.14159,
            "string" => "hello world", "bool" => true, "error" => "fail",
            "user" => "alice@example.com", "path" => "/api/v1/users/42",
            "status" => 200u64, "latency_ms" => 12.5)
    };
}
pub(crate) use hooklog_fields10;
