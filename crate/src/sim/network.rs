//! The simulated network's settings: how long a message takes, and how often the network loses
//! or copies one. A scenario's `network` field; the same for every protocol.

use serde::Serialize;

/// Delays are drawn uniformly from `delay_ticks_min..=delay_ticks_max`; `loss` and `duplicate`
/// are probabilities per message.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NetworkSpec {
    pub delay_ticks_min: u64,
    pub delay_ticks_max: u64,
    pub loss: f64,
    pub duplicate: f64,
}

impl Default for NetworkSpec {
    fn default() -> Self {
        NetworkSpec {
            delay_ticks_min: 10,
            delay_ticks_max: 20,
            loss: 0.0,
            duplicate: 0.0,
        }
    }
}
