//! The Setup panel as data: the form the page draws (groups of fields, each with its kind,
//! label, range and current value), and the change a submitted form makes to the scenario.
//!
//! The page renders whatever fields this lists and sends back only the fields the person
//! touched, so a field nobody touched keeps the scenario's exact value (a loss of 0.33 is not
//! rounded to a slider's step). The groups every protocol shares (the network, the bug
//! switches, the seed) are written here; a protocol's own groups (its cluster, its quorums)
//! are in its folder (`protocols/NAME/setup.rs`), through [`crate::present::Present`].

use crate::clients::spec::RequestSpec;
use crate::clients::workload::WorkloadSpec;
use crate::json::{self, json_object, Value};
use crate::scenario::{
    Intervention, Scenario, ScenarioError, ScenarioSection, DELAY_TICKS_MAX, UNTIL_TICKS_MAX,
};
use crate::sim::network::NetworkSpec;
use crate::sim::MAX_NODES;
use serde::Serialize;

/// One group of the form, drawn as a fieldset.
#[derive(Serialize)]
pub struct SetupGroup {
    pub legend: &'static str,
    pub fields: Vec<SetupField>,
    /// A sentence under the group, when something in it needs saying (unsafe quorums).
    pub warning: Option<String>,
}

/// One control of the form.
#[derive(Serialize)]
pub struct SetupField {
    pub name: &'static str,
    pub label: String,
    /// `radio`, `number`, `select`, `range`, `checkbox` or `text`.
    pub kind: &'static str,
    /// The current value, as the control holds it (a checkbox: its own value).
    pub value: String,
    /// Radio buttons and checkboxes: whether this one is on.
    pub checked: bool,
    /// A select's choices: (value, label).
    pub options: Vec<(&'static str, &'static str)>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub step: Option<f64>,
    /// How a range shows its value next to it: `ticks` or `percent`.
    pub unit: Option<&'static str>,
    /// The field applies only while the form's field of this name holds this value (a select's
    /// choice, or the radio button checked); otherwise the page disables it.
    pub applies: Option<(&'static str, &'static str)>,
}

impl SetupField {
    pub fn new(name: &'static str, kind: &'static str, label: impl Into<String>) -> SetupField {
        SetupField {
            name,
            label: label.into(),
            kind,
            value: String::new(),
            checked: false,
            options: Vec::new(),
            min: None,
            max: None,
            step: None,
            unit: None,
            applies: None,
        }
    }

    /// This field, applying only while field `name` holds `value`.
    pub fn applies_when(self, name: &'static str, value: &'static str) -> SetupField {
        SetupField {
            applies: Some((name, value)),
            ..self
        }
    }

    /// A count of nodes, from `min` up to the most a cluster may have.
    pub fn number(name: &'static str, label: &str, value: usize, min: f64) -> SetupField {
        SetupField {
            value: value.to_string(),
            min: Some(min),
            max: Some(MAX_NODES as f64),
            step: Some(1.0),
            ..SetupField::new(name, "number", label)
        }
    }

    /// A number of ticks, from 1 to the longest run.
    pub fn ticks(name: &'static str, label: &str, value: u64) -> SetupField {
        SetupField {
            value: value.to_string(),
            min: Some(1.0),
            max: Some(UNTIL_TICKS_MAX as f64),
            step: Some(1.0),
            ..SetupField::new(name, "number", label)
        }
    }

    pub fn range(
        name: &'static str,
        label: &str,
        value: String,
        max: f64,
        step: f64,
    ) -> SetupField {
        SetupField {
            value,
            min: Some(if step < 1.0 { 0.0 } else { 1.0 }),
            max: Some(max),
            step: Some(step),
            unit: Some(if step < 1.0 { "percent" } else { "ticks" }),
            ..SetupField::new(name, "range", label)
        }
    }
}

/// The fields a person touched in a submitted form: a JSON object of strings, the checkboxes a
/// list of the ones on. Each reader's error names the field as `setup.NAME`.
pub struct Changes<'a> {
    entries: Vec<(String, Value<'a>)>,
}

