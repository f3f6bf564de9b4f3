//! The linearizability checker: the known verdicts of the shared histories, hand-made
//! mutations of them whose verdicts are reasoned out below, the semantics of unknown outcomes,
//! malformed input, and the work bound.

use paxoscope::check::history::{Action, Model, Operation, Output, Value};
use paxoscope::check::{check, History, Verdict, Violation, STEPS_MAX_DEFAULT};
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
        let name = path.display();
        let history = History::from_json(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let report = check(&history, STEPS_MAX_DEFAULT);
        match (&report.verdict, history.expected) {
            (Verdict::Linearizable { order }, Some(true)) => {
                assert!(is_linearization(&history, order), "{name}: {order:?}");
            }
            (Verdict::NotLinearizable(violation), Some(false)) => {
                assert!(violation.prefix_len <= history.ops.len(), "{name}");
                assert!(history.ops[violation.op].return_time.is_some(), "{name}");
                let client = format!("c{}'s ", history.ops[violation.op].client);
                assert!(
                    violation.explanation.starts_with(&client),
                    "{name}: {}",
                    violation.explanation
                );
            }
            (verdict, expected) => panic!(
                "{name}: expected {expected:?}, found {verdict:?} after {} steps",
                report.steps
            ),
        }
    }
}

/// The history in `json` as the checker sees it.
fn history(json: &str) -> History {
    History::from_json(json).unwrap_or_else(|e| panic!("{e}: {json}"))
}

fn verdict(json: &str) -> Verdict {
    check(&history(json), STEPS_MAX_DEFAULT).verdict
}

fn is_linearizable(json: &str) -> bool {
    match verdict(json) {
        Verdict::Linearizable { .. } => true,
        Verdict::NotLinearizable(_) => false,
        Verdict::Unknown => panic!("gave up on {json}"),
    }
}

/// The violation the checker finds in `json`, which must not be linearizable.
fn violation(json: &str) -> Violation {
    match verdict(json) {
        Verdict::NotLinearizable(violation) => violation,
        other => panic!("{other:?} for {json}"),
    }
}

