//! The WebAssembly binding: the only module that knows about JavaScript.
//!
//! JavaScript gets small, copyable results (strings, plain objects parsed from the JSON the core
//! writes), one view per frame rather than one call per message, and never protocol state to interpret:
//! every label, colour and sentence it shows is decided by the core. Ticks cross as JavaScript
//! numbers (exact up to 2^53, far beyond any run's length).

use crate::json::ToJson;
use crate::play::Playground;
use crate::present::Present;
#[cfg(feature = "explorer")]
use crate::protocols::paxos::Scenario;
use crate::protocols::Page;
use crate::scenario::ScenarioError;
use wasm_bindgen::prelude::*;

#[cfg(target_arch = "wasm32")]
pub(crate) mod floats;

// The page's wasm allocates with talc rather than Rust's default dlmalloc: about 2.7 KB smaller
// gzipped, and faster by talc's wasm benchmarks. Single-threaded wasm (no atomics) is what talc's
// WasmDynamicTalc is for. The explorer's build keeps dlmalloc, so that its speed against native
// (scripts/bench-wasm.mjs) is measured as before.
#[cfg(all(
    target_arch = "wasm32",
    not(target_feature = "atomics"),
    not(feature = "explorer")
))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// The crate's version, so the page can say which core it runs.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

fn error(e: ScenarioError) -> JsError {
    JsError::new(&e.to_string())
}

/// `value` as a plain JavaScript object: its JSON, parsed by `JSON.parse`. Writing JSON in Rust
/// and parsing it in JavaScript takes far less wasm than building the object field by field
/// (serde-wasm-bindgen was about 6 KB of the page's wasm, gzipped), and one call rather than one
/// per field.
fn to_js<T: ToJson + ?Sized>(value: &T) -> JsValue {
    json_parse(&value.to_json_text())
}

#[wasm_bindgen]
extern "C" {
    /// Never throws here: the core writes valid JSON.
    #[wasm_bindgen(js_namespace = JSON, js_name = parse)]
    fn json_parse(text: &str) -> JsValue;
}

/// Runs swarm seeds `from .. from + count` with the event log on and returns the number of
/// events: the benchmark compares this, timed in JavaScript, with the native CLI's
/// `swarm --log on`. Only in the `explorer` build, which the page does not fetch on load.
#[cfg(feature = "explorer")]
#[wasm_bindgen(js_name = benchSwarm)]
pub fn bench_swarm(from: f64, count: f64) -> f64 {
    let from = from.max(0.0) as u64;
    (from..from + count.max(0.0) as u64)
        .map(|seed| crate::swarm::run_seed(seed, None, true).events())
        .sum::<u64>() as f64
}

/// Explores every interleaving of a scenario's start within bounds (see `explore/`) and
/// returns `{states, transitions, complete, violations, counterexample, gravest_not_found}`,
/// the counterexample being scenario JSON that replays the violation, or null, and
/// `gravest_not_found` the protocol's gravest violation in words when the counterexample breaks
/// only lesser rules. With `gravest_only` only that one stops the search. `progress(states, depth)` hears
/// how far it has got every few hundred thousand transitions. The page runs this in a worker,
/// from the `explorer` build, so that the wasm the page fetches on load does not carry it.
#[cfg(feature = "explorer")]
#[wasm_bindgen(js_name = exploreScenario)]
// The bounds come as plain numbers, which cross into wasm without an object to read.
#[allow(clippy::too_many_arguments)]
pub fn explore_scenario(
    json: &str,
    max_crashes: u32,
    max_drops: u32,
    max_duplicates: u32,
    max_rounds: u32,
    max_states: u32,
    gravest_only: bool,
    progress: &js_sys::Function,
) -> Result<JsValue, JsError> {
    // The search is the engine's, for any protocol: the scenario's `protocol` picks which.
    let bounds = crate::explore::Bounds {
        max_crashes,
        max_drops,
        max_duplicates,
        max_rounds,
        max_states: max_states as usize,
        gravest_only,
    };
    let found = match crate::scenario::protocol_of(json) {
        "quorum-kv" => explore_as::<crate::protocols::quorum_kv::QuorumKv>(json, bounds, progress),
        "multipaxos" => {
            explore_as::<crate::protocols::multipaxos::MultiPaxos>(json, bounds, progress)
        }
        _ => explore_as::<crate::protocols::paxos::Paxos>(json, bounds, progress),
    }?;
    Ok(to_js(&found))
}

