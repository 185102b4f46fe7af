//! From listed objects to the files `export` writes.
//!
//! Each object is read into state exactly as the resource would read it (`absorb`), then cut
//! down to the configuration GenerateResourceConfig would answer for it
//! ([`crate::resources::configuration`]: no computed-only attribute, no unset optional one, no
//! value equal to Telnyx's documented default, nothing the resource would refuse at plan time
//! where leaving it out keeps it). Secrets are never written: a required or clearable secret becomes a sensitive variable
//! and `lifecycle { ignore_changes = [...] }`. Ids of other exported objects become
//! references, except where a reference would be a dependency cycle.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value as Json;

use super::hcl::{self, Item};
use crate::resources::configuration::configuration;
use crate::resources::mapping::absorb;
use tfplug::schema::{Attribute, Kind, Nesting, Presence};
use tfplug::{Diagnostics, Schema, Value};

pub use crate::resources::common::EXPORT_PLACEHOLDER as PASSWORD_PLACEHOLDER;

/// One listed object and what the exporter knows of its type.
pub struct Object<'a> {
    pub type_name: &'static str,
    pub schema: &'a Schema,
    pub validate: fn(&Value) -> Diagnostics,
    /// Telnyx's documented defaults for the type ([`crate::resources::Exported::defaults`]).
    pub defaults: &'a Json,
    pub label: &'a str,
    pub api: &'a Json,
}

/// A sensitive variable the configuration needs.
struct Variable {
    name: String,
    description: String,
}

/// Every file, by name.
pub fn files(objects: &[Object<'_>]) -> Vec<(String, String)> {
    let ids: HashMap<&str, (&str, &str, &Json)> =
        objects.iter().filter_map(|o| Some((o.api.get("id")?.as_str()?, (o.type_name, o.label, o.api)))).collect();
    let mut by_type: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut variables: Vec<Variable> = Vec::new();
    let mut imports = Vec::new();
    for o in objects {
        let state = absorb(&o.schema.attributes, o.api, &Value::Null);
        let config = configuration(o.schema, o.validate, o.defaults, &state);
        // Secrets the resource's own validation asks for (one of two ways to give a password).
        let demanded = (o.validate)(&config).iter().filter(|d| d.is_error()).filter_map(|d| Some(d.path.as_ref()?.to_string())).collect();
        let mut cx = Cx { ids: &ids, this: o, vars: Vec::new(), ignore: Vec::new(), demanded };
        let mut items = cx.items(&o.schema.attributes, &config, &state, "");
        if !cx.ignore.is_empty() {
            items.push(Item::Block("lifecycle".into(), vec![Item::Line("ignore_changes".into(), format!("[{}]", cx.ignore.join(", ")))]));
        }
        variables.append(&mut cx.vars);
        let id = state.get("id").as_str().unwrap_or_default().to_string();
        imports.push((format!("{}.{}", o.type_name, o.label), id));
        by_type
            .entry(o.type_name)
            .or_default()
            .push(hcl::block(&format!("resource {} {}", hcl::string(o.type_name), hcl::string(o.label)), &items));
    }

    let mut out: Vec<(String, String)> = by_type.into_iter().map(|(t, blocks)| (format!("{t}.tf"), blocks.join("\n"))).collect();
    out.push(("versions.tf".into(), versions()));
    if !variables.is_empty() {
        let text: Vec<String> = variables
            .iter()
            .map(|v| {
                hcl::block(
                    &format!("variable {}", hcl::string(&v.name)),
                    &[
                        Item::Line("description".into(), hcl::string(&v.description)),
                        Item::Line("type".into(), "string".into()),
                        Item::Line("sensitive".into(), "true".into()),
                        Item::Line("default".into(), hcl::string(PASSWORD_PLACEHOLDER)),
                    ],
                )
            })
            .collect();
        out.push(("variables.tf".into(), text.join("\n")));
    }
    out.push(("imports.tf".into(), imports_tf(&imports)));
    out.push(("import.sh".into(), import_sh(&imports)));
    out.push(("README.md".into(), readme(objects.len(), !variables.is_empty())));
    out
}

/// Why an id stays literal: a reference to the object it names would be a dependency cycle
/// (written as a comment above the id).
#[derive(Debug, thiserror::Error)]
#[error("{type_name}.{label} (literal id: that record names this object, so a reference would be a cycle)")]
struct Cycle<'a> {
    type_name: &'a str,
    label: &'a str,
}

/// Rendering context of one object.
struct Cx<'a> {
    ids: &'a HashMap<&'a str, (&'a str, &'a str, &'a Json)>,
    this: &'a Object<'a>,
    vars: Vec<Variable>,
    ignore: Vec<String>,
    /// Paths of attributes the resource's validation refuses to leave unset.
    demanded: Vec<String>,
}

