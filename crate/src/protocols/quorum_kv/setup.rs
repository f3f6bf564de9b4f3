//! The store's part of the Setup panel: its replicas and clients (and which entries of the
//! schedule survive a new cluster), its read and write quorums and mode, its clients' workload
//! and its bug switches. The page's form and the groups every protocol shares are
//! `crate::present::setup`'s.

use super::{Bugs, ClusterSpec, Config, Mode, Scenario, Section};
use crate::present::setup::*;
use crate::scenario::{QuorumSpec, ScenarioError};

/// The store's groups of the Setup form.
pub(super) fn setup_form(scenario: &Scenario, config: &Config) -> Vec<SetupGroup> {
    let cluster = &scenario.cluster;
    let section = &scenario.section;
    let (kind, read, write) = match &section.quorum {
        QuorumSpec::Majority => ("majority", majority(cluster), majority(cluster)),
        QuorumSpec::Threshold { read, write } => ("threshold", *read, *write),
        _ => ("explicit", majority(cluster), majority(cluster)),
    };
    let mut options = vec![
        ("majority", "majority"),
        ("threshold", "R and W (any R, any W)"),
    ];
    if kind == "explicit" {
        options.push(("explicit", "as in the scenario"));
    }
    let mode = section.mode.as_deref().unwrap_or(Mode::NAMES[0]);
    let n = cluster.replicas;
    let mut warnings = Vec::new();
    if config.quorum.check_intersection().is_err() {
        warnings.push(format!(
            "R + W ≤ N ({read} + {write} ≤ {n}): some read quorum shares no replica with some write quorum, so a read can miss the last write."
        ));
    }
    // Only sizes say this: explicit quorums are listed, not sized.
    if kind != "explicit" && 2 * write <= n {
        warnings.push(format!(
            "W + W ≤ N ({write} + {write} ≤ {n}): two write quorums can share no replica, so two writes need not see each other; ABD still orders them by the versions its writers read from a read quorum, Dynamo-style writes do not."
        ));
    }
    let quorum_warning = (!warnings.is_empty()).then(|| warnings.join(" "));
    vec![
        SetupGroup {
            legend: "Cluster",
            fields: vec![
                SetupField::number("replicas", "Replicas", cluster.replicas, 1.0),
                SetupField::number("clients", "Clients", cluster.clients.unwrap_or(0), 0.0),
            ],
            warning: None,
        },
        SetupGroup {
            legend: "Quorums",
            fields: vec![
                SetupField {
                    value: kind.to_string(),
                    options,
                    ..SetupField::new("quorum", "select", "Kind")
                },
                SetupField::number("read", "Read quorum (R)", read, 1.0)
                    .applies_when("quorum", "threshold"),
                SetupField::number("write", "Write quorum (W)", write, 1.0)
                    .applies_when("quorum", "threshold"),
                SetupField {
                    value: mode.to_string(),
                    options: vec![
                        ("abd", "ABD: reads write back, writes read versions"),
                        ("dynamo", "Dynamo-style: neither"),
                    ],
                    ..SetupField::new("mode", "select", "Mode")
                },
            ],
            warning: quorum_warning,
        },
        network_group(&scenario.network),
        workload_group(
            section.workload.as_ref(),
            config.workload.pacing().retry_ticks,
        ),
        bug_group("Break the store", &Bugs::NAMES, &section.bugs),
    ]
}

fn majority(cluster: &ClusterSpec) -> usize {
    cluster.replicas / 2 + 1
}

