//! Monte Carlo on the real simulation: how likely a cluster is to decide by tick t when each of
//! its quorum's nodes fails with probability p.
//!
//! The article our users come from says that consensus "can be mathematically modeled using
//! probability theory" and gives no model. The exact figures of the quorum lens (`quorum/`) say
//! whether a quorum survives; they cannot say how long deciding takes under delay and loss, or
//! what duelling proposers cost. This runs the protocol itself many times instead: run `k` is the
//! scenario with seed `seed + k`, and with crashes drawn from that seed's own stream, so that every
//! run is an ordinary scenario the page can replay ([`Estimator::scenario_for_run`]).
//!
//! Everything but the scenario glue at the bottom is generic over the protocol: a protocol says
//! when a run has decided ([`Protocol::decided`]), and the caller says which nodes may fail.

use crate::json::json_object;
use crate::rng::{Rng, Stream};
use crate::sim::action::{Action, Compiled};
use crate::sim::protocol::Protocol;
use crate::sim::{NodeId, Simulation};
use std::sync::Arc;

/// When a failing node fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// Crashed before anything happens: the run measures whether the survivors can decide.
    Start,
    /// Crashed at a tick drawn uniformly from the run's horizon, and never restarted.
    Uniform,
}

impl Failure {
    pub const NAMES: [&'static str; 2] = ["start", "uniform"];

    pub fn from_name(name: &str) -> Option<Failure> {
        match name {
            "start" => Some(Failure::Start),
            "uniform" => Some(Failure::Uniform),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        Failure::NAMES[self as usize]
    }
}

/// The most runs one estimate takes: a million 5-node runs take a few seconds natively.
pub const RUNS_MAX: u64 = 1_000_000;

/// What one estimate asks for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spec {
    pub runs: u64,
    /// Each failing node's probability of failing in a run.
    pub p: f64,
    pub failure: Failure,
}

impl Spec {
    /// Names the first field that is out of range.
    pub fn check(&self) -> Result<(), String> {
        if !(1..=RUNS_MAX).contains(&self.runs) {
            return Err(format!(
                "runs: {} is not between 1 and {RUNS_MAX}",
                self.runs
            ));
        }
        if !(0.0..=1.0).contains(&self.p) {
            return Err(format!(
                "p: {} is not a probability between 0 and 1",
                self.p
            ));
        }
        Ok(())
    }
}

/// Runs a scenario many times with drawn failures and keeps, for each run, when it decided.
pub struct Estimator<P: Protocol> {
    compiled: Compiled<P>,
    /// The nodes that may fail, in node order.
    failing: Vec<NodeId>,
    spec: Spec,
    /// For each run so far, the tick it decided at, or `None` if it had not by the horizon.
    decided_ticks: Vec<Option<u64>>,
    /// Messages sent by each decided run up to its decision, summed.
    messages_to_decision: u64,
}

impl<P: Protocol> Estimator<P> {
    pub fn new(compiled: Compiled<P>, failing: Vec<NodeId>, spec: Spec) -> Estimator<P> {
        Estimator {
            compiled,
            failing,
            spec,
            decided_ticks: Vec::with_capacity(spec.runs as usize),
            messages_to_decision: 0,
        }
    }

    pub fn spec(&self) -> Spec {
        self.spec
    }

    /// Runs done so far.
    pub fn done(&self) -> u64 {
        self.decided_ticks.len() as u64
    }

    pub fn finished(&self) -> bool {
        self.done() >= self.spec.runs
    }

    /// The seed of run `run`.
    pub fn seed(&self, run: u64) -> u64 {
        self.compiled.seed.wrapping_add(run)
    }

    /// The crashes run `run` draws, in node order: each failing node fails with probability p,
    /// at tick 0 or at a uniform tick before the horizon. Every node takes the same draws
    /// whether it fails or not, so that raising p fails more nodes without moving the others'
    /// crash ticks.
    pub fn crashes(&self, run: u64) -> Vec<(u64, NodeId)> {
        let mut rng = Rng::new(self.seed(run), Stream::Failures);
        let mut crashes = Vec::new();
        for &node in &self.failing {
            let fails = rng.chance(self.spec.p);
            let tick = rng.below(self.compiled.until_ticks);
            if fails {
                let at = match self.spec.failure {
                    Failure::Start => 0,
                    Failure::Uniform => tick,
                };
                crashes.push((at, node));
            }
        }
        crashes
    }

