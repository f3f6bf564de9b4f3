//! The command-line tool, run as a user runs it: the built binary, its stdout, stderr and exit
//! code. Exit code 0 means it ran (violations are results, not failures); 2 means bad input.

use paxoscope::protocols::paxos::Scenario;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn paxoscope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_paxoscope"))
        .args(args)
        .output()
        .expect("the paxoscope binary runs")
}

fn scenario_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../scenarios")
        .join(format!("{name}.json"))
}

/// Writes `text` to a file of its own under the target folder and returns its path.
fn temporary_file(name: &str, text: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, text).expect("the target folder is writable");
    path
}

/// The JSON object the command printed, after checking that it succeeded.
fn json_output(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "exit {:?}, stderr: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("stdout is one JSON object")
}

#[test]
fn run_prints_the_outcome_with_the_library_trace_hash() {
    let path = scenario_path("happy-path");
    let output = json_output(&paxoscope(&["run", path.to_str().unwrap()]));
    assert_eq!(output["chosen"], "A");
    assert_eq!(output["decided"]["l1"], "A");
    assert_eq!(output["violations"], serde_json::json!([]));
    let text = std::fs::read_to_string(&path).unwrap();
    let sim = paxoscope::run_scenario(&text).expect("happy path is valid");
    assert_eq!(output["trace_hash"], format!("{:016x}", sim.trace_hash()));
    assert_eq!(output["events"], sim.events());
}

#[test]
fn run_writes_a_trace_with_one_line_per_event() {
    let path = scenario_path("happy-path");
    let trace = Path::new(env!("CARGO_TARGET_TMPDIR")).join("happy-path-trace.jsonl");
    let output = json_output(&paxoscope(&[
        "run",
        path.to_str().unwrap(),
        "--trace",
        trace.to_str().unwrap(),
    ]));
    let lines: Vec<Value> = std::fs::read_to_string(&trace)
        .expect("the trace was written")
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len() as u64, output["events"].as_u64().unwrap());
    assert_eq!(lines[0]["text"], "p1 was asked to propose \"A\"");
    assert!(lines.iter().any(|l| l["kind"] == "chosen"));
}

#[test]
fn run_reports_a_violation_and_still_exits_zero() {
    let path = scenario_path("bug-proposer-ignores-promised-value");
    let output = json_output(&paxoscope(&["run", path.to_str().unwrap()]));
    assert_eq!(output["violations"][0]["kind"], "agreement");
}

