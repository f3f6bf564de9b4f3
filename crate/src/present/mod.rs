//! What the page shows of a run, in any protocol: the per-frame view with every label, colour
//! index and sentence, the log entries and the legend, written as JSON for JavaScript, and
//! [`Present`], which each protocol implements in its folder (`protocols/NAME/present.rs`) to
//! fill them in. The playground (`crate::play`) is generic over it: time travel, the log and
//! the timeline are written once, and the page draws the tokens and sentences it is given.

use crate::clients::record::Recorder;
use crate::clients::Names;
use crate::json::{close, field, field_if_some, json_object, ToJson};
use crate::quorum::QuorumSystem;
use crate::scenario::{QuorumSpec, Scenario, ScenarioError, ScenarioSection};
use crate::sim::event::{EventKind, LossReason};
use crate::sim::violation::Violation;
use crate::sim::{NodeId, Simulation};
use serde::Serialize;

pub mod setup;
pub use setup::{Changes, SetupField, SetupGroup, SetupResult};

/// A protocol as the page shows it.
pub trait Present: ScenarioSection {
    /// The shapes its nodes are drawn as, and what each stands for.
    const LEGEND: &'static [LegendEntry];
    /// The event kinds read out to screen readers as they happen.
    const NARRATED: &'static [&'static str];
    /// The run the page opens with when a link names none.
    const DEFAULT_SCENARIO: &'static str;
    /// The search form's label for the bound on what `Protocol::progress` counts.
    const ROUNDS_LABEL: &'static str;
    /// The search form's starting bound on rounds: what the protocol's lessons need to show
    /// their violations within the form's starting bound on states.
    const SEARCH_ROUNDS: u64;

    /// Whether the timeline marks an event: its marker's kind, its lane (0 for what the
    /// protocol did, 1 for what was done to the run) and its rank within the lane (lower wins).
    fn marker(kind: &EventKind<Self>) -> Option<(&'static str, u8, u8)>;
    /// The glyph a message is drawn as (`circle`, `square`, `diamond`).
    fn message_glyph(msg: &Self::Msg) -> &'static str;
    /// A message's label on the drawing, shorter than the log's.
    fn message_short(config: &Self::Config, msg: &Self::Msg) -> String;
    /// A message's colour index.
    fn message_color(config: &Self::Config, msg: &Self::Msg) -> u32;
    /// One node: its shape, badge, detail lines, colour and input.
    fn node_view(frame: &Frame<Self>, node: NodeId) -> NodeView;
    /// The run's violations in the order the page shows them, the gravest first, each with the
    /// events the page marks as involved.
    fn ranked_violations(frame: &Frame<Self>) -> Vec<Violation>;
    /// The centre of the drawing.
    fn summary(frame: &Frame<Self>, violations: &[Violation]) -> SummaryView;
    /// The status line: what is happening now.
    fn status(frame: &Frame<Self>, violations: &[Violation]) -> String;
    /// What was decided, for protocols that decide one value.
    fn chosen(frame: &Frame<Self>) -> Option<ChosenView>;
    /// The quorum system in words, and whether its quorums meet as the protocol needs.
    fn quorum(config: &Self::Config) -> QuorumView;
    /// The bug switches that are on.
    fn bugs(config: &Self::Config) -> Vec<&'static str>;
    /// What the nodes quorums are made of are called, in the plural: `acceptors`, `replicas`.
    const QUORUM_NODES: &'static str;
    /// The scenario's quorum system as written, for the Quorums tab to read and replace.
    fn quorum_spec(scenario: &mut Scenario<Self>) -> &mut QuorumSpec;
    /// The run's quorum system, compiled, and the nodes it is over, in order.
    fn quorum_nodes(config: &Self::Config) -> (&QuorumSystem, Vec<NodeId>);
    /// The clients' history so far, for a protocol whose clients record one; Paxos has none.
    fn clients(_sim: &Simulation<Self>) -> Option<Clients<'_>> {
        None
    }
    /// The protocol's groups of the Setup form, the shared network group
    /// (`setup::network_group`) among them; the seed's group follows them.
    fn setup_form(scenario: &Scenario<Self>, config: &Self::Config) -> Vec<SetupGroup>;
    /// The scenario with the touched fields of those groups applied, and sentences saying
    /// what of the schedule a new cluster could not keep; the seed is applied after.
    fn apply_setup(
        scenario: &Scenario<Self>,
        changes: &Changes<'_>,
    ) -> Result<(Scenario<Self>, Vec<String>), ScenarioError>;
}

/// What a protocol's clients have recorded, for the history's lanes and its download.
pub struct Clients<'a> {
    pub recorder: &'a Recorder,
    pub names: &'a Names,
    /// The client nodes, in the order of their lanes.
    pub nodes: Vec<NodeId>,
    /// The first violation's operation that cannot be placed and those it conflicts with, as
    /// indices into the recorder's operations.
    pub failing: Option<(usize, &'a [usize])>,
}

