//! The protocols the core runs, each one folder with the same file names, so that two can be
//! read side by side: `mod.rs` (its [`Protocol`] implementation), `node.rs` (state and
//! handlers), `config.rs` (what a run is configured with), `check.rs` (safety invariants),
//! `describe.rs` (its messages and notes in words, [`Describe`]), `pack.rs` (the explorer's
//! packed form of its states and messages) and `scenario.rs` (its section of the scenario
//! format, `crate::scenario::ScenarioSection`). The traits are the engine's
//! (`crate::sim::protocol`) and the scenario format's.

pub use crate::sim::protocol::{Describe, Effects, Protocol, TimerCommand};

pub mod multipaxos;
pub mod paxos;
pub mod quorum_kv;

/// The protocols a scenario's `protocol` field may name: the registry, which the unknown-protocol
/// error lists. Each is its protocol's `ScenarioSection::NAME`, as each protocol's tests check.
pub const KNOWN: [&str; 3] = ["paxos", "quorum-kv", "multipaxos"];

/// The protocol the page's wasm runs: Paxos, unless a `page-NAME` cargo feature names another.
/// scripts/build.sh builds one page wasm per protocol and lists them for the page
/// (`web/pkg/cores.js`), so that the page fetches only the code of the protocol its scenario
/// names; a scenario of a protocol with no page wasm goes to Paxos's, which refuses it as
/// another protocol's.
#[cfg(not(any(feature = "page-quorum-kv", feature = "page-multipaxos")))]
pub type Page = paxos::Paxos;
#[cfg(feature = "page-quorum-kv")]
pub type Page = quorum_kv::QuorumKv;
#[cfg(all(feature = "page-multipaxos", not(feature = "page-quorum-kv")))]
pub type Page = multipaxos::MultiPaxos;
