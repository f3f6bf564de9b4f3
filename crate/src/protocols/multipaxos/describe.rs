//! Multi-Paxos in words: its messages and notes as the log writes them.

use super::check::{describe, Chosen};
use super::{Ballot, Cmd, Config, GaveUp, Msg, MultiPaxos, Note};
use crate::clients::Request;
use crate::protocols::Describe;
use crate::sim::NodeId;

/// A ballot as the log writes it: `3.s2`.
pub fn ballot_text(config: &Config, b: Ballot) -> String {
    format!("{}.{}", b.round, config.name(b.server as NodeId))
}

/// A command as a message shows it: `c1 put(x, "1")`, or `no-op`.
pub fn cmd_text(config: &Config, cmd: &Cmd) -> String {
    if cmd.is_noop() {
        "no-op".to_string()
    } else {
        format!(
            "{} {}",
            config.name(config.client_node(cmd.client)),
            config.names_kv.request_text(&cmd.request)
        )
    }
}

impl Describe for MultiPaxos {
    const GRAVEST: Option<(&'static str, &'static str)> =
        Some((super::check::AGREEMENT, "two commands chosen in one slot"));

    fn node_name(config: &Config, node: NodeId) -> &str {
        config.name(node)
    }

    fn describe_message(config: &Config, msg: &Msg) -> String {
        let b = |ballot| ballot_text(config, ballot);
        let names = &config.names_kv;
        match *msg {
            Msg::Request { seq, request } => {
                format!("Request(#{seq} {})", names.request_text(&request))
            }
            Msg::Redirect { leader, .. } => match leader {
                Some(l) => format!("Redirect(to {})", config.name(l)),
                None => "Redirect(no leader known)".to_string(),
            },
            Msg::Reply { seq, reply } => format!("Reply(#{seq} {})", names.reply_text(&reply)),
            Msg::Prepare { ballot, from } => format!("Prepare({}, slots {}…)", b(ballot), from + 1),
            Msg::Promise {
                ballot,
                slot,
                accepted,
                ..
            } => match accepted {
                Some((at, cmd)) => format!(
                    "Promise({}, slot {}: accepted {} {})",
                    b(ballot),
                    slot + 1,
                    b(at),
                    cmd_text(config, &cmd)
                ),
                None => format!("Promise({}, slot {}: nothing)", b(ballot), slot + 1),
            },
            Msg::Accept { ballot, slot, cmd } => format!(
                "Accept({}, slot {}: {})",
                b(ballot),
                slot + 1,
                cmd_text(config, &cmd)
            ),
            Msg::Accepted { ballot, slot } => format!("Accepted({}, slot {})", b(ballot), slot + 1),
            Msg::Nack { ballot } => format!("Nack(promised {})", b(ballot)),
            Msg::Commit { slot, cmd } => {
                format!("Commit(slot {}: {})", slot + 1, cmd_text(config, &cmd))
            }
            Msg::Heartbeat { ballot, round, .. } => format!("Heartbeat({}, #{round})", b(ballot)),
            Msg::HeartbeatAck { ballot, round, .. } => {
                format!("HeartbeatAck({}, #{round})", b(ballot))
            }
        }
    }

