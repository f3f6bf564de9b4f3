//! Swarm testing: each seed draws a whole scenario — cluster shape, network faults, proposals,
//! crashes, partitions — and runs it with the checker on. Different seeds stress different
//! corners, which finds bugs that one fixed fault mix would miss (TigerBeetle's VOPR does this).
//! The drawn scenario is ordinary scenario JSON, so any failing seed replays in the page.

use crate::checker::Violation;
use crate::paxos::Bugs;
use crate::rng::{Rng, Stream};
use crate::scenario::{
    node_name, ClusterSpec, Intervention, Link, NetworkSpec, Proposal, QuorumSpec, Scenario,
    SchedulerKind,
};
use crate::sim::Simulation;

/// The pseudo-bug that makes swarm draw flexible quorums whose phases need not intersect.
pub const UNSAFE_QUORUM: &str = "unsafe_quorum";

/// Whether `name` is something `--bug` accepts.
pub fn is_known_bug(name: &str) -> bool {
    name == UNSAFE_QUORUM || Bugs::NAMES.contains(&name)
}

/// The scenario that seed `seed` draws, with `bug` switched on if given.
pub fn scenario_for_seed(seed: u64, bug: Option<&str>) -> Scenario {
    let mut rng = Rng::new(seed, Stream::Swarm);
    let combined = rng.below(2) == 0;
    let (cluster, proposers, names): (ClusterSpec, Vec<String>, Vec<String>) = if combined {
        let n = rng.between(3, 7) as usize;
        let names: Vec<String> = (1..=n).map(|i| node_name('s', i)).collect();
        let proposers = names[..rng.between(1, n.min(3) as u64) as usize].to_vec();
        (
            ClusterSpec {
                servers: Some(n),
                proposers: None,
                acceptors: None,
                learners: None,
            },
            proposers,
            names,
        )
    } else {
        let p = rng.between(1, 3) as usize;
        let a = rng.between(3, 7) as usize;
        let l = rng.between(1, 2) as usize;
        let proposers: Vec<String> = (1..=p).map(|i| node_name('p', i)).collect();
        let mut names = proposers.clone();
        names.extend((1..=a).map(|i| node_name('a', i)));
        names.extend((1..=l).map(|i| node_name('l', i)));
        (
            ClusterSpec {
                proposers: Some(p),
                acceptors: Some(a),
                learners: Some(l),
                servers: None,
            },
            proposers,
            names,
        )
    };
    let acceptors = cluster.servers.or(cluster.acceptors).unwrap_or(0);
    let probabilities = [0.0, 0.05, 0.15, 0.3];
    let delay_ticks_min = rng.between(1, 10);
    let network = NetworkSpec {
        delay_ticks_min,
        delay_ticks_max: delay_ticks_min + rng.below(30),
        loss: probabilities[rng.below(4) as usize],
        duplicate: probabilities[rng.below(4) as usize],
    };
    let values = ["A", "B", "C"];
    let mut schedule = Vec::new();
    for (i, proposer) in proposers.iter().enumerate() {
        // The first proposer always proposes, so that every run has something to decide.
        if i == 0 || rng.below(3) > 0 {
            schedule.push(Intervention {
                at: rng.below(200),
                propose: Some(Proposal {
                    node: proposer.clone(),
                    value: values[rng.below(3) as usize].to_string(),
                }),
                ..Intervention::default()
            });
        }
    }
    let pick = |rng: &mut Rng| names[rng.below(names.len() as u64) as usize].clone();
    for _ in 0..rng.below(6) {
        let at = rng.below(600);
        let later = at + rng.between(10, 400);
        match rng.below(3) {
            0 => {
                let node = pick(&mut rng);
                schedule.push(Intervention {
                    at,
                    crash: Some(node.clone()),
                    ..Intervention::default()
                });
                if rng.below(5) > 0 {
                    schedule.push(Intervention {
                        at: later,
                        restart: Some(node),
                        ..Intervention::default()
                    });
                }
            }
            1 => {
                let mut groups = vec![Vec::new(), Vec::new()];
                for name in &names {
                    groups[rng.below(2) as usize].push(name.clone());
                }
                schedule.push(Intervention {
                    at,
                    partition: Some(groups),
                    ..Intervention::default()
                });
                schedule.push(Intervention {
                    at: later,
                    heal: Some(true),
                    ..Intervention::default()
                });
            }
            _ => {
                let (from, to) = (pick(&mut rng), pick(&mut rng));
                schedule.push(Intervention {
                    at,
                    cut: Some(Link {
                        from: from.clone(),
                        to: to.clone(),
                    }),
                    ..Intervention::default()
                });
                schedule.push(Intervention {
                    at: later,
                    restore: Some(Link { from, to }),
                    ..Intervention::default()
                });
            }
        }
    }
    let (quorum, bugs) = match bug {
        Some(UNSAFE_QUORUM) => {
            let phase1 = rng.between(1, (acceptors / 2).max(1) as u64) as usize;
            (
                QuorumSpec::Flexible {
                    phase1,
                    phase2: acceptors - phase1,
                },
                Vec::new(),
            )
        }
        Some(name) => (QuorumSpec::Majority, vec![name.to_string()]),
        None => (QuorumSpec::Majority, Vec::new()),
    };
    Scenario {
        version: crate::scenario::VERSION,
        protocol: "paxos".into(),
        seed,
        cluster,
        network,
        quorum,
        bugs,
        timeouts: None,
        scheduler: SchedulerKind::Timed,
        schedule,
        until_ticks: 3000,
    }
}

#[derive(Clone, Debug, Default)]
pub struct SwarmReport {
    pub runs: u64,
    pub events: u64,
    pub violating_runs: u64,
    /// The first seed whose run broke safety, with its first violation.
    pub first_violation: Option<(u64, Violation)>,
}

/// Runs the scenario seed `seed` draws to its end, keeping the event log when `log` is set (the
/// benchmarks measure both ways).
pub fn run_seed(seed: u64, bug: Option<&str>, log: bool) -> Simulation {
    let compiled = scenario_for_seed(seed, bug)
        .compile()
        .expect("swarm draws only valid scenarios");
    let mut sim = Simulation::new(&compiled);
    if !log {
        sim = sim.without_log();
    }
    sim.run();
    sim
}

/// Runs seeds `from .. from + count`.
pub fn swarm(from: u64, count: u64, bug: Option<&str>, log: bool) -> SwarmReport {
    let mut report = SwarmReport::default();
    for seed in from..from + count {
        let sim = run_seed(seed, bug, log);
        report.runs += 1;
        report.events += sim.events();
        if let Some(v) = sim.violations().first() {
            report.violating_runs += 1;
            if report.first_violation.is_none() {
                report.first_violation = Some((seed, v.clone()));
            }
        }
    }
    report
}
