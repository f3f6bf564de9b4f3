//! A request given by hand in a scenario's schedule, as every protocol with clients reads and
//! writes it: `{"client": "c1", "op": "put", "key": "x", "value": "1"}`; a cas gives `from`
//! and `value`, a get neither.

use super::{Names, OpKind, Request};
use crate::json::json_object;
use crate::scenario::{entry_field, error, is_format_control, Fields, FromJson, ScenarioError};
use crate::sim::NodeId;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RequestSpec {
    pub client: String,
    pub op: String,
    pub key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// What a protocol tells [`RequestSpec::resolve`] about its cluster.
pub struct Cluster<'a> {
    /// Every node's name, the clients last.
    pub names: &'a [&'static str],
    /// The first client's node.
    pub first_client: usize,
    /// What the protocol calls the nodes that are not clients: "replica", "server".
    pub server_word: &'static str,
    /// Why the protocol has no append, if it has none.
    pub no_append: Option<&'static str>,
}

impl RequestSpec {
    /// The client and the request, with its key and values interned in `names`; errors name
    /// the field of schedule entry `entry`.
    pub fn resolve(
        &self,
        cluster: &Cluster,
        names: &mut Names,
        entry: usize,
    ) -> Result<(NodeId, Request), ScenarioError> {
        let field = |name: &str| entry_field(entry, &format!("request.{name}"));
        let Some(node) = cluster.names.iter().position(|n| *n == self.client) else {
            return Err(error(
                field("client"),
                format!(
                    "no node is named {:?}; this cluster has {}",
                    self.client,
                    cluster.names.join(", ")
                ),
            ));
        };
        if node < cluster.first_client {
            return Err(error(
                field("client"),
                format!(
                    "{} is a {}; requests come from clients",
                    self.client, cluster.server_word
                ),
            ));
        }
        let known = |kind: &OpKind| *kind != OpKind::Append || cluster.no_append.is_none();
        let kind = match OpKind::ALL.iter().find(|k| k.name() == self.op) {
            Some(kind) if known(kind) => *kind,
            _ => {
                let names: Vec<&str> = OpKind::ALL
                    .iter()
                    .filter(|k| known(k))
                    .map(|k| k.name())
                    .collect();
                let why = match cluster.no_append {
                    Some(why) if self.op == "append" => format!(" ({why})"),
                    _ => String::new(),
                };
                return Err(error(
                    field("op"),
                    format!(
                        "unknown operation {:?}; known ones are {}{why}",
                        self.op,
                        names.join(", ")
                    ),
                ));
            }
        };
        let needs = |name: &str, given: &Option<String>, wanted: bool| match (given, wanted) {
            (None, true) => Err(error(
                entry_field(entry, "request"),
                format!("a {} needs `{name}`", self.op),
            )),
            (Some(_), false) => Err(error(
                field(name),
                format!("a {} takes no `{name}`", self.op),
            )),
            _ => Ok(()),
        };
        needs("value", &self.value, kind != OpKind::Get)?;
        needs("from", &self.from, kind == OpKind::Cas)?;
        let mut text = |name: &str, given: &Option<String>| -> Result<u16, ScenarioError> {
            let Some(text) = given else { return Ok(0) };
            if let Some(c) = text.chars().find(|&c| is_format_control(c)) {
                return Err(error(
                    field(name),
                    format!(
                        "must not contain control characters, and it has U+{:04X}",
                        c as u32
                    ),
                ));
            }
            names.value(text).map_err(|m| error(field(name), m))
        };
        let value = text("value", &self.value)?;
        let from = text("from", &self.from)?;
        let key = names.key(&self.key).map_err(|m| error(field("key"), m))?;
        Ok((
            node as NodeId,
            Request {
                kind,
                key,
                value,
                from,
            },
        ))
    }

    /// The entry that gives `client` the request `request`: the reverse of `resolve`.
    pub fn of(client: &str, request: &Request, names: &Names) -> RequestSpec {
        let text = |v: u16| names.value_name(v).to_string();
        RequestSpec {
            client: client.to_string(),
            op: request.kind.name().to_string(),
            key: names.key_name(request.key).to_string(),
            from: (request.kind == OpKind::Cas).then(|| text(request.from)),
            value: (request.kind != OpKind::Get).then(|| text(request.value)),
        }
    }
}

impl FromJson for RequestSpec {
    fn read(value: &crate::json::Value, path: &str) -> Result<Self, ScenarioError> {
        let names = ["client", "op", "key", "from", "value"];
        let f = Fields::new(value, path, "struct RequestSpec", &names)?;
        Ok(RequestSpec {
            client: f.required("client")?,
            op: f.required("op")?,
            key: f.required("key")?,
            from: f.optional("from")?,
            value: f.optional("value")?,
        })
    }
}

json_object!(RequestSpec {
    client,
    op,
    key,
    from?,
    value?
});
