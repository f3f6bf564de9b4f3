//! Servers and clients of Multi-Paxos, and their handlers.

use super::{Config, Effects, Note, Timer};
use crate::clients::{OpKind, Reply, Request, Script, Text};
use crate::protocols::TimerCommand;
use crate::sim::NodeId;

/// A ballot: a round, made unique by the server that runs it. Ballots order by round, then
/// server; the zero ballot is below every real one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ballot {
    pub round: u16,
    pub server: u8,
}

/// A command of the log: a client's request with the client's number (from 1) and the
/// request's number among the client's, or a no-op (client 0) that fills a slot a new leader
/// found empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Cmd {
    pub client: u8,
    pub seq: u16,
    pub request: Request,
}

impl Cmd {
    pub const NOOP: Cmd = Cmd {
        client: 0,
        seq: 0,
        request: Request {
            kind: OpKind::Get,
            key: 0,
            value: 0,
            from: 0,
        },
    };

    pub fn is_noop(&self) -> bool {
        self.client == 0
    }
}

/// The most slots a log may have: slot numbers travel in 16 bits.
pub const SLOTS_MAX: usize = u16::MAX as usize;

/// How many missed commits a leader sends a follower for each heartbeat it acknowledges.
const CATCH_UP_MAX: usize = 8;

/// A message between servers, or between a client and a server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    /// A client asks for its `seq`-th request to be done.
    Request {
        seq: u16,
        request: Request,
    },
    /// A server that does not lead tells the client whom it believes leads (none: it does not
    /// know).
    Redirect {
        seq: u16,
        leader: Option<NodeId>,
    },
    /// The leader tells the client what its request returned.
    Reply {
        seq: u16,
        reply: Reply,
    },
    /// Phase 1 for every slot from `from` on.
    Prepare {
        ballot: Ballot,
        from: u16,
    },
    /// One slot of a promise: what the acceptor accepted in `slot` (if anything). An acceptor
    /// answers a Prepare with one Promise for each slot from the Prepare's `from` up to `end`
    /// (one past the highest slot it accepted in, and at least one message), so that every
    /// message fits two words; the candidate counts the promise once it has them all.
    Promise {
        ballot: Ballot,
        slot: u16,
        end: u16,
        accepted: Option<(Ballot, Cmd)>,
    },
    /// Phase 2 for one slot.
    Accept {
        ballot: Ballot,
        slot: u16,
        cmd: Cmd,
    },
    Accepted {
        ballot: Ballot,
        slot: u16,
    },
    /// An acceptor has promised a higher ballot than the one it was sent.
    Nack {
        ballot: Ballot,
    },
    /// The leader announces that `slot` holds `cmd`, chosen.
    Commit {
        slot: u16,
        cmd: Cmd,
    },
    /// The leader is alive; `round` counts its heartbeats, for its lease, and `known` is the
    /// first slot the leader does not know chosen.
    Heartbeat {
        ballot: Ballot,
        round: u32,
        known: u16,
    },
    /// A follower heard the heartbeat. It missed the commits of slots `known` up to `upto` (the
    /// leader's `known`), which the leader sends it again; none when the two are equal.
    HeartbeatAck {
        ballot: Ballot,
        round: u32,
        known: u16,
        upto: u16,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    Server(Box<Server>),
    Client(Client),
}

/// One slot of a server's log.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Entry {
    /// As an acceptor: the highest-ballot command it accepted here.
    pub accepted: Option<(Ballot, Cmd)>,
    /// As a learner: the command it knows was chosen here.
    pub chosen: Option<Cmd>,
    pub applied: bool,
}

