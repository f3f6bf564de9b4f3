//! The exhaustive explorer: every interleaving of a scenario's start, within bounds.
//!
//! From the state after the scenario's proposals, it tries every enabled action — deliver any
//! message in flight, fire any armed timer, and, within bounds, drop or duplicate a message,
//! crash or restart a node — breadth first, so the first violation it meets has a shortest
//! path. States with the same [`Simulation::state_hash`] are visited once. It drives the same
//! [`Simulation`] and protocol code as the timed run: only the choice of the next action
//! differs. A counterexample comes back as a scenario with the script scheduler, which replays
//! the same path in the page or the CLI.
//!
//! Two things make it fast without changing what it finds. Sleep sets (see [`explore_with`])
//! skip transitions that only reorder commuting steps, so each state is reached through fewer
//! transitions; the states visited are exactly those of the plain search. And the queue keeps
//! states packed into words ([`crate::pack`]), which takes a third of the memory of whole
//! simulations and is read in order.
//!
//! Only the schedule's proposals are used; its other interventions are replaced by the
//! explorer's own bounded faults.

use crate::checker::Violation;
use crate::hash::{stable_hash, StableHasher};
use crate::paxos::NodeId;
use crate::scenario::{intervention, Action, Compiled, Scenario, SchedulerKind};
use crate::sim::Simulation;
use serde::Serialize;
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

#[derive(Clone, Copy, Debug, Serialize)]
pub struct Bounds {
    pub max_crashes: u32,
    pub max_drops: u32,
    pub max_duplicates: u32,
    /// The highest round a proposer may start by its timer; bounds the number of ballots.
    pub max_rounds: u32,
    /// Stop after this many distinct states (the report then says the search was cut short).
    pub max_states: usize,
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds {
            max_crashes: 1,
            max_drops: 1,
            max_duplicates: 1,
            max_rounds: 2,
            max_states: 5_000_000,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub states: usize,
    pub transitions: u64,
    /// False when `max_states` stopped the search before every state was seen.
    pub complete: bool,
    pub violations: Vec<Violation>,
    pub counterexample: Option<Scenario>,
}

/// The state being expanded or tried: the simulation and the fault budgets spent on the way.
struct Node {
    sim: Simulation,
    crashes: u32,
    drops: u32,
    duplicates: u32,
    /// Index into `steps` of the step that led here.
    step: u32,
    digest: u64,
}

impl Node {
    /// The state's digest, with the fault budgets spent: the same protocol state with more
    /// faults left to inject has more futures, so it is a different state to the search.
    fn compute_digest(&self) -> u64 {
        let mut hasher = StableHasher::default();
        self.sim.state_hash(&mut hasher);
        hasher.write_u32(self.crashes);
        hasher.write_u32(self.drops);
        hasher.write_u32(self.duplicates);
        hasher.finish()
    }

    /// Makes this state a copy of `source`, reusing this one's allocations.
    fn copy_from(&mut self, source: &Node) {
        self.sim.clone_from(&source.sim);
        self.crashes = source.crashes;
        self.drops = source.drops;
        self.duplicates = source.duplicates;
        self.step = source.step;
        self.digest = source.digest;
    }

    /// Appends this state to a level of the queue: a header (see [`HEADER_WORDS`]), then
    /// the transitions to take again if that is why it is queued, then the packed simulation.
    fn push(&self, again: Option<Bits>, level: &mut Vec<u64>) {
        let start = level.len();
        level.extend_from_slice(&[
            0,
            self.crashes as u64 | (self.drops as u64) << 32,
            self.duplicates as u64 | (again.is_some() as u64) << 32,
            self.digest,
        ]);
        if let Some(missed) = again {
            level.extend_from_slice(&[missed as u64, (missed >> 64) as u64]);
        }
        self.sim.pack(level);
        level[start] = (level.len() - start) as u64 | (self.step as u64) << 32;
    }

