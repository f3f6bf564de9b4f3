//! What the engine needs of a protocol ([`Protocol`]), and how the log words it ([`Describe`]).
//!
//! The engine (`sim/`, `explore/`) is generic over [`Protocol`]: it owns the network, the clock,
//! the timers, crashes and the event log, and calls the protocol's handlers, which answer with
//! [`Effects`]. A protocol never sees the clock or the network, and the engine never looks
//! inside a node, a message or a note. Protocols live in `crate::protocols`, each in a folder.

use super::network::NetworkSpec;
use super::violation::Violation;
use super::NodeId;
use crate::explore::pack::Pack;
use std::fmt::Debug;
use std::hash::Hash;

/// A protocol as the engine runs it: pure state machines for its nodes, their messages, the
/// inputs a person or a scenario gives them, their timers, and a safety checker that reads the
/// notes the handlers write.
///
/// Everything is `Copy` or cheap to clone and hashes stably: the explorer copies whole states
/// for every transition it takes, and digests them to recognise states it has seen. The type
/// that implements it is a marker with no fields; the bounds on it let the engine's types
/// derive `Clone`, `Hash` and the rest.
pub trait Protocol: Sized + Copy + Debug + Default + PartialEq + Eq + Hash + 'static {
    /// What a run of this protocol is configured with; it does not change while the run runs.
    type Config: Clone + Debug;
    /// One node's state. What survives a crash and what does not is the protocol's to keep
    /// apart: [`Protocol::crash`] and [`Protocol::on_restart`] say what is lost.
    type Node: Clone + Debug + PartialEq + Eq + Hash + Pack;
    /// A message between nodes. It packs into two words for the explorer's queue.
    type Msg: Copy + Debug + PartialEq + Eq + Hash;
    /// A fact a handler established, for the log and the checker.
    type Note: Copy + Debug + PartialEq + Eq + Hash;
    /// A request from outside the cluster (for Paxos: propose a value).
    type Input: Copy + Debug + PartialEq + Eq + Hash;
    /// Which timer a node arms. A node has at most one armed at a time (Paxos: the proposer's
    /// retry; Raft: the election timeout or, on the leader, the heartbeat), so the kind is a tag.
    type Timer: Copy + Debug + Default + PartialEq + Eq + Hash + Pack;
    /// The safety checker's state, which is part of the explored state.
    type Checker: Clone + Debug + Default + PartialEq + Eq + Hash + Pack;
    /// A fact the checker derives from notes and that the log shows as an event of its own
    /// (Paxos: a value became chosen).
    type Derived: Copy + Debug + PartialEq + Eq + Hash;

    /// How many nodes the cluster has; they are numbered from 0.
    fn node_count(config: &Self::Config) -> usize;
    /// The network's delays, loss and duplication.
    fn network(config: &Self::Config) -> &NetworkSpec;
    /// A node's state when the run starts.
    fn new_node(config: &Self::Config, node: NodeId) -> Self::Node;

    fn is_crashed(node: &Self::Node) -> bool;
    /// The node stops; what it had not made durable is gone when it restarts.
    fn crash(node: &mut Self::Node);

    fn on_input(
        node: &mut Self::Node,
        me: NodeId,
        input: Self::Input,
        config: &Self::Config,
        out: &mut Effects<Self>,
    );
    fn on_message(
        node: &mut Self::Node,
        me: NodeId,
        from: NodeId,
        msg: Self::Msg,
        config: &Self::Config,
        out: &mut Effects<Self>,
    );
    fn on_timer(
        node: &mut Self::Node,
        me: NodeId,
        timer: Self::Timer,
        config: &Self::Config,
        out: &mut Effects<Self>,
    );
    /// Whether any node acts when the run starts ([`Protocol::on_start`]). A protocol whose
    /// nodes all wait to be asked (Paxos) leaves it false, and its runs skip the call, which
    /// keeps the page's wasm as small as it was.
    const STARTS: bool = false;
    /// Whether the exhaustive search keeps the order in time of the schedule's inputs. When
    /// false (Paxos), every input is applied at the start: its checker judges what was chosen,
    /// whatever the order of the proposals. When true, only the inputs at the schedule's first
    /// input tick are; each later one becomes a step of the search of its own, taken in
    /// schedule order at any point after the one before. A store's checker judges the order in
    /// real time of its operations, and an operation that begins after another has returned is
    /// what makes a stale read a violation: with every operation begun at the start, none is.
    const INPUTS_IN_TIME: bool = false;
    /// Whether a step of `node` may hand the checker a note whose order it keeps, such as a
    /// client's call or return, whose times in the history are their order. Two such steps do
    /// not commute even on different nodes: the search's sleep sets must not treat them as
    /// commuting, or they would skip states. Paxos's checker reads sets and counts, which do
    /// not depend on the order of its notes.
    fn ordered_steps(_config: &Self::Config, _node: NodeId) -> bool {
        false
    }
    /// A node acts when the run starts, before any event (a client begins its workload). Most
    /// nodes wait to be asked, so by default a node does nothing.
    fn on_start(
        _node: &mut Self::Node,
        _me: NodeId,
        _config: &Self::Config,
        _out: &mut Effects<Self>,
    ) {
    }
    /// A crashed node starts again.
    fn on_restart(
        node: &mut Self::Node,
        me: NodeId,
        config: &Self::Config,
        out: &mut Effects<Self>,
    );

    /// The range a timer's wait is drawn from, in ticks, under the timed scheduler.
    fn timer_ticks(config: &Self::Config, timer: Self::Timer) -> (u64, u64);

    /// The checker hears of an input a live node received.
    fn check_input(checker: &mut Self::Checker, input: Self::Input);
    /// The checker reads a note the log recorded at `index`; it may push violations, and may
    /// derive a fact that the engine logs next and hands back to [`Protocol::check_derived`].
    fn check_note(
        checker: &mut Self::Checker,
        config: &Self::Config,
        tick: u64,
        index: u32,
        note: &Self::Note,
    ) -> Option<Self::Derived>;
    /// The checker reads the derived fact the log recorded at `index`.
    fn check_derived(
        checker: &mut Self::Checker,
        config: &Self::Config,
        tick: u64,
        index: u32,
        derived: &Self::Derived,
    );
    fn violations(checker: &Self::Checker) -> &[Violation];
    /// Whether the run has reached what the protocol is for (Paxos: a value chosen by a
    /// quorum), by the checker's account: the Monte Carlo estimate times runs to this.
    fn decided(checker: &Self::Checker) -> bool;
    /// Hashes what of the checker can change a later verdict (see [`Protocol::Checker`]).
    fn checker_digest(checker: &Self::Checker, hasher: &mut crate::hash::StableHasher);

    /// A message as two words, for the explorer's queue and its digests; [`Protocol::words_msg`]
    /// reads them back.
    fn msg_words(msg: &Self::Msg) -> [u64; 2];
    fn words_msg(words: [u64; 2]) -> Self::Msg;

    /// How far a node has gone in the protocol (Paxos: a proposer's highest round), which the
    /// explorer bounds: it fires a node's timer only while this is below `max_rounds`. `None`
    /// for a node it does not bound, whose timer it always fires (a client between operations).
    fn progress(node: &Self::Node) -> Option<u32>;
}

