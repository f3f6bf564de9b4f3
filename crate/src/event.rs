//! The event log: everything that happened in a run, as data, each with a sentence for students.
//!
//! Events are small `Copy` values recorded as they happen; the sentence is made only when
//! someone reads it ([`Event::explain`]), so a run with the log on stays fast.

use crate::paxos::{Ballot, Config, Msg, NodeId, Note, Value, MAX_NODES};
use crate::quorum::AcceptorSet;
use serde::Serialize;
use std::fmt::Write;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Event {
    pub tick: u64,
    pub kind: EventKind,
}

/// Why a message never arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LossReason {
    /// The network lost it (the scenario's `loss` probability).
    Network,
    /// Someone dropped it on purpose (an intervention, or the explorer).
    Dropped,
    /// Its destination was crashed when it arrived.
    Crashed,
    /// A partition separated sender and receiver when it would have arrived.
    Partition,
    /// The one-way link from sender to receiver was cut when it would have arrived.
    Cut,
}

impl LossReason {
    /// The name the page sees, as serde writes it.
    pub fn name(self) -> &'static str {
        match self {
            LossReason::Network => "network",
            LossReason::Dropped => "dropped",
            LossReason::Crashed => "crashed",
            LossReason::Partition => "partition",
            LossReason::Cut => "cut",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventKind {
    Propose {
        node: NodeId,
        value: Value,
    },
    /// A proposal to a crashed proposer, which cannot act on it.
    ProposeIgnored {
        node: NodeId,
        value: Value,
    },
    Send {
        id: u64,
        from: NodeId,
        to: NodeId,
        msg: Msg,
    },
    Deliver {
        id: u64,
        from: NodeId,
        to: NodeId,
        msg: Msg,
    },
    Lost {
        id: u64,
        from: NodeId,
        to: NodeId,
        msg: Msg,
        reason: LossReason,
    },
    /// A second copy of message `id` is on its way, as message `copy`.
    Duplicate {
        id: u64,
        copy: u64,
        by_network: bool,
    },
    Delayed {
        id: u64,
        ticks: u64,
    },
    /// An intervention named a message that was not in flight at that tick.
    NotInFlight {
        id: u64,
    },
    Crash {
        node: NodeId,
    },
    Restart {
        node: NodeId,
    },
    /// An intervention that had no effect: crashing a crashed node, restarting a live one, or
    /// firing a timer that is not armed.
    NoEffect {
        node: NodeId,
    },
    Partition {
        groups: [u8; MAX_NODES],
    },
    Heal,
    Cut {
        from: NodeId,
        to: NodeId,
    },
    Restore {
        from: NodeId,
        to: NodeId,
    },
    /// A proposer's timer fired.
    Timer {
        node: NodeId,
    },
    Protocol(Note),
    /// A phase-2 quorum of acceptors has accepted `value` in `ballot`: it is chosen.
    Chosen {
        ballot: Ballot,
        value: Value,
        quorum: AcceptorSet,
    },
    /// The safety checker found a violation; `index` is its place in the run's violation list.
    Violation {
        index: u32,
    },
}

impl EventKind {
    /// A short machine-readable name, used in traces and by the page for styling.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::Propose { .. } => "propose",
            EventKind::ProposeIgnored { .. } => "propose_ignored",
            EventKind::Send { .. } => "send",
            EventKind::Deliver { .. } => "deliver",
            EventKind::Lost { .. } => "drop",
            EventKind::Duplicate { .. } => "duplicate",
            EventKind::Delayed { .. } => "delay",
            EventKind::NotInFlight { .. } => "not_in_flight",
            EventKind::Crash { .. } => "crash",
            EventKind::Restart { .. } => "restart",
            EventKind::NoEffect { .. } => "no_effect",
            EventKind::Partition { .. } => "partition",
            EventKind::Heal => "heal",
            EventKind::Cut { .. } => "cut",
            EventKind::Restore { .. } => "restore",
            EventKind::Timer { .. } => "timeout",
            EventKind::Protocol(note) => match note {
                Note::Prepared { .. } => "prepare",
                Note::Promised { .. } => "promise",
                Note::Refused { .. } => "nack",
                Note::AcceptedValue { .. } => "accept",
                Note::Proposed { .. } => "phase2",
                Note::Abandoned { .. } => "abandon",
                Note::TimedOut { .. } => "retry",
                Note::SawChosen { .. } => "proposer_done",
                Note::Learned { .. } => "learn",
                Note::Forgot { .. } => "forget",
            },
            EventKind::Chosen { .. } => "chosen",
            EventKind::Violation { .. } => "violation",
        }
    }

