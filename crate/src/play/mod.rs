//! The playground: one run the page plays, pauses, scrubs and changes, with time travel.
//!
//! It keeps the simulation at the time cursor, snapshots taken on the way forward, and the
//! scenario with the person's interventions. Moving back restores the latest snapshot before
//! the target and runs forward; runs are deterministic, so this recreates exactly the same
//! events. Acting in the past forks the timeline: the person's own interventions after that
//! point are discarded (those the scenario came with stay), as in RaftScope.
//!
//! Everything the page shows comes from [`Playground::view`] and [`Playground::events_since`]:
//! labels, colours, sentences. This module is plain Rust (tested natively); `wasm/` only
//! passes its results across.

use crate::protocols::paxos::Paxos;
use crate::scenario::{Intervention, Scenario, ScenarioError};
use crate::sim::action::{Action, Compiled};
use crate::sim::event::{Event, EventKind};
use crate::sim::violation::Violation;
use crate::sim::{NodeId, Simulation};
use serde::Serialize;
use std::num::NonZeroU64;
use std::sync::Arc;

pub mod form;
pub mod history;
mod lanes;
pub mod lens;
#[cfg(feature = "lens")]
pub mod report;
mod view;

pub use crate::present::*;
pub use lanes::*;
pub use view::*;

/// One run of protocol `P` in the page. Paxos is the default, as the page's own wasm runs it.
pub struct Playground<P: Present = Paxos> {
    scenario: Scenario<P>,
    /// `scenario.schedule[..authored]` came with the scenario; later entries are the person's.
    authored: usize,
    config: Arc<P::Config>,
    schedule: Arc<Vec<(u64, Action<P>)>>,
    sim: Simulation<P>,
    snapshots: Vec<Simulation<P>>,
    /// Log entries of this timeline beyond the cursor's state, from log index `ahead_from`:
    /// what going back cut off, kept so that going forward again can skip to a snapshot.
    ahead: Vec<Event<P>>,
    ahead_from: usize,
    /// How many of the person's later interventions the last one discarded.
    discarded: usize,
    snapshot_ticks: u64,
    /// The furthest tick the run has been computed to.
    reached: u64,
    /// The tick of the run's last event, once the run has been computed as far as the event
    /// cap: nothing happens after it, so the cursor goes no further.
    capped_at: Option<u64>,
    markers: Vec<Marker>,
    /// Events before this index have been scanned for markers.
    markers_scanned: u64,
}

/// A point on the timeline worth marking.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Marker {
    pub index: u64,
    pub tick: u64,
    pub kind: &'static str,
    pub text: String,
    /// The row it is drawn in: 0 for what the protocol did, 1 for what was done to the run
    /// (crashes, restarts, partitions), so that a fault is never hidden behind a neighbour.
    pub lane: u8,
    /// Which marker wins where several of one lane crowd a spot: lower is more important.
    pub rank: u8,
}

impl<P: Present> Playground<P> {
    pub fn new(json: &str) -> Result<Playground<P>, ScenarioError> {
        let scenario = Scenario::<P>::from_json(json)?;
        Playground::from_scenario(scenario)
    }

    pub fn from_scenario(scenario: Scenario<P>) -> Result<Playground<P>, ScenarioError> {
        let compiled = scenario.compile()?;
        let mut sim = Simulation::new(&compiled);
        let snapshot = sim.snapshot();
        Ok(Playground {
            authored: scenario.schedule.len(),
            config: Arc::clone(&compiled.config),
            schedule: Arc::new(compiled.schedule.clone()),
            // Enough snapshots that any seek replays at most a few hundred ticks, and few enough
            // that a long run does not fill memory.
            snapshot_ticks: (compiled.until_ticks / 1000).max(50),
            scenario,
            sim,
            snapshots: vec![snapshot],
            ahead: Vec::new(),
            ahead_from: 0,
            discarded: 0,
            reached: 0,
            capped_at: None,
            markers: Vec::new(),
            markers_scanned: 0,
        })
    }

    pub fn scenario(&self) -> &Scenario<P> {
        &self.scenario
    }
    pub fn sim(&self) -> &Simulation<P> {
        &self.sim
    }
    pub fn markers(&self) -> &[Marker] {
        &self.markers
    }

    /// The last tick the cursor can reach: see [`View::end_ticks`].
    pub fn end_ticks(&self) -> u64 {
        self.capped_at.unwrap_or(self.sim.until_ticks())
    }

