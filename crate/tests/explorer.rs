//! Explorer tests: on two proposers with different values, three acceptors and one learner, the
//! exhaustive explorer must find a counterexample for every break-Paxos switch and for a quorum
//! system whose phases need not intersect, must find none for correct Paxos within the same
//! bounds, and every counterexample it returns must replay through the ordinary simulation.
//!
//! Bounds. The default bounds (one crash, one drop, one duplicate, two rounds) are far too big
//! for correct Paxos in a test: on this cluster the search does not end within 3,000,000
//! states (over 30 s in the dev profile), and even with no faults and one round each it takes
//! 8.5 million states. So each case here allows one round per proposer, only the fault its bug
//! needs, and at most [`STATES_MAX`] states. Every bug is found well inside that cap (the
//! slowest, proposer_ignores_promised_value, after about 59,000 states), and correct Paxos is
//! searched breadth first with the same faults up to the same cap, over three times as many
//! states, without finding anything. One more test explores a smaller cluster (no learner, no
//! faults) completely.

use paxoscope::explore::{
    explore, explore_reporting, explore_with, Bounds, Progress, Reduction, Report,
    PROGRESS_TRANSITIONS,
};
use paxoscope::protocols::paxos::check::ViolationKind;
use paxoscope::protocols::paxos::{Action, Paxos, Scenario};
use paxoscope::scenario::{QuorumSpec, SchedulerKind};
use paxoscope::Simulation;

/// The cap on distinct states for every search here; the largest bug search needs about 60,000.
const STATES_MAX: usize = 200_000;

/// One ballot per proposer, no faults.
const NO_FAULTS: Bounds = Bounds {
    max_crashes: 0,
    max_drops: 0,
    max_duplicates: 0,
    max_rounds: 1,
    max_states: STATES_MAX,
    gravest_only: false,
};

/// One ballot per proposer and one crash (restarts are always allowed).
const ONE_CRASH: Bounds = Bounds {
    max_crashes: 1,
    ..NO_FAULTS
};

/// One ballot per proposer and one duplicated message.
const ONE_DUPLICATE: Bounds = Bounds {
    max_duplicates: 1,
    ..NO_FAULTS
};

/// Two proposers proposing different values at once, three acceptors, `learners` learners.
fn duel(learners: usize, quorum: QuorumSpec, bugs: &[&str]) -> Scenario {
    let text = format!(
        r#"{{"version": 1, "protocol": "paxos",
            "cluster": {{"proposers": 2, "acceptors": 3, "learners": {learners}}},
            "schedule": [{{"at": 0, "propose": {{"node": "p1", "value": "A"}}}},
                         {{"at": 0, "propose": {{"node": "p2", "value": "B"}}}}]}}"#
    );
    let mut scenario = Scenario::from_json(&text).expect("a valid scenario");
    scenario.section.quorum = quorum;
    scenario.section.bugs = bugs.iter().map(|b| b.to_string()).collect();
    scenario
}

fn search(name: &str, scenario: &Scenario, bounds: Bounds) -> Report<Paxos> {
    let compiled = scenario.compile().expect("a valid scenario");
    let report = explore(scenario, &compiled, bounds);
    println!(
        "{name}: {} states, {} transitions, complete: {}, violations: {:?}",
        report.states,
        report.transitions,
        report.complete,
        report.violations.iter().map(|v| v.kind).collect::<Vec<_>>()
    );
    report
}

/// The explorer finds `expected` under `bounds`, and its counterexample, saved as scenario JSON
/// and run by the ordinary simulation, breaks safety the same way.
fn finds(name: &str, scenario: Scenario, bounds: Bounds, expected: ViolationKind) {
    let report = search(name, &scenario, bounds);
    let kinds: Vec<&str> = report.violations.iter().map(|v| v.kind).collect();
    assert!(kinds.contains(&expected.name()), "{name}: found {kinds:?}");
    assert!(report.states < bounds.max_states, "{name}: hit the cap");
    let counterexample = report
        .counterexample
        .expect("a violation comes with a path");
    assert_eq!(counterexample.scheduler, SchedulerKind::Script);
    println!(
        "{name}: counterexample of {} steps: {}",
        counterexample.schedule.len(),
        counterexample.to_json()
    );
    // Through JSON, as the CLI and the page receive it.
    let replayed = Scenario::from_json(&counterexample.to_json()).expect("reads back");
    assert_eq!(replayed, counterexample);
    let mut sim = Simulation::new(&replayed.compile().expect("a valid counterexample"));
    sim.run();
    let replayed_kinds: Vec<&str> = sim.violations().iter().map(|v| v.kind).collect();
    assert!(
        replayed_kinds.contains(&expected.name()),
        "{name}: the replay found {replayed_kinds:?}"
    );
    // The path ends with the step that breaks safety: the script scheduler takes one step per
    // tick, so the violation happens at the tick of the last step.
    let last_step_tick = counterexample.schedule.last().expect("a path").at;
    let violation = sim.violations().iter().find(|v| v.kind == expected.name());
    assert_eq!(violation.map(|v| v.tick), Some(last_step_tick), "{name}");
}

