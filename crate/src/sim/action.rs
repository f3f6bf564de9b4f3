//! What a simulation is built from: a run's configuration, seed and scheduler, and the actions
//! its interventions resolve to. The scenario format compiles into these.

use super::protocol::Protocol;
use super::{NodeId, MAX_NODES};
use serde::Serialize;
use std::sync::Arc;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SchedulerKind {
    #[default]
    Timed,
    Script,
}

impl SchedulerKind {
    pub(crate) fn is_timed(&self) -> bool {
        *self == SchedulerKind::Timed
    }
}

/// What the simulation does at an intervention, with names resolved to node indices.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action<P: Protocol> {
    /// A request from outside the cluster to `node` (for Paxos: propose a value).
    Input {
        node: NodeId,
        input: P::Input,
    },
    Crash(NodeId),
    Restart(NodeId),
    /// The group of each node; nodes in different groups cannot reach each other.
    Partition([u8; MAX_NODES]),
    Heal,
    Cut {
        from: NodeId,
        to: NodeId,
    },
    Restore {
        from: NodeId,
        to: NodeId,
    },
    Drop(u64),
    Duplicate(u64),
    Delay {
        message: u64,
        ticks: u64,
    },
    Deliver(u64),
    Timeout(NodeId),
}

/// A scenario checked and resolved: what a simulation is built from.
#[derive(Clone, Debug)]
pub struct Compiled<P: Protocol> {
    /// Shared, not copied, by every simulation built from this: a swarm run builds one
    /// simulation per compiled scenario, and copying the names cost it 15 allocations.
    pub config: Arc<P::Config>,
    pub seed: u64,
    pub scheduler: SchedulerKind,
    /// Interventions in the order they apply: by tick, then by their order in the file.
    pub schedule: Vec<(u64, Action<P>)>,
    pub until_ticks: u64,
}