impl Changes<'_> {
    pub fn parse(changes: &str) -> Result<Changes<'_>, ScenarioError> {
        let parsed = json::parse(changes).map_err(|e| bad("changes", e.message.to_string()))?;
        let Value::Object(entries) = parsed else {
            return Err(bad("changes", "must be an object".to_string()));
        };
        Ok(Changes { entries })
    }

    /// The text of field `name`, if it was touched.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| match v {
                Value::String(s) => Some(s.as_str()),
                _ => None,
            })
    }

    /// Whether any of `names` was touched.
    pub fn any(&self, names: &[&str]) -> bool {
        names.iter().any(|name| self.text(name).is_some())
    }

    /// Field `name` as a whole number, if it was touched.
    pub fn whole(&self, name: &str) -> Result<Option<usize>, ScenarioError> {
        self.text(name)
            .map(|t| {
                t.trim()
                    .parse::<usize>()
                    .map_err(|_| bad(name, format!("must be a whole number, not \"{t}\"")))
            })
            .transpose()
    }

    /// A touched number of ticks, from 1 to the longest run.
    pub fn ticks(&self, name: &str) -> Result<Option<u64>, ScenarioError> {
        self.text(name)
            .map(|t| {
                t.trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|ticks| (1..=UNTIL_TICKS_MAX).contains(ticks))
                    .ok_or_else(|| {
                        bad(
                            name,
                            format!("must be a whole number of ticks from 1 to {UNTIL_TICKS_MAX}, not \"{t}\""),
                        )
                    })
            })
            .transpose()
    }

    /// The bug switches that are on, if the group was submitted.
    pub fn bugs(&self) -> Result<Option<Vec<String>>, ScenarioError> {
        let Some((_, bugs)) = self.entries.iter().find(|(k, _)| k == "bug") else {
            return Ok(None);
        };
        let Value::Array(items) = bugs else {
            return Err(bad("bug", "must be a list of switch names".to_string()));
        };
        items
            .iter()
            .map(|item| match item {
                Value::String(s) => Ok(s.clone()),
                _ => Err(bad("bug", "must be a list of switch names".to_string())),
            })
            .collect::<Result<_, _>>()
            .map(Some)
    }
}

/// An error in the form's field `field`.
pub fn bad(field: &str, message: String) -> ScenarioError {
    ScenarioError {
        field: format!("setup.{field}"),
        message,
    }
}

/// The network's group: delays, loss and duplication.
pub fn network_group(network: &NetworkSpec) -> SetupGroup {
    let delay_max = |value: u64| (value.max(200)) as f64;
    SetupGroup {
        legend: "Network",
        fields: vec![
            SetupField::range(
                "delay_ticks_min",
                "Delay min",
                network.delay_ticks_min.to_string(),
                delay_max(network.delay_ticks_min),
                1.0,
            ),
            SetupField::range(
                "delay_ticks_max",
                "Delay max",
                network.delay_ticks_max.to_string(),
                delay_max(network.delay_ticks_max),
                1.0,
            ),
            SetupField::range("loss", "Loss", json_number(network.loss), 1.0, 0.05),
            SetupField::range(
                "duplicate",
                "Duplication",
                json_number(network.duplicate),
                1.0,
                0.05,
            ),
        ],
        warning: None,
    }
}

/// The two fields of a retry timeout's range, `retry_ticks_min` and `retry_ticks_max`, showing
/// the range in force (the scenario's, or the one drawn from the network's delays); `verb`
/// says what a node does when it runs out (`Retry`, `Resend`).
pub fn retry_fields(verb: &str, in_force: (u64, u64)) -> [SetupField; 2] {
    [
        SetupField::ticks(
            "retry_ticks_min",
            &format!("{verb} after at least (ticks)"),
            in_force.0,
        ),
        SetupField::ticks("retry_ticks_max", "and at most (ticks)", in_force.1),
    ]
}

/// The retry range [`retry_fields`] submitted, if either field was touched: the untouched one
/// keeps the value in force, which the form showed (`in_force` is asked only then).
pub fn apply_retry(
    changes: &Changes,
    in_force: impl FnOnce() -> Result<(u64, u64), ScenarioError>,
) -> Result<Option<(u64, u64)>, ScenarioError> {
    if !changes.any(&["retry_ticks_min", "retry_ticks_max"]) {
        return Ok(None);
    }
    let (min, max) = in_force()?;
    Ok(Some((
        changes.ticks("retry_ticks_min")?.unwrap_or(min),
        changes.ticks("retry_ticks_max")?.unwrap_or(max),
    )))
}

