//! How values are written as bytes: JSON string escapes, logfmt's quoting rule, numbers,
//! timestamps, and the short appends records are made of. Every formatter writes through
//! these; `hooklog::encode` makes them public for formatter crates.

pub(crate) mod append;
pub(crate) mod escape;
pub(crate) mod number;
mod scan;
pub(crate) mod time;
