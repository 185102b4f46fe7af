//! `telnyx_emergency_address` — an address record for emergency services (static E911), which
//! a phone number names in `emergency_address_id`. Endpoints: `POST|GET /addresses`,
//! `GET|DELETE /addresses/{id}`, and `POST /addresses/actions/validate` for the data source
//! `telnyx_emergency_address_validation` (voice-apps-and-e911.md §3.2–3.4).
//!
//! * Telnyx cannot change an address ("Address records are immutable"): every argument
//!   replaces it.
//! * Telnyx validates a new address for emergency use (`validate_address`, default true) and
//!   refuses an invalid one with a 422 whose `errors` carry a suggested value per field
//!   (`meta.suggested_value`): each becomes a diagnostic at that attribute, naming the value.
//! * Unknown 6, decided: the create schema requires `first_name`, `last_name` and
//!   `business_name` while its text asks for "either a first last name or a business name".
//!   The plan requires a business name, or a first and a last name; the create sends all
//!   three, `""` for those left out, and `""` reads back as unset.
//! * Unknown 1, decided: an address that numbers use for emergency services is never deleted:
//!   the delete lists `GET /phone_numbers?filter[emergency_address_id]=<id>` first and refuses,
//!   naming the numbers. A replaced address therefore wants `create_before_destroy`.

use async_trait::async_trait;
use serde_json::{Value as Json, json};

use super::common::{created_at, id, record_type, updated_at};
use super::diagnostics::{ToDiagnostics, pointer_to_path};
use super::list::{FilterField, FilterKind, ListFilter, Listed};
use super::outbound_voice_profile::is_e164;
use super::rest::{Batch, NaturalKey, RestObject, UsedBy};
use crate::telnyx::client::{Client, Envelope};
use crate::telnyx::error::{ApiError, ApiErrorKind};
use tfplug::schema::{Attribute, bool, nested, nested_list, string};
use tfplug::validate::Validator;
use tfplug::{AttrPath, Ctx, DataSource, Diagnostic, Diagnostics, Failure, Schema, Value};

#[derive(Debug)]
pub struct EmergencyAddress;

/// The name fields: a business name, or a first and a last name (Unknown 6).
const NAMES: &[&str] = &["first_name", "last_name", "business_name"];

/// An ISO 3166-1 alpha-2 code of a country or territory with a telephone numbering plan (the
/// regions of the `phonenumber` crate's metadata, Google's libphonenumber).
pub fn is_country(v: &Value) -> bool {
    v.as_str().is_some_and(|s| s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase()) && s.parse::<phonenumber::country::Id>().is_ok())
}

fn country_code(name: &str) -> Attribute {
    string(name)
        .validate(Validator::Check { describe: "an ISO 3166-1 alpha-2 country code in upper case, such as `US`", check: is_country })
}

/// An address argument: optional, and changing it replaces the address.
fn arg(name: &str, desc: &str) -> Attribute {
    string(name).optional().replace_on_change().desc(desc)
}

impl RestObject for EmergencyAddress {
    const TYPE_NAME: &'static str = "telnyx_emergency_address";
    const PATH: &'static str = "/addresses";
    /// List items and `GET /addresses/{id}` are one schema (`Address`).
    const BATCH: Batch = Batch::Family;
    /// "Address records are immutable" (§1): every argument replaces.
    const UPDATE: bool = false;
    const USED_BY: Option<UsedBy> = Some(UsedBy {
        list: "/phone_numbers",
        filter: "filter[emergency_address_id]",
        field: "emergency_address_id",
        name: "phone_number",
        what: "phone numbers use it for emergency services",
        advice: "Disable emergency services on them, or give them another address, first (`emergency_enabled` and \
                 `emergency_address_id` of `telnyx_phone_number`). An address that Terraform replaces needs \
                 `lifecycle { create_before_destroy = true }`, so that the numbers move to the new address before the old one is deleted.",
    });

