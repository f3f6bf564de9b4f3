//! Quorum systems: which sets of acceptors are enough for phase 1 (Prepare/Promise) and for
//! phase 2 (Accept/Accepted). In the words of read-write quorum systems, which the quorum lens
//! uses (`analysis.rs`, `lens.rs`), phase 1 plays the reads and phase 2 the writes.
//!
//! Paxos is safe exactly when every phase-1 quorum intersects every phase-2 quorum (Howard,
//! Malkhi and Spiegelman, "Flexible Paxos", 2016): the proposer of a higher ballot then always
//! hears from at least one acceptor that took part in any earlier choice. Majorities are one
//! such system; flexible sizes and explicit lists (grids, weighted votes) are others. A system
//! without that intersection is allowed here on purpose, as a teaching case, and
//! [`QuorumSystem::check_intersection`] reports it.

use serde::Serialize;

pub mod analysis;
#[cfg(feature = "lens")]
pub mod load;

/// A set of acceptors, as a bit mask over acceptor indices (bit `i` is the `i`-th acceptor).
pub type AcceptorSet = u32;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QuorumSystem {
    /// More than half of the acceptors, for both phases.
    Majority { acceptors: usize },
    /// Any `phase1` acceptors for phase 1 and any `phase2` acceptors for phase 2.
    Flexible {
        acceptors: usize,
        phase1: usize,
        phase2: usize,
    },
    /// A set is a quorum when it contains one of the listed sets.
    Explicit {
        acceptors: usize,
        phase1: Vec<AcceptorSet>,
        phase2: Vec<AcceptorSet>,
    },
    /// Acceptors in `rows` rows of `cols`, row by row: a phase-1 quorum is a full row, a
    /// phase-2 quorum one acceptor from every row (so every phase-2 quorum meets every row).
    Grid { rows: usize, cols: usize },
    /// A set is a quorum of a phase when its acceptors' weights add up to the phase's threshold.
    Weighted {
        weights: Vec<u32>,
        phase1: u32,
        phase2: u32,
    },
}

/// Why a quorum system is unsafe: a phase-1 quorum and a phase-2 quorum that share no acceptor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuorumGap {
    pub phase1: AcceptorSet,
    pub phase2: AcceptorSet,
}

impl QuorumSystem {
    pub fn acceptors(&self) -> usize {
        match self {
            QuorumSystem::Majority { acceptors }
            | QuorumSystem::Flexible { acceptors, .. }
            | QuorumSystem::Explicit { acceptors, .. } => *acceptors,
            QuorumSystem::Grid { rows, cols } => rows * cols,
            QuorumSystem::Weighted { weights, .. } => weights.len(),
        }
    }

    pub fn is_phase1_quorum(&self, set: AcceptorSet) -> bool {
        match self {
            QuorumSystem::Majority { acceptors } => set.count_ones() as usize * 2 > *acceptors,
            QuorumSystem::Flexible { phase1, .. } => set.count_ones() as usize >= *phase1,
            QuorumSystem::Explicit { phase1, .. } => phase1.iter().any(|q| set & q == *q),
            QuorumSystem::Grid { rows, cols } => {
                (0..*rows).any(|row| set & row_mask(*cols, row) == row_mask(*cols, row))
            }
            QuorumSystem::Weighted {
                weights, phase1, ..
            } => weight(weights, set) >= *phase1,
        }
    }

    pub fn is_phase2_quorum(&self, set: AcceptorSet) -> bool {
        match self {
            QuorumSystem::Majority { acceptors } => set.count_ones() as usize * 2 > *acceptors,
            QuorumSystem::Flexible { phase2, .. } => set.count_ones() as usize >= *phase2,
            QuorumSystem::Explicit { phase2, .. } => phase2.iter().any(|q| set & q == *q),
            QuorumSystem::Grid { rows, cols } => {
                (0..*rows).all(|row| set & row_mask(*cols, row) != 0)
            }
            QuorumSystem::Weighted {
                weights, phase2, ..
            } => weight(weights, set) >= *phase2,
        }
    }

