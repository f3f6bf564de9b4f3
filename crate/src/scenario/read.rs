//! Reading the scenario format from JSON, with errors that name the field, as serde's did.

use super::*;
use crate::json::Value;

/// Reads a part of the scenario format from JSON text, naming the field of any error.
pub(super) fn read_text<T: FromJson>(text: &str) -> Result<T, ScenarioError> {
    let value = json::parse(text).map_err(|e| {
        error(
            path_at(text, e.offset),
            format!("this is not valid JSON ({})", e.message),
        )
    })?;
    T::read(&value, "")
}

/// A part of the scenario format, read from the JSON value at `path` (`schedule[2].crash`).
/// Errors say what serde's did: "invalid type: string \"x\", expected u64", "unknown field",
/// "missing field", "unknown variant", each with the list of what is known. Public, so that
/// each protocol's section reads its parts with the same errors.
pub trait FromJson: Sized {
    fn read(value: &Value, path: &str) -> Result<Self, ScenarioError>;
}

fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn invalid_type(path: &str, value: &Value, expected: &str) -> ScenarioError {
    error(
        path,
        format!("invalid type: {}, expected {expected}", value.describe()),
    )
}

/// "expected `a`", "expected `a` or `b`", "expected one of `a`, `b`, `c`".
fn one_of(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    match quoted.as_slice() {
        [one] => format!("expected {one}"),
        [a, b] => format!("expected {a} or {b}"),
        _ => format!("expected one of {}", quoted.join(", ")),
    }
}

/// The index in `names` of the string at `path`.
pub(crate) fn variant(value: &Value, path: &str, names: &[&str]) -> Result<usize, ScenarioError> {
    let message = match value {
        Value::String(s) => match names.iter().position(|name| name == s) {
            Some(index) => return Ok(index),
            None => format!("unknown variant `{s}`, {}", one_of(names)),
        },
        other => format!("invalid type: {}, {}", other.describe(), one_of(names)),
    };
    Err(error(path, message))
}

/// A whole number that fits `T`; `expected` names `T` for the error.
fn unsigned<T: TryFrom<u64>>(
    value: &Value,
    path: &str,
    expected: &str,
) -> Result<T, ScenarioError> {
    if let Value::Number(text) = value {
        if let Some(n) = text.parse().ok().and_then(|n: u64| T::try_from(n).ok()) {
            return Ok(n);
        }
        if json::is_integer(text) {
            return Err(error(
                path,
                format!("invalid value: {}, expected {expected}", value.describe()),
            ));
        }
    }
    Err(invalid_type(path, value, expected))
}

impl FromJson for u64 {
    fn read(value: &Value, path: &str) -> Result<Self, ScenarioError> {
        unsigned(value, path, "u64")
    }
}

impl FromJson for u32 {
    fn read(value: &Value, path: &str) -> Result<Self, ScenarioError> {
        unsigned(value, path, "u32")
    }
}

impl FromJson for usize {
    fn read(value: &Value, path: &str) -> Result<Self, ScenarioError> {
        unsigned(value, path, "usize")
    }
}

impl FromJson for f64 {
    fn read(value: &Value, path: &str) -> Result<Self, ScenarioError> {
        match value {
            Value::Number(text) => Ok(json::parse_f64(text)),
            other => Err(invalid_type(path, other, "f64")),
        }
    }
}

impl FromJson for bool {
    fn read(value: &Value, path: &str) -> Result<Self, ScenarioError> {
        match value {
            Value::Bool(b) => Ok(*b),
            other => Err(invalid_type(path, other, "a boolean")),
        }
    }
}

impl FromJson for String {
    fn read(value: &Value, path: &str) -> Result<Self, ScenarioError> {
        match value {
            Value::String(s) => Ok(s.clone()),
            other => Err(invalid_type(path, other, "a string")),
        }
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn read(value: &Value, path: &str) -> Result<Self, ScenarioError> {
        match value {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, item)| T::read(item, &format!("{path}[{i}]")))
                .collect(),
            other => Err(invalid_type(path, other, "a sequence")),
        }
    }
}

/// The fields of a JSON object read as one struct of the format: no unknown or repeated ones.
pub struct Fields<'v, 'a> {
    path: &'v str,
    entries: &'v [(String, Value<'a>)],
}

