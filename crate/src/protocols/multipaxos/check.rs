//! Multi-Paxos's safety properties: per slot, Paxos's own (at most one command chosen, and
//! only a command a client asked for); servers learn only what was chosen and apply the chosen
//! commands in slot order; and the clients' history is linearizable.

use super::{Ballot, Cmd, Config, Note};
use crate::clients::record::Recorder;
use crate::explore::pack::{Pack, Packer, Unpacker, WORD_BYTES};
use crate::hash::StableHasher;
use crate::sim::violation::Violation;
use crate::sim::MAX_NODES;
use std::hash::Hash;

pub const AGREEMENT: &str = "agreement";
pub const VALIDITY: &str = "validity";
pub const LEARNED_MEANS_CHOSEN: &str = "learned_means_chosen";
pub const APPLY_ORDER: &str = "apply_order";
pub const LINEARIZABILITY: &str = "linearizability";

/// A slot became chosen: the acceptors that accepted `cmd` at one ballot make a quorum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Chosen {
    pub slot: u16,
    pub cmd: Cmd,
}

/// The acceptors that accepted a ballot's command in one slot, one bit each, and whether that
/// made it chosen already.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Votes {
    pub ballot: Ballot,
    pub cmd: Cmd,
    pub acceptors: u32,
    pub derived: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Checker {
    pub recorder: Recorder,
    pub answered: bool,
    pub violations: Vec<Violation>,
    /// The linearizability violation's operation and its conflicts, for the history's lanes.
    pub failing: Option<(usize, Vec<usize>)>,
    /// Per slot: the votes of each ballot.
    pub votes: Vec<Vec<Votes>>,
    /// Per slot: the command chosen there, and the log's index of the event that said so.
    pub chosen: Vec<Option<(Cmd, u32)>>,
    /// Per server: the slot it must apply next.
    pub applied: [u16; MAX_NODES],
}

impl Checker {
    pub fn on_note(
        &mut self,
        config: &Config,
        tick: u64,
        index: u32,
        note: &Note,
    ) -> Option<Chosen> {
        match *note {
            Note::Called { client, request } => {
                let number = config.client_number(client);
                self.recorder.call(client, number, request, tick, index);
            }
            Note::GaveUp { client, .. } => self.recorder.abandon(client),
            Note::Returned { client, reply, .. } => {
                self.answered = true;
                self.recorder.ret(client, reply, tick, index);
                self.judge(config, tick);
            }
            Note::Accepted {
                acceptor,
                ballot,
                slot,
                cmd,
            } => return self.vote(config, acceptor, ballot, slot, cmd),
            Note::Learned { server, slot, cmd } => {
                if self.chosen_in(slot) != Some(cmd) {
                    let what = match self.chosen_in(slot) {
                        Some(other) => format!("{} was", describe(config, &other)),
                        None => "nothing was".to_string(),
                    };
                    self.violate(
                        LEARNED_MEANS_CHOSEN,
                        tick,
                        vec![index],
                        format!(
                            "{} learned {} in slot {} but {what} chosen there",
                            config.name(server),
                            describe(config, &cmd),
                            slot + 1
                        ),
                    );
                }
            }
            Note::Applied { server, slot, .. } => {
                let next = &mut self.applied[server as usize];
                if slot == *next {
                    *next += 1;
                } else if slot > *next {
                    let before = *next;
                    self.violate(
                        APPLY_ORDER,
                        tick,
                        vec![index],
                        format!(
                            "{} applied slot {} before slot {}, so its store no longer follows \
                             the log's order",
                            config.name(server),
                            slot + 1,
                            before + 1
                        ),
                    );
                }
            }
            Note::Campaign { .. }
            | Note::Promised { .. }
            | Note::Leading { .. }
            | Note::SteppedDown { .. }
            | Note::Proposed { .. }
            | Note::ReadLocally { .. } => {}
        }
        None
    }

    fn chosen_in(&self, slot: u16) -> Option<Cmd> {
        self.chosen
            .get(slot as usize)
            .copied()
            .flatten()
            .map(|c| c.0)
    }

    fn vote(
        &mut self,
        config: &Config,
        acceptor: u8,
        ballot: Ballot,
        slot: u16,
        cmd: Cmd,
    ) -> Option<Chosen> {
        let i = slot as usize;
        if self.votes.len() <= i {
            self.votes.resize(i + 1, Vec::new());
        }
        let votes = match self.votes[i].iter().position(|v| v.ballot == ballot) {
            Some(at) => &mut self.votes[i][at],
            None => {
                self.votes[i].push(Votes {
                    ballot,
                    cmd,
                    acceptors: 0,
                    derived: false,
                });
                self.votes[i].last_mut().expect("just pushed")
            }
        };
        votes.acceptors |= 1 << acceptor;
        if votes.derived || !config.quorum.is_phase2_quorum(votes.acceptors) {
            return None;
        }
        votes.derived = true;
        let cmd = votes.cmd;
        // The same command chosen again at a higher ballot is no news.
        (self.chosen_in(slot) != Some(cmd)).then_some(Chosen { slot, cmd })
    }

