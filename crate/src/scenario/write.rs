//! Writing the scenario format as JSON, byte for byte as serde_json wrote it.

use super::*;
use crate::json::{close, field, field_if_some, json_object, ToJson};

/// Compact JSON `text` indented by two spaces, one value per line, `": "` after keys, and empty
/// arrays and objects kept as `[]` and `{}`: serde_json's pretty format.
pub(super) fn indent(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut depth = 0;
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n("  ", depth));
    };
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push(c);
                while let Some(c) = chars.next() {
                    out.push(c);
                    match c {
                        '\\' => out.extend(chars.next()),
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '{' | '[' => {
                out.push(c);
                if matches!(chars.peek(), Some('}' | ']')) {
                    out.extend(chars.next());
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth -= 1;
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            _ => out.push(c),
        }
    }
    out
}

impl ToJson for Scenario {
    fn write(&self, out: &mut String) {
        out.push('{');
        field(out, "version", &self.version);
        field(out, "protocol", &self.protocol);
        field(out, "seed", &self.seed);
        field(out, "cluster", &self.cluster);
        field(out, "network", &self.network);
        field(out, "quorum", &self.quorum);
        if !self.bugs.is_empty() {
            field(out, "bugs", &self.bugs);
        }
        field_if_some(out, "timeouts", &self.timeouts);
        if self.scheduler != SchedulerKind::Timed {
            field(out, "scheduler", &self.scheduler);
        }
        field(out, "schedule", &self.schedule);
        field(out, "until_ticks", &self.until_ticks);
        close(out, '}');
    }
}

impl ToJson for SchedulerKind {
    fn write(&self, out: &mut String) {
        let name = match self {
            SchedulerKind::Timed => "timed",
            SchedulerKind::Script => "script",
        };
        name.write(out);
    }
}

json_object!(ClusterSpec { proposers?, acceptors?, learners?, servers? });

json_object!(NetworkSpec {
    delay_ticks_min,
    delay_ticks_max,
    loss,
    duplicate
});

json_object!(TimeoutSpec {
    retry_ticks_min,
    retry_ticks_max
});

impl ToJson for QuorumSpec {
    fn write(&self, out: &mut String) {
        out.push('{');
        match self {
            QuorumSpec::Majority => field(out, "kind", "majority"),
            QuorumSpec::Flexible { phase1, phase2 } => {
                field(out, "kind", "flexible");
                field(out, "phase1", phase1);
                field(out, "phase2", phase2);
            }
            QuorumSpec::Explicit { phase1, phase2 } => {
                field(out, "kind", "explicit");
                field(out, "phase1", phase1);
                field(out, "phase2", phase2);
            }
            QuorumSpec::Threshold { read, write } => {
                field(out, "kind", "threshold");
                field(out, "read", read);
                field(out, "write", write);
            }
            QuorumSpec::Grid { rows, cols } => {
                field(out, "kind", "grid");
                field(out, "rows", rows);
                field(out, "cols", cols);
            }
            QuorumSpec::Weighted {
                weights,
                read,
                write,
            } => {
                field(out, "kind", "weighted");
                field(out, "weights", weights);
                field(out, "read", read);
                field(out, "write", write);
            }
        }
        close(out, '}');
    }
}

json_object!(Intervention {
    at, propose?, crash?, restart?, partition?, heal?, cut?, restore?, drop?, duplicate?,
    delay?, deliver?, timeout?
});

json_object!(Proposal { node, value });

json_object!(Link { from, to });

json_object!(MessageRef { message });

json_object!(MessageDelay { message, ticks });
