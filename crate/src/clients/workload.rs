//! A scenario's workload: how many operations each client makes, on which keys, in what mix,
//! and how long a client waits between them and for an answer. The operations themselves are
//! drawn when the scenario compiles, from the seed's own stream ([`Stream::Workload`]), so
//! that the same seed gives every client the same operations natively and in the page, and
//! turning on message loss does not change them.

use super::{Names, OpKind, Request};
use crate::json::json_object;
use crate::rng::{Rng, Stream};
use crate::scenario::{error, Fields, FromJson, ScenarioError, UNTIL_TICKS_MAX};
use crate::sim::network::NetworkSpec;
use serde::Serialize;

/// The keys a workload draws from, in order: `keys: 2` uses `x` and `y`.
pub const KEY_NAMES: [&str; super::KEYS_MAX] = ["x", "y", "z", "w", "v", "u", "t", "s"];

/// The most operations a workload may give all its clients together: enough for any lesson,
/// and few enough that every history the checker judges stays small.
pub const OPS_MAX: usize = 1000;

/// The `workload` object of a scenario, as written: every field may be left out.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct WorkloadSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ops_per_client: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keys: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mix: Option<Mix>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub think_ticks_min: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub think_ticks_max: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_ticks_min: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_ticks_max: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retries_max: Option<u32>,
}

/// How often each kind of operation is drawn, as weights.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Mix {
    pub get: u32,
    pub put: u32,
    pub cas: u32,
    /// Left out when none: a quorum store has no append, and its scenarios never name it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub append: Option<u32>,
}

impl Default for Mix {
    fn default() -> Self {
        Mix {
            get: 1,
            put: 1,
            cas: 0,
            append: None,
        }
    }
}

/// How a client paces itself, in ticks, under the timed scheduler: a wait drawn from
/// `think_ticks` before each operation, and from `retry_ticks` before it sends a request again
/// to the servers that have not answered; after `retries_max` resends it gives the operation up,
/// and its outcome is unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pacing {
    pub think_ticks: (u64, u64),
    pub retry_ticks: (u64, u64),
    pub retries_max: u32,
}

/// A workload compiled: each client's operations in order, and its pacing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Workload {
    pub ops: Vec<Vec<Request>>,
    pub pacing: Option<Pacing>,
}

impl Workload {
    /// The operations of the client `index` places after the first client.
    pub fn client(&self, index: usize) -> &[Request] {
        self.ops.get(index).map_or(&[], |ops| ops.as_slice())
    }

    pub fn pacing(&self) -> Pacing {
        self.pacing.expect("a compiled workload has its pacing")
    }
}

