//! `telnyx_billing_group` — a group that usage is billed to, referenced by phone numbers and
//! outbound voice profiles through `billing_group_id`.
//! Endpoints: `POST|GET /billing_groups`, `GET|PATCH|DELETE /billing_groups/{id}`.
//!
//! The list endpoint has no filters (numbers-and-billing.md §2): lookups by name list every
//! group and match on the provider's side.

use super::common::{created_at, id, record_type, updated_at};
use super::list::{FilterKind, ListFilter, Listed};
use super::rest::{Batch, NaturalKey, RestObject};
use tfplug::schema::string;
use tfplug::{Schema, Value};

#[derive(Debug)]
pub struct BillingGroup;

impl RestObject for BillingGroup {
    const TYPE_NAME: &'static str = "telnyx_billing_group";
    const PATH: &'static str = "/billing_groups";
    /// List items and `GET /billing_groups/{id}` are one schema (`BillingGroup`).
    const BATCH: Batch = Batch::Family;

    fn schema() -> Schema {
        Schema::new(
            "A billing group: usage of the phone numbers and outbound voice profiles that name it (`billing_group_id`) \
             is invoiced under it. Telnyx refuses to delete a group that phone numbers still use; Terraform deletes \
             the numbers' references first when both are in one configuration.",
        )
        .attr(id())
        .attr(string("name").required().length(1, usize::MAX).desc(
            "Name of the group. Telnyx does not require names to be unique; the data source finds a group by name only when exactly one has it.",
        ))
        .attr(string("organization_id").computed().keep_state().desc("UUID of the Telnyx organization that owns the group."))
        .attr(string("deleted_at").computed().keep_state().desc("When the group was deleted (ISO 8601); null while it exists."))
        .attr(record_type())
        .attr(created_at())
        .attr(updated_at())
    }

    /// Names are not unique, but after an uncertain create only a group made since the first
    /// attempt is adopted (`Rest::find_existing`). The list has no name filter: all are listed.
    fn natural_key(planned: &Value) -> Option<NaturalKey> {
        let name = planned.get("name").as_str()?;
        Some(NaturalKey { filters: Vec::new(), matches: vec![("name", serde_json::Value::String(name.to_string()))] })
    }
}

impl Listed for BillingGroup {
    const NOUN: (&'static str, &'static str) = ("billing group", "billing groups");
    const LIST_TYPE_NAME: &'static str = "telnyx_billing_groups";
    const LIST_ATTR: &'static str = "billing_groups";
    const FILTERS: &'static [ListFilter] = &[ListFilter {
        arg: "name_contains",
        query: "filter[name][contains]",
        kind: FilterKind::Local,
        desc: "Only groups whose name contains this text, ignoring case. The API has no such filter: the provider lists every group and keeps the matches.",
    }];
    const KEY: &'static [(&'static str, &'static str)] = &[("name", "name_contains")];
}

impl super::Exported for BillingGroup {
    const LABEL_PREFIX: &'static str = "group";
}
