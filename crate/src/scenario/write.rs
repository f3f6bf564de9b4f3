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

impl<P: ScenarioSection> ToJson for Scenario<P> {
    fn write(&self, out: &mut String) {
        out.push('{');
        field(out, "version", &self.version);
        field(out, "protocol", &self.protocol);
        field(out, "seed", &self.seed);
        field(out, "cluster", &self.cluster);
        field(out, "network", &self.network);
        P::write_section(&self.section, out);
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

json_object!(NetworkSpec {
    delay_ticks_min,
    delay_ticks_max,
    loss,
    duplicate
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

impl<P: ScenarioSection> ToJson for Intervention<P> {
    fn write(&self, out: &mut String) {
        out.push('{');
        field(out, "at", &self.at);
        P::write_inputs(&self.inputs, out);
        field_if_some(out, "crash", &self.crash);
        field_if_some(out, "restart", &self.restart);
        field_if_some(out, "partition", &self.partition);
        field_if_some(out, "heal", &self.heal);
        field_if_some(out, "cut", &self.cut);
        field_if_some(out, "restore", &self.restore);
        field_if_some(out, "drop", &self.drop);
        field_if_some(out, "duplicate", &self.duplicate);
        field_if_some(out, "delay", &self.delay);
        field_if_some(out, "deliver", &self.deliver);
        field_if_some(out, "timeout", &self.timeout);
        close(out, '}');
    }
}

json_object!(Link { from, to });

json_object!(MessageRef { message });

json_object!(MessageDelay { message, ticks });
