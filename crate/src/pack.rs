//! A compact, flat form of protocol state, for the explorer's search queue.
//!
//! The breadth-first search keeps hundreds of thousands of states waiting. As `Simulation`
//! values they take about 2.8 KB each, spread over several heap blocks; packed into 64-bit words
//! in one queue they take about a third of that and are read back in order, which is what makes
//! the search fast. Packing is exact: `unpack(pack(x)) == x` for every value (tested in
//! `crate/tests/explorer.rs` through whole simulation states).

use crate::paxos::{Acceptor, Ballot, Learner, Msg, Node, Phase, Proposer, Tally};

/// Appends values to a buffer of words.
pub struct Packer<'a>(pub &'a mut Vec<u64>);

/// Reads values back in the order they were packed.
pub struct Unpacker<'a> {
    words: &'a [u64],
    at: usize,
}

impl<'a> Unpacker<'a> {
    pub fn new(words: &'a [u64]) -> Self {
        Unpacker { words, at: 0 }
    }

    pub fn word(&mut self) -> u64 {
        let word = self.words[self.at];
        self.at += 1;
        word
    }
}

impl Packer<'_> {
    pub fn word(&mut self, word: u64) {
        self.0.push(word);
    }

    pub fn words(&mut self, words: &[u64]) {
        self.0.extend_from_slice(words);
    }
}

/// A value that packs into words and back.
pub trait Pack {
    fn pack(&self, out: &mut Packer);
    /// Overwrites `self` with the next packed value, reusing its allocations.
    fn unpack_into(&mut self, input: &mut Unpacker);
}

fn ballot_word(ballot: Ballot) -> u64 {
    (ballot.round as u64) << 8 | ballot.proposer as u64
}

fn word_ballot(word: u64) -> Ballot {
    Ballot {
        round: (word >> 8) as u32,
        proposer: word as u8,
    }
}

/// An optional (ballot, value) in one word: 0 for none.
pub(crate) fn vote_word(vote: Option<(Ballot, u8)>) -> u64 {
    vote.map_or(0, |(ballot, value)| {
        1 | (value as u64) << 8 | ballot_word(ballot) << 16
    })
}

pub(crate) fn word_vote(word: u64) -> Option<(Ballot, u8)> {
    (word & 1 == 1).then(|| (word_ballot(word >> 16), (word >> 8) as u8))
}

impl Pack for Msg {
    fn pack(&self, out: &mut Packer) {
        let (tag, second) = match *self {
            Msg::Prepare { .. } => (0, 0),
            Msg::Promise { accepted, .. } => (1, vote_word(accepted)),
            Msg::Nack { promised, .. } => (2, ballot_word(promised)),
            Msg::Accept { value, .. } => (3, value as u64),
            Msg::Accepted { value, .. } => (4, value as u64),
        };
        out.word(tag | ballot_word(self.ballot()) << 8);
        out.word(second);
    }

    fn unpack_into(&mut self, input: &mut Unpacker) {
        let first = input.word();
        let second = input.word();
        let ballot = word_ballot(first >> 8);
        *self = match first & 0xff {
            0 => Msg::Prepare { ballot },
            1 => Msg::Promise {
                ballot,
                accepted: word_vote(second),
            },
            2 => Msg::Nack {
                ballot,
                promised: word_ballot(second),
            },
            3 => Msg::Accept {
                ballot,
                value: second as u8,
            },
            _ => Msg::Accepted {
                ballot,
                value: second as u8,
            },
        };
    }
}

impl Pack for Phase {
    fn pack(&self, out: &mut Packer) {
        let (first, second) = match *self {
            Phase::Idle => (0, 0),
            Phase::Preparing { promises, highest } => {
                (1 | (promises as u64) << 8, vote_word(highest))
            }
            Phase::Accepting { value, accepted } => (2 | (value as u64) << 8, accepted as u64),
            Phase::Backoff => (3, 0),
            Phase::Done { value } => (4 | (value as u64) << 8, 0),
        };
        out.word(first);
        out.word(second);
    }

    fn unpack_into(&mut self, input: &mut Unpacker) {
        let first = input.word();
        let second = input.word();
        *self = match first & 0xff {
            0 => Phase::Idle,
            1 => Phase::Preparing {
                promises: (first >> 8) as u32,
                highest: word_vote(second),
            },
            2 => Phase::Accepting {
                value: (first >> 8) as u8,
                accepted: second as u32,
            },
            3 => Phase::Backoff,
            _ => Phase::Done {
                value: (first >> 8) as u8,
            },
        };
    }
}

impl Pack for Node {
    fn pack(&self, out: &mut Packer) {
        let roles = self.crashed as u64
            | (self.proposer.is_some() as u64) << 1
            | (self.acceptor.is_some() as u64) << 2
            | (self.learner.is_some() as u64) << 3;
        out.word(roles);
        if let Some(p) = &self.proposer {
            out.word(p.value.map_or(0, |v| 1 | (v as u64) << 8) | (p.round as u64) << 16);
            out.word(ballot_word(p.ballot));
            p.phase.pack(out);
        }
        if let Some(a) = &self.acceptor {
            out.word(ballot_word(a.promised));
            out.word(vote_word(a.accepted));
        }
        if let Some(l) = &self.learner {
            out.word(vote_word(l.learned));
            out.word(l.tallies.len() as u64);
            for t in &l.tallies {
                out.word(vote_word(Some((t.ballot, t.value))));
                out.word(t.acceptors as u64 | (t.messages as u64) << 32);
            }
        }
    }

    fn unpack_into(&mut self, input: &mut Unpacker) {
        let roles = input.word();
        self.crashed = roles & 1 != 0;
        self.proposer = (roles & 2 != 0).then(|| {
            let first = input.word();
            let ballot = word_ballot(input.word());
            let mut phase = Phase::Idle;
            phase.unpack_into(input);
            Proposer {
                value: (first & 1 == 1).then_some((first >> 8) as u8),
                round: (first >> 16) as u32,
                ballot,
                phase,
            }
        });
        self.acceptor = (roles & 4 != 0).then(|| Acceptor {
            promised: word_ballot(input.word()),
            accepted: word_vote(input.word()),
        });
        if roles & 8 == 0 {
            self.learner = None;
            return;
        }
        let learner = self.learner.get_or_insert_with(Learner::default);
        learner.learned = word_vote(input.word());
        let count = input.word() as usize;
        learner.tallies.clear();
        learner.tallies.extend((0..count).map(|_| {
            let (ballot, value) = word_vote(input.word()).expect("a packed tally");
            let second = input.word();
            Tally {
                ballot,
                value,
                acceptors: second as u32,
                messages: (second >> 32) as u32,
            }
        }));
    }
}