    /// How many more acceptors `set` needs to contain a quorum of phase 1 (`phase == 1`) or
    /// phase 2: what a proposer is waiting for.
    pub fn missing(&self, phase: u8, set: AcceptorSet) -> usize {
        let have = set.count_ones() as usize;
        match self {
            QuorumSystem::Majority { acceptors } => (acceptors / 2 + 1).saturating_sub(have),
            QuorumSystem::Flexible { phase1, phase2, .. } => {
                let size = if phase == 1 { *phase1 } else { *phase2 };
                size.saturating_sub(have)
            }
            QuorumSystem::Explicit { phase1, phase2, .. } => {
                let lists = if phase == 1 { phase1 } else { phase2 };
                lists
                    .iter()
                    .map(|q| (q & !set).count_ones() as usize)
                    .min()
                    .unwrap_or(0)
            }
            QuorumSystem::Grid { rows, cols } => {
                let row = |r| row_mask(*cols, r);
                if phase == 1 {
                    (0..*rows)
                        .map(|r| (row(r) & !set).count_ones() as usize)
                        .min()
                        .unwrap_or(0)
                } else {
                    (0..*rows).filter(|&r| set & row(r) == 0).count()
                }
            }
            QuorumSystem::Weighted {
                weights,
                phase1,
                phase2,
            } => {
                // The heaviest acceptors not yet in `set` first: no fewer can make up the rest.
                // Picked one at a time rather than sorted: at most 16, and no sort code in
                // the page's wasm.
                let threshold = if phase == 1 { *phase1 } else { *phase2 };
                let (mut have, mut rest, mut added) = (weight(weights, set), !set, 0);
                while have < threshold {
                    let Some(heaviest) =
                        members_of(weights.len(), rest).max_by_key(|&i| weights[i])
                    else {
                        break;
                    };
                    have += weights[heaviest];
                    rest &= !(1 << heaviest);
                    added += 1;
                }
                added
            }
        }
    }

    /// A short description for the page: "majority (2 of 3)", "flexible (phase 1: 3, phase 2: 2 of 4)".
    pub fn describe(&self) -> String {
        match self {
            QuorumSystem::Majority { acceptors } => {
                format!("majority ({} of {acceptors})", acceptors / 2 + 1)
            }
            QuorumSystem::Flexible {
                acceptors,
                phase1,
                phase2,
            } => format!(
                "flexible (phase 1: {phase1} of {acceptors}, phase 2: {phase2} of {acceptors})"
            ),
            QuorumSystem::Explicit { phase1, phase2, .. } => format!(
                "explicit ({} phase-1 quorums, {} phase-2 quorums)",
                phase1.len(),
                phase2.len()
            ),
            QuorumSystem::Grid { rows, cols } => {
                format!("grid ({rows} rows of {cols}: phase 1 a row, phase 2 one from each row)")
            }
            QuorumSystem::Weighted {
                weights,
                phase1,
                phase2,
            } => format!(
                "weighted (phase 1: weight {phase1}, phase 2: weight {phase2} of {})",
                weights.iter().sum::<u32>()
            ),
        }
    }

    /// The fewest acceptors that can form a phase-2 quorum. Only the `learner_counts_duplicates`
    /// bug uses it: that learner counts messages, not acceptors, against this number.
    pub fn phase2_size_min(&self) -> usize {
        match self {
            QuorumSystem::Majority { acceptors } => acceptors / 2 + 1,
            QuorumSystem::Flexible { phase2, .. } => *phase2,
            QuorumSystem::Explicit { phase2, .. } => phase2
                .iter()
                .map(|q| q.count_ones() as usize)
                .min()
                .unwrap_or(0),
            QuorumSystem::Grid { rows, .. } => *rows,
            QuorumSystem::Weighted { .. } => self.missing(2, 0),
        }
    }

    /// `Ok` when every phase-1 quorum shares an acceptor with every phase-2 quorum; otherwise
    /// a pair of disjoint quorums that shows how two different values could both be chosen.
    pub fn check_intersection(&self) -> Result<(), QuorumGap> {
        let all: AcceptorSet = if self.acceptors() >= 32 {
            u32::MAX
        } else {
            (1u32 << self.acceptors()) - 1
        };
        // The smallest quorum of a given size is the first `k` acceptors; its complement then
        // holds every acceptor that a disjoint quorum could use.
        let first = |k: usize| -> AcceptorSet { all & ((1u32 << k.min(31)) - 1) };
        match self {
            QuorumSystem::Majority { .. } => Ok(()),
            QuorumSystem::Flexible {
                acceptors,
                phase1,
                phase2,
            } => {
                if phase1 + phase2 > *acceptors {
                    Ok(())
                } else {
                    let q1 = first(*phase1);
                    let q2 = (all & !q1) & !first(acceptors - phase2);
                    Err(QuorumGap {
                        phase1: q1,
                        phase2: q2,
                    })
                }
            }
            QuorumSystem::Explicit { phase1, phase2, .. } => disjoint_pair(phase1, phase2),
            // Every phase-2 quorum has an acceptor in every row.
            QuorumSystem::Grid { .. } => Ok(()),
            // A phase-1 quorum whose complement is a phase-2 quorum; the smallest, to read.
            QuorumSystem::Weighted { .. } => {
                let all = analysis::everyone(self.acceptors());
                match (0..=all)
                    .filter(|&q| self.is_phase1_quorum(q) && self.is_phase2_quorum(all & !q))
                    .min_by_key(|q| q.count_ones())
                {
                    None => Ok(()),
                    Some(q) => Err(QuorumGap {
                        phase1: q,
                        phase2: all & !q,
                    }),
                }
            }
        }
    }
}

