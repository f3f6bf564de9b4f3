//! Multi-Paxos as the page shows it ([`Present`]): servers as circles with their role, their
//! store and a row of their latest log slots, the leader ringed; clients as squares with the
//! request they wait on; requests as circles and answers as squares, Commits as diamonds,
//! coloured by ballot; a centre that counts the chosen slots and the operations that returned.

use super::check::{AGREEMENT, APPLY_ORDER, LEARNED_MEANS_CHOSEN, LINEARIZABILITY, VALIDITY};
use super::describe::{ballot_text, cmd_text};
use super::*;
use crate::present::*;
use crate::quorum::QuorumSystem;
use crate::scenario::{QuorumSpec, ScenarioError};
use crate::sim::event::EventKind as Kind;

const LEGEND: [LegendEntry; 7] = [
    LegendEntry {
        shape: "circle",
        label: "server",
    },
    LegendEntry {
        shape: "square",
        label: "client",
    },
    LegendEntry {
        shape: "ringed",
        label: "the leader",
    },
    LegendEntry {
        shape: "cell-empty",
        label: "slot: nothing accepted",
    },
    LegendEntry {
        shape: "cell-accepted",
        label: "slot: accepted",
    },
    LegendEntry {
        shape: "cell-chosen",
        label: "slot: known chosen",
    },
    LegendEntry {
        shape: "cell-applied",
        label: "slot: applied",
    },
];

const NARRATED: [&str; 9] = [
    "request",
    "return",
    "give_up",
    "leading",
    "crash",
    "restart",
    "partition",
    "heal",
    "violation",
];

/// How many of a server's latest slots its row of cells shows.
const CELLS_SHOWN: usize = 10;
/// How many of a client's finished requests its detail panel lists.
const DONE_SHOWN: usize = 4;
/// How many colours ballots cycle through, as for Paxos's.
const COLORS: u32 = 8;

/// The violations' kinds, the gravest first: two commands in one slot break everything after.
const GRAVITY: [&str; 5] = [
    AGREEMENT,
    VALIDITY,
    LEARNED_MEANS_CHOSEN,
    APPLY_ORDER,
    LINEARIZABILITY,
];

/// The leader, if a live server leads: the one with the highest ballot, since a deposed leader
/// may not have heard of its successor yet.
fn leader(frame: &Frame<MultiPaxos>) -> Option<(NodeId, Ballot)> {
    frame.sim.nodes()[..frame.config.servers]
        .iter()
        .enumerate()
        .filter_map(|(id, node)| match node {
            Node::Server(s) if !s.crashed => match &s.role {
                Role::Leader(lead) => Some((lead.ballot, id as NodeId)),
                _ => None,
            },
            _ => None,
        })
        .max()
        .map(|(ballot, id)| (id, ballot))
}

fn ballot_color(ballot: Ballot) -> u32 {
    (ballot.round as u32 * 3 + ballot.server as u32) % COLORS
}

/// A key's value as the store holds it: its pieces run together.
fn value_of(config: &Config, pieces: &[u16]) -> String {
    pieces
        .iter()
        .map(|&p| config.names_kv.value_name(p))
        .collect()
}

