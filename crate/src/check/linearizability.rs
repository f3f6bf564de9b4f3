//! The linearizability search: Wing & Gong's backtracking with Lowe's memo of visited
//! configurations, one search per independent part of the history (see the module doc of
//! [`crate::check`] for the algorithm in prose).

use super::explain::explain;
use super::history::{Action, History, Model, Operation, Output, Value};
use crate::hash::stable_hash;
use std::collections::HashMap;

/// How many steps a check may take when the caller does not say. A step is one try to place an
/// operation, under a tenth of a microsecond natively; every shared history needs far fewer
/// (the hardest, etcd_002, about 124,000), and this stops a hopeless one after about a second.
pub const STEPS_MAX_DEFAULT: u64 = 10_000_000;

/// The search gives up past this many words (8 bytes each, 256 MB) of memo and values, so that
/// a history that fills the memory faster than it spends steps gives up rather than run out:
/// one of many thousand operations in one register, whose every configuration is a long
/// bitset, or of thousands of appends to one key, whose every order makes a new string.
const WORDS_MAX: usize = 1 << 25;

/// The outcome of a check, and the work it took.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub verdict: Verdict,
    /// Attempts to place an operation, over all parts of the history.
    pub steps: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// One order in which the operations could have taken effect, as indices into the
    /// history's `ops`. Operations with an unknown outcome that need not have taken effect, and
    /// reads with an unknown output (which constrain nothing), are left out.
    Linearizable {
        order: Vec<usize>,
    },
    NotLinearizable(Violation),
    /// The search gave up at its step bound (or its memory bound) without an answer.
    Unknown,
}

/// Why a history is not linearizable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The operation that cannot be placed, as an index into the history's `ops`. The
    /// smallest prefix of the history that cannot be linearized ends at its return: up to just
    /// before it, the operations that had returned can be ordered (operations still running
    /// then may be placed or not, with the outputs they later got); none of those orders leaves
    /// a place for this one.
    pub op: usize,
    /// How many operations the failing prefix holds: those called no later than `op` returned.
    pub prefix_len: usize,
    /// Other operations the explanation names, as indices into `ops`.
    pub conflicts: Vec<usize>,
    /// A sentence for a student, in the history's own clients, keys and values.
    pub explanation: String,
}

/// Checks `history` against its model, taking at most `steps_max` steps.
pub fn check(history: &History, steps_max: u64) -> Report {
    let mut steps = 0;
    let mut orders = Vec::new();
    let mut failure: Option<usize> = None;
    let mut gave_up = false;
    // Each part gets what the parts before it left of the bound, and gives up at once if that
    // is nothing and it has anything to search.
    for part in parts(history) {
        let budget = steps_max - steps;
        let mut search = Search::new(history, &part);
        let outcome = search.run(budget);
        steps += search.steps;
        match outcome {
            Outcome::Linearizable(order) => orders.push(order),
            // The violation to report is the one whose prefix is smallest, whichever key it is on.
            Outcome::Fails(op) => {
                let end = |op: usize| history.ops[op].return_time;
                if failure.is_none_or(|other| (end(op), op) < (end(other), other)) {
                    failure = Some(op);
                }
            }
            Outcome::GaveUp => gave_up = true,
        }
    }
    let verdict = match failure {
        Some(op) => Verdict::NotLinearizable(explain(history, op)),
        None if gave_up => Verdict::Unknown,
        None => Verdict::Linearizable {
            order: merge(history, orders),
        },
    };
    Report { verdict, steps }
}

/// The operations of each independent part, in file order: the whole history for a register,
/// one part per key for a kv store, since keys do not interact (a history is linearizable if
/// each key's sub-history is). Splitting turns one search over every interleaving into several
/// much smaller ones.
fn parts(history: &History) -> Vec<Vec<usize>> {
    match history.model {
        Model::Register => vec![(0..history.ops.len()).collect()],
        Model::Kv => {
            let mut by_key: HashMap<&str, usize> = HashMap::new();
            let mut parts: Vec<Vec<usize>> = Vec::new();
            for (i, op) in history.ops.iter().enumerate() {
                let key = op.key.as_deref().unwrap_or_default();
                let part = *by_key.entry(key).or_insert_with(|| {
                    parts.push(Vec::new());
                    parts.len() - 1
                });
                parts[part].push(i);
            }
            parts
        }
    }
}

