//! The README's provider (`examples/minimal.rs`) driven through the engine, on files in a
//! directory of its own: create, read, drift, update, replace, import, delete.

#![allow(clippy::unwrap_used)]

#[allow(dead_code)]
#[path = "../examples/minimal.rs"]
mod minimal;

use tfplug::engine::{
    ApplyResourceChangeRequest, ConfigureProviderRequest, DynamicValue, Engine, ImportResourceStateRequest, PlanResourceChangeRequest,
    ReadResourceRequest,
};
use tfplug::{AttrPath, Provider, Type, Value};

const FILE: &str = "example_file";

fn dv(v: &Value, ty: &Type) -> Option<DynamicValue> {
    Some(DynamicValue::from_value(v, ty).unwrap())
}

fn file(ty: &Type, id: Option<&str>, name: &str, content: &str) -> Value {
    let mut v = Value::null_object(ty);
    if let Some(id) = id {
        v.set("id", Value::string(id));
    }
    v.set("name", Value::string(name));
    v.set("content", Value::string(content));
    v
}

/// Plans `config` over `prior` and applies the plan: the new state and the replace paths.
async fn converge(engine: &Engine<minimal::Example>, ty: &Type, prior: &Value, config: &Value) -> (Value, Vec<AttrPath>) {
    let mut proposed = config.clone();
    if !prior.is_null() {
        proposed.set("id", prior.get("id").clone());
    }
    let plan = engine
        .plan_resource_change(PlanResourceChangeRequest {
            type_name: FILE.into(),
            prior_state: dv(prior, ty),
            proposed_new_state: dv(&proposed, ty),
            config: dv(config, ty),
            ..Default::default()
        })
        .await;
    assert!(plan.diagnostics.is_empty(), "{}", plan.diagnostics);
    let applied = engine
        .apply_resource_change(ApplyResourceChangeRequest {
            type_name: FILE.into(),
            prior_state: dv(prior, ty),
            planned_state: plan.planned_state,
            config: dv(config, ty),
            ..Default::default()
        })
        .await;
    assert!(applied.diagnostics.is_empty(), "{}", applied.diagnostics);
    (applied.new_state.unwrap().to_value(ty).unwrap(), plan.requires_replace)
}

async fn read(engine: &Engine<minimal::Example>, ty: &Type, state: &Value) -> Value {
    let r = engine.read_resource(ReadResourceRequest { type_name: FILE.into(), current_state: dv(state, ty), ..Default::default() }).await;
    assert!(r.diagnostics.is_empty(), "{}", r.diagnostics);
    r.new_state.unwrap().to_value(ty).unwrap()
}

#[tokio::test]
async fn the_readme_provider_manages_files() {
    let dir = std::env::temp_dir().join(format!("tfplug-minimal-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let engine = Engine::new(minimal::Example);
    let pty = minimal::Example.schema().ty();
    let mut pconfig = Value::null_object(&pty);
    pconfig.set("directory", Value::string(dir.to_string_lossy()));
    let c = engine.configure(ConfigureProviderRequest { config: dv(&pconfig, &pty), terraform_version: "1.0.3".into() }).await;
    assert!(c.diagnostics.is_empty(), "{}", c.diagnostics);
    let ty = engine.resource_type(FILE).unwrap().clone();

    let (state, _) = converge(&engine, &ty, &Value::Null, &file(&ty, None, "a.txt", "hi")).await;
    assert_eq!(state, file(&ty, Some("a.txt"), "a.txt", "hi"));
    assert_eq!(std::fs::read_to_string(dir.join("a.txt")).unwrap(), "hi");

    // Drift shows in a read.
    std::fs::write(dir.join("a.txt"), "changed").unwrap();
    assert_eq!(read(&engine, &ty, &state).await, file(&ty, Some("a.txt"), "a.txt", "changed"));

    // New content: updated in place.
    let (state, replace) = converge(&engine, &ty, &state, &file(&ty, None, "a.txt", "bye")).await;
    assert!(replace.is_empty(), "{replace:?}");
    assert_eq!((state.get("id"), std::fs::read_to_string(dir.join("a.txt")).unwrap().as_str()), (&Value::string("a.txt"), "bye"));

    // A new name: a replacement.
    let plan = engine
        .plan_resource_change(PlanResourceChangeRequest {
            type_name: FILE.into(),
            prior_state: dv(&state, &ty),
            proposed_new_state: dv(&file(&ty, Some("a.txt"), "b.txt", "bye"), &ty),
            config: dv(&file(&ty, None, "b.txt", "bye"), &ty),
            ..Default::default()
        })
        .await;
    assert_eq!(plan.requires_replace, vec![AttrPath::attr("name")]);

    // Import by id, completed by the read that follows.
    let imported =
        engine.import_resource_state(ImportResourceStateRequest { type_name: FILE.into(), id: "a.txt".into(), identity: None }).await;
    assert!(imported.diagnostics.is_empty(), "{}", imported.diagnostics);
    let shell = imported.imported[0].state.as_ref().unwrap().to_value(&ty).unwrap();
    assert_eq!(read(&engine, &ty, &shell).await, state);

    // Delete: the file is gone, and a read says so.
    let (gone, _) = converge(&engine, &ty, &state, &Value::Null).await;
    assert!(gone.is_null() && !dir.join("a.txt").exists());
    assert!(read(&engine, &ty, &state).await.is_null());
    let _ = std::fs::remove_dir(&dir);
}