    fn schema() -> Schema {
        Schema::new(
            "An address for emergency services (static E911): phone numbers name it in `emergency_address_id`. Telnyx \
             validates it for emergency use when it is created and refuses an invalid one, suggesting corrections. \
             Telnyx cannot change an address: changing any argument replaces it (give it \
             `lifecycle { create_before_destroy = true }` when numbers use it). An address that numbers use is never deleted: \
             destroy fails, naming them.",
        )
        .attr(id())
        .attr(arg("first_name", "First name of the person at the address. With `last_name`; or set `business_name`."))
        .attr(arg("last_name", "Last name of the person at the address. With `first_name`; or set `business_name`."))
        .attr(arg("business_name", "Name of the business at the address; or set `first_name` and `last_name`."))
        .attr(
            string("street_address").required().replace_on_change().length(1, usize::MAX).desc("Street line, e.g. `600 Congress Avenue`."),
        )
        .attr(arg("extended_address", "Unit, floor or apartment, e.g. `14th Floor`."))
        .attr(string("locality").required().replace_on_change().length(1, usize::MAX).desc("City or locality."))
        .attr(arg("administrative_area", "State or province, e.g. `TX`."))
        .attr(arg("postal_code", "Postal code; emergency validation needs it."))
        .attr(country_code("country_code").required().replace_on_change().desc("Country, ISO 3166-1 alpha-2 (`US`)."))
        .attr(arg("neighborhood", "Neighbourhood (not used for US addresses)."))
        .attr(arg("borough", "Borough (not used for US addresses)."))
        .attr(
            string("phone_number")
                .optional()
                .replace_on_change()
                .validate(Validator::Check { describe: "an E.164 number such as `+13125550100`", check: is_e164 })
                .desc("A phone number associated with the address (E.164)."),
        )
        .attr(arg("customer_reference", "Free text for your own look-ups."))
        .attr(
            bool("address_book")
                .optional_computed()
                .keep_state()
                .replace_on_change()
                .desc("Whether the address appears in the account's address book for regular use (Telnyx's default: true)."),
        )
        .attr(bool("validate_address").optional_computed().keep_state().replace_on_change().desc(
            "Whether Telnyx validates the address for emergency use when it is created (default true). Leave it true unless \
             the address was checked with `telnyx_emergency_address_validation`: an unvalidated address that is not valid \
             cannot be used by any number.",
        ))
        .attr(record_type())
        .attr(created_at())
        .attr(updated_at())
    }

    fn validate(config: &Value) -> Diagnostics {
        names_given(config)
    }

    /// All three name fields are sent, `""` for those left out (Unknown 6).
    fn shape_body(_planned: &Value, body: &mut Json) {
        if let Some(o) = body.as_object_mut() {
            for n in NAMES {
                o.entry(*n).or_insert_with(|| json!(""));
            }
        }
    }

    /// Telnyx's suggestions, one diagnostic per field at its attribute.
    fn diagnostics(e: &ApiError, verb: &str, id: Option<&str>) -> Diagnostics {
        suggestions(e).unwrap_or_else(|| e.to_diagnostics(verb, Self::TYPE_NAME, id))
    }

    /// The same street, locality, country, postal code and names.
    fn natural_key(planned: &Value) -> Option<NaturalKey> {
        let street = planned.get("street_address").as_str()?;
        let mut matches = Vec::new();
        for k in ["street_address", "locality", "country_code", "postal_code", "first_name", "last_name", "business_name"] {
            match planned.get(k) {
                Value::String(s) => matches.push((k, Json::String(s.clone()))),
                Value::Null => {}
                _ => return None,
            }
        }
        let filters = if street.chars().count() >= 3 {
            vec![("filter[street_address][contains]".to_string(), street.to_string())]
        } else {
            Vec::new()
        };
        Some(NaturalKey { filters, matches })
    }
}

