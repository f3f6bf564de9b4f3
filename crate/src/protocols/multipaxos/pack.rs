//! The explorer's packed form of Multi-Paxos's nodes, timers and messages.

use super::{
    Ballot, Campaign, Client, Cmd, Entry, Lead, Msg, Node, Pending, Promising, Role, Running,
    Server, Timer,
};
use crate::clients::record::{pack_reply, pack_request, unpack_reply, unpack_request};
use crate::clients::{OpKind, Reply, Request, Script, Text, PIECES_MAX};
use crate::explore::pack::{Pack, Packer, Unpacker, WORD_BYTES};
use crate::sim::NodeId;

/// Fields written one after another into the 128 bits of a message.
#[derive(Default)]
struct Bits {
    value: u128,
    at: u32,
}

impl Bits {
    fn put(&mut self, value: u64, width: u32) -> &mut Self {
        debug_assert!(self.at + width <= 128, "a message fits two words");
        self.value |= ((value as u128) & ((1u128 << width) - 1)) << self.at;
        self.at += width;
        self
    }

    fn take(&mut self, width: u32) -> u64 {
        let value = (self.value >> self.at) as u64 & ((1u64 << width) - 1);
        self.at += width;
        value
    }

    fn words(&self) -> [u64; 2] {
        [self.value as u64, (self.value >> 64) as u64]
    }
}

const BALLOT_BITS: u32 = 20;
const CMD_BITS: u32 = 49;

pub fn ballot_word(b: Ballot) -> u64 {
    b.round as u64 | (b.server as u64) << 16
}

pub fn word_ballot(word: u64) -> Ballot {
    Ballot {
        round: word as u16,
        server: (word >> 16 & 15) as u8,
    }
}

fn request_bits(r: &Request) -> u64 {
    r.kind as u64
        | (r.key as u64) << 2
        | (r.value as u64 & 0xfff) << 5
        | (r.from as u64 & 0xfff) << 17
}

fn bits_request(bits: u64) -> Request {
    Request {
        kind: OpKind::ALL[(bits & 3) as usize],
        key: (bits >> 2 & 7) as u8,
        value: (bits >> 5 & 0xfff) as u16,
        from: (bits >> 17 & 0xfff) as u16,
    }
}

/// A command in 49 bits: its client (4), its number (16) and its request (29).
pub fn cmd_word(c: &Cmd) -> u64 {
    c.client as u64 | (c.seq as u64) << 4 | request_bits(&c.request) << 20
}

pub fn word_cmd(word: u64) -> Cmd {
    Cmd {
        client: (word & 15) as u8,
        seq: (word >> 4) as u16,
        request: bits_request(word >> 20),
    }
}

fn put_reply(bits: &mut Bits, reply: &Reply) {
    match *reply {
        Reply::Ok => {
            bits.put(0, 2);
        }
        Reply::Swapped(swapped) => {
            bits.put(1, 2).put(swapped as u64, 1);
        }
        Reply::Text(t) => {
            bits.put(2, 2)
                .put(t.len as u64, 3)
                .put(t.overflow as u64, 1);
            for &piece in &t.pieces {
                bits.put(piece as u64, 12);
            }
        }
        Reply::Value(v) => {
            bits.put(3, 2).put(v as u64, 12);
        }
    }
}

fn take_reply(bits: &mut Bits) -> Reply {
    match bits.take(2) {
        0 => Reply::Ok,
        1 => Reply::Swapped(bits.take(1) == 1),
        2 => {
            let len = bits.take(3) as u8;
            let overflow = bits.take(1) == 1;
            let mut pieces = [0; PIECES_MAX];
            for piece in pieces.iter_mut() {
                *piece = bits.take(12) as u16;
            }
            Reply::Text(Text {
                len,
                pieces,
                overflow,
            })
        }
        _ => Reply::Value(bits.take(12) as u16),
    }
}

