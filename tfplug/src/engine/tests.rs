//! The engine driven directly: no process, no gRPC.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::Mutex;

use super::*;
use crate::diag::Failure;
use crate::schema::{int, string};

/// The remote side of the test provider: objects by id.
#[derive(Default)]
struct Store {
    objects: Mutex<BTreeMap<String, (String, String)>>,
    next: Mutex<u32>,
}

struct TestProvider;

/// `test_thing`: an object with a name (updated in place) and a zone (replaced on change),
/// identified by its id. A name of "boom" panics in create and update.
struct Thing;

/// `test_plain`: a schema and no identity; every operation echoes.
struct Plain;

#[async_trait::async_trait]
impl Provider for TestProvider {
    type Client = Store;
    fn schema(&self) -> Schema {
        Schema::new("p").attr(string("endpoint").optional().desc("e"))
    }
    fn resources(&self) -> Vec<Arc<dyn Resource<Store>>> {
        vec![Arc::new(Thing), Arc::new(Plain)]
    }
    fn data_sources(&self) -> Vec<Arc<dyn DataSource<Store>>> {
        Vec::new()
    }
    async fn configure(&self, _: &Value, _: &str) -> Result<Store, Diagnostics> {
        Ok(Store::default())
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[async_trait::async_trait]
impl Resource<Store> for Thing {
    fn type_name(&self) -> &'static str {
        "test_thing"
    }
    fn schema(&self) -> Schema {
        Schema::new("t")
            .attr(string("id").computed().keep_state().desc("i"))
            .attr(string("name").required().desc("n"))
            .attr(string("zone").required().replace_on_change().desc("z"))
    }
    fn identity(&self) -> Option<Identity> {
        Some(Identity::new().required("id", "The id."))
    }
    /// A name another object holds is refused at plan (reading the store).
    async fn check_planned(&self, s: &Store, _: &Ctx, prior: &Value, planned: &Value) -> Diagnostics {
        let (id, name) = (prior.get("id").as_str().unwrap_or_default(), planned.get("name").as_str().unwrap_or_default());
        let taken = lock(&s.objects).iter().any(|(other, (n, _))| other != id && n == name);
        let mut d = Diagnostics::new();
        if taken {
            d.push(Diagnostic::error("Name taken", name).at(AttrPath::attr("name")));
        }
        d
    }
    async fn create(&self, s: &Store, ctx: &Ctx, planned: &Value) -> Result<Value, Failure> {
        assert_ne!(planned.get("name").as_str(), Some("boom"), "boom");
        if planned.get("name").as_str() == Some("warned") {
            ctx.warnings.push(Diagnostic::warning("Adopted", "an object"));
        }
        let id = {
            let mut n = lock(&s.next);
            *n += 1;
            n.to_string()
        };
        let (name, zone) = (planned.get("name").as_str().unwrap_or_default(), planned.get("zone").as_str().unwrap_or_default());
        lock(&s.objects).insert(id.clone(), (name.to_string(), zone.to_string()));
        let mut v = planned.clone();
        v.set("id", Value::string(id));
        Ok(v)
    }
    async fn read(&self, s: &Store, _: &Ctx, state: &Value) -> Result<Option<Value>, Failure> {
        let id = state.get("id").as_str().unwrap_or_default();
        Ok(lock(&s.objects).get(id).map(|(name, zone)| thing(id, name, zone)))
    }
    async fn update(&self, s: &Store, _: &Ctx, prior: &Value, planned: &Value) -> Result<Value, Failure> {
        assert_ne!(planned.get("name").as_str(), Some("boom"), "boom");
        let id = prior.get("id").as_str().unwrap_or_default();
        if let Some(o) = lock(&s.objects).get_mut(id) {
            o.0 = planned.get("name").as_str().unwrap_or_default().to_string();
        }
        Ok(planned.clone())
    }
    async fn delete(&self, s: &Store, _: &Ctx, state: &Value) -> Result<(), Failure> {
        lock(&s.objects).remove(state.get("id").as_str().unwrap_or_default());
        Ok(())
    }
}

#[async_trait::async_trait]
impl Resource<Store> for Plain {
    fn type_name(&self) -> &'static str {
        "test_plain"
    }
    fn schema(&self) -> Schema {
        Schema::new("p").attr(string("id").computed().desc("i")).attr(int("port").optional().desc("p"))
    }
    async fn create(&self, _: &Store, _: &Ctx, planned: &Value) -> Result<Value, Failure> {
        Ok(planned.clone())
    }
    async fn read(&self, _: &Store, _: &Ctx, state: &Value) -> Result<Option<Value>, Failure> {
        Ok(Some(state.clone()))
    }
    async fn update(&self, _: &Store, _: &Ctx, _: &Value, planned: &Value) -> Result<Value, Failure> {
        Ok(planned.clone())
    }
    async fn delete(&self, _: &Store, _: &Ctx, _: &Value) -> Result<(), Failure> {
        Ok(())
    }
}

