//! A client history as the page draws it: one lane per client, each operation a bar from its
//! call to its return with its words, and the checker's verdict with what it points at.
//!
//! The page opens history files on their own (Jepsen's and Porcupine's, in the format of
//! `check::history`), with no simulation behind them. Everything it shows comes from here: the
//! operations' words, the lanes, where bars start and end, the verdict sentence, which
//! operation cannot be placed and which it conflicts with, and the points of a linearization.

use crate::check::explain::call_text;
use crate::check::history::{History, HistoryError, Output};
use crate::check::linearizability::{check, Verdict};
use crate::json::json_object;

/// One operation as a bar. Positions are ranks: the history's distinct call and return times
/// numbered in order, so that a history of nanosecond timestamps and one of small integers
/// draw alike, and no bar is too thin to see.
pub struct OpView {
    /// The index of the client's lane in [`HistoryView::clients`].
    pub lane: usize,
    /// `write(1)`, `get(x)`, `cas(x, "a", "b")`.
    pub call: String,
    /// What the client was told (`ok`, `1`, `true`); `None` when the outcome is unknown.
    pub output: Option<String>,
    pub call_time: u64,
    pub return_time: Option<u64>,
    pub start: usize,
    /// `None` for an operation that never returned: its bar runs on to the end.
    pub end: Option<usize>,
    pub key: Option<String>,
}
json_object!(OpView { lane, call, output?, call_time, return_time?, start, end?, key? });

/// Where an operation of a linearization takes effect, in the ranks of [`OpView`].
pub struct PointView {
    pub op: usize,
    pub at: f64,
}
json_object!(PointView { op, at });

pub struct HistoryView {
    pub model: &'static str,
    pub name: Option<String>,
    pub description: Option<String>,
    /// The client of each lane (`c0`, `c3`), in the order drawn.
    pub clients: Vec<String>,
    /// The keys of a kv history, sorted; empty for a register.
    pub keys: Vec<String>,
    pub ops: Vec<OpView>,
    /// How many distinct times the history has: the ranks run from 0 to this, excluded.
    pub times: usize,
    /// `linearizable`, `not linearizable` or `unknown`.
    pub verdict: &'static str,
    /// The verdict in a sentence, with why when it is a violation.
    pub sentence: String,
    /// The operation that cannot be placed, and those the sentence names.
    pub failing: Option<usize>,
    pub conflicts: Vec<usize>,
    /// The rank at which the smallest failing prefix ends.
    pub prefix_end: Option<usize>,
    /// A linearization, when there is one: its operations in order, each at a point of its bar.
    pub order: Vec<PointView>,
    /// What the file says the verdict is, and whether the checker agrees.
    pub expected: Option<String>,
    pub steps: u64,
}
json_object!(HistoryView {
    model, name?, description?, clients, keys, ops, times, verdict, sentence, failing?,
    conflicts, prefix_end?, order, expected?, steps
});

/// Reads `text` as a history and checks it with at most `steps_max` steps.
pub fn view_history(text: &str, steps_max: u64) -> Result<HistoryView, HistoryError> {
    let history = History::from_json(text)?;
    let report = check(&history, steps_max);
    let mut times: Vec<u64> = history
        .ops
        .iter()
        .flat_map(|op| std::iter::once(op.call).chain(op.return_time))
        .collect();
    crate::sort::sort(&mut times);
    times.dedup();
    let rank = |time: u64| times.partition_point(|&t| t < time);
    let mut clients: Vec<u64> = history.ops.iter().map(|op| op.client).collect();
    crate::sort::sort(&mut clients);
    clients.dedup();
    let mut keys: Vec<String> = history.ops.iter().filter_map(|op| op.key.clone()).collect();
    crate::sort::sort(&mut keys);
    keys.dedup();
    let ops: Vec<OpView> = history
        .ops
        .iter()
        .map(|op| OpView {
            lane: clients.binary_search(&op.client).unwrap_or_default(),
            call: call_text(&history, op),
            output: op.known_output().map(|output| match output {
                Output::Ok => "ok".to_string(),
                Output::Value(value) => value.to_string(),
                Output::Swapped(swapped) => swapped.to_string(),
            }),
            call_time: op.call,
            return_time: op.return_time,
            start: rank(op.call),
            end: op.return_time.map(rank),
            key: op.key.clone(),
        })
        .collect();
    let count = history.ops.len();
    let mut view = HistoryView {
        model: history.model.name(),
        name: history.name.clone(),
        description: history.description.clone(),
        clients: clients.iter().map(|c| format!("c{c}")).collect(),
        keys,
        times: times.len(),
        verdict: "unknown",
        sentence: String::new(),
        failing: None,
        conflicts: Vec::new(),
        prefix_end: None,
        order: Vec::new(),
        expected: None,
        steps: report.steps,
        ops,
    };
    let verdict = match &report.verdict {
        Verdict::Linearizable { order } => {
            view.verdict = "linearizable";
            view.sentence = format!(
                "Linearizable: the {count} operations can be put in one order that respects real \
                 time and gives every client the answer it got."
            );
            view.order = points(&view.ops, order);
            Some(true)
        }
        Verdict::NotLinearizable(violation) => {
            view.verdict = "not linearizable";
            view.sentence = format!("Not linearizable: {}", violation.explanation);
            view.failing = Some(violation.op);
            view.conflicts = violation.conflicts.clone();
            view.prefix_end = Some(view.ops[violation.op].end.unwrap_or(view.times));
            Some(false)
        }
        Verdict::Unknown => {
            view.sentence = format!(
                "Unknown: the checker gave up after {} steps without an answer.",
                report.steps
            );
            None
        }
    };
    view.expected = history.expected.map(|expected| {
        let said = if expected {
            "linearizable"
        } else {
            "not linearizable"
        };
        match verdict {
            Some(found) if found == expected => {
                format!("The file says {said}, and so does the checker.")
            }
            Some(_) => format!("The file says {said}; the checker does not agree."),
            None => format!("The file says {said}."),
        }
    });
    Ok(view)
}

