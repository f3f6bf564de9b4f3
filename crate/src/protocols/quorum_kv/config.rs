//! What a quorum-kv run is configured with: its replicas and clients, its quorums, its mode
//! and bug switches, and its clients' workload.

use super::NodeId;
use crate::clients::workload::Workload;
use crate::clients::Names;
use crate::quorum::QuorumSystem;
use crate::sim::network::NetworkSpec;

/// How the store runs its operations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Mode {
    /// ABD: a write reads versions first; a read writes back what it found. Linearizable when
    /// every read quorum meets every write quorum.
    #[default]
    Abd,
    /// Dynamo-style last writer wins: a write's version is the client's own counter, and a
    /// read returns what it found. Fast, and not linearizable.
    Dynamo,
}

impl Mode {
    pub const NAMES: [&'static str; 2] = ["abd", "dynamo"];

    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

/// The break switches: each takes one rule out of ABD.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Bugs {
    /// A read returns what it found without writing it back: two reads can see a write's
    /// value and then the older one (a new/old inversion).
    pub read_skips_write_back: bool,
    /// A write takes its version from the client's own counter instead of reading the
    /// replicas' versions first, so it can lose to an older write.
    pub writer_skips_version_read: bool,
}

impl Bugs {
    pub const NAMES: [&'static str; 2] = ["read_skips_write_back", "writer_skips_version_read"];

    /// Turns a switch on by name; false when no switch has that name.
    pub fn set(&mut self, name: &str) -> bool {
        match name {
            "read_skips_write_back" => self.read_skips_write_back = true,
            "writer_skips_version_read" => self.writer_skips_version_read = true,
            _ => return false,
        }
        true
    }
}

/// Everything about a run that does not change while it runs.
#[derive(Clone, Debug)]
pub struct Config {
    /// Replicas first (`r1…`), then clients (`c1…`).
    pub names: Vec<&'static str>,
    pub replicas: usize,
    pub network: NetworkSpec,
    /// Phase 1 of the quorum system is the read quorum, phase 2 the write quorum.
    pub quorum: QuorumSystem,
    pub mode: Mode,
    pub bugs: Bugs,
    /// The keys and values requests name.
    pub names_kv: Names,
    pub workload: Workload,
}

impl Config {
    pub fn new(replicas: usize, clients: usize) -> Config {
        let mut names = Vec::with_capacity(replicas + clients);
        names.extend(REPLICA_NAMES[..replicas].iter());
        names.extend(CLIENT_NAMES[..clients].iter());
        Config {
            names,
            replicas,
            network: NetworkSpec::default(),
            quorum: QuorumSystem::Majority {
                acceptors: replicas,
            },
            mode: Mode::Abd,
            bugs: Bugs::default(),
            names_kv: Names::default(),
            workload: Workload::default(),
        }
    }

    pub fn name(&self, node: NodeId) -> &'static str {
        self.names[node as usize]
    }

    pub fn is_client(&self, node: NodeId) -> bool {
        node as usize >= self.replicas
    }

    /// A client's number in its name: `c2` is 2.
    pub fn client_number(&self, node: NodeId) -> u8 {
        (node as usize - self.replicas + 1) as u8
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

    /// Whether the replicas in `replies` (one bit each) make a read quorum (`phase` 1) or a
    /// write quorum (2).
    pub fn is_quorum(&self, phase: u8, replies: u32) -> bool {
        if phase == 1 {
            self.quorum.is_phase1_quorum(replies)
        } else {
            self.quorum.is_phase2_quorum(replies)
        }
    }

    /// Whether a read writes back what it found.
    pub fn reads_write_back(&self) -> bool {
        self.mode == Mode::Abd && !self.bugs.read_skips_write_back
    }

    /// Whether a write reads the replicas' versions first.
    pub fn writes_read_versions(&self) -> bool {
        self.mode == Mode::Abd && !self.bugs.writer_skips_version_read
    }
}

#[rustfmt::skip]
const REPLICA_NAMES: [&str; crate::sim::MAX_NODES] = [
    "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
];
#[rustfmt::skip]
const CLIENT_NAMES: [&str; crate::sim::MAX_NODES] = [
    "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10", "c11", "c12", "c13", "c14", "c15",
];
