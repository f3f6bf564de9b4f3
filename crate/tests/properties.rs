//! Property tests: statements that must hold for every seed, every scenario file and every
//! malformed input, checked over many cases rather than one.
//!
//! - Correct Paxos never breaks safety, over thousands of swarm-drawn scenarios.
//! - Each break-Paxos switch is caught by swarm testing within a stated number of seeds.
//! - A run is a pure function of its scenario: same events, same trace hash, log on or off.
//! - Malformed scenarios are rejected with an error that names the field, and no input,
//!   however mangled, makes parsing, checking or running panic.
//! - Scenarios survive a trip through JSON unchanged.

use paxoscope::protocols::paxos::check::ViolationKind;
use paxoscope::protocols::paxos::Bugs;
use paxoscope::protocols::paxos::{Inputs, Intervention, Proposal, Scenario};
use paxoscope::rng::{Rng, Stream};
use paxoscope::scenario::ScenarioError;
use paxoscope::swarm::{run_seed, scenario_for_seed, swarm, UNSAFE_QUORUM};
use paxoscope::Simulation;
use std::path::PathBuf;

/// How many swarm seeds correct Paxos must survive.
const SAFE_SEEDS: u64 = 10_000;

/// Every bug must break some safety property within this many swarm seeds (from seed 0). The
/// slowest to show, unsafe_quorum, first does at seed 120; the bound leaves room for changes to
/// the swarm generator without letting a bug go unnoticed for long.
const BUG_SEEDS_MAX: u64 = 500;

/// Every bug must also break agreement (two values chosen, or learners disagreeing) within this
/// many seeds. acceptor_forgets_on_restart is the slowest: it needs an acceptor to restart
/// between two ballots and the later ballot to use it, which first happens at seed 3072.
const AGREEMENT_SEEDS_MAX: u64 = 5_000;

fn scenario_files() -> Vec<(String, String)> {
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&folder)
        .expect("the scenarios folder exists")
        .map(|entry| entry.expect("a readable folder entry").path())
        // library.json lists the scenarios for the page; it is not one itself.
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .filter(|path| path.file_stem().is_some_and(|s| s != "library"))
        .map(|path| {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).expect("a readable scenario");
            (name, text)
        })
        .collect();
    files.sort();
    assert!(files.len() >= 10, "the scenario library went missing");
    files
}

fn run(scenario: &Scenario) -> Simulation {
    let mut sim = Simulation::new(&scenario.compile().expect("a valid scenario"));
    sim.run();
    sim
}

#[test]
fn correct_paxos_survives_thousands_of_swarm_seeds() {
    let report = swarm(0, SAFE_SEEDS, None, false);
    assert_eq!(report.runs, SAFE_SEEDS);
    if let Some((seed, violation)) = &report.first_violation {
        panic!(
            "seed {seed} broke safety ({:?}: {}); {} runs in all broke it. Its scenario:\n{}",
            violation.kind,
            violation.explanation,
            report.violating_runs,
            scenario_for_seed(*seed, None).to_json_pretty()
        );
    }
    // Thousands of runs that do nothing would prove nothing: most must choose a value.
    let deciding = (0..200)
        .filter(|seed| run(&scenario_for_seed(*seed, None)).chosen().is_some())
        .count();
    assert!(deciding >= 150, "only {deciding} of 200 runs chose a value");
}

#[test]
fn swarm_catches_every_bug_within_a_bounded_number_of_seeds() {
    let bugs: Vec<&str> = Bugs::NAMES.iter().copied().chain([UNSAFE_QUORUM]).collect();
    for bug in bugs {
        let report = swarm(0, BUG_SEEDS_MAX, Some(bug), false);
        let Some((seed, violation)) = report.first_violation else {
            panic!("swarm did not catch {bug} in {BUG_SEEDS_MAX} seeds");
        };
        println!(
            "{bug}: first caught at seed {seed} ({}), {} of {BUG_SEEDS_MAX} runs violating",
            violation.kind, report.violating_runs
        );
        // The local invariants catch some bugs early; what matters to users is that two
        // values can really be chosen or learned, so look for an agreement violation too.
        let agreement = (0..AGREEMENT_SEEDS_MAX).find(|seed| {
            run_seed(*seed, Some(bug), false)
                .violations()
                .iter()
                .any(|v| v.kind == ViolationKind::Agreement.name())
        });
        let agreement = agreement.unwrap_or_else(|| {
            panic!("{bug} never broke agreement in {AGREEMENT_SEEDS_MAX} seeds")
        });
        println!("{bug}: first agreement violation at seed {agreement}");
    }
}

