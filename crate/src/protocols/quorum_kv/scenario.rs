//! The store's section of the scenario format ([`ScenarioSection`]): its cluster of replicas
//! and clients, its quorums, its mode and bug switches, its clients' workload, and the
//! `request` input that gives a client one operation by hand.
//!
//! ```json
//! {"version": 1, "protocol": "quorum-kv", "seed": 7,
//!  "cluster": {"replicas": 3, "clients": 2},
//!  "quorum": {"kind": "threshold", "read": 2, "write": 2},
//!  "mode": "abd", "bugs": ["read_skips_write_back"],
//!  "workload": {"ops_per_client": 3, "keys": 1, "mix": {"get": 1, "put": 1, "cas": 0}},
//!  "schedule": [{"at": 40, "request": {"client": "c1", "op": "put", "key": "x", "value": "1"}}]}
//! ```

use super::{Bugs, Config, Mode, QuorumKv};
use crate::clients::spec::{Cluster, RequestSpec};
use crate::clients::workload::WorkloadSpec;
use crate::clients::Request;
use crate::json::{field, field_if_some, json_object};
use crate::scenario::{error, Fields, FromJson, QuorumSpec, ScenarioError, ScenarioSection};
use crate::sim::action::Action;
use crate::sim::network::NetworkSpec;
use crate::sim::{NodeId, MAX_NODES};
use serde::Serialize;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ClusterSpec {
    pub replicas: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clients: Option<usize>,
}

/// The store's own top-level fields of a scenario.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Section {
    pub quorum: QuorumSpec,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub bugs: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workload: Option<WorkloadSpec>,
}

/// The store's input in a schedule entry: one request by hand, or none.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Inputs {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<RequestSpec>,
}

impl ScenarioSection for QuorumKv {
    const NAME: &'static str = "quorum-kv";
    const SECTION_FIELDS: &'static [&'static str] = &["quorum", "mode", "bugs", "workload"];
    const INPUT_FIELDS: &'static [&'static str] = &["request"];

    type Cluster = ClusterSpec;
    type Section = Section;
    type Inputs = Inputs;

    fn read_section(f: &Fields) -> Result<Section, ScenarioError> {
        Ok(Section {
            quorum: f.get("quorum")?.unwrap_or_default(),
            mode: f.optional("mode")?,
            bugs: f.get("bugs")?.unwrap_or_default(),
            workload: f.optional("workload")?,
        })
    }

    fn write_section(section: &Section, out: &mut String) {
        field(out, "quorum", &section.quorum);
        field_if_some(out, "mode", &section.mode);
        if !section.bugs.is_empty() {
            field(out, "bugs", &section.bugs);
        }
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
        let replicas = cluster.replicas;
        let clients = cluster.clients.unwrap_or(0);
        if replicas == 0 {
            return Err(error("cluster.replicas", "must be at least 1"));
        }
        let total = replicas.saturating_add(clients);
        if total > MAX_NODES {
            return Err(error(
                "cluster",
                format!("{total} nodes is more than the {MAX_NODES} a cluster may have"),
            ));
        }
        Ok(Config::new(replicas, clients))
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
            .compile(config.replicas, "quorum.", &|node| {
                let id = config.lookup(node)?;
                if config.is_client(id) {
                    Err(format!("{node} is a client, not a replica"))
                } else {
                    Ok(id as usize)
                }
            })
            // The shared messages call the nodes quorums are made of acceptors, as Paxos does.
            .map_err(|e| error(e.field, e.message.replace("acceptors", "replicas")))?;
        if let Some(mode) = &section.mode {
            config.mode = match Mode::NAMES.iter().position(|m| m == mode) {
                Some(0) => Mode::Abd,
                Some(_) => Mode::Dynamo,
                None => {
                    return Err(error(
                        "mode",
                        format!("unknown mode {mode:?}; known modes are abd, dynamo"),
                    ))
                }
            };
        }
        let mut bugs = Bugs::default();
        for (i, name) in section.bugs.iter().enumerate() {
            if !bugs.set(name) {
                return Err(error(
                    format!("bugs[{i}]"),
                    format!(
                        "unknown bug \"{name}\"; known bugs are {}",
                        Bugs::NAMES.join(", ")
                    ),
                ));
            }
        }
        config.bugs = bugs;
        let clients = config.names.len() - config.replicas;
        let mix = section.workload.as_ref().and_then(|w| w.mix);
        if mix.and_then(|m| m.append).is_some_and(|weight| weight > 0) {
            return Err(error(
                "workload.mix.append",
                "a quorum store has no order to append in; multipaxos has append",
            ));
        }
        config.workload = section.workload.clone().unwrap_or_default().compile(
            clients,
            network,
            seed,
            &mut config.names_kv,
        )?;
        Ok(())
    }

    fn lookup(config: &Config, name: &str) -> Result<NodeId, String> {
        config.lookup(name)
    }

    fn resolve_inputs(
        config: &mut Config,
        inputs: &Inputs,
        entry: usize,
        actions: &mut Vec<Action<QuorumKv>>,
    ) -> Result<(), ScenarioError> {
        let Some(r) = &inputs.request else {
            return Ok(());
        };
        let cluster = Cluster {
            names: &config.names,
            first_client: config.replicas,
            server_word: "replica",
            no_append: Some("a quorum store has no order to append in: multipaxos has append"),
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

    fn check_timeout(config: &Config, node: NodeId, name: &str) -> Result<(), String> {
        if config.is_client(node) {
            Ok(())
        } else {
            Err(format!("{name} is a replica; only clients have timers"))
        }
    }
}

impl FromJson for ClusterSpec {
    fn read(value: &crate::json::Value, path: &str) -> Result<Self, ScenarioError> {
        let f = Fields::new(value, path, "struct ClusterSpec", &["replicas", "clients"])?;
        Ok(ClusterSpec {
            replicas: f.required("replicas")?,
            clients: f.optional("clients")?,
        })
    }
}

json_object!(ClusterSpec { replicas, clients? });

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_knows_the_store_by_its_section_name() {
        assert!(crate::protocols::KNOWN.contains(&QuorumKv::NAME));
    }
}
