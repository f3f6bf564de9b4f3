//! The safety checker: after every event, is everything Paxos promises still true?
//!
//! It watches the protocol's notes, not the nodes' code, so it checks the protocol from outside:
//! - **agreement**: no two different values are chosen, and every learned value is the chosen one;
//! - **validity**: only a value someone proposed is chosen or learned;
//! - **promise never decreases**: an acceptor's promise only grows, across restarts too;
//! - **no accept below the promise**: an acceptor never accepts a ballot lower than its promise;
//! - **learned means chosen**: a learner learns only a value a phase-2 quorum accepted.
//!
//! A violation is data with a sentence that explains it; the checker never panics.

use super::pack::{vote_word, word_vote};
use crate::explore::pack::{Pack, Packer, Unpacker, WORD_BYTES};
use crate::hash::stable_hash;
use crate::protocols::paxos::{Ballot, Config, NodeId, Note, Value};
use crate::quorum::AcceptorSet;
pub use crate::sim::violation::Violation;
use serde::Serialize;
use std::hash::{Hash, Hasher};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
/// The properties this checker reports, by [`ViolationKind::name`] in a [`Violation`].
pub enum ViolationKind {
    Agreement,
    Validity,
    PromiseDecreased,
    AcceptedBelowPromise,
    LearnedNotChosen,
}

impl ViolationKind {
    pub fn name(self) -> &'static str {
        match self {
            ViolationKind::Agreement => "agreement",
            ViolationKind::Validity => "validity",
            ViolationKind::PromiseDecreased => "promise_decreased",
            ViolationKind::AcceptedBelowPromise => "accepted_below_promise",
            ViolationKind::LearnedNotChosen => "learned_not_chosen",
        }
    }
}

/// Accepts seen in one ballot, to know when a value becomes chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Votes {
    ballot: Ballot,
    value: Value,
    acceptors: AcceptorSet,
}

#[derive(Debug, Default, PartialEq, Eq, Hash)]
pub struct Checker {
    /// Bit `v` is set when value `v` was proposed.
    proposed: u64,
    votes: Vec<Votes>,
    /// Every (ballot, value) chosen so far, with the log index of the event that chose it.
    chosen: Vec<(Ballot, Value, u32)>,
    /// The phase-2 quorum that chose the first value.
    first_quorum: AcceptorSet,
    /// The first value learned by any learner, with its log index.
    learned: Option<(Value, u32, NodeId)>,
    violations: Vec<Violation>,
}

// Written out so that `clone_from` reuses the vectors' allocations: the explorer copies a
// whole state, checker included, for every transition it takes.
impl Clone for Checker {
    fn clone(&self) -> Self {
        let mut copy = Checker::default();
        copy.clone_from(self);
        copy
    }

    fn clone_from(&mut self, source: &Self) {
        self.proposed = source.proposed;
        self.votes.clone_from(&source.votes);
        self.chosen.clone_from(&source.chosen);
        self.first_quorum = source.first_quorum;
        self.learned = source.learned;
        self.violations.clone_from(&source.violations);
    }
}

// The explorer's queue keeps states packed, and a packed checker keeps no violations: a state
// with one ends the search, or, in a search for the gravest only (`Bounds::gravest_only`), a
// lesser one needs no keeping, since only the gravest arising ends it.
impl Pack for Checker {
    fn bound(&self) -> usize {
        WORD_BYTES * (2 + 2 * self.votes.len() + 1 + 2 * self.chosen.len() + 1 + 2)
    }

    #[inline(always)]
    fn pack(&self, out: &mut Packer) {
        out.word(self.proposed);
        out.word(self.votes.len() as u64);
        for v in &self.votes {
            out.word(vote_word(Some((v.ballot, v.value))));
            out.word(v.acceptors as u64);
        }
        out.word(self.chosen.len() as u64);
        for &(ballot, value, index) in &self.chosen {
            out.word(vote_word(Some((ballot, value))));
            out.word(index as u64);
        }
        out.word(self.first_quorum as u64);
        match self.learned {
            None => out.word(0),
            Some((value, index, node)) => {
                out.words(&[((node as u64) << 8 | value as u64) << 1 | 1, index as u64])
            }
        }
    }

