//! Transcript tests: each scenario in the repository's `scenarios/` folder runs to its end under
//! the timed scheduler, and its whole run is written out as sentences, one event per line, and
//! compared with a golden file in `tests/transcripts/`.
//!
//! The golden is the test's real value: a person has read it and checked that the run shows
//! what the scenario's `.md` says it shows. Each test also asserts the claimed outcome directly,
//! so that a regenerated golden cannot quietly accept a different ending. To regenerate after a
//! deliberate change, run `UPDATE_TRANSCRIPTS=1 cargo test -p paxoscope --test transcripts` and
//! read the diff before committing it.

use paxoscope::protocols::paxos::check::ViolationKind;
use paxoscope::protocols::paxos::Scenario;
use paxoscope::protocols::paxos::{EventKind, Note};
use paxoscope::scenario::QuorumSpec;
use paxoscope::Simulation;
use std::fmt::Write;
use std::path::PathBuf;

/// A finished run and the scenario it came from.
struct Run {
    scenario: Scenario,
    sim: Simulation,
}

impl Run {
    fn chosen(&self) -> Option<&str> {
        self.sim.chosen()
    }

    /// Each learner's learned value at the end, as `("l1", Some("A"))`.
    fn decided(&self) -> Vec<(String, Option<String>)> {
        self.sim.outcome().decided
    }

    fn violation_kinds(&self) -> Vec<&'static str> {
        kinds(&self.sim)
    }

    /// The protocol notes of the run, with the tick of each.
    fn notes(&self) -> impl Iterator<Item = (u64, Note)> + '_ {
        self.sim.log().iter().filter_map(|e| match e.kind {
            EventKind::Protocol(note) => Some((e.tick, note)),
            _ => None,
        })
    }

    /// The ticks at which a value became chosen, with the value's name.
    fn chosen_events(&self) -> Vec<(u64, String)> {
        let config = self.sim.config();
        self.sim
            .log()
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::Derived(chosen) => {
                    Some((e.tick, config.value_name(chosen.value).to_string()))
                }
                _ => None,
            })
            .collect()
    }

    fn value(&self, name: &str) -> u8 {
        let values = &self.sim.config().values;
        values
            .iter()
            .position(|v| v == name)
            .expect("a proposed value") as u8
    }
}

fn kinds(sim: &Simulation) -> Vec<&'static str> {
    sim.violations().iter().map(|v| v.kind).collect()
}

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the crate lives one folder below the repository root")
        .to_path_buf()
}

/// Runs `scenarios/NAME.json` and compares its transcript with `tests/transcripts/NAME.txt`.
fn check(name: &str) -> Run {
    let scenarios = repository().join("scenarios");
    let json = std::fs::read_to_string(scenarios.join(format!("{name}.json")))
        .unwrap_or_else(|e| panic!("cannot read scenarios/{name}.json: {e}"));
    let story = std::fs::read_to_string(scenarios.join(format!("{name}.md")))
        .unwrap_or_else(|e| panic!("every scenario needs scenarios/{name}.md: {e}"));
    let scenario = Scenario::from_json(&json).unwrap_or_else(|e| panic!("{name}.json: {e}"));
    let compiled = scenario
        .compile()
        .unwrap_or_else(|e| panic!("{name}.json: {e}"));
    let mut sim = Simulation::new(&compiled);
    sim.run();
    let actual = transcript(&story, &sim);

    let golden = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/transcripts")
        .join(format!("{name}.txt"));
    if std::env::var_os("UPDATE_TRANSCRIPTS").is_some_and(|v| v == "1") {
        std::fs::write(&golden, &actual).expect("cannot write the golden transcript");
    } else {
        let expected = std::fs::read_to_string(&golden).unwrap_or_else(|_| {
            panic!(
                "no golden transcript {}; run with UPDATE_TRANSCRIPTS=1 to write it, then read it",
                golden.display()
            )
        });
        if expected != actual {
            let line = expected
                .lines()
                .zip(actual.lines())
                .position(|(e, a)| e != a)
                .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
            panic!(
                "transcript of {name} differs from {} at line {}:\n  expected: {:?}\n  actual:   {:?}\n\
                 whole actual transcript:\n{actual}\n\
                 If the change is intended, rerun with UPDATE_TRANSCRIPTS=1 and read the diff.",
                golden.display(),
                line + 1,
                expected.lines().nth(line).unwrap_or("<end>"),
                actual.lines().nth(line).unwrap_or("<end>"),
            );
        }
    }
    Run { scenario, sim }
}

