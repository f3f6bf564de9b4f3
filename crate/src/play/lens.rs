//! The Quorums tab's words: the form it draws for a quorum system and for a Monte Carlo
//! estimate. The page draws these as they are, so that the tab names no protocol: the Paxos
//! meaning of reads and writes (phase 1 and phase 2) is said here. Also the lens's systems
//! (SYSTEM.json, the run's own, and putting one in the run) and its report, in words.

use crate::json::{close, field, ToJson};
use crate::present::Present;
use crate::quorum::analysis::NODES_MAX;
use crate::quorum::QuorumSystem;
use crate::scenario::{LensSpec, QuorumSpec, Scenario, ScenarioError};

/// The form, as JSON text: `kinds` (each with the fields of its system, named as the system
/// JSON names them; `type` is `number`, `weights` or `lists`), the analysis `options`, the
/// explicit kind's `list_fields` with their "add" button labels, and the `montecarlo` form.
pub const LENS_FORM: &str = r#"{
  "intro": "A quorum system says which sets of nodes are enough: read quorums and write quorums. In Paxos the read quorums are phase 1's (Prepare/Promise) and the write quorums phase 2's (Accept/Accepted), over the acceptors; in a quorum store they are the replicas a client reads versions from and stores at. Either is safe only when every read quorum meets every write quorum. The figures below are exact; the Monte Carlo estimate runs the real protocol (Paxos's runs, timed to a value chosen).",
  "kinds": [
    {"kind": "majority", "label": "Majority", "hint": "More than half of the nodes, for reads and writes alike.",
     "fields": [{"name": "nodes", "label": "Nodes", "type": "number", "min": 1, "max": 15}]},
    {"kind": "threshold", "label": "Threshold (R, W)", "hint": "Any R nodes read and any W nodes write, as in Dynamo-style stores. Reads see every write when R + W > N.",
     "fields": [{"name": "nodes", "label": "Nodes", "type": "number", "min": 1, "max": 15},
                {"name": "read", "label": "Read quorum size R", "type": "number", "min": 1, "max": 15},
                {"name": "write", "label": "Write quorum size W", "type": "number", "min": 1, "max": 15}]},
    {"kind": "flexible", "label": "Flexible Paxos", "hint": "Any phase1 acceptors for phase 1 (the reads) and any phase2 for phase 2 (the writes): safe when phase1 + phase2 > N.",
     "fields": [{"name": "nodes", "label": "Nodes", "type": "number", "min": 1, "max": 15},
                {"name": "phase1", "label": "Phase-1 quorum size", "type": "number", "min": 1, "max": 15},
                {"name": "phase2", "label": "Phase-2 quorum size", "type": "number", "min": 1, "max": 15}]},
    {"kind": "grid", "label": "Grid", "hint": "Nodes in rows × columns, row by row: a read quorum is a full row, a write quorum one node from every row.",
     "fields": [{"name": "rows", "label": "Rows", "type": "number", "min": 1, "max": 15},
                {"name": "cols", "label": "Columns", "type": "number", "min": 1, "max": 15}]},
    {"kind": "weighted", "label": "Weighted votes", "hint": "Each node has a weight; a set is a read (write) quorum when its weights add up to the read (write) threshold.",
     "fields": [{"name": "weights", "label": "Weights, in node order", "type": "weights"},
                {"name": "read", "label": "Read threshold", "type": "number", "min": 1},
                {"name": "write", "label": "Write threshold", "type": "number", "min": 1}]},
    {"kind": "explicit", "label": "Explicit lists", "hint": "The quorums themselves, one per line, as node names separated by spaces. Click nodes on the ring to build one.",
     "fields": [{"name": "nodes", "label": "Nodes", "type": "number", "min": 1, "max": 15},
                {"name": "read", "label": "Read quorums", "type": "lists", "hint": "One quorum per line, for example: n1 n2"},
                {"name": "write", "label": "Write quorums", "type": "lists", "hint": "One quorum per line, for example: n2 n3"}]}
  ],
  "options": [
    {"name": "p", "label": "Failure probability p", "value": 0.1, "min": 0, "max": 1, "step": 0.01},
    {"name": "read_fraction", "label": "Read fraction", "value": 0.5, "min": 0, "max": 1, "step": 0.05}
  ],
  "list_fields": [["read", "Add as a read quorum"], ["write", "Add as a write quorum"]],
  "montecarlo": {
    "legend": "Monte Carlo: how likely is a decision by tick t?",
    "hint": "Runs the current scenario many times (run k with seed + k), each acceptor crashing with probability p, until a value is chosen or the run ends; proposers and learners stay up. List sizes to compare clusters of 3, 5 and 7 acceptors (majority quorums only).",
    "fields": [
      {"name": "runs", "label": "Runs", "type": "number", "value": 2000, "min": 1, "max": 100000, "step": 1},
      {"name": "p", "label": "Failure probability p", "type": "number", "value": 0.1, "min": 0, "max": 1, "step": 0.01},
      {"name": "failure", "label": "Failures", "type": "select", "value": "start",
       "options": [["start", "crashed from the start"], ["uniform", "crash at a uniform time"]]},
      {"name": "sizes", "label": "Sizes to compare", "type": "sizes", "value": "", "placeholder": "the run's own, or e.g. 3 5 7"}
    ]
  }
}"#;

