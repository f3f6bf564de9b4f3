//! Paxos's section of the scenario format ([`ScenarioSection`]): its cluster of proposers,
//! acceptors and learners (or servers that play all three), its quorum system, the break-Paxos
//! switches, its retry timeouts and the `propose` input. The envelope around it is
//! `crate::scenario`'s.

use super::*;
use crate::json::{field, field_if_some, json_object};
use crate::scenario::{
    entry_field, error, is_format_control, Fields, FromJson, QuorumSpec, ScenarioError,
    ScenarioSection, UNTIL_TICKS_MAX,
};
use crate::sim::action::Action;
use crate::sim::network::NetworkSpec;
use serde::Serialize;

/// Every name a node can have: a role's letter and a number from 1 to [`MAX_NODES`], by role.
#[rustfmt::skip]
const NODE_NAMES: [[&str; MAX_NODES]; 4] = [
    ["p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9",
     "p10", "p11", "p12", "p13", "p14", "p15"],
    ["a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9",
     "a10", "a11", "a12", "a13", "a14", "a15"],
    ["l1", "l2", "l3", "l4", "l5", "l6", "l7", "l8", "l9",
     "l10", "l11", "l12", "l13", "l14", "l15"],
    ["s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9",
     "s10", "s11", "s12", "s13", "s14", "s15"],
];

/// A node's name: its role's letter (`p`, `a`, `l` or `s`) and its number from 1, as in `p1` or
/// `s12`. Names come from a table, so that naming a cluster's nodes allocates nothing: a swarm
/// run names every node of its cluster.
pub fn node_name(role: char, number: usize) -> &'static str {
    let row = match role {
        'p' => 0,
        'a' => 1,
        'l' => 2,
        _ => {
            debug_assert_eq!(role, 's');
            3
        }
    };
    NODE_NAMES[row][number - 1]
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ClusterSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposers: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acceptors: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub learners: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub servers: Option<usize>,
}

/// Paxos's own top-level fields of a scenario.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Section {
    pub quorum: QuorumSpec,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub bugs: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeouts: Option<TimeoutSpec>,
}

/// When a proposer gives up on a ballot and tries a higher one. Both ranges are drawn from
/// uniformly by the timed scheduler; the randomness is what lets duelling proposers resolve.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimeoutSpec {
    pub retry_ticks_min: u64,
    pub retry_ticks_max: u64,
}

/// Paxos's inputs in a schedule entry: a proposal, or none.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Inputs {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub propose: Option<Proposal>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Proposal {
    pub node: String,
    pub value: String,
}