impl WorkloadSpec {
    /// Checks the spec and draws `clients` clients' operations from `seed`, naming their keys
    /// and values in `names`. Errors name the field under `workload.`.
    pub fn compile(
        &self,
        clients: usize,
        network: &NetworkSpec,
        seed: u64,
        names: &mut Names,
    ) -> Result<Workload, ScenarioError> {
        let ops_per_client = self.ops_per_client.unwrap_or(0);
        if ops_per_client.saturating_mul(clients) > OPS_MAX {
            return Err(error(
                "workload.ops_per_client",
                format!(
                    "{ops_per_client} operations for each of {clients} clients is more than the \
                     {OPS_MAX} a workload may have"
                ),
            ));
        }
        let keys = self.keys.unwrap_or(1);
        if keys == 0 || keys > KEY_NAMES.len() {
            return Err(error(
                "workload.keys",
                format!("{keys} is not between 1 and {}", KEY_NAMES.len()),
            ));
        }
        let mix = self.mix.unwrap_or_default();
        // Append comes last, so that a mix without it draws what it drew before it existed.
        let weights = [mix.get, mix.put, mix.cas, mix.append.unwrap_or(0)];
        let total: u64 = weights.iter().map(|&w| w as u64).sum();
        if total == 0 && ops_per_client > 0 {
            return Err(error(
                "workload.mix",
                "gives every kind of operation weight 0",
            ));
        }
        let range = |name: &str, min: Option<u64>, max: Option<u64>, default: (u64, u64)| {
            let (min, max) = (
                min.unwrap_or(default.0),
                max.unwrap_or(default.1.max(min.unwrap_or(0))),
            );
            if min > max {
                return Err(error(
                    format!("workload.{name}_ticks_min"),
                    format!("{min} is more than {name}_ticks_max ({max})"),
                ));
            }
            if max > UNTIL_TICKS_MAX {
                return Err(error(
                    format!("workload.{name}_ticks_max"),
                    format!("must be at most {UNTIL_TICKS_MAX}"),
                ));
            }
            Ok((min, max))
        };
        // A round trip takes at most two maximal delays; waiting a little over two round trips
        // before resending avoids resending to a server that is merely slow, as Paxos's
        // proposers do.
        let round_trips = (
            4 * network.delay_ticks_max + 10,
            8 * network.delay_ticks_max + 20,
        );
        let mut retry_ticks = range(
            "retry",
            self.retry_ticks_min,
            self.retry_ticks_max,
            round_trips,
        )?;
        retry_ticks.0 = retry_ticks.0.max(1);
        retry_ticks.1 = retry_ticks.1.max(1);
        let pacing = Pacing {
            think_ticks: range("think", self.think_ticks_min, self.think_ticks_max, (0, 20))?,
            retry_ticks,
            retries_max: self.retries_max.unwrap_or(3),
        };
        let key_ids: Vec<u8> = KEY_NAMES[..keys]
            .iter()
            .map(|name| names.key(name))
            .collect::<Result<_, _>>()
            .map_err(|m| error("workload.keys", m))?;
        let mut rng = Rng::new(seed, Stream::Workload);
        // Every put and cas writes a value of its own, so that a read tells which write it saw.
        let mut fresh = 0u32;
        // What each key may hold so far in the draw: its initial value and what was written.
        let mut written: Vec<Vec<u16>> = vec![vec![0]; keys];
        let mut ops = Vec::with_capacity(clients);
        for _ in 0..clients {
            let mut mine = Vec::with_capacity(ops_per_client);
            for _ in 0..ops_per_client {
                let mut pick = rng.below(total);
                let mut kind = 0;
                while pick >= weights[kind] as u64 {
                    pick -= weights[kind] as u64;
                    kind += 1;
                }
                let key = rng.below(keys as u64) as usize;
                let mut request = Request {
                    kind: OpKind::ALL[kind],
                    key: key_ids[key],
                    value: 0,
                    from: 0,
                };
                if request.kind != OpKind::Get {
                    fresh += 1;
                    // An appended value starts with a comma, so that what a key holds after
                    // appends reads as the list it is ("3,5,7"), and no two lists read alike.
                    let text = if request.kind == OpKind::Append {
                        format!(",{fresh}")
                    } else {
                        fresh.to_string()
                    };
                    request.value = names.value(&text).map_err(|m| error("workload", m))?;
                }
                if request.kind == OpKind::Cas {
                    let choices = &written[key];
                    request.from = choices[rng.below(choices.len() as u64) as usize];
                }
                // A cas expects a value that was put or swapped in whole; after an append the
                // key holds a longer string, which this draw does not follow.
                if matches!(request.kind, OpKind::Put | OpKind::Cas) {
                    written[key].push(request.value);
                }
                mine.push(request);
            }
            ops.push(mine);
        }
        Ok(Workload {
            ops,
            pacing: Some(pacing),
        })
    }
}

