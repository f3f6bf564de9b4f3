//! The Setup panel of a scenario: its form and what a submitted form makes, written once; the
//! fields are the protocol's ([`Present::setup_form`]) and the shared ones of
//! `crate::present::setup`.
//!
//! They take a scenario rather than a running [`Playground`]: the page asks the search
//! worker's wasm for them (scripts/build.sh), so that the wasm every page load fetches does not
//! carry the forms, about 7.6 KB of it gzipped (measured by building it without them).

use super::Playground;
use crate::present::setup::{bad, Changes, SetupField, SetupGroup, SetupResult};
use crate::present::Present;
use crate::scenario::{Scenario, ScenarioError};

/// The Setup form for scenario `json`: the protocol's groups, then the run's seed and length.
pub fn setup_form<P: Present>(json: &str) -> Result<Vec<SetupGroup>, ScenarioError> {
    let scenario = Scenario::<P>::from_json(json)?;
    let compiled = scenario.compile()?;
    Ok(form_of(&scenario, &compiled.config))
}

fn form_of<P: Present>(scenario: &Scenario<P>, config: &P::Config) -> Vec<SetupGroup> {
    let mut groups = P::setup_form(scenario, config);
    groups.push(SetupGroup {
        legend: "Run",
        fields: vec![
            SetupField {
                value: scenario.seed.to_string(),
                ..SetupField::new("seed", "text", "Seed")
            },
            SetupField::ticks("until_ticks", "Run length in ticks", scenario.until_ticks),
        ],
        warning: None,
    });
    groups
}

/// Scenario `json` with the changes a submitted Setup form makes, as JSON text: `changes` is a
/// JSON object of the fields the person touched, each a string (the checkboxes: a list of the
/// ones on). Fields not named keep the scenario's values. A new cluster keeps what of the
/// schedule its nodes can take, and the result says what it dropped.
pub fn apply_setup<P: Present>(json: &str, changes: &str) -> Result<SetupResult, ScenarioError> {
    apply_to(&Scenario::<P>::from_json(json)?, changes)
}

fn apply_to<P: Present>(old: &Scenario<P>, changes: &str) -> Result<SetupResult, ScenarioError> {
    let changes = Changes::parse(changes)?;
    let (mut scenario, dropped) = P::apply_setup(old, &changes)?;
    if let Some(t) = changes.text("seed") {
        scenario.seed = t.trim().parse::<u64>().map_err(|_| {
            bad(
                "seed",
                format!("must be a whole number from 0 to 2^64 - 1, not \"{t}\""),
            )
        })?;
    }
    if let Some(ticks) = changes.ticks("until_ticks")? {
        scenario.until_ticks = ticks;
    }
    // What the form made must be a scenario the core runs; the error names its field.
    scenario.compile()?;
    Ok(SetupResult {
        scenario: scenario.to_json(),
        dropped,
    })
}

impl<P: Present> Playground<P> {
    /// The Setup form for the current scenario (see [`setup_form`]).
    pub fn setup_form(&self) -> Vec<SetupGroup> {
        form_of(&self.scenario, &self.config)
    }

    /// The current scenario with a submitted Setup form's changes (see [`apply_setup`]).
    pub fn apply_setup(&self, changes: &str) -> Result<SetupResult, ScenarioError> {
        apply_to(&self.scenario, changes)
    }
}
