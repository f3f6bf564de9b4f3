//! Native benchmarks of the consensus core, printed as plain `name: value` lines.
//!
//! - `sim_events_per_second_log_on`: events per second over a fixed set of swarm scenarios,
//!   with the event log kept (what the page and `run --trace` do).
//! - `sim_events_per_second_log_off`: the same runs without the log (what swarm testing does).
//! - `explorer_states_per_second`: distinct states per second for the explorer on correct
//!   Paxos with two proposers, three acceptors and one learner.
//! - `montecarlo_10000_runs_seconds`: the Monte Carlo estimate's 10,000 seeded runs of a
//!   five-acceptor cluster with loss, acceptors failing at uniform times with p = 0.1 (the
//!   target is 0.3 s; the page's worker runs the same in wasm, see scripts/bench-page.mjs).
//!
//! Each figure is the best of several repetitions, since noise only ever slows a run down. The
//! three measurements take turns, so that a slow spell of the machine (its speed swings by a
//! third from one second to the next) does not fall on one of them only. Run with
//! `cargo bench -p paxoscope --bench simulation`.

use paxoscope::explore::{explore, Bounds};
use paxoscope::montecarlo::{Estimator, Failure, Spec};
use paxoscope::protocols::paxos::Scenario;
use paxoscope::swarm::run_seed;
use std::hint::black_box;
use std::time::Instant;

/// The swarm seeds every simulation figure runs: enough for about five million events.
const SEEDS: std::ops::Range<u64> = 0..20_000;
const REPETITIONS: usize = 9;

/// Runs `work` once and returns its result and its time in seconds.
fn timed<T>(work: impl FnOnce() -> T) -> (T, f64) {
    let started = Instant::now();
    let value = black_box(work());
    (value, started.elapsed().as_secs_f64())
}

fn simulate(log: bool) -> u64 {
    SEEDS
        .map(|seed| {
            let sim = run_seed(seed, None, log);
            // Keep the log alive until counted, so that building it is part of the cost.
            black_box(sim.log().len());
            sim.events()
        })
        .sum()
}

/// The Monte Carlo benchmark's cluster: the Quorums tab's default.
const MONTECARLO_SCENARIO: &str = r#"{"version": 1, "protocol": "paxos", "seed": 1,
    "cluster": {"proposers": 1, "acceptors": 5, "learners": 1},
    "network": {"delay_ticks_min": 5, "delay_ticks_max": 30, "loss": 0.05, "duplicate": 0},
    "schedule": [{"at": 0, "propose": {"node": "p1", "value": "A"}}],
    "until_ticks": 1000}"#;

fn main() {
    let scenario = Scenario::from_json(
        r#"{"version": 1, "protocol": "paxos",
            "cluster": {"proposers": 2, "acceptors": 3, "learners": 1},
            "schedule": [{"at": 0, "propose": {"node": "p1", "value": "A"}},
                         {"at": 0, "propose": {"node": "p2", "value": "B"}}]}"#,
    )
    .expect("a valid scenario");
    let compiled = scenario.compile().expect("a valid scenario");
    // One ballot per proposer and no faults; the cap keeps the run to a few seconds.
    let bounds = Bounds {
        max_crashes: 0,
        max_drops: 0,
        max_duplicates: 0,
        max_rounds: 1,
        max_states: 1_000_000,
        gravest_only: false,
    };

    let five = Scenario::from_json(MONTECARLO_SCENARIO).expect("a valid scenario");
    let spec = Spec {
        runs: 10_000,
        p: 0.1,
        failure: Failure::Uniform,
    };
    let estimate = || {
        let mut estimator = Estimator::for_scenario(&five, spec).expect("a valid scenario");
        estimator.run(spec.runs);
        estimator.estimate(20)
    };

    let (mut seconds_on, mut seconds_off, mut seconds_explore, mut seconds_montecarlo) =
        (f64::INFINITY, f64::INFINITY, f64::INFINITY, f64::INFINITY);
    let mut decided = 0.0;
    let (mut events_on, mut events_off, mut report) = (0, 0, None);
    for _ in 0..REPETITIONS {
        let (events, seconds) = timed(|| simulate(true));
        (events_on, seconds_on) = (events, seconds_on.min(seconds));
        let (events, seconds) = timed(|| simulate(false));
        (events_off, seconds_off) = (events, seconds_off.min(seconds));
        let (search, seconds) = timed(|| explore(&scenario, &compiled, bounds));
        (report, seconds_explore) = (Some(search), seconds_explore.min(seconds));
        let (found, seconds) = timed(estimate);
        (decided, seconds_montecarlo) = (found.decided, seconds_montecarlo.min(seconds));
    }
    assert_eq!(events_on, events_off, "the log must not change the run");
    println!("sim_runs: {}", SEEDS.end - SEEDS.start);
    println!("sim_events: {events_on}");
    println!(
        "sim_events_per_second_log_on: {}",
        (events_on as f64 / seconds_on).round()
    );
    println!(
        "sim_events_per_second_log_off: {}",
        (events_off as f64 / seconds_off).round()
    );

    let report = report.expect("at least one repetition");
    assert!(report.violations.is_empty(), "correct Paxos broke safety");
    println!("explorer_states: {}", report.states);
    println!(
        "explorer_states_per_second: {}",
        (report.states as f64 / seconds_explore).round()
    );
    println!(
        "explorer_transitions_per_second: {}",
        (report.transitions as f64 / seconds_explore).round()
    );
    println!("montecarlo_decided: {decided}");
    println!("montecarlo_10000_runs_seconds: {seconds_montecarlo:.4}");
}
