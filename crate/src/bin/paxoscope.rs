//! The command-line front end of the consensus core: run a scenario, swarm-test many seeds,
//! explore every interleaving, or check client histories for linearizability. Exit code 0 when
//! it ran (violations are results), 2 on bad input.

use paxoscope::check::{check, History, Verdict, STEPS_MAX_DEFAULT};
use paxoscope::explore::{explore, Bounds};
use paxoscope::json::ToJson;
use paxoscope::montecarlo::{Estimator, Failure, Spec};
use paxoscope::protocols::multipaxos::swarm as mp_swarm;
use paxoscope::protocols::multipaxos::MultiPaxos;
use paxoscope::protocols::paxos::Paxos;
use paxoscope::protocols::quorum_kv::swarm as kv_swarm;
use paxoscope::protocols::quorum_kv::QuorumKv;
use paxoscope::protocols::Describe;
use paxoscope::scenario::{protocol_of, Scenario, ScenarioSection};
use paxoscope::sim::action::Compiled;
use paxoscope::sim::violation::Violation;
use paxoscope::sim::Simulation;
use paxoscope::swarm::{swarm, swarm_with};
use serde_json::json;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage:
  paxoscope run SCENARIO.json [--trace FILE] [--history FILE]
  paxoscope swarm --seeds N [--from S] [--protocol paxos|quorum-kv|multipaxos] [--bug NAME] [--log on|off] [--histories DIR]
  paxoscope check SCENARIO.json [--max-crashes K] [--max-drops K] [--max-duplicates K] [--max-rounds K] [--max-states K] [--stop-at any|gravest]
  paxoscope lin HISTORY.json... [--max-steps K]
  paxoscope quorum SYSTEM.json [--p P|P1,P2,…] [--read-fraction F] [--capacities C1,C2,…]
  paxoscope montecarlo SCENARIO.json [--runs K] [--p P] [--failure start|uniform] [--points N] [--acceptors N]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("paxoscope: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<(), String> {
    let (command, rest) = args.split_first().ok_or(USAGE)?;
    match command.as_str() {
        "run" => cmd_run(rest),
        "swarm" => cmd_swarm(rest),
        "check" => cmd_check(rest),
        "lin" => cmd_lin(rest),
        "montecarlo" => cmd_montecarlo(rest),
        "quorum" => cmd_quorum(rest),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command {other:?}\n{USAGE}")),
    }
}

/// Positional arguments, and `--flag value` pairs.
type Parsed<'a> = (Vec<&'a str>, Vec<(&'a str, &'a str)>);

/// Splits arguments into positionals and `--flag value` pairs, rejecting unknown flags.
fn parse<'a>(args: &'a [String], flags: &[&str]) -> Result<Parsed<'a>, String> {
    let mut positional = Vec::new();
    let mut options = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if let Some(flag) = arg.strip_prefix("--") {
            if !flags.contains(&flag) {
                return Err(format!("unknown option --{flag}\n{USAGE}"));
            }
            let value = iter
                .next()
                .ok_or_else(|| format!("--{flag} needs a value"))?;
            options.push((flag, value.as_str()));
        } else {
            positional.push(arg.as_str());
        }
    }
    Ok((positional, options))
}

fn number(options: &[(&str, &str)], flag: &str, default: u64) -> Result<u64, String> {
    match options.iter().rev().find(|(f, _)| *f == flag) {
        None => Ok(default),
        Some((_, value)) => value
            .parse()
            .map_err(|_| format!("--{flag} takes a whole number, not {value:?}")),
    }
}

fn probability(options: &[(&str, &str)], flag: &str, default: f64) -> Result<f64, String> {
    match options.iter().rev().find(|(f, _)| *f == flag) {
        None => Ok(default),
        Some((_, value)) => match value.parse::<f64>() {
            Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
            _ => Err(format!(
                "--{flag} takes a probability between 0 and 1, not {value:?}"
            )),
        },
    }
}

fn read(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))
}

fn load<P: ScenarioSection>(path: &str, text: &str) -> Result<(Scenario<P>, Compiled<P>), String> {
    let scenario = Scenario::<P>::from_json(text).map_err(|e| format!("{path}: {e}"))?;
    let compiled = scenario.compile().map_err(|e| format!("{path}: {e}"))?;
    Ok((scenario, compiled))
}

