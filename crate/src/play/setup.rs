//! The Setup panel as data: the form the page draws (groups of fields, each with its kind,
//! label, range and current value), and the change a submitted form makes to the scenario.
//!
//! The page renders whatever fields this lists and sends back only the fields the person
//! touched, so a field nobody touched keeps the scenario's exact value (a loss of 0.33 is not
//! rounded to a slider's step). The cluster's naming, which entries of the schedule survive a
//! new cluster, and what a quorum kind means are decided here, not in JavaScript.

use super::Playground;
use crate::json::{self, json_object, Value};
use crate::protocols::paxos::{node_name, ClusterSpec, Inputs, Intervention, Proposal, Scenario};
use crate::protocols::paxos::{Bugs, MAX_NODES};
use crate::scenario::QuorumSpec;
use crate::scenario::{ScenarioError, DELAY_TICKS_MAX};
use serde::Serialize;

/// One group of the form, drawn as a fieldset.
#[derive(Serialize)]
pub struct SetupGroup {
    pub legend: &'static str,
    pub fields: Vec<SetupField>,
    /// A sentence under the group, when something in it needs saying (unsafe quorums).
    pub warning: Option<String>,
}

/// One control of the form.
#[derive(Serialize)]
pub struct SetupField {
    pub name: &'static str,
    pub label: String,
    /// `radio`, `number`, `select`, `range`, `checkbox` or `text`.
    pub kind: &'static str,
    /// The current value, as the control holds it (a checkbox: its own value).
    pub value: String,
    /// Radio buttons and checkboxes: whether this one is on.
    pub checked: bool,
    /// A select's choices: (value, label).
    pub options: Vec<(&'static str, &'static str)>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub step: Option<f64>,
    /// How a range shows its value next to it: `ticks` or `percent`.
    pub unit: Option<&'static str>,
}

impl SetupField {
    fn new(name: &'static str, kind: &'static str, label: impl Into<String>) -> SetupField {
        SetupField {
            name,
            label: label.into(),
            kind,
            value: String::new(),
            checked: false,
            options: Vec::new(),
            min: None,
            max: None,
            step: None,
            unit: None,
        }
    }

    fn number(name: &'static str, label: &str, value: usize, min: f64) -> SetupField {
        SetupField {
            value: value.to_string(),
            min: Some(min),
            max: Some(MAX_NODES as f64),
            step: Some(1.0),
            ..SetupField::new(name, "number", label)
        }
    }

    fn range(name: &'static str, label: &str, value: String, max: f64, step: f64) -> SetupField {
        SetupField {
            value,
            min: Some(if step < 1.0 { 0.0 } else { 1.0 }),
            max: Some(max),
            step: Some(step),
            unit: Some(if step < 1.0 { "percent" } else { "ticks" }),
            ..SetupField::new(name, "range", label)
        }
    }
}

