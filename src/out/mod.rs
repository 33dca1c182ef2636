//! Outs provided by hooklog: [`MemoryOut`].

mod memory;

pub use memory::{MemoryOut, Overflow};
pub(crate) use memory::{persist_all, persist_all_in_crash};
