//! The exhaustive explorer: every interleaving of a scenario's start, within bounds.
//!
//! From the state after the scenario's proposals, it tries every enabled action — deliver any
//! message in flight, fire any armed timer, and, within bounds, drop or duplicate a message,
//! crash or restart a node — breadth first in strides of a few levels (see [`explore_with`]),
//! so the first violation it meets comes with a short path, though not always the shortest
//! (in `crate/tests/explorer.rs`, up to two steps longer than a plain breadth-first search
//! finds). States with the same [`Simulation::state_hash`] are visited once. It
//! drives the same [`Simulation`] and protocol code as the timed run: only the choice of the
//! next action differs. A counterexample comes back as a scenario with the script scheduler,
//! which replays the same path in the page or the CLI.
//!
//! Four things make it fast without changing what it finds. Sleep sets skip transitions that
//! only reorder commuting steps, so each state is reached through fewer transitions; the
//! states visited are exactly those of the plain search. The queue keeps states packed into
//! bytes ([`crate::explore::pack`]), a small fraction of the memory of whole simulations, read in
//! order. Only the states at the end of each stride are packed and unpacked: those in
//! between are explored straight away, each a copy of its parent made in reused allocations.
//! And all of a state's children are made before any is looked up in the visited set, so that
//! their slots are fetched from memory while the next ones are made (see [`Frame::expand`]).
//!
//! Only the schedule's inputs (proposals, requests) are used; its other interventions are
//! replaced by the explorer's own bounded faults. The inputs are all applied at the start,
//! unless the protocol keeps them in time ([`Protocol::INPUTS_IN_TIME`]): then each input after
//! the first tick is a step the search may take at any point after the input before it.

use crate::hash::StableHasher;
use crate::sim::violation::Violation;
pub mod pack;
mod visited;

use visited::{Found, Visited};

use crate::scenario::{intervention, Scenario, ScenarioSection};
use crate::sim::action::{Action, Compiled, SchedulerKind};
use crate::sim::message_digest;
use crate::sim::protocol::{Describe, Protocol};
use crate::sim::NodeId;
use crate::sim::Simulation;
use pack::{Unpacker, RAW_BYTES, WORD_BYTES};
use serde::Serialize;
use std::hash::Hasher;

#[derive(Clone, Copy, Debug, Serialize)]
pub struct Bounds {
    pub max_crashes: u32,
    pub max_drops: u32,
    pub max_duplicates: u32,
    /// The highest round a proposer may start by its timer, which bounds the number of ballots;
    /// for a client of a store, how often it may resend.
    pub max_rounds: u32,
    /// Stop after this many distinct states (the report then says the search was cut short).
    pub max_states: usize,
    /// Stop only at the protocol's gravest violation ([`Describe::GRAVEST`]): states that
    /// break a lesser rule are explored on, since a run that breaks one may go on to the
    /// gravest. For a protocol with no gravest kind, any violation stops the search.
    pub gravest_only: bool,
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds {
            max_crashes: 1,
            max_drops: 1,
            max_duplicates: 1,
            max_rounds: 2,
            max_states: 5_000_000,
            gravest_only: false,
        }
    }
}

/// What a search of a protocol `P`'s scenario found.
#[derive(Clone, Debug, Serialize)]
#[serde(bound(serialize = ""))]
pub struct Report<P: ScenarioSection> {
    pub states: usize,
    pub transitions: u64,
    /// False when `max_states` stopped the search before every state was seen.
    pub complete: bool,
    pub violations: Vec<Violation>,
    pub counterexample: Option<Scenario<P>>,
}

/// The state being expanded or tried: the simulation and the fault budgets spent on the way.
#[derive(Clone)]
struct Node<P: Protocol> {
    sim: Simulation<P>,
    crashes: u32,
    drops: u32,
    duplicates: u32,
    /// How many of the inputs kept for later ([`Search::later`]) were applied.
    inputs: u32,
    /// Index into `steps` of the step that led here.
    step: u32,
    digest: u64,
}

impl<P: Protocol> Node<P> {
    /// The state's digest, with the fault budgets spent: the same protocol state with more
    /// faults left to inject has more futures, so it is a different state to the search.
    fn compute_digest(&self) -> u64 {
        let mut hasher = StableHasher::default();
        self.sim.state_hash(&mut hasher);
        hasher.write_u32(self.crashes);
        hasher.write_u32(self.drops);
        hasher.write_u32(self.duplicates);
        hasher.write_u32(self.inputs);
        hasher.finish()
    }

