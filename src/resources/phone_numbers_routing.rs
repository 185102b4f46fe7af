//! `telnyx_phone_numbers_routing` — many numbers the account owns, routed to one connection
//! with shared settings, changed through Telnyx's bulk jobs instead of one PATCH per number.
//! Endpoints: `GET /phone_numbers` (the account's numbers, and those of one connection),
//! `POST /phone_numbers/jobs/update_phone_numbers`, `GET /phone_numbers/jobs/{id}`
//! (voice-apps-and-e911.md §4).
//!
//! * Numbers are never bought or released: the release job (`…/delete_phone_numbers`) and a
//!   number's `DELETE` are refused by the REST client itself (`telnyx::retry::never_sent`).
//! * Before any write, the numbers to change are looked up in the account's listing: numbers
//!   it does not own fail the apply, each named, and nothing is sent.
//! * A change is one job per 1,000 numbers (the API's limit) and per distinct body, polled with
//!   backoff until it ends (`job_timeout`), honouring Ctrl-C. Numbers a job could not change
//!   are named in diagnostics with Telnyx's words and left out of state; those it changed are
//!   kept, so the next apply sends only the rest. On the first apply (a create) they are
//!   warnings and the refresh before the next plan drops them: a failed create is tainted by
//!   Terraform, and its replacement would unroute every number the jobs did change.
//! * Numbers removed from the set, and every number at destroy, are given back as the resource
//!   found them, by job: the `connection_id`, and for the settings it manages the billing group,
//!   customer reference and tags each number had before (recorded in `found`; a number that
//!   had none is unrouted and cleared, `""` clearing as for `PATCH /phone_numbers/{id}`).
//! * Read lists the connection's numbers (one request per 250): a number routed elsewhere, or
//!   whose managed settings changed, drops out of `phone_numbers`, so the plan puts it back.
//! * Import by connection id (every number routed to it, with the settings they all share) or by
//!   a comma-separated list of E.164 numbers (which must share one connection). What an imported
//!   number held before is not known: it is given back unrouted, with its own tags (those not
//!   shared by every number) and no billing group or reference.
//! * `voice` (optional): the voice settings set are sent in the same jobs (the job applies them
//!   as `PATCH …/voice`, nested objects whole); read from the voice listing only when set
//!   (`GET /phone_numbers/voice`, one request per 250 numbers of the account, no connection
//!   filter); given back as found for the members set (`found.voice`).
//! * `emergency_enabled` / `emergency_address_id` (optional): sent as
//!   `POST /phone_numbers/jobs/update_emergency_settings` (§3.5; one job per 1,000 numbers, run
//!   like the update job) to the numbers that do not hold them yet; read from the numbers'
//!   listing (`provisioning` counts as enabled, `provisioning-failed` as disabled); given back
//!   as found (`found.emergency_*`).
//!
//! A number managed here and by a `telnyx_phone_number` too is a mistake: the two would undo each other's changes.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use serde_json::{Value as Json, json};

use super::diagnostics::ToDiagnostics;
use super::outbound_voice_profile::is_e164;
use super::rest::SchemaCell;
use crate::provider::parse_duration;
use crate::telnyx::client::{Client, Envelope};
use crate::telnyx::error::ApiError;
use tfplug::schema::{Attribute, Identity, bool, list, map, nested_list, set, string};
use tfplug::validate::Validator;
use tfplug::{AttrPath, Ctx, DataSource, Diagnostic, Diagnostics, Failure, ListedObject, Resource, Schema, Type, Value};

pub const TYPE_NAME: &str = "telnyx_phone_numbers_routing";
const JOB: &str = "/phone_numbers/jobs/update_phone_numbers";
const EMERGENCY_JOB: &str = "/phone_numbers/jobs/update_emergency_settings";
/// §4.4: at most 1000 numbers per job.
const PER_JOB: usize = 1000;
const DEFAULT_JOB_TIMEOUT: Duration = Duration::from_secs(600);
/// When a job is first polled; each wait after is half as long again, up to 5 s.
const FIRST_POLL: Duration = Duration::from_millis(50);

/// The settings a number is given or given back (what this resource manages of a number).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
struct Settings {
    connection_id: String,
    billing_group_id: Option<String>,
    customer_reference: Option<String>,
    tags: Option<BTreeSet<String>>,
    /// The job's `voice` (JSON text, so that settings sort and group).
    voice: Option<String>,
}

impl Settings {
    /// A job body for these settings (`""` clears, as the PATCH takes it).
    fn body(&self, numbers: &[String]) -> Json {
        let mut b = json!({"phone_numbers": numbers, "connection_id": self.connection_id});
        if let Some(g) = &self.billing_group_id {
            b["billing_group_id"] = json!(g);
        }
        if let Some(r) = &self.customer_reference {
            b["customer_reference"] = json!(r);
        }
        if let Some(t) = &self.tags {
            b["tags"] = json!(t);
        }
        if let Some(v) = self.voice.as_deref().and_then(|v| serde_json::from_str::<Json>(v).ok()) {
            b["voice"] = v;
        }
        b
    }
}

/// What a number held before this resource changed it, for what the resource manages.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Found {
    connection_id: String,
    billing_group_id: String,
    customer_reference: String,
    tags: BTreeSet<String>,
    /// The voice members the resource manages, as the number held them (nested objects whole);
    /// `None` when not recorded (an import).
    voice: Option<Json>,
    /// Its emergency settings (`Some(address)`: enabled there; `None`: disabled), when recorded.
    emergency: Option<Option<String>>,
}

impl Found {
    fn of(number: &Json) -> Found {
        let s = |k: &str| number[k].as_str().unwrap_or_default().to_string();
        Found {
            connection_id: s("connection_id"),
            billing_group_id: s("billing_group_id"),
            customer_reference: s("customer_reference"),
            tags: number["tags"].as_array().into_iter().flatten().filter_map(Json::as_str).map(str::to_string).collect(),
            voice: None,
            emergency: None,
        }
    }
    /// What a number holds besides what `managed` gives it: a number already routed where the
    /// resource routes it (adopted from per-number resources, say) is given back unrouted.
    fn besides(mut self, managed: &Value) -> Found {
        let same = |have: &str, k: &str| !have.is_empty() && managed.get(k).as_str() == Some(have);
        if same(&self.connection_id, "connection_id") {
            self.connection_id.clear();
        }
        if same(&self.billing_group_id, "billing_group_id") {
            self.billing_group_id.clear();
        }
        if same(&self.customer_reference, "customer_reference") {
            self.customer_reference.clear();
        }
        let ours = strings(managed.get("tags"));
        self.tags.retain(|t| !ours.contains(t));
        self
    }
    fn is_clean(&self) -> bool {
        *self == Found::default()
    }
    fn from_value(v: &Value) -> Found {
        let s = |k: &str| v.get(k).as_str().unwrap_or_default().to_string();
        Found {
            connection_id: s("connection_id"),
            billing_group_id: s("billing_group_id"),
            customer_reference: s("customer_reference"),
            tags: strings(v.get("tags")),
            voice: Some(v.get("voice")).filter(|x| !x.is_null()).map(|x| drop_nulls(tfplug::json::to_json(x))),
            emergency: v
                .get("emergency_enabled")
                .as_bool()
                .map(|on| v.get("emergency_address_id").as_str().filter(|_| on).map(str::to_string)),
        }
    }
    fn to_value(&self) -> Value {
        let mut m = BTreeMap::new();
        m.insert("connection_id".to_string(), Value::string(&self.connection_id));
        m.insert("billing_group_id".to_string(), Value::string(&self.billing_group_id));
        m.insert("customer_reference".to_string(), Value::string(&self.customer_reference));
        m.insert("tags".to_string(), Value::Set(self.tags.iter().map(Value::string).collect()));
        let voice_ty = voice_attr().ty();
        let voice = self.voice.as_ref().and_then(|j| tfplug::json::from_json(j, &voice_ty, tfplug::json::Extra::Drop).ok());
        m.insert("voice".to_string(), voice.unwrap_or(Value::Null));
        let (on, address) = match &self.emergency {
            None => (Value::Null, Value::Null),
            Some(a) => (Value::Bool(a.is_some()), a.as_deref().map_or(Value::Null, Value::string)),
        };
        m.insert("emergency_enabled".to_string(), on);
        m.insert("emergency_address_id".to_string(), address);
        Value::Object(m)
    }
}