/// A register history from `(client, op, input, output, call, return)` rows.
fn register(ops: &[&str]) -> String {
    let ops: Vec<String> = ops
        .iter()
        .map(|row| {
            let fields: Vec<&str> = row.split(';').map(str::trim).collect();
            let [client, op, input, output, call, returned] = fields[..] else {
                panic!("six fields in {row}");
            };
            format!(
                r#"{{"client": {client}, "op": "{op}", "input": {input}, "output": {output}, "call": {call}, "return": {returned}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"model": "register", "init": "nil", "ops": [{}]}}"#,
        ops.join(", ")
    )
}

/// A shared history's JSON, to mutate.
fn shared(name: &str) -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/histories")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("the shared history {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// A shared history with operations added at the end, after everything else.
fn with_ops_after(name: &str, ops: &[serde_json::Value]) -> String {
    let mut history = shared(name);
    let end = history["ops"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|op| op["return"].as_u64().or(op["call"].as_u64()))
        .max()
        .unwrap();
    for (i, op) in ops.iter().enumerate() {
        let mut op = op.clone();
        op["call"] = (end + 1 + 2 * i as u64).into();
        op["return"] = (end + 2 + 2 * i as u64).into();
        history["ops"].as_array_mut().unwrap().push(op);
    }
    history.to_string()
}

fn write(client: u64, value: i64) -> serde_json::Value {
    serde_json::json!({"client": client, "op": "write", "input": value, "output": "ok"})
}

fn read(client: u64, value: i64) -> serde_json::Value {
    serde_json::json!({"client": client, "op": "read", "input": null, "output": value})
}

// Mutations of the shared histories. Each says why its verdict is what it is.

#[test]
fn a_write_and_its_read_after_a_linearizable_history_keep_it_linearizable() {
    // etcd_100 is linearizable. A write of 99 after all of it, then a read of 99: the
    // operations that never returned (writes and cas of 0 to 4) may all take effect before
    // the new write, or not at all, and the read sees the write just before it.
    let json = with_ops_after("etcd_100.json", &[write(100, 99), read(101, 99)]);
    assert!(is_linearizable(&json));
}

#[test]
fn a_read_of_a_value_nobody_wrote_is_the_operation_that_cannot_be_placed() {
    // The same, but the read returns 77, which nothing in the history writes: the prefix up
    // to the read's return fails, and nothing before it does.
    let json = with_ops_after("etcd_100.json", &[write(100, 99), read(101, 77)]);
    let found = violation(&json);
    let ops = history(&json).ops.len();
    assert_eq!(found.op, ops - 1);
    assert_eq!(found.prefix_len, ops);
    assert_eq!(
        found.explanation,
        "c101's read returned 77, but nothing wrote 77 before it returned."
    );
}

#[test]
fn a_stale_read_after_two_writes_is_not_linearizable() {
    // write(99), then write(98), then a read of 99: once write(98) has completed, only a write
    // of 99 could bring 99 back, and the only one completed before write(98) began. The
    // pending operations of etcd_100 write 0 to 4 only.
    let json = with_ops_after(
        "etcd_100.json",
        &[write(100, 99), write(101, 98), read(102, 99)],
    );
    let found = violation(&json);
    assert_eq!(
        found.explanation,
        "c102's read returned 99 after c101's write(98) had completed, and nothing wrote 99 since."
    );
    assert_eq!(found.conflicts, vec![history(&json).ops.len() - 2]);
}

#[test]
fn a_stale_read_becomes_linearizable_when_the_write_never_returned() {
    // h01: write(1) completes, then a read sees nil. If the write never returned, it may take
    // effect after the read (or never), so the read of nil is fine.
    let mut json = shared("handmade_h01_stale_read.json");
    assert!(!is_linearizable(&json.to_string()));
    json["ops"][0]["return"] = serde_json::Value::Null;
    json["ops"][0]["output"] = serde_json::Value::Null;
    assert!(is_linearizable(&json.to_string()));
}

#[test]
fn a_stale_read_becomes_linearizable_when_the_write_timed_out() {
    // h01 again, but the write returned with an unknown output (it timed out): it may not have
    // taken effect at all, so the read of nil is fine.
    let mut json = shared("handmade_h01_stale_read.json");
    json["ops"][0]["output"] = serde_json::Value::Null;
    assert!(is_linearizable(&json.to_string()));
}

#[test]
fn flipping_a_failed_cas_to_success_makes_two_swaps_from_one_value() {
    // h05: write(1); cas(1,2)->true and cas(1,3)->false overlap; read->2. If cas(1,3) also
    // succeeded, both would need to find 1, and nothing writes 1 again after the first swap.
    let mut json = shared("handmade_h05_cas_chain.json");
    assert!(is_linearizable(&json.to_string()));
    json["ops"][2]["output"] = true.into();
    assert!(!is_linearizable(&json.to_string()));
}

#[test]
fn flipping_a_successful_cas_to_failure_contradicts_the_write_before_it() {
    // h05 with cas(1,2) failed instead: both cas now failed, so neither found 1, but write(1)
    // completed before either began and nothing else writes, so the register held 1.
    let mut json = shared("handmade_h05_cas_chain.json");
    json["ops"][1]["output"] = false.into();
    let found = violation(&json.to_string());
    assert_eq!(found.op, 1);
    assert_eq!(found.conflicts, vec![0]);
    assert_eq!(
        found.explanation,
        "c1's cas(1, 2) failed, so the register did not hold 1; but c0's write(1) had left 1 \
         there before it was called, and nothing wrote another value since."
    );
}

#[test]
fn swapping_two_reads_that_do_not_overlap_inverts_new_and_old() {
    // h02: inside a long write(1), a read sees nil and a later one sees 1: linearizable. Swap
    // the two reads' intervals and the earlier read sees 1 and the later nil (h03): once the
    // new value has been seen, the old one cannot come back.
    let mut json = shared("handmade_h02_concurrent_reads_old_then_new.json");
    assert!(is_linearizable(&json.to_string()));
    let (first, second) = (json["ops"][1].clone(), json["ops"][2].clone());
    for (target, source) in [(1, &second), (2, &first)] {
        json["ops"][target]["call"] = source["call"].clone();
        json["ops"][target]["return"] = source["return"].clone();
    }
    let found = violation(&json.to_string());
    assert_eq!(found.op, 1);
    assert_eq!(
        found.explanation,
        "c1's read returned nil, but c2's read had already returned 1, and nothing wrote nil since."
    );
}

#[test]
fn making_the_inverted_reads_overlap_makes_them_linearizable() {
    // h03 with the second read called before the first returned: two overlapping reads may be
    // ordered either way, so nil then 1 works.
    let mut json = shared("handmade_h03_new_old_inversion.json");
    json["ops"][2]["call"] = 1.into();
    json["ops"][1]["call"] = 2.into();
    json["ops"][1]["return"] = 3.into();
    assert!(is_linearizable(&json.to_string()));
}

#[test]
fn a_double_cas_is_fine_when_one_outcome_is_unknown() {
    // h06: two overlapping cas(0,1) and cas(0,2) both succeed: impossible. If the second's
    // output is unknown, it may not have taken effect, or may have failed to swap.
    let mut json = shared("handmade_h06_double_cas.json");
    let found = violation(&json.to_string());
    assert!(
        found.explanation.contains("no order of"),
        "{}",
        found.explanation
    );
    json["ops"][2]["output"] = serde_json::Value::Null;
    assert!(is_linearizable(&json.to_string()));
}

#[test]
fn an_unknown_cas_can_write_when_its_from_value_is_there() {
    // h09: a pending cas(2,5) cannot write 5, since the register never holds 2. Make it
    // cas(1,5) and it can: the register holds 1 after write(1).
    let mut json = shared("handmade_h09_unknown_cas_compare_fails.json");
    let found = violation(&json.to_string());
    assert_eq!(
        found.explanation,
        "c2's read returned 5, but nothing wrote 5 before it returned: c1's cas(2, 5) swaps \
         only if the register holds 2, and nothing wrote 2."
    );
    json["ops"][1]["input"] = serde_json::json!([1, 5]);
    assert!(is_linearizable(&json.to_string()));
}

#[test]
fn a_kv_get_of_a_value_appended_later_is_not_linearizable() {
    // k01: key y is read as "" and later appended "z". Read "z" before the append was called
    // and nothing could have put it there yet. Key x stays linearizable, which does not help.
    let mut json = shared("handmade_k01_kv_concurrent_appends.json");
    assert!(is_linearizable(&json.to_string()));
    json["ops"][4]["output"] = "z".into();
    let found = violation(&json.to_string());
    assert_eq!(found.op, 4);
    assert_eq!(
        found.explanation,
        "c4's get(y) returned \"z\", but nothing wrote \"z\" before it returned."
    );
}

#[test]
fn a_kv_append_order_is_fixed_by_the_first_get_that_sees_it() {
    // k01: appends "b" and "c" overlap; a get sees "acb", so "c" went first. A later get that
    // sees "abc" contradicts it: nothing writes x after both appends have completed.
    let mut json = shared("handmade_k01_kv_concurrent_appends.json");
    json["ops"][5]["output"] = "abc".into();
    let found = violation(&json.to_string());
    assert_eq!(found.op, 5);
}

#[test]
fn kv_cas_swaps_only_from_its_value() {
    let kv = |rows: &str| format!(r#"{{"model": "kv", "init": "", "ops": [{rows}]}}"#);
    let put = r#"{"client": 0, "key": "x", "op": "put", "input": "a", "output": "ok", "call": 0, "return": 1}"#;
    let cas = |output: &str| {
        format!(
            r#"{{"client": 1, "key": "x", "op": "cas", "input": ["a", "b"], "output": {output}, "call": 2, "return": 3}}"#
        )
    };
    let get = |value: &str| {
        format!(
            r#"{{"client": 2, "key": "x", "op": "get", "input": null, "output": "{value}", "call": 4, "return": 5}}"#
        )
    };
    assert!(is_linearizable(&kv(
        &[put, &cas("true"), &get("b")].join(",")
    )));
    assert!(!is_linearizable(&kv(
        &[put, &cas("true"), &get("a")].join(",")
    )));
    assert!(!is_linearizable(&kv(
        &[put, &cas("false"), &get("a")].join(",")
    )));
    let found = violation(&kv(&[put, &cas("true"), &get("a")].join(",")));
    assert_eq!(
        found.explanation,
        "c2's get(x) returned \"a\" after c1's cas(x, \"a\", \"b\") had completed, and nothing \
         wrote \"a\" since."
    );
}

#[test]
fn kv_keys_are_checked_apart_and_the_earliest_failure_is_reported() {
    // Key x fails at time 5 and key y at time 3: the smallest failing prefix is y's.
    let json = r#"{"model": "kv", "init": "", "ops": [
        {"client": 0, "key": "x", "op": "put", "input": "a", "output": "ok", "call": 0, "return": 1},
        {"client": 1, "key": "y", "op": "get", "input": null, "output": "q", "call": 2, "return": 3},
        {"client": 0, "key": "x", "op": "get", "input": null, "output": "", "call": 4, "return": 5}]}"#;
    let found = violation(json);
    assert_eq!(found.op, 1);
    assert_eq!(found.prefix_len, 2);
}

#[test]
fn the_linearization_of_a_kv_history_respects_real_time_across_keys() {
    let json = r#"{"model": "kv", "init": "", "ops": [
        {"client": 0, "key": "y", "op": "put", "input": "1", "output": "ok", "call": 10, "return": 11},
        {"client": 1, "key": "x", "op": "put", "input": "2", "output": "ok", "call": 0, "return": 1},
        {"client": 2, "key": "x", "op": "get", "input": null, "output": "2", "call": 2, "return": 12},
        {"client": 3, "key": "y", "op": "get", "input": null, "output": "1", "call": 13, "return": 14}]}"#;
    let Verdict::Linearizable { order } = verdict(json) else {
        panic!("linearizable");
    };
    assert_eq!(order, vec![1, 2, 0, 3]);
    assert!(is_linearization(&history(json), &order));
}

