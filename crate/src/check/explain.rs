//! The sentence that says why an operation of a history cannot be placed: the linearizability
//! search ([`super::linearizability`]) finds the operation, and this looks for a short reason
//! in the history's own words.

use super::history::{Action, History, Operation, Output, Value};
use super::linearizability::Violation;
use std::collections::HashSet;
use std::fmt;

/// The violation at `op`, with a sentence that says why it cannot be placed.
///
/// The search knows only that no order works; the sentence looks for a short reason a student
/// can check by eye, in the part of `op` (its key, for a kv store): an operation that had
/// completed before `op` was called and left a value that `op` contradicts, with nothing
/// between that could have changed it. Failing that, it names the operations around `op` that
/// could have changed the value. Each takes time linear in the history, however long.
pub(super) fn explain(history: &History, op: usize) -> Violation {
    let ops = &history.ops;
    let x = &ops[op];
    let end = x.return_time.unwrap_or(u64::MAX);
    let prefix_len = ops.iter().filter(|o| o.call <= end).count();
    let part = Part::new(history, op);
    let wanted = match (&x.action, x.known_output()) {
        (Action::Read, Some(Output::Value(value))) => Some(Wanted::Equal(value)),
        (Action::Cas { from, .. }, Some(Output::Swapped(true))) => Some(Wanted::Equal(from)),
        (Action::Cas { from, .. }, Some(Output::Swapped(false))) => Some(Wanted::NotEqual(from)),
        // The search only fails at an operation whose output depends on the value.
        _ => None,
    };
    let (conflicts, explanation) = wanted
        .and_then(|wanted| part.reason(op, wanted))
        .unwrap_or_else(|| part.around(op));
    Violation {
        op,
        prefix_len,
        conflicts,
        explanation,
    }
}

/// `get(x)`, `write(1)`, `cas(x, "a", "b")`, `read`.
pub fn call_text(history: &History, op: &Operation) -> String {
    let name = history.model.operation_name(&op.action);
    let mut arguments: Vec<String> = op.key.iter().cloned().collect();
    match &op.action {
        Action::Read => {}
        Action::Write(value) => arguments.push(value.to_string()),
        Action::Append(text) => arguments.push(format!("{text:?}")),
        Action::Cas { from, to } => arguments.extend([from.to_string(), to.to_string()]),
    }
    if arguments.is_empty() {
        name.to_string()
    } else {
        format!("{name}({})", arguments.join(", "))
    }
}

/// `c2's get(x)`, `c0's write(1)`.
fn describe(history: &History, op: &Operation) -> String {
    format!("c{}'s {}", op.client, call_text(history, op))
}

/// What holds the value in a sentence: `the register`, or `key x`.
fn subject(op: &Operation) -> String {
    match &op.key {
        Some(key) => format!("key {key}"),
        None => "the register".to_string(),
    }
}

/// Which values an explanation asks about: those the operation that cannot be placed accepts
/// (a read's value, a successful cas's `from`; anything but a failed cas's `from`), or any.
#[derive(Clone, Copy)]
enum Wanted<'h> {
    Any,
    Equal(&'h Value),
    NotEqual(&'h Value),
}

impl Wanted<'_> {
    fn accepts(self, value: &Value) -> bool {
        match self {
            Wanted::Any => true,
            Wanted::Equal(wanted) => value == wanted,
            Wanted::NotEqual(unwanted) => value != unwanted,
        }
    }
}

/// What an operation's outcome says about the value at its point.
#[derive(Clone, Copy)]
enum Fact<'h> {
    Exactly(&'h Value),
    /// An append leaves a string that ends with what it appended.
    EndsWith(&'h str),
}

impl Fact<'_> {
    /// What `op`'s outcome says, if it says anything.
    fn of(op: &Operation) -> Option<Fact<'_>> {
        match (&op.action, op.known_output()) {
            (Action::Write(value), Some(Output::Ok)) => Some(Fact::Exactly(value)),
            (Action::Append(text), Some(Output::Ok)) => Some(Fact::EndsWith(text)),
            (Action::Cas { to, .. }, Some(Output::Swapped(true))) => Some(Fact::Exactly(to)),
            (Action::Read, Some(Output::Value(value))) => Some(Fact::Exactly(value)),
            _ => None,
        }
    }

    fn contradicts(self, wanted: Wanted) -> bool {
        match (self, wanted) {
            (Fact::Exactly(value), wanted) => !wanted.accepts(value),
            (Fact::EndsWith(text), Wanted::Equal(Value::Text(wanted))) => !wanted.ends_with(text),
            (Fact::EndsWith(_), _) => false,
        }
    }
}

