//! Data sources built on the list endpoints, written once for every object family:
//!
//! * [`List`] — the plural data source (`telnyx_fqdns`, `telnyx_ip_connections`, …): the API's
//!   documented list filters as optional arguments, and every matching object, all pages
//!   walked, in one list attribute of the object's read-only attributes;
//! * [`Find`] — the singular data source with the resource's name: one object by `id`, or by
//!   the attributes that identify it (`name`, `connection_name`, `fqdn` + `connection_id`,
//!   `ip_address` + `connection_id` + `port`, `cidr_block`), found through the list endpoint and
//!   matched exactly; by `id` through `GET /{id}` where the API has it.
//!
//! A family declares [`Listed`] (its filters, and its key); one registry line then adds its
//! data sources.

use std::marker::PhantomData;

use async_trait::async_trait;
use serde_json::Value as Json;

use super::diagnostics::ToDiagnostics;
use super::mapping::{absorb, without_terraform_only};
use super::rest::{RestObject, SchemaCell, item_path};
use crate::telnyx::client::Client;
use crate::telnyx::error::ApiError;
use tfplug::json::to_json;
use tfplug::schema::{Attribute, Presence, int, nested_list, string};
use tfplug::validate::Validator;
use tfplug::{AttrPath, Ctx, DataSource, Diagnostic, Diagnostics, Failure, ListedObject, Schema, Value};

/// What values a list filter takes.
#[derive(Clone, Copy, Debug)]
pub enum FilterKind {
    /// Any string.
    Text,
    /// A string of at least this many characters.
    TextAtLeast(usize),
    /// A port number, 0 to 65535.
    Port,
    /// An RFC 3339 date-time (`2026-01-31T12:00:00Z`).
    DateTime,
    /// A phone number or part of one: sent as its digits alone (at least this many), matched
    /// as a run of the number's digits.
    Digits(usize),
    /// Text the API offers no filter for: never sent, applied by the provider to what the list
    /// answers (as its query form says: `filter[name][contains]`).
    Local,
    /// One of these values (`filter[used_as_emergency]`: `true` or `false`).
    OneOf(&'static [&'static str]),
}

/// One documented list filter: the data source argument and the query key it is sent as.
#[derive(Clone, Copy, Debug)]
pub struct ListFilter {
    /// Argument name, e.g. `connection_name_contains` for `filter[connection_name][contains]`.
    pub arg: &'static str,
    /// Query key on the wire.
    pub query: &'static str,
    pub kind: FilterKind,
    /// Markdown.
    pub desc: &'static str,
}

impl ListFilter {
    pub const fn text(arg: &'static str, query: &'static str, desc: &'static str) -> ListFilter {
        ListFilter { arg, query, kind: FilterKind::Text, desc }
    }

    /// The query parameter for `v`; `None` when null, or shorter than the API accepts (the
    /// lookup then lists without it and matches on the provider's side).
    pub fn query_for(&self, v: &Value) -> Option<(String, String)> {
        let q = query_value(v)?;
        match self.kind {
            FilterKind::TextAtLeast(n) if q.chars().count() < n => None,
            FilterKind::Local => None,
            FilterKind::Digits(n) => {
                let digits: String = q.chars().filter(char::is_ascii_digit).collect();
                (digits.len() >= n).then(|| (self.query.to_string(), digits))
            }
            _ => Some((self.query.to_string(), q)),
        }
    }

    pub fn attribute(&self) -> Attribute {
        let a = match self.kind {
            FilterKind::Text => string(self.arg),
            FilterKind::TextAtLeast(n) => string(self.arg).length(n, usize::MAX),
            FilterKind::Port => int(self.arg).between(0, 65_535),
            FilterKind::DateTime => string(self.arg)
                .validate(Validator::Check { describe: "an RFC 3339 date-time such as `2026-01-31T12:00:00Z`", check: is_date_time }),
            FilterKind::Digits(_) => string(self.arg).validate(Validator::Check {
                describe: "at least three digits, optionally after a `+` (`+1312`, `5550100`)",
                check: is_number_part,
            }),
            FilterKind::Local => string(self.arg),
            FilterKind::OneOf(values) => string(self.arg).one_of(values),
        };
        a.optional().desc(self.desc)
    }
}