    /// Appends this state to a level of the queue: its step, budgets spent and digest, the
    /// transitions to take again if that is why it is queued, then the packed simulation.
    fn push(&self, again: Option<Bits>, level: &mut Vec<u8>) {
        let header = WORD_BYTES * 6 + RAW_BYTES * 2;
        pack::append(level, header + self.sim.packed_bound(), |out| {
            out.words(&[
                self.step as u64,
                self.crashes as u64,
                self.drops as u64,
                self.duplicates as u64,
                self.inputs as u64,
            ]);
            out.raw(self.digest);
            match again {
                None => out.word(0),
                Some(missed) => {
                    out.word(1);
                    out.raw(missed);
                }
            }
            self.sim.pack_into(out);
        });
    }

    /// Overwrites this state with the one `mv` leads to from `parent`, reusing this one's
    /// allocations, and computes its digest.
    fn take_move(&mut self, parent: &Node<P>, mv: &Move<P>) {
        self.copy_from(parent);
        match mv.budget {
            Budget::Crash => self.crashes += 1,
            Budget::Drop => self.drops += 1,
            Budget::Duplicate => self.duplicates += 1,
            Budget::None => {}
        }
        if matches!(mv.action, Action::Input { .. }) {
            self.inputs += 1;
        }
        self.sim.apply(&mv.action);
        self.digest = self.compute_digest();
    }

    /// Overwrites this state with `other`, reusing this one's allocations.
    fn copy_from(&mut self, other: &Node<P>) {
        self.sim.copy_from(&other.sim);
        self.crashes = other.crashes;
        self.drops = other.drops;
        self.duplicates = other.duplicates;
        self.inputs = other.inputs;
        self.step = other.step;
        self.digest = other.digest;
    }

    /// The digest of the state at the start of `entry`, without reading the rest.
    fn peek_digest(entry: &[u8]) -> u64 {
        let input = &mut Unpacker::new(entry);
        for _ in 0..5 {
            input.word();
        }
        input.raw()
    }

    /// Reads the state at the start of `entry` (from [`Node::push`]) back into this one.
    /// Returns how many bytes it took, and the transitions to take again if that is why it was
    /// queued.
    fn load(&mut self, entry: &[u8]) -> (usize, Option<Bits>) {
        let input = &mut Unpacker::new(entry);
        self.step = input.word() as u32;
        self.crashes = input.word() as u32;
        self.drops = input.word() as u32;
        self.duplicates = input.word() as u32;
        self.inputs = input.word() as u32;
        self.digest = input.raw();
        let again = (input.word() == 1).then(|| input.raw());
        let header = input.position();
        (header + self.sim.unpack(&entry[header..]), again)
    }
}

/// A set of transitions, one bit each (see [`Interner`]); the top bit is never a transition.
type Bits = u64;

/// In [`Visited`], the bit that says a state's transitions were taken.
const EXPANDED: Bits = 1 << 63;

/// Which fault budget a transition spends: two that spend the same one can disable each other.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Budget {
    None,
    Crash,
    Drop,
    Duplicate,
}

/// A transition the search can take from a state, with what tells whether two commute.
struct Move<P: Protocol> {
    action: Action<P>,
    /// The one node whose state the transition reads or changes. A drop or a duplicate counts
    /// as touching the message's destination: that is more than it does, which only makes the
    /// search treat fewer pairs as commuting.
    node: NodeId,
    budget: Budget,
    /// Whether it may hand the checker a note whose order it keeps ([`Protocol::ordered_steps`]).
    ordered: bool,
    /// Its bit in sleep sets, or 0 for a transition that is never put to sleep.
    bit: Bits,
}

/// Two transitions commute, and neither disables the other, when they touch different nodes,
/// do not spend the same fault budget, and do not both hand the checker notes whose order it
/// keeps. Messages are compared by content and digests leave message numbers out, so
/// delivering to a1 then a2 reaches the same state as a2 then a1.
fn independent<P: Protocol>(a: &Move<P>, b: &Move<P>) -> bool {
    a.node != b.node
        && (a.budget == Budget::None || a.budget != b.budget)
        && !(a.ordered && b.ordered)
}