impl<'v, 'a> Fields<'v, 'a> {
    pub fn new(
        value: &'v Value<'a>,
        path: &'v str,
        expected: &str,
        names: &[&str],
    ) -> Result<Self, ScenarioError> {
        let Value::Object(entries) = value else {
            return Err(invalid_type(path, value, expected));
        };
        for (i, (key, _)) in entries.iter().enumerate() {
            let message = if !names.contains(&key.as_str()) {
                format!("unknown field `{key}`, {}", one_of(names))
            } else if entries[..i].iter().any(|(seen, _)| seen == key) {
                format!("duplicate field `{key}`")
            } else {
                continue;
            };
            return Err(error(child(path, key), message));
        }
        Ok(Fields { path, entries })
    }

    fn value(&self, name: &str) -> Option<&'v Value<'a>> {
        self.entries
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value)
    }

    /// The field if it is there; `null` is read as a value, which only optional fields accept.
    pub fn get<T: FromJson>(&self, name: &str) -> Result<Option<T>, ScenarioError> {
        self.value(name)
            .map(|value| T::read(value, &child(self.path, name)))
            .transpose()
    }

    /// An optional field (an `Option` in the struct): absent or `null` is `None`.
    pub fn optional<T: FromJson>(&self, name: &str) -> Result<Option<T>, ScenarioError> {
        match self.value(name) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => T::read(value, &child(self.path, name)).map(Some),
        }
    }

    pub fn required<T: FromJson>(&self, name: &str) -> Result<T, ScenarioError> {
        self.get(name)?
            .ok_or_else(|| error(self.path, format!("missing field `{name}`")))
    }
}

/// The scenario's `protocol`, if it is a string.
fn protocol_field<'v>(value: &'v Value) -> Option<&'v str> {
    let Value::Object(entries) = value else {
        return None;
    };
    match entries.iter().find(|(key, _)| key == "protocol") {
        Some((_, Value::String(name))) => Some(name),
        _ => None,
    }
}

/// Which built-in protocol a scenario is for, from its `protocol` field alone, so that a caller
/// can read the rest as that protocol's scenario. Text that is not a scenario of a known
/// protocol reads as the first one's (Paxos), whose reader says what is wrong with it.
pub fn protocol_of(text: &str) -> &'static str {
    let name = json::parse(text)
        .ok()
        .and_then(|v| protocol_field(&v).map(str::to_string));
    let known = &crate::protocols::KNOWN;
    known
        .iter()
        .find(|k| Some(**k) == name.as_deref())
        .unwrap_or(&known[0])
}

impl<P: ScenarioSection> FromJson for Scenario<P> {
    fn read(value: &Value, path: &str) -> Result<Self, ScenarioError> {
        // Another protocol's scenario has other fields; saying so first is clearer than
        // naming the first field this protocol does not know or lacks.
        if let Some(name) = protocol_field(value) {
            if name != P::NAME {
                return Err(super::other_protocol(name, P::NAME));
            }
        }
        // The envelope's names with the section's among them, where they are written.
        let mut names = vec!["version", "protocol", "seed", "cluster", "network"];
        names.extend_from_slice(P::SECTION_FIELDS);
        names.extend_from_slice(&["scheduler", "schedule", "until_ticks"]);
        let f = Fields::new(value, path, "struct Scenario", &names)?;
        Ok(Scenario {
            version: f.required("version")?,
            protocol: f.required("protocol")?,
            seed: f.get("seed")?.unwrap_or(0),
            cluster: f.required("cluster")?,
            network: f.get("network")?.unwrap_or_default(),
            section: P::read_section(&f)?,
            scheduler: f.get("scheduler")?.unwrap_or_default(),
            schedule: f.get("schedule")?.unwrap_or_default(),
            until_ticks: f.get("until_ticks")?.unwrap_or(UNTIL_TICKS_DEFAULT),
        })
    }
}

impl FromJson for SchedulerKind {
    fn read(value: &Value, path: &str) -> Result<Self, ScenarioError> {
        let kinds = [SchedulerKind::Timed, SchedulerKind::Script];
        Ok(kinds[variant(value, path, &["timed", "script"])?])
    }
}

impl FromJson for NetworkSpec {
    fn read(value: &Value, path: &str) -> Result<Self, ScenarioError> {
        let names = ["delay_ticks_min", "delay_ticks_max", "loss", "duplicate"];
        let f = Fields::new(value, path, "struct NetworkSpec", &names)?;
        let default = NetworkSpec::default();
        Ok(NetworkSpec {
            delay_ticks_min: f.get("delay_ticks_min")?.unwrap_or(default.delay_ticks_min),
            delay_ticks_max: f.get("delay_ticks_max")?.unwrap_or(default.delay_ticks_max),
            loss: f.get("loss")?.unwrap_or(default.loss),
            duplicate: f.get("duplicate")?.unwrap_or(default.duplicate),
        })
    }
}

