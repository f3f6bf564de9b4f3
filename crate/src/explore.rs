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
//! Only the schedule's proposals are used; its other interventions are replaced by the
//! explorer's own bounded faults.

use crate::checker::Violation;
use crate::hash::StableHasher;
use crate::paxos::Effects;
use crate::scenario::{intervention, Action, Compiled, Scenario, SchedulerKind};
use crate::sim::Simulation;
use serde::Serialize;
use std::collections::{HashSet, VecDeque};
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

#[derive(Clone)]
struct Node {
    sim: Simulation,
    crashes: u32,
    drops: u32,
    duplicates: u32,
    /// Index into `steps` of the step that led here.
    step: u32,
}

/// Explores `scenario` (already checked) within `bounds`.
pub fn explore(scenario: &Scenario, compiled: &Compiled, bounds: Bounds) -> Report {
    let mut start = Compiled {
        scheduler: SchedulerKind::Script,
        schedule: Vec::new(),
        ..compiled.clone()
    };
    start.until_ticks = u64::MAX;
    let mut sim = Simulation::new(&start).without_log();
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
    // Sized up front: growing a set of millions of digests rehashes it many times over.
    let mut seen: HashSet<u64, BuildHasherDefault<IdentityHasher>> =
        HashSet::with_capacity_and_hasher(bounds.max_states.min(1 << 22), Default::default());
    // One effects buffer for all steps: a cloned simulation's own would start empty and
    // allocate afresh on every step.
    let mut buffers = Effects::default();
    seen.insert(digest(&sim, 0, 0, 0));
    let mut queue = VecDeque::new();
    queue.push_back(Node {
        sim,
        crashes: 0,
        drops: 0,
        duplicates: 0,
        step: 0,
    });
    let mut transitions = 0u64;
    let mut actions = Vec::new();
    let mut complete = true;
    while let Some(node) = queue.pop_front() {
        enabled(&node, &bounds, &mut actions);
        for action in actions.drain(..) {
            let mut next = node.clone();
            match action {
                Action::Crash(_) => next.crashes += 1,
                Action::Drop(_) => next.drops += 1,
                Action::Duplicate(_) => next.duplicates += 1,
                _ => {}
            }
            next.sim.swap_effects(&mut buffers);
            next.sim.apply(&action);
            next.sim.swap_effects(&mut buffers);
            transitions += 1;
            let hash = digest(&next.sim, next.crashes, next.drops, next.duplicates);
            if !seen.insert(hash) {
                continue;
            }
            steps.push((node.step, Some(action)));
            next.step = (steps.len() - 1) as u32;
            if !next.sim.violations().is_empty() {
                let path = path_to(&steps, next.step);
                return Report {
                    states: seen.len(),
                    transitions,
                    complete: false,
                    violations: next.sim.violations().to_vec(),
                    counterexample: Some(counterexample(scenario, &next.sim, &proposals, &path)),
                };
            }
            if seen.len() >= bounds.max_states {
                complete = false;
                queue.clear();
                break;
            }
            queue.push_back(next);
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

fn enabled(node: &Node, bounds: &Bounds, out: &mut Vec<Action>) {
    let sim = &node.sim;
    for m in sim.inflight() {
        out.push(Action::Deliver(m.id));
    }
    if node.drops < bounds.max_drops {
        out.extend(sim.inflight().iter().map(|m| Action::Drop(m.id)));
    }
    if node.duplicates < bounds.max_duplicates {
        out.extend(sim.inflight().iter().map(|m| Action::Duplicate(m.id)));
    }
    for &p in &sim.config().proposers {
        let armed = sim.timers()[p as usize].is_some() && !sim.nodes()[p as usize].crashed;
        if armed && sim.proposer_round(p).unwrap_or(0) < bounds.max_rounds {
            out.push(Action::Timeout(p));
        }
    }
    for (i, n) in sim.nodes().iter().enumerate() {
        if n.crashed {
            out.push(Action::Restart(i as u8));
        } else if node.crashes < bounds.max_crashes {
            out.push(Action::Crash(i as u8));
        }
    }
}

fn digest(sim: &Simulation, crashes: u32, drops: u32, duplicates: u32) -> u64 {
    let mut hasher = StableHasher::default();
    sim.state_hash(&mut hasher);
    hasher.write_u32(crashes);
    hasher.write_u32(drops);
    hasher.write_u32(duplicates);
    hasher.finish()
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