/// Gives each distinct transition (by kind and message content, or node) one bit of [`Bits`],
/// the same in every state. Transitions past the 63rd get none and are simply never asleep.
///
/// A small open-addressing table, since it holds at most 63 keys and is asked once for every
/// transition of every state: a general-purpose hash map cost the search several percent.
struct Interner {
    /// Keys, 0 for an empty slot, and each one's bit number.
    slots: [(u64, u8); INTERNER_SLOTS],
    len: usize,
}

/// Twice the most keys an [`Interner`] takes, so that probes stay short.
const INTERNER_SLOTS: usize = 128;

impl Interner {
    fn new() -> Interner {
        Interner {
            slots: [(0, 0); INTERNER_SLOTS],
            len: 0,
        }
    }

    /// `key` is well mixed already (see [`transition_key`]); 0 marks an empty slot, so key 0
    /// is taken as 1.
    fn bit(&mut self, key: u64) -> Bits {
        let key = key.max(1);
        let mut i = key as usize % INTERNER_SLOTS;
        loop {
            match self.slots[i] {
                (k, bit) if k == key => return 1 << bit,
                (0, _) if self.len < Bits::BITS as usize - 1 => {
                    self.slots[i] = (key, self.len as u8);
                    self.len += 1;
                    return 1 << (self.len - 1);
                }
                (0, _) => return 0,
                _ => i = (i + 1) % INTERNER_SLOTS,
            }
        }
    }
}

/// A transition's identity for [`Interner`]: its kind and what it acts on (a message's content
/// digest, or a node), mixed so that kinds do not collide.
fn transition_key(kind: u8, value: u64) -> u64 {
    value ^ (kind as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// Whether the search prunes transitions that only reorder commuting steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reduction {
    /// Take every enabled transition from every state: the plain search, to compare with.
    None,
    /// Sleep sets (the default): the same states, through fewer transitions.
    SleepSets,
}

/// Explores `scenario` (already checked) within `bounds`, with sleep sets.
pub fn explore<P: ScenarioSection>(
    scenario: &Scenario<P>,
    compiled: &Compiled<P>,
    bounds: Bounds,
) -> Report<P> {
    explore_with(scenario, compiled, bounds, Reduction::SleepSets)
}

/// Explores `scenario` (already checked) within `bounds`.
///
/// Breadth first in strides of [`STRIDE_LEVELS`] levels: each state taken from the queue is
/// explored depth first down to that many steps, and only the states found at the stride's
/// end are packed into the queue for later. States in between are never packed or unpacked,
/// which is where a plain breadth-first search spends most of its time, and the queue holds a
/// fraction of the states. The order stays close to breadth first: a state is explored at most
/// a stride's length after a plain breadth-first search would have.
///
/// With sleep sets (Godefroid's partial-order reduction): after taking transition t from a
/// state, a child reached by a later transition u that commutes with t need not take t again,
/// since u-then-t reaches what t-then-u already reached. This prunes transitions, never
/// states: every state a plain search visits is still visited, as `crate/tests/explorer.rs`
/// checks by counting both ways. With state hashing a state can be reached again with a
/// smaller sleep set after it was expanded; it is then expanded again for the transitions it
/// skipped.
pub fn explore_with<P: ScenarioSection>(
    scenario: &Scenario<P>,
    compiled: &Compiled<P>,
    bounds: Bounds,
    reduction: Reduction,
) -> Report<P> {
    explore_reporting(scenario, compiled, bounds, reduction, |_| {})
}

/// [`explore_with`], telling `progress` how far it has got every [`PROGRESS_TRANSITIONS`]
/// transitions: the page's search shows it while it runs.
pub fn explore_reporting<P: ScenarioSection>(
    scenario: &Scenario<P>,
    compiled: &Compiled<P>,
    bounds: Bounds,
    reduction: Reduction,
    progress: impl FnMut(Progress),
) -> Report<P> {
    let found = search_reporting(compiled, bounds, reduction, progress);
    Report {
        states: found.states,
        transitions: found.transitions,
        complete: found.complete,
        counterexample: found
            .path
            .map(|(sim, path)| counterexample(scenario, &sim, &found.inputs, &path)),
        violations: found.violations,
    }
}

/// The protocol's gravest violation in words ([`Describe::GRAVEST`]) when `violations` break
/// only lesser rules: what a search that stopped at them could keep searching for.
pub fn gravest_not_found<P: Describe>(violations: &[Violation]) -> Option<&'static str> {
    let (kind, words) = P::GRAVEST?;
    (!violations.is_empty() && violations.iter().all(|v| v.kind != kind)).then_some(words)
}