impl FromJson for WorkloadSpec {
    fn read(value: &crate::json::Value, path: &str) -> Result<Self, ScenarioError> {
        let names = [
            "ops_per_client",
            "keys",
            "mix",
            "think_ticks_min",
            "think_ticks_max",
            "retry_ticks_min",
            "retry_ticks_max",
            "retries_max",
        ];
        let f = Fields::new(value, path, "struct WorkloadSpec", &names)?;
        Ok(WorkloadSpec {
            ops_per_client: f.optional("ops_per_client")?,
            keys: f.optional("keys")?,
            mix: f.optional("mix")?,
            think_ticks_min: f.optional("think_ticks_min")?,
            think_ticks_max: f.optional("think_ticks_max")?,
            retry_ticks_min: f.optional("retry_ticks_min")?,
            retry_ticks_max: f.optional("retry_ticks_max")?,
            retries_max: f.optional("retries_max")?,
        })
    }
}

impl FromJson for Mix {
    fn read(value: &crate::json::Value, path: &str) -> Result<Self, ScenarioError> {
        let f = Fields::new(value, path, "struct Mix", &["get", "put", "cas", "append"])?;
        Ok(Mix {
            get: f.get("get")?.unwrap_or(0),
            put: f.get("put")?.unwrap_or(0),
            cas: f.get("cas")?.unwrap_or(0),
            append: f.optional("append")?,
        })
    }
}

json_object!(WorkloadSpec {
    ops_per_client?,
    keys?,
    mix?,
    think_ticks_min?,
    think_ticks_max?,
    retry_ticks_min?,
    retry_ticks_max?,
    retries_max?
});

json_object!(Mix {
    get,
    put,
    cas,
    append?
});

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(text: &str) -> Result<WorkloadSpec, ScenarioError> {
        let value = crate::json::parse(text).unwrap();
        WorkloadSpec::read(&value, "workload")
    }

    #[test]
    fn the_same_seed_draws_the_same_operations() {
        let s = spec(r#"{"ops_per_client": 5, "keys": 2, "mix": {"get": 1, "put": 1, "cas": 1}}"#)
            .unwrap();
        let net = NetworkSpec::default();
        let draw = |seed| {
            let mut names = Names::default();
            let w = s.compile(3, &net, seed, &mut names).unwrap();
            (w, names)
        };
        let (a, names) = draw(7);
        assert_eq!(a, draw(7).0);
        assert_ne!(a.ops, draw(8).0.ops, "another seed draws other operations");
        assert_eq!(a.ops.len(), 3);
        assert!(a.ops.iter().all(|ops| ops.len() == 5));
        assert_eq!(names.keys, ["x", "y"]);
        // Every write writes a value of its own; a cas expects one the key could hold.
        let writes: Vec<u16> = a
            .ops
            .iter()
            .flatten()
            .filter(|r| r.kind != OpKind::Get)
            .map(|r| r.value)
            .collect();
        let mut distinct = writes.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), writes.len());
        let kinds: Vec<OpKind> = a.ops.iter().flatten().map(|r| r.kind).collect();
        for kind in [OpKind::Get, OpKind::Put, OpKind::Cas] {
            assert!(kinds.contains(&kind), "{kind:?} drawn in 15 operations");
        }
    }

    #[test]
    fn bad_workloads_name_their_field() {
        let net = NetworkSpec::default();
        let compile = |text: &str| {
            spec(text)
                .and_then(|s| s.compile(2, &net, 1, &mut Names::default()))
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            compile(r#"{"keys": 0}"#),
            "workload.keys: 0 is not between 1 and 8"
        );
        assert_eq!(
            compile(r#"{"ops_per_client": 600}"#),
            "workload.ops_per_client: 600 operations for each of 2 clients is more than the 1000 a workload may have"
        );
        assert_eq!(
            compile(r#"{"ops_per_client": 1, "mix": {"get": 0}}"#),
            "workload.mix: gives every kind of operation weight 0"
        );
        assert_eq!(
            compile(r#"{"think_ticks_min": 30, "think_ticks_max": 10}"#),
            "workload.think_ticks_min: 30 is more than think_ticks_max (10)"
        );
        assert!(spec(r#"{"opps": 1}"#)
            .unwrap_err()
            .to_string()
            .contains("unknown field `opps`"));
    }
}
