//! The Setup panel of a run: the form for the current scenario and what a submitted form
//! makes, written once; the fields are the protocol's ([`Present::setup_form`]) and the shared
//! ones of `crate::present::setup`.

use super::Playground;
use crate::present::setup::{bad, Changes, SetupField, SetupGroup, SetupResult};
use crate::present::Present;
use crate::scenario::ScenarioError;

impl<P: Present> Playground<P> {
    /// The Setup form for the current scenario: the protocol's groups, then the run's seed.
    pub fn setup_form(&self) -> Vec<SetupGroup> {
        let mut groups = P::setup_form(&self.scenario, &self.config);
        groups.push(SetupGroup {
            legend: "Run",
            fields: vec![SetupField {
                value: self.scenario.seed.to_string(),
                ..SetupField::new("seed", "text", "Seed")
            }],
            warning: None,
        });
        groups
    }

    /// The current scenario with the changes a submitted Setup form makes, as JSON text:
    /// `changes` is a JSON object of the fields the person touched, each a string (the
    /// checkboxes: a list of the ones on). Fields not named keep the scenario's values.
    /// A new cluster keeps what of the schedule its nodes can take, and the result says what
    /// it dropped.
    pub fn apply_setup(&self, changes: &str) -> Result<SetupResult, ScenarioError> {
        let changes = Changes::parse(changes)?;
        let (mut scenario, dropped) = P::apply_setup(&self.scenario, &changes)?;
        if let Some(t) = changes.text("seed") {
            scenario.seed = t.trim().parse::<u64>().map_err(|_| {
                bad(
                    "seed",
                    format!("must be a whole number from 0 to 2^64 - 1, not \"{t}\""),
                )
            })?;
        }
        // What the form made must be a scenario the core runs; the error names its field.
        scenario.compile()?;
        Ok(SetupResult {
            scenario: scenario.to_json(),
            dropped,
        })
    }
}
