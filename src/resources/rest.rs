//! The CRUD every Telnyx object with `POST /x`, `GET|PATCH|DELETE /x/{id}` shares, written
//! once. A resource file declares a [`RestObject`]: its type name, path, schema, the fields a
//! create or update must not carry, and its natural key. [`Rest`] turns that into a
//! Terraform resource (its data sources are in `list.rs`).
//!
//! Never lose or duplicate an object: when a create fails in a way that may have created
//! the object (a 5xx, a timeout, a dropped connection), the object is looked up by its
//! natural key and adopted if it is there; only if it is not, the create is sent again.

use std::marker::PhantomData;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use serde_json::Value as Json;

use super::Exported;
use super::diagnostics::ToDiagnostics;
use super::journal;
use super::mapping::{absorb, add_write_only, request_body, without_paths};
use crate::telnyx::batch::BatchRead;
use crate::telnyx::client::{Client, Envelope};
use crate::telnyx::error::ApiError;
use crate::telnyx::timestamp;
use tfplug::plan::Planned;
use tfplug::provider::id_only_state;
use tfplug::schema::{Attribute, Schema};
use tfplug::{Ctx, Diagnostic, Diagnostics, Failure, ListedObject, PlanRequest, Resource, Value};

/// A Telnyx object family with the standard REST shape.
pub trait RestObject: Send + Sync + 'static {
    /// Terraform type name, e.g. `telnyx_outbound_voice_profile`.
    const TYPE_NAME: &'static str;
    /// Collection path under the base URL, e.g. `/outbound_voice_profiles`.
    const PATH: &'static str;
    const ENVELOPE: Envelope = Envelope::Data;
    /// Dotted attribute paths never sent on create (update-only API fields).
    const CREATE_OMIT: &'static [&'static str] = &[];
    /// Dotted attribute paths never sent on update (create-only API fields).
    const UPDATE_OMIT: &'static [&'static str] = &[];
    /// Whether `GET {PATH}/{id}` exists. Without it (access IP ranges) an object is read by
    /// listing with its natural key's filters (everything after an import) and picking its id.
    const RETRIEVE: bool = true;
    /// Whether `PATCH {PATH}/{id}` exists. Without it every argument must be
    /// `replace_on_change`, so the planner never plans an in-place update.
    const UPDATE: bool = true;

    fn schema() -> Schema;

    /// Whether refresh may read this family from its listing ([`crate::telnyx::batch`]). A
    /// family opts in only where its list items are the same view as its single-object read.
    const BATCH: Batch = Batch::Off;

    /// Cross-attribute checks at plan time (no API calls).
    fn validate(_config: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    /// List filters that find the object `planned` describes (its natural key), and a test
    /// that a listed object really is that object. `None`: no natural key.
    fn natural_key(_planned: &Value) -> Option<NaturalKey> {
        None
    }

    /// Adjusts a create or update body where a field Telnyx reports must not be sent back in
    /// some states of the object (an SRV record's `port`).
    fn shape_body(_planned: &Value, _body: &mut Json) {}

    /// How a failed call reads as diagnostics (a family may add what Telnyx's answer carries
    /// beyond its words: an address's suggested values).
    fn diagnostics(e: &ApiError, verb: &str, id: Option<&str>) -> Diagnostics {
        e.to_diagnostics(verb, Self::TYPE_NAME, id)
    }

    /// Objects that must not use this one when it is deleted: the delete is refused, naming
    /// them, before it is sent (an address numbers use for emergency services).
    const USED_BY: Option<UsedBy> = None;

    /// Adjusts the generic plan where one attribute's change affects another's computed value
    /// (see `Resource::modify_plan`; the result is checked against Terraform's rules).
    fn modify_plan(_req: &PlanRequest<'_>, _planned: &mut Planned) -> Diagnostics {
        Diagnostics::new()
    }
}

