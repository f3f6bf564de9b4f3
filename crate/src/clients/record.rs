//! What each client asked and was told, as the run goes: the history the linearizability
//! checker judges, kept by a protocol's checker from the notes its clients write.
//!
//! Times in the history are the run's ticks in thousandths: an operation called at tick 40 has
//! `call` 40000 plus its place among that tick's calls and returns. Many calls and returns
//! share a tick, and the checker reads equal times as overlapping, which would hide a stale
//! read whose write returned in the same tick it was called; counting within the tick keeps
//! the run's own order, so a history written to a file gets from any checker the verdict the
//! run got. (In the exhaustive search every step happens at tick 0, and the times are simply
//! the order of the calls and returns.)

use super::{Names, Reply, Request};
use crate::check::history::{History, Model, Value};
use crate::check::{check, Verdict};
use crate::explore::pack::{Pack, Packer, Unpacker, WORD_BYTES};
use crate::hash::StableHasher;
use crate::sim::{NodeId, MAX_NODES};
use std::hash::{Hash, Hasher};

/// How many calls and returns a tick's thousandths can tell apart; the rest share the last.
const WITHIN_TICK: u64 = 1000;

/// The linearizability check of a run's history may take this many steps each time an
/// operation returns. Runs' histories are small (a workload has at most 1000 operations, and a
/// lesson a dozen), so this is never reached in practice; past it the check says nothing.
pub const STEPS_MAX: u64 = 1_000_000;

/// One operation of one client, as recorded.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Recorded {
    pub client: NodeId,
    /// The client's number in its name (`c2`: 2), which the history and its sentences use.
    pub number: u8,
    pub request: Request,
    pub call: u64,
    /// The time it returned, with what; `None` while it runs, and for good if its client gave
    /// it up or crashed: its outcome is then unknown.
    pub returned: Option<(u64, Reply)>,
    /// The event log's indices of its call and its return (0 until it returns), for the
    /// violation's events. The search's digests leave them out: two paths to the same state
    /// log at different indices.
    pub events: [u32; 2],
}

impl Recorded {
    /// The tick it was called at.
    pub fn call_tick(&self) -> u64 {
        self.call / WITHIN_TICK
    }

    /// The tick it returned at, if it did.
    pub fn return_tick(&self) -> Option<u64> {
        self.returned.map(|(time, _)| time / WITHIN_TICK)
    }
}

/// The history so far.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Recorder {
    pub ops: Vec<Recorded>,
    /// Per node: one more than the index in `ops` of the operation its client is running.
    running: [u16; MAX_NODES],
    /// The tick of the latest call or return, and how many that tick has had.
    tick: u64,
    within: u64,
}

impl Recorder {
    fn time(&mut self, tick: u64) -> u64 {
        if tick != self.tick {
            self.tick = tick;
            self.within = 0;
        }
        let time = tick.saturating_mul(WITHIN_TICK) + self.within;
        self.within = (self.within + 1).min(WITHIN_TICK - 1);
        time
    }

    /// Client `client` (`c{number}`) calls `request` at `tick`; the log's event `event` says so.
    pub fn call(&mut self, client: NodeId, number: u8, request: Request, tick: u64, event: u32) {
        let call = self.time(tick);
        self.ops.push(Recorded {
            client,
            number,
            request,
            call,
            returned: None,
            events: [event, 0],
        });
        self.running[client as usize] = self.ops.len() as u16;
    }

    /// The client's running operation returns `reply`; its index in `ops`.
    pub fn ret(&mut self, client: NodeId, reply: Reply, tick: u64, event: u32) -> Option<usize> {
        let index = (self.running[client as usize] as usize).checked_sub(1)?;
        self.running[client as usize] = 0;
        let time = self.time(tick);
        let op = &mut self.ops[index];
        op.returned = Some((time, reply));
        op.events[1] = event;
        Some(index)
    }

    /// The client no longer waits for its running operation: it gave up, or crashed. The
    /// operation never returns, and may still take effect.
    pub fn abandon(&mut self, client: NodeId) {
        self.running[client as usize] = 0;
    }

