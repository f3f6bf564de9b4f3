//! Native benchmarks of the quorum-replicated store, beside Paxos's in `simulation.rs`, printed
//! as plain `name: value` lines.
//!
//! - `kv_sim_events_per_second_log_on` / `_log_off`: events per second over a fixed set of the
//!   store's swarm scenarios (three to five replicas, two or three clients, faults, and a
//!   workload whose history is judged for linearizability at every return), with and without
//!   the event log.
//! - `kv_explorer_states_per_second`: distinct states per second for the explorer on correct ABD
//!   with three replicas, one put and one get, searched to the end.
//!
//! Each figure is the best of several repetitions, taken in turns as in `simulation.rs`. Run
//! with `cargo bench -p paxoscope --bench quorum_kv`.

use paxoscope::explore::{explore, Bounds};
use paxoscope::protocols::quorum_kv::swarm::run_seed;
use paxoscope::protocols::quorum_kv::Scenario;
use std::hint::black_box;
use std::time::Instant;

const SEEDS: std::ops::Range<u64> = 0..5_000;
const REPETITIONS: usize = 7;

fn timed<T>(work: impl FnOnce() -> T) -> (T, f64) {
    let started = Instant::now();
    let value = black_box(work());
    (value, started.elapsed().as_secs_f64())
}

fn simulate(log: bool) -> u64 {
    SEEDS
        .map(|seed| {
            let sim = run_seed(seed, None, log);
            black_box(sim.log().len());
            sim.events()
        })
        .sum()
}

fn main() {
    let scenario = Scenario::from_json(
        r#"{"version": 1, "protocol": "quorum-kv",
            "cluster": {"replicas": 3, "clients": 2},
            "schedule": [{"at": 0, "request": {"client": "c2", "op": "put", "key": "x", "value": "1"}},
                         {"at": 0, "request": {"client": "c1", "op": "get", "key": "x"}}]}"#,
    )
    .expect("a valid scenario");
    let compiled = scenario.compile().expect("a valid scenario");
    let bounds = Bounds {
        max_crashes: 0,
        max_drops: 0,
        max_duplicates: 0,
        max_rounds: 0,
        max_states: 5_000_000,
        gravest_only: false,
    };
    let (mut seconds_on, mut seconds_off, mut seconds_explore) =
        (f64::INFINITY, f64::INFINITY, f64::INFINITY);
    let (mut events_on, mut events_off, mut report) = (0, 0, None);
    for _ in 0..REPETITIONS {
        let (events, seconds) = timed(|| simulate(true));
        (events_on, seconds_on) = (events, seconds_on.min(seconds));
        let (events, seconds) = timed(|| simulate(false));
        (events_off, seconds_off) = (events, seconds_off.min(seconds));
        let (search, seconds) = timed(|| explore(&scenario, &compiled, bounds));
        (report, seconds_explore) = (Some(search), seconds_explore.min(seconds));
    }
    assert_eq!(events_on, events_off, "the log must not change the run");
    println!("kv_sim_runs: {}", SEEDS.end - SEEDS.start);
    println!("kv_sim_events: {events_on}");
    println!(
        "kv_sim_events_per_second_log_on: {}",
        (events_on as f64 / seconds_on).round()
    );
    println!(
        "kv_sim_events_per_second_log_off: {}",
        (events_off as f64 / seconds_off).round()
    );
    let report = report.expect("at least one repetition");
    assert!(report.complete, "the search must see every state");
    assert!(
        report.violations.is_empty(),
        "correct ABD broke linearizability"
    );
    println!("kv_explorer_states: {}", report.states);
    println!(
        "kv_explorer_states_per_second: {}",
        (report.states as f64 / seconds_explore).round()
    );
}
