//! The quorum-replicated store as the page shows it ([`Present`]): replicas as circles with what
//! they hold, clients as squares with the operation they run, requests as circles and answers
//! as squares, coloured by version, and a centre that counts the operations that returned.

use super::describe::{replica_list, version_text};
use super::*;
use crate::clients::OpKind;
use crate::present::*;
use crate::quorum::QuorumSystem;
use crate::scenario::{QuorumSpec, ScenarioError};
use crate::sim::event::EventKind as Kind;

/// The page's legend for the store.
const LEGEND: [LegendEntry; 3] = [
    LegendEntry {
        shape: "circle",
        label: "replica",
    },
    LegendEntry {
        shape: "square",
        label: "client",
    },
    LegendEntry {
        shape: "ringed",
        label: "the latest quorum",
    },
];

/// How many of a client's finished operations its detail panel lists, with their quorums.
const FORMED_SHOWN: usize = 4;

/// The quorums one operation formed, read from the log.
struct Formed {
    request: Request,
    /// The replicas whose versions it read, when it went on to write.
    read: Option<u32>,
    /// The replicas that answered its last phase, and what it returned, once it did.
    last: Option<(u32, Reply)>,
    gave_up: bool,
}

/// The latest [`FORMED_SHOWN`] operations `client` finished up to the cursor, oldest first,
/// with the quorums each formed. The log is read from its end and only as far back as those
/// operations' calls, since the detail panel is built every frame and a workload's log is long.
fn formed(frame: &Frame<QuorumKv>, client: NodeId) -> Vec<Formed> {
    let mut ops: Vec<Formed> = Vec::new();
    // What is known of the operation being read back, from its return towards its call.
    let mut open: Option<Formed> = None;
    for event in frame.sim.log().iter().rev() {
        let Kind::Protocol(note) = &event.kind else {
            continue;
        };
        match *note {
            Note::Returned {
                client: c,
                request,
                reply,
                quorum,
            } if c == client => {
                open = Some(Formed {
                    request,
                    read: None,
                    last: Some((quorum, reply)),
                    gave_up: false,
                })
            }
            Note::GaveUp {
                client: c, request, ..
            } if c == client => {
                open = Some(Formed {
                    request,
                    read: None,
                    last: None,
                    gave_up: true,
                })
            }
            Note::Writing {
                client: c, quorum, ..
            } if c == client => {
                if let Some(op) = open.as_mut() {
                    op.read = Some(quorum);
                }
            }
            Note::Called { client: c, .. } if c == client => {
                // The call of an operation still running has nothing open: it is skipped.
                ops.extend(open.take());
                if ops.len() == FORMED_SHOWN {
                    break;
                }
            }
            _ => {}
        }
    }
    ops.reverse();
    ops
}

/// A finished operation and its quorums in a sentence.
fn formed_text(config: &Config, op: &Formed) -> Option<String> {
    let names = &config.names_kv;
    let text = names.request_text(&op.request);
    if op.gave_up {
        return Some(format!("{text} gave up: its outcome is unknown."));
    }
    let (quorum, reply) = op.last?;
    let reply = names.reply_text(&reply);
    let last = replica_list(config, quorum);
    Some(match op.read {
        Some(read) => {
            let wrote = if op.request.kind == OpKind::Put || op.request.kind == OpKind::Cas {
                "stored at"
            } else {
                "wrote back to"
            };
            format!(
                "{text} read versions from {}, {wrote} {last}, and returned {reply}.",
                replica_list(config, read)
            )
        }
        // A put that skips reading versions, or a read that does not write back.
        None if op.request.kind == OpKind::Put => {
            format!("{text} stored at {last} and returned {reply}.")
        }
        None => format!("{text} read from {last} and returned {reply}."),
    })
}

