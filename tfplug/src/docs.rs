//! Registry-style Markdown documentation rendered from schemas: the layout the public
//! Terraform registry (and OpenTofu's) renders for `docs/resources/<name>.md` and
//! `docs/data-sources/<name>.md` — front matter, description, example usage, the schema
//! split into Required / Optional / Read-Only with nested schemas linked below, and the
//! import syntax — and `docs/functions/<name>.md` for provider-defined functions.

use std::fmt::Write as _;

use super::provider::{Parameter, Signature};
use super::schema::{Attribute, Identity, Kind, Nesting, Presence, Schema};
use super::types::Type;

/// What a page documents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageKind {
    /// A managed resource (`docs/resources/`).
    Resource,
    /// A data source (`docs/data-sources/`).
    DataSource,
    /// An ephemeral resource (`docs/ephemeral-resources/`).
    EphemeralResource,
    /// An action (`docs/actions/`, Terraform >= 1.14): the schema is its `config` block's.
    Action,
}

impl PageKind {
    fn title(self) -> &'static str {
        match self {
            PageKind::Resource => "Resource",
            PageKind::DataSource => "Data Source",
            PageKind::EphemeralResource => "Ephemeral Resource",
            PageKind::Action => "Action",
        }
    }
}

/// One documentation page.
#[derive(Debug)]
pub struct Page<'a> {
    /// The full type name, e.g. `telnyx_fqdn`.
    pub type_name: &'a str,
    /// Resource or data source.
    pub kind: PageKind,
    /// The schema the page documents.
    pub schema: &'a Schema,
    /// e.g. `terraform-provider-telnyx`
    pub provider_name: &'a str,
    /// Terraform configuration shown under "Example Usage".
    pub example: Option<&'a str>,
    /// Shell lines shown under "Import".
    pub import: Option<&'a str>,
    /// The resource identity, shown under "Import" as an `import` block with `identity`.
    pub identity: Option<&'a Identity>,
    /// The schema of the list resource's `config` block, shown under "List Resource".
    pub list: Option<&'a Schema>,
}

/// Renders a resource or data source page.
pub fn render_page(p: &Page<'_>) -> String {
    let mut out = String::new();
    let first_line = p.schema.description.lines().next().unwrap_or("").trim();
    let _ = writeln!(out, "---");
    let _ = writeln!(out, "page_title: \"{} {} - {}\"", p.type_name, p.kind.title(), p.provider_name);
    let _ = writeln!(out, "subcategory: \"\"");
    let _ = writeln!(out, "description: |-");
    let _ = writeln!(out, "  {first_line}");
    let _ = writeln!(out, "---\n");
    let _ = writeln!(out, "# {} ({})\n", p.type_name, p.kind.title());
    let _ = writeln!(out, "{}\n", p.schema.description.trim());
    if let Some(dep) = &p.schema.deprecation {
        let _ = writeln!(out, "~> **Deprecated:** {dep}\n");
    }
    if let Some(ex) = p.example {
        let _ = writeln!(out, "## Example Usage\n\n```terraform\n{}\n```\n", ex.trim_end());
    }
    let schema = render_schema(&p.schema.attributes);
    if p.kind == PageKind::Action {
        out.push_str(&schema.replacen("## Schema\n", "## Schema\n\nThe arguments of the action's `config` block.\n", 1));
    } else {
        out.push_str(&schema);
    }
    if let Some(imp) = p.import {
        let _ = writeln!(out, "\n## Import\n\nImport is supported using the following syntax:\n\n```shell\n{}\n```", imp.trim_end());
    }
    if let Some(ident) = p.identity {
        render_identity(&mut out, p, ident);
    }
    if let Some(list) = p.list {
        render_list(&mut out, p, list);
    }
    out
}

/// The list resource: a `list` block for `terraform query`, and its `config` arguments.
fn render_list(out: &mut String, p: &Page<'_>, list: &Schema) {
    let (type_name, local) = (p.type_name, p.provider_name.trim_start_matches("terraform-provider-"));
    let _ = writeln!(
        out,
        "\n## List Resource\n\nTerraform ≥ 1.14 lists existing objects with `terraform query` (OpenTofu has no list resources). In a `.tfquery.hcl` file:\n"
    );
    let _ = writeln!(
        out,
        "```terraform\nlist \"{type_name}\" \"all\" {{\n  provider         = {local}\n  include_resource = true # each object's full state too\n  limit            = 100\n\n  config {{\n    # the filters below, all optional\n  }}\n}}\n```\n"
    );
    let _ = writeln!(
        out,
        "Each result has the object's identity (for an `import` block; `terraform query -generate-config-out=FILE` writes both) and a display name. {}",
        list.description.trim()
    );
    let _ = writeln!(out, "\n### Configuration (`config` block)");
    let mut nested = Vec::new();
    groups(out, &list.attributes, "", "", &mut nested);
}

