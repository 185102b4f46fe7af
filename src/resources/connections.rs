//! `telnyx_connections` — every connection (any type) matching the API's list filters, from
//! `GET /connections?sort=created_at`, all pages walked, oldest first.

use async_trait::async_trait;

use super::diagnostics::ToDiagnostics;
use super::rest::SchemaCell;

use super::any_connection::view_attributes;
use super::connection::{FQDN, NAME_CONTAINS, PROFILE};
use super::list::{FilterField, ListFilter, list_filtered};
use super::mapping::absorb;
use crate::telnyx::client::Client;
use tfplug::schema::{Attribute, nested_list, string};
use tfplug::{Ctx, DataSource, Failure, Schema, Value};

#[derive(Debug, Default)]
pub struct Connections {
    schema: SchemaCell,
}

/// The filters of `GET /connections` (reference §3), each also checked on every listed
/// connection (`outbound_voice_profile_id` is a field of this view).
const FILTERS: &[ListFilter] = &[NAME_CONTAINS, FQDN, PROFILE];
const FILTER_FIELDS: &[(&str, FilterField)] = &[("fqdn", FilterField::Linked { list: "/fqdns", link: "connection_id" })];

/// Oldest first: without `sort` the API documents `created_at` descending.
const SORT: (&str, &str) = ("sort", "created_at");

#[async_trait]
impl DataSource<Client> for Connections {
    fn type_name(&self) -> &'static str {
        "telnyx_connections"
    }

    fn schema(&self) -> Schema {
        self.schema.get(build).clone()
    }

    async fn read(&self, client: &Client, ctx: &Ctx, config: &Value) -> Result<Value, Failure> {
        let items = list_filtered(client, ctx, "/connections", FILTERS, FILTER_FIELDS, config, &[SORT])
            .await
            .map_err(|e| Failure::new(e.to_diagnostics("list", "telnyx_connections", None)))?;
        let item_attrs = self.schema.get(build).get("connections").map(Attribute::children).unwrap_or(&[]);
        let mut out = config.clone();
        out.set("connections", Value::List(items.iter().map(|o| absorb(item_attrs, o, &Value::Null)).collect()));
        Ok(out)
    }
}

/// The schema, built once (see [`SchemaCell`]).
fn build() -> Schema {
    let mut item = vec![string("id").computed().desc("Id of the connection.")];
    item.extend(view_attributes());
    let mut s = Schema::new("Lists the connections of every type that match all the given filters (none: every connection).");
    for f in FILTERS {
        s = s.attr(f.attribute());
    }
    s.attr(nested_list("connections", item).computed().desc("The matching connections, oldest first (sorted by `created_at`)."))
}
