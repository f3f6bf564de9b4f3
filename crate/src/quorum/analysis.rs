//! Exact analysis of a quorum system, for the quorum lens: its minimal quorums, whether they
//! intersect (with a witness when not), resilience, availability under independent failures,
//! and load and capacity (`load.rs`). Phase 1 plays the reads and phase 2 the writes.
//!
//! Everything here enumerates sets of nodes as bit masks, so a system may have at most
//! [`NODES_MAX`] nodes: 2^15 sets are a few milliseconds of work.

use super::{members_of, AcceptorSet, QuorumSystem};

/// The largest system the lens analyses.
pub const NODES_MAX: usize = 15;

/// Every node of a system of `n`.
pub fn everyone(n: usize) -> AcceptorSet {
    (1u32 << n) - 1
}

/// Whether `set` is a quorum of phase 1 (`phase == 1`, the reads) or phase 2 (the writes).
fn is_quorum(system: &QuorumSystem, phase: u8, set: AcceptorSet) -> bool {
    if phase == 1 {
        system.is_phase1_quorum(set)
    } else {
        system.is_phase2_quorum(set)
    }
}

/// The minimal quorums of each phase: quorums none of whose proper subsets is one. Every
/// quorum contains a minimal one, and the systems here are monotone (a superset of a quorum is
/// a quorum), so they say everything about the system.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Minimal {
    pub phase1: Vec<AcceptorSet>,
    pub phase2: Vec<AcceptorSet>,
}

impl Minimal {
    pub fn of(system: &QuorumSystem) -> Minimal {
        Minimal {
            phase1: minimal(system, 1),
            phase2: minimal(system, 2),
        }
    }
}

/// A phase's minimal quorums, sorted by size and then by their lowest nodes, so that the list
/// reads in order.
fn minimal(system: &QuorumSystem, phase: u8) -> Vec<AcceptorSet> {
    let n = system.acceptors();
    let mut found: Vec<AcceptorSet> = match system {
        // The listed sets less those that contain another: no enumeration needed, which
        // matters for long lists.
        QuorumSystem::Explicit { phase1, phase2, .. } => {
            let listed = if phase == 1 { phase1 } else { phase2 };
            listed
                .iter()
                .copied()
                .filter(|&q| !listed.iter().any(|&other| other != q && q & other == other))
                .collect()
        }
        _ => (0..=everyone(n))
            .filter(|&set| {
                is_quorum(system, phase, set)
                    && members_of(n, set).all(|i| !is_quorum(system, phase, set & !(1 << i)))
            })
            .collect(),
    };
    crate::sort::sort_by_key(&mut found, |&set| {
        (set.count_ones(), set.reverse_bits() ^ u32::MAX)
    });
    found.dedup();
    found
}

/// A minimal quorum of `phase` inside `set`, which must contain one: members are dropped one
/// by one while what is left is still a quorum.
fn shrink(system: &QuorumSystem, phase: u8, mut set: AcceptorSet) -> AcceptorSet {
    for i in members_of(system.acceptors(), set).collect::<Vec<_>>() {
        if is_quorum(system, phase, set & !(1 << i)) {
            set &= !(1 << i);
        }
    }
    set
}

/// Two quorums that share no node: `first` from the list searched, `second` a write quorum.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Witness {
    pub first: AcceptorSet,
    pub second: AcceptorSet,
}

/// The first of `quorums` that some write (phase-2) quorum avoids, with a minimal such write
/// quorum. A write quorum avoids `q` exactly when the nodes outside `q` hold one, so checking
/// the complement of each is enough: no pairs are enumerated.
pub fn disjoint_from_a_write(system: &QuorumSystem, quorums: &[AcceptorSet]) -> Option<Witness> {
    let all = everyone(system.acceptors());
    quorums.iter().find_map(|&q| {
        let rest = all & !q;
        system.is_phase2_quorum(rest).then(|| Witness {
            first: q,
            second: shrink(system, 2, rest),
        })
    })
}

/// The largest f such that any f failed nodes leave some read quorum and some write quorum; 0
/// also when a single failure can leave none. The smallest set of failures that leaves no
/// quorum of some phase, less one.
pub fn resilience(system: &QuorumSystem) -> usize {
    let n = system.acceptors();
    let all = everyone(n);
    let survives = |failed: AcceptorSet| {
        system.is_phase1_quorum(all & !failed) && system.is_phase2_quorum(all & !failed)
    };
    (0..=all)
        .filter(|&failed| !survives(failed))
        .map(|failed| failed.count_ones() as usize)
        .min()
        .map_or(n, |fewest| fewest.saturating_sub(1))
}