/// Import by identity, and the identity attributes.
fn render_identity(out: &mut String, p: &Page<'_>, ident: &Identity) {
    let _ = writeln!(
        out,
        "\n### Import by identity\n\nTerraform ≥ 1.12 and OpenTofu ≥ 1.12 also record a **resource identity** in state, and import with an `import` block that gives the identity instead of an id:\n"
    );
    let ty = ident.ty(p.schema);
    let _ = writeln!(out, "```terraform\nimport {{\n  to = {}.example\n  identity = {{", p.type_name);
    let width = ident.attributes.iter().filter(|a| a.required_for_import).map(|a| a.name.len()).max().unwrap_or(0);
    for a in ident.attributes.iter().filter(|a| a.required_for_import) {
        let _ = writeln!(out, "    {:width$} = \"...\"", a.name);
    }
    let _ = writeln!(out, "  }}\n}}\n```\n\nIdentity attributes:\n");
    for a in &ident.attributes {
        let t = match &ty {
            Type::Object(m) => m.get(&a.name).map(type_name).unwrap_or_default(),
            _ => String::new(),
        };
        let need = if a.required_for_import { "Required for import" } else { "Optional for import" };
        let _ = writeln!(out, "- `{}` ({t}, {need}) {}", a.name, a.description.trim());
    }
}

/// The `## Schema` section of a page (also used for the provider's index page).
pub fn render_schema(attrs: &[Attribute]) -> String {
    let mut out = String::from("<!-- schema generated from the provider's own schema; do not edit -->\n## Schema\n");
    let mut nested: Vec<(String, &Attribute)> = Vec::new();
    groups(&mut out, attrs, "", "###", &mut nested);
    // Nested schemas, breadth-first, each linked from its parent.
    let mut i = 0;
    while i < nested.len() {
        let (path, a) = (nested[i].0.clone(), nested[i].1);
        let _ = write!(out, "\n<a id=\"{}\"></a>\n### Nested Schema for `{}`\n", anchor(&path), path);
        let mut inner = Vec::new();
        groups(&mut out, a.children(), &format!("{path}."), "", &mut inner);
        nested.extend(inner);
        i += 1;
    }
    out
}

fn groups<'a>(out: &mut String, attrs: &'a [Attribute], prefix: &str, heading: &str, nested: &mut Vec<(String, &'a Attribute)>) {
    type Pick = fn(&Attribute) -> bool;
    let sections: [(&str, Pick); 3] = [
        ("Required", |a| a.presence == Presence::Required),
        ("Optional", |a| matches!(a.presence, Presence::Optional | Presence::OptionalComputed)),
        ("Read-Only", |a| a.presence == Presence::Computed),
    ];
    for (title, pick) in sections {
        let mut in_section: Vec<&Attribute> = attrs.iter().filter(|a| pick(a)).collect();
        if in_section.is_empty() {
            continue;
        }
        in_section.sort_by(|a, b| a.name.cmp(&b.name));
        if heading.is_empty() {
            let _ = writeln!(out, "\n{title}:\n");
        } else {
            let _ = writeln!(out, "\n{heading} {title}\n");
        }
        for a in in_section {
            let path = format!("{prefix}{}", a.name);
            let _ = write!(out, "- `{}` ({}", a.name, type_label(a));
            if a.sensitive {
                out.push_str(", Sensitive");
            }
            if a.write_only {
                out.push_str(", Write-only");
            }
            if a.deprecation.is_some() {
                out.push_str(", Deprecated");
            }
            out.push(')');
            let mut words: Vec<String> = Vec::new();
            let desc = a.description.trim();
            if !desc.is_empty() {
                words.push(desc.replace('\n', " "));
            }
            words.extend(a.plan_modifiers.iter().filter_map(|m| m.doc_note(desc)));
            if let Some(dep) = &a.deprecation {
                words.push(format!("**Deprecated:** {dep}"));
            }
            if matches!(a.kind, Kind::Nested(..)) {
                words.push(format!("(see [below for nested schema](#{}))", anchor(&path)));
                nested.push((path, a));
            }
            for w in words {
                out.push(' ');
                out.push_str(&w);
            }
            out.push('\n');
        }
    }
}

fn anchor(path: &str) -> String {
    format!("nestedatt--{}", path.replace('.', "--"))
}

fn type_label(a: &Attribute) -> String {
    match &a.kind {
        Kind::Nested(Nesting::Single, _) => "Attributes".into(),
        Kind::Nested(Nesting::List, _) => "Attributes List".into(),
        Kind::Nested(Nesting::Set, _) => "Attributes Set".into(),
        Kind::Nested(Nesting::Map, _) => "Attributes Map".into(),
        Kind::Value(t) => type_name(t),
    }
}

