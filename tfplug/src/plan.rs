//! The generic planner. No resource writes planning rules by hand; they declare presence,
//! defaults and plan modifiers in the schema, and this module turns them into plans that
//! satisfy Terraform's consistency rules:
//!
//! 1. defaults fill unconfigured optional+computed attributes;
//! 2. if anything changed (or the resource is new), unconfigured computed attributes become
//!    unknown — except those marked `keep_state`, which keep the prior value;
//! 3. attributes marked `replace_on_change` whose value changed are reported for replacement;
//! 4. an optional resource hook may adjust computed values; [`check_plan`] then verifies the
//!    result against Terraform's rules, so a hook bug is a clear error instead of
//!    "Provider produced invalid plan";
//! 5. after apply, [`reconcile`] keeps every known planned value, and fills unknowns from the
//!    API's answer, so "Provider produced inconsistent result after apply" cannot happen.

use super::diag::{AttrPath, Diagnostic, Diagnostics};
use super::schema::{Attribute, Kind, Nesting, Presence};
use super::validate::show_attribute;
use super::value::Value;

/// A planned new state and the attribute paths that force replacement.
#[derive(Clone, Debug)]
pub struct Planned {
    pub state: Value,
    pub requires_replace: Vec<AttrPath>,
}

/// Plans a create or update. `proposed` is Terraform's proposed new state (config merged
/// with prior computed values). A null `proposed` is a destroy and plans null.
pub fn plan(attrs: &[Attribute], prior: &Value, config: &Value, proposed: &Value) -> Planned {
    if proposed.is_null() {
        return Planned { state: Value::Null, requires_replace: Vec::new() };
    }
    let creating = prior.is_null();
    // Write-only values are never planned: nor can they make a change (Terraform >= 1.11).
    let mut state = null_write_only(attrs, proposed);
    apply_defaults(attrs, config, &mut state);
    if !creating {
        fill_from_prior(attrs, config, prior, &mut state);
        keep_equivalent(attrs, config, prior, &mut state);
    }
    let changed = creating || state != *prior;
    let mut requires_replace = Vec::new();
    if changed {
        mark_unknown(attrs, config, prior, &mut state);
    }
    if !creating {
        find_replacements(attrs, prior, config, &state, &AttrPath::root(), &mut requires_replace);
    }
    requires_replace.sort();
    requires_replace.dedup();
    Planned { state, requires_replace }
}

/// `v` with every write-only attribute null, at every depth: what Terraform (>= 1.11) demands
/// of planned, new and read states alike.
pub fn null_write_only(attrs: &[Attribute], v: &Value) -> Value {
    let Value::Object(m) = v else { return v.clone() };
    let mut out = m.clone();
    for a in attrs {
        if a.write_only {
            out.insert(a.name.clone(), Value::Null);
        } else if let (Kind::Nested(Nesting::Single, children), Some(inner @ Value::Object(_))) = (&a.kind, m.get(&a.name)) {
            out.insert(a.name.clone(), null_write_only(children, inner));
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
            Kind::Nested(Nesting::Single, children) => config_from_state(children, v),
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
        } else if matches!(a.kind, Kind::Nested(Nesting::Single, _)) {
            d.extend(write_only_refused(a.children(), v, &p));
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
        } else if let (Kind::Nested(Nesting::Single, children), Value::Object(_)) = (&a.kind, c) {
            if let Some(p) = planned.get_mut(&a.name) {
                apply_defaults(children, c, p);
            }
        }
    }
}