impl Playground {
    /// The Setup form for the current scenario.
    pub fn setup_form(&self) -> Vec<SetupGroup> {
        let scenario = &self.scenario;
        let cluster = &scenario.cluster;
        let servers = cluster.servers.is_some();
        let shape = |value: &'static str, label: &str, checked: bool| SetupField {
            value: value.to_string(),
            checked,
            ..SetupField::new("shape", "radio", label)
        };
        let cluster_fields = vec![
            shape(
                "roles",
                "separate proposers, acceptors and learners",
                !servers,
            ),
            shape("servers", "servers that play all three roles", servers),
            SetupField::number(
                "proposers",
                "Proposers",
                cluster.proposers.unwrap_or(2),
                1.0,
            ),
            SetupField::number(
                "acceptors",
                "Acceptors",
                cluster.acceptors.unwrap_or(3),
                1.0,
            ),
            SetupField::number("learners", "Learners", cluster.learners.unwrap_or(1), 0.0),
            SetupField::number("servers", "Servers", cluster.servers.unwrap_or(5), 1.0),
        ];
        let (kind, phase1, phase2) = match &scenario.section.quorum {
            QuorumSpec::Majority => ("majority", 2, 2),
            QuorumSpec::Flexible { phase1, phase2 } => ("flexible", *phase1, *phase2),
            other => (kept_kind(other).0, 2, 2),
        };
        let mut options = vec![("majority", "majority"), ("flexible", "flexible (Q1, Q2)")];
        if !matches!(kind, "majority" | "flexible") {
            options.push(kept_kind(&scenario.section.quorum));
        }
        let quorum_fields = vec![
            SetupField {
                value: kind.to_string(),
                options,
                ..SetupField::new("quorum", "select", "Kind")
            },
            SetupField::number("phase1", "Phase-1 size (Q1)", phase1, 1.0),
            SetupField::number("phase2", "Phase-2 size (Q2)", phase2, 1.0),
        ];
        let network = &scenario.network;
        let delay_max = |value: u64| (value.max(200)) as f64;
        let network_fields = vec![
            SetupField::range(
                "delay_ticks_min",
                "Delay min",
                network.delay_ticks_min.to_string(),
                delay_max(network.delay_ticks_min),
                1.0,
            ),
            SetupField::range(
                "delay_ticks_max",
                "Delay max",
                network.delay_ticks_max.to_string(),
                delay_max(network.delay_ticks_max),
                1.0,
            ),
            SetupField::range("loss", "Loss", json_number(network.loss), 1.0, 0.05),
            SetupField::range(
                "duplicate",
                "Duplication",
                json_number(network.duplicate),
                1.0,
                0.05,
            ),
        ];
        let bug_fields = Bugs::NAMES
            .iter()
            .map(|&bug| SetupField {
                value: bug.to_string(),
                checked: scenario.section.bugs.iter().any(|b| b == bug),
                ..SetupField::new("bug", "checkbox", bug.replace('_', " "))
            })
            .collect();
        let quorum_warning = self.config.quorum.check_intersection().err().map(|gap| {
            format!(
                "Unsafe quorums: the phase-1 quorum {{{}}} and the phase-2 quorum {{{}}} share no acceptor, so two different values can be chosen.",
                self.config.acceptor_list(gap.phase1),
                self.config.acceptor_list(gap.phase2)
            )
        });
        vec![
            SetupGroup {
                legend: "Cluster",
                fields: cluster_fields,
                warning: None,
            },
            SetupGroup {
                legend: "Quorums",
                fields: quorum_fields,
                warning: quorum_warning,
            },
            SetupGroup {
                legend: "Network",
                fields: network_fields,
                warning: None,
            },
            SetupGroup {
                legend: "Break Paxos",
                fields: bug_fields,
                warning: None,
            },
            SetupGroup {
                legend: "Run",
                fields: vec![SetupField {
                    value: scenario.seed.to_string(),
                    ..SetupField::new("seed", "text", "Seed")
                }],
                warning: None,
            },
        ]
    }

    /// The current scenario with the changes a submitted Setup form makes, as JSON text:
    /// `changes` is a JSON object of the fields the person touched, each a string (the
    /// checkboxes: a list of the ones on). Fields not named keep the scenario's values.
    /// A new cluster keeps what of the schedule its nodes can take ([`fit_schedule`]), and
    /// the result says what it dropped.
    pub fn apply_setup(&self, changes: &str) -> Result<SetupResult, ScenarioError> {
        let bad = |field: &str, message: String| ScenarioError {
            field: format!("setup.{field}"),
            message,
        };
        let parsed = json::parse(changes).map_err(|e| bad("changes", e.message.to_string()))?;
        let Value::Object(entries) = parsed else {
            return Err(bad("changes", "must be an object".to_string()));
        };
        let mut scenario = self.scenario.clone();
        let mut dropped = Vec::new();
        let text = |name: &str| {
            entries
                .iter()
                .find(|(k, _)| k == name)
                .and_then(|(_, v)| match v {
                    Value::String(s) => Some(s.as_str()),
                    _ => None,
                })
        };
        let whole = |name: &str| -> Result<Option<usize>, ScenarioError> {
            text(name)
                .map(|t| {
                    t.trim()
                        .parse::<usize>()
                        .map_err(|_| bad(name, format!("must be a whole number, not \"{t}\"")))
                })
                .transpose()
        };
        let cluster_touched = ["shape", "proposers", "acceptors", "learners", "servers"]
            .iter()
            .any(|f| text(f).is_some());
        if cluster_touched {
            let old = &self.scenario.cluster;
            let servers = match text("shape") {
                Some(shape) => shape == "servers",
                None => old.servers.is_some(),
            };
            scenario.cluster = if servers {
                ClusterSpec {
                    servers: Some(whole("servers")?.or(old.servers).unwrap_or(5)),
                    ..ClusterSpec::default()
                }
            } else {
                ClusterSpec {
                    proposers: Some(whole("proposers")?.or(old.proposers).unwrap_or(2)),
                    acceptors: Some(whole("acceptors")?.or(old.acceptors).unwrap_or(3)),
                    learners: Some(whole("learners")?.or(old.learners).unwrap_or(1)),
                    servers: None,
                }
            };
            dropped = fit_schedule(&mut scenario);
        }
        if ["quorum", "phase1", "phase2"]
            .iter()
            .any(|f| text(f).is_some())
        {
            let (phase1, phase2) = match &self.scenario.section.quorum {
                QuorumSpec::Flexible { phase1, phase2 } => (*phase1, *phase2),
                _ => (2, 2),
            };
            let current = match &self.scenario.section.quorum {
                QuorumSpec::Majority => "majority",
                QuorumSpec::Flexible { .. } => "flexible",
                other => kept_kind(other).0,
            };
            scenario.section.quorum = match text("quorum").unwrap_or(current) {
                "majority" => QuorumSpec::Majority,
                "flexible" => QuorumSpec::Flexible {
                    phase1: whole("phase1")?.unwrap_or(phase1),
                    phase2: whole("phase2")?.unwrap_or(phase2),
                },
                kind if kind == current => self.scenario.section.quorum.clone(),
                other => return Err(bad("quorum", format!("unknown quorum kind \"{other}\""))),
            };
        }
        let network = &mut scenario.network;
        for (name, slot) in [
            ("delay_ticks_min", &mut network.delay_ticks_min),
            ("delay_ticks_max", &mut network.delay_ticks_max),
        ] {
            if let Some(t) = text(name) {
                *slot = t
                    .trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|d| *d <= DELAY_TICKS_MAX)
                    .ok_or_else(|| {
                        bad(
                            name,
                            format!("must be a whole number of ticks, not \"{t}\""),
                        )
                    })?;
            }
        }
        for (name, slot) in [
            ("loss", &mut network.loss),
            ("duplicate", &mut network.duplicate),
        ] {
            if let Some(t) = text(name) {
                *slot = probability(t).ok_or_else(|| {
                    bad(
                        name,
                        format!("must be a probability from 0 to 1, not \"{t}\""),
                    )
                })?;
            }
        }
        if let Some((_, bugs)) = entries.iter().find(|(k, _)| k == "bug") {
            let Value::Array(items) = bugs else {
                return Err(bad("bug", "must be a list of switch names".to_string()));
            };
            scenario.section.bugs = items
                .iter()
                .map(|item| match item {
                    Value::String(s) => Ok(s.clone()),
                    _ => Err(bad("bug", "must be a list of switch names".to_string())),
                })
                .collect::<Result<_, _>>()?;
        }
        if let Some(t) = text("seed") {
            scenario.seed = t.trim().parse::<u64>().map_err(|_| {
                bad(
                    "seed",
                    format!("must be a whole number from 0 to 2^64 - 1, not \"{t}\""),
                )
            })?;
        }
        // What the form made must be a scenario the core runs; the error names its field.
        scenario.compile()?;
        Ok(SetupResult {
            scenario: scenario.to_json(),
            dropped,
        })
    }
}