/// What a search found, for the search worker.
#[cfg(feature = "explorer")]
struct Found {
    states: usize,
    transitions: u64,
    complete: bool,
    violations: Vec<crate::sim::violation::Violation>,
    counterexample: Option<String>,
    /// The protocol's gravest violation in words, when the counterexample breaks only lesser
    /// rules: the page offers to keep searching for it.
    gravest_not_found: Option<&'static str>,
}

#[cfg(feature = "explorer")]
impl ToJson for Found {
    fn write(&self, out: &mut String) {
        use crate::json::{close, field, field_if_some};
        out.push('{');
        field(out, "states", &self.states);
        field(out, "transitions", &self.transitions);
        field(out, "complete", &self.complete);
        field(out, "violations", &self.violations);
        field_if_some(out, "counterexample", &self.counterexample);
        field_if_some(out, "gravest_not_found", &self.gravest_not_found);
        close(out, '}');
    }
}

#[cfg(feature = "explorer")]
fn explore_as<P: crate::scenario::ScenarioSection>(
    json: &str,
    bounds: crate::explore::Bounds,
    progress: &js_sys::Function,
) -> Result<Found, JsError> {
    let scenario = crate::scenario::Scenario::<P>::from_json(json).map_err(error)?;
    let compiled = scenario.compile().map_err(error)?;
    // Called a few times a second with (states, depth); what it throws is ignored, since a
    // progress line that cannot be shown must not stop the search.
    let report = crate::explore::explore_reporting(
        &scenario,
        &compiled,
        bounds,
        crate::explore::Reduction::SleepSets,
        |p| {
            let _ = progress.call2(
                &JsValue::NULL,
                &JsValue::from(p.states as f64),
                &JsValue::from(p.depth as f64),
            );
        },
    );
    // The violation that stopped a search for the gravest comes first, as the page reports
    // the first; lesser ones met on the way keep their order after it.
    let mut violations = report.violations;
    if let (true, Some((kind, _))) = (
        bounds.gravest_only,
        <P as crate::sim::protocol::Describe>::GRAVEST,
    ) {
        crate::sort::sort_by_key(&mut violations, |v| v.kind != kind);
    }
    Ok(Found {
        states: report.states,
        transitions: report.transitions,
        complete: report.complete,
        gravest_not_found: crate::explore::gravest_not_found::<P>(&violations),
        violations,
        counterexample: report.counterexample.map(|s| s.to_json()),
    })
}

/// The legend under the drawing: each node shape and what it stands for.
#[wasm_bindgen]
pub fn legend() -> JsValue {
    to_js(<Page as Present>::LEGEND)
}

/// The scenario the page opens with, as JSON text.
#[wasm_bindgen(js_name = defaultScenario)]
pub fn default_scenario() -> String {
    <Page as Present>::DEFAULT_SCENARIO.to_string()
}

/// The exhaustive search's bounds, for the search form: name, label, default, largest.
#[wasm_bindgen(js_name = searchBounds)]
pub fn search_bounds() -> JsValue {
    to_js(&crate::play::search_bounds::<Page>()[..])
}

/// One run the page plays: see [`Playground`].
#[wasm_bindgen(js_name = Playground)]
pub struct WasmPlayground {
    inner: Playground<Page>,
}

#[wasm_bindgen(js_class = Playground)]
impl WasmPlayground {
    /// Starts a run from scenario JSON; throws an error naming the bad field.
    #[wasm_bindgen(constructor)]
    pub fn new(json: &str) -> Result<WasmPlayground, JsError> {
        Ok(WasmPlayground {
            inner: Playground::<Page>::new(json).map_err(error)?,
        })
    }

    /// Everything the page draws for the current time: nodes, messages in flight, status line,
    /// chosen value and quorum, violations.
    pub fn view(&self) -> JsValue {
        to_js(&self.inner.view())
    }

    /// Moves the time cursor to `tick`, forward or back.
    pub fn seek(&mut self, tick: f64) {
        self.inner.seek(tick.max(0.0) as u64);
    }

    /// Moves to `tick` and then steps until `actions` events have happened: reopens a state
    /// someone reached with Step.
    #[wasm_bindgen(js_name = seekActions)]
    pub fn seek_actions(&mut self, tick: f64, actions: f64) {
        self.inner
            .seek_actions(tick.max(0.0) as u64, actions.max(0.0) as u64);
    }

    /// Moves to just after event `index`, which happened at `tick`: where a timeline marker or
    /// a log entry points.
    #[wasm_bindgen(js_name = seekEvent)]
    pub fn seek_event(&mut self, tick: f64, index: f64) {
        self.inner
            .seek_event(tick.max(0.0) as u64, index.max(0.0) as u64);
    }