/// What a search found, for any protocol: the counts, and for a violation the state that broke
/// safety and the steps that lead to it from the start (after the scenario's inputs).
pub struct Searched<P: Protocol> {
    pub states: usize,
    pub transitions: u64,
    pub complete: bool,
    pub violations: Vec<Violation>,
    /// The scenario's inputs applied at the start: all of them, or for a protocol that keeps
    /// them in time, those at the first tick with any (the path holds the others).
    pub inputs: Vec<Action<P>>,
    pub path: Option<(Simulation<P>, Vec<Action<P>>)>,
}

/// The search of [`explore_with`], for any protocol: from `compiled`'s start with its inputs
/// applied (or, with [`Protocol::INPUTS_IN_TIME`], its first ones), every interleaving within
/// `bounds`.
pub fn search<P: Describe>(
    compiled: &Compiled<P>,
    bounds: Bounds,
    reduction: Reduction,
) -> Searched<P> {
    search_reporting(compiled, bounds, reduction, |_| {})
}

/// How often a search reports its progress, in transitions: a few times a second.
pub const PROGRESS_TRANSITIONS: u64 = 1 << 18;

/// How far a search has got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Distinct states seen.
    pub states: usize,
    pub transitions: u64,
    /// Steps from the start of the state being explored.
    pub depth: usize,
}

/// [`search`], telling `progress` how far it has got every [`PROGRESS_TRANSITIONS`] transitions.
pub fn search_reporting<P: Describe>(
    compiled: &Compiled<P>,
    bounds: Bounds,
    reduction: Reduction,
    mut progress: impl FnMut(Progress),
) -> Searched<P> {
    let mut start = Compiled {
        scheduler: SchedulerKind::Script,
        schedule: Vec::new(),
        ..compiled.clone()
    };
    start.until_ticks = u64::MAX;
    let mut sim = Simulation::new(&start).for_exploring();
    let all: Vec<&(u64, Action<P>)> = compiled
        .schedule
        .iter()
        .filter(|(_, a)| matches!(a, Action::Input { .. }))
        .collect();
    let first_tick = all.first().map_or(0, |(at, _)| *at);
    let (inputs, later): (Vec<_>, Vec<_>) = all
        .into_iter()
        .partition(|(at, _)| !P::INPUTS_IN_TIME || *at == first_tick);
    let inputs: Vec<Action<P>> = inputs.into_iter().map(|(_, a)| a.clone()).collect();
    for input in &inputs {
        sim.apply(input);
    }
    let mut root = Node {
        sim,
        crashes: 0,
        drops: 0,
        duplicates: 0,
        inputs: 0,
        step: 0,
        digest: 0,
    };
    root.digest = root.compute_digest();
    let mut search = Search {
        steps: vec![(0, None)],
        // Sized up front: growing a set of millions of digests rehashes it many times over.
        seen: Visited::with_capacity(bounds.max_states.min(1 << 22)),
        next_level: Vec::new(),
        max_states: bounds.max_states,
        reduction,
        transitions: 0,
        later: later.into_iter().map(|(_, a)| a.clone()).collect(),
        goal: P::GRAVEST
            .map(|(kind, _)| kind)
            .filter(|_| bounds.gravest_only),
    };
    search.seen.find_or_add(root.digest, 0);
    root.push(None, &mut search.next_level);
    // The queue holds states packed into bytes (see `crate::explore::pack`), one stride at a time, read
    // in order. Each is unpacked into the first frame of `path`; deeper frames hold the states
    // of the depth-first walk below it, each a copy of the one above made in its own
    // allocations.
    let mut path: Vec<Frame<P>> = (0..=STRIDE_LEVELS).map(|_| Frame::new(&root)).collect();
    let mut level = Vec::new();
    let mut interner = Interner::new();
    let mut stop = None;
    let mut strides = 0;
    'search: while !search.next_level.is_empty() {
        std::mem::swap(&mut level, &mut search.next_level);
        search.next_level.clear();
        let mut at = 0;
        while at < level.len() {
            let (length, again) = path[0].node.load(&level[at..]);
            at += length;
            if at < level.len() {
                search.seen.prefetch(Node::<P>::peek_digest(&level[at..]));
            }
            let known = search.seen.bits_mut(path[0].node.digest);
            let asleep = *known & !EXPANDED;
            *known |= EXPANDED;
            path[0].expand(again, asleep, &bounds, &mut interner, &search);
            let mut depth = 0;
            loop {
                let (above, below) = path.split_at_mut(depth + 1);
                let (frame, next) = (&mut above[depth], &mut below[0]);
                let Some(child) = frame.children[..frame.made].get_mut(frame.settled) else {
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                    continue;
                };
                frame.settled += 1;
                search.transitions += 1;
                if search.transitions % PROGRESS_TRANSITIONS == 0 {
                    progress(Progress {
                        states: search.seen.len,
                        transitions: search.transitions,
                        depth: strides * STRIDE_LEVELS + depth + 1,
                    });
                }
                // The stride's last level is only queued, to be explored later.
                let queue = depth + 1 == STRIDE_LEVELS;
                let action = &frame.moves[child.mv].action;
                match search.settle(&mut child.node, child.sleep, action, queue) {
                    Err(why) => {
                        std::mem::swap(&mut next.node, &mut child.node);
                        stop = Some((why, depth + 1));
                        break 'search;
                    }
                    Ok(Some((again, asleep))) if !queue => {
                        // Exchanged, not copied: the frame's old state only lends its
                        // allocations to the next child made in this slot.
                        std::mem::swap(&mut next.node, &mut child.node);
                        next.expand(again, asleep, &bounds, &mut interner, &search);
                        depth += 1;
                    }
                    Ok(_) => {}
                }
            }
        }
        strides += 1;
    }
    let complete = stop.is_none();
    if let Some((Stop::Violation, depth)) = stop {
        let sim = path[depth].node.sim.clone();
        let steps = path_to(&search.steps, path[depth].node.step);
        return Searched {
            states: search.seen.len,
            transitions: search.transitions,
            complete: false,
            violations: sim.violations().to_vec(),
            inputs,
            path: Some((sim, steps)),
        };
    }
    Searched {
        states: search.seen.len,
        transitions: search.transitions,
        complete,
        violations: Vec::new(),
        inputs,
        path: None,
    }
}

