//! Multi-Paxos's part of the Setup panel: its servers and clients (and which entries of the
//! schedule survive a new cluster), how reads are served, its heartbeat and election timeouts,
//! its clients' workload and its bug switches. The page's form and the groups every protocol
//! shares are `crate::present::setup`'s.

use super::{Bugs, ClusterSpec, Config, Reads, Scenario, TimeoutSpec};
use crate::present::setup::*;
use crate::scenario::ScenarioError;

pub(super) fn setup_form(scenario: &Scenario, config: &Config) -> Vec<SetupGroup> {
    let cluster = &scenario.cluster;
    let section = &scenario.section;
    let reads = section.reads.as_deref().unwrap_or(Reads::NAMES[0]);
    let (election_min, election_max) = config.election_ticks;
    vec![
        SetupGroup {
            legend: "Cluster",
            fields: vec![
                SetupField::number("servers", "Servers", cluster.servers, 1.0),
                SetupField::number("clients", "Clients", cluster.clients.unwrap_or(0), 0.0),
            ],
            warning: None,
        },
        SetupGroup {
            legend: "Leader and reads",
            fields: vec![
                SetupField {
                    value: reads.to_string(),
                    options: vec![
                        ("log", "through the log"),
                        ("lease", "by the leader, while its lease lasts"),
                    ],
                    ..SetupField::new("reads", "select", "Gets go")
                },
                SetupField::ticks("heartbeat_ticks", "Heartbeat every", config.heartbeat_ticks),
                SetupField::ticks("election_ticks_min", "Election timeout from", election_min),
                SetupField::ticks("election_ticks_max", "Election timeout to", election_max),
            ],
            warning: (reads == "lease").then(|| {
                "A lease assumes that every server's timers run at the same rate: a follower \
                 that acknowledged a heartbeat helps elect no other leader for longer than the \
                 leader keeps its lease."
                    .to_string()
            }),
        },
        network_group(&scenario.network),
        workload_group(
            section.workload.as_ref(),
            config.workload.pacing().retry_ticks,
        ),
        bug_group("Break Multi-Paxos", &Bugs::NAMES, &section.bugs),
    ]
}

/// The scenario with the touched fields of Multi-Paxos's groups applied, and what of the
/// schedule a new cluster dropped.
pub(super) fn apply_setup(
    old: &Scenario,
    changes: &Changes<'_>,
) -> Result<(Scenario, Vec<String>), ScenarioError> {
    let mut scenario = old.clone();
    let mut dropped = Vec::new();
    let cluster = client_cluster(
        changes,
        "servers",
        (old.cluster.servers, old.cluster.clients),
    )?;
    if let Some(cluster) = cluster {
        scenario.cluster = ClusterSpec {
            servers: cluster.servers,
            clients: Some(cluster.clients),
        };
        let config = Config::new(cluster.capped.0, cluster.capped.1);
        dropped = fit_requests(
            &mut scenario,
            &|name| config.lookup(name).is_ok(),
            |inputs| inputs.request.as_ref(),
        );
    }
    let section = &mut scenario.section;
    if let Some(reads) = changes.text("reads") {
        if !Reads::NAMES.contains(&reads) {
            return Err(bad(
                "reads",
                format!("expected {}, not \"{reads}\"", Reads::NAMES.join(" or ")),
            ));
        }
        section.reads = Some(reads.to_string());
    }
    if changes.any(&[
        "heartbeat_ticks",
        "election_ticks_min",
        "election_ticks_max",
    ]) {
        // The fields not touched keep what the form showed: the values in force.
        let config = old.compile()?.config;
        section.timeouts = Some(TimeoutSpec {
            heartbeat_ticks: Some(
                changes
                    .ticks("heartbeat_ticks")?
                    .unwrap_or(config.heartbeat_ticks),
            ),
            election_ticks_min: Some(
                changes
                    .ticks("election_ticks_min")?
                    .unwrap_or(config.election_ticks.0),
            ),
            election_ticks_max: Some(
                changes
                    .ticks("election_ticks_max")?
                    .unwrap_or(config.election_ticks.1),
            ),
        });
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
    use crate::protocols::multipaxos::MultiPaxos;

    const RUN: &str = r#"{"version": 1, "protocol": "multipaxos", "seed": 3,
        "cluster": {"servers": 3, "clients": 2},
        "schedule": [{"at": 0, "request": {"client": "c1", "op": "append", "key": "x", "value": "a"}},
                     {"at": 10, "request": {"client": "c2", "op": "get", "key": "x"}},
                     {"at": 20, "crash": "s3"}]}"#;

    fn field<'a>(form: &'a [SetupGroup], name: &str) -> &'a SetupField {
        form.iter()
            .flat_map(|g| &g.fields)
            .find(|f| f.name == name)
            .unwrap()
    }

    #[test]
    fn the_form_shows_the_values_in_force_and_changes_only_what_was_touched() {
        let p = Playground::<MultiPaxos>::new(RUN).unwrap();
        let form = p.setup_form();
        assert_eq!(field(&form, "servers").value, "3");
        assert_eq!(field(&form, "reads").value, "log");
        // From the network's 20-tick delays: two delays and 10, then four to six heartbeats.
        assert_eq!(field(&form, "heartbeat_ticks").value, "50");
        assert_eq!(field(&form, "election_ticks_min").value, "200");
        assert_eq!(field(&form, "election_ticks_max").value, "300");
        let lease = p
            .apply_setup(r#"{"reads": "lease", "election_ticks_max": "400"}"#)
            .unwrap();
        let after = Scenario::from_json(&lease.scenario).unwrap();
        assert_eq!(after.section.reads.as_deref(), Some("lease"));
        let timeouts = after.section.timeouts.unwrap();
        assert_eq!(
            (
                timeouts.heartbeat_ticks,
                timeouts.election_ticks_min,
                timeouts.election_ticks_max
            ),
            (Some(50), Some(200), Some(400))
        );
        assert_eq!(after.schedule.len(), 3, "nothing else moved");
        let p = Playground::<MultiPaxos>::new(&lease.scenario).unwrap();
        assert!(
            p.setup_form()[1].warning.is_some(),
            "leases say what they assume"
        );
    }

    #[test]
    fn a_new_cluster_drops_what_names_missing_nodes_and_bad_values_say_which_field() {
        let p = Playground::<MultiPaxos>::new(RUN).unwrap();
        let smaller = p
            .apply_setup(r#"{"servers": "2", "clients": "1"}"#)
            .unwrap();
        assert_eq!(
            smaller.dropped,
            [
                "c2's get of x at tick 10 was dropped: the new cluster has no such client",
                "the crash of s3 at tick 20 was dropped: the new cluster has no s3"
            ]
        );
        for (changes, field) in [
            (r#"{"servers": "x"}"#, "setup.servers"),
            (r#"{"reads": "fast"}"#, "setup.reads"),
            (r#"{"heartbeat_ticks": "0"}"#, "setup.heartbeat_ticks"),
            (r#"{"servers": "0"}"#, "cluster.servers"),
            (
                r#"{"reads": "lease", "election_ticks_min": "60"}"#,
                "timeouts.election_ticks_min",
            ),
        ] {
            assert_eq!(
                p.apply_setup(changes).unwrap_err().field,
                field,
                "{changes}"
            );
        }
    }
}