// The semantics of unknown outcomes, as the shared README gives them.

#[test]
fn a_write_that_never_returned_may_take_effect_any_time_after_its_call() {
    // write(2) never returned: it may take effect after write(3) completed, so a read of 2
    // then is fine.
    let json = register(&[
        "0; write; 2; null; 0; null",
        "1; write; 3; \"ok\"; 1; 2",
        "1; read; null; 2; 3; 4",
    ]);
    assert!(is_linearizable(&json));
}

#[test]
fn a_write_that_timed_out_took_effect_before_its_return_or_never() {
    // write(2) returned at 2 with an unknown output: if it took effect, it did so by 2. It
    // overlaps write(3), so it may come after it, and a read of 2 afterwards is fine. When
    // write(2) returned before write(3) was called, write(3) overwrote it (or it never took
    // effect), and the read of 2 cannot be explained.
    let overlapping = register(&[
        "0; write; 2; null; 0; 2",
        "1; write; 3; \"ok\"; 1; 2",
        "1; read; null; 2; 3; 4",
    ]);
    assert!(is_linearizable(&overlapping));
    let before = register(&[
        "0; write; 2; null; 0; 1",
        "1; write; 3; \"ok\"; 2; 3",
        "1; read; null; 2; 4; 5",
    ]);
    assert_eq!(violation(&before).op, 2);
}