fn found_type() -> Type {
    Type::object([
        ("connection_id", Type::String),
        ("billing_group_id", Type::String),
        ("customer_reference", Type::String),
        ("tags", Type::set(Type::String)),
        ("voice", voice_attr().ty()),
        ("emergency_enabled", Type::Bool),
        ("emergency_address_id", Type::String),
    ])
}

/// The emergency settings a configuration (or state) gives every number: `Some(Some(address))`
/// enabled there (an address alone enables), `Some(None)` disabled, `None` left alone.
fn emergency_of(v: &Value) -> Option<Option<String>> {
    let address = v.get("emergency_address_id").as_str().map(str::to_string);
    match v.get("emergency_enabled").as_bool() {
        Some(false) => Some(None),
        Some(true) => Some(address),
        None => address.map(Some),
    }
}

/// A listed number's emergency settings (`provisioning` counts as enabled; a failed
/// provisioning reads as disabled, `emergency_enabled` false).
fn emergency_held(number: &Json) -> Option<String> {
    let on = number["emergency_enabled"].as_bool() == Some(true) && number["emergency_status"].as_str() != Some("provisioning-failed");
    number["emergency_address_id"].as_str().filter(|_| on).map(str::to_string)
}

/// The emergency job's body for `numbers`.
fn emergency_body(want: Option<&str>, numbers: &[String]) -> Json {
    match want {
        Some(a) => json!({"phone_numbers": numbers, "emergency_enabled": true, "emergency_address_id": a}),
        None => json!({"phone_numbers": numbers, "emergency_enabled": false}),
    }
}

/// Sends one emergency job per setting and 1,000 numbers, polled until they end.
async fn run_emergency_jobs(
    client: &Client,
    ctx: &Ctx,
    groups: BTreeMap<Option<String>, Vec<String>>,
    timeout: Duration,
) -> Result<Outcome, Failure> {
    let jobs: Vec<(Json, Vec<String>)> = groups
        .iter()
        .flat_map(|(want, numbers)| numbers.chunks(PER_JOB).map(|c| (emergency_body(want.as_deref(), c), c.to_vec())))
        .collect();
    if jobs.is_empty() {
        return Ok(Outcome::default());
    }
    run_job_bodies(client, ctx, EMERGENCY_JOB, jobs, timeout, TYPE_NAME).await
}

impl Outcome {
    /// The numbers of `other` (a later job on some of the same numbers) that did not go
    /// through are not done here either.
    fn merge(&mut self, other: Outcome) {
        for (n, why) in other.failed {
            self.ok.remove(&n);
            self.failed.push((n, why));
        }
        for n in other.unfinished {
            self.ok.remove(&n);
            self.unfinished.insert(n);
        }
        self.ok.extend(other.ok.into_iter().filter(|n| !self.failed.iter().any(|(f, _)| f == n) && !self.unfinished.contains(n)));
    }
}

/// The `voice` attribute: `telnyx_phone_number`'s members, each optional (unset: left alone).
fn voice_attr() -> Attribute {
    super::phone_number::voice_attribute(Attribute::optional)
}

/// `j` without its null members, at the top and in nested objects.
fn drop_nulls(j: Json) -> Json {
    match j {
        Json::Object(m) => Json::Object(m.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, drop_nulls(v))).collect()),
        other => other,
    }
}

/// The job's `voice` for a configured `voice`: the members set (nested objects as configured,
/// which the job applies whole); `None` when nothing is set.
fn voice_body(voice: &Value) -> Option<Json> {
    if voice.is_null() || !voice.is_wholly_known() {
        return None;
    }
    Some(drop_nulls(tfplug::json::to_json(voice))).filter(|j| j.as_object().is_some_and(|m| !m.is_empty()))
}

/// A number's voice settings as one object: the voice listing's item with the number's
/// `caller_id_name_enabled` (only the number reports it).
fn held_voice(number: &Json, voice_item: Option<&Json>) -> Json {
    let empty = json!({});
    super::phone_number::combine(number.clone(), Some(voice_item.unwrap_or(&empty)))["voice"].clone()
}

/// What a number holds of the voice members `want` sets (nested objects whole).
fn voice_record(want: &Json, held: &Json) -> Json {
    let m = want.as_object().into_iter().flatten().map(|(k, _)| (k.clone(), held.get(k).cloned().unwrap_or(Json::Null))).collect();
    drop_nulls(Json::Object(m))
}

/// Whether `held` (a number's voice settings) has every member `want` sets, nested members
/// one by one.
fn voice_holds(want: &Json, held: &Json) -> bool {
    want.as_object().into_iter().flatten().all(|(k, w)| match w {
        Json::Object(members) => members.iter().all(|(mk, mv)| held[k].get(mk) == Some(mv)),
        _ => held.get(k) == Some(w),
    })
}

/// The strings of a set or list value.
fn strings(v: &Value) -> BTreeSet<String> {
    v.elements().into_iter().flatten().filter_map(Value::as_str).map(str::to_string).collect()
}

/// The numbers of a `phone_numbers` list that `keep` accepts, in the list's order.
fn numbers_in_order(v: &Value, keep: impl Fn(&str) -> bool) -> Vec<String> {
    v.elements().into_iter().flatten().filter_map(Value::as_str).filter(|n| keep(n)).map(str::to_string).collect()
}

/// A `phone_numbers` value. A list, not a set: Terraform correlates the elements of a set
/// attribute pairwise when it checks a plan and an apply result (`assertSetValuesCompatible`,
/// every version to date), which for 1,000 numbers took 2–3 s of Terraform's CPU per check and
/// grows with the square of the count; a list is checked element by element.
fn number_list(items: impl IntoIterator<Item = String>) -> Value {
    Value::List(items.into_iter().map(Value::string).collect())
}

fn string_set(items: impl IntoIterator<Item = String>) -> Value {
    Value::Set(items.into_iter().map(Value::string).collect())
}

