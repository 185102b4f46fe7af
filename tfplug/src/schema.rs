//! Schemas: attributes, their presence (required / optional / optional+computed / computed),
//! nested attributes, validators and plan modifiers.
//!
//! Presence is one enum, so a "required and computed" attribute cannot be written.
//! Schemas keep declaration order (docs and `terraform show` read better that way).

use super::types::Type;
use super::validate::Validator;
use super::value::Value;

/// Who sets an attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    /// The configuration must set it.
    Required,
    /// The configuration may set it; if it does not, it is null.
    Optional,
    /// The configuration may set it; if it does not, the provider (remote API) decides.
    OptionalComputed,
    /// Only the provider sets it.
    Computed,
}

impl Presence {
    pub fn is_computed(self) -> bool {
        matches!(self, Presence::OptionalComputed | Presence::Computed)
    }
    pub fn is_configurable(self) -> bool {
        !matches!(self, Presence::Computed)
    }
}

/// How a nested attribute nests its object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nesting {
    Single,
    List,
    Set,
    Map,
}

/// What an attribute holds.
#[derive(Clone, Debug)]
pub enum Kind {
    /// A value of a cty type (scalars and collections of scalars).
    Value(Type),
    /// A protocol-6 nested attribute: `inbound = { … }`.
    Nested(Nesting, Vec<Attribute>),
}

#[derive(Clone, Debug)]
pub struct Attribute {
    pub name: String,
    pub kind: Kind,
    pub presence: Presence,
    pub sensitive: bool,
    /// Markdown.
    pub description: String,
    pub deprecation: Option<String>,
    pub validators: Vec<Validator>,
    /// When the plan would make this computed attribute unknown, keep the prior state's value.
    pub keep_state: bool,
    /// A change of this attribute replaces the resource.
    pub replace_on_change: bool,
    /// Value planned when the configuration leaves this (computed) attribute null.
    pub default: Option<Value>,
    /// Semantic equality of two known, non-null values (e.g. `"08:00"` and `"08:00:00.00Z"`):
    /// where an API answers a value equivalent to the one Terraform holds, the held form is kept,
    /// so a server's rewriting of a value is neither a diff nor an inconsistent result.
    pub equivalent: Option<fn(&Value, &Value) -> bool>,
    /// Write-only (Terraform ≥ 1.11, OpenTofu ≥ 1.11): taken from the configuration when the
    /// object is created or updated, never planned nor stored (always null in plan and state).
    pub write_only: bool,
}

impl Attribute {
    fn new(name: &str, kind: Kind) -> Attribute {
        Attribute {
            name: name.to_string(),
            kind,
            presence: Presence::Optional,
            sensitive: false,
            description: String::new(),
            deprecation: None,
            validators: Vec::new(),
            keep_state: false,
            replace_on_change: false,
            default: None,
            equivalent: None,
            write_only: false,
        }
    }

