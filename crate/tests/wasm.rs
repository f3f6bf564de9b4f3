//! Runs in headless Chromium (`wasm-pack test --headless --chrome crate -- --test wasm`): the
//! WebAssembly build must give exactly the runs the native build gives, recorded in
//! `trace_hashes.txt` by `tests/cross_target.rs`, and write and read floats as the native build
//! does (`floats.txt`), though it converts them with JavaScript's code rather than core's.
#![cfg(target_arch = "wasm32")]

use paxoscope::json;
use paxoscope::swarm::scenario_for_seed;
use paxoscope::Simulation;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const HASHES: &str = include_str!("trace_hashes.txt");
const FLOATS: &str = include_str!("floats.txt");
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

#[wasm_bindgen_test]
fn floats_are_written_and_read_as_natively() {
    let mut lines = 0;
    for line in FLOATS.lines() {
        let (kind, rest) = line.split_once(' ').expect("a kind");
        let (bits, text) = rest.split_once(' ').expect("bits and text");
        let read = json::parse_f64(text);
        assert_eq!(format!("{:016x}", read.to_bits()), bits, "{text} reads");
        if kind == "=" {
            let mut written = String::new();
            json::write_f64(
                &mut written,
                f64::from_bits(u64::from_str_radix(bits, 16).unwrap()),
            );
            assert_eq!(written, text, "{bits} is written");
        }
        lines += 1;
    }
    assert!(lines > 1000, "only {lines} cases");
}