fn violations_json(violations: &[Violation]) -> Vec<serde_json::Value> {
    violations
        .iter()
        .map(|v| json!({"kind": v.kind, "tick": v.tick, "explanation": v.explanation}))
        .collect()
}

fn write_trace<P: Describe>(sim: &Simulation<P>, options: &[(&str, &str)]) -> Result<(), String> {
    if let Some((_, trace)) = options.iter().find(|(f, _)| *f == "trace") {
        let text = sim.trace_jsonl();
        std::fs::write(trace, text).map_err(|e| format!("cannot write {trace}: {e}"))?;
    }
    Ok(())
}

fn cmd_run(args: &[String]) -> Result<(), String> {
    let (positional, options) = parse(args, &["trace", "history"])?;
    let [path] = positional[..] else {
        return Err(format!("run takes one scenario file\n{USAGE}"));
    };
    let text = read(path)?;
    let history = options
        .iter()
        .find(|(f, _)| *f == "history")
        .map(|(_, h)| *h);
    match protocol_of(&text) {
        QuorumKv::NAME => {
            return run_clients::<QuorumKv>(path, &text, &options, history, |sim| {
                let outcome = sim.outcome();
                json!({
                    "ops": outcome.ops,
                    "returned": outcome.returned,
                    "unknown": outcome.unknown,
                    "violations": violations_json(&outcome.violations),
                    "events": outcome.events,
                    "stopped_early": outcome.stopped_early,
                    "trace_hash": outcome.trace_hash,
                })
            })
        }
        MultiPaxos::NAME => {
            return run_clients::<MultiPaxos>(path, &text, &options, history, |sim| {
                let outcome = sim.outcome();
                json!({
                    "chosen_slots": outcome.chosen_slots,
                    "leader": outcome.leader,
                    "ops": outcome.ops,
                    "returned": outcome.returned,
                    "unknown": outcome.unknown,
                    "violations": violations_json(&outcome.violations),
                    "events": outcome.events,
                    "stopped_early": outcome.stopped_early,
                    "trace_hash": outcome.trace_hash,
                })
            })
        }
        _ => {}
    }
    if history.is_some() {
        return Err(format!(
            "{path}: a Paxos run has no clients, so it has no history to write; --history is for \"quorum-kv\" and \"multipaxos\" scenarios"
        ));
    }
    let (_, compiled) = load::<Paxos>(path, &text)?;
    let mut sim = Simulation::new(&compiled);
    sim.run();
    write_trace(&sim, &options)?;
    let outcome = sim.outcome();
    let decided: serde_json::Map<String, serde_json::Value> = outcome
        .decided
        .iter()
        .map(|(learner, value)| (learner.clone(), json!(value)))
        .collect();
    println!(
        "{}",
        json!({
            "decided": decided,
            "chosen": outcome.chosen,
            "violations": violations_json(&outcome.violations),
            "events": outcome.events,
            "stopped_early": outcome.stopped_early,
            "trace_hash": outcome.trace_hash,
        })
    );
    Ok(())
}

/// A run of a protocol with clients: its trace and history written if asked for, and its
/// outcome printed as `outcome` words it.
fn run_clients<P>(
    path: &str,
    text: &str,
    options: &[(&str, &str)],
    history: Option<&str>,
    outcome: impl Fn(&Simulation<P>) -> serde_json::Value,
) -> Result<(), String>
where
    P: ScenarioSection + Describe,
    Simulation<P>: Histories,
{
    let (_, compiled) = load::<P>(path, text)?;
    let mut sim = Simulation::new(&compiled);
    sim.run();
    write_trace(&sim, options)?;
    if let Some(file) = history {
        let text = sim.client_history().to_json();
        std::fs::write(file, text).map_err(|e| format!("cannot write {file}: {e}"))?;
    }
    println!("{}", outcome(&sim));
    Ok(())
}

/// A run whose clients' history can be written out.
trait Histories {
    fn client_history(&self) -> History;
}

impl Histories for paxoscope::protocols::quorum_kv::Simulation {
    fn client_history(&self) -> History {
        self.history()
    }
}

impl Histories for paxoscope::protocols::multipaxos::Simulation {
    fn client_history(&self) -> History {
        self.history()
    }
}

