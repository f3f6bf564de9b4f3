//! Swarm testing the store: each seed draws a cluster, quorums, a network, faults and a
//! workload, in ABD mode with quorums that intersect unless a switch says otherwise. The drawn
//! scenario is ordinary scenario JSON, so any failing seed replays in the CLI.

use super::{Bugs, ClusterSpec, QuorumKv, Scenario, Section, Simulation};
use crate::clients::workload::{Mix, WorkloadSpec};
use crate::rng::{Rng, Stream};
use crate::scenario::{QuorumSpec, SchedulerKind};
use crate::swarm::{draw_faults, FaultDraw};

/// The pseudo-bug that draws read and write quorums that need not meet (R + W ≤ N).
pub const UNSAFE_QUORUM: &str = "unsafe_quorum";
/// The pseudo-bug that runs the store in Dynamo's last-writer-wins mode.
pub const DYNAMO: &str = "dynamo";
/// The pseudo-bug that puts compare-and-swap in the workload, which quorums cannot make atomic.
pub const CAS: &str = "cas";

/// Everything `--bug` accepts for the store.
pub fn known_bugs() -> Vec<&'static str> {
    let mut names = Bugs::NAMES.to_vec();
    names.extend([UNSAFE_QUORUM, DYNAMO, CAS]);
    names
}

/// The scenario that seed `seed` draws, with `bug` switched on if given.
pub fn scenario_for_seed(seed: u64, bug: Option<&str>) -> Scenario {
    let mut rng = Rng::new(seed, Stream::Swarm);
    let replicas = rng.between(3, 5) as usize;
    let clients = rng.between(2, 3) as usize;
    let nodes = replicas + clients;
    let network = crate::swarm::draw_network(&mut rng);
    let n = replicas as u64;
    let write = rng.between(1, n);
    let quorum = if bug == Some(UNSAFE_QUORUM) {
        // R + W ≤ N: at most N - W, and at least 1 (W = N leaves no room; use W = N - 1).
        let write = write.min(n - 1);
        QuorumSpec::Threshold {
            read: rng.between(1, n - write) as usize,
            write: write as usize,
        }
    } else if rng.below(2) == 0 {
        QuorumSpec::Majority
    } else {
        // R + W > N: every read quorum meets every write quorum.
        QuorumSpec::Threshold {
            read: rng.between(n - write + 1, n) as usize,
            write: write as usize,
        }
    };
    let workload = WorkloadSpec {
        ops_per_client: Some(rng.between(2, 5) as usize),
        keys: Some(rng.between(1, 2) as usize),
        mix: Some(Mix {
            get: rng.between(1, 3) as u32,
            put: rng.between(1, 3) as u32,
            cas: if bug == Some(CAS) { 2 } else { 0 },
            append: None,
        }),
        think_ticks_min: Some(0),
        think_ticks_max: Some(rng.between(0, 60)),
        ..WorkloadSpec::default()
    };
    let name = |node: u64| -> String {
        if (node as usize) < replicas {
            format!("r{}", node + 1)
        } else {
            format!("c{}", node as usize - replicas + 1)
        }
    };
    let draw = FaultDraw {
        nodes,
        at_ticks: 600,
        hold_ticks: (10, 400),
        crash_node: &|rng| rng.below(nodes as u64),
        name: &name,
    };
    let mut schedule = draw_faults::<QuorumKv>(&mut rng, &draw);
    crate::sort::sort_by_key(&mut schedule, |step| step.at);
    let real_bug = bug.filter(|b| Bugs::NAMES.contains(b));
    Scenario {
        version: crate::scenario::VERSION,
        protocol: "quorum-kv".into(),
        seed,
        cluster: ClusterSpec {
            replicas,
            clients: Some(clients),
        },
        network,
        section: Section {
            quorum,
            mode: (bug == Some(DYNAMO)).then(|| "dynamo".to_string()),
            bugs: real_bug.map(str::to_string).into_iter().collect(),
            workload: Some(workload),
        },
        scheduler: SchedulerKind::Timed,
        schedule,
        until_ticks: 3000,
    }
}

/// Runs the scenario seed `seed` draws to its end.
pub fn run_seed(seed: u64, bug: Option<&str>, log: bool) -> Simulation {
    let compiled = scenario_for_seed(seed, bug)
        .compile()
        .expect("swarm draws only valid scenarios");
    crate::swarm::run_compiled(&compiled, log)
}