/// A server: proposer, acceptor and learner, with a log, a key-value store and a table of each
/// client's last command. Everything but its role survives a crash, as if written to disk: its
/// promises and accepts must, and the store and table are what applying the log rebuilds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Server {
    pub crashed: bool,
    pub promised: Ballot,
    pub log: Vec<Entry>,
    /// The first slot not applied: every slot before it is.
    pub applied: u16,
    /// Per key, the values put and appended to it, in order.
    pub store: Vec<Vec<u16>>,
    /// Per client (by number, from 1 at index 0): its last command executed and its reply.
    pub sessions: Vec<(u16, Reply)>,
    pub role: Role,
    /// Whom it believes leads, from the highest ballot it has heard of.
    pub leader: Option<NodeId>,
    /// A lease: it acknowledged a leader's heartbeat and has not timed out since, so it
    /// promises no other candidate. Kept through a crash.
    pub lease_granted: bool,
    /// How often its timer has fired: the explorer bounds it.
    pub timeouts: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum Role {
    #[default]
    Follower,
    Candidate(Campaign),
    Leader(Lead),
}

/// A candidate's phase 1.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Campaign {
    pub ballot: Ballot,
    pub from: u16,
    /// Per server: the promise's end once heard, and which of its slots have arrived, one bit
    /// per slot from `from`.
    pub promises: Vec<Promising>,
    /// Per slot from `from`: the highest-ballot command any promise reported.
    pub recovered: Vec<Option<(Ballot, Cmd)>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Promising {
    pub end: Option<u16>,
    pub got: Vec<u64>,
}

impl Promising {
    fn has(&self, i: usize) -> bool {
        self.got.get(i / 64).is_some_and(|w| w >> (i % 64) & 1 == 1)
    }

    fn add(&mut self, i: usize) {
        if self.got.len() <= i / 64 {
            self.got.resize(i / 64 + 1, 0);
        }
        self.got[i / 64] |= 1 << (i % 64);
    }

    /// Whether every slot of the promise has arrived.
    pub fn complete(&self, from: u16) -> bool {
        self.end.is_some_and(|end| {
            let count = (end.max(from + 1) - from) as usize;
            (0..count).all(|i| self.has(i))
        })
    }
}

/// A leader's phase 2 and its heartbeats.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Lead {
    pub ballot: Ballot,
    /// The first slot this leader proposes in; slots before it it knew chosen.
    pub base: u16,
    /// The next slot it proposes in.
    pub next: u16,
    /// The end of the slots it re-proposed from its promises: its store is up to date once it
    /// has applied them.
    pub recovered_end: u16,
    /// Per slot from `base`: what it proposed there and who accepted it (none once chosen).
    pub pending: Vec<Option<Pending>>,
    /// Its heartbeats so far, the servers that acknowledged the latest, and the latest that a
    /// quorum acknowledged.
    pub round: u32,
    pub round_acks: u32,
    pub lease_round: u32,
}

/// A slot a leader proposed in and has not yet seen chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Pending {
    pub cmd: Cmd,
    /// The servers that accepted it, one bit each.
    pub acks: u32,
    /// A heartbeat has passed since it was proposed: the next one sends its Accept again to
    /// the acceptors that have not answered, which by then are late, not merely slow.
    pub stale: bool,
}

impl Lead {
    /// Whether a quorum acknowledged this heartbeat or the one before: no follower that did
    /// has timed out since, since a follower waits longer than two heartbeats.
    pub fn holds_lease(&self) -> bool {
        self.lease_round > 0 && self.round <= self.lease_round + 1
    }
}

/// A client: its queue of requests given by hand, how far it is through its workload, the
/// request it is waiting on and the server it believes leads. What it runs is lost in a
/// crash; the rest is its script.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Client {
    pub crashed: bool,
    /// Its requests given by hand, its place in its workload, and whether it is thinking.
    pub script: Script,
    /// How many requests it has made: the number of its latest.
    pub seq: u16,
    /// The server it sends to.
    pub leader: NodeId,
    /// How often it has resent, over all its requests: the explorer bounds it.
    pub resends: u32,
    pub running: Option<Running>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Running {
    pub request: Request,
    /// Resends of this request.
    pub attempts: u32,
    /// It has followed a redirect since it last sent on its own: it follows one per send, so
    /// that two servers that name each other cannot bounce it back and forth.
    pub redirected: bool,
}

