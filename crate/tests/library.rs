//! The scenario library (`scenarios/library.json`): the page lists its entries and plays their
//! guided tours, so each entry must load, reach the outcome its `expect` claims, and have a tour
//! whose pauses fall inside the run. Every scenario file in `scenarios/` must be in the library,
//! so that nothing written for students is unreachable from the page.

use paxoscope::protocols::paxos::Scenario;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// The library file, exactly as `web/library.js` reads it; an unknown field is an error here so
/// that a typo (`"violation"` for `"violations"`) cannot silently weaken a check.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Library {
    version: u32,
    scenarios: Vec<Entry>,
    /// Client histories the History tab opens, each with its own tour.
    #[serde(default)]
    histories: Vec<HistoryEntry>,
    /// Short texts with no run behind them.
    #[serde(default)]
    notes: Vec<Note>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Note {
    id: String,
    title: String,
    text: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HistoryEntry {
    id: String,
    title: String,
    summary: String,
    /// A history file under `scenarios/histories/`.
    file: String,
    expect: HistoryExpect,
    tour: Vec<HistoryStep>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HistoryExpect {
    linearizable: bool,
    /// The operation the checker cannot place, as an index into the file's `ops`.
    #[serde(default)]
    failing: Option<usize>,
}

/// A step of a history's tour: its text, and the operations it marks.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HistoryStep {
    ops: Vec<usize>,
    text: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: String,
    title: String,
    summary: String,
    file: String,
    /// The tab to open with the entry (the page checks that it exists).
    #[serde(default)]
    panel: Option<String>,
    /// The Monte Carlo estimate the Quorums tab starts: its form's fields, by name.
    #[serde(default)]
    montecarlo: Option<BTreeMap<String, serde_json::Value>>,
    expect: Expect,
    tour: Vec<Step>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    /// The first value chosen in the run, or null when nothing is chosen.
    chosen: Option<String>,
    /// The exact set of violation kinds the checker reports.
    violations: Vec<String>,
    /// The headline the centre of the drawing shows at the end, for protocols that choose no
    /// value (the store: how many operations returned, or that the history is not
    /// linearizable).
    #[serde(default)]
    stage: Option<String>,
    /// Learners and what each has learned at the end (null for nothing); optional.
    #[serde(default)]
    learned: Option<BTreeMap<String, Option<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Step {
    at: u64,
    text: String,
}

/// A tour should be quick to play at the page's default speed.
const UNTIL_TICKS_MAX: u64 = 1500;
const TOUR_STEPS: std::ops::RangeInclusive<usize> = 3..=7;

fn scenarios_folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the crate lives one folder below the repository root")
        .join("scenarios")
}

fn library() -> Library {
    let path = scenarios_folder().join("library.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let library: Library =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("scenarios/library.json: {e}"));
    assert_eq!(library.version, 1, "library.json: unknown version");
    assert!(!library.scenarios.is_empty(), "the library is empty");
    library
}

/// What the library's checks read of an entry's run, in any protocol.
struct Ran {
    until_ticks: u64,
    /// The first value chosen, for protocols that choose one.
    chosen: Option<String>,
    violations: BTreeSet<&'static str>,
    /// The ticks at which something happened.
    ticks: BTreeSet<u64>,
    /// Each learner and what it learned (Paxos), for `expect.learned`.
    decided: BTreeMap<String, Option<String>>,
    /// The centre of the drawing's headline at the end, as the page shows it.
    headline: String,
}

/// The headline the page's drawing shows at the end of the run of `json`.
fn headline<P: paxoscope::present::Present>(json: &str) -> String {
    let mut playground = paxoscope::play::Playground::<P>::new(json).expect("a valid scenario");
    let until = playground.scenario().until_ticks;
    playground.seek(until);
    playground.view().summary.headline
}

/// Reads, checks and runs an entry's scenario to its end, as the protocol its `protocol` names.
fn run(entry: &Entry) -> Ran {
    let path = scenarios_folder().join(&entry.file);
    let json = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: cannot read scenarios/{}: {e}", entry.id, entry.file));
    let fail = |e: paxoscope::scenario::ScenarioError| -> ! {
        panic!("{}: {}: {e}", entry.id, entry.file)
    };
    /// A run of a protocol with clients, which decides no single value.
    fn clients<P: paxoscope::present::Present>(
        json: &str,
        fail: impl Fn(paxoscope::scenario::ScenarioError) -> Ran,
    ) -> Ran {
        let scenario = match paxoscope::scenario::Scenario::<P>::from_json(json) {
            Ok(scenario) => scenario,
            Err(e) => return fail(e),
        };
        let compiled = match scenario.compile() {
            Ok(compiled) => compiled,
            Err(e) => return fail(e),
        };
        let mut sim = paxoscope::sim::Simulation::<P>::new(&compiled);
        sim.run();
        Ran {
            until_ticks: scenario.until_ticks,
            chosen: None,
            violations: sim.violations().iter().map(|v| v.kind).collect(),
            ticks: sim.log().iter().map(|e| e.tick).collect(),
            decided: BTreeMap::new(),
            headline: headline::<P>(json),
        }
    }
    match paxoscope::scenario::protocol_of(&json) {
        "quorum-kv" => {
            return clients::<paxoscope::protocols::quorum_kv::QuorumKv>(&json, |e| fail(e))
        }
        "multipaxos" => {
            return clients::<paxoscope::protocols::multipaxos::MultiPaxos>(&json, |e| fail(e))
        }
        _ => {}
    }
    let scenario = Scenario::from_json(&json).unwrap_or_else(|e| fail(e));
    scenario.compile().unwrap_or_else(|e| fail(e));
    let sim = paxoscope::run_scenario(&json).unwrap_or_else(|e| fail(e));
    Ran {
        until_ticks: scenario.until_ticks,
        chosen: sim.chosen().map(str::to_string),
        violations: sim.violations().iter().map(|v| v.kind).collect(),
        ticks: sim.log().iter().map(|e| e.tick).collect(),
        decided: sim.outcome().decided.into_iter().collect(),
        headline: headline::<paxoscope::protocols::paxos::Paxos>(&json),
    }
}

#[test]
fn entries_are_well_formed_and_unique() {
    let library = library();
    let mut ids = BTreeSet::new();
    let mut files = BTreeSet::new();
    for entry in &library.scenarios {
        assert!(ids.insert(&entry.id), "duplicate id {}", entry.id);
        assert!(files.insert(&entry.file), "duplicate file {}", entry.file);
        assert!(!entry.title.trim().is_empty(), "{}: empty title", entry.id);
        assert!(
            !entry.summary.trim().is_empty(),
            "{}: empty summary",
            entry.id
        );
        // The id is used in a CSS attribute selector and in links: keep it plain.
        assert!(
            entry
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}: ids are lowercase letters, digits and dashes",
            entry.id
        );
        // A protocol other than Paxos keeps its lessons in a folder of its name.
        let folder = entry.file.rsplit_once('/').map(|(folder, _)| folder);
        assert!(
            entry.file.ends_with(".json")
                && folder.is_none_or(|f| paxoscope::protocols::KNOWN.contains(&f)),
            "{}: file must be a .json file in scenarios/ or in a protocol's folder there",
            entry.id
        );
        let story = scenarios_folder().join(entry.file.replace(".json", ".md"));
        assert!(
            story.is_file(),
            "{}: every scenario needs its story, {}",
            entry.id,
            story.display()
        );
        let mut seen = BTreeSet::new();
        for kind in &entry.expect.violations {
            assert!(
                seen.insert(kind),
                "{}: violation {kind} listed twice",
                entry.id
            );
        }
    }
}

#[test]
fn every_scenario_file_is_in_the_library() {
    let library = library();
    let listed: BTreeSet<&str> = library.scenarios.iter().map(|e| e.file.as_str()).collect();
    let mut missing = Vec::new();
    // Each protocol's lessons are in a folder of their own (`quorum-kv/`, `multipaxos/`); histories have
    // their own list and test.
    for folder in ["", "quorum-kv/", "multipaxos/"] {
        let path = scenarios_folder().join(folder);
        for item in std::fs::read_dir(&path).expect("the scenarios folder is readable") {
            let name = format!(
                "{folder}{}",
                item.expect("an entry").file_name().to_string_lossy()
            );
            if name.ends_with(".json") && name != "library.json" && !listed.contains(name.as_str())
            {
                missing.push(name);
            }
        }
    }
    missing.sort();
    assert!(
        missing.is_empty(),
        "scenario files missing from scenarios/library.json: {missing:?}"
    );
}

#[test]
fn every_entry_reaches_its_claimed_outcome() {
    let mut failures = Vec::new();
    for entry in &library().scenarios {
        let ran = run(entry);
        let expect = &entry.expect;
        let chosen = ran.chosen.clone();
        if chosen != expect.chosen {
            failures.push(format!(
                "{}: chosen {chosen:?}, expected {:?}",
                entry.id, expect.chosen
            ));
        }
        let kinds = &ran.violations;
        let expected: BTreeSet<&str> = expect.violations.iter().map(String::as_str).collect();
        if *kinds != expected {
            failures.push(format!(
                "{}: violations {kinds:?}, expected {expected:?}",
                entry.id
            ));
        }
        if let Some(stage) = &expect.stage {
            if ran.headline != *stage {
                failures.push(format!(
                    "{}: the drawing says {:?}, expected {stage:?}",
                    entry.id, ran.headline
                ));
            }
        }
        if let Some(learned) = &expect.learned {
            let decided = &ran.decided;
            for (learner, value) in learned {
                match decided.get(learner) {
                    None => failures.push(format!(
                        "{}: expects learner {learner}, but the cluster has {:?}",
                        entry.id,
                        decided.keys().collect::<Vec<_>>()
                    )),
                    Some(actual) if actual != value => failures.push(format!(
                        "{}: {learner} learned {actual:?}, expected {value:?}",
                        entry.id
                    )),
                    Some(_) => {}
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn tours_pause_in_order_inside_the_run_right_after_something_happened() {
    for entry in &library().scenarios {
        let ran = run(entry);
        let until = ran.until_ticks;
        assert!(
            until <= UNTIL_TICKS_MAX,
            "{}: until_ticks {until} is more than {UNTIL_TICKS_MAX}; keep tours short",
            entry.id
        );
        assert!(
            TOUR_STEPS.contains(&entry.tour.len()),
            "{}: {} tour steps, expected {TOUR_STEPS:?}",
            entry.id,
            entry.tour.len()
        );
        let ticks = &ran.ticks;
        let mut previous = None;
        for (i, step) in entry.tour.iter().enumerate() {
            assert!(
                !step.text.trim().is_empty(),
                "{}: step {} has no text",
                entry.id,
                i + 1
            );
            if let Some(previous) = previous {
                assert!(
                    step.at > previous,
                    "{}: step {} at tick {} does not come after tick {previous}",
                    entry.id,
                    i + 1,
                    step.at
                );
            }
            assert!(
                step.at <= until,
                "{}: step {} at tick {} is after the run's end, {until}",
                entry.id,
                i + 1,
                step.at
            );
            // The page pauses with every event before `at` done, so a step explains what happened
            // at `at - 1`; a step with nothing there means the scenario's run has drifted.
            assert!(
                step.at == 0 || ticks.contains(&(step.at - 1)),
                "{}: step {} pauses at tick {}, but nothing happened at tick {}",
                entry.id,
                i + 1,
                step.at,
                step.at - 1
            );
            previous = Some(step.at);
        }
    }
}

/// An entry's `panel` names a tab of the page, and its `montecarlo` estimate names the Quorums
/// tab's fields and runs: each size it lists resizes the entry's scenario.
#[test]
fn entries_open_tabs_that_exist_and_estimates_that_run() {
    use paxoscope::montecarlo::{Estimator, Failure, Spec};
    let page = std::fs::read_to_string(scenarios_folder().join("../index.html"))
        .expect("index.html is readable");
    for entry in &library().scenarios {
        if let Some(panel) = &entry.panel {
            assert!(
                page.contains(&format!("id=\"tab-{panel}\"")),
                "{}: the page has no tab {panel}",
                entry.id
            );
        }
        let Some(fields) = &entry.montecarlo else {
            continue;
        };
        let known = ["runs", "p", "failure", "sizes"];
        for name in fields.keys() {
            assert!(
                known.contains(&name.as_str()),
                "{}: unknown field {name}",
                entry.id
            );
        }
        let scenario = Scenario::from_json(
            &std::fs::read_to_string(scenarios_folder().join(&entry.file)).unwrap(),
        )
        .unwrap();
        let failure = fields["failure"].as_str().and_then(Failure::from_name);
        let spec = Spec {
            runs: fields["runs"].as_u64().expect("runs is a whole number"),
            p: fields["p"].as_f64().expect("p is a number"),
            failure: failure.expect("failure is start or uniform"),
        };
        spec.check().unwrap_or_else(|e| panic!("{}: {e}", entry.id));
        let sizes = fields["sizes"].as_str().expect("sizes is text");
        for size in sizes.split_whitespace() {
            let size: usize = size.parse().expect("sizes are whole numbers");
            let resized = Estimator::resized(&scenario, size)
                .unwrap_or_else(|e| panic!("{}: size {size}: {e}", entry.id));
            let mut estimator = Estimator::for_scenario(&resized, Spec { runs: 50, ..spec })
                .expect("a valid scenario");
            estimator.run(50);
            assert_eq!(estimator.estimate(4).runs, 50);
        }
    }
}

/// Every history entry's file is a history whose verdict, and whose operation that cannot be
/// placed, are the ones its tour explains; its tour marks operations that exist, and every
/// file in `scenarios/histories/` is listed.
#[test]
fn history_entries_get_their_verdicts_and_mark_real_operations() {
    use paxoscope::check::history::History;
    use paxoscope::check::linearizability::{check, Verdict, STEPS_MAX_DEFAULT};
    let library = library();
    assert!(!library.histories.is_empty(), "the library has no history");
    let mut listed = BTreeSet::new();
    for entry in &library.histories {
        assert!(
            listed.insert(entry.file.clone()),
            "duplicate file {}",
            entry.file
        );
        assert!(!entry.title.trim().is_empty() && !entry.summary.trim().is_empty());
        assert!(
            !library.scenarios.iter().any(|s| s.id == entry.id),
            "{}: an id a scenario has",
            entry.id
        );
        let path = scenarios_folder().join(&entry.file);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: cannot read {}: {e}", entry.id, path.display()));
        let history = History::from_json(&text).unwrap_or_else(|e| panic!("{}: {e}", entry.id));
        assert_eq!(
            history.expected,
            Some(entry.expect.linearizable),
            "{}: the file's expected",
            entry.id
        );
        let report = check(&history, STEPS_MAX_DEFAULT);
        match (&report.verdict, entry.expect.linearizable) {
            (Verdict::Linearizable { .. }, true) => assert_eq!(entry.expect.failing, None),
            (Verdict::NotLinearizable(violation), false) => {
                assert_eq!(
                    Some(violation.op),
                    entry.expect.failing,
                    "{}: the failing op",
                    entry.id
                )
            }
            (verdict, _) => panic!("{}: the checker says {verdict:?}", entry.id),
        }
        assert!(
            TOUR_STEPS.contains(&entry.tour.len()),
            "{}: tour length",
            entry.id
        );
        for step in &entry.tour {
            assert!(!step.text.trim().is_empty(), "{}: an empty step", entry.id);
            for &op in &step.ops {
                assert!(
                    op < history.ops.len(),
                    "{}: a step marks op {op}, which is not there",
                    entry.id
                );
            }
        }
    }
    for item in
        std::fs::read_dir(scenarios_folder().join("histories")).expect("scenarios/histories/")
    {
        let name = format!("histories/{}", item.unwrap().file_name().to_string_lossy());
        assert!(listed.contains(&name), "{name} is in no library entry");
    }
}

/// Tours and notes are for students: they say things in words, not in the code's identifiers
/// (`accepted_below_promise`), except inside `code`, where they quote the article's program.
#[test]
fn tours_and_notes_use_words_not_identifiers() {
    let library = library();
    let mut texts: Vec<(&str, &str)> = Vec::new();
    for entry in &library.scenarios {
        texts.extend(
            entry
                .tour
                .iter()
                .map(|step| (entry.id.as_str(), step.text.as_str())),
        );
    }
    for entry in &library.histories {
        texts.extend(
            entry
                .tour
                .iter()
                .map(|step| (entry.id.as_str(), step.text.as_str())),
        );
    }
    assert!(!library.notes.is_empty(), "the library has no note");
    for note in &library.notes {
        assert!(
            !note.title.trim().is_empty() && note.text.len() > 200,
            "{}: a note says something",
            note.id
        );
        texts.push((note.id.as_str(), note.text.as_str()));
    }
    for (id, text) in texts {
        // What is outside backticks: every other piece of the text split at them.
        for prose in text.split('`').step_by(2) {
            let identifier = prose
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .find(|word| word.contains('_') && word.chars().any(|c| c.is_ascii_lowercase()));
            assert!(identifier.is_none(), "{id}: {identifier:?} in {text:?}");
        }
    }
}