#[test]
fn a_run_is_a_pure_function_of_its_scenario() {
    let files = scenario_files();
    let swarmed = (0..200u64).map(|seed| {
        let bug = [None, Some("learner_counts_duplicates")][seed as usize % 2];
        (format!("swarm seed {seed}"), scenario_for_seed(seed, bug))
    });
    let scenarios = files
        .iter()
        .map(|(name, text)| (name.clone(), Scenario::from_json(text).expect("valid")))
        .chain(swarmed);
    for (name, scenario) in scenarios {
        let compiled = scenario.compile().expect("valid");
        let first = run(&scenario);
        let second = run(&scenario);
        assert_eq!(first.trace_hash(), second.trace_hash(), "{name}");
        assert_eq!(first.log(), second.log(), "{name}");
        assert_eq!(first.events(), first.log().len() as u64, "{name}");
        let mut quiet = Simulation::new(&compiled).without_log();
        quiet.run();
        assert!(quiet.log().is_empty(), "{name}");
        assert_eq!(quiet.trace_hash(), first.trace_hash(), "{name}: log off");
        assert_eq!(quiet.events(), first.events(), "{name}: log off");
        assert_eq!(quiet.violations(), first.violations(), "{name}: log off");
    }
}

/// The error a malformed scenario gets, from parsing or from checking.
fn rejection(text: &str) -> ScenarioError {
    match Scenario::from_json(text) {
        Err(error) => error,
        Ok(scenario) => match scenario.compile() {
            Err(error) => error,
            Ok(_) => panic!("accepted a malformed scenario:\n{text}"),
        },
    }
}

/// A valid scenario with `edit` applied to its JSON.
fn edited(edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut value = serde_json::json!({
        "version": 1,
        "protocol": "paxos",
        "seed": 7,
        "cluster": {"proposers": 2, "acceptors": 3, "learners": 1},
        "network": {"delay_ticks_min": 10, "delay_ticks_max": 20},
        "schedule": [{"at": 0, "propose": {"node": "p1", "value": "A"}}],
        "until_ticks": 500
    });
    edit(&mut value);
    value.to_string()
}