impl Node {
    pub fn new(config: &Config, me: NodeId) -> Node {
        if config.is_client(me) {
            Node::Client(Client::default())
        } else {
            Node::Server(Box::new(Server {
                store: vec![Vec::new(); config.names_kv.keys.len()],
                sessions: vec![(0, Reply::Ok); config.names.len() - config.servers],
                ..Server::default()
            }))
        }
    }

    pub fn crashed(&self) -> bool {
        match self {
            Node::Server(s) => s.crashed,
            Node::Client(c) => c.crashed,
        }
    }

    pub fn crash(&mut self) {
        match self {
            Node::Server(s) => {
                // The lease it granted survives, as its promises do: a server that restarted
                // at once and helped elect another leader would cut short a lease it had
                // acknowledged. Restarting arms its election timeout, which ends the grant.
                s.crashed = true;
                s.role = Role::Follower;
            }
            Node::Client(c) => {
                c.crashed = true;
                c.script.thinking = false;
            }
        }
    }

    /// s1 runs for leader at once, so that a run does not begin with a whole election timeout
    /// of silence; the other servers wait to hear from it, and clients begin their workload.
    pub fn start(&mut self, me: NodeId, config: &Config, out: &mut Effects) {
        match self {
            Node::Server(s) if me == 0 => s.campaign(me, config, out),
            Node::Server(_) => out.timer = Some(TimerCommand::Set(Timer::Election)),
            Node::Client(c) => c.go_on(me, config, out),
        }
    }

    pub fn request(&mut self, me: NodeId, request: Request, out: &mut Effects) {
        if let Node::Client(c) = self {
            if let Some(request) = c.script.given(request, c.running.is_some()) {
                c.begin(me, request, out);
            }
        }
    }

