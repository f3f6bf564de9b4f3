//! What a Paxos run is configured with: the cluster's roles, its quorum system, the
//! break-Paxos switches and the proposed values.

use super::*;
use crate::quorum::{AcceptorSet, QuorumSystem};
use crate::sim::network::NetworkSpec;
use std::fmt;

/// The break-Paxos switches. Each is off in correct Paxos and turns one rule of the protocol off.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Bugs {
    /// Acceptors keep their promise and accepted value in volatile memory and lose them on restart.
    pub acceptor_forgets_on_restart: bool,
    /// A proposer sends its own value in phase 2 even when a Promise reported an accepted one.
    pub proposer_ignores_promised_value: bool,
    /// Acceptors accept an Accept whose ballot is lower than their promise.
    pub acceptor_accepts_below_promise: bool,
    /// Learners count Accepted messages instead of distinct acceptors, so a duplicate counts twice.
    pub learner_counts_duplicates: bool,
}

impl Bugs {
    pub const NAMES: [&'static str; 4] = [
        "acceptor_forgets_on_restart",
        "proposer_ignores_promised_value",
        "acceptor_accepts_below_promise",
        "learner_counts_duplicates",
    ];

    /// Turns a switch on or off by name; false when no switch has that name.
    pub fn set(&mut self, name: &str, on: bool) -> bool {
        let flag = match name {
            "acceptor_forgets_on_restart" => &mut self.acceptor_forgets_on_restart,
            "proposer_ignores_promised_value" => &mut self.proposer_ignores_promised_value,
            "acceptor_accepts_below_promise" => &mut self.acceptor_accepts_below_promise,
            "learner_counts_duplicates" => &mut self.learner_counts_duplicates,
            _ => return false,
        };
        *flag = on;
        true
    }

    pub fn enabled(&self) -> Vec<&'static str> {
        let flags = [
            self.acceptor_forgets_on_restart,
            self.proposer_ignores_promised_value,
            self.acceptor_accepts_below_promise,
            self.learner_counts_duplicates,
        ];
        Self::NAMES
            .iter()
            .zip(flags)
            .filter(|(_, on)| *on)
            .map(|(name, _)| *name)
            .collect()
    }
}

/// Everything about a run that does not change while it runs.
#[derive(Clone, Debug)]
pub struct Config {
    /// Names are never read from a scenario, only made from a role and a number
    /// ([`super::node_name`]), so they are static.
    pub names: Vec<&'static str>,
    pub roles: Vec<Roles>,
    pub proposers: Vec<NodeId>,
    pub acceptors: Vec<NodeId>,
    pub learners: Vec<NodeId>,
    /// For each node, its index among the acceptors (the bit it has in an [`AcceptorSet`]).
    pub acceptor_index: Vec<Option<u8>>,
    pub quorum: QuorumSystem,
    pub bugs: Bugs,
    /// The distinct proposed values, in order of first appearance in the schedule.
    pub values: Vec<String>,
    pub network: NetworkSpec,
    pub retry_ticks_min: u64,
    pub retry_ticks_max: u64,
}

impl Config {
    pub fn new(nodes: Vec<(&'static str, Roles)>) -> Config {
        // Sized up front: growing these one node at a time reallocated them in every swarm run.
        let mut config = Config {
            names: Vec::with_capacity(nodes.len()),
            roles: Vec::with_capacity(nodes.len()),
            proposers: Vec::with_capacity(nodes.len()),
            acceptors: Vec::with_capacity(nodes.len()),
            learners: Vec::with_capacity(nodes.len()),
            acceptor_index: Vec::with_capacity(nodes.len()),
            quorum: QuorumSystem::Majority { acceptors: 0 },
            bugs: Bugs::default(),
            values: Vec::new(),
            network: NetworkSpec::default(),
            retry_ticks_min: 50,
            retry_ticks_max: 100,
        };
        for (id, (name, roles)) in nodes.into_iter().enumerate() {
            let id = id as NodeId;
            config.names.push(name);
            config.roles.push(roles);
            if roles.contains(Roles::PROPOSER) {
                config.proposers.push(id);
            }
            if roles.contains(Roles::ACCEPTOR) {
                config
                    .acceptor_index
                    .push(Some(config.acceptors.len() as u8));
                config.acceptors.push(id);
            } else {
                config.acceptor_index.push(None);
            }
            if roles.contains(Roles::LEARNER) {
                config.learners.push(id);
            }
        }
        config.quorum = QuorumSystem::Majority {
            acceptors: config.acceptors.len(),
        };
        config
    }

    pub fn name(&self, node: NodeId) -> &str {
        self.names[node as usize]
    }

    pub fn value_name(&self, value: Value) -> &str {
        &self.values[value as usize]
    }

    /// The node named `name`, or a message listing the names this cluster has.
    pub fn lookup(&self, name: &str) -> Result<NodeId, String> {
        self.names
            .iter()
            .position(|n| *n == name)
            .map(|i| i as NodeId)
            .ok_or_else(|| {
                let shown: String = name.chars().take(20).collect();
                format!(
                    "unknown node \"{shown}\"; this cluster has {}",
                    self.names.join(", ")
                )
            })
    }

    pub fn intern_value(&mut self, value: &str) -> Result<Value, String> {
        if let Some(i) = self.values.iter().position(|v| v == value) {
            return Ok(i as Value);
        }
        if value.is_empty() || value.chars().count() > VALUE_LEN_MAX {
            return Err(format!(
                "a value must have 1 to {} characters",
                VALUE_LEN_MAX
            ));
        }
        if self.values.len() >= VALUES_MAX {
            return Err(format!(
                "at most {} distinct values may be proposed",
                VALUES_MAX
            ));
        }
        self.values.push(value.to_string());
        Ok((self.values.len() - 1) as Value)
    }

    pub fn ballot(&self, ballot: Ballot) -> BallotName<'_> {
        BallotName {
            config: self,
            ballot,
        }
    }

    /// The acceptor names in a set, joined for a sentence: "a1, a2 and a3".
    pub fn acceptor_list(&self, set: AcceptorSet) -> String {
        let names: Vec<&str> = crate::quorum::members(set)
            .filter(|i| *i < self.acceptors.len())
            .map(|i| self.name(self.acceptors[i]))
            .collect();
        match names.len() {
            0 => "no acceptor".to_string(),
            1 => names[0].to_string(),
            n => format!("{} and {}", names[..n - 1].join(", "), names[n - 1]),
        }
    }
}

/// A ballot written as students see it: `3.p2` (round 3 of proposer p2), or `none`.
pub struct BallotName<'a> {
    config: &'a Config,
    ballot: Ballot,
}

impl fmt::Display for BallotName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ballot.is_none() {
            write!(f, "none")
        } else {
            write!(
                f,
                "{}.{}",
                self.ballot.round,
                self.config.name(self.ballot.proposer)
            )
        }
    }
}