/// A listing of the objects that use an object (see [`RestObject::USED_BY`]).
#[derive(Clone, Copy, Debug)]
pub struct UsedBy {
    /// The list endpoint, e.g. `/phone_numbers`.
    pub list: &'static str,
    /// The filter that selects the users of the object's id, e.g. `filter[emergency_address_id]`.
    pub filter: &'static str,
    /// The field of a listed object that holds the id (the listing is checked again).
    pub field: &'static str,
    /// The field that names a user in the error, e.g. `phone_number`.
    pub name: &'static str,
    /// What uses it and how, in prose: "phone numbers use it for emergency services".
    pub what: &'static str,
    /// What to do instead, in prose.
    pub advice: &'static str,
}

/// How refresh reads a family: on its own, or from its listing, narrowed or not.
#[derive(Clone, Copy, Debug)]
pub enum Batch {
    /// One `GET` per object.
    Off,
    /// From the family's whole listing.
    Family,
    /// From the listing narrowed by a filter on one of the object's attributes (a
    /// connection's records: `filter[connection_id]`); the whole listing when it is null.
    By { attr: &'static str, query: &'static str },
}

impl Batch {
    /// The filters of the listing that holds the object `state` describes; `None`: read it on its own.
    pub fn filters(self, state: &Value) -> Option<Vec<(String, String)>> {
        match self {
            Batch::Off => None,
            Batch::Family => Some(Vec::new()),
            Batch::By { attr, query } => {
                Some(state.get(attr).as_str().map(|v| vec![(query.to_string(), v.to_string())]).unwrap_or_default())
            }
        }
    }
}

