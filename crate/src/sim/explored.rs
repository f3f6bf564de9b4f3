//! The simulation as the explorer handles it: digests of its state kept up to date step by
//! step, copies that reuse allocations, and the packed form its search queue holds.

use super::*;

/// Digests of the parts of a state that change one at a time, so that the explorer's state
/// digest costs a few words per step instead of hashing every node and message again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Digests {
    pub(super) nodes: [u64; MAX_NODES],
    /// A multiset digest of the messages in flight: the wrapping sum of each one's digest, so
    /// that it does not depend on the order they were sent in and updates by one addition.
    pub(super) inflight: u64,
}

impl Digests {
    pub(super) fn of<P: Protocol>(sim: &Simulation<P>) -> Digests {
        let mut nodes = [0; MAX_NODES];
        for (digest, node) in nodes.iter_mut().zip(&sim.nodes) {
            *digest = stable_hash(node);
        }
        Digests {
            nodes,
            inflight: sim
                .inflight
                .iter()
                .fold(0u64, |sum, m| sum.wrapping_add(message_digest(m))),
        }
    }
}

/// What of a message in flight matters for what can happen next: not its number or ticks.
pub(crate) fn message_digest<P: Protocol>(m: &InFlight<P>) -> u64 {
    // The message's exact two-word form (as the explorer's queue packs it) costs a few mixes
    // where hashing the enum field by field cost several times more.
    let [first, second] = P::msg_words(&m.msg);
    let mut hasher = StableHasher::default();
    hasher.write_u64(first);
    hasher.write_u64(second);
    hasher.write_u64((m.from as u64) << 8 | m.to as u64);
    hasher.finish()
}

impl<P: Protocol> Simulation<P> {
    /// A digest of the state that matters for what can happen next: nodes, messages in flight
    /// (as a multiset: numbers and ticks aside), armed timers, partition, cuts and what the
    /// checker knows. The explorer treats two states with the same digest as one.
    pub fn state_hash(&self, hasher: &mut StableHasher) {
        let computed;
        let digests = match &self.digests {
            Some(kept) => {
                debug_assert_eq!(*kept, Digests::of(self), "a kept digest went stale");
                kept
            }
            None => {
                computed = Digests::of(self);
                &computed
            }
        };
        let nodes = self.nodes.len();
        for &node in &digests.nodes[..nodes] {
            hasher.write_u64(node);
        }
        hasher.write_u64(digests.inflight);
        let armed = self.timers[..nodes]
            .iter()
            .enumerate()
            .fold(0u64, |bits, (i, timer)| {
                bits | (timer.is_some() as u64) << i
            });
        hasher.write_u64(armed);
        self.partition.hash(hasher);
        // Cuts are rare: one word says whether any link is cut, and only then are they hashed.
        let cut = self.cuts.iter().any(|&c| c != 0);
        hasher.write_u64(cut as u64);
        if cut {
            self.cuts.hash(hasher);
        }
        // A protocol with one kind of timer (Paxos) hashes nothing here.
        for (kind, timer) in self.timer_kinds[..nodes].iter().zip(&self.timers) {
            if timer.is_some() {
                kind.hash(hasher);
            }
        }
        P::checker_digest(&self.checker, hasher);
    }

    /// Overwrites this state with `other`'s, reusing this state's allocations: everything that
    /// differs between states of one exploration, as [`Simulation::pack`] does. The explorer
    /// copies its parent state for every transition it takes; a clone would allocate a dozen
    /// times, and unpacking again costs several times more.
    pub fn copy_from(&mut self, other: &Simulation<P>) {
        debug_assert!(Arc::ptr_eq(&self.config, &other.config));
        debug_assert!(self.queue.is_empty() && other.queue.is_empty());
        self.nodes.clone_from(&other.nodes);
        self.inflight.clone_from(&other.inflight);
        self.next_message_id = other.next_message_id;
        self.now = other.now;
        self.acted_at_now = other.acted_at_now;
        self.timers = other.timers;
        self.timer_kinds = other.timer_kinds;
        self.timer_generation = other.timer_generation;
        self.partition = other.partition;
        self.cuts = other.cuts;
        self.next_intervention = other.next_intervention;
        self.events = other.events;
        self.actions = other.actions;
        self.checker.clone_from(&other.checker);
        self.digests = other.digests;
    }

    /// Appends this state, packed (see [`crate::explore::pack`]), to `bytes`: everything that differs
    /// between states of one exploration. Configuration, schedule, random streams, log and
    /// trace are left out: they are the same in every state the explorer reaches from one start
    /// (it uses the script scheduler, which draws no random numbers, with the log and the trace
    /// off).
    pub fn pack(&self, bytes: &mut Vec<u8>) {
        pack::append(bytes, self.packed_bound(), |out| self.pack_into(out));
    }