/// A business name, or a first and a last name (Unknown 6); unknown values are left to apply.
fn names_given(config: &Value) -> Diagnostics {
    let mut d = Diagnostics::new();
    if NAMES.iter().any(|n| config.get(n).is_unknown()) {
        return d;
    }
    let given = |n: &str| config.get(n).as_str().is_some_and(|s| !s.trim().is_empty());
    let person = given("first_name") && given("last_name");
    if !(given("business_name") || person) {
        let missing = if given("first_name") {
            "last_name"
        } else if given("last_name") {
            "first_name"
        } else {
            "business_name"
        };
        d.push(
            Diagnostic::error(
                "Missing name",
                "An emergency address needs a business name (`business_name`), or a person's first and last name \
                 (`first_name` and `last_name`): emergency services are told who is at the address.",
            )
            .at(AttrPath::attr(missing)),
        );
    }
    d
}

/// A 422 whose errors carry suggested values, as diagnostics at each field; `None` when the
/// answer has none.
fn suggestions(e: &ApiError) -> Option<Diagnostics> {
    if e.kind != ApiErrorKind::Validation || !e.errors.iter().any(|i| suggested(i).is_some()) {
        return None;
    }
    let mut d = Diagnostics::new();
    let mut rest = e.clone();
    rest.errors.retain(|i| suggested(i).is_none());
    for item in e.errors.iter() {
        let Some(value) = suggested(item) else { continue };
        let pointer = item.source.as_ref().and_then(|s| s.pointer.as_deref()).unwrap_or("/");
        let path = pointer_to_path(pointer);
        let words = [item.title.as_deref(), item.detail.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(": ");
        d.push(
            Diagnostic::error(
                "Address not valid for emergency services",
                format!(
                    "Telnyx suggests `{path} = {value}`. Telnyx: {words}. Nothing was created: correct `{path}` (addresses cannot \
                     be changed once created) and apply again; `telnyx_emergency_address_validation` checks an address at plan time. \
                     Request: {} {} (HTTP 422).",
                    e.method, e.path
                ),
            )
            .at(path),
        );
    }
    if !rest.errors.is_empty() {
        d.extend(rest.to_diagnostics("create", EmergencyAddress::TYPE_NAME, None));
    }
    Some(d)
}

/// The suggested value an error carries (`meta.suggested_value`), as HCL would write it.
fn suggested(item: &crate::telnyx::error::ApiErrorItem) -> Option<String> {
    match item.meta.as_ref()?.get("suggested_value")? {
        Json::Null => None,
        v => Some(v.to_string()),
    }
}

impl Listed for EmergencyAddress {
    const NOUN: (&'static str, &'static str) = ("emergency address", "emergency addresses");
    const LIST_TYPE_NAME: &'static str = "telnyx_emergency_addresses";
    const LIST_ATTR: &'static str = "emergency_addresses";
    const FILTERS: &'static [ListFilter] = &[
        ListFilter {
            arg: "street_address_contains",
            query: "filter[street_address][contains]",
            kind: FilterKind::TextAtLeast(3),
            desc: "Only addresses whose street line contains this text, ignoring case (at least 3 characters).",
        },
        ListFilter::text("customer_reference", "filter[customer_reference][eq]", "Only addresses with exactly this customer reference."),
        ListFilter::text(
            "customer_reference_contains",
            "filter[customer_reference][contains]",
            "Only addresses whose customer reference contains this text, ignoring case.",
        ),
        ListFilter {
            arg: "used_as_emergency",
            query: "filter[used_as_emergency]",
            kind: FilterKind::OneOf(&["true", "false"]),
            desc: "`true`: only addresses that active numbers use for emergency services; `false`: only those no number uses.",
        },
        ListFilter {
            arg: "address_book",
            query: "filter[address_book][eq]",
            kind: FilterKind::OneOf(&["true", "false"]),
            desc: "`true`: only addresses in the address book; `false`: only those left out of it.",
        },
    ];
    const FILTER_FIELDS: &'static [(&'static str, FilterField)] = &[
        // What uses an address is not part of it: left to the API.
        ("used_as_emergency", FilterField::Unchecked),
        // A boolean field, filtered by its text.
        ("address_book", FilterField::Unchecked),
    ];
    const KEY: &'static [(&'static str, &'static str)] = &[("street_address", "street_address_contains")];

    /// A name field left out (sent as `""`) reads as unset.
    fn combine(mut obj: Json, _sub: Option<&Json>) -> Json {
        if let Some(o) = obj.as_object_mut() {
            for n in NAMES {
                if o.get(*n).and_then(Json::as_str) == Some("") {
                    o.insert((*n).to_string(), Json::Null);
                }
            }
        }
        obj
    }
}