    /// Reads the state at the start of `entry` (from [`Node::push`]) back into this one.
    /// Returns the entry's length in words, and the transitions to take again if that is why
    /// it was queued.
    fn load(&mut self, entry: &[u64]) -> (usize, Option<Bits>) {
        let length = entry[0] as u32 as usize;
        self.step = (entry[0] >> 32) as u32;
        self.crashes = entry[1] as u32;
        self.drops = (entry[1] >> 32) as u32;
        self.duplicates = entry[2] as u32;
        self.digest = entry[3];
        let (again, packed) = if entry[2] >> 32 == 1 {
            let missed = &entry[HEADER_WORDS..HEADER_WORDS + 2];
            let again = missed[0] as Bits | (missed[1] as Bits) << 64;
            (Some(again), &entry[HEADER_WORDS + 2..length])
        } else {
            (None, &entry[HEADER_WORDS..length])
        };
        self.sim.unpack(packed);
        (length, again)
    }
}

/// Words before each packed state in the queue: its length and step, the fault budgets spent
/// and whether transitions to take again follow, and its digest.
const HEADER_WORDS: usize = 4;

/// What the search remembers of a state it has seen, in two words rather than a `u128` and a
/// flag (which would take 32 bytes with alignment): a map of millions of these must stay small.
///
/// - The state's sleep set: transitions that need not be taken from it, because every state
///   they lead to is reached by another order of the same steps; the intersection of the sleep
///   sets of every path that reached the state.
/// - Whether its transitions were taken (the top bit, [`EXPANDED`]); a later path with a
///   smaller sleep set then takes the ones it missed.
#[derive(Clone, Copy)]
struct Seen([u64; 2]);

/// A set of transitions, one bit each (see [`Interner`]); the top bit is never a transition.
type Bits = u128;

const EXPANDED: Bits = 1 << 127;

impl Seen {
    fn new(sleep: Bits) -> Seen {
        Seen([sleep as u64, (sleep >> 64) as u64])
    }
    fn bits(self) -> Bits {
        self.0[0] as Bits | (self.0[1] as Bits) << 64
    }
    fn sleep(self) -> Bits {
        self.bits() & !EXPANDED
    }
    fn expanded(self) -> bool {
        self.bits() & EXPANDED != 0
    }
    fn set(&mut self, sleep: Bits, expanded: bool) {
        *self = Seen::new(sleep | if expanded { EXPANDED } else { 0 });
    }
}

/// Which fault budget a transition spends: two that spend the same one can disable each other.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Budget {
    None,
    Crash,
    Drop,
    Duplicate,
}

/// A transition the search can take from a state, with what tells whether two commute.
struct Move {
    action: Action,
    /// The one node whose state the transition reads or changes. A drop or a duplicate counts
    /// as touching the message's destination: that is more than it does, which only makes the
    /// search treat fewer pairs as commuting.
    node: NodeId,
    budget: Budget,
    /// Its bit in sleep sets, or 0 for a transition that is never put to sleep.
    bit: Bits,
}

/// Two transitions commute, and neither disables the other, when they touch different nodes
/// and do not spend the same fault budget. Messages are compared by content and digests leave
/// message numbers out, so delivering to a1 then a2 reaches the same state as a2 then a1.
fn independent(a: &Move, b: &Move) -> bool {
    a.node != b.node && (a.budget == Budget::None || a.budget != b.budget)
}

/// Gives each distinct transition (by kind and message content, or node) one bit of [`Bits`],
/// the same in every state. Transitions past the 127th get none and are simply never asleep.
#[derive(Default)]
struct Interner {
    index: HashMap<u64, u8, BuildHasherDefault<IdentityHasher>>,
}

impl Interner {
    fn bit(&mut self, key: u64) -> Bits {
        let next = self.index.len();
        match self.index.get(&key) {
            Some(&i) => 1 << i,
            None if next < Bits::BITS as usize - 1 => {
                self.index.insert(key, next as u8);
                1 << next
            }
            None => 0,
        }
    }
}

/// Whether the search prunes transitions that only reorder commuting steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reduction {
    /// Take every enabled transition from every state: the plain search, to compare with.
    None,
    /// Sleep sets (the default): the same states, through fewer transitions.
    SleepSets,
}

