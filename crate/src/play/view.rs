//! What the page shows of a run: the per-frame view with every label, colour index and
//! sentence, and the log entries, written as JSON for JavaScript.

use super::*;
use crate::json::{close, field, field_if_some, json_object, ToJson};

/// How many colours the page has for ballots; ballot colours cycle through them.
pub const BALLOT_COLORS: u32 = 8;

#[derive(Serialize)]
pub struct View {
    pub now: u64,
    pub until_ticks: u64,
    pub reached: u64,
    /// How many timeline markers there are, so the page redraws them only when this changes.
    pub markers: usize,
    pub actions: u64,
    pub events: u64,
    pub finished: bool,
    /// Nothing more will happen before the run ends (the status line says so).
    pub settled: bool,
    pub nodes: Vec<NodeView>,
    pub messages: Vec<MessageView>,
    pub chosen: Option<ChosenView>,
    pub violations: Vec<Violation>,
    pub status: String,
    pub quorum: QuorumView,
    /// The centre of the drawing: what the run has decided, or that safety broke.
    pub summary: SummaryView,
    pub cuts: Vec<(String, String)>,
    pub partitioned: bool,
    pub bugs: Vec<&'static str>,
    /// As text: a seed may exceed what a JavaScript number holds exactly.
    pub seed: String,
}

#[derive(Serialize)]
pub struct NodeView {
    pub name: String,
    pub role: &'static str,
    /// What the page draws it as: `square`, `circle`, `triangle` or `rounded`.
    pub shape: &'static str,
    pub crashed: bool,
    /// The partition group this node is in, when the network is partitioned.
    pub group: Option<u8>,
    pub promised: Option<String>,
    pub accepted: Option<String>,
    pub learned: Option<String>,
    pub phase: Option<&'static str>,
    pub ballot: Option<String>,
    /// Colour index of the ballot this node is working on or has promised.
    pub color: Option<u32>,
    /// Whether this acceptor is in the quorum that chose the value.
    pub in_quorum: bool,
    /// A few words under the node: its key state at a glance.
    pub badge: String,
    /// Sentences for the detail panel.
    pub detail: Vec<String>,
    /// The input this node takes from a person, if any (Paxos: a value to propose).
    pub input: Option<InputView>,
}

/// An input a person can give a node: the page shows a text field and a button, and sends the
/// schedule entry `{intervention: {"node": NAME, "value": TEXT}}`.
#[derive(Serialize)]
pub struct InputView {
    pub intervention: &'static str,
    pub button: &'static str,
    pub field_label: &'static str,
    pub default: &'static str,
    pub enabled: bool,
}

/// The centre of the drawing.
#[derive(Serialize)]
pub struct SummaryView {
    pub headline: String,
    pub detail: Option<String>,
    /// `good`, `bad` or `neutral`: the page colours the headline by it.
    pub tone: &'static str,
    /// The value the run decided, for the page to mark (`data-chosen`).
    pub decided: Option<String>,
    /// A warning under the rest (unsafe quorums).
    pub warning: Option<&'static str>,
}

/// One entry of the legend under the drawing: a shape and what it stands for.
#[derive(Serialize)]
pub struct LegendEntry {
    pub shape: &'static str,
    pub label: &'static str,
}

