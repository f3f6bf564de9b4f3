//! Multi-Paxos: a replicated log of commands, agreed slot by slot, applied in order to a
//! key-value store on every server; the state machine replication that ZooKeeper, etcd and the
//! article's "distributed databases" run.
//!
//! Servers `s1…sN` are each proposer, acceptor and learner, with a log of slots. A server
//! becomes leader by running phase 1 once for every slot from the first it does not know
//! chosen: its Prepare covers them all, and each acceptor's Promise reports what it accepted in
//! each of them, one message per slot (so that a message fits two words). The new leader
//! re-proposes in each slot the command reported with the highest ballot, and a no-op where
//! none was, then runs only phase 2: one Accept round per client command, in the next slot.
//! A slot whose Accepted messages make a quorum is chosen, and the leader announces it with a
//! Commit; each server applies its log in order to its own store, and the leader answers the
//! client. Leaders send heartbeats; a follower that hears none for an election timeout runs
//! for leader with a higher ballot, and random timeouts settle duelling candidates.
//!
//! Clients `c1…cM` send each request to the server they believe leads, follow a redirect, and
//! resend to the next server after a timeout with the same request number; servers keep each
//! client's last command and its reply, so that a resent command is executed once. Gets go
//! through the log, or (`"reads": "lease"`) are answered by a leader from its store while a
//! quorum has acknowledged one of its last two heartbeats.
//!
//! The checker holds the single-decree invariants per slot (at most one command chosen, only
//! requested commands chosen), that servers learn only what was chosen and apply the chosen
//! commands in slot order, and that the clients' history is linearizable.

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

/// The engine's types for a Multi-Paxos run.
pub type Simulation = crate::sim::Simulation<MultiPaxos>;
pub type Compiled = crate::sim::action::Compiled<MultiPaxos>;
pub type Scenario = crate::scenario::Scenario<MultiPaxos>;

const _: () = assert!(std::mem::size_of::<crate::sim::InFlight<MultiPaxos>>() <= 64);

/// Multi-Paxos as the engine runs it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct MultiPaxos;

/// A node's timer. A follower or candidate waits for a leader (`Election`); a leader sends
/// heartbeats; a client thinks before its next request, or waits for an answer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Timer {
    #[default]
    Election,
    Heartbeat,
    Resend,
    Think,
}

/// Why a client stopped waiting for an answer, which leaves its request's outcome unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GaveUp {
    /// It resent `retries_max` times and heard nothing.
    Retries,
    /// It crashed while it waited.
    Crashed,
    /// The value a get read had more pieces than a reply carries.
    TooLong,
}

/// What a handler established, for the log and the checker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Note {
    Called {
        client: NodeId,
        request: Request,
    },
    Returned {
        client: NodeId,
        request: Request,
        reply: Reply,
        server: NodeId,
    },
    GaveUp {
        client: NodeId,
        request: Request,
        why: GaveUp,
    },
    /// A server runs for leader.
    Campaign {
        server: NodeId,
        ballot: Ballot,
    },
    /// An acceptor promised a ballot for every slot from the Prepare's on.
    Promised {
        acceptor: NodeId,
        ballot: Ballot,
    },
    /// A candidate has a quorum of promises and leads; it re-proposes the `recovered` slots
    /// its promises covered, unless it `skipped` them (the bug switch).
    Leading {
        server: NodeId,
        ballot: Ballot,
        from: u16,
        recovered: u16,
        skipped: bool,
    },
    /// A candidate or leader heard of a higher ballot and follows.
    SteppedDown {
        server: NodeId,
        ballot: Ballot,
    },
    Proposed {
        server: NodeId,
        ballot: Ballot,
        slot: u16,
        cmd: Cmd,
    },
    Accepted {
        acceptor: NodeId,
        ballot: Ballot,
        slot: u16,
        cmd: Cmd,
    },
    Learned {
        server: NodeId,
        slot: u16,
        cmd: Cmd,
    },
    /// A server applied a chosen slot to its store; `executed` is false for a no-op and for a
    /// command its client's session shows done already.
    Applied {
        server: NodeId,
        slot: u16,
        cmd: Cmd,
        executed: bool,
    },
    /// A leader answered a get from its own store; `lease` says whether it held a lease.
    ReadLocally {
        server: NodeId,
        client: u8,
        seq: u16,
        lease: bool,
    },
}