/// A quorum phase as written: a size (flexible quorums) or a list of quorums (explicit ones).
enum Phase {
    Size(usize),
    Sets(Vec<Vec<String>>),
}

impl FromJson for Phase {
    fn read(value: &Value, path: &str) -> Result<Self, ScenarioError> {
        match value {
            Value::Array(_) => Vec::read(value, path).map(Phase::Sets),
            _ => {
                unsigned(value, path, "a number of acceptors or a list of quorums").map(Phase::Size)
            }
        }
    }
}

impl FromJson for QuorumSpec {
    fn read(value: &Value, path: &str) -> Result<Self, ScenarioError> {
        const KINDS: [&str; 6] = [
            "majority",
            "flexible",
            "explicit",
            "threshold",
            "grid",
            "weighted",
        ];
        let f = Fields::new(
            value,
            path,
            "struct QuorumSpec",
            &[
                "kind", "phase1", "phase2", "read", "write", "rows", "cols", "weights",
            ],
        )?;
        let kind = match f.value("kind") {
            Some(kind) => variant(kind, &child(path, "kind"), &KINDS)?,
            None => return Err(error(path, "missing field `kind`")),
        };
        // Each kind takes its own fields; explicit lists are `phase1` and `phase2`, or `read`
        // and `write` in the words of read-write quorum systems.
        let allowed: &[&str] = match KINDS[kind] {
            "majority" => &["kind"],
            "flexible" => &["kind", "phase1", "phase2"],
            "explicit" => &["kind", "phase1", "phase2", "read", "write"],
            "threshold" => &["kind", "read", "write"],
            "grid" => &["kind", "rows", "cols"],
            _ => &["kind", "weights", "read", "write"],
        };
        if let Value::Object(entries) = value {
            if let Some((key, _)) = entries
                .iter()
                .find(|(key, _)| !allowed.contains(&key.as_str()))
            {
                return Err(error(
                    child(path, key),
                    format!(
                        "unknown field `{key}` for `{}` quorums, {}",
                        KINDS[kind],
                        one_of(allowed)
                    ),
                ));
            }
        }
        let mismatch = |name: &str, value: &str, expected: &str| {
            error(
                child(path, name),
                format!("invalid type: {value}, expected {expected}"),
            )
        };
        // A phase's field, under either of its names (one of them only).
        let phase = |names: &[&str]| -> Result<(String, Phase), ScenarioError> {
            let given: Vec<&str> = names
                .iter()
                .copied()
                .filter(|n| f.value(n).is_some())
                .collect();
            match given.as_slice() {
                [one] => Ok((
                    one.to_string(),
                    f.optional(one)?
                        .ok_or_else(|| error(path, format!("missing field `{one}`")))?,
                )),
                [] => Err(error(path, format!("missing field `{}`", names[0]))),
                [a, b, ..] => Err(error(
                    child(path, b),
                    format!("`{a}` and `{b}` are two names for one field: give one"),
                )),
            }
        };
        let size = |name: &str| match phase(&[name])? {
            (_, Phase::Size(size)) => Ok(size),
            (_, Phase::Sets(_)) => Err(mismatch(name, "sequence", "a number of acceptors")),
        };
        let sets = |names: &[&str]| match phase(names)? {
            (_, Phase::Sets(sets)) => Ok(sets),
            (name, Phase::Size(size)) => Err(mismatch(
                &name,
                &format!("integer `{size}`"),
                "a list of quorums",
            )),
        };
        Ok(match KINDS[kind] {
            "majority" => QuorumSpec::Majority,
            "flexible" => QuorumSpec::Flexible {
                phase1: size("phase1")?,
                phase2: size("phase2")?,
            },
            "explicit" => QuorumSpec::Explicit {
                phase1: sets(&["phase1", "read"])?,
                phase2: sets(&["phase2", "write"])?,
            },
            "threshold" => QuorumSpec::Threshold {
                read: size("read")?,
                write: size("write")?,
            },
            "grid" => QuorumSpec::Grid {
                rows: f.required("rows")?,
                cols: f.required("cols")?,
            },
            _ => QuorumSpec::Weighted {
                weights: f.required("weights")?,
                read: f.required("read")?,
                write: f.required("write")?,
            },
        })
    }
}