#[derive(Debug, Default)]
pub struct PhoneNumbersRouting {
    schema: SchemaCell,
}

/// The family: the resource, its data sources (one connection's routing, every routing), and
/// why `export` does not write it.
pub fn family() -> super::Family {
    super::Family {
        resource: std::sync::Arc::new(PhoneNumbersRouting::default()),
        data_sources: [std::sync::Arc::new(RoutingData), std::sync::Arc::new(RoutingsData)],
        export: Err("not listed on its own: `export --group-numbers` writes numbers that share their routing as this resource"),
    }
}

/// How `export --group-numbers` writes a group of numbers as this resource: its objects are
/// made by the exporter from the numbers' listing (`phone_numbers`, `connection_id`, the
/// shared `billing_group_id`, `customer_reference` and `tags`; `id` the numbers joined by
/// commas, an import id; `_connection_name` names the label), never listed from an endpoint.
pub fn exporter() -> super::Exporter {
    super::Exporter {
        type_name: TYPE_NAME,
        path: "/phone_numbers",
        schema,
        validate: |_| Diagnostics::new(),
        defaults: || Json::Object(serde_json::Map::new()),
        sub_view: None,
        combine: |o, _| o,
        label_prefix: "routing",
        keep: |_| true,
        name: |o| super::text_of(o, "_connection_name"),
    }
}

fn schema() -> Schema {
    Schema::new(
        "Many phone numbers the account owns, routed to one connection with shared settings. Changes are sent as \
         Telnyx's bulk jobs (one per 1,000 numbers) and refreshed from the connection's listing, so a thousand numbers \
         take a handful of requests. Numbers are never bought or released: removed numbers (and every number on destroy) \
         are given back as they were found. A number belongs to one manager: one that a `telnyx_phone_number` (or a \
         routing to another connection) of the same provider configuration also plans fails the plan. To move numbers here \
         from `telnyx_phone_number`, `terraform state rm` those first, so their destroy does not unroute the numbers.",
    )
    .attr(string("id").computed().keep_state().desc("The connection id the resource was created or imported with: a handle only."))
    .attr(
        list("phone_numbers", Type::String)
            .required()
            .validate(Validator::Length { min: 1, max: 100_000 })
            .validate(Validator::Unique)
            .validate(Validator::Each(Box::new(Validator::Check { describe: "an E.164 number such as +13125550100", check: is_e164 })))
            .desc(
                "The numbers (E.164) routed to `connection_id`; every one must be owned by the account, none twice. A list \
                 whose order has no meaning (a reordered list plans an update that sends nothing): a set of thousands of \
                 elements costs Terraform time that grows with the square of their count (`toset()` values convert).",
            ),
    )
    .attr(string("connection_id").required().length(1, usize::MAX).desc(
        "The connection the numbers are routed to: a SIP connection (credential, FQDN, IP) or a Call Control or TeXML application.",
    ))
    .attr(
        string("billing_group_id")
            .optional()
            .validate(Validator::Uuid)
            .desc("The billing group of every number. Unset: the numbers keep the group they have."),
    )
    .attr(
        string("customer_reference")
            .optional()
            .length(1, 255)
            .desc("The customer reference of every number. Unset: the numbers keep theirs."),
    )
    .attr(set("tags", Type::String).optional().desc(
        "Tags every number carries, besides those it had before. Unset: the numbers' tags are left alone.",
    ))
    // Optional and computed only for Terraform 1.0–1.2, which crash proposing an optional
    // nested object inside an optional one with no prior state; they copy an optional+computed
    // object verbatim. `modify_plan` plans exactly the configuration.
    .attr(voice_attr().optional_computed().desc(
        "Voice settings every number is given (`telnyx_phone_number`'s `voice`), sent in the same jobs. Unset, and members \
         left out: the numbers' own are left alone. A nested object set here is sent whole, as configured (members left out of \
         it take Telnyx's defaults). Read from the voice listing (one request per 250 numbers of the account); removed numbers \
         get back the values they had for the members set here.",
    ))
    .attr(bool("emergency_enabled").optional().desc(
        "Whether emergency services (E911) are enabled on every number, with `emergency_address_id`; sent as Telnyx's \
         `update_emergency_settings` job (one per 1,000 numbers). Setting `emergency_address_id` alone implies `true`. \
         Unset: the numbers' own are left alone. Removed numbers get back the emergency settings they had.",
    ))
    .attr(
        string("emergency_address_id")
            .optional()
            .validate(Validator::Check {
                describe: "the numeric id of an address (`telnyx_emergency_address.x.id`)",
                check: super::phone_number::is_address_id,
            })
            .desc("Id of the address (`telnyx_emergency_address`) emergency services use for every number. Required with `emergency_enabled = true`, not allowed with `false`."),
    )
    .attr(
        string("job_timeout")
            .optional()
            .validate(Validator::Check { describe: "a duration such as `10m` or `1h`", check: |v| v.as_str().and_then(parse_duration).is_some() })
            .desc("How long an apply waits for Telnyx's jobs to end (default `10m`). Numbers a job has not changed by then are left out of state; the next apply sends them again."),
    )
    .attr(map("found", found_type()).computed().desc(
        "What each number held before this resource changed it (only numbers that were not unrouted and bare; `voice`: the members set in `voice`; `emergency_*`: when those are set): what it is given back on removal.",
    ))
}

/// The settings the configuration (or state) asks every number to have. `found` adds what a
/// number had before to the tags it keeps.
fn desired(v: &Value, found: Option<&Found>) -> Settings {
    let opt = |k: &str| v.get(k).as_str().map(str::to_string);
    Settings {
        connection_id: opt("connection_id").unwrap_or_default(),
        billing_group_id: opt("billing_group_id"),
        customer_reference: opt("customer_reference"),
        tags: v.get("tags").elements().map(|_| {
            let mut t = strings(v.get("tags"));
            if let Some(f) = found {
                t.extend(f.tags.iter().cloned());
            }
            t
        }),
        voice: voice_body(v.get("voice")).map(|j| j.to_string()),
    }
}

/// What a number removed from the resource is given back.
fn given_back(managed: &Value, found: &Found) -> Settings {
    Settings {
        connection_id: found.connection_id.clone(),
        billing_group_id: managed.get("billing_group_id").as_str().map(|_| found.billing_group_id.clone()),
        customer_reference: managed.get("customer_reference").as_str().map(|_| found.customer_reference.clone()),
        tags: managed.get("tags").elements().map(|_| found.tags.clone()),
        voice: voice_body(managed.get("voice"))
            .zip(found.voice.as_ref())
            .map(|(want, had)| voice_record(&want, had))
            .filter(|j| j.as_object().is_some_and(|m| !m.is_empty()))
            .map(|j| j.to_string()),
    }
}