const THING: &str = "test_thing";

fn thing_ty() -> Type {
    Thing.schema().ty()
}

fn thing(id: &str, name: &str, zone: &str) -> Value {
    let mut v = Value::null_object(&thing_ty());
    if !id.is_empty() {
        v.set("id", Value::string(id));
    }
    v.set("name", Value::string(name));
    v.set("zone", Value::string(zone));
    v
}

fn dv(v: &Value, ty: &Type) -> Option<DynamicValue> {
    Some(DynamicValue::from_value(v, ty).unwrap())
}

fn val(d: Option<&DynamicValue>, ty: &Type) -> Value {
    d.map(|d| d.to_value(ty).unwrap()).unwrap_or(Value::Null)
}

fn summaries(d: &Diagnostics) -> Vec<&str> {
    d.iter().map(|d| d.summary.as_str()).collect()
}

async fn configured() -> Engine<TestProvider> {
    let engine = Engine::new(TestProvider);
    let ty = engine.catalog().provider_ty.clone();
    let r =
        engine.configure(ConfigureProviderRequest { config: dv(&Value::null_object(&ty), &ty), terraform_version: "1.0.3".into() }).await;
    assert!(r.diagnostics.is_empty(), "{}", r.diagnostics);
    engine
}

async fn plan(engine: &Engine<TestProvider>, prior: &Value, config: &Value, held: Option<DynamicValue>) -> PlanResourceChangeResponse {
    let ty = thing_ty();
    // Terraform's proposal: the configuration, with computed attributes from the prior state.
    let mut proposed = config.clone();
    if !prior.is_null() {
        proposed.set("id", prior.get("id").clone());
    }
    engine
        .plan_resource_change(PlanResourceChangeRequest {
            type_name: THING.into(),
            prior_state: dv(prior, &ty),
            proposed_new_state: dv(&proposed, &ty),
            config: dv(config, &ty),
            prior_private: b"p".to_vec(),
            prior_identity: held,
        })
        .await
}

async fn apply(engine: &Engine<TestProvider>, prior: &Value, planned: Option<DynamicValue>, config: &Value) -> ApplyResourceChangeResponse {
    let ty = thing_ty();
    engine
        .apply_resource_change(ApplyResourceChangeRequest {
            type_name: THING.into(),
            prior_state: dv(prior, &ty),
            planned_state: planned,
            config: dv(config, &ty),
            planned_private: b"p".to_vec(),
        })
        .await
}

fn identity(id: &str) -> Value {
    let mut v = Value::null_object(&Thing.identity().unwrap().ty(&Thing.schema()));
    if !id.is_empty() {
        v.set("id", Value::string(id));
    }
    v
}

fn id_ty() -> Type {
    Thing.identity().unwrap().ty(&Thing.schema())
}