/// The store's scenario with the touched fields of its groups applied, and what of the
/// schedule a new cluster dropped.
pub(super) fn apply_setup(
    old: &Scenario,
    changes: &Changes<'_>,
) -> Result<(Scenario, Vec<String>), ScenarioError> {
    let mut scenario = old.clone();
    let mut dropped = Vec::new();
    let cluster = client_cluster(
        changes,
        "replicas",
        (old.cluster.replicas, old.cluster.clients),
    )?;
    if let Some(cluster) = cluster {
        scenario.cluster = ClusterSpec {
            replicas: cluster.servers,
            clients: Some(cluster.clients),
        };
        let config = Config::new(cluster.capped.0, cluster.capped.1);
        dropped = fit_requests(
            &mut scenario,
            &|name| config.lookup(name).is_ok(),
            |inputs| inputs.request.as_ref(),
        );
    }
    let section: &mut Section = &mut scenario.section;
    if changes.any(&["quorum", "read", "write"]) {
        let current = match &old.section.quorum {
            QuorumSpec::Majority => "majority",
            QuorumSpec::Threshold { .. } => "threshold",
            _ => "explicit",
        };
        let (read, write) = match &old.section.quorum {
            QuorumSpec::Threshold { read, write } => (*read, *write),
            _ => (majority(&old.cluster), majority(&old.cluster)),
        };
        section.quorum = match changes.text("quorum").unwrap_or(current) {
            "majority" => QuorumSpec::Majority,
            "threshold" => QuorumSpec::Threshold {
                read: changes.whole("read")?.unwrap_or(read),
                write: changes.whole("write")?.unwrap_or(write),
            },
            kind if kind == current => old.section.quorum.clone(),
            other => return Err(bad("quorum", format!("unknown quorum kind \"{other}\""))),
        };
    }
    if let Some(mode) = changes.text("mode") {
        if !Mode::NAMES.contains(&mode) {
            return Err(bad(
                "mode",
                format!("expected {}, not \"{mode}\"", Mode::NAMES.join(" or ")),
            ));
        }
        section.mode = Some(mode.to_string());
    }
    let in_force = || Ok(old.compile()?.config.workload.pacing().retry_ticks);
    apply_workload(changes, &mut section.workload, in_force)?;
    if let Some(bugs) = changes.bugs()? {
        section.bugs = bugs;
    }
    apply_network(changes, &mut scenario.network)?;
    Ok((scenario, dropped))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::play::Playground;
    use crate::protocols::quorum_kv::QuorumKv;

    const STORE: &str = r#"{"version": 1, "protocol": "quorum-kv", "seed": 3,
        "cluster": {"replicas": 3, "clients": 2},
        "schedule": [{"at": 0, "request": {"client": "c1", "op": "put", "key": "x", "value": "1"}},
                     {"at": 10, "request": {"client": "c2", "op": "get", "key": "x"}},
                     {"at": 20, "crash": "r3"}]}"#;

    fn field<'a>(form: &'a [SetupGroup], name: &str) -> &'a SetupField {
        form.iter()
            .flat_map(|g| &g.fields)
            .find(|f| f.name == name)
            .unwrap()
    }

    #[test]
    fn the_form_shows_the_stores_values_and_warns_of_quorums_that_miss() {
        let p = Playground::<QuorumKv>::new(STORE).unwrap();
        let form = p.setup_form();
        assert_eq!(field(&form, "replicas").value, "3");
        assert_eq!(field(&form, "clients").value, "2");
        assert_eq!(field(&form, "read").value, "2");
        assert_eq!(field(&form, "mode").value, "abd");
        assert_eq!(field(&form, "seed").value, "3");
        // The resend timeouts in force, drawn from the network's 20-tick delays.
        assert_eq!(field(&form, "retry_ticks_min").value, "90");
        assert_eq!(field(&form, "retry_ticks_max").value, "180");
        assert!(form.iter().all(|g| g.warning.is_none()));
        let unsafe_quorums = p
            .apply_setup(r#"{"quorum": "threshold", "read": "1", "write": "2"}"#)
            .unwrap();
        let p = Playground::<QuorumKv>::new(&unsafe_quorums.scenario).unwrap();
        let warning = p.setup_form()[1].warning.clone().unwrap();
        assert!(warning.starts_with("R + W ≤ N (1 + 2 ≤ 3)"), "{warning}");
        assert!(!warning.contains("W + W"), "{warning}");
        let one_writer = p.apply_setup(r#"{"read": "3", "write": "1"}"#).unwrap();
        let p = Playground::<QuorumKv>::new(&one_writer.scenario).unwrap();
        let warning = p.setup_form()[1].warning.clone().unwrap();
        assert!(warning.starts_with("W + W ≤ N (1 + 1 ≤ 3)"), "{warning}");
    }

    #[test]
    fn a_new_cluster_drops_the_requests_of_missing_clients_and_the_crashes_of_missing_replicas() {
        let p = Playground::<QuorumKv>::new(STORE).unwrap();
        let smaller = p
            .apply_setup(r#"{"replicas": "2", "clients": "1"}"#)
            .unwrap();
        let after = Scenario::from_json(&smaller.scenario).unwrap();
        assert_eq!(after.schedule.len(), 1, "{}", smaller.scenario);
        assert_eq!(
            smaller.dropped,
            [
                "c2's get of x at tick 10 was dropped: the new cluster has no such client",
                "the crash of r3 at tick 20 was dropped: the new cluster has no r3"
            ]
        );
        let workload = p
            .apply_setup(r#"{"ops_per_client": "4", "mode": "dynamo", "bug": []}"#)
            .unwrap();
        let after = Scenario::from_json(&workload.scenario).unwrap();
        assert_eq!(after.section.mode.as_deref(), Some("dynamo"));
        assert_eq!(after.section.workload.unwrap().ops_per_client, Some(4));
        // One resend timeout touched: the other keeps the value the form showed.
        let resends = p.apply_setup(r#"{"retry_ticks_max": "400"}"#).unwrap();
        let workload = Scenario::from_json(&resends.scenario)
            .unwrap()
            .section
            .workload
            .unwrap();
        assert_eq!(
            (workload.retry_ticks_min, workload.retry_ticks_max),
            (Some(90), Some(400))
        );
    }

    #[test]
    fn bad_values_say_which_field() {
        let p = Playground::<QuorumKv>::new(STORE).unwrap();
        for (changes, field) in [
            (r#"{"replicas": "x"}"#, "setup.replicas"),
            (r#"{"mode": "raft"}"#, "setup.mode"),
            (r#"{"quorum": "grid"}"#, "setup.quorum"),
            (r#"{"bug": "x"}"#, "setup.bug"),
            (r#"{"retry_ticks_min": "0"}"#, "setup.retry_ticks_min"),
            (r#"{"retry_ticks_min": "500"}"#, "workload.retry_ticks_min"),
        ] {
            assert_eq!(
                p.apply_setup(changes).unwrap_err().field,
                field,
                "{changes}"
            );
        }
        let error = p.apply_setup(r#"{"replicas": "0"}"#).unwrap_err();
        assert_eq!(error.field, "cluster.replicas", "{error}");
        let error = p.apply_setup(r#"{"bug": ["nope"]}"#).unwrap_err();
        assert!(error.message.contains("read_skips_write_back"), "{error}");
    }
}