/// Whether a listed number holds the settings the state says it was given; `voice` is its
/// voice settings (`held_voice`), needed only when `want` sets some.
fn holds(number: &Json, voice: &Json, want: &Settings) -> bool {
    let s = |k: &str| number[k].as_str().unwrap_or_default();
    s("connection_id") == want.connection_id
        && want.billing_group_id.as_deref().is_none_or(|g| s("billing_group_id") == g)
        && want.customer_reference.as_deref().is_none_or(|r| s("customer_reference") == r)
        && want.tags.as_ref().is_none_or(|t| {
            let have: BTreeSet<&str> = number["tags"].as_array().into_iter().flatten().filter_map(Json::as_str).collect();
            t.iter().all(|x| have.contains(x.as_str()))
        })
        && want.voice.as_deref().and_then(|v| serde_json::from_str::<Json>(v).ok()).is_none_or(|v| voice_holds(&v, voice))
}

fn found_map(state: &Value) -> BTreeMap<String, Found> {
    state.get("found").entries().into_iter().flatten().map(|(k, v)| (k.clone(), Found::from_value(v))).collect()
}

fn api_failure(e: &ApiError, verb: &str) -> Failure {
    Failure::new(e.to_diagnostics(verb, TYPE_NAME, None))
}

/// One job's outcome per number.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    pub ok: BTreeSet<String>,
    /// Numbers the job could not change, with Telnyx's words.
    pub failed: Vec<(String, String)>,
    /// Numbers whose job did not end in time, or was stopped.
    pub unfinished: BTreeSet<String>,
}

/// Sends one job per body and 1,000 numbers, then polls them all until they end.
async fn run_jobs(client: &Client, ctx: &Ctx, groups: BTreeMap<Settings, Vec<String>>, timeout: Duration) -> Result<Outcome, Failure> {
    let mut jobs = Vec::new();
    for (settings, numbers) in groups {
        for chunk in numbers.chunks(PER_JOB) {
            jobs.push((settings.body(chunk), chunk.to_vec()));
        }
    }
    run_job_bodies(client, ctx, JOB, jobs, timeout, TYPE_NAME).await
}

/// Sends each job (`POST {path}` with its body; the E.164 numbers it targets), then polls them
/// all with backoff until they end, `timeout` passes or Terraform asks to stop. Numbers are
/// told apart by their E.164 form; `type_name` names the resource in diagnostics.
pub(crate) async fn run_job_bodies(
    client: &Client,
    ctx: &Ctx,
    path: &str,
    jobs: Vec<(Json, Vec<String>)>,
    timeout: Duration,
    type_name: &str,
) -> Result<Outcome, Failure> {
    let api_failure = |e: &ApiError, verb: &str| Failure::new(e.to_diagnostics(verb, type_name, None));
    let mut out = Outcome::default();
    let mut open: Vec<(String, Vec<String>)> = Vec::new();
    for (body, numbers) in jobs {
        let job = client.create(&ctx.stop, path, &body, Envelope::Data).await.map_err(|e| {
            let mut f = api_failure(&e, "update the numbers of");
            if !open.is_empty() || !out.ok.is_empty() {
                f.diags.push(Diagnostic::warning(
                    "Some jobs were sent",
                    "Jobs sent before this error go on at Telnyx; the next plan shows what they changed.",
                ));
            }
            f
        })?;
        let id = job["id"].as_str().unwrap_or_default().to_string();
        tracing::debug!(job = %id, numbers = numbers.len(), "phone numbers job sent");
        open.push((id, numbers));
    }
    let started = Instant::now();
    // The first look soon (a small job may be done already), then less and less often.
    let mut wait = FIRST_POLL;
    while !open.is_empty() {
        if ctx.is_stopping() || started.elapsed() >= timeout {
            break;
        }
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = ctx.stop.cancelled() => break,
        }
        wait = (wait * 3 / 2).min(Duration::from_secs(5));
        let mut still = Vec::new();
        for (id, numbers) in open {
            let job = match client.get(&ctx.stop, &format!("/phone_numbers/jobs/{id}"), Envelope::Data).await {
                Ok(j) => j,
                Err(e) if ctx.is_stopping() => {
                    tracing::debug!(job = %id, error = %e.message, "job poll stopped");
                    still.push((id, numbers));
                    continue;
                }
                Err(e) => return Err(api_failure(&e, "follow a job for")),
            };
            match job["status"].as_str() {
                Some("completed" | "failed" | "expired") => {
                    let ops = |k: &str| job[k].as_array().cloned().unwrap_or_default();
                    for op in ops("successful_operations") {
                        if let Some(n) = op["phone_number"].as_str() {
                            out.ok.insert(n.to_string());
                        }
                    }
                    for op in ops("failed_operations") {
                        let why: Vec<String> = op["errors"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .map(|e| {
                                let part = |k: &str| e[k].as_str().unwrap_or_default().to_string();
                                [part("title"), part("detail")].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(": ")
                            })
                            .collect();
                        out.failed.push((op["phone_number"].as_str().unwrap_or_default().to_string(), why.join("; ")));
                    }
                    // A number the job neither changed nor failed (an expired job): not done.
                    for n in numbers {
                        if !out.ok.contains(&n) && !out.failed.iter().any(|(f, _)| *f == n) {
                            out.unfinished.insert(n);
                        }
                    }
                }
                _ => still.push((id, numbers)),
            }
        }
        open = still;
    }
    for (_, numbers) in open {
        out.unfinished.extend(numbers);
    }
    Ok(out)
}

/// Numbers of the account by E.164, from one listing walk (one request per 250 numbers): every
/// number, or those routed to `connection_id`.
async fn listed_numbers(client: &Client, ctx: &Ctx, connection_id: Option<&str>) -> Result<BTreeMap<String, Json>, Failure> {
    let filters: Vec<(String, String)> = connection_id.map(|c| ("filter[connection_id]".to_string(), c.to_string())).into_iter().collect();
    let verb = if connection_id.is_some() { "read" } else { "list the numbers for" };
    let all = client.list_all(&ctx.stop, "/phone_numbers", &filters).await.map_err(|e| api_failure(&e, verb))?;
    Ok(all.into_iter().filter_map(|n| Some((n["phone_number"].as_str()?.to_string(), n))).collect())
}

/// Every number's voice settings by E.164, from the voice listing (one request per 250 numbers;
/// it has no connection filter).
async fn voice_listing(client: &Client, ctx: &Ctx) -> Result<BTreeMap<String, Json>, Failure> {
    let all = client.list_all(&ctx.stop, "/phone_numbers/voice", &[]).await.map_err(|e| api_failure(&e, "read the voice settings for"))?;
    Ok(all.into_iter().filter_map(|n| Some((n["phone_number"].as_str()?.to_string(), n))).collect())
}

async fn account_numbers(client: &Client, ctx: &Ctx) -> Result<BTreeMap<String, Json>, Failure> {
    listed_numbers(client, ctx, None).await
}

async fn routed_to(client: &Client, ctx: &Ctx, connection_id: &str) -> Result<BTreeMap<String, Json>, Failure> {
    listed_numbers(client, ctx, Some(connection_id)).await
}