/// The transcript: the intent as a `#` header, one line per event, then the outcome.
fn transcript(story: &str, sim: &Simulation) -> String {
    let mut text = String::new();
    let intent = story
        .trim()
        .split("\n\n")
        .next()
        .expect("split yields at least one part");
    for line in intent.lines() {
        writeln!(text, "# {}", line.trim()).unwrap();
    }
    text.push('\n');
    for event in sim.log() {
        let sentence = event.explain(sim.config(), sim.violations());
        writeln!(text, "t={:<4}  {sentence}", event.tick).unwrap();
    }
    let outcome = sim.outcome();
    text.push('\n');
    // Every ballot in which a value became chosen, not only the first: a broken protocol
    // chooses two values, and a correct one may choose the same value again in a later ballot.
    let config = sim.config();
    let chosen: Vec<String> = sim
        .log()
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Derived(chosen) => Some(format!(
                "{:?} in {}",
                config.value_name(chosen.value),
                config.ballot(chosen.ballot)
            )),
            _ => None,
        })
        .collect();
    if chosen.is_empty() {
        writeln!(text, "chosen: nothing").unwrap();
    } else {
        writeln!(text, "chosen: {}", chosen.join(", ")).unwrap();
    }
    let decided: Vec<String> = outcome
        .decided
        .iter()
        .map(|(learner, value)| match value {
            Some(value) => format!("{learner}={value:?}"),
            None => format!("{learner}=nothing"),
        })
        .collect();
    writeln!(text, "decided: {}", decided.join(" ")).unwrap();
    let violations: Vec<&str> = outcome.violations.iter().map(|v| v.kind).collect();
    if violations.is_empty() {
        writeln!(text, "violations: none").unwrap();
    } else {
        writeln!(text, "violations: {}", violations.join(", ")).unwrap();
    }
    writeln!(text, "events: {}", outcome.events).unwrap();
    writeln!(text, "trace_hash: {}", outcome.trace_hash).unwrap();
    text
}

/// The same scenario with Paxos repaired: no bug switches and majority quorums.
fn corrected(scenario: &Scenario) -> Simulation {
    let mut repaired = scenario.clone();
    repaired.section.bugs = Vec::new();
    repaired.section.quorum = QuorumSpec::Majority;
    let mut sim = Simulation::new(&repaired.compile().expect("the repaired scenario compiles"));
    sim.run();
    sim
}

fn some(value: &str) -> Option<String> {
    Some(value.to_string())
}

#[test]
fn happy_path() {
    let run = check("happy-path");
    assert_eq!(run.chosen(), Some("A"));
    assert_eq!(run.decided(), vec![("l1".to_string(), some("A"))]);
    assert!(run.violation_kinds().is_empty());
    // One ballot, no retries: the two round trips of Paxos and nothing more.
    let prepared = run
        .notes()
        .filter(|(_, n)| matches!(n, Note::Prepared { .. }))
        .count();
    assert_eq!(prepared, 1);
}