/// A quorum system the lens analyses: what was written, its nodes' names, and the system.
#[derive(Clone, Debug)]
pub struct LensSystem {
    pub spec: QuorumSpec,
    pub names: Vec<String>,
    pub system: QuorumSystem,
}

fn error(field: &str, message: impl Into<String>) -> ScenarioError {
    ScenarioError {
        field: field.to_string(),
        message: message.into(),
    }
}

impl LensSystem {
    /// Reads SYSTEM.json (see [`LensSpec`]): nodes are named `n1…nN`, or by `names` when it
    /// lists exactly as many (the page sends the run's acceptor names along, and drops them
    /// when the person changes the number of nodes).
    pub fn from_json(text: &str) -> Result<LensSystem, ScenarioError> {
        let LensSpec {
            quorum,
            nodes,
            names,
            read_write_lists,
        } = LensSpec::from_json(text)?;
        let own = match &quorum {
            QuorumSpec::Grid { rows, cols } => Some(rows.saturating_mul(*cols)),
            QuorumSpec::Weighted { weights, .. } => Some(weights.len()),
            _ => None,
        };
        let n = match (own, nodes) {
            (Some(own), Some(nodes)) if own != nodes => {
                return Err(error(
                    "nodes",
                    format!("is {nodes}, but the system has {own} nodes"),
                ))
            }
            (Some(own), _) => own,
            (None, Some(nodes)) => nodes,
            (None, None) => return Err(error("", "missing field `nodes`")),
        };
        if n > NODES_MAX {
            return Err(error(
                "nodes",
                format!(
                    "{n} nodes is too many: the lens analyses at most {NODES_MAX}, since it looks \
                     at every set of nodes"
                ),
            ));
        }
        if n == 0 && own.is_none() {
            return Err(error("nodes", "a system needs at least one node"));
        }
        let names = match names {
            Some(names) if names.len() == n => names,
            _ => (1..=n).map(|i| format!("n{i}")).collect(),
        };
        let system = quorum.compile(n, "", &|node| {
            names.iter().position(|name| name == node).ok_or_else(|| {
                let shown: String = node.chars().take(20).collect();
                format!(
                    "unknown node \"{shown}\"; this system has {}",
                    names.join(", ")
                )
            })
        });
        // Explicit lists named as they were written: `read`, not `phase1`.
        let system = system.map_err(|mut e| {
            if read_write_lists {
                for (phase, written) in [("phase1", "read"), ("phase2", "write")] {
                    if let Some(rest) = e.field.strip_prefix(phase) {
                        e.field = format!("{written}{rest}");
                    }
                }
            }
            e
        })?;
        Ok(LensSystem {
            spec: quorum,
            names,
            system,
        })
    }

    /// The run's own quorum system, over the nodes its quorums are made of (Paxos's
    /// acceptors, the store's replicas).
    pub fn of_scenario<P: Present>(scenario: &Scenario<P>) -> Result<LensSystem, ScenarioError> {
        let config = scenario.compile()?.config;
        let (system, nodes) = P::quorum_nodes(&config);
        Ok(LensSystem {
            spec: P::quorum_spec(&mut scenario.clone()).clone(),
            names: nodes
                .iter()
                .map(|&node| P::node_name(&config, node).to_string())
                .collect(),
            system: system.clone(),
        })
    }

    /// `scenario` with this system as its quorum: node i is the run's i-th quorum node.
    pub fn into_scenario<P: Present>(
        &self,
        scenario: &Scenario<P>,
    ) -> Result<Scenario<P>, ScenarioError> {
        let run = LensSystem::of_scenario(scenario)?;
        if run.names.len() != self.names.len() {
            return Err(error(
                "nodes",
                format!(
                    "this system has {} nodes, and the run has {} {}: give it as many nodes",
                    self.names.len(),
                    run.names.len(),
                    P::QUORUM_NODES
                ),
            ));
        }
        let rename = |lists: &Vec<Vec<String>>| -> Vec<Vec<String>> {
            lists
                .iter()
                .map(|list| {
                    list.iter()
                        .map(|node| {
                            let i = self.names.iter().position(|n| n == node);
                            run.names[i.expect("compiled lists name the system's nodes")].clone()
                        })
                        .collect()
                })
                .collect()
        };
        let quorum = match &self.spec {
            QuorumSpec::Explicit { phase1, phase2 } => QuorumSpec::Explicit {
                phase1: rename(phase1),
                phase2: rename(phase2),
            },
            other => other.clone(),
        };
        let mut changed = scenario.clone();
        *P::quorum_spec(&mut changed) = quorum;
        changed.compile()?;
        Ok(changed)
    }
}