/// How many levels each state taken from the queue is explored below, depth first, before the
/// states reached are queued. Since most states of a tree are on its last level, any stride
/// still packs about half of them (47% in the benchmark's search with 4; 8 took as many
/// instructions), while longer strides let the search stray further from breadth-first order.
const STRIDE_LEVELS: usize = 4;

/// Why a search stopped before it ran out of states.
enum Stop {
    /// A new state breaks safety.
    Violation,
    /// `max_states` distinct states were seen.
    Full,
}

/// What a search keeps besides the states it is exploring: the visited set, the path to every
/// state, and the next stride's queue.
struct Search<P: Protocol> {
    /// `steps[i]` is (previous step, action); step 0 is the start.
    steps: Vec<(u32, Option<Action<P>>)>,
    seen: Visited,
    next_level: Vec<u8>,
    max_states: usize,
    reduction: Reduction,
    transitions: u64,
    /// The inputs the search applies as steps of their own, in this order (see
    /// [`Protocol::INPUTS_IN_TIME`]); empty for a protocol that applies them all at the start.
    later: Vec<Action<P>>,
    /// The only violation kind that stops the search, or None for any (see
    /// [`Bounds::gravest_only`]).
    goal: Option<&'static str>,
}

impl<P: Protocol> Search<P> {
    /// Records a child reached by `action` with sleep set `sleep`. Returns what to explore
    /// from it now — all its transitions but those asleep, or, for a state seen before and
    /// explored with a larger sleep set, the ones that one skipped (with the sleep set to
    /// start from) — or nothing if there is nothing new; with `queue`, that goes on the next
    /// stride's queue instead. A new state that breaks safety, or the one that fills the set,
    /// stops the search.
    fn settle(
        &mut self,
        child: &mut Node<P>,
        sleep: Bits,
        action: &Action<P>,
        queue: bool,
    ) -> Result<Option<(Option<Bits>, Bits)>, Stop> {
        let expanded = if queue { 0 } else { EXPANDED };
        let (again, asleep) = match self.seen.find_or_add(child.digest, sleep | expanded) {
            Found::New => (None, sleep),
            Found::Seen(known) => {
                // Take what every earlier path left asleep and this one does not; from now on
                // only what both leave asleep is asleep. A state still queued is explored
                // later, with the smaller set.
                let missed = *known & !EXPANDED & !sleep;
                *known &= sleep | EXPANDED;
                if *known & EXPANDED == 0 || missed == 0 {
                    return Ok(None);
                }
                (Some(missed), *known & !EXPANDED)
            }
        };
        self.steps.push((child.step, Some(action.clone())));
        child.step = (self.steps.len() - 1) as u32;
        if again.is_none() {
            let violations = child.sim.violations();
            if self.goal.map_or(!violations.is_empty(), |goal| {
                violations.iter().any(|v| v.kind == goal)
            }) {
                return Err(Stop::Violation);
            }
            if self.seen.len >= self.max_states {
                return Err(Stop::Full);
            }
        }
        if queue {
            child.push(again, &mut self.next_level);
            return Ok(None);
        }
        Ok(Some((again, asleep)))
    }
}