/// Correct Paxos under `bounds`: no violation in any state the search reaches.
fn finds_nothing(name: &str, bounds: Bounds) -> Report<Paxos> {
    let report = search(name, &duel(1, QuorumSpec::Majority, &[]), bounds);
    assert!(
        report.violations.is_empty(),
        "{name}: {:?}",
        report.violations
    );
    assert!(report.counterexample.is_none());
    report
}

#[test]
fn finds_acceptor_forgets_on_restart() {
    let scenario = duel(1, QuorumSpec::Majority, &["acceptor_forgets_on_restart"]);
    finds(
        "acceptor_forgets_on_restart",
        scenario,
        ONE_CRASH,
        ViolationKind::PromiseDecreased,
    );
}

#[test]
fn finds_proposer_ignores_promised_value() {
    let scenario = duel(
        1,
        QuorumSpec::Majority,
        &["proposer_ignores_promised_value"],
    );
    finds(
        "proposer_ignores_promised_value",
        scenario,
        NO_FAULTS,
        ViolationKind::Agreement,
    );
}

#[test]
fn finds_acceptor_accepts_below_promise() {
    let scenario = duel(1, QuorumSpec::Majority, &["acceptor_accepts_below_promise"]);
    finds(
        "acceptor_accepts_below_promise",
        scenario,
        NO_FAULTS,
        ViolationKind::AcceptedBelowPromise,
    );
}

/// The first violation an acceptor that accepts below its promise causes is that one; a search
/// told to stop only at the gravest goes on to two values chosen, offers it first beforehand
/// (`gravest_not_found`), and its counterexample replays to both.
#[test]
fn a_search_for_the_gravest_goes_on_past_a_lesser_violation_to_two_values_chosen() {
    use paxoscope::explore::gravest_not_found;
    let scenario = duel(1, QuorumSpec::Majority, &["acceptor_accepts_below_promise"]);
    let first = search("any violation", &scenario, NO_FAULTS);
    let kinds: Vec<&str> = first.violations.iter().map(|v| v.kind).collect();
    assert_eq!(kinds, ["accepted_below_promise"]);
    assert_eq!(
        gravest_not_found::<Paxos>(&first.violations),
        Some("two values chosen")
    );
    let gravest = Bounds {
        gravest_only: true,
        ..NO_FAULTS
    };
    let report = search("the gravest only", &scenario, gravest);
    assert!(report.states > first.states, "it searched on");
    assert!(report
        .violations
        .iter()
        .any(|v| v.kind == ViolationKind::Agreement.name()));
    assert_eq!(gravest_not_found::<Paxos>(&report.violations), None);
    finds(
        "the gravest only",
        scenario,
        gravest,
        ViolationKind::Agreement,
    );
    // Correct Paxos has no violation of any rank to stop at: the search sees every state.
    let correct = search(
        "correct, the gravest only",
        &duel(1, QuorumSpec::Majority, &[]),
        gravest,
    );
    assert!(correct.violations.is_empty() && correct.counterexample.is_none());
}

#[test]
fn finds_learner_counts_duplicates() {
    let scenario = duel(1, QuorumSpec::Majority, &["learner_counts_duplicates"]);
    finds(
        "learner_counts_duplicates",
        scenario,
        ONE_DUPLICATE,
        ViolationKind::LearnedNotChosen,
    );
}

#[test]
fn finds_two_values_chosen_with_non_intersecting_flexible_quorums() {
    // 1 + 2 is not more than 3 acceptors: a phase-1 quorum can miss every acceptor of a
    // phase-2 quorum. Both sizes small (1 + 1) is unsafe too, and found sooner.
    for (phase1, phase2) in [(1, 2), (2, 1), (1, 1)] {
        let quorum = QuorumSpec::Flexible { phase1, phase2 };
        let name = format!("flexible quorum {phase1}+{phase2} of 3");
        finds(
            &name,
            duel(1, quorum, &[]),
            NO_FAULTS,
            ViolationKind::Agreement,
        );
    }
}