/// A probability as a person typed it or a slider gave it, read as the scenario reads floats.
fn probability(text: &str) -> Option<f64> {
    let value = match json::parse(text.trim()) {
        Ok(Value::Number(n)) => json::parse_f64(n),
        _ => return None,
    };
    (0.0..=1.0).contains(&value).then_some(value)
}

/// A float as the scenario writes it (`0.3`, not `0.30000000000000004`).
fn json_number(value: f64) -> String {
    let mut out = String::new();
    json::write_f64(&mut out, value);
    out
}

/// Fits the schedule to a new cluster and says, in sentences, what it could not keep.
///
/// A name the new cluster has stays. Across shapes a proposal is renamed where that is clear:
/// proposer `p2` becomes server `s2` and back, since both are the second node that proposes.
/// Crashes, restarts, cuts and timers of a renamed node are not carried over (crashing `s2`
/// would also crash an acceptor, which crashing `p2` did not), nor are entries naming nodes
/// past the new counts; partitions lose the members the new cluster lacks. A run with no
/// proposal left gets one from the first proposer, at tick 0.
fn fit_schedule(scenario: &mut Scenario) -> Vec<String> {
    let cluster = &scenario.cluster;
    // Names exist up to MAX_NODES; a larger count is the compile step's error to report, with
    // the field it names, so the names stop there instead of panicking.
    let upto = |count: Option<usize>| 1..=count.unwrap_or(0).min(MAX_NODES);
    let (all, proposers) = match cluster.servers {
        Some(servers) => {
            let names: Vec<&str> = upto(Some(servers)).map(|i| node_name('s', i)).collect();
            (names.clone(), names)
        }
        None => {
            let proposers: Vec<&str> = upto(cluster.proposers).map(|i| node_name('p', i)).collect();
            let mut all = proposers.clone();
            all.extend(upto(cluster.acceptors).map(|i| node_name('a', i)));
            all.extend(upto(cluster.learners).map(|i| node_name('l', i)));
            (all, proposers)
        }
    };
    let known = |name: &str| all.contains(&name);
    // The proposer a proposal's node becomes: the same name, or the same number in the
    // other shape (p2 <-> s2).
    let proposer = |name: &str| -> Option<String> {
        if proposers.contains(&name) {
            return Some(name.to_string());
        }
        let number: usize = name.get(1..)?.parse().ok()?;
        let other = match name.chars().next()? {
            'p' if cluster.servers.is_some() => 's',
            's' if cluster.servers.is_none() => 'p',
            _ => return None,
        };
        if number == 0 || number > MAX_NODES {
            return None;
        }
        let renamed = node_name(other, number);
        proposers.contains(&renamed).then(|| renamed.to_string())
    };
    let mut notes = Vec::new();
    scenario.schedule.retain_mut(|entry| {
        let at = entry.at;
        if let Some(p) = &mut entry.inputs.propose {
            return match proposer(&p.node) {
                Some(name) => {
                    p.node = name;
                    true
                }
                None => {
                    notes.push(format!(
                        "{}'s proposal of “{}” at tick {at} was dropped: the new cluster has no such proposer",
                        p.node, p.value
                    ));
                    false
                }
            };
        }
        if let Some(groups) = &mut entry.partition {
            let before: usize = groups.iter().map(Vec::len).sum();
            for group in groups.iter_mut() {
                group.retain(|name| known(name));
            }
            groups.retain(|group| !group.is_empty());
            let after: usize = groups.iter().map(Vec::len).sum();
            if after < before {
                notes.push(format!(
                    "the partition at tick {at} lost {} member(s) the new cluster lacks",
                    before - after
                ));
            }
            return true;
        }
        let named = [
            ("crash", entry.crash.as_ref()),
            ("restart", entry.restart.as_ref()),
            ("cut", entry.cut.as_ref().map(|l| &l.from)),
            ("cut", entry.cut.as_ref().map(|l| &l.to)),
            ("restore", entry.restore.as_ref().map(|l| &l.from)),
            ("restore", entry.restore.as_ref().map(|l| &l.to)),
            ("timeout", entry.timeout.as_ref()),
        ];
        match named
            .into_iter()
            .find_map(|(what, name)| name.filter(|n| !known(n)).map(|n| (what, n)))
        {
            Some((what, name)) => {
                notes.push(format!(
                    "the {what} of {name} at tick {at} was dropped: the new cluster has no {name}"
                ));
                false
            }
            None => true,
        }
    });
    if !scenario.schedule.iter().any(|e| e.inputs.propose.is_some()) {
        if let Some(first) = proposers.first() {
            notes.push(format!(
                "no proposal was left, so {first} proposes “A” at tick 0"
            ));
            scenario.schedule.insert(
                0,
                Intervention {
                    at: 0,
                    inputs: Inputs {
                        propose: Some(Proposal {
                            node: first.to_string(),
                            value: "A".to_string(),
                        }),
                    },
                    ..Intervention::default()
                },
            );
        }
    }
    notes
}

