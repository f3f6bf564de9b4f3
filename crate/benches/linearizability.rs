//! The linearizability checker's native benchmark, printed as plain `name value` lines.
//!
//! - `lin_histories`: how many histories of `shared/histories/` it checks.
//! - `lin_total_seconds_all_histories`: the time to read and check all of them, from their
//!   JSON text to their verdicts; the best of several rounds, since noise only ever slows a
//!   round down.
//! - `lin_steps`: the search's steps over all of them, which does not depend on the machine.
//!
//! Porcupine takes about 1.0 s natively for 118 such histories on the development machine.
//! Run with `cargo bench -p paxoscope --bench linearizability`.

use paxoscope::check::{check, History, Verdict, STEPS_MAX_DEFAULT};
use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

const ROUNDS: usize = 9;

fn main() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/histories");
    let listing = std::fs::read_dir(&folder).unwrap_or_else(|e| {
        panic!(
            "the shared histories should be in {}: {e}",
            folder.display()
        )
    });
    let mut paths: Vec<_> = listing
        .map(|entry| entry.expect("a readable folder").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    let texts: Vec<String> = paths
        .iter()
        .map(|path| std::fs::read_to_string(path).expect("a readable history"))
        .collect();

    let mut seconds_best = f64::INFINITY;
    let mut steps = 0;
    for _ in 0..ROUNDS {
        let started = Instant::now();
        steps = 0;
        for (path, text) in paths.iter().zip(&texts) {
            let history = History::from_json(text).expect("a valid history");
            let report = black_box(check(&history, STEPS_MAX_DEFAULT));
            let linearizable = match report.verdict {
                Verdict::Linearizable { .. } => true,
                Verdict::NotLinearizable(_) => false,
                Verdict::Unknown => panic!("{}: gave up", path.display()),
            };
            assert_eq!(Some(linearizable), history.expected, "{}", path.display());
            steps += report.steps;
        }
        seconds_best = seconds_best.min(started.elapsed().as_secs_f64());
    }
    println!("lin_histories {}", paths.len());
    println!("lin_steps {steps}");
    println!("lin_total_seconds_all_histories {seconds_best:.6}");
}