    /// The nodes this event is about, for highlighting.
    pub fn nodes(&self) -> (Option<NodeId>, Option<NodeId>) {
        match *self {
            EventKind::Send { from, to, .. }
            | EventKind::Deliver { from, to, .. }
            | EventKind::Lost { from, to, .. }
            | EventKind::Cut { from, to }
            | EventKind::Restore { from, to } => (Some(from), Some(to)),
            EventKind::Propose { node, .. }
            | EventKind::ProposeIgnored { node, .. }
            | EventKind::Crash { node }
            | EventKind::Restart { node }
            | EventKind::NoEffect { node }
            | EventKind::Timer { node } => (Some(node), None),
            EventKind::Protocol(note) => match note {
                Note::Prepared { proposer, .. }
                | Note::Proposed { proposer, .. }
                | Note::Abandoned { proposer, .. }
                | Note::TimedOut { proposer, .. }
                | Note::SawChosen { proposer, .. } => (Some(proposer), None),
                Note::Promised { acceptor, .. }
                | Note::Refused { acceptor, .. }
                | Note::AcceptedValue { acceptor, .. }
                | Note::Forgot { acceptor, .. } => (Some(acceptor), None),
                Note::Learned { learner, .. } => (Some(learner), None),
            },
            _ => (None, None),
        }
    }
}

/// A message written for the log: `Promise(3.p2, accepted 2.p1 "A")`.
pub fn describe_message(config: &Config, msg: &Msg) -> String {
    let b = |b: Ballot| config.ballot(b).to_string();
    let v = |v: Value| format!("\"{}\"", config.value_name(v));
    match *msg {
        Msg::Prepare { ballot } => format!("Prepare({})", b(ballot)),
        Msg::Promise { ballot, accepted } => match accepted {
            None => format!("Promise({}, nothing accepted)", b(ballot)),
            Some((ab, av)) => format!("Promise({}, accepted {} {})", b(ballot), b(ab), v(av)),
        },
        Msg::Nack { ballot, promised } => {
            format!("Nack({}, promised {})", b(ballot), b(promised))
        }
        Msg::Accept { ballot, value } => format!("Accept({}, {})", b(ballot), v(value)),
        Msg::Accepted { ballot, value } => format!("Accepted({}, {})", b(ballot), v(value)),
    }
}

impl Event {
    /// One plain-language sentence about this event.
    pub fn explain(&self, config: &Config, violations: &[crate::checker::Violation]) -> String {
        let n = |id: NodeId| config.name(id).to_string();
        let b = |b: Ballot| config.ballot(b).to_string();
        let v = |v: Value| format!("\"{}\"", config.value_name(v));
        let m = |msg: &Msg| describe_message(config, msg);
        match self.kind {
            EventKind::Propose { node, value } => {
                format!("{} was asked to propose {}", n(node), v(value))
            }
            EventKind::ProposeIgnored { node, value } => format!(
                "{} was asked to propose {} but is crashed, so nothing happens",
                n(node),
                v(value)
            ),
            EventKind::Send { id, from, to, msg } => {
                format!("{} sent {} to {} (message {id})", n(from), m(&msg), n(to))
            }
            EventKind::Deliver { id, from, to, msg } => {
                format!(
                    "{} received {} from {} (message {id})",
                    n(to),
                    m(&msg),
                    n(from)
                )
            }
            EventKind::Lost {
                id,
                from,
                to,
                msg,
                reason,
            } => {
                let why = match reason {
                    LossReason::Network => "the network lost it".to_string(),
                    LossReason::Dropped => "it was dropped on purpose".to_string(),
                    LossReason::Crashed => format!("{} is crashed", n(to)),
                    LossReason::Partition => {
                        format!("a partition separates {} from {}", n(from), n(to))
                    }
                    LossReason::Cut => format!("the link {} → {} is cut", n(from), n(to)),
                };
                format!(
                    "message {id}, {} from {} to {}, was lost: {why}",
                    m(&msg),
                    n(from),
                    n(to)
                )
            }
            EventKind::Duplicate {
                id,
                copy,
                by_network,
            } => format!(
                "{} message {id}: a second copy travels as message {copy}",
                if by_network {
                    "the network duplicated"
                } else {
                    "someone duplicated"
                }
            ),
            EventKind::Delayed { id, ticks } => {
                format!("message {id} was held back {ticks} more ticks")
            }
            EventKind::NotInFlight { id } => {
                format!("message {id} was not in flight, so the intervention did nothing")
            }
            EventKind::Crash { node } => format!(
                "{} crashed: it stops, and forgets everything it did not write to disk",
                n(node)
            ),
            EventKind::Restart { node } => format!("{} restarted", n(node)),
            EventKind::NoEffect { node } => {
                format!(
                    "the intervention on {} had no effect in its current state",
                    n(node)
                )
            }
            EventKind::Partition { groups } => {
                let mut text = String::from("the network split into groups:");
                let count = config.names.len();
                let max_group = groups[..count].iter().copied().max().unwrap_or(0);
                for g in 0..=max_group {
                    let members: Vec<String> = (0..count)
                        .filter(|i| groups[*i] == g)
                        .map(|i| n(i as NodeId))
                        .collect();
                    if !members.is_empty() {
                        let _ = write!(text, " {{{}}}", members.join(", "));
                    }
                }
                text
            }
            EventKind::Heal => "the partition healed: every node can reach every other".into(),
            EventKind::Cut { from, to } => format!(
                "the link {} → {} was cut: messages that way will be lost",
                n(from),
                n(to)
            ),
            EventKind::Restore { from, to } => {
                format!("the link {} → {} was restored", n(from), n(to))
            }
            EventKind::Timer { node } => format!("{}'s timer fired", n(node)),
            EventKind::Protocol(note) => explain_note(config, &note),
            EventKind::Chosen {
                ballot,
                value,
                quorum,
            } => format!(
                "{} is chosen: {} accepted it in ballot {}, a phase-2 quorum",
                v(value),
                config.acceptor_list(quorum),
                b(ballot)
            ),
            EventKind::Violation { index } => match violations.get(index as usize) {
                Some(violation) => format!("SAFETY VIOLATED: {}", violation.explanation),
                None => "SAFETY VIOLATED".to_string(),
            },
        }
    }
}