    /// The number of single events performed so far (a link records it with the tick).
    pub fn actions(&self) -> f64 {
        self.inner.sim().actions() as f64
    }

    /// The scenario as indented JSON, for downloading.
    #[wasm_bindgen(js_name = scenarioJsonPretty)]
    pub fn scenario_json_pretty(&self) -> String {
        self.inner.scenario().to_json_pretty()
    }

    /// Performs the next single event; false when the run is over.
    pub fn step(&mut self) -> bool {
        self.inner.step()
    }

    /// Goes back to just before the most recent event.
    #[wasm_bindgen(js_name = stepBack)]
    pub fn step_back(&mut self) {
        self.inner.step_back();
    }

    /// Goes back to the start of the run, before anything happened at tick 0.
    pub fn rewind(&mut self) {
        self.inner.rewind();
    }

    /// Applies an intervention (a schedule entry without `at`, as JSON) now; returns its tick.
    pub fn intervene(&mut self, json: &str) -> Result<f64, JsError> {
        self.inner.intervene(json).map(|t| t as f64).map_err(error)
    }

    /// Up to `count` log entries from event index `from`.
    /// The index of the first log entry at or after `tick`.
    #[wasm_bindgen(js_name = firstEventAt)]
    pub fn first_event_at(&self, tick: f64) -> f64 {
        self.inner.first_event_at(tick.max(0.0) as u64) as f64
    }

    /// How many of the person's later interventions the last intervention discarded.
    pub fn discarded(&self) -> f64 {
        self.inner.discarded() as f64
    }

    #[wasm_bindgen(js_name = eventsSince)]
    pub fn events_since(&self, from: f64, count: usize) -> JsValue {
        to_js(&self.inner.events_since(from.max(0.0) as u64, count))
    }

    /// Timeline markers (proposals, crashes, partitions, choices, learning, violations) up to
    /// the furthest tick computed.
    pub fn markers(&self) -> JsValue {
        to_js(self.inner.markers())
    }

    /// The scenario with every intervention made so far, as JSON.
    #[wasm_bindgen(js_name = scenarioJson)]
    pub fn scenario_json(&self) -> String {
        self.inner.scenario().to_json()
    }

    /// The event log up to the cursor as JSON lines, as the CLI's `--trace` writes it.
    #[wasm_bindgen(js_name = traceJsonl)]
    pub fn trace_jsonl(&self) -> String {
        self.inner.sim().trace_jsonl()
    }

    /// The clients' history up to the cursor, as lanes, with the operations that overlap ticks
    /// `from..=to`; null for a protocol without clients.
    #[wasm_bindgen(js_name = historyLanes)]
    pub fn history_lanes(&self, from: f64, to: f64) -> JsValue {
        match self.inner.lanes(from.max(0.0) as u64, to.max(0.0) as u64) {
            Some(lanes) => to_js(&lanes),
            None => JsValue::NULL,
        }
    }

    /// The clients' history up to the cursor as a history file, with the checker's verdict;
    /// empty for a protocol without clients.
    #[wasm_bindgen(js_name = historyJson)]
    pub fn history_json(&self) -> String {
        self.inner
            .history()
            .map(|history| history.to_json())
            .unwrap_or_default()
    }

    /// The digest of the event log up to the cursor, as 16 hex digits.
    #[wasm_bindgen(js_name = traceHash)]
    pub fn trace_hash(&self) -> String {
        format!("{:016x}", self.inner.sim().trace_hash())
    }
}

/// A Monte Carlo estimate in progress (see `montecarlo.rs`), for the Quorums tab's worker: it
/// runs a slice at a time, so that the worker can report progress and the page can cancel
/// between slices. Only in the `explorer` build, which workers fetch.
#[cfg(feature = "explorer")]
#[wasm_bindgen]
pub struct MonteCarlo {
    scenario: Scenario,
    estimator: crate::montecarlo::Estimator<crate::protocols::paxos::Paxos>,
}

