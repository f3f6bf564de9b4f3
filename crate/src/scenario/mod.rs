//! The scenario format: a run's configuration, seed and interventions, as versioned JSON.
//!
//! This is a public interface. Links, the CLI and course material store scenarios, so a field
//! once published keeps its meaning, and a scenario of an older version keeps loading. Parsing
//! is in two steps: the reader below turns the JSON ([`crate::json`] parses it) into
//! [`Scenario`], naming the field of any type error, then [`Scenario::compile`] checks meaning
//! (known nodes, sane numbers) and builds the configuration the simulation runs on. Every error
//! names the field and says why.
//!
//! The envelope is written once, here, for every protocol; each protocol supplies its section
//! ([`ScenarioSection`], in its folder) and a scenario is a [`Scenario`] of that protocol.
//!
//! Reading and writing are written out by hand (`FromJson`, `ToJson`) rather than derived with
//! serde, because serde_json and the derived code were about 50 KB of the page's wasm, gzipped.
//! The types still derive serde's `Serialize`: the CLI prints scenarios inside its JSON reports,
//! and the tests check the hand-written writer against serde_json, byte for byte. The page never
//! serializes a scenario through serde, so none of that code is in its wasm.

use crate::json::{self, ToJson};
use crate::protocols;
use crate::quorum::{AcceptorSet, QuorumSystem};
pub use crate::sim::action::SchedulerKind;
use crate::sim::action::{Action, Compiled};
pub use crate::sim::network::NetworkSpec;
use crate::sim::{NodeId, MAX_NODES};

mod read;
pub(crate) use read::path_at;
pub use read::{protocol_of, Fields, FromJson, LensSpec};
mod section;
pub use section::ScenarioSection;
mod write;

use read::read_text;
use serde::Serialize;
use std::fmt;
use std::sync::Arc;
use write::indent;

/// The newest scenario version this build reads and writes.
pub const VERSION: u32 = 1;
/// Longest run a scenario may ask for: enough for any lesson, small enough that no link can
/// freeze a tab.
pub const UNTIL_TICKS_MAX: u64 = 1_000_000;
pub const DELAY_TICKS_MAX: u64 = 10_000;
pub const SCHEDULE_LEN_MAX: usize = 10_000;

/// A scenario of protocol `P`: the envelope, which every protocol shares, around `P`'s section
/// (see [`ScenarioSection`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(bound(serialize = ""))]
pub struct Scenario<P: ScenarioSection> {
    pub version: u32,
    pub protocol: String,
    pub seed: u64,
    pub cluster: P::Cluster,
    pub network: NetworkSpec,
    /// The protocol's own fields (Paxos: `quorum`, `bugs`, `timeouts`), written after the
    /// network.
    #[serde(flatten)]
    pub section: P::Section,
    /// How the next event is picked: `timed` (by time and seed; the default) or `script` (only
    /// the schedule's explicit steps happen, one per tick: the explorer's counterexamples and
    /// hand-stepped runs use this).
    #[serde(skip_serializing_if = "SchedulerKind::is_timed")]
    pub scheduler: SchedulerKind,
    pub schedule: Vec<Intervention<P>>,
    pub until_ticks: u64,
}

/// How long a run lasts when the scenario does not say.
const UNTIL_TICKS_DEFAULT: u64 = 2000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Default)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QuorumSpec {
    #[default]
    Majority,
    Flexible {
        phase1: usize,
        phase2: usize,
    },
    Explicit {
        phase1: Vec<Vec<String>>,
        phase2: Vec<Vec<String>>,
    },
    /// Any `read` acceptors for phase 1 and any `write` for phase 2: Flexible in the words of
    /// read-write quorum systems.
    Threshold {
        read: usize,
        write: usize,
    },
    /// The acceptors in rows of `cols`, in order: phase 1 a full row, phase 2 one from each row.
    Grid {
        rows: usize,
        cols: usize,
    },
    /// One weight per acceptor, in order; a quorum's weights reach `read` (phase 1) or `write`.
    Weighted {
        weights: Vec<u32>,
        read: u32,
        write: u32,
    },
}