    fn input_name(_: &Request, ignored: bool) -> &'static str {
        if ignored {
            "request_ignored"
        } else {
            "request"
        }
    }

    fn note_name(note: &Note) -> &'static str {
        match note {
            Note::Called { .. } => "call",
            Note::Returned { .. } => "return",
            Note::GaveUp { .. } => "give_up",
            Note::Campaign { .. } => "campaign",
            Note::Promised { .. } => "promise",
            Note::Leading { .. } => "leading",
            Note::SteppedDown { .. } => "step_down",
            Note::Proposed { .. } => "propose",
            Note::Accepted { .. } => "accept",
            Note::Learned { .. } => "learn",
            Note::Applied { .. } => "apply",
            Note::ReadLocally { .. } => "read_locally",
        }
    }

    fn derived_name(_: &Chosen) -> &'static str {
        "chosen"
    }

    fn note_node(note: &Note) -> Option<NodeId> {
        Some(match *note {
            Note::Called { client, .. }
            | Note::Returned { client, .. }
            | Note::GaveUp { client, .. } => client,
            Note::Campaign { server, .. }
            | Note::Leading { server, .. }
            | Note::SteppedDown { server, .. }
            | Note::Proposed { server, .. }
            | Note::Learned { server, .. }
            | Note::Applied { server, .. }
            | Note::ReadLocally { server, .. } => server,
            Note::Promised { acceptor, .. } | Note::Accepted { acceptor, .. } => acceptor,
        })
    }

    fn explain_input(config: &Config, node: NodeId, request: &Request, ignored: bool) -> String {
        let text = config.names_kv.request_text(request);
        if ignored {
            format!(
                "{} was asked to {text} but is crashed, so nothing happens",
                config.name(node)
            )
        } else {
            format!("{} was asked to {text}", config.name(node))
        }
    }

    fn explain_note(config: &Config, note: &Note) -> String {
        let n = |id: NodeId| config.name(id);
        let b = |ballot| ballot_text(config, ballot);
        let names = &config.names_kv;
        match *note {
            Note::Called { client, request } => format!(
                "{} calls {}: it sends it to the server it believes leads",
                n(client),
                names.request_text(&request)
            ),
            Note::Returned {
                client,
                request,
                reply,
                server,
            } => format!(
                "{}'s {} returns {}, answered by {}",
                n(client),
                names.request_text(&request),
                names.reply_text(&reply),
                n(server)
            ),
            Note::GaveUp {
                client,
                request,
                why,
            } => {
                let why = match why {
                    GaveUp::Retries => "heard no answer after resending",
                    GaveUp::Crashed => "crashed while it waited for",
                    GaveUp::TooLong => "was sent a value too long for a reply to",
                };
                format!(
                    "{} {why} {}: its outcome is unknown, and it may still take effect",
                    n(client),
                    names.request_text(&request)
                )
            }
            Note::Campaign { server, ballot } => format!(
                "{} runs for leader with ballot {}: Prepare for every slot it does not know chosen",
                n(server),
                b(ballot)
            ),
            Note::Promised { acceptor, ballot } => format!(
                "{} promises ballot {} and reports what it accepted",
                n(acceptor),
                b(ballot)
            ),
            Note::Leading {
                server,
                ballot,
                from,
                recovered,
                skipped,
            } => {
                let recovery = match recovered {
                    0 => "it found nothing accepted to recover".to_string(),
                    k if skipped => format!(
                        "it ignores the {k} slot(s) from slot {} its promises reported, and proposes fresh \
                         commands from there",
                        from + 1
                    ),
                    1 => format!("it re-proposes slot {}", from + 1),
                    k => format!("it re-proposes slots {} to {}", from + 1, from + k),
                };
                format!(
                    "{} has a quorum of promises and leads with ballot {}: {recovery}",
                    n(server),
                    b(ballot)
                )
            }
            Note::SteppedDown { server, ballot } => format!(
                "{} heard of the higher ballot {} and follows it",
                n(server),
                b(ballot)
            ),
            Note::Proposed {
                server,
                ballot,
                slot,
                cmd,
            } => format!(
                "{} proposes {} for slot {} with ballot {}",
                n(server),
                cmd_text(config, &cmd),
                slot + 1,
                b(ballot)
            ),
            Note::Accepted {
                acceptor,
                ballot,
                slot,
                cmd,
            } => format!(
                "{} accepts {} for slot {} at ballot {}",
                n(acceptor),
                cmd_text(config, &cmd),
                slot + 1,
                b(ballot)
            ),
            Note::Learned { server, slot, cmd } => format!(
                "{} learned that slot {} holds {}",
                n(server),
                slot + 1,
                cmd_text(config, &cmd)
            ),
            Note::Applied {
                server,
                slot,
                cmd,
                executed,
            } => {
                let what = if cmd.is_noop() {
                    "a no-op, which changes nothing".to_string()
                } else if executed {
                    cmd_text(config, &cmd)
                } else {
                    format!(
                        "{}, done already: its client's session has it, so it is not done again",
                        cmd_text(config, &cmd)
                    )
                };
                format!("{} applies slot {}: {what}", n(server), slot + 1)
            }
            Note::ReadLocally {
                server,
                client,
                lease,
                ..
            } => {
                let why = if lease {
                    "within its lease, no other leader can have been elected"
                } else {
                    "without a lease: another leader may have been elected since"
                };
                format!(
                    "{} answers {}'s get from its own store: {why}",
                    n(server),
                    n(config.client_node(client))
                )
            }
        }
    }

    fn explain_derived(config: &Config, chosen: &Chosen) -> String {
        format!(
            "slot {} is chosen: {}",
            chosen.slot + 1,
            describe(config, &chosen.cmd)
        )
    }
}