#[tokio::test]
async fn create_read_update_replace_delete() {
    let engine = configured().await;
    let ty = thing_ty();
    let config = thing("", "a", "z1");

    let p = plan(&engine, &Value::Null, &config, None).await;
    assert!(p.diagnostics.is_empty(), "{}", p.diagnostics);
    let planned = val(p.planned_state.as_ref(), &ty);
    assert!(planned.get("id").is_unknown(), "a create plans the id unknown");
    assert!(val(p.planned_identity.as_ref(), &id_ty()).get("id").is_unknown());
    assert_eq!(p.planned_private, b"p");

    let a = apply(&engine, &Value::Null, p.planned_state, &config).await;
    assert!(a.diagnostics.is_empty(), "{}", a.diagnostics);
    let state = val(a.new_state.as_ref(), &ty);
    assert_eq!(state, thing("1", "a", "z1"));
    assert_eq!(val(a.new_identity.as_ref(), &id_ty()), identity("1"));
    assert_eq!(a.private, b"p");

    let r = engine
        .read_resource(ReadResourceRequest {
            type_name: THING.into(),
            current_state: a.new_state.clone(),
            current_identity: a.new_identity.clone(),
            private: b"r".to_vec(),
        })
        .await;
    assert!(r.diagnostics.is_empty(), "{}", r.diagnostics);
    assert_eq!(val(r.new_state.as_ref(), &ty), state);
    assert_eq!(r.private, b"r");

    // A new name: an update in place that keeps the id (and so the identity).
    let renamed = thing("", "b", "z1");
    let p = plan(&engine, &state, &renamed, a.new_identity.clone()).await;
    assert!(p.diagnostics.is_empty() && p.requires_replace.is_empty(), "{} {:?}", p.diagnostics, p.requires_replace);
    assert_eq!(val(p.planned_state.as_ref(), &ty), thing("1", "b", "z1"));
    let a2 = apply(&engine, &state, p.planned_state, &renamed).await;
    assert_eq!(val(a2.new_state.as_ref(), &ty), thing("1", "b", "z1"));

    // A new zone: a replacement.
    let moved = thing("", "b", "z2");
    let p = plan(&engine, &thing("1", "b", "z1"), &moved, a.new_identity.clone()).await;
    assert!(p.diagnostics.is_empty(), "{}", p.diagnostics);
    assert_eq!(p.requires_replace, vec![AttrPath::attr("zone")]);

    // Destroy: a null planned state deletes, and the new state is null.
    let d = apply(&engine, &thing("1", "b", "z1"), dv(&Value::Null, &ty), &Value::Null).await;
    assert!(d.diagnostics.is_empty(), "{}", d.diagnostics);
    assert!(val(d.new_state.as_ref(), &ty).is_null());
    assert!(d.new_identity.is_none());

    // A create that succeeds with a warning returns it with the new state.
    let warned = thing("", "warned", "z1");
    let p = plan(&engine, &Value::Null, &warned, None).await;
    let a = apply(&engine, &Value::Null, p.planned_state, &warned).await;
    assert_eq!(a.diagnostics.len(), 1, "{}", a.diagnostics);
    assert!(!a.diagnostics.has_errors() && val(a.new_state.as_ref(), &ty).get("id").as_str().is_some(), "{}", a.diagnostics);

    // Gone: a read returns null, and Terraform plans a create.
    let r =
        engine.read_resource(ReadResourceRequest { type_name: THING.into(), current_state: dv(&state, &ty), ..Default::default() }).await;
    assert!(val(r.new_state.as_ref(), &ty).is_null() && r.new_identity.is_none());
}

#[tokio::test]
async fn an_identity_that_changes_is_an_error() {
    let engine = configured().await;
    let ty = thing_ty();
    let config = thing("", "a", "z1");
    let p = plan(&engine, &Value::Null, &config, None).await;
    let a = apply(&engine, &Value::Null, p.planned_state, &config).await;
    let held = dv(&identity("9"), &id_ty());
    let r = engine
        .read_resource(ReadResourceRequest {
            type_name: THING.into(),
            current_state: a.new_state.clone(),
            current_identity: held.clone(),
            ..Default::default()
        })
        .await;
    assert_eq!(summaries(&r.diagnostics), ["Unexpected identity change"]);
    // An update plan refuses it too; a replacement plans a new object and a new identity.
    let state = val(a.new_state.as_ref(), &ty);
    let p = plan(&engine, &state, &thing("", "b", "z1"), held.clone()).await;
    assert_eq!(summaries(&p.diagnostics), ["Unexpected identity change"]);
    assert!(p.planned_state.is_none());
    let p = plan(&engine, &state, &thing("", "b", "z2"), held).await;
    assert!(p.diagnostics.is_empty(), "{}", p.diagnostics);
    // An identity held with null attributes (recorded at import by id) may be filled in.
    let p = plan(&engine, &state, &thing("", "b", "z1"), dv(&identity(""), &id_ty())).await;
    assert!(p.diagnostics.is_empty(), "{}", p.diagnostics);
}

