//! Swarm testing: each seed draws a whole scenario — cluster shape, network faults, proposals,
//! crashes, partitions — and runs it with the checker on. Different seeds stress different
//! corners, which finds bugs that one fixed fault mix would miss (TigerBeetle's VOPR does this).
//! The drawn scenario is ordinary scenario JSON, so any failing seed replays in the page.
//!
//! The seed loop ([`swarm_with`]) is any protocol's; the draws here are Paxos's, and the
//! store's are in its folder (`protocols/quorum_kv/swarm.rs`).

use crate::protocols::paxos::check::Violation;
use crate::protocols::paxos::{
    Action, ClusterSpec, Compiled, Inputs, Intervention, Proposal, Scenario, Section,
};
use crate::protocols::paxos::{NodeId, MAX_NODES};
use crate::protocols::paxos::{Propose, Simulation};
use crate::protocols::Protocol;
use crate::rng::{Rng, Stream};
use crate::scenario::{Link, NetworkSpec, QuorumSpec, SchedulerKind};
use std::sync::Arc;

/// The pseudo-bug that makes swarm draw flexible quorums whose phases need not intersect.
pub const UNSAFE_QUORUM: &str = "unsafe_quorum";

/// The scenario that seed `seed` draws, with `bug` switched on if given.
pub fn scenario_for_seed(seed: u64, bug: Option<&str>) -> Scenario {
    Draw::new(seed, bug).scenario()
}

/// How a drawn scenario's faults are timed and placed: each begins before `at_ticks`, lasts
/// `hold_ticks`, and a crash falls on the node `crash_node` draws (the nodes are named by `name`).
pub struct FaultDraw<'a> {
    pub nodes: usize,
    pub at_ticks: u64,
    pub hold_ticks: (u64, u64),
    pub crash_node: &'a dyn Fn(&mut Rng) -> u64,
    pub name: &'a dyn Fn(u64) -> String,
}

/// Up to five faults for a protocol with clients, in schedule order: a crash (restarted four
/// times in five), a partition into two random groups, or a cut link, each undone later.
pub fn draw_faults<P: crate::scenario::ScenarioSection>(
    rng: &mut Rng,
    draw: &FaultDraw,
) -> Vec<crate::scenario::Intervention<P>> {
    use crate::scenario::Intervention;
    let name = draw.name;
    let mut schedule = Vec::new();
    for _ in 0..rng.below(6) {
        let at = rng.below(draw.at_ticks);
        let later = at + rng.between(draw.hold_ticks.0, draw.hold_ticks.1);
        let step = |at| Intervention::<P> {
            at,
            ..Intervention::default()
        };
        match rng.below(3) {
            0 => {
                let node = name((draw.crash_node)(rng));
                schedule.push(Intervention {
                    crash: Some(node.clone()),
                    ..step(at)
                });
                if rng.below(5) > 0 {
                    schedule.push(Intervention {
                        restart: Some(node),
                        ..step(later)
                    });
                }
            }
            1 => {
                let mut groups = vec![Vec::new(), Vec::new()];
                for node in 0..draw.nodes as u64 {
                    groups[rng.below(2) as usize].push(name(node));
                }
                schedule.push(Intervention {
                    partition: Some(groups),
                    ..step(at)
                });
                schedule.push(Intervention {
                    heal: Some(true),
                    ..step(later)
                });
            }
            _ => {
                let from = name(rng.below(draw.nodes as u64));
                let to = name(rng.below(draw.nodes as u64));
                let link = Link { from, to };
                schedule.push(Intervention {
                    cut: Some(link.clone()),
                    ..step(at)
                });
                schedule.push(Intervention {
                    restore: Some(link),
                    ..step(later)
                });
            }
        }
    }
    schedule
}

/// A network for a drawn scenario: delays of 1 to 40 ticks, and no, some or much loss and
/// duplication. Every protocol's swarm draws it the same way.
pub fn draw_network(rng: &mut Rng) -> NetworkSpec {
    let probabilities = [0.0, 0.05, 0.15, 0.3];
    let delay_ticks_min = rng.between(1, 10);
    NetworkSpec {
        delay_ticks_min,
        delay_ticks_max: delay_ticks_min + rng.below(30),
        loss: probabilities[rng.below(4) as usize],
        duplicate: probabilities[rng.below(4) as usize],
    }
}

/// The values swarm runs propose.
const VALUES: [&str; 3] = ["A", "B", "C"];

/// One scheduled step of a drawn scenario, with nodes and values as indices.
#[derive(Clone, Copy, Debug)]
enum Planned {
    Propose {
        node: NodeId,
        value: usize,
    },
    Crash(NodeId),
    Restart(NodeId),
    /// The nodes on the second side, one bit each; the others are on the first.
    Partition(u16),
    Heal,
    Cut {
        from: NodeId,
        to: NodeId,
    },
    Restore {
        from: NodeId,
        to: NodeId,
    },
}