    pub fn required(mut self) -> Self {
        self.presence = Presence::Required;
        self
    }
    pub fn optional(mut self) -> Self {
        self.presence = Presence::Optional;
        self
    }
    pub fn optional_computed(mut self) -> Self {
        self.presence = Presence::OptionalComputed;
        self
    }
    pub fn computed(mut self) -> Self {
        self.presence = Presence::Computed;
        self
    }
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }
    pub fn desc(mut self, markdown: impl Into<String>) -> Self {
        self.description = markdown.into();
        self
    }
    pub fn deprecated(mut self, message: impl Into<String>) -> Self {
        self.deprecation = Some(message.into());
        self
    }
    pub fn validate(mut self, v: Validator) -> Self {
        self.validators.push(v);
        self
    }
    pub fn one_of(self, values: &[&str]) -> Self {
        self.validate(Validator::OneOf(values.iter().map(|s| s.to_string()).collect()))
    }
    pub fn between(self, min: i64, max: i64) -> Self {
        self.validate(Validator::IntRange { min, max })
    }
    pub fn length(self, min: usize, max: usize) -> Self {
        self.validate(Validator::Length { min, max })
    }
    /// See [`Attribute::write_only`]; a write-only attribute is also sensitive.
    pub fn write_only(mut self) -> Self {
        self.write_only = true;
        self.sensitive = true;
        self
    }
    pub fn keep_state(mut self) -> Self {
        self.keep_state = true;
        self
    }
    pub fn replace_on_change(mut self) -> Self {
        self.replace_on_change = true;
        self
    }
    pub fn default(mut self, v: Value) -> Self {
        self.default = Some(v);
        self
    }
    /// Values for which `same(a, b)` holds are one value written two ways (see [`Attribute::equivalent`]).
    pub fn equivalent(mut self, same: fn(&Value, &Value) -> bool) -> Self {
        self.equivalent = Some(same);
        self
    }
    /// Whether `a` and `b` are the same value, by this attribute's semantic equality if it has one.
    /// Unknown or null values are equal only to themselves.
    pub fn same_value(&self, a: &Value, b: &Value) -> bool {
        a == b || (a.is_known() && !a.is_null() && b.is_known() && !b.is_null() && self.equivalent.is_some_and(|same| same(a, b)))
    }

    /// The cty type of this attribute's value.
    pub fn ty(&self) -> Type {
        match &self.kind {
            Kind::Value(t) => t.clone(),
            Kind::Nested(n, attrs) => {
                let obj = object_type(attrs);
                match n {
                    Nesting::Single => obj,
                    Nesting::List => Type::list(obj),
                    Nesting::Set => Type::set(obj),
                    Nesting::Map => Type::map(obj),
                }
            }
        }
    }

    /// This attribute as a data source reports it: computed only, with no validators, plan
    /// modifiers or defaults, at every depth. With `drop_sensitive`, sensitive nested members are
    /// left out.
    pub fn into_read_only(mut self, drop_sensitive: bool) -> Attribute {
        self.presence = Presence::Computed;
        self.validators.clear();
        self.keep_state = false;
        self.replace_on_change = false;
        self.default = None;
        if let Kind::Nested(n, children) = self.kind {
            let children = children.into_iter().filter(|c| !(drop_sensitive && c.sensitive)).map(|c| c.into_read_only(drop_sensitive));
            self.kind = Kind::Nested(n, children.collect());
        }
        self
    }

    /// The attributes of a nested attribute's object.
    pub fn children(&self) -> &[Attribute] {
        match &self.kind {
            Kind::Nested(_, attrs) => attrs,
            Kind::Value(_) => &[],
        }
    }

    pub fn child(&self, name: &str) -> Option<&Attribute> {
        self.children().iter().find(|a| a.name == name)
    }
}

/// A string attribute.
pub fn string(name: &str) -> Attribute {
    Attribute::new(name, Kind::Value(Type::String))
}
/// A whole-number attribute (a cty number that validation keeps integral).
pub fn int(name: &str) -> Attribute {
    Attribute::new(name, Kind::Value(Type::Number)).validate(Validator::Integer)
}
/// A number attribute.
pub fn number(name: &str) -> Attribute {
    Attribute::new(name, Kind::Value(Type::Number))
}
pub fn bool(name: &str) -> Attribute {
    Attribute::new(name, Kind::Value(Type::Bool))
}
/// An ordered list of `elem`.
pub fn list(name: &str, elem: Type) -> Attribute {
    Attribute::new(name, Kind::Value(Type::list(elem)))
}
/// An unordered set of `elem`.
pub fn set(name: &str, elem: Type) -> Attribute {
    Attribute::new(name, Kind::Value(Type::set(elem)))
}
pub fn map(name: &str, elem: Type) -> Attribute {
    Attribute::new(name, Kind::Value(Type::map(elem)))
}
/// A single nested attribute: `name = { … }`.
pub fn nested(name: &str, attrs: Vec<Attribute>) -> Attribute {
    Attribute::new(name, Kind::Nested(Nesting::Single, attrs))
}
/// A list nested attribute: `name = [{ … }, …]`.
pub fn nested_list(name: &str, attrs: Vec<Attribute>) -> Attribute {
    Attribute::new(name, Kind::Nested(Nesting::List, attrs))
}

pub(crate) fn object_type(attrs: &[Attribute]) -> Type {
    Type::Object(attrs.iter().map(|a| (a.name.clone(), a.ty())).collect())
}