pub fn msg_words(msg: &Msg) -> [u64; 2] {
    let mut b = Bits::default();
    match *msg {
        Msg::Request { seq, request } => {
            b.put(0, 4)
                .put(seq as u64, 16)
                .put(request_bits(&request), 29);
        }
        Msg::Redirect { seq, leader } => {
            let leader = leader.map_or(0, |l| l as u64 + 1);
            b.put(1, 4).put(seq as u64, 16).put(leader, 5);
        }
        Msg::Reply { seq, reply } => {
            b.put(2, 4).put(seq as u64, 16);
            put_reply(&mut b, &reply);
        }
        Msg::Prepare { ballot, from } => {
            b.put(3, 4)
                .put(ballot_word(ballot), BALLOT_BITS)
                .put(from as u64, 16);
        }
        Msg::Promise {
            ballot,
            slot,
            end,
            accepted,
        } => {
            b.put(4, 4)
                .put(ballot_word(ballot), BALLOT_BITS)
                .put(slot as u64, 16)
                .put(end as u64, 16)
                .put(accepted.is_some() as u64, 1);
            if let Some((at, cmd)) = accepted {
                b.put(ballot_word(at), BALLOT_BITS)
                    .put(cmd_word(&cmd), CMD_BITS);
            }
        }
        Msg::Accept { ballot, slot, cmd } => {
            b.put(5, 4)
                .put(ballot_word(ballot), BALLOT_BITS)
                .put(slot as u64, 16)
                .put(cmd_word(&cmd), CMD_BITS);
        }
        Msg::Accepted { ballot, slot } => {
            b.put(6, 4)
                .put(ballot_word(ballot), BALLOT_BITS)
                .put(slot as u64, 16);
        }
        Msg::Nack { ballot } => {
            b.put(7, 4).put(ballot_word(ballot), BALLOT_BITS);
        }
        Msg::Commit { slot, cmd } => {
            b.put(8, 4)
                .put(slot as u64, 16)
                .put(cmd_word(&cmd), CMD_BITS);
        }
        Msg::Heartbeat {
            ballot,
            round,
            known,
        } => {
            b.put(9, 4)
                .put(ballot_word(ballot), BALLOT_BITS)
                .put(round as u64, 32)
                .put(known as u64, 16);
        }
        Msg::HeartbeatAck {
            ballot,
            round,
            known,
            upto,
        } => {
            b.put(10, 4)
                .put(ballot_word(ballot), BALLOT_BITS)
                .put(round as u64, 32)
                .put(known as u64, 16)
                .put(upto as u64, 16);
        }
    }
    b.words()
}

pub fn words_msg([low, high]: [u64; 2]) -> Msg {
    let mut b = Bits {
        value: low as u128 | (high as u128) << 64,
        at: 0,
    };
    let kind = b.take(4);
    let ballot = |b: &mut Bits| word_ballot(b.take(BALLOT_BITS));
    match kind {
        0 => Msg::Request {
            seq: b.take(16) as u16,
            request: bits_request(b.take(29)),
        },
        1 => Msg::Redirect {
            seq: b.take(16) as u16,
            leader: (b.take(5) as NodeId).checked_sub(1),
        },
        2 => Msg::Reply {
            seq: b.take(16) as u16,
            reply: take_reply(&mut b),
        },
        3 => Msg::Prepare {
            ballot: ballot(&mut b),
            from: b.take(16) as u16,
        },
        4 => {
            let ballot = ballot(&mut b);
            let slot = b.take(16) as u16;
            let end = b.take(16) as u16;
            let accepted = (b.take(1) == 1).then(|| {
                let at = word_ballot(b.take(BALLOT_BITS));
                (at, word_cmd(b.take(CMD_BITS)))
            });
            Msg::Promise {
                ballot,
                slot,
                end,
                accepted,
            }
        }
        5 => Msg::Accept {
            ballot: ballot(&mut b),
            slot: b.take(16) as u16,
            cmd: word_cmd(b.take(CMD_BITS)),
        },
        6 => Msg::Accepted {
            ballot: ballot(&mut b),
            slot: b.take(16) as u16,
        },
        7 => Msg::Nack {
            ballot: ballot(&mut b),
        },
        8 => Msg::Commit {
            slot: b.take(16) as u16,
            cmd: word_cmd(b.take(CMD_BITS)),
        },
        9 => Msg::Heartbeat {
            ballot: ballot(&mut b),
            round: b.take(32) as u32,
            known: b.take(16) as u16,
        },
        _ => Msg::HeartbeatAck {
            ballot: ballot(&mut b),
            round: b.take(32) as u32,
            known: b.take(16) as u16,
            upto: b.take(16) as u16,
        },
    }
}

fn pack_accepted(out: &mut Packer, accepted: Option<(Ballot, Cmd)>) {
    match accepted {
        None => out.words(&[0, 0]),
        Some((ballot, cmd)) => out.words(&[1 | ballot_word(ballot) << 1, cmd_word(&cmd)]),
    }
}

fn unpack_accepted(input: &mut Unpacker) -> Option<(Ballot, Cmd)> {
    let head = input.word();
    let cmd = word_cmd(input.word());
    (head & 1 == 1).then(|| (word_ballot(head >> 1), cmd))
}