/// What a submitted Setup form made: the new scenario, and what of the schedule it could not
/// keep, in sentences for the panel.
#[derive(Debug)]
pub struct SetupResult {
    pub scenario: String,
    pub dropped: Vec<String>,
}

json_object!(SetupResult { scenario, dropped });

json_object!(SetupGroup { legend, fields, warning? });

json_object!(SetupField { name, label, kind, value, checked, options, min?, max?, step?, unit? });

/// A quorum kind the Setup form does not edit but keeps as the scenario has it (the Quorums
/// tab edits them), as a select option: its value and label.
fn kept_kind(quorum: &QuorumSpec) -> (&'static str, &'static str) {
    match quorum {
        QuorumSpec::Threshold { .. } => ("threshold", "threshold (as in the scenario)"),
        QuorumSpec::Grid { .. } => ("grid", "grid (as in the scenario)"),
        QuorumSpec::Weighted { .. } => ("weighted", "weighted (as in the scenario)"),
        _ => ("explicit", "explicit (as in the scenario)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::paxos::Paxos;

    const LOSSY: &str = r#"{"version": 1, "protocol": "paxos", "seed": 7,
        "cluster": {"proposers": 2, "acceptors": 3, "learners": 1},
        "network": {"delay_ticks_min": 5, "delay_ticks_max": 20, "loss": 0.33, "duplicate": 0.07},
        "schedule": [{"at": 0, "propose": {"node": "p1", "value": "A"}},
                     {"at": 25, "propose": {"node": "p2", "value": "B"}},
                     {"at": 40, "crash": "a1"}]}"#;

    fn applied(changes: &str) -> Scenario {
        let p = Playground::<Paxos>::new(LOSSY).unwrap();
        Scenario::from_json(&p.apply_setup(changes).unwrap().scenario).unwrap()
    }

    #[test]
    fn the_form_shows_the_scenarios_values() {
        let p = Playground::<Paxos>::new(LOSSY).unwrap();
        let form = p.setup_form();
        let find = |name: &str| {
            form.iter()
                .flat_map(|g| &g.fields)
                .find(|f| f.name == name)
                .unwrap()
        };
        assert_eq!(find("loss").value, "0.33");
        assert_eq!(find("duplicate").value, "0.07");
        assert_eq!(find("proposers").value, "2");
        assert_eq!(find("seed").value, "7");
        let shapes: Vec<bool> = form[0]
            .fields
            .iter()
            .filter(|f| f.name == "shape")
            .map(|f| f.checked)
            .collect();
        assert_eq!(shapes, [true, false]);
    }

    #[test]
    fn a_field_not_touched_keeps_its_exact_value() {
        let before = Scenario::from_json(LOSSY).unwrap();
        let after = applied(r#"{"seed": "8"}"#);
        assert_eq!(after.seed, 8);
        assert_eq!(after.network, before.network);
        assert_eq!(after.schedule, before.schedule);
        assert_eq!(after.cluster, before.cluster);
        let after = applied(r#"{"loss": "0.5"}"#);
        assert_eq!((after.network.loss, after.network.duplicate), (0.5, 0.07));
    }

    #[test]
    fn a_new_cluster_keeps_the_entries_its_nodes_can_take_and_says_what_it_dropped() {
        let p = Playground::<Paxos>::new(LOSSY).unwrap();
        let fewer = p
            .apply_setup(r#"{"shape": "roles", "proposers": "1"}"#)
            .unwrap();
        let after = Scenario::from_json(&fewer.scenario).unwrap();
        let kept: Vec<(u64, bool)> = after
            .schedule
            .iter()
            .map(|e| (e.at, e.crash.is_some()))
            .collect();
        assert_eq!(
            kept,
            [(0, false), (40, true)],
            "p2's proposal goes, a1's crash stays"
        );
        assert_eq!(
            fewer.dropped,
            ["p2's proposal of “B” at tick 25 was dropped: the new cluster has no such proposer"]
        );
        // Servers: p1 and p2 propose as s1 and s2; a1's crash has no clear counterpart.
        let servers = p.apply_setup(r#"{"shape": "servers"}"#).unwrap();
        let after = Scenario::from_json(&servers.scenario).unwrap();
        assert_eq!(after.cluster.servers, Some(5));
        let proposals: Vec<(u64, &str)> = after
            .schedule
            .iter()
            .filter_map(|e| e.inputs.propose.as_ref().map(|p| (e.at, p.node.as_str())))
            .collect();
        assert_eq!(proposals, [(0, "s1"), (25, "s2")]);
        assert_eq!(
            servers.dropped,
            ["the crash of a1 at tick 40 was dropped: the new cluster has no a1"]
        );
        // And back: s2 proposes as p2 again.
        let back = Playground::<Paxos>::new(&servers.scenario).unwrap();
        let roles = back.apply_setup(r#"{"shape": "roles"}"#).unwrap();
        let after = Scenario::from_json(&roles.scenario).unwrap();
        assert_eq!(
            after.schedule[1].inputs.propose.as_ref().unwrap().node,
            "p2"
        );
        assert!(roles.dropped.is_empty(), "{:?}", roles.dropped);
        // One server: s2's proposal goes, and says so.
        let one = back.apply_setup(r#"{"servers": "1"}"#).unwrap();
        assert_eq!(one.dropped.len(), 1, "{:?}", one.dropped);
    }

    #[test]
    fn bad_values_say_which_field() {
        let p = Playground::<Paxos>::new(LOSSY).unwrap();
        for (changes, field) in [
            (r#"{"seed": "x"}"#, "setup.seed"),
            (r#"{"loss": "2"}"#, "setup.loss"),
            (r#"{"proposers": "-1"}"#, "setup.proposers"),
            (r#"{"quorum": "weird"}"#, "setup.quorum"),
            (r#"{"bug": "x"}"#, "setup.bug"),
            ("[]", "setup.changes"),
        ] {
            assert_eq!(
                p.apply_setup(changes).unwrap_err().field,
                field,
                "{changes}"
            );
        }
        // A value the format rejects is named as the scenario names it.
        let error = p.apply_setup(r#"{"proposers": "16"}"#).unwrap_err();
        assert_eq!(error.field, "cluster", "{error}");
        assert!(error.message.contains("more than the 15"), "{error}");
    }
}
