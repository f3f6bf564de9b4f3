//! Paxos's part of the Setup panel: the cluster's shape and sizes (and which entries of the
//! schedule survive a new cluster), its quorums, its proposers' retry timeouts and its bug
//! switches. The page's form and the groups every protocol shares are `crate::present::setup`'s.

use super::MAX_NODES;
use super::{
    node_name, Bugs, ClusterSpec, Config, Inputs, Intervention, Proposal, Scenario, TimeoutSpec,
};
use crate::present::setup::*;
use crate::scenario::{QuorumSpec, ScenarioError};

/// Paxos's groups of the Setup form: the cluster's shape and sizes, its quorums, the network
/// and the switches that break it.
pub(super) fn setup_form(scenario: &Scenario, config: &Config) -> Vec<SetupGroup> {
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
        )
        .applies_when("shape", "roles"),
        SetupField::number(
            "acceptors",
            "Acceptors",
            cluster.acceptors.unwrap_or(3),
            1.0,
        )
        .applies_when("shape", "roles"),
        SetupField::number("learners", "Learners", cluster.learners.unwrap_or(1), 0.0)
            .applies_when("shape", "roles"),
        SetupField::number("servers", "Servers", cluster.servers.unwrap_or(5), 1.0)
            .applies_when("shape", "servers"),
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
        SetupField::number("phase1", "Phase-1 size (Q1)", phase1, 1.0)
            .applies_when("quorum", "flexible"),
        SetupField::number("phase2", "Phase-2 size (Q2)", phase2, 1.0)
            .applies_when("quorum", "flexible"),
    ];
    let quorum_warning = config.quorum.check_intersection().err().map(|gap| {
            format!(
                "Unsafe quorums: the phase-1 quorum {{{}}} and the phase-2 quorum {{{}}} share no acceptor, so two different values can be chosen.",
                config.acceptor_list(gap.phase1),
                config.acceptor_list(gap.phase2)
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
        network_group(&scenario.network),
        SetupGroup {
            legend: "Proposers' retries",
            fields: retry_fields("Retry", (config.retry_ticks_min, config.retry_ticks_max)).into(),
            warning: None,
        },
        bug_group("Break Paxos", &Bugs::NAMES, &scenario.section.bugs),
    ]
}

/// The Paxos scenario with the touched fields of its groups applied, and what of the schedule
/// a new cluster dropped.
pub(super) fn apply_setup(
    old: &Scenario,
    changes: &Changes<'_>,
) -> Result<(Scenario, Vec<String>), ScenarioError> {
    let mut scenario = old.clone();
    let mut dropped = Vec::new();
    if changes.any(&["shape", "proposers", "acceptors", "learners", "servers"]) {
        let old = &old.cluster;
        let servers = match changes.text("shape") {
            Some(shape) => shape == "servers",
            None => old.servers.is_some(),
        };
        scenario.cluster = if servers {
            ClusterSpec {
                servers: Some(changes.whole("servers")?.or(old.servers).unwrap_or(5)),
                ..ClusterSpec::default()
            }
        } else {
            ClusterSpec {
                proposers: Some(changes.whole("proposers")?.or(old.proposers).unwrap_or(2)),
                acceptors: Some(changes.whole("acceptors")?.or(old.acceptors).unwrap_or(3)),
                learners: Some(changes.whole("learners")?.or(old.learners).unwrap_or(1)),
                servers: None,
            }
        };
        dropped = fit_schedule(&mut scenario);
    }
    if changes.any(&["quorum", "phase1", "phase2"]) {
        let (phase1, phase2) = match &old.section.quorum {
            QuorumSpec::Flexible { phase1, phase2 } => (*phase1, *phase2),
            _ => (2, 2),
        };
        let current = match &old.section.quorum {
            QuorumSpec::Majority => "majority",
            QuorumSpec::Flexible { .. } => "flexible",
            other => kept_kind(other).0,
        };
        scenario.section.quorum = match changes.text("quorum").unwrap_or(current) {
            "majority" => QuorumSpec::Majority,
            "flexible" => QuorumSpec::Flexible {
                phase1: changes.whole("phase1")?.unwrap_or(phase1),
                phase2: changes.whole("phase2")?.unwrap_or(phase2),
            },
            kind if kind == current => old.section.quorum.clone(),
            other => return Err(bad("quorum", format!("unknown quorum kind \"{other}\""))),
        };
    }
    apply_network(changes, &mut scenario.network)?;
    let in_force = || {
        let config = old.compile()?.config;
        Ok((config.retry_ticks_min, config.retry_ticks_max))
    };
    if let Some((retry_ticks_min, retry_ticks_max)) = apply_retry(changes, in_force)? {
        scenario.section.timeouts = Some(TimeoutSpec {
            retry_ticks_min,
            retry_ticks_max,
        });
    }
    if let Some(bugs) = changes.bugs()? {
        scenario.section.bugs = bugs;
    }
    Ok((scenario, dropped))
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
        keeps_nodes(entry, &known, &mut notes)
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
    use crate::play::Playground;
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
        assert_eq!(find("until_ticks").value, "2000");
        // The retry timeouts in force, drawn from the network's 20-tick delays.
        assert_eq!(find("retry_ticks_min").value, "90");
        assert_eq!(find("retry_ticks_max").value, "180");
        // Q1 and Q2 apply to flexible quorums only, and the counts to their cluster shape.
        assert_eq!(find("phase1").applies, Some(("quorum", "flexible")));
        assert_eq!(find("servers").applies, Some(("shape", "servers")));
        assert_eq!(find("acceptors").applies, Some(("shape", "roles")));
        assert_eq!(find("seed").applies, None);
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
        let after = applied(r#"{"until_ticks": " 600 "}"#);
        assert_eq!((after.until_ticks, after.seed), (600, 7));
        // One retry timeout touched: the other keeps the value the form showed.
        let timeouts = applied(r#"{"retry_ticks_max": "300"}"#)
            .section
            .timeouts
            .unwrap();
        assert_eq!(
            (timeouts.retry_ticks_min, timeouts.retry_ticks_max),
            (90, 300)
        );
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
            (r#"{"until_ticks": "0"}"#, "setup.until_ticks"),
            (r#"{"until_ticks": "1000001"}"#, "setup.until_ticks"),
            (r#"{"until_ticks": "1.5"}"#, "setup.until_ticks"),
            (r#"{"retry_ticks_max": "x"}"#, "setup.retry_ticks_max"),
            (r#"{"retry_ticks_min": "500"}"#, "timeouts"),
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
