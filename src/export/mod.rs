//! `terraform-provider-telnyx export --out DIR`: brings an existing Telnyx account under
//! Terraform. It lists every object of every resource type (reads only: it never sends a
//! write), and writes one `.tf` file per type — resource blocks named after the objects,
//! references instead of ids, only what differs from Telnyx's defaults, no secret in clear —
//! plus `imports.tf` (Terraform ≥ 1.5, OpenTofu), `import.sh` (any Terraform), `versions.tf`,
//! `variables.tf` and a `README.md`.

mod hcl;
mod render;

/// The configuration of one object from its state (also GenerateResourceConfig's answer).
pub use render::configuration;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use serde_json::Value as Json;

use crate::resources::list::{Listed, SubView};
use crate::resources::rest::RestObject as _;
use crate::resources::{
    access_ip_range::AccessIpRange, billing_group::BillingGroup, credential_connection::CredentialConnection, fqdn::Fqdn,
    fqdn_connection::FqdnConnection, ip::Ip, ip_connection::IpConnection, outbound_voice_profile::OutboundVoiceProfile,
    phone_number::PhoneNumber,
};
use crate::telnyx::client::{Client, Secret, Settings};
use tfplug::{Ctx, Schema};

pub use render::PASSWORD_PLACEHOLDER;

/// One resource type as the exporter sees it.
#[derive(Clone, Copy)]
struct Family {
    type_name: &'static str,
    path: &'static str,
    schema: fn() -> Schema,
    /// The family's own configuration checks (beyond each attribute's validators).
    validate: fn(&tfplug::Value) -> tfplug::Diagnostics,
    /// The field that names an object (its natural key's first attribute).
    name_field: &'static str,
    sub_view: Option<SubView>,
    combine: fn(Json, Option<&Json>) -> Json,
    /// What a resource label starts with when the name cannot (empty, or a leading digit).
    prefix: &'static str,
}

impl std::fmt::Debug for Family {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.type_name)
    }
}

fn family<T: Listed>(prefix: &'static str) -> Family {
    Family {
        type_name: T::TYPE_NAME,
        path: T::PATH,
        schema: T::schema,
        validate: T::validate,
        name_field: T::KEY.first().map_or("id", |(k, _)| *k),
        sub_view: T::SUB_VIEW,
        combine: T::combine,
        prefix,
    }
}

/// Every exported type, referenced types first.
fn families() -> Vec<Family> {
    vec![
        family::<BillingGroup>("group"),
        family::<OutboundVoiceProfile>("profile"),
        family::<CredentialConnection>("connection"),
        family::<FqdnConnection>("connection"),
        family::<IpConnection>("connection"),
        family::<Fqdn>("fqdn"),
        family::<Ip>("ip"),
        family::<AccessIpRange>("range"),
        family::<PhoneNumber>("number"),
    ]
}

const USAGE: &str = "usage: terraform-provider-telnyx export --out DIR [--type TYPE]... [--name-contains TEXT]
                                     [--api-key KEY] [--base-url URL] [--force]

Writes Terraform configuration for the objects of a Telnyx account into DIR: one .tf file per
resource type, imports.tf (import blocks, Terraform >= 1.5 / OpenTofu), import.sh (terraform
import, any Terraform), versions.tf, variables.tf and README.md. Only reads the account.

  --out DIR             where to write (created; must be empty unless --force)
  --type TYPE           only this resource type (repeatable), e.g. telnyx_fqdn_connection or fqdn_connection
  --name-contains TEXT  only objects whose name contains TEXT, ignoring case
  --api-key KEY         default: TELNYX_API_KEY
  --base-url URL        default: TELNYX_BASE_URL, else https://api.telnyx.com/v2
  --force               write into a DIR that already holds files";

/// What the command line asked for.
#[derive(Debug, Default)]
struct Options {
    out: Option<PathBuf>,
    types: Vec<String>,
    name_contains: Option<String>,
    api_key: Option<String>,
    base_url: Option<String>,
    force: bool,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--out" => o.out = Some(PathBuf::from(value("--out")?)),
            "--type" => o.types.push(value("--type")?),
            "--name-contains" => o.name_contains = Some(value("--name-contains")?),
            "--api-key" => o.api_key = Some(value("--api-key")?),
            "--base-url" => o.base_url = Some(value("--base-url")?),
            "--force" => o.force = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(o)
}