/// The largest weight a node may have in a weighted quorum system.
pub const WEIGHT_MAX: u32 = 1_000_000;

impl QuorumSpec {
    /// The quorum system over `acceptors` acceptors, which `index_of` finds by name for
    /// explicit lists. Errors name the field under `prefix` (`quorum.`) and call the nodes
    /// acceptors; a protocol with another word for them rewrites the message.
    pub fn compile(
        &self,
        acceptors: usize,
        prefix: &str,
        index_of: &dyn Fn(&str) -> Result<usize, String>,
    ) -> Result<QuorumSystem, ScenarioError> {
        let field = |name: &str| format!("{prefix}{name}");
        let size = |name: &str, size: usize| {
            if size == 0 || size > acceptors {
                Err(error(
                    field(name),
                    format!("{size} is not between 1 and the number of acceptors ({acceptors})"),
                ))
            } else {
                Ok(size)
            }
        };
        Ok(match self {
            QuorumSpec::Majority => QuorumSystem::Majority { acceptors },
            QuorumSpec::Flexible { phase1, phase2 } => QuorumSystem::Flexible {
                acceptors,
                phase1: size("phase1", *phase1)?,
                phase2: size("phase2", *phase2)?,
            },
            QuorumSpec::Threshold { read, write } => QuorumSystem::Flexible {
                acceptors,
                phase1: size("read", *read)?,
                phase2: size("write", *write)?,
            },
            QuorumSpec::Explicit { phase1, phase2 } => {
                let sets = |name: &str, lists: &Vec<Vec<String>>| {
                    if lists.is_empty() {
                        return Err(error(field(name), "lists no quorum"));
                    }
                    lists
                        .iter()
                        .enumerate()
                        .map(|(i, list)| {
                            let mut set: AcceptorSet = 0;
                            if list.is_empty() {
                                return Err(error(field(&format!("{name}[{i}]")), "is empty"));
                            }
                            for (j, node) in list.iter().enumerate() {
                                let index = index_of(node)
                                    .map_err(|m| error(field(&format!("{name}[{i}][{j}]")), m))?;
                                set |= 1 << index;
                            }
                            Ok(set)
                        })
                        .collect::<Result<Vec<_>, _>>()
                };
                QuorumSystem::Explicit {
                    acceptors,
                    phase1: sets("phase1", phase1)?,
                    phase2: sets("phase2", phase2)?,
                }
            }
            QuorumSpec::Grid { rows, cols } => {
                for (name, n) in [("rows", rows), ("cols", cols)] {
                    if *n == 0 {
                        return Err(error(field(name), "a grid needs at least one"));
                    }
                }
                // Checked, because a mangled link can carry any size.
                let nodes = rows.checked_mul(*cols);
                if nodes != Some(acceptors) {
                    let nodes = nodes.map_or_else(|| "too many".to_string(), |n| n.to_string());
                    return Err(error(
                        field("rows"),
                        format!(
                            "a grid of {rows} × {cols} has {nodes} nodes, but there are {acceptors} acceptors"
                        ),
                    ));
                }
                QuorumSystem::Grid {
                    rows: *rows,
                    cols: *cols,
                }
            }
            QuorumSpec::Weighted {
                weights,
                read,
                write,
            } => {
                if weights.len() != acceptors {
                    return Err(error(
                        field("weights"),
                        format!(
                            "lists {} weights, but there are {acceptors} acceptors",
                            weights.len()
                        ),
                    ));
                }
                // Bounded so that no sum of weights can overflow.
                if let Some(i) = weights.iter().position(|&w| w > WEIGHT_MAX) {
                    return Err(error(
                        field(&format!("weights[{i}]")),
                        format!("must be at most {WEIGHT_MAX}"),
                    ));
                }
                let total: u64 = weights.iter().map(|&w| w as u64).sum();
                for (name, threshold) in [("read", read), ("write", write)] {
                    if *threshold == 0 || *threshold as u64 > total {
                        return Err(error(
                            field(name),
                            format!(
                                "no set of nodes has weight {threshold}: it must be between 1 and \
                                 the total weight, {total}"
                            ),
                        ));
                    }
                }
                QuorumSystem::Weighted {
                    weights: weights.clone(),
                    phase1: *read,
                    phase2: *write,
                }
            }
        })
    }
}