    fn unpack_into(&mut self, input: &mut Unpacker) {
        self.proposed = input.word();
        let count = input.word() as usize;
        self.votes.clear();
        self.votes.extend((0..count).map(|_| {
            let (ballot, value) = word_vote(input.word()).expect("a packed vote");
            Votes {
                ballot,
                value,
                acceptors: input.word() as AcceptorSet,
            }
        }));
        let count = input.word() as usize;
        self.chosen.clear();
        self.chosen.extend((0..count).map(|_| {
            let (ballot, value) = word_vote(input.word()).expect("a packed choice");
            (ballot, value, input.word() as u32)
        }));
        self.first_quorum = input.word() as AcceptorSet;
        let learned = input.word();
        self.learned = (learned & 1 == 1).then(|| {
            (
                (learned >> 1) as u8,
                input.word() as u32,
                (learned >> 9) as u8,
            )
        });
        self.violations.clear();
    }
}

/// What the checker concluded from one event, beyond violations: a value became chosen. The
/// log shows it as an event of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Chosen {
    pub ballot: Ballot,
    pub value: Value,
    pub quorum: AcceptorSet,
}

impl Checker {
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// The first value chosen, if any.
    pub fn chosen(&self) -> Option<(Ballot, Value)> {
        self.chosen.first().map(|(b, v, _)| (*b, *v))
    }

    /// The acceptors whose Accepted made the first value chosen (empty before that).
    pub fn chosen_quorum(&self) -> AcceptorSet {
        self.first_quorum
    }

    /// Hashes what can change a later verdict: the proposed values, the votes, the chosen and
    /// learned values and which kinds were already reported. Log indices, ticks and insertion
    /// order are left out, so that the explorer treats states reached by different
    /// interleavings as one when nothing that matters differs.
    pub fn state_hash<H: Hasher>(&self, hasher: &mut H) {
        self.proposed.hash(hasher);
        // Votes and chosen values as multisets: a wrapping sum of each entry's own digest does
        // not depend on the order they arrived in, and needs neither a copy nor a sort.
        let votes = self.votes.iter().fold(0u64, |sum, v| {
            sum.wrapping_add(stable_hash(&(v.ballot, v.value, v.acceptors)))
        });
        hasher.write_u64(votes);
        let chosen = self.chosen.iter().fold(0u64, |sum, (ballot, value, _)| {
            sum.wrapping_add(stable_hash(&(ballot, value)))
        });
        hasher.write_u64(chosen);
        self.learned.map(|(value, _, _)| value).hash(hasher);
        for violation in &self.violations {
            violation.kind.hash(hasher);
        }
    }

    pub fn on_propose(&mut self, value: Value) {
        self.proposed |= 1 << value;
    }

