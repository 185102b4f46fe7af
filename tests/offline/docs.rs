//! `docs/` is generated from the provider's schemas and `examples/`: this test fails when it
//! is stale. Regenerate with `scripts/gen-docs.sh` (UPDATE_DOCS=1 cargo test --test offline docs::).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use terraform_provider_telnyx::provider::TelnyxProvider;
use tfplug::Provider;
use tfplug::docs::{Page, PageKind, render_function_page, render_page, render_schema};

const PROVIDER_NAME: &str = "terraform-provider-telnyx";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> Option<String> {
    std::fs::read_to_string(root().join(rel)).ok()
}

/// Every file under docs/ as it should be: relative path -> content.
fn expected() -> BTreeMap<String, String> {
    let p = TelnyxProvider;
    let mut out = BTreeMap::new();

    let template = read("templates/index.md.tmpl").expect("templates/index.md.tmpl");
    let provider_example = read("examples/provider/provider.tf").expect("examples/provider/provider.tf");
    let index = template
        .replace("{{ tffile \"examples/provider/provider.tf\" }}", &format!("```terraform\n{}\n```", provider_example.trim_end()))
        .replace("{{ .SchemaMarkdown }}", render_schema(&p.schema().attributes).trim_end());
    out.insert("docs/index.md".to_string(), index);

    for r in p.resources() {
        let name = r.type_name();
        let example = read(&format!("examples/resources/{name}/resource.tf"));
        let import = read(&format!("examples/resources/{name}/import.sh"));
        let schema = r.schema();
        let identity = r.identity();
        let list = r.list_schema();
        let page = Page {
            type_name: name,
            kind: PageKind::Resource,
            schema: &schema,
            provider_name: PROVIDER_NAME,
            example: example.as_deref(),
            import: import.as_deref(),
            identity: identity.as_ref(),
            list: list.as_ref(),
        };
        out.insert(format!("docs/resources/{}.md", name.trim_start_matches("telnyx_")), render_page(&page));
    }
    for d in p.data_sources() {
        let name = d.type_name();
        // A `check.tf` beside the example (a `check` block using the data source) is shown too.
        let example = read(&format!("examples/data-sources/{name}/data-source.tf")).map(|e| {
            match read(&format!("examples/data-sources/{name}/check.tf")) {
                Some(check) => format!("{}\n\n{}", e.trim_end(), check),
                None => e,
            }
        });
        let schema = d.schema();
        let page = Page {
            type_name: name,
            kind: PageKind::DataSource,
            schema: &schema,
            provider_name: PROVIDER_NAME,
            example: example.as_deref(),
            import: None,
            identity: None,
            list: None,
        };
        out.insert(format!("docs/data-sources/{}.md", name.trim_start_matches("telnyx_")), render_page(&page));
    }
    for f in p.functions() {
        let name = f.name();
        let example = read(&format!("examples/functions/{name}/function.tf"));
        out.insert(format!("docs/functions/{name}.md"), render_function_page(name, &f.signature(), PROVIDER_NAME, example.as_deref()));
    }
    for e in p.ephemeral_resources() {
        let name = e.type_name();
        let example = read(&format!("examples/ephemeral-resources/{name}/ephemeral-resource.tf"));
        let schema = e.schema();
        let page = Page {
            type_name: name,
            kind: PageKind::EphemeralResource,
            schema: &schema,
            provider_name: PROVIDER_NAME,
            example: example.as_deref(),
            import: None,
            identity: None,
            list: None,
        };
        out.insert(format!("docs/ephemeral-resources/{}.md", name.trim_start_matches("telnyx_")), render_page(&page));
    }
    for a in p.actions() {
        let name = a.type_name();
        let example = read(&format!("examples/actions/{name}/action.tf"));
        let schema = a.schema();
        let page = Page {
            type_name: name,
            kind: PageKind::Action,
            schema: &schema,
            provider_name: PROVIDER_NAME,
            example: example.as_deref(),
            import: None,
            identity: None,
            list: None,
        };
        out.insert(format!("docs/actions/{}.md", name.trim_start_matches("telnyx_")), render_page(&page));
    }
    out
}

fn existing(dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    for sub in ["docs", "docs/resources", "docs/data-sources", "docs/functions", "docs/ephemeral-resources", "docs/actions"] {
        let Ok(rd) = std::fs::read_dir(dir.join(sub)) else { continue };
        for e in rd.flatten() {
            if e.path().extension().is_some_and(|x| x == "md") {
                files.push(format!("{sub}/{}", e.file_name().to_string_lossy()));
            }
        }
    }
    files
}

#[test]
fn docs_are_fresh() {
    let want = expected();
    let root = root();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        for f in existing(&root) {
            if !want.contains_key(&f) {
                std::fs::remove_file(root.join(&f)).unwrap();
            }
        }
        for (rel, content) in &want {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, content).unwrap();
        }
        eprintln!("wrote {} files under docs/", want.len());
        return;
    }
    let mut stale: Vec<String> =
        want.iter().filter(|(rel, content)| read(rel).as_deref() != Some(content.as_str())).map(|(r, _)| r.clone()).collect();
    stale.extend(existing(&root).into_iter().filter(|f| !want.contains_key(f)).map(|f| format!("{f} (no longer generated)")));
    assert!(stale.is_empty(), "docs/ is stale; run scripts/gen-docs.sh. Stale: {stale:?}");
}

#[test]
fn every_resource_data_source_and_function_has_an_example() {
    let p = TelnyxProvider;
    let mut missing = Vec::new();
    for r in p.resources() {
        for f in ["resource.tf", "import.sh"] {
            let rel = format!("examples/resources/{}/{f}", r.type_name());
            if read(&rel).is_none() {
                missing.push(rel);
            }
        }
    }
    for d in p.data_sources() {
        let rel = format!("examples/data-sources/{}/data-source.tf", d.type_name());
        if read(&rel).is_none() {
            missing.push(rel);
        }
    }
    for f in p.functions() {
        let rel = format!("examples/functions/{}/function.tf", f.name());
        if read(&rel).is_none() {
            missing.push(rel);
        }
    }
    for e in p.ephemeral_resources() {
        let rel = format!("examples/ephemeral-resources/{}/ephemeral-resource.tf", e.type_name());
        if read(&rel).is_none() {
            missing.push(rel);
        }
    }
    for a in p.actions() {
        let rel = format!("examples/actions/{}/action.tf", a.type_name());
        if read(&rel).is_none() {
            missing.push(rel);
        }
    }
    assert!(missing.is_empty(), "examples missing: {missing:?}");
}