#[test]
fn finds_nothing_in_correct_paxos_without_faults() {
    finds_nothing("correct Paxos, no faults", NO_FAULTS);
}

#[test]
fn finds_nothing_with_flexible_quorums_that_intersect() {
    // 1 + 3 > 3: any single Promise starts phase 2, but a value is chosen only when all three
    // acceptors accept it, so every phase-1 quorum still meets every phase-2 quorum; 3 + 1 is
    // the mirror image.
    for (phase1, phase2) in [(1, 3), (3, 1)] {
        let safe = duel(1, QuorumSpec::Flexible { phase1, phase2 }, &[]);
        let name = format!("flexible quorum {phase1}+{phase2} of 3");
        let report = search(&name, &safe, NO_FAULTS);
        assert!(report.violations.is_empty(), "{name}");
    }
}

#[test]
fn finds_nothing_in_correct_paxos_with_one_crash() {
    finds_nothing("correct Paxos, one crash", ONE_CRASH);
}

#[test]
fn finds_nothing_in_correct_paxos_with_one_duplicate() {
    finds_nothing("correct Paxos, one duplicate", ONE_DUPLICATE);
}

#[test]
fn correct_paxos_is_safe_in_every_interleaving_of_two_competing_ballots() {
    // Without a learner and without faults the whole state space is small enough to finish:
    // every order in which the two proposers' Prepare, Promise, Accept and Accepted messages
    // can arrive, and no two values are ever chosen.
    let scenario = duel(0, QuorumSpec::Majority, &[]);
    let bounds = Bounds {
        max_states: 1_000_000,
        ..NO_FAULTS
    };
    let report = search("correct Paxos, no learner, complete", &scenario, bounds);
    assert!(report.complete, "the search was cut short");
    assert!(report.violations.is_empty());
    assert_eq!(report.states, 378_191);
}

/// A long search reports its progress as it goes: at every [`PROGRESS_TRANSITIONS`]
/// transitions, with states and depth that only grow, and without changing what it finds.
#[test]
fn a_search_reports_its_progress_and_finds_the_same() {
    let scenario = duel(0, QuorumSpec::Majority, &[]);
    let compiled = scenario.compile().expect("a valid scenario");
    let bounds = Bounds {
        max_states: 1_000_000,
        ..NO_FAULTS
    };
    let mut reports: Vec<Progress> = Vec::new();
    let report = explore_reporting(&scenario, &compiled, bounds, Reduction::SleepSets, |p| {
        reports.push(p)
    });
    let quiet = explore(&scenario, &compiled, bounds);
    assert_eq!(
        (report.states, report.transitions),
        (quiet.states, quiet.transitions)
    );
    assert_eq!(
        reports.len() as u64,
        report.transitions / PROGRESS_TRANSITIONS
    );
    assert!(reports.len() >= 2, "{} reports", reports.len());
    for (i, pair) in reports.windows(2).enumerate() {
        assert_eq!(
            pair[1].transitions - pair[0].transitions,
            PROGRESS_TRANSITIONS,
            "report {i}"
        );
        assert!(pair[1].states >= pair[0].states);
    }
    assert!(reports
        .iter()
        .all(|p| p.depth > 0 && p.states <= report.states));
    // Breadth first in strides: the depth reported late is deeper than early on.
    assert!(reports.last().unwrap().depth > reports[0].depth);
}

/// Sleep sets prune transitions, never states: on searches small enough to finish, the reduced
/// search reaches exactly as many distinct states as the plain one, through fewer transitions,
/// and finds a violation exactly when the plain one does.
#[test]
fn sleep_sets_visit_every_state_the_plain_search_visits() {
    let cases = [
        ("one proposer, 1 crash", single(3), ONE_CRASH),
        (
            "one proposer, 1 drop, 1 duplicate",
            single(3),
            Bounds {
                max_drops: 1,
                ..ONE_DUPLICATE
            },
        ),
        ("three servers, 1 crash", servers(&["A"]), ONE_CRASH),
        (
            "learner counts duplicates",
            duel(1, QuorumSpec::Majority, &["learner_counts_duplicates"]),
            ONE_DUPLICATE,
        ),
    ];
    for (name, scenario, bounds) in cases {
        let compiled = scenario.compile().expect("a valid scenario");
        let plain = explore_with(&scenario, &compiled, bounds, Reduction::None);
        let reduced = explore_with(&scenario, &compiled, bounds, Reduction::SleepSets);
        println!(
            "{name}: plain {} states / {} transitions, sleep sets {} / {}",
            plain.states, plain.transitions, reduced.states, reduced.transitions
        );
        assert_eq!(
            plain.violations.is_empty(),
            reduced.violations.is_empty(),
            "{name}"
        );
        if plain.violations.is_empty() {
            assert!(plain.complete && reduced.complete, "{name}: cut short");
            assert_eq!(plain.states, reduced.states, "{name}");
            assert!(reduced.transitions < plain.transitions, "{name}");
        }
    }
}