/// The page's legend: the shapes nodes are drawn as, and what each stands for.
pub const LEGEND: [LegendEntry; 4] = [
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

#[derive(Serialize)]
pub struct MessageView {
    pub id: u64,
    pub from: u8,
    pub to: u8,
    /// What the page draws it as: `circle`, `square` or `diamond`.
    pub glyph: &'static str,
    pub label: String,
    /// A compact label for drawing on the wire: `Prep 1.p1`, `Acc 2.p2 “B”`.
    pub short: String,
    pub color: u32,
    pub sent: u64,
    pub deliver: u64,
    pub copy_of: Option<u64>,
}

#[derive(Serialize)]
pub struct ChosenView {
    pub value: String,
    pub ballot: String,
    pub quorum: Vec<String>,
}

#[derive(Serialize)]
pub struct QuorumView {
    pub description: String,
    pub safe: bool,
    /// Whether the quorums are safe, in a sentence for the page: why not, when they are not.
    pub verdict: String,
}

/// One log entry, for the event log and the space-time diagram.
#[derive(Serialize)]
pub struct EventView {
    pub index: u64,
    pub tick: u64,
    pub kind: &'static str,
    pub text: String,
    /// The node the event happens at (the receiver for deliveries and losses).
    pub node: Option<u8>,
    /// For sends, deliveries and losses: the other end of the message.
    pub peer: Option<u8>,
    pub message: Option<u64>,
    pub color: Option<u32>,
    pub lost: Option<LossReason>,
    /// For a duplication: the message copied (`message` is then the copy).
    pub copy_of: Option<u64>,
    /// Whether the page reads it out to screen readers: the moments a student should hear.
    pub narrated: bool,
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

/// One bound of the exhaustive search, as the Setup panel's search form shows it.
#[derive(Serialize)]
pub struct SearchBound {
    pub name: &'static str,
    pub label: &'static str,
    pub value: u64,
    pub max: u64,
}

/// The search's bounds, with small defaults: each extra fault or ballot multiplies the states
/// to visit. The page sends them back by name to `exploreScenario`.
pub const SEARCH_BOUNDS: [SearchBound; 5] = [
    SearchBound {
        name: "crashes",
        label: "Crashes at most",
        value: 0,
        max: 3,
    },
    SearchBound {
        name: "drops",
        label: "Dropped messages at most",
        value: 0,
        max: 3,
    },
    SearchBound {
        name: "duplicates",
        label: "Duplicated messages at most",
        value: 0,
        max: 3,
    },
    SearchBound {
        name: "rounds",
        label: "Ballots per proposer at most",
        value: 1,
        max: 4,
    },
    SearchBound {
        name: "states",
        label: "Stop after this many states",
        value: 200_000,
        max: 5_000_000,
    },
];

impl Playground {
    /// The index of the first event at or after `tick`: where the page starts fetching the log
    /// after a jump, since it draws only the latest ticks.
    pub fn first_event_at(&self, tick: u64) -> u64 {
        self.sim.log().partition_point(|event| event.tick < tick) as u64
    }

    /// Log entries from `from` (an event index), at most `count` of them.
    pub fn events_since(&self, from: u64, count: usize) -> Vec<EventView> {
        let log = self.sim.log();
        let config = &self.config;
        let start = (from as usize).min(log.len());
        log[start..]
            .iter()
            .take(count)
            .enumerate()
            .map(|(i, event)| {
                let (mut peer, mut message, mut color, mut lost) = (None, None, None, None);
                let mut copy_of = None;
                let node = match event.kind {
                    EventKind::Send { id, from, to, msg } => {
                        (peer, message) = (Some(to), Some(id));
                        color = Some(ballot_color(config, msg.ballot()));
                        Some(from)
                    }
                    EventKind::Deliver { id, from, to, msg } => {
                        (peer, message) = (Some(from), Some(id));
                        color = Some(ballot_color(config, msg.ballot()));
                        Some(to)
                    }
                    EventKind::Lost {
                        id,
                        from,
                        to,
                        msg,
                        reason,
                    } => {
                        (peer, message) = (Some(from), Some(id));
                        color = Some(ballot_color(config, msg.ballot()));
                        lost = Some(reason);
                        Some(to)
                    }
                    EventKind::Duplicate { id, copy, .. } => {
                        (message, copy_of) = (Some(copy), Some(id));
                        None
                    }
                    other => other.nodes().0,
                };
                EventView {
                    index: (start + i) as u64,
                    tick: event.tick,
                    kind: event.kind.name(),
                    narrated: NARRATED.contains(&event.kind.name()),
                    text: event.explain(config, self.sim.violations()),
                    node,
                    peer,
                    message,
                    color,
                    lost,
                    copy_of,
                }
            })
            .collect()
    }

    pub fn view(&self) -> View {
        let sim = &self.sim;
        let config = &self.config;
        let chosen = sim.checker().chosen();
        let quorum_set = sim.checker().chosen_quorum();
        let nodes = (0..config.names.len())
            .map(|i| self.node_view(i as NodeId, quorum_set))
            .collect();
        let mut messages: Vec<MessageView> = sim
            .inflight()
            .iter()
            .map(|m| MessageView {
                id: m.id,
                from: m.from,
                to: m.to,
                glyph: message_glyph(&m.msg),
                label: describe_message(config, &m.msg),
                short: short_label(config, &m.msg),
                color: ballot_color(config, m.msg.ballot()),
                sent: m.sent_tick,
                deliver: m.deliver_tick,
                copy_of: m.copy_of.map(NonZeroU64::get),
            })
            .collect();
        // Message ids are unique, so an unstable sort gives the same order with less wasm.
        messages.sort_unstable_by_key(|m| m.id);
        let mut cuts = Vec::new();
        for from in 0..config.names.len() {
            for to in 0..config.names.len() {
                if sim.is_cut(from as NodeId, to as NodeId) {
                    cuts.push((config.names[from].to_string(), config.names[to].to_string()));
                }
            }
        }
        View {
            now: sim.now(),
            until_ticks: sim.until_ticks(),
            reached: self.reached,
            markers: self.markers.len(),
            actions: sim.actions(),
            events: sim.events(),
            finished: sim.now() >= sim.until_ticks(),
            nodes,
            messages,
            chosen: chosen.map(|(ballot, value)| ChosenView {
                value: config.value_name(value).to_string(),
                ballot: config.ballot(ballot).to_string(),
                quorum: members(quorum_set)
                    .map(|i| config.name(config.acceptors[i]).to_string())
                    .collect(),
            }),
            violations: self.violations_by_gravity(),
            status: self.status(),
            settled: self.settled(),
            summary: self.summary(),
            quorum: QuorumView {
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
            },
            cuts,
            partitioned: sim.partition().is_some(),
            bugs: config.bugs.enabled(),
            seed: sim.seed().to_string(),
        }
    }

    fn node_view(&self, id: NodeId, quorum_set: u32) -> NodeView {
        let sim = &self.sim;
        let config = &self.config;
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
            input: config.roles[id as usize]
                .contains(Roles::PROPOSER)
                .then_some(InputView {
                    intervention: "propose",
                    button: "Propose",
                    field_label: "Propose value",
                    default: "X",
                    enabled: !node.crashed,
                }),
        }
    }

    /// One line that says what is happening now.
    /// The centre of the drawing: a violation first, else the value chosen, else nothing yet.
    fn summary(&self) -> SummaryView {
        let sim = &self.sim;
        let config = &self.config;
        let warning = config
            .quorum
            .check_intersection()
            .is_err()
            .then_some("⚠ quorums do not intersect");
        if let Some(violation) = self.violations_by_gravity().first() {
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
    fn violations_by_gravity(&self) -> Vec<Violation> {
        let log = self.sim.log();
        let all = self.sim.violations();
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

    /// The status line, and when nothing more will happen in the run, a sentence that says so:
    /// playing on would only move the clock.
    fn status(&self) -> String {
        let status = self.status_now();
        if self.settled() && self.sim.events() > 0 && !self.sim.stopped_early() {
            return format!("{status} {SETTLED}");
        }
        status
    }

    /// Whether nothing more will happen before the run ends.
    fn settled(&self) -> bool {
        !self.sim.has_future()
    }

    fn status_now(&self) -> String {
        let sim = &self.sim;
        let config = &self.config;
        if let Some(violation) = self.violations_by_gravity().first() {
            return format!("Safety violated: {}.", violation.explanation);
        }
        if sim.stopped_early() {
            return format!(
                "This run stopped after {} events, the most one run may have: shorten until_ticks or lighten the faults.",
                crate::sim::EVENTS_MAX
            );
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
}

/// What the status line adds when nothing more will happen in the run.
pub const SETTLED: &str = "Nothing more will happen in this run: no message is in flight, no timer is set and no intervention is left.";

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

// The page's views cross to JavaScript as JSON text, which `wasm/` turns into objects with
// `JSON.parse`: writing them here takes far less wasm than serializing them field by field into
// JavaScript objects through serde. They are written as the serde derive would write them, but
// with `None` fields left out, so that JavaScript sees `undefined` for them as it did when they
// were serialized into objects (a test compares the two).

json_object!(View {
    now, until_ticks, reached, markers, actions, events, finished, settled, nodes, messages, chosen?,
    violations, status, quorum, summary, cuts, partitioned, bugs, seed
});

json_object!(NodeView {
    name, role, shape, crashed, group?, promised?, accepted?, learned?, phase?, ballot?, color?,
    in_quorum, badge, detail, input?
});

json_object!(MessageView {
    id, from, to, glyph, label, short, color, sent, deliver, copy_of?
});

json_object!(SearchBound {
    name,
    label,
    value,
    max
});

json_object!(ChosenView {
    value,
    ballot,
    quorum
});

json_object!(QuorumView {
    description,
    safe,
    verdict
});

json_object!(Violation {
    kind,
    tick,
    events,
    explanation
});

impl ToJson for EventView {
    fn write(&self, out: &mut String) {
        out.push('{');
        field(out, "index", &self.index);
        field(out, "tick", &self.tick);
        field(out, "kind", self.kind);
        field(out, "text", &self.text);
        field_if_some(out, "node", &self.node);
        field_if_some(out, "peer", &self.peer);
        field_if_some(out, "message", &self.message);
        field_if_some(out, "color", &self.color);
        field_if_some(out, "lost", &self.lost.map(LossReason::name));
        field_if_some(out, "copy_of", &self.copy_of);
        field(out, "narrated", &self.narrated);
        close(out, '}');
    }
}

json_object!(Marker {
    index,
    tick,
    kind,
    text,
    lane,
    rank
});

json_object!(InputView {
    intervention,
    button,
    field_label,
    default,
    enabled
});

json_object!(SummaryView { headline, detail?, tone, decided?, warning? });

json_object!(LegendEntry { shape, label });
