//! The quorum lens's report: the exact analysis of a system, with its facts in words, as
//! `paxoscope quorum` prints it and the Quorums tab draws it. Behind the `lens` feature, since
//! its linear program (`quorum/load.rs`) is for the CLI and the workers' wasm, not the page's.

use super::lens::{LensOptions, LensSystem};
use crate::json::json_object;
use crate::quorum::analysis::{self, Minimal};
use crate::quorum::{load, members, AcceptorSet};
use crate::scenario::{QuorumSpec, ScenarioError};

fn error(field: &str, message: impl Into<String>) -> ScenarioError {
    ScenarioError {
        field: field.to_string(),
        message: message.into(),
    }
}

/// A sentence about the system for the page, marked when it is a warning.
#[derive(Clone, Debug, PartialEq)]
pub struct Fact {
    pub text: String,
    pub warning: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Weighted {
    pub quorum: Vec<String>,
    pub probability: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StrategyView {
    pub read: Vec<Weighted>,
    pub write: Vec<Weighted>,
    pub node_loads: Vec<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AvailabilityView {
    pub read: f64,
    pub write: f64,
    pub both: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AvailabilityPoint {
    pub p: f64,
    pub read: f64,
    pub write: f64,
    pub both: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LoadPoint {
    pub read_fraction: f64,
    pub load: f64,
}

/// Everything the lens says about a system: what `paxoscope quorum` prints and the Quorums tab
/// draws.
#[derive(Clone, Debug, PartialEq)]
pub struct LensReport {
    pub description: String,
    pub nodes: Vec<String>,
    pub read_quorums: Vec<Vec<String>>,
    pub write_quorums: Vec<Vec<String>>,
    pub reads_meet_writes: bool,
    /// A read quorum and a write quorum that share no node, when there are.
    pub read_write_witness: Option<Vec<Vec<String>>>,
    pub writes_meet_writes: bool,
    pub write_write_witness: Option<Vec<Vec<String>>>,
    pub resilience: usize,
    pub p: Vec<f64>,
    pub availability: AvailabilityView,
    pub read_fraction: f64,
    pub load: f64,
    pub capacity: f64,
    pub strategy: StrategyView,
    pub facts: Vec<Fact>,
    /// Whether the page may build quorums by clicking nodes (explicit lists).
    pub editable: bool,
    pub availability_curve: Option<Vec<AvailabilityPoint>>,
    pub load_curve: Option<Vec<LoadPoint>>,
}

json_object!(Fact { text, warning });
json_object!(Weighted {
    quorum,
    probability
});
json_object!(StrategyView {
    read,
    write,
    node_loads
});
json_object!(AvailabilityView { read, write, both });
json_object!(AvailabilityPoint {
    p,
    read,
    write,
    both
});
json_object!(LoadPoint {
    read_fraction,
    load
});
json_object!(LensReport {
    description, nodes, read_quorums, write_quorums, reads_meet_writes, read_write_witness?,
    writes_meet_writes, write_write_witness?, resilience, p, availability, read_fraction, load,
    capacity, strategy, facts, editable, availability_curve?, load_curve?
});

/// A probability or load for a sentence: at most four decimals, no trailing zeros.
fn short(x: f64) -> String {
    let text = format!("{x:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.to_string()
}

/// The exact analysis of `lens` under `options`.
pub fn analyse(lens: &LensSystem, options: &LensOptions) -> Result<LensReport, ScenarioError> {
    let system = &lens.system;
    let names = |set: AcceptorSet| -> Vec<String> {
        members(set)
            .filter(|&i| i < lens.names.len())
            .map(|i| lens.names[i].clone())
            .collect()
    };
    let minimal = Minimal::of(system);
    let all = analysis::everyone(lens.names.len());
    if !system.is_phase1_quorum(all) || !system.is_phase2_quorum(all) {
        return Err(error("", "even all the nodes together are not a quorum"));
    }
    let read_write = analysis::disjoint_from_a_write(system, &minimal.phase1);
    let write_write = analysis::disjoint_from_a_write(system, &minimal.phase2);
    let witness = |w: analysis::Witness| vec![names(w.first), names(w.second)];
    let resilience = analysis::resilience(system);
    let a = analysis::availability(system, &options.p);
    let strategy = |f: f64| {
        load::optimal(&minimal, f, &options.capacities).map_err(|message| error("", message))
    };
    let best = strategy(options.read_fraction)?;
    let weighted = |quorums: &[AcceptorSet], probabilities: &[f64]| -> Vec<Weighted> {
        quorums
            .iter()
            .zip(probabilities)
            .filter(|(_, &p)| p > 0.0)
            .map(|(&q, &p)| Weighted {
                quorum: names(q),
                probability: p,
            })
            .collect()
    };
    let uniform = options.p.iter().all(|&p| p == options.p[0]);
    let at = if uniform {
        format!("p = {}", short(options.p[0]))
    } else {
        "the given probabilities".to_string()
    };
    let sizes = |list: &[AcceptorSet]| list.iter().map(|q| q.count_ones()).min().unwrap_or(0);
    let mut facts = vec![Fact {
        text: format!(
            "{} minimal read quorums (the smallest of {} nodes) and {} minimal write quorums (the \
             smallest of {}).",
            minimal.phase1.len(),
            sizes(&minimal.phase1),
            minimal.phase2.len(),
            sizes(&minimal.phase2)
        ),
        warning: false,
    }];
    facts.push(match read_write {
        None => Fact {
            text: "Every read quorum meets every write quorum: a read always sees the last \
                   write, and Paxos with these quorums is safe."
                .into(),
            warning: false,
        },
        Some(w) => Fact {
            text: format!(
                "The read quorum {} and the write quorum {} share no node: a read can miss the \
                 last write, and Paxos with these quorums can choose two values.",
                names(w.first).join(" "),
                names(w.second).join(" ")
            ),
            warning: true,
        },
    });
    facts.push(match write_write {
        None => Fact {
            text: "Write quorums meet each other: two writes always see each other.".into(),
            warning: false,
        },
        Some(w) => Fact {
            text: format!(
                "The write quorums {} and {} share no node: two writes need not see each other. \
                 Paxos does not need them to (its phase-2 quorums need not meet), but a store \
                 with last-writer-wins does.",
                names(w.first).join(" "),
                names(w.second).join(" ")
            ),
            warning: false,
        },
    });
    facts.push(Fact {
        text: if resilience == 0 {
            "A single failed node can leave no read quorum or no write quorum.".into()
        } else {
            format!(
                "Any {resilience} node{} can fail and a read and a write quorum remain; some {} \
                 cannot.",
                if resilience == 1 { "" } else { "s" },
                resilience + 1
            )
        },
        warning: resilience == 0,
    });
    facts.push(Fact {
        text: format!(
            "At {at}, some read quorum is up with probability {}, some write quorum {}, and both {}.",
            short(a.read),
            short(a.write),
            short(a.both)
        ),
        warning: false,
    });
    facts.push(Fact {
        text: format!(
            "Load {}: with the best choice of quorums, the busiest node takes part in {} % of \
             operations at read fraction {}; capacity {} operations per unit of node capacity.",
            short(best.load),
            short((best.load * 1000.0).round() / 10.0),
            short(options.read_fraction),
            short(1.0 / best.load)
        ),
        warning: false,
    });
    let availability_curve = options.curve.then(|| {
        (0..=20)
            .map(|i| {
                let p = i as f64 / 20.0;
                let a = analysis::availability(system, &vec![p; lens.names.len()]);
                AvailabilityPoint {
                    p,
                    read: a.read,
                    write: a.write,
                    both: a.both,
                }
            })
            .collect()
    });
    let load_curve = if options.curve {
        Some(
            (0..=10)
                .map(|i| {
                    let f = i as f64 / 10.0;
                    strategy(f).map(|s| LoadPoint {
                        read_fraction: f,
                        load: s.load,
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
        )
    } else {
        None
    };
    Ok(LensReport {
        description: system.describe(),
        nodes: lens.names.clone(),
        read_quorums: minimal.phase1.iter().map(|&q| names(q)).collect(),
        write_quorums: minimal.phase2.iter().map(|&q| names(q)).collect(),
        reads_meet_writes: read_write.is_none(),
        read_write_witness: read_write.map(witness),
        writes_meet_writes: write_write.is_none(),
        write_write_witness: write_write.map(witness),
        resilience,
        p: options.p.clone(),
        availability: AvailabilityView {
            read: a.read,
            write: a.write,
            both: a.both,
        },
        read_fraction: options.read_fraction,
        load: best.load,
        capacity: 1.0 / best.load,
        strategy: StrategyView {
            read: weighted(&minimal.phase1, &best.read),
            write: weighted(&minimal.phase2, &best.write),
            node_loads: best.node_loads,
        },
        facts,
        editable: matches!(lens.spec, QuorumSpec::Explicit { .. }),
        availability_curve,
        load_curve,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(system: &str, p: f64) -> LensReport {
        let lens = LensSystem::from_json(system).unwrap();
        let options = LensOptions::new(lens.names.len(), vec![p], 0.5, None, true).unwrap();
        analyse(&lens, &options).unwrap()
    }

    #[test]
    fn a_report_says_what_the_figures_mean() {
        let r = report(
            r#"{"kind": "threshold", "nodes": 5, "read": 2, "write": 3}"#,
            0.1,
        );
        assert!(!r.reads_meet_writes);
        let [read, write] = &r.read_write_witness.clone().unwrap()[..] else {
            panic!()
        };
        assert!(read.iter().all(|n| !write.contains(n)));
        assert!(r.facts[1].warning && r.facts[1].text.contains("a read can miss the last write"));
        // 3 + 3 > 5: writes see each other.
        assert!(r.writes_meet_writes);
        assert_eq!(r.resilience, 2);
        assert_eq!(r.availability_curve.as_ref().unwrap().len(), 21);
        assert_eq!(r.load_curve.as_ref().unwrap().len(), 11);
        // Load at read fraction 0.5: (2 + 3) / 2 / 5.
        assert!((r.load - 0.5).abs() < 1e-6 && (r.capacity - 2.0).abs() < 1e-6);
        let majority = report(r#"{"kind": "majority", "nodes": 3}"#, 0.5);
        assert!((majority.availability.both - 0.5).abs() < 1e-12);
        assert_eq!(
            majority.facts[3].text,
            "Any 1 node can fail and a read and a write quorum remain; some 2 cannot."
        );
        assert!(majority.facts[5].text.starts_with("Load 0.6667: with the best choice of quorums, the busiest node takes part in 66.7 % of operations"), "{}", majority.facts[5].text);
    }
}
