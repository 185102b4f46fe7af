//! The generic planner. No resource writes planning rules by hand; they declare presence,
//! defaults and plan modifiers in the schema, and this module turns them into plans that
//! satisfy Terraform's consistency rules:
//!
//! 1. defaults fill unconfigured optional+computed attributes;
//! 2. if anything changed (or the resource is new), unconfigured computed attributes become
//!    unknown;
//! 3. each attribute's plan modifiers ([`PlanModifier`], terraform-plugin-framework's
//!    `planmodifier` idea) run in declaration order, outer attributes before inner ones:
//!    [`KeepState`] puts back the prior value of an attribute step 2 made unknown,
//!    [`ReplaceOnChange`] reports a changed attribute for replacement, and a resource's own
//!    modifiers run the same way; replacement paths come out sorted;
//! 4. an optional resource hook may adjust computed values; [`check_plan`] then verifies the
//!    result against Terraform's rules, so a hook bug is a clear error instead of
//!    "Provider produced invalid plan";
//! 5. after apply, [`reconcile`] keeps every known planned value, and fills unknowns from the
//!    API's answer, so "Provider produced inconsistent result after apply" cannot happen.
//!
//! Lists and sets of objects (`nested_list`, `nested_set`):
//! * a list is planned element by element, each element's prior being the prior element at
//!   the same index (as Terraform correlates list elements): defaults, unknown computed members
//!   whenever the resource changes (as in a single nested object), modifiers with paths such as
//!   `rules[1].name`. An element past the end of the prior list has no prior: [`KeepState`]
//!   leaves its members unknown, and a [`ReplaceOnChange`] member it sets replaces the resource
//!   (its prior value was null), as terraform-plugin-framework's `RequiresReplace` does.
//! * a set's elements are matched by value: each configured element is paired with the first
//!   unused prior element it conforms to (every member the configuration sets is equal to the
//!   prior one, by the attribute's equivalence; every member it leaves null is null in the prior
//!   element, or anything where computed, or the default where there is one). A paired element
//!   is planned as that prior element, computed members included, even when something else in
//!   the resource changes: an unchanged element stays the same element. An unpaired element is
//!   new and planned like a created object: defaults, computed members unknown (no prior value
//!   to keep), modifiers with a null prior; a [`ReplaceOnChange`] member in it replaces the
//!   resource. Set elements cannot be addressed in the protocol, so modifier and replacement
//!   paths inside a set stop at the set.
//! * a removed element, of a list or a set, runs no modifiers; a modifier on the list or set
//!   attribute itself sees the whole collection.

use std::fmt;

use super::diag::{AttrPath, Diagnostic, Diagnostics};
use super::schema::{Attribute, Kind, Nesting, Presence};
use super::validate::show_attribute;
use super::value::Value;

static NULL: Value = Value::Null;

/// An adjustment of one attribute's planned value. `Send + Sync` because schemas are shared by
/// the server's tasks; `Debug` so that schemas print.
pub trait PlanModifier: Send + Sync + fmt::Debug {
    /// What the modifier does, one sentence of Markdown.
    fn description(&self) -> String;

    /// The sentence the generated documentation adds to an attribute described as
    /// `attribute_description`, if any: by default the [`description`](Self::description),
    /// unless the attribute's description already contains it.
    fn doc_note(&self, attribute_description: &str) -> Option<String> {
        let d = self.description();
        (!d.is_empty() && !attribute_description.contains(d.as_str())).then_some(d)
    }

    /// A mistake in declaring this modifier on `attribute` (e.g. [`KeepState`] on an attribute
    /// the provider never sets), reported by [`Schema::check`](crate::schema::Schema::check).
    fn schema_error(&self, attribute: &Attribute) -> Option<String> {
        let _ = attribute;
        None
    }

    /// Adjusts `resp.planned` (which starts as `req.planned`) or sets `resp.requires_replace`.
    /// A modifier cannot fail: checks of the configuration belong in validators.
    fn modify(&self, req: &ModifyRequest<'_>, resp: &mut ModifyResponse);
}

/// What a plan modifier sees of one attribute.
#[derive(Debug)]
pub struct ModifyRequest<'a> {
    /// The attribute's path; inside a set, the set's (elements cannot be addressed).
    pub path: &'a AttrPath,
    /// The attribute's schema.
    pub attribute: &'a Attribute,
    /// The configured value (null when unset; may be unknown).
    pub config: &'a Value,
    /// The prior state's value: null on create, and where the object holding the attribute
    /// is new (see `in_prior`).
    pub prior: &'a Value,
    /// The plan so far, earlier modifiers included.
    pub planned: &'a Value,
    /// Whether the object holding the attribute exists in the prior state: the resource, the
    /// enclosing nested object, the list element at the same index or the paired set element.
    pub in_prior: bool,
    /// Whether the resource is being created.
    pub creating: bool,
}

/// What a plan modifier decides.
#[derive(Debug)]
pub struct ModifyResponse {
    /// The planned value; the request's unless the modifier changes it.
    pub planned: Value,
    /// Whether this attribute's change replaces the resource.
    pub requires_replace: bool,
}

/// Keeps the prior value (null included) of an attribute the configuration leaves to the
/// provider, where step 2 would plan it unknown because something else changed; unknown only
/// where the object holding it is new. terraform-plugin-framework's `UseStateForUnknown`, except
/// that a null prior value is kept too: the API holds none and will hold none after the update.
/// Built by [`Attribute::keep_state`].
#[derive(Clone, Copy, Debug, Default)]
pub struct KeepState;

impl PlanModifier for KeepState {
    fn description(&self) -> String {
        "Keeps its prior value when the configuration leaves it to the provider.".into()
    }
    /// Nothing: the docs say what an attribute holds, not how its plan is built.
    fn doc_note(&self, _attribute_description: &str) -> Option<String> {
        None
    }
    fn schema_error(&self, attribute: &Attribute) -> Option<String> {
        (!attribute.presence.is_computed()).then(|| "keep_state needs a computed attribute".to_string())
    }
    fn modify(&self, req: &ModifyRequest<'_>, resp: &mut ModifyResponse) {
        if req.in_prior && req.config.is_null() && req.planned.is_unknown() {
            resp.planned = req.prior.clone();
        }
    }
}

/// Replaces the resource when the planned value differs from the prior one, unless the
/// configuration leaves the attribute to the provider (computed and unset: then the change is
/// not the user's) or the resource is being created. Built by [`Attribute::replace_on_change`].
#[derive(Clone, Copy, Debug, Default)]
pub struct ReplaceOnChange;

impl PlanModifier for ReplaceOnChange {
    fn description(&self) -> String {
        "Changing it replaces the object.".into()
    }
    /// The description, unless the attribute's own says so already ("… replaces the
    /// connection.").
    fn doc_note(&self, attribute_description: &str) -> Option<String> {
        (!attribute_description.contains("replaces the")).then(|| self.description())
    }
    fn modify(&self, req: &ModifyRequest<'_>, resp: &mut ModifyResponse) {
        let provider_decides = req.config.is_null() && req.attribute.presence.is_computed();
        if !req.creating && req.planned != req.prior && !provider_decides {
            resp.requires_replace = true;
        }
    }
}

/// A planned new state and the attribute paths that force replacement.
#[derive(Clone, Debug)]
pub struct Planned {
    /// The planned new state (null for a destroy).
    pub state: Value,
    /// Paths whose change replaces the resource; empty for an in-place update.
    pub requires_replace: Vec<AttrPath>,
}

