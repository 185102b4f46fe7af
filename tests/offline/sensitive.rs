//! No sensitive value reaches a diagnostic: for every resource and data source in the registry
//! and the provider block, every sensitive attribute (at any depth, or inside a sensitive
//! nested attribute) is given values its validators refuse, and no message may contain them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use terraform_provider_telnyx::provider::TelnyxProvider;
use tfplug::schema::{Attribute, Kind, Nesting};
use tfplug::validate::validate_config;
use tfplug::{AttrPath, Diagnostics, Provider as _, Type, Value};

/// Values that break length, format and range validators, each easy to spot in a message.
fn bad_values(ty: &Type) -> Vec<Value> {
    match ty {
        Type::String => vec![
            Value::string("Sh0rt"),
            Value::string(format!("L0ng-secret-{}", "x".repeat(300))),
            Value::string("not a url, uuid or address: s3cr3t!"),
            Value::string(""),
        ],
        Type::Number => vec![Value::int(-987_654_321), Value::int(987_654_321_987)],
        Type::Bool => Vec::new(),
        Type::List(e) | Type::Set(e) => bad_values(e).into_iter().map(|v| Value::List(vec![v.clone(), v])).collect(),
        _ => Vec::new(),
    }
}

/// Paths (attribute names) to every value-typed attribute that is sensitive or inside a
/// sensitive nested attribute.
fn sensitive_leaves(attrs: &[Attribute], prefix: &[String], inside: bool, out: &mut Vec<(Vec<String>, Type)>) {
    for a in attrs {
        let mut path = prefix.to_vec();
        path.push(a.name.clone());
        let sensitive = inside || a.sensitive;
        match &a.kind {
            Kind::Nested(_, children) => sensitive_leaves(children, &path, sensitive, out),
            Kind::Value(t) if sensitive => out.push((path, t.clone())),
            Kind::Value(_) => {}
        }
    }
}

/// A configuration of `attrs` with every attribute null except the one at `path`, set to `v`
/// (a nested list, set or map holds one object).
fn config_with(attrs: &[Attribute], path: &[String], v: &Value) -> Value {
    Value::Object(
        attrs
            .iter()
            .map(|a| {
                let x = if a.name != path[0] {
                    Value::Null
                } else if path.len() == 1 {
                    v.clone()
                } else {
                    let Kind::Nested(nesting, children) = &a.kind else { unreachable!("a path goes through nested attributes") };
                    let inner = config_with(children, &path[1..], v);
                    match nesting {
                        Nesting::Single => inner,
                        Nesting::List => Value::List(vec![inner]),
                        Nesting::Set => Value::Set(vec![inner]),
                        Nesting::Map => Value::Map([("k".to_string(), inner)].into()),
                    }
                };
                (a.name.clone(), x)
            })
            .collect(),
    )
}

fn needles(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) if !s.is_empty() => vec![s.clone(), s.chars().take(12).collect()],
        Value::Number(n) => vec![n.to_string()],
        Value::List(items) | Value::Set(items) => items.iter().flat_map(needles).collect(),
        _ => Vec::new(),
    }
}

/// A schema's name, its attributes, and its own cross-attribute checks.
type Checked = (String, Vec<Attribute>, Box<dyn Fn(&Value) -> Diagnostics>);

#[test]
fn no_sensitive_value_reaches_a_diagnostic() {
    let provider = TelnyxProvider;
    let mut schemas: Vec<Checked> = vec![("provider".into(), provider.schema().attributes, Box::new(|_: &Value| Diagnostics::new()))];
    for r in provider.resources() {
        let r2 = r.clone();
        schemas.push((r.type_name().into(), r.schema().attributes, Box::new(move |c: &Value| r2.validate(c))));
    }
    for d in provider.data_sources() {
        let d2 = d.clone();
        schemas.push((format!("data.{}", d.type_name()), d.schema().attributes, Box::new(move |c: &Value| d2.validate(c))));
    }

    let (mut checked, mut refused) = (0, 0);
    for (name, attrs, validate) in &schemas {
        let mut leaves = Vec::new();
        sensitive_leaves(attrs, &[], false, &mut leaves);
        for (path, ty) in leaves {
            for bad in bad_values(&ty) {
                let config = config_with(attrs, &path, &bad);
                let mut diags = Diagnostics::new();
                validate_config(attrs, &config, &AttrPath::root(), &mut diags);
                diags.extend(validate(&config));
                checked += 1;
                refused += usize::from(!diags.is_empty());
                for d in &diags {
                    for needle in needles(&bad) {
                        assert!(
                            !d.summary.contains(&needle) && !d.detail.contains(&needle),
                            "{name}.{}: the sensitive value {needle:?} appears in {d:?}",
                            path.join(".")
                        );
                    }
                }
            }
        }
    }
    // The test means something only if some sensitive values were refused (the credential
    // connection's password has a length limit).
    assert!(checked >= 10, "only {checked} sensitive values checked");
    assert!(refused >= 2, "only {refused} of {checked} sensitive values were refused: nothing was tested");
}

/// The message still says what was expected, in characters.
#[test]
fn a_refused_password_says_what_is_expected() {
    let r = TelnyxProvider.resources().into_iter().find(|r| r.type_name() == "telnyx_credential_connection").unwrap();
    let attrs = r.schema().attributes;
    let config = config_with(&attrs, &["password".to_string()], &Value::string("short"));
    let mut diags = Diagnostics::new();
    validate_config(&attrs, &config, &AttrPath::root(), &mut diags);
    assert_eq!(diags.len(), 1, "{diags:?}");
    let d = &diags[0];
    assert_eq!(d.detail, "`password` must be 8 to 128 characters long (the value is sensitive and not shown).");
    assert_eq!(d.path.as_ref().unwrap().to_string(), "password");
}