#[test]
fn run_rejects_a_malformed_scenario_naming_the_field() {
    let text = std::fs::read_to_string(scenario_path("happy-path"))
        .unwrap()
        .replace("\"delay_ticks_max\": 20", "\"delay_ticks_max\": 5");
    let path = temporary_file("malformed.json", &text);
    let output = paxoscope(&["run", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("network.delay_ticks_max"), "{stderr}");
    assert!(stderr.contains("malformed.json"), "{stderr}");
}

#[test]
fn bad_command_lines_exit_two() {
    for args in [
        vec![],
        vec!["fly"],
        vec!["run"],
        vec!["run", "/no/such/file.json"],
        vec!["swarm", "--seeds", "many"],
        vec!["swarm", "--seeds", "10", "--bug", "acceptor_sleeps"],
        vec!["check", "--max-states"],
    ] {
        let output = paxoscope(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(!output.stderr.is_empty(), "{args:?}");
    }
}

#[test]
fn swarm_runs_the_seeds_it_is_given() {
    let output = json_output(&paxoscope(&["swarm", "--seeds", "50"]));
    assert_eq!(output["runs"], 50);
    assert_eq!(output["violating_runs"], 0);
    assert_eq!(output["first_violation"], Value::Null);
    assert!(output["events"].as_u64().unwrap() > 50);
}

#[test]
fn swarm_with_a_bug_prints_a_replayable_scenario() {
    let output = json_output(&paxoscope(&[
        "swarm",
        "--seeds",
        "50",
        "--bug",
        "proposer_ignores_promised_value",
    ]));
    let first = &output["first_violation"];
    assert_eq!(first["kind"], "agreement");
    // The printed scenario is ordinary scenario JSON that replays the violation.
    let scenario = Scenario::from_json(&first["scenario"].to_string()).unwrap();
    assert_eq!(scenario.seed, first["seed"].as_u64().unwrap());
    let path = temporary_file("swarm-violation.json", &scenario.to_json());
    let replay = json_output(&paxoscope(&["run", path.to_str().unwrap()]));
    assert_eq!(replay["violations"][0]["kind"], "agreement");
}

#[test]
fn check_explores_a_small_scenario_completely() {
    let path = scenario_path("happy-path");
    let output = json_output(&paxoscope(&[
        "check",
        path.to_str().unwrap(),
        "--max-crashes",
        "0",
        "--max-drops",
        "1",
        "--max-duplicates",
        "0",
        "--max-rounds",
        "1",
    ]));
    assert_eq!(output["complete"], true);
    assert_eq!(output["violations"], serde_json::json!([]));
    assert_eq!(output["counterexample"], Value::Null);
    assert!(output["states"].as_u64().unwrap() > 100);
}

#[test]
fn check_says_when_it_stopped_before_seeing_every_state() {
    let path = scenario_path("happy-path");
    let path = path.to_str().unwrap();
    let cut_short = paxoscope(&["check", path, "--max-states", "50"]);
    let output = json_output(&cut_short);
    assert_eq!(output["complete"], false);
    assert_eq!(output["states"], 50);
    let stderr = String::from_utf8_lossy(&cut_short.stderr);
    assert!(stderr.contains("stopped at --max-states 50"), "{stderr}");
    // A search that finishes says nothing more.
    let bounds = [
        "--max-crashes",
        "0",
        "--max-drops",
        "0",
        "--max-duplicates",
        "0",
        "--max-rounds",
        "1",
    ];
    let finished = paxoscope(&[&["check", path][..], &bounds[..]].concat());
    assert_eq!(json_output(&finished)["complete"], true);
    assert!(finished.stderr.is_empty());
}

#[test]
fn check_returns_a_counterexample_the_run_command_replays() {
    let text = std::fs::read_to_string(scenario_path("bug-learner-counts-duplicates")).unwrap();
    let path = temporary_file("check-learner.json", &text);
    let output = json_output(&paxoscope(&[
        "check",
        path.to_str().unwrap(),
        "--max-crashes",
        "0",
        "--max-drops",
        "0",
        "--max-duplicates",
        "1",
        "--max-rounds",
        "1",
    ]));
    assert_eq!(output["violations"][0]["kind"], "learned_not_chosen");
    let counterexample = serde_json::to_string(&output["counterexample"]).unwrap();
    let path = temporary_file("counterexample.json", &counterexample);
    let replay = json_output(&paxoscope(&["run", path.to_str().unwrap()]));
    assert_eq!(replay["violations"][0]["kind"], "learned_not_chosen");
}

fn history_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/histories")
        .join(format!("{name}.json"))
}

#[test]
fn lin_prints_one_line_per_history() {
    let good = history_path("handmade_h02_concurrent_reads_old_then_new");
    let bad = history_path("handmade_h01_stale_read");
    let output = paxoscope(&["lin", good.to_str().unwrap(), bad.to_str().unwrap()]);
    assert!(output.status.success(), "{output:?}");
    let lines: Vec<Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["file"], good.to_str().unwrap());
    assert_eq!(lines[0]["linearizable"], true);
    assert_eq!(lines[0]["ops"], 3);
    assert_eq!(lines[0].get("explanation"), None);
    assert!(lines[0]["seconds"].as_f64().unwrap() >= 0.0);
    assert_eq!(lines[1]["linearizable"], false);
    assert_eq!(
        lines[1]["explanation"],
        "c1's read returned nil after c0's write(1) had completed, and nothing wrote nil since."
    );
}

#[test]
fn lin_says_null_when_it_gave_up() {
    let path = history_path("etcd_002");
    let output = json_output(&paxoscope(&[
        "lin",
        path.to_str().unwrap(),
        "--max-steps",
        "10",
    ]));
    assert_eq!(output["linearizable"], Value::Null);
    let explanation = output["explanation"].as_str().unwrap();
    assert!(
        explanation.starts_with("unknown: gave up after 10 steps"),
        "{explanation}"
    );
}

