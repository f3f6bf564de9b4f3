//! The deterministic simulation: a simulated network and clock around the protocol nodes.
//!
//! Time is a tick counter; nothing here reads a real clock. Randomness comes from the run's own
//! seeded streams ([`crate::rng`]). Same scenario, same run: every event, in the same order,
//! with the same trace hash, natively and in WebAssembly.
//!
//! The simulation exposes single steps ([`Simulation::apply`]) so that different schedulers can
//! drive one protocol: the timed scheduler ([`Simulation::step`]) picks the earliest pending
//! event by tick; the explorer ([`crate::explore`]) tries every enabled action; a person picks
//! by clicking, through a script of explicit steps.
//!
//! Ordering rules (part of the scenario format's meaning): at one tick, scheduled interventions
//! apply before deliveries and timers, and deliveries and timers happen in the order they were
//! scheduled. A cut or partition drops a message when it would be delivered. A message already
//! sent survives its sender's crash. Messages are numbered in send order from 1.

pub mod action;
pub(crate) mod due;
pub mod event;
mod explored;
pub mod network;
pub mod protocol;
pub mod violation;

pub(crate) use explored::message_digest;
use explored::Digests;

use crate::explore::pack::{self, Pack, Packer, Unpacker};
use crate::hash::{stable_hash, StableHasher};
use crate::rng::{Rng, Stream};
use crate::sim::due::{DueQueue, Pending};
use crate::sim::event::{Event, EventKind, LossReason};
use action::{Action, Compiled, SchedulerKind};
use protocol::{Describe, Effects, Protocol, TimerCommand};
use std::hash::{Hash, Hasher};
use std::num::NonZeroU64;
use std::sync::Arc;
use violation::Violation;

/// The largest cluster a scenario may describe; keeps node sets in one machine word.
pub const MAX_NODES: usize = 15;

/// A node's index in the cluster, from 0.
pub type NodeId = u8;

/// The most events one run may have. A scenario that asks for more (a long run with heavy
/// faults can reach a hundred million) stops there, the same way natively and in the page, so
/// that no link can freeze a tab or exhaust its memory.
pub const EVENTS_MAX: u64 = 2_000_000;

/// A message on its way.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct InFlight<P: Protocol> {
    pub id: u64,
    pub from: NodeId,
    pub to: NodeId,
    pub msg: P::Msg,
    pub sent_tick: u64,
    pub deliver_tick: u64,
    /// The network decided at send time to lose it; it still travels, visibly, and vanishes on
    /// arrival.
    pub lost: bool,
    /// The message this one is a copy of, when duplicated. Message numbers start at 1, so a
    /// `NonZeroU64` keeps this struct at 64 bytes for a protocol whose messages take 24: a copy
    /// of it is then eight word moves in WebAssembly, where 72 bytes took a `memory.copy`, which
    /// V8 runs as a call.
    pub copy_of: Option<NonZeroU64>,
}

#[derive(Clone, Debug)]
pub struct Simulation<P: Protocol> {
    config: Arc<P::Config>,
    schedule: Arc<Vec<(u64, Action<P>)>>,
    scheduler: SchedulerKind,
    until_ticks: u64,
    seed: u64,
    nodes: Vec<P::Node>,
    now: u64,
    /// Whether a delivery or a timer has already happened at tick `now`; a new intervention
    /// then goes to the next tick, so that replaying the scenario puts it in the same place.
    /// Interventions do not count: one added at `now` replays after them, in the order taken,
    /// and before the tick's deliveries, which is where the person saw it happen.
    acted_at_now: bool,
    inflight: Vec<InFlight<P>>,
    next_message_id: u64,
    /// For each node, when its timer fires (the timed scheduler), or that it is armed.
    // Fixed-size arrays rather than vectors: the explorer clones a simulation per step, and
    // these then cost no allocation.
    timers: [Option<u64>; MAX_NODES],
    /// Which timer each node has armed (or had last); empty for a protocol with one kind.
    timer_kinds: [P::Timer; MAX_NODES],
    timer_generation: [u32; MAX_NODES],
    /// What is due and when, in the order it happens (the timed scheduler only).
    queue: DueQueue,
    next_intervention: usize,
    partition: Option<[u8; MAX_NODES]>,
    /// `cuts[from]` has bit `to` set when the link from → to is cut.
    cuts: [u16; MAX_NODES],
    network_rng: Rng,
    timer_rng: Rng,
    checker: P::Checker,
    log: Vec<Event<P>>,
    log_enabled: bool,
    events: u64,
    /// Scheduler steps taken (interventions, deliveries, timers): the unit of "step back".
    actions: u64,
    trace: StableHasher,
    /// Whether `trace` is kept; the explorer, which never reports a trace hash, turns it off.
    trace_enabled: bool,
    /// Digests of the parts of the state, kept up to date as they change (the explorer only).
    digests: Option<Digests>,
    effects: Effects<P>,
}

