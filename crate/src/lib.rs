//! Paxoscope's consensus core.
//!
//! Protocols are pure state machines ([`protocols`]); a deterministic simulation ([`sim`]) gives them
//! a network and a clock made of ticks; a safety checker (each protocol's `check`) watches every event; an
//! exhaustive explorer ([`explore`]) tries every interleaving within bounds; swarm testing
//! ([`swarm`]) draws whole scenarios from seeds. Runs are described by the public, versioned
//! [`scenario`] format. Nothing here does I/O, reads a clock, or uses global randomness: the
//! same scenario gives the same run natively and in WebAssembly. Only [`wasm`] knows about
//! JavaScript.

pub mod check;
pub mod clients;
pub mod explore;
pub mod hash;
pub mod json;
pub mod montecarlo;
pub mod play;
pub mod present;
pub mod protocols;
pub mod quorum;
pub mod rng;
pub mod scenario;
pub mod sim;
pub mod sort;
pub mod swarm;
pub mod wasm;

pub use protocols::paxos::Scenario;
pub use protocols::paxos::Simulation;

/// Parses, checks and runs a scenario to its end.
pub fn run_scenario(json: &str) -> Result<Simulation, scenario::ScenarioError> {
    let compiled = Scenario::from_json(json)?.compile()?;
    let mut sim = Simulation::new(&compiled);
    sim.run();
    Ok(sim)
}
