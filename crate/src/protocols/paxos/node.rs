//! Single-decree Paxos's node state and its handlers.

use super::config::Config;
use crate::quorum::AcceptorSet;

/// The longest value a proposal may carry, in characters.
pub const VALUE_LEN_MAX: usize = 32;
/// The most distinct values one run may propose: a value is a byte in every message.
pub const VALUES_MAX: usize = 64;

/// A node's index in the cluster: proposers first, then acceptors, then learners (or servers).
pub use crate::sim::{NodeId, MAX_NODES};

/// What a handler wants done: messages, the retry timer, notes.
pub type Effects = crate::protocols::Effects<super::Paxos>;
pub type TimerCommand = crate::protocols::TimerCommand<Retry>;

/// The one timer a Paxos node has: a proposer's retry, which starts a higher ballot when the
/// current one has not finished in time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Retry;

/// Which roles a node plays.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Roles(u8);

impl Roles {
    pub const PROPOSER: Roles = Roles(1);
    pub const ACCEPTOR: Roles = Roles(2);
    pub const LEARNER: Roles = Roles(4);
    pub const ALL: Roles = Roles(7);

    pub fn contains(self, other: Roles) -> bool {
        self.0 & other.0 == other.0
    }

    /// The word the page and the docs use for this combination of roles.
    pub fn name(self) -> &'static str {
        match self.0 {
            1 => "proposer",
            2 => "acceptor",
            4 => "learner",
            _ => "server",
        }
    }
}

/// A ballot number: a round, made unique by the proposer that owns it. Ballots compare by round
/// first, then by proposer, so every two ballots are ordered and no two proposers share one.
/// Round 0 is "no ballot", lower than every real one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ballot {
    pub round: u32,
    pub proposer: NodeId,
}

impl Ballot {
    pub const NONE: Ballot = Ballot {
        round: 0,
        proposer: 0,
    };

    pub fn is_none(self) -> bool {
        self.round == 0
    }
}

/// A proposed value, as an index into [`Config::values`]. Values are interned so that messages
/// and states stay small and copyable.
pub type Value = u8;

/// The four Paxos messages, and Nack, with which an acceptor tells a proposer that its ballot
/// is out of date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    Prepare {
        ballot: Ballot,
    },
    Promise {
        ballot: Ballot,
        accepted: Option<(Ballot, Value)>,
    },
    Nack {
        ballot: Ballot,
        promised: Ballot,
    },
    Accept {
        ballot: Ballot,
        value: Value,
    },
    Accepted {
        ballot: Ballot,
        value: Value,
    },
}

impl Msg {
    pub fn ballot(&self) -> Ballot {
        match *self {
            Msg::Prepare { ballot }
            | Msg::Promise { ballot, .. }
            | Msg::Nack { ballot, .. }
            | Msg::Accept { ballot, .. }
            | Msg::Accepted { ballot, .. } => ballot,
        }
    }
}

/// Where a proposer is in its current ballot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Nothing to propose, or not yet started.
    Idle,
    /// Phase 1: Prepare sent; collecting Promises.
    Preparing {
        promises: AcceptorSet,
        /// The highest-ballot accepted value reported so far.
        highest: Option<(Ballot, Value)>,
    },
    /// Phase 2: Accept sent with `value`; collecting Accepted.
    Accepting { value: Value, accepted: AcceptorSet },
    /// Gave up this ballot after a Nack; waits for the backoff timer to try a higher one.
    Backoff,
    /// Saw a phase-2 quorum accept `value`: done.
    Done { value: Value },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Proposer {
    /// The value this proposer was asked to propose (volatile).
    pub value: Option<Value>,
    /// The highest round this proposer has used or heard of. Durable: a restarted proposer must
    /// never reuse a ballot, or stale Promises for it could choose a second value.
    pub round: u32,
    pub ballot: Ballot,
    pub phase: Phase,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Acceptor {
    /// Durable: the highest ballot promised.
    pub promised: Ballot,
    /// Durable: the highest-ballot value accepted.
    pub accepted: Option<(Ballot, Value)>,
}

/// Votes a learner has seen in one ballot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Tally {
    pub ballot: Ballot,
    pub value: Value,
    pub acceptors: AcceptorSet,
    /// Accepted messages seen, duplicates included (only the buggy learner looks at it).
    pub messages: u32,
}

#[derive(Debug, Default, PartialEq, Eq, Hash)]
pub struct Learner {
    pub learned: Option<(Ballot, Value)>,
    pub tallies: Vec<Tally>,
}

