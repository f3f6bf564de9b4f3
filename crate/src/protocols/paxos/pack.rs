//! Single-decree Paxos's states and messages in the explorer's packed form ([`crate::explore::pack`]).

use super::{Acceptor, Ballot, Learner, Msg, Node, Phase, Proposer, Retry, Tally};
use crate::explore::pack::{Pack, Packer, Unpacker, WORD_BYTES};

// Fields are laid out in words smallest first and in as few bits as they can take, so that the
// words of early rounds stay below 128, or at least below 16384: every byte more is a turn of the
// loops above, in packing and in unpacking.

/// A ballot in one word: its proposer (a node id, below `MAX_NODES`, so four bits) under its
/// round.
fn ballot_word(ballot: Ballot) -> u64 {
    debug_assert!((ballot.proposer as usize) < 16);
    (ballot.round as u64) << 4 | ballot.proposer as u64
}

fn word_ballot(word: u64) -> Ballot {
    Ballot {
        round: (word >> 4) as u32,
        proposer: (word & 0xf) as u8,
    }
}

/// An optional (ballot, value) in one word: 0 for none, else one more than the value under the
/// ballot.
pub(crate) fn vote_word(vote: Option<(Ballot, u8)>) -> u64 {
    vote.map_or(0, |(ballot, value)| {
        1 + (ballot_word(ballot) << 8 | value as u64)
    })
}

pub(crate) fn word_vote(word: u64) -> Option<(Ballot, u8)> {
    word.checked_sub(1)
        .map(|vote| (word_ballot(vote >> 8), vote as u8))
}

/// A message in two words: its ballot, then its kind (three bits) under its other field. The
/// kind goes with the other field, which is small or absent for most kinds, so that both words
/// of most messages of early rounds take a byte.
pub fn msg_words(msg: &Msg) -> [u64; 2] {
    let (tag, other) = match *msg {
        Msg::Prepare { .. } => (0, 0),
        Msg::Promise { accepted, .. } => (1, vote_word(accepted)),
        Msg::Nack { promised, .. } => (2, ballot_word(promised)),
        Msg::Accept { value, .. } => (3, value as u64),
        Msg::Accepted { value, .. } => (4, value as u64),
    };
    [ballot_word(msg.ballot()), tag | other << 3]
}

pub fn words_msg([first, second]: [u64; 2]) -> Msg {
    let ballot = word_ballot(first);
    let other = second >> 3;
    match second & 7 {
        0 => Msg::Prepare { ballot },
        1 => Msg::Promise {
            ballot,
            accepted: word_vote(other),
        },
        2 => Msg::Nack {
            ballot,
            promised: word_ballot(other),
        },
        3 => Msg::Accept {
            ballot,
            value: other as u8,
        },
        _ => Msg::Accepted {
            ballot,
            value: other as u8,
        },
    }
}

/// A phase in two words: its kind (three bits) under a count or value, then its other field.
fn phase_words(phase: Phase) -> [u64; 2] {
    match phase {
        Phase::Idle => [0, 0],
        Phase::Preparing { promises, highest } => [1 | (promises as u64) << 3, vote_word(highest)],
        Phase::Accepting { value, accepted } => [2 | (value as u64) << 3, accepted as u64],
        Phase::Backoff => [3, 0],
        Phase::Done { value } => [4 | (value as u64) << 3, 0],
    }
}

fn words_phase([first, second]: [u64; 2]) -> Phase {
    match first & 7 {
        0 => Phase::Idle,
        1 => Phase::Preparing {
            promises: (first >> 3) as u32,
            highest: word_vote(second),
        },
        2 => Phase::Accepting {
            value: (first >> 3) as u8,
            accepted: second as u32,
        },
        3 => Phase::Backoff,
        _ => Phase::Done {
            value: (first >> 3) as u8,
        },
    }
}

impl Pack for Node {
    fn bound(&self) -> usize {
        let tallies = self.learner.as_ref().map_or(0, |l| l.tallies.len());
        WORD_BYTES * (1 + 4 + 2 + 2 + 3 * tallies)
    }

    #[inline(always)]
    fn pack(&self, out: &mut Packer) {
        let roles = self.crashed as u64
            | (self.proposer.is_some() as u64) << 1
            | (self.acceptor.is_some() as u64) << 2
            | (self.learner.is_some() as u64) << 3;
        out.word(roles);
        if let Some(p) = &self.proposer {
            let [phase, phase_more] = phase_words(p.phase);
            out.words(&[
                ((p.round as u64) << 8 | p.value.map_or(0, |v| v as u64)) << 1
                    | p.value.is_some() as u64,
                ballot_word(p.ballot),
                phase,
                phase_more,
            ]);
        }
        if let Some(a) = &self.acceptor {
            out.words(&[ballot_word(a.promised), vote_word(a.accepted)]);
        }
        if let Some(l) = &self.learner {
            out.words(&[vote_word(l.learned), l.tallies.len() as u64]);
            for t in &l.tallies {
                out.words(&[
                    vote_word(Some((t.ballot, t.value))),
                    t.acceptors as u64,
                    t.messages as u64,
                ]);
            }
        }
    }

    fn unpack_into(&mut self, input: &mut Unpacker) {
        let roles = input.word();
        self.crashed = roles & 1 != 0;
        self.proposer = (roles & 2 != 0).then(|| {
            let first = input.word();
            let ballot = word_ballot(input.word());
            let phase = words_phase([input.word(), input.word()]);
            Proposer {
                value: (first & 1 == 1).then_some((first >> 1) as u8),
                round: (first >> 9) as u32,
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
            Tally {
                ballot,
                value,
                acceptors: input.word() as u32,
                messages: input.word() as u32,
            }
        }));
    }
}

// A Paxos node has one kind of timer: nothing to pack.
impl Pack for Retry {
    fn bound(&self) -> usize {
        0
    }

    #[inline(always)]
    fn pack(&self, _: &mut Packer) {}

    #[inline(always)]
    fn unpack_into(&mut self, _: &mut Unpacker) {}
}