/// One whole order from the orders of the parts. Each operation gets a point in time: the
/// latest call among it and the operations before it in its part's order, which lies inside
/// its own interval because an order that respects real time never puts an operation after one
/// that was called after it returned. Sorting by these points keeps each part's order and puts
/// an operation that returned before another was called ahead of it, whatever their keys.
fn merge(history: &History, orders: Vec<Vec<usize>>) -> Vec<usize> {
    let mut points: Vec<(u64, usize, usize)> = Vec::new();
    for (part, order) in orders.iter().enumerate() {
        let mut point = 0;
        for &op in order {
            point = point.max(history.ops[op].call);
            points.push((point, part, op));
        }
    }
    // The sort is stable, so operations with the same point keep their part's order.
    crate::sort::sort_by_key(&mut points, |&(point, part, _)| (point, part));
    points.into_iter().map(|(_, _, op)| op).collect()
}

enum Outcome {
    /// The order of the part's operations, as indices into the history's `ops`.
    Linearizable(Vec<usize>),
    /// The operation of the part's smallest failing prefix that cannot be placed.
    Fails(usize),
    GaveUp,
}

/// What placing an operation does, on values numbered by [`Values`].
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Effect {
    /// A read that returned this value: the state must hold it.
    Read(u32),
    Write(u32),
    /// Append the string of this value.
    Append(u32),
    Swapped {
        from: u32,
        to: u32,
    },
    /// A cas that returned false: the state must not hold `from`.
    NotSwapped {
        from: u32,
    },
    /// A cas whose outcome is unknown: it swaps if the state holds `from`.
    MaySwap {
        from: u32,
        to: u32,
    },
}

/// The values of one part, numbered, so that a state is one `u32` that the memo stores exactly
/// (a hash of the state could collide and prune a branch that holds the only linearization).
struct Values {
    values: Vec<Value>,
    numbers: HashMap<Value, u32>,
    /// The value an append makes from a value, remembered so that each concatenation is made
    /// once however often the search tries it.
    appended: HashMap<(u32, u32), u32>,
    /// About how much memory the values take, since appends make new strings as the search
    /// goes, and a few thousand appends to one key make long ones.
    bytes: usize,
}

impl Values {
    fn number(&mut self, value: &Value) -> u32 {
        if let Some(&number) = self.numbers.get(value) {
            return number;
        }
        let number = self.values.len() as u32;
        // Two copies (the list and the map's key), and the entries around them.
        let text_len = match value {
            Value::Text(text) => text.len(),
            _ => 0,
        };
        self.bytes += 2 * text_len + 96;
        self.values.push(value.clone());
        self.numbers.insert(value.clone(), number);
        number
    }

    fn append(&mut self, state: u32, suffix: u32) -> u32 {
        if let Some(&number) = self.appended.get(&(state, suffix)) {
            return number;
        }
        let text = |value: &Value| match value {
            Value::Text(s) => s.clone(),
            other => other.to_string(),
        };
        let joined = text(&self.values[state as usize]) + &text(&self.values[suffix as usize]);
        let number = self.number(&Value::Text(joined));
        self.appended.insert((state, suffix), number);
        self.bytes += 32;
        number
    }

    /// The state after `effect` in `state`, or `None` when the recorded output is impossible.
    fn apply(&mut self, state: u32, effect: Effect) -> Option<u32> {
        match effect {
            Effect::Read(value) => (state == value).then_some(state),
            Effect::Write(value) => Some(value),
            Effect::Append(suffix) => Some(self.append(state, suffix)),
            Effect::Swapped { from, to } => (state == from).then_some(to),
            Effect::NotSwapped { from } => (state != from).then_some(state),
            Effect::MaySwap { from, to } => Some(if state == from { to } else { state }),
        }
    }
}