/// Plans a create or update. `proposed` is Terraform's proposed new state (config merged
/// with prior computed values). A null `proposed` is a destroy and plans null.
pub fn plan(attrs: &[Attribute], prior: &Value, config: &Value, proposed: &Value) -> Planned {
    if proposed.is_null() {
        return Planned { state: Value::Null, requires_replace: Vec::new() };
    }
    let creating = prior.is_null();
    let mut requires_replace = Vec::new();
    // Write-only values are never planned: nor can they make a change (Terraform >= 1.11).
    let mut state = null_write_only(attrs, proposed);
    apply_defaults(attrs, config, &mut state);
    if !creating {
        fill_from_prior(attrs, config, prior, &mut state);
        keep_equivalent(attrs, config, prior, &mut state);
    }
    let root = Where { path: AttrPath::root(), in_set: false };
    plan_sets(attrs, config, prior, &mut state, &root, creating, &mut requires_replace);
    let changed = creating || state != *prior;
    if changed {
        mark_unknown(attrs, config, &mut state);
    }
    modify(attrs, config, prior, &mut state, &root, !creating, creating, &mut requires_replace);
    requires_replace.sort();
    requires_replace.dedup();
    Planned { state, requires_replace }
}

/// Where the walk is: the path so far, and whether it is inside a set element (then the path
/// stays the set's).
struct Where {
    path: AttrPath,
    in_set: bool,
}

impl Where {
    fn attr(&self, name: &str) -> Where {
        Where { path: if self.in_set { self.path.clone() } else { self.path.join(name) }, in_set: self.in_set }
    }
    fn index(&self, i: usize) -> Where {
        Where { path: if self.in_set { self.path.clone() } else { self.path.index(i) }, in_set: self.in_set }
    }
    fn set_element(&self) -> Where {
        Where { path: self.path.clone(), in_set: true }
    }
}

/// The element `i` of a list value, null where there is none.
fn element(list: &Value, i: usize) -> &Value {
    list.elements().and_then(|e| e.get(i)).unwrap_or(&NULL)
}

/// `v` with `f` applied to the object, or to each object of the list, set or map, that a
/// nested attribute holds.
fn map_objects(v: &Value, f: impl Fn(&Value) -> Value) -> Value {
    match v {
        Value::Object(_) => f(v),
        Value::List(items) => Value::List(items.iter().map(&f).collect()),
        Value::Set(items) => Value::Set(items.iter().map(&f).collect()),
        Value::Map(m) => Value::Map(m.iter().map(|(k, x)| (k.clone(), f(x))).collect()),
        other => other.clone(),
    }
}

/// `v` with every write-only attribute null, at every depth: what Terraform (>= 1.11) demands
/// of planned, new and read states alike.
pub fn null_write_only(attrs: &[Attribute], v: &Value) -> Value {
    let Value::Object(m) = v else { return v.clone() };
    let mut out = m.clone();
    for a in attrs {
        if a.write_only {
            out.insert(a.name.clone(), Value::Null);
        } else if let (Kind::Nested(_, children), Some(inner)) = (&a.kind, m.get(&a.name)) {
            out.insert(a.name.clone(), map_objects(inner, |o| null_write_only(children, o)));
        }
    }
    Value::Object(out)
}

/// A value the provider answers as a state (read, imported, listed): no unknowns, no
/// write-only values.
pub fn as_stored(attrs: &[Attribute], v: &Value) -> Value {
    null_write_only(attrs, &strip_unknowns(v))
}

/// `state` as a configuration: computed-only and write-only attributes null, at every depth.
pub fn config_from_state(attrs: &[Attribute], state: &Value) -> Value {
    let Value::Object(m) = state else { return state.clone() };
    let mut out = m.clone();
    for a in attrs {
        let v = m.get(&a.name).unwrap_or(&Value::Null);
        let c = match &a.kind {
            _ if a.presence == Presence::Computed || a.write_only => Value::Null,
            Kind::Nested(_, children) => map_objects(v, |o| config_from_state(children, o)),
            _ => v.clone(),
        };
        out.insert(a.name.clone(), c);
    }
    Value::Object(out)
}

/// Errors for every write-only attribute `config` sets, for a client that cannot handle them.
pub fn write_only_refused(attrs: &[Attribute], config: &Value, path: &AttrPath) -> Diagnostics {
    let mut d = Diagnostics::new();
    for a in attrs {
        let (p, v) = (path.join(&a.name), config.get(&a.name));
        if a.write_only && !v.is_null() {
            d.push(
                Diagnostic::error(
                    "Write-only argument not supported by this Terraform",
                    format!(
                        "`{p}` is write-only: it is sent to the API but never stored in state, which needs Terraform >= 1.11 or OpenTofu >= 1.11. \
                         This version would store it in state like any other value. Upgrade, or use the stored alternative the documentation of `{p}` names."
                    ),
                )
                .at(p),
            );
        } else if let Kind::Nested(nesting, children) = &a.kind {
            match nesting {
                Nesting::Single => d.extend(write_only_refused(children, v, &p)),
                Nesting::List => {
                    for (i, e) in v.elements().unwrap_or(&[]).iter().enumerate() {
                        d.extend(write_only_refused(children, e, &p.index(i)));
                    }
                }
                // Set elements cannot be addressed: point at the set.
                Nesting::Set => {
                    for e in v.elements().unwrap_or(&[]) {
                        d.extend(write_only_refused(children, e, &p).into_iter().map(|x| x.at(p.clone())));
                    }
                }
                Nesting::Map => {
                    for (k, e) in v.entries().into_iter().flatten() {
                        d.extend(write_only_refused(children, e, &p.key(k)));
                    }
                }
            }
        }
    }
    d
}

fn apply_defaults(attrs: &[Attribute], config: &Value, planned: &mut Value) {
    for a in attrs {
        let c = config.get(&a.name);
        if c.is_null() {
            if let Some(d) = &a.default {
                planned.set(&a.name, d.clone());
            }
            continue;
        }
        let Some(p) = planned.get_mut(&a.name) else { continue };
        match (&a.kind, c, p) {
            (Kind::Nested(Nesting::Single, children), Value::Object(_), p) => apply_defaults(children, c, p),
            (Kind::Nested(Nesting::List, children), Value::List(cs), Value::List(ps)) => {
                for (ce, pe) in cs.iter().zip(ps) {
                    apply_defaults(children, ce, pe);
                }
            }
            _ => {}
        }
    }
}

/// Unconfigured computed attributes keep their prior value, at every depth (list elements
/// by index). Terraform's proposed new state already does this at the top level, but older
/// clients (1.0–1.2) copy a configured nested object verbatim, leaving its unconfigured
/// children null; without this step such a configuration would plan an update forever.
fn fill_from_prior(attrs: &[Attribute], config: &Value, prior: &Value, planned: &mut Value) {
    for a in attrs {
        let c = config.get(&a.name);
        let pr = prior.get(&a.name);
        let Some(pl) = planned.get_mut(&a.name) else { continue };
        if c.is_null() && a.presence.is_computed() && a.default.is_none() {
            if pl.is_null() && !pr.is_null() {
                *pl = pr.clone();
            }
            continue;
        }
        match (&a.kind, c, pl) {
            (Kind::Nested(Nesting::Single, children), Value::Object(_), pl @ Value::Object(_)) => fill_from_prior(children, c, pr, pl),
            (Kind::Nested(Nesting::List, children), Value::List(cs), Value::List(pls)) => {
                for (i, (ce, pe)) in cs.iter().zip(pls).enumerate() {
                    if matches!((ce, &*pe), (Value::Object(_), Value::Object(_))) {
                        fill_from_prior(children, ce, element(pr, i), pe);
                    }
                }
            }
            _ => {}
        }
    }
}

