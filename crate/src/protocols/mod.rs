//! The protocols the core runs. Each is one folder with the same file names, so that two can be
//! read side by side: `node.rs` (state and handlers), `check.rs` (safety invariants), `pack.rs`
//! (the explorer's packed form of states and messages).

pub mod paxos;

/// The protocols a scenario's `protocol` field may name.
pub const KNOWN: [&str; 1] = ["paxos"];