/// Unconfigured computed attributes keep their prior value, at every depth. Terraform's
/// proposed new state already does this at the top level, but older clients (1.0–1.2) copy
/// a configured nested object verbatim, leaving its unconfigured children null; without this
/// step such a configuration would plan an update forever.
fn fill_from_prior(attrs: &[Attribute], config: &Value, prior: &Value, planned: &mut Value) {
    for a in attrs {
        let c = config.get(&a.name);
        let pr = prior.get(&a.name);
        let Some(pl) = planned.get_mut(&a.name) else { continue };
        if c.is_null() && a.presence.is_computed() && a.default.is_none() {
            if pl.is_null() && !pr.is_null() {
                *pl = pr.clone();
            }
        } else if let (Kind::Nested(Nesting::Single, children), Value::Object(_), Value::Object(_)) = (&a.kind, c, &*pl) {
            fill_from_prior(children, c, pr, pl);
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
        if let (Kind::Nested(Nesting::Single, children), Value::Object(_), Value::Object(_)) = (&a.kind, c, &*pl) {
            keep_equivalent(children, c, pr, pl);
        } else if a.equivalent.is_some() && *pl == *c && a.same_value(c, pr) {
            *pl = pr.clone();
        }
    }
}

fn mark_unknown(attrs: &[Attribute], config: &Value, prior: &Value, planned: &mut Value) {
    for a in attrs {
        let c = config.get(&a.name);
        let pr = prior.get(&a.name);
        let Some(pl) = planned.get_mut(&a.name) else { continue };
        if c.is_null() && a.presence.is_computed() {
            if a.default.is_some() {
                continue;
            }
            // keep_state keeps the prior value, null included (the API holds none and will
            // hold none after this update); only where there is no prior object at all does
            // the attribute become unknown.
            *pl = if a.keep_state && !prior.is_null() { pr.clone() } else { Value::unknown() };
        } else if let (Kind::Nested(Nesting::Single, children), Value::Object(_), Value::Object(_)) = (&a.kind, c, &*pl) {
            mark_unknown(children, c, pr, pl);
        }
    }
}

/// A changed `replace_on_change` attribute forces replacement, unless the configuration
/// leaves it to the provider (computed and unconfigured): then it is not the user's change.
fn find_replacements(attrs: &[Attribute], prior: &Value, config: &Value, planned: &Value, path: &AttrPath, out: &mut Vec<AttrPath>) {
    for a in attrs {
        let p = path.join(&a.name);
        let pr = prior.get(&a.name);
        let c = config.get(&a.name);
        let pl = planned.get(&a.name);
        let provider_decides = c.is_null() && a.presence.is_computed();
        if a.replace_on_change && pr != pl && !provider_decides {
            out.push(p.clone());
        }
        if let (Kind::Nested(Nesting::Single, children), Value::Object(_), Value::Object(_)) = (&a.kind, pr, pl) {
            find_replacements(children, pr, c, pl, &p, out);
        }
    }
}

/// Checks a plan against the rules Terraform enforces (objchange.AssertPlanValid):
/// a configured value is planned exactly (or as its non-null prior); a non-computed
/// attribute the configuration leaves null is planned null. Returns the violations.
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
        if let (Kind::Nested(Nesting::Single, children), Value::Object(_), Value::Object(_)) = (&a.kind, c, pl) {
            check_attrs(children, pr, c, pl, &p, errs);
            continue;
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
        let same_as_prior = !pr.is_null() && pl == pr;
        if pl != c && !same_as_prior {
            errs.push(format!("{p}: planned value differs from the configured value"));
        }
    }
}

/// Builds the state to return after apply: every known planned value is kept (a differing
/// API answer becomes a warning, shown by path), unknown planned values are taken from the
/// API's answer, and no unknown survives.
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
        if a.write_only {
            out.insert(a.name.clone(), Value::Null);
            continue;
        }
        let v = match (&a.kind, pl) {
            (_, Value::Unknown(_)) => strip_unknowns(rt),
            (Kind::Nested(Nesting::Single, children), Value::Object(_)) => {
                reconcile_object(children, pl, rt, &p, inside_sensitive || a.sensitive, diags)
            }
            _ if pl.is_wholly_known() => {
                if rt != pl && !(rt.is_null() && a.presence == Presence::Computed) {
                    let detail = if inside_sensitive || a.sensitive {
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
            _ => merge_partial(pl, rt),
        };
        out.insert(a.name.clone(), v);
    }
    Value::Object(out)
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
    use crate::schema::{int, nested, set, string};
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
}
