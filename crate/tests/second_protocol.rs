//! A second protocol, written only against the engine's `Protocol` and `Describe` traits, to
//! show that a protocol is one new module: the simulation, its faults, the event log, the trace
//! hash and the exhaustive search run it without a line of theirs changed.
//!
//! The protocol is reliable broadcast over a lossy network, as small as a protocol gets: a node
//! asked to broadcast a value sends it to every other node and resends on a timer until each
//! has acknowledged it. A node delivers the first copy it receives. Its checker holds two
//! properties: validity (a node delivers only a value someone was asked to broadcast) and, as a
//! derived fact the log shows, the moment every node has the value. A switch breaks validity on
//! purpose, so that the search has something to find.
//!
//! It has a section of the scenario format too (`ScenarioSection`), so that a scenario file runs
//! it, and the explorer's counterexample comes back as one of its scenarios.

use paxoscope::explore::pack::{Pack, Packer, Unpacker, WORD_BYTES};
use paxoscope::explore::{explore_with, search, Bounds, Reduction};
use paxoscope::hash::StableHasher;
use paxoscope::json::{self, field, field_if_some, ToJson};
use paxoscope::protocols::{Describe, Effects, Protocol, TimerCommand};
use paxoscope::scenario::{Fields, FromJson, Scenario, ScenarioError, ScenarioSection};
use paxoscope::sim::action::{Action, Compiled, SchedulerKind};
use paxoscope::sim::event::EventKind;
use paxoscope::sim::network::NetworkSpec;
use paxoscope::sim::violation::Violation;
use paxoscope::sim::{NodeId, Simulation};
use serde::Serialize;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
struct Broadcast;

