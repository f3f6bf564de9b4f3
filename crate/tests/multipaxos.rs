//! Multi-Paxos (`"protocol": "multipaxos"`): its library scenarios as transcript tests, its
//! bugs found by swarm and by the exhaustive search, its packed states, the histories it
//! records, and its bad input.

use paxoscope::check::{check, History, Verdict};
use paxoscope::explore::{explore, Bounds};
use paxoscope::protocols::multipaxos::swarm::{known_bugs, run_seed, scenario_for_seed};
use paxoscope::protocols::multipaxos::{Compiled, Note, Scenario, Simulation};
use paxoscope::scenario::{protocol_of, SchedulerKind};
use paxoscope::sim::action::Action;
use paxoscope::sim::event::EventKind;
use std::fmt::Write;
use std::path::PathBuf;

fn folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scenarios/multipaxos")
}

fn run(scenario: &Scenario) -> Simulation {
    let mut sim = Simulation::new(&scenario.compile().expect("a valid scenario"));
    sim.run();
    sim
}

/// The transcript: the intent as a `#` header, one line per event, then the outcome.
fn transcript(story: &str, sim: &Simulation) -> String {
    let mut text = String::new();
    let intent = story.trim().split("\n\n").next().expect("an intent");
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
    writeln!(
        text,
        "slots chosen: {}; leader at the end: {}",
        outcome.chosen_slots,
        outcome.leader.as_deref().unwrap_or("none")
    )
    .unwrap();
    writeln!(
        text,
        "operations: {} called, {} returned, {} unknown",
        outcome.ops, outcome.returned, outcome.unknown
    )
    .unwrap();
    let kinds: Vec<&str> = outcome.violations.iter().map(|v| v.kind).collect();
    if kinds.is_empty() {
        writeln!(text, "violations: none").unwrap();
    } else {
        writeln!(text, "violations: {}", kinds.join(", ")).unwrap();
    }
    writeln!(text, "events: {}", outcome.events).unwrap();
    writeln!(text, "trace_hash: {}", outcome.trace_hash).unwrap();
    text
}

/// Runs `scenarios/multipaxos/NAME.json` and compares its transcript with
/// `tests/transcripts/multipaxos/NAME.txt` (`UPDATE_TRANSCRIPTS=1` writes it).
fn library(name: &str) -> (Scenario, Simulation) {
    let json = std::fs::read_to_string(folder().join(format!("{name}.json")))
        .unwrap_or_else(|e| panic!("cannot read scenarios/multipaxos/{name}.json: {e}"));
    let story = std::fs::read_to_string(folder().join(format!("{name}.md")))
        .unwrap_or_else(|e| panic!("every scenario needs scenarios/multipaxos/{name}.md: {e}"));
    assert_eq!(protocol_of(&json), "multipaxos");
    let scenario = Scenario::from_json(&json).unwrap_or_else(|e| panic!("{name}.json: {e}"));
    let sim = run(&scenario);
    let actual = transcript(&story, &sim);
    let golden = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/transcripts/multipaxos")
        .join(format!("{name}.txt"));
    if std::env::var_os("UPDATE_TRANSCRIPTS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
        std::fs::write(&golden, &actual).expect("cannot write the golden transcript");
    } else {
        let expected = std::fs::read_to_string(&golden).unwrap_or_else(|_| {
            panic!(
                "no golden transcript {}; run with UPDATE_TRANSCRIPTS=1 to write it, then read it",
                golden.display()
            )
        });
        assert!(
            expected == actual,
            "transcript of {name} differs from {}; whole actual transcript:\n{actual}\n\
             If the change is intended, rerun with UPDATE_TRANSCRIPTS=1 and read the diff.",
            golden.display()
        );
    }
    (scenario, sim)
}

fn notes(sim: &Simulation) -> Vec<Note> {
    sim.log()
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Protocol(note) => Some(note),
            _ => None,
        })
        .collect()
}

fn replies(sim: &Simulation) -> Vec<String> {
    let names = &sim.config().names_kv;
    sim.checker()
        .recorder
        .ops
        .iter()
        .filter_map(|op| op.returned.map(|(_, reply)| names.reply_text(&reply)))
        .collect()
}

/// Messages sent, by the name of their kind.
fn sent(sim: &Simulation, kind: &str) -> usize {
    let config = sim.config();
    sim.log()
        .iter()
        .filter(|e| match e.kind {
            EventKind::Send { msg, .. } => {
                use paxoscope::protocols::Describe;
                paxoscope::protocols::multipaxos::MultiPaxos::describe_message(config, &msg)
                    .starts_with(kind)
            }
            _ => false,
        })
        .count()
}