/// A configured value equivalent to the prior one (`Attribute::equivalent`, e.g. `"08:00"`
/// configured where an import read `"08:00:00.00Z"`) plans the prior value: the same value,
/// so no change (Terraform accepts a non-null prior value in place of the configured one).
fn keep_equivalent(attrs: &[Attribute], config: &Value, prior: &Value, planned: &mut Value) {
    for a in attrs {
        let c = config.get(&a.name);
        let pr = prior.get(&a.name);
        let Some(pl) = planned.get_mut(&a.name) else { continue };
        match (&a.kind, c, pl) {
            (Kind::Nested(Nesting::Single, children), Value::Object(_), pl @ Value::Object(_)) => keep_equivalent(children, c, pr, pl),
            (Kind::Nested(Nesting::List, children), Value::List(cs), Value::List(pls)) => {
                for (i, (ce, pe)) in cs.iter().zip(pls).enumerate() {
                    if matches!((ce, &*pe), (Value::Object(_), Value::Object(_))) {
                        keep_equivalent(children, ce, element(pr, i), pe);
                    }
                }
            }
            (_, _, pl) => {
                if a.equivalent.is_some() && *pl == *c && a.same_value(c, pr) {
                    *pl = pr.clone();
                }
            }
        }
    }
}

/// Plans every configured set of objects, at any depth, by pairing elements (see the module
/// documentation): the set is rebuilt from the configuration and the prior set, whatever
/// Terraform proposed (1.0–1.2 propose the configuration verbatim).
fn plan_sets(attrs: &[Attribute], config: &Value, prior: &Value, planned: &mut Value, at: &Where, creating: bool, out: &mut Vec<AttrPath>) {
    for a in attrs {
        let Kind::Nested(nesting, children) = &a.kind else { continue };
        let (c, pr) = (config.get(&a.name), prior.get(&a.name));
        let Some(pl) = planned.get_mut(&a.name) else { continue };
        let at = at.attr(&a.name);
        match (nesting, c, pl) {
            (Nesting::Single, Value::Object(_), pl @ Value::Object(_)) => plan_sets(children, c, pr, pl, &at, creating, out),
            (Nesting::List, Value::List(cs), Value::List(pls)) => {
                for (i, (ce, pe)) in cs.iter().zip(pls).enumerate() {
                    plan_sets(children, ce, element(pr, i), pe, &at.index(i), creating, out);
                }
            }
            (Nesting::Set, Value::Set(cs), pl) => {
                *pl = plan_set(children, cs, pr.elements().unwrap_or(&[]), &at.set_element(), creating, out)
            }
            _ => {}
        }
    }
}

fn plan_set(children: &[Attribute], config: &[Value], prior: &[Value], at: &Where, creating: bool, out: &mut Vec<AttrPath>) -> Value {
    let mut used = vec![false; prior.len()];
    let mut planned = Vec::with_capacity(config.len());
    for ce in config {
        if !matches!(ce, Value::Object(_)) {
            planned.push(ce.clone());
            continue;
        }
        let paired = (0..prior.len()).find(|&i| !used[i] && conforms(children, ce, &prior[i]));
        let el = match paired {
            Some(i) => {
                used[i] = true;
                let mut el = prior[i].clone();
                modify(children, ce, &prior[i], &mut el, at, true, creating, out);
                el
            }
            None => {
                let mut el = null_write_only(children, ce);
                apply_defaults(children, ce, &mut el);
                plan_sets(children, ce, &Value::Null, &mut el, at, creating, out);
                mark_unknown(children, ce, &mut el);
                modify(children, ce, &Value::Null, &mut el, at, false, creating, out);
                el
            }
        };
        planned.push(el);
    }
    Value::Set(planned)
}

/// Whether `prior` is what the object `config` plans to when nothing changed: see the module
/// documentation on sets.
fn conforms(attrs: &[Attribute], config: &Value, prior: &Value) -> bool {
    if !matches!(prior, Value::Object(_)) {
        return false;
    }
    attrs.iter().all(|a| {
        let (c, p) = (config.get(&a.name), prior.get(&a.name));
        if a.write_only {
            return true;
        }
        if c.is_null() {
            return match &a.default {
                Some(d) => p == d,
                None => a.presence.is_computed() || p.is_null(),
            };
        }
        if !c.is_wholly_known() {
            return false;
        }
        match (&a.kind, c, p) {
            (Kind::Nested(Nesting::Single, ch), Value::Object(_), _) => conforms(ch, c, p),
            (Kind::Nested(Nesting::List, ch), Value::List(cs), Value::List(ps)) => {
                cs.len() == ps.len() && cs.iter().zip(ps).all(|(x, y)| conforms(ch, x, y))
            }
            (Kind::Nested(Nesting::Set, ch), Value::Set(cs), Value::Set(ps)) => {
                let mut used = vec![false; ps.len()];
                cs.len() == ps.len()
                    && cs.iter().all(|x| match (0..ps.len()).find(|&i| !used[i] && conforms(ch, x, &ps[i])) {
                        Some(i) => {
                            used[i] = true;
                            true
                        }
                        None => false,
                    })
            }
            _ => a.same_value(c, p),
        }
    })
}

/// Step 2: unconfigured computed attributes without a default become unknown, at every depth
/// but inside sets (planned by [`plan_set`]).
fn mark_unknown(attrs: &[Attribute], config: &Value, planned: &mut Value) {
    for a in attrs {
        let c = config.get(&a.name);
        let Some(pl) = planned.get_mut(&a.name) else { continue };
        if c.is_null() && a.presence.is_computed() {
            if a.default.is_none() {
                *pl = Value::unknown();
            }
            continue;
        }
        match (&a.kind, c, pl) {
            (Kind::Nested(Nesting::Single, children), Value::Object(_), pl @ Value::Object(_)) => mark_unknown(children, c, pl),
            (Kind::Nested(Nesting::List, children), Value::List(cs), Value::List(pls)) => {
                for (ce, pe) in cs.iter().zip(pls) {
                    mark_unknown(children, ce, pe);
                }
            }
            _ => {}
        }
    }
}

/// Step 3: every attribute's plan modifiers, outer attributes first, into nested objects and
/// list elements (set elements ran theirs in [`plan_set`]).
#[allow(clippy::too_many_arguments)]
fn modify(
    attrs: &[Attribute],
    config: &Value,
    prior: &Value,
    planned: &mut Value,
    at: &Where,
    in_prior: bool,
    creating: bool,
    out: &mut Vec<AttrPath>,
) {
    for a in attrs {
        let (c, pr) = (config.get(&a.name), prior.get(&a.name));
        let Some(pl) = planned.get_mut(&a.name) else { continue };
        let at = at.attr(&a.name);
        for m in &a.plan_modifiers {
            let mut resp = ModifyResponse { planned: pl.clone(), requires_replace: false };
            let req = ModifyRequest { path: &at.path, attribute: a, config: c, prior: pr, planned: pl, in_prior, creating };
            m.modify(&req, &mut resp);
            *pl = resp.planned;
            if resp.requires_replace {
                out.push(at.path.clone());
            }
        }
        match (&a.kind, pl) {
            (Kind::Nested(Nesting::Single, children), pl @ Value::Object(_)) => {
                modify(children, c, pr, pl, &at, matches!(pr, Value::Object(_)), creating, out)
            }
            (Kind::Nested(Nesting::List, children), Value::List(pls)) => {
                for (i, pe) in pls.iter_mut().enumerate() {
                    let pre = element(pr, i);
                    modify(children, element(c, i), pre, pe, &at.index(i), matches!(pre, Value::Object(_)), creating, out);
                }
            }
            _ => {}
        }
    }
}

