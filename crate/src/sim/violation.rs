//! A broken safety property, as every protocol's checker reports it: data with a sentence that
//! explains it, never a panic.

use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Violation {
    /// The property's name, in snake case (`agreement`, `promise_decreased`): the protocol's
    /// checker lists the names it reports.
    pub kind: &'static str,
    pub tick: u64,
    /// Indices into the event log of the events that together break the property.
    pub events: Vec<u32>,
    pub explanation: String,
}