impl fmt::Display for Fact<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fact::Exactly(value) => write!(f, "{value}"),
            Fact::EndsWith(text) => write!(f, "a string ending in {text:?}"),
        }
    }
}

/// The operations an explanation looks at: those of the failing operation's part (its key)
/// called no later than it returned, without itself.
struct Part<'h> {
    history: &'h History,
    ops: Vec<usize>,
    /// The values these operations may write, so that a cas whose `from` is none of them (nor
    /// the initial value) is known never to swap.
    written: HashSet<&'h Value>,
    /// Whether one of them appends, which may make any string.
    appends: bool,
}

impl<'h> Part<'h> {
    fn new(history: &'h History, op: usize) -> Part<'h> {
        let x = &history.ops[op];
        let end = x.return_time.unwrap_or(u64::MAX);
        let ops: Vec<usize> = (0..history.ops.len())
            .filter(|&i| i != op && history.ops[i].key == x.key && history.ops[i].call <= end)
            .collect();
        let mut written = HashSet::new();
        let mut appends = false;
        for &i in &ops {
            match &history.ops[i].action {
                Action::Write(value) | Action::Cas { to: value, .. } => {
                    written.insert(value);
                }
                Action::Append(_) => appends = true,
                Action::Read => {}
            }
        }
        Part {
            history,
            ops,
            written,
            appends,
        }
    }

    fn may_hold(&self, value: &Value) -> bool {
        *value == self.history.init || self.appends || self.written.contains(value)
    }

    /// Whether `op` may have set the value to one that `wanted` accepts.
    fn may_give(&self, op: &Operation, wanted: Wanted) -> bool {
        match (&op.action, op.known_output()) {
            (Action::Read, _) | (Action::Cas { .. }, Some(Output::Swapped(false))) => false,
            (Action::Write(value), _) => wanted.accepts(value),
            (Action::Cas { from, to }, _) => wanted.accepts(to) && self.may_hold(from),
            (Action::Append(text), _) => match wanted {
                Wanted::Equal(Value::Text(wanted)) => wanted.ends_with(text.as_str()),
                Wanted::Equal(_) => false,
                Wanted::Any | Wanted::NotEqual(_) => true,
            },
        }
    }

    /// A short reason, if there is one: an operation `o` that completed before `op` was called,
    /// whose outcome fixes a value `op` contradicts, with no operation that may have run after
    /// it able to change the value to one `op` accepts. The initial value serves as `o` when no
    /// operation at all could.
    fn reason(&self, op: usize, wanted: Wanted) -> Option<(Vec<usize>, String)> {
        let ops = &self.history.ops;
        let x = &ops[op];
        let (Wanted::Equal(value) | Wanted::NotEqual(value)) = wanted else {
            return None;
        };
        // The latest return of an operation that may have given `op` a value it accepts; one
        // that never returned counts as returning last.
        let latest_change = (self.ops.iter())
            .filter(|&&i| self.may_give(&ops[i], wanted))
            .map(|&i| ops[i].return_time.unwrap_or(u64::MAX))
            .max();
        let changed_since = |time: u64| latest_change.is_some_and(|latest| latest >= time);
        let who = describe(self.history, x);
        let what = subject(x);
        let (claim, nothing) = match wanted {
            Wanted::Equal(_) if x.action == Action::Read => (
                format!("{who} returned {value}"),
                format!("nothing wrote {value}"),
            ),
            Wanted::Equal(_) => (
                format!("{who} succeeded, so {what} held {value}"),
                format!("nothing wrote {value}"),
            ),
            Wanted::NotEqual(_) | Wanted::Any => (
                format!("{who} failed, so {what} did not hold {value}"),
                "nothing wrote another value".to_string(),
            ),
        };
        if !wanted.accepts(&self.history.init) && latest_change.is_none() {
            let sentence = match wanted {
                Wanted::NotEqual(_) | Wanted::Any => format!(
                    "{who} failed, but {what} still held its initial value, {value}: {nothing} \
                     before it returned."
                ),
                Wanted::Equal(_) => {
                    // A cas that would have written the value, were its `from` ever there.
                    let never = self.ops.iter().find_map(|&i| match &ops[i].action {
                        Action::Cas { from, to }
                            if to == value
                                && ops[i].known_output() != Some(&Output::Swapped(false)) =>
                        {
                            Some((&ops[i], from))
                        }
                        _ => None,
                    });
                    match never {
                        Some((other, from)) => format!(
                            "{claim}, but {nothing} before it returned: {} swaps only if {what} \
                             holds {from}, and nothing wrote {from}.",
                            describe(self.history, other)
                        ),
                        None => format!("{claim}, but {nothing} before it returned."),
                    }
                }
            };
            return Some((Vec::new(), sentence));
        }
        // The latest to complete of the operations that fix a value `op` contradicts.
        let o = (self.ops.iter().copied())
            .filter(|&i| ops[i].return_time.is_some_and(|r| r < x.call))
            .filter(|&i| Fact::of(&ops[i]).is_some_and(|fact| fact.contradicts(wanted)))
            .filter(|&i| !changed_since(ops[i].call))
            .max_by_key(|&i| ops[i].return_time)?;
        let before = &ops[o];
        let fact = Fact::of(before).expect("filtered on its fact");
        let earlier = if before.client == x.client {
            format!("its earlier {}", call_text(self.history, before))
        } else {
            describe(self.history, before)
        };
        let sentence = match (&before.action, &x.action) {
            (Action::Read, _) => {
                format!("{claim}, but {earlier} had already returned {fact}, and {nothing} since.")
            }
            (_, Action::Read) => {
                format!("{claim} after {earlier} had completed, and {nothing} since.")
            }
            _ => format!(
                "{claim}; but {earlier} had left {fact} there before it was called, and \
                 {nothing} since."
            ),
        };
        Some((vec![o], sentence))
    }

    /// The general sentence: the operations around `op` that may have changed the value (those
    /// that overlap it, and the latest to complete before it was called), no order of which
    /// gives `op` a value it accepts between its call and its return.
    fn around(&self, op: usize) -> (Vec<usize>, String) {
        let ops = &self.history.ops;
        let x = &ops[op];
        let changes = |i: usize| self.may_give(&ops[i], Wanted::Any);
        let mut conflicts: Vec<usize> = (self.ops.iter().copied())
            .filter(|&i| changes(i) && ops[i].return_time.is_none_or(|r| r >= x.call))
            .collect();
        let latest = (self.ops.iter().copied())
            .filter(|&i| changes(i) && ops[i].return_time.is_some_and(|r| r < x.call))
            .max_by_key(|&i| ops[i].return_time);
        conflicts.extend(latest);
        crate::sort::sort(&mut conflicts);
        // A sentence names a handful; the page can show the rest from `conflicts`.
        const NAMED_MAX: usize = 6;
        let mut names: Vec<String> = (conflicts.iter().take(NAMED_MAX))
            .map(|&i| describe(self.history, &ops[i]))
            .collect();
        if conflicts.len() > NAMED_MAX {
            names.push(format!("{} others", conflicts.len() - NAMED_MAX));
        }
        let list = match names.as_slice() {
            [] => "the operations before it".to_string(),
            [one] => one.clone(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        };
        let who = describe(self.history, x);
        let what = subject(x);
        let orders = format!("order of {list} that fits what they returned");
        let sentence = match (&x.action, x.known_output()) {
            (Action::Read, Some(Output::Value(value))) => format!(
                "{who} returned {value}, but no {orders} leaves {value} in {what} between its \
                 call and its return."
            ),
            (Action::Cas { from, .. }, Some(Output::Swapped(true))) => format!(
                "{who} succeeded, but no {orders} leaves {from} in {what} between its call and \
                 its return."
            ),
            (Action::Cas { from, .. }, Some(Output::Swapped(false))) => format!(
                "{who} failed, but every {orders} leaves {from} in {what} from its call to its \
                 return."
            ),
            _ => format!("{who} fits no {orders}."),
        };
        (conflicts, sentence)
    }
}