/// What a protocol's presentation reads: the simulation at the cursor.
pub struct Frame<'a, P: Present> {
    pub sim: &'a Simulation<P>,
    pub config: &'a P::Config,
}

#[derive(Serialize)]
pub struct View {
    pub now: u64,
    pub until_ticks: u64,
    /// The last tick the run can show: `until_ticks`, or, once the run has been computed as far
    /// as the event cap (`crate::sim::EVENTS_MAX`), the tick of its last event. The page's
    /// scrubber ends there, so that it never shows messages frozen in flight.
    pub end_ticks: u64,
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
    /// The inputs this node takes from a person (Paxos: a value to propose; the store: a get,
    /// a put or a compare-and-set), each a row of the detail panel.
    pub inputs: Vec<InputView>,
    /// A row of small cells drawn above the node, oldest first (a replicated log's latest
    /// slots); empty for nodes that have none.
    pub cells: Vec<CellView>,
    /// Whether the person may force this node's timeout now (a `timeout` intervention): it is
    /// up, its timer is set, and the protocol lets its timer be forced. The engine fills this
    /// in (`Playground::view`); a protocol's view leaves it false.
    pub timeout: bool,
}

/// One cell of a node's row: its state, which the page draws by (`empty`, `accepted`,
/// `chosen`, `applied`, each with a legend entry `cell-STATE`), and its tooltip.
#[derive(Serialize)]
pub struct CellView {
    pub state: &'static str,
    pub title: String,
}

/// An input a person can give a node: the page shows its text fields and a button, and sends
/// the schedule entry `{intervention: {node_field: NAME, ...fixed, ...fields}}`, with each
/// field as typed.
#[derive(Serialize)]
pub struct InputView {
    pub intervention: &'static str,
    /// The name of the entry's field that names the node (`node`, `client`).
    pub node_field: &'static str,
    pub button: &'static str,
    /// Fields the entry always has, such as the operation a button stands for.
    pub fixed: Vec<(&'static str, &'static str)>,
    pub fields: Vec<InputField>,
    pub enabled: bool,
}

/// A client's inputs for the operations `ops` names (`get`, `put`, `append`, `cas`), each a row
/// of fields and a button that queues the request (the scenario's `request` entry).
pub fn request_inputs(enabled: bool, ops: &[(&'static str, &'static str)]) -> Vec<InputView> {
    let key = || InputField {
        name: "key",
        label: "Key",
        default: "x",
    };
    let value = |label| InputField {
        name: "value",
        label,
        default: "1",
    };
    ops.iter()
        .map(|&(button, op)| InputView {
            intervention: "request",
            node_field: "client",
            button,
            fixed: vec![("op", op)],
            fields: match op {
                "get" => vec![key()],
                "cas" => vec![
                    key(),
                    InputField {
                        name: "from",
                        label: "From",
                        default: "1",
                    },
                    value("To"),
                ],
                _ => vec![key(), value("Value")],
            },
            enabled,
        })
        .collect()
}

/// One text field of an input: the entry's field it fills, its label and what it starts with.
#[derive(Serialize)]
pub struct InputField {
    pub name: &'static str,
    pub label: &'static str,
    pub default: &'static str,
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

/// What the status line adds when nothing more will happen in the run.
pub const SETTLED: &str = "Nothing more will happen in this run: no message is in flight, no timer is set and no intervention is left.";

// The page's views cross to JavaScript as JSON text, which `wasm/` turns into objects with
// `JSON.parse`: writing them here takes far less wasm than serializing them field by field into
// JavaScript objects through serde. They are written as the serde derive would write them, but
// with `None` fields left out, so that JavaScript sees `undefined` for them as it did when they
// were serialized into objects (a test compares the two).

json_object!(View {
    now, until_ticks, end_ticks, reached, markers, actions, events, finished, settled, nodes, messages, chosen?,
    violations, status, quorum, summary, cuts, partitioned, bugs, seed
});

json_object!(NodeView {
    name, role, shape, crashed, group?, promised?, accepted?, learned?, phase?, ballot?, color?,
    in_quorum, badge, detail, inputs, cells, timeout
});

json_object!(CellView { state, title });

json_object!(MessageView {
    id, from, to, glyph, label, short, color, sent, deliver, copy_of?
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

json_object!(InputView {
    intervention,
    node_field,
    button,
    fixed,
    fields,
    enabled
});

json_object!(InputField {
    name,
    label,
    default
});

json_object!(SummaryView { headline, detail?, tone, decided?, warning? });

json_object!(LegendEntry { shape, label });