/// Explores `scenario` (already checked) within `bounds`, with sleep sets.
pub fn explore(scenario: &Scenario, compiled: &Compiled, bounds: Bounds) -> Report {
    explore_with(scenario, compiled, bounds, Reduction::SleepSets)
}

/// Explores `scenario` (already checked) within `bounds`.
///
/// Breadth first, with sleep sets (Godefroid's partial-order reduction): after taking
/// transition t from a state, a child reached by a later transition u that commutes with t
/// need not take t again, since u-then-t reaches what t-then-u already reached. This prunes
/// transitions, never states: every state a plain search visits is still visited, as
/// `crate/tests/explorer.rs` checks by counting both ways. With state hashing a state can be
/// reached again with a smaller sleep set after it was expanded; it is then expanded again for
/// the transitions it skipped.
pub fn explore_with(
    scenario: &Scenario,
    compiled: &Compiled,
    bounds: Bounds,
    reduction: Reduction,
) -> Report {
    let mut start = Compiled {
        scheduler: SchedulerKind::Script,
        schedule: Vec::new(),
        ..compiled.clone()
    };
    start.until_ticks = u64::MAX;
    let mut sim = Simulation::new(&start).for_exploring();
    let proposals: Vec<Action> = compiled
        .schedule
        .iter()
        .filter(|(_, a)| matches!(a, Action::Propose { .. }))
        .map(|(_, a)| a.clone())
        .collect();
    for p in &proposals {
        sim.apply(p);
    }
    // `steps[i]` is (previous step, action); step 0 is the start.
    let mut steps: Vec<(u32, Option<Action>)> = vec![(0, None)];
    // Sized up front: growing a map of millions of digests rehashes it many times over.
    let mut seen: HashMap<u64, Seen, BuildHasherDefault<IdentityHasher>> =
        HashMap::with_capacity_and_hasher(bounds.max_states.min(1 << 22), Default::default());
    let mut root = Node {
        sim,
        crashes: 0,
        drops: 0,
        duplicates: 0,
        step: 0,
        digest: 0,
    };
    root.digest = root.compute_digest();
    seen.insert(root.digest, Seen::new(0));
    // The queue holds states packed into words (see `crate::pack`), one breadth-first level
    // at a time: a third of the memory of whole simulations, read in order. Each transition is
    // tried on one scratch state, unpacked from its parent's words into the same allocations.
    let mut level = Vec::new();
    let mut next_level = Vec::new();
    root.push(None, &mut next_level);
    let mut scratch = Node {
        sim: root.sim.clone(),
        ..root
    };
    let mut parent = root;
    let mut interner = Interner::default();
    let mut transitions = 0u64;
    let mut moves = Vec::new();
    let mut complete = true;
    'search: while !next_level.is_empty() {
        std::mem::swap(&mut level, &mut next_level);
        next_level.clear();
        let mut at = 0;
        while at < level.len() {
            let (length, again) = parent.load(&level[at..]);
            at += length;
            let known = seen
                .get_mut(&parent.digest)
                .expect("a queued state was seen");
            let skipped = known.sleep();
            known.set(skipped, true);
            let mut asleep = skipped;
            enabled(&parent, &bounds, &mut interner, &mut moves);
            for (i, mv) in moves.iter().enumerate() {
                let take = match again {
                    None => mv.bit & skipped == 0,
                    Some(missed) => mv.bit & missed != 0,
                };
                if !take {
                    continue;
                }
                let child_sleep = match reduction {
                    Reduction::None => 0,
                    Reduction::SleepSets => moves
                        .iter()
                        .enumerate()
                        .filter(|&(j, u)| j != i && u.bit & asleep != 0 && independent(u, mv))
                        .fold(0, |sleep, (_, u)| sleep | u.bit),
                };
                asleep |= mv.bit;
                scratch.copy_from(&parent);
                match mv.budget {
                    Budget::Crash => scratch.crashes += 1,
                    Budget::Drop => scratch.drops += 1,
                    Budget::Duplicate => scratch.duplicates += 1,
                    Budget::None => {}
                }
                scratch.sim.apply(&mv.action);
                transitions += 1;
                scratch.digest = scratch.compute_digest();
                let again = match seen.entry(scratch.digest) {
                    Entry::Vacant(vacant) => {
                        vacant.insert(Seen::new(child_sleep));
                        None
                    }
                    Entry::Occupied(occupied) => {
                        let known = occupied.into_mut();
                        let missed = known.sleep() & !child_sleep;
                        known.set(known.sleep() & child_sleep, known.expanded());
                        if !known.expanded() || missed == 0 {
                            continue;
                        }
                        Some(missed)
                    }
                };
                steps.push((parent.step, Some(mv.action.clone())));
                scratch.step = (steps.len() - 1) as u32;
                if again.is_none() {
                    if !scratch.sim.violations().is_empty() {
                        let path = path_to(&steps, scratch.step);
                        return Report {
                            states: seen.len(),
                            transitions,
                            complete: false,
                            violations: scratch.sim.violations().to_vec(),
                            counterexample: Some(counterexample(
                                scenario,
                                &scratch.sim,
                                &proposals,
                                &path,
                            )),
                        };
                    }
                    if seen.len() >= bounds.max_states {
                        complete = false;
                        break 'search;
                    }
                }
                scratch.push(again, &mut next_level);
            }
        }
    }
    Report {
        states: seen.len(),
        transitions,
        complete,
        violations: Vec::new(),
        counterexample: None,
    }
}