// `Clone` is written out for `Learner` and `Node` so that `clone_from` reuses the tallies'
// allocation: the explorer copies a whole state for every transition it takes.
impl Clone for Learner {
    fn clone(&self) -> Self {
        Learner {
            learned: self.learned,
            tallies: self.tallies.clone(),
        }
    }

    fn clone_from(&mut self, source: &Self) {
        self.learned = source.learned;
        self.tallies.clone_from(&source.tallies);
    }
}

/// One node's state in all the roles it plays.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Node {
    pub crashed: bool,
    pub proposer: Option<Proposer>,
    pub acceptor: Option<Acceptor>,
    pub learner: Option<Learner>,
}

impl Clone for Node {
    fn clone(&self) -> Self {
        Node {
            crashed: self.crashed,
            proposer: self.proposer,
            acceptor: self.acceptor,
            learner: self.learner.clone(),
        }
    }

    fn clone_from(&mut self, source: &Self) {
        self.crashed = source.crashed;
        self.proposer = source.proposer;
        self.acceptor = source.acceptor;
        self.learner.clone_from(&source.learner);
    }
}

/// Protocol-level facts a step established. The simulation turns each into a log event and the
/// safety checker inspects them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Note {
    /// A proposer started phase 1 of a new ballot.
    Prepared { proposer: NodeId, ballot: Ballot },
    /// An acceptor promised `ballot`; `repeat` when it had already promised exactly that ballot.
    Promised {
        acceptor: NodeId,
        ballot: Ballot,
        previous: Ballot,
        accepted: Option<(Ballot, Value)>,
        repeat: bool,
    },
    /// An acceptor refused a Prepare or Accept below its promise.
    Refused {
        acceptor: NodeId,
        ballot: Ballot,
        promised: Ballot,
    },
    /// An acceptor accepted a value; `promised` is its promise just before.
    AcceptedValue {
        acceptor: NodeId,
        ballot: Ballot,
        value: Value,
        promised: Ballot,
    },
    /// A proposer had a phase-1 quorum and chose the value to send in phase 2.
    Proposed {
        proposer: NodeId,
        ballot: Ballot,
        value: Value,
        /// The accepted value that forced the choice, if a Promise reported one.
        adopted_from: Option<Ballot>,
        /// Under `proposer_ignores_promised_value`: the reported value it overrode.
        ignored: Option<(Ballot, Value)>,
    },
    /// A proposer gave up its ballot because an acceptor had promised a higher one.
    Abandoned {
        proposer: NodeId,
        ballot: Ballot,
        higher: Ballot,
    },
    /// A proposer's timer fired while its ballot was unfinished.
    TimedOut { proposer: NodeId, ballot: Ballot },
    /// A proposer saw a phase-2 quorum accept its value.
    SawChosen {
        proposer: NodeId,
        ballot: Ballot,
        value: Value,
    },
    /// A learner learned a value.
    Learned {
        learner: NodeId,
        ballot: Ballot,
        value: Value,
        acceptors: AcceptorSet,
        messages: u32,
    },
    /// A restarted acceptor lost its durable state (the `acceptor_forgets_on_restart` bug).
    Forgot {
        acceptor: NodeId,
        promised: Ballot,
        accepted: Option<(Ballot, Value)>,
    },
}

impl Node {
    pub fn new(roles: Roles) -> Node {
        Node {
            crashed: false,
            proposer: roles.contains(Roles::PROPOSER).then_some(Proposer {
                value: None,
                round: 0,
                ballot: Ballot::NONE,
                phase: Phase::Idle,
            }),
            acceptor: roles.contains(Roles::ACCEPTOR).then_some(Acceptor {
                promised: Ballot::NONE,
                accepted: None,
            }),
            learner: roles.contains(Roles::LEARNER).then(Learner::default),
        }
    }

    /// Restart after a crash: durable state survives, volatile state starts afresh.
    pub fn restart(&mut self, me: NodeId, config: &Config, out: &mut Effects) {
        self.crashed = false;
        if let Some(p) = &mut self.proposer {
            p.value = None;
            p.ballot = Ballot::NONE;
            p.phase = Phase::Idle;
        }
        if let Some(a) = &mut self.acceptor {
            if config.bugs.acceptor_forgets_on_restart
                && (!a.promised.is_none() || a.accepted.is_some())
            {
                out.notes.push(Note::Forgot {
                    acceptor: me,
                    promised: a.promised,
                    accepted: a.accepted,
                });
                a.promised = Ballot::NONE;
                a.accepted = None;
            }
        }
        if let Some(l) = &mut self.learner {
            *l = Learner::default();
        }
    }