/// The effect of placing `op`, or `None` for an operation that constrains nothing and changes
/// nothing (a read with an unknown output), which the search leaves out.
fn effect(values: &mut Values, op: &Operation) -> Option<Effect> {
    let output = op.known_output();
    Some(match (&op.action, output) {
        (Action::Read, Some(Output::Value(value))) => Effect::Read(values.number(value)),
        (Action::Read, _) => return None,
        (Action::Write(value), _) => Effect::Write(values.number(value)),
        (Action::Append(text), _) => Effect::Append(values.number(&Value::Text(text.clone()))),
        (Action::Cas { from, to }, Some(Output::Swapped(true))) => Effect::Swapped {
            from: values.number(from),
            to: values.number(to),
        },
        (Action::Cas { from, .. }, Some(Output::Swapped(false))) => Effect::NotSwapped {
            from: values.number(from),
        },
        (Action::Cas { from, to }, _) => Effect::MaySwap {
            from: values.number(from),
            to: values.number(to),
        },
    })
}

/// No entry: the end of the list, and the return of an operation that never returned.
const NONE: u32 = u32::MAX;

/// One part's search. Calls and returns are entries of a doubly linked list in time order;
/// placing an operation lifts its two entries out of the list, and backtracking puts them back
/// in the reverse order, so each costs a few pointer writes (Knuth's dancing links).
///
/// The search's operations are numbered with those that returned first (`0..returned`), then
/// those that never returned, because the memo treats the two kinds differently.
struct Search {
    values: Values,
    /// Per operation of the search (not every operation of the part: see [`effect`]).
    effects: Vec<Effect>,
    /// The operation's index in the history's `ops`.
    ops: Vec<usize>,
    /// How many of the search's operations returned.
    returned: usize,
    /// Whether the operation may be left out: its outcome is unknown, so it may not have taken
    /// effect at all.
    optional: Vec<bool>,
    /// For an operation that never returned, an identical one called no later that never
    /// returned either, or `NONE`. Two such operations are interchangeable, so the search
    /// places the later only after the earlier, which halves the orders it tries for each pair.
    twin: Vec<u32>,
    call_entry: Vec<u32>,
    return_entry: Vec<u32>,
    /// Per entry, in time order: the operation, and whether the entry is its return.
    entries: Vec<(u32, bool)>,
    next: Vec<u32>,
    prev: Vec<u32>,
    /// The list's head sentinel, the entry before the first.
    head: u32,
    /// A random word per operation that returned; a set's hash is the XOR of its members',
    /// kept up to date as operations are placed and taken back (Zobrist hashing).
    zobrist: Vec<u64>,
    steps: u64,
}

/// One placed operation on the search's stack.
struct Frame {
    op: u32,
    state_before: u32,
    /// Left out (an unknown outcome that did not take effect) rather than placed.
    left_out: bool,
    /// Whether the other choices at the configuration this left need no try: the operation
    /// kept the state, or was left out, which is tried after every placement there.
    last_choice: bool,
}

/// A set of operations as bits.
fn has(set: &[u64], i: usize) -> bool {
    set[i / 64] & (1 << (i % 64)) != 0
}

fn flip(set: &mut [u64], i: usize) {
    set[i / 64] ^= 1 << (i % 64);
}