// Each method is called once, from the envelope's code, and is inlined there: the code is then
// laid out as it was before the envelope was shared, where outlined it made the page's wasm
// about 600 bytes larger, gzipped.
impl ScenarioSection for Paxos {
    const NAME: &'static str = "paxos";
    const SECTION_FIELDS: &'static [&'static str] = &["quorum", "bugs", "timeouts"];
    const INPUT_FIELDS: &'static [&'static str] = &["propose"];

    type Cluster = ClusterSpec;
    type Section = Section;
    type Inputs = Inputs;

    #[inline]
    fn read_section(f: &Fields) -> Result<Section, ScenarioError> {
        Ok(Section {
            quorum: f.get("quorum")?.unwrap_or_default(),
            bugs: f.get("bugs")?.unwrap_or_default(),
            timeouts: f.optional("timeouts")?,
        })
    }

    #[inline]
    fn write_section(section: &Section, out: &mut String) {
        field(out, "quorum", &section.quorum);
        if !section.bugs.is_empty() {
            field(out, "bugs", &section.bugs);
        }
        field_if_some(out, "timeouts", &section.timeouts);
    }

    #[inline]
    fn read_inputs(f: &Fields) -> Result<Inputs, ScenarioError> {
        Ok(Inputs {
            propose: f.optional("propose")?,
        })
    }

    #[inline]
    fn write_inputs(inputs: &Inputs, out: &mut String) {
        field_if_some(out, "propose", &inputs.propose);
    }

    #[inline]
    fn new_config(cluster: &ClusterSpec) -> Result<Config, ScenarioError> {
        cluster_config(cluster)
    }

    #[inline]
    fn configure(
        config: &mut Config,
        network: &NetworkSpec,
        section: &Section,
        _seed: u64,
    ) -> Result<(), ScenarioError> {
        config.network = network.clone();
        let (retry_min, retry_max) = match &section.timeouts {
            Some(t) => {
                if t.retry_ticks_min == 0 || t.retry_ticks_min > t.retry_ticks_max {
                    return Err(error(
                        "timeouts",
                        "retry_ticks_min must be at least 1 and at most retry_ticks_max",
                    ));
                }
                if t.retry_ticks_max > UNTIL_TICKS_MAX {
                    return Err(error("timeouts.retry_ticks_max", "is too large"));
                }
                (t.retry_ticks_min, t.retry_ticks_max)
            }
            // A round trip takes at most two maximal delays; waiting a little over two round
            // trips before retrying avoids retrying a ballot that is merely slow.
            None => (
                4 * network.delay_ticks_max + 10,
                8 * network.delay_ticks_max + 20,
            ),
        };
        config.retry_ticks_min = retry_min;
        config.retry_ticks_max = retry_max;
        config.quorum = section
            .quorum
            .compile(config.acceptors.len(), "quorum.", &|node| {
                let id = config.lookup(node)?;
                config.acceptor_index[id as usize]
                    .map(usize::from)
                    .ok_or_else(|| format!("{node} is not an acceptor"))
            })?;
        for (i, name) in section.bugs.iter().enumerate() {
            if !config.bugs.set(name, true) {
                return Err(error(
                    format!("bugs[{i}]"),
                    format!(
                        "unknown bug \"{name}\"; known bugs are {}",
                        Bugs::NAMES.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }

    #[inline]
    fn lookup(config: &Config, name: &str) -> Result<NodeId, String> {
        config.lookup(name)
    }

    #[inline]
    fn resolve_inputs(
        config: &mut Config,
        inputs: &Inputs,
        entry: usize,
        actions: &mut Vec<Action<Paxos>>,
    ) -> Result<(), ScenarioError> {
        let Some(p) = &inputs.propose else {
            return Ok(());
        };
        let field = |name: &str| entry_field(entry, name);
        let id = config
            .lookup(&p.node)
            .map_err(|m| error(field("propose.node"), m))?;
        if !config.roles[id as usize].contains(Roles::PROPOSER) {
            return Err(error(
                field("propose.node"),
                format!("{} is not a proposer", p.node),
            ));
        }
        if let Some(c) = p.value.chars().find(|&c| is_format_control(c)) {
            return Err(error(
                field("propose.value"),
                format!(
                    "must not contain control characters, and it has U+{:04X}",
                    c as u32
                ),
            ));
        }
        let value = config
            .intern_value(&p.value)
            .map_err(|m| error(field("propose.value"), m))?;
        actions.push(Action::Input {
            node: id,
            input: Propose { value },
        });
        Ok(())
    }

    #[inline]
    fn inputs_of(config: &Config, node: NodeId, input: &Propose) -> Inputs {
        Inputs {
            propose: Some(Proposal {
                node: config.name(node).to_string(),
                value: config.value_name(input.value).to_string(),
            }),
        }
    }

    #[inline]
    fn check_timeout(config: &Config, node: NodeId, name: &str) -> Result<(), String> {
        if config.roles[node as usize].contains(Roles::PROPOSER) {
            Ok(())
        } else {
            Err(format!("{name} is not a proposer"))
        }
    }
}

/// The configuration of the cluster's nodes, named in role order. Inlined into
/// [`ScenarioSection::new_config`], for the same reason as the methods above.
#[inline]
fn cluster_config(c: &ClusterSpec) -> Result<Config, ScenarioError> {
    let separate = c.proposers.is_some() || c.acceptors.is_some() || c.learners.is_some();
    let mut nodes: Vec<(&str, Roles)> = Vec::new();
    match (separate, c.servers) {
        (true, Some(_)) => {
            return Err(error(
                "cluster",
                "give either servers, or proposers/acceptors/learners, not both",
            ))
        }
        (false, None) => {
            return Err(error(
                "cluster",
                "give servers (each plays all three roles) or proposers, acceptors and learners",
            ))
        }
        (false, Some(n)) => {
            if n == 0 {
                return Err(error("cluster.servers", "must be at least 1"));
            }
            if n > MAX_NODES {
                return Err(error(
                    "cluster.servers",
                    format!("{n} is more than the {MAX_NODES} nodes a cluster may have"),
                ));
            }
            for i in 1..=n {
                nodes.push((node_name('s', i), Roles::ALL));
            }
        }
        (true, None) => {
            let p = c.proposers.unwrap_or(0);
            let a = c.acceptors.unwrap_or(0);
            let l = c.learners.unwrap_or(0);
            if p == 0 {
                return Err(error("cluster.proposers", "must be at least 1"));
            }
            if a == 0 {
                return Err(error("cluster.acceptors", "must be at least 1"));
            }
            // Saturating: counts come from the file, and a wrapped sum would pass this check
            // and then try to build billions of nodes.
            let total = p.saturating_add(a).saturating_add(l);
            if total > MAX_NODES {
                return Err(error(
                    "cluster",
                    format!("{total} nodes is more than the {MAX_NODES} a cluster may have"),
                ));
            }
            for i in 1..=p {
                nodes.push((node_name('p', i), Roles::PROPOSER));
            }
            for i in 1..=a {
                nodes.push((node_name('a', i), Roles::ACCEPTOR));
            }
            for i in 1..=l {
                nodes.push((node_name('l', i), Roles::LEARNER));
            }
        }
    }
    Ok(Config::new(nodes))
}

impl FromJson for ClusterSpec {
    fn read(value: &crate::json::Value, path: &str) -> Result<Self, ScenarioError> {
        let names = ["proposers", "acceptors", "learners", "servers"];
        let f = Fields::new(value, path, "struct ClusterSpec", &names)?;
        Ok(ClusterSpec {
            proposers: f.optional("proposers")?,
            acceptors: f.optional("acceptors")?,
            learners: f.optional("learners")?,
            servers: f.optional("servers")?,
        })
    }
}

impl FromJson for TimeoutSpec {
    fn read(value: &crate::json::Value, path: &str) -> Result<Self, ScenarioError> {
        let names = ["retry_ticks_min", "retry_ticks_max"];
        let f = Fields::new(value, path, "struct TimeoutSpec", &names)?;
        Ok(TimeoutSpec {
            retry_ticks_min: f.required("retry_ticks_min")?,
            retry_ticks_max: f.required("retry_ticks_max")?,
        })
    }
}

impl FromJson for Proposal {
    fn read(value: &crate::json::Value, path: &str) -> Result<Self, ScenarioError> {
        let f = Fields::new(value, path, "struct Proposal", &["node", "value"])?;
        Ok(Proposal {
            node: f.required("node")?,
            value: f.required("value")?,
        })
    }
}

json_object!(ClusterSpec { proposers?, acceptors?, learners?, servers? });

json_object!(TimeoutSpec {
    retry_ticks_min,
    retry_ticks_max
});

json_object!(Proposal { node, value });

#[cfg(test)]
mod tests {
    use super::{node_name, Paxos, ScenarioSection, MAX_NODES};

    #[test]
    fn node_names_read_like_format() {
        for role in ['p', 'a', 'l', 's'] {
            for number in 1..=MAX_NODES {
                assert_eq!(node_name(role, number), format!("{role}{number}"));
            }
        }
    }

    #[test]
    fn the_registry_knows_paxos_by_its_section_name() {
        assert!(crate::protocols::KNOWN.contains(&Paxos::NAME));
    }
}