#[test]
fn malformed_scenarios_are_rejected_naming_the_field() {
    use serde_json::json;
    let base = edited(|_| {});
    assert!(Scenario::from_json(&base).unwrap().compile().is_ok());
    // (what is wrong, the input, text the field must contain, text the message must contain).
    let cases: Vec<(&str, String, &str, &str)> = vec![
        (
            "unknown node",
            edited(|v| v["schedule"][0] = json!({"at": 5, "crash": "a9"})),
            "schedule[0].crash",
            "a9",
        ),
        (
            "unknown proposer node",
            edited(|v| v["schedule"][0]["propose"]["node"] = json!("p7")),
            "schedule[0].propose.node",
            "p7",
        ),
        (
            "proposal to an acceptor",
            edited(|v| v["schedule"][0]["propose"]["node"] = json!("a1")),
            "schedule[0].propose.node",
            "not a proposer",
        ),
        (
            "unknown top-level field",
            edited(|v| v["colour"] = json!("red")),
            "",
            "colour",
        ),
        (
            "unknown nested field",
            edited(|v| v["network"]["jitter"] = json!(3)),
            "network",
            "jitter",
        ),
        (
            "unknown field in an intervention",
            edited(|v| v["schedule"][0]["explode"] = json!(true)),
            "schedule[0]",
            "explode",
        ),
        (
            "unknown bug",
            edited(|v| v["bugs"] = json!(["learner_counts_duplicates", "acceptor_sleeps"])),
            "bugs[1]",
            "acceptor_sleeps",
        ),
        (
            "negative delay",
            edited(|v| v["network"]["delay_ticks_min"] = json!(-5)),
            "network.delay_ticks_min",
            "-5",
        ),
        (
            "zero delay",
            edited(|v| v["network"]["delay_ticks_min"] = json!(0)),
            "network.delay_ticks_min",
            "at least 1",
        ),
        (
            "delay min above max",
            edited(|v| v["network"]["delay_ticks_min"] = json!(30)),
            "network.delay_ticks_max",
            "delay_ticks_min",
        ),
        (
            "16 servers",
            edited(|v| v["cluster"] = json!({"servers": 16})),
            "cluster.servers",
            "15",
        ),
        (
            "16 nodes in separate roles",
            edited(|v| v["cluster"] = json!({"proposers": 5, "acceptors": 9, "learners": 2})),
            "cluster",
            "15",
        ),
        (
            "node counts whose sum overflows",
            edited(|v| v["cluster"]["acceptors"] = json!(u64::MAX)),
            "cluster",
            "15",
        ),
        (
            "servers and roles together",
            edited(|v| v["cluster"]["servers"] = json!(3)),
            "cluster",
            "not both",
        ),
        (
            "no acceptors",
            edited(|v| v["cluster"]["acceptors"] = json!(0)),
            "cluster.acceptors",
            "at least 1",
        ),
        (
            "until_ticks 0",
            edited(|v| v["until_ticks"] = json!(0)),
            "until_ticks",
            "between 1 and",
        ),
        (
            "until_ticks 10^9",
            edited(|v| v["until_ticks"] = json!(1_000_000_000u64)),
            "until_ticks",
            "between 1 and",
        ),
        (
            "loss 1.5",
            edited(|v| v["network"]["loss"] = json!(1.5)),
            "network.loss",
            "probability",
        ),
        (
            "negative duplicate probability",
            edited(|v| v["network"]["duplicate"] = json!(-0.1)),
            "network.duplicate",
            "probability",
        ),
        (
            "version 2",
            edited(|v| v["version"] = json!(2)),
            "version",
            "newer",
        ),
        (
            "version 0",
            edited(|v| v["version"] = json!(0)),
            "version",
            "1",
        ),
        (
            "wrong protocol",
            edited(|v| v["protocol"] = json!("raft")),
            "protocol",
            "unknown protocol \"raft\"; this version knows \"paxos\", \"quorum-kv\", \"multipaxos\"",
        ),
        (
            "missing protocol",
            edited(|v| {
                v.as_object_mut().unwrap().remove("protocol");
            }),
            "",
            "protocol",
        ),
        (
            "two actions in one schedule entry",
            edited(|v| v["schedule"][0]["crash"] = json!("a1")),
            "schedule[0]",
            "more than one",
        ),
        (
            "schedule entry with no action",
            edited(|v| v["schedule"][0] = json!({"at": 3})),
            "schedule[0]",
            "no intervention",
        ),
        (
            "deliver without the script scheduler",
            edited(|v| v["schedule"][0] = json!({"at": 3, "deliver": {"message": 1}})),
            "schedule[0]",
            "script",
        ),
        // A proposer's timeout may be forced in a timed run (the page's "Time out now"); an
        // acceptor has no timer to force.
        (
            "timeout of an acceptor",
            edited(|v| v["schedule"][0] = json!({"at": 3, "timeout": "a1"})),
            "schedule[0].timeout",
            "not a proposer",
        ),
        (
            "message number 0",
            edited(|v| v["schedule"][0] = json!({"at": 3, "drop": {"message": 0}})),
            "schedule[0].drop.message",
            "from 1",
        ),
        (
            "intervention after the longest run",
            edited(|v| v["schedule"][0]["at"] = json!(2_000_000)),
            "schedule[0].at",
            "at most",
        ),
        (
            "node in two partition groups",
            edited(|v| v["schedule"][0] = json!({"at": 3, "partition": [["a1"], ["a1", "a2"]]})),
            "schedule[0].partition[1][0]",
            "two groups",
        ),
        (
            "more partition groups than a cluster can have",
            edited(|v| {
                let groups: Vec<Vec<String>> = (0..257).map(|_| Vec::new()).collect();
                v["schedule"][0] = json!({"at": 3, "partition": groups});
            }),
            "schedule[0].partition",
            "at most 15",
        ),
        (
            "unknown node in a cut",
            edited(|v| v["schedule"][0] = json!({"at": 3, "cut": {"from": "p1", "to": "zz"}})),
            "schedule[0].cut.to",
            "zz",
        ),
        (
            "heal false",
            edited(|v| v["schedule"][0] = json!({"at": 3, "heal": false})),
            "schedule[0].heal",
            "true",
        ),
        (
            "flexible quorum larger than the acceptors",
            edited(|v| v["quorum"] = json!({"kind": "flexible", "phase1": 4, "phase2": 2})),
            "quorum.phase1",
            "between 1 and",
        ),
        (
            "explicit quorum naming a proposer",
            edited(|v| {
                v["quorum"] =
                    json!({"kind": "explicit", "phase1": [["a1", "p1"]], "phase2": [["a2"]]})
            }),
            "quorum.phase1[0][1]",
            "not an acceptor",
        ),
        (
            "unknown quorum kind",
            edited(|v| v["quorum"] = json!({"kind": "hierarchical"})),
            "quorum.kind",
            "unknown variant `hierarchical`, expected one of `majority`, `flexible`, `explicit`, `threshold`, `grid`, `weighted`",
        ),
        (
            "grid with no rows",
            edited(|v| v["quorum"] = json!({"kind": "grid", "rows": 0, "cols": 3})),
            "quorum.rows",
            "a grid needs at least one",
        ),
        (
            "grid of another size than the acceptors",
            edited(|v| v["quorum"] = json!({"kind": "grid", "rows": 2, "cols": 2})),
            "quorum.rows",
            "a grid of 2 × 2 has 4 nodes, but there are 3 acceptors",
        ),
        (
            "weights that no set reaches",
            edited(|v| v["quorum"] = json!({"kind": "weighted", "weights": [1, 1, 1], "read": 5, "write": 2})),
            "quorum.read",
            "no set of nodes has weight 5: it must be between 1 and the total weight, 3",
        ),
        (
            "threshold above the acceptors",
            edited(|v| v["quorum"] = json!({"kind": "threshold", "read": 4, "write": 2})),
            "quorum.read",
            "4 is not between 1 and the number of acceptors (3)",
        ),
        (
            "explicit lists under both names",
            edited(|v| v["quorum"] = json!({"kind": "explicit", "phase1": [["a1", "a2"]], "read": [["a1", "a2"]], "phase2": [["a2", "a3"]]})),
            "quorum.read",
            "`phase1` and `read` are two names for one field",
        ),
        (
            "a grid's field on a threshold",
            edited(|v| v["quorum"] = json!({"kind": "threshold", "read": 2, "write": 2, "rows": 1})),
            "quorum.rows",
            "unknown field `rows` for `threshold` quorums, expected one of `kind`, `read`, `write`",
        ),
        (
            "majority quorum with a size",
            edited(|v| v["quorum"] = json!({"kind": "majority", "phase1": 2})),
            "quorum",
            "unknown field `phase1`",
        ),
        (
            "flexible quorum without phase 2",
            edited(|v| v["quorum"] = json!({"kind": "flexible", "phase1": 2})),
            "quorum",
            "missing field `phase2`",
        ),
        (
            "flexible quorum given lists",
            edited(|v| v["quorum"] = json!({"kind": "flexible", "phase1": [["a1"]], "phase2": 2})),
            "quorum",
            "a number of acceptors",
        ),
        (
            "explicit quorum given a size",
            edited(|v| v["quorum"] = json!({"kind": "explicit", "phase1": 2, "phase2": [["a1"]]})),
            "quorum",
            "a list of quorums",
        ),
        (
            "quorum without a kind",
            edited(|v| v["quorum"] = json!({"phase1": 2, "phase2": 2})),
            "quorum",
            "missing field `kind`",
        ),
        (
            "quorum with an unknown field",
            edited(|v| v["quorum"] = json!({"kind": "majority", "size": 2})),
            "quorum",
            "size",
        ),
        (
            "retry timeout range reversed",
            edited(|v| v["timeouts"] = json!({"retry_ticks_min": 50, "retry_ticks_max": 10})),
            "timeouts",
            "retry_ticks_min",
        ),
        (
            "empty value",
            edited(|v| v["schedule"][0]["propose"]["value"] = json!("")),
            "schedule[0].propose.value",
            "characters",
        ),
        (
            "a value that reverses the text after it",
            edited(|v| v["schedule"][0]["propose"]["value"] = json!("A\u{202E}B")),
            "schedule[0].propose.value",
            "must not contain control characters, and it has U+202E",
        ),
        (
            "a value with a NUL in it",
            edited(|v| v["schedule"][0]["propose"]["value"] = json!("A\u{0}")),
            "schedule[0].propose.value",
            "must not contain control characters, and it has U+0000",
        ),
        (
            "seed as a string",
            edited(|v| v["seed"] = json!("seven")),
            "seed",
            "seven",
        ),
        (
            "unknown scheduler",
            edited(|v| v["scheduler"] = json!("random")),
            "scheduler",
            "random",
        ),
        (
            "not JSON at all",
            "paxos, please".to_string(),
            "",
            "expected",
        ),
        ("empty string", String::new(), "", "EOF"),
        (
            "a number, not an object",
            "42".to_string(),
            "",
            "expected struct Scenario",
        ),
        (
            "truncated JSON",
            base[..base.len() / 2].to_string(),
            "",
            "EOF",
        ),
        (
            "a list, not an object",
            format!("[{base}]"),
            "",
            "invalid type: sequence, expected struct Scenario",
        ),
        (
            "an object's fields given as a list",
            edited(|v| v["network"] = json!([10, 20, 0.0, 0.0])),
            "network",
            "invalid type: sequence, expected struct NetworkSpec",
        ),
        (
            "misspelt field in a later entry",
            edited(|v| {
                let schedule = v["schedule"].as_array_mut().unwrap();
                schedule.push(json!({"at": 5, "crahs": "a1"}));
            }),
            "schedule[1].crahs",
            "unknown field `crahs`, expected one of `at`, `propose`, `crash`",
        ),
        (
            "a field given twice",
            base.replacen("\"seed\":7", "\"seed\":7,\"seed\":8", 1),
            "seed",
            "duplicate field `seed`",
        ),
        (
            "a seed beyond 64 bits",
            base.replacen("\"seed\":7", "\"seed\":18446744073709551616", 1),
            "seed",
            "invalid value: integer `18446744073709551616`, expected u64",
        ),
        (
            "a fractional tick",
            edited(|v| v["until_ticks"] = json!(2.5)),
            "until_ticks",
            "invalid type: floating point `2.5`, expected u64",
        ),
        (
            "text after the scenario",
            format!("{base} {{}}"),
            "",
            "trailing characters",
        ),
        (
            "an unpaired surrogate",
            base.replacen("\"A\"", "\"\\ud800\"", 1),
            "schedule[0].propose.value",
            "this is not valid JSON (unpaired surrogate",
        ),
        (
            "a scheduler that is not a name",
            edited(|v| v["scheduler"] = json!(1)),
            "scheduler",
            "expected `timed` or `script`",
        ),
    ];
    let mut failures = Vec::new();
    for (what, text, field, message) in &cases {
        let error = rejection(text);
        let shown = error.to_string();
        let ok = error.field.contains(field)
            && (field.is_empty() || shown.contains(field))
            && error.message.contains(message)
            && !error.message.is_empty();
        if !ok {
            failures.push(format!(
                "{what}: expected field containing {field:?} and message containing {message:?}, \
                 got field {:?}, message {:?}",
                error.field, error.message
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Changes a few bytes of `text`: flips, insertions of JSON-ish tokens, deletions and copies.
fn mutate(text: &str, rng: &mut Rng) -> String {
    const TOKENS: &[&str] = &[
        "{",
        "}",
        "[",
        "]",
        "\"",
        ":",
        ",",
        "0",
        "1",
        "-1",
        "15",
        "16",
        "1e309",
        "0.5",
        "null",
        "true",
        "false",
        "\"s1\"",
        "\"p1\"",
        "\"a1\"",
        "\"l1\"",
        "\"A\"",
        "18446744073709551615",
        "18446744073709551616",
        "{\"message\": 1}",
        "\"servers\": 15",
        "\"scheduler\": \"script\"",
        "{\"at\": 1, \"deliver\": {\"message\": 2}}",
        "{\"at\": 1, \"timeout\": \"p1\"}",
        "{\"at\": 0, \"partition\": [[], [], [\"a1\"]]}",
        "{\"kind\": \"explicit\", \"phase1\": [[\"a1\"]], \"phase2\": [[\"a2\", \"a3\"]]}",
        "{\"kind\": \"flexible\", \"phase1\": 1, \"phase2\": 1}",
        "\"bugs\": [\"learner_counts_duplicates\"]",
        "{\"at\": 2, \"duplicate\": {\"message\": 1}}",
        "{\"at\": 2, \"delay\": {\"message\": 1, \"ticks\": 9999}}",
        "\u{e9}",
        "\u{1F600}",
        "\\u0000",
        "\\",
        "\\ud83d\\ude00",
        "\\ud800",
        "\\udc00",
        "\\u00e9",
        "1e-7",
        "-0",
        "0.30000000000000004",
        "[[[[[[[[[[[[[[[[",
        "\"at\"",
        "\"seed\": 1, \"seed\"",
    ];
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..rng.between(1, 4) {
        let position = rng.below(bytes.len() as u64 + 1) as usize;
        match rng.below(5) {
            0 if !bytes.is_empty() => {
                let at = position.min(bytes.len() - 1);
                bytes[at] = TOKENS[rng.below(TOKENS.len() as u64) as usize].as_bytes()[0];
            }
            1 => {
                let token = TOKENS[rng.below(TOKENS.len() as u64) as usize];
                bytes.splice(position..position, token.bytes());
            }
            2 => {
                let end = (position + rng.between(1, 12) as usize).min(bytes.len());
                bytes.drain(position..end);
            }
            3 => {
                let end = (position + rng.between(1, 40) as usize).min(bytes.len());
                let copy = bytes[position..end].to_vec();
                let at = rng.below(bytes.len() as u64 + 1) as usize;
                bytes.splice(at..at, copy);
            }
            _ => {
                // Replace a digit run with an extreme number, where number handling is weakest.
                if let Some(start) = bytes[position..].iter().position(u8::is_ascii_digit) {
                    let start = position + start;
                    let end = bytes[start..]
                        .iter()
                        .position(|b| !b.is_ascii_digit())
                        .map_or(bytes.len(), |n| start + n);
                    let extreme = ["0", "4294967296", "99999999999999999999", "15", "1000000"]
                        [rng.below(5) as usize];
                    bytes.splice(start..end, extreme.bytes());
                }
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Changes a few values inside a scenario's JSON tree, keeping it valid JSON: extreme numbers,
/// other node names, wrong types, removed keys, repeated entries and script-only steps. Most
/// results still parse, so these reach the checks in `compile` and the simulation itself.
fn mutate_tree(value: &mut serde_json::Value, rng: &mut Rng) {
    use serde_json::{json, Value};
    let replacements = [
        json!(0),
        json!(1),
        json!(2),
        json!(15),
        json!(16),
        json!(-1),
        json!(1_000_000),
        json!(u64::MAX),
        json!(0.5),
        json!(1.5),
        json!("p1"),
        json!("p2"),
        json!("a1"),
        json!("a3"),
        json!("s1"),
        json!("l1"),
        json!("zz"),
        json!("script"),
        json!("timed"),
        json!(null),
        json!(true),
        json!([]),
        json!({}),
        json!([["p1", "a1"], ["a2"]]),
        json!({"message": 1}),
        json!({"message": 3, "ticks": 9_999}),
        json!({"from": "p1", "to": "a2"}),
        json!({"node": "p2", "value": "B"}),
        json!({"kind": "flexible", "phase1": 1, "phase2": 1}),
        json!({"kind": "explicit", "phase1": [["a1", "a2"]], "phase2": [["a2"], ["a3"]]}),
        json!(["learner_counts_duplicates", "acceptor_forgets_on_restart"]),
    ];
    let entries = [
        json!({"at": 1, "deliver": {"message": 2}}),
        json!({"at": 2, "timeout": "p1"}),
        json!({"at": 3, "duplicate": {"message": 1}}),
        json!({"at": 4, "drop": {"message": 2}}),
        json!({"at": 5, "delay": {"message": 1, "ticks": 500}}),
        json!({"at": 6, "partition": [[], [], ["a1"]]}),
        json!({"at": 7, "crash": "a1"}),
        json!({"at": 8, "restart": "a1"}),
        json!({"at": 9, "heal": true}),
        json!({"at": 10, "propose": {"node": "p1", "value": "Z"}}),
    ];
    // Every place in the tree, as a path of object keys and array indices.
    fn places(value: &Value, path: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
        out.push(path.clone());
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    path.push(Value::from(key.as_str()));
                    places(child, path, out);
                    path.pop();
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    path.push(Value::from(i));
                    places(child, path, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    fn at<'a>(value: &'a mut Value, path: &[Value]) -> &'a mut Value {
        path.iter().fold(value, |v, step| match step {
            Value::String(key) => &mut v[key.as_str()],
            step => &mut v[step.as_u64().unwrap() as usize],
        })
    }
    for _ in 0..rng.between(1, 3) {
        let mut all = Vec::new();
        places(value, &mut Vec::new(), &mut all);
        // The root stays an object: replacing it would test nothing the byte mutator does not.
        all.remove(0);
        if all.is_empty() {
            return;
        }
        let path = &all[rng.below(all.len() as u64) as usize];
        match rng.below(4) {
            0 | 1 => {
                // Mostly a value of the same type, which usually still parses and so reaches
                // the checks in compile; sometimes any value at all.
                let target = at(value, path);
                let same_type: Vec<&Value> = replacements
                    .iter()
                    .filter(|r| std::mem::discriminant(*r) == std::mem::discriminant(target))
                    .collect();
                let pick = if same_type.is_empty() || rng.below(4) == 0 {
                    &replacements[rng.below(replacements.len() as u64) as usize]
                } else {
                    same_type[rng.below(same_type.len() as u64) as usize]
                };
                *target = pick.clone();
            }
            2 => {
                if let Some((last, parent)) = path.split_last() {
                    match (at(value, parent), last) {
                        (Value::Object(map), Value::String(key)) => {
                            map.remove(key);
                        }
                        (Value::Array(items), index) => {
                            let index = index.as_u64().unwrap() as usize;
                            let copy = items[index].clone();
                            items.insert(index, copy);
                        }
                        _ => {}
                    }
                }
            }
            _ => {
                let entry = entries[rng.below(entries.len() as u64) as usize].clone();
                if let Some(Value::Array(schedule)) = value.get_mut("schedule") {
                    let index = rng.below(schedule.len() as u64 + 1) as usize;
                    schedule.insert(index, entry);
                }
                if let (0, Some(map)) = (rng.below(2), value.as_object_mut()) {
                    map.insert("scheduler".into(), json!("script"));
                }
            }
        }
    }
}

/// Parses, checks, round-trips and briefly runs `text`; returns whether it parsed and compiled.
fn exercise(text: &str) -> (bool, bool) {
    let Ok(scenario) = Scenario::from_json(text) else {
        return (false, false);
    };
    // Whatever parses must also survive a round trip and, once checked, a bounded run.
    // Numbers are read correctly rounded and written as the shortest digits that read back,
    // so the trip is exact, probabilities included (`-0.0` too: compare the bits).
    let again = Scenario::from_json(&scenario.to_json()).expect("re-reads its own JSON");
    assert_eq!(again, scenario);
    assert_eq!(
        again.network.loss.to_bits(),
        scenario.network.loss.to_bits()
    );
    assert_eq!(
        Scenario::from_json(&scenario.to_json_pretty()).as_ref(),
        Ok(&scenario)
    );
    let Ok(checked) = scenario.compile() else {
        return (true, false);
    };
    let mut sim = Simulation::new(&checked);
    for _ in 0..2_000 {
        if !sim.step() {
            break;
        }
    }
    for event in sim.log() {
        event.explain(sim.config(), sim.violations());
    }
    sim.outcome();
    (true, true)
}

#[test]
fn mangled_scenarios_never_panic() {
    let mut inputs: Vec<String> = scenario_files().into_iter().map(|(_, t)| t).collect();
    inputs.extend((0..20).map(|seed| scenario_for_seed(seed, None).to_json_pretty()));
    let trees: Vec<serde_json::Value> = inputs
        .iter()
        .map(|t| serde_json::from_str(t).expect("valid JSON"))
        .collect();
    let mut rng = Rng::new(2024, Stream::Swarm);
    const CASES: u32 = 20_000;
    let (mut parsed, mut compiled) = ([0u32; 2], [0u32; 2]);
    for case in 0..2 * CASES {
        let index = case as usize % inputs.len();
        // Even cases mangle bytes (the parser's robustness), odd ones mangle values (the
        // checks in compile and the simulation's).
        let kind = (case % 2) as usize;
        let text = if kind == 0 {
            mutate(&inputs[index], &mut rng)
        } else {
            let mut tree = trees[index].clone();
            mutate_tree(&mut tree, &mut rng);
            tree.to_string()
        };
        match std::panic::catch_unwind(|| exercise(&text)) {
            Ok((p, c)) => {
                parsed[kind] += p as u32;
                compiled[kind] += c as u32;
            }
            Err(panic) => {
                eprintln!("case {case} panicked on this input:\n{text}");
                std::panic::resume_unwind(panic);
            }
        }
    }
    println!(
        "of {CASES} byte-mangled scenarios {} parsed and {} compiled; of {CASES} value-mangled \
         ones {} parsed and {} compiled",
        parsed[0], compiled[0], parsed[1], compiled[1]
    );
    // The value mutator must get past the parser often enough for the run part to mean
    // something, and still be rejected often enough to exercise the checks.
    assert!(compiled[1] > CASES / 5, "only {} compiled", compiled[1]);
    assert!(compiled[1] < CASES * 9 / 10, "{} compiled", compiled[1]);
}

/// `to_json` and `to_json_pretty` are written by hand (see scenario/write.rs and json.rs); they must
/// write exactly what serde_json writes from the serde derive, escapes, empty lists and floats
/// included.
#[test]
fn scenario_json_is_what_serde_json_writes() {
    let mut scenarios: Vec<Scenario> = scenario_files()
        .iter()
        .map(|(_, text)| Scenario::from_json(text).expect("valid"))
        .collect();
    scenarios.extend((0..300).map(|seed| scenario_for_seed(seed, None)));
    let mut awkward = scenarios[0].clone();
    awkward.schedule.push(Intervention {
        inputs: Inputs {
            propose: Some(Proposal {
                node: "p1".to_string(),
                value: "a\"b\\c{d}[e],f:g\\\u{0}\u{1f}\u{7f}\u{8}\u{c}\t\r/".to_string(),
            }),
        },
        ..Intervention::default()
    });
    awkward.schedule.push(Intervention {
        partition: Some(vec![vec![], vec!["\u{e9}\n\u{1F600}".to_string()]]),
        ..Intervention::default()
    });
    awkward.seed = u64::MAX;
    scenarios.push(awkward);
    // Probabilities of every magnitude, where serde_json switches between plain and
    // scientific notation (1e-5 is written 0.00001, 1e-6 is written 1e-6).
    let mut rng = Rng::new(5, Stream::Swarm);
    let mut probabilities = vec![0.0, -0.0, 1.0, 0.5, 0.1, 1e-5, 1.5e-5, 1e-6, 1e-7, 1.234e-7];
    probabilities.extend([
        5e-324,
        f64::MIN_POSITIVE,
        0.1 + 0.2,
        1.0 / 3.0,
        1.0 - f64::EPSILON,
    ]);
    probabilities.extend((0..2_000).map(|_| {
        let x = f64::from_bits(rng.next_u64() >> 12 | 0x3FF0_0000_0000_0000) - 1.0;
        x * 10f64.powi(-(rng.below(12) as i32))
    }));
    probabilities.extend([1e15, 1e16, 123456789.125, 1.5e300, 2.5e-300]);
    for pair in probabilities.chunks(2) {
        let mut scenario = scenarios[0].clone();
        scenario.network.loss = pair[0];
        scenario.network.duplicate = *pair.last().unwrap();
        scenarios.push(scenario);
    }
    for scenario in &scenarios {
        assert_eq!(
            scenario.to_json(),
            serde_json::to_string(scenario).expect("serializes")
        );
        assert_eq!(
            scenario.to_json_pretty(),
            serde_json::to_string_pretty(scenario).expect("serializes"),
        );
    }
}

/// The trace download is written by hand too (`Simulation::trace_jsonl`); it must be what
/// serde_json wrote from a derived struct, line for line.
#[test]
fn trace_jsonl_is_what_serde_json_writes() {
    #[derive(serde::Serialize)]
    struct Line<'a> {
        index: usize,
        tick: u64,
        kind: &'a str,
        text: String,
    }
    let mut files: Vec<String> = scenario_files().into_iter().map(|(_, t)| t).collect();
    // Values with quotes, backslashes and letters beyond ASCII reach the sentences (control
    // characters do not: the scenario refuses them).
    files.push(files[0].replace(r#""value": "A""#, r#""value": "\"\\\u00e9""#));
    assert_ne!(files.last(), files.first());
    let scenarios = files
        .iter()
        .map(|text| Scenario::from_json(text).expect("valid"))
        .chain((0..50).map(|seed| scenario_for_seed(seed, Some("learner_counts_duplicates"))));
    for scenario in scenarios {
        let sim = run(&scenario);
        let expected: String = sim
            .log()
            .iter()
            .enumerate()
            .map(|(index, event)| {
                let line = Line {
                    index,
                    tick: event.tick,
                    kind: event.kind.name(),
                    text: event.explain(sim.config(), sim.violations()),
                };
                serde_json::to_string(&line).expect("serializes") + "\n"
            })
            .collect();
        assert_eq!(sim.trace_jsonl(), expected);
    }
}

#[test]
fn scenarios_survive_a_trip_through_json() {
    let files = scenario_files();
    for (name, text) in &files {
        let scenario = Scenario::from_json(text).expect("valid");
        assert_eq!(
            Scenario::from_json(&scenario.to_json()).expect("compact"),
            scenario,
            "{name}"
        );
        assert_eq!(
            Scenario::from_json(&scenario.to_json_pretty()).expect("pretty"),
            scenario,
            "{name}"
        );
    }
    let bugs = [None, Some(UNSAFE_QUORUM)]
        .into_iter()
        .chain(Bugs::NAMES.iter().map(|b| Some(*b)));
    for bug in bugs {
        for seed in 0..300 {
            let scenario = scenario_for_seed(seed, bug);
            let again = Scenario::from_json(&scenario.to_json()).expect("swarm JSON reads back");
            assert_eq!(again, scenario, "seed {seed}, bug {bug:?}");
        }
    }
}

/// The quorum kinds the Quorums tab can put in a run: each round-trips through the scenario
/// format unchanged, and a run with it chooses a value over 50 seeds with loss, with no violation.
#[test]
fn threshold_grid_and_weighted_quorums_run_and_round_trip() {
    use serde_json::json;
    for quorum in [
        json!({"kind": "threshold", "read": 3, "write": 2}),
        json!({"kind": "grid", "rows": 2, "cols": 2}),
        json!({"kind": "weighted", "weights": [3, 1, 1, 1], "read": 4, "write": 3}),
        json!({"kind": "explicit", "read": [["a1", "a2"], ["a3", "a4"]], "write": [["a1", "a3"], ["a2", "a4"]]}),
    ] {
        for seed in 0..50 {
            let text = json!({
                "version": 1, "protocol": "paxos", "seed": seed,
                "cluster": {"proposers": 2, "acceptors": 4, "learners": 1},
                "network": {"delay_ticks_min": 1, "delay_ticks_max": 20, "loss": 0.1, "duplicate": 0.1},
                "quorum": quorum,
                "schedule": [{"at": 0, "propose": {"node": "p1", "value": "A"}},
                             {"at": 3, "propose": {"node": "p2", "value": "B"}}],
                "until_ticks": 3000,
            })
            .to_string();
            let scenario = Scenario::from_json(&text).unwrap_or_else(|e| panic!("{quorum}: {e}"));
            assert_eq!(Scenario::from_json(&scenario.to_json()).unwrap(), scenario);
            let sim = paxoscope::run_scenario(&text).unwrap();
            assert!(sim.violations().is_empty(), "{quorum} seed {seed}");
            assert!(
                sim.chosen().is_some(),
                "{quorum} seed {seed}: nothing chosen"
            );
        }
    }
}