impl<P: Protocol> Simulation<P> {
    pub fn new(compiled: &Compiled<P>) -> Simulation<P> {
        let config = Arc::clone(&compiled.config);
        let mut sim = Simulation {
            nodes: (0..P::node_count(&config))
                .map(|node| P::new_node(&config, node as NodeId))
                .collect(),
            schedule: Arc::new(compiled.schedule.clone()),
            scheduler: compiled.scheduler,
            until_ticks: compiled.until_ticks,
            seed: compiled.seed,
            now: 0,
            acted_at_now: false,
            // Room for a typical run up front: growing from empty copies each vector several
            // times over in every short swarm run (2% of its instructions, by callgrind).
            inflight: Vec::with_capacity(32),
            next_message_id: 1,
            timers: [None; MAX_NODES],
            timer_kinds: [P::Timer::default(); MAX_NODES],
            timer_generation: [0; MAX_NODES],
            queue: DueQueue::with_capacity(32),
            next_intervention: 0,
            partition: None,
            cuts: [0; MAX_NODES],
            network_rng: Rng::new(compiled.seed, Stream::Network),
            timer_rng: Rng::new(compiled.seed, Stream::Timers),
            checker: P::Checker::default(),
            // Room for most runs' logs: a swarm run logs about 260 events, and growing the log
            // past its first allocation copied it (2% of a swarm run's instructions).
            log: Vec::with_capacity(1024),
            log_enabled: true,
            events: 0,
            actions: 0,
            trace: StableHasher::default(),
            trace_enabled: true,
            digests: None,
            effects: Effects::default(),
            config,
        };
        for node in 0..if P::STARTS { sim.nodes.len() } else { 0 } {
            let node = node as NodeId;
            P::on_start(
                &mut sim.nodes[node as usize],
                node,
                &sim.config,
                &mut sim.effects,
            );
            // Only a node that acted makes events: a protocol whose nodes wait (Paxos) starts
            // with an empty log and untouched generators, as it always did.
            let effects = &sim.effects;
            if !effects.sends.is_empty() || effects.timer.is_some() || !effects.notes.is_empty() {
                sim.process_effects(node);
            }
        }
        sim
    }

    /// Keeps the event count and trace hash but not the events themselves: for swarm runs and
    /// the explorer, which only need the outcome.
    pub fn without_log(mut self) -> Simulation<P> {
        self.log_enabled = false;
        self.log = Vec::new();
        self
    }

    /// Set up for the explorer: no event log and no trace hash (it reports neither), and digests
    /// of the state's parts kept up to date, which makes [`Simulation::state_hash`] cheap.
    pub fn for_exploring(mut self) -> Simulation<P> {
        self = self.without_log();
        self.trace_enabled = false;
        self.digests = Some(Digests::of(&self));
        self
    }

