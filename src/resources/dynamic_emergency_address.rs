//! `telnyx_dynamic_emergency_address` — a location for dynamic E911: a PBX names it per 911
//! call with its `sip_geolocation_id` (voice-apps-and-e911.md §3.1, §3.6). Endpoints:
//! `POST|GET /dynamic_emergency_addresses`, `GET|DELETE /dynamic_emergency_addresses/{id}`.
//!
//! Also [`Activated`], the resource of both dynamic E911 families (this one and
//! `telnyx_dynamic_emergency_endpoint`), which Telnyx validates after creating them:
//! * There is no PATCH: every API argument replaces the object.
//! * A create waits until `status` is `activated` (§3.7: a 911 call through an object not yet
//!   activated goes to a national call center), polling with backoff for at most
//!   `activation_timeout` (default [`DEFAULT_ACTIVATION_TIMEOUT`], the provider's other wait,
//!   `job_timeout`, has the same form and default), and ending early on Ctrl-C.
//! * `rejected`: the create fails naming the object (type, id, fields) and deletes it, so
//!   nothing is left behind; the diagnostic says so. Should that delete fail, the object stays
//!   in state, tainted, and the next apply deletes it.
//! * Still `pending` when the wait ends: the create fails and the object stays in state,
//!   tainted (the next apply replaces it; `terraform untaint` makes it wait again instead).
//! * A `pending` object found on refresh (after `terraform untaint`, an import, or a create
//!   interrupted by Ctrl-C) plans an in-place update that only waits for activation; a
//!   `rejected` one plans its replacement.

use std::marker::PhantomData;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use serde_json::Value as Json;
use tokio_util::sync::CancellationToken;

use super::common::{created_at, id, record_type, updated_at};
use super::diagnostics::ToDiagnostics;
use super::list::{FilterKind, ListFilter, Listed};
use super::mapping::absorb;
use super::rest::{NaturalKey, Rest, RestObject, SchemaCell, item_path};
use super::{Exported, text_of};
use crate::provider::parse_duration;
use crate::telnyx::client::{Client, Envelope};
use crate::telnyx::error::ApiError;
use tfplug::plan::Planned;
use tfplug::schema::{Attribute, Identity, string};
use tfplug::validate::Validator;
use tfplug::{AttrPath, Ctx, Diagnostic, Diagnostics, Failure, ListedObject, PlanRequest, Resource, Schema, Value};

/// The provider's own argument: how long a create waits for activation. Never sent to Telnyx.
pub const TIMEOUT: &str = "activation_timeout";
/// How long a create waits for activation when `activation_timeout` is unset.
pub const DEFAULT_ACTIVATION_TIMEOUT: Duration = Duration::from_secs(600);
/// Countries dynamic E911 serves (§3.6: the `country_code` enum).
pub const COUNTRIES: &[&str] = &["US", "CA", "PR"];

/// The `activation_timeout` argument both families have.
pub fn activation_timeout() -> Attribute {
    string(TIMEOUT)
        .optional()
        .validate(Validator::Check {
            describe: "a duration such as `10m` or `1h`",
            check: |v| v.as_str().and_then(parse_duration).is_some(),
        })
        .desc(
            "How long an apply waits for Telnyx to activate the object (default `10m`). Not sent to Telnyx: changing it \
             changes nothing there. An object still `pending` when the wait ends fails the apply and stays in state, tainted \
             (the next apply replaces it; `terraform untaint` makes the next apply wait for it again).",
        )
}

/// `status`, which Telnyx moves from `pending` to `activated` (or `rejected`).
pub fn status() -> Attribute {
    string("status").computed().desc(
        "Telnyx's validation state: `pending` while it validates the object, `activated` when it is ready for 911 calls, \
         `rejected` when it is refused. An apply waits for `activated`; a rejected object is deleted and the apply fails.",
    )
}

