//! `terraform-provider-telnyx export --out DIR`: brings an existing Telnyx account under
//! Terraform. It lists every object of every resource type (reads only: it never sends a
//! write), and writes one `.tf` file per type — resource blocks named after the objects,
//! references instead of ids, only what differs from Telnyx's defaults, no secret in clear —
//! plus `imports.tf` (Terraform ≥ 1.5, OpenTofu), `import.sh` (any Terraform), `versions.tf`,
//! `variables.tf` and a `README.md`.

mod group;
mod hcl;
mod render;

use std::collections::{BTreeMap, HashMap};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use serde_json::Value as Json;

use crate::resources::{Exporter, families};
use crate::telnyx::client::{Client, Secret, Settings};
use crate::telnyx::error::ApiError;
use tfplug::{Ctx, Schema};

pub use render::PASSWORD_PLACEHOLDER;

/// Every exported family, in the registry's order (referenced types first).
fn exported() -> Vec<Exporter> {
    families().into_iter().filter_map(|f| f.export.ok()).collect()
}

const USAGE: &str = "usage: terraform-provider-telnyx export --out DIR [--type TYPE]... [--name-contains TEXT]
                                     [--group-numbers] [--api-key KEY] [--base-url URL] [--force]

Writes Terraform configuration for the objects of a Telnyx account into DIR: one .tf file per
resource type, imports.tf (import blocks, Terraform >= 1.5 / OpenTofu), import.sh (terraform
import, any Terraform), versions.tf, variables.tf and README.md. Only reads the account.
A value follows its option after a space or an equals sign (--out DIR, --out=DIR).

  --out DIR             where to write (created; must be empty unless --force)
  --type TYPE           only this resource type (repeatable), e.g. telnyx_fqdn_connection or fqdn_connection
  --name-contains TEXT  only objects whose name contains TEXT, ignoring case
  --group-numbers       numbers that share connection, billing group, customer reference and tags
                        (and set nothing else) as one telnyx_phone_numbers_routing per group
  --api-key KEY         default: TELNYX_API_KEY
  --base-url URL        default: TELNYX_BASE_URL, else https://api.telnyx.com/v2
  --force               write into a DIR that already holds files";

/// What the command line asked for.
#[derive(Debug, PartialEq)]
enum Command {
    Help,
    Run(Options),
}

/// The options of an export.
#[derive(Debug, Default, PartialEq)]
struct Options {
    out: PathBuf,
    types: Vec<String>,
    name_contains: Option<String>,
    api_key: Option<String>,
    base_url: Option<String>,
    force: bool,
    group_numbers: bool,
}

