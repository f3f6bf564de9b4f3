//! The trace hashes in `trace_hashes.txt` are the contract between the native build and the
//! WebAssembly build (checked by `tests/wasm.rs` in headless Chromium): the same scenario must
//! give the same run everywhere. `UPDATE_TRACE_HASHES=1 cargo test --test cross_target` rewrites
//! the file; read its diff before committing, since a changed hash means old links replay
//! differently.
//!
//! `floats.txt` is the same kind of contract for the scenario format's floats, which `json.rs`
//! converts with core's code natively and with JavaScript's in wasm: what each float is written
//! as, and what each text reads as. `UPDATE_FLOATS=1` rewrites it.

use paxoscope::json;
use paxoscope::rng::{Rng, Stream};
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

/// Checks that `actual` is what `tests/{file}` records, or with `update` set in the environment
/// rewrites the file instead.
fn matches_recorded(file: &str, update: &str, actual: &str, change: &str) {
    let path = format!("{}/tests/{file}", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os(update).is_some() {
        std::fs::write(&path, actual).unwrap_or_else(|e| panic!("write {file}: {e}"));
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {file}: {e}"));
    assert_eq!(actual, expected, "{change}");
}

#[test]
fn native_trace_hashes_match_the_recorded_ones() {
    matches_recorded(
        "trace_hashes.txt",
        "UPDATE_TRACE_HASHES",
        &hashes(),
        "trace hashes changed: old links would replay differently",
    );
}

/// Floats where writing the shortest digits or switching notation is easy to get wrong: zeros,
/// the smallest and largest, 17 significant digits, powers of ten and their neighbours around
/// serde_json's switches to scientific notation (below 1e-5, from 1e16) and JavaScript's
/// (below 1e-6, from 1e21), random probabilities and random bit patterns, all also negated.
fn float_cases() -> Vec<f64> {
    let mut cases = vec![
        0.0,
        1.0,
        0.5,
        0.1,
        0.2,
        0.1 + 0.2,
        1.0 / 3.0,
        2.0 / 3.0,
        1.0 - f64::EPSILON,
        1.0 + f64::EPSILON,
        5e-324,
        f64::MIN_POSITIVE,
        f64::MAX,
        2.5e-300,
        1.5e300,
        1.234e-7,
        1.5e-5,
        123456789.125,
        9007199254740993.0,
        123456789012345680000.0,
    ];
    for exponent in -25..=25 {
        let power: f64 = format!("1e{exponent}").parse().unwrap();
        let below = f64::from_bits(power.to_bits() - 1);
        let above = f64::from_bits(power.to_bits() + 1);
        cases.extend([power, below, above, 1.5 * power, 9.5 * power]);
    }
    let mut rng = Rng::new(7, Stream::Swarm);
    for _ in 0..200 {
        let x = f64::from_bits(rng.next_u64() >> 12 | 0x3FF0_0000_0000_0000) - 1.0;
        cases.push(x * 10f64.powi(-(rng.below(12) as i32)));
    }
    while cases.len() < 600 {
        let x = f64::from_bits(rng.next_u64());
        if x.is_finite() {
            cases.push(x);
        }
    }
    let negated: Vec<f64> = cases.iter().map(|x| -x).collect();
    cases.extend(negated);
    cases
}

/// Texts that are not the shortest writing of their value, to read only: more digits than
/// needed, exactly halfway between two floats (ties go to the even one), just either side of
/// halfway, beyond the range (infinite, which the parser refuses) or below it (zero).
const READ_ONLY: &[&str] = &[
    "-0",
    "0.000",
    "1E5",
    "1e+5",
    "0.1000000000000000055511151231257827021181583404541015625",
    "1.00000000000000011102230246251565404236316680908203125",
    "1.00000000000000011102230246251565404236316680908203126",
    "9007199254740993",
    "9007199254740995",
    "2.2250738585072011e-308",
    "2.2250738585072012e-308",
    "2.4703282292062327e-324",
    "2.4703282292062328e-324",
    "1.7976931348623158e308",
    "1.7976931348623159e308",
    "1e400",
    "1e-400",
    "123456789012345678901234567890",
    "0.30000000000000004440892098500626161694526672363281250000000000000000000000000001",
];

/// One line a case: `= BITS TEXT` where TEXT is how the float with those bits is written (and
/// reads back), `< BITS TEXT` where TEXT only reads as it.
fn floats() -> String {
    let mut out = String::new();
    for x in float_cases() {
        let mut text = String::new();
        json::write_f64(&mut text, x);
        assert_eq!(
            text,
            serde_json::to_string(&x).unwrap(),
            "serde_json writes {x:?}"
        );
        out.push_str(&format!("= {:016x} {text}\n", x.to_bits()));
    }
    for text in READ_ONLY {
        let x = json::parse_f64(text);
        out.push_str(&format!("< {:016x} {text}\n", x.to_bits()));
    }
    out
}

#[test]
fn native_float_texts_match_the_recorded_ones() {
    let actual = floats();
    for line in actual.lines().filter(|line| line.starts_with('=')) {
        let (bits, text) = line[2..].split_once(' ').unwrap();
        let x = json::parse_f64(text);
        assert_eq!(format!("{:016x}", x.to_bits()), bits, "{text} reads back");
    }
    matches_recorded(
        "floats.txt",
        "UPDATE_FLOATS",
        &actual,
        "floats are written or read differently",
    );
}