/// How to find an object by what identifies it besides its id.
#[derive(Debug, Clone)]
pub struct NaturalKey {
    pub filters: Vec<(String, String)>,
    /// (field, expected value) pairs an exact match must have.
    pub matches: Vec<(&'static str, Json)>,
}

impl NaturalKey {
    /// The key made of string `fields` of `planned`, each sent as its list `query` key and
    /// matched exactly; `None` while any of them is not known.
    pub fn of(planned: &Value, fields: &[(&'static str, &str)]) -> Option<NaturalKey> {
        let mut key = NaturalKey { filters: Vec::new(), matches: Vec::new() };
        for (field, query) in fields {
            let v = planned.get(field).as_str()?;
            key.filters.push(((*query).to_string(), v.to_string()));
            key.matches.push((field, Json::String(v.to_string())));
        }
        Some(key)
    }

    fn is_match(&self, obj: &Json) -> bool {
        self.matches.iter().all(|(k, v)| obj.get(*k) == Some(v))
    }
}

/// A schema built on first use and kept: CRUD calls read attributes from it instead of
/// rebuilding the schema (descriptions, validators) for every object of a large apply.
#[derive(Debug, Default)]
pub struct SchemaCell(OnceLock<Schema>);

impl SchemaCell {
    pub fn get(&self, build: impl FnOnce() -> Schema) -> &Schema {
        self.0.get_or_init(build)
    }
}

/// The Terraform resource for a [`RestObject`].
#[derive(Debug)]
pub struct Rest<T> {
    schema: SchemaCell,
    of: PhantomData<T>,
}

impl<T> Default for Rest<T> {
    fn default() -> Self {
        Rest { schema: SchemaCell::default(), of: PhantomData }
    }
}

impl<T: RestObject> Rest<T> {
    fn attrs(&self) -> &[Attribute] {
        &self.schema.get(T::schema).attributes
    }
}

pub(super) fn item_path<T: RestObject>(id: &str) -> String {
    format!("{}/{}", T::PATH, urlencode(id))
}

pub use crate::telnyx::client::path_segment as urlencode;

fn id_of(v: &Value) -> Result<String, Failure> {
    v.get("id").as_str().map(str::to_string).ok_or_else(|| Failure::new(no_id()))
}

fn no_id() -> Diagnostic {
    Diagnostic::error("Internal error: no id", "The state of this object has no id. This is a bug in the provider.")
}

/// After a create that may have reached Telnyx: looking the object up failed too (`lookup`).
fn uncertain_create(type_name: &str, lookup: &ApiError) -> Diagnostic {
    Diagnostic::error(
        format!("Could not tell whether the {type_name} was created"),
        format!(
            "The create request failed in a way that may have created the object, and looking it up failed too ({lookup}). Check Telnyx for it: if it exists, bring it under Terraform with `terraform import <address> <id>` instead of applying again."
        ),
    )
}

/// Before a create: an interrupted run may have created this object (its intent, sent at
/// `at`), and looking for it failed (the error above).
fn unchecked_intent(type_name: &str, at: SystemTime) -> Diagnostic {
    Diagnostic::error(
        format!("Could not tell whether an interrupted run created this {type_name}"),
        format!(
            "A run that ended before it recorded the result sent a create with the same natural key at {}, and looking for \
             the object it may have made failed. Nothing was created, so as not to create it twice: apply again once Telnyx answers.",
            httpdate::fmt_http_date(at)
        ),
    )
}

/// A create answered by adopting `id`, which an interrupted run's create (sent at `at`) made.
fn adopted(type_name: &str, id: &str, at: SystemTime) -> Diagnostic {
    Diagnostic::warning(
        format!("Adopted {type_name} {id}, created by an interrupted run"),
        format!(
            "A run that ended before it recorded the result (Terraform killed, or a second Ctrl-C) sent a create with the same \
             natural key at {}. Telnyx holds {id}, made since then and in no state, so it is now in the state instead of a \
             second object, updated to match the configuration. If it is not the object you meant, `terraform state rm` it.",
            httpdate::fmt_http_date(at)
        ),
    )
}

/// The object `id`, adopted from an interrupted run, exists, but the update that brings it to
/// the configuration failed.
fn adopted_not_updated(type_name: &str, id: &str) -> Diagnostic {
    Diagnostic::error(
        format!("{type_name} {id} was adopted, but not updated"),
        "An interrupted run created this object; it is in state as Telnyx holds it, marked tainted: the next apply replaces \
         it. To keep it instead, fix the cause, run `terraform untaint <address>`, and apply again.",
    )
}

/// The object `id` exists, but the update that sends its update-only `fields` failed.
fn incomplete_create(type_name: &str, id: &str, fields: &[&str]) -> Diagnostic {
    Diagnostic::error(
        format!("{type_name} {id} was created, but not completely"),
        format!(
            "Telnyx accepts {} only on update, and that update failed (above). The object is in state as Telnyx holds it, \
             marked tainted: the next apply replaces it. To keep it instead, fix the cause, run `terraform untaint <address>`, \
             and apply again.",
            fields.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ")
        ),
    )
}

/// An in-place update of a family without PATCH was requested (the planner never plans one).
fn no_patch(type_name: &str, id: &str) -> Diagnostic {
    Diagnostic::error(
        format!("Could not update {type_name}"),
        format!(
            "Telnyx cannot change this object in place (there is no PATCH), and this provider plans a replacement for any change; \
             an in-place update of {id} was nevertheless requested. This is a bug in the provider: please report it."
        ),
    )
}

impl<T: RestObject> Rest<T> {
    fn diag(e: &ApiError, verb: &str, id: Option<&str>) -> Failure {
        Failure::new(T::diagnostics(e, verb, id))
    }

    /// Refuses to delete an object that others still use ([`RestObject::USED_BY`]).
    async fn refuse_if_used(client: &Client, ctx: &Ctx, id: &str) -> Result<(), Failure> {
        let Some(u) = T::USED_BY else { return Ok(()) };
        let users = client
            .list_all(&ctx.stop, u.list, &[(u.filter.to_string(), id.to_string())])
            .await
            .map_err(|e| Self::diag(&e, "check the users of", Some(id)))?;
        let names: Vec<String> =
            users.iter().filter(|o| o.get(u.field).and_then(Json::as_str) == Some(id)).map(|o| super::text_of(o, u.name)).collect();
        if names.is_empty() {
            return Ok(());
        }
        Err(Diagnostic::error(
            format!("Could not delete {}", T::TYPE_NAME),
            format!("{} {id} is still in use: {} ({}). Nothing was deleted. {}", T::TYPE_NAME, u.what, names.join(", "), u.advice),
        )
        .into())
    }

    /// After a create that may or may not have happened: find the object by natural key.
    /// `Ok(Some)` adopts it, `Ok(None)` says it is certainly absent.
    ///
    /// Natural keys such as names are not always unique at Telnyx, so an object that shares
    /// the key but was created before our first attempt (`since`, less [`CLOCK_SKEW`]) is
    /// someone else's: it is never adopted.
    async fn find_existing(client: &Client, ctx: &Ctx, key: &NaturalKey, since: SystemTime) -> Result<Option<Json>, ApiError> {
        // Part of finishing the create: runs even if Terraform has asked to stop meanwhile.
        let items = client.list_all_to_reconcile(&ctx.stop, T::PATH, &key.filters).await?;
        let (ours, older): (Vec<Json>, Vec<Json>) = items.into_iter().filter(|o| key.is_match(o)).partition(|o| created_since(o, since));
        if !older.is_empty() {
            tracing::info!(
                type_name = T::TYPE_NAME,
                count = older.len(),
                "objects that share the natural key but predate this create are left alone"
            );
        }
        match ours.len() {
            0 => Ok(None),
            1 => Ok(ours.into_iter().next()),
            n => Err(ApiError {
                kind: crate::telnyx::error::ApiErrorKind::Validation,
                status: None,
                method: "GET".into(),
                path: T::PATH.into(),
                errors: Vec::new(),
                message: format!("{n} objects created since this create began match the natural key"),
            }),
        }
    }

    /// A family without `GET {PATH}/{id}` (access IP ranges): the object from a listing, else
    /// picked by id from the listing its natural key's filters narrow.
    async fn read_without_get(
        client: &Client,
        ctx: &Ctx,
        state: &Value,
        id: &str,
        listed: Option<&BatchRead<'_>>,
    ) -> Result<Option<Json>, ApiError> {
        if let Some(read) = listed {
            if let Some(obj) = client.read_batched(&ctx.stop, read).await {
                return Ok(Some(obj));
            }
        }
        let filters = T::natural_key(state).map(|k| k.filters).unwrap_or_default();
        let items = client.list_all(&ctx.stop, T::PATH, &filters).await?;
        Ok(items.into_iter().find(|o| o.get("id").and_then(Json::as_str) == Some(id)))
    }

    /// Creates the object once only, across provider processes too: an open intent in the
    /// create journal with the same natural key (a run killed while it created) is answered by
    /// adopting the object it made. Returns the object and whether it was adopted that way.
    async fn create_once_only(client: &Client, ctx: &Ctx, planned: &Value, body: &Json) -> Result<(Json, bool), Failure> {
        let key = T::natural_key(planned);
        let journal = key.as_ref().and(journal::current());
        let (Some(j), Some(key)) = (journal, key.as_ref()) else {
            return Self::create_in_rounds(client, ctx, planned, body).await.map(|obj| (obj, false)).map_err(|(f, _)| f);
        };
        if let Some(obj) = Self::adopt_journalled(client, ctx, j, key).await? {
            return Ok((obj, true));
        }
        let intent = j.intend(T::TYPE_NAME, key).await;
        match Self::create_in_rounds(client, ctx, planned, body).await {
            Ok(obj) => {
                if let Some(id) = obj.get("id").and_then(Json::as_str) {
                    j.created(&intent, T::TYPE_NAME, id);
                }
                Ok((obj, false))
            }
            Err((f, uncertain)) => {
                if !uncertain {
                    j.failed(&intent);
                }
                Err(f)
            }
        }
    }

    /// Before a create whose natural key an open intent of the journal shares: the object that
    /// intent's create made, if Telnyx holds one made since (less [`CLOCK_SKEW`]) that is in no
    /// state and that this process has not claimed. It is claimed, and a warning says so.
    async fn adopt_journalled(client: &Client, ctx: &Ctx, j: &journal::Journal, key: &NaturalKey) -> Result<Option<Json>, Failure> {
        let open = j.open_intents(T::TYPE_NAME, key);
        let Some(first) = open.first() else { return Ok(None) };
        tracing::info!(type_name = T::TYPE_NAME, intents = open.len(), "an earlier run may have created this object: looking for it");
        let items = client.list_all_to_reconcile(&ctx.stop, T::PATH, &key.filters).await.map_err(|e| {
            let mut f = Self::diag(&e, "look for an interrupted run's", None);
            f.diags.push(unchecked_intent(T::TYPE_NAME, first.at));
            f
        })?;
        let named = |o: &Json| open.iter().any(|i| i.id.as_deref().is_some() && i.id.as_deref() == o.get("id").and_then(Json::as_str));
        let mut candidates: Vec<Json> = items.into_iter().filter(|o| key.is_match(o) && created_since(o, first.at)).collect();
        // Objects an intent names first, then the oldest.
        candidates.sort_by_key(|o| (!named(o), o.get("created_at").and_then(Json::as_str).and_then(timestamp::parse)));
        for obj in candidates {
            let Some(id) = obj.get("id").and_then(Json::as_str) else { continue };
            if let Some(intent) = j.adopt(T::TYPE_NAME, key, id) {
                tracing::info!(type_name = T::TYPE_NAME, id, "adopted the object an interrupted run created");
                ctx.warnings.push(adopted(T::TYPE_NAME, id, intent.at));
                return Ok(Some(obj));
            }
        }
        j.close_unanswered(T::TYPE_NAME, key);
        Ok(None)
    }

    /// Each round: create; if that failed in a way that may have created the object, look for
    /// it (adopt it if there); only if it is certainly absent, create again. Rounds are bounded
    /// by `max_retries`, like any retry. An error says whether the object may exist.
    async fn create_in_rounds(client: &Client, ctx: &Ctx, planned: &Value, body: &Json) -> Result<Json, (Failure, bool)> {
        let since = SystemTime::now();
        let mut round: u32 = 0;
        loop {
            round += 1;
            let failed = match client.create(&ctx.stop, T::PATH, body, T::ENVELOPE).await {
                Ok(obj) => return Ok(obj),
                Err(e) => e,
            };
            let Some(key) = T::natural_key(planned).filter(|_| failed.may_have_been_applied()) else {
                return Err((Self::diag(&failed, "create", None), failed.may_have_been_applied()));
            };
            tracing::info!(type_name = T::TYPE_NAME, error = %failed, round, "create may have reached Telnyx; looking for the object before trying again");
            match Self::find_existing(client, ctx, &key, since).await {
                Ok(Some(obj)) => {
                    tracing::info!(type_name = T::TYPE_NAME, "adopted the object the failed create made");
                    return Ok(obj);
                }
                // Certainly absent: nothing to lose by creating again, unless we are out of rounds.
                Ok(None) if round <= client.settings().max_retries => continue,
                Ok(None) => return Err((Self::diag(&failed, "create", None), false)),
                Err(e) => {
                    let mut d = Self::diag(&failed, "create", None).diags;
                    d.push(uncertain_create(T::TYPE_NAME, &e));
                    return Err((Failure::new(d), true));
                }
            }
        }
    }
}

/// Object `id` is in Terraform's state: the journal closes the intent that made it.
fn in_state<T: RestObject>(id: &str) {
    if let Some(j) = journal::current() {
        j.seen(T::TYPE_NAME, id);
    }
}

#[async_trait]
impl<T: Exported> Resource<Client> for Rest<T> {
    fn type_name(&self) -> &'static str {
        T::TYPE_NAME
    }
    /// State a community provider wrote under the same type name is read like an import.
    fn upgrade_state(&self, _from_version: i64, raw: serde_json::Value) -> Result<serde_json::Value, Diagnostics> {
        Ok(super::migrate::adapt(&self.schema.get(T::schema).attributes, raw))
    }
    /// A `moved` block from a community provider's resource of the same type.
    fn move_state(&self, source: &tfplug::MoveSource<'_>, raw: serde_json::Value) -> Option<Result<serde_json::Value, Diagnostics>> {
        super::migrate::accepts(source, T::TYPE_NAME).then(|| Ok(super::migrate::adapt(&self.schema.get(T::schema).attributes, raw)))
    }
    fn schema(&self) -> Schema {
        self.schema.get(T::schema).clone()
    }
    fn validate(&self, config: &Value) -> Diagnostics {
        T::validate(config)
    }
    fn identity(&self) -> Option<tfplug::schema::Identity> {
        Some(super::common::id_identity())
    }
    fn list_schema(&self) -> Option<Schema> {
        Some(super::list::list_config_schema::<T>())
    }
    async fn list(&self, client: &Client, ctx: &Ctx, config: &Value, limit: usize) -> Result<Vec<ListedObject>, Failure> {
        super::list::list_states::<T>(client, ctx, config, limit, self.attrs()).await
    }
    /// What `export` would write for the object: also without attributes equal to Telnyx's
    /// documented defaults.
    fn generate_config(&self, state: &Value) -> Value {
        super::configuration::configuration(self.schema.get(T::schema), T::validate, &T::defaults(), state)
    }
    fn modify_plan(&self, req: &PlanRequest<'_>, planned: &mut Planned) -> Diagnostics {
        // Also without a refresh (`-refresh=false`): an object in state is never adopted.
        if let Some(id) = req.prior.get("id").as_str() {
            in_state::<T>(id);
        }
        let mut d = T::modify_plan(req, planned);
        d.extend(super::common::placeholder_secrets(self.attrs(), req.prior, &planned.state, &tfplug::AttrPath::root()));
        d
    }

    async fn create(&self, client: &Client, ctx: &Ctx, planned: &Value) -> Result<Value, Failure> {
        let attrs = self.attrs();
        let mut body = request_body(attrs, planned, &Value::Null, T::CREATE_OMIT);
        T::shape_body(planned, &mut body);
        let write_only = add_write_only(attrs, &ctx.config, &Value::Null, planned, &mut body);
        let (created, adopted) = Self::create_once_only(client, ctx, planned, &body).await?;
        let state = absorb(attrs, &T::combine(without_paths(created, &write_only), None), planned);
        // Update-only fields the configuration sets: a follow-up PATCH. An object adopted from
        // an interrupted run was made from that run's configuration: it gets the whole of this one.
        let follow_up = request_body(attrs, planned, &Value::Null, &[]);
        let needs_patch = T::CREATE_OMIT.iter().any(|p| has_path(&follow_up, p)) || (adopted && T::UPDATE);
        if !needs_patch {
            return Ok(state);
        }
        let id = id_of(&state).map_err(|f| f.with_state(state.clone()))?;
        let (mut patch, patch_write_only) = if adopted {
            let mut whole = request_body(attrs, planned, &Value::Null, T::UPDATE_OMIT);
            let write_only = add_write_only(attrs, &ctx.config, &Value::Null, planned, &mut whole);
            (whole, write_only)
        } else {
            (request_body(attrs, planned, &state, T::UPDATE_OMIT), Default::default())
        };
        T::shape_body(planned, &mut patch);
        match client.update(&ctx.stop, &item_path::<T>(&id), &patch, T::ENVELOPE).await {
            Ok(updated) => Ok(absorb(attrs, &T::combine(without_paths(updated, &patch_write_only), None), &state)),
            // The object exists: keep it in state (tainted) as the API holds it.
            Err(e) => {
                let mut f = Self::diag(&e, "finish creating", Some(&id));
                let fields: Vec<&str> = T::CREATE_OMIT.iter().copied().filter(|p| has_path(&follow_up, p)).collect();
                f.diags.push(if adopted { adopted_not_updated(T::TYPE_NAME, &id) } else { incomplete_create(T::TYPE_NAME, &id, &fields) });
                Err(f.with_state(state))
            }
        }
    }

    async fn read(&self, client: &Client, ctx: &Ctx, state: &Value) -> Result<Option<Value>, Failure> {
        let id = id_of(state)?;
        in_state::<T>(&id);
        let path = item_path::<T>(&id);
        let listed =
            T::BATCH.filters(state).map(|filters| BatchRead { list_path: T::PATH, filters, key: "id", id: &id, object: path.clone() });
        let found = if T::RETRIEVE {
            client.read(&ctx.stop, &path, T::ENVELOPE, listed.as_ref()).await
        } else {
            Self::read_without_get(client, ctx, state, &id, listed.as_ref()).await
        };
        found.map(|obj| obj.map(|o| absorb(self.attrs(), &T::combine(o, None), state))).map_err(|e| Self::diag(&e, "read", Some(&id)))
    }

    async fn update(&self, client: &Client, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, Failure> {
        let attrs = self.attrs();
        let id = id_of(prior)?;
        in_state::<T>(&id);
        if !T::UPDATE {
            return Err(Failure::new(no_patch(T::TYPE_NAME, &id)).with_state(prior.clone()));
        }
        let mut body = request_body(attrs, planned, prior, T::UPDATE_OMIT);
        T::shape_body(planned, &mut body);
        let write_only = add_write_only(attrs, &ctx.config, prior, planned, &mut body);
        match client.update(&ctx.stop, &item_path::<T>(&id), &body, T::ENVELOPE).await {
            Ok(obj) => Ok(absorb(attrs, &T::combine(without_paths(obj, &write_only), None), planned)),
            Err(e) => Err(Self::diag(&e, "update", Some(&id))),
        }
    }

    /// An imported object's first read is its own, never from a listing.
    async fn import(&self, client: &Client, _ctx: &Ctx, id: &str) -> Result<Value, Failure> {
        let state = id_only_state(&self.schema.get(T::schema).ty(), id)?;
        client.read_alone(&item_path::<T>(id));
        Ok(state)
    }

    async fn delete(&self, client: &Client, ctx: &Ctx, state: &Value) -> Result<(), Failure> {
        let id = id_of(state)?;
        in_state::<T>(&id);
        Self::refuse_if_used(client, ctx, &id).await?;
        client.delete(&ctx.stop, &item_path::<T>(&id)).await.map_err(|e| Self::diag(&e, "delete", Some(&id)))
    }
}

/// How much earlier than our first create attempt an object's `created_at` may be and still
/// be the object that attempt made: the clock skew tolerated between this machine and Telnyx.
pub const CLOCK_SKEW: Duration = Duration::from_secs(120);

/// Whether `obj` was created no earlier than `since` (less [`CLOCK_SKEW`]). An object without
/// a readable `created_at` counts as recent: the natural key alone decides then.
fn created_since(obj: &Json, since: SystemTime) -> bool {
    match obj.get("created_at").and_then(Json::as_str).and_then(timestamp::parse) {
        Some(created) => created + CLOCK_SKEW >= since,
        None => true,
    }
}

fn has_path(body: &Json, dotted: &str) -> bool {
    let mut cur = body;
    for seg in dotted.split('.') {
        match cur.get(seg) {
            Some(v) => cur = v,
            None => return false,
        }
    }
    !cur.is_null()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::diagnostics::assert_reads_well;
    use crate::telnyx::error::ApiErrorKind;

    /// The diagnostics the generic CRUD writes itself (API errors: `diagnostics.rs`).
    #[test]
    fn crud_diagnostics_read_well() {
        let lookup = ApiError {
            kind: ApiErrorKind::Server,
            status: Some(503),
            method: "GET".into(),
            path: "/v2/fqdns".into(),
            errors: Vec::new(),
            message: String::new(),
        };
        for d in [
            no_id(),
            uncertain_create("telnyx_fqdn", &lookup),
            incomplete_create("telnyx_fqdn_connection", "42", &["inbound.channel_limit"]),
            incomplete_create("telnyx_fqdn_connection", "42", &["a", "b"]),
            no_patch("telnyx_access_ip_range", "42"),
            unchecked_intent("telnyx_billing_group", SystemTime::UNIX_EPOCH),
            adopted("telnyx_billing_group", "42", SystemTime::UNIX_EPOCH),
            adopted_not_updated("telnyx_billing_group", "42"),
        ] {
            assert_reads_well(&d);
        }
        // A secret left at export's placeholder (common.rs), at the top level and nested.
        let attrs = crate::resources::credential_connection::CredentialConnection::schema().attributes;
        let placeholder = Value::string(crate::resources::common::EXPORT_PLACEHOLDER);
        let planned = Value::Object([("password".to_string(), placeholder)].into_iter().collect());
        let d = crate::resources::common::placeholder_secrets(&attrs, &Value::Null, &planned, &tfplug::AttrPath::root());
        assert_eq!(d.len(), 1, "{d:?}");
        d.iter().for_each(assert_reads_well);
        let incomplete = incomplete_create("telnyx_fqdn_connection", "42", &["a", "b"]);
        assert!(incomplete.detail.starts_with("Telnyx accepts `a`, `b` only on update"), "{}", incomplete.detail);
    }
}