/// Part of a phone number: an optional `+`, then at least three digits.
fn is_number_part(v: &Value) -> bool {
    v.as_str().is_some_and(|s| {
        let d = s.strip_prefix('+').unwrap_or(s);
        d.len() >= 3 && d.bytes().all(|b| b.is_ascii_digit())
    })
}

/// An RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS`, an optional fraction, then `Z` or `±HH:MM`.
fn is_date_time(v: &Value) -> bool {
    v.as_str().and_then(crate::telnyx::timestamp::parse).is_some()
}

/// Settings of each object served apart from it (a phone number's voice settings): read
/// with `GET {item}{item_suffix}`, listed with `GET {list_path}`, held under `attr`.
#[derive(Clone, Copy, Debug)]
pub struct SubView {
    pub attr: &'static str,
    pub item_suffix: &'static str,
    pub list_path: &'static str,
}

/// A family with a list endpoint and documented filters.
pub trait Listed: RestObject {
    /// What one object is called in prose, and several: `("FQDN record", "FQDN records")`.
    const NOUN: (&'static str, &'static str);
    /// The plural data source, e.g. `telnyx_fqdns`.
    const LIST_TYPE_NAME: &'static str;
    /// The list attribute holding the objects, e.g. `fqdns`.
    const LIST_ATTR: &'static str;
    /// The documented filters of the list endpoint.
    const FILTERS: &'static [ListFilter];
    /// Where objects hold what a filter tests, for filters whose field is not the one their
    /// query key names (by argument; see [`list_filtered`]).
    const FILTER_FIELDS: &'static [(&'static str, FilterField)] = &[];
    /// For [`Find`]: the attributes that identify one object, each with the `arg` of the filter
    /// in `FILTERS` that narrows the listing to it (objects listed are then matched exactly).
    /// The first is the lookup argument; the others only narrow it.
    const KEY: &'static [(&'static str, &'static str)];
    /// Settings served apart from the object, which the data sources read too.
    const SUB_VIEW: Option<SubView> = None;

    /// An API object as the family reads it, shaped like the schema: with its sub-view's
    /// settings (`None`: not read), and fields derived from others (a telephony credential's
    /// `connection_id` from `resource_id`). The generic resource applies it to every answer it
    /// reads into state; `export` to every listed object.
    fn combine(obj: Json, _sub: Option<&Json>) -> Json {
        obj
    }

    /// The object's schema as its data sources read it: the resource's, unless the family
    /// reports more (values other objects' changes move, which a resource must not hold).
    fn read_schema() -> Schema {
        Self::schema()
    }
}

/// Up to this many listed objects read their sub-view with one GET each; more are joined with
/// one listing of the sub-views (of the whole account: the sub-view list has fewer filters).
const FEW: usize = 8;

/// `obj` with its sub-view read by its own GET (families without one: as it is).
async fn with_sub_view<T: Listed>(client: &Client, ctx: &Ctx, obj: Json) -> Result<Json, crate::telnyx::error::ApiError> {
    let Some(sv) = T::SUB_VIEW else { return Ok(obj) };
    let id = obj.get("id").and_then(Json::as_str).unwrap_or_default().to_string();
    let sub = client.get(&ctx.stop, &format!("{}{}", item_path::<T>(&id), sv.item_suffix), T::ENVELOPE).await?;
    Ok(T::combine(obj, Some(&sub)))
}

/// The object's attributes as read-only list items (secrets left out: lists mask them).
fn item_attributes(schema: Schema) -> Vec<Attribute> {
    without_terraform_only(schema.attributes).into_iter().filter(|a| !a.sensitive).map(|a| a.into_read_only(true)).collect()
}