fn server_view(frame: &Frame<MultiPaxos>, id: NodeId, s: &Server) -> NodeView {
    let config = frame.config;
    let name = config.name(id);
    let mut badge = Vec::new();
    let mut detail = Vec::new();
    if s.crashed {
        badge.push("crashed".to_string());
        detail.push(format!(
            "{name} is crashed: it receives nothing and sends nothing until it restarts. Its \
             promises, log, store and sessions are on disk."
        ));
    }
    let is_leader = leader(frame).is_some_and(|(l, _)| l == id);
    let (role_line, color) = match &s.role {
        Role::Leader(lead) => {
            let waiting = lead.pending.iter().flatten().count();
            detail.push(format!(
                "It leads with ballot {}: {waiting} of its slots wait for a quorum of Accepted. \
                 Its next command goes in slot {}.",
                ballot_text(config, lead.ballot),
                lead.next + 1
            ));
            if config.local_reads() {
                detail.push(if lead.holds_lease() {
                    "It holds a lease: a quorum acknowledged one of its last two heartbeats, so it answers gets from its own store.".to_string()
                } else {
                    "It holds no lease now, so gets go through the log.".to_string()
                });
            }
            let line = if is_leader {
                format!("leader {}", ballot_text(config, lead.ballot))
            } else {
                format!("deposed {}", ballot_text(config, lead.ballot))
            };
            (line, Some(ballot_color(lead.ballot)))
        }
        Role::Candidate(c) => {
            let complete = c.promises.iter().filter(|p| p.complete(c.from)).count();
            detail.push(format!(
                "It runs for leader with ballot {}, for every slot from {}: {complete} promises \
                 complete so far.",
                ballot_text(config, c.ballot),
                c.from + 1
            ));
            (
                format!("candidate {}", ballot_text(config, c.ballot)),
                Some(ballot_color(c.ballot)),
            )
        }
        Role::Follower => {
            let follows = s.leader.filter(|&l| l != id);
            detail.push(match follows {
                Some(l) => format!(
                    "It follows {}; it has promised ballot {}.",
                    config.name(l),
                    ballot_text(config, s.promised)
                ),
                None => "It follows no one yet: it waits to hear from a leader.".to_string(),
            });
            let line = follows.map_or("follower".to_string(), |l| {
                format!("follows {}", config.name(l))
            });
            (
                line,
                (s.promised.round > 0).then(|| ballot_color(s.promised)),
            )
        }
    };
    badge.push(role_line);
    let chosen = s.log.iter().filter(|e| e.chosen.is_some()).count();
    detail.push(format!(
        "Its log has {} slots: {chosen} known chosen, the first {} applied.",
        s.log.len(),
        s.applied
    ));
    let first = s.log.len().saturating_sub(CELLS_SHOWN);
    let mut cells = Vec::new();
    for (slot, entry) in s.log.iter().enumerate().skip(first) {
        let (state, what) = match (entry.applied, entry.chosen, entry.accepted) {
            (true, Some(cmd), _) => ("applied", format!("{} (applied)", cmd_text(config, &cmd))),
            (false, Some(cmd), _) => ("chosen", format!("{} (chosen)", cmd_text(config, &cmd))),
            (_, None, Some((ballot, cmd))) => (
                "accepted",
                format!(
                    "accepted {} at {}",
                    cmd_text(config, &cmd),
                    ballot_text(config, ballot)
                ),
            ),
            (_, None, None) => ("empty", "nothing accepted".to_string()),
        };
        cells.push(CellView {
            state,
            title: format!("slot {}: {what}", slot + 1),
        });
        detail.push(format!("Slot {}: {what}.", slot + 1));
    }
    let names = &config.names_kv;
    let mut store = Vec::new();
    for (key, pieces) in s.store.iter().enumerate() {
        let key = names.key_name(key as u8);
        let value = value_of(config, pieces);
        if !pieces.is_empty() {
            store.push(format!("{key}=“{value}”"));
        }
        detail.push(format!("Its store holds {value:?} for {key}."));
    }
    if !store.is_empty() {
        badge.push(store.join(" "));
    }
    NodeView {
        name: name.to_string(),
        role: "server",
        shape: "circle",
        crashed: s.crashed,
        group: frame.sim.partition().map(|groups| groups[id as usize]),
        promised: None,
        accepted: None,
        learned: None,
        phase: None,
        ballot: None,
        color,
        in_quorum: is_leader,
        badge: badge.join(" · "),
        detail,
        inputs: Vec::new(),
        cells,
        timeout: false,
    }
}