/// One intervention: at tick `at`, exactly one of the protocol's inputs or the engine's own
/// interventions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Default)]
#[serde(bound(serialize = ""))]
pub struct Intervention<P: ScenarioSection> {
    pub at: u64,
    /// The protocol's inputs (Paxos: `propose`), written right after `at`.
    #[serde(flatten)]
    pub inputs: P::Inputs,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crash: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restart: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partition: Option<Vec<Vec<String>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heal: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cut: Option<Link>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restore: Option<Link>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drop: Option<MessageRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate: Option<MessageRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay: Option<MessageDelay>,
    /// Script scheduler only: deliver this in-flight message now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deliver: Option<MessageRef>,
    /// Script scheduler only: fire this node's timer now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
}

/// The engine's interventions that the timed scheduler runs, as the error for an entry with
/// none lists them after the protocol's inputs.
const TIMED_INTERVENTIONS: [&str; 9] = [
    "crash",
    "restart",
    "partition",
    "heal",
    "cut",
    "restore",
    "drop",
    "duplicate",
    "delay",
];

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Link {
    pub from: String,
    pub to: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct MessageRef {
    pub message: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct MessageDelay {
    pub message: u64,
    pub ticks: u64,
}

impl<P: ScenarioSection> Intervention<P> {
    /// Reads one schedule entry given without its `at` (as the page sends a person's action,
    /// `{"crash": "a1"}`) and places it at tick `at`. It goes through the same parser as whole
    /// scenarios, so errors read the same and the wasm build carries one copy of the parser.
    pub fn from_json_at(json: &str, at: u64) -> Result<Intervention<P>, ScenarioError> {
        let body = json.trim();
        let invalid = || {
            error(
                "intervention",
                "must be a JSON object such as {\"crash\": \"a1\"}",
            )
        };
        let inner = body
            .strip_prefix('{')
            .and_then(|rest| rest.strip_suffix('}'))
            .ok_or_else(invalid)?;
        let text = if inner.trim().is_empty() {
            format!("{{\"at\":{at}}}")
        } else {
            format!("{{\"at\":{at},{inner}}}")
        };
        read_text(&text).map_err(|mut found: ScenarioError| {
            found.field = match found.field.as_str() {
                "" => "intervention".to_string(),
                path => format!("intervention.{path}"),
            };
            found
        })
    }
}

/// A malformed scenario: which field, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    pub field: String,
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() || self.field == "." {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.field, self.message)
        }
    }
}

impl std::error::Error for ScenarioError {}