/// One proposer with value A, `acceptors` acceptors and one learner.
fn single(acceptors: usize) -> Scenario {
    Scenario::from_json(&format!(
        r#"{{"version": 1, "protocol": "paxos",
            "cluster": {{"proposers": 1, "acceptors": {acceptors}, "learners": 1}},
            "schedule": [{{"at": 0, "propose": {{"node": "p1", "value": "A"}}}}]}}"#
    ))
    .expect("a valid scenario")
}

/// Three servers that each play every role; s1, s2… propose `values` in turn.
fn servers(values: &[&str]) -> Scenario {
    let proposals: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            format!(
                r#"{{"at": 0, "propose": {{"node": "s{}", "value": "{v}"}}}}"#,
                i + 1
            )
        })
        .collect();
    Scenario::from_json(&format!(
        r#"{{"version": 1, "protocol": "paxos", "cluster": {{"servers": 3}},
            "schedule": [{}]}}"#,
        proposals.join(", ")
    ))
    .expect("a valid scenario")
}

/// The explorer's queue keeps states packed into words, and each transition starts from a copy
/// of its parent made in another state's allocations. Both are exact: along a long walk through
/// every kind of step, each state unpacked into another simulation of the same run, and each
/// state copied into one left a few steps behind, prints exactly as the original.
#[test]
fn packed_and_copied_states_are_exact() {
    for scenario in [duel(2, QuorumSpec::Majority, &[]), servers(&["A", "B"])] {
        let compiled = scenario.compile().expect("a valid scenario");
        let start = paxoscope::protocols::paxos::Compiled {
            scheduler: SchedulerKind::Script,
            schedule: Vec::new(),
            until_ticks: u64::MAX,
            ..compiled.clone()
        };
        let mut sim = Simulation::new(&start).for_exploring();
        let mut target = sim.clone();
        let mut copy = sim.clone();
        for (_, action) in &compiled.schedule {
            sim.apply(action);
        }
        let nodes = sim.nodes().len() as u8;
        let mut words = Vec::new();
        // A fixed pseudo-random walk (a linear congruential generator, so the test needs no
        // dependency): mostly deliveries, with every intervention now and then.
        let mut x = 12345u64;
        for step in 0..400 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let pick = (x >> 33) as usize;
            let node = (pick % nodes as usize) as u8;
            let message = (!sim.inflight().is_empty())
                .then(|| sim.inflight()[pick % sim.inflight().len()].id);
            let action = match (pick / 7 % 20, message) {
                (0, _) => Action::Crash(node),
                (1, _) => Action::Restart(node),
                (2, Some(id)) => Action::Drop(id),
                (3, Some(id)) => Action::Duplicate(id),
                (4, Some(id)) => Action::Delay {
                    message: id,
                    ticks: 3,
                },
                (5, _) => Action::Cut {
                    from: node,
                    to: (node + 1) % nodes,
                },
                (6, _) => Action::Restore {
                    from: node,
                    to: (node + 1) % nodes,
                },
                (7, _) => {
                    let mut groups = [0; paxoscope::protocols::paxos::MAX_NODES];
                    groups[node as usize] = 1;
                    Action::Partition(groups)
                }
                (8, _) => Action::Heal,
                (9, _) => Action::Timeout(node),
                (_, Some(id)) => Action::Deliver(id),
                (_, None) => Action::Restart(node),
            };
            sim.apply(&action);
            if !sim.violations().is_empty() {
                panic!("correct Paxos broke safety at step {step}");
            }
            words.clear();
            sim.pack(&mut words);
            target.unpack(&words);
            assert_eq!(
                format!("{target:?}"),
                format!("{sim:?}"),
                "step {step}: {action:?}"
            );
            if step % 3 == 0 {
                copy.copy_from(&sim);
                assert_eq!(
                    format!("{copy:?}"),
                    format!("{sim:?}"),
                    "copy at step {step}: {action:?}"
                );
            }
        }
    }
}