impl Search {
    fn new(history: &History, part: &[usize]) -> Search {
        let mut values = Values {
            values: Vec::new(),
            numbers: HashMap::new(),
            appended: HashMap::new(),
            bytes: 0,
        };
        values.number(&history.init);
        let mut kept: Vec<(usize, Effect)> = part
            .iter()
            .filter_map(|&i| Some((i, effect(&mut values, &history.ops[i])?)))
            .collect();
        // Returned operations first, each kind by call.
        crate::sort::sort_by_key(&mut kept, |&(i, _)| {
            let op = &history.ops[i];
            (op.return_time.is_none(), op.call, i)
        });
        let (ops, effects): (Vec<usize>, Vec<Effect>) = kept.into_iter().unzip();
        let returned = ops
            .iter()
            .filter(|&&i| history.ops[i].return_time.is_some())
            .count();
        let optional = ops
            .iter()
            .map(|&i| history.ops[i].known_output().is_none())
            .collect();
        let mut latest_twin: HashMap<Effect, u32> = HashMap::new();
        let twin = (0..ops.len())
            .map(|o| match o < returned {
                true => NONE,
                false => latest_twin.insert(effects[o], o as u32).unwrap_or(NONE),
            })
            .collect();
        // Calls before returns at the same time: intervals are closed, so an operation that
        // returns at the moment another is called may still be ordered after it.
        let mut times: Vec<(u64, bool, u32)> = Vec::new();
        for (local, &i) in ops.iter().enumerate() {
            let op = &history.ops[i];
            times.push((op.call, false, local as u32));
            if let Some(time) = op.return_time {
                times.push((time, true, local as u32));
            }
        }
        crate::sort::sort(&mut times);
        let count = times.len() as u32;
        let mut call_entry = vec![NONE; ops.len()];
        let mut return_entry = vec![NONE; ops.len()];
        let mut entries = Vec::with_capacity(times.len());
        for (entry, &(_, is_return, op)) in times.iter().enumerate() {
            let slot = if is_return {
                &mut return_entry
            } else {
                &mut call_entry
            };
            slot[op as usize] = entry as u32;
            entries.push((op, is_return));
        }
        // Entries 0..count, then the head sentinel; `NONE` ends the list.
        let head = count;
        let mut next: Vec<u32> = (1..=count).collect();
        if count > 0 {
            next[count as usize - 1] = NONE;
        }
        next.push(if count > 0 { 0 } else { NONE });
        let mut prev: Vec<u32> = (0..count)
            .map(|e| e.checked_sub(1).unwrap_or(head))
            .collect();
        prev.push(NONE);
        let zobrist = (0..returned as u64).map(|i| stable_hash(&i)).collect();
        Search {
            values,
            effects,
            ops,
            returned,
            optional,
            twin,
            call_entry,
            return_entry,
            entries,
            next,
            prev,
            head,
            zobrist,
            steps: 0,
        }
    }

    fn unlink(&mut self, entry: u32) {
        let (prev, next) = (self.prev[entry as usize], self.next[entry as usize]);
        self.next[prev as usize] = next;
        if next != NONE {
            self.prev[next as usize] = prev;
        }
    }

    fn relink(&mut self, entry: u32) {
        let (prev, next) = (self.prev[entry as usize], self.next[entry as usize]);
        self.next[prev as usize] = entry;
        if next != NONE {
            self.prev[next as usize] = entry;
        }
    }

    fn lift(&mut self, op: u32) {
        self.unlink(self.call_entry[op as usize]);
        if self.return_entry[op as usize] != NONE {
            self.unlink(self.return_entry[op as usize]);
        }
    }

    fn unlift(&mut self, op: u32) {
        if self.return_entry[op as usize] != NONE {
            self.relink(self.return_entry[op as usize]);
        }
        self.relink(self.call_entry[op as usize]);
    }

