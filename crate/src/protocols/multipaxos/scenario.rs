//! Multi-Paxos's section of the scenario format ([`ScenarioSection`]): its servers and
//! clients, its quorums, how reads are served, its bug switches, its timeouts, its clients'
//! workload, and the `request` input that gives a client one request by hand.
//!
//! ```json
//! {"version": 1, "protocol": "multipaxos", "seed": 7,
//!  "cluster": {"servers": 3, "clients": 2},
//!  "reads": "log", "bugs": ["no_client_dedup"],
//!  "timeouts": {"heartbeat_ticks": 50, "election_ticks_min": 200, "election_ticks_max": 300},
//!  "workload": {"ops_per_client": 3, "keys": 1, "mix": {"get": 1, "put": 1, "append": 1}},
//!  "schedule": [{"at": 40, "request": {"client": "c1", "op": "append", "key": "x", "value": "a"}}]}
//! ```

use super::{Bugs, Config, MultiPaxos, Reads};
use crate::clients::spec::{Cluster, RequestSpec};
use crate::clients::workload::WorkloadSpec;
use crate::clients::Request;
use crate::json::{field, field_if_some, json_object};
use crate::scenario::{
    error, Fields, FromJson, QuorumSpec, ScenarioError, ScenarioSection, UNTIL_TICKS_MAX,
};
use crate::sim::action::Action;
use crate::sim::network::NetworkSpec;
use crate::sim::{NodeId, MAX_NODES};
use serde::Serialize;

/// How often a client resends a request before it gives up, unless the workload says: enough
/// to go round three servers twice while they elect a new leader.
pub const RETRIES_DEFAULT: u32 = 6;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ClusterSpec {
    pub servers: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clients: Option<usize>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Section {
    pub quorum: QuorumSpec,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reads: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub bugs: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeouts: Option<TimeoutSpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workload: Option<WorkloadSpec>,
}

/// A leader's heartbeat period and a follower's election timeout, in ticks; each may be left
/// out, and then follows the network's delays.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TimeoutSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heartbeat_ticks: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub election_ticks_min: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub election_ticks_max: Option<u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Inputs {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<RequestSpec>,
}

impl ScenarioSection for MultiPaxos {
    const NAME: &'static str = "multipaxos";
    const SECTION_FIELDS: &'static [&'static str] =
        &["quorum", "reads", "bugs", "timeouts", "workload"];
    const INPUT_FIELDS: &'static [&'static str] = &["request"];

    type Cluster = ClusterSpec;
    type Section = Section;
    type Inputs = Inputs;

    fn read_section(f: &Fields) -> Result<Section, ScenarioError> {
        Ok(Section {
            quorum: f.get("quorum")?.unwrap_or_default(),
            reads: f.optional("reads")?,
            bugs: f.get("bugs")?.unwrap_or_default(),
            timeouts: f.optional("timeouts")?,
            workload: f.optional("workload")?,
        })
    }

    fn write_section(section: &Section, out: &mut String) {
        field(out, "quorum", &section.quorum);
        field_if_some(out, "reads", &section.reads);
        if !section.bugs.is_empty() {
            field(out, "bugs", &section.bugs);
        }
        field_if_some(out, "timeouts", &section.timeouts);
        field_if_some(out, "workload", &section.workload);
    }

    fn read_inputs(f: &Fields) -> Result<Inputs, ScenarioError> {
        Ok(Inputs {
            request: f.optional("request")?,
        })
    }

    fn write_inputs(inputs: &Inputs, out: &mut String) {
        field_if_some(out, "request", &inputs.request);
    }

    fn new_config(cluster: &ClusterSpec) -> Result<Config, ScenarioError> {
        let servers = cluster.servers;
        let clients = cluster.clients.unwrap_or(0);
        if servers == 0 {
            return Err(error("cluster.servers", "must be at least 1"));
        }
        let total = servers.saturating_add(clients);
        if total > MAX_NODES {
            return Err(error(
                "cluster",
                format!("{total} nodes is more than the {MAX_NODES} a cluster may have"),
            ));
        }
        Ok(Config::new(servers, clients))
    }

    fn configure(
        config: &mut Config,
        network: &NetworkSpec,
        section: &Section,
        seed: u64,
    ) -> Result<(), ScenarioError> {
        config.network = network.clone();
        config.quorum = section
            .quorum
            .compile(config.servers, "quorum.", &|node| {
                let id = config.lookup(node)?;
                if config.is_client(id) {
                    Err(format!("{node} is a client, not a server"))
                } else {
                    Ok(id as usize)
                }
            })
            .map_err(|e| error(e.field, e.message.replace("acceptors", "servers")))?;
        if let Some(reads) = &section.reads {
            config.reads = match reads.as_str() {
                "log" => Reads::Log,
                "lease" => Reads::Lease,
                _ => {
                    return Err(error(
                        "reads",
                        format!("unknown reads {reads:?}; known ones are log, lease"),
                    ))
                }
            };
        }
        for (i, name) in section.bugs.iter().enumerate() {
            if !config.bugs.set(name) {
                return Err(error(
                    format!("bugs[{i}]"),
                    format!(
                        "unknown bug \"{name}\"; known bugs are {}",
                        Bugs::NAMES.join(", ")
                    ),
                ));
            }
        }
        configure_timeouts(config, network, section.timeouts.as_ref())?;
        let clients = config.names.len() - config.servers;
        let mut workload = section.workload.clone().unwrap_or_default();
        workload.retries_max = workload.retries_max.or(Some(RETRIES_DEFAULT));
        config.workload = workload.compile(clients, network, seed, &mut config.names_kv)?;
        Ok(())
    }

    fn lookup(config: &Config, name: &str) -> Result<NodeId, String> {
        config.lookup(name)
    }

    fn resolve_inputs(
        config: &mut Config,
        inputs: &Inputs,
        entry: usize,
        actions: &mut Vec<Action<MultiPaxos>>,
    ) -> Result<(), ScenarioError> {
        let Some(r) = &inputs.request else {
            return Ok(());
        };
        let cluster = Cluster {
            names: &config.names,
            first_client: config.servers,
            server_word: "server",
            no_append: None,
        };
        let (node, input) = r.resolve(&cluster, &mut config.names_kv, entry)?;
        actions.push(Action::Input { node, input });
        Ok(())
    }

    fn inputs_of(config: &Config, node: NodeId, request: &Request) -> Inputs {
        Inputs {
            request: Some(RequestSpec::of(
                config.name(node),
                request,
                &config.names_kv,
            )),
        }
    }

    /// Every node has a timer: a server's election timeout or heartbeat, a client's resend.
    fn check_timeout(_: &Config, _: NodeId, _: &str) -> Result<(), String> {
        Ok(())
    }
}