#[cfg(feature = "explorer")]
#[wasm_bindgen]
impl MonteCarlo {
    /// `failure` is `start` or `uniform`; `acceptors`, as the person typed it, resizes the
    /// cluster unless empty (see `Estimator::resized`). Every bad argument is an error naming
    /// it.
    #[wasm_bindgen(constructor)]
    pub fn new(
        json: &str,
        runs: f64,
        p: f64,
        failure: &str,
        acceptors: &str,
    ) -> Result<MonteCarlo, JsError> {
        use crate::montecarlo::{Estimator, Failure, Spec};
        let failure = Failure::from_name(failure).ok_or_else(|| {
            JsError::new(&format!(
                "failure: expected {}, not {failure:?}",
                Failure::NAMES.join(" or ")
            ))
        })?;
        // NaN and fractions are not whole numbers of runs; `check` then names the field.
        let runs = if runs.fract() == 0.0 && runs >= 0.0 {
            runs as u64
        } else {
            0
        };
        let spec = Spec { runs, p, failure };
        spec.check().map_err(|e| JsError::new(&e))?;
        let protocol = crate::scenario::protocol_of(json);
        if protocol != <crate::protocols::paxos::Paxos as crate::scenario::ScenarioSection>::NAME {
            return Err(JsError::new(&format!(
                "the Monte Carlo estimate times Paxos runs to a value chosen, and this run is \"{protocol}\"; the analysis above applies to its quorums"
            )));
        }
        let mut scenario = Scenario::from_json(json).map_err(error)?;
        if !acceptors.is_empty() {
            let size = acceptors.parse().map_err(|_| {
                JsError::new(&format!(
                    "sizes: {acceptors:?} is not a whole number of acceptors"
                ))
            })?;
            scenario = Estimator::resized(&scenario, size)
                .map_err(|e| JsError::new(&format!("with {acceptors} acceptors, {e}")))?;
        }
        let estimator = Estimator::for_scenario(&scenario, spec).map_err(error)?;
        Ok(MonteCarlo {
            scenario,
            estimator,
        })
    }

    /// Runs up to `count` more runs and returns how many are done.
    pub fn run(&mut self, count: f64) -> f64 {
        self.estimator.run(count.max(0.0) as u64);
        self.estimator.done() as f64
    }

    /// The estimate so far, its curve sampled at `points + 1` ticks.
    pub fn estimate(&self, points: u32) -> JsValue {
        to_js(&self.estimator.estimate(points as usize))
    }

    /// The cluster in a few words, for the chart's legend.
    pub fn label(&self) -> String {
        self.estimator.label()
    }

    /// The exact probability that a quorum of each phase is up with failures from the start,
    /// as the chart's dotted reference line: `{name, y}`.
    pub fn exact(&self) -> JsValue {
        struct Reference {
            name: String,
            y: f64,
        }
        crate::json::json_object!(Reference { name, y });
        to_js(&Reference {
            name: format!("exact, quorums up ({})", self.estimator.label()),
            y: self.estimator.exact(),
        })
    }

    /// Run `run` as scenario JSON that replays it in the page.
    #[wasm_bindgen(js_name = scenarioForRun)]
    pub fn scenario_for_run(&self, run: f64) -> String {
        self.estimator
            .scenario_for_run(&self.scenario, run.max(0.0) as u64)
            .to_json()
    }
}

/// The Setup panel's form for scenario `json`: groups of fields (see
/// [`crate::play::SetupGroup`]), for the Setup panel's worker; the scenario's `protocol` picks
/// the protocol's form.
#[cfg(feature = "explorer")]
#[wasm_bindgen(js_name = setupForm)]
pub fn setup_form(json: &str) -> Result<JsValue, JsError> {
    use crate::play::form::setup_form;
    match crate::scenario::protocol_of(json) {
        "quorum-kv" => setup_form::<crate::protocols::quorum_kv::QuorumKv>(json),
        "multipaxos" => setup_form::<crate::protocols::multipaxos::MultiPaxos>(json),
        _ => setup_form::<crate::protocols::paxos::Paxos>(json),
    }
    .map(|form| to_js(&form[..]))
    .map_err(error)
}

/// What a submitted Setup form makes of scenario `json` (`changes` holds the touched
/// fields): the scenario's JSON and the sentences saying what of the schedule it dropped.
#[cfg(feature = "explorer")]
#[wasm_bindgen(js_name = applySetup)]
pub fn apply_setup(json: &str, changes: &str) -> Result<JsValue, JsError> {
    use crate::play::form::apply_setup;
    match crate::scenario::protocol_of(json) {
        "quorum-kv" => apply_setup::<crate::protocols::quorum_kv::QuorumKv>(json, changes),
        "multipaxos" => apply_setup::<crate::protocols::multipaxos::MultiPaxos>(json, changes),
        _ => apply_setup::<crate::protocols::paxos::Paxos>(json, changes),
    }
    .map(|result| to_js(&result))
    .map_err(error)
}