/// The latest requests `client` finished, oldest first, each in a sentence; the log is read
/// back from its end only as far as they go, since the panel is built every frame.
fn done(frame: &Frame<MultiPaxos>, client: NodeId) -> Vec<String> {
    let names = &frame.config.names_kv;
    let mut lines = Vec::new();
    for event in frame.sim.log().iter().rev() {
        let Kind::Protocol(note) = &event.kind else {
            continue;
        };
        let line = match *note {
            Note::Returned {
                client: c,
                request,
                reply,
                server,
            } if c == client => format!(
                "{} returned {}, answered by {}.",
                names.request_text(&request),
                names.reply_text(&reply),
                frame.config.name(server)
            ),
            Note::GaveUp {
                client: c, request, ..
            } if c == client => format!(
                "{} gave up: its outcome is unknown.",
                names.request_text(&request)
            ),
            _ => continue,
        };
        lines.push(line);
        if lines.len() == DONE_SHOWN {
            break;
        }
    }
    lines.reverse();
    lines
}

fn client_view(frame: &Frame<MultiPaxos>, id: NodeId, c: &Client) -> NodeView {
    let config = frame.config;
    let names = &config.names_kv;
    let name = config.name(id);
    let mut badge = Vec::new();
    let mut detail = Vec::new();
    if c.crashed {
        badge.push("crashed".to_string());
        detail.push(format!(
            "{name} is crashed: it receives nothing and sends nothing until it restarts."
        ));
    }
    match &c.running {
        Some(r) => {
            let text = names.request_text(&r.request);
            badge.push(format!("{text} → {}", config.name(c.leader)));
            detail.push(format!(
                "It waits for {text}, request #{}, sent to {}, which it believes leads; resent \
                 {} times so far.",
                c.seq,
                config.name(c.leader),
                r.attempts
            ));
        }
        None if c.script.thinking => detail.push("It waits before its next request.".into()),
        None => detail.push("It has no request to make.".into()),
    }
    if !c.script.queue.is_empty() {
        detail.push(format!(
            "{} more requests wait in its queue.",
            c.script.queue.len()
        ));
    }
    let done = done(frame, id);
    if !done.is_empty() {
        detail.push("Its latest requests:".into());
        detail.extend(done);
    }
    NodeView {
        name: name.to_string(),
        role: "client",
        shape: "square",
        crashed: c.crashed,
        group: frame.sim.partition().map(|groups| groups[id as usize]),
        promised: None,
        accepted: None,
        learned: None,
        phase: None,
        ballot: None,
        color: None,
        in_quorum: false,
        badge: badge.join(" · "),
        detail,
        inputs: request_inputs(
            !c.crashed,
            &[
                ("Get", "get"),
                ("Put", "put"),
                ("Append", "append"),
                ("CAS", "cas"),
            ],
        ),
        cells: Vec::new(),
        timeout: false,
    }
}