/// The heartbeat and the election timeout: given, or from the network's delays. A heartbeat
/// is answered within a round trip; a follower waits four heartbeats before it suspects the
/// leader. With leases, a follower must wait more than two heartbeats, since a lease lasts
/// until the heartbeat after next.
fn configure_timeouts(
    config: &mut Config,
    network: &NetworkSpec,
    timeouts: Option<&TimeoutSpec>,
) -> Result<(), ScenarioError> {
    let t = timeouts.cloned().unwrap_or_default();
    let heartbeat = t
        .heartbeat_ticks
        .unwrap_or(2 * network.delay_ticks_max + 10);
    if heartbeat == 0 || heartbeat > UNTIL_TICKS_MAX {
        return Err(error(
            "timeouts.heartbeat_ticks",
            format!("must be between 1 and {UNTIL_TICKS_MAX}"),
        ));
    }
    let min = t.election_ticks_min.unwrap_or(4 * heartbeat);
    let max = t.election_ticks_max.unwrap_or((6 * heartbeat).max(min));
    if min == 0 || min > max {
        return Err(error(
            "timeouts.election_ticks_min",
            format!("{min} must be at least 1 and at most election_ticks_max ({max})"),
        ));
    }
    if max > UNTIL_TICKS_MAX {
        return Err(error(
            "timeouts.election_ticks_max",
            format!("must be at most {UNTIL_TICKS_MAX}"),
        ));
    }
    if config.reads == Reads::Lease && min <= 2 * heartbeat {
        return Err(error(
            "timeouts.election_ticks_min",
            format!(
                "{min} is too short for leases: a follower must wait more than two heartbeats \
                 ({} ticks) before it may help elect another leader",
                2 * heartbeat
            ),
        ));
    }
    config.heartbeat_ticks = heartbeat;
    config.election_ticks = (min, max);
    Ok(())
}

impl FromJson for ClusterSpec {
    fn read(value: &crate::json::Value, path: &str) -> Result<Self, ScenarioError> {
        let f = Fields::new(value, path, "struct ClusterSpec", &["servers", "clients"])?;
        Ok(ClusterSpec {
            servers: f.required("servers")?,
            clients: f.optional("clients")?,
        })
    }
}

impl FromJson for TimeoutSpec {
    fn read(value: &crate::json::Value, path: &str) -> Result<Self, ScenarioError> {
        let names = [
            "heartbeat_ticks",
            "election_ticks_min",
            "election_ticks_max",
        ];
        let f = Fields::new(value, path, "struct TimeoutSpec", &names)?;
        Ok(TimeoutSpec {
            heartbeat_ticks: f.optional("heartbeat_ticks")?,
            election_ticks_min: f.optional("election_ticks_min")?,
            election_ticks_max: f.optional("election_ticks_max")?,
        })
    }
}

json_object!(ClusterSpec { servers, clients? });

json_object!(TimeoutSpec {
    heartbeat_ticks?,
    election_ticks_min?,
    election_ticks_max?
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_knows_multipaxos_by_its_section_name() {
        assert!(crate::protocols::KNOWN.contains(&MultiPaxos::NAME));
    }
}
