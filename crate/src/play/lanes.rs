//! The run's client history as the page draws it under the space-time diagram: a lane per
//! client, each operation a bar from the tick it was called to the tick it returned, open-ended
//! while it runs or when its outcome is unknown, and, once the history breaks linearizability,
//! the operation that cannot be placed and those it conflicts with marked. Only the operations
//! in the diagram's window are sent, so that a long workload costs the page no more than a
//! lesson.

use super::*;
use crate::json::json_object;

/// One operation's bar.
pub struct LaneOp {
    /// The index of its client's lane in [`Lanes::clients`].
    pub lane: usize,
    /// `put(x, "1")`.
    pub call: String,
    /// What it returned (`ok`, `"1"`, `true`); `None` while it runs, or for good when its
    /// client gave it up or crashed.
    pub output: Option<String>,
    pub call_tick: u64,
    pub return_tick: Option<u64>,
    /// `failing` for the operation that cannot be placed, `conflict` for those it conflicts
    /// with.
    pub mark: Option<&'static str>,
}
json_object!(LaneOp { lane, call, output?, call_tick, return_tick?, mark? });

pub struct Lanes {
    /// The clients' names, one lane each.
    pub clients: Vec<String>,
    pub ops: Vec<LaneOp>,
    /// How many operations the history has so far, in and out of the window.
    pub total: usize,
    pub returned: usize,
}
json_object!(Lanes {
    clients,
    ops,
    total,
    returned
});

impl<P: Present> Playground<P> {
    /// The clients' history up to the cursor, with the operations that overlap ticks
    /// `from_tick..=to_tick`; `None` for a protocol without clients.
    pub fn lanes(&self, from_tick: u64, to_tick: u64) -> Option<Lanes> {
        let clients = P::clients(&self.sim)?;
        let config = self.sim.config();
        let mut ops = Vec::new();
        for (index, op) in clients.recorder.ops.iter().enumerate() {
            let end = op.return_tick();
            if op.call_tick() > to_tick || end.is_some_and(|end| end < from_tick) {
                continue;
            }
            let mark = clients.failing.and_then(|(failing, conflicts)| {
                if failing == index {
                    Some("failing")
                } else {
                    conflicts.contains(&index).then_some("conflict")
                }
            });
            ops.push(LaneOp {
                lane: clients
                    .nodes
                    .iter()
                    .position(|&node| node == op.client)
                    .unwrap_or(0),
                call: clients.names.request_text(&op.request),
                output: op
                    .returned
                    .map(|(_, reply)| clients.names.reply_text(&reply)),
                call_tick: op.call_tick(),
                return_tick: end,
                mark,
            });
        }
        Some(Lanes {
            clients: clients
                .nodes
                .iter()
                .map(|&node| P::node_name(config, node).to_string())
                .collect(),
            ops,
            total: clients.recorder.ops.len(),
            returned: clients
                .recorder
                .ops
                .iter()
                .filter(|op| op.returned.is_some())
                .count(),
        })
    }

    /// The clients' history up to the cursor in the format of `shared/histories/`, with the
    /// checker's verdict on it, as a file to download; `None` for a protocol without clients.
    pub fn history(&self) -> Option<crate::check::History> {
        let clients = P::clients(&self.sim)?;
        let source = format!("paxoscope, {}, seed {}", P::NAME, self.sim.seed());
        Some(clients.recorder.judged_history(clients.names, source))
    }
}