/// Swarm-tests a protocol with clients, writing each run's history to `histories` if given.
fn swarm_clients<P: paxoscope::protocols::Protocol>(
    from: u64,
    seeds: u64,
    histories: Option<&str>,
    run_seed: impl Fn(u64) -> Simulation<P>,
) -> Result<paxoscope::swarm::SwarmReport, String>
where
    Simulation<P>: Histories,
{
    if let Some(dir) = histories {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {dir}: {e}"))?;
    }
    let mut failure = None;
    let report = swarm_with(from, seeds, run_seed, |seed, sim| {
        if let (Some(dir), None) = (histories, &failure) {
            let file = std::path::Path::new(dir).join(format!("{seed}.json"));
            if let Err(e) = std::fs::write(&file, sim.client_history().to_json()) {
                failure = Some(format!("cannot write {}: {e}", file.display()));
            }
        }
    });
    match failure {
        Some(message) => Err(message),
        None => Ok(report),
    }
}

fn cmd_swarm(args: &[String]) -> Result<(), String> {
    let (positional, options) = parse(
        args,
        &["seeds", "from", "bug", "log", "protocol", "histories"],
    )?;
    if !positional.is_empty() {
        return Err(format!("swarm takes no file\n{USAGE}"));
    }
    let seeds = number(&options, "seeds", 1000)?;
    let from = number(&options, "from", 0)?;
    if seeds == 0 || seeds > 100_000_000 {
        return Err("--seeds must be between 1 and 100000000".into());
    }
    let protocol = match options.iter().rev().find(|(f, _)| *f == "protocol") {
        None => Paxos::NAME,
        Some((_, name)) => *paxoscope::protocols::KNOWN
            .iter()
            .find(|known| *known == name)
            .ok_or_else(|| {
                format!(
                    "unknown protocol {name:?}; known: {}",
                    paxoscope::protocols::KNOWN.join(", ")
                )
            })?,
    };
    let bug = options.iter().find(|(f, _)| *f == "bug").map(|(_, b)| *b);
    let histories = options
        .iter()
        .find(|(f, _)| *f == "histories")
        .map(|(_, d)| *d);
    if let Some(name) = bug {
        let known = if protocol == QuorumKv::NAME {
            kv_swarm::known_bugs()
        } else if protocol == MultiPaxos::NAME {
            mp_swarm::known_bugs()
        } else {
            let mut names = paxoscope::protocols::paxos::Bugs::NAMES.to_vec();
            names.push(paxoscope::swarm::UNSAFE_QUORUM);
            names
        };
        if !known.contains(&name) {
            return Err(format!("unknown bug {name:?}; known: {}", known.join(", ")));
        }
    }
    // The event log is off by default (swarm only needs outcomes); `--log on` measures the cost
    // of keeping it, as the page does.
    let log = match options.iter().rev().find(|(f, _)| *f == "log") {
        None | Some((_, "off")) => false,
        Some((_, "on")) => true,
        Some((_, other)) => return Err(format!("--log takes on or off, not {other:?}")),
    };
    let started = Instant::now();
    let (report, scenario_of): (_, Box<dyn Fn(u64) -> serde_json::Value>) =
        if protocol == QuorumKv::NAME {
            let report = swarm_clients(from, seeds, histories, |seed| {
                kv_swarm::run_seed(seed, bug, log)
            })?;
            let to_value = move |seed| {
                serde_json::to_value(kv_swarm::scenario_for_seed(seed, bug)).expect("serializes")
            };
            (report, Box::new(to_value))
        } else if protocol == MultiPaxos::NAME {
            let report = swarm_clients(from, seeds, histories, |seed| {
                mp_swarm::run_seed(seed, bug, log)
            })?;
            let to_value = move |seed| {
                serde_json::to_value(mp_swarm::scenario_for_seed(seed, bug)).expect("serializes")
            };
            (report, Box::new(to_value))
        } else {
            if histories.is_some() {
                return Err(
                    "Paxos runs have no clients, so they have no histories; --histories is for \
                     --protocol quorum-kv or multipaxos"
                        .into(),
                );
            }
            let to_value = move |seed| {
                serde_json::to_value(paxoscope::swarm::scenario_for_seed(seed, bug))
                    .expect("serializes")
            };
            (swarm(from, seeds, bug, log), Box::new(to_value))
        };
    let seconds = started.elapsed().as_secs_f64();
    let first = report.first_violation.as_ref().map(|(seed, v)| {
        json!({
            "seed": seed,
            "kind": v.kind,
            "explanation": v.explanation,
            "scenario": scenario_of(*seed),
        })
    });
    println!(
        "{}",
        json!({
            "runs": report.runs,
            "events": report.events,
            "violating_runs": report.violating_runs,
            "first_violation": first,
            "seconds": seconds,
            "events_per_second": (report.events as f64 / seconds.max(1e-9)).round(),
        })
    );
    Ok(())
}

