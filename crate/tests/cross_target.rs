//! The trace hashes in `trace_hashes.txt` are the contract between the native build and the
//! WebAssembly build (checked by `tests/wasm.rs` in headless Chromium): the same scenario must
//! give the same run everywhere. `UPDATE_TRACE_HASHES=1 cargo test --test cross_target` rewrites
//! the file; read its diff before committing, since a changed hash means old links replay
//! differently.

use paxoscope::swarm::scenario_for_seed;
use paxoscope::Simulation;

const HAPPY_PATH: &str = include_str!("../../scenarios/happy-path.json");
const SWARM_SEEDS: std::ops::Range<u64> = 0..20;

fn hashes() -> String {
    let mut out = String::new();
    let sim = paxoscope::run_scenario(HAPPY_PATH).expect("happy path is valid");
    out.push_str(&format!("happy-path {:016x}\n", sim.trace_hash()));
    for seed in SWARM_SEEDS {
        let compiled = scenario_for_seed(seed, None).compile().expect("valid");
        let mut sim = Simulation::new(&compiled);
        sim.run();
        out.push_str(&format!("swarm-{seed} {:016x}\n", sim.trace_hash()));
    }
    out
}

#[test]
fn native_trace_hashes_match_the_recorded_ones() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/trace_hashes.txt");
    let actual = hashes();
    if std::env::var_os("UPDATE_TRACE_HASHES").is_some() {
        std::fs::write(path, &actual).expect("write trace_hashes.txt");
        return;
    }
    let expected = std::fs::read_to_string(path).expect("trace_hashes.txt exists");
    assert_eq!(
        actual, expected,
        "trace hashes changed: old links would replay differently"
    );
}
