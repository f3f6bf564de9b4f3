//! Replicas and clients of the quorum-replicated store, and their handlers.

use super::{Config, Effects, Note, Timer};
use crate::clients::{OpKind, Reply, Request, Script};
use crate::protocols::TimerCommand;
use crate::sim::NodeId;

/// A value's version: a counter, made unique by the number of the client that wrote it
/// (0 for every key's initial value). Versions order by counter, then writer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Version {
    pub counter: u32,
    pub writer: u8,
}

/// A message between a client and a replica. `tag` names the client's operation and phase,
/// so that a late answer to an earlier one is ignored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    /// Phase 1: which version of `key` do you have?
    Query { tag: u32, key: u8 },
    /// A replica's answer to a Query.
    Current {
        tag: u32,
        key: u8,
        version: Version,
        value: u16,
    },
    /// Phase 2: keep this value if its version is newer than yours.
    Store {
        tag: u32,
        key: u8,
        version: Version,
        value: u16,
    },
    /// A replica's answer to a Store: it holds this version or a newer one.
    Stored { tag: u32 },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    Replica(Replica),
    Client(Client),
}

/// A replica: per key, the newest version it has been asked to store. All of it is durable.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Replica {
    pub crashed: bool,
    pub slots: Vec<(Version, u16)>,
}

/// A client: its queue of requests given by hand, how far it is through its workload, and the
/// operation it is running. What it runs is lost in a crash; the rest is its script.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Client {
    pub crashed: bool,
    /// Its requests given by hand, its place in its workload, and whether it is thinking.
    pub script: Script,
    /// How many operations it has started: the operation part of its messages' tags.
    pub seq: u32,
    /// The client's own counter, which versions its writes when they do not read versions.
    pub clock: u32,
    /// How often it has resent, over all its operations: the explorer bounds it.
    pub resends: u32,
    pub running: Option<Running>,
}

/// The operation a client is running.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Running {
    pub request: Request,
    /// 1: reading versions from a read quorum; 2: storing at a write quorum.
    pub phase: u8,
    /// The replicas that have answered this phase, one bit each.
    pub replies: u32,
    /// Resends in this phase.
    pub attempts: u32,
    /// Phase 1: the newest version and value heard. Phase 2: what is being stored.
    pub best: (Version, u16),
    /// Phase 2: what the operation returns once a write quorum has stored.
    pub reply: Reply,
}

impl Node {
    pub fn new(config: &Config, me: NodeId) -> Node {
        if config.is_client(me) {
            Node::Client(Client::default())
        } else {
            Node::Replica(Replica {
                crashed: false,
                slots: vec![(Version::default(), 0); config.names_kv.keys.len()],
            })
        }
    }

    pub fn crashed(&self) -> bool {
        match self {
            Node::Replica(r) => r.crashed,
            Node::Client(c) => c.crashed,
        }
    }

    pub fn crash(&mut self) {
        match self {
            Node::Replica(r) => r.crashed = true,
            Node::Client(c) => {
                c.crashed = true;
                // The engine disarms the timer of a crashed node.
                c.script.thinking = false;
            }
        }
    }

    /// A client with a workload begins it.
    pub fn start(&mut self, me: NodeId, config: &Config, out: &mut Effects) {
        if let Node::Client(c) = self {
            c.go_on(me, config, out);
        }
    }

    pub fn request(&mut self, me: NodeId, request: Request, config: &Config, out: &mut Effects) {
        if let Node::Client(c) = self {
            if let Some(request) = c.script.given(request, c.running.is_some()) {
                c.begin(me, request, config, out);
            }
        }
    }

    pub fn restart(&mut self, me: NodeId, config: &Config, out: &mut Effects) {
        match self {
            Node::Replica(r) => r.crashed = false,
            Node::Client(c) => {
                c.crashed = false;
                if let Some(running) = c.running.take() {
                    out.notes.push(Note::GaveUp {
                        client: me,
                        request: running.request,
                        crashed: true,
                    });
                }
                c.go_on(me, config, out);
            }
        }
    }

    pub fn on_message(
        &mut self,
        me: NodeId,
        from: NodeId,
        msg: Msg,
        config: &Config,
        out: &mut Effects,
    ) {
        match self {
            Node::Replica(r) => r.on_message(me, from, msg, out),
            Node::Client(c) => c.on_message(me, from, msg, config, out),
        }
    }

    pub fn on_timer(&mut self, me: NodeId, timer: Timer, config: &Config, out: &mut Effects) {
        if let Node::Client(c) = self {
            match timer {
                Timer::Think => c.think_done(me, config, out),
                Timer::Resend => c.resend(me, config, out),
            }
        }
    }
}

impl Replica {
    /// Key `key`'s slot. A key the run did not name when the replica started (a person's
    /// request for a new key, added later) has none yet: it starts as every key does, empty at
    /// version 0.
    fn slot(&mut self, key: u8) -> &mut (Version, u16) {
        let key = key as usize;
        if key >= self.slots.len() {
            self.slots.resize(key + 1, (Version::default(), 0));
        }
        &mut self.slots[key]
    }

    fn on_message(&mut self, me: NodeId, from: NodeId, msg: Msg, out: &mut Effects) {
        match msg {
            Msg::Query { tag, key } => {
                let (version, value) = *self.slot(key);
                out.sends.push((
                    from,
                    Msg::Current {
                        tag,
                        key,
                        version,
                        value,
                    },
                ));
            }
            Msg::Store {
                tag,
                key,
                version,
                value,
            } => {
                let slot = self.slot(key);
                if version > slot.0 {
                    *slot = (version, value);
                    out.notes.push(Note::Stored {
                        replica: me,
                        key,
                        version,
                        value,
                    });
                }
                out.sends.push((from, Msg::Stored { tag }));
            }
            Msg::Current { .. } | Msg::Stored { .. } => {}
        }
    }
}