/// A transition made from a frame's state: the state it leads to, the transition (an index
/// into the frame's moves), and the sleep set it starts with.
struct Child<P: Protocol> {
    node: Node<P>,
    mv: usize,
    sleep: Bits,
}

/// A state being explored depth first below one taken from the queue, with the transitions it
/// has left to take.
struct Frame<P: Protocol> {
    node: Node<P>,
    moves: Vec<Move<P>>,
    /// The index in `moves` of the next transition to consider.
    next: usize,
    /// Transitions not to take from here: the sleep set, then each one as it is taken.
    asleep: Bits,
    /// For a state explored again: the transitions an earlier exploration skipped, which are
    /// the only ones to take now.
    again: Option<Bits>,
    /// The states this one's transitions lead to, all made before any is looked up in the
    /// visited set (see [`Frame::expand`]); the first `made` are this state's. Kept from state
    /// to state so that their allocations are reused.
    children: Vec<Child<P>>,
    made: usize,
    /// How many of the children were looked up (and explored, if new) so far.
    settled: usize,
}

impl<P: Protocol> Frame<P> {
    fn new(node: &Node<P>) -> Frame<P> {
        Frame {
            node: node.clone(),
            moves: Vec::new(),
            next: 0,
            asleep: 0,
            again: None,
            children: Vec::new(),
            made: 0,
            settled: 0,
        }
    }

    /// Takes this state's transitions: all those not in the sleep set `asleep`, or, to explore
    /// it again, only those in `again`. It makes every child before the search looks any up.
    ///
    /// A lookup in a visited set of millions of states waits for memory. Made one after
    /// another, each child's slot is prefetched while the next ones are made, so that most
    /// lookups find their slot in the cache. The search still looks children up, and explores
    /// them, in the same order as when each was made just before its lookup, so it finds the
    /// same states and counterexamples.
    fn expand(
        &mut self,
        again: Option<Bits>,
        asleep: Bits,
        bounds: &Bounds,
        interner: &mut Interner,
        search: &Search<P>,
    ) {
        enabled(&self.node, bounds, &search.later, interner, &mut self.moves);
        self.next = 0;
        self.asleep = asleep;
        self.again = again;
        self.made = 0;
        self.settled = 0;
        while let Some((mv, sleep)) = self.next_move(search.reduction) {
            if self.made == self.children.len() {
                self.children.push(Child {
                    node: self.node.clone(),
                    mv,
                    sleep,
                });
            }
            let child = &mut self.children[self.made];
            child.node.take_move(&self.node, &self.moves[mv]);
            child.mv = mv;
            child.sleep = sleep;
            search.seen.prefetch(child.node.digest);
            self.made += 1;
        }
    }