impl super::Exported for EmergencyAddress {
    const LABEL_PREFIX: &'static str = "address";

    /// Telnyx's documented defaults (what a new object holds when the create leaves them out).
    fn defaults() -> Json {
        json!({"address_book": true, "validate_address": true})
    }
}

// ---- telnyx_emergency_address_validation ---------------------------------------------------

/// The fields the validate action takes and suggests.
const VALIDATED: &[&str] = &["street_address", "extended_address", "locality", "administrative_area", "postal_code", "country_code"];

/// `telnyx_emergency_address_validation`: `POST /addresses/actions/validate`, read at plan time.
#[derive(Debug, Default)]
pub struct AddressValidation;

#[async_trait]
impl DataSource<Client> for AddressValidation {
    fn type_name(&self) -> &'static str {
        "telnyx_emergency_address_validation"
    }

    fn schema(&self) -> Schema {
        let text = |n: &str, d: &str| string(n).optional().desc(d);
        Schema::new(
            "Checks an address for emergency services (`POST /addresses/actions/validate`) without creating anything: \
             `result` is `valid` or `invalid`, `suggested` the address as Telnyx normalises it, `errors` what is wrong. Use \
             it in a `check` block or a `precondition` to catch a typo before an address is created.",
        )
        .attr(string("street_address").required().length(1, usize::MAX).desc("Street line."))
        .attr(string("postal_code").required().length(1, usize::MAX).desc("Postal code."))
        .attr(country_code("country_code").required().desc("Country, ISO 3166-1 alpha-2 (`US`)."))
        .attr(text("extended_address", "Unit, floor or apartment."))
        .attr(text("locality", "City or locality."))
        .attr(text("administrative_area", "State or province."))
        .attr(string("result").computed().desc("`valid` or `invalid`."))
        .attr(
            nested("suggested", VALIDATED.iter().map(|n| string(n).computed().desc("As Telnyx normalises it.")).collect())
                .computed()
                .desc("The address as Telnyx normalises it, with its suggestions."),
        )
        .attr(
            nested_list(
                "errors",
                vec![
                    string("code").computed().desc("Telnyx's error code."),
                    string("title").computed().desc("Short description."),
                    string("detail").computed().desc("What is wrong."),
                    string("pointer").computed().desc("JSON pointer to the field at fault, e.g. `/postal_code`."),
                ],
            )
            .computed()
            .desc("What makes the address invalid; empty when it is valid."),
        )
    }

    async fn read(&self, client: &Client, ctx: &Ctx, config: &Value) -> Result<Value, Failure> {
        let mut body = serde_json::Map::new();
        for n in VALIDATED {
            if let Some(s) = config.get(n).as_str() {
                body.insert((*n).to_string(), json!(s));
            }
        }
        let answer = client
            .create(&ctx.stop, "/addresses/actions/validate", &Json::Object(body), Envelope::Data)
            .await
            .map_err(|e| Failure::new(e.to_diagnostics("validate", "telnyx_emergency_address_validation", None)))?;
        let s = |v: &Json| v.as_str().map_or(Value::Null, Value::string);
        let mut out = config.clone();
        out.set("result", s(&answer["result"]));
        out.set("suggested", Value::Object(VALIDATED.iter().map(|n| ((*n).to_string(), s(&answer["suggested"][*n]))).collect()));
        let errors = answer["errors"].as_array().cloned().unwrap_or_default();
        let item = |e: &Json| {
            let code = match &e["code"] {
                Json::Number(n) => Value::string(n.to_string()),
                other => s(other),
            };
            Value::Object(
                [
                    ("code".to_string(), code),
                    ("title".to_string(), s(&e["title"])),
                    ("detail".to_string(), s(&e["detail"])),
                    ("pointer".to_string(), s(&e["source"]["pointer"])),
                ]
                .into_iter()
                .collect(),
            )
        };
        out.set("errors", Value::List(errors.iter().map(item).collect()));
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::diagnostics::assert_reads_well;

    fn config(fields: &[(&str, &str)]) -> Value {
        let mut v = Value::null_object(&EmergencyAddress::schema().ty());
        for (k, x) in fields {
            v.set(k, Value::string(*x));
        }
        v
    }

    #[test]
    fn a_business_or_a_person_must_be_named() {
        let paths = |fields: &[(&str, &str)]| {
            names_given(&config(fields)).iter().map(|d| d.path.as_ref().map(ToString::to_string).unwrap_or_default()).collect::<Vec<_>>()
        };
        assert!(paths(&[("business_name", "Acme")]).is_empty());
        assert!(paths(&[("first_name", "Ann"), ("last_name", "Lee")]).is_empty());
        assert_eq!(paths(&[]), ["business_name"]);
        assert_eq!(paths(&[("first_name", "Ann")]), ["last_name"]);
        assert_eq!(paths(&[("last_name", "Lee")]), ["first_name"]);
        assert_eq!(paths(&[("business_name", " ")]), ["business_name"]);
        let mut unknown = config(&[]);
        unknown.set("business_name", Value::unknown());
        assert!(names_given(&unknown).is_empty(), "not known yet: left to apply");
        names_given(&config(&[])).iter().for_each(assert_reads_well);
    }

    #[test]
    fn country_codes_are_iso_alpha_2() {
        for ok in ["US", "CA", "PR", "GB", "DE"] {
            assert!(is_country(&Value::string(ok)), "{ok}");
        }
        for bad in ["us", "USA", "ZZ", "", "U1"] {
            assert!(!is_country(&Value::string(bad)), "{bad}");
        }
    }

    #[test]
    fn a_refused_address_names_each_field_and_its_suggestion() {
        let body = r#"{"errors":[
            {"code":"10015","title":"Invalid address","detail":"not matched","source":{"pointer":"/street_address"},"meta":{"suggested_value":"600 Congress Ave"}},
            {"code":"10015","title":"Invalid address","detail":"wrong postal code","source":{"pointer":"/postal_code"},"meta":{"suggested_value":"78701"}},
            {"code":"10015","title":"Invalid address","detail":"administrative_area is required","source":{"pointer":"/administrative_area"}}]}"#;
        let e = ApiError {
            kind: ApiErrorKind::Validation,
            status: Some(422),
            method: "POST".into(),
            path: "/v2/addresses".into(),
            errors: crate::telnyx::error::items_of(body),
            message: String::new(),
        };
        let d = EmergencyAddress::diagnostics(&e, "create", None);
        let got: Vec<(String, bool)> = d
            .iter()
            .map(|x| (x.path.as_ref().map(ToString::to_string).unwrap_or_default(), x.detail.contains("Telnyx suggests")))
            .collect();
        assert_eq!(
            got,
            [("street_address".to_string(), true), ("postal_code".to_string(), true), ("administrative_area".to_string(), false)]
        );
        assert!(d[0].detail.contains(r#"`street_address = "600 Congress Ave"`"#), "{}", d[0].detail);
        d.iter().for_each(assert_reads_well);
        // Without suggestions: the generic diagnostics.
        let mut plain = e;
        plain.errors.truncate(0);
        assert_eq!(EmergencyAddress::diagnostics(&plain, "create", None)[0].summary, "Could not create telnyx_emergency_address");
    }

    #[test]
    fn names_left_out_are_sent_empty_and_read_as_unset() {
        let mut body = json!({"business_name": "Acme"});
        EmergencyAddress::shape_body(&Value::Null, &mut body);
        assert_eq!(body, json!({"business_name": "Acme", "first_name": "", "last_name": ""}));
        let read = EmergencyAddress::combine(json!({"first_name": "", "business_name": "Acme"}), None);
        assert_eq!(read, json!({"first_name": null, "business_name": "Acme"}));
    }
}