#[test]
fn lin_rejects_a_malformed_history_naming_the_file_and_field() {
    let text = std::fs::read_to_string(history_path("handmade_h01_stale_read"))
        .unwrap()
        .replace("\"return\": 3", "\"return\": 1");
    let path = temporary_file("malformed-history.json", &text);
    let good = history_path("handmade_h02_concurrent_reads_old_then_new");
    let output = paxoscope(&["lin", good.to_str().unwrap(), path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    // Nothing is checked when any file is bad.
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with(&format!(
            "paxoscope: {}: ops[1].return: must not be before call (2)",
            path.display()
        )),
        "{stderr}"
    );
    for args in [
        vec!["lin"],
        vec!["lin", "/no/such/history.json"],
        vec!["lin", good.to_str().unwrap(), "--max-steps", "many"],
        vec!["lin", good.to_str().unwrap(), "--max-states", "5"],
    ] {
        let output = paxoscope(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(!output.stderr.is_empty(), "{args:?}");
    }
    let garbage = temporary_file("garbage-history.json", &"{[\u{1}".repeat(1_000_000));
    let output = paxoscope(&["lin", garbage.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not valid JSON"));
}

#[test]
fn montecarlo_estimates_and_offers_an_undecided_run_that_replays_undecided() {
    let scenario = temporary_file(
        "montecarlo.json",
        r#"{"version": 1, "protocol": "paxos", "seed": 3,
            "cluster": {"proposers": 1, "acceptors": 3, "learners": 1},
            "schedule": [{"at": 0, "propose": {"node": "p1", "value": "A"}}],
            "until_ticks": 800}"#,
    );
    let path = scenario.to_str().unwrap();
    let output = json_output(&paxoscope(&[
        "montecarlo",
        path,
        "--runs",
        "500",
        "--p",
        "0.3",
        "--points",
        "4",
    ]));
    assert_eq!(output["runs"], 500);
    assert_eq!(output["failure"], "start");
    assert_eq!(output["horizon_ticks"], 800);
    let curve = output["curve"].as_array().unwrap();
    assert_eq!(curve.len(), 5);
    assert_eq!(curve[4]["tick"], 800);
    assert_eq!(curve[4]["decided"], output["decided"]);
    // Three acceptors at p = 0.3 keep a majority with probability 0.784.
    let (low, high) = (
        output["decided_low"].as_f64().unwrap(),
        output["decided_high"].as_f64().unwrap(),
    );
    assert!(low <= 0.784 && 0.784 <= high, "{output}");
    assert!((output["quorums_up_exact"].as_f64().unwrap() - 0.784).abs() < 1e-12);
    let replay = serde_json::to_string(&output["first_undecided_scenario"]).unwrap();
    let replay = temporary_file("montecarlo-undecided.json", &replay);
    let run = json_output(&paxoscope(&["run", replay.to_str().unwrap()]));
    assert_eq!(run["chosen"], Value::Null);
    // Seven acceptors at p = 0.3 keep a majority more often: 0.874.
    let seven = json_output(&paxoscope(&[
        "montecarlo",
        path,
        "--runs",
        "500",
        "--p",
        "0.3",
        "--acceptors",
        "7",
    ]));
    let (low, high) = (
        seven["decided_low"].as_f64().unwrap(),
        seven["decided_high"].as_f64().unwrap(),
    );
    assert!(low <= 0.874 && 0.874 <= high, "{seven}");

    for (args, message) in [
        (vec!["--p", "2"], "--p takes a probability between 0 and 1"),
        (vec!["--runs", "0"], "--runs: 0 is not between 1 and"),
        (
            vec!["--failure", "late"],
            "--failure takes start or uniform",
        ),
        (vec!["--points", "0"], "--points must be between 1 and 1000"),
        (vec!["--acceptors", "0"], "with --acceptors 0: cluster"),
    ] {
        let output = paxoscope(&[&["montecarlo", path][..], &args].concat());
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
}

#[test]
fn quorum_analyses_a_system_and_rejects_bad_ones_naming_the_field() {
    let system = temporary_file("grid.json", r#"{"kind": "grid", "rows": 3, "cols": 3}"#);
    let output = json_output(&paxoscope(&[
        "quorum",
        system.to_str().unwrap(),
        "--p",
        "0.5",
        "--read-fraction",
        "0.25",
    ]));
    assert_eq!(output["nodes"].as_array().unwrap().len(), 9);
    assert_eq!(
        output["read_quorums"][0],
        serde_json::json!(["n1", "n2", "n3"])
    );
    assert_eq!(output["write_quorums"].as_array().unwrap().len(), 27);
    assert_eq!(output["reads_meet_writes"], true);
    assert_eq!(output["writes_meet_writes"], false);
    assert_eq!(output["resilience"], 2);
    // A d×d grid's load is 1/d at any read fraction.
    assert!((output["load"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-6);
    assert!((output["capacity"].as_f64().unwrap() - 3.0).abs() < 1e-5);
    // Some row fully up: 1 - (1 - 1/8)^3; every row with one up: (1 - 1/8)^3.
    let read = 1.0 - (7.0f64 / 8.0).powi(3);
    assert!((output["availability"]["read"].as_f64().unwrap() - read).abs() < 1e-12);
    assert!(
        (output["availability"]["write"].as_f64().unwrap() - (7.0f64 / 8.0).powi(3)).abs() < 1e-12
    );
    let loads = output["strategy"]["node_loads"].as_array().unwrap();
    assert!(loads
        .iter()
        .all(|l| l.as_f64().unwrap() <= output["load"].as_f64().unwrap() + 1e-12));

    for (text, args, message) in [
        (
            r#"{"kind": "grid", "rows": 0, "cols": 3}"#,
            vec![],
            "rows: a grid needs at least one",
        ),
        (
            r#"{"kind": "weighted", "weights": [1, 2], "read": 4, "write": 1}"#,
            vec![],
            "read: no set of nodes has weight 4",
        ),
        (
            r#"{"kind": "majority", "nodes": 16}"#,
            vec![],
            "nodes: 16 nodes is too many",
        ),
        (
            r#"{"kind": "majority", "nodes": 3}"#,
            vec!["--p", "1.5"],
            "--p: 1.5 is not a probability",
        ),
        (
            r#"{"kind": "majority", "nodes": 3}"#,
            vec!["--read-fraction", "2"],
            "--read-fraction: 2 is not a fraction",
        ),
    ] {
        let bad = temporary_file("bad-system.json", text);
        let output = paxoscope(&[&["quorum", bad.to_str().unwrap()][..], &args].concat());
        assert_eq!(output.status.code(), Some(2), "{text}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(message), "{text}: {stderr}");
    }
}