#[tokio::test]
async fn import_by_id_and_by_identity() {
    let engine = configured().await;
    let ty = thing_ty();
    let config = thing("", "a", "z1");
    let p = plan(&engine, &Value::Null, &config, None).await;
    apply(&engine, &Value::Null, p.planned_state, &config).await;

    let by_id = engine.import_resource_state(ImportResourceStateRequest { type_name: THING.into(), id: "1".into(), identity: None }).await;
    assert!(by_id.diagnostics.is_empty(), "{}", by_id.diagnostics);
    let [i] = &by_id.imported[..] else { panic!("{:?}", by_id.imported) };
    assert_eq!(i.type_name, THING);
    let mut expected = Value::null_object(&ty);
    expected.set("id", Value::string("1"));
    assert_eq!(val(i.state.as_ref(), &ty), expected, "import sets the id only; the read that follows fills the rest");
    assert_eq!(val(i.identity.as_ref(), &id_ty()), identity("1"));

    let by_identity = engine
        .import_resource_state(ImportResourceStateRequest {
            type_name: THING.into(),
            id: String::new(),
            identity: dv(&identity("1"), &id_ty()),
        })
        .await;
    assert!(by_identity.diagnostics.is_empty(), "{}", by_identity.diagnostics);
    assert_eq!(val(by_identity.imported[0].state.as_ref(), &ty), expected);

    let missing = engine
        .import_resource_state(ImportResourceStateRequest {
            type_name: THING.into(),
            id: String::new(),
            identity: dv(&identity(""), &id_ty()),
        })
        .await;
    assert_eq!(summaries(&missing.diagnostics), ["Invalid import identity"]);
    assert!(missing.imported.is_empty());

    let plain_ty = Plain.schema().ty();
    let none = engine
        .import_resource_state(ImportResourceStateRequest {
            type_name: "test_plain".into(),
            id: String::new(),
            identity: Some(DynamicValue::default()),
        })
        .await;
    assert_eq!(summaries(&none.diagnostics), ["Import by identity not supported"]);
    let empty = engine.import_resource_state(ImportResourceStateRequest { type_name: "test_plain".into(), ..Default::default() }).await;
    assert_eq!(summaries(&empty.diagnostics), ["Invalid import id"]);
    assert!(engine.resource_type("test_plain") == Some(&plain_ty) && engine.identity_type("test_plain").is_none());
}

#[tokio::test]
async fn calls_that_need_the_api_say_why_there_is_no_client() {
    let ty = thing_ty();
    let engine = Engine::new(TestProvider);
    let state = thing("1", "a", "z1");
    let prior = dv(&state, &ty);
    let a = engine
        .apply_resource_change(ApplyResourceChangeRequest {
            type_name: THING.into(),
            prior_state: prior.clone(),
            planned_state: dv(&thing("1", "b", "z1"), &ty),
            planned_private: b"p".to_vec(),
            ..Default::default()
        })
        .await;
    assert_eq!(summaries(&a.diagnostics), ["Provider not configured"]);
    // The prior state comes back verbatim, with its identity: the object still exists.
    assert_eq!(a.new_state, prior);
    assert_eq!(val(a.new_identity.as_ref(), &id_ty()), identity("1"));
    assert_eq!(a.private, b"p");

    // A configuration Terraform does not know yet: reads keep the state, applies refuse.
    let pty = engine.catalog().provider_ty.clone();
    let mut unknown = Value::null_object(&pty);
    unknown.set("endpoint", Value::unknown());
    let c = engine.configure(ConfigureProviderRequest { config: dv(&unknown, &pty), ..Default::default() }).await;
    assert!(c.diagnostics.is_empty(), "{}", c.diagnostics);
    let r = engine.read_resource(ReadResourceRequest { type_name: THING.into(), current_state: prior.clone(), ..Default::default() }).await;
    assert!(r.diagnostics.is_empty() && r.new_state == prior, "{}", r.diagnostics);
    let a = engine
        .apply_resource_change(ApplyResourceChangeRequest { type_name: THING.into(), prior_state: prior.clone(), ..Default::default() })
        .await;
    assert_eq!(summaries(&a.diagnostics), ["Provider configuration not known yet"]);
}