/// A configured argument as a query value.
fn query_value(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(_) => Some(to_json(v).to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Whether an API field holds the configured value (numbers compared by value).
fn holds(api: Option<&Json>, want: &Value) -> bool {
    match (api, want) {
        (Some(Json::Number(a)), Value::Number(w)) => a.as_f64() == Some(w.as_f64()),
        (Some(a), w) => *a == to_json(w),
        (None, _) => false,
    }
}

/// Where a listed object holds what a filter tests.
#[derive(Clone, Copy, Debug)]
pub enum FilterField {
    /// A (dotted) field of the object, e.g. `outbound.outbound_voice_profile_id`.
    Path(&'static str),
    /// Objects of the list at `list` hold the value (in the filter's own field) and name this
    /// object's id in `link`: a connection's FQDN records (`/fqdns`, `connection_id`).
    Linked { list: &'static str, link: &'static str },
    /// A (dotted) list field of the object, one of whose items must pass: a number's `tags`
    /// for `filter[tag]`.
    Member(&'static str),
    /// Nothing the provider can check: the API's answer is taken as it is.
    Unchecked,
}

/// How a filter's value compares with the field, read from its documented wire form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Compare {
    /// `filter[f]`: the same value (numbers by value).
    Exact,
    /// `filter[f][contains]`, `[startswith]`, `[endswith]`: case-insensitive text.
    Contains,
    StartsWith,
    EndsWith,
    /// A run of the field's digits (a phone number).
    Digits,
}

impl ListFilter {
    /// The field this filter tests (`filter[f]…` tests `f`) and the comparison. Date-time
    /// filters are left to the API: it may write the same instant in another form.
    fn recheck(&self) -> Option<(&'static str, Compare)> {
        if matches!(self.kind, FilterKind::DateTime) {
            return None;
        }
        let inner = self.query.strip_prefix("filter[")?.strip_suffix(']')?;
        let (field, op) = inner.split_once("][").unwrap_or((inner, ""));
        if matches!(self.kind, FilterKind::Digits(_)) {
            return Some((inner, Compare::Digits));
        }
        let how = match op {
            "" | "eq" => Compare::Exact,
            "contains" => Compare::Contains,
            "startswith" | "starts_with" => Compare::StartsWith,
            "endswith" | "ends_with" => Compare::EndsWith,
            _ => return None,
        };
        Some((field, how))
    }
}

/// Whether a field value passes a filter value (text comparisons ignore case, as the API's do).
fn passes(have: Option<&Json>, want: &Value, how: Compare) -> bool {
    if how == Compare::Exact {
        return holds(have, want);
    }
    let (Some(Json::String(h)), Some(w)) = (have, want.as_str()) else { return false };
    if how == Compare::Digits {
        let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
        return digits(h).contains(&digits(w));
    }
    let (h, w) = (h.to_lowercase(), w.to_lowercase());
    match how {
        Compare::Contains => h.contains(&w),
        Compare::StartsWith => h.starts_with(&w),
        _ => h.ends_with(&w),
    }
}

fn at<'a>(obj: &'a Json, dotted: &str) -> Option<&'a Json> {
    dotted.split('.').try_fold(obj, |o, k| o.get(k))
}

/// The query of the configured filters of `filters`.
pub fn query(filters: &[ListFilter], config: &Value) -> Vec<(String, String)> {
    // Minimum lengths are checked at plan time, so `query_for` leaves out only local filters.
    filters.iter().filter_map(|f| f.query_for(config.get(f.arg))).collect()
}

/// Lists `path` with the configured filters, and applies every filter again to what the API
/// answered: the reference cannot say which filter names each list honours (§10, §11), and a
/// server that ignores one must never make a data source return objects it excludes.
/// `fields` says where an object holds what a filter tests, where that is not the field the
/// query key names (`filter[f]` tests `f`); `extra` are further query parameters (`sort`).
pub async fn list_filtered(
    client: &Client,
    ctx: &Ctx,
    path: &str,
    filters: &[ListFilter],
    fields: &[(&str, FilterField)],
    config: &Value,
    extra: &[(&str, &str)],
) -> Result<Vec<Json>, crate::telnyx::error::ApiError> {
    list_filtered_upto(client, ctx, path, filters, fields, config, extra, usize::MAX).await
}

/// One configured filter, as a test of one listed object.
type ObjectTest = Box<dyn Fn(&Json) -> bool + Send + Sync>;

/// [`list_filtered`] that stops fetching pages once `limit` objects pass the filters.
#[allow(clippy::too_many_arguments)]
async fn list_filtered_upto(
    client: &Client,
    ctx: &Ctx,
    path: &str,
    filters: &[ListFilter],
    fields: &[(&str, FilterField)],
    config: &Value,
    extra: &[(&str, &str)],
    limit: usize,
) -> Result<Vec<Json>, crate::telnyx::error::ApiError> {
    let mut q = query(filters, config);
    q.extend(extra.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())));
    // Each configured filter, as a test of one object; a linked filter lists its link first.
    let mut tests: Vec<ObjectTest> = Vec::new();
    for f in filters {
        let want = config.get(f.arg);
        if want.is_null() || !want.is_known() {
            continue;
        }
        let Some((own, how)) = f.recheck() else { continue };
        let want = want.clone();
        match fields.iter().find(|(arg, _)| *arg == f.arg).map_or(FilterField::Path(own), |(_, w)| *w) {
            FilterField::Path(field) => tests.push(Box::new(move |o| passes(at(o, field), &want, how))),
            FilterField::Member(field) => tests.push(Box::new(move |o| {
                at(o, field).and_then(Json::as_array).is_some_and(|xs| xs.iter().any(|x| passes(Some(x), &want, how)))
            })),
            FilterField::Linked { list, link } => {
                let linked = client.list_all(&ctx.stop, list, &[(f.query.to_string(), query_value(&want).unwrap_or_default())]).await?;
                let ids: Vec<Json> =
                    linked.iter().filter(|r| passes(r.get(own), &want, how)).filter_map(|r| r.get(link).cloned()).collect();
                tests.push(Box::new(move |o| o.get("id").is_some_and(|id| ids.contains(id))));
            }
            FilterField::Unchecked => {}
        }
    }
    let mut items = Vec::new();
    let mut pages = client.pages(&ctx.stop, path, &q);
    while items.len() < limit {
        let Some(page) = pages.next().await? else { break };
        items.extend(page.into_iter().filter(|o| tests.iter().all(|t| t(o))));
    }
    items.truncate(limit);
    Ok(items)
}