    pub fn config(&self) -> &P::Config {
        &self.config
    }
    pub fn nodes(&self) -> &[P::Node] {
        &self.nodes
    }
    pub fn now(&self) -> u64 {
        self.now
    }
    pub fn until_ticks(&self) -> u64 {
        self.until_ticks
    }
    pub fn seed(&self) -> u64 {
        self.seed
    }
    pub fn scheduler(&self) -> SchedulerKind {
        self.scheduler
    }
    pub fn inflight(&self) -> &[InFlight<P>] {
        &self.inflight
    }
    pub fn log(&self) -> &[Event<P>] {
        &self.log
    }
    pub fn events(&self) -> u64 {
        self.events
    }
    /// Whether the run stopped at [`EVENTS_MAX`] before its end.
    pub fn stopped_early(&self) -> bool {
        self.events >= EVENTS_MAX
    }
    /// Messages sent so far, copies made by the network included.
    pub fn messages_sent(&self) -> u64 {
        self.next_message_id - 1
    }
    pub fn actions(&self) -> u64 {
        self.actions
    }
    pub fn violations(&self) -> &[Violation] {
        P::violations(&self.checker)
    }
    pub fn checker(&self) -> &P::Checker {
        &self.checker
    }
    pub fn partition(&self) -> Option<&[u8; MAX_NODES]> {
        self.partition.as_ref()
    }
    pub fn is_cut(&self, from: NodeId, to: NodeId) -> bool {
        self.cuts[from as usize] & (1 << to) != 0
    }
    /// When each node's timer fires (timed scheduler) or whether it is armed (script).
    pub fn timers(&self) -> &[Option<u64>] {
        &self.timers[..self.nodes.len()]
    }
    pub fn trace_hash(&self) -> u64 {
        self.trace.finish()
    }

    /// The tick at which an intervention made now would apply, so that a replay of the scenario
    /// with it puts it at the same place in the run.
    pub fn intervention_tick(&self) -> u64 {
        if self.acted_at_now {
            self.now + 1
        } else {
            self.now
        }
    }

    /// Adds an intervention to the schedule, after every scheduled one at the same or an earlier
    /// tick (where a scenario file with it appended would put it). `at` must not be in the past.
    pub fn schedule_intervention(&mut self, at: u64, action: Action<P>) {
        debug_assert!(at >= self.intervention_tick());
        let schedule = Arc::make_mut(&mut self.schedule);
        let position = schedule.partition_point(|(t, _)| *t <= at);
        schedule.insert(position.max(self.next_intervention), (at, action));
    }

    /// A copy of this state without the event log, for time travel: restoring it and running
    /// forward recreates the log's later part exactly, since runs are deterministic.
    pub fn snapshot(&mut self) -> Simulation<P> {
        let log = std::mem::take(&mut self.log);
        let snapshot = self.clone();
        self.log = log;
        snapshot
    }

    /// Goes back to `snapshot` (taken earlier in this same run), keeping the matching prefix of
    /// this state's log, and returns the rest of the log, which [`Simulation::restore_ahead`]
    /// can put back.
    pub fn restore(&mut self, snapshot: &Simulation<P>) -> Vec<Event<P>> {
        let mut log = std::mem::take(&mut self.log);
        let rest = log.split_off((snapshot.events as usize).min(log.len()));
        *self = snapshot.clone();
        self.log = log;
        rest
    }

    /// Goes forward to `snapshot`, a later state of this same run, without running the events
    /// in between: `between` are their log entries, from the end of this state's log to the
    /// snapshot's (what [`Simulation::restore`] returned when the run went back from there).
    pub fn restore_ahead(&mut self, snapshot: &Simulation<P>, between: &[Event<P>]) {
        debug_assert_eq!(self.log.len() + between.len(), snapshot.events as usize);
        let mut log = std::mem::take(&mut self.log);
        log.extend_from_slice(between);
        *self = snapshot.clone();
        self.log = log;
    }

    /// Replaces the schedule. The new one must equal the old one up to the interventions not yet
    /// applied; the time-travel code uses this to add or discard future interventions.
    pub fn set_schedule(&mut self, schedule: Arc<Vec<(u64, Action<P>)>>) {
        debug_assert!(
            schedule[..self.next_intervention] == self.schedule[..self.next_intervention]
        );
        self.schedule = schedule;
    }

    /// Replaces the configuration with one that differs only in its interned values (a new
    /// proposal may bring a new value).
    pub fn set_config(&mut self, config: Arc<P::Config>) {
        self.config = config;
    }

    /// The tick of the next scheduled intervention not yet applied.
    pub fn next_intervention_tick(&self) -> Option<u64> {
        self.schedule.get(self.next_intervention).map(|(at, _)| *at)
    }