#[tokio::test]
async fn a_panic_is_a_diagnostic_and_the_prior_state_is_kept() {
    let engine = configured().await;
    let ty = thing_ty();
    let prior = dv(&thing("1", "a", "z1"), &ty);
    let a = engine
        .apply_resource_change(ApplyResourceChangeRequest {
            type_name: THING.into(),
            prior_state: prior.clone(),
            planned_state: dv(&thing("1", "boom", "z1"), &ty),
            ..Default::default()
        })
        .await;
    assert_eq!(summaries(&a.diagnostics), ["Internal error in the provider"]);
    assert!(a.diagnostics[0].detail.contains("ApplyResourceChange: assertion"), "{}", a.diagnostics[0].detail);
    assert_eq!(a.new_state, prior);
    assert_eq!(val(a.new_identity.as_ref(), &id_ty()), identity("1"));
}

#[tokio::test]
async fn unknown_types_and_the_catalog() {
    let engine = configured().await;
    let p = engine.plan_resource_change(PlanResourceChangeRequest { type_name: "test_nope".into(), ..Default::default() }).await;
    assert_eq!(summaries(&p.diagnostics), ["Unknown resource type"]);
    let d = engine.read_data_source(ReadDataSourceRequest { type_name: "test_nope".into(), config: None }).await;
    assert_eq!(summaries(&d.diagnostics), ["Unknown data source type"]);
    let l = engine.list_resource(ListResourceRequest { type_name: THING.into(), ..Default::default() }).await;
    assert_eq!(l.len(), 1);
    assert_eq!(summaries(&l[0].diagnostics), ["Unknown list resource type"]);
    let m = engine.metadata().await;
    assert_eq!(m.resources, ["test_plain", "test_thing"]);
    assert!(m.capabilities.is_some_and(|c| c.generate_resource_config && !c.plan_destroy));
    let ids = engine.identity_schemas().await;
    assert_eq!(ids.identity_schemas.keys().collect::<Vec<_>>(), ["test_thing"]);
}

#[tokio::test]
async fn validation_and_generated_configuration() {
    let engine = configured().await;
    let ty = thing_ty();
    let mut config = thing("", "a", "z1");
    config.set("name", Value::Null);
    let v = engine
        .validate_resource_config(ValidateResourceConfigRequest {
            type_name: THING.into(),
            config: dv(&config, &ty),
            write_only_allowed: true,
        })
        .await;
    assert!(!v.diagnostics.has_errors(), "null is for Terraform to refuse (required), not the validators: {}", v.diagnostics);
    let g = engine.generate_resource_config(GenerateResourceConfigRequest { type_name: THING.into(), state: None }).await;
    assert_eq!(summaries(&g.diagnostics), ["Cannot generate configuration"]);
    let g = engine
        .generate_resource_config(GenerateResourceConfigRequest { type_name: THING.into(), state: dv(&thing("1", "a", "z1"), &ty) })
        .await;
    let mut expected = thing("1", "a", "z1");
    expected.set("id", Value::Null);
    assert_eq!(val(g.config.as_ref(), &ty), expected, "computed-only attributes are left out");
}

// ---- upgrade and decoding bounds (moved from server.rs) --------------------------------------

fn upgrade(raw: &[u8]) -> Result<Value, Diagnostics> {
    let schema = Plain.schema();
    upgrade_json_state(&Plain, &schema, &schema.ty(), 0, raw)
}