    fn run(&mut self, steps_max: u64) -> Outcome {
        let pending = self.ops.len() - self.returned;
        let mut memo = Memo::new(self.returned.div_ceil(64), pending.div_ceil(64));
        // What is placed (or left out): the operations that returned, then those that never
        // did, as two sets, with the hash of the first.
        let mut placed = vec![0u64; self.returned.div_ceil(64)];
        let mut placed_pending = vec![0u64; pending.div_ceil(64)];
        let mut hash = 0u64;
        let mut state = 0u32;
        let mut stack: Vec<Frame> = Vec::new();
        // Operations that returned and are not placed yet: the search is over when none is
        // left, since one that never returned may always take effect after all the others.
        let mut remaining = self.returned;
        // The latest return the search reached with every earlier return placed: where the
        // smallest failing prefix ends.
        let mut furthest: u32 = 0;
        let mut entry = self.next[self.head as usize];
        while remaining > 0 {
            if self.steps >= steps_max || memo.words_used() + self.values.bytes / 8 > WORDS_MAX {
                return Outcome::GaveUp;
            }
            self.steps += 1;
            let (op, is_return) = self.entries[entry as usize];
            let o = op as usize;
            if !is_return {
                let twin = self.twin[o];
                let waits = twin != NONE && !has(&placed_pending, twin as usize - self.returned);
                let after = if waits {
                    None
                } else {
                    self.values.apply(state, self.effects[o])
                };
                let Some(after) = after else {
                    entry = self.next[entry as usize];
                    continue;
                };
                // An operation that leaves the state as it is (a read, a cas that did not
                // swap) and fits here can be moved here from later in any linearization:
                // nothing that must come before it is unplaced, since it has been called and
                // no unplaced operation has returned. So if placing it here fails, so does
                // every other choice here, and the search does not try them.
                let keeps_state =
                    matches!(self.effects[o], Effect::Read(_) | Effect::NotSwapped { .. });
                let fresh = if o < self.returned {
                    flip(&mut placed, o);
                    let fresh =
                        memo.insert(&placed, hash ^ self.zobrist[o], after, &placed_pending);
                    if fresh {
                        hash ^= self.zobrist[o];
                    } else {
                        flip(&mut placed, o);
                    }
                    fresh
                } else {
                    flip(&mut placed_pending, o - self.returned);
                    let fresh = memo.insert(&placed, hash, after, &placed_pending);
                    if !fresh {
                        flip(&mut placed_pending, o - self.returned);
                    }
                    fresh
                };
                if fresh {
                    stack.push(Frame {
                        op,
                        state_before: state,
                        left_out: false,
                        last_choice: keeps_state,
                    });
                    state = after;
                    self.lift(op);
                    remaining -= (o < self.returned) as usize;
                    entry = self.next[self.head as usize];
                    continue;
                }
                if !keeps_state {
                    entry = self.next[entry as usize];
                    continue;
                }
            } else {
                // The first return in the list: this operation must be placed before
                // anything later, and every try to place it from here has failed.
                furthest = furthest.max(entry);
                if self.optional[o] {
                    flip(&mut placed, o);
                    if memo.insert(&placed, hash ^ self.zobrist[o], state, &placed_pending) {
                        hash ^= self.zobrist[o];
                        stack.push(Frame {
                            op,
                            state_before: state,
                            left_out: true,
                            last_choice: true,
                        });
                        self.lift(op);
                        remaining -= 1;
                        entry = self.next[self.head as usize];
                        continue;
                    }
                    flip(&mut placed, o);
                }
            }
            // Take back the latest placement and try the next call after it, unless it was
            // the last choice at its configuration.
            loop {
                let Some(frame) = stack.pop() else {
                    let (op, _) = self.entries[furthest as usize];
                    return Outcome::Fails(self.ops[op as usize]);
                };
                let o = frame.op as usize;
                self.unlift(frame.op);
                if o < self.returned {
                    flip(&mut placed, o);
                    hash ^= self.zobrist[o];
                    remaining += 1;
                } else {
                    flip(&mut placed_pending, o - self.returned);
                }
                state = frame.state_before;
                if !frame.last_choice {
                    entry = self.next[self.call_entry[o] as usize];
                    break;
                }
            }
        }
        let order = stack
            .iter()
            .filter(|frame| !frame.left_out)
            .map(|frame| self.ops[frame.op as usize])
            .collect();
        Outcome::Linearizable(order)
    }
}