/// The state of the numbers routed to one connection, with the settings they all share (a
/// setting that differs between them is left unmanaged, null).
fn state_of(ty: &Type, connection_id: &str, numbers: &BTreeMap<String, Json>) -> Value {
    let shared = |k: &str| -> Value {
        let vals: BTreeSet<&str> = numbers.values().map(|n| n[k].as_str().unwrap_or_default()).collect();
        match vals.into_iter().collect::<Vec<_>>().as_slice() {
            [v] if !v.is_empty() => Value::string(*v),
            _ => Value::Null,
        }
    };
    let common_tags = numbers.values().map(|n| Found::of(n).tags).reduce(|a, b| a.intersection(&b).cloned().collect()).unwrap_or_default();
    let mut v = Value::null_object(ty);
    v.set("id", Value::string(connection_id));
    v.set("connection_id", Value::string(connection_id));
    v.set("phone_numbers", number_list(numbers.keys().cloned()));
    v.set("billing_group_id", shared("billing_group_id"));
    v.set("customer_reference", shared("customer_reference"));
    v.set("tags", if common_tags.is_empty() { Value::Null } else { string_set(common_tags.iter().cloned()) });
    // What each number holds besides what the resource now manages is what it is given
    // back: tags of its own (the shared ones are the resource's), no connection, no group.
    let found: BTreeMap<String, Value> = numbers
        .iter()
        .filter_map(|(n, obj)| {
            let own: BTreeSet<String> = Found::of(obj).tags.difference(&common_tags).cloned().collect();
            (!own.is_empty()).then(|| (n.clone(), Found { tags: own, ..Found::default() }.to_value()))
        })
        .collect();
    v.set("found", Value::Map(found));
    v
}

/// The routings of the account: every connection that numbers are routed to, with its numbers
/// (one connection's only, when `connection_id` is given).
async fn routings(client: &Client, ctx: &Ctx, connection_id: Option<&str>) -> Result<BTreeMap<String, BTreeMap<String, Json>>, Failure> {
    let numbers = listed_numbers(client, ctx, connection_id).await?;
    let mut out: BTreeMap<String, BTreeMap<String, Json>> = BTreeMap::new();
    for (n, obj) in numbers {
        if let Some(c) = obj["connection_id"].as_str().filter(|c| !c.is_empty()) {
            out.entry(c.to_string()).or_default().insert(n, obj);
        }
    }
    Ok(out)
}

impl PhoneNumbersRouting {
    /// Create and update: route what is new or changed, give back what was removed.
    async fn apply(&self, client: &Client, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, Failure> {
        let timeout = planned.get("job_timeout").as_str().and_then(parse_duration).unwrap_or(DEFAULT_JOB_TIMEOUT);
        let want = strings(planned.get("phone_numbers"));
        let held = strings(prior.get("phone_numbers"));
        let mut found = found_map(prior);
        let settings_changed = ["connection_id", "billing_group_id", "customer_reference", "tags", "voice"]
            .iter()
            .any(|k| !prior.is_null() && prior.get(k) != planned.get(k));
        let to_route: BTreeSet<String> = if settings_changed { want.clone() } else { want.difference(&held).cloned().collect() };
        let to_release: BTreeSet<String> = held.difference(&want).cloned().collect();
        // Emergency settings: every number when they change, else the numbers new in state.
        let em_want = emergency_of(planned);
        let em_candidates: BTreeSet<String> = match &em_want {
            None => BTreeSet::new(),
            Some(_) if !prior.is_null() && emergency_of(prior) != em_want => want.clone(),
            Some(_) => want.difference(&held).cloned().collect(),
        };
        let mut em_groups: BTreeMap<Option<String>, Vec<String>> = BTreeMap::new();

        // Before any write: every number to change must be the account's; what it holds now
        // is what it is given back later (numbers already held keep their first record).
        if !to_route.is_empty() || !em_candidates.is_empty() {
            let account = account_numbers(client, ctx).await?;
            let missing: Vec<&String> = to_route.union(&em_candidates).filter(|n| !account.contains_key(*n)).collect();
            if !missing.is_empty() {
                let mut d = Diagnostics::new();
                for n in missing {
                    d.push(
                        Diagnostic::error(
                            "Number not owned",
                            format!(
                                "The account does not own {n}: this resource routes numbers the account owns and never buys one. \
                                 Remove it from `phone_numbers`, or order it first. Nothing was sent."
                            ),
                        )
                        .at(AttrPath::attr("phone_numbers")),
                    );
                }
                return Err(Failure::new(d));
            }
            for n in to_route.iter().filter(|n| !held.contains(*n)) {
                // A number routed back after drift keeps the record it was first found with
                // (read keeps one, clean or not, for every number that drifts out): what it was
                // moved to out of band is not what it is given back to.
                let f = match found.get(n) {
                    Some(first) => first.clone(),
                    None => Found::of(&account[n]).besides(planned),
                };
                if f.is_clean() {
                    found.remove(n);
                } else {
                    found.insert(n.clone(), f);
                }
            }
            // The voice members managed now that a number's record lacks are recorded as it
            // holds them (those recorded before keep their first value).
            if let Some(want) = voice_body(planned.get("voice")) {
                let voices = voice_listing(client, ctx).await?;
                for n in &to_route {
                    let had = voice_record(&want, &held_voice(&account[n], voices.get(n)));
                    let entry = found.entry(n.clone()).or_default();
                    let mut record = entry.voice.take().and_then(|v| v.as_object().cloned()).unwrap_or_default();
                    for (k, v) in had.as_object().into_iter().flatten() {
                        record.entry(k.clone()).or_insert_with(|| v.clone());
                    }
                    entry.voice = Some(Json::Object(record));
                }
            }
            // Emergency settings as found (the first record kept), then one job for the
            // numbers that do not hold them yet.
            if let Some(want_em) = &em_want {
                for n in &em_candidates {
                    let Some(obj) = account.get(n) else { continue };
                    let now = emergency_held(obj);
                    found.entry(n.clone()).or_default().emergency.get_or_insert_with(|| now.clone());
                    if now != *want_em {
                        em_groups.entry(want_em.clone()).or_default().push(n.clone());
                    }
                }
            }
        }

        let mut groups: BTreeMap<Settings, Vec<String>> = BTreeMap::new();
        for n in &to_route {
            groups.entry(desired(planned, found.get(n))).or_default().push(n.clone());
        }
        let manager = if prior.is_null() { planned } else { prior };
        for n in &to_release {
            groups.entry(given_back(manager, &found.get(n).cloned().unwrap_or_default())).or_default().push(n.clone());
            if let Some(back) = emergency_of(manager).and_then(|_| found.get(n)?.emergency.clone()) {
                em_groups.entry(back).or_default().push(n.clone());
            }
        }
        let mut outcome = run_jobs(client, ctx, groups, timeout).await?;
        let em = run_emergency_jobs(client, ctx, em_groups, timeout).await?;
        let em_failed: BTreeSet<String> = em.failed.iter().map(|(n, _)| n.clone()).collect();
        outcome.merge(em);

        // In state: numbers held before and not touched, numbers routed now, and numbers
        // whose release did not go through (so the next plan removes them again).
        let mut in_state: BTreeSet<String> = if settings_changed { BTreeSet::new() } else { held.intersection(&want).cloned().collect() };
        // A number whose job had not ended (`job_timeout`, Ctrl-C) counts as routed: the job
        // goes on at Telnyx, and the refresh before the next plan drops it if it is not in place
        // by then, so it is neither lost nor sent twice.
        in_state.extend(to_route.iter().filter(|n| outcome.ok.contains(*n) || outcome.unfinished.contains(*n)).cloned());
        in_state.extend(to_release.iter().filter(|n| !outcome.ok.contains(*n)).cloned());
        // A number kept whose emergency settings failed: out of state, so the next plan sends them again.
        in_state.retain(|n| !(em_failed.contains(n) && want.contains(n)));
        // A create that fails is tainted by Terraform, and the replacement it then plans would
        // unroute every number the jobs did change. So a create records every number and
        // reports what did not go through as warnings: the refresh before the next plan drops
        // those numbers from state, and the plan sends them again.
        let creating = prior.is_null();
        if creating {
            in_state = want.clone();
        }
        found.retain(|n, _| in_state.contains(n) || to_route.contains(n));
        let mut state = planned.clone();
        if state.get("id").is_unknown() || state.get("id").is_null() {
            state.set("id", planned.get("connection_id").clone());
        }
        // In the configuration's order (what Terraform checks the result against), then what
        // is still held from before.
        let mut listed = numbers_in_order(planned.get("phone_numbers"), |n| in_state.contains(n));
        let placed: BTreeSet<String> = listed.iter().cloned().collect();
        listed.extend(numbers_in_order(prior.get("phone_numbers"), |n| in_state.contains(n) && !placed.contains(n)));
        state.set("phone_numbers", number_list(listed));
        state.set("found", Value::Map(found.iter().map(|(k, f)| (k.clone(), f.to_value())).collect()));
        self.finish(state, &outcome, &to_release, creating)
    }

    /// The state, or the diagnostics of what did not go through with the state that did.
    fn finish(&self, state: Value, outcome: &Outcome, released: &BTreeSet<String>, creating: bool) -> Result<Value, Failure> {
        let mut d = Diagnostics::new();
        let problem = |summary: String, detail: String| {
            if creating { Diagnostic::warning(summary, detail) } else { Diagnostic::error(summary, detail) }
        };
        for (n, why) in &outcome.failed {
            let verb = if released.contains(n) { "give back" } else { "route" };
            d.push(
                problem(
                    format!("Could not {verb} {n}"),
                    format!(
                        "Telnyx's job did not change {n}: {why}. The numbers that changed are recorded; the next apply sends only the rest."
                    ),
                )
                .at(AttrPath::attr("phone_numbers")),
            );
        }
        if !outcome.unfinished.is_empty() {
            let list: Vec<&str> = outcome.unfinished.iter().map(String::as_str).take(20).collect();
            d.push(problem(
                "Jobs did not end".to_string(),
                format!(
                    "Telnyx's jobs had not changed {} number(s) ({}{}) when the apply stopped waiting (`job_timeout`, or Ctrl-C). \
                     They go on at Telnyx; the next plan reads where each number is and sends only what is still needed.",
                    outcome.unfinished.len(),
                    list.join(", "),
                    if outcome.unfinished.len() > list.len() { ", …" } else { "" }
                ),
            ));
        }
        if d.is_empty() { Ok(state) } else { Err(Failure::new(d).with_state(state)) }
    }

    /// A state for an import id: a connection id, or E.164 numbers separated by commas.
    async fn import_state(&self, client: &Client, ctx: &Ctx, id: &str) -> Result<Value, Failure> {
        let id = id.trim();
        let (connection_id, numbers) = if id.starts_with('+') {
            let wanted: BTreeSet<String> = id.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
            let account = account_numbers(client, ctx).await?;
            let mut conns = BTreeSet::new();
            let mut got = BTreeMap::new();
            for n in &wanted {
                let Some(obj) = account.get(n) else {
                    return Err(Diagnostic::error("Cannot import", format!("The account does not own {n}.")).into());
                };
                conns.insert(obj["connection_id"].as_str().unwrap_or_default().to_string());
                got.insert(n.clone(), obj.clone());
            }
            match conns.into_iter().collect::<Vec<_>>().as_slice() {
                [c] if !c.is_empty() => (c.clone(), got),
                _ => {
                    return Err(Diagnostic::error(
                        "Cannot import",
                        "The numbers must all be routed to one connection (an unrouted number has nothing to import).",
                    )
                    .into());
                }
            }
        } else {
            (id.to_string(), routed_to(client, ctx, id).await?)
        };
        if numbers.is_empty() {
            return Err(Diagnostic::error("Cannot import", format!("No number of the account is routed to {connection_id:?}.")).into());
        }
        let mut v = state_of(&self.schema().ty(), &connection_id, &numbers);
        v.set("id", Value::string(id));
        Ok(v)
    }
}

#[async_trait]
impl Resource<Client> for PhoneNumbersRouting {
    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        self.schema.get(schema).clone()
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut d = super::phone_number::voice_checks(config);
        d.extend(super::phone_number::emergency_arguments(config));
        d
    }

