//! A key-value store replicated by quorums, without consensus: the ABD register of Attiya,
//! Bar-Noy and Dolev ("Sharing Memory Robustly in Message-Passing Systems", 1995), one per key,
//! and Dynamo-style last-writer-wins beside it.
//!
//! Replicas `r1…rN` keep, per key, a value with a version: a counter made unique by the number
//! of the client that wrote it. Clients `c1…cM` run each operation against quorums themselves,
//! as ABD is defined: no coordinator hop, and the quorum an operation formed is the client's
//! own, which the log shows. A client sends each phase to every replica and waits for a quorum
//! of answers, resending to the silent ones on a timer:
//! - **read** (`get`): ask a read quorum for their versions and take the newest; then (ABD)
//!   write it back to a write quorum before returning it, so that no later read returns an
//!   older one.
//! - **write** (`put`): ask a read quorum for their versions, then store the value at a write
//!   quorum with a version one higher than the newest seen.
//! - **compare and swap** (`cas`): read as a get does, and if the value is the expected one,
//!   write as a put does. Two phases with nothing holding the key between them: two cas can
//!   both succeed, which is the lesson that quorum storage is not consensus.
//!
//! In `dynamo` mode a write's version is the client's own counter and a read returns what it
//! found without writing it back. The bug switches each take one rule out of ABD.
//!
//! The checker is the clients' history, judged for linearizability each time an operation
//! returns (`crate::clients::record`).

pub mod check;
mod config;
pub mod describe;
mod node;
pub mod pack;
pub mod present;
mod scenario;
mod setup;
pub mod swarm;

pub use config::*;
pub use node::*;
pub use scenario::*;

use crate::clients::{Reply, Request};
use crate::hash::StableHasher;
use crate::protocols::Protocol;
use crate::sim::network::NetworkSpec;
use crate::sim::violation::Violation;
pub use crate::sim::NodeId;

/// The engine's types for a quorum-kv run.
pub type Simulation = crate::sim::Simulation<QuorumKv>;
pub type Compiled = crate::sim::action::Compiled<QuorumKv>;
pub type Scenario = crate::scenario::Scenario<QuorumKv>;

const _: () = assert!(std::mem::size_of::<crate::sim::InFlight<QuorumKv>>() <= 64);

/// The quorum-replicated key-value store as the engine runs it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct QuorumKv;

/// A client's timer: waiting before its next operation, or for answers to its current phase.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Timer {
    #[default]
    Resend,
    Think,
}

/// What a handler established, for the log and the checker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Note {
    /// A client began an operation.
    Called { client: NodeId, request: Request },
    /// A client's operation returned.
    Returned {
        client: NodeId,
        request: Request,
        reply: Reply,
        /// The replicas whose answers made the last phase's quorum, one bit each.
        quorum: u32,
    },
    /// A client gave its operation up after resending `retries_max` times, or lost it in a
    /// crash: its outcome is unknown.
    GaveUp {
        client: NodeId,
        request: Request,
        crashed: bool,
    },
    /// A client heard from a read quorum and goes on to write, at `version`.
    Writing {
        client: NodeId,
        key: u8,
        version: Version,
        value: u16,
        /// The replicas whose versions it read, one bit each.
        quorum: u32,
        /// Whether this is a read writing back what it found.
        write_back: bool,
    },
    /// A replica stored a value newer than what it had.
    Stored {
        replica: NodeId,
        key: u8,
        version: Version,
        value: u16,
    },
}

impl Protocol for QuorumKv {
    type Config = Config;
    type Node = Node;
    type Msg = Msg;
    type Note = Note;
    type Input = Request;
    type Timer = Timer;
    type Checker = check::Checker;
    type Derived = check::Never;

    const STARTS: bool = true;
    const INPUTS_IN_TIME: bool = true;

    fn node_count(config: &Config) -> usize {
        config.names.len()
    }

    fn network(config: &Config) -> &NetworkSpec {
        &config.network
    }