    /// Run `run` as a compiled scenario: the crashes come first in file order, so that at a
    /// tick shared with the scenario's own steps they happen before them; a node crashed from
    /// the start then never sends.
    pub fn compiled_for_run(&self, run: u64) -> Compiled<P> {
        let mut schedule: Vec<(u64, Action<P>)> = self
            .crashes(run)
            .into_iter()
            .map(|(at, node)| (at, Action::Crash(node)))
            .collect();
        schedule.extend(self.compiled.schedule.iter().cloned());
        // Stable, as in `Scenario::compile`: equal ticks keep their file order.
        crate::sort::sort_by_key(&mut schedule, |(at, _)| *at);
        Compiled {
            config: Arc::clone(&self.compiled.config),
            seed: self.seed(run),
            scheduler: self.compiled.scheduler,
            schedule,
            until_ticks: self.compiled.until_ticks,
        }
    }

    /// Runs up to `count` more runs (fewer at the end), each only until it decides: what
    /// happens after the decision does not change the estimate. Callers that show progress
    /// (the page's worker) call this in slices.
    pub fn run(&mut self, count: u64) {
        let end = (self.done() + count).min(self.spec.runs);
        for run in self.done()..end {
            let mut sim = Simulation::new(&self.compiled_for_run(run)).without_log();
            let mut decided = P::decided(sim.checker());
            while !decided && sim.step() {
                decided = P::decided(sim.checker());
            }
            if decided {
                self.messages_to_decision += sim.messages_sent();
                self.decided_ticks.push(Some(sim.now()));
            } else {
                self.decided_ticks.push(None);
            }
        }
    }

    /// The estimate from the runs so far, with the curve sampled at `points + 1` evenly spaced
    /// ticks from 0 to the horizon.
    pub fn estimate(&self, points: usize) -> Estimate {
        let runs = self.done();
        let horizon = self.compiled.until_ticks;
        let mut ticks: Vec<u64> = self.decided_ticks.iter().flatten().copied().collect();
        crate::sort::sort(&mut ticks);
        let decided = ticks.len() as u64;
        let points = points.max(1);
        let curve = (0..=points)
            .map(|i| {
                let tick = horizon * i as u64 / points as u64;
                let by = ticks.partition_point(|&t| t <= tick) as u64;
                let (low, high) = wilson(by, runs);
                Point {
                    tick,
                    decided: fraction(by, runs),
                    low,
                    high,
                }
            })
            .collect();
        let (low, high) = wilson(decided, runs);
        let decision_ticks_mean =
            (decided > 0).then(|| ticks.iter().sum::<u64>() as f64 / decided as f64);
        let messages_per_decision =
            (decided > 0).then(|| self.messages_to_decision as f64 / decided as f64);
        let percent = |x: f64| format!("{:.1} %", x * 100.0);
        let mut summary = format!(
            "{decided} of {runs} runs decided by tick {horizon}: {} (95 % band {} to {})",
            percent(fraction(decided, runs)),
            percent(low),
            percent(high)
        );
        if let (Some(mean), Some(messages)) = (decision_ticks_mean, messages_per_decision) {
            summary += &format!("; on average at tick {mean:.0}, after {messages:.1} messages");
        }
        summary.push('.');
        Estimate {
            runs,
            p: self.spec.p,
            failure: self.spec.failure.name(),
            horizon_ticks: horizon,
            decided: fraction(decided, runs),
            decided_low: low,
            decided_high: high,
            curve,
            decision_ticks_mean,
            messages_per_decision,
            summary,
            first_undecided_run: self.decided_ticks.iter().position(Option::is_none),
        }
    }
}

fn fraction(count: u64, of: u64) -> f64 {
    if of == 0 {
        0.0
    } else {
        count as f64 / of as f64
    }
}

/// The 95 % Wilson score interval for `successes` out of `trials`. Unlike the normal
/// approximation it stays inside [0, 1] and is not zero-width when every run decided, which is
/// the common case here.
pub fn wilson(successes: u64, trials: u64) -> (f64, f64) {
    if trials == 0 {
        return (0.0, 1.0);
    }
    const Z: f64 = 1.959_963_984_540_054;
    let n = trials as f64;
    let p = successes as f64 / n;
    let z2 = Z * Z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / (1.0 + z2 / n);
    // At 0 or n successes one end is exactly 0 or 1; rounding must not move it past the share.
    let low = if successes == 0 { 0.0 } else { centre - half };
    let high = if successes == trials {
        1.0
    } else {
        centre + half
    };
    (low, high)
}

/// One point of the curve: the share of runs decided by `tick`, with its 95 % band.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    pub tick: u64,
    pub decided: f64,
    pub low: f64,
    pub high: f64,
}