/// The subcommand's entry point (`args`: what follows `export`).
#[allow(clippy::print_stderr)]
pub fn main(args: &[String]) -> ExitCode {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        eprintln!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let opts = match parse(args) {
        Ok(o) if o.out.is_some() => o,
        Ok(_) => {
            eprintln!("export: --out DIR is required\n\n{USAGE}");
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("export: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("export: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(opts)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("export: {e}");
            ExitCode::FAILURE
        }
    }
}

/// One listed object.
struct Found {
    family: Family,
    obj: Json,
    label: String,
}

#[allow(clippy::print_stderr)]
async fn run(opts: Options) -> Result<(), String> {
    let started = Instant::now();
    let out = opts.out.clone().unwrap_or_default();
    let chosen = select(&opts.types)?;
    prepare_dir(&out, opts.force)?;

    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let api_key = opts.api_key.clone().or_else(|| env("TELNYX_API_KEY")).unwrap_or_default();
    if api_key.is_empty() {
        return Err("no API key: set TELNYX_API_KEY or pass --api-key".into());
    }
    let mut settings = Settings { api_key: Secret::new(api_key), ..Settings::default() };
    if let Some(u) = opts.base_url.clone().or_else(|| env("TELNYX_BASE_URL")) {
        settings.base_url = u;
    }
    settings.user_agent = format!("terraform-provider-telnyx/{} (export)", env!("CARGO_PKG_VERSION"));
    let client = Client::new(settings).map_err(|e| e.to_string())?;

    // Ctrl-C stops between requests (the client checks the token before each one).
    let ctx = Ctx::default();
    let stop = ctx.stop.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("export: interrupted; stopping");
            stop.cancel();
        }
    });

    let needle = opts.name_contains.as_deref().map(str::to_lowercase);
    let mut found: Vec<Found> = Vec::new();
    for fam in &chosen {
        let t0 = Instant::now();
        let mut objs = client.list_all(&ctx.stop, fam.path, &[]).await.map_err(|e| format!("listing {}: {e}", fam.type_name))?;
        if fam.type_name == PhoneNumber::TYPE_NAME {
            objs.retain(|o| !matches!(o.get("status").and_then(Json::as_str), Some("deleted" | "ported-out")));
        }
        if let Some(n) = &needle {
            objs.retain(|o| name_of(fam, o).to_lowercase().contains(n.as_str()));
        }
        if let (Some(sv), false) = (fam.sub_view, objs.is_empty()) {
            let subs = client.list_all(&ctx.stop, sv.list_path, &[]).await.map_err(|e| format!("listing {}: {e}", sv.list_path))?;
            let by_id: HashMap<&str, &Json> = subs.iter().filter_map(|s| Some((s.get("id")?.as_str()?, s))).collect();
            objs = objs
                .into_iter()
                .map(|o| {
                    let sub = o.get("id").and_then(Json::as_str).and_then(|id| by_id.get(id).copied());
                    (fam.combine)(o, sub)
                })
                .collect();
        }
        eprintln!("export: {:<34} {:>5} objects ({} ms)", fam.type_name, objs.len(), t0.elapsed().as_millis());
        found.extend(objs.into_iter().map(|obj| Found { family: *fam, obj, label: String::new() }));
    }
    label(&mut found);

    let schemas: HashMap<&str, Schema> = chosen.iter().map(|f| (f.type_name, (f.schema)())).collect();
    let objects: Vec<render::Object<'_>> = found
        .iter()
        .map(|f| render::Object {
            type_name: f.family.type_name,
            schema: &schemas[f.family.type_name],
            validate: f.family.validate,
            label: &f.label,
            api: &f.obj,
        })
        .collect();
    let files = render::files(&objects);
    for (name, text) in &files {
        std::fs::write(out.join(name), text).map_err(|e| format!("writing {}: {e}", out.join(name).display()))?;
    }
    set_executable(&out.join("import.sh"));
    eprintln!(
        "export: wrote {} objects into {} files in {} ({} ms)",
        found.len(),
        files.len(),
        out.display(),
        started.elapsed().as_millis()
    );
    Ok(())
}

/// The families `--type` names (all when none), refusing unknown names.
fn select(types: &[String]) -> Result<Vec<Family>, String> {
    let all = families();
    if types.is_empty() {
        return Ok(all);
    }
    let mut chosen = Vec::new();
    for t in types {
        let full = if t.starts_with("telnyx_") { t.clone() } else { format!("telnyx_{t}") };
        match all.iter().find(|f| f.type_name == full) {
            Some(f) if !chosen.iter().any(|c: &Family| c.type_name == f.type_name) => chosen.push(*f),
            Some(_) => {}
            None => {
                return Err(format!("unknown --type {t:?}; known: {}", all.iter().map(|f| f.type_name).collect::<Vec<_>>().join(", ")));
            }
        }
    }
    // Keep the dependency order whatever the command line's.
    chosen.sort_by_key(|c| all.iter().position(|f| f.type_name == c.type_name));
    Ok(chosen)
}