    /// The user (or the scenario) asks this proposer to propose `value`.
    pub fn propose(&mut self, me: NodeId, value: Value, config: &Config, out: &mut Effects) {
        let Some(p) = &mut self.proposer else { return };
        p.value = Some(value);
        // A proposer that already saw a value chosen has nothing more to do: Paxos decides once.
        if matches!(p.phase, Phase::Done { .. }) {
            return;
        }
        start_ballot(p, me, config, out);
    }

    pub fn on_timer(&mut self, me: NodeId, config: &Config, out: &mut Effects) {
        let Some(p) = &mut self.proposer else { return };
        match p.phase {
            Phase::Preparing { .. } | Phase::Accepting { .. } => {
                out.notes.push(Note::TimedOut {
                    proposer: me,
                    ballot: p.ballot,
                });
                start_ballot(p, me, config, out);
            }
            Phase::Backoff => start_ballot(p, me, config, out),
            Phase::Idle | Phase::Done { .. } => {}
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
        match msg {
            Msg::Prepare { ballot } => {
                if let Some(a) = &mut self.acceptor {
                    on_prepare(a, me, from, ballot, out);
                }
            }
            Msg::Accept { ballot, value } => {
                if let Some(a) = &mut self.acceptor {
                    on_accept(a, me, from, ballot, value, config, out);
                }
            }
            Msg::Promise { ballot, accepted } => {
                if let Some(p) = &mut self.proposer {
                    on_promise(p, me, from, ballot, accepted, config, out);
                }
            }
            Msg::Nack { ballot, promised } => {
                if let Some(p) = &mut self.proposer {
                    on_nack(p, me, ballot, promised, out);
                }
            }
            Msg::Accepted { ballot, value } => {
                if let Some(p) = &mut self.proposer {
                    on_accepted_proposer(p, me, from, ballot, value, config, out);
                }
                if let Some(l) = &mut self.learner {
                    on_accepted_learner(l, me, from, ballot, value, config, out);
                }
            }
        }
    }
}

fn acceptor_bit(config: &Config, node: NodeId) -> AcceptorSet {
    config.acceptor_index[node as usize].map_or(0, |i| 1 << i)
}

fn start_ballot(p: &mut Proposer, me: NodeId, config: &Config, out: &mut Effects) {
    if p.value.is_none() {
        p.phase = Phase::Idle;
        return;
    }
    p.round += 1;
    p.ballot = Ballot {
        round: p.round,
        proposer: me,
    };
    p.phase = Phase::Preparing {
        promises: 0,
        highest: None,
    };
    out.notes.push(Note::Prepared {
        proposer: me,
        ballot: p.ballot,
    });
    for &a in &config.acceptors {
        out.sends.push((a, Msg::Prepare { ballot: p.ballot }));
    }
    out.timer = Some(TimerCommand::Set(Retry));
}

fn on_prepare(a: &mut Acceptor, me: NodeId, from: NodeId, ballot: Ballot, out: &mut Effects) {
    // Equal counts as a repeat of the same Prepare: answering it again keeps duplicates harmless.
    if ballot >= a.promised {
        let previous = a.promised;
        a.promised = ballot;
        out.notes.push(Note::Promised {
            acceptor: me,
            ballot,
            previous,
            accepted: a.accepted,
            repeat: previous == ballot,
        });
        out.sends.push((
            from,
            Msg::Promise {
                ballot,
                accepted: a.accepted,
            },
        ));
    } else {
        refuse(a, me, from, ballot, out);
    }
}

/// An acceptor tells a proposer its ballot is below the acceptor's promise.
fn refuse(a: &Acceptor, me: NodeId, from: NodeId, ballot: Ballot, out: &mut Effects) {
    out.notes.push(Note::Refused {
        acceptor: me,
        ballot,
        promised: a.promised,
    });
    out.sends.push((
        from,
        Msg::Nack {
            ballot,
            promised: a.promised,
        },
    ));
}

fn on_accept(
    a: &mut Acceptor,
    me: NodeId,
    from: NodeId,
    ballot: Ballot,
    value: Value,
    config: &Config,
    out: &mut Effects,
) {
    if ballot >= a.promised || config.bugs.acceptor_accepts_below_promise {
        let promised = a.promised;
        a.promised = a.promised.max(ballot);
        a.accepted = Some((ballot, value));
        out.notes.push(Note::AcceptedValue {
            acceptor: me,
            ballot,
            value,
            promised,
        });
        // The proposer needs to know its value was chosen; learners need to learn it. A node
        // that is both (a combined server) gets one message.
        let reply = Msg::Accepted { ballot, value };
        out.sends.push((from, reply));
        for &l in &config.learners {
            if l != from {
                out.sends.push((l, reply));
            }
        }
    } else {
        refuse(a, me, from, ballot, out);
    }
}

fn on_promise(
    p: &mut Proposer,
    me: NodeId,
    from: NodeId,
    ballot: Ballot,
    accepted: Option<(Ballot, Value)>,
    config: &Config,
    out: &mut Effects,
) {
    if ballot != p.ballot {
        return;
    }
    let Phase::Preparing { promises, highest } = &mut p.phase else {
        return;
    };
    *promises |= acceptor_bit(config, from);
    if let Some((b, v)) = accepted {
        if highest.is_none_or(|(hb, _)| b > hb) {
            *highest = Some((b, v));
        }
    }
    if !config.quorum.is_phase1_quorum(*promises) {
        return;
    }
    let own = p.value.expect("a proposer only prepares with a value");
    let (value, adopted_from, ignored) = match *highest {
        Some((b, v)) if config.bugs.proposer_ignores_promised_value && v != own => {
            (own, None, Some((b, v)))
        }
        Some((b, v)) => (v, Some(b), None),
        None => (own, None, None),
    };
    p.phase = Phase::Accepting { value, accepted: 0 };
    out.notes.push(Note::Proposed {
        proposer: me,
        ballot,
        value,
        adopted_from,
        ignored,
    });
    for &a in &config.acceptors {
        out.sends.push((a, Msg::Accept { ballot, value }));
    }
}

fn on_nack(p: &mut Proposer, me: NodeId, ballot: Ballot, promised: Ballot, out: &mut Effects) {
    p.round = p.round.max(promised.round);
    let active = matches!(p.phase, Phase::Preparing { .. } | Phase::Accepting { .. });
    if ballot != p.ballot || !active || promised <= ballot {
        return;
    }
    p.phase = Phase::Backoff;
    out.notes.push(Note::Abandoned {
        proposer: me,
        ballot,
        higher: promised,
    });
    out.timer = Some(TimerCommand::Set(Retry));
}

fn on_accepted_proposer(
    p: &mut Proposer,
    me: NodeId,
    from: NodeId,
    ballot: Ballot,
    value: Value,
    config: &Config,
    out: &mut Effects,
) {
    if ballot != p.ballot {
        return;
    }
    let Phase::Accepting { accepted, .. } = &mut p.phase else {
        return;
    };
    *accepted |= acceptor_bit(config, from);
    if config.quorum.is_phase2_quorum(*accepted) {
        p.phase = Phase::Done { value };
        out.notes.push(Note::SawChosen {
            proposer: me,
            ballot,
            value,
        });
        out.timer = Some(TimerCommand::Cancel);
    }
}

fn on_accepted_learner(
    l: &mut Learner,
    me: NodeId,
    from: NodeId,
    ballot: Ballot,
    value: Value,
    config: &Config,
    out: &mut Effects,
) {
    // Tallies stay sorted by ballot, so that a learner's state does not depend on the order
    // Accepted messages of different ballots arrived in (the explorer counts such states once).
    let index = match l.tallies.binary_search_by_key(&ballot, |t| t.ballot) {
        Ok(i) => i,
        Err(i) => {
            l.tallies.insert(
                i,
                Tally {
                    ballot,
                    value,
                    acceptors: 0,
                    messages: 0,
                },
            );
            i
        }
    };
    let tally = &mut l.tallies[index];
    tally.acceptors |= acceptor_bit(config, from);
    tally.messages += 1;
    let quorum = if config.bugs.learner_counts_duplicates {
        tally.messages as usize >= config.quorum.phase2_size_min()
    } else {
        config.quorum.is_phase2_quorum(tally.acceptors)
    };
    if quorum && l.learned != Some((ballot, tally.value)) {
        // Learning the same value again in a later ballot adds nothing to say.
        if l.learned.map(|(_, v)| v) == Some(tally.value) {
            return;
        }
        l.learned = Some((ballot, tally.value));
        out.notes.push(Note::Learned {
            learner: me,
            ballot,
            value: tally.value,
            acceptors: tally.acceptors,
            messages: tally.messages,
        });
    }
}