/// What a seed draws: a scenario in numbers, before any node name is written. A swarm run builds
/// its simulation straight from this, since writing the names and then looking them up again
/// was a sixth of a run's work; reports and replays write it out as a scenario. A test checks
/// that both ways give the same compiled scenario.
struct Draw {
    /// The scenario without its schedule.
    frame: Scenario,
    nodes: usize,
    /// In file order.
    schedule: Vec<(u64, Planned)>,
}

impl Draw {
    fn new(seed: u64, bug: Option<&str>) -> Draw {
        let mut rng = Rng::new(seed, Stream::Swarm);
        let combined = rng.below(2) == 0;
        let (cluster, proposers, nodes) = if combined {
            let n = rng.between(3, 7) as usize;
            let proposers = rng.between(1, n.min(3) as u64) as usize;
            (
                ClusterSpec {
                    servers: Some(n),
                    proposers: None,
                    acceptors: None,
                    learners: None,
                },
                proposers,
                n,
            )
        } else {
            let p = rng.between(1, 3) as usize;
            let a = rng.between(3, 7) as usize;
            let l = rng.between(1, 2) as usize;
            (
                ClusterSpec {
                    proposers: Some(p),
                    acceptors: Some(a),
                    learners: Some(l),
                    servers: None,
                },
                p,
                p + a + l,
            )
        };
        let acceptors = cluster.servers.or(cluster.acceptors).unwrap_or(0);
        let network = draw_network(&mut rng);
        // Room for a proposal from each proposer and up to five faults of two steps each.
        let mut schedule = Vec::with_capacity(proposers + 10);
        // Proposers come first in node order, in both cluster shapes.
        for node in 0..proposers {
            // The first proposer always proposes, so that every run has something to decide.
            if node == 0 || rng.below(3) > 0 {
                let at = rng.below(200);
                let value = rng.below(VALUES.len() as u64) as usize;
                let node = node as NodeId;
                schedule.push((at, Planned::Propose { node, value }));
            }
        }
        let pick = |rng: &mut Rng| rng.below(nodes as u64) as NodeId;
        for _ in 0..rng.below(6) {
            let at = rng.below(600);
            let later = at + rng.between(10, 400);
            match rng.below(3) {
                0 => {
                    let node = pick(&mut rng);
                    schedule.push((at, Planned::Crash(node)));
                    if rng.below(5) > 0 {
                        schedule.push((later, Planned::Restart(node)));
                    }
                }
                1 => {
                    let side = (0..nodes).fold(0, |side, i| side | (rng.below(2) as u16) << i);
                    schedule.push((at, Planned::Partition(side)));
                    schedule.push((later, Planned::Heal));
                }
                _ => {
                    let (from, to) = (pick(&mut rng), pick(&mut rng));
                    schedule.push((at, Planned::Cut { from, to }));
                    schedule.push((later, Planned::Restore { from, to }));
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
        let frame = Scenario {
            version: crate::scenario::VERSION,
            protocol: "paxos".into(),
            seed,
            cluster,
            network,
            section: Section {
                quorum,
                bugs,
                timeouts: None,
            },
            scheduler: SchedulerKind::Timed,
            schedule: Vec::new(),
            until_ticks: 3000,
        };
        Draw {
            frame,
            nodes,
            schedule,
        }
    }

    /// The draw as a scenario, with node names. The steps are written here rather than with
    /// [`crate::scenario::intervention`], which leaves out a partition's empty side: a swarm
    /// partition has always written both sides, and a side's absence would change how the
    /// scenario compiles, and so the runs of seeds reported before.
    fn scenario(&self) -> Scenario {
        // The frame's own compiled names, so that nodes are named in the order compiling gives.
        let config = self
            .frame
            .compile()
            .expect("swarm draws only valid scenarios")
            .config;
        let names = &config.names;
        let name = |node: NodeId| names[node as usize].to_string();
        let link = |from, to| Link {
            from: name(from),
            to: name(to),
        };
        let schedule = self
            .schedule
            .iter()
            .map(|&(at, planned)| {
                let step = Intervention {
                    at,
                    ..Intervention::default()
                };
                match planned {
                    Planned::Propose { node, value } => Intervention {
                        inputs: Inputs {
                            propose: Some(Proposal {
                                node: name(node),
                                value: VALUES[value].to_string(),
                            }),
                        },
                        ..step
                    },
                    Planned::Crash(node) => Intervention {
                        crash: Some(name(node)),
                        ..step
                    },
                    Planned::Restart(node) => Intervention {
                        restart: Some(name(node)),
                        ..step
                    },
                    Planned::Partition(side) => {
                        let mut groups = vec![Vec::new(), Vec::new()];
                        for (i, name) in names.iter().enumerate() {
                            groups[(side >> i & 1) as usize].push(name.to_string());
                        }
                        Intervention {
                            partition: Some(groups),
                            ..step
                        }
                    }
                    Planned::Heal => Intervention {
                        heal: Some(true),
                        ..step
                    },
                    Planned::Cut { from, to } => Intervention {
                        cut: Some(link(from, to)),
                        ..step
                    },
                    Planned::Restore { from, to } => Intervention {
                        restore: Some(link(from, to)),
                        ..step
                    },
                }
            })
            .collect();
        Scenario {
            schedule,
            ..self.frame.clone()
        }
    }

    /// The draw compiled without writing names: the frame (cluster, network, quorum, bugs)
    /// compiles as any scenario does, and the schedule's steps become actions directly, as
    /// `Scenario::compile` would make them from the written names.
    fn compile(&self) -> Compiled {
        let mut compiled = self
            .frame
            .compile()
            .expect("swarm draws only valid scenarios");
        let config = Arc::get_mut(&mut compiled.config).expect("not shared yet");
        compiled.schedule = self
            .schedule
            .iter()
            .map(|&(at, planned)| {
                let action = match planned {
                    Planned::Propose { node, value } => Action::Input {
                        node,
                        input: Propose {
                            value: config.intern_value(VALUES[value]).expect("a valid value"),
                        },
                    },
                    Planned::Crash(node) => Action::Crash(node),
                    Planned::Restart(node) => Action::Restart(node),
                    Planned::Partition(side) => {
                        // Slots past the cluster's nodes hold the group after the last, as
                        // for nodes a written partition leaves out.
                        let mut group_of = [2; MAX_NODES];
                        for (i, group) in group_of.iter_mut().take(self.nodes).enumerate() {
                            *group = (side >> i & 1) as u8;
                        }
                        Action::Partition(group_of)
                    }
                    Planned::Heal => Action::Heal,
                    Planned::Cut { from, to } => Action::Cut { from, to },
                    Planned::Restore { from, to } => Action::Restore { from, to },
                };
                (at, action)
            })
            .collect();
        // Stable, as in `Scenario::compile`: steps at the same tick keep their file order.
        crate::sort::sort_by_key(&mut compiled.schedule, |(at, _)| *at);
        compiled
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
    run_compiled(&Draw::new(seed, bug).compile(), log)
}

/// Runs a drawn run of any protocol to its end, with the event log only if `log`: swarm needs
/// only outcomes, and `--log on` measures what keeping the log costs.
pub fn run_compiled<P: Protocol>(
    compiled: &crate::sim::action::Compiled<P>,
    log: bool,
) -> crate::sim::Simulation<P> {
    let mut sim = crate::sim::Simulation::new(compiled);
    if !log {
        sim = sim.without_log();
    }
    sim.run();
    sim
}

/// Runs seeds `from .. from + count`.
pub fn swarm(from: u64, count: u64, bug: Option<&str>, log: bool) -> SwarmReport {
    swarm_with(from, count, |seed| run_seed(seed, bug, log), |_, _| {})
}

/// Runs seeds `from .. from + count` of any protocol, each built and run by `run`, and hands
/// each finished run to `each` (the CLI writes its history).
pub fn swarm_with<P: Protocol>(
    from: u64,
    count: u64,
    run: impl Fn(u64) -> crate::sim::Simulation<P>,
    mut each: impl FnMut(u64, &crate::sim::Simulation<P>),
) -> SwarmReport {
    let mut report = SwarmReport::default();
    for seed in from..from + count {
        let sim = run(seed);
        report.runs += 1;
        report.events += sim.events();
        if let Some(v) = sim.violations().first() {
            report.violating_runs += 1;
            if report.first_violation.is_none() {
                report.first_violation = Some((seed, v.clone()));
            }
        }
        each(seed, &sim);
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::paxos::Bugs;

    /// A swarm run builds its simulation from the draw directly; it must be exactly what the
    /// written scenario compiles to, or a reported seed would replay differently in the page.
    #[test]
    fn a_draw_compiles_as_its_written_scenario_does() {
        let bugs = Bugs::NAMES.iter().copied().chain([UNSAFE_QUORUM]);
        for bug in bugs.map(Some).chain([None]) {
            for seed in 0..2000 {
                let draw = Draw::new(seed, bug);
                let written = draw.scenario().compile().expect("valid");
                assert_eq!(
                    format!("{:?}", draw.compile()),
                    format!("{written:?}"),
                    "seed {seed}, bug {bug:?}"
                );
            }
        }
    }
}