/// A non-empty string argument that replaces the object when it changes.
fn arg(name: &str, required: bool, desc: &str) -> Attribute {
    let a = string(name).replace_on_change().length(1, usize::MAX).desc(desc);
    if required { a.required() } else { a.optional() }
}

/// A dynamic E911 family: its objects go `pending` → `activated` (or `rejected`) after a
/// create, and cannot be changed in place.
pub trait Activates: Exported {
    /// The object in diagnostics: its fields, as the user wrote them.
    fn describe(obj: &Json) -> String;
}

/// The family's shape (type name, path, schema, natural key).
#[derive(Debug)]
pub struct DynamicEmergencyAddress;

impl RestObject for DynamicEmergencyAddress {
    const TYPE_NAME: &'static str = "telnyx_dynamic_emergency_address";
    const PATH: &'static str = "/dynamic_emergency_addresses";
    const UPDATE: bool = false;

    fn schema() -> Schema {
        Schema::new(
            "A dynamic emergency address: a location (US, Canada or Puerto Rico) that a PBX names in the `Geolocation` header \
             of a 911 call with its `sip_geolocation_id`. Telnyx validates it after the create; an apply waits until it is \
             `activated`. The API cannot change one: changing any argument replaces it (delete, then create).",
        )
        .attr(id())
        .attr(arg("house_number", true, "House number, as text (`\"600\"`, `\"12B\"`)."))
        .attr(arg("house_suffix", false, "House number suffix (`A`, `1/2`)."))
        .attr(arg("street_pre_directional", false, "Direction before the street name (`W`)."))
        .attr(arg("street_name", true, "Street name without number or suffix (`Congress`)."))
        .attr(arg("street_suffix", false, "Street type (`St`, `Ave`)."))
        .attr(arg("street_post_directional", false, "Direction after the street name (`NW`)."))
        .attr(arg("extended_address", false, "Unit, floor or suite."))
        .attr(arg("locality", true, "City."))
        .attr(arg("administrative_area", true, "State or province (`TX`)."))
        .attr(arg("postal_code", true, "ZIP or postal code."))
        .attr(
            string("country_code")
                .required()
                .replace_on_change()
                .one_of(COUNTRIES)
                .desc("Country: `US`, `CA` or `PR` (dynamic E911 serves no other)."),
        )
        .attr(activation_timeout())
        .attr(
            string("sip_geolocation_id")
                .computed()
                .keep_state()
                .desc("The location reference the PBX sends in the `Geolocation` header of a 911 INVITE."),
        )
        .attr(status())
        .attr(record_type())
        .attr(created_at())
        .attr(updated_at())
    }

    /// After an uncertain create: an address with the same street, house and postal code in
    /// the same country, created since the first attempt.
    fn natural_key(planned: &Value) -> Option<NaturalKey> {
        let country = planned.get("country_code").as_str()?;
        let mut matches = Vec::new();
        for field in ["house_number", "street_name", "postal_code"] {
            matches.push((field, Json::String(planned.get(field).as_str()?.to_string())));
        }
        Some(NaturalKey { filters: vec![("filter[country_code]".into(), country.to_string())], matches })
    }
}

/// The filters both dynamic E911 lists document (§2).
pub const fn list_filters(key: ListFilter) -> [ListFilter; 3] {
    [
        ListFilter::text("status", "filter[status]", "Only objects with this status: `pending`, `activated` or `rejected`."),
        ListFilter::text("country_code", "filter[country_code]", "Only objects in this country (`US`, `CA`, `PR`)."),
        key,
    ]
}

const ADDRESS_FILTERS: [ListFilter; 3] = list_filters(ListFilter {
    arg: "sip_geolocation_id",
    query: "filter[sip_geolocation_id]",
    kind: FilterKind::Local,
    desc: "Only the address with this SIP geolocation id. The API has no such filter: the provider lists the addresses and keeps the match.",
});

