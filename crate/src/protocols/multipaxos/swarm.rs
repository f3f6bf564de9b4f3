//! Swarm testing Multi-Paxos: each seed draws a cluster, a network, faults (crashes and
//! restarts, partitions, cut links) and a workload with appends, with reads through the log
//! or by lease. The drawn scenario is ordinary scenario JSON, so any failing seed replays in
//! the CLI and the page.

use super::{Bugs, ClusterSpec, MultiPaxos, Scenario, Section, Simulation};
use crate::clients::workload::{Mix, WorkloadSpec};
use crate::rng::{Rng, Stream};
use crate::scenario::{Intervention, QuorumSpec, SchedulerKind};
use crate::swarm::{draw_faults, FaultDraw};

/// Everything `--bug` accepts for Multi-Paxos.
pub fn known_bugs() -> Vec<&'static str> {
    Bugs::NAMES.to_vec()
}

/// The scenario that seed `seed` draws, with `bug` switched on if given.
pub fn scenario_for_seed(seed: u64, bug: Option<&str>) -> Scenario {
    let mut rng = Rng::new(seed, Stream::Swarm);
    let servers = [3, 3, 5][rng.below(3) as usize];
    let clients = rng.between(2, 3) as usize;
    let nodes = servers + clients;
    let network = crate::swarm::draw_network(&mut rng);
    // A deposed leader serves stale reads only when reads are local, so the switch that
    // breaks leases is drawn with them.
    let lease = bug == Some("reads_without_lease") || rng.below(2) == 0;
    let workload = WorkloadSpec {
        ops_per_client: Some(rng.between(3, 6) as usize),
        keys: Some(rng.between(1, 2) as usize),
        mix: Some(Mix {
            get: rng.between(1, 3) as u32,
            put: rng.between(0, 2) as u32,
            cas: rng.below(2) as u32,
            append: Some(rng.between(1, 3) as u32),
        }),
        think_ticks_min: Some(0),
        think_ticks_max: Some(rng.between(0, 60)),
        ..WorkloadSpec::default()
    };
    let name = |node: u64| -> String {
        if (node as usize) < servers {
            format!("s{}", node + 1)
        } else {
            format!("c{}", node as usize - servers + 1)
        }
    };
    // Crashes are mostly of servers, where leaders fail over.
    let draw = FaultDraw {
        nodes,
        at_ticks: 800,
        hold_ticks: (10, 600),
        crash_node: &|rng| {
            let among = if rng.below(4) > 0 { servers } else { nodes };
            rng.below(among as u64)
        },
        name: &name,
    };
    let mut schedule = draw_faults::<MultiPaxos>(&mut rng, &draw);
    if bug == Some("reads_without_lease") {
        // A stale read from a deposed leader needs the leader cut off with a client and the
        // rest elect another: random partitions rarely make that, so this switch draws one.
        let at = rng.below(400);
        let leader_side = vec![name(0), name(servers as u64)];
        let rest = (1..nodes as u64)
            .filter(|&n| n != servers as u64)
            .map(name)
            .collect();
        schedule.push(Intervention {
            at,
            partition: Some(vec![leader_side, rest]),
            ..Intervention::default()
        });
        schedule.push(Intervention {
            at: at + rng.between(400, 1200),
            heal: Some(true),
            ..Intervention::default()
        });
    }
    crate::sort::sort_by_key(&mut schedule, |step| step.at);
    Scenario {
        version: crate::scenario::VERSION,
        protocol: "multipaxos".into(),
        seed,
        cluster: ClusterSpec {
            servers,
            clients: Some(clients),
        },
        network,
        section: Section {
            quorum: QuorumSpec::Majority,
            reads: lease.then(|| "lease".to_string()),
            bugs: bug.map(str::to_string).into_iter().collect(),
            timeouts: None,
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