#[test]
fn in_steady_state_each_command_is_one_round_trip_from_the_leader() {
    let (_, sim) = library("steady-state");
    assert!(sim.violations().is_empty());
    let outcome = sim.outcome();
    assert_eq!((outcome.ops, outcome.returned), (6, 6));
    assert_eq!(outcome.chosen_slots, 6);
    // Phase 1 once, at the start, to the two other servers; then only phase 2.
    assert_eq!(sent(&sim, "Prepare"), 2);
    assert_eq!(
        sent(&sim, "Accept("),
        6 * 2,
        "one Accept per command per follower"
    );
    assert_eq!(sent(&sim, "Accepted"), 6 * 2);
    assert_eq!(sent(&sim, "Commit"), 6 * 2);
    // Every server applied the six slots in order.
    let applied = notes(&sim)
        .iter()
        .filter(|n| matches!(n, Note::Applied { .. }))
        .count();
    assert_eq!(applied, 3 * 6);
}

#[test]
fn a_new_leader_recovers_the_in_flight_slot_and_runs_the_resent_command_once() {
    let (_, sim) = library("leader-crash");
    assert!(sim.violations().is_empty(), "{:?}", sim.violations());
    let notes = notes(&sim);
    assert!(notes
        .iter()
        .any(|n| matches!(n, Note::Leading { recovered, .. } if *recovered >= 1)));
    assert!(
        notes.iter().any(|n| matches!(
            n,
            Note::Applied {
                executed: false,
                cmd,
                ..
            } if !cmd.is_noop()
        )),
        "the resent put is applied as done already"
    );
    assert_eq!(replies(&sim), ["ok", "\"1\""]);
}

#[test]
fn a_new_leader_fills_a_gap_with_a_no_op() {
    let (_, sim) = library("gap-filled-with-noop");
    assert!(sim.violations().is_empty(), "{:?}", sim.violations());
    assert!(notes(&sim).iter().any(|n| matches!(
        n,
        Note::Proposed { slot: 0, cmd, .. } if cmd.is_noop()
    )));
    // c2's append survived in slot 2, and c1's resent put went into a later slot.
    assert_eq!(sim.outcome().returned, 2);
}

#[test]
fn duelling_candidates_settle_and_stay_safe() {
    let (_, sim) = library("duelling-leaders");
    assert!(sim.violations().is_empty(), "{:?}", sim.violations());
    let campaigns = notes(&sim)
        .iter()
        .filter(|n| matches!(n, Note::Campaign { .. }))
        .count();
    assert!(campaigns >= 6, "{campaigns} campaigns");
    assert_eq!(replies(&sim), ["ok", "\"a\""]);
}

/// Each break-switch lesson breaks the property it names, and the same run without the switch
/// breaks nothing.
#[test]
fn each_break_switch_lesson_breaks_what_it_says() {
    for (name, kind, reads) in [
        ("no-client-dedup", "linearizability", None),
        (
            "stale-read-deposed-leader",
            "linearizability",
            Some("lease"),
        ),
        ("leader-skips-recovery", "agreement", None),
    ] {
        let (scenario, sim) = library(name);
        assert_eq!(sim.violations()[0].kind, kind, "{name}");
        let mut fixed = scenario.clone();
        fixed.section.bugs.clear();
        assert_eq!(fixed.section.reads.as_deref(), reads);
        let repaired = run(&fixed);
        assert!(
            repaired.violations().is_empty(),
            "{name} without its switch: {:?}",
            repaired.violations()
        );
    }
}

#[test]
fn swarm_finds_no_violation_and_finds_every_switch() {
    for seed in 0..300 {
        let sim = run_seed(seed, None, false);
        assert!(
            sim.violations().is_empty(),
            "seed {seed}: {:?}",
            sim.violations()
        );
    }
    for bug in known_bugs() {
        let found =
            (0..2000).find(|&seed| !run_seed(seed, Some(bug), false).violations().is_empty());
        assert!(found.is_some(), "{bug}: no violation in 2000 seeds");
    }
    // A drawn scenario is ordinary scenario JSON: written and read back, it runs the same.
    let scenario = scenario_for_seed(17, Some("no_client_dedup"));
    let again = Scenario::from_json(&scenario.to_json()).unwrap();
    assert_eq!(
        run(&again).trace_hash(),
        run_seed(17, Some("no_client_dedup"), true).trace_hash()
    );
}