/// The system as the lens's JSON: the quorum object, with explicit lists as `read` and
/// `write`, plus `nodes` and `names`. The form is filled from it.
impl ToJson for LensSystem {
    fn write(&self, out: &mut String) {
        out.push('{');
        match &self.spec {
            QuorumSpec::Explicit { phase1, phase2 } => {
                field(out, "kind", "explicit");
                field(out, "read", phase1);
                field(out, "write", phase2);
            }
            other => {
                let text = other.to_json_text();
                // The quorum object's fields, without its braces.
                out.push_str(&text[1..text.len() - 1]);
                out.push(',');
            }
        }
        field(out, "nodes", &self.names.len());
        field(out, "names", &self.names);
        close(out, '}');
    }
}

/// What the lens is asked: failure probabilities (one for all, or one per node), the read
/// fraction, node capacities, and whether to add the curves.
#[derive(Clone, Debug, PartialEq)]
pub struct LensOptions {
    pub p: Vec<f64>,
    pub read_fraction: f64,
    pub capacities: Vec<f64>,
    pub curve: bool,
}

impl LensOptions {
    /// Checks the options against a system of `n` nodes, naming the first bad one; a single
    /// `p` stands for every node.
    pub fn new(
        n: usize,
        p: Vec<f64>,
        read_fraction: f64,
        capacities: Option<Vec<f64>>,
        curve: bool,
    ) -> Result<LensOptions, ScenarioError> {
        let p = match p.len() {
            1 => vec![p[0]; n],
            len if len == n => p,
            len => {
                return Err(error(
                    "p",
                    format!("lists {len} probabilities for {n} nodes: give one, or one per node"),
                ))
            }
        };
        if let Some(bad) = p.iter().find(|p| !(0.0..=1.0).contains(*p)) {
            return Err(error(
                "p",
                format!("{bad} is not a probability between 0 and 1"),
            ));
        }
        if !(0.0..=1.0).contains(&read_fraction) {
            return Err(error(
                "read_fraction",
                format!("{read_fraction} is not a fraction between 0 and 1"),
            ));
        }
        let capacities = capacities.unwrap_or_else(|| vec![1.0; n]);
        if capacities.len() != n {
            return Err(error(
                "capacities",
                format!("lists {} capacities for {n} nodes", capacities.len()),
            ));
        }
        if let Some(bad) = capacities.iter().find(|c| !(**c > 0.0 && c.is_finite())) {
            return Err(error(
                "capacities",
                format!("{bad} is not a capacity: capacities are positive numbers"),
            ));
        }
        Ok(LensOptions {
            p,
            read_fraction,
            capacities,
            curve,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{parse, Value};
    use crate::montecarlo::Failure;

    fn get<'a>(value: &'a Value<'a>, key: &str) -> &'a Value<'a> {
        match value {
            Value::Object(entries) => entries
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v)
                .unwrap_or_else(|| panic!("no field {key}")),
            _ => panic!("not an object"),
        }
    }

    fn items<'a>(value: &'a Value<'a>) -> &'a [Value<'a>] {
        match value {
            Value::Array(items) => items,
            _ => panic!("not an array"),
        }
    }

    /// The form parses, and its Monte Carlo failure options are the estimator's.
    #[test]
    fn the_form_is_json_and_offers_the_estimators_failures() {
        let form = parse(LENS_FORM).expect("the form is valid JSON");
        let fields = items(get(get(&form, "montecarlo"), "fields"));
        let failure = fields
            .iter()
            .find(|f| matches!(get(f, "name"), Value::String(s) if s == "failure"))
            .expect("a failure field");
        let offered: Vec<String> = items(get(failure, "options"))
            .iter()
            .map(|pair| match &items(pair)[0] {
                Value::String(s) => s.to_string(),
                _ => panic!("an option is [value, label]"),
            })
            .collect();
        assert_eq!(offered, Failure::NAMES);
    }

    fn run(quorum: &str) -> crate::protocols::paxos::Scenario {
        Scenario::from_json(&format!(
            r#"{{"version": 1, "protocol": "paxos", "cluster": {{"proposers": 1, "acceptors": 4, "learners": 1}},
                "quorum": {quorum}, "schedule": [{{"at": 0, "propose": {{"node": "p1", "value": "A"}}}}]}}"#
        ))
        .unwrap()
    }

    /// The run's system comes out over its acceptors, goes back into a run unchanged, and an
    /// edited system's explicit lists are renamed to the run's acceptors.
    #[test]
    fn systems_go_between_the_lens_and_the_run() {
        let grid = run(r#"{"kind": "grid", "rows": 2, "cols": 2}"#);
        let lens = LensSystem::of_scenario(&grid).unwrap();
        assert_eq!(lens.names, ["a1", "a2", "a3", "a4"]);
        assert_eq!(
            lens.to_json_text(),
            r#"{"kind":"grid","rows":2,"cols":2,"nodes":4,"names":["a1","a2","a3","a4"]}"#
        );
        let again = LensSystem::from_json(&lens.to_json_text()).unwrap();
        assert_eq!(again.names, lens.names);
        assert_eq!(again.into_scenario(&grid).unwrap(), grid);
        let explicit = LensSystem::from_json(
            r#"{"kind": "explicit", "nodes": 4, "read": [["n1", "n2"], ["n3", "n4"]], "write": [["n1", "n3"], ["n2", "n4"]]}"#,
        )
        .unwrap();
        let used = explicit.into_scenario(&grid).unwrap();
        assert_eq!(
            used.section.quorum,
            QuorumSpec::Explicit {
                phase1: vec![
                    vec!["a1".into(), "a2".into()],
                    vec!["a3".into(), "a4".into()]
                ],
                phase2: vec![
                    vec!["a1".into(), "a3".into()],
                    vec!["a2".into(), "a4".into()]
                ],
            }
        );
        let five = LensSystem::from_json(r#"{"kind": "majority", "nodes": 5}"#).unwrap();
        let e = five.into_scenario(&grid).unwrap_err();
        assert_eq!(e.field, "nodes");
        assert!(
            e.message.contains("5 nodes, and the run has 4 acceptors"),
            "{e}"
        );
    }

    #[test]
    fn bad_systems_name_their_field() {
        for (text, field, message) in [
            (
                r#"{"kind": "grid", "rows": 0, "cols": 3}"#,
                "rows",
                "a grid needs at least one",
            ),
            (
                r#"{"kind": "majority", "nodes": 16}"#,
                "nodes",
                "at most 15",
            ),
            (
                r#"{"kind": "majority", "nodes": 0}"#,
                "nodes",
                "at least one node",
            ),
            (r#"{"kind": "majority"}"#, "", "missing field `nodes`"),
            (
                r#"{"kind": "grid", "rows": 2, "cols": 2, "nodes": 5}"#,
                "nodes",
                "has 4 nodes",
            ),
            (
                r#"{"kind": "weighted", "weights": [1, 1], "read": 3, "write": 1}"#,
                "read",
                "no set of nodes has weight 3",
            ),
            (
                r#"{"kind": "explicit", "nodes": 2, "read": [["n1", "n9"]], "write": [["n2"]]}"#,
                "read[0][1]",
                "unknown node \"n9\"",
            ),
            (
                r#"{"kind": "threshold", "nodes": 3, "read": 4, "write": 1}"#,
                "read",
                "4 is not between 1",
            ),
            (
                r#"{"kind": "majority", "nodes": 3, "colour": 1}"#,
                "colour",
                "unknown field",
            ),
        ] {
            let e = LensSystem::from_json(text).unwrap_err();
            assert_eq!(e.field, field, "{text}: {e}");
            assert!(e.message.contains(message), "{text}: {e}");
        }
        // Names that do not fit the number of nodes are dropped for n1…nN.
        let lens = LensSystem::from_json(
            r#"{"kind": "majority", "nodes": 2, "names": ["a1", "a2", "a3"]}"#,
        )
        .unwrap();
        assert_eq!(lens.names, ["n1", "n2"]);
        for (p, fraction, field) in [
            (vec![1.5], 0.5, "p"),
            (vec![0.1, 0.2], 0.5, "p"),
            (vec![0.1], -0.1, "read_fraction"),
        ] {
            assert_eq!(
                LensOptions::new(3, p, fraction, None, false)
                    .unwrap_err()
                    .field,
                field
            );
        }
        assert_eq!(
            LensOptions::new(3, vec![0.1], 0.5, Some(vec![1.0, 0.0, 1.0]), false)
                .unwrap_err()
                .field,
            "capacities"
        );
    }
}