/// The latest quorum any client formed up to the cursor: the replicas, which client, which
/// phase (`read` or `write`) and the operation.
fn latest_quorum(frame: &Frame<QuorumKv>) -> Option<(u32, NodeId, &'static str, Request)> {
    let log = frame.sim.log();
    let (at, client, quorum, returned) =
        log.iter()
            .enumerate()
            .rev()
            .find_map(|(i, event)| match event.kind {
                Kind::Protocol(Note::Writing { client, quorum, .. }) => {
                    Some((i, client, quorum, false))
                }
                Kind::Protocol(Note::Returned { client, quorum, .. }) => {
                    Some((i, client, quorum, true))
                }
                _ => None,
            })?;
    // Back to the operation's call: a return after a write phase formed a write quorum, and
    // one without formed a read quorum, unless the operation is a put that read no versions.
    let mut wrote = false;
    for event in log[..at].iter().rev() {
        match event.kind {
            Kind::Protocol(Note::Writing { client: c, .. }) if c == client => wrote = true,
            Kind::Protocol(Note::Called { client: c, request }) if c == client => {
                let write = returned && (wrote || request.kind == OpKind::Put);
                return Some((
                    quorum,
                    client,
                    if write { "write" } else { "read" },
                    request,
                ));
            }
            _ => {}
        }
    }
    None
}

/// The events read out to screen readers as they happen.
const NARRATED: [&str; 8] = [
    "request",
    "return",
    "give_up",
    "crash",
    "restart",
    "partition",
    "heal",
    "violation",
];

/// How many colours messages cycle through, as for Paxos's ballots.
const COLORS: u32 = 8;

