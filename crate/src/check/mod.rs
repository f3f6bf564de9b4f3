//! Linearizability checking of client histories.
//!
//! (module doc to be written)

pub mod history;
pub mod linearizability;

pub use history::{History, HistoryError};
pub use linearizability::{check, Report, Verdict, Violation, STEPS_MAX_DEFAULT};
