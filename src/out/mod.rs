//! Outs provided by hooklog: [`MemoryOut`].

mod memory;

pub use memory::{MemoryOut, Overflow};