    /// `voice` is what the configuration says (null when unset), never computed.
    fn modify_plan(&self, req: &tfplug::PlanRequest<'_>, planned: &mut tfplug::plan::Planned) -> Diagnostics {
        if !req.config.is_null() && !planned.state.is_null() {
            planned.state.set("voice", req.config.get("voice").clone());
        }
        Diagnostics::new()
    }

    async fn create(&self, client: &Client, ctx: &Ctx, planned: &Value) -> Result<Value, Failure> {
        self.apply(client, ctx, &Value::Null, planned).await
    }

    /// The connection's listing: numbers no longer routed here with the managed settings drop
    /// out of `phone_numbers`, so the plan routes them back.
    /// Claims the planned numbers: one a `telnyx_phone_number` (or a routing to another
    /// connection) of the same configuration plans too is an error (see `claims`).
    async fn check_planned(&self, client: &Client, _ctx: &Ctx, _prior: &Value, planned: &Value) -> Diagnostics {
        let by = super::claims::Manager::Routing(planned.get("connection_id").as_str().map(str::to_string));
        let numbers = strings(planned.get("phone_numbers"));
        super::claims::claim(client.instance(), numbers.iter().map(String::as_str), &by, &AttrPath::attr("phone_numbers"))
    }

    async fn read(&self, client: &Client, ctx: &Ctx, state: &Value) -> Result<Option<Value>, Failure> {
        let Some(conn) = state.get("connection_id").as_str() else { return Ok(Some(state.clone())) };
        let listed = routed_to(client, ctx, conn).await?;
        // The voice listing only when voice settings are managed.
        let voices = if voice_body(state.get("voice")).is_some() { Some(voice_listing(client, ctx).await?) } else { None };
        let found = found_map(state);
        let keep = numbers_in_order(state.get("phone_numbers"), |n| {
            listed.get(n).is_some_and(|obj| {
                let voice = voices.as_ref().map_or(Json::Null, |v| held_voice(obj, v.get(n)));
                holds(obj, &voice, &desired(state, found.get(n))) && emergency_of(state).is_none_or(|want| emergency_held(obj) == want)
            })
        });
        // A number that drifts out keeps its record in `found`, a clean one too, so routing it
        // back does not take what it was moved to for what it was found with.
        let kept: BTreeSet<&String> = keep.iter().collect();
        let drifted: Vec<String> =
            strings(state.get("phone_numbers")).into_iter().filter(|n| !kept.contains(n) && !found.contains_key(n)).collect();
        let mut s = state.clone();
        if !drifted.is_empty() {
            let mut found = found;
            found.extend(drifted.into_iter().map(|n| (n, Found::default())));
            s.set("found", Value::Map(found.iter().map(|(k, f)| (k.clone(), f.to_value())).collect()));
        }
        s.set("phone_numbers", number_list(keep));
        Ok(Some(s))
    }

