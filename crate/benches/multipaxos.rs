//! Native benchmarks of Multi-Paxos, beside single-decree Paxos, printed as plain
//! `name: value` lines.
//!
//! - `mp_messages_per_command`: messages sent per committed client command in steady state
//!   (five servers, three clients, 300 commands each, no faults), and the same without the
//!   heartbeats and their acknowledgements (`_without_heartbeats`). One command costs the
//!   client's request and reply, an Accept and an Accepted per follower (2(N−1)) and a Commit
//!   per follower (N−1): 3·4 + 2 = 14 with five servers.
//! - `paxos_messages_per_decision`: the same for one single-decree Paxos decision (the library's
//!   happy path), which pays phase 1 every time.
//! - `mp_commands_per_second`, `mp_sim_events_per_second`: how fast the simulation commits
//!   commands and runs events in that steady state; `mp_swarm_events_per_second` over the
//!   swarm's drawn scenarios with faults, leader changes and the checkers on.
//!
//! Each time is the best of several repetitions. Run with
//! `cargo bench -p paxoscope --bench multipaxos`.

use paxoscope::protocols::multipaxos::swarm::run_seed;
use paxoscope::protocols::multipaxos::{MultiPaxos, Scenario, Simulation};
use paxoscope::protocols::Describe;
use paxoscope::sim::event::EventKind;
use std::hint::black_box;
use std::time::Instant;

const REPETITIONS: usize = 5;

fn best<T>(mut work: impl FnMut() -> T) -> (T, f64) {
    let mut seconds = f64::INFINITY;
    let mut value = None;
    for _ in 0..REPETITIONS {
        let started = Instant::now();
        value = Some(black_box(work()));
        seconds = seconds.min(started.elapsed().as_secs_f64());
    }
    (value.expect("at least one repetition"), seconds)
}

fn steady_state() -> Simulation {
    let scenario = Scenario::from_json(
        r#"{"version": 1, "protocol": "multipaxos", "seed": 1,
            "cluster": {"servers": 5, "clients": 3},
            "workload": {"ops_per_client": 300, "keys": 2,
                         "mix": {"get": 1, "put": 1, "append": 1},
                         "think_ticks_min": 0, "think_ticks_max": 20},
            "until_ticks": 100000}"#,
    )
    .expect("a valid scenario");
    let mut sim = Simulation::new(&scenario.compile().expect("a valid scenario"));
    sim.run();
    sim
}

fn main() {
    let (sim, seconds) = best(steady_state);
    assert!(sim.violations().is_empty(), "{:?}", sim.violations());
    let config = sim.config();
    let commands = sim
        .checker()
        .chosen
        .iter()
        .flatten()
        .filter(|(cmd, _)| !cmd.is_noop())
        .count();
    let heartbeats = sim
        .log()
        .iter()
        .filter(|e| match e.kind {
            EventKind::Send { msg, .. } => {
                MultiPaxos::describe_message(config, &msg).starts_with("Heartbeat")
            }
            _ => false,
        })
        .count();
    let sent = sim.messages_sent() as f64;
    println!("mp_commands_committed: {commands}");
    println!("mp_messages_per_command: {:.2}", sent / commands as f64);
    println!(
        "mp_messages_per_command_without_heartbeats: {:.2}",
        (sent - heartbeats as f64) / commands as f64
    );
    println!("mp_commands_per_second: {:.0}", commands as f64 / seconds);
    println!(
        "mp_sim_events_per_second: {:.0}",
        sim.events() as f64 / seconds
    );

    let happy = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/happy-path.json"),
    )
    .expect("the library's happy path");
    let scenario = paxoscope::protocols::paxos::Scenario::from_json(&happy).expect("valid");
    let mut paxos = paxoscope::Simulation::new(&scenario.compile().expect("valid"));
    paxos.run();
    println!("paxos_messages_per_decision: {}", paxos.messages_sent());

    let (events, seconds) = best(|| {
        (0..1000)
            .map(|seed| run_seed(seed, None, false).events())
            .sum::<u64>()
    });
    println!("mp_swarm_events_per_second: {:.0}", events as f64 / seconds);
}