/// The plural data source of a [`Listed`] family.
#[derive(Debug)]
pub struct List<T> {
    schema: SchemaCell,
    of: PhantomData<T>,
}

impl<T> Default for List<T> {
    fn default() -> Self {
        List { schema: SchemaCell::default(), of: PhantomData }
    }
}

impl<T: Listed> List<T> {
    fn built(&self) -> &Schema {
        self.schema.get(|| {
            let (one, many) = T::NOUN;
            let mut s = Schema::new(format!(
                "Lists the {many} that match all the given filters (no filter: every {one}), walking every page of `GET {}`.",
                T::PATH
            ));
            for f in T::FILTERS {
                s = s.attr(f.attribute());
            }
            s.attr(
                nested_list(T::LIST_ATTR, item_attributes(T::read_schema()))
                    .computed()
                    .desc(format!("The matching objects, in the order the API lists them. Each has the attributes of `{}`.", T::TYPE_NAME)),
            )
        })
    }

    /// The attributes of one listed object.
    fn item_attrs(&self) -> &[Attribute] {
        self.built().get(T::LIST_ATTR).map(Attribute::children).unwrap_or(&[])
    }
}

#[async_trait]
impl<T: Listed> DataSource<Client> for List<T> {
    fn type_name(&self) -> &'static str {
        T::LIST_TYPE_NAME
    }

    fn schema(&self) -> Schema {
        self.built().clone()
    }

    async fn read(&self, client: &Client, ctx: &Ctx, config: &Value) -> Result<Value, Failure> {
        let items = listed_objects::<T>(client, ctx, config, usize::MAX)
            .await
            .map_err(|e| Failure::new(e.to_diagnostics("list", T::LIST_TYPE_NAME, None)))?;
        let attrs = self.item_attrs();
        let mut out = config.clone();
        out.set(T::LIST_ATTR, Value::List(items.iter().map(|o| absorb(attrs, o, &Value::Null)).collect()));
        Ok(out)
    }
}