fn type_name(t: &Type) -> String {
    match t {
        Type::Bool => "Boolean".into(),
        Type::Number => "Number".into(),
        Type::String => "String".into(),
        Type::Dynamic => "Dynamic".into(),
        Type::List(e) => format!("List of {}", type_name(e)),
        Type::Set(e) => format!("Set of {}", type_name(e)),
        Type::Map(e) => format!("Map of {}", type_name(e)),
        Type::Object(_) => "Object".into(),
        Type::Tuple(_) => "Tuple".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{int, nested, set, string};

    #[test]
    fn page_layout() {
        let schema = Schema::new("A thing.\n\nMore words.")
            .attr(string("id").computed().desc("The id."))
            .attr(string("name").required().desc("Its name."))
            .attr(string("secret").optional().sensitive().desc("Keep it safe."))
            .attr(string("region").optional().replace_on_change().desc("Where."))
            .attr(set("tags", Type::String).optional_computed().desc("Tags."))
            .attr(
                nested("inbound", vec![int("limit").optional_computed().desc("Limit."), nested("deep", vec![string("x").computed()])])
                    .optional(),
            );
        let page = render_page(&Page {
            type_name: "x_thing",
            kind: PageKind::Resource,
            schema: &schema,
            provider_name: "terraform-provider-x",
            example: Some("resource \"x_thing\" \"a\" {}\n"),
            import: Some("terraform import x_thing.a 123"),
            identity: None,
            list: None,
        });
        assert!(page.starts_with("---\npage_title: \"x_thing Resource - terraform-provider-x\"\n"));
        assert!(page.contains("description: |-\n  A thing.\n---"));
        assert!(page.contains("## Example Usage\n\n```terraform\nresource \"x_thing\" \"a\" {}\n```"));
        let req = page.find("### Required").unwrap();
        let opt = page.find("### Optional").unwrap();
        let ro = page.find("### Read-Only").unwrap();
        assert!(req < opt && opt < ro);
        assert!(page.contains("- `secret` (String, Sensitive) Keep it safe."));
        assert!(page.contains("- `tags` (Set of String) Tags."));
        assert!(page.contains("Where. Changing it replaces the object."));
        assert!(page.contains("- `inbound` (Attributes) (see [below for nested schema](#nestedatt--inbound))"));
        assert!(page.contains("<a id=\"nestedatt--inbound\"></a>\n### Nested Schema for `inbound`\n\nOptional:\n\n- `deep`"));
        assert!(page.contains("### Nested Schema for `inbound.deep`\n\nRead-Only:\n\n- `x` (String)"));
        assert!(page.trim_end().ends_with("terraform import x_thing.a 123\n```"));
    }

    #[test]
    fn action_page_layout() {
        let schema = Schema::new("Checks a thing.").attr(string("thing_id").required().desc("The thing."));
        let page = render_page(&Page {
            type_name: "x_check",
            kind: PageKind::Action,
            schema: &schema,
            provider_name: "terraform-provider-x",
            example: Some("action \"x_check\" \"a\" {}"),
            import: None,
            identity: None,
            list: None,
        });
        assert!(page.starts_with("---\npage_title: \"x_check Action - terraform-provider-x\"\n"), "{page}");
        assert!(page.contains("# x_check (Action)\n"));
        assert!(
            page.contains("## Schema\n\nThe arguments of the action's `config` block.\n\n### Required\n\n- `thing_id` (String) The thing."),
            "{page}"
        );
        assert!(!page.contains("## Import"));
    }

    #[test]
    fn identity_and_list_sections() {
        let schema =
            Schema::new("A thing.").attr(string("id").computed().desc("The id.")).attr(string("name").required().desc("Its name."));
        let identity = Identity::new().required("id", "The id.").optional("name", "Its name.");
        let list = Schema::new("Lists things.").attr(string("name_contains").optional().desc("Only these."));
        let page = render_page(&Page {
            type_name: "x_thing",
            kind: PageKind::Resource,
            schema: &schema,
            provider_name: "terraform-provider-x",
            example: None,
            import: Some("terraform import x_thing.a 123"),
            identity: Some(&identity),
            list: Some(&list),
        });
        assert!(page.contains("```terraform\nimport {\n  to = x_thing.example\n  identity = {\n    id = \"...\"\n  }\n}\n```"), "{page}");
        assert!(page.contains("- `id` (String, Required for import) The id.\n- `name` (String, Optional for import) Its name."));
        assert!(page.contains("list \"x_thing\" \"all\" {\n  provider         = x\n"), "{page}");
        assert!(page.contains("### Configuration (`config` block)\n\nOptional:\n\n- `name_contains` (String) Only these."), "{page}");
    }
}

// ---- provider-defined functions ---------------------------------------------------------------

/// Renders a function page (`docs/functions/<name>.md`): front matter, description, example
/// usage, the signature, the arguments in order, and the result.
pub fn render_function_page(name: &str, sig: &Signature, provider_name: &str, example: Option<&str>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "---");
    let _ = writeln!(out, "page_title: \"{name} function - {provider_name}\"");
    let _ = writeln!(out, "subcategory: \"\"");
    let _ = writeln!(out, "description: |-");
    let _ = writeln!(out, "  {}", sig.summary.lines().next().unwrap_or("").trim());
    let _ = writeln!(out, "---\n");
    let _ = writeln!(out, "# function: {name}\n");
    let _ = writeln!(out, "{}\n", sig.description.trim());
    if let Some(dep) = &sig.deprecation {
        let _ = writeln!(out, "~> **Deprecated:** {dep}\n");
    }
    let local = provider_name.trim_start_matches("terraform-provider-");
    let _ = writeln!(
        out,
        "Provider-defined functions need Terraform ≥ 1.8 or OpenTofu ≥ 1.7. Call this one as `provider::{local}::{name}(...)`.\n"
    );
    if let Some(ex) = example {
        let _ = writeln!(out, "## Example Usage\n\n```terraform\n{}\n```\n", ex.trim_end());
    }
    let mut params: Vec<String> = sig.parameters.iter().map(|p| format!("{} {}", p.name, friendly(&p.ty))).collect();
    if let Some(v) = &sig.variadic {
        params.push(format!("{} ...{}", v.name, friendly(&v.ty)));
    }
    let _ = writeln!(out, "<!-- generated from the function's own signature; do not edit -->\n## Signature\n");
    let _ = writeln!(out, "```text\n{name}({}) {}\n```\n", params.join(", "), friendly(&sig.return_type));
    let _ = writeln!(out, "## Arguments\n");
    let arg = |out: &mut String, n: usize, p: &Parameter, variadic: bool| {
        let mut label = type_name(&p.ty);
        if variadic {
            label.push_str(", Variadic");
        }
        if p.allow_null {
            label.push_str(", Nullable");
        }
        let _ = writeln!(out, "{n}. `{}` ({label}) {}", p.name, p.description.trim().replace('\n', " "));
    };
    for (i, p) in sig.parameters.iter().enumerate() {
        arg(&mut out, i + 1, p, false);
    }
    if let Some(v) = &sig.variadic {
        arg(&mut out, sig.parameters.len() + 1, v, true);
    }
    let _ = writeln!(out, "\n## Result\n");
    match &sig.return_type {
        Type::Object(attrs) => {
            let _ = writeln!(out, "An object with these attributes:\n");
            for (k, t) in attrs {
                let _ = writeln!(out, "- `{k}` ({})", type_name(t));
            }
        }
        t => {
            let _ = writeln!(out, "{}", type_name(t));
        }
    }
    out
}