#[test]
fn duelling_proposers() {
    let run = check("duelling-proposers");
    assert_eq!(run.chosen(), Some("B"));
    assert_eq!(run.decided(), vec![("l1".to_string(), some("B"))]);
    assert!(run.violation_kinds().is_empty());
    let first_chosen = run.chosen_events()[0].0;
    // Each proposer has a ballot refused because of the other's before anything is chosen:
    // that is the duel. Both give up a ballot on a Nack, and the ballots reach round 4.
    let config = run.sim.config();
    for proposer in ["p1", "p2"] {
        let id = config.lookup(proposer).unwrap();
        let refused = run.notes().any(|(tick, n)| {
            matches!(n, Note::Refused { ballot, promised, .. }
                if ballot.proposer == id && promised.proposer != id && tick < first_chosen)
        });
        assert!(
            refused,
            "{proposer} never had a ballot refused for the other's"
        );
        let abandoned = run
            .notes()
            .any(|(_, n)| matches!(n, Note::Abandoned { proposer, .. } if proposer == id));
        assert!(abandoned, "{proposer} never gave up a ballot on a Nack");
    }
    let highest_round_before_choice = run
        .notes()
        .filter(|(tick, _)| *tick < first_chosen)
        .filter_map(|(_, n)| match n {
            Note::Prepared { ballot, .. } => Some(ballot.round),
            _ => None,
        })
        .max();
    assert_eq!(highest_round_before_choice, Some(4));
    // Both proposers end up knowing the one chosen value.
    let done: Vec<u8> = run
        .notes()
        .filter_map(|(_, n)| match n {
            Note::SawChosen { value, .. } => Some(value),
            _ => None,
        })
        .collect();
    assert_eq!(done, vec![run.value("B"), run.value("B")]);
}

#[test]
fn adopt_accepted_value() {
    let run = check("adopt-accepted-value");
    assert_eq!(run.chosen(), Some("A"));
    assert_eq!(run.decided(), vec![("l1".to_string(), some("A"))]);
    assert!(run.violation_kinds().is_empty());
    // "A" was accepted by a1 alone in 1.p1, which is not a phase-2 quorum; it is chosen only
    // in p2's ballot, after p2 adopted it from a1's Promise.
    let chosen = run.chosen_events();
    assert_eq!(chosen.len(), 1);
    let p2 = run.sim.config().lookup("p2").unwrap();
    let adopted = run.notes().any(|(_, n)| {
        matches!(n, Note::Proposed { proposer, value, adopted_from: Some(from), .. }
            if proposer == p2 && value == run.value("A") && from.round == 1)
    });
    assert!(adopted, "p2 did not adopt \"A\" from a Promise");
}

#[test]
fn acceptor_crash_restart() {
    let run = check("acceptor-crash-restart");
    assert_eq!(run.chosen(), Some("A"));
    assert_eq!(run.decided(), vec![("l1".to_string(), some("A"))]);
    assert!(run.violation_kinds().is_empty());
    let a1 = run.sim.config().lookup("a1").unwrap();
    // After its restart a1 still reports what it accepted before the crash.
    let restart_tick = 100;
    let reported = run.notes().any(|(tick, n)| {
        matches!(n, Note::Promised { acceptor, accepted: Some((_, value)), .. }
            if acceptor == a1 && value == run.value("A") && tick > restart_tick)
    });
    assert!(reported, "a1 forgot its accepted value across the restart");
    assert!(run.chosen_events().iter().all(|(_, value)| value == "A"));
}

#[test]
fn minority_partition() {
    let run = check("minority-partition");
    assert_eq!(run.chosen(), Some("A"));
    let everyone = ["s1", "s2", "s3"].map(|s| (s.to_string(), some("A")));
    assert_eq!(run.decided(), everyone.to_vec());
    assert!(run.violation_kinds().is_empty());
    let heal_tick = run
        .sim
        .log()
        .iter()
        .find(|e| matches!(e.kind, EventKind::Heal))
        .expect("the partition heals")
        .tick;
    // Nothing is chosen, seen chosen or learned while s1 is in the minority, though it tries.
    assert!(run
        .chosen_events()
        .iter()
        .all(|(tick, _)| *tick > heal_tick));
    let before_heal: Vec<Note> = run
        .notes()
        .filter(|(tick, _)| *tick < heal_tick)
        .map(|(_, n)| n)
        .collect();
    assert!(!before_heal
        .iter()
        .any(|n| matches!(n, Note::SawChosen { .. } | Note::Learned { .. })));
    let ballots_before_heal = before_heal
        .iter()
        .filter(|n| matches!(n, Note::Prepared { .. }))
        .count();
    assert!(
        ballots_before_heal >= 2,
        "s1 retried only {ballots_before_heal} times"
    );
}