/// What the runs so far say.
#[derive(Clone, Debug, PartialEq)]
pub struct Estimate {
    pub runs: u64,
    pub p: f64,
    pub failure: &'static str,
    pub horizon_ticks: u64,
    /// The share of runs that decided before the horizon, with its 95 % band.
    pub decided: f64,
    pub decided_low: f64,
    pub decided_high: f64,
    pub curve: Vec<Point>,
    /// Over the runs that decided.
    pub decision_ticks_mean: Option<f64>,
    /// Messages sent up to the decision (network copies included), over the runs that decided.
    pub messages_per_decision: Option<f64>,
    /// A run to open in the page when some did not decide.
    pub first_undecided_run: Option<usize>,
    /// The estimate in one sentence, for the page.
    pub summary: String,
}

json_object!(Point {
    tick,
    decided,
    low,
    high
});

json_object!(Estimate {
    runs,
    p,
    failure,
    horizon_ticks,
    decided,
    decided_low,
    decided_high,
    curve,
    decision_ticks_mean?,
    messages_per_decision?,
    first_undecided_run?,
    summary
});

/// The scenario glue: which nodes fail in a scenario, and run `k` written out as a scenario.
mod scenario {
    use super::*;
    use crate::protocols::paxos::Paxos;
    use crate::protocols::paxos::{Intervention, Scenario};
    use crate::scenario::{QuorumSpec, ScenarioError};

    impl Estimator<Paxos> {
        /// An estimate over `scenario`, in which the acceptors fail: they are what a quorum is
        /// made of, so that with failures from the start and a long horizon the share decided
        /// tends to the exact probability that a quorum survives, which the quorum lens
        /// computes. Proposers and learners stay up.
        pub fn for_scenario(
            scenario: &Scenario,
            spec: Spec,
        ) -> Result<Estimator<Paxos>, ScenarioError> {
            let compiled = scenario.compile()?;
            let failing = compiled.config.acceptors.clone();
            Ok(Estimator::new(compiled, failing, spec))
        }

        /// The exact probability that, with each acceptor down with probability p and the
        /// others up, some phase-1 quorum and some phase-2 quorum are up: what the share
        /// decided tends to with failures from the start and a long horizon, since a proposer
        /// that can reach both quorums retries until it gets through. Summed over every set of
        /// acceptors that is up (at most 2^16).
        pub fn exact(&self) -> f64 {
            let quorum = &self.compiled.config.quorum;
            let n = quorum.acceptors() as u32;
            let p = self.spec.p;
            (0u32..1 << n)
                .filter(|&up| quorum.is_phase1_quorum(up) && quorum.is_phase2_quorum(up))
                .map(|up| {
                    (1.0 - p).powi(up.count_ones() as i32) * p.powi((n - up.count_ones()) as i32)
                })
                .sum()
        }

        /// The cluster in a few words, for a chart's legend: "5 acceptors".
        pub fn label(&self) -> String {
            let n = self.compiled.config.quorum.acceptors();
            format!("{n} acceptor{}", if n == 1 { "" } else { "s" })
        }

        /// `scenario` with `acceptors` acceptors (servers, in a cluster of servers), for
        /// comparing cluster sizes: only a majority quorum has a meaning at every size.
        pub fn resized(scenario: &Scenario, acceptors: usize) -> Result<Scenario, ScenarioError> {
            if scenario.section.quorum != QuorumSpec::Majority {
                return Err(ScenarioError {
                    field: "quorum".into(),
                    message:
                        "comparing cluster sizes needs a majority quorum, which every size has"
                            .into(),
                });
            }
            let mut cluster = scenario.cluster.clone();
            if cluster.servers.is_some() {
                cluster.servers = Some(acceptors);
            } else {
                cluster.acceptors = Some(acceptors);
            }
            let resized = Scenario {
                cluster,
                ..scenario.clone()
            };
            // Compiling names what does not fit, such as a step for a node the size lacks.
            resized.compile()?;
            Ok(resized)
        }