/// A type as Terraform writes it in messages and signatures (`list of string`).
fn friendly(t: &Type) -> String {
    match t {
        Type::Bool => "bool".into(),
        Type::Number => "number".into(),
        Type::String => "string".into(),
        Type::Dynamic => "dynamic".into(),
        Type::List(e) => format!("list of {}", friendly(e)),
        Type::Set(e) => format!("set of {}", friendly(e)),
        Type::Map(e) => format!("map of {}", friendly(e)),
        Type::Object(_) => "object".into(),
        Type::Tuple(_) => "tuple".into(),
    }
}

#[cfg(test)]
mod function_tests {
    use super::*;

    #[test]
    fn function_page_layout() {
        let sig = Signature::new("Joins strings.", Type::String)
            .desc("Joins its arguments.")
            .param(Parameter::new("sep", Type::String).allow_null().desc("Between parts."))
            .variadic(Parameter::new("parts", Type::String).desc("The parts."));
        let page = render_function_page("join", &sig, "terraform-provider-x", Some("output \"j\" {}\n"));
        assert!(page.starts_with("---\npage_title: \"join function - terraform-provider-x\"\n"), "{page}");
        assert!(page.contains("description: |-\n  Joins strings.\n---\n\n# function: join\n\nJoins its arguments.\n"), "{page}");
        assert!(page.contains("`provider::x::join(...)`"), "{page}");
        assert!(page.contains("```text\njoin(sep string, parts ...string) string\n```"), "{page}");
        assert!(page.contains("1. `sep` (String, Nullable) Between parts.\n2. `parts` (String, Variadic) The parts.\n"), "{page}");
        assert!(page.contains("## Result\n\nString\n"), "{page}");
        assert!(page.contains("## Example Usage\n\n```terraform\noutput \"j\" {}\n```"), "{page}");
    }
}