impl Cx<'_> {
    fn items(&mut self, attrs: &[Attribute], config: &Value, state: &Value, prefix: &str) -> Vec<Item> {
        let mut out = Vec::new();
        for a in attrs {
            let path = if prefix.is_empty() { a.name.clone() } else { format!("{prefix}.{}", a.name) };
            let v = config.get(&a.name);
            if a.sensitive {
                // Never written. Needed in the configuration when it is required, or when
                // leaving it out would clear it: a variable, and changes to it ignored.
                let needed = a.presence == Presence::Required
                    || (a.presence == Presence::Optional && !state.get(&a.name).is_null())
                    || self.demanded.contains(&path);
                if needed && a.presence.is_configurable() && !a.write_only {
                    let name =
                        format!("{}_{}_{}", self.this.type_name.trim_start_matches("telnyx_"), self.this.label, path.replace('.', "_"));
                    // A secret inside a nested attribute: the nested attribute is ignored whole.
                    // Terraform before 1.2.7 refuses a path into a nested attribute in
                    // ignore_changes, and an update sends the whole nested object, so changing
                    // its other members without the password would clear the password.
                    let ignored = path.split('.').next().unwrap_or(&path).to_string();
                    self.vars.push(Variable {
                        name: name.clone(),
                        description: format!(
                            "`{path}` of {}.{}. Telnyx does not return it, so export cannot write it (and never writes secrets): \
                             `{ignored}` is ignored while the object exists (lifecycle ignore_changes). Set this variable \
                             (TF_VAR_{name}) and remove `{ignored}` from ignore_changes to manage it; the provider refuses to \
                             create the object with the placeholder default.",
                            self.this.type_name, self.this.label
                        ),
                    });
                    out.push(Item::Line(a.name.clone(), format!("var.{name}")));
                    if !self.ignore.contains(&ignored) {
                        self.ignore.push(ignored);
                    }
                }
                continue;
            }
            if v.is_null() {
                continue;
            }
            match (&a.kind, v) {
                (Kind::Nested(Nesting::Single, children), Value::Object(_)) => {
                    let inner = self.items(children, v, state.get(&a.name), &path);
                    if !inner.is_empty() {
                        out.push(Item::Object(a.name.clone(), inner));
                    }
                }
                (_, Value::String(s)) if a.name.ends_with("_id") => match self.reference(s) {
                    Ok(r) => out.push(Item::Line(a.name.clone(), r)),
                    Err(cycle) => {
                        out.push(Item::Comment(cycle.to_string()));
                        out.push(Item::Line(a.name.clone(), hcl::string(s)));
                    }
                },
                _ => out.push(Item::Line(a.name.clone(), hcl::literal(v))),
            }
        }
        out
    }

    /// `telnyx_x.label.id` for the id of another exported object (a literal id for any other);
    /// `Err` where a reference would be a cycle: the other object refers to this one.
    fn reference(&self, id: &str) -> Result<String, Cycle<'_>> {
        let Some((t, label, target)) = self.ids.get(id) else { return Ok(hcl::string(id)) };
        let this_id = self.this.api.get("id").and_then(Json::as_str).unwrap_or_default();
        let points_back = target.as_object().is_some_and(|m| m.values().any(|v| v.as_str() == Some(this_id)));
        if points_back {
            return Err(Cycle { type_name: t, label });
        }
        Ok(format!("{t}.{label}.id"))
    }
}

fn versions() -> String {
    format!(
        "terraform {{\n  required_version = \">= 1.0\"\n\n  required_providers {{\n    telnyx = {{\n      source  = \"telnyx/telnyx\"\n      version = \">= {}\"\n    }}\n  }}\n}}\n\n# api_key and base_url come from TELNYX_API_KEY and TELNYX_BASE_URL.\nprovider \"telnyx\" {{}}\n",
        env!("CARGO_PKG_VERSION")
    )
}

fn imports_tf(imports: &[(String, String)]) -> String {
    let mut out = String::from(
        "# Import blocks for Terraform >= 1.5 and OpenTofu: `terraform plan` shows the imports, `terraform apply` records them.\n\
         # Older Terraform cannot read this file: use import.sh instead (it sets this file aside).\n",
    );
    for (to, id) in imports {
        out.push('\n');
        out.push_str(&hcl::block("import", &[Item::Line("to".into(), to.clone()), Item::Line("id".into(), hcl::string(id))]));
    }
    out
}