    pub fn restart(&mut self, me: NodeId, config: &Config, out: &mut Effects) {
        match self {
            Node::Server(s) => {
                s.crashed = false;
                out.timer = Some(TimerCommand::Set(Timer::Election));
            }
            Node::Client(c) => {
                c.crashed = false;
                if let Some(running) = c.running.take() {
                    out.notes.push(Note::GaveUp {
                        client: me,
                        request: running.request,
                        why: super::GaveUp::Crashed,
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
            Node::Server(s) => s.on_message(me, from, msg, config, out),
            Node::Client(c) => c.on_message(me, from, msg, config, out),
        }
    }

    pub fn on_timer(&mut self, me: NodeId, timer: Timer, config: &Config, out: &mut Effects) {
        match (self, timer) {
            (Node::Server(s), Timer::Election) => {
                s.timeouts += 1;
                s.lease_granted = false;
                s.campaign(me, config, out);
            }
            (Node::Server(s), Timer::Heartbeat) => {
                s.timeouts += 1;
                s.heartbeat(me, config, out);
            }
            (Node::Client(c), Timer::Think) => c.think_done(me, config, out),
            (Node::Client(c), Timer::Resend) => c.resend(me, config, out),
            _ => {}
        }
    }
}

impl Server {
    fn entry(&mut self, slot: u16) -> &mut Entry {
        let i = slot as usize;
        if i >= self.log.len() {
            self.log.resize(i + 1, Entry::default());
        }
        &mut self.log[i]
    }

    /// The first slot it does not know chosen.
    pub fn known(&self) -> u16 {
        known(&self.log)
    }

    /// One past the highest slot it accepted in.
    fn accepted_end(&self) -> u16 {
        self.log
            .iter()
            .rposition(|e| e.accepted.is_some())
            .map_or(0, |i| i + 1) as u16
    }

    pub fn ballot(&self) -> Option<Ballot> {
        match &self.role {
            Role::Follower => None,
            Role::Candidate(c) => Some(c.ballot),
            Role::Leader(l) => Some(l.ballot),
        }
    }

    /// It heard of `ballot`, higher than its own: it follows whoever runs it.
    fn follow(&mut self, ballot: Ballot, out: &mut Effects) {
        let was_leading = !matches!(self.role, Role::Follower);
        self.role = Role::Follower;
        self.leader = Some(ballot.server as NodeId);
        if was_leading {
            out.timer = Some(TimerCommand::Set(Timer::Election));
        }
    }

    /// Runs for leader: phase 1 with a ballot above any it has seen, for every slot from the
    /// first it does not know chosen.
    fn campaign(&mut self, me: NodeId, config: &Config, out: &mut Effects) {
        let ballot = Ballot {
            round: self.promised.round.saturating_add(1),
            server: me,
        };
        let from = self.known();
        self.promised = ballot;
        self.leader = None;
        out.notes.push(Note::Campaign { server: me, ballot });
        let mut campaign = Campaign {
            ballot,
            from,
            promises: vec![Promising::default(); config.servers],
            recovered: Vec::new(),
        };
        // Its own promise, without a message.
        let end = self.accepted_end();
        for slot in from..end {
            campaign.hear(me, slot, end, self.log[slot as usize].accepted);
        }
        campaign.hear(me, from, end, None);
        self.role = Role::Candidate(campaign);
        for server in config.others(me) {
            out.sends.push((server, Msg::Prepare { ballot, from }));
        }
        out.timer = Some(TimerCommand::Set(Timer::Election));
        self.check_promises(me, config, out);
    }

    fn on_message(
        &mut self,
        me: NodeId,
        from: NodeId,
        msg: Msg,
        config: &Config,
        out: &mut Effects,
    ) {
        match msg {
            Msg::Request { seq, request } => self.on_request(me, from, seq, request, config, out),
            Msg::Prepare { ballot, from: slot } => {
                let other = Some(ballot.server as NodeId) != self.leader;
                if ballot < self.promised {
                    out.sends.push((
                        from,
                        Msg::Nack {
                            ballot: self.promised,
                        },
                    ));
                } else if self.lease_granted && other && config.reads == super::Reads::Lease {
                    // It promised the leader it heard last not to help elect another before
                    // its own timeout: the lease that leader counts on. Silence, not a Nack:
                    // the candidate tries again later.
                } else {
                    if ballot > self.promised {
                        self.promised = ballot;
                        self.follow(ballot, out);
                        out.notes.push(Note::Promised {
                            acceptor: me,
                            ballot,
                        });
                    }
                    let end = self.accepted_end();
                    for s in slot..end.max(slot + 1) {
                        let accepted = self.log.get(s as usize).and_then(|e| e.accepted);
                        out.sends.push((
                            from,
                            Msg::Promise {
                                ballot,
                                slot: s,
                                end,
                                accepted,
                            },
                        ));
                    }
                }
            }
            Msg::Promise {
                ballot,
                slot,
                end,
                accepted,
            } => {
                if let Role::Candidate(c) = &mut self.role {
                    if c.ballot == ballot {
                        c.hear(from, slot, end, accepted);
                        self.check_promises(me, config, out);
                    }
                }
            }
            Msg::Accept { ballot, slot, cmd } => {
                if ballot < self.promised {
                    out.sends.push((
                        from,
                        Msg::Nack {
                            ballot: self.promised,
                        },
                    ));
                    return;
                }
                if ballot > self.promised || self.leader != Some(from) {
                    self.promised = ballot;
                    self.follow(ballot, out);
                }
                self.entry(slot).accepted = Some((ballot, cmd));
                out.notes.push(Note::Accepted {
                    acceptor: me,
                    ballot,
                    slot,
                    cmd,
                });
                out.sends.push((from, Msg::Accepted { ballot, slot }));
                out.timer = Some(TimerCommand::Set(Timer::Election));
            }
            Msg::Accepted { ballot, slot } => self.on_accepted(me, from, ballot, slot, config, out),
            Msg::Nack { ballot } => {
                if self.ballot().is_some_and(|mine| ballot > mine) {
                    self.promised = self.promised.max(ballot);
                    self.follow(ballot, out);
                    out.notes.push(Note::SteppedDown { server: me, ballot });
                }
            }
            Msg::Commit { slot, cmd } => {
                if self.entry(slot).chosen.is_none() {
                    self.learn(me, slot, cmd, config, out);
                }
            }
            Msg::Heartbeat {
                ballot,
                round,
                known: upto,
            } => {
                if ballot < self.promised {
                    out.sends.push((
                        from,
                        Msg::Nack {
                            ballot: self.promised,
                        },
                    ));
                    return;
                }
                if ballot > self.promised || self.leader != Some(from) {
                    self.promised = ballot;
                    self.follow(ballot, out);
                }
                self.lease_granted = true;
                let known = self.known().min(upto);
                out.sends.push((
                    from,
                    Msg::HeartbeatAck {
                        ballot,
                        round,
                        known,
                        upto,
                    },
                ));
                out.timer = Some(TimerCommand::Set(Timer::Election));
            }
            Msg::HeartbeatAck {
                ballot,
                round,
                known,
                upto,
            } => self.on_heartbeat_ack(from, ballot, round, known..upto, config, out),
            Msg::Redirect { .. } | Msg::Reply { .. } => {}
        }
    }

    fn on_request(
        &mut self,
        me: NodeId,
        client: NodeId,
        seq: u16,
        request: Request,
        config: &Config,
        out: &mut Effects,
    ) {
        let Role::Leader(lead) = &self.role else {
            let leader = self.leader.filter(|&l| l != me);
            out.sends.push((client, Msg::Redirect { seq, leader }));
            return;
        };
        let number = config.client_number(client);
        let (last, reply) = self.sessions[number as usize - 1];
        if seq == last && !config.bugs.no_client_dedup {
            // Done already: the reply was lost, or the client gave up waiting.
            out.sends.push((client, Msg::Reply { seq, reply }));
            return;
        }
        if seq < last {
            return;
        }
        let caught_up = self.applied >= lead.recovered_end;
        let lease = lead.holds_lease() || config.bugs.reads_without_lease;
        if request.kind == OpKind::Get && config.local_reads() && lease && caught_up {
            let pieces = self
                .store
                .get(request.key as usize)
                .map_or(&[][..], Vec::as_slice);
            let reply = Reply::Text(Text::of(pieces));
            out.notes.push(Note::ReadLocally {
                server: me,
                client: number,
                seq,
                lease: lead.holds_lease(),
            });
            out.sends.push((client, Msg::Reply { seq, reply }));
            return;
        }
        let cmd = Cmd {
            client: number,
            seq,
            request,
        };
        self.propose(me, cmd, config, out);
    }

    /// The leader puts `cmd` in its next slot and sends it to every acceptor.
    fn propose(&mut self, me: NodeId, cmd: Cmd, config: &Config, out: &mut Effects) {
        let Role::Leader(lead) = &mut self.role else {
            return;
        };
        while (lead.next as usize) < self.log.len() && self.log[lead.next as usize].chosen.is_some()
        {
            lead.next += 1;
        }
        if lead.next as usize >= SLOTS_MAX {
            return;
        }
        let (ballot, slot) = (lead.ballot, lead.next);
        lead.next += 1;
        let index = (slot - lead.base) as usize;
        if lead.pending.len() <= index {
            lead.pending.resize(index + 1, None);
        }
        lead.pending[index] = Some(Pending {
            cmd,
            acks: 1 << me,
            stale: false,
        });
        out.notes.push(Note::Proposed {
            server: me,
            ballot,
            slot,
            cmd,
        });
        let entry = self.entry(slot);
        entry.accepted = Some((ballot, cmd));
        out.notes.push(Note::Accepted {
            acceptor: me,
            ballot,
            slot,
            cmd,
        });
        for server in config.others(me) {
            out.sends.push((server, Msg::Accept { ballot, slot, cmd }));
        }
        self.check_chosen(me, slot, config, out);
    }

    fn on_accepted(
        &mut self,
        me: NodeId,
        from: NodeId,
        ballot: Ballot,
        slot: u16,
        config: &Config,
        out: &mut Effects,
    ) {
        let Role::Leader(lead) = &mut self.role else {
            return;
        };
        if lead.ballot != ballot || slot < lead.base {
            return;
        }
        if let Some(Some(pending)) = lead.pending.get_mut((slot - lead.base) as usize) {
            pending.acks |= 1 << from;
            self.check_chosen(me, slot, config, out);
        }
    }

    /// A slot whose Accepted messages make a phase-2 quorum is chosen: the leader learns it and
    /// announces it.
    fn check_chosen(&mut self, me: NodeId, slot: u16, config: &Config, out: &mut Effects) {
        let Role::Leader(lead) = &mut self.role else {
            return;
        };
        let index = (slot - lead.base) as usize;
        let Some(Pending { cmd, acks, .. }) = lead.pending[index] else {
            return;
        };
        if !config.quorum.is_phase2_quorum(acks) {
            return;
        }
        lead.pending[index] = None;
        for server in config.others(me) {
            out.sends.push((server, Msg::Commit { slot, cmd }));
        }
        self.learn(me, slot, cmd, config, out);
    }

    fn learn(&mut self, me: NodeId, slot: u16, cmd: Cmd, config: &Config, out: &mut Effects) {
        self.entry(slot).chosen = Some(cmd);
        out.notes.push(Note::Learned {
            server: me,
            slot,
            cmd,
        });
        if config.bugs.apply_out_of_order && !self.log[slot as usize].applied {
            self.apply(me, slot, config, out);
        }
        while let Some(entry) = self.log.get(self.applied as usize) {
            if entry.chosen.is_none() {
                break;
            }
            if !entry.applied {
                self.apply(me, self.applied, config, out);
            }
            self.applied += 1;
        }
    }

    /// Executes the chosen command in `slot` on the store, once per client request, and answers
    /// the client if this server leads.
    fn apply(&mut self, me: NodeId, slot: u16, config: &Config, out: &mut Effects) {
        let entry = &mut self.log[slot as usize];
        entry.applied = true;
        let cmd = entry.chosen.expect("only a chosen slot is applied");
        if cmd.is_noop() {
            out.notes.push(Note::Applied {
                server: me,
                slot,
                cmd,
                executed: false,
            });
            return;
        }
        let session = &mut self.sessions[cmd.client as usize - 1];
        let executed = cmd.seq > session.0 || config.bugs.no_client_dedup;
        if executed {
            let reply = execute(&mut self.store, &cmd.request, config);
            *session = (cmd.seq, reply);
        }
        let (last, reply) = *session;
        out.notes.push(Note::Applied {
            server: me,
            slot,
            cmd,
            executed,
        });
        if matches!(self.role, Role::Leader(_)) && cmd.seq == last {
            let client = config.client_node(cmd.client);
            out.sends.push((
                client,
                Msg::Reply {
                    seq: cmd.seq,
                    reply,
                },
            ));
        }
    }

    /// Phase 1 is done once the promises that have all arrived make a quorum: the candidate
    /// leads, re-proposing in each slot what the promises reported with the highest ballot, a
    /// no-op where they reported nothing.
    fn check_promises(&mut self, me: NodeId, config: &Config, out: &mut Effects) {
        let Role::Candidate(c) = &self.role else {
            return;
        };
        let mut set = 0;
        for (server, promise) in c.promises.iter().enumerate() {
            if promise.complete(c.from) {
                set |= 1 << server;
            }
        }
        if !config.quorum.is_phase1_quorum(set) {
            return;
        }
        let (ballot, from) = (c.ballot, c.from);
        let recovered = c.recovered.clone();
        let recover = !config.bugs.leader_skips_recovery;
        let recovered_end = if recover {
            from + recovered.len() as u16
        } else {
            from
        };
        self.role = Role::Leader(Lead {
            ballot,
            base: from,
            next: from,
            recovered_end,
            pending: Vec::new(),
            round: 0,
            round_acks: 0,
            lease_round: 0,
        });
        self.leader = Some(me);
        out.notes.push(Note::Leading {
            server: me,
            ballot,
            from,
            recovered: recovered.len() as u16,
            skipped: !recover,
        });
        if recover {
            for (i, accepted) in recovered.iter().enumerate() {
                let slot = from + i as u16;
                if let Role::Leader(lead) = &mut self.role {
                    lead.next = slot;
                }
                if self
                    .log
                    .get(slot as usize)
                    .is_some_and(|e| e.chosen.is_some())
                {
                    continue;
                }
                let cmd = accepted.map_or(Cmd::NOOP, |(_, cmd)| cmd);
                self.propose(me, cmd, config, out);
            }
            if let Role::Leader(lead) = &mut self.role {
                lead.next = lead.next.max(recovered_end);
            }
        }
        self.heartbeat(me, config, out);
    }

    /// The leader's timer: a heartbeat to every follower, and its Accepts again to the
    /// acceptors that have not answered them, in case they were lost.
    fn heartbeat(&mut self, me: NodeId, config: &Config, out: &mut Effects) {
        let Role::Leader(lead) = &mut self.role else {
            return;
        };
        lead.round += 1;
        lead.round_acks = 1 << me;
        let (ballot, round) = (lead.ballot, lead.round);
        let known = known(&self.log);
        for server in config.others(me) {
            out.sends.push((
                server,
                Msg::Heartbeat {
                    ballot,
                    round,
                    known,
                },
            ));
        }
        for (i, pending) in lead.pending.iter_mut().enumerate() {
            let Some(pending) = pending else { continue };
            if pending.stale {
                let slot = lead.base + i as u16;
                for server in config.others(me) {
                    if pending.acks & 1 << server == 0 {
                        let cmd = pending.cmd;
                        out.sends.push((server, Msg::Accept { ballot, slot, cmd }));
                    }
                }
            }
            pending.stale = true;
        }
        out.timer = Some(TimerCommand::Set(Timer::Heartbeat));
    }

    /// A follower heard the latest heartbeat: it counts towards the lease, and it gets the
    /// commits it missed, a few per heartbeat.
    fn on_heartbeat_ack(
        &mut self,
        from: NodeId,
        ballot: Ballot,
        round: u32,
        missed: std::ops::Range<u16>,
        config: &Config,
        out: &mut Effects,
    ) {
        let Role::Leader(lead) = &mut self.role else {
            return;
        };
        if lead.ballot != ballot {
            return;
        }
        if round == lead.round {
            lead.round_acks |= 1 << from;
            if config.quorum.is_phase2_quorum(lead.round_acks) {
                lead.lease_round = round;
            }
        }
        for slot in missed.take(CATCH_UP_MAX) {
            if let Some(cmd) = self.log.get(slot as usize).and_then(|e| e.chosen) {
                out.sends.push((from, Msg::Commit { slot, cmd }));
            }
        }
    }
}

impl Campaign {
    /// Slot `slot` of `server`'s promise arrived.
    fn hear(&mut self, server: NodeId, slot: u16, end: u16, accepted: Option<(Ballot, Cmd)>) {
        if slot < self.from {
            return;
        }
        let i = (slot - self.from) as usize;
        let promise = &mut self.promises[server as usize];
        promise.end = Some(end);
        promise.add(i);
        if let Some((ballot, cmd)) = accepted {
            if self.recovered.len() <= i {
                self.recovered.resize(i + 1, None);
            }
            if self.recovered[i].is_none_or(|(b, _)| ballot > b) {
                self.recovered[i] = Some((ballot, cmd));
            }
        }
    }
}

/// The first slot of `log` not known chosen.
fn known(log: &[Entry]) -> u16 {
    log.iter()
        .position(|e| e.chosen.is_none())
        .unwrap_or(log.len()) as u16
}

/// Does `request` to the store, and says what it returns. A key the run did not name when
/// the server started (a person's request for a new key, added later) starts empty, as every
/// key does.
fn execute(store: &mut Vec<Vec<u16>>, request: &Request, config: &Config) -> Reply {
    let key = request.key as usize;
    if key >= store.len() {
        store.resize(key + 1, Vec::new());
    }
    let pieces = &mut store[key];
    match request.kind {
        OpKind::Get => Reply::Text(Text::of(pieces)),
        OpKind::Put => {
            pieces.clear();
            pieces.push(request.value);
            Reply::Ok
        }
        OpKind::Append => {
            pieces.push(request.value);
            Reply::Ok
        }
        OpKind::Cas => {
            let names = &config.names_kv;
            let holds: String = pieces.iter().map(|&p| names.value_name(p)).collect();
            if holds == names.value_name(request.from) {
                pieces.clear();
                pieces.push(request.value);
                Reply::Swapped(true)
            } else {
                Reply::Swapped(false)
            }
        }
    }
}

impl Client {
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
        self.begin(me, request, out);
    }

    fn begin(&mut self, me: NodeId, request: Request, out: &mut Effects) {
        self.seq = self.seq.saturating_add(1);
        out.notes.push(Note::Called {
            client: me,
            request,
        });
        self.running = Some(Running {
            request,
            attempts: 0,
            redirected: false,
        });
        self.send(out);
    }

    fn send(&mut self, out: &mut Effects) {
        let running = self.running.expect("a running request");
        out.sends.push((
            self.leader,
            Msg::Request {
                seq: self.seq,
                request: running.request,
            },
        ));
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
        match msg {
            Msg::Reply { seq, reply } if seq == self.seq => {
                self.leader = from;
                let request = running.request;
                self.running = None;
                if matches!(reply, Reply::Text(t) if t.overflow) {
                    out.notes.push(Note::GaveUp {
                        client: me,
                        request,
                        why: super::GaveUp::TooLong,
                    });
                } else {
                    out.notes.push(Note::Returned {
                        client: me,
                        request,
                        reply,
                        server: from,
                    });
                }
                self.go_on(me, config, out);
            }
            Msg::Redirect {
                seq,
                leader: Some(leader),
            } if seq == self.seq && !running.redirected && leader != self.leader => {
                running.redirected = true;
                self.leader = leader;
                let request = running.request;
                out.sends.push((
                    leader,
                    Msg::Request {
                        seq: self.seq,
                        request,
                    },
                ));
            }
            _ => {}
        }
    }

    /// No answer in time: the same request, with the same number, to the next server.
    fn resend(&mut self, me: NodeId, config: &Config, out: &mut Effects) {
        let Some(running) = self.running.as_mut() else {
            return;
        };
        running.attempts += 1;
        running.redirected = false;
        self.resends += 1;
        if running.attempts > config.workload.pacing().retries_max {
            let request = running.request;
            self.running = None;
            out.notes.push(Note::GaveUp {
                client: me,
                request,
                why: super::GaveUp::Retries,
            });
            self.go_on(me, config, out);
        } else {
            self.leader = (self.leader + 1) % config.servers as NodeId;
            self.send(out);
        }
    }
}

/// The client's operations from the workload.
fn workload(me: NodeId, config: &Config) -> &[Request] {
    config.workload.client(me as usize - config.servers)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A follower that acknowledged a leader's heartbeat promises no other candidate until its
    /// own election timeout fires, even if it crashed and restarted in between: the leader's
    /// lease counts on it.
    #[test]
    fn a_granted_lease_survives_a_crash_until_the_election_timeout() {
        let mut config = Config::new(3, 0);
        config.reads = super::super::Reads::Lease;
        let mut s2 = Node::new(&config, 1);
        let mut out = Effects::default();
        let leader = Ballot {
            round: 1,
            server: 0,
        };
        let heartbeat = Msg::Heartbeat {
            ballot: leader,
            round: 1,
            known: 0,
        };
        s2.on_message(1, 0, heartbeat, &config, &mut out);
        s2.crash();
        s2.restart(1, &config, &mut out);
        out.clear();
        let rival = Msg::Prepare {
            ballot: Ballot {
                round: 2,
                server: 2,
            },
            from: 0,
        };
        s2.on_message(1, 2, rival, &config, &mut out);
        assert!(out.sends.is_empty(), "{:?}", out.sends);
        // Once its own timeout has fired, it campaigns itself and follows a higher ballot.
        s2.on_timer(1, Timer::Election, &config, &mut out);
        out.clear();
        let higher = Msg::Prepare {
            ballot: Ballot {
                round: 5,
                server: 2,
            },
            from: 0,
        };
        s2.on_message(1, 2, higher, &config, &mut out);
        assert!(
            matches!(out.sends[..], [(2, Msg::Promise { .. })]),
            "{:?}",
            out.sends
        );
    }
}
