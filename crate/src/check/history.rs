//! Client histories: what each client asked, what it was told, and when.
//!
//! The format is the one of `shared/histories/README.md`: a model (`register` or `kv`), the
//! initial value, and the operations, each with its client, operation, input, output and the
//! times of its call and return. `"output": null` is an unknown outcome (the client timed out)
//! and `"return": null` an operation that never returned. Reading is written by hand on
//! [`crate::json`], like the scenario reader, because serde_json must stay out of the page's
//! wasm; every error names the field and the operation (`ops[3].return: must not be before
//! call (12)`). Writing goes through the same module's writer, since the simulator will record
//! histories in this format too.

use crate::json::{self, close, field, ToJson};
use std::fmt;

/// Which sequential object the clients used, and so which operations a history may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Model {
    /// One register: `read`, `write` and `cas`, holding integers or strings, or no value yet
    /// (written `"nil"`).
    Register,
    /// A key-value store of strings: `get`, `put`, `append` and `cas`, each on one key; every
    /// key starts as the initial value.
    Kv,
}

impl Model {
    pub fn name(self) -> &'static str {
        match self {
            Model::Register => "register",
            Model::Kv => "kv",
        }
    }

    /// The operations of the model, by their names in the format.
    fn operation_names(self) -> &'static [&'static str] {
        match self {
            Model::Register => &["read", "write", "cas"],
            Model::Kv => &["get", "put", "append", "cas"],
        }
    }

    /// The name of `action` in this model: a register's `read` is a kv store's `get`.
    pub fn operation_name(self, action: &Action) -> &'static str {
        match (self, action) {
            (Model::Register, Action::Read) => "read",
            (Model::Register, Action::Write(_)) => "write",
            (Model::Kv, Action::Read) => "get",
            (Model::Kv, Action::Write(_)) => "put",
            (_, Action::Append(_)) => "append",
            (_, Action::Cas { .. }) => "cas",
        }
    }
}

/// A value a register or a key holds. A kv store holds strings only.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    /// The register's initial "no value", written `"nil"`.
    Nil,
    Integer(i64),
    Text(String),
}

impl fmt::Display for Value {
    /// As a student reads it in an explanation: `nil`, `3`, `"x 1 y"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Nil => write!(f, "nil"),
            Value::Integer(n) => write!(f, "{n}"),
            Value::Text(s) => write!(f, "{s:?}"),
        }
    }
}

impl ToJson for Value {
    fn write(&self, out: &mut String) {
        match self {
            Value::Nil => out.push_str("\"nil\""),
            Value::Integer(n) => out.push_str(&n.to_string()),
            Value::Text(s) => json::write_str(out, s),
        }
    }
}

/// What a client asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// `read` (register) or `get` (kv).
    Read,
    /// `write` (register) or `put` (kv): replace the value.
    Write(Value),
    /// `append` (kv): concatenate to the key's string.
    Append(String),
    /// Compare and swap: set `to` if the value is `from`.
    Cas { from: Value, to: Value },
}

/// What a client was told, when it was told anything.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// A write, put or append was done (`"ok"`).
    Ok,
    /// The value a read or get returned.
    Value(Value),
    /// Whether a cas swapped.
    Swapped(bool),
}

/// One operation of one client, from its call to its return.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operation {
    pub client: u64,
    /// The key of a kv operation; `None` in a register history.
    pub key: Option<String>,
    pub action: Action,
    /// `None` when the outcome is unknown: the operation may or may not have taken effect.
    pub output: Option<Output>,
    pub call: u64,
    /// `None` when the operation never returned: if it took effect, it did so at some point
    /// after its call, and its output is unknown whatever `output` says.
    pub return_time: Option<u64>,
}

impl Operation {
    /// What the client was told, if it was told anything: an operation that never returned
    /// has no known output.
    pub fn known_output(&self) -> Option<&Output> {
        self.return_time.and(self.output.as_ref())
    }
}

/// A recorded history, with the verdict the file says is known for it, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct History {
    pub model: Model,
    /// What every register or key holds before the first operation.
    pub init: Value,
    pub ops: Vec<Operation>,
    /// `Some(true)` for `"expected": "linearizable"`, `Some(false)` for "not linearizable".
    pub expected: Option<bool>,
    pub source: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
}

