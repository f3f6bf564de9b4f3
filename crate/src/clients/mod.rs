//! Clients of a replicated key-value store, for every protocol that serves requests.
//!
//! A client is a node of the protocol's cluster (`c1…`): the page draws it, it can be crashed
//! and cut off like a server, and its messages fly like any other. How a client gets its answer
//! is the protocol's (a quorum-replicated store runs each operation against quorums itself; a
//! replicated log would send it to a leader). What every such protocol shares is here: the
//! requests a client makes ([`Request`]) and the names of their keys and values ([`Names`]),
//! the workload a scenario draws for its clients ([`workload`]), and the record of what each
//! client asked and was told, which the linearizability checker judges ([`record`]).

pub mod record;
pub mod workload;

use crate::check::history::{Action, Operation, Output, Value};
use std::fmt::Write;

/// The most keys a run's requests may name.
pub const KEYS_MAX: usize = 8;
/// The most distinct values a run's requests may name, with every key's initial value.
pub const VALUES_MAX: usize = 4096;

/// What a client asks of the store, on one key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OpKind {
    Get,
    Put,
    /// Compare and swap: set the value to `value` if the key holds `from`.
    Cas,
}

impl OpKind {
    pub const NAMES: [&'static str; 3] = ["get", "put", "cas"];

    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

/// One request, with its key and values as indices into the run's [`Names`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Request {
    pub kind: OpKind,
    pub key: u8,
    /// What a put writes, or what a cas swaps in; 0 for a get.
    pub value: u16,
    /// What a cas expects the key to hold; 0 otherwise.
    pub from: u16,
}

/// What a client was told.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reply {
    /// A put was done.
    Ok,
    /// The value a get read.
    Value(u16),
    /// Whether a cas swapped.
    Swapped(bool),
}

/// The keys and values a run's requests name, interned so that requests and messages carry
/// small numbers. Value 0 is every key's initial value, the empty string, as in the kv
/// histories of `shared/histories/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Names {
    pub keys: Vec<String>,
    pub values: Vec<String>,
}

impl Default for Names {
    fn default() -> Self {
        Names {
            keys: Vec::new(),
            values: vec![String::new()],
        }
    }
}

impl Names {
    /// The key named `name`, added if it is new.
    pub fn key(&mut self, name: &str) -> Result<u8, String> {
        if let Some(i) = self.keys.iter().position(|k| k == name) {
            return Ok(i as u8);
        }
        if name.is_empty() {
            return Err("a key needs a name".to_string());
        }
        if self.keys.len() == KEYS_MAX {
            return Err(format!("a run may name at most {KEYS_MAX} keys"));
        }
        self.keys.push(name.to_string());
        Ok((self.keys.len() - 1) as u8)
    }

    /// The value `text`, added if it is new.
    pub fn value(&mut self, text: &str) -> Result<u16, String> {
        if let Some(i) = self.values.iter().position(|v| v == text) {
            return Ok(i as u16);
        }
        if self.values.len() == VALUES_MAX {
            return Err(format!(
                "a run may name at most {} distinct values",
                VALUES_MAX - 1
            ));
        }
        self.values.push(text.to_string());
        Ok((self.values.len() - 1) as u16)
    }

    pub fn key_name(&self, key: u8) -> &str {
        &self.keys[key as usize]
    }

    pub fn value_name(&self, value: u16) -> &str {
        &self.values[value as usize]
    }

    /// A request as a student reads it: `get(x)`, `put(x, "1")`, `cas(x, "", "2")`.
    pub fn request_text(&self, request: &Request) -> String {
        let mut text = format!("{}({}", request.kind.name(), self.key_name(request.key));
        let quoted = |v: u16| format!("{:?}", self.value_name(v));
        match request.kind {
            OpKind::Get => {}
            OpKind::Put => {
                let _ = write!(text, ", {}", quoted(request.value));
            }
            OpKind::Cas => {
                let _ = write!(
                    text,
                    ", {}, {}",
                    quoted(request.from),
                    quoted(request.value)
                );
            }
        }
        text.push(')');
        text
    }

    /// A reply as a student reads it: `ok`, `"1"`, `true`.
    pub fn reply_text(&self, reply: &Reply) -> String {
        match reply {
            Reply::Ok => "ok".to_string(),
            Reply::Value(v) => format!("{:?}", self.value_name(*v)),
            Reply::Swapped(swapped) => swapped.to_string(),
        }
    }

    /// The request as an operation of a kv history, before its outcome is known.
    pub fn operation(&self, client: u64, request: &Request, call: u64) -> Operation {
        let text = |v: u16| Value::Text(self.value_name(v).to_string());
        Operation {
            client,
            key: Some(self.key_name(request.key).to_string()),
            action: match request.kind {
                OpKind::Get => Action::Read,
                OpKind::Put => Action::Write(text(request.value)),
                OpKind::Cas => Action::Cas {
                    from: text(request.from),
                    to: text(request.value),
                },
            },
            output: None,
            call,
            return_time: None,
        }
    }

    /// A reply as a kv history's output.
    pub fn output(&self, reply: &Reply) -> Output {
        match reply {
            Reply::Ok => Output::Ok,
            Reply::Value(v) => Output::Value(Value::Text(self.value_name(*v).to_string())),
            Reply::Swapped(swapped) => Output::Swapped(*swapped),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_intern_and_word_requests() {
        let mut names = Names::default();
        let x = names.key("x").unwrap();
        assert_eq!(names.key("x"), Ok(x));
        let one = names.value("1").unwrap();
        assert_eq!(one, 1, "value 0 is the initial empty string");
        let put = Request {
            kind: OpKind::Put,
            key: x,
            value: one,
            from: 0,
        };
        assert_eq!(names.request_text(&put), "put(x, \"1\")");
        let cas = Request {
            kind: OpKind::Cas,
            from: 0,
            ..put
        };
        assert_eq!(names.request_text(&cas), "cas(x, \"\", \"1\")");
        assert_eq!(names.reply_text(&Reply::Value(one)), "\"1\"");
        assert!(names.key("").is_err());
        for i in 0..KEYS_MAX - 1 {
            names.key(&format!("k{i}")).unwrap();
        }
        assert!(names
            .key("one too many")
            .unwrap_err()
            .contains("at most 8 keys"));
    }
}