        /// Run `run` as a scenario that replays it in the page: the seed moved on by `run`
        /// and the drawn crashes put first in the schedule.
        pub fn scenario_for_run(&self, scenario: &Scenario, run: u64) -> Scenario {
            let config = &self.compiled.config;
            let mut schedule: Vec<Intervention> = self
                .crashes(run)
                .into_iter()
                .map(|(at, node)| Intervention {
                    at,
                    crash: Some(config.name(node).to_string()),
                    ..Intervention::default()
                })
                .collect();
            schedule.extend(scenario.schedule.iter().cloned());
            Scenario {
                seed: self.seed(run),
                schedule,
                ..scenario.clone()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocols::paxos::Scenario;

    const PROPOSE: &str = r#"{"at": 0, "propose": {"node": "p1", "value": "A"}}"#;

    fn scenario(acceptors: usize, extra: &str, schedule: &str) -> Scenario {
        Scenario::from_json(&format!(
            r#"{{"version": 1, "protocol": "paxos", "seed": 11,
                "cluster": {{"proposers": 1, "acceptors": {acceptors}, "learners": 1}},
                "schedule": [{schedule}]{extra}}}"#
        ))
        .expect("valid")
    }

    /// With no failures and a reliable network, every run decides, and the curve rises from 0
    /// to 1 without ever falling.
    #[test]
    fn without_failures_every_run_decides() {
        let spec = Spec {
            runs: 200,
            p: 0.0,
            failure: Failure::Start,
        };
        let mut estimator = Estimator::for_scenario(&scenario(3, "", PROPOSE), spec).unwrap();
        estimator.run(1000);
        let estimate = estimator.estimate(20);
        assert_eq!(estimate.runs, 200);
        assert_eq!(estimate.decided, 1.0);
        assert_eq!(estimate.curve[0].decided, 0.0);
        assert_eq!(estimate.curve.last().unwrap().decided, 1.0);
        assert!(estimate
            .curve
            .windows(2)
            .all(|w| w[0].decided <= w[1].decided));
        assert!(estimate
            .curve
            .iter()
            .all(|p| p.low <= p.decided && p.decided <= p.high));
        // Prepare, Promise, Accept and Accepted to each of three acceptors, at the least.
        assert!(estimate.messages_per_decision.unwrap() >= 12.0);
        assert_eq!(estimate.first_undecided_run, None);
        assert!(
            estimate.summary.starts_with("200 of 200 runs decided by tick 2000: 100.0 % (95 % band 98.1 % to 100.0 %); on average at tick "),
            "{}",
            estimate.summary
        );
    }