    /// The next transition to take, with the sleep set of the state it leads to; it then
    /// counts as taken.
    fn next_move(&mut self, reduction: Reduction) -> Option<(usize, Bits)> {
        while self.next < self.moves.len() {
            let i = self.next;
            self.next += 1;
            let mv = &self.moves[i];
            let take = match self.again {
                None => mv.bit & self.asleep == 0,
                Some(missed) => mv.bit & missed != 0,
            };
            if !take {
                continue;
            }
            let sleep = match reduction {
                Reduction::None => 0,
                Reduction::SleepSets => self
                    .moves
                    .iter()
                    .enumerate()
                    .filter(|&(j, u)| j != i && u.bit & self.asleep != 0 && independent(u, mv))
                    .fold(0, |sleep, (_, u)| sleep | u.bit),
            };
            self.asleep |= mv.bit;
            return Some((i, sleep));
        }
        None
    }
}

/// The transitions enabled in `node`'s state, each distinct one once: two messages in flight
/// with the same content lead to the same state. The next of the `later` inputs is one.
fn enabled<P: Protocol>(
    node: &Node<P>,
    bounds: &Bounds,
    later: &[Action<P>],
    interner: &mut Interner,
    out: &mut Vec<Move<P>>,
) {
    out.clear();
    let sim = &node.sim;
    let mut taken: Bits = 0;
    let mut push = |action: Action<P>, key: u64, node: NodeId, budget: Budget| {
        let bit = interner.bit(key);
        if bit == 0 || bit & taken == 0 {
            taken |= bit;
            out.push(Move {
                action,
                node,
                budget,
                ordered: P::ordered_steps(sim.config(), node),
                bit,
            });
        }
    };
    for m in sim.inflight() {
        let content = message_digest(m);
        push(
            Action::Deliver(m.id),
            transition_key(0, content),
            m.to,
            Budget::None,
        );
        if node.drops < bounds.max_drops {
            push(
                Action::Drop(m.id),
                transition_key(1, content),
                m.to,
                Budget::Drop,
            );
        }
        if node.duplicates < bounds.max_duplicates {
            push(
                Action::Duplicate(m.id),
                transition_key(2, content),
                m.to,
                Budget::Duplicate,
            );
        }
    }
    // Nodes in id order, as the protocol numbered them (Paxos: proposers first, and only they
    // arm timers).
    for p in 0..sim.nodes().len() as NodeId {
        let armed = sim.timers()[p as usize].is_some() && !P::is_crashed(&sim.nodes()[p as usize]);
        if armed
            && sim
                .progress(p)
                .is_none_or(|round| round < bounds.max_rounds)
        {
            push(
                Action::Timeout(p),
                transition_key(3, p as u64),
                p,
                Budget::None,
            );
        }
    }
    for (i, n) in sim.nodes().iter().enumerate() {
        let i = i as NodeId;
        if P::is_crashed(n) {
            push(
                Action::Restart(i),
                transition_key(4, i as u64),
                i,
                Budget::None,
            );
        } else if node.crashes < bounds.max_crashes {
            push(
                Action::Crash(i),
                transition_key(5, i as u64),
                i,
                Budget::Crash,
            );
        }
    }
    if let Some(input @ Action::Input { node: to, .. }) = later.get(node.inputs as usize) {
        push(
            input.clone(),
            transition_key(6, node.inputs as u64),
            *to,
            Budget::None,
        );
    }
}

fn path_to<P: Protocol>(steps: &[(u32, Option<Action<P>>)], mut step: u32) -> Vec<Action<P>> {
    let mut path = Vec::new();
    while let (previous, Some(action)) = &steps[step as usize] {
        path.push(action.clone());
        step = *previous;
    }
    path.reverse();
    path
}

/// The scenario that replays a found path under the script scheduler: the scenario's inputs at
/// tick 0, then one step of the path per tick, each written back through the protocol's section.
fn counterexample<P: ScenarioSection>(
    scenario: &Scenario<P>,
    sim: &Simulation<P>,
    inputs: &[Action<P>],
    path: &[Action<P>],
) -> Scenario<P> {
    let config = sim.config();
    let mut schedule: Vec<_> = inputs.iter().map(|p| intervention(config, 0, p)).collect();
    schedule.extend(
        path.iter()
            .enumerate()
            .map(|(i, action)| intervention(config, i as u64 + 1, action)),
    );
    Scenario {
        scheduler: SchedulerKind::Script,
        schedule,
        until_ticks: path.len() as u64 + 2,
        ..scenario.clone()
    }
}
