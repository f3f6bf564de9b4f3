//! The linearizability checker: the known verdicts of the shared histories, hand-made
//! mutations of them whose verdicts are reasoned out below, the semantics of unknown outcomes,
//! malformed input, and the work bound.

use paxoscope::check::{check, History, Verdict, STEPS_MAX_DEFAULT};
use std::path::{Path, PathBuf};

/// The shared histories, `shared/histories/` beside the repository.
fn shared_histories() -> Vec<PathBuf> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/histories");
    let listing = std::fs::read_dir(&folder).unwrap_or_else(|e| {
        panic!(
            "the shared histories should be in {}: {e}",
            folder.display()
        )
    });
    let mut paths: Vec<PathBuf> = listing
        .map(|entry| entry.expect("a readable folder").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no histories in {}", folder.display());
    paths
}

#[test]
fn every_shared_history_gets_its_known_verdict() {
    for path in shared_histories() {
        let text = std::fs::read_to_string(&path).unwrap();
        let history =
            History::from_json(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let expected = history
            .expected
            .expect("every shared history has a verdict");
        let report = check(&history, STEPS_MAX_DEFAULT);
        let found = match &report.verdict {
            Verdict::Linearizable { .. } => true,
            Verdict::NotLinearizable(_) => false,
            Verdict::Unknown => panic!("{}: gave up after {} steps", path.display(), report.steps),
        };
        eprintln!("{} {} steps {:?}", path.display(), found, report.steps);
        assert_eq!(found, expected, "{}", path.display());
    }
}