fn import_sh(imports: &[(String, String)]) -> String {
    let mut out = String::from(
        "#!/bin/sh\n# For Terraform older than 1.5, which cannot read imports.tf (not even in `terraform init`): sets it aside\n\
         # (imports.tf.disabled), runs `terraform init`, then `terraform import` for each exported object.\n\
         # TERRAFORM_BIN names another terraform binary.\nset -e\ncd \"$(dirname \"$0\")\"\n\
         terraform=\"${TERRAFORM_BIN:-terraform}\"\nif [ -f imports.tf ]; then mv imports.tf imports.tf.disabled; fi\n\
         \"$terraform\" init -input=false\n",
    );
    for (to, id) in imports {
        out.push_str(&format!("\"$terraform\" import -input=false '{to}' '{}'\n", id.replace('\'', "")));
    }
    out
}

fn readme(n: usize, has_variables: bool) -> String {
    let secrets = if has_variables {
        "\nSecrets: Telnyx never returns passwords, and export never writes a secret. Each one is a sensitive variable in\n\
         `variables.tf` whose attribute is in `lifecycle { ignore_changes = [...] }`, so the plan is clean without it. To\n\
         manage a password, set its variable (`TF_VAR_<name>`) and remove it from `ignore_changes`. The provider refuses to\n\
         create a connection with the placeholder default.\n"
    } else {
        ""
    };
    format!(
        "# Exported Telnyx configuration\n\nWritten by `terraform-provider-telnyx export`: {n} objects, one `.tf` file per resource type.\n\n\
         Import the objects into state:\n\n\
         - Terraform >= 1.5 or OpenTofu: `terraform init`, then `terraform plan` shows the imports of `imports.tf` and\n  \
         `terraform apply` records them.\n\
         - Older Terraform cannot read `imports.tf`, not even in `terraform init`: run `./import.sh` instead (it sets\n  \
         `imports.tf` aside, runs `terraform init`, then `terraform import` for each object).\n\n\
         Then `terraform plan` shows no changes.\n\n\
         Attributes equal to Telnyx's defaults are left out (left out, they keep what Telnyx holds). Ids of other exported\n\
         objects are references; a literal id marked with a comment would have been a dependency cycle.\n{secrets}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::Exported as _;
    use crate::resources::fqdn::Fqdn;
    use crate::resources::fqdn_connection::FqdnConnection;
    use crate::resources::rest::RestObject;
    use serde_json::json;

    #[test]
    fn defaults_are_left_out_references_written_and_refused_values_dropped() {
        let conn_schema = FqdnConnection::schema();
        let fqdn_schema = Fqdn::schema();
        let conn = json!({"id": "111", "connection_name": "PBX", "transport_protocol": "UDP", "active": true, "anchorsite_override": "Chicago, IL",
            "inbound": {"channel_limit": 10, "default_primary_fqdn_id": "222"}, "tags": []});
        let srv = json!({"id": "222", "connection_id": "111", "fqdn": "example.com", "dns_record_type": "srv", "port": 5060});
        let (conn_defaults, fqdn_defaults) = (FqdnConnection::defaults(), Fqdn::defaults());
        let objects = [
            Object {
                type_name: FqdnConnection::TYPE_NAME,
                schema: &conn_schema,
                validate: FqdnConnection::validate,
                defaults: &conn_defaults,
                label: "pbx",
                api: &conn,
            },
            Object {
                type_name: Fqdn::TYPE_NAME,
                schema: &fqdn_schema,
                validate: Fqdn::validate,
                defaults: &fqdn_defaults,
                label: "example_com",
                api: &srv,
            },
        ];
        let files: BTreeMap<String, String> = files(&objects).into_iter().collect();
        let c = &files["telnyx_fqdn_connection.tf"];
        assert!(c.contains("connection_name     = \"PBX\""), "{c}");
        assert!(c.contains("anchorsite_override = \"Chicago, IL\""), "{c}");
        assert!(!c.contains("transport_protocol") && !c.contains("active") && !c.contains("tags"), "defaults and empties left out:\n{c}");
        assert!(c.contains("channel_limit") && c.contains("default_primary_fqdn_id = \"222\""), "{c}");
        assert!(c.contains("# telnyx_fqdn.example_com (literal id"), "{c}");
        let f = &files["telnyx_fqdn.tf"];
        assert!(f.contains("connection_id   = telnyx_fqdn_connection.pbx.id"), "{f}");
        assert!(!f.contains("port"), "an SRV record's port is refused at plan: left out\n{f}");
        assert!(files["imports.tf"].contains("to = telnyx_fqdn.example_com"));
        assert!(files["import.sh"].contains("\"$terraform\" import -input=false 'telnyx_fqdn_connection.pbx' '111'"));
        assert!(files["import.sh"].contains("\"$terraform\" init -input=false\n"), "init after imports.tf is set aside");
        assert!(!files.contains_key("variables.tf"));
    }
}