impl Present for MultiPaxos {
    const LEGEND: &'static [LegendEntry] = &LEGEND;
    const NARRATED: &'static [&'static str] = &NARRATED;
    const DEFAULT_SCENARIO: &'static str = r#"{"version":1,"protocol":"multipaxos","seed":1,"cluster":{"servers":3,"clients":2},"quorum":{"kind":"majority"},"workload":{"ops_per_client":3,"keys":1,"mix":{"get":1,"put":1,"cas":0,"append":1}},"until_ticks":1000}"#;
    const ROUNDS_LABEL: &'static str = "Timeouts per node at most";
    // A server's timer fires for heartbeats and elections alike, and the lessons' switches
    // need one of either (the resend that no_client_dedup runs twice, the election that
    // leader_skips_recovery gets wrong).
    const SEARCH_ROUNDS: u64 = 1;

    fn marker(kind: &Kind<MultiPaxos>) -> Option<(&'static str, u8, u8)> {
        Some(match kind {
            Kind::Violation { .. } => ("violation", 0, 0),
            Kind::Protocol(Note::Leading { .. }) => ("leading", 0, 1),
            Kind::Protocol(Note::Returned { .. }) => ("return", 0, 2),
            Kind::Protocol(Note::GaveUp { .. }) => ("give_up", 0, 3),
            Kind::Input { .. } => ("request", 0, 4),
            Kind::Crash { .. } => ("crash", 1, 0),
            Kind::Restart { .. } => ("restart", 1, 1),
            Kind::Partition { .. } | Kind::Heal => ("partition", 1, 2),
            _ => return None,
        })
    }

    fn message_glyph(msg: &Msg) -> &'static str {
        match msg {
            Msg::Request { .. }
            | Msg::Prepare { .. }
            | Msg::Accept { .. }
            | Msg::Heartbeat { .. } => "circle",
            Msg::Commit { .. } => "diamond",
            Msg::Promise { .. }
            | Msg::Accepted { .. }
            | Msg::Nack { .. }
            | Msg::HeartbeatAck { .. }
            | Msg::Redirect { .. }
            | Msg::Reply { .. } => "square",
        }
    }

    fn message_short(config: &Config, msg: &Msg) -> String {
        let b = |ballot| ballot_text(config, ballot);
        let names = &config.names_kv;
        match *msg {
            Msg::Request { request, .. } => names.request_text(&request),
            Msg::Redirect { leader, .. } => match leader {
                Some(l) => format!("go to {}", config.name(l)),
                None => "no leader".to_string(),
            },
            Msg::Reply { reply, .. } => names.reply_text(&reply),
            Msg::Prepare { ballot, .. } => format!("Prepare {}", b(ballot)),
            Msg::Promise { slot, accepted, .. } => match accepted {
                Some((_, cmd)) => format!("Promise #{}: {}", slot + 1, cmd_text(config, &cmd)),
                None => format!("Promise #{}", slot + 1),
            },
            Msg::Accept { slot, cmd, .. } => {
                format!("Accept #{}: {}", slot + 1, cmd_text(config, &cmd))
            }
            Msg::Accepted { slot, .. } => format!("Accepted #{}", slot + 1),
            Msg::Nack { ballot } => format!("Nack {}", b(ballot)),
            Msg::Commit { slot, .. } => format!("Commit #{}", slot + 1),
            Msg::Heartbeat { .. } => "Heartbeat".to_string(),
            Msg::HeartbeatAck { .. } => "Heartbeat ack".to_string(),
        }
    }

    /// By ballot, so that one leader's messages share a colour; clients' in the first.
    fn message_color(_: &Config, msg: &Msg) -> u32 {
        match *msg {
            Msg::Prepare { ballot, .. }
            | Msg::Promise { ballot, .. }
            | Msg::Accept { ballot, .. }
            | Msg::Accepted { ballot, .. }
            | Msg::Nack { ballot }
            | Msg::Heartbeat { ballot, .. }
            | Msg::HeartbeatAck { ballot, .. } => ballot_color(ballot),
            Msg::Request { .. } | Msg::Redirect { .. } | Msg::Reply { .. } | Msg::Commit { .. } => {
                0
            }
        }
    }

    fn node_view(frame: &Frame<MultiPaxos>, id: NodeId) -> NodeView {
        match &frame.sim.nodes()[id as usize] {
            Node::Server(s) => server_view(frame, id, s),
            Node::Client(c) => client_view(frame, id, c),
        }
    }

    const QUORUM_NODES: &'static str = "servers";

    fn quorum_spec(scenario: &mut Scenario) -> &mut QuorumSpec {
        &mut scenario.section.quorum
    }

    fn quorum_nodes(config: &Config) -> (&QuorumSystem, Vec<NodeId>) {
        (&config.quorum, (0..config.servers as NodeId).collect())
    }

    fn clients(sim: &Simulation) -> Option<Clients<'_>> {
        let config = sim.config();
        let checker = sim.checker();
        Some(Clients {
            recorder: &checker.recorder,
            names: &config.names_kv,
            nodes: (config.servers as NodeId..config.names.len() as NodeId).collect(),
            failing: checker
                .failing
                .as_ref()
                .map(|(op, conflicts)| (*op, conflicts.as_slice())),
        })
    }

    fn ranked_violations(frame: &Frame<MultiPaxos>) -> Vec<Violation> {
        let mut ranked = frame.sim.violations().to_vec();
        crate::sort::sort_by_key(&mut ranked, |v| GRAVITY.iter().position(|&k| k == v.kind));
        ranked
    }

    fn summary(frame: &Frame<MultiPaxos>, violations: &[Violation]) -> SummaryView {
        let warning = frame
            .config
            .quorum
            .check_intersection()
            .is_err()
            .then_some("⚠ phase-1 and phase-2 quorums need not meet");
        let leads = match leader(frame) {
            Some((id, ballot)) => format!(
                "{} leads with ballot {}",
                frame.config.name(id),
                ballot_text(frame.config, ballot)
            ),
            None => "no server leads".to_string(),
        };
        if let Some(violation) = violations.first() {
            let headline = match violation.kind {
                AGREEMENT => "TWO COMMANDS IN ONE SLOT",
                VALIDITY => "A COMMAND NO CLIENT SENT",
                LEARNED_MEANS_CHOSEN => "LOGS DISAGREE",
                APPLY_ORDER => "APPLIED OUT OF ORDER",
                _ => "NOT LINEARIZABLE",
            };
            return SummaryView {
                headline: headline.to_string(),
                detail: Some(format!("since tick {} · {leads}", violation.tick)),
                tone: "bad",
                decided: None,
                warning,
            };
        }
        let checker = frame.sim.checker();
        let chosen = checker.chosen.iter().filter(|c| c.is_some()).count();
        let ops = &checker.recorder.ops;
        let returned = ops.iter().filter(|op| op.returned.is_some()).count();
        SummaryView {
            headline: format!(
                "{chosen} {} chosen · {returned} of {} operations returned",
                if chosen == 1 { "slot" } else { "slots" },
                ops.len()
            ),
            detail: Some(leads),
            tone: if chosen > 0 { "good" } else { "neutral" },
            decided: None,
            warning,
        }
    }

    fn status(frame: &Frame<MultiPaxos>, violations: &[Violation]) -> String {
        if let Some(violation) = violations.first() {
            return format!("Safety violated: {}.", violation.explanation);
        }
        let config = frame.config;
        let mut parts = Vec::new();
        for (id, node) in frame.sim.nodes().iter().enumerate() {
            let name = config.name(id as NodeId);
            match node {
                Node::Server(s) if !s.crashed => match &s.role {
                    Role::Candidate(c) => parts.push(format!(
                        "{name} runs for leader with ballot {}",
                        ballot_text(config, c.ballot)
                    )),
                    Role::Leader(lead) => {
                        let waiting = lead.pending.iter().flatten().count();
                        if waiting > 0 {
                            parts.push(format!(
                                "{name} waits for Accepted in {waiting} {}",
                                if waiting == 1 { "slot" } else { "slots" }
                            ));
                        }
                    }
                    Role::Follower => {}
                },
                Node::Client(c) if !c.crashed => {
                    if let Some(r) = &c.running {
                        parts.push(format!(
                            "{name} waits for {}",
                            config.names_kv.request_text(&r.request)
                        ));
                    }
                }
                _ => {}
            }
        }
        if !parts.is_empty() {
            return parts.join("; ") + ".";
        }
        if frame.sim.events() == 0 {
            return "Nothing has happened yet: press play.".into();
        }
        match leader(frame) {
            Some((id, _)) => format!("{} leads; no request is waiting.", config.name(id)),
            None => "No server leads and no request is waiting.".into(),
        }
    }

    fn chosen(_: &Frame<MultiPaxos>) -> Option<ChosenView> {
        None
    }

    fn quorum(config: &Config) -> QuorumView {
        let gap = config.quorum.check_intersection();
        let list = |set: u32| {
            let names: Vec<&str> = (0..config.servers)
                .filter(|&s| set & 1 << s != 0)
                .map(|s| config.name(s as NodeId))
                .collect();
            names.join(", ")
        };
        QuorumView {
            description: config.quorum.describe(),
            safe: gap.is_ok(),
            verdict: match gap {
                Ok(()) => "Every phase-1 quorum meets every phase-2 quorum: a new leader hears of every chosen command.".to_string(),
                Err(gap) => format!(
                    "A new leader can miss a chosen command: {{{}}} and {{{}}} share no server.",
                    list(gap.phase1),
                    list(gap.phase2)
                ),
            },
        }
    }

    fn bugs(config: &Config) -> Vec<&'static str> {
        let b = &config.bugs;
        let on = [
            b.leader_skips_recovery,
            b.no_client_dedup,
            b.reads_without_lease,
            b.apply_out_of_order,
        ];
        Bugs::NAMES
            .iter()
            .zip(on)
            .filter(|(_, on)| *on)
            .map(|(name, _)| *name)
            .collect()
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

    const CRASH: &str = include_str!("../../../../scenarios/multipaxos/leader-crash.json");
    const SKIP: &str = include_str!("../../../../scenarios/multipaxos/leader-skips-recovery.json");

    /// The playground runs Multi-Paxos as it runs the others: the view names servers and
    /// clients, rings the leader, draws each server's latest slots, and follows the failover.
    #[test]
    fn the_playground_shows_the_log_the_leader_and_the_failover() {
        let mut p = Playground::<MultiPaxos>::new(CRASH).unwrap();
        p.seek(52);
        let view = p.view();
        let names: Vec<&str> = view.nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["s1", "s2", "s3", "c1", "c2"]);
        assert!(view.nodes[0].in_quorum, "s1 leads and is ringed");
        assert!(
            view.nodes[0].badge.starts_with("leader 1.s1"),
            "{}",
            view.nodes[0].badge
        );
        let states: Vec<&str> = view.nodes[1].cells.iter().map(|c| c.state).collect();
        assert_eq!(states, ["accepted"], "s2 accepted slot 1, not yet learned");
        assert_eq!(
            view.nodes[1].cells[0].title,
            "slot 1: accepted c1 put(x, \"1\") at 1.s1"
        );
        assert_eq!(view.nodes[3].shape, "square");
        assert!(
            view.status.contains("c1 waits for put(x, \"1\")"),
            "{}",
            view.status
        );
        p.seek(800);
        let view = p.view();
        assert!(!view.nodes[0].in_quorum, "s1 is crashed");
        assert!(view.nodes[2].in_quorum, "s3 leads at the end");
        assert_eq!(
            view.summary.headline,
            "3 slots chosen · 2 of 2 operations returned"
        );
        assert_eq!(
            view.summary.detail.as_deref(),
            Some("s3 leads with ballot 3.s3")
        );
        let states: Vec<&str> = view.nodes[2].cells.iter().map(|c| c.state).collect();
        assert_eq!(states, ["applied"; 3]);
        assert!(
            view.nodes[2].badge.contains("x=“1”"),
            "{}",
            view.nodes[2].badge
        );
        assert!(p.markers().iter().any(|m| m.kind == "leading"));
        assert!(view
            .to_json_text()
            .contains("\"cells\":[{\"state\":\"applied\""));
    }

    /// Two commands chosen in one slot is shown first, above the logs that then disagree.
    #[test]
    fn the_gravest_violation_heads_the_page() {
        let mut p = Playground::<MultiPaxos>::new(SKIP).unwrap();
        p.seek(700);
        let view = p.view();
        assert_eq!(view.summary.headline, "TWO COMMANDS IN ONE SLOT");
        assert_eq!(view.violations[0].kind, AGREEMENT);
        assert!(view.violations.len() > 1, "{:?}", view.violations);
        assert!(view
            .status
            .starts_with("Safety violated: slot 1 was chosen twice"));
    }
}