/// The schema of a provider, resource or data source.
#[derive(Clone, Debug, Default)]
pub struct Schema {
    pub version: i64,
    /// Markdown.
    pub description: String,
    pub deprecation: Option<String>,
    pub attributes: Vec<Attribute>,
}

impl Schema {
    pub fn new(description: impl Into<String>) -> Schema {
        Schema { description: description.into(), ..Default::default() }
    }
    pub fn version(mut self, v: i64) -> Self {
        self.version = v;
        self
    }
    pub fn attr(mut self, a: Attribute) -> Self {
        self.attributes.push(a);
        self
    }
    pub fn attrs(mut self, a: impl IntoIterator<Item = Attribute>) -> Self {
        self.attributes.extend(a);
        self
    }
    pub fn get(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }
    /// The object type of the whole schema.
    pub fn ty(&self) -> Type {
        object_type(&self.attributes)
    }

    /// Structural problems Terraform would reject (or crash on): checked in tests for every schema.
    pub fn check(&self) -> Vec<String> {
        let mut errs = Vec::new();
        check_attrs(&self.attributes, "", &mut errs);
        errs
    }
}

/// A resource identity (Terraform ≥ 1.12): the attributes of a resource's state that name its
/// remote object, stored by Terraform beside the state and usable instead of an import id
/// (`import { to = ..., identity = { ... } }`). Each identity attribute is the state attribute
/// of the same name, which must be a primitive that never changes for the object's life.
#[derive(Clone, Debug, Default)]
pub struct Identity {
    pub version: i64,
    pub attributes: Vec<IdentityAttribute>,
}

#[derive(Clone, Debug)]
pub struct IdentityAttribute {
    pub name: String,
    /// Required in an `import` block's identity; otherwise optional there.
    pub required_for_import: bool,
    /// Markdown.
    pub description: String,
}

impl Identity {
    pub fn new() -> Identity {
        Identity::default()
    }
    /// An attribute an import by identity must give.
    pub fn required(mut self, name: &str, description: &str) -> Identity {
        self.attributes.push(IdentityAttribute { name: name.into(), required_for_import: true, description: description.into() });
        self
    }
    /// An attribute an import by identity may give.
    pub fn optional(mut self, name: &str, description: &str) -> Identity {
        self.attributes.push(IdentityAttribute { name: name.into(), required_for_import: false, description: description.into() });
        self
    }

    /// The identity's object type, its attribute types read from the resource `schema`.
    pub fn ty(&self, schema: &Schema) -> Type {
        Type::Object(self.attributes.iter().map(|a| (a.name.clone(), schema.get(&a.name).map_or(Type::String, Attribute::ty))).collect())
    }

    /// The identity of the object whose state is `state` (null when `state` is).
    pub fn of(&self, state: &Value) -> Value {
        if state.is_null() {
            return Value::Null;
        }
        Value::Object(self.attributes.iter().map(|a| (a.name.clone(), state.get(&a.name).clone())).collect())
    }

    /// Problems Terraform would reject: checked in tests for every resource.
    pub fn check(&self, schema: &Schema) -> Vec<String> {
        let mut errs = Vec::new();
        if !self.attributes.iter().any(|a| a.required_for_import) {
            errs.push("identity: no attribute is required for import".to_string());
        }
        for a in &self.attributes {
            match schema.get(&a.name) {
                None => errs.push(format!("identity.{}: not an attribute of the resource", a.name)),
                Some(s) if !matches!(s.kind, Kind::Value(Type::String | Type::Number | Type::Bool)) => {
                    errs.push(format!("identity.{}: must be a string, number or bool", a.name))
                }
                Some(s) if s.sensitive || s.write_only => errs.push(format!("identity.{}: must not be sensitive or write-only", a.name)),
                Some(_) => {}
            }
            if a.description.is_empty() {
                errs.push(format!("identity.{}: no description", a.name));
            }
        }
        errs
    }
}