/// A malformed history: which field, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryError {
    pub field: String,
    pub message: String,
}

impl fmt::Display for HistoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.field, self.message)
        }
    }
}

impl std::error::Error for HistoryError {}

fn error(field: impl Into<String>, message: impl Into<String>) -> HistoryError {
    HistoryError {
        field: field.into(),
        message: message.into(),
    }
}

fn invalid_type(path: &str, value: &json::Value, expected: &str) -> HistoryError {
    error(
        path,
        format!("invalid type: {}, expected {expected}", value.describe()),
    )
}

const HISTORY_FIELDS: [&str; 7] = [
    "source",
    "name",
    "description",
    "model",
    "init",
    "expected",
    "ops",
];
const OPERATION_FIELDS: [&str; 7] = ["client", "key", "op", "input", "output", "call", "return"];

/// The entries of the object at `path`, refusing unknown and repeated fields.
fn object<'v, 'a>(
    value: &'v json::Value<'a>,
    path: &str,
    names: &[&str],
) -> Result<&'v [(String, json::Value<'a>)], HistoryError> {
    let json::Value::Object(entries) = value else {
        return Err(invalid_type(path, value, "an object"));
    };
    for (i, (key, _)) in entries.iter().enumerate() {
        let at = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        if !names.contains(&key.as_str()) {
            let known = names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>();
            return Err(error(
                at,
                format!(
                    "unknown field `{key}`, expected one of {}",
                    known.join(", ")
                ),
            ));
        }
        if entries[..i].iter().any(|(seen, _)| seen == key) {
            return Err(error(at, format!("duplicate field `{key}`")));
        }
    }
    Ok(entries)
}

fn lookup<'v, 'a>(
    entries: &'v [(String, json::Value<'a>)],
    name: &str,
) -> Option<&'v json::Value<'a>> {
    entries.iter().find(|(key, _)| key == name).map(|(_, v)| v)
}

/// A field every object must have; `null` counts as present.
fn required<'v, 'a>(
    entries: &'v [(String, json::Value<'a>)],
    path: &str,
    name: &str,
) -> Result<&'v json::Value<'a>, HistoryError> {
    lookup(entries, name).ok_or_else(|| error(path, format!("missing field `{name}`")))
}

fn string(value: &json::Value, path: &str) -> Result<String, HistoryError> {
    match value {
        json::Value::String(s) => Ok(s.clone()),
        other => Err(invalid_type(path, other, "a string")),
    }
}

fn optional_string(
    entries: &[(String, json::Value)],
    name: &str,
) -> Result<Option<String>, HistoryError> {
    lookup(entries, name).map(|v| string(v, name)).transpose()
}

/// A time or a client number: a whole number from 0 to 2^64 - 1.
fn whole(value: &json::Value, path: &str) -> Result<u64, HistoryError> {
    match value {
        json::Value::Number(text) => text.parse().map_err(|_| {
            let message = if json::is_integer(text) {
                format!("invalid value: {}, expected u64", value.describe())
            } else {
                format!("invalid type: {}, expected u64", value.describe())
            };
            error(path, message)
        }),
        other => Err(invalid_type(path, other, "u64")),
    }
}

/// A value of the model: for a register an integer, a string, or `"nil"` for no value; for a
/// kv store a string.
fn model_value(model: Model, value: &json::Value, path: &str) -> Result<Value, HistoryError> {
    match (model, value) {
        (Model::Register, json::Value::String(s)) if s == "nil" => Ok(Value::Nil),
        (_, json::Value::String(s)) => Ok(Value::Text(s.clone())),
        (Model::Register, json::Value::Number(text)) if json::is_integer(text) => {
            text.parse().map(Value::Integer).map_err(|_| {
                error(
                    path,
                    format!(
                        "invalid value: {}, expected an integer from -2^63 to 2^63 - 1",
                        value.describe()
                    ),
                )
            })
        }
        (Model::Register, other) => Err(invalid_type(
            path,
            other,
            "an integer, a string, or \"nil\"",
        )),
        (Model::Kv, other) => Err(invalid_type(path, other, "a string")),
    }
}