/// Whether a character changes how the text around it is shown instead of being shown: the C0
/// and C1 controls and Unicode's bidirectional formatting. Values are printed inside sentences,
/// on the page and by the CLI, where U+202E would reverse the rest of the sentence and U+0000
/// cut it short.
pub(crate) fn is_format_control(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

pub(crate) fn error(field: impl Into<String>, message: impl Into<String>) -> ScenarioError {
    ScenarioError {
        field: field.into(),
        message: message.into(),
    }
}

impl<P: ScenarioSection> Scenario<P> {
    /// Reads a scenario from JSON text. Errors name the field (`schedule[2].crash`).
    pub fn from_json(text: &str) -> Result<Scenario<P>, ScenarioError> {
        read_text(text)
    }

    /// The scenario as compact JSON, as `serde_json::to_string` writes it.
    pub fn to_json(&self) -> String {
        self.to_json_text()
    }

    /// The scenario as indented JSON, as `serde_json::to_string_pretty` writes it. Indenting
    /// the compact text keeps a second serializer out of the page's wasm.
    pub fn to_json_pretty(&self) -> String {
        indent(&self.to_json())
    }

    /// Checks the scenario's meaning and resolves names.
    pub fn compile(&self) -> Result<Compiled<P>, ScenarioError> {
        check_envelope(self.version, &self.protocol, P::NAME)?;
        let mut config = P::new_config(&self.cluster)?;
        check_network(&self.network)?;
        P::configure(&mut config, &self.network, &self.section, self.seed)?;
        check_length(self.until_ticks, self.schedule.len())?;
        let mut schedule = Vec::with_capacity(self.schedule.len());
        for (i, item) in self.schedule.iter().enumerate() {
            let action = self.resolve(&mut config, i, item)?;
            schedule.push((item.at, action));
        }
        // Stable: entries at the same tick keep their file order.
        crate::sort::sort_by_key(&mut schedule, |(at, _)| *at);
        Ok(Compiled {
            config: Arc::new(config),
            seed: self.seed,
            scheduler: self.scheduler,
            schedule,
            until_ticks: self.until_ticks,
        })
    }

    // Inlined into `compile`, as are the checks below: they were one function before the
    // envelope was shared, and outlined they made the page's wasm about 370 bytes larger,
    // gzipped. The hints leave the compiler free to keep one copy of the checks, which are not
    // generic, once several protocols call them.
    #[inline]
    fn resolve(
        &self,
        config: &mut P::Config,
        i: usize,
        item: &Intervention<P>,
    ) -> Result<Action<P>, ScenarioError> {
        let field = |name: &str| entry_field(i, name);
        if item.at > UNTIL_TICKS_MAX {
            return Err(error(
                field("at"),
                format!("must be at most {UNTIL_TICKS_MAX}"),
            ));
        }
        let mut actions = Vec::new();
        P::resolve_inputs(config, &item.inputs, i, &mut actions)?;
        let node = |config: &P::Config, name: &str, value: &str| {
            P::lookup(config, value).map_err(|m| error(field(name), m))
        };
        let link =
            |config: &P::Config, name: &str, l: &Link| -> Result<(NodeId, NodeId), ScenarioError> {
                let from =
                    P::lookup(config, &l.from).map_err(|m| error(field(name) + ".from", m))?;
                let to = P::lookup(config, &l.to).map_err(|m| error(field(name) + ".to", m))?;
                Ok((from, to))
            };
        let message = |name: &str, m: u64| {
            if m == 0 {
                Err(error(
                    field(name) + ".message",
                    "messages are numbered from 1",
                ))
            } else {
                Ok(m)
            }
        };
        if let Some(n) = &item.crash {
            actions.push(Action::Crash(node(config, "crash", n)?));
        }
        if let Some(n) = &item.restart {
            actions.push(Action::Restart(node(config, "restart", n)?));
        }
        if let Some(groups) = &item.partition {
            let lookup = |name: &str| P::lookup(config, name);
            actions.push(Action::Partition(partition(i, groups, &lookup)?));
        }
        if let Some(heal) = item.heal {
            if !heal {
                return Err(error(field("heal"), "only `true` is meaningful"));
            }
            actions.push(Action::Heal);
        }
        if let Some(l) = &item.cut {
            let (from, to) = link(config, "cut", l)?;
            actions.push(Action::Cut { from, to });
        }
        if let Some(l) = &item.restore {
            let (from, to) = link(config, "restore", l)?;
            actions.push(Action::Restore { from, to });
        }
        if let Some(m) = item.drop {
            actions.push(Action::Drop(message("drop", m.message)?));
        }
        if let Some(m) = item.duplicate {
            actions.push(Action::Duplicate(message("duplicate", m.message)?));
        }
        if let Some(d) = item.delay {
            if d.ticks > DELAY_TICKS_MAX {
                return Err(error(
                    field("delay.ticks"),
                    format!("must be at most {DELAY_TICKS_MAX}"),
                ));
            }
            actions.push(Action::Delay {
                message: message("delay", d.message)?,
                ticks: d.ticks,
            });
        }
        if let Some(m) = item.deliver {
            actions.push(Action::Deliver(message("deliver", m.message)?));
        }
        if let Some(n) = &item.timeout {
            let id = node(config, "timeout", n)?;
            P::check_timeout(config, id, n).map_err(|m| error(field("timeout"), m))?;
            actions.push(Action::Timeout(id));
        }
        // A timeout may be forced in a timed run too (the page's "Time out now"); a delivery
        // is a step of the script scheduler, whose runs deliver only when told.
        let script_only = matches!(actions.first(), Some(Action::Deliver(_)));
        if script_only && self.scheduler != SchedulerKind::Script {
            return Err(error(
                format!("schedule[{i}]"),
                "deliver steps need \"scheduler\": \"script\"",
            ));
        }
        match actions.len() {
            1 => Ok(actions.pop().expect("one action")),
            0 => {
                let mut names = String::new();
                for name in P::INPUT_FIELDS.iter().chain(&TIMED_INTERVENTIONS) {
                    if !names.is_empty() {
                        names.push_str(", ");
                    }
                    names.push_str(name);
                }
                Err(error(
                    format!("schedule[{i}]"),
                    format!("names no intervention ({names})"),
                ))
            }
            _ => Err(error(
                format!("schedule[{i}]"),
                "names more than one intervention; give each its own entry",
            )),
        }
    }
}

/// The path of field `name` of schedule entry `i`, for errors: `schedule[2].crash`.
pub(crate) fn entry_field(i: usize, name: &str) -> String {
    format!("schedule[{i}].{name}")
}

/// A known protocol's scenario read or compiled as another's. Written once, not inlined:
/// reading and compiling both say it, and one copy keeps the page's wasm smaller.
#[inline(never)]
/// The error for a scenario of `protocol` read or compiled as `expected`'s: another known
/// protocol's, or one this version does not know, with the ones it does.
pub(crate) fn other_protocol(protocol: &str, expected: &str) -> ScenarioError {
    if protocols::KNOWN.contains(&protocol) {
        return error(
            "protocol",
            format!("a \"{protocol}\" scenario cannot run as \"{expected}\""),
        );
    }
    let known: Vec<String> = protocols::KNOWN.iter().map(|p| format!("{p:?}")).collect();
    let message = format!(
        "unknown protocol \"{protocol}\"; this version knows {}",
        known.join(", ")
    );
    error("protocol", message)
}

/// The envelope's own checks that come before the cluster's: the version, and that the
/// scenario is of the protocol `expected` it is compiled as.
#[inline]
fn check_envelope(version: u32, protocol: &str, expected: &str) -> Result<(), ScenarioError> {
    if version > VERSION {
        return Err(error(
            "version",
            format!(
                "version {version} is newer than this Paxoscope understands (up to {VERSION}); open it with a newer Paxoscope",
            ),
        ));
    }
    if version == 0 {
        return Err(error("version", "must be 1 or more"));
    }
    if protocol != expected {
        return Err(other_protocol(protocol, expected));
    }
    Ok(())
}

#[inline]
fn check_network(n: &NetworkSpec) -> Result<(), ScenarioError> {
    if n.delay_ticks_min == 0 {
        return Err(error("network.delay_ticks_min", "must be at least 1 tick"));
    }
    if n.delay_ticks_min > n.delay_ticks_max {
        return Err(error(
            "network.delay_ticks_max",
            format!(
                "{} is less than delay_ticks_min ({})",
                n.delay_ticks_max, n.delay_ticks_min
            ),
        ));
    }
    if n.delay_ticks_max > DELAY_TICKS_MAX {
        return Err(error(
            "network.delay_ticks_max",
            format!("must be at most {DELAY_TICKS_MAX}"),
        ));
    }
    for (name, p) in [("loss", n.loss), ("duplicate", n.duplicate)] {
        if !(0.0..=1.0).contains(&p) {
            return Err(error(
                format!("network.{name}"),
                "is not a probability between 0 and 1",
            ));
        }
    }
    Ok(())
}

/// The envelope's checks that come after the section's: how long the run and its schedule are.
#[inline]
fn check_length(until_ticks: u64, schedule: usize) -> Result<(), ScenarioError> {
    if until_ticks == 0 || until_ticks > UNTIL_TICKS_MAX {
        return Err(error(
            "until_ticks",
            format!("must be between 1 and {UNTIL_TICKS_MAX}"),
        ));
    }
    if schedule > SCHEDULE_LEN_MAX {
        return Err(error(
            "schedule",
            format!("has {schedule} entries; at most {SCHEDULE_LEN_MAX} are allowed"),
        ));
    }
    Ok(())
}

/// The group of each node in schedule entry `i`'s partition, with nodes found by `lookup`.
/// Nodes not named in any group form one more group of their own.
#[inline]
fn partition(
    i: usize,
    groups: &[Vec<String>],
    lookup: &dyn Fn(&str) -> Result<NodeId, String>,
) -> Result<[u8; MAX_NODES], ScenarioError> {
    if groups.len() > MAX_NODES {
        return Err(error(
            entry_field(i, "partition"),
            format!(
                "has {} groups; a cluster of at most {MAX_NODES} nodes needs at most {MAX_NODES}",
                groups.len()
            ),
        ));
    }
    let mut group_of = [u8::MAX; MAX_NODES];
    for (g, members) in groups.iter().enumerate() {
        for (j, name) in members.iter().enumerate() {
            let id =
                lookup(name).map_err(|m| error(format!("schedule[{i}].partition[{g}][{j}]"), m))?;
            if group_of[id as usize] != u8::MAX {
                return Err(error(
                    format!("schedule[{i}].partition[{g}][{j}]"),
                    format!("{name} is in two groups"),
                ));
            }
            group_of[id as usize] = g as u8;
        }
    }
    let rest = groups.len().min(MAX_NODES) as u8;
    for g in group_of.iter_mut() {
        if *g == u8::MAX {
            *g = rest;
        }
    }
    Ok(group_of)
}

/// The scenario entry that reproduces `action` at tick `at`: how user clicks and the explorer's
/// steps become part of a scenario.
pub fn intervention<P: ScenarioSection>(
    config: &P::Config,
    at: u64,
    action: &Action<P>,
) -> Intervention<P> {
    let name = |id: NodeId| P::node_name(config, id).to_string();
    let link = |from: NodeId, to: NodeId| Link {
        from: name(from),
        to: name(to),
    };
    let mut item = Intervention {
        at,
        ..Intervention::default()
    };
    match *action {
        Action::Input { node, ref input } => item.inputs = P::inputs_of(config, node, input),
        Action::Crash(node) => item.crash = Some(name(node)),
        Action::Restart(node) => item.restart = Some(name(node)),
        Action::Partition(groups) => {
            let count = P::node_count(config);
            let max_group = groups[..count].iter().copied().max().unwrap_or(0);
            item.partition = Some(
                (0..=max_group)
                    .map(|g| {
                        (0..count)
                            .filter(|i| groups[*i] == g)
                            .map(|i| name(i as NodeId))
                            .collect::<Vec<_>>()
                    })
                    .filter(|members| !members.is_empty())
                    .collect(),
            )
        }
        Action::Heal => item.heal = Some(true),
        Action::Cut { from, to } => item.cut = Some(link(from, to)),
        Action::Restore { from, to } => item.restore = Some(link(from, to)),
        Action::Drop(message) => item.drop = Some(MessageRef { message }),
        Action::Duplicate(message) => item.duplicate = Some(MessageRef { message }),
        Action::Delay { message, ticks } => item.delay = Some(MessageDelay { message, ticks }),
        Action::Deliver(message) => item.deliver = Some(MessageRef { message }),
        Action::Timeout(node) => item.timeout = Some(name(node)),
    }
    item
}