/// How many operations each client runs when the Setup form adds a workload.
const WORKLOAD_OPS: usize = 3;

/// The workload's group, for a protocol with clients: its size, its keys and the clients'
/// resend timeouts in force.
pub fn workload_group(workload: Option<&WorkloadSpec>, retry_in_force: (u64, u64)) -> SetupGroup {
    let workload = workload.cloned().unwrap_or_default();
    SetupGroup {
        legend: "Workload",
        fields: vec![
            SetupField::number(
                "ops_per_client",
                "Operations per client",
                workload.ops_per_client.unwrap_or(WORKLOAD_OPS),
                0.0,
            ),
            SetupField::number("keys", "Keys", workload.keys.unwrap_or(1), 1.0),
        ]
        .into_iter()
        .chain(retry_fields("Resend", retry_in_force))
        .collect(),
        warning: None,
    }
}

/// The workload group's touched fields, applied; the resend range the untouched field keeps
/// is `retry_in_force`'s.
pub fn apply_workload(
    changes: &Changes,
    spec: &mut Option<WorkloadSpec>,
    retry_in_force: impl FnOnce() -> Result<(u64, u64), ScenarioError>,
) -> Result<(), ScenarioError> {
    if changes.any(&["ops_per_client", "keys"]) {
        let workload = spec.get_or_insert_with(WorkloadSpec::default);
        workload.ops_per_client = Some(
            changes
                .whole("ops_per_client")?
                .or(workload.ops_per_client)
                .unwrap_or(WORKLOAD_OPS),
        );
        if let Some(keys) = changes.whole("keys")? {
            workload.keys = Some(keys);
        }
    }
    if let Some((min, max)) = apply_retry(changes, retry_in_force)? {
        let workload = spec.get_or_insert_with(WorkloadSpec::default);
        workload.retry_ticks_min = Some(min);
        workload.retry_ticks_max = Some(max);
    }
    Ok(())
}

/// A cluster of servers and clients as the form left it.
pub struct ClientCluster {
    pub servers: usize,
    pub clients: usize,
    /// The counts capped to the names a cluster may have, for fitting the schedule: a larger
    /// count is the compile step's error to report, with the field it names.
    pub capped: (usize, usize),
}

/// The cluster the fields `servers` (what the protocol calls them: `replicas`, `servers`) and
/// `clients` hold, the old counts standing for an untouched field; none when neither was
/// touched.
pub fn client_cluster(
    changes: &Changes,
    servers: &str,
    old: (usize, Option<usize>),
) -> Result<Option<ClientCluster>, ScenarioError> {
    if !changes.any(&[servers, "clients"]) {
        return Ok(None);
    }
    let servers = changes.whole(servers)?.unwrap_or(old.0);
    let clients = changes.whole("clients")?.unwrap_or(old.1.unwrap_or(0));
    let capped = servers.min(MAX_NODES);
    Ok(Some(ClientCluster {
        servers,
        clients,
        capped: (capped, clients.min(MAX_NODES - capped)),
    }))
}

/// Fits a schedule with clients' requests to a new cluster, whose names `known` tells, and
/// says in sentences what it could not keep: a request of a client the cluster lacks goes, as
/// do the entries naming missing nodes.
pub fn fit_requests<P: ScenarioSection>(
    scenario: &mut Scenario<P>,
    known: &dyn Fn(&str) -> bool,
    request: impl Fn(&P::Inputs) -> Option<&RequestSpec>,
) -> Vec<String> {
    let mut notes = Vec::new();
    scenario.schedule.retain_mut(|entry| {
        if let Some(request) = request(&entry.inputs) {
            if !known(&request.client) {
                notes.push(format!(
                    "{}'s {} of {} at tick {} was dropped: the new cluster has no such client",
                    request.client, request.op, request.key, entry.at
                ));
                return false;
            }
            return true;
        }
        keeps_nodes(entry, known, &mut notes)
    });
    notes
}