/// The probability that some read quorum, some write quorum, and both are up, when node `i`
/// is down with probability `p[i]`, independently.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Availability {
    pub read: f64,
    pub write: f64,
    pub both: f64,
}

/// Exact, by summing the probability of every set of nodes that is up.
pub fn availability(system: &QuorumSystem, p: &[f64]) -> Availability {
    let n = system.acceptors();
    let mut out = Availability {
        read: 0.0,
        write: 0.0,
        both: 0.0,
    };
    for up in 0..=everyone(n) {
        let read = system.is_phase1_quorum(up);
        let write = system.is_phase2_quorum(up);
        if !read && !write {
            continue;
        }
        let chance: f64 = (0..n)
            .map(|i| if up & (1 << i) != 0 { 1.0 - p[i] } else { p[i] })
            .product();
        if read {
            out.read += chance;
        }
        if write {
            out.write += chance;
        }
        if read && write {
            out.both += chance;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choose(n: usize, k: usize) -> f64 {
        (0..k).fold(1.0, |c, i| c * (n - i) as f64 / (i + 1) as f64)
    }

    /// P(at least k of n up) when each is down with probability p: the binomial sum.
    fn at_least(n: usize, k: usize, p: f64) -> f64 {
        (k..=n)
            .map(|up| choose(n, up) * (1.0 - p).powi(up as i32) * p.powi((n - up) as i32))
            .sum()
    }

    /// Availability by brute force written apart from `availability`: each failure set's
    /// probability built up node by node, the quorum test by listing supersets of minimal sets.
    fn brute_availability(system: &QuorumSystem, p: &[f64]) -> Availability {
        let n = system.acceptors();
        let minimal = Minimal::of(system);
        let contains_one = |up: u32, list: &[u32]| list.iter().any(|&q| q & !up == 0);
        let mut out = Availability {
            read: 0.0,
            write: 0.0,
            both: 0.0,
        };
        for down in 0..(1u32 << n) {
            let up = !down & ((1 << n) - 1);
            let mut chance = 1.0;
            for (i, &pi) in p.iter().enumerate() {
                chance *= if down >> i & 1 == 1 { pi } else { 1.0 - pi };
            }
            let (r, w) = (
                contains_one(up, &minimal.phase1),
                contains_one(up, &minimal.phase2),
            );
            out.read += if r { chance } else { 0.0 };
            out.write += if w { chance } else { 0.0 };
            out.both += if r && w { chance } else { 0.0 };
        }
        out
    }

    fn systems() -> Vec<QuorumSystem> {
        let mut all = Vec::new();
        for n in 1..=7 {
            all.push(QuorumSystem::Majority { acceptors: n });
            for p1 in 1..=n {
                for p2 in 1..=n {
                    all.push(QuorumSystem::Flexible {
                        acceptors: n,
                        phase1: p1,
                        phase2: p2,
                    });
                }
            }
        }
        for (rows, cols) in [(1, 3), (2, 2), (3, 2), (2, 3), (3, 3)] {
            all.push(QuorumSystem::Grid { rows, cols });
        }
        all.push(QuorumSystem::Weighted {
            weights: vec![3, 1, 1, 1, 1],
            phase1: 4,
            phase2: 4,
        });
        all.push(QuorumSystem::Weighted {
            weights: vec![2, 2, 1, 1],
            phase1: 2,
            phase2: 5,
        });
        all.push(QuorumSystem::Explicit {
            acceptors: 4,
            phase1: vec![0b0011, 0b1100, 0b0111],
            phase2: vec![0b0101, 0b1010],
        });
        all
    }

    #[test]
    fn thresholds_match_the_binomial_sums_and_odd_majorities_give_one_half() {
        for n in 1..=9 {
            for p in [0.0, 0.1, 0.37, 0.5, 0.9, 1.0] {
                let a = availability(&QuorumSystem::Majority { acceptors: n }, &vec![p; n]);
                let expected = at_least(n, n / 2 + 1, p);
                assert!((a.both - expected).abs() < 1e-12, "majority of {n} at {p}");
                for (k1, k2) in [(1, n), (n, 1), (n.div_ceil(2), n / 2 + 1)] {
                    let flexible = QuorumSystem::Flexible {
                        acceptors: n,
                        phase1: k1,
                        phase2: k2,
                    };
                    let a = availability(&flexible, &vec![p; n]);
                    assert!((a.read - at_least(n, k1, p)).abs() < 1e-12);
                    assert!((a.write - at_least(n, k2, p)).abs() < 1e-12);
                    assert!((a.both - at_least(n, k1.max(k2), p)).abs() < 1e-12);
                }
            }
            if n % 2 == 1 {
                let a = availability(&QuorumSystem::Majority { acceptors: n }, &vec![0.5; n]);
                assert!((a.both - 0.5).abs() < 1e-12, "majority of {n}");
            }
        }
    }

    #[test]
    fn availability_matches_brute_force_with_a_probability_per_node() {
        for system in systems() {
            let n = system.acceptors();
            let p: Vec<f64> = (0..n).map(|i| 0.05 + 0.13 * i as f64 % 0.9).collect();
            let (a, b) = (availability(&system, &p), brute_availability(&system, &p));
            for (x, y) in [(a.read, b.read), (a.write, b.write), (a.both, b.both)] {
                assert!((x - y).abs() < 1e-12, "{system:?}: {a:?} against {b:?}");
            }
        }
    }

    #[test]
    fn minimal_quorums_are_quorums_with_no_smaller_quorum_inside() {
        for system in systems() {
            let n = system.acceptors();
            let minimal = Minimal::of(&system);
            for (phase, list) in [(1, &minimal.phase1), (2, &minimal.phase2)] {
                for set in 0..=everyone(n) {
                    let is_minimal = is_quorum(&system, phase, set)
                        && (0..=everyone(n)).all(|sub| {
                            sub == set || sub & set != sub || !is_quorum(&system, phase, sub)
                        });
                    assert_eq!(list.contains(&set), is_minimal, "{system:?} {set:b}");
                }
            }
        }
        // Majority of 5: the ten sets of three, smallest nodes first.
        let minimal = Minimal::of(&QuorumSystem::Majority { acceptors: 5 });
        assert_eq!(minimal.phase1.len(), 10);
        assert_eq!(minimal.phase1[0], 0b00111);
        assert_eq!(minimal.phase1[1], 0b01011);
        // A 2×3 grid: two rows to read, 3 × 3 = 9 ways to write.
        let grid = Minimal::of(&QuorumSystem::Grid { rows: 2, cols: 3 });
        assert_eq!(grid.phase1, vec![0b000111, 0b111000]);
        assert_eq!(grid.phase2.len(), 9);
        // An explicit list's superset of another quorum is not minimal.
        let explicit = Minimal::of(&systems().pop().unwrap());
        assert_eq!(explicit.phase1, vec![0b0011, 0b1100]);
    }

    #[test]
    fn resilience_matches_brute_force_and_intersection_witnesses_are_disjoint() {
        for system in systems() {
            let n = system.acceptors();
            let all = everyone(n);
            let usable = |up: u32| system.is_phase1_quorum(up) && system.is_phase2_quorum(up);
            let slow = (0..=n)
                .take_while(|&f| {
                    (0..=all)
                        .filter(|d| d.count_ones() as usize == f)
                        .all(|d| usable(all & !d))
                })
                .last()
                .unwrap_or(0);
            assert_eq!(
                resilience(&system),
                if usable(all) { slow } else { 0 },
                "{system:?}"
            );
            let minimal = Minimal::of(&system);
            for list in [&minimal.phase1, &minimal.phase2] {
                let slow = list
                    .iter()
                    .any(|&a| minimal.phase2.iter().any(|&b| a & b == 0));
                let found = disjoint_from_a_write(&system, list);
                assert_eq!(found.is_some(), slow, "{system:?}");
                if let Some(w) = found {
                    assert_eq!(w.first & w.second, 0);
                    assert!(list.contains(&w.first) && minimal.phase2.contains(&w.second));
                }
            }
        }
        assert_eq!(resilience(&QuorumSystem::Majority { acceptors: 5 }), 2);
        assert_eq!(
            resilience(&QuorumSystem::Flexible {
                acceptors: 5,
                phase1: 4,
                phase2: 2
            }),
            1
        );
        assert_eq!(resilience(&QuorumSystem::Grid { rows: 3, cols: 3 }), 2);
    }
}
