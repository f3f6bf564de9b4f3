//! Single-decree Paxos as the page shows it ([`Present`]): node shapes by role, message glyphs
//! and colours by ballot, the badges and detail lines, the centre's "Chosen", the status line,
//! and the order of violations, gravest first.

use super::*;
use crate::present::*;
use crate::quorum::members;
use crate::quorum::QuorumSystem;
use crate::scenario::{QuorumSpec, ScenarioError};
use crate::sim::event::EventKind as Kind;

/// How many colours the page has for ballots; ballot colours cycle through them.
pub const BALLOT_COLORS: u32 = 8;

/// The page's legend: the shapes nodes are drawn as, and what each stands for.
pub const LEGEND: [LegendEntry; 8] = [
    LegendEntry {
        shape: "square",
        label: "proposer",
    },
    LegendEntry {
        shape: "circle",
        label: "acceptor",
    },
    LegendEntry {
        shape: "triangle",
        label: "learner",
    },
    LegendEntry {
        shape: "rounded",
        label: "server (all three)",
    },
    // The messages' glyphs and the abbreviations of their labels (`short_label`).
    LegendEntry {
        shape: "msg-circle",
        label: "Prep, Acc: Prepare, Accept",
    },
    LegendEntry {
        shape: "msg-square",
        label: "Prom, Acc'd: Promise, Accepted",
    },
    LegendEntry {
        shape: "msg-diamond",
        label: "Nack: a refusal",
    },
    LegendEntry {
        shape: "hues",
        label: "colour: the ballot",
    },
];

/// The shape a node is drawn as, by the roles it plays (see [`LEGEND`]).
fn node_shape(roles: Roles) -> &'static str {
    match roles.name() {
        "proposer" => "square",
        "acceptor" => "circle",
        "learner" => "triangle",
        _ => "rounded",
    }
}

/// The glyph a message is drawn as: the replies (Promise, Accepted) a rounded square, a Nack a
/// diamond, the requests a circle.
fn message_glyph(msg: &Msg) -> &'static str {
    match msg {
        Msg::Promise { .. } | Msg::Accepted { .. } => "square",
        Msg::Nack { .. } => "diamond",
        Msg::Prepare { .. } | Msg::Accept { .. } => "circle",
    }
}

/// How grave a broken property is (see `Playground::violations_by_gravity`): lower is graver.
fn gravity(kind: &str) -> u8 {
    match kind {
        "agreement" => 0,
        "validity" => 1,
        "learned_not_chosen" => 2,
        "accepted_below_promise" => 3,
        "promise_decreased" => 4,
        _ => GRAVITY_LEAST,
    }
}

/// The rank of a property [`gravity`] does not know.
const GRAVITY_LEAST: u8 = 5;

/// The event kinds read out to screen readers as they happen.
const NARRATED: [&str; 10] = [
    "propose",
    "crash",
    "restart",
    "partition",
    "heal",
    "phase2",
    "chosen",
    "learn",
    "violation",
    "abandon",
];

/// The run the page opens with: two proposers that may duel, three acceptors, two learners.
pub const DEFAULT_SCENARIO: &str = r#"{"version":1,"protocol":"paxos","seed":1,"cluster":{"proposers":2,"acceptors":3,"learners":2},"network":{"delay_ticks_min":10,"delay_ticks_max":30,"loss":0,"duplicate":0},"quorum":{"kind":"majority"},"schedule":[{"at":0,"propose":{"node":"p1","value":"A"}},{"at":25,"propose":{"node":"p2","value":"B"}}],"until_ticks":1500}"#;

