//! The quorum-replicated store in words: its messages and notes as the log writes them.

use super::check::Never;
use super::{Config, Msg, Note, QuorumKv, Version};
use crate::clients::Request;
use crate::protocols::Describe;
use crate::sim::NodeId;

/// A version as the log writes it: `3.c1`, or `0` for a key's initial value.
pub fn version_text(config: &Config, v: Version) -> String {
    if v.writer == 0 {
        v.counter.to_string()
    } else {
        let client = config.replicas + v.writer as usize - 1;
        format!("{}.{}", v.counter, config.name(client as NodeId))
    }
}

/// The replicas in `set`, one bit each: `r1, r3`.
pub fn replica_list(config: &Config, set: u32) -> String {
    let names: Vec<&str> = (0..config.replicas)
        .filter(|&r| set & 1 << r != 0)
        .map(|r| config.name(r as NodeId))
        .collect();
    names.join(", ")
}

fn value_text(config: &Config, value: u16) -> String {
    format!("{:?}", config.names_kv.value_name(value))
}

impl Describe for QuorumKv {
    fn node_name(config: &Config, node: NodeId) -> &str {
        config.name(node)
    }

    fn describe_message(config: &Config, msg: &Msg) -> String {
        let key = |k: u8| config.names_kv.key_name(k).to_string();
        match *msg {
            Msg::Query { key: k, .. } => format!("Query({})", key(k)),
            Msg::Current {
                key: k,
                version,
                value,
                ..
            } => format!(
                "Current({}, {} {})",
                key(k),
                version_text(config, version),
                value_text(config, value)
            ),
            Msg::Store {
                key: k,
                version,
                value,
                ..
            } => format!(
                "Store({}, {} {})",
                key(k),
                version_text(config, version),
                value_text(config, value)
            ),
            Msg::Stored { .. } => "Stored".to_string(),
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
            Note::Writing { .. } => "write_phase",
            Note::Stored { .. } => "store",
        }
    }

    fn derived_name(never: &Never) -> &'static str {
        match *never {}
    }

    fn note_node(note: &Note) -> Option<NodeId> {
        Some(match *note {
            Note::Called { client, .. }
            | Note::Returned { client, .. }
            | Note::GaveUp { client, .. }
            | Note::Writing { client, .. } => client,
            Note::Stored { replica, .. } => replica,
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
        let names = &config.names_kv;
        match *note {
            Note::Called { client, request } => {
                let first = match request.kind {
                    crate::clients::OpKind::Put if !config.writes_read_versions() => {
                        "it stores it at a write quorum with a version of its own"
                    }
                    _ => "it asks every replica for its version",
                };
                format!(
                    "{} calls {}: {first}",
                    n(client),
                    names.request_text(&request)
                )
            }
            Note::Returned {
                client,
                request,
                reply,
                quorum,
            } => format!(
                "{}'s {} returns {}, with answers from {}",
                n(client),
                names.request_text(&request),
                names.reply_text(&reply),
                replica_list(config, quorum)
            ),
            Note::GaveUp {
                client,
                request,
                crashed,
            } => {
                let why = if crashed {
                    "crashed while it ran"
                } else {
                    "heard from no quorum after resending"
                };
                format!(
                    "{} {why} {}: its outcome is unknown, and it may still take effect",
                    n(client),
                    names.request_text(&request)
                )
            }
            Note::Writing {
                client,
                key,
                version,
                value,
                quorum,
                write_back,
            } => {
                let what = if write_back {
                    "writes back the newest value it read"
                } else {
                    "stores the new value"
                };
                format!(
                    "{} read versions of {} from {} and {what}, {} at version {}, at a write quorum",
                    n(client),
                    names.key_name(key),
                    replica_list(config, quorum),
                    value_text(config, value),
                    version_text(config, version)
                )
            }
            Note::Stored {
                replica,
                key,
                version,
                value,
            } => format!(
                "{} now holds {} for {}, at version {}",
                n(replica),
                value_text(config, value),
                names.key_name(key),
                version_text(config, version)
            ),
        }
    }

    fn explain_derived(_: &Config, never: &Never) -> String {
        match *never {}
    }
}