fn check_attrs(attrs: &[Attribute], prefix: &str, errs: &mut Vec<String>) {
    let mut seen = std::collections::BTreeSet::new();
    for a in attrs {
        let path = format!("{prefix}{}", a.name);
        if a.name.is_empty() || !a.name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
            errs.push(format!("{path}: name must match ^[a-z0-9_]+$"));
        }
        if !seen.insert(&a.name) {
            errs.push(format!("{path}: declared twice"));
        }
        if a.keep_state && !a.presence.is_computed() {
            errs.push(format!("{path}: keep_state needs a computed attribute"));
        }
        if a.default.is_some() && !a.presence.is_computed() {
            errs.push(format!("{path}: a default needs an optional+computed attribute"));
        }
        if a.presence == Presence::Computed && !a.validators.iter().all(|v| matches!(v, Validator::Integer)) {
            errs.push(format!("{path}: validators on a computed-only attribute never run"));
        }
        if a.description.is_empty() {
            errs.push(format!("{path}: no description"));
        }
        if a.write_only && (a.presence != Presence::Optional && a.presence != Presence::Required || a.keep_state || a.default.is_some()) {
            errs.push(format!("{path}: a write-only attribute must be required or optional, not computed"));
        }
        if let Kind::Value(Type::Set(_)) = &a.kind
            && a.ty().has_dynamic()
        {
            errs.push(format!("{path}: sets may not contain dynamic values"));
        }
        if let Kind::Nested(n, children) = &a.kind {
            if matches!(n, Nesting::Set) && a.ty().has_dynamic() {
                errs.push(format!("{path}: sets may not contain dynamic values"));
            }
            // The planner plans single nested attributes member by member; list, set and map
            // nesting is supported where only the provider sets the value.
            if !matches!(n, Nesting::Single) && a.presence != Presence::Computed {
                errs.push(format!("{path}: list, set and map nested attributes must be computed-only"));
            }
            for c in children {
                if a.presence == Presence::Computed && c.presence != Presence::Computed {
                    errs.push(format!("{path}.{}: inside a computed-only attribute, must be computed-only", c.name));
                }
            }
            check_attrs(children, &format!("{path}."), errs);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_of_nested_schema() {
        let s = Schema::new("x").attr(string("id").computed().desc("id")).attr(
            nested(
                "inbound",
                vec![int("channel_limit").optional_computed().desc("c"), list("codecs", Type::String).optional_computed().desc("c")],
            )
            .optional_computed()
            .desc("in"),
        );
        assert_eq!(
            s.ty().to_string(),
            r#"["object",{"id":"string","inbound":["object",{"channel_limit":"number","codecs":["list","string"]}]}]"#
        );
        assert!(s.check().is_empty(), "{:?}", s.check());
    }

    #[test]
    fn check_finds_mistakes() {
        let s = Schema::new("x")
            .attr(string("Bad").optional().desc("d"))
            .attr(string("a").optional().keep_state().desc("d"))
            .attr(string("a").computed().one_of(&["x"]).desc("d"));
        let errs = s.check();
        assert_eq!(errs.len(), 4, "{errs:?}");

        let s = Schema::new("x")
            .attr(nested_list("items", vec![string("n").optional().desc("d")]).optional().desc("d"))
            .attr(nested_list("listed", vec![string("n").computed().desc("d")]).computed().desc("d"))
            .attr(set("any", Type::Dynamic).optional().desc("d"));
        let errs = s.check();
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(errs[0].starts_with("items:") && errs[1].starts_with("any:"), "{errs:?}");
    }

    #[test]
    fn same_value_uses_the_declared_equivalence_on_known_values_only() {
        fn same_len(a: &Value, b: &Value) -> bool {
            a.as_str().zip(b.as_str()).is_some_and(|(x, y)| x.len() == y.len())
        }
        let a = string("t").optional().equivalent(same_len).desc("t");
        assert!(a.same_value(&"ab".into(), &"xy".into()));
        assert!(!a.same_value(&"ab".into(), &"xyz".into()));
        assert!(a.same_value(&Value::Null, &Value::Null));
        assert!(!a.same_value(&Value::Null, &"ab".into()) && !a.same_value(&Value::unknown(), &"ab".into()));
        let plain = string("p").optional().desc("p");
        assert!(!plain.same_value(&"ab".into(), &"xy".into()) && plain.same_value(&"ab".into(), &"ab".into()));
    }
}