    /// The history in the format of `shared/histories/` (`"model": "kv"`).
    pub fn history(&self, names: &Names) -> History {
        History {
            model: Model::Kv,
            init: Value::Text(String::new()),
            ops: self
                .ops
                .iter()
                .map(|op| {
                    let mut operation = names.operation(op.number as u64, &op.request, op.call);
                    if let Some((time, reply)) = &op.returned {
                        operation.return_time = Some(*time);
                        operation.output = Some(names.output(reply));
                    }
                    operation
                })
                .collect(),
            expected: None,
            source: None,
            name: None,
            description: None,
        }
    }

    /// [`Recorder::history`] with the checker's verdict on the whole of it in `expected` (none
    /// if the check gave up) and where it came from in `source`, so that another checker can
    /// judge the same history.
    pub fn judged_history(&self, names: &Names, source: String) -> History {
        let mut history = self.history(names);
        history.expected = match check(&history, STEPS_MAX).verdict {
            Verdict::Linearizable { .. } => Some(true),
            Verdict::NotLinearizable(_) => Some(false),
            Verdict::Unknown => None,
        };
        history.source = Some(source);
        history
    }

    /// Checks the history so far; the violation if it cannot be linearized. Called when an
    /// operation returns, since only a return can make a linearizable history stop being one
    /// (and then every longer history is not one either).
    pub fn judge(&self, names: &Names) -> Option<crate::check::Violation> {
        match check(&self.history(names), STEPS_MAX).verdict {
            Verdict::NotLinearizable(violation) => Some(violation),
            Verdict::Linearizable { .. } | Verdict::Unknown => None,
        }
    }

    /// Hashes what can change a later verdict: the operations, their times and outcomes, and
    /// which are running. Not the log's indices (see [`Recorded::events`]), nor the tick of the
    /// latest call, which only matters in a timed run.
    pub fn digest(&self, hasher: &mut StableHasher) {
        hasher.write_usize(self.ops.len());
        for op in &self.ops {
            op.client.hash(hasher);
            op.request.hash(hasher);
            op.call.hash(hasher);
            op.returned.hash(hasher);
        }
        self.running.hash(hasher);
        self.within.hash(hasher);
    }
}

fn request_words(r: &Request) -> [u64; 2] {
    [
        r.kind as u64 | (r.key as u64) << 2 | (r.value as u64) << 8,
        r.from as u64,
    ]
}

fn words_request(words: [u64; 2]) -> Request {
    Request {
        kind: super::OpKind::ALL[(words[0] & 3) as usize],
        key: (words[0] >> 2 & 0x3f) as u8,
        value: (words[0] >> 8) as u16,
        from: words[1] as u16,
    }
}

/// A reply in two words, with 0 for none: the kind in three bits and the value, then a
/// text's pieces beyond its first.
fn reply_words(reply: Option<Reply>) -> [u64; 2] {
    match reply {
        None => [0, 0],
        Some(Reply::Ok) => [1, 0],
        Some(Reply::Value(v)) => [2 | (v as u64) << 3, 0],
        Some(Reply::Swapped(s)) => [3 | (s as u64) << 3, 0],
        Some(Reply::Text(t)) => {
            let p = |i: usize| t.pieces[i] as u64;
            [
                4 | (t.len as u64) << 3 | (t.overflow as u64) << 7 | p(0) << 8 | p(1) << 24,
                p(2) | p(3) << 16 | p(4) << 32 | p(5) << 48,
            ]
        }
    }
}

fn words_reply([head, rest]: [u64; 2]) -> Option<Reply> {
    match head & 7 {
        0 => None,
        1 => Some(Reply::Ok),
        2 => Some(Reply::Value((head >> 3) as u16)),
        3 => Some(Reply::Swapped(head >> 3 & 1 == 1)),
        _ => {
            let mut pieces = [0; super::PIECES_MAX];
            pieces[0] = (head >> 8) as u16;
            pieces[1] = (head >> 24) as u16;
            for (i, piece) in pieces[2..].iter_mut().enumerate() {
                *piece = (rest >> (16 * i)) as u16;
            }
            Some(Reply::Text(super::Text {
                len: (head >> 3 & 15) as u8,
                pieces,
                overflow: head >> 7 & 1 == 1,
            }))
        }
    }
}

pub(crate) fn pack_request(r: &Request, out: &mut Packer) {
    out.words(&request_words(r));
}

pub(crate) fn unpack_request(input: &mut Unpacker) -> Request {
    words_request([input.word(), input.word()])
}