#[test]
fn a_write_that_never_returned_need_never_take_effect() {
    let json = register(&[
        "0; write; 1; null; 0; null",
        "1; read; null; \"nil\"; 1; 2",
        "1; read; null; \"nil\"; 100; 101",
    ]);
    assert!(is_linearizable(&json));
}

#[test]
fn a_read_with_an_unknown_output_constrains_nothing() {
    // After write(1) completed, a read of nil is stale; with its output unknown it says
    // nothing, whether it returned or not, and whatever output a read that never returned
    // claims.
    let stale = register(&["0; write; 1; \"ok\"; 0; 1", "1; read; null; \"nil\"; 2; 3"]);
    assert!(!is_linearizable(&stale));
    let unknown = register(&["0; write; 1; \"ok\"; 0; 1", "1; read; null; null; 2; 3"]);
    assert!(is_linearizable(&unknown));
    let never = register(&["0; write; 1; \"ok\"; 0; 1", "1; read; null; 7; 2; null"]);
    assert!(is_linearizable(&never));
}

#[test]
fn a_cas_that_never_returned_swaps_only_if_the_register_held_its_from_value() {
    let json = |from: i64| {
        register(&[
            "0; write; 1; \"ok\"; 0; 1",
            &format!("1; cas; [{from}, 5]; null; 2; null"),
            "2; read; null; 5; 3; 4",
            "2; read; null; 5; 5; 6",
        ])
    };
    assert!(is_linearizable(&json(1)));
    assert!(!is_linearizable(&json(2)));
}

#[test]
fn a_failed_cas_ran_and_found_another_value() {
    // cas(nil, 1) returned false, so it ran when the register held something other than nil:
    // only write(2), concurrent with it, can have been before it.
    let fine = register(&[
        "0; write; 2; \"ok\"; 0; 3",
        "1; cas; [\"nil\", 1]; false; 1; 2",
    ]);
    assert!(is_linearizable(&fine));
    let alone = register(&["1; cas; [\"nil\", 1]; false; 1; 2"]);
    let found = violation(&alone);
    assert_eq!(
        found.explanation,
        "c1's cas(nil, 1) failed, but the register still held its initial value, nil: nothing \
         wrote another value before it returned."
    );
}

#[test]
fn a_client_may_move_on_from_an_operation_that_never_returned() {
    // Client 0's write(1) never returned, and the client went on to read nil: the write may
    // take effect later, or never.
    let json = register(&["0; write; 1; null; 0; null", "0; read; null; \"nil\"; 1; 2"]);
    assert!(is_linearizable(&json));
}

#[test]
fn an_empty_history_and_one_of_only_pending_operations_are_linearizable() {
    assert!(is_linearizable(&register(&[])));
    assert!(is_linearizable(&register(&[
        "0; write; 1; null; 0; null",
        "1; cas; [1, 2]; null; 1; null",
    ])));
}

// Malformed input gets an error that names the field, never a panic.