/// The transitions enabled in `node`'s state, each distinct one once: two messages in flight
/// with the same content lead to the same state.
fn enabled(node: &Node, bounds: &Bounds, interner: &mut Interner, out: &mut Vec<Move>) {
    out.clear();
    let sim = &node.sim;
    let mut push = |action: Action, key: (u8, u64), node: NodeId, budget: Budget| {
        let key = stable_hash(&key);
        let bit = interner.bit(key);
        if bit == 0 || out.iter().all(|m| m.bit != bit) {
            out.push(Move {
                action,
                node,
                budget,
                bit,
            });
        }
    };
    for m in sim.inflight() {
        let content = stable_hash(&(m.from, m.to, m.msg));
        push(Action::Deliver(m.id), (0, content), m.to, Budget::None);
        if node.drops < bounds.max_drops {
            push(Action::Drop(m.id), (1, content), m.to, Budget::Drop);
        }
        if node.duplicates < bounds.max_duplicates {
            push(
                Action::Duplicate(m.id),
                (2, content),
                m.to,
                Budget::Duplicate,
            );
        }
    }
    for &p in &sim.config().proposers {
        let armed = sim.timers()[p as usize].is_some() && !sim.nodes()[p as usize].crashed;
        if armed && sim.proposer_round(p).unwrap_or(0) < bounds.max_rounds {
            push(Action::Timeout(p), (3, p as u64), p, Budget::None);
        }
    }
    for (i, n) in sim.nodes().iter().enumerate() {
        let i = i as NodeId;
        if n.crashed {
            push(Action::Restart(i), (4, i as u64), i, Budget::None);
        } else if node.crashes < bounds.max_crashes {
            push(Action::Crash(i), (5, i as u64), i, Budget::Crash);
        }
    }
}

fn path_to(steps: &[(u32, Option<Action>)], mut step: u32) -> Vec<Action> {
    let mut path = Vec::new();
    while let (previous, Some(action)) = &steps[step as usize] {
        path.push(action.clone());
        step = *previous;
    }
    path.reverse();
    path
}

fn counterexample(
    scenario: &Scenario,
    sim: &Simulation,
    proposals: &[Action],
    path: &[Action],
) -> Scenario {
    let config = sim.config();
    let mut schedule: Vec<_> = proposals
        .iter()
        .map(|p| intervention(config, 0, p))
        .collect();
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

/// The explorer's digests are already well mixed; hashing them again would only cost time.
#[derive(Default)]
struct IdentityHasher(u64);

impl Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | b as u64;
        }
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = i;
    }
}