impl<P: ScenarioSection> FromJson for Intervention<P> {
    fn read(value: &Value, path: &str) -> Result<Self, ScenarioError> {
        // `at`, the protocol's inputs, then the engine's interventions, as they are written.
        let mut names = vec!["at"];
        names.extend_from_slice(P::INPUT_FIELDS);
        names.extend_from_slice(&TIMED_INTERVENTIONS);
        names.extend_from_slice(&["deliver", "timeout"]);
        let f = Fields::new(value, path, "struct Intervention", &names)?;
        Ok(Intervention {
            at: f.required("at")?,
            inputs: P::read_inputs(&f)?,
            crash: f.optional("crash")?,
            restart: f.optional("restart")?,
            partition: f.optional("partition")?,
            heal: f.optional("heal")?,
            cut: f.optional("cut")?,
            restore: f.optional("restore")?,
            drop: f.optional("drop")?,
            duplicate: f.optional("duplicate")?,
            delay: f.optional("delay")?,
            deliver: f.optional("deliver")?,
            timeout: f.optional("timeout")?,
        })
    }
}

impl FromJson for Link {
    fn read(value: &Value, path: &str) -> Result<Self, ScenarioError> {
        let f = Fields::new(value, path, "struct Link", &["from", "to"])?;
        Ok(Link {
            from: f.required("from")?,
            to: f.required("to")?,
        })
    }
}

impl FromJson for MessageRef {
    fn read(value: &Value, path: &str) -> Result<Self, ScenarioError> {
        let f = Fields::new(value, path, "struct MessageRef", &["message"])?;
        Ok(MessageRef {
            message: f.required("message")?,
        })
    }
}

impl FromJson for MessageDelay {
    fn read(value: &Value, path: &str) -> Result<Self, ScenarioError> {
        let f = Fields::new(value, path, "struct MessageDelay", &["message", "ticks"])?;
        Ok(MessageDelay {
            message: f.required("message")?,
            ticks: f.required("ticks")?,
        })
    }
}

/// The path (`schedule[2].crash`) of the JSON value being read at byte `offset` of `text`. A
/// small scanner in place of a path-tracking deserializer, which would double the size of the
/// parser in the page's wasm.
pub(crate) fn path_at(text: &str, offset: usize) -> String {
    enum Frame {
        Object {
            key: Option<String>,
            expect_key: bool,
        },
        Array {
            index: usize,
        },
    }
    let mut stack: Vec<Frame> = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < offset && i < bytes.len() {
        match bytes[i] {
            b'{' => stack.push(Frame::Object {
                key: None,
                expect_key: true,
            }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { expect_key, .. }) => *expect_key = true,
                Some(Frame::Array { index }) => *index += 1,
                None => {}
            },
            b':' => {
                if let Some(Frame::Object { expect_key, .. }) = stack.last_mut() {
                    *expect_key = false;
                }
            }
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                if let Some(Frame::Object {
                    key,
                    expect_key: true,
                }) = stack.last_mut()
                {
                    *key = text.get(start..i.min(text.len())).map(str::to_string);
                }
            }
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object { key: Some(key), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object { key: None, .. } => {}
            Frame::Array { index } => path.push_str(&format!("[{index}]")),
        }
    }
    path
}

/// A quorum system as the quorum lens reads it (`paxoscope quorum`, the Quorums tab): a
/// scenario's `quorum` object, plus `nodes` (how many; a grid and weighted votes say it
/// themselves) and optionally `names`.
pub struct LensSpec {
    pub quorum: QuorumSpec,
    pub nodes: Option<usize>,
    pub names: Option<Vec<String>>,
    /// Explicit lists were written as `read` and `write` rather than `phase1` and `phase2`, so
    /// that errors can name them as written.
    pub read_write_lists: bool,
}

impl LensSpec {
    pub fn from_json(text: &str) -> Result<LensSpec, ScenarioError> {
        let value = json::parse(text).map_err(|e| {
            error(
                path_at(text, e.offset),
                format!("this is not valid JSON ({})", e.message),
            )
        })?;
        let Value::Object(entries) = value else {
            return Err(invalid_type("", &value, "a quorum system object"));
        };
        let (own, rest): (Vec<_>, Vec<_>) = entries
            .into_iter()
            .partition(|(key, _)| key == "nodes" || key == "names");
        let own = Value::Object(own);
        let f = Fields::new(&own, "", "a quorum system object", &["nodes", "names"])?;
        let read_write_lists = rest.iter().any(|(key, value)| {
            (key == "read" || key == "write") && matches!(value, Value::Array(_))
        });
        Ok(LensSpec {
            nodes: f.optional("nodes")?,
            names: f.optional("names")?,
            quorum: QuorumSpec::read(&Value::Object(rest), "")?,
            read_write_lists,
        })
    }
}