fn explain_note(config: &Config, note: &Note) -> String {
    let n = |id: NodeId| config.name(id).to_string();
    let b = |b: Ballot| config.ballot(b).to_string();
    let v = |v: Value| format!("\"{}\"", config.value_name(v));
    let acc = |a: Option<(Ballot, Value)>| match a {
        None => "it had accepted nothing".to_string(),
        Some((ab, av)) => format!("it had accepted ({}, {})", b(ab), v(av)),
    };
    match *note {
        Note::Prepared { proposer, ballot } => format!(
            "{} started ballot {}: it asks every acceptor to promise to ignore lower ballots",
            n(proposer),
            b(ballot)
        ),
        Note::Promised {
            acceptor,
            ballot,
            accepted,
            repeat,
            ..
        } => {
            if repeat {
                format!(
                    "{} repeated its promise for ballot {} and reported that {}",
                    n(acceptor),
                    b(ballot),
                    acc(accepted)
                )
            } else {
                format!(
                    "{} promised ballot {} and reported that {}",
                    n(acceptor),
                    b(ballot),
                    acc(accepted)
                )
            }
        }
        Note::Refused {
            acceptor,
            ballot,
            promised,
        } => format!(
            "{} refused ballot {}: it has promised the higher ballot {}",
            n(acceptor),
            b(ballot),
            b(promised)
        ),
        Note::AcceptedValue {
            acceptor,
            ballot,
            value,
            promised,
        } => {
            if ballot < promised {
                format!(
                    "{} accepted ({}, {}) although it had promised the higher ballot {}",
                    n(acceptor),
                    b(ballot),
                    v(value),
                    b(promised)
                )
            } else {
                format!("{} accepted ({}, {})", n(acceptor), b(ballot), v(value))
            }
        }
        Note::Proposed {
            proposer,
            ballot,
            value,
            adopted_from,
            ignored,
        } => match (adopted_from, ignored) {
            (_, Some((ib, iv))) => format!(
                "{} has a phase-1 quorum for {} and sends its own value {}, ignoring {} that a promise reported as accepted in {}",
                n(proposer),
                b(ballot),
                v(value),
                v(iv),
                b(ib)
            ),
            (Some(from), None) => format!(
                "{} has a phase-1 quorum for {} and must propose {}, the value accepted in the highest ballot reported ({})",
                n(proposer),
                b(ballot),
                v(value),
                b(from)
            ),
            (None, None) => format!(
                "{} has a phase-1 quorum for {}; no promise reported an accepted value, so it proposes its own, {}",
                n(proposer),
                b(ballot),
                v(value)
            ),
        },
        Note::Abandoned {
            proposer,
            ballot,
            higher,
        } => format!(
            "{} gave up ballot {} because an acceptor promised {}; it will retry higher after a random backoff",
            n(proposer),
            b(ballot),
            b(higher)
        ),
        Note::TimedOut { proposer, ballot } => format!(
            "{} heard too little for ballot {} in time and will try a higher ballot",
            n(proposer),
            b(ballot)
        ),
        Note::SawChosen {
            proposer,
            ballot,
            value,
        } => format!(
            "{} saw a phase-2 quorum accept {} in ballot {}: its work is done",
            n(proposer),
            v(value),
            b(ballot)
        ),
        Note::Learned {
            learner,
            ballot,
            value,
            acceptors,
            messages,
        } => {
            if messages as usize > acceptors.count_ones() as usize
                && !config.quorum.is_phase2_quorum(acceptors)
            {
                format!(
                    "{} learned {} after {messages} Accepted messages for {}, though only {} sent them",
                    n(learner),
                    v(value),
                    b(ballot),
                    config.acceptor_list(acceptors)
                )
            } else {
                format!(
                    "{} learned {}: {} accepted it in ballot {}",
                    n(learner),
                    v(value),
                    config.acceptor_list(acceptors),
                    b(ballot)
                )
            }
        }
        Note::Forgot {
            acceptor,
            promised,
            accepted,
        } => format!(
            "{} restarted without its durable state: it forgot its promise of {} and that {}",
            n(acceptor),
            b(promised),
            acc(accepted)
        ),
    }
}