/// A command line `export` cannot run.
#[derive(Debug, thiserror::Error)]
enum UsageError {
    /// An unknown option, a missing value, a value where none belongs.
    #[error(transparent)]
    Args(#[from] lexopt::Error),
    #[error("--out DIR is required")]
    NoOut,
}

/// Why an export stopped.
#[derive(Debug, thiserror::Error)]
enum ExportError {
    #[error("unknown --type {given:?}; known: {known}")]
    UnknownType { given: String, known: String },
    #[error("{action} {}: {source}", path.display())]
    Dir { action: &'static str, path: PathBuf, source: std::io::Error },
    #[error("{} already holds Terraform files; choose an empty directory or pass --force", .0.display())]
    NotEmpty(PathBuf),
    #[error("no API key: set TELNYX_API_KEY or pass --api-key")]
    NoApiKey,
    /// The HTTP client could not be built (its settings).
    #[error("{0}")]
    Client(Box<dyn std::error::Error + Send + Sync>),
    #[error("listing {what}: {source}")]
    Listing { what: &'static str, source: Box<ApiError> },
    #[error("writing {}: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
    #[error("{0}")]
    Runtime(std::io::Error),
}

/// Reads `export`'s arguments (what follows `export`).
fn parse(args: impl IntoIterator<Item = impl Into<OsString>>) -> Result<Command, UsageError> {
    use lexopt::prelude::*;
    let mut p = lexopt::Parser::from_args(args);
    let mut o = Options::default();
    let mut out = None;
    while let Some(arg) = p.next()? {
        match arg {
            Short('h') | Long("help") => return Ok(Command::Help),
            Long("out") => out = Some(PathBuf::from(p.value()?)).filter(|o| !o.as_os_str().is_empty()),
            Long("type") => o.types.push(p.value()?.string()?),
            Long("name-contains") => o.name_contains = Some(p.value()?.string()?),
            Long("api-key") => o.api_key = Some(p.value()?.string()?),
            Long("base-url") => o.base_url = Some(p.value()?.string()?),
            Long("force") => o.force = true,
            Long("group-numbers") => o.group_numbers = true,
            _ => return Err(arg.unexpected().into()),
        }
    }
    o.out = out.ok_or(UsageError::NoOut)?;
    Ok(Command::Run(o))
}

/// The subcommand's entry point (`args`: what follows `export`).
#[allow(clippy::print_stderr)]
pub fn main(args: Vec<OsString>) -> ExitCode {
    let opts = match parse(args) {
        Ok(Command::Run(o)) => o,
        Ok(Command::Help) => {
            eprintln!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("export: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("export: {}", ExportError::Runtime(e));
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
    family: Exporter,
    obj: Json,
    label: String,
}

#[allow(clippy::print_stderr)]
async fn run(opts: Options) -> Result<(), ExportError> {
    let started = Instant::now();
    let out = opts.out.clone();
    let chosen = select(&opts.types)?;
    prepare_dir(&out, opts.force)?;

    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let api_key = opts.api_key.clone().or_else(|| env("TELNYX_API_KEY")).unwrap_or_default();
    if api_key.is_empty() {
        return Err(ExportError::NoApiKey);
    }
    let mut settings = Settings { api_key: Secret::new(api_key), ..Settings::default() };
    if let Some(u) = opts.base_url.clone().or_else(|| env("TELNYX_BASE_URL")) {
        settings.base_url = u;
    }
    settings.user_agent = format!("terraform-provider-telnyx/{} (export)", env!("CARGO_PKG_VERSION"));
    let client = Client::new(settings).map_err(|e| ExportError::Client(e.into()))?;

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
        let mut objs = client
            .list_all(&ctx.stop, fam.path, &[])
            .await
            .map_err(|source| ExportError::Listing { what: fam.type_name, source: Box::new(source) })?;
        objs.retain(fam.keep);
        if let Some(n) = &needle {
            objs.retain(|o| (fam.name)(o).to_lowercase().contains(n.as_str()));
        }
        if fam.sub_view.is_none() {
            objs = objs.into_iter().map(|o| (fam.combine)(o, None)).collect();
        }
        if let (Some(sv), false) = (fam.sub_view, objs.is_empty()) {
            let subs = client
                .list_all(&ctx.stop, sv.list_path, &[])
                .await
                .map_err(|source| ExportError::Listing { what: sv.list_path, source: Box::new(source) })?;
            let by_id: HashMap<&str, &Json> = subs.iter().filter_map(|s| Some((s.get("id")?.as_str()?, s))).collect();
            objs = objs
                .into_iter()
                .map(|o| {
                    let sub = o.get("id").and_then(Json::as_str).and_then(|id| by_id.get(id).copied());
                    (fam.combine)(o, sub)
                })
                .collect();
        }
        let noun = if objs.len() == 1 { "object" } else { "objects" };
        eprintln!("export: {:<34} {:>5} {noun} ({} ms)", fam.type_name, objs.len(), t0.elapsed().as_millis());
        found.extend(objs.into_iter().map(|obj| Found { family: *fam, obj, label: String::new() }));
    }
    if opts.group_numbers {
        found = group::group(found);
    }
    label(&mut found);

    let schemas: HashMap<&str, (Schema, Json)> =
        found.iter().map(|f| (f.family.type_name, ((f.family.schema)(), (f.family.defaults)()))).collect();
    let objects: Vec<render::Object<'_>> = found
        .iter()
        .filter_map(|f| {
            let (schema, defaults) = schemas.get(f.family.type_name)?;
            Some(render::Object {
                type_name: f.family.type_name,
                schema,
                validate: f.family.validate,
                defaults,
                label: &f.label,
                api: &f.obj,
            })
        })
        .collect();
    let files = render::files(&objects);
    for (name, text) in &files {
        let path = out.join(name);
        std::fs::write(&path, text).map_err(|source| ExportError::Write { path, source })?;
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
fn select(types: &[String]) -> Result<Vec<Exporter>, ExportError> {
    let all = exported();
    if types.is_empty() {
        return Ok(all);
    }
    let mut chosen = Vec::new();
    for t in types {
        let full = if t.starts_with("telnyx_") { t.clone() } else { format!("telnyx_{t}") };
        match all.iter().find(|f| f.type_name == full) {
            Some(f) if !chosen.iter().any(|c: &Exporter| c.type_name == f.type_name) => chosen.push(*f),
            Some(_) => {}
            None => {
                let known = all.iter().map(|f| f.type_name).collect::<Vec<_>>().join(", ");
                return Err(ExportError::UnknownType { given: t.clone(), known });
            }
        }
    }
    // Keep the dependency order whatever the command line's.
    chosen.sort_by_key(|c| all.iter().position(|f| f.type_name == c.type_name));
    Ok(chosen)
}

fn prepare_dir(out: &Path, force: bool) -> Result<(), ExportError> {
    let dir = |action| move |source| ExportError::Dir { action, path: out.to_path_buf(), source };
    std::fs::create_dir_all(out).map_err(dir("creating"))?;
    let busy = std::fs::read_dir(out).map_err(dir("reading"))?.flatten().any(|e| {
        let n = e.file_name();
        let n = n.to_string_lossy();
        n.ends_with(".tf") || n == "import.sh"
    });
    if busy && !force {
        return Err(ExportError::NotEmpty(out.to_path_buf()));
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

/// Gives every object a resource label: its name as a Terraform identifier (lower case,
/// runs of anything else turned into `_`, a prefix where it would not start with a letter),
/// unique within its type (`_2`, `_3`, … in listing order).
fn label(found: &mut [Found]) {
    let mut taken: BTreeMap<(&str, String), usize> = BTreeMap::new();
    for f in found.iter_mut() {
        let base = identifier(&(f.family.name)(&f.obj), f.family.label_prefix);
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
        let fam = exported()[1];
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
    fn out_takes_its_value_after_a_space_or_an_equals_sign() {
        for args in [&["--out", "dir"][..], &["--out=dir"]] {
            let Ok(Command::Run(o)) = parse(args) else { panic!("{args:?}: {:?}", parse(args)) };
            assert_eq!(o.out, PathBuf::from("dir"), "{args:?}");
        }
    }

    #[test]
    fn every_option_reads_both_forms_and_repeats_where_it_may() {
        let args = [
            "--type=fqdn",
            "--type",
            "ip",
            "--name-contains=PBX",
            "--api-key",
            "k",
            "--base-url=http://x",
            "--force",
            "--group-numbers",
            "--out=o",
        ];
        let want = Options {
            out: "o".into(),
            types: vec!["fqdn".into(), "ip".into()],
            name_contains: Some("PBX".into()),
            api_key: Some("k".into()),
            base_url: Some("http://x".into()),
            force: true,
            group_numbers: true,
        };
        assert_eq!(parse(args).unwrap(), Command::Run(want));
        assert_eq!(parse(["--out", "o", "-h"]).unwrap(), Command::Help);
        assert_eq!(parse(["--help"]).unwrap(), Command::Help);
    }

    #[test]
    fn wrong_command_lines_say_what_is_wrong() {
        let err = |args: &[&str]| parse(args).err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(err(&[]), "--out DIR is required");
        assert_eq!(err(&["--type", "fqdn"]), "--out DIR is required");
        assert_eq!(err(&["--out="]), "--out DIR is required");
        assert!(err(&["--out"]).contains("missing argument for option '--out'"), "{}", err(&["--out"]));
        assert!(err(&["--out=o", "--type"]).contains("'--type'"), "{}", err(&["--out=o", "--type"]));
        assert!(err(&["--out=o", "--frobnicate"]).contains("--frobnicate"), "{}", err(&["--out=o", "--frobnicate"]));
        assert!(err(&["--out=o", "--force=yes"]).contains("--force"), "{}", err(&["--out=o", "--force=yes"]));
        assert!(err(&["--out=o", "stray"]).contains("stray"), "{}", err(&["--out=o", "stray"]));
    }

    #[test]
    fn types_are_selected_by_either_name_in_dependency_order() {
        let t = select(&["fqdn".into(), "telnyx_fqdn_connection".into(), "fqdn".into()]).unwrap();
        assert_eq!(t.iter().map(|f| f.type_name).collect::<Vec<_>>(), ["telnyx_fqdn_connection", "telnyx_fqdn"]);
        assert!(select(&["nope".into()]).is_err());
        assert_eq!(select(&[]).unwrap().len(), 16);
    }
}