/// The objects of a family that the list `config` (its filter arguments) selects, at most
/// `limit` of them (pages are fetched until that many are found, or all are walked), with their sub-view's settings: what the plural data
/// source and the list resource both report.
async fn listed_objects<T: Listed>(client: &Client, ctx: &Ctx, config: &Value, limit: usize) -> Result<Vec<Json>, ApiError> {
    let items = list_filtered_upto(client, ctx, T::PATH, T::FILTERS, T::FILTER_FIELDS, config, &[], limit).await?;
    let (Some(sv), false) = (T::SUB_VIEW, items.is_empty()) else { return Ok(items) };
    if items.len() <= FEW {
        // A few objects: their own GETs, not a listing of the whole account's settings.
        let mut read = Vec::with_capacity(items.len());
        for o in items {
            read.push(with_sub_view::<T>(client, ctx, o).await?);
        }
        return Ok(read);
    }
    // One listing of every object's settings, joined by id (not one GET per object).
    let subs = client.list_all(&ctx.stop, sv.list_path, &[]).await?;
    let by_id: std::collections::HashMap<&str, &Json> = subs.iter().filter_map(|s| Some((s.get("id")?.as_str()?, s))).collect();
    Ok(items
        .into_iter()
        .map(|o| {
            let sub = o.get("id").and_then(Json::as_str).and_then(|id| by_id.get(id).copied());
            T::combine(o, sub)
        })
        .collect())
}

// ---- list resources (Terraform >= 1.14 `list` blocks) ----------------------------------------

/// The `config` block of a family's list resource: the filters of its plural data source.
pub fn list_config_schema<T: Listed>() -> Schema {
    let (one, many) = T::NOUN;
    let mut s = Schema::new(format!(
        "Lists the {many} that match all the given filters (no filter: every {one}) for `terraform query` (Terraform ≥ 1.14), \
         walking every page of `GET {}`.",
        T::PATH
    ));
    for f in T::FILTERS {
        s = s.attr(f.attribute());
    }
    s
}

/// The objects a list resource's `config` selects (at most `limit`), each read into the
/// resource's state (`attrs`) and named by its natural key (`KEY`'s first attribute) or id.
pub async fn list_states<T: Listed>(
    client: &Client,
    ctx: &Ctx,
    config: &Value,
    limit: usize,
    attrs: &[Attribute],
) -> Result<Vec<ListedObject>, Failure> {
    let items =
        listed_objects::<T>(client, ctx, config, limit).await.map_err(|e| Failure::new(e.to_diagnostics("list", T::TYPE_NAME, None)))?;
    Ok(items
        .iter()
        .map(|o| {
            let key = T::KEY.first().and_then(|(k, _)| o.get(*k)).and_then(Json::as_str).filter(|s| !s.is_empty());
            let id = o.get("id").and_then(Json::as_str).unwrap_or_default();
            ListedObject { display_name: key.unwrap_or(id).to_string(), state: absorb(attrs, &T::combine(o.clone(), None), &Value::Null) }
        })
        .collect())
}

/// A resource schema turned read-only, with `id` and the `lookup` arguments optional.
fn data_source_schema(resource: Schema, lookup: &[&str], description: String) -> Schema {
    let mut s = Schema::new(description);
    for a in without_terraform_only(resource.attributes) {
        if a.name == "id" || lookup.contains(&a.name.as_str()) {
            let mut arg = a;
            arg.presence = Presence::OptionalComputed;
            arg.plan_modifiers.clear();
            s = s.attr(arg);
        } else {
            s = s.attr(a.into_read_only(false));
        }
    }
    s
}

/// The singular data source of a [`Listed`] family: by `id`, or by its `KEY`.
#[derive(Debug)]
pub struct Find<T> {
    schema: SchemaCell,
    of: PhantomData<T>,
}

impl<T> Default for Find<T> {
    fn default() -> Self {
        Find { schema: SchemaCell::default(), of: PhantomData }
    }
}

impl<T: Listed> Find<T> {
    fn built(&self) -> &Schema {
        self.schema.get(|| {
            let what = T::NOUN.0;
            let narrow = if T::KEY.len() > 1 {
                format!(" (narrowed by {})", Self::narrowing().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(" and "))
            } else {
                String::new()
            };
            let key: Vec<&str> = T::KEY.iter().map(|(k, _)| *k).collect();
            data_source_schema(
                T::read_schema(),
                &key,
                format!("Looks up one existing {what} by `id`, or by `{}`{narrow}. Exactly one object must match.", Self::key_arg()),
            )
        })
    }