    pub fn on_chosen(&mut self, config: &Config, tick: u64, index: u32, chosen: &Chosen) {
        let Chosen { slot, cmd } = *chosen;
        let i = slot as usize;
        if self.chosen.len() <= i {
            self.chosen.resize(i + 1, None);
        }
        match self.chosen[i] {
            Some((other, event)) if other != cmd => {
                self.violate(
                    AGREEMENT,
                    tick,
                    vec![event, index],
                    format!(
                        "slot {} was chosen twice, with {} and then {}, so servers can apply \
                         different commands there",
                        slot + 1,
                        describe(config, &other),
                        describe(config, &cmd)
                    ),
                );
            }
            Some(_) => {}
            None => self.chosen[i] = Some((cmd, index)),
        }
        if !cmd.is_noop() && !self.requested(&cmd) {
            self.violate(
                VALIDITY,
                tick,
                vec![index],
                format!(
                    "slot {} chose {}, which no client asked for",
                    slot + 1,
                    describe(config, &cmd)
                ),
            );
        }
    }

    /// Whether the command's client made that request as its `seq`-th.
    fn requested(&self, cmd: &Cmd) -> bool {
        self.recorder
            .ops
            .iter()
            .filter(|op| op.number == cmd.client)
            .nth(cmd.seq as usize - 1)
            .is_some_and(|op| op.request == cmd.request)
    }

    fn judge(&mut self, config: &Config, tick: u64) {
        if self.violations.iter().any(|v| v.kind == LINEARIZABILITY) {
            return;
        }
        let Some(v) = self.recorder.judge(&config.names_kv) else {
            return;
        };
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
        let explanation = v.explanation.trim_end_matches('.').to_string();
        self.violate(LINEARIZABILITY, tick, events, explanation);
    }

    fn violate(&mut self, kind: &'static str, tick: u64, events: Vec<u32>, explanation: String) {
        self.violations.push(Violation {
            kind,
            tick,
            events,
            explanation,
        });
    }

    /// Hashes what can change a later verdict: the history, the votes, what was chosen and
    /// how far each server has applied; not the log's indices.
    pub fn digest(&self, hasher: &mut StableHasher) {
        self.recorder.digest(hasher);
        self.votes.hash(hasher);
        for chosen in &self.chosen {
            chosen.map(|c| c.0).hash(hasher);
        }
        self.applied.hash(hasher);
    }
}

/// A command as a sentence names it: `c1's put(x, "1")`, or `a no-op`.
pub fn describe(config: &Config, cmd: &Cmd) -> String {
    if cmd.is_noop() {
        "a no-op".to_string()
    } else {
        format!(
            "{}'s {}",
            config.name(config.client_node(cmd.client)),
            config.names_kv.request_text(&cmd.request)
        )
    }
}

impl Pack for Checker {
    fn bound(&self) -> usize {
        let votes: usize = self.votes.iter().map(|v| 1 + 3 * v.len()).sum();
        WORD_BYTES * (3 + votes + 2 * self.chosen.len() + MAX_NODES) + self.recorder.bound()
    }

    fn pack(&self, out: &mut Packer) {
        out.word(self.answered as u64);
        self.recorder.pack(out);
        out.word(self.votes.len() as u64);
        for votes in &self.votes {
            out.word(votes.len() as u64);
            for v in votes {
                out.words(&[
                    super::pack::ballot_word(v.ballot) | (v.derived as u64) << 32,
                    super::pack::cmd_word(&v.cmd),
                    v.acceptors as u64,
                ]);
            }
        }
        out.word(self.chosen.len() as u64);
        for chosen in &self.chosen {
            match chosen {
                None => out.words(&[0, 0]),
                Some((cmd, event)) => {
                    out.words(&[1 | (*event as u64) << 1, super::pack::cmd_word(cmd)])
                }
            }
        }
        for &applied in &self.applied {
            out.word(applied as u64);
        }
    }

    /// A packed state keeps no violations: the explorer stops at the first, or, searching for
    /// the gravest only, needs only to see the gravest arise.
    fn unpack_into(&mut self, input: &mut Unpacker) {
        self.answered = input.word() == 1;
        self.recorder.unpack_into(input);
        let slots = input.word() as usize;
        self.votes.clear();
        for _ in 0..slots {
            let len = input.word() as usize;
            let votes = (0..len)
                .map(|_| {
                    let head = input.word();
                    Votes {
                        ballot: super::pack::word_ballot(head),
                        derived: head >> 32 & 1 == 1,
                        cmd: super::pack::word_cmd(input.word()),
                        acceptors: input.word() as u32,
                    }
                })
                .collect();
            self.votes.push(votes);
        }
        let slots = input.word() as usize;
        self.chosen.clear();
        for _ in 0..slots {
            let head = input.word();
            let cmd = super::pack::word_cmd(input.word());
            self.chosen
                .push((head & 1 == 1).then_some((cmd, (head >> 1) as u32)));
        }
        for applied in self.applied.iter_mut() {
            *applied = input.word() as u16;
        }
        self.violations.clear();
        self.failing = None;
    }
}
