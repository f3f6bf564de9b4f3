//! The store's safety property: the clients' history is linearizable. The checker records
//! each call and return from the clients' notes, and judges the history each time an
//! operation returns (`crate::clients::record`).

use super::{Config, Note};
use crate::clients::record::Recorder;
use crate::explore::pack::{Pack, Packer, Unpacker, WORD_BYTES};
use crate::hash::StableHasher;
use crate::sim::violation::Violation;

/// The property the checker reports.
pub const LINEARIZABILITY: &str = "linearizability";

/// The store derives no fact of its own for the log: a value is not "chosen" here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Never {}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Checker {
    pub recorder: Recorder,
    /// Some client has had an answer: what the Monte Carlo estimate times.
    pub answered: bool,
    pub violations: Vec<Violation>,
    /// The first violation's operation that cannot be placed and those it conflicts with, as
    /// indices into the recorder's operations: the page marks them in the history's lanes.
    pub failing: Option<(usize, Vec<usize>)>,
}

impl Checker {
    pub fn on_note(&mut self, config: &Config, tick: u64, index: u32, note: &Note) {
        match *note {
            Note::Called { client, request } => {
                let number = config.client_number(client);
                self.recorder.call(client, number, request, tick, index);
            }
            Note::GaveUp { client, .. } => self.recorder.abandon(client),
            Note::Returned { client, reply, .. } => {
                self.answered = true;
                self.recorder.ret(client, reply, tick, index);
                // The first violation is the one to explain; every longer history has it too.
                if self.violations.is_empty() {
                    if let Some(v) = self.recorder.judge(&config.names_kv) {
                        let ops = &self.recorder.ops;
                        let mut events = Vec::new();
                        for &op in std::iter::once(&v.op).chain(&v.conflicts) {
                            events.push(ops[op].events[0]);
                            if ops[op].returned.is_some() {
                                events.push(ops[op].events[1]);
                            }
                        }
                        crate::sort::sort(&mut events);
                        events.dedup();
                        self.failing = Some((v.op, v.conflicts.clone()));
                        self.violations.push(Violation {
                            kind: LINEARIZABILITY,
                            tick,
                            events,
                            // A violation's explanation is a clause, as Paxos's are: the page
                            // and the log end it themselves.
                            explanation: v.explanation.trim_end_matches('.').to_string(),
                        });
                    }
                }
            }
            Note::Writing { .. } | Note::Stored { .. } => {}
        }
    }

    pub fn digest(&self, hasher: &mut StableHasher) {
        self.recorder.digest(hasher);
    }
}

impl Pack for Checker {
    fn bound(&self) -> usize {
        WORD_BYTES + self.recorder.bound()
    }

    fn pack(&self, out: &mut Packer) {
        out.word(self.answered as u64);
        self.recorder.pack(out);
    }

    /// A packed state keeps no violations: the explorer stops at the first, or, searching for
    /// the gravest only, needs only to see the gravest arise.
    fn unpack_into(&mut self, input: &mut Unpacker) {
        self.answered = input.word() == 1;
        self.recorder.unpack_into(input);
        self.violations.clear();
        self.failing = None;
    }
}
