//! The quorum-replicated store (`"protocol": "quorum-kv"`): its library scenarios as transcript
//! tests, its bugs found by the exhaustive search and by swarm, the histories it records, and
//! its bad input.

use paxoscope::check::{check, History, Verdict};
use paxoscope::explore::{explore, explore_with, Bounds, Reduction};
use paxoscope::protocols::quorum_kv::swarm::{known_bugs, run_seed, scenario_for_seed};
use paxoscope::protocols::quorum_kv::{Scenario, Simulation};
use paxoscope::scenario::{protocol_of, QuorumSpec, SchedulerKind};
use paxoscope::sim::action::Action;
use std::fmt::Write;
use std::path::PathBuf;

fn folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scenarios/quorum-kv")
}

fn run(scenario: &Scenario) -> Simulation {
    let mut sim = Simulation::new(&scenario.compile().expect("a valid scenario"));
    sim.run();
    sim
}

/// The transcript: the intent as a `#` header, one line per event, then the outcome and the
/// history's verdict.
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

/// Runs `scenarios/quorum-kv/NAME.json` and compares its transcript with
/// `tests/transcripts/quorum-kv/NAME.txt` (`UPDATE_TRANSCRIPTS=1` writes it).
fn library(name: &str) -> (Scenario, Simulation) {
    let json = std::fs::read_to_string(folder().join(format!("{name}.json")))
        .unwrap_or_else(|e| panic!("cannot read scenarios/quorum-kv/{name}.json: {e}"));
    let story = std::fs::read_to_string(folder().join(format!("{name}.md")))
        .unwrap_or_else(|e| panic!("every scenario needs scenarios/quorum-kv/{name}.md: {e}"));
    assert_eq!(protocol_of(&json), "quorum-kv");
    let scenario = Scenario::from_json(&json).unwrap_or_else(|e| panic!("{name}.json: {e}"));
    let sim = run(&scenario);
    let actual = transcript(&story, &sim);
    let golden = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/transcripts/quorum-kv")
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

fn explanations(sim: &Simulation) -> Vec<&str> {
    sim.violations()
        .iter()
        .map(|v| v.explanation.as_str())
        .collect()
}

/// The same scenario as ABD with majorities and no bug switches.
fn repaired(scenario: &Scenario) -> Simulation {
    let mut fixed = scenario.clone();
    fixed.section.bugs.clear();
    fixed.section.mode = None;
    fixed.section.quorum = QuorumSpec::Majority;
    run(&fixed)
}

#[test]
fn intersecting_quorums_read_the_last_write() {
    let (_, sim) = library("read-sees-last-write");
    assert!(sim.violations().is_empty());
    let history = sim.history();
    assert_eq!(history.expected, Some(true));
    let get = &history.ops[1];
    assert_eq!(format!("{:?}", get.output), "Some(Value(Text(\"1\")))");
}

#[test]
fn quorums_that_miss_each_other_read_stale() {
    let (scenario, sim) = library("stale-read");
    assert_eq!(
        explanations(&sim),
        ["c2's get(x) returned \"\" after c1's put(x, \"1\") had completed, and nothing wrote \"\" since"]
    );
    // With majorities the put cannot finish on its side of the partition: no stale read, and
    // the put's outcome is unknown.
    let fixed = repaired(&scenario);
    assert!(fixed.violations().is_empty());
    assert_eq!(fixed.outcome().unknown, 1);
}

#[test]
fn a_read_that_skips_its_write_back_sees_new_then_old() {
    let (scenario, sim) = library("new-old-inversion");
    assert_eq!(
        explanations(&sim),
        ["c2's get(x) returned \"\", but its earlier get(x) had already returned \"1\", and nothing wrote \"\" since"]
    );
    assert!(repaired(&scenario).violations().is_empty());
}

#[test]
fn two_compare_and_swaps_both_succeed() {
    let (_, sim) = library("cas-both-succeed");
    assert_eq!(sim.violations().len(), 1);
    assert!(sim.violations()[0].explanation.contains("succeeded"));
    // Not a bug switch: ABD with majorities does this, because nothing holds the key between
    // a cas's read and its write.
    let returns = sim
        .history()
        .ops
        .iter()
        .filter(|op| op.output.is_some())
        .count();
    assert_eq!(returns, 2);
}

#[test]
fn last_writer_wins_loses_a_later_write() {
    let (scenario, sim) = library("dynamo-lost-write");
    assert_eq!(
        explanations(&sim),
        ["c2's get(x) returned \"2\" after c1's put(x, \"1\") had completed, and nothing wrote \"2\" since"]
    );
    assert!(repaired(&scenario).violations().is_empty());
}

#[test]
fn a_drawn_workload_through_a_crash_stays_linearizable() {
    let (_, sim) = library("workload");
    assert!(sim.violations().is_empty());
    let outcome = sim.outcome();
    assert_eq!(outcome.ops, 12, "3 clients × 4 operations");
    assert_eq!(outcome.returned, 12);
}

/// The history a run writes reads back, and any checker given the file gets the verdict the
/// run got: its times keep the run's order of calls and returns.
#[test]
fn written_histories_read_back_with_the_runs_verdict() {
    for name in ["stale-read", "workload", "cas-both-succeed"] {
        let (_, sim) = library(name);
        let history = sim.history();
        let again = History::from_json(&history.to_json()).expect("reads back");
        assert_eq!(again.ops.len(), history.ops.len());
        let linearizable = matches!(
            check(&again, 1_000_000).verdict,
            Verdict::Linearizable { .. }
        );
        assert_eq!(Some(linearizable), history.expected, "{name}");
        assert_eq!(linearizable, sim.violations().is_empty(), "{name}");
    }
}

#[test]
fn the_same_seed_gives_the_same_run() {
    let (scenario, sim) = library("workload");
    assert_eq!(run(&scenario).trace_hash(), sim.trace_hash());
    let mut other = scenario.clone();
    other.seed += 1;
    assert_ne!(run(&other).trace_hash(), sim.trace_hash());
}

/// A scenario for the search: requests by hand, all at the start (each client runs its own in
/// order), no faults unless the bounds allow them.
fn hand(requests: &[Request], extra: &str) -> Scenario {
    by_hand(requests, extra, false)
}

/// A client, an operation, and for a cas what it expects, and a value to write.
type Request<'a> = (&'a str, &'a str, Option<&'a str>, Option<&'a str>);

/// [`hand`], with the requests at ticks 0, 1, 2… when `in_time`: the search then applies each
/// at any point after the one before.
fn by_hand(requests: &[Request], extra: &str, in_time: bool) -> Scenario {
    let mut schedule = Vec::new();
    for (i, (client, op, from, value)) in requests.iter().enumerate() {
        let mut request = format!(r#""client": "{client}", "op": "{op}", "key": "x""#);
        if let Some(from) = from {
            write!(request, r#", "from": "{from}""#).unwrap();
        }
        if let Some(value) = value {
            write!(request, r#", "value": "{value}""#).unwrap();
        }
        let at = if in_time { i } else { 0 };
        schedule.push(format!(r#"{{"at": {at}, "request": {{{request}}}}}"#));
    }
    let text = format!(
        r#"{{"version": 1, "protocol": "quorum-kv", "seed": 1,
            "cluster": {{"replicas": 3, "clients": 2}}{extra},
            "schedule": [{}]}}"#,
        schedule.join(", ")
    );
    Scenario::from_json(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

const NO_FAULTS: Bounds = Bounds {
    max_crashes: 0,
    max_drops: 0,
    max_duplicates: 0,
    max_rounds: 0,
    max_states: 3_000_000,
    gravest_only: false,
};

/// The search finds each way to break the store, and its counterexample replays as a scenario.
#[test]
fn the_search_finds_each_bug_and_its_counterexample_replays() {
    let put = |c, v| (c, "put", None, Some(v));
    let get = |c| (c, "get", None, None);
    let cases = [
        (
            "R + W ≤ N",
            hand(
                &[put("c2", "1"), get("c2")],
                r#", "quorum": {"kind": "threshold", "read": 1, "write": 1}"#,
            ),
        ),
        (
            "read_skips_write_back",
            hand(
                &[put("c2", "1"), get("c1"), get("c1")],
                r#", "bugs": ["read_skips_write_back"]"#,
            ),
        ),
        (
            "dynamo",
            hand(
                &[put("c2", "2"), get("c2"), get("c1"), put("c1", "1")],
                r#", "mode": "dynamo""#,
            ),
        ),
        (
            // c1's put, begun after c2's had returned, versions itself lower and is lost.
            "writer_skips_version_read",
            by_hand(
                &[put("c2", "2"), put("c1", "1"), get("c1")],
                r#", "bugs": ["writer_skips_version_read"]"#,
                true,
            ),
        ),
        (
            "cas",
            hand(
                &[
                    ("c1", "cas", Some(""), Some("1")),
                    ("c2", "cas", Some(""), Some("2")),
                ],
                "",
            ),
        ),
    ];
    for (name, scenario) in cases {
        let compiled = scenario.compile().unwrap();
        let report = explore(&scenario, &compiled, NO_FAULTS);
        assert_eq!(
            report.violations.len(),
            1,
            "{name}: {} states",
            report.states
        );
        assert_eq!(report.violations[0].kind, "linearizability");
        let counterexample = report.counterexample.expect("a counterexample");
        assert_eq!(counterexample.scheduler, SchedulerKind::Script);
        // Written out and read back, it replays to the same violation.
        let again = Scenario::from_json(&counterexample.to_json()).unwrap();
        let replay = run(&again);
        assert_eq!(
            explanations(&replay),
            [report.violations[0].explanation.as_str()],
            "{name}"
        );
    }
}

/// The search finds each lesson's violation in the lesson itself, whose requests come at
/// several ticks: it keeps them in order, each one at any point after the one before, since
/// a request that begins after another returned is what the checker judges. Applied all at
/// the start, the stale read and the lost write cannot happen (every operation overlaps every
/// other), and the search finds none. It also plays back to the same violation.
#[test]
fn the_search_finds_each_lesson_s_violation_from_its_own_schedule() {
    for name in [
        "stale-read",
        "dynamo-lost-write",
        "new-old-inversion",
        "cas-both-succeed",
    ] {
        let (scenario, _) = library(name);
        let report = explore(&scenario, &scenario.compile().unwrap(), NO_FAULTS);
        assert_eq!(
            report.violations.len(),
            1,
            "{name}: {} states",
            report.states
        );
        let counterexample = report.counterexample.expect("a counterexample");
        // Every request is in it, and those after the first tick are steps of the path,
        // written one tick each: as many distinct ticks as the lesson has.
        let ticks = |s: &Scenario| {
            let mut ticks: Vec<u64> = s
                .schedule
                .iter()
                .filter(|e| e.inputs.request.is_some())
                .map(|e| e.at)
                .collect();
            let requests = ticks.len();
            ticks.dedup();
            (requests, ticks.len())
        };
        assert_eq!(ticks(&counterexample), ticks(&scenario), "{name}");
        let again = Scenario::from_json(&counterexample.to_json()).unwrap();
        assert_eq!(
            explanations(&run(&again)),
            [report.violations[0].explanation.as_str()],
            "{name}"
        );
    }
    // Where every read sees the last write, the search finds nothing.
    let (scenario, _) = library("read-sees-last-write");
    let report = explore(&scenario, &scenario.compile().unwrap(), NO_FAULTS);
    assert!(report.violations.is_empty(), "{} states", report.states);
}

#[test]
fn the_search_sees_every_state_of_correct_abd_and_no_violation() {
    let scenario = hand(
        &[("c2", "put", None, Some("1")), ("c1", "get", None, None)],
        "",
    );
    let compiled = scenario.compile().unwrap();
    let report = explore(&scenario, &compiled, NO_FAULTS);
    assert!(report.complete);
    assert!(report.violations.is_empty());
    assert!(report.states > 1000, "{} states", report.states);
    let at_start = report.states;
    // With a crash and a lost message allowed, still none.
    let faults = Bounds {
        max_crashes: 1,
        max_drops: 1,
        ..NO_FAULTS
    };
    let scenario = hand(&[("c2", "put", None, Some("1"))], "");
    let report = explore(&scenario, &scenario.compile().unwrap(), faults);
    assert!(report.complete && report.violations.is_empty());
    // With the requests in time, each a step of the search, still none; the get may now begin
    // after the put returned, so there are more states.
    let requests = [("c2", "put", None, Some("1")), ("c1", "get", None, None)];
    let in_time = by_hand(&requests, "", true);
    let report = explore(&in_time, &in_time.compile().unwrap(), NO_FAULTS);
    assert!(report.complete && report.violations.is_empty());
    assert!(report.states > at_start, "{} states", report.states);
}

/// Sleep sets prune transitions, never states, in the store's searches too: two clients'
/// calls and returns touch different nodes but do not commute, since the history's times are
/// their order.
#[test]
fn sleep_sets_see_every_state_of_the_store() {
    let requests = [("c2", "put", None, Some("1")), ("c1", "get", None, None)];
    for scenario in [hand(&requests, ""), by_hand(&requests, "", true)] {
        let compiled = scenario.compile().unwrap();
        let reduced = explore_with(&scenario, &compiled, NO_FAULTS, Reduction::SleepSets);
        let plain = explore_with(&scenario, &compiled, NO_FAULTS, Reduction::None);
        assert!(
            reduced.complete && reduced.violations.is_empty(),
            "{} states, {:?}",
            reduced.states,
            reduced.violations
        );
        assert_eq!(plain.states, reduced.states);
        assert!(reduced.transitions < plain.transitions);
    }
}

#[test]
fn swarm_finds_no_violation_in_abd_and_finds_every_switch() {
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
    let scenario = scenario_for_seed(17, Some("dynamo"));
    let again = Scenario::from_json(&scenario.to_json()).unwrap();
    assert_eq!(
        run(&again).trace_hash(),
        run_seed(17, Some("dynamo"), true).trace_hash()
    );
}

/// States packed for the search's queue unpack exactly, along a walk through every kind of step.
#[test]
fn packed_states_are_exact() {
    let scenario = hand(
        &[
            ("c1", "put", None, Some("1")),
            ("c1", "cas", Some("1"), Some("2")),
            ("c2", "get", None, None),
        ],
        "",
    );
    let compiled = scenario.compile().unwrap();
    let start = paxoscope::protocols::quorum_kv::Compiled {
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
    let mut x = 99u64;
    for step in 0..400 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let pick = (x >> 33) as usize;
        let node = (pick % nodes as usize) as u8;
        let message =
            (!sim.inflight().is_empty()).then(|| sim.inflight()[pick % sim.inflight().len()].id);
        let action = match (pick / 7 % 16, message) {
            (0, _) => Action::Crash(node),
            (1, _) => Action::Restart(node),
            (2, Some(id)) => Action::Duplicate(id),
            (3, _) if node >= 3 && sim.timers()[node as usize].is_some() => Action::Timeout(node),
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
fn bad_scenarios_name_their_field() {
    let error = |body: &str| {
        let text = format!(
            r#"{{"version": 1, "protocol": "quorum-kv", "cluster": {{"replicas": 3, "clients": 1}}{body}}}"#
        );
        match Scenario::from_json(&text) {
            Err(e) => e.to_string(),
            Ok(s) => s.compile().map(|_| ()).unwrap_err().to_string(),
        }
    };
    let request = |r: &str| error(&format!(r#", "schedule": [{{"at": 1, "request": {r}}}]"#));
    assert_eq!(
        request(r#"{"client": "r1", "op": "get", "key": "x"}"#),
        "schedule[0].request.client: r1 is a replica; requests come from clients"
    );
    assert_eq!(
        request(r#"{"client": "c1", "op": "delete", "key": "x"}"#),
        "schedule[0].request.op: unknown operation \"delete\"; known ones are get, put, cas"
    );
    assert_eq!(
        request(r#"{"client": "c1", "op": "put", "key": "x"}"#),
        "schedule[0].request: a put needs `value`"
    );
    assert_eq!(
        request(r#"{"client": "c1", "op": "get", "key": "x", "value": "1"}"#),
        "schedule[0].request.value: a get takes no `value`"
    );
    assert_eq!(
        request(r#"{"client": "c9", "op": "get", "key": "x"}"#),
        "schedule[0].request.client: no node is named \"c9\"; this cluster has r1, r2, r3, c1"
    );
    assert_eq!(
        error(r#", "mode": "raft""#),
        "mode: unknown mode \"raft\"; known modes are abd, dynamo"
    );
    assert_eq!(
        error(r#", "bugs": ["typo"]"#),
        "bugs[0]: unknown bug \"typo\"; known bugs are read_skips_write_back, writer_skips_version_read"
    );
    assert_eq!(
        error(r#", "quorum": {"kind": "threshold", "read": 4, "write": 2}"#),
        "quorum.read: 4 is not between 1 and the number of replicas (3)"
    );
    assert_eq!(
        error(r#", "timeout": 3"#),
        "timeout: unknown field `timeout`, expected one of `version`, `protocol`, `seed`, `cluster`, `network`, `quorum`, `mode`, `bugs`, `workload`, `scheduler`, `schedule`, `until_ticks`"
    );
    // Each protocol's reader refuses the other's scenarios by their `protocol`.
    let paxos = r#"{"version": 1, "protocol": "paxos", "cluster": {"servers": 3}}"#;
    assert_eq!(
        Scenario::from_json(paxos).unwrap_err().to_string(),
        "protocol: a \"paxos\" scenario cannot run as \"quorum-kv\""
    );
    let kv = r#"{"version": 1, "protocol": "quorum-kv", "cluster": {"replicas": 3}}"#;
    assert_eq!(
        paxoscope::Scenario::from_json(kv).unwrap_err().to_string(),
        "protocol: a \"quorum-kv\" scenario cannot run as \"paxos\""
    );
    assert_eq!(protocol_of(paxos), "paxos");
    assert_eq!(
        protocol_of("not json"),
        "paxos",
        "the first protocol reports bad text"
    );
}

/// A person's request for a key the scenario never named, added in the page mid-run, runs like
/// any other: the replicas start the new key empty (the page's wasm once panicked here).
#[test]
fn a_request_added_later_may_name_a_new_key() {
    use paxoscope::play::Playground;
    use paxoscope::protocols::quorum_kv::QuorumKv;
    let text = std::fs::read_to_string(folder().join("read-sees-last-write.json")).unwrap();
    let mut playground = Playground::<QuorumKv>::new(&text).unwrap();
    playground
        .intervene(r#"{"request": {"client": "c2", "op": "put", "key": "y", "value": "7"}}"#)
        .unwrap();
    playground
        .intervene(r#"{"request": {"client": "c2", "op": "get", "key": "y"}}"#)
        .unwrap();
    playground.seek(300);
    let view = playground.view();
    assert_eq!(view.summary.headline, "4 of 4 operations returned");
    assert!(view.violations.is_empty(), "{:?}", view.violations);
    let history = playground.sim().history().to_json();
    assert!(history.contains(r#""key":"y""#), "{history}");
}

/// The page's history lanes: the clients' operations as bars with their words, only those in
/// the diagram's window, and, once the history breaks, the stale read marked as the operation
/// that cannot be placed and the put it conflicts with. The download is the same history with
/// the checker's verdict, and a Paxos run has neither.
#[test]
fn the_lanes_and_the_download_show_the_run_s_history() {
    use paxoscope::play::Playground;
    use paxoscope::protocols::quorum_kv::QuorumKv;
    let text = std::fs::read_to_string(folder().join("stale-read.json")).unwrap();
    let mut playground = Playground::<QuorumKv>::new(&text).unwrap();
    playground.seek(80);
    let lanes = playground.lanes(0, 80).expect("the store has clients");
    assert_eq!(lanes.clients, ["c1", "c2"]);
    assert_eq!((lanes.total, lanes.returned), (1, 1));
    let put = &lanes.ops[0];
    assert_eq!((put.lane, put.call.as_str()), (0, r#"put(x, "1")"#));
    assert_eq!((put.output.as_deref(), put.call_tick), (Some("ok"), 5));
    assert!(put.return_tick.unwrap() > 5 && put.mark.is_none());

    playground.seek(300);
    let lanes = playground.lanes(0, 300).unwrap();
    assert_eq!((lanes.total, lanes.returned), (2, 2));
    let get = &lanes.ops[1];
    assert_eq!((get.lane, get.call.as_str()), (1, "get(x)"));
    assert_eq!((get.output.as_deref(), get.call_tick), (Some(r#""""#), 100));
    assert_eq!(get.mark, Some("failing"));
    assert_eq!(lanes.ops[0].mark, Some("conflict"));
    // A window after the put returned holds only the get.
    let later = playground.lanes(90, 300).unwrap();
    assert_eq!(later.ops.len(), 1);
    assert_eq!(later.total, 2);

    let history = History::from_json(&playground.history().unwrap().to_json()).unwrap();
    assert_eq!(history.ops.len(), 2);
    assert_eq!(history.expected, Some(false));
    assert!(matches!(
        check(&history, 1_000_000).verdict,
        Verdict::NotLinearizable(_)
    ));

    let paxos = Playground::<paxoscope::protocols::paxos::Paxos>::new(
        &std::fs::read_to_string(folder().join("../happy-path.json")).unwrap(),
    )
    .unwrap();
    assert!(paxos.lanes(0, 100).is_none() && paxos.history().is_none());
}

/// The page rings the replicas of the latest quorum a client formed, says whose it is, and
/// lists under each client the quorums its operations formed: in the stale read, c1's put
/// stored at r1 alone, and c2's get read r2 and wrote back to r3, missing it.
#[test]
fn the_page_draws_the_quorums_each_operation_formed() {
    use paxoscope::play::Playground;
    use paxoscope::protocols::quorum_kv::QuorumKv;
    let text = std::fs::read_to_string(folder().join("stale-read.json")).unwrap();
    let mut playground = Playground::<QuorumKv>::new(&text).unwrap();
    let ringed = |view: &paxoscope::play::View| -> Vec<String> {
        view.nodes
            .iter()
            .filter(|n| n.in_quorum)
            .map(|n| n.name.clone())
            .collect()
    };
    playground.seek(40);
    let view = playground.view();
    assert_eq!(ringed(&view), ["r1"]);
    assert_eq!(
        view.summary.detail.as_deref(),
        Some(r#"the history so far is linearizable · ringed: c1's read quorum for put(x, "1")"#)
    );
    playground.seek(80);
    let view = playground.view();
    assert_eq!(ringed(&view), ["r1"]);
    assert!(view
        .summary
        .detail
        .unwrap()
        .ends_with(r#"c1's write quorum for put(x, "1")"#));
    let c1 = view.nodes.iter().find(|n| n.name == "c1").unwrap();
    assert!(
        c1.detail.contains(
            &r#"put(x, "1") read versions from r1, stored at r1, and returned ok."#.to_string()
        ),
        "{:?}",
        c1.detail
    );
    playground.seek(300);
    let view = playground.view();
    assert_eq!(ringed(&view), ["r3"]);
    assert_eq!(
        view.summary.detail.as_deref(),
        Some("since tick 155 · ringed: c2's write quorum for get(x)")
    );
    let c2 = view.nodes.iter().find(|n| n.name == "c2").unwrap();
    assert!(
        c2.detail.contains(
            &r#"get(x) read versions from r2, wrote back to r3, and returned ""."#.to_string()
        ),
        "{:?}",
        c2.detail
    );
    // A client with more operations lists its latest four, the last one last.
    let text = r#"{"version": 1, "protocol": "quorum-kv", "seed": 2,
        "cluster": {"replicas": 3, "clients": 1},
        "workload": {"ops_per_client": 6, "keys": 1, "mix": {"get": 1, "put": 1}}}"#;
    let mut playground = Playground::<QuorumKv>::new(text).unwrap();
    playground.seek(2000);
    let view = playground.view();
    assert_eq!(view.summary.headline, "6 of 6 operations returned");
    let c1 = view.nodes.iter().find(|n| n.name == "c1").unwrap();
    let heading = c1
        .detail
        .iter()
        .position(|line| line.starts_with("Its latest operations"))
        .unwrap();
    let listed = &c1.detail[heading + 1..];
    assert_eq!(listed.len(), 4, "{listed:?}");
    let ops = &playground.sim().checker().recorder.ops;
    let last = playground
        .sim()
        .config()
        .names_kv
        .request_text(&ops.last().unwrap().request);
    assert!(listed[3].starts_with(&last), "{listed:?} {last}");
}

/// The Quorums tab analyses the store's own quorums, over its replicas, and puts another
/// system in the run; a system of the wrong size is refused in the store's words.
#[test]
fn the_quorum_lens_reads_and_changes_the_store_s_quorums() {
    use paxoscope::json::ToJson;
    use paxoscope::play::lens::LensSystem;
    let (scenario, _) = library("stale-read");
    let lens = LensSystem::of_scenario(&scenario).unwrap();
    assert_eq!(lens.names, ["r1", "r2", "r3"]);
    assert_eq!(lens.spec, QuorumSpec::Threshold { read: 1, write: 1 });
    assert!(lens
        .to_json_text()
        .contains(r#""kind":"threshold","read":1,"write":1"#));
    let majority = LensSystem::from_json(r#"{"kind": "majority", "nodes": 3}"#).unwrap();
    let changed = majority.into_scenario(&scenario).unwrap();
    assert_eq!(changed.section.quorum, QuorumSpec::Majority);
    // With majorities, c1 cannot reach a write quorum from its side of the partition, so its
    // put never returns, and the get's empty value is no stale read.
    assert!(run(&changed).violations().is_empty());
    let five = LensSystem::from_json(r#"{"kind": "majority", "nodes": 5}"#).unwrap();
    let refused = five.into_scenario(&scenario).unwrap_err();
    assert!(
        refused
            .message
            .contains("5 nodes, and the run has 3 replicas"),
        "{}",
        refused.message
    );
}