    fn key_arg() -> &'static str {
        T::KEY.first().map_or("id", |(k, _)| *k)
    }

    /// The attributes that only narrow a lookup by the key argument.
    fn narrowing() -> impl Iterator<Item = &'static str> {
        T::KEY.iter().skip(1).map(|(k, _)| *k)
    }

    fn not_found(what: &str) -> Failure {
        Diagnostic::error(format!("No {} found", T::TYPE_NAME), format!("No {} has {what}.", T::NOUN.0)).into()
    }

    fn one(attrs: &[Attribute], found: &[&Json], what: &str) -> Result<Value, Failure> {
        match found {
            [one] => Ok(absorb(attrs, one, &Value::Null)),
            [] => Err(Self::not_found(what)),
            many => Err(Diagnostic::error(
                format!("Several {} objects match", T::TYPE_NAME),
                format!(
                    "{} objects have {what} (ids: {}). Narrow the lookup{} or look the object up by `id`.",
                    many.len(),
                    many.iter().filter_map(|o| o.get("id").and_then(Json::as_str)).collect::<Vec<_>>().join(", "),
                    if T::KEY.len() > 1 {
                        format!(" with {}", Self::narrowing().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(" or "))
                    } else {
                        String::new()
                    }
                ),
            )
            .into()),
        }
    }
}