impl Present for QuorumKv {
    const LEGEND: &'static [LegendEntry] = &LEGEND;
    const NARRATED: &'static [&'static str] = &NARRATED;
    const DEFAULT_SCENARIO: &'static str = r#"{"version":1,"protocol":"quorum-kv","seed":1,"cluster":{"replicas":3,"clients":2},"quorum":{"kind":"majority"},"workload":{"ops_per_client":3,"keys":1,"mix":{"get":1,"put":1,"cas":0}},"until_ticks":1000}"#;
    const ROUNDS_LABEL: &'static str = "Resends per client at most";
    // Without a dropped message a resend only repeats a request still in flight, as a
    // duplicate does, and each one multiplies the states: with none, the search finds each
    // lesson's violation within 52,000 states; with one, the two CAS take 3.9 million.
    const SEARCH_ROUNDS: u64 = 0;

    fn marker(kind: &Kind<QuorumKv>) -> Option<(&'static str, u8, u8)> {
        Some(match kind {
            Kind::Violation { .. } => ("violation", 0, 0),
            Kind::Protocol(Note::Returned { .. }) => ("return", 0, 1),
            Kind::Protocol(Note::GaveUp { .. }) => ("give_up", 0, 2),
            Kind::Input { .. } => ("request", 0, 3),
            Kind::Crash { .. } => ("crash", 1, 0),
            Kind::Restart { .. } => ("restart", 1, 1),
            Kind::Partition { .. } | Kind::Heal => ("partition", 1, 2),
            _ => return None,
        })
    }

    fn message_glyph(msg: &Msg) -> &'static str {
        match msg {
            Msg::Query { .. } | Msg::Store { .. } => "circle",
            Msg::Current { .. } | Msg::Stored { .. } => "square",
        }
    }

    fn message_short(config: &Config, msg: &Msg) -> String {
        let key = |k: u8| config.names_kv.key_name(k).to_string();
        let value = |v: u16| format!("“{}”", config.names_kv.value_name(v));
        match *msg {
            Msg::Query { key: k, .. } => format!("Query {}", key(k)),
            Msg::Current {
                key: k,
                version,
                value: v,
                ..
            } => format!("{} {} {}", key(k), version_text(config, version), value(v)),
            Msg::Store {
                key: k,
                version,
                value: v,
                ..
            } => format!(
                "Store {} {} {}",
                key(k),
                version_text(config, version),
                value(v)
            ),
            Msg::Stored { .. } => "Stored".to_string(),
        }
    }

    /// By version, so that one write's value has one colour wherever it travels.
    fn message_color(_: &Config, msg: &Msg) -> u32 {
        match *msg {
            Msg::Current { version, .. } | Msg::Store { version, .. } => {
                (version.counter * 3 + version.writer as u32) % COLORS
            }
            Msg::Query { .. } | Msg::Stored { .. } => 0,
        }
    }

    fn node_view(frame: &Frame<QuorumKv>, id: NodeId) -> NodeView {
        let config = frame.config;
        let names = &config.names_kv;
        let name = config.name(id);
        let node = &frame.sim.nodes()[id as usize];
        let mut detail = Vec::new();
        let mut badge = Vec::new();
        if node.crashed() {
            detail.push(format!(
                "{name} is crashed: it receives nothing and sends nothing until it restarts."
            ));
            badge.push("crashed".to_string());
        }
        let role = match node {
            Node::Replica(r) => {
                for (key, &(version, value)) in r.slots.iter().enumerate() {
                    let key = names.key_name(key as u8);
                    if version.counter > 0 {
                        badge.push(format!(
                            "{key}=“{}” {}",
                            names.value_name(value),
                            version_text(config, version)
                        ));
                    }
                    detail.push(format!(
                        "It holds {:?} for {key}, at version {} (kept on disk).",
                        names.value_name(value),
                        version_text(config, version)
                    ));
                }
                "replica"
            }
            Node::Client(c) => {
                match &c.running {
                    Some(r) => {
                        let text = names.request_text(&r.request);
                        let (phase, quorum) = if r.phase == 1 {
                            ("reading versions", "read")
                        } else {
                            ("storing", "write")
                        };
                        let missing = config.quorum.missing(r.phase, r.replies);
                        badge.push(format!("{text}: {phase}"));
                        detail.push(format!(
                            "It runs {text}, {phase}: answers from {}, waiting for {missing} more for a {quorum} quorum.",
                            if r.replies == 0 {
                                "no replica".to_string()
                            } else {
                                replica_list(config, r.replies)
                            }
                        ));
                    }
                    None if c.script.thinking => {
                        detail.push("It waits before its next operation.".into())
                    }
                    None => detail.push("It has no operation to run.".into()),
                }
                if !c.script.queue.is_empty() {
                    detail.push(format!(
                        "{} more requests wait in its queue.",
                        c.script.queue.len()
                    ));
                }
                let done: Vec<String> = formed(frame, id)
                    .iter()
                    .filter_map(|op| formed_text(config, op))
                    .collect();
                if !done.is_empty() {
                    detail.push("Its latest operations and the quorums they formed:".into());
                    detail.extend(done);
                }
                "client"
            }
        };
        NodeView {
            name: name.to_string(),
            role,
            shape: if role == "client" { "square" } else { "circle" },
            crashed: node.crashed(),
            group: frame.sim.partition().map(|groups| groups[id as usize]),
            promised: None,
            accepted: None,
            learned: None,
            phase: None,
            ballot: None,
            color: None,
            in_quorum: !config.is_client(id)
                && latest_quorum(frame).is_some_and(|(quorum, ..)| quorum & 1 << id != 0),
            badge: badge.join(" · "),
            inputs: if role == "client" {
                request_inputs(
                    !node.crashed(),
                    &[("Get", "get"), ("Put", "put"), ("CAS", "cas")],
                )
            } else {
                Vec::new()
            },
            detail,
            cells: Vec::new(),
            timeout: false,
        }
    }

    const QUORUM_NODES: &'static str = "replicas";

    fn quorum_spec(scenario: &mut Scenario) -> &mut QuorumSpec {
        &mut scenario.section.quorum
    }

    fn quorum_nodes(config: &Config) -> (&QuorumSystem, Vec<NodeId>) {
        (&config.quorum, (0..config.replicas as NodeId).collect())
    }

    fn clients(sim: &Simulation) -> Option<Clients<'_>> {
        let config = sim.config();
        let checker = sim.checker();
        Some(Clients {
            recorder: &checker.recorder,
            names: &config.names_kv,
            nodes: (0..config.names.len() as NodeId)
                .filter(|&id| config.is_client(id))
                .collect(),
            failing: checker
                .failing
                .as_ref()
                .map(|(op, conflicts)| (*op, conflicts.as_slice())),
        })
    }

    fn ranked_violations(frame: &Frame<QuorumKv>) -> Vec<Violation> {
        frame.sim.violations().to_vec()
    }

    fn summary(frame: &Frame<QuorumKv>, violations: &[Violation]) -> SummaryView {
        let warning = frame
            .config
            .quorum
            .check_intersection()
            .is_err()
            .then_some("⚠ read and write quorums need not meet");
        // The ring says whose quorum it marks.
        let ringed = latest_quorum(frame).map(|(_, client, phase, request)| {
            format!(
                "ringed: {}'s {phase} quorum for {}",
                frame.config.name(client),
                frame.config.names_kv.request_text(&request)
            )
        });
        let detail =
            |first: String| Some(ringed.map_or(first.clone(), |r| format!("{first} · {r}")));
        if let Some(violation) = violations.first() {
            return SummaryView {
                headline: "NOT LINEARIZABLE".to_string(),
                detail: detail(format!("since tick {}", violation.tick)),
                tone: "bad",
                decided: None,
                warning,
            };
        }
        let ops = &frame.sim.checker().recorder.ops;
        let returned = ops.iter().filter(|op| op.returned.is_some()).count();
        SummaryView {
            headline: format!("{returned} of {} operations returned", ops.len()),
            detail: detail("the history so far is linearizable".to_string()),
            tone: if returned > 0 { "good" } else { "neutral" },
            decided: None,
            warning,
        }
    }

    fn status(frame: &Frame<QuorumKv>, violations: &[Violation]) -> String {
        if let Some(violation) = violations.first() {
            return format!("Safety violated: {}.", violation.explanation);
        }
        let config = frame.config;
        let running: Vec<String> = (0..config.names.len() as NodeId)
            .filter_map(|id| match &frame.sim.nodes()[id as usize] {
                Node::Client(c) if !c.crashed => c.running.map(|r| {
                    let missing = config.quorum.missing(r.phase, r.replies);
                    format!(
                        "{} runs {}, waiting for {missing} more {}",
                        config.name(id),
                        config.names_kv.request_text(&r.request),
                        if missing == 1 { "answer" } else { "answers" }
                    )
                }),
                _ => None,
            })
            .collect();
        if !running.is_empty() {
            return running.join("; ") + ".";
        }
        if frame.sim.events() == 0 {
            return "Nothing has happened yet: press play.".into();
        }
        "No client is running an operation.".into()
    }

    fn chosen(_: &Frame<QuorumKv>) -> Option<ChosenView> {
        None
    }

    fn quorum(config: &Config) -> QuorumView {
        let gap = config.quorum.check_intersection();
        QuorumView {
            description: config.quorum.describe(),
            safe: gap.is_ok(),
            verdict: match gap {
                Ok(()) => "Every read quorum meets every write quorum: a read sees the last write."
                    .to_string(),
                Err(gap) => format!(
                    "A read quorum can miss the last write: {{{}}} and {{{}}} share no replica.",
                    replica_list(config, gap.phase1),
                    replica_list(config, gap.phase2)
                ),
            },
        }
    }

    fn bugs(config: &Config) -> Vec<&'static str> {
        let mut on = Vec::new();
        if config.bugs.read_skips_write_back {
            on.push(Bugs::NAMES[0]);
        }
        if config.bugs.writer_skips_version_read {
            on.push(Bugs::NAMES[1]);
        }
        on
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::ToJson;
    use crate::play::Playground;

    const STALE: &str = include_str!("../../../../scenarios/quorum-kv/stale-read.json");

    /// The playground runs the store as it runs Paxos: the view names replicas and clients,
    /// shows the operation a client runs, and says when the history stops being linearizable.
    #[test]
    fn the_playground_shows_the_store() {
        let mut p = Playground::<QuorumKv>::new(STALE).unwrap();
        p.seek(20);
        let view = p.view();
        let names: Vec<&str> = view.nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["r1", "r2", "r3", "c1", "c2"]);
        assert_eq!(view.nodes[3].shape, "square");
        assert!(
            view.nodes[3].badge.starts_with("put(x, \"1\")"),
            "{}",
            view.nodes[3].badge
        );
        assert!(!view.quorum.safe);
        assert!(
            view.status.starts_with("c1 runs put(x, \"1\")"),
            "{}",
            view.status
        );
        p.seek(300);
        let view = p.view();
        assert_eq!(view.summary.headline, "NOT LINEARIZABLE");
        assert!(view
            .status
            .starts_with("Safety violated: c2's get(x) returned \"\""));
        assert!(
            view.nodes[0].badge.contains("x=“1”"),
            "{}",
            view.nodes[0].badge
        );
        assert!(p.markers().iter().any(|m| m.kind == "violation"));
        let json = view.to_json_text();
        assert!(json.contains("\"role\":\"replica\""));
        // Time travel is the same code as Paxos's: back and forth gives the same state.
        let log = |p: &Playground<QuorumKv>| p.events_since(0, usize::MAX).len();
        let at_end = (log(&p), p.sim().trace_hash());
        p.seek(40);
        p.seek(300);
        assert_eq!((log(&p), p.sim().trace_hash()), at_end);
    }
}
