//! The playground's view of a run, for the page: the per-frame view and the log entries, built
//! from the protocol's presentation ([`Present`]).

use super::*;
use crate::json::json_object;

/// One bound of the exhaustive search, as the Setup panel's search form shows it.
#[derive(Serialize)]
pub struct SearchBound {
    pub name: &'static str,
    pub label: &'static str,
    pub value: u64,
    pub max: u64,
}

/// The search's bounds for protocol `P`, with small defaults: each extra fault or round
/// multiplies the states to visit. The page sends them back by name to `exploreScenario`;
/// `rounds` bounds what the protocol's `Protocol::progress` counts, in its words.
pub fn search_bounds<P: Present>() -> [SearchBound; 5] {
    [
        SearchBound {
            name: "crashes",
            label: "Crashes at most",
            value: 0,
            max: 3,
        },
        SearchBound {
            name: "drops",
            label: "Dropped messages at most",
            value: 0,
            max: 3,
        },
        SearchBound {
            name: "duplicates",
            label: "Duplicated messages at most",
            value: 0,
            max: 3,
        },
        SearchBound {
            name: "rounds",
            label: P::ROUNDS_LABEL,
            value: P::SEARCH_ROUNDS,
            max: 4,
        },
        SearchBound {
            name: "states",
            label: "Stop after this many states",
            value: 200_000,
            max: 5_000_000,
        },
    ]
}

impl<P: Present> Playground<P> {
    /// The index of the first event at or after `tick`: where the page starts fetching the log
    /// after a jump, since it draws only the latest ticks.
    pub fn first_event_at(&self, tick: u64) -> u64 {
        self.sim.log().partition_point(|event| event.tick < tick) as u64
    }

    /// Log entries from `from` (an event index), at most `count` of them.
    pub fn events_since(&self, from: u64, count: usize) -> Vec<EventView> {
        let log = self.sim.log();
        let config = &self.config;
        let start = (from as usize).min(log.len());
        log[start..]
            .iter()
            .take(count)
            .enumerate()
            .map(|(i, event)| {
                let (mut peer, mut message, mut color, mut lost) = (None, None, None, None);
                let mut copy_of = None;
                let node = match event.kind {
                    EventKind::Send { id, from, to, msg } => {
                        (peer, message) = (Some(to), Some(id));
                        color = Some(P::message_color(config, &msg));
                        Some(from)
                    }
                    EventKind::Deliver { id, from, to, msg } => {
                        (peer, message) = (Some(from), Some(id));
                        color = Some(P::message_color(config, &msg));
                        Some(to)
                    }
                    EventKind::Lost {
                        id,
                        from,
                        to,
                        msg,
                        reason,
                    } => {
                        (peer, message) = (Some(from), Some(id));
                        color = Some(P::message_color(config, &msg));
                        lost = Some(reason);
                        Some(to)
                    }
                    EventKind::Duplicate { id, copy, .. } => {
                        (message, copy_of) = (Some(copy), Some(id));
                        None
                    }
                    other => other.nodes().0,
                };
                EventView {
                    index: (start + i) as u64,
                    tick: event.tick,
                    kind: event.kind.name(),
                    narrated: P::NARRATED.contains(&event.kind.name()),
                    text: event.explain(config, self.sim.violations()),
                    node,
                    peer,
                    message,
                    color,
                    lost,
                    copy_of,
                }
            })
            .collect()
    }

    /// What the protocol's presentation reads.
    pub fn frame(&self) -> Frame<'_, P> {
        Frame {
            sim: &self.sim,
            config: &self.config,
        }
    }

    pub fn view(&self) -> View {
        let sim = &self.sim;
        let config = &self.config;
        let frame = self.frame();
        let nodes = (0..P::node_count(config))
            .map(|i| {
                let mut view = P::node_view(&frame, i as NodeId);
                view.timeout = !view.crashed
                    && sim.timers()[i].is_some()
                    && P::check_timeout(config, i as NodeId, &view.name).is_ok();
                view
            })
            .collect();
        let mut messages: Vec<MessageView> = sim
            .inflight()
            .iter()
            .map(|m| MessageView {
                id: m.id,
                from: m.from,
                to: m.to,
                glyph: P::message_glyph(&m.msg),
                label: P::describe_message(config, &m.msg),
                short: P::message_short(config, &m.msg),
                color: P::message_color(config, &m.msg),
                sent: m.sent_tick,
                deliver: m.deliver_tick,
                copy_of: m.copy_of.map(NonZeroU64::get),
            })
            .collect();
        crate::sort::sort_by_key(&mut messages, |m| m.id);
        let count = P::node_count(config);
        let mut cuts = Vec::new();
        for from in 0..count {
            for to in 0..count {
                if sim.is_cut(from as NodeId, to as NodeId) {
                    cuts.push((
                        P::node_name(config, from as NodeId).to_string(),
                        P::node_name(config, to as NodeId).to_string(),
                    ));
                }
            }
        }
        let violations = P::ranked_violations(&frame);
        View {
            now: sim.now(),
            until_ticks: sim.until_ticks(),
            end_ticks: self.end_ticks(),
            reached: self.reached,
            markers: self.markers.len(),
            actions: sim.actions(),
            events: sim.events(),
            finished: sim.now() >= self.end_ticks(),
            nodes,
            messages,
            chosen: P::chosen(&frame),
            status: self.status(&frame, &violations),
            settled: self.settled(),
            summary: P::summary(&frame, &violations),
            violations,
            quorum: P::quorum(config),
            cuts,
            partitioned: sim.partition().is_some(),
            bugs: P::bugs(config),
            seed: sim.seed().to_string(),
        }
    }

    /// The status line, and when nothing more will happen in the run, a sentence that says so:
    /// playing on would only move the clock.
    fn status(&self, frame: &Frame<P>, violations: &[Violation]) -> String {
        let status = if self.sim.stopped_early() && violations.is_empty() {
            format!(
                "This run stopped after {} events, the most one run may have, so it ends at tick {}: shorten until_ticks or lighten the faults.",
                crate::sim::EVENTS_MAX,
                self.end_ticks()
            )
        } else {
            P::status(frame, violations)
        };
        if self.settled() && self.sim.events() > 0 && !self.sim.stopped_early() {
            return format!("{status} {SETTLED}");
        }
        status
    }

    /// Whether nothing more will happen before the run ends.
    fn settled(&self) -> bool {
        !self.sim.has_future()
    }
}

json_object!(SearchBound {
    name,
    label,
    value,
    max
});

json_object!(Marker {
    index,
    tick,
    kind,
    text,
    lane,
    rank
});