impl Listed for DynamicEmergencyAddress {
    const NOUN: (&'static str, &'static str) = ("dynamic emergency address", "dynamic emergency addresses");
    const LIST_TYPE_NAME: &'static str = "telnyx_dynamic_emergency_addresses";
    const LIST_ATTR: &'static str = "dynamic_emergency_addresses";
    const FILTERS: &'static [ListFilter] = &ADDRESS_FILTERS;
    const KEY: &'static [(&'static str, &'static str)] = &[("sip_geolocation_id", "sip_geolocation_id")];

    /// Without `activation_timeout`, which is the provider's, not Telnyx's.
    fn read_schema() -> Schema {
        let mut s = Self::schema();
        s.attributes.retain(|a| a.name != TIMEOUT);
        s
    }
}

impl Exported for DynamicEmergencyAddress {
    const LABEL_PREFIX: &'static str = "location";

    /// A rejected object is left out: it is no location a PBX can use, and its configuration
    /// would plan its replacement at once.
    fn exports(obj: &Json) -> bool {
        obj.get("status").and_then(Json::as_str) != Some("rejected")
    }

    /// Labelled by house number and street (`600_congress`).
    fn export_name(obj: &Json) -> String {
        format!("{} {}", text_of(obj, "house_number"), text_of(obj, "street_name"))
    }
}

impl Activates for DynamicEmergencyAddress {
    fn describe(obj: &Json) -> String {
        let t = |k: &str| text_of(obj, k);
        let street: Vec<String> =
            ["house_number", "house_suffix", "street_pre_directional", "street_name", "street_suffix", "street_post_directional"]
                .iter()
                .map(|k| t(k))
                .filter(|s| !s.is_empty())
                .collect();
        let mut parts = vec![street.join(" ")];
        parts.extend(["extended_address", "locality"].iter().map(|k| t(k)).filter(|s| !s.is_empty()));
        parts.push(format!("{} {}", t("administrative_area"), t("postal_code")).trim().to_string());
        parts.push(t("country_code"));
        parts.retain(|p| !p.is_empty());
        parts.join(", ")
    }
}

/// How waiting for activation ended.
#[derive(Debug)]
enum Settled {
    Activated(Json),
    Rejected(Json),
    /// Still pending when the wait ended (timeout or Ctrl-C); the last answer, if any read.
    Pending(Option<Json>),
    /// Deleted while waiting.
    Gone,
}

fn status_of(obj: &Json) -> Option<&str> {
    obj.get("status").and_then(Json::as_str)
}

/// Polls `path` with backoff until its `status` leaves `pending`, `timeout` passes, or
/// Terraform asks to stop. `status` is the status already known.
async fn settle(
    client: &Client,
    ctx: &Ctx,
    path: &str,
    env: Envelope,
    status: Option<&str>,
    timeout: Duration,
) -> Result<Settled, ApiError> {
    let started = Instant::now();
    let mut last: Option<Json> = None;
    let mut status = status.map(str::to_string);
    let mut wait = Duration::from_millis(200);
    loop {
        match (status.as_deref(), &last) {
            (Some("activated"), Some(obj)) => return Ok(Settled::Activated(obj.clone())),
            (Some("rejected"), Some(obj)) => return Ok(Settled::Rejected(obj.clone())),
            _ => {}
        }
        let left = timeout.saturating_sub(started.elapsed());
        // The first read is at once unless the create answered `pending`.
        let at_once = last.is_none() && status.as_deref() != Some("pending");
        if !at_once {
            if ctx.is_stopping() || left.is_zero() {
                return Ok(Settled::Pending(last));
            }
            tokio::select! {
                () = tokio::time::sleep(wait.min(left)) => {}
                () = ctx.stop.cancelled() => return Ok(Settled::Pending(last)),
            }
            wait = (wait * 3 / 2).min(Duration::from_secs(5));
        }
        match client.get(&ctx.stop, path, env).await {
            Ok(obj) => {
                status = status_of(&obj).map(str::to_string);
                last = Some(obj);
            }
            Err(e) if e.is_not_found() => return Ok(Settled::Gone),
            Err(_) if ctx.is_stopping() => return Ok(Settled::Pending(last)),
            Err(e) => return Err(e),
        }
    }
}