fn cmd_check(args: &[String]) -> Result<(), String> {
    let flags = [
        "max-crashes",
        "max-drops",
        "max-duplicates",
        "max-rounds",
        "max-states",
        "stop-at",
    ];
    let (positional, options) = parse(args, &flags)?;
    let [path] = positional[..] else {
        return Err(format!("check takes one scenario file\n{USAGE}"));
    };
    // `--stop-at gravest` searches on past lesser violations for the protocol's gravest (two
    // values chosen, for Paxos), as the page's "Keep searching" does.
    let gravest_only = match options.iter().rev().find(|(f, _)| *f == "stop-at") {
        None | Some((_, "any")) => false,
        Some((_, "gravest")) => true,
        Some((_, other)) => return Err(format!("--stop-at takes any or gravest, not {other:?}")),
    };
    let defaults = Bounds::default();
    let bounds = Bounds {
        max_crashes: number(&options, "max-crashes", defaults.max_crashes as u64)? as u32,
        max_drops: number(&options, "max-drops", defaults.max_drops as u64)? as u32,
        max_duplicates: number(&options, "max-duplicates", defaults.max_duplicates as u64)? as u32,
        max_rounds: number(&options, "max-rounds", defaults.max_rounds as u64)? as u32,
        max_states: number(&options, "max-states", defaults.max_states as u64)? as usize,
        gravest_only,
    };
    let text = read(path)?;
    match protocol_of(&text) {
        QuorumKv::NAME => check_as::<QuorumKv>(path, &text, bounds),
        MultiPaxos::NAME => check_as::<MultiPaxos>(path, &text, bounds),
        _ => check_as::<Paxos>(path, &text, bounds),
    }
}

fn check_as<P: ScenarioSection>(path: &str, text: &str, bounds: Bounds) -> Result<(), String> {
    let (scenario, compiled) = load::<P>(path, text)?;
    let started = Instant::now();
    let report = explore(&scenario, &compiled, bounds);
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{}",
        json!({
            "states": report.states,
            "transitions": report.transitions,
            "complete": report.complete,
            "violations": violations_json(&report.violations),
            "gravest_not_found": paxoscope::explore::gravest_not_found::<P>(&report.violations),
            "counterexample": report.counterexample,
            "bounds": bounds,
            "seconds": seconds,
            "states_per_second": (report.states as f64 / seconds.max(1e-9)).round(),
        })
    );
    if !report.complete && report.counterexample.is_none() {
        // "No violation" from a search cut short is easy to misread as "safe".
        eprintln!(
            "paxoscope: the search stopped at --max-states {} before it saw every state, and \
             found no violation among those it saw; raise --max-states, or lower --max-crashes, \
             --max-drops, --max-duplicates or --max-rounds so that the search can finish",
            bounds.max_states
        );
    }
    Ok(())
}

fn cmd_lin(args: &[String]) -> Result<(), String> {
    let (paths, options) = parse(args, &["max-steps"])?;
    if paths.is_empty() {
        return Err(format!("lin takes one or more history files\n{USAGE}"));
    }
    let steps_max = number(&options, "max-steps", STEPS_MAX_DEFAULT)?;
    // Every file is read before any is checked, so that bad input stops the command before it
    // prints anything, as for the other commands.
    let histories = paths
        .iter()
        .map(|path| {
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
            History::from_json(&text).map_err(|e| format!("{path}: {e}"))
        })
        .collect::<Result<Vec<_>, String>>()?;
    for (path, history) in paths.iter().zip(&histories) {
        let started = Instant::now();
        let report = check(history, steps_max);
        let seconds = started.elapsed().as_secs_f64();
        let (linearizable, explanation) = match &report.verdict {
            Verdict::Linearizable { .. } => (Some(true), None),
            Verdict::NotLinearizable(violation) => {
                (Some(false), Some(violation.explanation.clone()))
            }
            // The search stops at the step bound, or before it at its memory bound.
            Verdict::Unknown if report.steps >= steps_max => (
                None,
                Some(format!(
                    "unknown: gave up after {} steps; raise --max-steps to search further",
                    report.steps
                )),
            ),
            Verdict::Unknown => (
                None,
                Some(format!(
                    "unknown: gave up after {} steps, when the search had filled the memory it \
                     may use",
                    report.steps
                )),
            ),
        };
        let mut line = json!({
            "file": path,
            "linearizable": linearizable,
            "ops": history.ops.len(),
            "seconds": seconds,
        });
        if let Some(explanation) = explanation {
            line["explanation"] = json!(explanation);
        }
        println!("{line}");
    }
    Ok(())
}

