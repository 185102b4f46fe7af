//! Schemas: attributes, their presence (required / optional / optional+computed / computed),
//! nested attributes, validators and plan modifiers.
//!
//! Presence is one enum, so a "required and computed" attribute cannot be written.
//! Schemas keep declaration order (docs and `terraform show` read better that way).
//!
//! Validators ([`AttributeValidator`]) and plan modifiers ([`PlanModifier`]) are traits: the
//! builder methods [`Attribute::validate`] and [`Attribute::plan_modifier`] take the built-in
//! ones ([`Validator`], [`KeepState`], [`ReplaceOnChange`]) and any
//! a resource defines itself alike.
//!
//! Nested attributes nest one object (`nested`), a list of objects (`nested_list`), a set of
//! objects (`nested_set`) or, computed-only, a map of objects; each may be required, optional
//! or computed (see [`crate::plan`] for how lists and sets of objects are planned).

use std::sync::Arc;

use super::plan::{KeepState, PlanModifier, ReplaceOnChange};
use super::types::Type;
use super::validate::{AttributeValidator, Validator};
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
    /// Whether the provider may set the value (computed, or optional+computed).
    pub fn is_computed(self) -> bool {
        matches!(self, Presence::OptionalComputed | Presence::Computed)
    }
    /// Whether the configuration may set the value.
    pub fn is_configurable(self) -> bool {
        !matches!(self, Presence::Computed)
    }
}

/// How a nested attribute nests its object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nesting {
    /// One object: `name = { … }`.
    Single,
    /// An ordered list of objects: `name = [{ … }, …]`.
    List,
    /// A set of objects: `name = [{ … }, …]`, order and duplicates meaningless.
    Set,
    /// A map of objects: `name = { key = { … } }`; computed-only here.
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

/// One attribute of a schema, built with [`string`], [`int`], [`nested`] and the like, then
/// the builder methods (`.required()`, `.desc(…)`, `.one_of(…)`, `.keep_state()`, …).
#[derive(Clone, Debug)]
pub struct Attribute {
    /// The attribute's name (`^[a-z0-9_]+$`).
    pub name: String,
    /// What it holds.
    pub kind: Kind,
    /// Who sets it.
    pub presence: Presence,
    /// Whether Terraform hides its value in output (and messages never show it).
    pub sensitive: bool,
    /// Markdown.
    pub description: String,
    /// Why the attribute is deprecated and what to use instead, if it is.
    pub deprecation: Option<String>,
    /// Checks of the configured value, run in order (see [`crate::validate`]).
    pub validators: Vec<Arc<dyn AttributeValidator>>,
    /// Adjustments of the planned value, run in order (see [`crate::plan`]): [`KeepState`] and
    /// [`ReplaceOnChange`] among them.
    pub plan_modifiers: Vec<Arc<dyn PlanModifier>>,
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
            plan_modifiers: Vec::new(),
            default: None,
            equivalent: None,
            write_only: false,
        }
    }

    /// The configuration must set it.
    pub fn required(mut self) -> Self {
        self.presence = Presence::Required;
        self
    }
    /// The configuration may set it; unset, it is null.
    pub fn optional(mut self) -> Self {
        self.presence = Presence::Optional;
        self
    }
    /// The configuration may set it; unset, the provider decides.
    pub fn optional_computed(mut self) -> Self {
        self.presence = Presence::OptionalComputed;
        self
    }
    /// Only the provider sets it.
    pub fn computed(mut self) -> Self {
        self.presence = Presence::Computed;
        self
    }
    /// Hidden in Terraform's output; never shown in messages.
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }
    /// The description (Markdown), shown in the docs and by language servers.
    pub fn desc(mut self, markdown: impl Into<String>) -> Self {
        self.description = markdown.into();
        self
    }
    /// Marks the attribute deprecated; `message` says what to use instead.
    pub fn deprecated(mut self, message: impl Into<String>) -> Self {
        self.deprecation = Some(message.into());
        self
    }
    /// Adds a validator: a built-in [`Validator`] or any [`AttributeValidator`].
    pub fn validate(mut self, v: impl AttributeValidator + 'static) -> Self {
        self.validators.push(Arc::new(v));
        self
    }
    /// A string equal to one of `values`.
    pub fn one_of(self, values: &[&str]) -> Self {
        self.validate(Validator::OneOf(values.iter().map(|s| s.to_string()).collect()))
    }
    /// A number within `min..=max`.
    pub fn between(self, min: i64, max: i64) -> Self {
        self.validate(Validator::IntRange { min, max })
    }
    /// A string of `min..=max` characters, or a collection of `min..=max` elements.
    pub fn length(self, min: usize, max: usize) -> Self {
        self.validate(Validator::Length { min, max })
    }
    /// See [`Attribute::write_only`]; a write-only attribute is also sensitive.
    pub fn write_only(mut self) -> Self {
        self.write_only = true;
        self.sensitive = true;
        self
    }
    /// Adds a plan modifier: [`KeepState`], [`ReplaceOnChange`] or any [`PlanModifier`].
    pub fn plan_modifier(mut self, m: impl PlanModifier + 'static) -> Self {
        self.plan_modifiers.push(Arc::new(m));
        self
    }
    /// Adds [`KeepState`]: an unconfigured computed value keeps its prior value from plan to
    /// plan instead of becoming unknown whenever something else changes.
    pub fn keep_state(self) -> Self {
        self.plan_modifier(KeepState)
    }
    /// Adds [`ReplaceOnChange`]: a change of the value replaces the resource.
    pub fn replace_on_change(self) -> Self {
        self.plan_modifier(ReplaceOnChange)
    }
    /// The value planned when the configuration leaves this (optional+computed) attribute null.
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
        self.plan_modifiers.clear();
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

    /// The nested attribute named `name`, if this is a nested attribute that has one.
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
/// A boolean attribute.
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
/// A map from strings to `elem`.
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
/// A set nested attribute: `name = [{ … }, …]`, where order and duplicates mean nothing.
pub fn nested_set(name: &str, attrs: Vec<Attribute>) -> Attribute {
    Attribute::new(name, Kind::Nested(Nesting::Set, attrs))
}

