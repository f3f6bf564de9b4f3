//! Runs in headless Chromium (`wasm-pack test --headless --chrome crate -- --test wasm`): the
//! WebAssembly build must give exactly the runs the native build gives, recorded in
//! `trace_hashes.txt` by `tests/cross_target.rs`.
#![cfg(target_arch = "wasm32")]

use paxoscope::swarm::scenario_for_seed;
use paxoscope::Simulation;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const HASHES: &str = include_str!("trace_hashes.txt");
const HAPPY_PATH: &str = include_str!("../../scenarios/happy-path.json");

fn expected(name: &str) -> &'static str {
    HASHES
        .lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("{name} is not in trace_hashes.txt"))
}

#[wasm_bindgen_test]
fn happy_path_hash_matches_native() {
    let sim = paxoscope::run_scenario(HAPPY_PATH).expect("valid");
    assert_eq!(format!("{:016x}", sim.trace_hash()), expected("happy-path"));
    assert_eq!(sim.chosen(), Some("A"));
}

#[wasm_bindgen_test]
fn swarm_hashes_match_native() {
    for seed in 0..20u64 {
        let compiled = scenario_for_seed(seed, None).compile().expect("valid");
        let mut sim = Simulation::new(&compiled);
        sim.run();
        assert_eq!(
            format!("{:016x}", sim.trace_hash()),
            expected(&format!("swarm-{seed}")),
            "seed {seed}"
        );
    }
}