/// Checks a plan against the rules Terraform enforces (objchange.AssertPlanValid):
/// a configured value is planned exactly (or as its non-null prior); a non-computed
/// attribute the configuration leaves null is planned null; a configured list or set of
/// objects is planned with as many elements, each checked against its configured element
/// (list elements by index, set elements by the first planned element that passes).
/// Returns the violations.
pub fn check_plan(attrs: &[Attribute], prior: &Value, config: &Value, planned: &Value) -> Vec<String> {
    let mut errs = Vec::new();
    if planned.is_null() != config.is_null() {
        errs.push("planned object and configuration disagree on existence".into());
        return errs;
    }
    check_attrs(attrs, prior, config, planned, &AttrPath::root(), &mut errs);
    errs
}

fn check_attrs(attrs: &[Attribute], prior: &Value, config: &Value, planned: &Value, path: &AttrPath, errs: &mut Vec<String>) {
    for a in attrs {
        let p = path.join(&a.name);
        let c = config.get(&a.name);
        let pr = prior.get(&a.name);
        let pl = planned.get(&a.name);
        let same_as_prior = !pr.is_null() && pl == pr;
        match (&a.kind, c, pl) {
            (Kind::Nested(Nesting::Single, children), Value::Object(_), Value::Object(_)) => {
                check_attrs(children, pr, c, pl, &p, errs);
                continue;
            }
            (Kind::Nested(Nesting::List | Nesting::Set, _), Value::List(cs) | Value::Set(cs), Value::List(pls) | Value::Set(pls))
                if !same_as_prior && cs.len() != pls.len() =>
            {
                errs.push(format!("{p}: planned {} elements where the configuration has {}", pls.len(), cs.len()));
                continue;
            }
            (Kind::Nested(Nesting::List, children), Value::List(cs), Value::List(pls)) if !same_as_prior => {
                for (i, (ce, pe)) in cs.iter().zip(pls).enumerate() {
                    check_element(children, element(pr, i), ce, pe, &p.index(i), errs);
                }
                continue;
            }
            (Kind::Nested(Nesting::Set, children), Value::Set(cs), Value::Set(pls)) if !same_as_prior => {
                let prior_elements = pr.elements().unwrap_or(&[]);
                let mut used = vec![false; pls.len()];
                for ce in cs {
                    let passes = |pe: &Value| {
                        let pre = if prior_elements.contains(pe) { pe } else { &NULL };
                        let mut e = Vec::new();
                        check_element(children, pre, ce, pe, &p, &mut e);
                        e.is_empty()
                    };
                    match (0..pls.len()).find(|&j| !used[j] && passes(&pls[j])) {
                        Some(j) => used[j] = true,
                        None => errs.push(format!("{p}: no planned element agrees with a configured element")),
                    }
                }
                continue;
            }
            _ => {}
        }
        if a.write_only {
            if !pl.is_null() {
                errs.push(format!("{p}: planned a value for a write-only attribute"));
            }
            continue;
        }
        if c.is_null() {
            if !a.presence.is_computed() && !pl.is_null() {
                errs.push(format!("{p}: planned a value for a non-computed attribute the configuration leaves null"));
            }
            continue;
        }
        if c.is_unknown() {
            if pl.is_known() {
                errs.push(format!("{p}: planned a known value where the configuration is unknown"));
            }
            continue;
        }
        if pl != c && !same_as_prior {
            errs.push(format!("{p}: planned value differs from the configured value"));
        }
    }
}

/// One element of a list or set of objects against its configured element.
fn check_element(children: &[Attribute], prior: &Value, config: &Value, planned: &Value, path: &AttrPath, errs: &mut Vec<String>) {
    match (config, planned) {
        (Value::Object(_), Value::Object(_)) => check_attrs(children, prior, config, planned, path, errs),
        _ if planned == config || (!prior.is_null() && planned == prior) => {}
        _ => errs.push(format!("{path}: planned element differs from the configured element")),
    }
}

/// Builds the state to return after apply: every known planned value is kept (a differing
/// API answer becomes a warning, shown by path), unknown planned values are taken from the
/// API's answer, and no unknown survives. Elements of a list of objects are reconciled by
/// index; a set element with unknown members takes them from the first returned element that
/// agrees with its known members (else they become null).
pub fn reconcile(attrs: &[Attribute], planned: &Value, returned: &Value, diags: &mut Diagnostics) -> Value {
    if planned.is_null() {
        return Value::Null;
    }
    reconcile_object(attrs, planned, returned, &AttrPath::root(), false, diags)
}

fn reconcile_object(
    attrs: &[Attribute],
    planned: &Value,
    returned: &Value,
    path: &AttrPath,
    inside_sensitive: bool,
    diags: &mut Diagnostics,
) -> Value {
    let mut out = std::collections::BTreeMap::new();
    for a in attrs {
        let p = path.join(&a.name);
        let pl = planned.get(&a.name);
        let rt = returned.get(&a.name);
        let sensitive = inside_sensitive || a.sensitive;
        if a.write_only {
            out.insert(a.name.clone(), Value::Null);
            continue;
        }
        let v = match (&a.kind, pl) {
            (_, Value::Unknown(_)) => strip_unknowns(rt),
            (Kind::Nested(Nesting::Single, children), Value::Object(_)) => reconcile_object(children, pl, rt, &p, sensitive, diags),
            _ if pl.is_wholly_known() => {
                if rt != pl && !(rt.is_null() && a.presence == Presence::Computed) {
                    let detail = if sensitive {
                        format!("After apply, the API holds a different value for `{p}` (sensitive) than the plan.")
                    } else {
                        format!(
                            "After apply, the API returned {} for `{p}`, while {} was planned.",
                            show_attribute(a, rt),
                            show_attribute(a, pl)
                        )
                    };
                    diags.push(
                        Diagnostic::warning(
                            "Remote value differs from the plan",
                            format!("{detail} The planned value is recorded so that this apply completes; the next plan will show the difference. The API may normalise this value: set it in the form the API returns."),
                        )
                        .at(p.clone()),
                    );
                }
                pl.clone()
            }
            (Kind::Nested(Nesting::List, children), Value::List(items)) => Value::List(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, e)| reconcile_element(children, e, element(rt, i), &p.index(i), sensitive, diags))
                    .collect(),
            ),
            (Kind::Nested(Nesting::Set, children), Value::Set(items)) => {
                reconcile_set(children, items, rt.elements().unwrap_or(&[]), &p, sensitive, diags)
            }
            _ => merge_partial(pl, rt),
        };
        out.insert(a.name.clone(), v);
    }
    Value::Object(out)
}

