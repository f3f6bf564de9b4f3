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
pub mod present;
mod scenario;
mod setup;

pub use config::*;
pub use node::*;
pub use scenario::*;

use crate::hash::StableHasher;
use crate::protocols::Protocol;
use crate::sim::network::NetworkSpec;
use crate::sim::violation::Violation;
use serde::Serialize;

/// The engine's types for a Paxos run.
pub type Simulation = crate::sim::Simulation<Paxos>;
pub type EventKind = crate::sim::event::EventKind<Paxos>;
pub type Action = crate::sim::action::Action<Paxos>;
pub type Compiled = crate::sim::action::Compiled<Paxos>;
/// A Paxos scenario: the shared envelope around Paxos's section (`scenario.rs`).
pub type Scenario = crate::scenario::Scenario<Paxos>;
pub type Intervention = crate::scenario::Intervention<Paxos>;

// A field added to a message must not quietly bring back the `memory.copy` on every send (see
// `InFlight::copy_of`).
const _: () = assert!(std::mem::size_of::<crate::sim::InFlight<Paxos>>() <= 64);

/// Single-decree Paxos as the engine runs it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Paxos;

/// Paxos's one input: a proposer is asked to propose a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Propose {
    pub value: Value,
}

impl Protocol for Paxos {
    type Config = Config;
    type Node = Node;
    type Msg = Msg;
    type Note = Note;
    type Input = Propose;
    type Timer = Retry;
    type Checker = check::Checker;
    type Derived = check::Chosen;

    fn node_count(config: &Config) -> usize {
        config.names.len()
    }

    fn network(config: &Config) -> &NetworkSpec {
        &config.network
    }

    fn new_node(config: &Config, node: NodeId) -> Node {
        Node::new(config.roles[node as usize])
    }

    fn is_crashed(node: &Node) -> bool {
        node.crashed
    }

    fn crash(node: &mut Node) {
        node.crashed = true;
    }

    #[inline]
    fn on_input(node: &mut Node, me: NodeId, input: Propose, config: &Config, out: &mut Effects) {
        node.propose(me, input.value, config, out);
    }

    #[inline]
    fn on_message(
        node: &mut Node,
        me: NodeId,
        from: NodeId,
        msg: Msg,
        config: &Config,
        out: &mut Effects,
    ) {
        node.on_message(me, from, msg, config, out);
    }

    #[inline]
    fn on_timer(node: &mut Node, me: NodeId, _: Retry, config: &Config, out: &mut Effects) {
        node.on_timer(me, config, out);
    }

    fn on_restart(node: &mut Node, me: NodeId, config: &Config, out: &mut Effects) {
        node.restart(me, config, out);
    }

    fn timer_ticks(config: &Config, _: Retry) -> (u64, u64) {
        (config.retry_ticks_min, config.retry_ticks_max)
    }

    fn check_input(checker: &mut check::Checker, input: Propose) {
        checker.on_propose(input.value);
    }

    #[inline]
    fn check_note(
        checker: &mut check::Checker,
        config: &Config,
        tick: u64,
        index: u32,
        note: &Note,
    ) -> Option<check::Chosen> {
        match note {
            Note::Forgot { .. } => {
                checker.on_forgot(config, tick, index, note);
                None
            }
            Note::AcceptedValue { .. } | Note::Learned { .. } => {
                checker.on_note(config, tick, index, note).0
            }
            _ => None,
        }
    }

    fn check_derived(
        checker: &mut check::Checker,
        config: &Config,
        tick: u64,
        index: u32,
        chosen: &check::Chosen,
    ) {
        checker.on_chosen(config, tick, index, chosen);
    }

    fn violations(checker: &check::Checker) -> &[Violation] {
        checker.violations()
    }

    fn decided(checker: &check::Checker) -> bool {
        checker.chosen().is_some()
    }

    fn checker_digest(checker: &check::Checker, hasher: &mut StableHasher) {
        checker.state_hash(hasher);
    }

    #[inline]
    fn msg_words(msg: &Msg) -> [u64; 2] {
        pack::msg_words(msg)
    }

    #[inline]
    fn words_msg(words: [u64; 2]) -> Msg {
        pack::words_msg(words)
    }

    fn progress(node: &Node) -> Option<u32> {
        node.proposer.as_ref().map(|p| p.round)
    }
}

/// The result of a run, as the CLI prints it.
#[derive(Clone, Debug, Serialize)]
pub struct Outcome {
    /// Each learner's learned value, in learner order.
    pub decided: Vec<(String, Option<String>)>,
    pub chosen: Option<String>,
    pub violations: Vec<Violation>,
    pub events: u64,
    /// True when the run reached [`crate::sim::EVENTS_MAX`] and stopped before `until_ticks`.
    pub stopped_early: bool,
    pub trace_hash: String,
}

/// What a Paxos run decided, which only Paxos's types can say.
impl Simulation {
    /// The first value chosen by a phase-2 quorum, if any.
    pub fn chosen(&self) -> Option<&str> {
        self.checker()
            .chosen()
            .map(|(_, value)| self.config().value_name(value))
    }

    pub fn outcome(&self) -> Outcome {
        Outcome {
            decided: self
                .config()
                .learners
                .iter()
                .map(|&l| {
                    let learned = self.nodes()[l as usize]
                        .learner
                        .as_ref()
                        .and_then(|learner| learner.learned)
                        .map(|(_, v)| self.config().value_name(v).to_string());
                    (self.config().name(l).to_string(), learned)
                })
                .collect(),
            chosen: self.chosen().map(str::to_string),
            violations: self.violations().to_vec(),
            events: self.events(),
            stopped_early: self.stopped_early(),
            trace_hash: format!("{:016x}", self.trace_hash()),
        }
    }
}
