//! The event log: everything that happened in a run, as data, each with a sentence for students.
//!
//! Events are small `Copy` values recorded as they happen; the sentence is made only when
//! someone reads it ([`Event::explain`]), so a run with the log on stays fast.

use crate::protocols::paxos::{describe, Ballot, Config, Msg, NodeId, Note, Value, MAX_NODES};
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

impl Event {
    /// One plain-language sentence about this event.
    pub fn explain(
        &self,
        config: &Config,
        violations: &[crate::protocols::paxos::check::Violation],
    ) -> String {
        let n = |id: NodeId| config.name(id).to_string();
        let b = |b: Ballot| config.ballot(b).to_string();
        let v = |v: Value| format!("\"{}\"", config.value_name(v));
        let m = |msg: &Msg| describe::describe_message(config, msg);
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
            EventKind::Protocol(note) => describe::explain_note(config, &note),
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