pub(crate) fn pack_reply(reply: Option<Reply>, out: &mut Packer) {
    out.words(&reply_words(reply));
}

pub(crate) fn unpack_reply(input: &mut Unpacker) -> Option<Reply> {
    words_reply([input.word(), input.word()])
}

impl Pack for Recorder {
    fn bound(&self) -> usize {
        WORD_BYTES * (3 + MAX_NODES + 9 * self.ops.len())
    }

    fn pack(&self, out: &mut Packer) {
        out.words(&[self.ops.len() as u64, self.tick, self.within]);
        for op in &self.ops {
            out.word(op.client as u64 | (op.number as u64) << 8);
            pack_request(&op.request, out);
            out.word(op.call);
            let (time, reply) = op.returned.map_or((0, None), |(t, r)| (t, Some(r)));
            out.word(time);
            pack_reply(reply, out);
            out.words(&[op.events[0] as u64, op.events[1] as u64]);
        }
        for running in self.running {
            out.word(running as u64);
        }
    }

    fn unpack_into(&mut self, input: &mut Unpacker) {
        let len = input.word() as usize;
        self.tick = input.word();
        self.within = input.word();
        self.ops.clear();
        for _ in 0..len {
            let who = input.word();
            let request = unpack_request(input);
            let call = input.word();
            let time = input.word();
            let returned = unpack_reply(input).map(|reply| (time, reply));
            let events = [input.word() as u32, input.word() as u32];
            self.ops.push(Recorded {
                client: who as NodeId,
                number: (who >> 8) as u8,
                request,
                call,
                returned,
                events,
            });
        }
        for running in self.running.iter_mut() {
            *running = input.word() as u16;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clients::OpKind;

    fn names() -> (Names, Request, Request) {
        let mut names = Names::default();
        let x = names.key("x").unwrap();
        let one = names.value("1").unwrap();
        let put = Request {
            kind: OpKind::Put,
            key: x,
            value: one,
            from: 0,
        };
        let get = Request {
            kind: OpKind::Get,
            key: x,
            value: 0,
            from: 0,
        };
        (names, put, get)
    }

    #[test]
    fn a_stale_read_after_a_write_returned_in_the_same_tick_is_caught() {
        let (names, put, get) = names();
        let mut r = Recorder::default();
        r.call(10, 1, put, 5, 1);
        r.ret(10, Reply::Ok, 9, 2);
        // c2 calls in the tick c1's put returned, after it: the get must see "1".
        r.call(11, 2, get, 9, 3);
        assert!(r.judge(&names).is_none(), "nothing has returned wrong yet");
        r.ret(11, Reply::Value(0), 12, 4);
        let violation = r.judge(&names).expect("a stale read");
        assert_eq!(violation.op, 1);
        let history = r.history(&names);
        assert_eq!(history.ops[0].return_time, Some(9000));
        assert_eq!(history.ops[1].call, 9001);
        // Written out and read back, the history gets the same verdict from the file.
        let again = History::from_json(&history.to_json()).unwrap();
        assert!(matches!(
            check(&again, STEPS_MAX).verdict,
            Verdict::NotLinearizable(_)
        ));
    }

    #[test]
    fn an_abandoned_operation_may_take_effect_later() {
        let (names, put, get) = names();
        let mut r = Recorder::default();
        r.call(10, 1, put, 1, 1);
        r.abandon(10);
        assert_eq!(
            r.ret(10, Reply::Ok, 2, 2),
            None,
            "nothing runs after giving up"
        );
        r.call(11, 2, get, 3, 3);
        r.ret(11, Reply::Value(1), 4, 4);
        assert!(r.judge(&names).is_none(), "the put may have taken effect");
        assert_eq!(r.history(&names).ops[0].return_time, None);
    }

    #[test]
    fn packing_gives_back_the_same_history() {
        let (_, put, get) = names();
        let mut r = Recorder::default();
        r.call(3, 1, put, 0, 1);
        r.call(4, 2, get, 0, 2);
        r.ret(4, Reply::Value(1), 0, 3);
        let mut bytes = Vec::new();
        crate::explore::pack::append(&mut bytes, r.bound(), |out| r.pack(out));
        let mut back = Recorder::default();
        back.unpack_into(&mut Unpacker::new(&bytes));
        assert_eq!(back, r);
    }
}