fn short_label(config: &Config, msg: &Msg) -> String {
    let b = |ballot: Ballot| config.ballot(ballot).to_string();
    let v = |value: u8| format!("“{}”", config.value_name(value));
    match *msg {
        Msg::Prepare { ballot } => format!("Prep {}", b(ballot)),
        Msg::Promise { ballot, accepted } => match accepted {
            Some((_, value)) => format!("Prom {} {}", b(ballot), v(value)),
            None => format!("Prom {}", b(ballot)),
        },
        Msg::Nack { ballot, .. } => format!("Nack {}", b(ballot)),
        Msg::Accept { ballot, value } => format!("Acc {} {}", b(ballot), v(value)),
        Msg::Accepted { ballot, value } => format!("Acc'd {} {}", b(ballot), v(value)),
    }
}

/// The colour of a ballot: each proposer's successive ballots get successive colours, and
/// different proposers' ballots of the same round differ.
pub fn ballot_color(config: &Config, ballot: Ballot) -> u32 {
    if ballot.is_none() {
        return 0;
    }
    let rank = config
        .proposers
        .iter()
        .position(|&p| p == ballot.proposer)
        .unwrap_or(0) as u32;
    (ballot.round.wrapping_sub(1) * config.proposers.len() as u32 + rank) % BALLOT_COLORS
}