fn reconcile_element(
    children: &[Attribute],
    planned: &Value,
    returned: &Value,
    path: &AttrPath,
    sensitive: bool,
    diags: &mut Diagnostics,
) -> Value {
    match planned {
        Value::Object(_) => reconcile_object(children, planned, returned, path, sensitive, diags),
        Value::Unknown(_) => strip_unknowns(returned),
        other => other.clone(),
    }
}

fn reconcile_set(
    children: &[Attribute],
    planned: &[Value],
    returned: &[Value],
    path: &AttrPath,
    sensitive: bool,
    diags: &mut Diagnostics,
) -> Value {
    let mut used = vec![false; returned.len()];
    // Wholly known elements are kept as planned; they claim their returned twins first.
    for pe in planned.iter().filter(|e| e.is_wholly_known()) {
        if let Some(j) = (0..returned.len()).find(|&j| !used[j] && returned[j] == *pe) {
            used[j] = true;
        }
    }
    let elements = planned.iter().map(|pe| {
        if pe.is_wholly_known() {
            return pe.clone();
        }
        match (0..returned.len()).find(|&j| !used[j] && agrees(pe, &returned[j])) {
            Some(j) => {
                used[j] = true;
                reconcile_element(children, pe, &returned[j], path, sensitive, diags)
            }
            None => strip_unknowns(pe),
        }
    });
    Value::Set(elements.collect())
}

/// Whether `returned` has every known part of `planned` (unknown parts match anything).
fn agrees(planned: &Value, returned: &Value) -> bool {
    match (planned, returned) {
        (Value::Unknown(_), _) => true,
        (Value::Object(p), Value::Object(r)) => p.iter().all(|(k, v)| agrees(v, r.get(k).unwrap_or(&NULL))),
        (Value::Map(p), Value::Map(r)) => p.len() == r.len() && p.iter().all(|(k, v)| r.get(k).is_some_and(|x| agrees(v, x))),
        (Value::List(p), Value::List(r)) | (Value::Tuple(p), Value::Tuple(r)) => {
            p.len() == r.len() && p.iter().zip(r).all(|(x, y)| agrees(x, y))
        }
        // Unknown set elements may collapse into one another once known: only the known ones count.
        (Value::Set(p), Value::Set(r)) if !planned.is_wholly_known() => p.iter().filter(|x| x.is_wholly_known()).all(|x| r.contains(x)),
        (p, r) => p == r,
    }
}

/// A partly known collection: keep known elements where the shapes line up.
fn merge_partial(planned: &Value, returned: &Value) -> Value {
    match (planned, returned) {
        (Value::List(p), Value::List(r)) if p.len() == r.len() => {
            Value::List(p.iter().zip(r).map(|(a, b)| if a.is_wholly_known() { a.clone() } else { merge_partial(a, b) }).collect())
        }
        (Value::Object(p), Value::Object(r)) => Value::Object(
            p.iter()
                .map(|(k, a)| {
                    let b = r.get(k).unwrap_or(&Value::Null);
                    (k.clone(), if a.is_wholly_known() { a.clone() } else { merge_partial(a, b) })
                })
                .collect(),
        ),
        (Value::Map(p), Value::Map(r)) if p.len() == r.len() && p.keys().all(|k| r.contains_key(k)) => {
            Value::Map(p.iter().map(|(k, a)| (k.clone(), if a.is_wholly_known() { a.clone() } else { merge_partial(a, &r[k]) })).collect())
        }
        (p, _) if p.is_wholly_known() => p.clone(),
        (_, r) => strip_unknowns(r),
    }
}

