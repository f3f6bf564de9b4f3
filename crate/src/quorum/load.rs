//! Load and capacity, as Whittaker et al. define them ("Read-Write Quorum Systems Made
//! Practical", 2021): a strategy picks a read quorum and a write quorum at random, each by a
//! probability distribution; for a read fraction f, node x's load is
//! f·P(x in the read quorum)/cap(x) + (1−f)·P(x in the write quorum)/cap(x). The system's load
//! is the least, over strategies, of its busiest node's load, and its capacity the inverse:
//! how many operations per unit of node capacity the system can serve.
//!
//! Finding it is a small linear program, solved with `microlp`. Strategies over minimal quorums
//! suffice: moving a quorum's probability to a minimal quorum inside it never raises any node's
//! load.

use super::analysis::Minimal;
use super::{members_of, AcceptorSet};
use microlp::{ComparisonOp, LinearExpr, OptimizationDirection, Problem};

/// The optimal strategy: a probability for each minimal read and write quorum (in the order of
/// [`Minimal`]), each node's load under it, and the busiest node's load.
#[derive(Clone, Debug, PartialEq)]
pub struct Strategy {
    pub read: Vec<f64>,
    pub write: Vec<f64>,
    pub node_loads: Vec<f64>,
    pub load: f64,
}

/// Below this a probability is the solver's round-off, reported as 0.
const NEGLIGIBLE: f64 = 1e-9;

/// The optimal strategy for `read_fraction` in [0, 1] and one capacity per node (each > 0).
pub fn optimal(
    minimal: &Minimal,
    read_fraction: f64,
    capacities: &[f64],
) -> Result<Strategy, String> {
    let n = capacities.len();
    let mut problem = Problem::new(OptimizationDirection::Minimize);
    let load = problem.add_var(1.0, (0.0, f64::INFINITY));
    let read: Vec<_> = minimal
        .phase1
        .iter()
        .map(|_| problem.add_var(0.0, (0.0, 1.0)))
        .collect();
    let write: Vec<_> = minimal
        .phase2
        .iter()
        .map(|_| problem.add_var(0.0, (0.0, 1.0)))
        .collect();
    for vars in [&read, &write] {
        let mut sum = LinearExpr::empty();
        for &var in vars {
            sum.add(var, 1.0);
        }
        problem.add_constraint(sum, ComparisonOp::Eq, 1.0);
    }
    let in_quorum = |x: usize, q: &AcceptorSet| q & (1 << x) != 0;
    for (x, &capacity) in capacities.iter().enumerate() {
        let mut busy = LinearExpr::empty();
        busy.add(load, -1.0);
        for (var, q) in read.iter().zip(&minimal.phase1) {
            if in_quorum(x, q) && read_fraction > 0.0 {
                busy.add(*var, read_fraction / capacity);
            }
        }
        for (var, q) in write.iter().zip(&minimal.phase2) {
            if in_quorum(x, q) && read_fraction < 1.0 {
                busy.add(*var, (1.0 - read_fraction) / capacity);
            }
        }
        problem.add_constraint(busy, ComparisonOp::Le, 0.0);
    }
    let solution = problem
        .solve()
        .map_err(|e| format!("the load could not be computed: {e}"))?
        .into_solution()
        .map_err(|_| "the load could not be computed in time".to_string())?;
    let clean = |v: f64| if v < NEGLIGIBLE { 0.0 } else { v.min(1.0) };
    let read: Vec<f64> = read.iter().map(|&v| clean(solution.var_value(v))).collect();
    let write: Vec<f64> = write
        .iter()
        .map(|&v| clean(solution.var_value(v)))
        .collect();
    // Each node's load recomputed from the strategy, so that what is reported adds up exactly.
    let mut node_loads = vec![0.0; n];
    for (p, &q) in read.iter().zip(&minimal.phase1) {
        for x in members_of(n, q) {
            node_loads[x] += read_fraction * p / capacities[x];
        }
    }
    for (p, &q) in write.iter().zip(&minimal.phase2) {
        for x in members_of(n, q) {
            node_loads[x] += (1.0 - read_fraction) * p / capacities[x];
        }
    }
    let load = node_loads.iter().copied().fold(0.0, f64::max);
    Ok(Strategy {
        read,
        write,
        node_loads,
        load,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quorum::QuorumSystem;

    fn load_of(system: &QuorumSystem, read_fraction: f64) -> Strategy {
        let capacities = vec![1.0; system.acceptors()];
        optimal(&Minimal::of(system), read_fraction, &capacities).unwrap()
    }

    #[test]
    fn majorities_grids_and_thresholds_reach_their_known_optima() {
        for n in 1..=9usize {
            let s = load_of(&QuorumSystem::Majority { acceptors: n }, 0.5);
            let expected = (n / 2 + 1) as f64 / n as f64;
            assert!(
                (s.load - expected).abs() < 1e-6,
                "majority of {n}: {}",
                s.load
            );
        }
        for d in 1..=4 {
            for f in [0.0, 0.3, 1.0] {
                let s = load_of(&QuorumSystem::Grid { rows: d, cols: d }, f);
                assert!(
                    (s.load - 1.0 / d as f64).abs() < 1e-6,
                    "{d}×{d} grid at {f}"
                );
            }
        }
        for (n, r, w) in [(5, 2, 4), (6, 1, 6), (7, 3, 5)] {
            for f in [0.0, 0.25, 0.9] {
                let system = QuorumSystem::Flexible {
                    acceptors: n,
                    phase1: r,
                    phase2: w,
                };
                let s = load_of(&system, f);
                let expected = f * r as f64 / n as f64 + (1.0 - f) * w as f64 / n as f64;
                assert!((s.load - expected).abs() < 1e-6, "{r}/{w} of {n} at {f}");
            }
        }
    }

    #[test]
    fn a_strategy_is_two_distributions_and_no_node_is_above_the_load() {
        let systems = [
            QuorumSystem::Weighted {
                weights: vec![3, 1, 1, 1, 1],
                phase1: 4,
                phase2: 4,
            },
            QuorumSystem::Grid { rows: 2, cols: 3 },
            QuorumSystem::Explicit {
                acceptors: 4,
                phase1: vec![0b0011, 0b1100],
                phase2: vec![0b0101, 0b1010, 0b1111],
            },
        ];
        for system in &systems {
            for f in [0.0, 0.5, 1.0] {
                let s = load_of(system, f);
                assert!((s.read.iter().sum::<f64>() - 1.0).abs() < 1e-6);
                assert!((s.write.iter().sum::<f64>() - 1.0).abs() < 1e-6);
                assert!(s.node_loads.iter().all(|&l| l <= s.load + 1e-12));
                assert!(s.node_loads.iter().any(|&l| (l - s.load).abs() < 1e-12));
            }
        }
        // Node capacity halves a node's share: with n1 twice as strong, a majority of three can
        // lean on it. The optimum puts n1 in every quorum at load 1/2: each of n2, n3 half the
        // time.
        let minimal = Minimal::of(&QuorumSystem::Majority { acceptors: 3 });
        let s = optimal(&minimal, 0.5, &[2.0, 1.0, 1.0]).unwrap();
        assert!((s.load - 0.5).abs() < 1e-6, "{s:?}");
    }
}