    /// Moves the time cursor to `tick` (clamped to the run's length), forward or back.
    pub fn seek(&mut self, tick: u64) {
        let tick = tick.min(self.end_ticks());
        let i = self.snapshots.partition_point(|s| s.now() <= tick) - 1;
        if tick < self.sim.now() {
            self.restore(i);
        } else if self.snapshots[i].now() > self.sim.now() {
            self.restore_ahead(i);
        }
        self.forward(tick);
        // The first time the run meets the event cap, the cursor goes back to its last event:
        // past it the clock would move with nothing happening and messages frozen in flight.
        if let Some(end) = self.note_cap() {
            if self.sim.now() > end {
                self.seek(end);
                return;
            }
        }
        // The end of a run cut short by the cap shows its last tick's events too, up to the
        // cap: that is where the run stopped.
        if self.capped_at == Some(tick) {
            while !self.sim.stopped_early() && self.sim.step() {}
            self.scan_markers();
        }
    }

    /// Remembers where the run ends when it has just met the event cap for the first time, and
    /// returns that tick.
    fn note_cap(&mut self) -> Option<u64> {
        if self.capped_at.is_some() || !self.sim.stopped_early() {
            return None;
        }
        let end = self.sim.log().last().map_or(self.sim.now(), |e| e.tick);
        self.capped_at = Some(end);
        Some(end)
    }

    fn restore(&mut self, index: usize) {
        let old_len = self.sim.log().len();
        let mut rest = self.sim.restore(&self.snapshots[index]);
        // The log beyond the cursor, as far as the run was computed: what was cut now, then what
        // lay ahead before, less what the run went over again since.
        let ahead_end = self.ahead_from + self.ahead.len();
        if (self.ahead_from..=ahead_end).contains(&old_len) {
            rest.extend_from_slice(&self.ahead[old_len - self.ahead_from..]);
        }
        self.ahead = rest;
        self.ahead_from = self.sim.log().len();
        self.sim.set_schedule(Arc::clone(&self.schedule));
    }

    /// Jumps forward to snapshot `index` when the log up to it is known, so that seeking back
    /// and then far forward does not run the events in between again.
    fn restore_ahead(&mut self, index: usize) {
        let snapshot = &self.snapshots[index];
        let (from, to) = (self.sim.log().len(), snapshot.events() as usize);
        if from < self.ahead_from || to > self.ahead_from + self.ahead.len() || to < from {
            return;
        }
        let between = &self.ahead[from - self.ahead_from..to - self.ahead_from];
        self.sim.restore_ahead(snapshot, between);
        self.sim.set_schedule(Arc::clone(&self.schedule));
    }

    fn forward(&mut self, tick: u64) {
        while self.sim.now() < tick {
            let boundary = (self.sim.now() / self.snapshot_ticks + 1) * self.snapshot_ticks;
            if boundary <= tick {
                self.sim.advance_to(boundary);
                if self
                    .snapshots
                    .last()
                    .is_some_and(|s| s.now() < self.sim.now())
                {
                    let snapshot = self.sim.snapshot();
                    self.snapshots.push(snapshot);
                }
            } else {
                self.sim.advance_to(tick);
            }
        }
        // The cursor at tick t shows the interventions scheduled at t as done: that is where a
        // person who acted at t saw them, and they come before everything else at t.
        while self.sim.now() == tick && self.sim.next_intervention_tick() == Some(tick) {
            if !self.sim.step() {
                break;
            }
        }
        self.scan_markers();
    }

    /// Moves to tick `tick`, then performs single events until `actions` have happened in all:
    /// the state someone reached by stepping, which a link records as both numbers.
    pub fn seek_actions(&mut self, tick: u64, actions: u64) {
        self.seek(tick);
        // Never past `tick`: a link with too large a count stops at the end of its tick.
        while self.sim.actions() < actions && self.sim.next_tick().is_some_and(|t| t <= tick) {
            if !self.step() {
                break;
            }
        }
    }

    /// Moves to just after event `index`, which happened at tick `tick`: the state a timeline
    /// marker or a log entry names. The cursor lands inside the tick, with that event and the
    /// ones before it done and nothing after it, so "“B” is chosen" shows “B” chosen.
    pub fn seek_event(&mut self, tick: u64, index: u64) {
        self.seek(tick);
        while self.sim.events() <= index && self.sim.next_tick().is_some_and(|t| t <= tick) {
            if !self.step() {
                break;
            }
        }
    }