    async fn update(&self, client: &Client, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, Failure> {
        self.apply(client, ctx, prior, planned).await
    }

    /// Every number is given back as it was found, by job; none is released.
    async fn delete(&self, client: &Client, ctx: &Ctx, state: &Value) -> Result<(), Failure> {
        let timeout = state.get("job_timeout").as_str().and_then(parse_duration).unwrap_or(DEFAULT_JOB_TIMEOUT);
        let found = found_map(state);
        let mut groups: BTreeMap<Settings, Vec<String>> = BTreeMap::new();
        let numbers = strings(state.get("phone_numbers"));
        let mut em_groups: BTreeMap<Option<String>, Vec<String>> = BTreeMap::new();
        for n in &numbers {
            groups.entry(given_back(state, &found.get(n).cloned().unwrap_or_default())).or_default().push(n.clone());
            if let Some(back) = emergency_of(state).and_then(|_| found.get(n)?.emergency.clone()) {
                em_groups.entry(back).or_default().push(n.clone());
            }
        }
        let mut outcome = run_jobs(client, ctx, groups, timeout).await?;
        outcome.merge(run_emergency_jobs(client, ctx, em_groups, timeout).await?);
        let left = numbers_in_order(state.get("phone_numbers"), |n| !outcome.ok.contains(n));
        if left.is_empty() {
            return Ok(());
        }
        let mut s = state.clone();
        s.set("phone_numbers", number_list(left));
        self.finish(s, &outcome, &numbers, false).map(drop)
    }

    async fn import(&self, client: &Client, ctx: &Ctx, id: &str) -> Result<Value, Failure> {
        self.import_state(client, ctx, id).await
    }

    fn identity(&self) -> Option<Identity> {
        Some(super::common::id_identity())
    }

    fn list_schema(&self) -> Option<Schema> {
        Some(Schema::new("The routings of the account: one per connection that numbers are routed to.").attr(list_filter()))
    }

    async fn list(&self, client: &Client, ctx: &Ctx, config: &Value, limit: usize) -> Result<Vec<ListedObject>, Failure> {
        let ty = self.schema().ty();
        let all = routings(client, ctx, config.get("connection_id").as_str()).await?;
        Ok(all
            .iter()
            .take(limit)
            .map(|(c, numbers)| ListedObject { display_name: format!("{c} ({} numbers)", numbers.len()), state: state_of(&ty, c, numbers) })
            .collect())
    }
}

fn list_filter() -> Attribute {
    string("connection_id").optional().desc("Only the numbers routed to this connection.")
}

/// The settings shared by numbers routed to one connection, as a data source reads them.
fn routing_attrs() -> Vec<Attribute> {
    vec![
        string("connection_id").computed().desc("The connection the numbers are routed to."),
        list("phone_numbers", Type::String).computed().desc("The numbers (E.164) routed to it, in order."),
        string("billing_group_id").computed().desc("The billing group every one of them has; null when they differ or have none."),
        string("customer_reference").computed().desc("The customer reference every one of them has; null when they differ or have none."),
        set("tags", Type::String).computed().desc("The tags every one of them carries; null when none is shared."),
    ]
}

/// `telnyx_phone_numbers_routing` data source: the numbers routed to one connection.
#[derive(Debug, Default)]
pub struct RoutingData;

#[async_trait]
impl DataSource<Client> for RoutingData {
    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        let mut attrs = routing_attrs();
        attrs[0] = string("connection_id").required().length(1, usize::MAX).desc("The connection whose numbers are read.");
        Schema::new("The numbers routed to one connection, with the settings they share (an empty set when none is routed).")
            .attr(string("id").computed().desc("The connection id."))
            .attrs(attrs)
    }

    async fn read(&self, client: &Client, ctx: &Ctx, config: &Value) -> Result<Value, Failure> {
        let conn = config.get("connection_id").as_str().unwrap_or_default().to_string();
        let numbers = routed_to(client, ctx, &conn).await?;
        let full = state_of(&schema().ty(), &conn, &numbers);
        let mut v = config.clone();
        v.set("id", Value::string(&conn));
        for k in ["phone_numbers", "billing_group_id", "customer_reference", "tags"] {
            v.set(k, full.get(k).clone());
        }
        Ok(v)
    }
}

/// `telnyx_phone_numbers_routings` data source: every routing of the account.
#[derive(Debug, Default)]
pub struct RoutingsData;

