//! The WebAssembly binding: the only module that knows about JavaScript.
//!
//! JavaScript gets small, copyable results (strings, plain objects made by serde-wasm-bindgen)
//! and never protocol state to interpret: every label and colour it shows is decided here or
//! in the core.

use crate::scenario::Scenario;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// The crate's version, so the page can say which core it runs.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

#[derive(Serialize)]
struct Summary {
    version: &'static str,
    acceptors: usize,
    phase1_quorum_size_min: usize,
    phase2_quorum_size_min: usize,
    outcome: crate::sim::Outcome,
}

/// Runs a scenario to its end and returns a summary of its outcome.
#[wasm_bindgen(js_name = runScenario)]
pub fn run_scenario(json: &str) -> Result<JsValue, JsError> {
    let compiled = Scenario::from_json(json)
        .and_then(|s| s.compile())
        .map_err(|e| JsError::new(&e.to_string()))?;
    let mut sim = crate::Simulation::new(&compiled);
    sim.run();
    let quorum = &sim.config().quorum;
    let summary = Summary {
        version: env!("CARGO_PKG_VERSION"),
        acceptors: quorum.acceptors(),
        phase1_quorum_size_min: (0..=quorum.acceptors())
            .find(|k| quorum.is_phase1_quorum((1u32 << k) - 1))
            .unwrap_or(0),
        phase2_quorum_size_min: quorum.phase2_size_min(),
        outcome: sim.outcome(),
    };
    serde_wasm_bindgen::to_value(&summary).map_err(|e| JsError::new(&e.to_string()))
}