pub(crate) fn object_type(attrs: &[Attribute]) -> Type {
    Type::Object(attrs.iter().map(|a| (a.name.clone(), a.ty())).collect())
}

/// The schema of a provider, resource or data source.
#[derive(Clone, Debug, Default)]
pub struct Schema {
    /// The state's schema version (UpgradeResourceState upgrades older ones).
    pub version: i64,
    /// Markdown.
    pub description: String,
    /// Why the resource or data source is deprecated, if it is.
    pub deprecation: Option<String>,
    /// The top-level attributes, in declaration order.
    pub attributes: Vec<Attribute>,
}

impl Schema {
    /// An empty schema described by `description` (Markdown).
    pub fn new(description: impl Into<String>) -> Schema {
        Schema { description: description.into(), ..Default::default() }
    }
    /// Sets the state's schema version.
    pub fn version(mut self, v: i64) -> Self {
        self.version = v;
        self
    }
    /// Adds an attribute.
    pub fn attr(mut self, a: Attribute) -> Self {
        self.attributes.push(a);
        self
    }
    /// Adds attributes.
    pub fn attrs(mut self, a: impl IntoIterator<Item = Attribute>) -> Self {
        self.attributes.extend(a);
        self
    }
    /// The top-level attribute named `name`.
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

    /// [`Schema::check`] for an action's `config` block, which is configuration only: no
    /// attribute may be computed or sensitive (terraform-plugin-framework's `action/schema`
    /// attributes cannot be either; nothing of an action is stored or shown as a value).
    pub fn check_action(&self) -> Vec<String> {
        fn walk(attrs: &[Attribute], prefix: &str, errs: &mut Vec<String>) {
            for a in attrs {
                let path = format!("{prefix}{}", a.name);
                if a.presence.is_computed() {
                    errs.push(format!("{path}: an action's configuration cannot be computed"));
                }
                if a.sensitive {
                    errs.push(format!("{path}: an action's configuration cannot be sensitive"));
                }
                walk(a.children(), &format!("{path}."), errs);
            }
        }
        let mut errs = self.check();
        walk(&self.attributes, "", &mut errs);
        errs
    }
}

/// A resource identity (Terraform ≥ 1.12): the attributes of a resource's state that name its
/// remote object, stored by Terraform beside the state and usable instead of an import id
/// (`import { to = ..., identity = { ... } }`). Each identity attribute is the state attribute
/// of the same name, which must be a primitive that never changes for the object's life.
#[derive(Clone, Debug, Default)]
pub struct Identity {
    /// The identity's schema version.
    pub version: i64,
    /// Its attributes, in declaration order.
    pub attributes: Vec<IdentityAttribute>,
}

/// One attribute of an [`Identity`].
#[derive(Clone, Debug)]
pub struct IdentityAttribute {
    /// The name, the same as the resource attribute it copies.
    pub name: String,
    /// Required in an `import` block's identity; otherwise optional there.
    pub required_for_import: bool,
    /// Markdown.
    pub description: String,
}

impl Identity {
    /// An identity without attributes.
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
        for m in &a.plan_modifiers {
            if let Some(e) = m.schema_error(a) {
                errs.push(format!("{path}: {e}"));
            }
        }
        if a.default.is_some() && !a.presence.is_computed() {
            errs.push(format!("{path}: a default needs an optional+computed attribute"));
        }
        if a.presence == Presence::Computed && !a.validators.iter().all(|v| v.restates_type()) {
            errs.push(format!("{path}: validators on a computed-only attribute never run"));
        }
        if a.description.is_empty() {
            errs.push(format!("{path}: no description"));
        }
        if a.write_only && (a.presence != Presence::Optional && a.presence != Presence::Required || a.default.is_some()) {
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
            // The planner plans single, list and set nesting member by member; map nesting
            // is supported where only the provider sets the value.
            if matches!(n, Nesting::Map) && a.presence != Presence::Computed {
                errs.push(format!("{path}: map nested attributes must be computed-only"));
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
            .attr(Attribute::new("by_key", Kind::Nested(Nesting::Map, vec![string("n").optional().desc("d")])).optional().desc("d"))
            .attr(nested_list("items", vec![string("n").required().desc("d")]).optional().desc("d"))
            .attr(nested_set("numbers", vec![string("n").required().desc("d"), string("id").computed().desc("d")]).required().desc("d"))
            .attr(nested_list("listed", vec![string("n").computed().desc("d")]).computed().desc("d"))
            .attr(set("any", Type::Dynamic).optional().desc("d"));
        let errs = s.check();
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(errs[0].starts_with("by_key: map nested") && errs[1].starts_with("any:"), "{errs:?}");
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

    #[test]
    fn an_action_config_is_neither_computed_nor_sensitive() {
        let ok = Schema::new("a").attr(string("x").required().desc("x")).attr(string("y").optional().desc("y"));
        assert!(ok.check_action().is_empty(), "{:?}", ok.check_action());
        let bad = Schema::new("a")
            .attr(string("x").computed().desc("x"))
            .attr(string("y").optional().sensitive().desc("y"))
            .attr(nested("n", vec![string("z").optional_computed().desc("z")]).optional().desc("n"));
        assert_eq!(bad.check_action().len(), 3, "{:?}", bad.check_action());
    }
}