/// The Quorums tab's form (see `play/lens.rs`), for its worker.
#[cfg(feature = "explorer")]
#[wasm_bindgen(js_name = quorumForm)]
pub fn quorum_form() -> JsValue {
    json_parse(crate::play::lens::LENS_FORM)
}

/// The exact analysis of a quorum system (SYSTEM.json, as `paxoscope quorum` reads it) under
/// `options_json` (`{"p", "read_fraction", "curve"}`), as JSON text: what the CLI prints, plus
/// the curves when asked. Bad input is an error naming the field.
#[cfg(feature = "explorer")]
#[wasm_bindgen(js_name = analyzeQuorums)]
pub fn analyze_quorums(system_json: &str, options_json: &str) -> Result<String, JsError> {
    use crate::json::{parse, Value};
    use crate::play::lens::{LensOptions, LensSystem};
    use crate::play::report::analyse;
    let lens = LensSystem::from_json(system_json).map_err(error)?;
    let options = parse(options_json).map_err(|e| JsError::new(e.message))?;
    let Value::Object(entries) = &options else {
        return Err(JsError::new("options: must be an object"));
    };
    let number = |name: &str, default: f64| -> Result<f64, JsError> {
        match entries.iter().find(|(k, _)| k == name).map(|(_, v)| v) {
            None => Ok(default),
            Some(Value::Number(text)) => Ok(crate::json::parse_f64(text)),
            Some(_) => Err(JsError::new(&format!("{name}: must be a number"))),
        }
    };
    let curve = entries
        .iter()
        .any(|(k, v)| k == "curve" && *v == Value::Bool(true));
    let options = LensOptions::new(
        lens.names.len(),
        vec![number("p", 0.1)?],
        number("read_fraction", 0.5)?,
        None,
        curve,
    )
    .map_err(error)?;
    Ok(analyse(&lens, &options).map_err(error)?.to_json_text())
}

/// The quorum system of a scenario, as the lens's JSON over the run's acceptors.
#[cfg(feature = "explorer")]
#[wasm_bindgen(js_name = quorumOfScenario)]
pub fn quorum_of_scenario(scenario_json: &str) -> Result<String, JsError> {
    use crate::play::lens::LensSystem;
    fn of<P: Present>(json: &str) -> Result<LensSystem, ScenarioError> {
        LensSystem::of_scenario(&crate::scenario::Scenario::<P>::from_json(json)?)
    }
    match crate::scenario::protocol_of(scenario_json) {
        "quorum-kv" => of::<crate::protocols::quorum_kv::QuorumKv>(scenario_json),
        "multipaxos" => of::<crate::protocols::multipaxos::MultiPaxos>(scenario_json),
        _ => of::<crate::protocols::paxos::Paxos>(scenario_json),
    }
    .map(|lens| lens.to_json_text())
    .map_err(error)
}

/// The scenario with a lens system as its quorum ("Use in the run"), as JSON text.
#[cfg(feature = "explorer")]
#[wasm_bindgen(js_name = scenarioWithQuorum)]
pub fn scenario_with_quorum(scenario_json: &str, system_json: &str) -> Result<String, JsError> {
    use crate::play::lens::LensSystem;
    fn with<P: Present>(json: &str, lens: &LensSystem) -> Result<String, ScenarioError> {
        let scenario = crate::scenario::Scenario::<P>::from_json(json)?;
        Ok(lens.into_scenario(&scenario)?.to_json())
    }
    let lens = LensSystem::from_json(system_json).map_err(error)?;
    match crate::scenario::protocol_of(scenario_json) {
        "quorum-kv" => with::<crate::protocols::quorum_kv::QuorumKv>(scenario_json, &lens),
        "multipaxos" => with::<crate::protocols::multipaxos::MultiPaxos>(scenario_json, &lens),
        _ => with::<crate::protocols::paxos::Paxos>(scenario_json, &lens),
    }
    .map_err(error)
}

/// A client history file checked for linearizability and laid out for the History tab (see
/// `play/history.rs`), as JSON text; at most `steps_max` steps of search (the default when 0).
/// A malformed history is an error naming the field.
#[cfg(feature = "explorer")]
#[wasm_bindgen(js_name = viewHistory)]
pub fn view_history(text: &str, steps_max: f64) -> Result<String, JsError> {
    use crate::check::linearizability::STEPS_MAX_DEFAULT;
    let steps_max = if steps_max >= 1.0 {
        steps_max as u64
    } else {
        STEPS_MAX_DEFAULT
    };
    let view = crate::play::history::view_history(text, steps_max)
        .map_err(|e| JsError::new(&e.to_string()))?;
    Ok(view.to_json_text())
}