    fn new_node(config: &Config, node: NodeId) -> Node {
        Node::new(config, node)
    }

    // A client's calls and returns are its history's times.
    fn ordered_steps(config: &Config, node: NodeId) -> bool {
        config.is_client(node)
    }

    fn is_crashed(node: &Node) -> bool {
        node.crashed()
    }

    fn crash(node: &mut Node) {
        node.crash();
    }

    fn on_start(node: &mut Node, me: NodeId, config: &Config, out: &mut Effects) {
        node.start(me, config, out);
    }

    fn on_input(node: &mut Node, me: NodeId, request: Request, config: &Config, out: &mut Effects) {
        node.request(me, request, config, out);
    }

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

    fn on_timer(node: &mut Node, me: NodeId, timer: Timer, config: &Config, out: &mut Effects) {
        node.on_timer(me, timer, config, out);
    }

    fn on_restart(node: &mut Node, me: NodeId, config: &Config, out: &mut Effects) {
        node.restart(me, config, out);
    }

    fn timer_ticks(config: &Config, timer: Timer) -> (u64, u64) {
        let pacing = config.workload.pacing();
        match timer {
            Timer::Resend => pacing.retry_ticks,
            Timer::Think => pacing.think_ticks,
        }
    }

    fn check_input(_: &mut check::Checker, _: Request) {}

    fn check_note(
        checker: &mut check::Checker,
        config: &Config,
        tick: u64,
        index: u32,
        note: &Note,
    ) -> Option<check::Never> {
        checker.on_note(config, tick, index, note);
        None
    }

    fn check_derived(_: &mut check::Checker, _: &Config, _: u64, _: u32, never: &check::Never) {
        match *never {}
    }

    fn violations(checker: &check::Checker) -> &[Violation] {
        &checker.violations
    }

    /// A store has decided something once a client has had an answer.
    fn decided(checker: &check::Checker) -> bool {
        checker.answered
    }

    fn checker_digest(checker: &check::Checker, hasher: &mut StableHasher) {
        checker.digest(hasher);
    }

    fn msg_words(msg: &Msg) -> [u64; 2] {
        pack::msg_words(msg)
    }

    fn words_msg(words: [u64; 2]) -> Msg {
        pack::words_msg(words)
    }

    /// The explorer bounds how often a client resends; a client between operations is not
    /// bounded, so that its workload can go on.
    fn progress(node: &Node) -> Option<u32> {
        match node {
            Node::Client(c) if c.running.is_some() => Some(c.resends),
            _ => None,
        }
    }
}

pub type Effects = crate::protocols::Effects<QuorumKv>;

/// The result of a run, as the CLI prints it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Outcome {
    /// Operations the clients called, those that returned, and those whose outcome is unknown
    /// (given up, lost in a crash, or still running at the end).
    pub ops: usize,
    pub returned: usize,
    pub unknown: usize,
    pub violations: Vec<Violation>,
    pub events: u64,
    /// True when the run reached [`crate::sim::EVENTS_MAX`] and stopped before `until_ticks`.
    pub stopped_early: bool,
    pub trace_hash: String,
}

/// What a store's run did, which only its types can say.
impl Simulation {
    pub fn outcome(&self) -> Outcome {
        let ops = &self.checker().recorder.ops;
        let returned = ops.iter().filter(|op| op.returned.is_some()).count();
        Outcome {
            ops: ops.len(),
            returned,
            unknown: ops.len() - returned,
            violations: self.violations().to_vec(),
            events: self.events(),
            stopped_early: self.stopped_early(),
            trace_hash: format!("{:016x}", self.trace_hash()),
        }
    }

    /// The clients' history in the format of `shared/histories/`, with the checker's verdict
    /// on the whole of it in `expected` (none if the check gave up), so that another checker
    /// can judge the same history.
    pub fn history(&self) -> crate::check::History {
        self.checker().recorder.judged_history(
            &self.config().names_kv,
            format!("paxoscope, quorum-kv, seed {}", self.seed()),
        )
    }
}