impl History {
    /// Reads a history from JSON text. Errors name the field (`ops[3].return`).
    pub fn from_json(text: &str) -> Result<History, HistoryError> {
        let value = json::parse(text).map_err(|e| {
            error(
                crate::scenario::path_at(text, e.offset),
                format!(
                    "this is not valid JSON ({}, at byte {})",
                    e.message, e.offset
                ),
            )
        })?;
        let entries = object(&value, "", &HISTORY_FIELDS)?;
        let model = match required(entries, "", "model")? {
            json::Value::String(s) if s == "register" => Model::Register,
            json::Value::String(s) if s == "kv" => Model::Kv,
            other => {
                return Err(error(
                    "model",
                    format!("{}, expected `register` or `kv`", describe_variant(other)),
                ))
            }
        };
        let init = match lookup(entries, "init") {
            None => match model {
                Model::Register => Value::Nil,
                Model::Kv => Value::Text(String::new()),
            },
            Some(value) => model_value(model, value, "init")?,
        };
        let expected = match lookup(entries, "expected") {
            None => None,
            Some(json::Value::String(s)) if s == "linearizable" => Some(true),
            Some(json::Value::String(s)) if s == "not linearizable" => Some(false),
            Some(other) => {
                return Err(error(
                    "expected",
                    format!(
                        "{}, expected `linearizable` or `not linearizable`",
                        describe_variant(other)
                    ),
                ))
            }
        };
        let json::Value::Array(items) = required(entries, "", "ops")? else {
            return Err(invalid_type(
                "ops",
                required(entries, "", "ops")?,
                "a sequence",
            ));
        };
        let ops = items
            .iter()
            .enumerate()
            .map(|(i, item)| read_operation(model, item, &format!("ops[{i}]")))
            .collect::<Result<Vec<_>, _>>()?;
        check_clients_are_sequential(&ops)?;
        Ok(History {
            model,
            init,
            ops,
            expected,
            source: optional_string(entries, "source")?,
            name: optional_string(entries, "name")?,
            description: optional_string(entries, "description")?,
        })
    }

    /// The history as compact JSON in the same format, which [`History::from_json`] reads back
    /// as an equal history.
    pub fn to_json(&self) -> String {
        self.to_json_text()
    }
}

/// "unknown variant `x`" for a string, "invalid type: ..." for anything else.
fn describe_variant(value: &json::Value) -> String {
    match value {
        json::Value::String(s) => format!("unknown variant `{s}`"),
        other => format!("invalid type: {}", other.describe()),
    }
}

fn read_operation(
    model: Model,
    value: &json::Value,
    path: &str,
) -> Result<Operation, HistoryError> {
    let entries = object(value, path, &OPERATION_FIELDS)?;
    let at = |name: &str| format!("{path}.{name}");
    let client = whole(required(entries, path, "client")?, &at("client"))?;
    let key = match (model, lookup(entries, "key")) {
        (Model::Kv, Some(value)) => Some(string(value, &at("key"))?),
        (Model::Kv, None) => return Err(error(path, "missing field `key`")),
        (Model::Register, None) => None,
        (Model::Register, Some(_)) => {
            return Err(error(
                at("key"),
                "a register has no keys; only kv operations have one",
            ))
        }
    };
    let names = model.operation_names();
    let name = match required(entries, path, "op")? {
        json::Value::String(s) if names.contains(&s.as_str()) => s.as_str(),
        other => {
            let known = names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>();
            return Err(error(
                at("op"),
                format!(
                    "{}, expected one of {} (the {} model)",
                    describe_variant(other),
                    known.join(", "),
                    model.name()
                ),
            ));
        }
    };
    let input = required(entries, path, "input")?;
    let output = required(entries, path, "output")?;
    let input_path = at("input");
    let output_path = at("output");
    let (action, output) = match name {
        "read" | "get" => {
            if *input != json::Value::Null {
                return Err(invalid_type(
                    &input_path,
                    input,
                    "null (a read has no input)",
                ));
            }
            let output = match output {
                json::Value::Null => None,
                value => Some(Output::Value(model_value(model, value, &output_path)?)),
            };
            (Action::Read, output)
        }
        "write" | "put" | "append" => {
            let action = if name == "append" {
                Action::Append(string(input, &input_path)?)
            } else {
                Action::Write(model_value(model, input, &input_path)?)
            };
            let output = match output {
                json::Value::Null => None,
                json::Value::String(s) if s == "ok" => Some(Output::Ok),
                other => {
                    return Err(invalid_type(&output_path, other, "\"ok\" or null"));
                }
            };
            (action, output)
        }
        _ => {
            let json::Value::Array(pair) = input else {
                return Err(invalid_type(&input_path, input, "an array [from, to]"));
            };
            let [from, to] = &pair[..] else {
                return Err(error(
                    &input_path,
                    format!(
                        "expected an array of two, [from, to], not of {}",
                        pair.len()
                    ),
                ));
            };
            let action = Action::Cas {
                from: model_value(model, from, &format!("{input_path}[0]"))?,
                to: model_value(model, to, &format!("{input_path}[1]"))?,
            };
            let output = match output {
                json::Value::Null => None,
                json::Value::Bool(swapped) => Some(Output::Swapped(*swapped)),
                other => return Err(invalid_type(&output_path, other, "a boolean or null")),
            };
            (action, output)
        }
    };
    let call = whole(required(entries, path, "call")?, &at("call"))?;
    let return_time = match required(entries, path, "return")? {
        json::Value::Null => None,
        value => Some(whole(value, &at("return"))?),
    };
    if let Some(time) = return_time {
        if time < call {
            return Err(error(
                at("return"),
                format!("must not be before call ({call}), but is {time}"),
            ));
        }
    }
    Ok(Operation {
        client,
        key,
        action,
        output,
        call,
        return_time,
    })
}

