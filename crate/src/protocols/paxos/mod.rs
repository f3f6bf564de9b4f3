//! Single-decree Paxos, as in Lamport's "Paxos Made Simple", as a pure state machine.
//!
//! Three roles. A *proposer* picks a ballot higher than any it has used and sends Prepare to the
//! acceptors. An *acceptor* that has promised no higher ballot answers with a Promise, which
//! reports the highest-ballot value it has already accepted, if any. With Promises from a
//! phase-1 quorum the proposer sends Accept: with the value of the highest-ballot accepted value
//! among the Promises, or, when none was reported, its own. An acceptor accepts unless it has
//! promised a higher ballot, and tells the proposer and the learners with Accepted. A value is
//! *chosen* once a phase-2 quorum of acceptors has accepted it in one ballot; a *learner* learns
//! it when it has seen those Accepted messages from distinct acceptors.
//!
//! The code here does no I/O and has no clock: a handler takes the node's state and one input
//! (a message, a timer, a proposal) and writes what should happen into [`Effects`]: messages to
//! send, a timer to set or cancel, and notes for the event log. The schedulers in [`crate::sim`]
//! and [`crate::explore`] decide *when* inputs arrive. The break-Paxos switches in [`Bugs`]
//! change single lines of this code, each of which the safety checker must catch.

pub mod check;
mod config;
pub mod describe;
mod node;
pub mod pack;

pub use config::*;
pub use node::*;