/// Points for `order` inside the bars: each operation at the latest call of itself and those
/// before it, half a rank on. That is never past its own return: an operation called after
/// another returned must come after it in any linearization.
fn points(ops: &[OpView], order: &[usize]) -> Vec<PointView> {
    let mut latest_call = 0;
    order
        .iter()
        .map(|&op| {
            latest_call = latest_call.max(ops[op].start);
            let end = ops[op].end.map_or(f64::INFINITY, |end| end as f64);
            PointView {
                op,
                at: (latest_call as f64 + 0.5).min(end),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const STALE: &str = r#"{"model": "register", "init": "nil", "expected": "not linearizable",
        "ops": [{"client": 0, "op": "write", "input": 1, "output": "ok", "call": 10, "return": 20},
                {"client": 1, "op": "read", "input": null, "output": "nil", "call": 30, "return": 40}]}"#;

    #[test]
    fn a_stale_read_is_pointed_at_and_bars_sit_on_ranks() {
        let view = view_history(STALE, 1000).unwrap();
        assert_eq!(view.verdict, "not linearizable");
        assert_eq!(view.failing, Some(1));
        assert_eq!(view.conflicts, vec![0]);
        assert_eq!(view.clients, ["c0", "c1"]);
        assert_eq!(view.times, 4);
        let bars: Vec<_> = view
            .ops
            .iter()
            .map(|op| (op.lane, op.start, op.end))
            .collect();
        assert_eq!(bars, [(0, 0, Some(1)), (1, 2, Some(3))]);
        assert_eq!(view.ops[1].call, "read");
        assert_eq!(view.ops[1].output.as_deref(), Some("nil"));
        assert_eq!(view.prefix_end, Some(3));
        assert!(
            view.sentence.starts_with("Not linearizable: c1's read"),
            "{}",
            view.sentence
        );
        assert_eq!(
            view.expected.as_deref(),
            Some("The file says not linearizable, and so does the checker.")
        );
        assert!(view.order.is_empty());
    }

    #[test]
    fn a_linearization_has_its_points_inside_their_bars_in_order() {
        // Overlapping write and read: the read may see the write, and here it did.
        let text = r#"{"model": "register", "init": "nil", "ops": [
            {"client": 0, "op": "write", "input": 1, "output": "ok", "call": 0, "return": 5},
            {"client": 1, "op": "read", "input": null, "output": 1, "call": 1, "return": 3},
            {"client": 2, "op": "write", "input": 2, "output": null, "call": 4, "return": null}]}"#;
        let view = view_history(text, 1000).unwrap();
        assert_eq!(view.verdict, "linearizable");
        assert_eq!(view.expected, None);
        assert_eq!(view.ops[2].end, None);
        assert_eq!(view.ops[2].output, None);
        let mut previous = f64::NEG_INFINITY;
        for point in &view.order {
            let op = &view.ops[point.op];
            assert!(point.at >= previous && point.at > op.start as f64);
            assert!(op.end.is_none_or(|end| point.at <= end as f64));
            previous = point.at;
        }
        assert_eq!(
            view.order.iter().map(|p| p.op).collect::<Vec<_>>()[..2],
            [0, 1]
        );
    }

    #[test]
    fn every_shared_history_gets_its_verdict_and_valid_points() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/histories");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let view = view_history(&std::fs::read_to_string(&path).unwrap(), 10_000_000)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let agrees = view
                .expected
                .as_deref()
                .unwrap()
                .ends_with("so does the checker.");
            assert!(agrees, "{}: {}", path.display(), view.sentence);
            // Every operation that returned has its point in a linearization.
            if view.verdict == "linearizable" {
                for point in &view.order {
                    let op = &view.ops[point.op];
                    assert!(op.end.is_none_or(|end| point.at <= end as f64));
                    assert!(point.at > op.start as f64);
                }
            }
            seen += 1;
        }
        assert_eq!(seen, 66);
    }

    #[test]
    fn bad_histories_get_the_parsers_message() {
        let error = view_history(r#"{"model": "register", "ops": [{"client": 0}]}"#, 10)
            .err()
            .unwrap();
        assert!(error.to_string().starts_with("ops[0]"), "{error}");
    }
}