    /// At most how many bytes [`Simulation::pack`] writes.
    pub fn packed_bound(&self) -> usize {
        let nodes: usize = self.nodes.iter().map(Pack::bound).sum::<usize>()
            + self.timer_kinds[..self.nodes.len()]
                .iter()
                .map(Pack::bound)
                .sum::<usize>();
        let partition = if self.partition.is_some() {
            MAX_NODES
        } else {
            0
        };
        // The messages in flight (up to seven words each), the counters, the timers, the flags,
        // the partition and cuts (cuts always: whether any is set takes a scan to know), and the
        // last counters, in the order `pack_into` writes them.
        let words =
            1 + 7 * self.inflight.len() + 3 + 2 * self.nodes.len() + 1 + partition + MAX_NODES + 3;
        let digests = if self.digests.is_some() {
            self.nodes.len() + 1
        } else {
            0
        };
        nodes + pack::WORD_BYTES * words + self.checker.bound() + pack::RAW_BYTES * digests
    }

    /// [`Simulation::pack`], into room made for at least [`Simulation::packed_bound`] bytes.
    #[inline(always)]
    pub fn pack_into(&self, out: &mut Packer) {
        debug_assert!(self.scheduler == SchedulerKind::Script && self.queue.is_empty());
        for node in &self.nodes {
            node.pack(out);
        }
        out.word(self.inflight.len() as u64);
        for m in &self.inflight {
            let [msg, msg_more] = P::msg_words(&m.msg);
            let flags = m.from as u64
                | (m.to as u64) << 4
                | (m.lost as u64) << 8
                | (m.copy_of.is_some() as u64) << 9;
            out.words(&[m.id, flags, msg, msg_more, m.sent_tick, m.deliver_tick]);
            if let Some(original) = m.copy_of {
                out.word(original.get());
            }
        }
        out.words(&[self.next_message_id, self.now, self.acted_at_now as u64]);
        for node in 0..self.nodes.len() {
            let timer = self.timers[node].map_or(0, |tick| tick + 1);
            out.words(&[timer, self.timer_generation[node] as u64]);
            self.timer_kinds[node].pack(out);
        }
        // Partitions and cuts are rare: one word says whether either follows.
        let cut = self.cuts.iter().any(|&c| c != 0);
        out.word(self.partition.is_some() as u64 | (cut as u64) << 1);
        if let Some(groups) = &self.partition {
            for &group in groups {
                out.word(group as u64);
            }
        }
        if cut {
            for &cuts in &self.cuts {
                out.word(cuts as u64);
            }
        }
        out.words(&[self.next_intervention as u64, self.events, self.actions]);
        self.checker.pack(out);
        if let Some(digests) = &self.digests {
            for &digest in &digests.nodes[..self.nodes.len()] {
                out.raw(digest);
            }
            out.raw(digests.inflight);
        }
    }

    /// Overwrites this state with one [`Simulation::pack`] wrote, from a simulation of the same
    /// exploration, reusing this state's allocations. Returns how many bytes it read.
    pub fn unpack(&mut self, bytes: &[u8]) -> usize {
        let input = &mut Unpacker::new(bytes);
        for node in &mut self.nodes {
            node.unpack_into(input);
        }
        let count = input.word() as usize;
        self.inflight.clear();
        self.inflight.extend((0..count).map(|_| {
            let id = input.word();
            let flags = input.word();
            let msg = P::words_msg([input.word(), input.word()]);
            InFlight {
                id,
                from: (flags & 0xf) as NodeId,
                to: (flags >> 4 & 0xf) as NodeId,
                lost: flags >> 8 & 1 == 1,
                msg,
                sent_tick: input.word(),
                deliver_tick: input.word(),
                copy_of: (flags >> 9 & 1 == 1)
                    .then(|| input.word())
                    .and_then(NonZeroU64::new),
            }
        }));
        self.next_message_id = input.word();
        self.now = input.word();
        self.acted_at_now = input.word() == 1;
        for node in 0..self.nodes.len() {
            self.timers[node] = input.word().checked_sub(1);
            self.timer_generation[node] = input.word() as u32;
            self.timer_kinds[node].unpack_into(input);
        }
        let flags = input.word();
        self.partition = (flags & 1 != 0).then(|| {
            let mut groups = [0u8; MAX_NODES];
            for group in &mut groups {
                *group = input.word() as u8;
            }
            groups
        });
        for cuts in &mut self.cuts {
            *cuts = if flags & 2 != 0 {
                input.word() as u16
            } else {
                0
            };
        }
        self.next_intervention = input.word() as usize;
        self.events = input.word();
        self.actions = input.word();
        self.checker.unpack_into(input);
        if let Some(digests) = &mut self.digests {
            for digest in &mut digests.nodes[..self.nodes.len()] {
                *digest = input.raw();
            }
            digests.inflight = input.raw();
        }
        input.position()
    }
}