#[test]
fn lossy_network() {
    let run = check("lossy-network");
    assert_eq!(run.chosen(), Some("A"));
    assert_eq!(run.decided(), vec![("l1".to_string(), some("A"))]);
    assert!(run.violation_kinds().is_empty());
    let retries = run
        .notes()
        .filter(|(_, n)| matches!(n, Note::TimedOut { .. }))
        .count();
    assert_eq!(retries, 3);
    let lost = run
        .sim
        .log()
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::Lost {
                    reason: paxoscope::sim::event::LossReason::Network,
                    ..
                }
            )
        })
        .count();
    assert!(lost >= 5, "only {lost} messages were lost");
}

/// A bug scenario must break safety in the expected ways, and the same scenario with Paxos
/// repaired must not break it at all.
fn assert_bug(run: &Run, expected: &[ViolationKind]) {
    let expected: Vec<&str> = expected.iter().map(|kind| kind.name()).collect();
    assert_eq!(run.violation_kinds(), expected);
    let repaired = corrected(&run.scenario);
    assert_eq!(
        kinds(&repaired),
        Vec::<&str>::new(),
        "the repaired scenario still breaks safety"
    );
}

#[test]
fn bug_acceptor_forgets_on_restart() {
    let run = check("bug-acceptor-forgets-on-restart");
    assert_bug(
        &run,
        &[ViolationKind::PromiseDecreased, ViolationKind::Agreement],
    );
    let chosen: Vec<String> = run.chosen_events().into_iter().map(|(_, v)| v).collect();
    assert_eq!(chosen, ["A", "B"]);
    assert_eq!(run.decided(), vec![("l1".to_string(), some("B"))]);
    // The repaired run is exactly acceptor-crash-restart.
    let repaired = corrected(&run.scenario);
    let original = check("acceptor-crash-restart");
    assert_eq!(repaired.trace_hash(), original.sim.trace_hash());
}

#[test]
fn bug_proposer_ignores_promised_value() {
    let run = check("bug-proposer-ignores-promised-value");
    assert_bug(&run, &[ViolationKind::Agreement]);
    let chosen: Vec<String> = run.chosen_events().into_iter().map(|(_, v)| v).collect();
    assert_eq!(chosen, ["A", "B"]);
    assert_eq!(run.decided(), vec![("l1".to_string(), some("B"))]);
    let ignored = run.notes().any(|(_, n)| {
        matches!(
            n,
            Note::Proposed {
                ignored: Some(_),
                ..
            }
        )
    });
    assert!(ignored);
    assert_eq!(corrected(&run.scenario).chosen(), Some("A"));
}

#[test]
fn bug_acceptor_accepts_below_promise() {
    let run = check("bug-acceptor-accepts-below-promise");
    assert_bug(
        &run,
        &[
            ViolationKind::AcceptedBelowPromise,
            ViolationKind::Agreement,
        ],
    );
    let chosen: Vec<String> = run.chosen_events().into_iter().map(|(_, v)| v).collect();
    assert_eq!(chosen, ["A", "B"]);
    let repaired = corrected(&run.scenario);
    assert_eq!(repaired.chosen(), Some("B"));
}

#[test]
fn bug_learner_counts_duplicates() {
    let run = check("bug-learner-counts-duplicates");
    assert_bug(
        &run,
        &[ViolationKind::LearnedNotChosen, ViolationKind::Agreement],
    );
    assert_eq!(run.chosen(), Some("B"));
    assert_eq!(
        run.decided(),
        vec![("l1".to_string(), some("A")), ("l2".to_string(), some("B"))]
    );
    let repaired = corrected(&run.scenario);
    assert_eq!(repaired.chosen(), Some("B"));
}