impl Pack for Node {
    fn bound(&self) -> usize {
        let words = match self {
            Node::Server(s) => {
                let store: usize = s.store.iter().map(|k| 1 + k.len()).sum();
                let role = match &s.role {
                    Role::Follower => 0,
                    Role::Candidate(c) => {
                        let promises: usize = c.promises.iter().map(|p| 2 + p.got.len()).sum();
                        3 + promises + 2 * c.recovered.len()
                    }
                    Role::Leader(l) => 8 + 2 * l.pending.len(),
                };
                8 + 3 * s.log.len() + store + 1 + 3 * s.sessions.len() + role
            }
            Node::Client(c) => 8 + 2 * c.script.queue.len() + 3,
        };
        WORD_BYTES * words
    }

    fn pack(&self, out: &mut Packer) {
        match self {
            Node::Server(s) => {
                let role = match s.role {
                    Role::Follower => 0,
                    Role::Candidate(_) => 1,
                    Role::Leader(_) => 2,
                };
                let leader = s.leader.map_or(0, |l| l as u64 + 1);
                out.word(
                    (s.crashed as u64) << 1
                        | (s.lease_granted as u64) << 2
                        | role << 3
                        | leader << 8,
                );
                out.words(&[
                    ballot_word(s.promised),
                    s.applied as u64,
                    s.timeouts as u64,
                    s.log.len() as u64,
                ]);
                for e in &s.log {
                    pack_accepted(out, e.accepted);
                    let chosen = e.chosen.map_or(0, |c| 1 | cmd_word(&c) << 2);
                    out.word(chosen | (e.applied as u64) << 1);
                }
                out.word(s.store.len() as u64);
                for pieces in &s.store {
                    out.word(pieces.len() as u64);
                    for &piece in pieces {
                        out.word(piece as u64);
                    }
                }
                out.word(s.sessions.len() as u64);
                for &(seq, reply) in &s.sessions {
                    out.word(seq as u64);
                    pack_reply(Some(reply), out);
                }
                match &s.role {
                    Role::Follower => {}
                    Role::Candidate(c) => {
                        out.words(&[
                            ballot_word(c.ballot) | (c.from as u64) << 32,
                            c.promises.len() as u64,
                        ]);
                        for p in &c.promises {
                            out.words(&[p.end.map_or(0, |e| e as u64 + 1), p.got.len() as u64]);
                            out.words(&p.got);
                        }
                        out.word(c.recovered.len() as u64);
                        for &r in &c.recovered {
                            pack_accepted(out, r);
                        }
                    }
                    Role::Leader(l) => {
                        out.words(&[
                            ballot_word(l.ballot),
                            l.base as u64 | (l.next as u64) << 16 | (l.recovered_end as u64) << 32,
                            l.round as u64,
                            l.round_acks as u64,
                            l.lease_round as u64,
                            l.pending.len() as u64,
                        ]);
                        for p in &l.pending {
                            match p {
                                None => out.words(&[0, 0]),
                                Some(p) => out.words(&[
                                    1 | (p.stale as u64) << 1 | (p.acks as u64) << 2,
                                    cmd_word(&p.cmd),
                                ]),
                            }
                        }
                    }
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
                    c.seq as u64 | (c.leader as u64) << 16,
                    c.resends as u64,
                ]);
                match &c.running {
                    None => out.word(0),
                    Some(r) => {
                        out.word(1 | (r.redirected as u64) << 1 | (r.attempts as u64) << 2);
                        pack_request(&r.request, out);
                    }
                }
            }
        }
    }

    fn unpack_into(&mut self, input: &mut Unpacker) {
        let first = input.word();
        if first & 1 == 1 {
            let len = input.word() as usize;
            let queue = (0..len).map(|_| unpack_request(input)).collect();
            let [next, seq_leader, resends] = [input.word(), input.word(), input.word()];
            let head = input.word();
            let running = (head & 1 == 1).then(|| Running {
                redirected: head >> 1 & 1 == 1,
                attempts: (head >> 2) as u32,
                request: unpack_request(input),
            });
            *self = Node::Client(Client {
                crashed: first >> 1 & 1 == 1,
                script: Script {
                    thinking: first >> 2 & 1 == 1,
                    queue,
                    next: next as u16,
                },
                seq: seq_leader as u16,
                leader: (seq_leader >> 16) as NodeId,
                resends: resends as u32,
                running,
            });
            return;
        }
        let [promised, applied, timeouts, len] =
            [input.word(), input.word(), input.word(), input.word()];
        let log = (0..len)
            .map(|_| {
                let accepted = unpack_accepted(input);
                let word = input.word();
                Entry {
                    accepted,
                    chosen: (word & 1 == 1).then(|| word_cmd(word >> 2)),
                    applied: word >> 1 & 1 == 1,
                }
            })
            .collect();
        let keys = input.word() as usize;
        let store = (0..keys)
            .map(|_| {
                let len = input.word() as usize;
                (0..len).map(|_| input.word() as u16).collect()
            })
            .collect();
        let clients = input.word() as usize;
        let sessions = (0..clients)
            .map(|_| {
                let seq = input.word() as u16;
                (seq, unpack_reply(input).unwrap_or(Reply::Ok))
            })
            .collect();
        let role = match first >> 3 & 3 {
            0 => Role::Follower,
            1 => {
                let head = input.word();
                let servers = input.word() as usize;
                let promises = (0..servers)
                    .map(|_| {
                        let end = (input.word() as u16).checked_sub(1);
                        let words = input.word() as usize;
                        Promising {
                            end,
                            got: (0..words).map(|_| input.word()).collect(),
                        }
                    })
                    .collect();
                let len = input.word() as usize;
                Role::Candidate(Campaign {
                    ballot: word_ballot(head),
                    from: (head >> 32) as u16,
                    promises,
                    recovered: (0..len).map(|_| unpack_accepted(input)).collect(),
                })
            }
            _ => {
                let ballot = word_ballot(input.word());
                let slots = input.word();
                let [round, round_acks, lease_round, len] =
                    [input.word(), input.word(), input.word(), input.word()];
                let pending = (0..len)
                    .map(|_| {
                        let head = input.word();
                        let cmd = word_cmd(input.word());
                        (head & 1 == 1).then_some(Pending {
                            cmd,
                            stale: head >> 1 & 1 == 1,
                            acks: (head >> 2) as u32,
                        })
                    })
                    .collect();
                Role::Leader(Lead {
                    ballot,
                    base: slots as u16,
                    next: (slots >> 16) as u16,
                    recovered_end: (slots >> 32) as u16,
                    pending,
                    round: round as u32,
                    round_acks: round_acks as u32,
                    lease_round: lease_round as u32,
                })
            }
        };
        let leader = (first >> 8) as NodeId;
        *self = Node::Server(Box::new(Server {
            crashed: first >> 1 & 1 == 1,
            promised: word_ballot(promised),
            log,
            applied: applied as u16,
            store,
            sessions,
            role,
            leader: leader.checked_sub(1),
            lease_granted: first >> 2 & 1 == 1,
            timeouts: timeouts as u32,
        }));
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
        *self = match input.word() {
            0 => Timer::Election,
            1 => Timer::Heartbeat,
            2 => Timer::Resend,
            _ => Timer::Think,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_pack_into_two_words_and_back() {
        let ballot = Ballot {
            round: u16::MAX,
            server: 14,
        };
        let cmd = Cmd {
            client: 15,
            seq: u16::MAX,
            request: Request {
                kind: OpKind::Cas,
                key: 7,
                value: 4095,
                from: 4095,
            },
        };
        let text = Text {
            len: 6,
            pieces: [4095, 1, 2, 3, 4, 4094],
            overflow: true,
        };
        for msg in [
            Msg::Request {
                seq: 9,
                request: cmd.request,
            },
            Msg::Redirect {
                seq: 1,
                leader: Some(14),
            },
            Msg::Redirect {
                seq: 1,
                leader: None,
            },
            Msg::Reply {
                seq: u16::MAX,
                reply: Reply::Text(text),
            },
            Msg::Reply {
                seq: 3,
                reply: Reply::Swapped(true),
            },
            Msg::Prepare { ballot, from: 7 },
            Msg::Promise {
                ballot,
                slot: u16::MAX,
                end: u16::MAX,
                accepted: Some((ballot, cmd)),
            },
            Msg::Promise {
                ballot,
                slot: 0,
                end: 0,
                accepted: None,
            },
            Msg::Accept {
                ballot,
                slot: 3,
                cmd: Cmd::NOOP,
            },
            Msg::Accepted { ballot, slot: 2 },
            Msg::Nack { ballot },
            Msg::Commit { slot: 5, cmd },
            Msg::Heartbeat {
                ballot,
                round: u32::MAX,
                known: 3,
            },
            Msg::HeartbeatAck {
                ballot,
                round: 4,
                known: u16::MAX,
                upto: 9,
            },
        ] {
            assert_eq!(words_msg(msg_words(&msg)), msg);
        }
    }
}
