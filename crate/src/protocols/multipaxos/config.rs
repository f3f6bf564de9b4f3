//! What a Multi-Paxos run is configured with: its servers and clients, its quorums, how reads
//! are served, its bug switches, its timeouts and its clients' workload.

use super::NodeId;
use crate::clients::workload::Workload;
use crate::clients::Names;
use crate::quorum::QuorumSystem;
use crate::sim::network::NetworkSpec;

/// How a get is served.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Reads {
    /// Through the log, as every other command: linearizable whatever the clocks do.
    #[default]
    Log,
    /// By the leader from its own store while it holds a lease: no round trip, and correct
    /// only because every server's timers run at the same rate (the simulation's ticks).
    Lease,
}

impl Reads {
    pub const NAMES: [&'static str; 2] = ["log", "lease"];

    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

/// The break switches: each takes one rule out of Multi-Paxos.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Bugs {
    /// A new leader proposes fresh commands from its first unknown slot on, instead of
    /// re-proposing what its promises reported accepted there.
    pub leader_skips_recovery: bool,
    /// A server executes every chosen command, even a retried one it executed already.
    pub no_client_dedup: bool,
    /// A leader answers gets from its own store whether or not it holds a lease, so a deposed
    /// leader that has not heard of its successor serves stale reads.
    pub reads_without_lease: bool,
    /// A server applies a chosen slot as soon as it learns it, before earlier slots.
    pub apply_out_of_order: bool,
}

impl Bugs {
    pub const NAMES: [&'static str; 4] = [
        "leader_skips_recovery",
        "no_client_dedup",
        "reads_without_lease",
        "apply_out_of_order",
    ];

    /// Turns a switch on by name; false when no switch has that name.
    pub fn set(&mut self, name: &str) -> bool {
        match name {
            "leader_skips_recovery" => self.leader_skips_recovery = true,
            "no_client_dedup" => self.no_client_dedup = true,
            "reads_without_lease" => self.reads_without_lease = true,
            "apply_out_of_order" => self.apply_out_of_order = true,
            _ => return false,
        }
        true
    }
}

/// Everything about a run that does not change while it runs.
#[derive(Clone, Debug)]
pub struct Config {
    /// Servers first (`s1…`), then clients (`c1…`).
    pub names: Vec<&'static str>,
    pub servers: usize,
    pub network: NetworkSpec,
    /// Phase 1 (Prepare, Promise) and phase 2 (Accept, Accepted) quorums of the servers.
    pub quorum: QuorumSystem,
    pub reads: Reads,
    pub bugs: Bugs,
    /// How often a leader sends heartbeats, in ticks: always the same wait, which a lease
    /// counts on.
    pub heartbeat_ticks: u64,
    /// How long a follower waits to hear from a leader before it runs for leader itself; drawn
    /// anew each time, which is what settles duelling candidates.
    pub election_ticks: (u64, u64),
    /// The keys and values requests name.
    pub names_kv: Names,
    pub workload: Workload,
}

impl Config {
    pub fn new(servers: usize, clients: usize) -> Config {
        let mut names = Vec::with_capacity(servers + clients);
        names.extend(SERVER_NAMES[..servers].iter());
        names.extend(CLIENT_NAMES[..clients].iter());
        Config {
            names,
            servers,
            network: NetworkSpec::default(),
            quorum: QuorumSystem::Majority { acceptors: servers },
            reads: Reads::Log,
            bugs: Bugs::default(),
            heartbeat_ticks: 50,
            election_ticks: (190, 300),
            names_kv: Names::default(),
            workload: Workload::default(),
        }
    }

    pub fn name(&self, node: NodeId) -> &'static str {
        self.names[node as usize]
    }

    pub fn is_client(&self, node: NodeId) -> bool {
        node as usize >= self.servers
    }

    /// A client's number in its name: `c2` is 2.
    pub fn client_number(&self, node: NodeId) -> u8 {
        (node as usize - self.servers + 1) as u8
    }

    /// The node of client number `number`.
    pub fn client_node(&self, number: u8) -> NodeId {
        (self.servers + number as usize - 1) as NodeId
    }

    /// The node named `name`, or a message that says which names the cluster has.
    pub fn lookup(&self, name: &str) -> Result<NodeId, String> {
        match self.names.iter().position(|n| *n == name) {
            Some(i) => Ok(i as NodeId),
            None => Err(format!(
                "no node is named {name:?}; this cluster has {}",
                self.names.join(", ")
            )),
        }
    }

    /// The servers other than `me`.
    pub fn others(&self, me: NodeId) -> impl Iterator<Item = NodeId> {
        (0..self.servers as NodeId).filter(move |&s| s != me)
    }

    /// Whether a leader may answer a get from its own store (given that it holds a lease when
    /// reads need one).
    pub fn local_reads(&self) -> bool {
        self.reads == Reads::Lease || self.bugs.reads_without_lease
    }
}

#[rustfmt::skip]
const SERVER_NAMES: [&str; crate::sim::MAX_NODES] = [
    "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13", "s14", "s15",
];
#[rustfmt::skip]
const CLIENT_NAMES: [&str; crate::sim::MAX_NODES] = [
    "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10", "c11", "c12", "c13", "c14", "c15",
];