/// A protocol in words, for the event log, traces and the page: each protocol's `describe.rs`.
/// The engine's own events (messages sent and lost, crashes, partitions) it words itself.
pub trait Describe: Protocol {
    /// The violation this protocol exists to prevent, by its kind and in words: Paxos's
    /// `agreement`, "two values chosen". A search that first meets a lesser violation offers to
    /// keep searching for this one ([`crate::explore::Bounds::gravest_only`]). None for a
    /// protocol whose violations are all of one rank.
    const GRAVEST: Option<(&'static str, &'static str)> = None;
    /// A node's name (`p1`, `a2`, `s3`).
    fn node_name(config: &Self::Config, node: NodeId) -> &str;
    /// A message for the log: `Promise(3.p2, accepted 2.p1 "A")`.
    fn describe_message(config: &Self::Config, msg: &Self::Msg) -> String;
    /// The machine-readable name of an input's event (`propose`), or of the same input to a
    /// crashed node (`propose_ignored`).
    fn input_name(input: &Self::Input, ignored: bool) -> &'static str;
    fn note_name(note: &Self::Note) -> &'static str;
    fn derived_name(derived: &Self::Derived) -> &'static str;
    /// The node a note is about, for highlighting.
    fn note_node(note: &Self::Note) -> Option<NodeId>;
    /// One sentence about an input given to `node`; `ignored` when the node was crashed.
    fn explain_input(
        config: &Self::Config,
        node: NodeId,
        input: &Self::Input,
        ignored: bool,
    ) -> String;
    fn explain_note(config: &Self::Config, note: &Self::Note) -> String;
    fn explain_derived(config: &Self::Config, derived: &Self::Derived) -> String;
}

/// What a handler wants done, and what it did, for the log.
#[derive(Clone, Debug)]
pub struct Effects<P: Protocol> {
    pub sends: Vec<(NodeId, P::Msg)>,
    pub timer: Option<TimerCommand<P::Timer>>,
    pub notes: Vec<P::Note>,
}

// Written out: a derive would ask `P: Default`.
impl<P: Protocol> Default for Effects<P> {
    fn default() -> Self {
        Effects {
            sends: Vec::new(),
            timer: None,
            notes: Vec::new(),
        }
    }
}

impl<P: Protocol> Effects<P> {
    pub fn clear(&mut self) {
        self.sends.clear();
        self.timer = None;
        self.notes.clear();
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimerCommand<T> {
    /// Arm the node's timer of this kind, replacing whichever one is armed.
    Set(T),
    Cancel,
}