/// Each client waits for one operation to return before it calls the next, so a client whose
/// operations overlap is a recording error, not a concurrent history. An operation that never
/// returned is the exception: its client may have given up on it and moved on (Jepsen gives
/// such a client a new number, but a recorder need not), and the checker does not need the
/// rule, so nothing after it is refused.
fn check_clients_are_sequential(ops: &[Operation]) -> Result<(), HistoryError> {
    let mut order: Vec<usize> = (0..ops.len()).collect();
    crate::sort::sort_by_key(&mut order, |&i| (ops[i].client, ops[i].call, i));
    for pair in order.windows(2) {
        let (earlier, later) = (&ops[pair[0]], &ops[pair[1]]);
        match earlier.return_time {
            Some(time) if earlier.client == later.client && time > later.call => {
                return Err(error(
                    format!("ops[{}].call", pair[1]),
                    format!(
                        "client {} called this at {} while its operation ops[{}] was still \
                         running (it returned at {time}); a client's operations are sequential",
                        later.client, later.call, pair[0]
                    ),
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

impl ToJson for History {
    fn write(&self, out: &mut String) {
        out.push('{');
        for (name, text) in [
            ("source", &self.source),
            ("name", &self.name),
            ("description", &self.description),
        ] {
            if let Some(text) = text {
                field(out, name, text);
            }
        }
        field(out, "model", self.model.name());
        field(out, "init", &self.init);
        if let Some(linearizable) = self.expected {
            let verdict = if linearizable {
                "linearizable"
            } else {
                "not linearizable"
            };
            field(out, "expected", verdict);
        }
        out.push_str("\"ops\":[");
        for op in &self.ops {
            write_operation(self.model, op, out);
            out.push(',');
        }
        close(out, ']');
        out.push('}');
    }
}

fn write_operation(model: Model, op: &Operation, out: &mut String) {
    out.push('{');
    field(out, "client", &op.client);
    if let Some(key) = &op.key {
        field(out, "key", key);
    }
    field(out, "op", model.operation_name(&op.action));
    out.push_str("\"input\":");
    match &op.action {
        Action::Read => out.push_str("null"),
        Action::Write(value) => value.write(out),
        Action::Append(text) => text.write(out),
        Action::Cas { from, to } => (from, to).write(out),
    }
    out.push_str(",\"output\":");
    match &op.output {
        None => out.push_str("null"),
        Some(Output::Ok) => out.push_str("\"ok\""),
        Some(Output::Value(value)) => value.write(out),
        Some(Output::Swapped(swapped)) => swapped.write(out),
    }
    out.push(',');
    field(out, "call", &op.call);
    out.push_str("\"return\":");
    match op.return_time {
        None => out.push_str("null"),
        Some(time) => time.write(out),
    }
    out.push('}');
}