fn hand(servers: usize, clients: usize, extra: &str, requests: &[&str]) -> Scenario {
    let schedule: Vec<String> = requests
        .iter()
        .enumerate()
        .map(|(i, r)| format!(r#"{{"at": {i}, "request": {r}}}"#))
        .collect();
    let text = format!(
        r#"{{"version": 1, "protocol": "multipaxos", "seed": 1,
            "cluster": {{"servers": {servers}, "clients": {clients}}}{extra},
            "schedule": [{}]}}"#,
        schedule.join(", ")
    );
    Scenario::from_json(&text).unwrap()
}

const NO_FAULTS: Bounds = Bounds {
    max_crashes: 0,
    max_drops: 0,
    max_duplicates: 0,
    max_rounds: 1,
    max_states: 3_000_000,
    gravest_only: false,
};

/// The search finds the switches that break the log or its application in small clusters,
/// and each counterexample replays as a scenario to the same violation.
#[test]
fn the_search_finds_each_bug_and_its_counterexample_replays() {
    let append = r#"{"client": "c1", "op": "append", "key": "x", "value": "a"}"#;
    let get = r#"{"client": "c1", "op": "get", "key": "x"}"#;
    let put2 = r#"{"client": "c2", "op": "put", "key": "x", "value": "b"}"#;
    let cases = [
        (
            // One server: c1's resend, while its first copy is in flight, is a second command.
            hand(1, 1, r#", "bugs": ["no_client_dedup"]"#, &[append, get]),
            "linearizability",
        ),
        (
            hand(3, 2, r#", "bugs": ["apply_out_of_order"]"#, &[append, put2]),
            "apply_order",
        ),
        (
            hand(
                3,
                2,
                r#", "bugs": ["leader_skips_recovery"]"#,
                &[append, put2],
            ),
            "agreement",
        ),
    ];
    for (scenario, kind) in cases {
        let compiled = scenario.compile().unwrap();
        let report = explore(&scenario, &compiled, NO_FAULTS);
        assert_eq!(
            report.violations.len(),
            1,
            "{kind}: {} states",
            report.states
        );
        assert_eq!(report.violations[0].kind, kind);
        let counterexample = report.counterexample.expect("a counterexample");
        assert_eq!(counterexample.scheduler, SchedulerKind::Script);
        let again = Scenario::from_json(&counterexample.to_json()).unwrap();
        let replay = run(&again);
        assert_eq!(
            replay.violations()[0].explanation,
            report.violations[0].explanation,
            "{kind}"
        );
    }
    // Without the switches the same small runs are safe in every interleaving the search
    // reaches.
    let correct = hand(1, 1, "", &[append, get]);
    let report = explore(&correct, &correct.compile().unwrap(), NO_FAULTS);
    assert!(
        report.complete && report.violations.is_empty(),
        "{} states",
        report.states
    );
}

/// States packed for the search's queue unpack exactly, along a walk through every kind of step.
#[test]
fn packed_states_are_exact() {
    let append = r#"{"client": "c1", "op": "append", "key": "x", "value": "a"}"#;
    let cas = r#"{"client": "c2", "op": "cas", "key": "x", "from": "a", "value": "b"}"#;
    let get = r#"{"client": "c1", "op": "get", "key": "x"}"#;
    let scenario = hand(3, 2, r#", "reads": "lease""#, &[append, cas, get]);
    let compiled = scenario.compile().unwrap();
    let start = Compiled {
        scheduler: SchedulerKind::Script,
        schedule: Vec::new(),
        until_ticks: u64::MAX,
        ..compiled.clone()
    };
    let mut sim = Simulation::new(&start).for_exploring();
    let mut target = sim.clone();
    for (_, action) in &compiled.schedule {
        sim.apply(action);
    }
    let nodes = sim.nodes().len() as u8;
    let mut words = Vec::new();
    let mut x = 7u64;
    for step in 0..600 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let pick = (x >> 33) as usize;
        let node = (pick % nodes as usize) as u8;
        let message =
            (!sim.inflight().is_empty()).then(|| sim.inflight()[pick % sim.inflight().len()].id);
        let action = match (pick / 7 % 20, message) {
            (0, _) => Action::Crash(node),
            (1, _) => Action::Restart(node),
            (2, Some(id)) => Action::Duplicate(id),
            (3..=5, _) if sim.timers()[node as usize].is_some() => Action::Timeout(node),
            (_, Some(id)) => Action::Deliver(id),
            (_, None) => Action::Restart(node),
        };
        sim.apply(&action);
        words.clear();
        sim.pack(&mut words);
        target.unpack(&words);
        // A violation is not packed (the search stops at one), so compare without it.
        let printed = |s: &Simulation| {
            let text = format!("{s:?}");
            text[..text.find("violations:").unwrap_or(text.len())].to_string()
        };
        assert_eq!(printed(&target), printed(&sim), "step {step}: {action:?}");
    }
}

#[test]
fn written_histories_read_back_with_the_runs_verdict() {
    for (name, linearizable) in [("steady-state", true), ("no-client-dedup", false)] {
        let (_, sim) = library(name);
        let history = sim.history();
        assert_eq!(history.expected, Some(linearizable), "{name}");
        let again = History::from_json(&history.to_json()).unwrap();
        let verdict = check(&again, paxoscope::check::STEPS_MAX_DEFAULT).verdict;
        assert_eq!(
            matches!(verdict, Verdict::Linearizable { .. }),
            linearizable,
            "{name}"
        );
    }
}

#[test]
fn bad_scenarios_name_their_field() {
    let error = |body: &str| {
        let text = format!(
            r#"{{"version": 1, "protocol": "multipaxos", "cluster": {{"servers": 3, "clients": 1}}{body}}}"#
        );
        Scenario::from_json(&text)
            .and_then(|s| s.compile())
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        error(r#", "reads": "fast""#),
        "reads: unknown reads \"fast\"; known ones are log, lease"
    );
    assert!(error(r#", "bugs": ["forgetful"]"#)
        .starts_with("bugs[0]: unknown bug \"forgetful\"; known bugs are leader_skips_recovery"));
    assert_eq!(
        error(
            r#", "reads": "lease", "timeouts": {"heartbeat_ticks": 50, "election_ticks_min": 100}"#
        ),
        "timeouts.election_ticks_min: 100 is too short for leases: a follower must wait more \
         than two heartbeats (100 ticks) before it may help elect another leader"
    );
    assert_eq!(
        error(r#", "schedule": [{"at": 1, "request": {"client": "s1", "op": "get", "key": "x"}}]"#),
        "schedule[0].request.client: s1 is a server; requests come from clients"
    );
    assert_eq!(
        error(r#", "workload": {"ops_per_client": 2, "mix": {"get": 0, "put": 0, "cas": 0}}"#),
        "workload.mix: gives every kind of operation weight 0"
    );
    let text = r#"{"version": 1, "protocol": "multipaxos", "cluster": {"servers": 0}}"#;
    assert_eq!(
        Scenario::from_json(text)
            .and_then(|s| s.compile())
            .unwrap_err()
            .to_string(),
        "cluster.servers: must be at least 1"
    );
    // A quorum store has no append; Multi-Paxos has, by hand and in a workload.
    let kv = r#"{"version": 1, "protocol": "quorum-kv", "cluster": {"replicas": 3, "clients": 1},
        "schedule": [{"at": 1, "request": {"client": "c1", "op": "append", "key": "x", "value": "a"}}]}"#;
    let refused = paxoscope::protocols::quorum_kv::Scenario::from_json(kv)
        .and_then(|s| s.compile())
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("known ones are get, put, cas"),
        "{refused}"
    );
}

#[test]
fn the_same_seed_gives_the_same_run() {
    let scenario = scenario_for_seed(5, None);
    assert_eq!(run(&scenario).trace_hash(), run(&scenario).trace_hash());
    let again = Scenario::from_json(&scenario.to_json()).unwrap();
    assert_eq!(run(&again).trace_hash(), run(&scenario).trace_hash());
}

/// A person's request may name a key the run did not start with: the servers' stores grow to
/// hold it, as when the page's Append button names a new key.
#[test]
fn a_request_added_later_may_name_a_new_key() {
    use paxoscope::play::Playground;
    use paxoscope::protocols::multipaxos::MultiPaxos;
    let text = std::fs::read_to_string(folder().join("steady-state.json")).unwrap();
    let mut playground = Playground::<MultiPaxos>::new(&text).unwrap();
    playground
        .intervene(r#"{"request": {"client": "c1", "op": "append", "key": "y", "value": "z"}}"#)
        .unwrap();
    playground
        .intervene(r#"{"request": {"client": "c2", "op": "get", "key": "w"}}"#)
        .unwrap();
    playground.seek(600);
    let view = playground.view();
    assert!(view.violations.is_empty(), "{:?}", view.violations);
    assert_eq!(
        view.summary.headline,
        "8 slots chosen · 8 of 8 operations returned"
    );
    assert!(
        view.nodes[1].badge.contains("y=“z”"),
        "{}",
        view.nodes[1].badge
    );
}