    /// Performs the next single event (an intervention, a delivery or a timer). False at the end.
    pub fn step(&mut self) -> bool {
        let stepped = self.sim.step();
        self.note_cap();
        self.scan_markers();
        stepped
    }

    /// Goes back to just before the most recent event.
    pub fn step_back(&mut self) {
        let Some(target) = self.sim.actions().checked_sub(1) else {
            return;
        };
        let i = self.snapshots.partition_point(|s| s.actions() <= target) - 1;
        self.restore(i);
        while self.sim.actions() < target && self.sim.step() {}
    }

    /// Goes back to the start of the run, where it was when it was loaded: before anything
    /// happened, even what is scheduled at tick 0, which `seek(0)` shows as done.
    pub fn rewind(&mut self) {
        self.restore(0);
    }

    /// How many of the person's own interventions after the cursor the last intervention
    /// discarded (acting in the past replaces the future).
    pub fn discarded(&self) -> usize {
        self.discarded
    }

    /// Applies an intervention now, given as a scenario schedule entry without `at` (for example
    /// `{"crash": "a1"}`). Returns the tick it was recorded at. When the cursor is in the past,
    /// the person's interventions after it are discarded first. A bad entry changes nothing.
    pub fn intervene(&mut self, json: &str) -> Result<u64, ScenarioError> {
        let at = self.sim.intervention_tick();
        if at >= self.sim.until_ticks() {
            return Err(ScenarioError {
                field: "intervention".into(),
                message: format!(
                    "the run ends at tick {}; move back in time to act",
                    self.sim.until_ticks()
                ),
            });
        }
        let item = Intervention::<P>::from_json_at(json, at)?;
        let mut scenario = self.scenario.clone();
        // The person's own entries that are done at the cursor stay: those before it, and those
        // at its tick, which the cursor shows as done (a second action while paused keeps the
        // first). The rest belong to a future this action replaces.
        let done_at = |entry_at: u64| entry_at < at || (entry_at == at && at == self.sim.now());
        let mut index = 0;
        let before = scenario.schedule.len();
        scenario.schedule.retain(|entry| {
            index += 1;
            index <= self.authored || done_at(entry.at)
        });
        let discarded = before - scenario.schedule.len();
        scenario.schedule.push(item);
        let compiled: Compiled<P> = scenario.compile()?;
        self.scenario = scenario;
        self.discarded = discarded;
        self.config = compiled.config;
        self.schedule = Arc::new(compiled.schedule);
        // Snapshots and the log after the fork belong to a future that no longer exists, and
        // so does where that future met the event cap.
        self.capped_at = None;
        self.snapshots.retain(|s| s.now() <= at);
        self.ahead.clear();
        self.sim.set_schedule(Arc::clone(&self.schedule));
        self.sim.set_config(Arc::clone(&self.config));
        for s in &mut self.snapshots {
            s.set_config(Arc::clone(&self.config));
        }
        self.sim.advance_to(at);
        self.markers.retain(|m| m.tick < at);
        self.markers_scanned = self.markers_scanned.min(self.sim.events());
        self.reached = at;
        while self.sim.next_intervention_tick() == Some(at) {
            if !self.sim.step() {
                break;
            }
        }
        self.scan_markers();
        Ok(at)
    }