/// Replaces every unknown inside `v` with null.
pub fn strip_unknowns(v: &Value) -> Value {
    match v {
        Value::Unknown(_) => Value::Null,
        Value::List(items) => Value::List(items.iter().map(strip_unknowns).collect()),
        Value::Set(items) => Value::Set(items.iter().map(strip_unknowns).collect()),
        Value::Tuple(items) => Value::Tuple(items.iter().map(strip_unknowns).collect()),
        Value::Map(m) => Value::Map(m.iter().map(|(k, v)| (k.clone(), strip_unknowns(v))).collect()),
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), strip_unknowns(v))).collect()),
        Value::Dynamic(t, inner) => Value::Dynamic(t.clone(), Box::new(strip_unknowns(inner))),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{int, nested, nested_list, nested_set, set, string};
    use crate::types::Type;

    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::Object(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }

    fn schema() -> Vec<Attribute> {
        vec![
            string("id").computed().keep_state().desc("id"),
            string("name").required().desc("n"),
            string("note").optional().desc("n"),
            string("region").optional_computed().replace_on_change().desc("r"),
            string("updated_at").computed().desc("u"),
            set("tags", Type::String).optional_computed().keep_state().desc("t"),
            nested(
                "inbound",
                vec![
                    int("channel_limit").optional_computed().keep_state().desc("c"),
                    int("timeout").optional_computed().keep_state().desc("t"),
                    string("fresh").optional_computed().desc("f"),
                ],
            )
            .optional_computed()
            .keep_state()
            .desc("i"),
        ]
    }

    fn prior() -> Value {
        obj(&[
            ("id", "1".into()),
            ("name", "a".into()),
            ("note", Value::Null),
            ("region", "US".into()),
            ("updated_at", "t1".into()),
            ("tags", Value::Set(vec![])),
            ("inbound", obj(&[("channel_limit", Value::int(10)), ("timeout", Value::int(3)), ("fresh", "x".into())])),
        ])
    }

    fn config(name: &str, inbound: Value) -> Value {
        obj(&[
            ("id", Value::Null),
            ("name", name.into()),
            ("note", Value::Null),
            ("region", Value::Null),
            ("updated_at", Value::Null),
            ("tags", Value::Null),
            ("inbound", inbound),
        ])
    }

    /// What Terraform proposes: config, with prior values for unconfigured computed attributes.
    fn proposed(attrs: &[Attribute], prior: &Value, config: &Value) -> Value {
        let mut out = std::collections::BTreeMap::new();
        for a in attrs {
            let c = config.get(&a.name);
            let p = prior.get(&a.name);
            let v = match (&a.kind, c) {
                (Kind::Nested(Nesting::Single, ch), Value::Object(_)) => proposed(ch, p, c),
                _ if c.is_null() && a.presence.is_computed() => p.clone(),
                _ => c.clone(),
            };
            out.insert(a.name.clone(), v);
        }
        Value::Object(out)
    }

    #[test]
    fn create_marks_computed_unknown() {
        let attrs = schema();
        let cfg = config("a", obj(&[("channel_limit", Value::int(10)), ("timeout", Value::Null), ("fresh", Value::Null)]));
        let p = plan(&attrs, &Value::Null, &cfg, &proposed(&attrs, &Value::Null, &cfg));
        assert!(p.state.get("id").is_unknown());
        assert!(p.state.get("updated_at").is_unknown());
        assert!(p.state.get("tags").is_unknown());
        assert_eq!(p.state.get("inbound").get("channel_limit"), &Value::int(10));
        assert!(p.state.get("inbound").get("timeout").is_unknown());
        assert!(p.requires_replace.is_empty());
        assert!(check_plan(&attrs, &Value::Null, &cfg, &p.state).is_empty());
    }

    #[test]
    fn nothing_changed_plans_prior_exactly() {
        let attrs = schema();
        let pr = prior();
        // Only channel_limit configured inside inbound: the rest comes from prior.
        let cfg = config("a", obj(&[("channel_limit", Value::int(10)), ("timeout", Value::Null), ("fresh", Value::Null)]));
        let p = plan(&attrs, &pr, &cfg, &proposed(&attrs, &pr, &cfg));
        assert_eq!(p.state, pr);
        assert!(check_plan(&attrs, &pr, &cfg, &p.state).is_empty());
    }

    #[test]
    fn terraform_1_0_nested_proposal_plans_no_change() {
        // Terraform 1.0–1.2 propose a configured optional+computed nested object verbatim,
        // with its unconfigured children null; that alone must not plan an update.
        let attrs = schema();
        let pr = prior();
        let cfg = config("a", obj(&[("channel_limit", Value::int(10)), ("timeout", Value::Null), ("fresh", Value::Null)]));
        let mut old_style = proposed(&attrs, &pr, &cfg);
        old_style.set("inbound", cfg.get("inbound").clone());
        let p = plan(&attrs, &pr, &cfg, &old_style);
        assert_eq!(p.state, pr);
        assert!(check_plan(&attrs, &pr, &cfg, &p.state).is_empty());
    }

    #[test]
    fn update_keeps_state_where_asked_and_unknowns_the_rest() {
        let attrs = schema();
        let pr = prior();
        let cfg = config("b", obj(&[("channel_limit", Value::int(20)), ("timeout", Value::Null), ("fresh", Value::Null)]));
        let p = plan(&attrs, &pr, &cfg, &proposed(&attrs, &pr, &cfg));
        assert_eq!(p.state.get("id"), &Value::string("1"));
        assert!(p.state.get("updated_at").is_unknown());
        // Unconfigured, computed, no keep_state: unknown, and that alone replaces nothing.
        assert!(p.state.get("region").is_unknown());
        assert_eq!(p.state.get("inbound").get("channel_limit"), &Value::int(20));
        assert_eq!(p.state.get("inbound").get("timeout"), &Value::int(3));
        assert!(p.state.get("inbound").get("fresh").is_unknown());
        assert!(p.requires_replace.is_empty());
        assert!(check_plan(&attrs, &pr, &cfg, &p.state).is_empty());
    }

    #[test]
    fn keep_state_keeps_a_null_prior_value_on_update() {
        let attrs = schema();
        let mut pr = prior();
        pr.set("tags", Value::Null);
        let cfg = config("b", Value::Null);
        let p = plan(&attrs, &pr, &cfg, &proposed(&attrs, &pr, &cfg));
        assert_eq!(p.state.get("tags"), &Value::Null, "a null the API holds stays planned as null");
        assert!(p.state.get("updated_at").is_unknown());
        // Without a prior nested object, its keep_state children are unknown.
        let mut pr = prior();
        pr.set("inbound", Value::Null);
        let cfg = config("b", obj(&[("channel_limit", Value::int(5)), ("timeout", Value::Null), ("fresh", Value::Null)]));
        let p = plan(&attrs, &pr, &cfg, &proposed(&attrs, &pr, &cfg));
        assert!(p.state.get("inbound").get("timeout").is_unknown());
        assert!(check_plan(&attrs, &pr, &cfg, &p.state).is_empty());
    }

    #[test]
    fn a_configured_value_equivalent_to_the_prior_one_plans_no_change() {
        fn same_ignoring_case(a: &Value, b: &Value) -> bool {
            a.as_str().zip(b.as_str()).is_some_and(|(x, y)| x.eq_ignore_ascii_case(y))
        }
        let mut attrs = schema();
        attrs[2] = string("note").optional().equivalent(same_ignoring_case).desc("n");
        let mut pr = prior();
        pr.set("note", "HELLO".into());
        let mut cfg = config("a", obj(&[("channel_limit", Value::int(10)), ("timeout", Value::Null), ("fresh", Value::Null)]));
        cfg.set("note", "hello".into());
        let p = plan(&attrs, &pr, &cfg, &proposed(&attrs, &pr, &cfg));
        assert_eq!(p.state, pr, "the prior form is planned: nothing changes");
        assert!(check_plan(&attrs, &pr, &cfg, &p.state).is_empty());
        cfg.set("note", "goodbye".into());
        let p = plan(&attrs, &pr, &cfg, &proposed(&attrs, &pr, &cfg));
        assert_eq!(p.state.get("note"), &Value::string("goodbye"), "a real change is planned");
        assert!(p.state.get("updated_at").is_unknown());
    }

    #[test]
    fn replace_on_change() {
        let attrs = schema();
        let pr = prior();
        let mut cfg = config("a", Value::Null);
        cfg.set("region", "Europe".into());
        let p = plan(&attrs, &pr, &cfg, &proposed(&attrs, &pr, &cfg));
        assert_eq!(p.requires_replace, vec![AttrPath::attr("region")]);
    }

    #[test]
    fn removing_an_optional_value_plans_null() {
        let attrs = schema();
        let mut pr = prior();
        pr.set("note", "hello".into());
        let cfg = config("a", Value::Null);
        let p = plan(&attrs, &pr, &cfg, &proposed(&attrs, &pr, &cfg));
        assert_eq!(p.state.get("note"), &Value::Null);
        assert!(p.state.get("updated_at").is_unknown());
    }

    #[test]
    fn destroy_plans_null() {
        let p = plan(&schema(), &prior(), &Value::Null, &Value::Null);
        assert!(p.state.is_null());
    }

    #[test]
    fn check_plan_catches_violations() {
        let attrs = schema();
        let cfg = config("a", Value::Null);
        let mut bad = proposed(&attrs, &Value::Null, &cfg);
        bad.set("name", "changed".into());
        bad.set("note", "invented".into());
        let errs = check_plan(&attrs, &Value::Null, &cfg, &bad);
        assert_eq!(errs.len(), 2, "{errs:?}");
        let mut cfg_unknown = cfg;
        cfg_unknown.set("name", Value::unknown());
        let errs = check_plan(&attrs, &Value::Null, &cfg_unknown, &bad);
        assert!(errs.iter().any(|e| e.contains("unknown")), "{errs:?}");
    }

    #[test]
    fn reconcile_keeps_known_plan_and_fills_unknowns() {
        let attrs = schema();
        let planned = obj(&[
            ("id", Value::unknown()),
            ("name", "a".into()),
            ("note", Value::Null),
            ("region", "US".into()),
            ("updated_at", Value::unknown()),
            ("tags", Value::unknown()),
            ("inbound", obj(&[("channel_limit", Value::int(10)), ("timeout", Value::unknown()), ("fresh", Value::unknown())])),
        ]);
        let returned = obj(&[
            ("id", "9".into()),
            ("name", "A".into()), // the API normalised it
            ("note", Value::Null),
            ("region", "US".into()),
            ("updated_at", "t2".into()),
            ("tags", Value::Set(vec![])),
            ("inbound", obj(&[("channel_limit", Value::int(10)), ("timeout", Value::int(3)), ("fresh", Value::unknown())])),
        ]);
        let mut d = Diagnostics::new();
        let out = reconcile(&attrs, &planned, &returned, &mut d);
        assert_eq!(out.get("id"), &Value::string("9"));
        assert_eq!(out.get("name"), &Value::string("a"));
        assert_eq!(out.get("inbound").get("timeout"), &Value::int(3));
        assert_eq!(out.get("inbound").get("fresh"), &Value::Null);
        assert!(out.is_wholly_known());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].path, Some(AttrPath::attr("name")));
        assert!(!d.has_errors());
    }

    /// Write-only values are never planned, never stored, and alone never make a change.
    #[test]
    fn write_only_values_plan_null_and_change_nothing() {
        let attrs = vec![
            string("id").computed().keep_state().desc("i"),
            string("updated_at").computed().desc("u"),
            string("secret_wo").optional().write_only().desc("s"),
        ];
        let prior = obj(&[("id", "1".into()), ("updated_at", "t1".into()), ("secret_wo", Value::Null)]);
        let config = obj(&[("id", Value::Null), ("updated_at", Value::Null), ("secret_wo", "hunter22".into())]);
        let proposed = obj(&[("id", "1".into()), ("updated_at", "t1".into()), ("secret_wo", "hunter22".into())]);
        let p = plan(&attrs, &prior, &config, &proposed);
        assert_eq!(p.state, prior, "no change, so updated_at stays known");
        assert!(check_plan(&attrs, &prior, &config, &p.state).is_empty());
        let leaked = obj(&[("id", "1".into()), ("updated_at", "t1".into()), ("secret_wo", "hunter22".into())]);
        assert_eq!(check_plan(&attrs, &prior, &config, &leaked), ["secret_wo: planned a value for a write-only attribute"]);
        let mut d = Diagnostics::new();
        let applied = reconcile(&attrs, &p.state, &leaked, &mut d);
        assert!(applied.get("secret_wo").is_null() && d.is_empty());
        let refused = write_only_refused(&attrs, &config, &AttrPath::root());
        assert_eq!(refused[0].path, Some(AttrPath::attr("secret_wo")));
        assert!(write_only_refused(&attrs, &prior, &AttrPath::root()).is_empty());
    }

    #[test]
    fn a_state_as_configuration_drops_what_only_the_provider_sets() {
        let state = prior();
        let c = config_from_state(&schema(), &state);
        assert!(c.get("id").is_null() && c.get("updated_at").is_null());
        assert_eq!(c.get("name"), &Value::string("a"));
        assert_eq!(c.get("inbound").get("channel_limit"), &Value::int(10));
        let p = plan(&schema(), &state, &c, &state);
        assert_eq!(p.state, state, "plans no change");
    }

    /// A plan modifier a resource defines itself: replaces the resource when the number grows.
    #[derive(Debug)]
    struct ReplaceWhenLarger;

    impl PlanModifier for ReplaceWhenLarger {
        fn description(&self) -> String {
            "Raising it replaces the object.".into()
        }
        fn modify(&self, req: &ModifyRequest<'_>, resp: &mut ModifyResponse) {
            if let (Some(new), Some(old)) = (req.planned.as_i64(), req.prior.as_i64()) {
                resp.requires_replace = new > old;
            }
        }
    }

    /// Another: plans a known value for a computed attribute the plan would leave unknown.
    #[derive(Debug)]
    struct KnownInAdvance(&'static str);

    impl PlanModifier for KnownInAdvance {
        fn description(&self) -> String {
            String::new()
        }
        fn modify(&self, req: &ModifyRequest<'_>, resp: &mut ModifyResponse) {
            if req.planned.is_unknown() && req.config.is_null() {
                resp.planned = Value::string(self.0);
            }
        }
    }

    #[test]
    fn plan_modifiers_of_its_own_run_beside_the_built_in_ones() {
        let attrs = vec![
            string("id").computed().keep_state().desc("i"),
            int("size").required().plan_modifier(ReplaceWhenLarger).desc("s"),
            string("status").computed().plan_modifier(KnownInAdvance("pending")).desc("s"),
            string("updated_at").computed().desc("u"),
        ];
        assert!(Schema::new("x").attrs(attrs.clone()).check().is_empty());
        let prior = obj(&[("id", "1".into()), ("size", Value::int(5)), ("status", "ready".into()), ("updated_at", "t1".into())]);
        let cfg = |size| obj(&[("id", Value::Null), ("size", Value::int(size)), ("status", Value::Null), ("updated_at", Value::Null)]);
        let p = plan(&attrs, &prior, &cfg(3), &proposed(&attrs, &prior, &cfg(3)));
        assert!(p.requires_replace.is_empty());
        assert_eq!(p.state.get("status"), &Value::string("pending"));
        assert_eq!(p.state.get("id"), &Value::string("1"));
        assert!(p.state.get("updated_at").is_unknown());
        assert!(check_plan(&attrs, &prior, &cfg(3), &p.state).is_empty());
        let p = plan(&attrs, &prior, &cfg(8), &proposed(&attrs, &prior, &cfg(8)));
        assert_eq!(p.requires_replace, vec![AttrPath::attr("size")]);
        let p = plan(&attrs, &prior, &cfg(5), &proposed(&attrs, &prior, &cfg(5)));
        assert_eq!(p.state, prior, "no change: no modifier has anything to do");
    }

    use crate::schema::Schema;

    /// A required list of objects: `rules = [{ name, priority, id, updated }]`.
    fn list_schema() -> Vec<Attribute> {
        vec![
            string("id").computed().keep_state().desc("i"),
            nested_list(
                "rules",
                vec![
                    string("name").required().replace_on_change().desc("n"),
                    int("priority").optional_computed().default(Value::int(1)).desc("p"),
                    string("note").optional().desc("n"),
                    string("rule_id").computed().keep_state().desc("r"),
                    string("updated").computed().desc("u"),
                ],
            )
            .required()
            .desc("r"),
        ]
    }

    fn rule(name: &str, priority: Value, rule_id: Value, updated: Value) -> Value {
        obj(&[("name", name.into()), ("priority", priority), ("note", Value::Null), ("rule_id", rule_id), ("updated", updated)])
    }

    fn rule_config(name: &str, priority: Value) -> Value {
        rule(name, priority, Value::Null, Value::Null)
    }

    #[test]
    fn a_required_list_of_objects_plans_by_index() {
        let attrs = list_schema();
        assert!(Schema::new("x").attrs(attrs.clone()).check().is_empty());
        let cfg = |rules: Vec<Value>| obj(&[("id", Value::Null), ("rules", Value::List(rules))]);
        // Create: defaults inside elements, computed members unknown.
        let c = cfg(vec![rule_config("a", Value::Null), rule_config("b", Value::int(5))]);
        let p = plan(&attrs, &Value::Null, &c, &c);
        let rules = p.state.get("rules").elements().unwrap_or(&[]).to_vec();
        assert_eq!(rules[0].get("priority"), &Value::int(1));
        assert_eq!(rules[1].get("priority"), &Value::int(5));
        assert!(rules[0].get("rule_id").is_unknown() && rules[1].get("updated").is_unknown());
        assert!(check_plan(&attrs, &Value::Null, &c, &p.state).is_empty(), "{:?}", check_plan(&attrs, &Value::Null, &c, &p.state));

        // Applied: the API's answer fills the unknowns element by element.
        let returned = obj(&[
            ("id", "9".into()),
            (
                "rules",
                Value::List(vec![rule("a", Value::int(1), "r1".into(), "t1".into()), rule("b", Value::int(5), "r2".into(), "t1".into())]),
            ),
        ]);
        let mut d = Diagnostics::new();
        let prior = reconcile(&attrs, &p.state, &returned, &mut d);
        assert_eq!(prior, returned);
        assert!(d.is_empty());

        // Nothing changed, proposed as Terraform 1.0 does (the configured list verbatim): the
        // prior state exactly.
        let p = plan(&attrs, &prior, &c, &proposed(&attrs, &prior, &c));
        assert_eq!(p.state, prior);
        assert!(p.requires_replace.is_empty());

        // A member of the second element changes: the first keeps its kept members, every
        // element's other computed members become unknown, nothing is replaced.
        let mut c2 = c;
        c2.set("rules", Value::List(vec![rule_config("a", Value::Null), rule_config("b", Value::int(7))]));
        let p = plan(&attrs, &prior, &c2, &proposed(&attrs, &prior, &c2));
        let rules = p.state.get("rules").elements().unwrap_or(&[]).to_vec();
        assert_eq!(rules[0].get("rule_id"), &Value::string("r1"));
        assert_eq!(rules[1].get("rule_id"), &Value::string("r2"));
        assert_eq!(rules[1].get("priority"), &Value::int(7));
        assert!(rules[0].get("updated").is_unknown());
        assert!(p.requires_replace.is_empty());
        assert!(check_plan(&attrs, &prior, &c2, &p.state).is_empty());

        // A replace_on_change member of an element changes: replaced, by index.
        c2.set("rules", Value::List(vec![rule_config("a", Value::Null), rule_config("c", Value::int(5))]));
        let p = plan(&attrs, &prior, &c2, &proposed(&attrs, &prior, &c2));
        assert_eq!(p.requires_replace, vec![AttrPath::attr("rules").index(1).join("name")]);

        // An element appended: no prior element, so its kept member is unknown, and its
        // replace_on_change member (null before) replaces the object.
        c2.set("rules", Value::List(vec![rule_config("a", Value::Null), rule_config("b", Value::int(5)), rule_config("d", Value::Null)]));
        let p = plan(&attrs, &prior, &c2, &proposed(&attrs, &prior, &c2));
        let rules = p.state.get("rules").elements().unwrap_or(&[]).to_vec();
        assert!(rules[2].get("rule_id").is_unknown());
        assert_eq!(rules[0].get("rule_id"), &Value::string("r1"));
        assert_eq!(p.requires_replace, vec![AttrPath::attr("rules").index(2).join("name")]);
        assert!(check_plan(&attrs, &prior, &c2, &p.state).is_empty());

        // check_plan catches a changed configured member and a wrong count.
        let mut bad = p.state;
        bad.set("rules", Value::List(vec![rules[0].clone(), rules[1].clone()]));
        assert_eq!(check_plan(&attrs, &prior, &c2, &bad), ["rules: planned 2 elements where the configuration has 3"]);
        let mut changed = rules;
        changed[2].set("name", "e".into());
        bad.set("rules", Value::List(changed));
        assert_eq!(check_plan(&attrs, &prior, &c2, &bad), ["rules[2].name: planned value differs from the configured value"]);
    }

    /// An optional set of objects: `numbers = [{ number, routing, number_id }]`.
    fn set_schema() -> Vec<Attribute> {
        vec![
            string("updated_at").computed().desc("u"),
            string("label").optional().desc("l"),
            nested_set(
                "numbers",
                vec![
                    string("number").required().replace_on_change().desc("n"),
                    string("routing").optional_computed().desc("r"),
                    string("number_id").computed().desc("i"),
                ],
            )
            .optional()
            .desc("n"),
        ]
    }

    fn number(n: &str, routing: Value, id: Value) -> Value {
        obj(&[("number", n.into()), ("routing", routing), ("number_id", id)])
    }

    #[test]
    fn an_optional_set_of_objects_plans_by_element() {
        let attrs = set_schema();
        assert!(Schema::new("x").attrs(attrs.clone()).check().is_empty());
        let prior = obj(&[
            ("updated_at", "t1".into()),
            ("label", Value::Null),
            ("numbers", Value::Set(vec![number("+1", "r1".into(), "i1".into()), number("+2", "r2".into(), "i2".into())])),
        ]);
        let cfg =
            |label: Value, numbers: Vec<Value>| obj(&[("updated_at", Value::Null), ("label", label), ("numbers", Value::Set(numbers))]);

        // The same elements in another order, computed members unset: no change at all.
        let c = cfg(Value::Null, vec![number("+2", Value::Null, Value::Null), number("+1", Value::Null, Value::Null)]);
        let p = plan(&attrs, &prior, &c, &proposed(&attrs, &prior, &c));
        assert_eq!(p.state, prior);
        assert!(check_plan(&attrs, &prior, &c, &p.state).is_empty());

        // Something else changes: unchanged elements stay as they were, computed members too.
        let c = cfg("x".into(), vec![number("+2", Value::Null, Value::Null), number("+1", "r1".into(), Value::Null)]);
        let p = plan(&attrs, &prior, &c, &proposed(&attrs, &prior, &c));
        assert!(p.state.get("updated_at").is_unknown());
        assert_eq!(p.state.get("numbers"), prior.get("numbers"));
        assert!(p.requires_replace.is_empty());
        assert!(check_plan(&attrs, &prior, &c, &p.state).is_empty());

        // One element changes (a configured member differs): it is a new element, its
        // computed members unknown, and its replace_on_change member replaces the object; the
        // other element is untouched.
        let c = cfg(Value::Null, vec![number("+1", Value::Null, Value::Null), number("+3", Value::Null, Value::Null)]);
        let p = plan(&attrs, &prior, &c, &proposed(&attrs, &prior, &c));
        let planned = p.state.get("numbers").elements().unwrap_or(&[]).to_vec();
        assert_eq!(planned.len(), 2);
        assert!(planned.contains(&number("+1", "r1".into(), "i1".into())));
        let new = planned.iter().find(|e| e.get("number") == &Value::string("+3")).cloned().unwrap_or(Value::Null);
        assert!(new.get("routing").is_unknown() && new.get("number_id").is_unknown());
        assert_eq!(p.requires_replace, vec![AttrPath::attr("numbers")], "inside a set the path stops at the set");
        assert!(check_plan(&attrs, &prior, &c, &p.state).is_empty(), "{:?}", check_plan(&attrs, &prior, &c, &p.state));

        // Applied: the new element's unknowns come from the returned element that agrees.
        let returned = obj(&[
            ("updated_at", "t2".into()),
            ("label", Value::Null),
            ("numbers", Value::Set(vec![number("+3", "r3".into(), "i3".into()), number("+1", "r1".into(), "i1".into())])),
        ]);
        let mut d = Diagnostics::new();
        let state = reconcile(&attrs, &p.state, &returned, &mut d);
        assert_eq!(state, returned);
        assert!(d.is_empty());

        // check_plan: a planned element that disagrees with its configured one is caught.
        let mut bad = p.state.clone();
        bad.set("numbers", Value::Set(vec![number("+1", "r1".into(), "i1".into()), number("+4", Value::unknown(), Value::unknown())]));
        assert_eq!(check_plan(&attrs, &prior, &c, &bad), ["numbers: no planned element agrees with a configured element"]);

        // Removed entirely: null, as configured; nothing replaced (no element is new).
        let mut c_null = cfg(Value::Null, vec![]);
        c_null.set("numbers", Value::Null);
        let p = plan(&attrs, &prior, &c_null, &proposed(&attrs, &prior, &c_null));
        assert!(p.state.get("numbers").is_null() && p.requires_replace.is_empty());
        assert!(check_plan(&attrs, &prior, &c_null, &p.state).is_empty());
    }
}
