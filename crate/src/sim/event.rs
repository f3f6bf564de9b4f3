//! The event log: everything that happened in a run, as data, each with a sentence for students.
//!
//! Events are small `Copy` values recorded as they happen; the sentence is made only when
//! someone reads it ([`Event::explain`]), so a run with the log on stays fast.

use super::protocol::{Describe, Protocol};
use super::violation::Violation;
use super::{NodeId, MAX_NODES};
use serde::Serialize;
use std::fmt::Write;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Event<P: Protocol> {
    pub tick: u64,
    pub kind: EventKind<P>,
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

// The variants' order and fields are what the trace hash reads: a change here changes every
// run's hash. A protocol's own types hash as the fields they replaced did (Paxos's `Propose`
// input hashes as its value; its `Chosen` as ballot, value and quorum; its `Retry` timer as
// nothing), so that every hash in `crate/tests/trace_hashes.txt` stays what it was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventKind<P: Protocol> {
    Input {
        node: NodeId,
        input: P::Input,
    },
    /// An input to a crashed node, which cannot act on it.
    InputIgnored {
        node: NodeId,
        input: P::Input,
    },
    Send {
        id: u64,
        from: NodeId,
        to: NodeId,
        msg: P::Msg,
    },
    Deliver {
        id: u64,
        from: NodeId,
        to: NodeId,
        msg: P::Msg,
    },
    Lost {
        id: u64,
        from: NodeId,
        to: NodeId,
        msg: P::Msg,
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
    /// A node's timer fired.
    Timer {
        node: NodeId,
        timer: P::Timer,
    },
    /// A fact a handler established.
    Protocol(P::Note),
    /// A fact the checker derived from notes (Paxos: a value is chosen).
    Derived(P::Derived),
    /// The safety checker found a violation; `index` is its place in the run's violation list.
    Violation {
        index: u32,
    },
}

impl<P: Describe> EventKind<P> {
    /// A short machine-readable name, used in traces and by the page for styling.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::Input { input, .. } => P::input_name(input, false),
            EventKind::InputIgnored { input, .. } => P::input_name(input, true),
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
            EventKind::Protocol(note) => P::note_name(note),
            EventKind::Derived(derived) => P::derived_name(derived),
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
            EventKind::Input { node, .. }
            | EventKind::InputIgnored { node, .. }
            | EventKind::Crash { node }
            | EventKind::Restart { node }
            | EventKind::NoEffect { node }
            | EventKind::Timer { node, .. } => (Some(node), None),
            EventKind::Protocol(note) => (P::note_node(&note), None),
            _ => (None, None),
        }
    }
}

impl<P: Describe> Event<P> {
    /// One plain-language sentence about this event.
    pub fn explain(&self, config: &P::Config, violations: &[Violation]) -> String {
        let n = |id: NodeId| P::node_name(config, id).to_string();
        let m = |msg: &P::Msg| P::describe_message(config, msg);
        match self.kind {
            EventKind::Input { node, input } => P::explain_input(config, node, &input, false),
            EventKind::InputIgnored { node, input } => P::explain_input(config, node, &input, true),
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
                let count = P::node_count(config);
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
            EventKind::Timer { node, .. } => format!("{}'s timer fired", n(node)),
            EventKind::Protocol(note) => P::explain_note(config, &note),
            EventKind::Derived(derived) => P::explain_derived(config, &derived),
            EventKind::Violation { index } => match violations.get(index as usize) {
                Some(violation) => format!("SAFETY VIOLATED: {}", violation.explanation),
                None => "SAFETY VIOLATED".to_string(),
            },
        }
    }
}