#[async_trait]
impl DataSource<Client> for RoutingsData {
    fn type_name(&self) -> &'static str {
        "telnyx_phone_numbers_routings"
    }

    fn schema(&self) -> Schema {
        Schema::new("The routings of the account: for each connection that numbers are routed to, its numbers and the settings they share.")
            .attr(string("id").computed().desc("Always `routings`."))
            .attr(list_filter())
            .attr(nested_list("routings", routing_attrs()).computed().desc("One per connection, ordered by connection id."))
    }

    async fn read(&self, client: &Client, ctx: &Ctx, config: &Value) -> Result<Value, Failure> {
        let all = routings(client, ctx, config.get("connection_id").as_str()).await?;
        let ty = schema().ty();
        let items: Vec<Value> = all
            .iter()
            .map(|(c, numbers)| {
                let full = state_of(&ty, c, numbers);
                let mut m = BTreeMap::new();
                for k in ["connection_id", "phone_numbers", "billing_group_id", "customer_reference", "tags"] {
                    m.insert(k.to_string(), full.get(k).clone());
                }
                Value::Object(m)
            })
            .collect();
        let mut v = config.clone();
        v.set("id", Value::string("routings"));
        v.set("routings", Value::List(items));
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn managed() -> Value {
        let mut v = Value::null_object(&schema().ty());
        v.set("connection_id", Value::string("c1"));
        v.set("billing_group_id", Value::string("g1"));
        v.set("tags", string_set(["trunk".to_string()]));
        v
    }

    #[test]
    fn a_number_is_given_back_what_it_held_besides_what_the_resource_sets() {
        // Adopted where the resource routes it (from per-number resources, say): given back unrouted.
        let adopted = Found::of(&json!({"connection_id": "c1", "billing_group_id": "g1", "tags": ["trunk", "legacy"]})).besides(&managed());
        assert_eq!(adopted, Found { tags: BTreeSet::from(["legacy".to_string()]), ..Found::default() });
        // Found elsewhere: given back there.
        let elsewhere = Found::of(&json!({"connection_id": "c9", "billing_group_id": "g9", "customer_reference": "r", "tags": []}));
        assert_eq!(elsewhere.clone().besides(&managed()), elsewhere);
        let back = given_back(&managed(), &elsewhere);
        assert_eq!(
            back.body(&["+13125550100".to_string()]),
            json!({"phone_numbers": ["+13125550100"], "connection_id": "c9", "billing_group_id": "g9", "tags": []})
        );
        // A setting the resource does not manage is never sent.
        let mut unmanaged = managed();
        unmanaged.set("billing_group_id", Value::Null);
        unmanaged.set("tags", Value::Null);
        assert_eq!(given_back(&unmanaged, &Found::default()).body(&[]), json!({"phone_numbers": [], "connection_id": ""}));
    }

    #[test]
    fn a_listed_number_holds_the_settings_when_it_carries_at_least_the_managed_tags() {
        let want = desired(&managed(), None);
        let none = Json::Null;
        assert!(holds(&json!({"connection_id": "c1", "billing_group_id": "g1", "tags": ["trunk", "legacy"]}), &none, &want));
        assert!(!holds(&json!({"connection_id": "c1", "billing_group_id": "g1", "tags": ["legacy"]}), &none, &want));
        assert!(!holds(&json!({"connection_id": "c2", "billing_group_id": "g1", "tags": ["trunk"]}), &none, &want));
        assert!(!holds(&json!({"connection_id": "c1", "billing_group_id": null, "tags": ["trunk"]}), &none, &want));
    }

    fn with_voice(voice: &Json) -> Value {
        let mut v = managed();
        v.set("voice", tfplug::json::from_json(voice, &voice_attr().ty(), tfplug::json::Extra::Reject).unwrap());
        v
    }

    #[test]
    fn voice_members_set_are_sent_compared_and_given_back_and_the_rest_left_alone() {
        let voiced = with_voice(
            &json!({"tech_prefix_enabled": true, "call_forwarding": {"forwards_to": "+13125559999", "forwarding_type": "always"}}),
        );
        // Only the members set are sent; a nested object as configured.
        let want = desired(&voiced, None);
        let body = want.body(&["+13125550100".to_string()]);
        assert_eq!(
            body["voice"],
            json!({"tech_prefix_enabled": true, "call_forwarding": {"forwards_to": "+13125559999", "forwarding_type": "always"}})
        );
        assert_eq!(desired(&managed(), None).body(&[])["voice"], Json::Null, "unset: no voice in the job");
        // The number's voice settings: the listing's item with the number's caller_id_name_enabled.
        let number = json!({"phone_number": "+13125550100", "connection_id": "c1", "billing_group_id": "g1", "tags": ["trunk"], "caller_id_name_enabled": true});
        let item = json!({"phone_number": "+13125550100", "tech_prefix_enabled": true, "translated_number": "",
                          "call_forwarding": {"call_forwarding_enabled": true, "forwards_to": "+13125559999", "forwarding_type": "always"}});
        let held = held_voice(&number, Some(&item));
        assert_eq!(held["caller_id_name_enabled"], json!(true));
        assert!(holds(&number, &held, &want), "members left out of a nested object are not compared");
        let mut drifted = item;
        drifted["call_forwarding"]["forwarding_type"] = json!("on-failure");
        assert!(!holds(&number, &held_voice(&number, Some(&drifted)), &want));
        assert!(!holds(&number, &held_voice(&number, None), &want), "a number missing from the voice listing does not hold them");
        // What it had is recorded for the members set (nested objects whole) and given back.
        let before = json!({"tech_prefix_enabled": false, "translated_number": "x", "call_forwarding": {"call_forwarding_enabled": true, "forwards_to": null}});
        let record = voice_record(&voice_body(voiced.get("voice")).unwrap(), &before);
        assert_eq!(record, json!({"tech_prefix_enabled": false, "call_forwarding": {"call_forwarding_enabled": true}}));
        let found = Found { voice: Some(record.clone()), ..Found::default() };
        assert_eq!(Found::from_value(&found.to_value()), found, "the record survives state");
        assert_eq!(given_back(&voiced, &found).body(&[])["voice"], record);
        assert_eq!(given_back(&voiced, &Found::default()).body(&[])["voice"], Json::Null, "not recorded (an import): left alone");
    }

    #[test]
    fn voice_rules_are_checked_at_plan() {
        let d = PhoneNumbersRouting::default()
            .validate(&with_voice(&json!({"cnam_listing": {"cnam_listing_enabled": true, "cnam_listing_details": ""}})));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].path.as_ref().unwrap().to_string(), "voice.cnam_listing.cnam_listing_details");
    }

    #[test]
    fn emergency_settings_are_enabled_there_disabled_or_left_alone_and_checked_at_plan() {
        let with = |on: Value, address: Value| {
            let mut v = managed();
            v.set("emergency_enabled", on);
            v.set("emergency_address_id", address);
            v
        };
        assert_eq!(emergency_of(&with(Value::Bool(true), Value::string("1"))), Some(Some("1".to_string())));
        assert_eq!(emergency_of(&with(Value::Null, Value::string("1"))), Some(Some("1".to_string())), "an address alone enables");
        assert_eq!(emergency_of(&with(Value::Bool(false), Value::Null)), Some(None));
        assert_eq!(emergency_of(&managed()), None, "unset: left alone");
        assert_eq!(
            emergency_held(&json!({"emergency_enabled": true, "emergency_address_id": "1", "emergency_status": "provisioning"})),
            Some("1".to_string())
        );
        assert_eq!(
            emergency_held(&json!({"emergency_enabled": false, "emergency_address_id": null, "emergency_status": "disabled"})),
            None
        );
        assert_eq!(
            emergency_held(&json!({"emergency_enabled": true, "emergency_address_id": "1", "emergency_status": "provisioning-failed"})),
            None
        );
        assert_eq!(
            emergency_body(None, &["+13125550100".to_string()]),
            json!({"phone_numbers": ["+13125550100"], "emergency_enabled": false})
        );
        let found = Found { emergency: Some(Some("7".to_string())), ..Found::default() };
        assert_eq!(Found::from_value(&found.to_value()), found);
        let off = Found { emergency: Some(None), ..Found::default() };
        assert_eq!(Found::from_value(&off.to_value()), off);
        let res = PhoneNumbersRouting::default();
        let paths =
            |v: &Value| res.validate(v).iter().map(|d| d.path.as_ref().map(ToString::to_string).unwrap_or_default()).collect::<Vec<_>>();
        assert_eq!(paths(&with(Value::Bool(true), Value::Null)), ["emergency_address_id"]);
        assert_eq!(paths(&with(Value::Bool(false), Value::string("1"))), ["emergency_address_id"]);
        assert!(paths(&with(Value::Bool(true), Value::string("1"))).is_empty());
    }

    #[test]
    fn a_later_job_that_fails_a_number_takes_it_out_of_the_done() {
        let mut first = Outcome { ok: BTreeSet::from(["+1".to_string(), "+2".to_string(), "+3".to_string()]), ..Outcome::default() };
        let second = Outcome {
            ok: BTreeSet::from(["+1".to_string()]),
            failed: vec![("+2".to_string(), "no".to_string())],
            unfinished: BTreeSet::from(["+3".to_string()]),
        };
        first.merge(second);
        assert_eq!(first.ok, BTreeSet::from(["+1".to_string()]));
        assert_eq!((first.failed.len(), first.unfinished.len()), (1, 1));
    }
}