#[derive(Clone, Debug)]
struct Config {
    names: Vec<&'static str>,
    network: NetworkSpec,
    /// The broken switch: a receiver delivers the value plus one.
    receiver_adds_one: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
struct Node {
    crashed: bool,
    /// Durable: the value this node delivered.
    delivered: Option<u8>,
    /// The value this node broadcasts, and the nodes that have acknowledged it (volatile).
    sending: Option<(u8, u16)>,
    /// How many times this node resent: the search bounds it, as it bounds Paxos's rounds.
    resends: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Msg {
    Data(u8),
    Ack,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Note {
    Delivered { node: NodeId, value: u8 },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Send {
    value: u8,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
struct Resend;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct EveryoneHasIt {
    value: u8,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
struct Checker {
    /// Bit `v`: value `v` was broadcast.
    sent: u64,
    /// Bit `n`: node `n` delivered.
    delivered: u16,
    /// Every node has delivered: what the Monte Carlo estimate times.
    everyone: bool,
    violations: Vec<Violation>,
}

impl Pack for Node {
    fn bound(&self) -> usize {
        WORD_BYTES * 4
    }
    fn pack(&self, out: &mut Packer) {
        let delivered = self.delivered.map_or(0, |v| v as u64 + 1);
        let (value, acks) = self
            .sending
            .map_or((0, 0), |(v, a)| (v as u64 + 1, a as u64));
        out.words(&[
            self.crashed as u64 | delivered << 1,
            value,
            acks,
            self.resends as u64,
        ]);
    }
    fn unpack_into(&mut self, input: &mut Unpacker) {
        let first = input.word();
        self.crashed = first & 1 == 1;
        self.delivered = (first >> 1).checked_sub(1).map(|v| v as u8);
        let value = input.word();
        let acks = input.word() as u16;
        self.sending = value.checked_sub(1).map(|v| (v as u8, acks));
        self.resends = input.word() as u32;
    }
}

impl Pack for Checker {
    fn bound(&self) -> usize {
        WORD_BYTES * 2
    }
    fn pack(&self, out: &mut Packer) {
        out.words(&[
            self.sent,
            self.delivered as u64 | (self.everyone as u64) << 16,
        ]);
    }
    fn unpack_into(&mut self, input: &mut Unpacker) {
        self.sent = input.word();
        let word = input.word();
        self.delivered = word as u16;
        self.everyone = word >> 16 & 1 == 1;
        self.violations.clear();
    }
}

impl Pack for Resend {
    fn bound(&self) -> usize {
        0
    }
    fn pack(&self, _: &mut Packer) {}
    fn unpack_into(&mut self, _: &mut Unpacker) {}
}

fn everyone_but(config: &Config, me: NodeId) -> impl Iterator<Item = NodeId> {
    (0..config.names.len() as NodeId).filter(move |&n| n != me)
}

impl Protocol for Broadcast {
    type Config = Config;
    type Node = Node;
    type Msg = Msg;
    type Note = Note;
    type Input = Send;
    type Timer = Resend;
    type Checker = Checker;
    type Derived = EveryoneHasIt;

    fn node_count(config: &Config) -> usize {
        config.names.len()
    }
    fn network(config: &Config) -> &NetworkSpec {
        &config.network
    }
    fn new_node(_: &Config, _: NodeId) -> Node {
        Node::default()
    }
    fn is_crashed(node: &Node) -> bool {
        node.crashed
    }
    fn crash(node: &mut Node) {
        node.crashed = true;
    }

    fn on_input(
        node: &mut Node,
        me: NodeId,
        input: Send,
        config: &Config,
        out: &mut Effects<Self>,
    ) {
        node.sending = Some((input.value, 0));
        if node.delivered.is_none() {
            node.delivered = Some(input.value);
            out.notes.push(Note::Delivered {
                node: me,
                value: input.value,
            });
        }
        for to in everyone_but(config, me) {
            out.sends.push((to, Msg::Data(input.value)));
        }
        out.timer = Some(TimerCommand::Set(Resend));
    }

    fn on_message(
        node: &mut Node,
        me: NodeId,
        from: NodeId,
        msg: Msg,
        config: &Config,
        out: &mut Effects<Self>,
    ) {
        match msg {
            Msg::Data(value) => {
                if node.delivered.is_none() {
                    let value = if config.receiver_adds_one {
                        value + 1
                    } else {
                        value
                    };
                    node.delivered = Some(value);
                    out.notes.push(Note::Delivered { node: me, value });
                }
                out.sends.push((from, Msg::Ack));
            }
            Msg::Ack => {
                if let Some((_, acks)) = &mut node.sending {
                    *acks |= 1 << from;
                    if everyone_but(config, me).all(|n| *acks & (1 << n) != 0) {
                        out.timer = Some(TimerCommand::Cancel);
                    }
                }
            }
        }
    }

    fn on_timer(node: &mut Node, me: NodeId, _: Resend, config: &Config, out: &mut Effects<Self>) {
        if let Some((value, acks)) = node.sending {
            node.resends += 1;
            for to in everyone_but(config, me).filter(|n| acks & (1 << n) == 0) {
                out.sends.push((to, Msg::Data(value)));
            }
            out.timer = Some(TimerCommand::Set(Resend));
        }
    }

    fn on_restart(node: &mut Node, _: NodeId, _: &Config, _: &mut Effects<Self>) {
        node.crashed = false;
        node.sending = None;
    }

    fn timer_ticks(_: &Config, _: Resend) -> (u64, u64) {
        (40, 60)
    }

    fn check_input(checker: &mut Checker, input: Send) {
        checker.sent |= 1 << input.value;
    }

    fn check_note(
        checker: &mut Checker,
        config: &Config,
        tick: u64,
        index: u32,
        note: &Note,
    ) -> Option<EveryoneHasIt> {
        let Note::Delivered { node, value } = *note;
        if checker.sent & (1 << value) == 0 && checker.violations.is_empty() {
            checker.violations.push(Violation {
                kind: "validity",
                tick,
                events: vec![index],
                explanation: format!(
                    "{} delivered {value}, which nobody broadcast",
                    config.names[node as usize]
                ),
            });
        }
        checker.delivered |= 1 << node;
        checker.everyone = checker.delivered == (1u16 << config.names.len()) - 1;
        checker.everyone.then_some(EveryoneHasIt { value })
    }

    fn check_derived(_: &mut Checker, _: &Config, _: u64, _: u32, _: &EveryoneHasIt) {}

    fn violations(checker: &Checker) -> &[Violation] {
        &checker.violations
    }

    fn decided(checker: &Checker) -> bool {
        checker.everyone
    }

    fn checker_digest(checker: &Checker, hasher: &mut StableHasher) {
        checker.sent.hash(hasher);
        checker.delivered.hash(hasher);
        hasher.write_usize(checker.violations.len());
    }

    fn msg_words(msg: &Msg) -> [u64; 2] {
        match *msg {
            Msg::Data(value) => [0, value as u64],
            Msg::Ack => [1, 0],
        }
    }
    fn words_msg([kind, value]: [u64; 2]) -> Msg {
        if kind == 0 {
            Msg::Data(value as u8)
        } else {
            Msg::Ack
        }
    }

    fn progress(node: &Node) -> Option<u32> {
        Some(node.resends)
    }
}

impl Describe for Broadcast {
    fn node_name(config: &Config, node: NodeId) -> &str {
        config.names[node as usize]
    }
    fn describe_message(_: &Config, msg: &Msg) -> String {
        match msg {
            Msg::Data(value) => format!("Data({value})"),
            Msg::Ack => "Ack".to_string(),
        }
    }
    fn input_name(_: &Send, ignored: bool) -> &'static str {
        if ignored {
            "broadcast_ignored"
        } else {
            "broadcast"
        }
    }
    fn note_name(_: &Note) -> &'static str {
        "deliver_value"
    }
    fn derived_name(_: &EveryoneHasIt) -> &'static str {
        "everyone_has_it"
    }
    fn note_node(note: &Note) -> Option<NodeId> {
        let Note::Delivered { node, .. } = *note;
        Some(node)
    }
    fn explain_input(config: &Config, node: NodeId, input: &Send, ignored: bool) -> String {
        let name = config.names[node as usize];
        if ignored {
            format!(
                "{name} was asked to broadcast {} but is crashed",
                input.value
            )
        } else {
            format!("{name} was asked to broadcast {}", input.value)
        }
    }
    fn explain_note(config: &Config, note: &Note) -> String {
        let Note::Delivered { node, value } = *note;
        format!("{} delivered {value}", config.names[node as usize])
    }
    fn explain_derived(_: &Config, derived: &EveryoneHasIt) -> String {
        format!("every node has delivered {}", derived.value)
    }
}

/// Every name a node may have: a scenario's names are made, never read, so they are static.
const NAMES: [&str; 4] = ["n1", "n2", "n3", "n4"];

/// The protocol's `cluster` object: how many nodes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
struct Nodes {
    nodes: usize,
}

/// The protocol's own scenario field: the broken switch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
struct Switches {
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    receiver_adds_one: bool,
}

/// A schedule entry's input: a node is asked to broadcast a value.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
struct Inputs {
    #[serde(skip_serializing_if = "Option::is_none")]
    broadcast: Option<Request>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
struct Request {
    node: String,
    value: u8,
}

fn error(field: String, message: String) -> ScenarioError {
    ScenarioError { field, message }
}

impl FromJson for Nodes {
    fn read(value: &json::Value, path: &str) -> Result<Self, ScenarioError> {
        let f = Fields::new(value, path, "struct Nodes", &["nodes"])?;
        Ok(Nodes {
            nodes: f.required("nodes")?,
        })
    }
}

impl ToJson for Nodes {
    fn write(&self, out: &mut String) {
        out.push('{');
        field(out, "nodes", &(self.nodes as u64));
        json::close(out, '}');
    }
}

impl FromJson for Request {
    fn read(value: &json::Value, path: &str) -> Result<Self, ScenarioError> {
        let f = Fields::new(value, path, "struct Request", &["node", "value"])?;
        let value: u64 = f.required("value")?;
        Ok(Request {
            node: f.required("node")?,
            value: value.min(u8::MAX as u64) as u8,
        })
    }
}

impl ToJson for Request {
    fn write(&self, out: &mut String) {
        out.push('{');
        field(out, "node", &self.node);
        field(out, "value", &(self.value as u64));
        json::close(out, '}');
    }
}

impl ScenarioSection for Broadcast {
    const NAME: &'static str = "broadcast";
    const SECTION_FIELDS: &'static [&'static str] = &["receiver_adds_one"];
    const INPUT_FIELDS: &'static [&'static str] = &["broadcast"];
    type Cluster = Nodes;
    type Section = Switches;
    type Inputs = Inputs;

    fn read_section(f: &Fields) -> Result<Switches, ScenarioError> {
        Ok(Switches {
            receiver_adds_one: f.get("receiver_adds_one")?.unwrap_or(false),
        })
    }
    fn write_section(section: &Switches, out: &mut String) {
        if section.receiver_adds_one {
            field(out, "receiver_adds_one", &true);
        }
    }
    fn read_inputs(f: &Fields) -> Result<Inputs, ScenarioError> {
        Ok(Inputs {
            broadcast: f.optional("broadcast")?,
        })
    }
    fn write_inputs(inputs: &Inputs, out: &mut String) {
        field_if_some(out, "broadcast", &inputs.broadcast);
    }
    fn new_config(cluster: &Nodes) -> Result<Config, ScenarioError> {
        if cluster.nodes < 2 || cluster.nodes > NAMES.len() {
            return Err(error(
                "cluster.nodes".to_string(),
                format!("must be between 2 and {}", NAMES.len()),
            ));
        }
        Ok(Config {
            names: NAMES[..cluster.nodes].to_vec(),
            network: NetworkSpec::default(),
            receiver_adds_one: false,
        })
    }
    fn configure(
        config: &mut Config,
        network: &NetworkSpec,
        section: &Switches,
        _seed: u64,
    ) -> Result<(), ScenarioError> {
        config.network = network.clone();
        config.receiver_adds_one = section.receiver_adds_one;
        Ok(())
    }
    fn lookup(config: &Config, name: &str) -> Result<NodeId, String> {
        config
            .names
            .iter()
            .position(|n| *n == name)
            .map(|i| i as NodeId)
            .ok_or_else(|| format!("no node is named {name}"))
    }
    fn resolve_inputs(
        config: &mut Config,
        inputs: &Inputs,
        entry: usize,
        actions: &mut Vec<Action<Broadcast>>,
    ) -> Result<(), ScenarioError> {
        let Some(request) = &inputs.broadcast else {
            return Ok(());
        };
        let field = |name: &str| format!("schedule[{entry}].broadcast.{name}");
        let node = Self::lookup(config, &request.node).map_err(|m| error(field("node"), m))?;
        if request.value >= 64 {
            return Err(error(field("value"), "must be less than 64".to_string()));
        }
        actions.push(Action::Input {
            node,
            input: Send {
                value: request.value,
            },
        });
        Ok(())
    }
    fn inputs_of(config: &Config, node: NodeId, input: &Send) -> Inputs {
        Inputs {
            broadcast: Some(Request {
                node: config.names[node as usize].to_string(),
                value: input.value,
            }),
        }
    }
    fn check_timeout(_: &Config, _: NodeId, _: &str) -> Result<(), String> {
        Ok(())
    }
}

/// The run of [`compiled`], as this protocol's scenario.
const SCENARIO: &str = r#"{"version":1,"protocol":"broadcast","seed":3,"cluster":{"nodes":3},"network":{"delay_ticks_min":5,"delay_ticks_max":15,"loss":0.3,"duplicate":0.0},"schedule":[{"at":0,"broadcast":{"node":"n1","value":7}}],"until_ticks":2000}"#;

fn compiled(seed: u64, loss: f64, scheduler: SchedulerKind, broken: bool) -> Compiled<Broadcast> {
    Compiled {
        config: Arc::new(Config {
            names: vec!["n1", "n2", "n3"],
            network: NetworkSpec {
                delay_ticks_min: 5,
                delay_ticks_max: 15,
                loss,
                duplicate: 0.0,
            },
            receiver_adds_one: broken,
        }),
        seed,
        scheduler,
        schedule: vec![(
            0,
            Action::Input {
                node: 0,
                input: Send { value: 7 },
            },
        )],
        until_ticks: 2_000,
    }
}

fn run(seed: u64, loss: f64) -> Simulation<Broadcast> {
    let mut sim = Simulation::new(&compiled(seed, loss, SchedulerKind::Timed, false));
    sim.run();
    sim
}

#[test]
fn every_node_delivers_the_broadcast_value_and_the_log_says_so_in_its_words() {
    let sim = run(1, 0.0);
    assert!(sim.violations().is_empty());
    let config = sim.config();
    let sentences: Vec<String> = sim
        .log()
        .iter()
        .map(|e| e.explain(config, sim.violations()))
        .collect();
    assert_eq!(sentences[0], "n1 was asked to broadcast 7");
    assert_eq!(sentences[1], "n1 delivered 7");
    assert!(
        sentences.contains(&"n1 sent Data(7) to n2 (message 1)".to_string()),
        "{sentences:?}"
    );
    assert_eq!(
        sim.log()
            .iter()
            .filter(|e| matches!(e.kind, EventKind::Derived(_)))
            .count(),
        1,
        "everyone has it once"
    );
    assert!(sentences.contains(&"every node has delivered 7".to_string()));
    // The sender stopped resending once both acknowledged: nothing is armed at the end.
    assert!(sim.timers().iter().all(Option::is_none));
}

#[test]
fn a_run_is_a_pure_function_of_its_seed() {
    for seed in 0..50 {
        assert_eq!(run(seed, 0.3).trace_hash(), run(seed, 0.3).trace_hash());
    }
    let hashes: std::collections::BTreeSet<u64> =
        (0..50).map(|s| run(s, 0.3).trace_hash()).collect();
    assert!(
        hashes.len() > 40,
        "seeds give different runs: {}",
        hashes.len()
    );
}

#[test]
fn resending_gets_the_value_through_a_lossy_network() {
    for seed in 0..200 {
        let sim = run(seed, 0.5);
        let lost = sim.log().iter().filter(|e| e.kind.name() == "drop").count();
        let delivered = sim
            .log()
            .iter()
            .filter(|e| e.kind.name() == "deliver_value")
            .count();
        assert_eq!(
            delivered, 3,
            "seed {seed}: every node delivers once ({lost} messages lost)"
        );
    }
}

#[test]
fn crashes_and_partitions_from_the_engine_apply_to_this_protocol_too() {
    let mut c = compiled(3, 0.0, SchedulerKind::Timed, false);
    c.schedule.insert(0, (0, Action::Crash(2)));
    c.schedule.push((300, Action::Restart(2)));
    let mut sim = Simulation::new(&c);
    sim.run();
    let names: Vec<&str> = sim.log().iter().map(|e| e.kind.name()).collect();
    assert_eq!(names[0], "crash");
    // n3 misses every copy while crashed, then gets a resent one after its restart.
    let restart = names.iter().position(|n| *n == "restart").unwrap();
    let delivered_at: Vec<usize> = names
        .iter()
        .enumerate()
        .filter(|(_, n)| **n == "deliver_value")
        .map(|(i, _)| i)
        .collect();
    assert_eq!(delivered_at.len(), 3);
    assert!(delivered_at[2] > restart);
}

#[test]
fn the_exhaustive_search_runs_this_protocol_and_finds_its_broken_switch() {
    let bounds = Bounds {
        max_crashes: 0,
        max_drops: 1,
        max_duplicates: 1,
        max_rounds: 1,
        max_states: 100_000,
        gravest_only: false,
    };
    let correct = search(
        &compiled(0, 0.0, SchedulerKind::Script, false),
        bounds,
        Reduction::SleepSets,
    );
    assert!(
        correct.complete && correct.violations.is_empty(),
        "{} states",
        correct.states
    );
    assert!(correct.states > 20, "{} states", correct.states);
    // Sleep sets prune transitions, never states.
    let plain = search(
        &compiled(0, 0.0, SchedulerKind::Script, false),
        bounds,
        Reduction::None,
    );
    assert_eq!(plain.states, correct.states);

    let broken = search(
        &compiled(0, 0.0, SchedulerKind::Script, true),
        bounds,
        Reduction::SleepSets,
    );
    assert_eq!(broken.violations.len(), 1);
    assert_eq!(broken.violations[0].kind, "validity");
    let (state, path) = broken.path.expect("a path to the violation");
    assert_eq!(state.violations(), broken.violations.as_slice());
    // Replaying the path from the start reaches the same violation.
    let mut replay = Simulation::new(&Compiled {
        schedule: Vec::new(),
        until_ticks: u64::MAX,
        ..compiled(0, 0.0, SchedulerKind::Script, true)
    });
    for step in broken.inputs.iter().chain(&path) {
        replay.apply(step);
    }
    assert_eq!(replay.violations(), broken.violations.as_slice());
}

#[test]
fn the_monte_carlo_estimate_runs_this_protocol_too() {
    use paxoscope::montecarlo::{Estimator, Failure, Spec};
    // The receivers fail from the start with probability 0.5; the sender stays up. A crashed
    // receiver never delivers, so a run decides exactly when neither receiver failed.
    let spec = Spec {
        runs: 400,
        p: 0.5,
        failure: Failure::Start,
    };
    let mut estimator = Estimator::new(
        compiled(5, 0.2, SchedulerKind::Timed, false),
        vec![1, 2],
        spec,
    );
    estimator.run(spec.runs);
    let estimate = estimator.estimate(10);
    let expected = (0..spec.runs)
        .filter(|&run| estimator.crashes(run).is_empty())
        .count();
    assert_eq!(estimate.decided, expected as f64 / 400.0);
    assert!(
        estimate.decided_low <= 0.25 && 0.25 <= estimate.decided_high,
        "{estimate:?}"
    );
}

#[test]
fn a_scenario_file_runs_this_protocol_through_its_section() {
    let scenario = Scenario::<Broadcast>::from_json(SCENARIO).expect("a valid scenario");
    // The envelope writes the section back in place, byte for byte.
    assert_eq!(scenario.to_json(), SCENARIO);
    let mut from_file = Simulation::new(&scenario.compile().expect("it compiles"));
    from_file.run();
    assert_eq!(from_file.trace_hash(), run(3, 0.3).trace_hash());

    // The envelope's field-naming errors list the section's fields among its own.
    let failure =
        |text: &str| Scenario::<Broadcast>::from_json(text).and_then(|s| s.compile().map(|_| s));
    let unknown = SCENARIO.replace("\"seed\"", "\"sede\"");
    assert_eq!(
        failure(&unknown).unwrap_err().to_string(),
        "sede: unknown field `sede`, expected one of `version`, `protocol`, `seed`, `cluster`, \
         `network`, `receiver_adds_one`, `scheduler`, `schedule`, `until_ticks`"
    );
    let far = SCENARIO.replace("\"n1\"", "\"n9\"");
    assert_eq!(
        failure(&far).unwrap_err().to_string(),
        "schedule[0].broadcast.node: no node is named n9"
    );
    let empty = SCENARIO.replace(r#""broadcast":{"node":"n1","value":7}"#, r#""heal":null"#);
    assert_eq!(
        failure(&empty).unwrap_err().to_string(),
        "schedule[0]: names no intervention (broadcast, crash, restart, partition, heal, cut, \
         restore, drop, duplicate, delay)"
    );
    // A protocol the build knows, read as this one, and one it does not know.
    let paxos = SCENARIO.replace("\"broadcast\",\"seed", "\"paxos\",\"seed");
    assert_eq!(
        failure(&paxos).unwrap_err().to_string(),
        "protocol: a \"paxos\" scenario cannot run as \"broadcast\""
    );
    let raft = SCENARIO.replace("\"broadcast\",\"seed", "\"raft\",\"seed");
    assert_eq!(
        failure(&raft).unwrap_err().to_string(),
        "protocol: unknown protocol \"raft\"; this version knows \"paxos\", \"quorum-kv\", \"multipaxos\""
    );
}

#[test]
fn the_explorer_writes_its_counterexample_as_this_protocols_scenario() {
    let text = SCENARIO.replace("\"network\"", "\"receiver_adds_one\":true,\"network\"");
    let scenario = Scenario::<Broadcast>::from_json(&text).expect("a valid scenario");
    let bounds = Bounds {
        max_crashes: 0,
        max_drops: 0,
        max_duplicates: 0,
        max_rounds: 1,
        max_states: 100_000,
        gravest_only: false,
    };
    let compiled = scenario.compile().expect("it compiles");
    let report = explore_with(&scenario, &compiled, bounds, Reduction::SleepSets);
    assert_eq!(report.violations[0].kind, "validity");
    let counterexample = report.counterexample.expect("a counterexample");
    assert_eq!(counterexample.scheduler, SchedulerKind::Script);
    assert!(counterexample.section.receiver_adds_one);
    assert_eq!(
        counterexample.schedule[0].inputs.broadcast,
        Some(Request {
            node: "n1".to_string(),
            value: 7
        })
    );
    // Written out and read back, it replays to the same violation (one step a tick, where the
    // search took its steps without the clock).
    let replayed = Scenario::<Broadcast>::from_json(&counterexample.to_json()).expect("it reads");
    let mut sim = Simulation::new(&replayed.compile().expect("it compiles"));
    sim.run();
    let found = |v: &[Violation]| -> Vec<(String, String)> {
        v.iter()
            .map(|v| (v.kind.to_string(), v.explanation.clone()))
            .collect()
    };
    assert_eq!(found(sim.violations()), found(&report.violations));
}