fn prepare_dir(out: &Path, force: bool) -> Result<(), String> {
    std::fs::create_dir_all(out).map_err(|e| format!("creating {}: {e}", out.display()))?;
    let busy = std::fs::read_dir(out).map_err(|e| format!("reading {}: {e}", out.display()))?.flatten().any(|e| {
        let n = e.file_name();
        let n = n.to_string_lossy();
        n.ends_with(".tf") || n == "import.sh"
    });
    if busy && !force {
        return Err(format!("{} already holds Terraform files; choose an empty directory or pass --force", out.display()));
    }
    Ok(())
}

#[cfg(unix)]
fn set_executable(p: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    let _ = std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755));
}

#[cfg(not(unix))]
fn set_executable(_: &Path) {}

/// What names an object: its natural key's first field (an IP adds its port when not 5060).
fn name_of(fam: &Family, obj: &Json) -> String {
    let field = |k: &str| match obj.get(k) {
        Some(Json::String(s)) => s.clone(),
        Some(Json::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let mut name = field(fam.name_field);
    if fam.type_name == Ip::TYPE_NAME && obj.get("port").and_then(Json::as_i64).is_some_and(|p| p != 5060) {
        name = format!("{name}_{}", field("port"));
    }
    name
}

/// Gives every object a resource label: its name as a Terraform identifier (lower case,
/// runs of anything else turned into `_`, a prefix where it would not start with a letter),
/// unique within its type (`_2`, `_3`, … in listing order).
fn label(found: &mut [Found]) {
    let mut taken: BTreeMap<(&str, String), usize> = BTreeMap::new();
    for f in found.iter_mut() {
        let base = identifier(&name_of(&f.family, &f.obj), f.family.prefix);
        let n = taken.entry((f.family.type_name, base.clone())).or_insert(0);
        *n += 1;
        f.label = if *n == 1 { base } else { format!("{base}_{n}") };
    }
    // A numbered label may equal another object's own name: number again until unique.
    let mut seen: std::collections::HashSet<(&str, String)> = std::collections::HashSet::new();
    for f in found.iter_mut() {
        let mut candidate = f.label.clone();
        let mut k = 2;
        while !seen.insert((f.family.type_name, candidate.clone())) {
            candidate = format!("{}_{k}", f.label);
            k += 1;
        }
        f.label = candidate;
    }
}

fn identifier(name: &str, prefix: &str) -> String {
    let mut s = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            s.push(c);
        } else if !s.ends_with('_') {
            s.push('_');
        }
    }
    let s = s.trim_matches('_').to_string();
    match s.chars().next() {
        None => prefix.to_string(),
        Some(c) if c.is_ascii_alphabetic() => s,
        Some(_) => format!("{prefix}_{s}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_valid_and_unique() {
        assert_eq!(identifier("Main PBX (HQ)", "connection"), "main_pbx_hq");
        assert_eq!(identifier("+13125550100", "number"), "number_13125550100");
        assert_eq!(identifier("---", "profile"), "profile");
        assert_eq!(identifier("203.0.113.0/24", "range"), "range_203_0_113_0_24");
        assert_eq!(identifier("Zürich trunk", "connection"), "z_rich_trunk");
        let fam = families()[1];
        let mut found: Vec<Found> = ["a b", "a-b", "a_b_2", "", "9lives"]
            .iter()
            .map(|n| Found { family: fam, obj: serde_json::json!({"name": n}), label: String::new() })
            .collect();
        label(&mut found);
        let labels: Vec<&str> = found.iter().map(|f| f.label.as_str()).collect();
        assert_eq!(labels, ["a_b", "a_b_2", "a_b_2_2", "profile", "profile_9lives"]);
        assert!(labels.iter().all(|l| hcl::is_identifier(l)));
    }

    #[test]
    fn types_are_selected_by_either_name_in_dependency_order() {
        let t = select(&["fqdn".into(), "telnyx_fqdn_connection".into(), "fqdn".into()]).unwrap();
        assert_eq!(t.iter().map(|f| f.type_name).collect::<Vec<_>>(), ["telnyx_fqdn_connection", "telnyx_fqdn"]);
        assert!(select(&["nope".into()]).is_err());
        assert_eq!(select(&[]).unwrap().len(), 9);
    }
}
