//! What a protocol supplies to the scenario format: its section.
//!
//! The envelope (version, protocol, seed, network, scheduler, until_ticks, and the engine's own
//! interventions: crash, restart, partition, heal, cut, restore, drop, duplicate, delay, deliver,
//! timeout) is read, checked, compiled and written once, in this module. What a protocol adds
//! is its section: what its `cluster` object holds, its own top-level fields, its inputs in a
//! schedule entry, and how all of that becomes its [`Protocol::Config`] and its actions. Each
//! protocol implements [`ScenarioSection`] in its folder (`protocols/NAME/scenario.rs`).

use super::read::{Fields, FromJson};
use super::ScenarioError;
use crate::json::ToJson;
use crate::sim::action::Action;
use crate::sim::network::NetworkSpec;
use crate::sim::protocol::{Describe, Protocol};
use crate::sim::NodeId;
use serde::Serialize;
use std::fmt::Debug;

/// A protocol's part of the scenario format.
///
/// Its fields sit among the envelope's in the JSON so that every scenario published before
/// the envelope was shared reads and writes as it did: `cluster` where Paxos had it, after the
/// seed; the section's own fields after the network; a schedule entry's inputs right after its
/// `at`. Field-naming errors list the envelope's names and the section's together, in the
/// order they are written, and the section reads its fields with the same [`Fields`] reader,
/// so its errors read like the envelope's.
pub trait ScenarioSection: Describe {
    /// What the scenario's `protocol` field says for this protocol. A scenario compiles as `P`
    /// only when its `protocol` is `P::NAME`; the registry, `protocols::KNOWN`, lists the
    /// built-in protocols' names for the error about any other.
    const NAME: &'static str;
    /// The section's top-level fields, in the order they are written (Paxos: `quorum`, `bugs`,
    /// `timeouts`).
    const SECTION_FIELDS: &'static [&'static str];
    /// The fields of a schedule entry that give a node an input (Paxos: `propose`).
    const INPUT_FIELDS: &'static [&'static str];

    /// The `cluster` object: which nodes the run has, in the protocol's words. Every protocol
    /// runs a cluster, so the field is the envelope's and what it holds is the protocol's.
    type Cluster: Clone + Debug + PartialEq + Eq + Serialize + FromJson + ToJson;
    /// The section's own fields, read and written with [`ScenarioSection::SECTION_FIELDS`].
    type Section: Clone + Debug + PartialEq + Eq + Serialize;
    /// A schedule entry's inputs, read and written with [`ScenarioSection::INPUT_FIELDS`];
    /// the default is an entry with none.
    type Inputs: Clone + Debug + Default + PartialEq + Eq + Serialize;

    /// Reads the section's fields from the scenario's object (checked for unknown names).
    fn read_section(fields: &Fields) -> Result<Self::Section, ScenarioError>;
    /// Writes the section's fields, each ending in a comma, as [`crate::json::field`] does.
    fn write_section(section: &Self::Section, out: &mut String);
    /// Reads a schedule entry's inputs from its object (checked for unknown names).
    fn read_inputs(fields: &Fields) -> Result<Self::Inputs, ScenarioError>;
    /// Writes a schedule entry's inputs, each field ending in a comma.
    fn write_inputs(inputs: &Self::Inputs, out: &mut String);

    /// The run's configuration with the cluster's nodes, before the network and the section
    /// are applied: compiling checks the cluster first, then the network, then the section,
    /// so that a scenario with several errors reports the same one it always did.
    fn new_config(cluster: &Self::Cluster) -> Result<Self::Config, ScenarioError>;
    /// Applies the (already checked) network and the section's fields to the configuration.
    /// `seed` is the scenario's, for what a section draws when it compiles (a workload's
    /// operations), each from a stream of its own.
    fn configure(
        config: &mut Self::Config,
        network: &NetworkSpec,
        section: &Self::Section,
        seed: u64,
    ) -> Result<(), ScenarioError>;
    /// The node named `name`, or a message that says which names the cluster has.
    fn lookup(config: &Self::Config, name: &str) -> Result<NodeId, String>;
    /// Resolves the inputs of schedule entry `entry` (its index, for errors) into actions.
    /// The configuration is mutable so that a protocol can
    /// intern what its inputs carry (Paxos: the proposed values).
    fn resolve_inputs(
        config: &mut Self::Config,
        inputs: &Self::Inputs,
        entry: usize,
        actions: &mut Vec<Action<Self>>,
    ) -> Result<(), ScenarioError>;
    /// The schedule entry's inputs that give `node` the input `input`: how a person's action
    /// and the explorer's steps are written back into a scenario.
    fn inputs_of(
        config: &Self::Config,
        node: NodeId,
        input: &<Self as Protocol>::Input,
    ) -> Self::Inputs;
    /// Whether a script's `timeout` step may fire `node`'s timer; the message says why not
    /// (Paxos: only proposers have one). `name` is the node's name as the scenario wrote it.
    fn check_timeout(config: &Self::Config, node: NodeId, name: &str) -> Result<(), String>;
}
