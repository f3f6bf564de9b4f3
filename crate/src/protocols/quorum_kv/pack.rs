//! The explorer's packed form of the store's nodes, timers and messages.

use super::{Client, Msg, Node, Replica, Running, Timer, Version};
use crate::clients::record::{pack_reply, pack_request, unpack_reply, unpack_request};
use crate::clients::{Reply, Script};
use crate::explore::pack::{Pack, Packer, Unpacker, WORD_BYTES};

/// A message as two words: its kind, key and tag, then its version and value.
pub fn msg_words(msg: &Msg) -> [u64; 2] {
    let head = |kind: u64, tag: u32, key: u8| kind | (key as u64) << 2 | (tag as u64) << 10;
    let body =
        |v: Version, value: u16| v.counter as u64 | (v.writer as u64) << 32 | (value as u64) << 40;
    match *msg {
        Msg::Query { tag, key } => [head(0, tag, key), 0],
        Msg::Current {
            tag,
            key,
            version,
            value,
        } => [head(1, tag, key), body(version, value)],
        Msg::Store {
            tag,
            key,
            version,
            value,
        } => [head(2, tag, key), body(version, value)],
        Msg::Stored { tag } => [head(3, tag, 0), 0],
    }
}

pub fn words_msg([head, body]: [u64; 2]) -> Msg {
    let tag = (head >> 10) as u32;
    let key = (head >> 2) as u8;
    let version = Version {
        counter: body as u32,
        writer: (body >> 32) as u8,
    };
    let value = (body >> 40) as u16;
    match head & 3 {
        0 => Msg::Query { tag, key },
        1 => Msg::Current {
            tag,
            key,
            version,
            value,
        },
        2 => Msg::Store {
            tag,
            key,
            version,
            value,
        },
        _ => Msg::Stored { tag },
    }
}

fn pack_slot(out: &mut Packer, (version, value): (Version, u16)) {
    out.words(&[version.counter as u64, version.writer as u64, value as u64]);
}

fn unpack_slot(input: &mut Unpacker) -> (Version, u16) {
    let counter = input.word() as u32;
    let writer = input.word() as u8;
    (Version { counter, writer }, input.word() as u16)
}

impl Pack for Node {
    fn bound(&self) -> usize {
        match self {
            Node::Replica(r) => WORD_BYTES * (2 + 3 * r.slots.len()),
            Node::Client(c) => WORD_BYTES * (8 + 2 * c.script.queue.len() + 10),
        }
    }

    fn pack(&self, out: &mut Packer) {
        match self {
            Node::Replica(r) => {
                out.word((r.crashed as u64) << 1);
                out.word(r.slots.len() as u64);
                for &slot in &r.slots {
                    pack_slot(out, slot);
                }
            }
            Node::Client(c) => {
                out.word(1 | (c.crashed as u64) << 1 | (c.script.thinking as u64) << 2);
                out.word(c.script.queue.len() as u64);
                for request in &c.script.queue {
                    pack_request(request, out);
                }
                out.words(&[
                    c.script.next as u64,
                    c.seq as u64,
                    c.clock as u64,
                    c.resends as u64,
                ]);
                match &c.running {
                    None => out.word(0),
                    Some(r) => {
                        out.word(r.phase as u64);
                        pack_request(&r.request, out);
                        out.words(&[r.replies as u64, r.attempts as u64]);
                        pack_slot(out, r.best);
                        pack_reply(Some(r.reply), out);
                    }
                }
            }
        }
    }

    fn unpack_into(&mut self, input: &mut Unpacker) {
        let first = input.word();
        let crashed = first >> 1 & 1 == 1;
        if first & 1 == 0 {
            let len = input.word() as usize;
            *self = Node::Replica(Replica {
                crashed,
                slots: (0..len).map(|_| unpack_slot(input)).collect(),
            });
            return;
        }
        let len = input.word() as usize;
        let queue = (0..len).map(|_| unpack_request(input)).collect();
        let [next, seq, clock, resends] = [input.word(), input.word(), input.word(), input.word()];
        let phase = input.word() as u8;
        let running = (phase != 0).then(|| {
            let request = unpack_request(input);
            let replies = input.word() as u32;
            let attempts = input.word() as u32;
            let best = unpack_slot(input);
            let reply = unpack_reply(input).unwrap_or(Reply::Ok);
            Running {
                request,
                phase,
                replies,
                attempts,
                best,
                reply,
            }
        });
        *self = Node::Client(Client {
            crashed,
            script: Script {
                thinking: first >> 2 & 1 == 1,
                queue,
                next: next as u16,
            },
            seq: seq as u32,
            clock: clock as u32,
            resends: resends as u32,
            running,
        });
    }
}

impl Pack for Timer {
    fn bound(&self) -> usize {
        WORD_BYTES
    }

    fn pack(&self, out: &mut Packer) {
        out.word(*self as u64);
    }

    fn unpack_into(&mut self, input: &mut Unpacker) {
        *self = if input.word() == 1 {
            Timer::Think
        } else {
            Timer::Resend
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_pack_into_two_words_and_back() {
        let version = Version {
            counter: u32::MAX,
            writer: 15,
        };
        for msg in [
            Msg::Query {
                tag: u32::MAX,
                key: 7,
            },
            Msg::Current {
                tag: 3,
                key: 1,
                version,
                value: u16::MAX,
            },
            Msg::Store {
                tag: 9,
                key: 0,
                version,
                value: 2,
            },
            Msg::Stored { tag: 12 },
        ] {
            assert_eq!(words_msg(msg_words(&msg)), msg);
        }
    }
}