/// `v` with every unknown top-level value null: what an answer left out is not known now.
fn known(mut v: Value) -> Value {
    if let Value::Object(m) = &mut v {
        for x in m.values_mut().filter(|x| x.is_unknown()) {
            *x = Value::Null;
        }
    }
    v
}

fn wait_of(v: &Value) -> Duration {
    v.get(TIMEOUT).as_str().and_then(parse_duration).unwrap_or(DEFAULT_ACTIVATION_TIMEOUT)
}

/// The object is still pending when the wait ends.
fn still_pending(type_name: &str, id: &str, waited: &str, creating: bool) -> Diagnostic {
    let kept = if creating {
        "It stays in state, marked tainted: the next apply deletes it and creates it again. To wait for this one instead, \
         run `terraform untaint <address>`; the next apply then waits for its activation."
    } else {
        "It stays in state as it is: the next apply waits for its activation again."
    };
    Diagnostic::error(
        format!("{type_name} {id} is not activated yet"),
        format!(
            "Telnyx still reports it `pending` after {waited} (`{TIMEOUT}`, or the apply was interrupted). Until it is \
             activated, a 911 call using it is routed to a national emergency call center instead of the local one. {kept}"
        ),
    )
}

/// Telnyx rejected the object; `deleted` says whether the provider removed it.
fn rejected(type_name: &str, id: &str, described: &str, deleted: Result<(), &ApiError>) -> Diagnostic {
    let after = match deleted {
        Ok(()) => "The rejected object was deleted, so nothing is left behind. Check the values (a real location, the \
                   right postal code and state), correct them and apply again."
            .to_string(),
        Err(e) => format!(
            "Deleting the rejected object failed ({e}): it stays in state, marked tainted, and the next apply deletes it \
             before creating a new one."
        ),
    };
    Diagnostic::error(
        format!("Telnyx rejected {type_name} {id}"),
        format!("Telnyx's validation refused {described} (status `rejected`). {after}"),
    )
}

fn vanished(type_name: &str, id: &str) -> Diagnostic {
    Diagnostic::error(
        format!("{type_name} {id} disappeared"),
        "The object was deleted at Telnyx (outside Terraform) while the apply waited for its activation. Apply again to create it anew.",
    )
}

/// The resource of a dynamic E911 family: the generic [`Rest`] resource, plus the wait for
/// activation (see the module's documentation).
#[derive(Debug)]
pub struct Activated<T> {
    rest: Rest<T>,
    schema: SchemaCell,
    of: PhantomData<T>,
}

impl<T> Default for Activated<T> {
    fn default() -> Self {
        Activated { rest: Rest::default(), schema: SchemaCell::default(), of: PhantomData }
    }
}

impl<T: Activates> Activated<T> {
    fn attrs(&self) -> &[Attribute] {
        &self.schema.get(T::schema).attributes
    }

    fn state_of(&self, obj: Json, prior: &Value) -> Value {
        known(absorb(self.attrs(), &T::combine(obj, None), prior))
    }

    fn waited(v: &Value) -> String {
        v.get(TIMEOUT).as_str().map_or_else(|| "10m".to_string(), str::to_string)
    }
}

