//! The linearizability checker: the known verdicts of the shared histories, hand-made
//! mutations of them whose verdicts are reasoned out below, the semantics of unknown outcomes,
//! malformed input, and the work bound.

use paxoscope::check::history::{Action, Model, Operation, Output, Value};
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

/// The obviously correct search, for small register histories: try every operation that may
/// come next, in every order. Operations called no later than `bound` take part; those with a
/// known output that returned by `bound` must be placed, the others may be. Placing one rules
/// out, for good, every unplaced operation that returned before it was called.
fn brute_force(history: &History, bound: u64) -> bool {
    fn go(history: &History, bound: u64, placed: u32, excluded: u32, state: &Value) -> bool {
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
                let mut next = state.clone();
                let excluded = before.iter().fold(excluded, |set, &j| set | 1 << j);
                step(&mut next, &ops[i]) && go(history, bound, placed | 1 << i, excluded, &next)
            })
    }
    go(history, bound, 0, 0, &history.init)
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

#[test]
fn the_search_agrees_with_brute_force_on_random_small_histories() {
    let mut cases = Cases(7);
    let (mut linearizable, mut not) = (0, 0);
    for case in 0..20_000 {
        let history = random_history(&mut cases);
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