/// Values past the decoding bounds come back as a "Malformed request" diagnostic, from the
/// msgpack and the JSON form of a request value alike.
#[test]
fn values_past_the_bounds_are_malformed_requests() {
    let plain = Plain.schema().ty();
    let mut deep_ty = Type::String;
    for _ in 0..100 {
        deep_ty = Type::list(deep_ty);
    }
    let mut long = vec![0x81, 0xa2, b'i', b'd', 0xdb];
    long.extend_from_slice(&(8u32 << 20).to_be_bytes());
    long.resize(long.len() + (8 << 20), b'a');
    let mut deep = vec![0x91; 200_000];
    deep.push(0xc0);
    let huge = vec![0xdd, 0xff, 0xff, 0xff, 0xff, 0xc0];
    let deep_json = format!("{}null", "[".repeat(200_000)).into_bytes();
    let requests = [
        (DynamicValue { msgpack: long, json: Vec::new() }, &plain, "longer than the 1048576 allowed"),
        (DynamicValue { msgpack: deep, json: Vec::new() }, &deep_ty, "nested deeper than 64"),
        (DynamicValue { msgpack: huge, json: Vec::new() }, &Type::list(Type::String), "length exceeds the data"),
        (DynamicValue { msgpack: Vec::new(), json: deep_json }, &deep_ty, "nested deeper than 127"),
    ];
    for (dv, ty, why) in &requests {
        let d = decode(Some(dv), ty, "configuration").unwrap_err();
        let d = d.iter().next().unwrap();
        assert_eq!(d.summary, "Malformed request");
        assert!(d.detail.starts_with("Could not decode the configuration: ") && d.detail.contains(why), "{}", d.detail);
    }
}

#[test]
fn state_json_upgrades() {
    let v = upgrade(br#"{"id":"7","port":5060,"gone":true}"#).unwrap();
    assert_eq!(v.get("id"), &Value::string("7"));
    assert_eq!(v.get("port"), &Value::int(5060));
    let schema = Plain.schema();
    let newer = upgrade_json_state(&Plain, &schema, &schema.ty(), 1, b"{}").unwrap_err();
    assert!(newer.iter().any(|d| d.summary == "State written by a newer provider"));
}

#[test]
fn state_json_nested_200000_deep_is_a_diagnostic() {
    for raw in [
        format!("{}{}", "[".repeat(200_000), "]".repeat(200_000)),
        format!(r#"{{"id":"1","port":{}0{}}}"#, "[".repeat(200_000), "]".repeat(200_000)),
        format!("{}null", r#"{"gone":"#.repeat(200_000)),
    ] {
        let d = upgrade(raw.as_bytes()).unwrap_err();
        let d = d.iter().next().unwrap();
        assert_eq!(d.summary, "Malformed state");
        assert!(d.detail.contains("nested deeper than 127"), "{}", d.detail);
    }
    // Within JSON's bound but beyond the values' (dropped attributes are never read).
    let deep = format!(r#"{{"gone":{}0{}}}"#, "[".repeat(120), "]".repeat(120));
    assert!(upgrade(deep.as_bytes()).is_ok());
}

#[test]
fn state_json_with_an_8_megabyte_string_is_a_diagnostic() {
    let raw = format!(r#"{{"id":"{}"}}"#, "x".repeat(8 << 20));
    let d = upgrade(raw.as_bytes()).unwrap_err();
    assert!(d.iter().any(|d| d.summary == "Malformed state" && d.detail.contains("8388608 bytes")));
}

#[tokio::test]
async fn plan_time_checks_read_the_api_when_configured() {
    let engine = configured().await;
    let ty = thing_ty();
    let first =
        apply(&engine, &Value::Null, plan(&engine, &Value::Null, &thing("", "a", "z1"), None).await.planned_state, &thing("", "a", "z1"))
            .await;
    assert!(first.diagnostics.is_empty(), "{}", first.diagnostics);
    let p = plan(&engine, &Value::Null, &thing("", "a", "z2"), None).await;
    assert_eq!(summaries(&p.diagnostics), ["Name taken"]);
    assert!(p.planned_state.is_none(), "no plan to apply");
    // The object itself may keep its name.
    let state = val(first.new_state.as_ref(), &ty);
    assert!(plan(&engine, &state, &thing("", "a", "z1"), None).await.diagnostics.is_empty());
    // Unconfigured (validation-only instances): skipped, the plan goes on.
    let bare = Engine::new(TestProvider);
    assert!(plan(&bare, &Value::Null, &thing("", "a", "z2"), None).await.diagnostics.is_empty());
}