fn error(json: &str) -> String {
    match History::from_json(json) {
        Ok(history) => panic!("accepted {history:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn malformed_histories_get_errors_that_name_the_field() {
    let op = |body: &str| format!(r#"{{"model": "register", "init": "nil", "ops": [{body}]}}"#);
    let good = r#"{"client": 0, "op": "read", "input": null, "output": 1, "call": 2, "return": 3}"#;
    for (json, message) in [
        (r#"{"init": "nil", "ops": []}"#.to_string(), "missing field `model`"),
        (r#"{"model": "queue", "ops": []}"#.to_string(), "model: unknown variant `queue`, expected `register` or `kv`"),
        (r#"{"model": "register"}"#.to_string(), "missing field `ops`"),
        (r#"{"model": "register", "ops": {}}"#.to_string(), "ops: invalid type: map, expected a sequence"),
        (r#"{"model": "register", "ops": [], "extra": 1}"#.to_string(), "extra: unknown field `extra`"),
        (r#"{"model": "register", "ops": [], "expected": "yes"}"#.to_string(), "expected: unknown variant `yes`"),
        (op(r#"{"client": 0, "op": "read", "input": null, "output": 1, "return": 3}"#), "ops[0]: missing field `call`"),
        (op(r#"{"client": 0, "op": "read", "input": null, "output": 1, "call": 2}"#), "ops[0]: missing field `return`"),
        (op(&format!(r#"{good}, {{"client": 1, "op": "read", "input": null, "output": 1, "call": 12, "return": 10}}"#)), "ops[1].return: must not be before call (12), but is 10"),
        (op(r#"{"client": 0, "op": "get", "input": null, "output": 1, "call": 2, "return": 3}"#), "ops[0].op: unknown variant `get`, expected one of `read`, `write`, `cas` (the register model)"),
        (op(r#"{"client": 0, "key": "x", "op": "read", "input": null, "output": 1, "call": 2, "return": 3}"#), "ops[0].key: a register has no keys"),
        (op(r#"{"client": "a", "op": "read", "input": null, "output": 1, "call": 2, "return": 3}"#), "ops[0].client: invalid type: string \"a\", expected u64"),
        (op(r#"{"client": 0, "op": "read", "input": null, "output": 1, "call": -2, "return": 3}"#), "ops[0].call: invalid value: integer `-2`, expected u64"),
        (op(r#"{"client": 0, "op": "read", "input": null, "output": 1.5, "call": 2, "return": 3}"#), "ops[0].output: invalid type: floating point `1.5`"),
        (op(r#"{"client": 0, "op": "write", "input": true, "output": "ok", "call": 2, "return": 3}"#), "ops[0].input: invalid type: boolean `true`"),
        (op(r#"{"client": 0, "op": "write", "input": 1, "output": 5, "call": 2, "return": 3}"#), "ops[0].output: invalid type: integer `5`, expected \"ok\" or null"),
        (op(r#"{"client": 0, "op": "cas", "input": [1], "output": true, "call": 2, "return": 3}"#), "ops[0].input: expected an array of two, [from, to], not of 1"),
        (op(r#"{"client": 0, "op": "cas", "input": [1, 2], "output": "ok", "call": 2, "return": 3}"#), "ops[0].output: invalid type: string \"ok\", expected a boolean or null"),
        (op(r#"{"client": 0, "op": "read", "input": 4, "output": 1, "call": 2, "return": 3}"#), "ops[0].input: invalid type: integer `4`, expected null"),
        (op(r#"{"client": 0, "op": "read", "input": null, "output": 1, "call": 2, "return": 3, "retrun": 4}"#), "ops[0].retrun: unknown field `retrun`"),
        (op(&format!(r#"{good}, {{"client": 0, "op": "read", "input": null, "output": 1, "call": 2, "return": 4}}"#)), "ops[1].call: client 0 called this at 2 while its operation ops[0] was still running (it returned at 3)"),
        (op("[]"), "ops[0]: invalid type: sequence, expected an object"),
        (r#"{"model": "kv", "ops": [{"client": 0, "op": "get", "input": null, "output": "", "call": 2, "return": 3}]}"#.to_string(), "ops[0]: missing field `key`"),
        (r#"{"model": "kv", "ops": [{"client": 0, "key": "x", "op": "read", "input": null, "output": "", "call": 2, "return": 3}]}"#.to_string(), "ops[0].op: unknown variant `read`, expected one of `get`, `put`, `append`, `cas` (the kv model)"),
        (r#"{"model": "kv", "ops": [{"client": 0, "key": "x", "op": "put", "input": 3, "output": "ok", "call": 2, "return": 3}]}"#.to_string(), "ops[0].input: invalid type: integer `3`, expected a string"),
        (r#"{"model": "register", "ops": [1, 2"#.to_string(), "this is not valid JSON (EOF while parsing a list"),
        (String::new(), "this is not valid JSON (EOF while parsing a value, at byte 0)"),
        ("[]".to_string(), "invalid type: sequence, expected an object"),
    ] {
        let found = error(&json);
        assert!(found.starts_with(message) || found.contains(message), "{json}\n  gave: {found}\n  not: {message}");
    }
}

#[test]
fn five_megabytes_of_garbage_and_deep_nesting_get_errors_not_panics() {
    let mut cases = Cases(3);
    let garbage: String = (0..5_000_000)
        .map(|_| char::from(b' ' + cases.below(95) as u8))
        .collect();
    assert!(error(&garbage).contains("not valid JSON"));
    // Garbage behind a good start, inside the ops.
    let behind = format!(r#"{{"model": "register", "ops": [{garbage}"#);
    assert!(
        error(&behind).starts_with("ops"),
        "{}",
        &error(&behind)[..80]
    );
    let deep = format!(r#"{{"model": "register", "ops": {}"#, "[".repeat(1_000_000));
    assert!(error(&deep).contains("recursion limit exceeded"));
    // Five megabytes of valid JSON that is not a history.
    let numbers = format!("[{}1]", "1,".repeat(2_500_000));
    assert_eq!(
        error(&numbers),
        "invalid type: sequence, expected an object"
    );
}

#[test]
fn a_history_written_out_reads_back_the_same() {
    for path in shared_histories() {
        let original = history(&std::fs::read_to_string(&path).unwrap());
        let text = original.to_json();
        // What the writer writes is JSON, as serde_json reads it.
        serde_json::from_str::<serde_json::Value>(&text).expect("valid JSON");
        assert_eq!(
            History::from_json(&text),
            Ok(original),
            "{}",
            path.display()
        );
    }
}

// The work bound.

/// Many overlapping writes of distinct values and a read of a value none of them writes: the
/// search must try every order of the writes to be sure, about 2^n configurations.
fn adversarial(writes: usize) -> String {
    let mut rows: Vec<String> = (0..writes)
        .map(|i| format!("{i}; write; {i}; \"ok\"; {i}; {}", 10 * writes + i))
        .collect();
    rows.push(format!(
        "{writes}; read; null; 7777; {}; {}",
        writes,
        20 * writes
    ));
    register(&rows.iter().map(String::as_str).collect::<Vec<_>>())
}

#[test]
fn the_search_gives_up_at_its_step_bound() {
    let history = history(&adversarial(60));
    let report = check(&history, 1000);
    assert_eq!(report.verdict, Verdict::Unknown);
    assert_eq!(report.steps, 1000);
    // A search that needs exactly its bound finishes.
    let easy = self::history(&shared("handmade_h05_cas_chain.json").to_string());
    let needed = check(&easy, STEPS_MAX_DEFAULT).steps;
    assert!(matches!(
        check(&easy, needed).verdict,
        Verdict::Linearizable { .. }
    ));
    assert_eq!(check(&easy, needed - 1).verdict, Verdict::Unknown);
    // A kv store shares the bound among its keys.
    let kv: Vec<String> = (0..4)
        .map(|key| {
            let ops: Vec<String> = (0..30)
                .map(|i| format!(r#"{{"client": {}, "key": "{key}", "op": "put", "input": "{i}", "output": "ok", "call": {i}, "return": {}}}"#, key * 100 + i, 100 + i))
                .chain([format!(r#"{{"client": {}, "key": "{key}", "op": "get", "input": null, "output": "none", "call": 31, "return": 200}}"#, key * 100 + 99)])
                .collect();
            ops.join(",")
        })
        .collect();
    let json = format!(r#"{{"model": "kv", "ops": [{}]}}"#, kv.join(","));
    let report = check(&History::from_json(&json).unwrap(), 5000);
    assert_eq!(report.verdict, Verdict::Unknown);
    assert!(report.steps <= 5000, "{}", report.steps);
}

#[test]
fn a_small_adversarial_history_is_answered_within_the_default_bound() {
    // Twelve overlapping writes: about 12 * 2^12 configurations, well within the bound.
    let found = violation(&adversarial(12));
    assert_eq!(found.op, 12);
    assert!(found
        .explanation
        .starts_with("c12's read returned 7777, but nothing wrote 7777"));
}

/// Whether `order` is a linearization of `history`: every operation with a known outcome is in
/// it once, it respects real time, and replaying it on the register or per key gives every
/// known output.
fn is_linearization(history: &History, order: &[usize]) -> bool {
    let mut seen = vec![false; history.ops.len()];
    for &i in order {
        if std::mem::replace(&mut seen[i], true) {
            return false;
        }
    }
    let complete = |i: usize| history.ops[i].known_output().is_some();
    if (0..history.ops.len()).any(|i| complete(i) && !seen[i]) {
        return false;
    }
    for (at, &a) in order.iter().enumerate() {
        for &b in &order[at + 1..] {
            if history.ops[b]
                .return_time
                .is_some_and(|r| r < history.ops[a].call)
            {
                return false;
            }
        }
    }
    let mut states: std::collections::HashMap<Option<String>, Value> = Default::default();
    order.iter().all(|&i| {
        let op = &history.ops[i];
        let state = states.entry(op.key.clone()).or_insert(history.init.clone());
        step(state, op)
    })
}

/// Applies `op` to `state` as the README says; false when its known output is impossible.
fn step(state: &mut Value, op: &Operation) -> bool {
    let output = op.known_output();
    match (&op.action, output) {
        (Action::Read, Some(Output::Value(v))) => v == state,
        (Action::Read, _) => true,
        (Action::Write(v), _) => {
            *state = v.clone();
            true
        }
        (Action::Append(s), _) => {
            let Value::Text(text) = state else {
                return false;
            };
            text.push_str(s);
            true
        }
        (Action::Cas { from, to }, output) => {
            let holds = state == from;
            if holds && output != Some(&Output::Swapped(false)) {
                *state = to.clone();
            }
            match output {
                Some(Output::Swapped(swapped)) => *swapped == holds,
                _ => true,
            }
        }
    }
}

/// The obviously correct search, for small histories: try every operation that may come next,
/// in every order, keeping one state per key (a register's one key is `None`). Operations called no later than `bound` take part; those with a
/// known output that returned by `bound` must be placed, the others may be. Placing one rules
/// out, for good, every unplaced operation that returned before it was called.
fn brute_force(history: &History, bound: u64) -> bool {
    type States = Vec<(Option<String>, Value)>;
    fn go(history: &History, bound: u64, placed: u32, excluded: u32, states: &States) -> bool {
        let ops = &history.ops;
        let open = |i: usize| placed & (1 << i) == 0 && excluded & (1 << i) == 0;
        let must =
            |i: usize| ops[i].known_output().is_some() && ops[i].return_time.unwrap() <= bound;
        if (0..ops.len()).all(|i| !must(i) || placed & (1 << i) != 0) {
            return true;
        }
        (0..ops.len())
            .filter(|&i| open(i) && ops[i].call <= bound)
            .any(|i| {
                let before: Vec<usize> = (0..ops.len())
                    .filter(|&j| {
                        j != i && open(j) && ops[j].return_time.is_some_and(|r| r < ops[i].call)
                    })
                    .collect();
                if before.iter().any(|&j| must(j)) {
                    return false;
                }
                let mut next = states.clone();
                let key = &ops[i].key;
                if !next.iter().any(|(k, _)| k == key) {
                    next.push((key.clone(), history.init.clone()));
                }
                let (_, state) = next.iter_mut().find(|(k, _)| k == key).unwrap();
                let excluded = before.iter().fold(excluded, |set, &j| set | 1 << j);
                step(state, &ops[i]) && go(history, bound, placed | 1 << i, excluded, &next)
            })
    }
    go(history, bound, 0, 0, &Vec::new())
}

/// A small pseudo-random generator, so that the cases are the same on every run.
struct Cases(u64);

impl Cases {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// A random register history of up to seven operations with distinct times, each client
/// calling once. Half the time the outputs come from running the operations in the order of
/// random points inside their intervals (a linearizable history), with one output then
/// changed at random half of those times; otherwise outputs are random.
fn random_history(cases: &mut Cases) -> History {
    let count = 1 + cases.below(7) as usize;
    let mut times: Vec<u64> = (0..2 * count as u64).collect();
    for i in (1..times.len()).rev() {
        times.swap(i, cases.below(i as u64 + 1) as usize);
    }
    let value = |cases: &mut Cases| match cases.below(3) {
        0 => Value::Nil,
        n => Value::Integer(n as i64),
    };
    let mut ops: Vec<Operation> = (0..count)
        .map(|i| {
            let (a, b) = (times[2 * i], times[2 * i + 1]);
            let action = match cases.below(3) {
                0 => Action::Read,
                1 => Action::Write(Value::Integer(1 + cases.below(2) as i64)),
                _ => Action::Cas {
                    from: value(cases),
                    to: Value::Integer(1 + cases.below(2) as i64),
                },
            };
            Operation {
                client: i as u64,
                key: None,
                action,
                output: None,
                call: a.min(b),
                return_time: Some(a.max(b)),
            }
        })
        .collect();
    let sequential = cases.below(2) == 0;
    let mut points: Vec<(u64, usize)> = ops
        .iter()
        .enumerate()
        .map(|(i, op)| {
            (
                op.call * 8 + 1 + cases.below(8 * (op.return_time.unwrap() - op.call)),
                i,
            )
        })
        .collect();
    points.sort();
    let mut state = Value::Nil;
    for (_, i) in points {
        let op = &mut ops[i];
        op.output = Some(match &op.action {
            Action::Read if sequential => Output::Value(state.clone()),
            Action::Read => Output::Value(value(cases)),
            Action::Write(v) => {
                state = v.clone();
                Output::Ok
            }
            Action::Cas { from, to } => {
                let holds = *from == state;
                if holds {
                    state = to.clone();
                }
                Output::Swapped(if sequential {
                    holds
                } else {
                    cases.below(2) == 0
                })
            }
            Action::Append(_) => unreachable!("registers have no append"),
        });
    }
    if sequential && cases.below(2) == 0 {
        let op = &mut ops[cases.below(count as u64) as usize];
        op.output = match op.output {
            Some(Output::Value(_)) => Some(Output::Value(value(cases))),
            Some(Output::Swapped(s)) => Some(Output::Swapped(!s)),
            ref other => other.clone(),
        };
    }
    // Unknown outcomes: an output lost, or an operation that never returned.
    for op in &mut ops {
        match cases.below(10) {
            0 => op.output = None,
            1 | 2 => {
                op.output = None;
                op.return_time = None;
            }
            _ => {}
        }
    }
    History {
        model: Model::Register,
        init: Value::Nil,
        ops,
        expected: None,
        source: None,
        name: None,
        description: None,
    }
}

/// A random kv history of up to seven operations on keys x and y, made like
/// [`random_history`]'s: half of them from a sequential run, one output of those changed half
/// the time.
fn random_kv_history(cases: &mut Cases) -> History {
    let count = 1 + cases.below(7) as usize;
    let mut times: Vec<u64> = (0..2 * count as u64).collect();
    for i in (1..times.len()).rev() {
        times.swap(i, cases.below(i as u64 + 1) as usize);
    }
    let text = |cases: &mut Cases| {
        let texts = ["", "a", "b", "ab", "ba"];
        Value::Text(texts[cases.below(5) as usize].to_string())
    };
    let mut ops: Vec<Operation> = (0..count)
        .map(|i| {
            let (a, b) = (times[2 * i], times[2 * i + 1]);
            let action = match cases.below(4) {
                0 => Action::Read,
                1 => Action::Write(text(cases)),
                2 => Action::Append(["a", "b"][cases.below(2) as usize].to_string()),
                _ => Action::Cas {
                    from: text(cases),
                    to: text(cases),
                },
            };
            Operation {
                client: i as u64,
                key: Some(["x", "y"][cases.below(2) as usize].to_string()),
                action,
                output: None,
                call: a.min(b),
                return_time: Some(a.max(b)),
            }
        })
        .collect();
    let sequential = cases.below(2) == 0;
    let mut points: Vec<(u64, usize)> = (ops.iter().enumerate())
        .map(|(i, op)| {
            let length = op.return_time.unwrap() - op.call;
            (op.call * 8 + 1 + cases.below(8 * length), i)
        })
        .collect();
    points.sort();
    let mut states: std::collections::HashMap<Option<String>, Value> = Default::default();
    for (_, i) in points {
        let op = &mut ops[i];
        let state = states
            .entry(op.key.clone())
            .or_insert(Value::Text(String::new()));
        let random = text(cases);
        op.output = Some(match &op.action {
            Action::Read if sequential => Output::Value(state.clone()),
            Action::Read => Output::Value(random),
            Action::Cas { from, .. } => {
                let holds = from == state;
                step(state, op);
                Output::Swapped(if sequential {
                    holds
                } else {
                    cases.below(2) == 0
                })
            }
            _ => {
                step(state, op);
                Output::Ok
            }
        });
    }
    if sequential && cases.below(2) == 0 {
        let op = &mut ops[cases.below(count as u64) as usize];
        op.output = match op.output {
            Some(Output::Value(_)) => Some(Output::Value(text(cases))),
            Some(Output::Swapped(s)) => Some(Output::Swapped(!s)),
            ref other => other.clone(),
        };
    }
    for op in &mut ops {
        match cases.below(10) {
            0 => op.output = None,
            1 | 2 => {
                op.output = None;
                op.return_time = None;
            }
            _ => {}
        }
    }
    History {
        model: Model::Kv,
        init: Value::Text(String::new()),
        ops,
        expected: None,
        source: None,
        name: None,
        description: None,
    }
}

#[test]
fn the_search_agrees_with_brute_force_on_random_small_register_and_kv_histories() {
    let mut cases = Cases(7);
    let (mut linearizable, mut not) = (0, 0);
    for case in 0..20_000 {
        let history = if case % 2 == 0 {
            random_history(&mut cases)
        } else {
            random_kv_history(&mut cases)
        };
        let report = check(&history, STEPS_MAX_DEFAULT);
        // The operation that cannot be placed ends the smallest failing prefix: the first
        // return, in time, at which the brute force fails.
        let mut returns: Vec<(u64, usize)> = (history.ops.iter().enumerate())
            .filter_map(|(i, op)| Some((op.return_time?, i)))
            .collect();
        returns.sort();
        let failing = returns
            .iter()
            .find(|&&(time, _)| !brute_force(&history, time))
            .map(|&(_, i)| i);
        assert_eq!(
            failing.is_none(),
            brute_force(&history, u64::MAX),
            "case {case}"
        );
        match (&report.verdict, failing) {
            (Verdict::Linearizable { order }, None) => {
                assert!(
                    is_linearization(&history, order),
                    "case {case}: {order:?} {history:?}"
                );
                linearizable += 1;
            }
            (Verdict::NotLinearizable(violation), Some(op)) => {
                assert_eq!(violation.op, op, "case {case}: {history:?}");
                not += 1;
            }
            (verdict, _) => {
                panic!("case {case}: {verdict:?}, brute force {failing:?}: {history:?}")
            }
        }
    }
    // Both verdicts are common, so both kinds of answer are compared.
    assert!(
        linearizable > 5000 && not > 5000,
        "{linearizable} and {not}"
    );
}
