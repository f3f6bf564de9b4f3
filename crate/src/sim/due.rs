//! What the timed scheduler has due, and when: deliveries and timer firings, taken in the order
//! they happen — by tick, and within a tick in the order they were queued.
//!
//! The queue holds a few dozen entries, and nearly every new one is due at or after those already
//! queued (a message's delay and a timer's wait run from now). So it is a sorted ring buffer: a
//! new entry walks back from the end past the few entries due later, and the next one comes off
//! the front for free. A binary heap costs a logarithmic sift on every push and pop, and
//! `VecDeque::insert` a general shift for what is nearly always a move of a slot or two.

use super::NodeId;

/// Something the timed scheduler will do at a tick.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pending {
    Deliver(u64),
    Timer { node: NodeId, generation: u32 },
}

/// The bit that marks a packed timer; message ids never reach it.
const TIMER: u64 = 1 << 63;

impl Pending {
    /// One word per entry keeps the slots at 16 bytes, so that the walk back moves less.
    fn pack(self) -> u64 {
        match self {
            Pending::Deliver(id) => {
                debug_assert!(id < TIMER);
                id
            }
            Pending::Timer { node, generation } => TIMER | (node as u64) << 32 | generation as u64,
        }
    }

    fn unpack(word: u64) -> Pending {
        if word & TIMER == 0 {
            Pending::Deliver(word)
        } else {
            Pending::Timer {
                node: (word >> 32) as NodeId,
                generation: word as u32,
            }
        }
    }
}

#[derive(Clone, Debug)]
pub struct DueQueue {
    /// `(tick, packed entry)` slots, a power of two of them; the queue is the `len` slots from
    /// `head` on, wrapping around.
    slots: Vec<(u64, u64)>,
    head: usize,
    len: usize,
}

impl DueQueue {
    /// A queue with room for `capacity` entries (rounded up to a power of two) before it grows.
    pub fn with_capacity(capacity: usize) -> DueQueue {
        DueQueue {
            slots: vec![(0, 0); capacity.max(1).next_power_of_two()],
            head: 0,
            len: 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The entry that is due first.
    pub fn front(&self) -> Option<(u64, Pending)> {
        (self.len > 0).then(|| {
            let (tick, word) = self.slots[self.head];
            (tick, Pending::unpack(word))
        })
    }

    /// Every entry, in the order they are due.
    pub fn iter(&self) -> impl Iterator<Item = (u64, Pending)> + '_ {
        let mask = self.slots.len() - 1;
        (0..self.len).map(move |i| {
            let (tick, word) = self.slots[(self.head + i) & mask];
            (tick, Pending::unpack(word))
        })
    }

    pub fn pop_front(&mut self) -> Option<(u64, Pending)> {
        let front = self.front()?;
        self.head = (self.head + 1) & (self.slots.len() - 1);
        self.len -= 1;
        Some(front)
    }

    /// Queues `pending` at `tick`, after everything already queued at that tick or before.
    pub fn push(&mut self, tick: u64, pending: Pending) {
        if self.len == self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut at = self.len;
        while at > 0 {
            let before = self.slots[(self.head + at - 1) & mask];
            if before.0 <= tick {
                break;
            }
            self.slots[(self.head + at) & mask] = before;
            at -= 1;
        }
        self.slots[(self.head + at) & mask] = (tick, pending.pack());
        self.len += 1;
    }

    /// Doubles the room, laying the entries out from the first slot.
    fn grow(&mut self) {
        let mask = self.slots.len() - 1;
        let mut slots = Vec::with_capacity(self.slots.len() * 2);
        slots.extend((0..self.len).map(|i| self.slots[(self.head + i) & mask]));
        slots.resize(self.slots.len() * 2, (0, 0));
        self.slots = slots;
        self.head = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Rng, Stream};

    #[test]
    fn entries_pack_into_one_word_exactly() {
        for pending in [
            Pending::Deliver(1),
            Pending::Deliver(TIMER - 1),
            Pending::Timer {
                node: 0,
                generation: 0,
            },
            Pending::Timer {
                node: 14,
                generation: u32::MAX,
            },
        ] {
            assert_eq!(Pending::unpack(pending.pack()), pending);
        }
    }

    /// Against a plain sorted list (stable by queueing order), over random pushes and pops that
    /// wrap around the ring and make it grow.
    #[test]
    fn comes_out_by_tick_then_in_queueing_order() {
        for seed in 0..200 {
            let mut rng = Rng::new(seed, Stream::Swarm);
            let mut queue = DueQueue::with_capacity(rng.between(1, 8) as usize);
            let mut model: Vec<(u64, Pending)> = Vec::new();
            let mut now = 0;
            let mut next_id = 1;
            for _ in 0..500 {
                if rng.below(3) > 0 {
                    let tick = now + rng.below(20);
                    let pending = if rng.below(4) == 0 {
                        Pending::Timer {
                            node: rng.below(15) as NodeId,
                            generation: rng.below(1000) as u32,
                        }
                    } else {
                        next_id += 1;
                        Pending::Deliver(next_id)
                    };
                    queue.push(tick, pending);
                    let at = model.partition_point(|&(due, _)| due <= tick);
                    model.insert(at, (tick, pending));
                } else {
                    let expected = (!model.is_empty()).then(|| model.remove(0));
                    assert_eq!(queue.pop_front(), expected, "seed {seed}");
                    if let Some((tick, _)) = expected {
                        now = tick;
                    }
                }
                assert_eq!(queue.front(), model.first().copied(), "seed {seed}");
                assert_eq!(queue.is_empty(), model.is_empty());
            }
        }
    }
}