fn cmd_montecarlo(args: &[String]) -> Result<(), String> {
    let (positional, options) = parse(args, &["runs", "p", "failure", "points", "acceptors"])?;
    let [path] = positional[..] else {
        return Err(format!("montecarlo takes one scenario file\n{USAGE}"));
    };
    let (mut scenario, _) = load::<Paxos>(path, &read(path)?)?;
    if options.iter().any(|(f, _)| *f == "acceptors") {
        let acceptors = number(&options, "acceptors", 0)? as usize;
        scenario = Estimator::resized(&scenario, acceptors)
            .map_err(|e| format!("{path} with --acceptors {acceptors}: {e}"))?;
    }
    let failure = match options.iter().rev().find(|(f, _)| *f == "failure") {
        None => Failure::Start,
        Some((_, name)) => Failure::from_name(name).ok_or_else(|| {
            format!(
                "--failure takes {}, not {name:?}",
                Failure::NAMES.join(" or ")
            )
        })?,
    };
    let spec = Spec {
        runs: number(&options, "runs", 1000)?,
        p: probability(&options, "p", 0.1)?,
        failure,
    };
    spec.check().map_err(|e| format!("--{e}"))?;
    let points = number(&options, "points", 20)?;
    if !(1..=1000).contains(&points) {
        return Err("--points must be between 1 and 1000".into());
    }
    let mut estimator =
        Estimator::for_scenario(&scenario, spec).map_err(|e| format!("{path}: {e}"))?;
    let started = Instant::now();
    estimator.run(spec.runs);
    let seconds = started.elapsed().as_secs_f64();
    let estimate = estimator.estimate(points as usize);
    let mut out: serde_json::Value =
        serde_json::from_str(&estimate.to_json_text()).expect("the core writes valid JSON");
    // The first run that did not decide, ready to open in the page or `run`.
    if let Some(run) = estimate.first_undecided_run {
        let replay = estimator.scenario_for_run(&scenario, run as u64);
        out["first_undecided_scenario"] =
            serde_json::from_str(&replay.to_json()).expect("the core writes valid JSON");
    }
    // What `decided` tends to with failures from the start and a long horizon.
    out["quorums_up_exact"] = json!(estimator.exact());
    out["seconds"] = json!(seconds);
    out["runs_per_second"] = json!((spec.runs as f64 / seconds.max(1e-9)).round());
    println!("{out}");
    Ok(())
}

/// A comma-separated list of numbers, as `--p` and `--capacities` take them.
fn numbers(options: &[(&str, &str)], flag: &str) -> Result<Option<Vec<f64>>, String> {
    match options.iter().rev().find(|(f, _)| *f == flag) {
        None => Ok(None),
        Some((_, value)) => value
            .split(',')
            .map(|x| {
                x.trim().parse::<f64>().map_err(|_| {
                    format!("--{flag} takes numbers separated by commas, not {value:?}")
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
    }
}

fn cmd_quorum(args: &[String]) -> Result<(), String> {
    use paxoscope::play::lens::{LensOptions, LensSystem};
    use paxoscope::play::report::analyse;
    let (positional, options) = parse(args, &["p", "read-fraction", "capacities"])?;
    let [path] = positional[..] else {
        return Err(format!("quorum takes one system file\n{USAGE}"));
    };
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let lens = LensSystem::from_json(&text).map_err(|e| format!("{path}: {e}"))?;
    let p = numbers(&options, "p")?.unwrap_or(vec![0.1]);
    let read_fraction = match numbers(&options, "read-fraction")? {
        None => 0.5,
        Some(list) if list.len() == 1 => list[0],
        Some(_) => return Err("--read-fraction takes one number".into()),
    };
    let capacities = numbers(&options, "capacities")?;
    let lens_options = LensOptions::new(lens.names.len(), p, read_fraction, capacities, false)
        .map_err(|e| format!("--{}: {}", e.field.replace('_', "-"), e.message))?;
    let report = analyse(&lens, &lens_options).map_err(|e| format!("{path}: {e}"))?;
    println!("{}", report.to_json_text());
    Ok(())
}