#[async_trait]
impl<T: Activates> Resource<Client> for Activated<T> {
    fn type_name(&self) -> &'static str {
        T::TYPE_NAME
    }
    fn upgrade_state(&self, from_version: i64, raw: serde_json::Value) -> Result<serde_json::Value, Diagnostics> {
        self.rest.upgrade_state(from_version, raw)
    }
    fn move_state(&self, source: &tfplug::MoveSource<'_>, raw: serde_json::Value) -> Option<Result<serde_json::Value, Diagnostics>> {
        self.rest.move_state(source, raw)
    }
    fn schema(&self) -> Schema {
        self.schema.get(T::schema).clone()
    }
    fn validate(&self, config: &Value) -> Diagnostics {
        T::validate(config)
    }
    fn identity(&self) -> Option<Identity> {
        self.rest.identity()
    }
    fn list_schema(&self) -> Option<Schema> {
        self.rest.list_schema()
    }
    async fn list(&self, client: &Client, ctx: &Ctx, config: &Value, limit: usize) -> Result<Vec<ListedObject>, Failure> {
        self.rest.list(client, ctx, config, limit).await
    }
    fn generate_config(&self, state: &Value) -> Value {
        self.rest.generate_config(state)
    }

    /// A `pending` object plans an in-place update that waits for `activated`; a `rejected`
    /// one plans its replacement.
    fn modify_plan(&self, req: &PlanRequest<'_>, planned: &mut Planned) -> Diagnostics {
        let d = self.rest.modify_plan(req, planned);
        if req.prior.is_null() || planned.state.is_null() || !planned.requires_replace.is_empty() {
            return d;
        }
        match req.prior.get("status").as_str() {
            Some("pending") => {
                planned.state.set("status", Value::string("activated"));
                planned.state.set("updated_at", Value::unknown());
                // What Telnyx may fill in on activation.
                for a in self.attrs().iter().filter(|a| !a.presence.is_configurable()) {
                    if req.prior.get(&a.name).is_null() {
                        planned.state.set(&a.name, Value::unknown());
                    }
                }
            }
            Some("rejected") => {
                planned.state.set("status", Value::unknown());
                planned.requires_replace.push(AttrPath::attr("status"));
            }
            _ => {}
        }
        d
    }

    async fn create(&self, client: &Client, ctx: &Ctx, planned: &Value) -> Result<Value, Failure> {
        let mut sent = planned.clone();
        sent.set(TIMEOUT, Value::Null);
        let mut state = known(self.rest.create(client, ctx, &sent).await?);
        state.set(TIMEOUT, planned.get(TIMEOUT).clone());
        let id = state.get("id").as_str().unwrap_or_default().to_string();
        let path = item_path::<T>(&id);
        let settled = settle(client, ctx, &path, T::ENVELOPE, state.get("status").as_str(), wait_of(planned)).await;
        match settled {
            Ok(Settled::Activated(obj)) => Ok(self.state_of(obj, &state)),
            Ok(Settled::Pending(obj)) => {
                let state = obj.map_or(state.clone(), |o| self.state_of(o, &state));
                Err(Failure::new(still_pending(T::TYPE_NAME, &id, &Self::waited(planned), true)).with_state(state))
            }
            Ok(Settled::Rejected(obj)) => {
                // Part of finishing the create: runs even if Terraform has asked to stop meanwhile.
                let described = T::describe(&obj);
                match client.delete(&CancellationToken::new(), &path).await {
                    Ok(()) => Err(Failure::new(rejected(T::TYPE_NAME, &id, &described, Ok(())))),
                    Err(e) => Err(Failure::new(rejected(T::TYPE_NAME, &id, &described, Err(&e))).with_state(self.state_of(obj, &state))),
                }
            }
            Ok(Settled::Gone) => Err(Failure::new(vanished(T::TYPE_NAME, &id))),
            Err(e) => {
                let mut f = Failure::new(e.to_diagnostics("wait for the activation of", T::TYPE_NAME, Some(&id)));
                f.diags.push(still_pending(T::TYPE_NAME, &id, &Self::waited(planned), true));
                Err(f.with_state(state))
            }
        }
    }

    async fn read(&self, client: &Client, ctx: &Ctx, state: &Value) -> Result<Option<Value>, Failure> {
        self.rest.read(client, ctx, state).await
    }

    /// Nothing to send (there is no PATCH, and every API argument replaces the object): waits
    /// for a pending object's activation, and takes a new `activation_timeout`.
    async fn update(&self, client: &Client, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, Failure> {
        let id = prior.get("id").as_str().unwrap_or_default().to_string();
        let path = item_path::<T>(&id);
        let mut kept = prior.clone();
        kept.set(TIMEOUT, planned.get(TIMEOUT).clone());
        match settle(client, ctx, &path, T::ENVELOPE, None, wait_of(planned)).await {
            Ok(Settled::Activated(obj)) => Ok(self.state_of(obj, planned)),
            Ok(Settled::Pending(obj)) => {
                let state = obj.map_or(kept.clone(), |o| self.state_of(o, &kept));
                Err(Failure::new(still_pending(T::TYPE_NAME, &id, &Self::waited(planned), false)).with_state(state))
            }
            Ok(Settled::Rejected(obj)) => Err(Failure::new(Diagnostic::error(
                format!("Telnyx rejected {} {id}", T::TYPE_NAME),
                format!(
                    "Telnyx's validation refused {} (status `rejected`). It stays in state; the next plan replaces it.",
                    T::describe(&obj)
                ),
            ))
            .with_state(self.state_of(obj, &kept))),
            Ok(Settled::Gone) => Err(Failure::new(vanished(T::TYPE_NAME, &id)).with_state(kept)),
            Err(e) => Err(Failure::new(e.to_diagnostics("read", T::TYPE_NAME, Some(&id))).with_state(kept)),
        }
    }

    async fn import(&self, client: &Client, ctx: &Ctx, id: &str) -> Result<Value, Failure> {
        self.rest.import(client, ctx, id).await
    }

    async fn delete(&self, client: &Client, ctx: &Ctx, state: &Value) -> Result<(), Failure> {
        self.rest.delete(client, ctx, state).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::diagnostics::assert_reads_well;
    use tfplug::validate::validate_config;

    fn config(j: &Json) -> Value {
        tfplug::json::from_json(j, &DynamicEmergencyAddress::schema().ty(), tfplug::json::Extra::Reject).unwrap()
    }

    fn errors(j: &Json) -> Vec<String> {
        let mut d = Diagnostics::new();
        validate_config(&DynamicEmergencyAddress::schema().attributes, &config(j), &AttrPath::root(), &mut d);
        d.iter().filter(|x| x.is_error()).map(|x| x.path.as_ref().map(ToString::to_string).unwrap_or_default()).collect()
    }

    fn valid() -> Json {
        serde_json::json!({"house_number": "600", "street_name": "Congress", "street_suffix": "Ave", "locality": "Austin",
                           "administrative_area": "TX", "postal_code": "78701", "country_code": "US"})
    }

    #[test]
    fn validation_names_the_attribute() {
        assert!(errors(&valid()).is_empty());
        for cc in ["CA", "PR"] {
            let mut j = valid();
            j["country_code"] = cc.into();
            assert!(errors(&j).is_empty(), "{cc}");
        }
        for (field, bad) in
            [("country_code", "GB"), ("country_code", "us"), ("house_number", ""), ("street_name", ""), ("extended_address", "")]
        {
            let mut j = valid();
            j[field] = bad.into();
            assert_eq!(errors(&j), [field], "{field} = {bad:?}");
        }
        let mut j = valid();
        j[TIMEOUT] = "soon".into();
        assert_eq!(errors(&j), [TIMEOUT]);
        let mut j = valid();
        j[TIMEOUT] = "90s".into();
        assert!(errors(&j).is_empty());
        assert_eq!(wait_of(&config(&valid())), DEFAULT_ACTIVATION_TIMEOUT);
    }

    /// §11: a house number is text; a JSON number in configuration is converted by Terraform,
    /// and the schema types it string.
    #[test]
    fn house_number_is_a_string_and_every_argument_replaces() {
        let schema = DynamicEmergencyAddress::schema();
        assert_eq!(schema.get("house_number").map(|a| a.ty()), Some(tfplug::Type::String));
        let was = prior("activated", Some("GEO1"));
        for a in schema.attributes.iter().filter(|a| a.presence.is_configurable()) {
            let mut j = valid();
            j[a.name.as_str()] = if a.name == "country_code" { "CA".into() } else { "2h".into() };
            let (cfg, mut proposed) = (config(&j), was.clone());
            proposed.set(&a.name, cfg.get(&a.name).clone());
            let p = tfplug::plan::plan(&schema.attributes, &was, &cfg, &proposed);
            let replaced: Vec<String> = p.requires_replace.iter().map(ToString::to_string).collect();
            let want: &[&str] = if a.name == TIMEOUT { &[] } else { &[a.name.as_str()] };
            assert_eq!(replaced, want, "{}", a.name);
        }
        assert!(!DynamicEmergencyAddress::read_schema().attributes.iter().any(|a| a.name == TIMEOUT));
    }

    #[test]
    fn described_like_an_address() {
        let obj = serde_json::json!({"house_number": "600", "street_pre_directional": "W", "street_name": "Congress", "street_suffix": "Ave",
            "extended_address": "Suite 300", "locality": "Austin", "administrative_area": "TX", "postal_code": "78701", "country_code": "US"});
        assert_eq!(DynamicEmergencyAddress::describe(&obj), "600 W Congress Ave, Suite 300, Austin, TX 78701, US");
        assert_eq!(DynamicEmergencyAddress::export_name(&obj), "600 Congress");
    }

    fn prior(status: &str, geo: Option<&str>) -> Value {
        let mut j = valid();
        for (k, v) in [("id", "0ccc7b54-4df3-4bca-a65a-3da1ecc777f1"), ("status", status), ("record_type", "dynamic_emergency_address")] {
            j[k] = v.into();
        }
        j["created_at"] = "2026-01-01T00:00:00Z".into();
        j["updated_at"] = "2026-01-01T00:00:00Z".into();
        if let Some(g) = geo {
            j["sip_geolocation_id"] = g.into();
        }
        config(&j)
    }

    fn plan_for(prior: &Value) -> Planned {
        let r = Activated::<DynamicEmergencyAddress>::default();
        let cfg = config(&valid());
        let mut p = tfplug::plan::plan(r.attrs(), prior, &cfg, prior);
        let d = r.modify_plan(&PlanRequest { prior, config: &cfg }, &mut p);
        assert!(d.is_empty(), "{d:?}");
        assert!(tfplug::plan::check_plan(r.attrs(), prior, &cfg, &p.state).is_empty());
        p
    }

    #[test]
    fn pending_plans_a_wait_rejected_a_replacement_activated_nothing() {
        let activated = prior("activated", Some("GEO1"));
        assert_eq!(plan_for(&activated).state, activated, "no diff once activated");
        let p = plan_for(&prior("pending", None));
        assert!(p.requires_replace.is_empty());
        assert_eq!(p.state.get("status"), &Value::string("activated"));
        assert!(p.state.get("sip_geolocation_id").is_unknown(), "filled in on activation");
        let p = plan_for(&prior("pending", Some("GEO1")));
        assert_eq!(p.state.get("sip_geolocation_id"), &Value::string("GEO1"));
        let p = plan_for(&prior("rejected", Some("GEO1")));
        assert_eq!(p.requires_replace.iter().map(ToString::to_string).collect::<Vec<_>>(), ["status"]);
    }

    #[test]
    fn diagnostics_read_well() {
        let e = ApiError {
            kind: crate::telnyx::error::ApiErrorKind::Server,
            status: Some(503),
            method: "DELETE".into(),
            path: "/v2/dynamic_emergency_addresses/x".into(),
            errors: Vec::new(),
            message: String::new(),
        };
        let t = DynamicEmergencyAddress::TYPE_NAME;
        for d in [
            still_pending(t, "x", "10m", true),
            still_pending(t, "x", "10m", false),
            rejected(t, "x", "600 Congress, Austin, TX 78701, US", Ok(())),
            rejected(t, "x", "600 Congress, Austin, TX 78701, US", Err(&e)),
            vanished(t, "x"),
        ] {
            assert_reads_well(&d);
        }
    }
}