/// The configurations the search has seen, each (operations placed, state): from a
/// configuration the rest of the search is always the same, so a second visit is skipped. This
/// is what makes the search practical.
///
/// Operations that never returned are kept apart, because they are never due: a configuration
/// that has placed fewer of them, and otherwise the same, can do everything this one can (it
/// may place the others later, or never). So for each (returned operations placed, state) the
/// memo keeps the sets of never-returned operations placed, and a configuration is skipped
/// when one of them is a subset of its own. With no such operations this is the plain memo.
///
/// Keys are stored exactly, side by side in one vector, and found through an open-addressing
/// table of their numbers; a hash alone could collide and skip the only way to linearize.
struct Memo {
    words: usize,
    pending_words: usize,
    /// Per key: the set's words, then the state.
    keys: Vec<u64>,
    hashes: Vec<u64>,
    /// Per key, its latest set of never-returned operations.
    latest: Vec<u32>,
    /// The sets of never-returned operations, `pending_words` each, and for each the one
    /// stored before it for the same key, or `NONE`.
    pending_sets: Vec<u64>,
    earlier: Vec<u32>,
    /// Key number + 1, or 0 for an empty slot; a power of two long, at most half full.
    slots: Vec<u32>,
}

impl Memo {
    fn new(words: usize, pending_words: usize) -> Memo {
        Memo {
            words,
            pending_words,
            keys: Vec::new(),
            hashes: Vec::new(),
            latest: Vec::new(),
            pending_sets: Vec::new(),
            earlier: Vec::new(),
            slots: vec![0; 1024],
        }
    }

    fn words_used(&self) -> usize {
        self.keys.len()
            + self.hashes.len()
            + self.pending_sets.len()
            + (self.latest.len() + self.earlier.len() + self.slots.len()) / 2
    }

    fn slot(&self, hash: u64) -> usize {
        // Fibonacci hashing: the multiply spreads the high bits of the product over the index.
        let bits = self.slots.len().trailing_zeros();
        (hash.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
    }

    /// Adds the configuration; false if it, or one that can do all it can, was there already.
    fn insert(&mut self, set: &[u64], set_hash: u64, state: u32, pending: &[u64]) -> bool {
        let hash = set_hash ^ u64::from(state).wrapping_mul(0xD6E8_FEB8_6659_FD93);
        let stride = self.words + 1;
        let mask = self.slots.len() - 1;
        let mut slot = self.slot(hash);
        while self.slots[slot] != 0 {
            let n = self.slots[slot] as usize - 1;
            let key = &self.keys[n * stride..(n + 1) * stride];
            if self.hashes[n] == hash
                && key[self.words] == u64::from(state)
                && &key[..self.words] == set
            {
                let mut stored = self.latest[n];
                while stored != NONE {
                    let at = stored as usize * self.pending_words;
                    let subset = self.pending_sets[at..at + self.pending_words]
                        .iter()
                        .zip(pending)
                        .all(|(old, new)| old & !new == 0);
                    if subset {
                        return false;
                    }
                    stored = self.earlier[stored as usize];
                }
                self.earlier.push(self.latest[n]);
                self.latest[n] = self.add_pending(pending);
                return true;
            }
            slot = (slot + 1) & mask;
        }
        let number = self.hashes.len();
        self.keys.extend_from_slice(set);
        self.keys.push(u64::from(state));
        self.hashes.push(hash);
        self.earlier.push(NONE);
        let first = self.add_pending(pending);
        self.latest.push(first);
        self.slots[slot] = number as u32 + 1;
        if self.hashes.len() * 2 > self.slots.len() {
            self.grow();
        }
        true
    }

    fn add_pending(&mut self, pending: &[u64]) -> u32 {
        self.pending_sets.extend_from_slice(pending);
        (self.earlier.len() - 1) as u32
    }

    fn grow(&mut self) {
        self.slots = vec![0; self.slots.len() * 2];
        let mask = self.slots.len() - 1;
        for (n, &hash) in self.hashes.iter().enumerate() {
            let mut slot = self.slot(hash);
            while self.slots[slot] != 0 {
                slot = (slot + 1) & mask;
            }
            self.slots[slot] = n as u32 + 1;
        }
    }
}