#[async_trait]
impl<T: Listed> DataSource<Client> for Find<T> {
    fn type_name(&self) -> &'static str {
        T::TYPE_NAME
    }

    fn schema(&self) -> Schema {
        self.built().clone()
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut d = Diagnostics::new();
        let id = config.get("id");
        let key = config.get(Self::key_arg());
        let narrowing: Vec<&str> = Self::narrowing().filter(|k| !config.get(k).is_null()).collect();
        if !id.is_null() && (!key.is_null() || !narrowing.is_empty()) {
            let mut others = vec![Self::key_arg()];
            others.extend(narrowing.iter().copied());
            d.push(
                Diagnostic::error(
                    "Conflicting lookup arguments",
                    format!("Set either `id`, or `{}` (and the arguments that narrow it), not both.", others.join("`, `")),
                )
                .at(AttrPath::attr("id")),
            );
        } else if id.is_null() && key.is_null() && !id.is_unknown() && !key.is_unknown() {
            if narrowing.is_empty() {
                d.error("Missing lookup argument", format!("Set `id` or `{}` to choose the {}.", Self::key_arg(), T::NOUN.0));
            } else {
                d.push(
                    Diagnostic::error(
                        "Missing lookup argument",
                        format!(
                            "`{}` only narrows a lookup by `{}`: set `{}` too, or look the object up by `id`.",
                            narrowing[0],
                            Self::key_arg(),
                            Self::key_arg()
                        ),
                    )
                    .at(AttrPath::attr(Self::key_arg())),
                );
            }
        }
        d
    }

    async fn read(&self, client: &Client, ctx: &Ctx, config: &Value) -> Result<Value, Failure> {
        let attrs = &self.built().attributes;
        let list_error = |e: crate::telnyx::error::ApiError| Failure::new(e.to_diagnostics("list", T::TYPE_NAME, None));
        if let Some(id) = config.get("id").as_str() {
            if T::RETRIEVE {
                let read_error = |e: crate::telnyx::error::ApiError| Failure::new(e.to_diagnostics("read", T::TYPE_NAME, Some(id)));
                let obj = client.get(&ctx.stop, &item_path::<T>(id), T::ENVELOPE).await.map_err(read_error)?;
                let obj = with_sub_view::<T>(client, ctx, obj).await.map_err(read_error)?;
                return Ok(absorb(attrs, &obj, &Value::Null));
            }
            let items = client.list_all(&ctx.stop, T::PATH, &[]).await.map_err(list_error)?;
            let found: Vec<&Json> = items.iter().filter(|o| o.get("id").and_then(Json::as_str) == Some(id)).collect();
            return Self::one(attrs, &found, &format!("id = {id:?}"));
        }
        let set: Vec<(&str, &str, &Value)> =
            T::KEY.iter().map(|(k, arg)| (*k, *arg, config.get(k))).filter(|(_, _, v)| !v.is_null()).collect();
        let filters: Vec<(String, String)> =
            set.iter().filter_map(|(_, arg, v)| T::FILTERS.iter().find(|f| f.arg == *arg)?.query_for(v)).collect();
        let items = client.list_all(&ctx.stop, T::PATH, &filters).await.map_err(list_error)?;
        let found: Vec<&Json> = items.iter().filter(|o| set.iter().all(|(k, _, v)| holds(o.get(*k), v))).collect();
        let what = set.iter().map(|(k, _, v)| format!("{k} = {}", tfplug::validate::show(v))).collect::<Vec<_>>().join(" and ");
        if let ([one], Some(_)) = (found.as_slice(), T::SUB_VIEW) {
            let obj = with_sub_view::<T>(client, ctx, (*one).clone()).await.map_err(list_error)?;
            return Self::one(attrs, &[&obj], &what);
        }
        Self::one(attrs, &found, &what)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::connection::NAME_CONTAINS;
    use crate::resources::credential_connection::CredentialConnection;
    use crate::resources::fqdn_connection::FqdnConnection;
    use crate::resources::ip_connection::IpConnection;
    use crate::resources::outbound_voice_profile::OutboundVoiceProfile;

    #[test]
    fn date_times() {
        for ok in ["2026-01-31T12:00:00Z", "2026-01-31T12:00:00.123Z", "2026-01-31T12:00:00+02:00"] {
            assert!(is_date_time(&Value::string(ok)), "{ok}");
        }
        for bad in ["2026-01-31", "2026-13-01T00:00:00Z", "2026-01-31T12:00:00", "2026-01-31T12:00:00.Z", "yesterday"] {
            assert!(!is_date_time(&Value::string(bad)), "{bad}");
        }
    }

    #[test]
    fn list_items_are_read_only_and_keep_no_secrets() {
        let items = item_attributes(CredentialConnection::schema());
        assert!(items.iter().all(|a| a.name != "password"));
        fn all_computed(a: &[Attribute]) -> bool {
            a.iter().all(|x| x.presence == tfplug::schema::Presence::Computed && x.validators.is_empty() && all_computed(x.children()))
        }
        assert!(all_computed(&items));
        assert!(items.iter().any(|a| a.name == "inbound" && !a.children().is_empty()));
    }

    #[test]
    fn filters_are_rechecked_by_their_wire_form() {
        use super::super::access_ip_range::AccessIpRange;
        use super::super::fqdn::Fqdn;
        let of = |fs: &[ListFilter], arg: &str| fs.iter().find(|f| f.arg == arg).and_then(ListFilter::recheck);
        assert_eq!(of(Fqdn::FILTERS, "port"), Some(("port", Compare::Exact)));
        assert_eq!(of(CredentialConnection::FILTERS, "connection_name_contains"), Some(("connection_name", Compare::Contains)));
        assert_eq!(of(OutboundVoiceProfile::FILTERS, "name_contains"), Some(("name", Compare::Contains)));
        assert_eq!(of(AccessIpRange::FILTERS, "cidr_block_startswith"), Some(("cidr_block", Compare::StartsWith)));
        assert_eq!(of(AccessIpRange::FILTERS, "cidr_block_endswith"), Some(("cidr_block", Compare::EndsWith)));
        assert!(AccessIpRange::FILTERS.iter().filter(|f| matches!(f.kind, FilterKind::DateTime)).all(|f| f.recheck().is_none()));
        assert!(passes(Some(&serde_json::json!("Alpha-Trunk")), &Value::string("TRUNK"), Compare::Contains));
        assert!(!passes(Some(&serde_json::json!("Alpha")), &Value::string("beta"), Compare::Contains));
        assert!(passes(Some(&serde_json::json!("203.0.113.0/24")), &Value::string("203."), Compare::StartsWith));
        assert!(!passes(Some(&serde_json::json!("203.0.113.0/24")), &Value::string("/32"), Compare::EndsWith));
        assert!(!passes(None, &Value::string("a"), Compare::Contains));
        assert!(
            !passes(Some(&serde_json::json!("SIP.example.com")), &Value::string("sip.example.com"), Compare::Exact),
            "exact is case-sensitive"
        );
        let conn = serde_json::json!({"id": "1", "outbound": {"outbound_voice_profile_id": "42"}});
        assert_eq!(at(&conn, "outbound.outbound_voice_profile_id"), Some(&serde_json::json!("42")));
        assert_eq!(at(&conn, "outbound.missing"), None);
    }

    #[test]
    fn every_connection_list_offers_the_documented_filters() {
        for filters in [CredentialConnection::FILTERS, FqdnConnection::FILTERS, IpConnection::FILTERS] {
            let args: Vec<&str> = filters.iter().map(|f| f.arg).collect();
            assert_eq!(args, ["connection_name_contains", "fqdn", "outbound_voice_profile_id"]);
        }
    }

    #[test]
    fn lookup_keys_name_their_filters_and_short_names_are_matched_locally() {
        fn keys_resolve<T: Listed>() {
            for (attr, arg) in T::KEY {
                assert!(T::FILTERS.iter().any(|f| f.arg == *arg), "{}: {attr} -> {arg}", T::TYPE_NAME);
                assert!(T::schema().get(attr).is_some(), "{}: {attr}", T::TYPE_NAME);
            }
            assert!(!T::KEY.is_empty(), "{}", T::TYPE_NAME);
        }
        keys_resolve::<OutboundVoiceProfile>();
        keys_resolve::<CredentialConnection>();
        keys_resolve::<FqdnConnection>();
        keys_resolve::<IpConnection>();
        keys_resolve::<super::super::fqdn::Fqdn>();
        keys_resolve::<super::super::ip::Ip>();
        keys_resolve::<super::super::access_ip_range::AccessIpRange>();
        // The API rejects a name filter under 3 characters: such a lookup lists unfiltered.
        assert_eq!(NAME_CONTAINS.query_for(&Value::string("ab")), None);
        assert_eq!(
            NAME_CONTAINS.query_for(&Value::string("abc")),
            Some(("filter[connection_name][contains]".to_string(), "abc".to_string()))
        );
        assert_eq!(NAME_CONTAINS.query_for(&Value::Null), None);
    }

    #[test]
    fn values_compare_by_value() {
        assert!(holds(Some(&serde_json::json!(5060)), &Value::int(5060)));
        assert!(!holds(Some(&serde_json::json!(5061)), &Value::int(5060)));
        assert!(holds(Some(&serde_json::json!("a")), &Value::string("a")));
        assert!(!holds(None, &Value::string("a")));
        assert_eq!(query_value(&Value::int(5060)).as_deref(), Some("5060"));
    }

    /// Bug: a list resource's `limit` was applied after every page had been fetched. Three
    /// pages of 10 profiles; a limit of 5 needs the first page alone.
    #[tokio::test]
    async fn a_list_limit_stops_fetching_pages() {
        use crate::telnyx::testserver::{Script, json_reply};
        let s = Script::serve(|seen| {
            let n: u64 = seen.target.split(['?', '&']).find_map(|kv| kv.strip_prefix("page%5Bnumber%5D=")?.parse().ok()).unwrap_or(0);
            let data: Vec<Json> = (0..10).map(|i| serde_json::json!({"id": format!("{n}-{i}"), "name": format!("p{n}-{i}")})).collect();
            json_reply(200, &serde_json::json!({"data": data, "meta": {"page_number": n, "total_pages": 3}}).to_string())
        })
        .await;
        let client = s.client(0, std::time::Duration::from_secs(5));
        let attrs = OutboundVoiceProfile::schema().attributes;
        let got = list_states::<OutboundVoiceProfile>(&client, &Ctx::default(), &Value::Null, 5, &attrs).await.unwrap();
        assert_eq!(got.iter().map(|o| o.display_name.as_str()).collect::<Vec<_>>(), ["p1-0", "p1-1", "p1-2", "p1-3", "p1-4"]);
        assert_eq!(s.seen().len(), 1, "one page holds the 5 objects asked for");
        // Without a limit every page is walked.
        let all = list_states::<OutboundVoiceProfile>(&client, &Ctx::default(), &Value::Null, usize::MAX, &attrs).await.unwrap();
        assert_eq!(all.len(), 30);
    }
}