#[test]
fn bug_unsafe_flexible_quorum() {
    let run = check("bug-unsafe-flexible-quorum");
    let QuorumSpec::Flexible { phase1, phase2 } = run.scenario.section.quorum else {
        panic!("the scenario must use a flexible quorum");
    };
    let acceptors = run.sim.config().acceptors.len();
    assert!(phase1 + phase2 <= acceptors, "this quorum system is safe");
    assert!(run.sim.config().quorum.check_intersection().is_err());
    assert_bug(&run, &[ViolationKind::Agreement]);
    let chosen: Vec<String> = run.chosen_events().into_iter().map(|(_, v)| v).collect();
    assert_eq!(chosen, ["A", "B"]);
    assert_eq!(corrected(&run.scenario).chosen(), Some("A"));
}

/// The article's "Quorum is a stricter variant of Paxos", tested: the same run under majority
/// quorums and under a flexible quorum system whose phases intersect. Both are Paxos, both are
/// safe, and they differ only in when "A" first becomes chosen.
#[test]
fn article_quorum_majority_and_flexible() {
    let majority = check("article-quorum-majority");
    let flexible = check("article-quorum-flexible");
    assert_eq!(majority.scenario.section.quorum, QuorumSpec::Majority);
    let QuorumSpec::Flexible { phase1, phase2 } = flexible.scenario.section.quorum else {
        panic!("article-quorum-flexible must use a flexible quorum");
    };
    let acceptors = flexible.sim.config().acceptors.len();
    assert!(
        phase1 + phase2 > acceptors,
        "the flexible system must be safe"
    );
    assert!(
        phase2 <= acceptors / 2,
        "its phase-2 quorums should not be majorities"
    );
    assert!(flexible.sim.config().quorum.check_intersection().is_ok());
    // Apart from the quorum system the two scenarios are the same.
    let mut flexible_as_majority = flexible.scenario.clone();
    flexible_as_majority.section.quorum = QuorumSpec::Majority;
    assert_eq!(flexible_as_majority, majority.scenario);
    for run in [&majority, &flexible] {
        assert_eq!(run.chosen(), Some("A"));
        assert_eq!(run.decided(), vec![("l1".to_string(), some("A"))]);
        assert!(run.violation_kinds().is_empty());
        assert!(run.chosen_events().iter().all(|(_, value)| value == "A"));
        // p2 adopted "A" from a Promise in both runs.
        let p2 = run.sim.config().lookup("p2").unwrap();
        assert!(run.notes().any(|(_, n)| matches!(n,
            Note::Proposed { proposer, value, adopted_from: Some(_), .. }
                if proposer == p2 && value == run.value("A"))));
    }
    // Two acceptors of four choose "A" in 1.p1 only under the flexible system.
    assert_eq!(majority.chosen_events().len(), 1);
    assert_eq!(flexible.chosen_events().len(), 2);
    assert!(flexible.chosen_events()[0].0 < majority.chosen_events()[0].0);
}

/// The article's Python example, reproduced with the two switches that do what its code does:
/// a promise broken, a reported value ignored, and two values chosen.
#[test]
fn article_python_example() {
    let run = check("article-python-example");
    assert_bug(
        &run,
        &[
            ViolationKind::AcceptedBelowPromise,
            ViolationKind::Agreement,
        ],
    );
    let chosen: Vec<String> = run.chosen_events().into_iter().map(|(_, v)| v).collect();
    assert_eq!(chosen, ["A", "B"]);
    assert_eq!(run.decided(), vec![("l1".to_string(), some("B"))]);
    let ignored = run.notes().any(|(_, n)| {
        matches!(
            n,
            Note::Proposed {
                ignored: Some(_),
                ..
            }
        )
    });
    assert!(ignored, "no proposer ignored a reported value");
    assert_eq!(corrected(&run.scenario).chosen(), Some("A"));
}