    /// Checks one protocol note, recorded at log index `index`. Returns a newly chosen value,
    /// and pushes any violation (the caller logs it).
    pub fn on_note(
        &mut self,
        config: &Config,
        tick: u64,
        index: u32,
        note: &Note,
    ) -> (Option<Chosen>, usize) {
        let before = self.violations.len();
        let mut chosen = None;
        match *note {
            Note::AcceptedValue {
                acceptor,
                ballot,
                value,
                promised,
            } => {
                if ballot < promised {
                    self.report(
                        ViolationKind::AcceptedBelowPromise,
                        tick,
                        vec![index],
                        format!(
                            "{} accepted ballot {} after promising the higher ballot {}; a promise must be kept, or a proposer that counted on it can choose a second value",
                            config.name(acceptor),
                            config.ballot(ballot),
                            config.ballot(promised)
                        ),
                    );
                }
                let bit = config.acceptor_index[acceptor as usize].map_or(0, |i| 1 << i);
                // Keyed by ballot and value: should a ballot ever carry two values, their votes
                // must not be added up.
                let votes = match self
                    .votes
                    .iter()
                    .position(|v| v.ballot == ballot && v.value == value)
                {
                    Some(i) => &mut self.votes[i],
                    None => {
                        self.votes.push(Votes {
                            ballot,
                            value,
                            acceptors: 0,
                        });
                        self.votes.last_mut().expect("just pushed")
                    }
                };
                let was_quorum = config.quorum.is_phase2_quorum(votes.acceptors);
                votes.acceptors |= bit;
                if !was_quorum && config.quorum.is_phase2_quorum(votes.acceptors) {
                    chosen = Some(Chosen {
                        ballot,
                        value: votes.value,
                        quorum: votes.acceptors,
                    });
                }
            }
            Note::Learned { learner, value, .. } => {
                if !self.chosen.iter().any(|(_, v, _)| *v == value) {
                    let events = self.chosen.iter().map(|(_, _, i)| *i).chain([index]);
                    self.report(
                        ViolationKind::LearnedNotChosen,
                        tick,
                        events.collect(),
                        format!(
                            "{} learned \"{}\", but no phase-2 quorum of distinct acceptors has accepted it",
                            config.name(learner),
                            config.value_name(value)
                        ),
                    );
                }
                self.check_valid(config, tick, index, value);
                match self.learned {
                    None => self.learned = Some((value, index, learner)),
                    Some((first, first_index, first_learner)) if first != value => {
                        self.report(
                            ViolationKind::Agreement,
                            tick,
                            vec![first_index, index],
                            format!(
                                "{} learned \"{}\" but {} learned \"{}\": learners disagree",
                                config.name(first_learner),
                                config.value_name(first),
                                config.name(learner),
                                config.value_name(value)
                            ),
                        );
                    }
                    Some(_) => {}
                }
            }
            _ => {}
        }
        (chosen, self.violations.len() - before)
    }

    /// Records that `chosen` was logged at `index`, and checks it against earlier choices.
    pub fn on_chosen(&mut self, config: &Config, tick: u64, index: u32, chosen: &Chosen) {
        self.check_valid(config, tick, index, chosen.value);
        if let Some(&(b, v, i)) = self.chosen.iter().find(|(_, v, _)| *v != chosen.value) {
            self.report(
                ViolationKind::Agreement,
                tick,
                vec![i, index],
                format!(
                    "two different values were chosen: \"{}\" in ballot {} and \"{}\" in ballot {}",
                    config.value_name(v),
                    config.ballot(b),
                    config.value_name(chosen.value),
                    config.ballot(chosen.ballot)
                ),
            );
        }
        if self.chosen.is_empty() {
            self.first_quorum = chosen.quorum;
        }
        self.chosen.push((chosen.ballot, chosen.value, index));
    }

    /// Checks an acceptor's restart: its promise must not have gone down.
    pub fn on_forgot(&mut self, config: &Config, tick: u64, index: u32, note: &Note) {
        if let Note::Forgot {
            acceptor, promised, ..
        } = *note
        {
            self.report(
                ViolationKind::PromiseDecreased,
                tick,
                vec![index],
                format!(
                    "{}'s promise went from {} back to none when it restarted: an acceptor's promise must be durable",
                    config.name(acceptor),
                    config.ballot(promised)
                ),
            );
        }
    }

    fn check_valid(&mut self, config: &Config, tick: u64, index: u32, value: Value) {
        if self.proposed & (1 << value) == 0 {
            self.report(
                ViolationKind::Validity,
                tick,
                vec![index],
                format!(
                    "\"{}\" was never proposed, yet it was chosen or learned",
                    config.value_name(value)
                ),
            );
        }
    }

    /// Records a violation, once per kind: the first one is the one worth explaining.
    fn report(&mut self, kind: ViolationKind, tick: u64, events: Vec<u32>, explanation: String) {
        if self.violations.iter().any(|v| v.kind == kind.name()) {
            return;
        }
        self.violations.push(Violation {
            kind: kind.name(),
            tick,
            events,
            explanation,
        });
    }
}