    fn scan_markers(&mut self) {
        self.reached = self.reached.max(self.sim.now());
        let log = self.sim.log();
        let config = &self.config;
        for (index, event) in log.iter().enumerate().skip(self.markers_scanned as usize) {
            let Some((kind, lane, rank)) = P::marker(&event.kind) else {
                continue;
            };
            self.markers.push(Marker {
                index: index as u64,
                tick: event.tick,
                kind,
                text: event.explain(config, self.sim.violations()),
                lane,
                rank,
            });
        }
        self.markers_scanned = self.markers_scanned.max(log.len() as u64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::ToJson;

    const HAPPY: &str = include_str!("../../../scenarios/happy-path.json");

    /// What two moments must share to be the same state: the clock, the log and every node's
    /// badge (which sums up its protocol state).
    fn digest(p: &Playground) -> (u64, u64, u64, Vec<String>) {
        let view = p.view();
        (
            view.now,
            view.events,
            p.sim().trace_hash(),
            view.nodes.into_iter().map(|n| n.badge).collect(),
        )
    }

    /// Fifteen servers resending every tick or two on a lossy, duplicating network: two
    /// million events long before the run's end (the e2e test in links.test.mjs opens it).
    const HEAVY: &str = r#"{"version": 1, "protocol": "paxos", "seed": 1, "cluster": {"servers": 15},
        "network": {"delay_ticks_min": 1, "delay_ticks_max": 50, "loss": 0.3, "duplicate": 0.3},
        "timeouts": {"retry_ticks_min": 1, "retry_ticks_max": 2},
        "schedule": [{"at": 0, "propose": {"node": "s1", "value": "A"}},
                     {"at": 0, "propose": {"node": "s2", "value": "B"}}],
        "until_ticks": 1000000}"#;

    #[test]
    fn a_run_that_meets_the_event_cap_ends_at_its_last_event() {
        let mut p = Playground::<Paxos>::new(HEAVY).unwrap();
        assert_eq!(p.end_ticks(), 1_000_000, "not known before the cap is met");
        p.seek(1_000_000);
        let end = p.end_ticks();
        assert!(p.sim().stopped_early());
        assert!(end < 1_000_000, "{end}");
        assert_eq!(p.sim().now(), end);
        assert_eq!(p.sim().log().last().map(|e| e.tick), Some(end));
        let view = p.view();
        assert_eq!((view.end_ticks, view.until_ticks), (end, 1_000_000));
        assert!(view.finished);
        assert!(
            view.status.contains(&format!("so it ends at tick {end}")),
            "{}",
            view.status
        );
        // Back, and forward past the end again: the cursor stops at the same tick, with the
        // same run behind it.
        let hash = p.sim().trace_hash();
        p.seek(100);
        assert_eq!(p.sim().now(), 100);
        p.seek(end + 500);
        assert_eq!((p.sim().now(), p.sim().trace_hash()), (end, hash));
        // An intervention before the end makes another future, whose end is not known yet.
        p.seek(100);
        p.intervene(r#"{"crash": "s3"}"#).unwrap();
        assert_eq!(p.end_ticks(), 1_000_000);
        p.seek(1_000_000);
        assert!(p.sim().stopped_early() && p.end_ticks() < 1_000_000);
        assert_eq!(p.sim().now(), p.end_ticks());
    }

    #[test]
    fn a_proposer_s_timeout_can_be_forced_in_a_timed_run_and_the_link_replays_it() {
        let mut p = Playground::<Paxos>::new(HAPPY).unwrap();
        p.seek(5);
        let view = p.view();
        let offered: Vec<&str> = view
            .nodes
            .iter()
            .filter(|n| n.timeout)
            .map(|n| n.name.as_str())
            .collect();
        assert_eq!(offered, ["p1"], "only the proposer has a timer to force");
        p.intervene(r#"{"timeout": "p1"}"#).unwrap();
        let log = p.sim().log();
        let fired = log.iter().rposition(|e| e.kind.name() == "timeout");
        assert_eq!(fired.map(|i| log[i].tick), Some(5));
        // p1 starts its second ballot at once, not at its retry timer's tick.
        assert!(
            p.view().nodes[0].badge.contains("2.p1"),
            "{}",
            p.view().nodes[0].badge
        );
        // The queued firing does not fire it again: one timeout until the run's end, in this
        // run that p1's second ballot decides.
        p.seek(400);
        let timeouts = p.sim().log().iter().filter(|e| e.kind.name() == "timeout");
        assert_eq!(timeouts.count(), 1);
        // The link holds the timeout and replays the same run.
        let mut again = Playground::<Paxos>::new(&p.scenario().to_json()).unwrap();
        again.seek(400);
        assert_eq!(again.sim().trace_hash(), p.sim().trace_hash());
    }

    #[test]
    fn seeking_back_and_forth_reaches_the_same_state() {
        let mut p = Playground::<Paxos>::new(HAPPY).unwrap();
        p.seek(45);
        let at_45 = digest(&p);
        p.seek(300);
        p.seek(12);
        p.seek(45);
        assert_eq!(digest(&p), at_45);
    }

    #[test]
    fn the_first_event_at_a_tick_is_where_the_log_reaches_it() {
        let mut p = Playground::<Paxos>::new(HAPPY).unwrap();
        p.seek(300);
        let ticks: Vec<u64> = p
            .events_since(0, usize::MAX)
            .iter()
            .map(|e| e.tick)
            .collect();
        assert!(ticks.len() > 10);
        for tick in [0, 1, 19, 20, 31, 44, 61, 299, 300, 5000] {
            let before = ticks.iter().filter(|&&t| t < tick).count() as u64;
            assert_eq!(p.first_event_at(tick), before, "tick {tick}");
        }
    }

    /// Going back and then forward again skips to a snapshot with the log kept from before; the
    /// state, the whole log and the markers must be the run's own, also after single steps and
    /// after an intervention changed the future.
    #[test]
    fn jumping_forward_to_a_snapshot_keeps_the_run_and_its_log() {
        let log = |p: &Playground| -> Vec<String> {
            p.events_since(0, usize::MAX)
                .iter()
                .map(|e| format!("{} {}", e.tick, e.text))
                .collect()
        };
        let fresh = |tick| {
            let mut p = Playground::<Paxos>::new(HAPPY).unwrap();
            p.seek(tick);
            (digest(&p), log(&p), p.markers().len())
        };
        let mut p = Playground::<Paxos>::new(HAPPY).unwrap();
        p.seek(300);
        p.seek(12);
        p.seek(260);
        assert_eq!((digest(&p), log(&p), p.markers().len()), fresh(260));
        p.seek(30);
        p.step();
        p.step();
        p.seek(120);
        assert_eq!((digest(&p), log(&p), p.markers().len()), fresh(120));
        p.seek(290);
        assert_eq!((digest(&p), log(&p), p.markers().len()), fresh(290));
        // A crash at 40 replaces the future: going back and forward runs the new one.
        p.seek(40);
        p.intervene(r#"{"crash": "a1"}"#).unwrap();
        p.seek(280);
        let forked = (digest(&p), log(&p));
        p.seek(45);
        p.seek(280);
        assert_eq!((digest(&p), log(&p)), forked);
        let mut again = Playground::<Paxos>::new(&p.scenario().to_json()).unwrap();
        again.seek(280);
        assert_eq!((digest(&again), log(&again)), forked);
    }

    #[test]
    fn the_status_says_when_nothing_more_will_happen() {
        let mut p = Playground::<Paxos>::new(HAPPY).unwrap();
        assert!(!p.view().settled, "the proposal at tick 0 is still to come");
        p.seek(5);
        let view = p.view();
        assert!(
            !view.settled && !view.status.contains(SETTLED),
            "{}",
            view.status
        );
        p.seek(p.sim().until_ticks());
        let view = p.view();
        assert!(view.settled, "{}", view.status);
        assert!(view.status.ends_with(SETTLED), "{}", view.status);
        assert!(view.status.starts_with("“A” is chosen"), "{}", view.status);
        // Going back to a tick where messages were still in flight: not settled.
        p.seek(30);
        assert!(!p.view().settled);
    }

    #[test]
    fn rewinding_goes_back_to_the_run_as_loaded() {
        let mut p = Playground::<Paxos>::new(HAPPY).unwrap();
        let loaded = digest(&p);
        p.seek(300);
        p.rewind();
        assert_eq!(digest(&p), loaded);
        assert_eq!(p.sim().events(), 0);
    }

    #[test]
    fn seeking_an_event_lands_just_after_it() {
        let mut p = Playground::<Paxos>::new(HAPPY).unwrap();
        p.seek(p.sim().until_ticks());
        let all: Vec<(u64, u64, &'static str)> = p
            .sim()
            .log()
            .iter()
            .enumerate()
            .map(|(i, e)| (i as u64, e.tick, e.kind.name()))
            .collect();
        let (index, tick, _) = *all.iter().find(|(_, _, kind)| *kind == "chosen").unwrap();
        // Seek from both sides: from the end (back) and from the start (forward). One step can
        // make several events (a delivery, what it caused, the value chosen), so the cursor is
        // after the step that made the event, and one step back is before it.
        for from in [p.sim().until_ticks(), 0] {
            p.seek(from);
            p.seek_event(tick, index);
            assert!(p.sim().events() > index, "from tick {from}");
            assert_eq!(p.sim().now(), tick);
            assert!(p.view().chosen.is_some(), "the chosen value shows");
            p.step_back();
            assert!(p.sim().events() <= index, "from tick {from}");
            assert!(p.view().chosen.is_none());
        }
        // Every seventh event of the run: the cursor stops right after it, within its tick.
        for &(index, tick, _) in all.iter().step_by(7) {
            p.seek_event(tick, index);
            assert!(p.sim().events() > index && p.sim().now() == tick);
            p.step_back();
            assert!(p.sim().events() <= index);
        }
    }

    #[test]
    fn step_back_then_step_returns_to_the_same_state() {
        let mut p = Playground::<Paxos>::new(HAPPY).unwrap();
        for _ in 0..10 {
            p.step();
        }
        let after_ten = digest(&p);
        p.step_back();
        assert_eq!(p.sim().actions(), 9);
        p.step();
        assert_eq!(digest(&p), after_ten);
    }

    #[test]
    fn an_intervention_replays_from_the_scenario_exactly() {
        let mut p = Playground::<Paxos>::new(HAPPY).unwrap();
        p.seek(20);
        p.intervene(r#"{"crash": "a1"}"#).unwrap();
        p.seek(400);
        let live = (p.sim().trace_hash(), p.sim().events());
        let replay = crate::run_scenario(&p.scenario().to_json()).unwrap();
        // The replay runs to until_ticks; the live run was also sought to its end.
        assert_eq!((replay.trace_hash(), replay.events()), live);
        assert!(p.view().nodes[1].crashed);
    }

    #[test]
    fn actions_taken_while_paused_happen_at_the_cursor_in_order() {
        let mut p = Playground::<Paxos>::new(HAPPY).unwrap();
        p.seek(50);
        let events = p.sim().events();
        let mut ticks = Vec::new();
        for node in ["a1", "a2", "a3"] {
            ticks.push(p.intervene(&format!(r#"{{"crash": "{node}"}}"#)).unwrap());
        }
        assert_eq!(ticks, [50, 50, 50]);
        assert_eq!(p.sim().now(), 50);
        // Three crashes and nothing else: no acceptor handled a message in between.
        assert_eq!(p.sim().events(), events + 3);
        let kinds: Vec<&str> = p.sim().log()[events as usize..]
            .iter()
            .map(|e| e.kind.name())
            .collect();
        assert_eq!(kinds, ["crash", "crash", "crash"]);
        // The scenario replays them where they were taken.
        p.seek(p.sim().until_ticks());
        let replay = crate::run_scenario(&p.scenario().to_json()).unwrap();
        assert_eq!(replay.trace_hash(), p.sim().trace_hash());
        // After a step inside a tick, a delivery has happened at it: an action now belongs
        // after it, at the next tick, as a replay would order it.
        let delivery = p
            .sim()
            .log()
            .iter()
            .find(|e| e.kind.name() == "deliver")
            .unwrap();
        let tick = delivery.tick;
        let mut q = Playground::<Paxos>::new(HAPPY).unwrap();
        q.seek(tick);
        q.step();
        let at_tick = q.sim().log().iter().rev().take_while(|e| e.tick == tick);
        assert!(at_tick.map(|e| e.kind.name()).any(|kind| kind == "deliver"));
        assert_eq!(q.intervene(r#"{"crash": "a1"}"#).unwrap(), tick + 1);
    }

    #[test]
    fn acting_in_the_past_discards_the_persons_later_interventions() {
        let mut p = Playground::<Paxos>::new(HAPPY).unwrap();
        p.seek(50);
        p.intervene(r#"{"crash": "a2"}"#).unwrap();
        assert_eq!(p.discarded(), 0);
        p.seek(10);
        p.intervene(r#"{"crash": "a3"}"#).unwrap();
        assert_eq!(p.discarded(), 1, "the crash of a2 at tick 50");
        let crashes: Vec<_> = p
            .scenario()
            .schedule
            .iter()
            .filter_map(|s| s.crash.clone())
            .collect();
        assert_eq!(crashes, vec!["a3".to_string()]);
        p.seek(400);
        let replay = crate::run_scenario(&p.scenario().to_json()).unwrap();
        assert_eq!(replay.trace_hash(), p.sim().trace_hash());
    }

    #[test]
    fn a_reopened_scenario_shows_an_intervention_at_the_cursor_as_done() {
        let mut p = Playground::<Paxos>::new(HAPPY).unwrap();
        p.seek(20);
        p.intervene(r#"{"crash": "a1"}"#).unwrap();
        let live = digest(&p);
        let mut reopened = Playground::<Paxos>::new(&p.scenario().to_json()).unwrap();
        reopened.seek(20);
        assert_eq!(digest(&reopened), live);
        assert!(reopened.view().nodes[1].crashed);
    }

    #[test]
    fn a_stepped_state_is_reached_again_from_its_tick_and_action_count() {
        let mut p = Playground::<Paxos>::new(HAPPY).unwrap();
        for _ in 0..7 {
            p.step();
        }
        let stepped = digest(&p);
        let (tick, actions) = (p.sim().now(), p.sim().actions());
        let mut reopened = Playground::<Paxos>::new(&p.scenario().to_json()).unwrap();
        reopened.seek_actions(tick, actions);
        assert_eq!(digest(&reopened), stepped);
    }

    #[test]
    fn a_bad_intervention_changes_nothing() {
        let mut p = Playground::<Paxos>::new(HAPPY).unwrap();
        p.seek(20);
        let before = digest(&p);
        let error = p.intervene(r#"{"crash": "a9"}"#).unwrap_err();
        assert!(error.to_string().contains("unknown node"), "{error}");
        assert!(p.intervene("[1]").is_err());
        p.seek(10_000);
        let end = digest(&p);
        let error = p.intervene(r#"{"crash": "a1"}"#).unwrap_err();
        assert!(
            error.to_string().contains("the run ends at tick 400"),
            "{error}"
        );
        assert_eq!(digest(&p), end);
        p.seek(20);
        assert!(p.intervene(r#"{"explode": true}"#).is_err());
        assert_eq!(digest(&p), before);
    }

    #[test]
    fn the_view_reports_the_chosen_value_and_its_quorum() {
        let mut p = Playground::<Paxos>::new(HAPPY).unwrap();
        p.seek(400);
        let view = p.view();
        let chosen = view.chosen.expect("happy path chooses");
        assert_eq!(chosen.value, "A");
        assert_eq!(chosen.quorum.len(), 2);
        assert!(view.status.starts_with("“A” is chosen"), "{}", view.status);
        assert!(p.markers().iter().any(|m| m.kind == "chosen"));
    }

    /// The views' JSON is what serde_json writes from their serde derive, less the `null`s of
    /// `None` fields (left out, so that JavaScript reads `undefined` as before), over every
    /// library scenario at many moments: partitions, cuts, losses, duplicates, violations.
    #[test]
    fn views_are_written_as_serde_writes_them_without_nulls() {
        fn without_nulls(value: serde_json::Value) -> serde_json::Value {
            match value {
                serde_json::Value::Object(map) => map
                    .into_iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| (k, without_nulls(v)))
                    .collect(),
                serde_json::Value::Array(items) => items.into_iter().map(without_nulls).collect(),
                other => other,
            }
        }
        fn same<T: ToJson + Serialize>(value: &T) {
            let ours: serde_json::Value =
                serde_json::from_str(&value.to_json_text()).expect("valid JSON");
            assert_eq!(ours, without_nulls(serde_json::to_value(value).unwrap()));
        }
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios");
        let mut seen = std::collections::BTreeSet::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            // Only the scenario files: `histories/` holds the library's client histories.
            if !path.is_file() {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let Ok(mut p) = Playground::<Paxos>::new(&text) else {
                continue;
            };
            let until = p.sim().until_ticks().min(3000);
            for tick in (0..=until).step_by(25) {
                p.seek(tick);
                let view = p.view();
                same(&view);
                seen.extend(view.nodes.iter().filter_map(|n| n.group.map(|_| "group")));
                seen.extend(view.violations.first().map(|_| "violation"));
                seen.extend(view.cuts.first().map(|_| "cut"));
                seen.extend(view.chosen.as_ref().map(|_| "chosen"));
                seen.extend(view.messages.iter().find_map(|m| m.copy_of.map(|_| "copy")));
            }
            let events = p.events_since(0, usize::MAX);
            seen.extend(events.iter().filter_map(|e| e.lost.map(|_| "lost")));
            same(&events);
            same(&p.markers().to_vec());
        }
        for feature in ["group", "violation", "cut", "chosen", "copy", "lost"] {
            assert!(seen.contains(feature), "no scenario shows a {feature}");
        }
    }
}