impl Present for Paxos {
    const LEGEND: &'static [LegendEntry] = &LEGEND;
    const NARRATED: &'static [&'static str] = &NARRATED;
    const DEFAULT_SCENARIO: &'static str = DEFAULT_SCENARIO;
    const ROUNDS_LABEL: &'static str = "Ballots per proposer at most";
    // A second ballot per proposer is what most of Paxos's bugs need to show.
    const SEARCH_ROUNDS: u64 = 1;

    fn marker(kind: &Kind<Paxos>) -> Option<(&'static str, u8, u8)> {
        Some(match kind {
            Kind::Violation { .. } => ("violation", 0, 0),
            Kind::Derived(_) => ("chosen", 0, 1),
            Kind::Protocol(Note::Learned { .. }) => ("learn", 0, 2),
            Kind::Input { .. } => ("propose", 0, 3),
            Kind::Crash { .. } => ("crash", 1, 0),
            Kind::Restart { .. } => ("restart", 1, 1),
            Kind::Partition { .. } | Kind::Heal => ("partition", 1, 2),
            _ => return None,
        })
    }

    fn message_glyph(msg: &Msg) -> &'static str {
        message_glyph(msg)
    }

    fn message_short(config: &Config, msg: &Msg) -> String {
        short_label(config, msg)
    }

    fn message_color(config: &Config, msg: &Msg) -> u32 {
        ballot_color(config, msg.ballot())
    }

    fn node_view(frame: &Frame<Paxos>, id: NodeId) -> NodeView {
        let quorum_set = frame.sim.checker().chosen_quorum();
        let sim = frame.sim;
        let config = frame.config;
        let node = &sim.nodes()[id as usize];
        let b = |ballot: Ballot| config.ballot(ballot).to_string();
        let v = |value: u8| format!("“{}”", config.value_name(value));
        let mut detail = Vec::new();
        let mut badge = Vec::new();
        let mut color = None;
        let (mut promised, mut accepted, mut learned, mut phase, mut ballot) =
            (None, None, None, None, None);
        let name = config.name(id);
        if node.crashed {
            detail.push(format!(
                "{name} is crashed: it receives nothing and sends nothing until it restarts."
            ));
            badge.push("crashed".to_string());
        }
        if let Some(p) = &node.proposer {
            let text = match p.phase {
                Phase::Idle => {
                    phase = Some("idle");
                    "As a proposer it is idle: it has no value to propose.".to_string()
                }
                Phase::Preparing { promises, .. } => {
                    phase = Some("preparing");
                    let missing = config.quorum.missing(1, promises);
                    format!(
                        "As a proposer it is in phase 1 with ballot {}: Promises from {}, waiting for {missing} more.",
                        b(p.ballot),
                        config.acceptor_list(promises)
                    )
                }
                Phase::Accepting { value, accepted } => {
                    phase = Some("accepting");
                    let missing = config.quorum.missing(2, accepted);
                    format!(
                        "As a proposer it is in phase 2 with ballot {}, asking acceptors to accept {}: Accepted from {}, waiting for {missing} more.",
                        b(p.ballot),
                        v(value),
                        config.acceptor_list(accepted)
                    )
                }
                Phase::Backoff => {
                    phase = Some("backoff");
                    format!(
                        "As a proposer it gave up ballot {} and waits a random backoff before trying higher.",
                        b(p.ballot)
                    )
                }
                Phase::Done { value } => {
                    phase = Some("done");
                    format!(
                        "As a proposer it saw {} chosen in ballot {}.",
                        v(value),
                        b(p.ballot)
                    )
                }
            };
            detail.push(text);
            if let Some(value) = p.value {
                detail.push(format!("It was asked to propose {}.", v(value)));
            }
            detail.push(format!(
                "Highest round used or seen (kept on disk): {}.",
                p.round
            ));
            if !p.ballot.is_none() {
                ballot = Some(b(p.ballot));
                color = Some(ballot_color(config, p.ballot));
                badge.push(format!("{} {}", b(p.ballot), phase.unwrap_or("")));
            }
        }
        if let Some(a) = &node.acceptor {
            promised = (!a.promised.is_none()).then(|| b(a.promised));
            accepted = a.accepted.map(|(ab, av)| format!("{} {}", b(ab), v(av)));
            detail.push(format!(
                "As an acceptor (state kept on disk) it has promised {} and {}.",
                promised.as_deref().unwrap_or("no ballot"),
                match a.accepted {
                    Some((ab, av)) => format!("accepted {} in ballot {}", v(av), b(ab)),
                    None => "accepted nothing".to_string(),
                }
            ));
            if color.is_none() && !a.promised.is_none() {
                color = Some(ballot_color(config, a.promised));
            }
            // A server's badge has its proposer's line and its learner's too: its promise and
            // what it accepted share one line, so that the badge stays four lines at most.
            let promise = format!("promised {}", promised.as_deref().unwrap_or("–"));
            match (&accepted, node.proposer.is_some()) {
                (Some(text), true) => badge.push(format!("{promise}, accepted {text}")),
                (Some(text), false) => badge.extend([promise, format!("accepted {text}")]),
                (None, _) => badge.push(promise),
            }
        }
        if let Some(l) = &node.learner {
            learned = l
                .learned
                .map(|(_, value)| config.value_name(value).to_string());
            detail.push(match l.learned {
                Some((lb, value)) => {
                    format!("As a learner it learned {} (ballot {}).", v(value), b(lb))
                }
                None => "As a learner it has learned nothing yet.".to_string(),
            });
            if let Some(value) = &learned {
                badge.push(format!("learned “{value}”"));
            }
        }
        let in_quorum =
            config.acceptor_index[id as usize].is_some_and(|i| quorum_set & (1 << i) != 0);
        NodeView {
            name: name.to_string(),
            role: config.roles[id as usize].name(),
            shape: node_shape(config.roles[id as usize]),
            crashed: node.crashed,
            group: sim.partition().map(|groups| groups[id as usize]),
            promised,
            accepted,
            learned,
            phase,
            ballot,
            color,
            in_quorum,
            badge: badge.join(" · "),
            detail,
            inputs: config.roles[id as usize]
                .contains(Roles::PROPOSER)
                .then(|| InputView {
                    intervention: "propose",
                    node_field: "node",
                    button: "Propose",
                    fixed: Vec::new(),
                    fields: vec![InputField {
                        name: "value",
                        label: "Propose value",
                        default: "X",
                    }],
                    enabled: !node.crashed,
                })
                .into_iter()
                .collect(),
            cells: Vec::new(),
            timeout: false,
        }
    }

    fn summary(frame: &Frame<Paxos>, violations: &[Violation]) -> SummaryView {
        let sim = frame.sim;
        let config = frame.config;
        let warning = config
            .quorum
            .check_intersection()
            .is_err()
            .then_some("⚠ quorums do not intersect");
        if let Some(violation) = violations.first() {
            return SummaryView {
                headline: "SAFETY VIOLATED".to_string(),
                detail: Some(violation.kind.replace('_', " ")),
                tone: "bad",
                decided: None,
                warning,
            };
        }
        match sim.checker().chosen() {
            Some((ballot, value)) => {
                let quorum: Vec<&str> = members(sim.checker().chosen_quorum())
                    .map(|i| config.name(config.acceptors[i]))
                    .collect();
                SummaryView {
                    headline: format!("Chosen: “{}”", config.value_name(value)),
                    detail: Some(format!(
                        "ballot {} · quorum {}",
                        config.ballot(ballot),
                        quorum.join(", ")
                    )),
                    tone: "good",
                    decided: Some(config.value_name(value).to_string()),
                    warning,
                }
            }
            None => SummaryView {
                headline: "nothing chosen yet".to_string(),
                detail: None,
                tone: "neutral",
                decided: None,
                warning,
            },
        }
    }

    /// The run's violations, the gravest first: two values chosen is what Paxos exists to
    /// prevent, and the other rules matter because breaking them leads there. Among equals,
    /// the earliest first. An agreement violation's events are the chain that led to it: the
    /// steps that broke a lesser rule before it, each chosen ballot's phase-2 decision (where
    /// a proposer may have ignored a reported value), the accepts that chose the second value,
    /// and the two choices.
    fn ranked_violations(frame: &Frame<Paxos>) -> Vec<Violation> {
        let log = frame.sim.log();
        let all = frame.sim.violations();
        // By rank, and within a rank in the order found: a handful of violations at most, and
        // a sort's generic code would be kilobytes of the page's wasm.
        let mut violations: Vec<Violation> = (0..=GRAVITY_LEAST)
            .flat_map(|rank| all.iter().filter(move |v| gravity(v.kind) == rank))
            .cloned()
            .collect();
        for violation in violations.iter_mut().filter(|v| v.kind == "agreement") {
            let (Some(&last), false) = (violation.events.iter().max(), log.is_empty()) else {
                continue;
            };
            let ballots: Vec<Ballot> = violation
                .events
                .iter()
                .filter_map(|&i| match log.get(i as usize)?.kind {
                    EventKind::Derived(chosen) => Some(chosen.ballot),
                    _ => None,
                })
                .collect();
            let second = ballots.last().copied();
            // Marked by index and read back in order: sorted and without repeats, and no sort's
            // generic code in the page's wasm.
            let end = (last as usize).min(log.len().saturating_sub(1));
            let mut marked = vec![false; end + 1];
            let named = all
                .iter()
                .filter(|other| other.kind != "agreement")
                .flat_map(|other| other.events.iter())
                .chain(&violation.events);
            for &i in named {
                if let Some(mark) = marked.get_mut(i as usize) {
                    *mark = true;
                }
            }
            for (mark, e) in marked.iter_mut().zip(&log[..=end]) {
                *mark |= match e.kind {
                    EventKind::Protocol(Note::Proposed { ballot, .. }) => ballots.contains(&ballot),
                    EventKind::Protocol(Note::AcceptedValue { ballot, .. }) => {
                        Some(ballot) == second
                    }
                    EventKind::Protocol(Note::Forgot { .. }) => true,
                    _ => false,
                };
            }
            let chain: Vec<u32> = (0..marked.len() as u32)
                .filter(|&i| marked[i as usize])
                .collect();
            violation.events = chain;
        }
        violations
    }

    fn status(frame: &Frame<Paxos>, violations: &[Violation]) -> String {
        let sim = frame.sim;
        let config = frame.config;
        if let Some(violation) = violations.first() {
            return format!("Safety violated: {}.", violation.explanation);
        }
        if let Some((ballot, value)) = sim.checker().chosen() {
            let waiting: Vec<&str> = config
                .learners
                .iter()
                .filter(|&&l| {
                    sim.nodes()[l as usize]
                        .learner
                        .as_ref()
                        .is_none_or(|x| x.learned.is_none())
                })
                .map(|&l| config.name(l))
                .collect();
            let learners = if waiting.is_empty() {
                "every learner has learned it".to_string()
            } else {
                format!("not yet learned by {}", waiting.join(", "))
            };
            return format!(
                "“{}” is chosen: {} accepted it in ballot {}; {learners}.",
                config.value_name(value),
                config.acceptor_list(sim.checker().chosen_quorum()),
                config.ballot(ballot),
            );
        }
        let mut parts = Vec::new();
        for &p in &config.proposers {
            let node = &sim.nodes()[p as usize];
            let Some(proposer) = &node.proposer else {
                continue;
            };
            let name = config.name(p);
            let ballot = config.ballot(proposer.ballot);
            if node.crashed {
                continue;
            }
            match proposer.phase {
                Phase::Preparing { promises, .. } => {
                    let missing = config.quorum.missing(1, promises);
                    parts.push(format!(
                        "{name} is in phase 1 with ballot {ballot}: waiting for {missing} more {}",
                        if missing == 1 { "promise" } else { "promises" }
                    ))
                }
                Phase::Accepting { accepted, .. } => {
                    let missing = config.quorum.missing(2, accepted);
                    parts.push(format!(
                        "{name} is in phase 2 with ballot {ballot}: waiting for {missing} more Accepted"
                    ))
                }
                Phase::Backoff => {
                    parts.push(format!("{name} gave up ballot {ballot} and is backing off"))
                }
                Phase::Idle | Phase::Done { .. } => {}
            }
        }
        if parts.is_empty() {
            if sim.checker().chosen().is_none() && sim.events() == 0 {
                return "Nothing has happened yet: press play, or pick a proposer and propose a value.".into();
            }
            return "No proposer is working on a ballot and nothing is chosen.".into();
        }
        parts.join("; ") + "."
    }

    fn chosen(frame: &Frame<Paxos>) -> Option<ChosenView> {
        let config = frame.config;
        let quorum_set = frame.sim.checker().chosen_quorum();
        frame
            .sim
            .checker()
            .chosen()
            .map(|(ballot, value)| ChosenView {
                value: config.value_name(value).to_string(),
                ballot: config.ballot(ballot).to_string(),
                quorum: members(quorum_set)
                    .map(|i| config.name(config.acceptors[i]).to_string())
                    .collect(),
            })
    }

    fn quorum(config: &Config) -> QuorumView {
        QuorumView {
            description: config.quorum.describe(),
            safe: config.quorum.check_intersection().is_ok(),
            verdict: match config.quorum.check_intersection() {
                Ok(()) => "Every phase-1 quorum shares an acceptor with every phase-2 quorum: safe."
                    .to_string(),
                Err(gap) => format!(
                    "Unsafe quorums: the phase-1 quorum {{{}}} and the phase-2 quorum {{{}}} share no acceptor, so two different values can be chosen.",
                    config.acceptor_list(gap.phase1),
                    config.acceptor_list(gap.phase2)
                ),
            },
        }
    }

    const QUORUM_NODES: &'static str = "acceptors";

    fn quorum_spec(scenario: &mut Scenario) -> &mut QuorumSpec {
        &mut scenario.section.quorum
    }

    fn quorum_nodes(config: &Config) -> (&QuorumSystem, Vec<NodeId>) {
        (&config.quorum, config.acceptors.clone())
    }

    fn bugs(config: &Config) -> Vec<&'static str> {
        config.bugs.enabled()
    }

    fn setup_form(scenario: &Scenario, config: &Config) -> Vec<SetupGroup> {
        super::setup::setup_form(scenario, config)
    }

    fn apply_setup(
        scenario: &Scenario,
        changes: &Changes<'_>,
    ) -> Result<(Scenario, Vec<String>), ScenarioError> {
        super::setup::apply_setup(scenario, changes)
    }
}
