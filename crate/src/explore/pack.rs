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