impl Client {
    fn tag(&self, phase: u8) -> u32 {
        self.seq << 1 | (phase as u32 - 1)
    }

    /// Between operations: think, if there is more to do.
    fn go_on(&mut self, me: NodeId, config: &Config, out: &mut Effects) {
        if self.script.go_on(workload(me, config)) {
            out.timer = Some(TimerCommand::Set(Timer::Think));
        } else {
            out.timer = Some(TimerCommand::Cancel);
        }
    }

    fn think_done(&mut self, me: NodeId, config: &Config, out: &mut Effects) {
        let Some(request) = self.script.next_request(workload(me, config)) else {
            return;
        };
        self.begin(me, request, config, out);
    }

    fn begin(&mut self, me: NodeId, request: Request, config: &Config, out: &mut Effects) {
        self.seq += 1;
        out.notes.push(Note::Called {
            client: me,
            request,
        });
        let mut running = Running {
            request,
            phase: 1,
            replies: 0,
            attempts: 0,
            best: (Version::default(), 0),
            reply: Reply::Ok,
        };
        if request.kind == OpKind::Put && !config.writes_read_versions() {
            self.clock += 1;
            let version = Version {
                counter: self.clock,
                writer: config.client_number(me),
            };
            running.phase = 2;
            running.best = (version, request.value);
        }
        self.running = Some(running);
        self.send_phase(config, out);
    }

    /// Sends the running phase's request to every replica that has not answered it.
    fn send_phase(&mut self, config: &Config, out: &mut Effects) {
        let running = self.running.expect("a running operation");
        let key = running.request.key;
        let tag = self.tag(running.phase);
        let msg = if running.phase == 1 {
            Msg::Query { tag, key }
        } else {
            Msg::Store {
                tag,
                key,
                version: running.best.0,
                value: running.best.1,
            }
        };
        for replica in 0..config.replicas as NodeId {
            if running.replies & 1 << replica == 0 {
                out.sends.push((replica, msg));
            }
        }
        out.timer = Some(TimerCommand::Set(Timer::Resend));
    }

    fn on_message(
        &mut self,
        me: NodeId,
        from: NodeId,
        msg: Msg,
        config: &Config,
        out: &mut Effects,
    ) {
        let Some(running) = self.running.as_mut() else {
            return;
        };
        let bit = 1u32 << from;
        match msg {
            Msg::Current {
                tag,
                version,
                value,
                ..
            } if running.phase == 1 && tag == self.seq << 1 && running.replies & bit == 0 => {
                running.replies |= bit;
                if version > running.best.0 {
                    running.best = (version, value);
                }
                if config.is_quorum(1, running.replies) {
                    self.after_read(me, config, out);
                }
            }
            Msg::Stored { tag }
                if running.phase == 2 && tag == self.seq << 1 | 1 && running.replies & bit == 0 =>
            {
                running.replies |= bit;
                if config.is_quorum(2, running.replies) {
                    let (reply, quorum) = (running.reply, running.replies);
                    self.finish(me, reply, quorum, config, out);
                }
            }
            _ => {}
        }
    }

    /// A read quorum has answered: return, or go on to write.
    fn after_read(&mut self, me: NodeId, config: &Config, out: &mut Effects) {
        let running = self.running.expect("a running operation");
        let (newest, found) = running.best;
        let request = running.request;
        let next = Version {
            counter: newest.counter + 1,
            writer: config.client_number(me),
        };
        let (store, reply) = match request.kind {
            OpKind::Get if config.reads_write_back() => ((newest, found), Reply::Value(found)),
            OpKind::Get => {
                return self.finish(me, Reply::Value(found), running.replies, config, out)
            }
            // The store's section refuses append (it has no order to append in), so this arm
            // only ever sees puts.
            OpKind::Put | OpKind::Append => ((next, request.value), Reply::Ok),
            OpKind::Cas if found == request.from => ((next, request.value), Reply::Swapped(true)),
            OpKind::Cas => {
                return self.finish(me, Reply::Swapped(false), running.replies, config, out)
            }
        };
        out.notes.push(Note::Writing {
            client: me,
            key: request.key,
            version: store.0,
            value: store.1,
            quorum: running.replies,
            write_back: request.kind == OpKind::Get,
        });
        self.running = Some(Running {
            phase: 2,
            replies: 0,
            attempts: 0,
            best: store,
            reply,
            ..running
        });
        self.send_phase(config, out);
    }

    fn finish(
        &mut self,
        me: NodeId,
        reply: Reply,
        quorum: u32,
        config: &Config,
        out: &mut Effects,
    ) {
        let running = self.running.take().expect("a running operation");
        out.notes.push(Note::Returned {
            client: me,
            request: running.request,
            reply,
            quorum,
        });
        self.go_on(me, config, out);
    }

    fn resend(&mut self, me: NodeId, config: &Config, out: &mut Effects) {
        let Some(running) = self.running.as_mut() else {
            return;
        };
        running.attempts += 1;
        self.resends += 1;
        if running.attempts > config.workload.pacing().retries_max {
            let request = running.request;
            self.running = None;
            out.notes.push(Note::GaveUp {
                client: me,
                request,
                crashed: false,
            });
            self.go_on(me, config, out);
        } else {
            self.send_phase(config, out);
        }
    }
}

/// The client's operations from the workload.
fn workload(me: NodeId, config: &Config) -> &[Request] {
    config.workload.client(me as usize - config.replicas)
}
