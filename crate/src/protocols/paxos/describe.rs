//! Single-decree Paxos in words: its messages and notes as the log and the page write them.

use super::check::Chosen;
use super::{Ballot, Config, Msg, NodeId, Note, Paxos, Propose, Value};
use crate::protocols::Describe;

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

/// One sentence about what a protocol note says happened.
pub fn explain_note(config: &Config, note: &Note) -> String {
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

impl Describe for Paxos {
    const GRAVEST: Option<(&'static str, &'static str)> = Some(("agreement", "two values chosen"));

    fn node_name(config: &Config, node: NodeId) -> &str {
        config.name(node)
    }

    fn describe_message(config: &Config, msg: &Msg) -> String {
        describe_message(config, msg)
    }

    fn input_name(_: &Propose, ignored: bool) -> &'static str {
        if ignored {
            "propose_ignored"
        } else {
            "propose"
        }
    }

    fn note_name(note: &Note) -> &'static str {
        match note {
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
        }
    }

    fn derived_name(_: &Chosen) -> &'static str {
        "chosen"
    }

    fn note_node(note: &Note) -> Option<NodeId> {
        Some(match *note {
            Note::Prepared { proposer, .. }
            | Note::Proposed { proposer, .. }
            | Note::Abandoned { proposer, .. }
            | Note::TimedOut { proposer, .. }
            | Note::SawChosen { proposer, .. } => proposer,
            Note::Promised { acceptor, .. }
            | Note::Refused { acceptor, .. }
            | Note::AcceptedValue { acceptor, .. }
            | Note::Forgot { acceptor, .. } => acceptor,
            Note::Learned { learner, .. } => learner,
        })
    }

    fn explain_input(config: &Config, node: NodeId, input: &Propose, ignored: bool) -> String {
        let value = config.value_name(input.value);
        if ignored {
            format!(
                "{} was asked to propose \"{value}\" but is crashed, so nothing happens",
                config.name(node)
            )
        } else {
            format!("{} was asked to propose \"{value}\"", config.name(node))
        }
    }

    fn explain_note(config: &Config, note: &Note) -> String {
        explain_note(config, note)
    }

    fn explain_derived(config: &Config, chosen: &Chosen) -> String {
        format!(
            "\"{}\" is chosen: {} accepted it in ballot {}, a phase-2 quorum",
            config.value_name(chosen.value),
            config.acceptor_list(chosen.quorum),
            config.ballot(chosen.ballot)
        )
    }
}
