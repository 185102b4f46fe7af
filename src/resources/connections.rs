//! `telnyx_connections` — every connection (any type) matching the API's list filters, from
//! `GET /connections`, all pages walked.

use async_trait::async_trait;

use super::any_connection::view_attributes;
use crate::telnyx::client::Client;
use crate::telnyx::mapping::absorb;
use crate::tfplug::schema::{nested_list, string};
use crate::tfplug::{Ctx, DataSource, Failure, Schema, Value};

#[derive(Debug, Default)]
pub struct Connections;

/// (argument, query key) of each filter.
const FILTERS: &[(&str, &str)] = &[
    ("connection_name_contains", "filter[connection_name][contains]"),
    ("fqdn", "filter[fqdn]"),
    ("outbound_voice_profile_id", "filter[outbound_voice_profile_id]"),
];

#[async_trait]
impl DataSource<Client> for Connections {
    fn type_name(&self) -> &'static str {
        "telnyx_connections"
    }

    fn schema(&self) -> Schema {
        let mut item = vec![string("id").computed().desc("Id of the connection.")];
        item.extend(view_attributes());
        Schema::new("Lists the connections of every type that match all the given filters (none: every connection).")
            .attr(
                string("connection_name_contains")
                    .optional()
                    .length(3, usize::MAX)
                    .desc("Only connections whose name contains this text, ignoring case (at least 3 characters)."),
            )
            .attr(string("fqdn").optional().desc("Only connections with an FQDN record of exactly this host name."))
            .attr(string("outbound_voice_profile_id").optional().desc("Only connections that use this outbound voice profile."))
            .attr(nested_list("connections", item).computed().desc("The matching connections, oldest first."))
    }

    async fn read(&self, client: &Client, ctx: &Ctx, config: &Value) -> Result<Value, Failure> {
        let filters: Vec<(String, String)> =
            FILTERS.iter().filter_map(|(arg, key)| config.get(arg).as_str().map(|v| ((*key).to_string(), v.to_string()))).collect();
        let items = client
            .list_all(ctx, "/connections", &filters)
            .await
            .map_err(|e| Failure::new(e.to_diagnostics("list", "telnyx_connections", None)))?;
        let schema = self.schema();
        let item_attrs = schema.get("connections").map(|a| a.children().to_vec()).unwrap_or_default();
        let mut out = config.clone();
        out.set("connections", Value::List(items.iter().map(|o| absorb(&item_attrs, o, &Value::Null)).collect()));
        Ok(out)
    }
}
