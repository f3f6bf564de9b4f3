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
pub mod spec;
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
    /// Add `value` to the end of what the key holds. Only a store that applies commands in one
    /// order (a replicated log) offers it: a quorum store has no order to append in.
    Append,
}

impl OpKind {
    pub const NAMES: [&'static str; 4] = ["get", "put", "cas", "append"];
    pub const ALL: [OpKind; 4] = [OpKind::Get, OpKind::Put, OpKind::Cas, OpKind::Append];

    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

/// One request, with its key and values as indices into the run's [`Names`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Request {
    pub kind: OpKind,
    pub key: u8,
    /// What a put writes, what a cas swaps in, or what an append adds; 0 for a get.
    pub value: u16,
    /// What a cas expects the key to hold; 0 otherwise.
    pub from: u16,
}

/// A client's script, the same in every protocol: the requests a person gave it by hand,
/// waiting their turn, how far it is through its workload, and whether it is thinking before
/// its next request. The protocol's client runs what the script hands it and keeps the rest of
/// its state itself.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Script {
    /// Its think timer is armed: it starts its next request when the timer fires.
    pub thinking: bool,
    pub queue: Vec<Request>,
    /// The index of its next request in its workload.
    pub next: u16,
}

impl Script {
    /// A request given by hand: handed back to run at once when the client is idle (not
    /// `busy` with one and not thinking), and otherwise queued behind what it does.
    pub fn given(&mut self, request: Request, busy: bool) -> Option<Request> {
        if busy || self.thinking {
            self.queue.push(request);
            None
        } else {
            Some(request)
        }
    }

    /// Between requests: whether to think before the next one, since there is more to do.
    pub fn go_on(&mut self, workload: &[Request]) -> bool {
        self.thinking = !self.queue.is_empty() || (self.next as usize) < workload.len();
        self.thinking
    }

    /// Thinking is over: the next request, those given by hand first.
    pub fn next_request(&mut self, workload: &[Request]) -> Option<Request> {
        self.thinking = false;
        if !self.queue.is_empty() {
            return Some(self.queue.remove(0));
        }
        let request = *workload.get(self.next as usize)?;
        self.next += 1;
        Some(request)
    }
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
    /// The value a get read from a store that appends: the values appended, in order.
    Text(Text),
}

/// The most values a [`Text`] holds, so that a reply still fits a message.
pub const PIECES_MAX: usize = 6;

/// A key's value in a store that appends, as the values put and appended to it, in order:
/// what it holds is their strings run together. A store keeps every piece; a reply carries at
/// most [`PIECES_MAX`], and a longer value is `overflow`, which its client records as an
/// outcome it does not know rather than as a wrong value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Text {
    pub len: u8,
    pub pieces: [u16; PIECES_MAX],
    pub overflow: bool,
}

impl Text {
    /// The first [`PIECES_MAX`] of `pieces`, and whether there were more. Empty strings (value
    /// 0) add nothing and are left out, so that equal strings are equal texts.
    pub fn of(pieces: &[u16]) -> Text {
        let mut text = Text::default();
        for &piece in pieces.iter().filter(|&&p| p != 0) {
            if text.len as usize == PIECES_MAX {
                text.overflow = true;
                break;
            }
            text.pieces[text.len as usize] = piece;
            text.len += 1;
        }
        text
    }

    pub fn pieces(&self) -> &[u16] {
        &self.pieces[..self.len as usize]
    }
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
            OpKind::Put | OpKind::Append => {
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
            Reply::Text(text) => format!("{:?}", self.text(text)),
        }
    }

    /// A [`Text`]'s string: its pieces run together.
    pub fn text(&self, text: &Text) -> String {
        text.pieces().iter().map(|&p| self.value_name(p)).collect()
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
                OpKind::Append => Action::Append(self.value_name(request.value).to_string()),
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
            Reply::Text(text) => Output::Value(Value::Text(self.text(text))),
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
        let two = names.value("2").unwrap();
        let append = Request {
            kind: OpKind::Append,
            value: two,
            ..put
        };
        assert_eq!(names.request_text(&append), "append(x, \"2\")");
        let text = Text::of(&[one, 0, two]);
        assert_eq!(text.pieces(), [one, two], "the empty string adds nothing");
        assert_eq!(names.reply_text(&Reply::Text(text)), "\"12\"");
        assert!(!text.overflow);
        assert!(Text::of(&[one; PIECES_MAX + 1]).overflow);
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