    #[test]
    fn a_scenario_resizes_only_with_a_majority_quorum_and_its_nodes() {
        let base = scenario(3, "", PROPOSE);
        let five = Estimator::resized(&base, 5).unwrap();
        assert_eq!(five.cluster.acceptors, Some(5));
        let crash = scenario(5, "", &format!(r#"{PROPOSE}, {{"at": 3, "crash": "a5"}}"#));
        let error = Estimator::resized(&crash, 3).unwrap_err();
        assert_eq!(error.field, "schedule[1].crash");
        let flexible = scenario(
            3,
            r#", "quorum": {"kind": "flexible", "phase1": 2, "phase2": 2}"#,
            PROPOSE,
        );
        assert_eq!(
            Estimator::resized(&flexible, 5).unwrap_err().field,
            "quorum"
        );
    }

    /// Failures from the start and a long horizon: a run decides exactly when a majority of
    /// acceptors is up, so the estimate must agree with the binomial sum within its band. The
    /// seeds are fixed, so this either always passes or always fails.
    #[test]
    fn failures_from_the_start_agree_with_the_exact_survival_probability() {
        for (acceptors, p) in [(3, 0.1), (5, 0.3), (7, 0.5)] {
            let spec = Spec {
                runs: 2000,
                p,
                failure: Failure::Start,
            };
            let mut estimator =
                Estimator::for_scenario(&scenario(acceptors, "", PROPOSE), spec).unwrap();
            estimator.run(spec.runs);
            let estimate = estimator.estimate(10);
            let exact = majority_alive(acceptors, p);
            assert!(
                (estimator.exact() - exact).abs() < 1e-12,
                "{acceptors} at {p}"
            );
            assert!(
                estimate.decided_low <= exact && exact <= estimate.decided_high,
                "{acceptors} acceptors at p = {p}: exact {exact}, estimate {estimate:?}"
            );
            // Each run decided if and only if it kept a majority: nothing else can stop it.
            for run in 0..spec.runs {
                let up = acceptors - estimator.crashes(run).len();
                assert_eq!(
                    estimator.decided_ticks[run as usize].is_some(),
                    up * 2 > acceptors,
                    "run {run}"
                );
            }
        }
    }

    /// P(at least a majority of n survive) when each fails with probability p.
    fn majority_alive(n: usize, p: f64) -> f64 {
        let choose =
            |n: usize, k: usize| (0..k).fold(1.0, |c, i| c * (n - i) as f64 / (i + 1) as f64);
        (n / 2 + 1..=n)
            .map(|up| choose(n, up) * (1.0 - p).powi(up as i32) * p.powi((n - up) as i32))
            .sum()
    }

    /// Failures at uniform times can only delay or prevent decisions, never help: every run
    /// decided no earlier than the same seed without failures would have. Crashes drawn for a
    /// node do not depend on p, only whether they happen.
    #[test]
    fn uniform_failures_decide_less_and_keep_their_ticks_as_p_grows() {
        let spec = |p| Spec {
            runs: 300,
            p,
            failure: Failure::Uniform,
        };
        let base = scenario(
            5,
            r#", "network": {"delay_ticks_min": 5, "delay_ticks_max": 40, "loss": 0.2, "duplicate": 0}"#,
            PROPOSE,
        );
        let mut some = Estimator::for_scenario(&base, spec(0.2)).unwrap();
        let mut more = Estimator::for_scenario(&base, spec(0.9)).unwrap();
        some.run(300);
        more.run(300);
        for run in 0..300 {
            let few = some.crashes(run);
            let many = more.crashes(run);
            assert!(few.iter().all(|c| many.contains(c)), "run {run}");
        }
        assert!(more.estimate(4).decided < some.estimate(4).decided);
    }

    /// Run `k` written out as a scenario compiles to exactly what the estimator ran, so a run
    /// the page offers to open replays as it happened.
    #[test]
    fn a_run_replays_as_its_written_scenario() {
        let base = scenario(5, "", &format!(r#"{PROPOSE}, {{"at": 30, "crash": "a1"}}"#));
        for failure in [Failure::Start, Failure::Uniform] {
            let spec = Spec {
                runs: 50,
                p: 0.4,
                failure,
            };
            let estimator = Estimator::for_scenario(&base, spec).unwrap();
            for run in 0..50 {
                let written = estimator.scenario_for_run(&base, run).compile().unwrap();
                assert_eq!(
                    format!("{:?}", estimator.compiled_for_run(run)),
                    format!("{written:?}"),
                    "run {run}"
                );
            }
        }
    }

    /// Flexible quorums need both phases up: four of five for phase 1 and two for phase 2 is
    /// P(at least four up); majority of five at p = 0.5 is exactly one half.
    #[test]
    fn the_exact_survival_probability_needs_both_phases() {
        let spec = Spec {
            runs: 1,
            p: 0.1,
            failure: Failure::Start,
        };
        let flexible = scenario(
            5,
            r#", "quorum": {"kind": "flexible", "phase1": 4, "phase2": 2}"#,
            PROPOSE,
        );
        let estimator = Estimator::for_scenario(&flexible, spec).unwrap();
        let four_up = 0.9f64.powi(5) + 5.0 * 0.9f64.powi(4) * 0.1;
        assert!((estimator.exact() - four_up).abs() < 1e-12);
        assert_eq!(estimator.label(), "5 acceptors");
        let half = Spec { p: 0.5, ..spec };
        let majority = Estimator::for_scenario(&scenario(5, "", PROPOSE), half).unwrap();
        assert!((majority.exact() - 0.5).abs() < 1e-12);
    }

    #[test]
    fn wilson_interval_matches_known_values() {
        // 50 of 100: 0.5 ± 0.0962 (Wilson, z = 1.96).
        let (low, high) = wilson(50, 100);
        assert!((low - 0.4038).abs() < 1e-4 && (high - 0.5962).abs() < 1e-4);
        // All of 100: the band still has width below 1.
        let (low, high) = wilson(100, 100);
        assert!((low - 0.9630).abs() < 1e-4 && high == 1.0);
    }

    #[test]
    fn bad_specs_name_their_field() {
        let spec = Spec {
            runs: 0,
            p: 0.5,
            failure: Failure::Start,
        };
        assert!(spec.check().unwrap_err().starts_with("runs:"));
        let spec = Spec {
            runs: 10,
            p: 1.5,
            ..spec
        };
        assert!(spec.check().unwrap_err().starts_with("p:"));
    }
}
