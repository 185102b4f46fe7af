//! `telnyx_access_ip_range` — a CIDR range allowed to reach the account (Telnyx syncs it to
//! Cloudflare). Endpoints: `POST|GET /access_ip_ranges`, `DELETE /access_ip_ranges/{id}`.
//!
//! The API differs from the other families: single objects come bare (no `data` wrapper),
//! there is no `GET /access_ip_ranges/{id}` and no `PATCH`. So:
//! * reading lists with `filter[cidr_block]` (every page) and picks the object by id; an import
//!   knows only the id and lists everything;
//! * every argument is replace-on-change (a change is a delete and a create);
//! * `status` (`pending` until the Cloudflare sync finishes, then `added`) is read-only and
//!   server-decided, so its change never shows as a diff.
//!
//! All of it is the generic [`Rest`](super::rest::Rest) resource, told by `RETRIEVE` and
//! `UPDATE` that the API has no GET by id and no PATCH.

use super::common::{created_at, id, updated_at};
use super::list::{FilterKind, ListFilter, Listed};
use super::rest::{Batch, NaturalKey, RestObject};
use crate::telnyx::client::Envelope;
use tfplug::schema::string;
use tfplug::validate::Validator;
use tfplug::{Schema, Value};

/// The family's shape (type name, path, envelope, schema, natural key).
#[derive(Debug)]
pub struct AccessIpRange;

impl RestObject for AccessIpRange {
    const TYPE_NAME: &'static str = "telnyx_access_ip_range";
    const PATH: &'static str = "/access_ip_ranges";
    /// There is no single-object read: the listing is the only view.
    const BATCH: Batch = Batch::Family;
    const ENVELOPE: Envelope = Envelope::Bare;
    const RETRIEVE: bool = false;
    const UPDATE: bool = false;

    fn schema() -> Schema {
        Schema::new(
            "A range of IP addresses (CIDR) allowed to reach the Telnyx account. The API cannot change a range: \
             changing any argument replaces it (delete, then create).",
        )
        .attr(id())
        .attr(
            string("cidr_block")
                .required()
                .replace_on_change()
                .validate(Validator::Cidr)
                .desc("The range in CIDR notation, without host bits (e.g. `203.0.113.0/24`)."),
        )
        .attr(string("description").optional().replace_on_change().desc("Free-text description."))
        .attr(
            string("status").computed().desc(
                "Sync state of the range: `pending` until Telnyx has synced it to Cloudflare, then `added`. Its change is never a diff.",
            ),
        )
        .attr(string("user_id").computed().keep_state().desc("Id of the Telnyx user that owns the range."))
        .attr(created_at())
        .attr(updated_at())
    }

    fn natural_key(planned: &Value) -> Option<NaturalKey> {
        NaturalKey::of(planned, &[("cidr_block", "filter[cidr_block]")])
    }
}

impl Listed for AccessIpRange {
    const NOUN: (&'static str, &'static str) = ("access IP range", "access IP ranges");
    const LIST_TYPE_NAME: &'static str = "telnyx_access_ip_ranges";
    const LIST_ATTR: &'static str = "access_ip_ranges";
    const FILTERS: &'static [ListFilter] = &[
        ListFilter::text("cidr_block", "filter[cidr_block]", "Only the range with exactly this CIDR block."),
        ListFilter::text("cidr_block_startswith", "filter[cidr_block][startswith]", "Only ranges whose CIDR block starts with this text."),
        ListFilter::text("cidr_block_endswith", "filter[cidr_block][endswith]", "Only ranges whose CIDR block ends with this text."),
        ListFilter::text("cidr_block_contains", "filter[cidr_block][contains]", "Only ranges whose CIDR block contains this text."),
        ListFilter {
            arg: "created_at",
            query: "filter[created_at]",
            kind: FilterKind::DateTime,
            desc: "Only ranges created at exactly this time (an RFC 3339 date-time).",
        },
        ListFilter {
            arg: "created_at_gt",
            query: "filter[created_at][gt]",
            kind: FilterKind::DateTime,
            desc: "Only ranges created after this time (an RFC 3339 date-time).",
        },
        ListFilter {
            arg: "created_at_gte",
            query: "filter[created_at][gte]",
            kind: FilterKind::DateTime,
            desc: "Only ranges created at or after this time (an RFC 3339 date-time).",
        },
        ListFilter {
            arg: "created_at_lt",
            query: "filter[created_at][lt]",
            kind: FilterKind::DateTime,
            desc: "Only ranges created before this time (an RFC 3339 date-time).",
        },
        ListFilter {
            arg: "created_at_lte",
            query: "filter[created_at][lte]",
            kind: FilterKind::DateTime,
            desc: "Only ranges created at or before this time (an RFC 3339 date-time).",
        },
    ];
    const KEY: &'static [(&'static str, &'static str)] = &[("cidr_block", "cidr_block")];
}

impl super::Exported for AccessIpRange {
    const LABEL_PREFIX: &'static str = "range";
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplug::plan::plan;

    fn state(status: &str) -> Value {
        let mut v = Value::null_object(&AccessIpRange::schema().ty());
        for (k, x) in
            [("id", "7"), ("cidr_block", "203.0.113.0/24"), ("status", status), ("user_id", "u"), ("created_at", "t"), ("updated_at", "t")]
        {
            v.set(k, Value::string(x));
        }
        v
    }

    fn config(cidr: &str) -> Value {
        let mut v = Value::null_object(&AccessIpRange::schema().ty());
        v.set("cidr_block", Value::string(cidr));
        v
    }

    #[test]
    fn status_settling_is_no_diff_and_any_argument_change_replaces() {
        let attrs = AccessIpRange::schema().attributes;
        let prior = state("added");
        // Terraform's proposed new state: the configuration with prior computed values.
        let p = plan(&attrs, &prior, &config("203.0.113.0/24"), &prior);
        assert_eq!(p.state, prior);
        assert!(p.requires_replace.is_empty());
        let mut proposed = prior.clone();
        proposed.set("cidr_block", Value::string("198.51.100.0/24"));
        let p = plan(&attrs, &prior, &config("198.51.100.0/24"), &proposed);
        assert_eq!(p.requires_replace.iter().map(ToString::to_string).collect::<Vec<_>>(), ["cidr_block"]);
        let mut proposed = prior.clone();
        proposed.set("description", Value::string("office"));
        let mut cfg = config("203.0.113.0/24");
        cfg.set("description", Value::string("office"));
        let p = plan(&attrs, &prior, &cfg, &proposed);
        assert_eq!(p.requires_replace.iter().map(ToString::to_string).collect::<Vec<_>>(), ["description"]);
    }
}