/// The first phase-1 and phase-2 quorum in the lists that share no acceptor, if any.
fn disjoint_pair(phase1: &[AcceptorSet], phase2: &[AcceptorSet]) -> Result<(), QuorumGap> {
    for q1 in phase1 {
        for q2 in phase2 {
            if q1 & q2 == 0 {
                return Err(QuorumGap {
                    phase1: *q1,
                    phase2: *q2,
                });
            }
        }
    }
    Ok(())
}

/// The acceptors of row `row` of a grid with `cols` columns.
fn row_mask(cols: usize, row: usize) -> AcceptorSet {
    ((1u32 << cols) - 1) << (row * cols)
}

/// The total weight of the acceptors in `set`.
fn weight(weights: &[u32], set: AcceptorSet) -> u32 {
    members_of(weights.len(), set).map(|i| weights[i]).sum()
}

/// The indices below `n` in `set`.
fn members_of(n: usize, set: AcceptorSet) -> impl Iterator<Item = usize> {
    (0..n).filter(move |i| set & (1 << i) != 0)
}

/// The acceptor indices in a set, in order.
pub fn members(set: AcceptorSet) -> impl Iterator<Item = usize> {
    (0..32).filter(move |i| set & (1 << i) != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The obviously correct definition of "is a quorum" for size-based systems: count the set.
    fn slow_count(set: AcceptorSet) -> usize {
        members(set).count()
    }

    #[test]
    fn majority_matches_counting_for_every_subset() {
        for n in 1..=9usize {
            let q = QuorumSystem::Majority { acceptors: n };
            for set in 0..(1u32 << n) {
                assert_eq!(q.is_phase1_quorum(set), slow_count(set) > n / 2);
                assert_eq!(q.is_phase2_quorum(set), slow_count(set) > n / 2);
            }
        }
    }

    #[test]
    fn missing_matches_brute_force_for_every_subset() {
        let systems = [
            QuorumSystem::Majority { acceptors: 5 },
            QuorumSystem::Flexible {
                acceptors: 5,
                phase1: 4,
                phase2: 2,
            },
            QuorumSystem::Explicit {
                acceptors: 4,
                phase1: vec![0b0011, 0b1100],
                phase2: vec![0b0101, 0b1010],
            },
        ];
        for q in &systems {
            let all = (1u32 << q.acceptors()) - 1;
            for set in 0..=all {
                for phase in [1u8, 2] {
                    let is_quorum = |s| {
                        if phase == 1 {
                            q.is_phase1_quorum(s)
                        } else {
                            q.is_phase2_quorum(s)
                        }
                    };
                    // The fewest acceptors to add, by trying every superset.
                    let slow = (0..=all)
                        .filter(|s| s & set == set && is_quorum(*s))
                        .map(|s| slow_count(s & !set))
                        .min()
                        .unwrap();
                    assert_eq!(
                        q.missing(phase, set),
                        slow,
                        "{q:?} set {set:b} phase {phase}"
                    );
                }
            }
        }
    }

    #[test]
    fn flexible_intersection_matches_brute_force() {
        for n in 1..=7usize {
            for p1 in 1..=n {
                for p2 in 1..=n {
                    let q = QuorumSystem::Flexible {
                        acceptors: n,
                        phase1: p1,
                        phase2: p2,
                    };
                    let mut disjoint = None;
                    for a in 0..(1u32 << n) {
                        for b in 0..(1u32 << n) {
                            if q.is_phase1_quorum(a) && q.is_phase2_quorum(b) && a & b == 0 {
                                disjoint = Some((a, b));
                            }
                        }
                    }
                    match q.check_intersection() {
                        Ok(()) => assert!(disjoint.is_none(), "n={n} p1={p1} p2={p2}"),
                        Err(gap) => {
                            assert!(disjoint.is_some());
                            assert!(q.is_phase1_quorum(gap.phase1));
                            assert!(q.is_phase2_quorum(gap.phase2));
                            assert_eq!(gap.phase1 & gap.phase2, 0);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn explicit_grid_is_safe_and_rows_alone_are_not() {
        // A 2x2 grid: a phase-1 quorum is a row, a phase-2 quorum is a column.
        let rows = vec![0b0011, 0b1100];
        let columns = vec![0b0101, 0b1010];
        let grid = QuorumSystem::Explicit {
            acceptors: 4,
            phase1: rows.clone(),
            phase2: columns,
        };
        assert!(grid.check_intersection().is_ok());
        assert!(grid.is_phase1_quorum(0b0111));
        assert!(!grid.is_phase2_quorum(0b0011));
        let rows_only = QuorumSystem::Explicit {
            acceptors: 4,
            phase1: rows.clone(),
            phase2: rows,
        };
        assert!(rows_only.check_intersection().is_err());
    }
}
