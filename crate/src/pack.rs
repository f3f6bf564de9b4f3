//! A compact, flat form of protocol state, for the explorer's search queue.
//!
//! The breadth-first search keeps hundreds of thousands of states waiting. As `Simulation`
//! values they take about 2.8 KB each, spread over several heap blocks; packed here they take a
//! few hundred bytes in one buffer, read back in order, which is what keeps a search of
//! millions of states in memory and fast. Values are written as "words" in LEB128 (seven bits a
//! byte, so the small numbers that make up most of a state take one byte each), and digests,
//! which are large and random, as eight raw bytes. Packing is exact: unpacking gives back the
//! same value (tested in `crate/tests/explorer.rs` through whole simulation states).
//!
//! A state is packed into room made for it up front, from a bound on its size ([`Pack::bound`],
//! [`append`]), so that writing a byte costs a store and a bounds check, not a `Vec::push`.

use crate::paxos::{Acceptor, Ballot, Learner, Msg, Node, Phase, Proposer, Tally};

/// Writes values into a byte slice with room for all of them. The explorer packs a state per
/// transition it takes, so this is hot: room is made once per state ([`append`]), and the
/// write position is a plain field that stays in a register while a whole state is packed
/// (growing a `Vec` byte by byte reloaded and stored its length for every byte).
pub struct Packer<'a> {
    bytes: &'a mut [u8],
    at: usize,
}

/// Reads values back in the order they were packed.
pub struct Unpacker<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Unpacker<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Unpacker { bytes, at: 0 }
    }

    pub fn word(&mut self) -> u64 {
        let first = self.bytes[self.at];
        self.at += 1;
        // Most words of a state are below 128: one byte, no loop.
        if first < 0x80 {
            return first as u64;
        }
        let mut word = (first & 0x7f) as u64;
        let mut shift = 7;
        loop {
            let byte = self.bytes[self.at];
            self.at += 1;
            word |= ((byte & 0x7f) as u64) << shift;
            if byte < 0x80 {
                return word;
            }
            shift += 7;
        }
    }

    pub fn raw(&mut self) -> u64 {
        let bytes = &self.bytes[self.at..self.at + 8];
        self.at += 8;
        u64::from_le_bytes(bytes.try_into().expect("eight bytes"))
    }

    /// How many bytes were read.
    pub fn position(&self) -> usize {
        self.at
    }
}

/// The most bytes a word takes: seven bits a byte.
pub const WORD_BYTES: usize = 10;

/// The bytes a raw digest takes.
pub const RAW_BYTES: usize = 8;

/// Appends to `bytes` what `write` packs, which must take at most `bound` bytes (count
/// [`WORD_BYTES`] a word and [`RAW_BYTES`] a raw digest).
#[inline(always)]
pub fn append(bytes: &mut Vec<u8>, bound: usize, write: impl FnOnce(&mut Packer)) {
    let start = bytes.len();
    bytes.resize(start + bound, 0);
    let mut out = Packer {
        bytes: &mut bytes[start..],
        at: 0,
    };
    write(&mut out);
    let end = start + out.at;
    bytes.truncate(end);
}

impl Packer<'_> {
    #[inline(always)]
    pub fn word(&mut self, mut word: u64) {
        // Most words of a state are below 128: one byte, no loop.
        if word < 0x80 {
            self.bytes[self.at] = word as u8;
            self.at += 1;
            return;
        }
        while word >= 0x80 {
            self.bytes[self.at] = word as u8 | 0x80;
            self.at += 1;
            word >>= 7;
        }
        self.bytes[self.at] = word as u8;
        self.at += 1;
    }

    #[inline(always)]
    pub fn words(&mut self, words: &[u64]) {
        for &word in words {
            self.word(word);
        }
    }

    #[inline(always)]
    pub fn raw(&mut self, word: u64) {
        self.bytes[self.at..self.at + RAW_BYTES].copy_from_slice(&word.to_le_bytes());
        self.at += RAW_BYTES;
    }
}

/// A value that packs into words and back.
pub trait Pack {
    /// At most how many bytes `pack` writes.
    fn bound(&self) -> usize;
    fn pack(&self, out: &mut Packer);
    /// Overwrites `self` with the next packed value, reusing its allocations.
    fn unpack_into(&mut self, input: &mut Unpacker);
}

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