    /// The tick of the next thing that will happen, if anything is pending.
    pub fn next_tick(&mut self) -> Option<u64> {
        self.drop_stale();
        let next_intervention = self.schedule.get(self.next_intervention).map(|(at, _)| *at);
        let next_queued = self.queue.front().map(|(tick, _)| tick);
        match (next_intervention, next_queued) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Removes queue entries for messages that are gone and timers that were re-armed, so that
    /// `next_tick` names a tick at which something really happens.
    fn drop_stale(&mut self) {
        while let Some((tick, pending)) = self.queue.front() {
            if self.is_live(tick, pending) {
                return;
            }
            self.queue.pop_front();
        }
    }

    /// Whether a queue entry still stands for something that will happen: a message in flight
    /// due then, or the timer armed last.
    fn is_live(&self, tick: u64, pending: Pending) -> bool {
        match pending {
            Pending::Deliver(id) => self
                .find_inflight(id)
                .is_some_and(|i| self.inflight[i].deliver_tick == tick),
            Pending::Timer { node, generation } => {
                self.timer_generation[node as usize] == generation
            }
        }
    }

    /// Whether anything will still happen before the run ends: an intervention, a delivery or a
    /// timer. When nothing will, playing on only moves the clock, and the page says so.
    pub fn has_future(&self) -> bool {
        if self.events >= EVENTS_MAX {
            return false;
        }
        let due = |tick: u64| tick < self.until_ticks;
        self.schedule
            .get(self.next_intervention)
            .is_some_and(|(at, _)| due(*at))
            || self
                .queue
                .iter()
                .any(|(tick, pending)| due(tick) && self.is_live(tick, pending))
    }

    /// Performs the next event of the run, if there is one before `until_ticks`.
    pub fn step(&mut self) -> bool {
        if self.events >= EVENTS_MAX {
            return false;
        }
        let Some(tick) = self.next_tick() else {
            return false;
        };
        if tick >= self.until_ticks {
            return false;
        }
        self.advance_clock(tick);
        if let Some((at, action)) = self.schedule.get(self.next_intervention) {
            if *at == tick {
                let action = action.clone();
                self.next_intervention += 1;
                self.apply(&action);
                return true;
            }
        }
        let (_, pending) = self.queue.pop_front().expect("next_tick saw an entry");
        self.acted_at_now = true;
        self.actions += 1;
        match pending {
            Pending::Deliver(id) => self.deliver(id),
            Pending::Timer { node, .. } => self.fire_timer(node),
        }
        true
    }

    /// Runs every event before tick `tick` and moves the clock to it.
    pub fn advance_to(&mut self, tick: u64) {
        let tick = tick.min(self.until_ticks);
        while self.next_tick().is_some_and(|t| t < tick) {
            if !self.step() {
                break;
            }
        }
        self.advance_clock(tick);
    }

    /// Runs to the end.
    pub fn run(&mut self) {
        while self.step() {}
        self.advance_clock(self.until_ticks);
    }

    fn advance_clock(&mut self, tick: u64) {
        if tick > self.now {
            self.now = tick;
            self.acted_at_now = false;
        }
    }

    /// Applies one action now: an intervention, or (for the script scheduler and the explorer)
    /// the delivery of a message or the firing of a timer.
    pub fn apply(&mut self, action: &Action<P>) {
        if matches!(action, Action::Deliver(_) | Action::Timeout(_)) {
            self.acted_at_now = true;
        }
        self.actions += 1;
        match *action {
            Action::Input { node, input } => {
                if P::is_crashed(&self.nodes[node as usize]) {
                    self.record(EventKind::InputIgnored { node, input });
                } else {
                    // Only an input a live node received counts for the checker (for Paxos:
                    // only a proposal a live proposer received makes its value valid).
                    P::check_input(&mut self.checker, input);
                    self.record(EventKind::Input { node, input });
                    let state = &mut self.nodes[node as usize];
                    P::on_input(state, node, input, &self.config, &mut self.effects);
                    self.process_effects(node);
                }
            }
            Action::Crash(node) => {
                if P::is_crashed(&self.nodes[node as usize]) {
                    self.record(EventKind::NoEffect { node });
                } else {
                    P::crash(&mut self.nodes[node as usize]);
                    self.node_changed(node);
                    self.set_timer(node, None);
                    self.record(EventKind::Crash { node });
                }
            }
            Action::Restart(node) => {
                if P::is_crashed(&self.nodes[node as usize]) {
                    self.record(EventKind::Restart { node });
                    let state = &mut self.nodes[node as usize];
                    P::on_restart(state, node, &self.config, &mut self.effects);
                    self.process_effects(node);
                } else {
                    self.record(EventKind::NoEffect { node });
                }
            }
            Action::Partition(groups) => {
                self.partition = Some(groups);
                self.record(EventKind::Partition { groups });
            }
            Action::Heal => {
                self.partition = None;
                self.record(EventKind::Heal);
            }
            Action::Cut { from, to } => {
                self.cuts[from as usize] |= 1 << to;
                self.record(EventKind::Cut { from, to });
            }
            Action::Restore { from, to } => {
                self.cuts[from as usize] &= !(1 << to);
                self.record(EventKind::Restore { from, to });
            }
            Action::Drop(id) => match self.take_inflight(id) {
                Some(m) => {
                    self.record(EventKind::Lost {
                        id,
                        from: m.from,
                        to: m.to,
                        msg: m.msg,
                        reason: LossReason::Dropped,
                    });
                }
                None => {
                    self.record(EventKind::NotInFlight { id });
                }
            },
            Action::Duplicate(id) => match self.find_inflight(id) {
                Some(i) => {
                    let original = self.inflight[i];
                    // The copy trails the original by the minimum delay, drawing no random number,
                    // so that duplicating a message changes nothing else in the run.
                    let deliver_tick = original.deliver_tick.max(self.now)
                        + P::network(&self.config).delay_ticks_min;
                    let copy = self.enqueue(InFlight {
                        deliver_tick,
                        sent_tick: self.now,
                        copy_of: NonZeroU64::new(id),
                        ..original
                    });
                    self.record(EventKind::Duplicate {
                        id,
                        copy,
                        by_network: false,
                    });
                }
                None => {
                    self.record(EventKind::NotInFlight { id });
                }
            },
            Action::Delay { message, ticks } => match self.find_inflight(message) {
                Some(i) => {
                    let tick = self.inflight[i].deliver_tick.max(self.now) + ticks;
                    self.inflight[i].deliver_tick = tick;
                    self.push_queue(tick, Pending::Deliver(message));
                    self.record(EventKind::Delayed { id: message, ticks });
                }
                None => {
                    self.record(EventKind::NotInFlight { id: message });
                }
            },
            Action::Deliver(id) => {
                if self.find_inflight(id).is_some() {
                    self.deliver(id);
                } else {
                    self.record(EventKind::NotInFlight { id });
                }
            }
            Action::Timeout(node) => {
                if self.timers[node as usize].is_some()
                    && !P::is_crashed(&self.nodes[node as usize])
                {
                    // Forced in a timed run, before it was due: the firing already queued must
                    // not fire it again, even if the node sets no new timer.
                    if self.scheduler == SchedulerKind::Timed {
                        let generation = &mut self.timer_generation[node as usize];
                        *generation = generation.wrapping_add(1);
                    }
                    self.fire_timer(node);
                } else {
                    self.record(EventKind::NoEffect { node });
                }
            }
        }
    }

    /// Where message `id` is in `inflight`. Messages enter in id order and leave without
    /// reordering the rest, so the list stays sorted by id and a binary search finds one.
    fn find_inflight(&self, id: u64) -> Option<usize> {
        // Messages mostly arrive in the order they were sent, so the oldest is the likeliest,
        // and checking it first spares the search's chain of dependent loads.
        if self.inflight.first().is_some_and(|m| m.id == id) {
            return Some(0);
        }
        self.inflight.binary_search_by_key(&id, |m| m.id).ok()
    }

    #[inline]
    fn take_inflight(&mut self, id: u64) -> Option<InFlight<P>> {
        let i = self.find_inflight(id)?;
        let message = self.inflight.remove(i);
        if self.digests.is_some() {
            self.message_digest_changed(&message, u64::wrapping_sub);
        }
        Some(message)
    }

    // The digest updates below serve only the explorer. They stay out of line, behind a check
    // in the caller, so that the timed simulation's hot paths stay small enough to be inlined:
    // inline, they cost it 5% more instructions (callgrind, `swarm --seeds 2000`).

    /// Adds a message's digest to the in-flight digest, or takes it away.
    #[inline(never)]
    fn message_digest_changed(&mut self, message: &InFlight<P>, change: fn(u64, u64) -> u64) {
        if let Some(digests) = &mut self.digests {
            digests.inflight = change(digests.inflight, message_digest(message));
        }
    }

    /// Brings the digest of node `node` up to date after a step changed it.
    #[inline]
    fn node_changed(&mut self, node: NodeId) {
        if self.digests.is_some() {
            self.node_digest_changed(node);
        }
    }

    #[inline(never)]
    fn node_digest_changed(&mut self, node: NodeId) {
        if let Some(digests) = &mut self.digests {
            digests.nodes[node as usize] = stable_hash(&self.nodes[node as usize]);
        }
    }

    fn separated(&self, from: NodeId, to: NodeId) -> Option<LossReason> {
        if let Some(groups) = &self.partition {
            if groups[from as usize] != groups[to as usize] {
                return Some(LossReason::Partition);
            }
        }
        if self.is_cut(from, to) {
            return Some(LossReason::Cut);
        }
        None
    }

    fn deliver(&mut self, id: u64) {
        let Some(m) = self.take_inflight(id) else {
            return;
        };
        let reason = if P::is_crashed(&self.nodes[m.to as usize]) {
            Some(LossReason::Crashed)
        } else if let Some(reason) = self.separated(m.from, m.to) {
            Some(reason)
        } else if m.lost {
            Some(LossReason::Network)
        } else {
            None
        };
        if let Some(reason) = reason {
            self.record(EventKind::Lost {
                id,
                from: m.from,
                to: m.to,
                msg: m.msg,
                reason,
            });
            return;
        }
        self.record(EventKind::Deliver {
            id,
            from: m.from,
            to: m.to,
            msg: m.msg,
        });
        let state = &mut self.nodes[m.to as usize];
        P::on_message(state, m.to, m.from, m.msg, &self.config, &mut self.effects);
        self.process_effects(m.to);
    }

    fn fire_timer(&mut self, node: NodeId) {
        self.timers[node as usize] = None;
        let timer = self.timer_kinds[node as usize];
        self.record(EventKind::Timer { node, timer });
        let state = &mut self.nodes[node as usize];
        P::on_timer(state, node, timer, &self.config, &mut self.effects);
        self.process_effects(node);
    }

    fn set_timer(&mut self, node: NodeId, fire_at: Option<u64>) {
        self.timer_generation[node as usize] = self.timer_generation[node as usize].wrapping_add(1);
        self.timers[node as usize] = fire_at;
        if let (Some(tick), SchedulerKind::Timed) = (fire_at, self.scheduler) {
            let generation = self.timer_generation[node as usize];
            self.push_queue(tick, Pending::Timer { node, generation });
        }
    }

    fn push_queue(&mut self, tick: u64, pending: Pending) {
        if self.scheduler == SchedulerKind::Timed {
            self.queue.push(tick, pending);
        }
    }

    /// Turns what a protocol step asked for into log events, checks, messages and timers.
    fn process_effects(&mut self, node: NodeId) {
        // Every step that changes a node other than a crash ends here.
        self.node_changed(node);
        let mut effects = std::mem::take(&mut self.effects);
        for note in effects.notes.iter() {
            let index = self.record(EventKind::Protocol(*note));
            let before = P::violations(&self.checker).len();
            let derived = P::check_note(&mut self.checker, &self.config, self.now, index, note);
            self.log_violations(before);
            if let Some(derived) = derived {
                let before = P::violations(&self.checker).len();
                let index = self.record(EventKind::Derived(derived));
                P::check_derived(&mut self.checker, &self.config, self.now, index, &derived);
                self.log_violations(before);
            }
        }
        for &(to, msg) in effects.sends.iter() {
            self.send(node, to, msg);
        }
        match effects.timer {
            Some(TimerCommand::Set(timer)) => {
                let fire_at = match self.scheduler {
                    SchedulerKind::Timed => {
                        let (min, max) = P::timer_ticks(&self.config, timer);
                        self.now + self.timer_rng.between(min, max)
                    }
                    SchedulerKind::Script => self.now,
                };
                self.timer_kinds[node as usize] = timer;
                self.set_timer(node, Some(fire_at));
            }
            Some(TimerCommand::Cancel) => self.set_timer(node, None),
            None => {}
        }
        effects.clear();
        self.effects = effects;
    }

    fn log_violations(&mut self, before: usize) {
        for index in before..P::violations(&self.checker).len() {
            self.record(EventKind::Violation {
                index: index as u32,
            });
        }
    }

    fn send(&mut self, from: NodeId, to: NodeId, msg: P::Msg) {
        let network = P::network(&self.config);
        let (delay, lost, duplicate, copy_delay) = match self.scheduler {
            // Always four draws, whatever the probabilities, so that turning on loss or
            // duplication leaves every delay of the run as it was.
            SchedulerKind::Timed => (
                self.network_rng
                    .between(network.delay_ticks_min, network.delay_ticks_max),
                self.network_rng.chance(network.loss),
                self.network_rng.chance(network.duplicate),
                self.network_rng
                    .between(network.delay_ticks_min, network.delay_ticks_max),
            ),
            // Under the script scheduler only explicit steps lose or copy a message.
            SchedulerKind::Script => (network.delay_ticks_min, false, false, 0),
        };
        let message = InFlight {
            id: 0,
            from,
            to,
            msg,
            sent_tick: self.now,
            deliver_tick: self.now + delay,
            lost,
            copy_of: None,
        };
        let id = self.enqueue(message);
        self.record(EventKind::Send { id, from, to, msg });
        if duplicate {
            let copy = self.enqueue(InFlight {
                deliver_tick: self.now + copy_delay,
                lost: false,
                copy_of: NonZeroU64::new(id),
                ..message
            });
            self.record(EventKind::Duplicate {
                id,
                copy,
                by_network: true,
            });
        }
    }

    /// Puts a message in flight with the next message number, and returns that number.
    #[inline]
    fn enqueue(&mut self, mut message: InFlight<P>) -> u64 {
        message.id = self.next_message_id;
        self.next_message_id += 1;
        self.inflight.push(message);
        if self.digests.is_some() {
            self.message_digest_changed(&message, u64::wrapping_add);
        }
        self.push_queue(message.deliver_tick, Pending::Deliver(message.id));
        message.id
    }

    // Always inline: each caller builds its event field by field, and a call passes it through
    // memory, where reading it back whole waited on those small stores (a fifth of a swarm run's
    // time in `perf`). Inline, the event stays in registers.
    #[inline(always)]
    fn record(&mut self, kind: EventKind<P>) -> u32 {
        let event = Event {
            tick: self.now,
            kind,
        };
        if self.trace_enabled {
            event.hash(&mut self.trace);
        }
        if self.log_enabled {
            self.log.push(event);
        }
        self.events += 1;
        (self.events - 1) as u32
    }

    /// How far node `node` has gone in the protocol ([`Protocol::progress`]): the explorer
    /// bounds it.
    pub fn progress(&self, node: NodeId) -> Option<u32> {
        P::progress(&self.nodes[node as usize])
    }
}

impl<P: Describe> Simulation<P> {
    /// The event log as JSON lines, one object per event: `index`, `tick`, `kind`, and `text`
    /// (the sentence the page shows). The CLI's `--trace` and the page's trace download use it.
    /// Written by hand, as serde_json wrote it, so that the page's wasm need not carry
    /// serde_json.
    pub fn trace_jsonl(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        for (index, event) in self.log.iter().enumerate() {
            let _ = write!(out, "{{\"index\":{index},\"tick\":{},\"kind\":", event.tick);
            crate::json::write_str(&mut out, event.kind.name());
            out.push_str(",\"text\":");
            crate::json::write_str(&mut out, &event.explain(&self.config, self.violations()));
            out.push_str("}\n");
        }
        out
    }
}