impl Protocol for MultiPaxos {
    type Config = Config;
    type Node = Node;
    type Msg = Msg;
    type Note = Note;
    type Input = Request;
    type Timer = Timer;
    type Checker = check::Checker;
    type Derived = check::Chosen;

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

    fn on_input(node: &mut Node, me: NodeId, request: Request, _: &Config, out: &mut Effects) {
        node.request(me, request, out);
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
        match timer {
            Timer::Election => config.election_ticks,
            // Always the same wait: a lease counts heartbeats as time.
            Timer::Heartbeat => (config.heartbeat_ticks, config.heartbeat_ticks),
            Timer::Resend => config.workload.pacing().retry_ticks,
            Timer::Think => config.workload.pacing().think_ticks,
        }
    }

    fn check_input(_: &mut check::Checker, _: Request) {}

    fn check_note(
        checker: &mut check::Checker,
        config: &Config,
        tick: u64,
        index: u32,
        note: &Note,
    ) -> Option<check::Chosen> {
        checker.on_note(config, tick, index, note)
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
        &checker.violations
    }

    /// A replicated log has decided something once a slot is chosen.
    fn decided(checker: &check::Checker) -> bool {
        checker.chosen.iter().any(Option::is_some)
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

    /// The explorer bounds how often a server's timer fires (elections and heartbeats) and how
    /// often a client resends; a client between requests is not bounded.
    fn progress(node: &Node) -> Option<u32> {
        match node {
            Node::Server(s) => Some(s.timeouts),
            Node::Client(c) if c.running.is_some() => Some(c.resends),
            Node::Client(_) => None,
        }
    }
}

pub type Effects = crate::protocols::Effects<MultiPaxos>;

/// The result of a run, as the CLI prints it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Outcome {
    /// Slots chosen, and the first slot that is not.
    pub chosen_slots: usize,
    pub ops: usize,
    pub returned: usize,
    pub unknown: usize,
    /// The leader at the end, if a server leads.
    pub leader: Option<String>,
    pub violations: Vec<Violation>,
    pub events: u64,
    pub stopped_early: bool,
    pub trace_hash: String,
}

impl Simulation {
    pub fn outcome(&self) -> Outcome {
        let ops = &self.checker().recorder.ops;
        let returned = ops.iter().filter(|op| op.returned.is_some()).count();
        let config = self.config();
        // Two servers may both believe they lead, one not yet told of the other's ballot: the
        // leader is the one with the higher ballot.
        let leader = self.nodes()[..config.servers]
            .iter()
            .enumerate()
            .filter_map(|(s, node)| match node {
                Node::Server(server) if !server.crashed => match &server.role {
                    Role::Leader(lead) => Some((lead.ballot, s)),
                    _ => None,
                },
                _ => None,
            })
            .max()
            .map(|(_, s)| config.name(s as NodeId).to_string());
        Outcome {
            chosen_slots: self.checker().chosen.iter().filter(|c| c.is_some()).count(),
            ops: ops.len(),
            returned,
            unknown: ops.len() - returned,
            leader,
            violations: self.violations().to_vec(),
            events: self.events(),
            stopped_early: self.stopped_early(),
            trace_hash: format!("{:016x}", self.trace_hash()),
        }
    }

    /// The clients' history in the format of `shared/histories/`, with the checker's verdict.
    pub fn history(&self) -> crate::check::History {
        self.checker().recorder.judged_history(
            &self.config().names_kv,
            format!("paxoscope, multipaxos, seed {}", self.seed()),
        )
    }
}