/// The network group's touched fields, applied.
pub fn apply_network(changes: &Changes, network: &mut NetworkSpec) -> Result<(), ScenarioError> {
    for (name, slot) in [
        ("delay_ticks_min", &mut network.delay_ticks_min),
        ("delay_ticks_max", &mut network.delay_ticks_max),
    ] {
        if let Some(t) = changes.text(name) {
            *slot = t
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|d| *d <= DELAY_TICKS_MAX)
                .ok_or_else(|| {
                    bad(
                        name,
                        format!("must be a whole number of ticks, not \"{t}\""),
                    )
                })?;
        }
    }
    for (name, slot) in [
        ("loss", &mut network.loss),
        ("duplicate", &mut network.duplicate),
    ] {
        if let Some(t) = changes.text(name) {
            *slot = probability(t).ok_or_else(|| {
                bad(
                    name,
                    format!("must be a probability from 0 to 1, not \"{t}\""),
                )
            })?;
        }
    }
    Ok(())
}

/// The bug switches' group, titled `legend`: one checkbox per name, on where `on` has it.
pub fn bug_group(legend: &'static str, names: &[&'static str], on: &[String]) -> SetupGroup {
    SetupGroup {
        legend,
        fields: names
            .iter()
            .map(|&bug| SetupField {
                value: bug.to_string(),
                checked: on.iter().any(|b| b == bug),
                ..SetupField::new("bug", "checkbox", bug.replace('_', " "))
            })
            .collect(),
        warning: None,
    }
}

/// Whether a schedule entry's engine part (crashes, restarts, partitions, cuts, timers) still
/// fits a new cluster, whose names `known` tells: partitions lose the members the cluster
/// lacks, and an entry naming a missing node goes. What it changed or dropped is said in
/// `notes`.
pub fn keeps_nodes<P: ScenarioSection>(
    entry: &mut Intervention<P>,
    known: &dyn Fn(&str) -> bool,
    notes: &mut Vec<String>,
) -> bool {
    let at = entry.at;
    if let Some(groups) = &mut entry.partition {
        let before: usize = groups.iter().map(Vec::len).sum();
        for group in groups.iter_mut() {
            group.retain(|name| known(name));
        }
        groups.retain(|group| !group.is_empty());
        let after: usize = groups.iter().map(Vec::len).sum();
        if after < before {
            notes.push(format!(
                "the partition at tick {at} lost {} member(s) the new cluster lacks",
                before - after
            ));
        }
        return true;
    }
    let named = [
        ("crash", entry.crash.as_ref()),
        ("restart", entry.restart.as_ref()),
        ("cut", entry.cut.as_ref().map(|l| &l.from)),
        ("cut", entry.cut.as_ref().map(|l| &l.to)),
        ("restore", entry.restore.as_ref().map(|l| &l.from)),
        ("restore", entry.restore.as_ref().map(|l| &l.to)),
        ("timeout", entry.timeout.as_ref()),
    ];
    match named
        .into_iter()
        .find_map(|(what, name)| name.filter(|n| !known(n)).map(|n| (what, n)))
    {
        Some((what, name)) => {
            notes.push(format!(
                "the {what} of {name} at tick {at} was dropped: the new cluster has no {name}"
            ));
            false
        }
        None => true,
    }
}

/// A probability as a person typed it or a slider gave it, read as the scenario reads floats.
fn probability(text: &str) -> Option<f64> {
    let value = match json::parse(text.trim()) {
        Ok(Value::Number(n)) => json::parse_f64(n),
        _ => return None,
    };
    (0.0..=1.0).contains(&value).then_some(value)
}

/// A float as the scenario writes it (`0.3`, not `0.30000000000000004`).
fn json_number(value: f64) -> String {
    let mut out = String::new();
    json::write_f64(&mut out, value);
    out
}

/// What a submitted Setup form made: the new scenario, and what of the schedule it could not
/// keep, in sentences for the panel.
#[derive(Debug)]
pub struct SetupResult {
    pub scenario: String,
    pub dropped: Vec<String>,
}

json_object!(SetupResult { scenario, dropped });

json_object!(SetupGroup { legend, fields, warning? });

json_object!(SetupField { name, label, kind, value, checked, options, min?, max?, step?, unit?, applies? });
