//! What newer clients offer users, driven at the protocol level: the provider's gRPC service
//! built in-process from the library, its tonic methods called directly with requests shaped
//! as the newest Terraform sends them, against the bundled emulator.
//!
//! Request shapes come from hashicorp/terraform `internal/plugin6/grpc_provider.go` (commit
//! 883c7221, main of 2026-08): which fields each RPC fills (e.g. ImportResourceState sends
//! `id = ""` and `identity` for an `import` block with `identity = {...}`; ReadResource sends
//! `current_identity`; PlanResourceChange `prior_identity`, only when the stored identity is not
//! null; ApplyResourceChange `planned_identity` = the plan's), `clientCapabilitiesToProto`, and
//! the rules its callers enforce on what comes back (`internal/terraform/
//! node_resource_abstract_instance.go`: `validateIdentityKnown` for read, apply and non-create
//! non-replace plans; `node_resource_plan_instance.go`: an import by identity must return one).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use serde_json::{Value as Json, json};
use terraform_provider_telnyx::provider::TelnyxProvider;
use tfplug::proto::tfplugin6 as pb;
use tfplug::proto::tfplugin6::provider_server::Provider as _;
use tfplug::server::ProviderService;
use tfplug::{Provider, Type, Value, json as tfjson, msgpack};
use tonic::Request;

use crate::support::{API_KEY, Emulator};

/// The provider service, configured against a running emulator, and a runtime to call it on.
struct Plugin {
    rt: tokio::runtime::Runtime,
    svc: ProviderService<TelnyxProvider>,
    emu: Emulator,
}

/// What Terraform >= 1.12 sends as client capabilities (eval_context_builtin.go).
fn newest_caps() -> Option<pb::ClientCapabilities> {
    Some(pb::ClientCapabilities { deferral_allowed: true, write_only_attributes_allowed: true, ..Default::default() })
}

fn dv(ty: &Type, j: &Json) -> pb::DynamicValue {
    let v = tfjson::from_json(j, ty, tfjson::Extra::Reject).unwrap();
    pb::DynamicValue { msgpack: msgpack::encode(&v, ty).unwrap(), json: Vec::new() }
}

fn dv_value(ty: &Type, v: &Value) -> pb::DynamicValue {
    pb::DynamicValue { msgpack: msgpack::encode(v, ty).unwrap(), json: Vec::new() }
}

fn value(ty: &Type, d: Option<&pb::DynamicValue>) -> Value {
    d.map_or(Value::Null, |d| msgpack::decode(&d.msgpack, ty).unwrap())
}

fn identity(ty: &Type, d: Option<&pb::ResourceIdentityData>) -> Value {
    value(ty, d.and_then(|d| d.identity_data.as_ref()))
}

fn identity_data(ty: &Type, j: &Json) -> Option<pb::ResourceIdentityData> {
    Some(pb::ResourceIdentityData { identity_data: Some(dv(ty, j)) })
}

fn errors(d: &[pb::Diagnostic]) -> Vec<String> {
    d.iter().filter(|d| d.severity == pb::diagnostic::Severity::Error as i32).map(|d| format!("{}: {}", d.summary, d.detail)).collect()
}

impl Plugin {
    fn start(args: &[&str]) -> Plugin {
        let emu = Emulator::start_with(args);
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let p = Plugin { rt, svc: ProviderService::new(TelnyxProvider), emu };
        let ty = TelnyxProvider.schema().ty();
        let config = dv(&ty, &json!({"api_key": API_KEY, "base_url": p.emu.base_url(), "max_retries": 0, "request_timeout": null}));
        let r =
            p.rt.block_on(p.svc.configure_provider(Request::new(pb::configure_provider::Request {
                terraform_version: "1.14.0".into(),
                config: Some(config),
                client_capabilities: newest_caps(),
            })))
            .unwrap()
            .into_inner();
        assert!(errors(&r.diagnostics).is_empty(), "{:?}", r.diagnostics);
        p
    }

    fn ty(type_name: &str) -> Type {
        TelnyxProvider.resources().into_iter().find(|r| r.type_name() == type_name).unwrap().schema().ty()
    }

    fn identity_ty(type_name: &str) -> Type {
        let r = TelnyxProvider.resources().into_iter().find(|r| r.type_name() == type_name).unwrap();
        r.identity().unwrap().ty(&r.schema())
    }

    fn plan(&self, req: pb::plan_resource_change::Request) -> pb::plan_resource_change::Response {
        self.rt.block_on(self.svc.plan_resource_change(Request::new(req))).unwrap().into_inner()
    }
    fn apply(&self, req: pb::apply_resource_change::Request) -> pb::apply_resource_change::Response {
        self.rt.block_on(self.svc.apply_resource_change(Request::new(req))).unwrap().into_inner()
    }
    fn read(&self, req: pb::read_resource::Request) -> pb::read_resource::Response {
        self.rt.block_on(self.svc.read_resource(Request::new(req))).unwrap().into_inner()
    }
    fn import(&self, req: pb::import_resource_state::Request) -> pb::import_resource_state::Response {
        self.rt.block_on(self.svc.import_resource_state(Request::new(req))).unwrap().into_inner()
    }

    /// Plans and applies a create of `type_name` from `config` as Terraform >= 1.12 does;
    /// returns (plan response, apply response).
    fn create(&self, type_name: &str, config: &Json) -> (pb::plan_resource_change::Response, pb::apply_resource_change::Response) {
        let (plan, apply) = self.change(type_name, None, config);
        assert!(errors(&apply.diagnostics).is_empty(), "{:?}", apply.diagnostics);
        (plan, apply)
    }

    /// Plan then apply, from `prior` (none: a create) to `config`. Terraform proposes the
    /// configuration over the prior state, and applies with the plan's private data and identity.
    fn change(
        &self,
        type_name: &str,
        prior: Option<&pb::DynamicValue>,
        config: &Json,
    ) -> (pb::plan_resource_change::Response, pb::apply_resource_change::Response) {
        let ty = Self::ty(type_name);
        let prior = prior.cloned().unwrap_or_else(|| dv_value(&ty, &Value::Null));
        let prior_value = value(&ty, Some(&prior));
        let proposed = if prior_value.is_null() { config.clone() } else { proposed(type_name, &prior_value, config) };
        let plan = self.plan(pb::plan_resource_change::Request {
            type_name: type_name.into(),
            prior_state: Some(prior.clone()),
            proposed_new_state: Some(dv(&ty, &proposed)),
            config: Some(dv(&ty, config)),
            client_capabilities: newest_caps(),
            ..Default::default()
        });
        assert!(errors(&plan.diagnostics).is_empty(), "{:?}", plan.diagnostics);
        let apply = self.apply(pb::apply_resource_change::Request {
            type_name: type_name.into(),
            prior_state: Some(prior),
            planned_state: plan.planned_state.clone(),
            config: Some(dv(&ty, config)),
            planned_private: plan.planned_private.clone(),
            planned_identity: plan.planned_identity.clone(),
            ..Default::default()
        });
        (plan, apply)
    }
}

// ---- resource identities (Terraform >= 1.12, OpenTofu >= 1.12) ------------------------------

#[test]
fn every_resource_declares_its_identity() {
    let p = TelnyxProvider;
    for r in p.resources() {
        let ident = r.identity().unwrap_or_else(|| panic!("{} has no identity", r.type_name()));
        let errs = ident.check(&r.schema());
        assert!(errs.is_empty(), "{}: {errs:?}", r.type_name());
    }
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let svc = ProviderService::new(TelnyxProvider);
    let r =
        rt.block_on(svc.get_resource_identity_schemas(Request::new(pb::get_resource_identity_schemas::Request {}))).unwrap().into_inner();
    assert!(r.diagnostics.is_empty());
    assert_eq!(r.identity_schemas.len(), p.resources().len());
    for (name, s) in &r.identity_schemas {
        let id = s.identity_attributes.iter().find(|a| a.name == "id").unwrap();
        assert!(id.required_for_import && !id.optional_for_import && id.r#type == b"\"string\"", "{name}");
        assert_eq!(s.version, 0);
        let others: Vec<&str> = s.identity_attributes.iter().filter(|a| a.name != "id").map(|a| a.name.as_str()).collect();
        if name == "telnyx_phone_number" {
            let n = &s.identity_attributes[1];
            assert_eq!(others, ["phone_number"]);
            assert!(n.optional_for_import && !n.required_for_import && n.r#type == b"\"string\"");
        } else {
            assert!(others.is_empty(), "{name}: {others:?}");
        }
    }
}

/// Create, read, update, import (by id and by identity) and delete of a billing group, with
/// the identity in every response, as Terraform >= 1.12 checks it.
#[test]
fn identity_is_in_every_response_and_never_changes() {
    let p = Plugin::start(&[]);
    let tn = "telnyx_billing_group";
    let (ty, ity) = (Plugin::ty(tn), Plugin::identity_ty(tn));
    let config = json!({"name": "ops"});
    let (plan, apply) = p.create(tn, &config);
    // Create: the id is not known before apply (Terraform allows unknowns on create only).
    assert!(identity(&ity, plan.planned_identity.as_ref()).get("id").is_unknown());
    let state = value(&ty, apply.new_state.as_ref());
    let id = state.get("id").as_str().unwrap().to_string();
    let ident = identity(&ity, apply.new_identity.as_ref());
    assert_eq!(tfjson::to_json(&ident), json!({"id": id}));

    // Refresh: the identity Terraform holds comes back.
    let read = p.read(pb::read_resource::Request {
        type_name: tn.into(),
        current_state: apply.new_state.clone(),
        private: apply.private.clone(),
        client_capabilities: newest_caps(),
        current_identity: apply.new_identity.clone(),
        ..Default::default()
    });
    assert!(read.diagnostics.is_empty(), "{:?}", read.diagnostics);
    assert_eq!(identity(&ity, read.new_identity.as_ref()), ident);

    // An identity that names another object is refused, not silently rewritten.
    let wrong = p.read(pb::read_resource::Request {
        type_name: tn.into(),
        current_state: apply.new_state.clone(),
        current_identity: identity_data(&ity, &json!({"id": "not-this-one"})),
        ..Default::default()
    });
    assert!(errors(&wrong.diagnostics).iter().any(|e| e.starts_with("Unexpected identity change")), "{:?}", wrong.diagnostics);

    // Update in place: the planned identity is known and the same.
    let mut proposed = tfjson::to_json(&state);
    proposed["name"] = json!("ops-2");
    let upd = p.plan(pb::plan_resource_change::Request {
        type_name: tn.into(),
        prior_state: apply.new_state.clone(),
        proposed_new_state: Some(dv(&ty, &proposed)),
        config: Some(dv(&ty, &json!({"name": "ops-2"}))),
        prior_private: apply.private.clone(),
        client_capabilities: newest_caps(),
        prior_identity: apply.new_identity.clone(),
        ..Default::default()
    });
    assert!(upd.diagnostics.is_empty(), "{:?}", upd.diagnostics);
    let planned = identity(&ity, upd.planned_identity.as_ref());
    assert!(planned.is_wholly_known() && planned == ident);
    let applied = p.apply(pb::apply_resource_change::Request {
        type_name: tn.into(),
        prior_state: apply.new_state,
        planned_state: upd.planned_state.clone(),
        config: Some(dv(&ty, &json!({"name": "ops-2"}))),
        planned_identity: upd.planned_identity,
        ..Default::default()
    });
    assert!(errors(&applied.diagnostics).is_empty(), "{:?}", applied.diagnostics);
    assert_eq!(identity(&ity, applied.new_identity.as_ref()), ident);

    // Import by identity (`import { to = ..., identity = { id = "..." } }`) and by id.
    for (by_id, ident_req) in [("", identity_data(&ity, &json!({"id": id}))), (id.as_str(), None)] {
        let imp = p.import(pb::import_resource_state::Request {
            type_name: tn.into(),
            id: by_id.into(),
            client_capabilities: newest_caps(),
            identity: ident_req,
        });
        assert!(imp.diagnostics.is_empty(), "{:?}", imp.diagnostics);
        let got = &imp.imported_resources[0];
        assert_eq!(value(&ty, got.state.as_ref()).get("id"), &Value::string(&id));
        assert_eq!(identity(&ity, got.identity.as_ref()), ident, "an import returns the identity");
    }
    let missing = p.import(pb::import_resource_state::Request {
        type_name: tn.into(),
        identity: identity_data(&ity, &json!({"id": null})),
        ..Default::default()
    });
    assert!(errors(&missing.diagnostics).iter().any(|e| e.contains("needs `id`")), "{:?}", missing.diagnostics);

    // Destroy: no object, no identity.
    let gone = p.apply(pb::apply_resource_change::Request {
        type_name: tn.into(),
        prior_state: applied.new_state.clone(),
        planned_state: Some(dv_value(&ty, &Value::Null)),
        planned_identity: applied.new_identity,
        ..Default::default()
    });
    assert!(gone.diagnostics.is_empty() && gone.new_identity.is_none(), "{:?}", gone.diagnostics);
    assert!(p.emu.objects("billing_groups").is_empty());
}

/// A phone number's identity holds the E.164 number too; an import by identity that gives it
/// must name the number with that id.
#[test]
fn a_phone_numbers_identity_holds_its_number() {
    let seed = crate::support::workspace_root().join("examples/emulator-seed.json");
    let p = Plugin::start(&["--seed", seed.to_str().unwrap()]);
    let tn = "telnyx_phone_number";
    let (ty, ity) = (Plugin::ty(tn), Plugin::identity_ty(tn));
    let by_number = p.import(pb::import_resource_state::Request { type_name: tn.into(), id: "+13125550100".into(), ..Default::default() });
    assert!(by_number.diagnostics.is_empty(), "{:?}", by_number.diagnostics);
    let state = value(&ty, by_number.imported_resources[0].state.as_ref());
    let id = state.get("id").as_str().unwrap().to_string();

    let imp = p.import(pb::import_resource_state::Request {
        type_name: tn.into(),
        client_capabilities: newest_caps(),
        identity: identity_data(&ity, &json!({"id": id, "phone_number": "+13125550100"})),
        ..Default::default()
    });
    assert!(imp.diagnostics.is_empty(), "{:?}", imp.diagnostics);
    let got = &imp.imported_resources[0];
    assert_eq!(tfjson::to_json(&identity(&ity, got.identity.as_ref())), json!({"id": id, "phone_number": "+13125550100"}));

    let read = p.read(pb::read_resource::Request {
        type_name: tn.into(),
        current_state: got.state.clone(),
        current_identity: got.identity.clone(),
        client_capabilities: newest_caps(),
        ..Default::default()
    });
    assert!(read.diagnostics.is_empty(), "{:?}", read.diagnostics);
    assert_eq!(tfjson::to_json(&identity(&ity, read.new_identity.as_ref())), json!({"id": id, "phone_number": "+13125550100"}));

    let mismatch = p.import(pb::import_resource_state::Request {
        type_name: tn.into(),
        identity: identity_data(&ity, &json!({"id": id, "phone_number": "+13125550101"})),
        ..Default::default()
    });
    assert!(errors(&mismatch.diagnostics).iter().any(|e| e.starts_with("Identity does not match")), "{:?}", mismatch.diagnostics);
}

/// UpgradeResourceIdentity (Terraform >= 1.12 calls it for every stored identity): version 0
/// passes through, checked against the identity schema.
#[test]
fn stored_identities_upgrade_from_version_0_only() {
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let svc = ProviderService::new(TelnyxProvider);
    let ity = Plugin::identity_ty("telnyx_phone_number");
    let upgrade = |version: i64, raw: &str| {
        rt.block_on(svc.upgrade_resource_identity(Request::new(pb::upgrade_resource_identity::Request {
            type_name: "telnyx_phone_number".into(),
            version,
            raw_identity: Some(pb::RawState { json: raw.as_bytes().to_vec(), ..Default::default() }),
        })))
        .unwrap()
        .into_inner()
    };
    let ok = upgrade(0, r#"{"id":"1293384261075731499","phone_number":"+13125550100"}"#);
    assert!(ok.diagnostics.is_empty(), "{:?}", ok.diagnostics);
    assert_eq!(
        tfjson::to_json(&identity(&ity, ok.upgraded_identity.as_ref())),
        json!({"id": "1293384261075731499", "phone_number": "+13125550100"})
    );
    for (version, raw, why) in [
        (1, r#"{"id":"1"}"#, "Identity written by a newer provider"),
        (0, r#"{"phone_number":"+13125550100"}"#, "has no `id`"),
        (0, r#"{"id":"1","region":"us"}"#, "does not fit the identity schema"),
        (0, "not json", "not valid JSON"),
    ] {
        let r = upgrade(version, raw);
        assert!(errors(&r.diagnostics).iter().any(|e| e.contains(why)), "{raw}: {:?}", r.diagnostics);
    }
}

// ---- write-only password (Terraform >= 1.11, OpenTofu >= 1.11) --------------------------------

/// What Terraform proposes for an update (objchange.ProposedNew, top level): the configured
/// values, and the prior values of computed attributes the configuration leaves null.
fn proposed(type_name: &str, prior: &Value, config: &Json) -> Json {
    let r = TelnyxProvider.resources().into_iter().find(|r| r.type_name() == type_name).unwrap();
    let mut p = tfjson::to_json(prior);
    for a in r.schema().attributes {
        let c = config.get(&a.name).cloned().unwrap_or(Json::Null);
        if !(c.is_null() && a.presence.is_computed()) {
            p[&a.name] = c;
        }
    }
    p
}

impl Plugin {
    fn validate(&self, type_name: &str, config: &Json, caps: Option<pb::ClientCapabilities>) -> Vec<pb::Diagnostic> {
        let ty = Self::ty(type_name);
        let req =
            pb::validate_resource_config::Request { type_name: type_name.into(), config: Some(dv(&ty, config)), client_capabilities: caps };
        self.rt.block_on(self.svc.validate_resource_config(Request::new(req))).unwrap().into_inner().diagnostics
    }

    /// Plans and applies an update of `prior` to `config` as Terraform >= 1.12 does.
    fn update(
        &self,
        type_name: &str,
        prior: &pb::DynamicValue,
        config: &Json,
    ) -> (pb::plan_resource_change::Response, pb::apply_resource_change::Response) {
        self.change(type_name, Some(prior), config)
    }
}

#[test]
fn a_write_only_password_is_sent_and_never_stored() {
    let p = Plugin::start(&[]);
    let tn = "telnyx_credential_connection";
    let ty = Plugin::ty(tn);
    let rt = &p.rt;
    let schema = rt.block_on(p.svc.get_provider_schema(Request::new(pb::get_provider_schema::Request {}))).unwrap().into_inner();
    let attrs = &schema.resource_schemas[tn].block.as_ref().unwrap().attributes;
    let wo = attrs.iter().find(|a| a.name == "password_wo").unwrap();
    assert!(wo.write_only && wo.sensitive && wo.optional && !wo.computed);
    let version = attrs.iter().find(|a| a.name == "password_wo_version").unwrap();
    assert!(!version.write_only && version.optional && version.r#type == b"\"number\"");
    assert!(!attrs.iter().find(|a| a.name == "password").unwrap().required, "password or password_wo");

    let config = json!({"connection_name": "wo", "user_name": "wouser1", "password_wo": "first-secret-1", "password_wo_version": 1});
    assert!(p.validate(tn, &config, newest_caps()).is_empty());
    let (plan, apply) = p.create(tn, &config);
    let planned = value(&ty, plan.planned_state.as_ref());
    assert!(
        planned.get("password_wo").is_null() && planned.get("password").is_null(),
        "planned null (Terraform >= 1.11 rejects otherwise)"
    );
    assert!(apply.diagnostics.is_empty(), "{:?}", apply.diagnostics);
    let state = value(&ty, apply.new_state.as_ref());
    assert!(state.get("password_wo").is_null() && state.get("password").is_null(), "nothing of the password in state");
    assert_eq!(state.get("password_wo_version"), &Value::int(1));
    assert_eq!(p.emu.objects("credential_connections")[0]["password"], "first-secret-1", "sent on create");

    // Refresh and an unchanged configuration: still nothing stored, nothing to change.
    let read = p.read(pb::read_resource::Request { type_name: tn.into(), current_state: apply.new_state.clone(), ..Default::default() });
    assert!(value(&ty, read.new_state.as_ref()).get("password").is_null());
    let (same, _) = p.update(tn, read.new_state.as_ref().unwrap(), &config);
    assert_eq!(value(&ty, same.planned_state.as_ref()), state, "a write-only value alone never plans a change");

    // Rotation: a new password with a new version is sent; the old one stays until then.
    let rotated = json!({"connection_name": "wo", "user_name": "wouser1", "password_wo": "second-secret-2", "password_wo_version": 2});
    let (_, applied) = p.update(tn, apply.new_state.as_ref().unwrap(), &rotated);
    assert!(applied.diagnostics.is_empty(), "{:?}", applied.diagnostics);
    let after = value(&ty, applied.new_state.as_ref());
    assert!(after.get("password_wo").is_null() && after.get("password").is_null());
    assert_eq!(p.emu.objects("credential_connections")[0]["password"], "second-secret-2");
}

#[test]
fn a_write_only_argument_is_refused_where_the_client_would_store_it() {
    let p = Plugin::start(&[]);
    let tn = "telnyx_credential_connection";
    let config = json!({"connection_name": "wo", "user_name": "wouser1", "password_wo": "first-secret-1"});
    // Terraform < 1.11 sends no client capabilities (1.0.3: the field does not exist).
    for caps in [None, Some(pb::ClientCapabilities { deferral_allowed: true, ..Default::default() })] {
        let d = p.validate(tn, &config, caps);
        let e = d.iter().find(|d| d.summary == "Write-only argument not supported by this Terraform").expect("refused");
        assert!(e.detail.contains("`password_wo`") && e.detail.contains("Terraform >= 1.11"), "{}", e.detail);
        let step = &e.attribute.as_ref().unwrap().steps[0];
        assert_eq!(step.selector, Some(pb::attribute_path::step::Selector::AttributeName("password_wo".into())));
    }
    // Exactly one way to give the password.
    let both = json!({"connection_name": "wo", "user_name": "wouser1", "password": "stored-secret", "password_wo": "first-secret-1"});
    assert!(errors(&p.validate(tn, &both, newest_caps())).iter().any(|e| e.starts_with("Conflicting password arguments")));
    // Neither: valid (an imported connection keeps its password), but a create plans an error.
    let neither = json!({"connection_name": "wo", "user_name": "wouser1"});
    assert!(p.validate(tn, &neither, newest_caps()).is_empty());
    let ty = Plugin::ty(tn);
    let plan = p.plan(pb::plan_resource_change::Request {
        type_name: tn.into(),
        prior_state: Some(dv_value(&ty, &Value::Null)),
        proposed_new_state: Some(dv(&ty, &neither)),
        config: Some(dv(&ty, &neither)),
        client_capabilities: newest_caps(),
        ..Default::default()
    });
    let missing = plan.diagnostics.iter().find(|d| d.summary == "Missing password").expect("a create needs a password");
    let step = &missing.attribute.as_ref().unwrap().steps[0];
    assert_eq!(step.selector, Some(pb::attribute_path::step::Selector::AttributeName("password".into())));
    let stray = json!({"connection_name": "wo", "user_name": "wouser1", "password": "stored-secret", "password_wo_version": 3});
    assert!(errors(&p.validate(tn, &stray, None)).iter().any(|e| e.contains("without `password_wo`")));
    // The stored password needs no capability: Terraform 1.0.3's configurations stay valid.
    let stored = json!({"connection_name": "wo", "user_name": "wouser1", "password": "stored-secret"});
    assert!(p.validate(tn, &stored, None).is_empty());
}

// ---- GenerateResourceConfig (Terraform >= 1.14; OpenTofu: none) -------------------------------

/// For every resource type: the configuration generated from an object's state (as
/// `terraform plan -generate-config-out` asks for it, node_resource_plan_instance.go) holds no
/// computed-only, write-only or default-valued attribute, and plans no change.
#[test]
fn generated_configuration_plans_cleanly_for_every_resource() {
    let seed = crate::support::workspace_root().join("examples/emulator-seed.json");
    let p = Plugin::start(&["--seed", seed.to_str().unwrap()]);
    let caps = p.rt.block_on(p.svc.get_provider_schema(Request::new(pb::get_provider_schema::Request {}))).unwrap().into_inner();
    assert!(caps.server_capabilities.unwrap().generate_resource_config);

    let id_of = |r: &pb::apply_resource_change::Response, tn: &str| {
        value(&Plugin::ty(tn), r.new_state.as_ref()).get("id").as_str().unwrap().to_string()
    };
    let mut states = Vec::new();
    let mut make = |tn: &'static str, config: Json| {
        let (_, apply) = p.create(tn, &config);
        let id = id_of(&apply, tn);
        states.push((tn, apply.new_state.unwrap(), config));
        id
    };
    make("telnyx_outbound_voice_profile", json!({"name": "gen-profile", "concurrent_call_limit": 7}));
    make("telnyx_billing_group", json!({"name": "gen-group"}));
    make(
        "telnyx_call_control_application",
        json!({"application_name": "gen-cc", "webhook_event_url": "https://example.com/cc", "tags": ["gen"], "webhook_timeout_secs": 5}),
    );
    make(
        "telnyx_texml_application",
        json!({"friendly_name": "gen-texml", "voice_url": "https://example.com/texml", "voice_method": "get"}),
    );
    let cred_conn =
        make("telnyx_credential_connection", json!({"connection_name": "gen-cred", "user_name": "genuser1", "password": "gen-secret-1"}));
    let fqdn_conn = make("telnyx_fqdn_connection", json!({"connection_name": "gen-fqdn", "transport_protocol": "TCP"}));
    let ip_conn = make("telnyx_ip_connection", json!({"connection_name": "gen-ip"}));
    make("telnyx_uac_connection", json!({"connection_name": "gen-uac"}));
    make("telnyx_fqdn", json!({"connection_id": fqdn_conn, "fqdn": "sip.example.com", "dns_record_type": "a"}));
    make("telnyx_ip", json!({"connection_id": ip_conn, "ip_address": "192.0.2.10"}));
    make("telnyx_access_ip_range", json!({"cidr_block": "203.0.113.0/24"}));
    make(
        "telnyx_emergency_address",
        json!({"business_name": "Gen Corp", "street_address": "600 Congress Ave", "locality": "Austin", "administrative_area": "TX",
               "postal_code": "78701", "country_code": "US"}),
    );
    make("telnyx_phone_number", json!({"phone_number": "+13125550100", "tags": ["gen"]}));
    make("telnyx_phone_numbers_routing", json!({"phone_numbers": ["+13125550101"], "connection_id": fqdn_conn, "tags": ["gen"]}));
    make(
        "telnyx_telephony_credential",
        json!({"connection_id": cred_conn, "name": "gen-tc", "tag": "gen", "expires_at": "2099-01-01T00:00:00Z"}),
    );
    let location = make(
        "telnyx_dynamic_emergency_address",
        json!({"house_number": "600", "street_name": "Congress", "locality": "Austin", "administrative_area": "TX",
               "postal_code": "78701", "country_code": "US", "activation_timeout": "1m"}),
    );
    make(
        "telnyx_dynamic_emergency_endpoint",
        json!({"dynamic_emergency_address_id": location, "callback_number": "+13125550100", "caller_name": "Gen Desk"}),
    );
    assert_eq!(states.len(), TelnyxProvider.resources().len(), "one object of every resource type");

    for (tn, state, configured) in &states {
        let ty = Plugin::ty(tn);
        let r =
            p.rt.block_on(p.svc.generate_resource_config(Request::new(pb::generate_resource_config::Request {
                type_name: (*tn).into(),
                state: Some(state.clone()),
            })))
            .unwrap()
            .into_inner();
        assert!(r.diagnostics.is_empty(), "{tn}: {:?}", r.diagnostics);
        let config = tfjson::to_json(&value(&ty, r.config.as_ref()));
        let schema = TelnyxProvider.resources().into_iter().find(|x| x.type_name() == *tn).unwrap().schema();
        for a in &schema.attributes {
            if a.presence == tfplug::schema::Presence::Computed || a.write_only {
                assert!(config[&a.name].is_null(), "{tn}.{}: computed-only or write-only in {config}", a.name);
            }
        }
        for (k, v) in configured.as_object().unwrap() {
            if !k.ends_with("_id") {
                assert_eq!(&config[k], v, "{tn}.{k}: what was configured is generated");
            }
        }
        // Plans no change from the state it came from.
        let plan = p.plan(pb::plan_resource_change::Request {
            type_name: (*tn).into(),
            prior_state: Some(state.clone()),
            proposed_new_state: Some(dv(&ty, &proposed(tn, &value(&ty, Some(state)), &config))),
            config: Some(dv(&ty, &config)),
            client_capabilities: newest_caps(),
            ..Default::default()
        });
        assert!(errors(&plan.diagnostics).is_empty(), "{tn}: {:?}", plan.diagnostics);
        assert_eq!(value(&ty, plan.planned_state.as_ref()), value(&ty, Some(state)), "{tn}: generated {config}");
        assert!(plan.requires_replace.is_empty(), "{tn}");
    }
    // Defaults are left out: an FQDN connection's transport left at UDP would not be written.
    let fqdn_conn_state = &states.iter().find(|(t, ..)| *t == "telnyx_fqdn_connection").unwrap().1;
    let mut at_default = value(&Plugin::ty("telnyx_fqdn_connection"), Some(fqdn_conn_state));
    at_default.set("transport_protocol", Value::string("UDP"));
    let r =
        p.rt.block_on(p.svc.generate_resource_config(Request::new(pb::generate_resource_config::Request {
            type_name: "telnyx_fqdn_connection".into(),
            state: Some(dv_value(&Plugin::ty("telnyx_fqdn_connection"), &at_default)),
        })))
        .unwrap()
        .into_inner();
    let config = value(&Plugin::ty("telnyx_fqdn_connection"), r.config.as_ref());
    assert!(config.get("transport_protocol").is_null() && config.get("connection_name") == &Value::string("gen-fqdn"));
}

// ---- list resources (Terraform >= 1.14 `terraform query`; OpenTofu: none) ----------------------

impl Plugin {
    /// ListResource as Terraform >= 1.14 sends it: the `config` block's object (msgpack of the
    /// list schema's type; null without a block), include_resource_object, limit.
    fn list(
        &self,
        svc: &ProviderService<TelnyxProvider>,
        type_name: &str,
        config: Option<&Json>,
        include: bool,
        limit: i64,
    ) -> Vec<pb::list_resource::Event> {
        use tokio_stream::StreamExt as _;
        let config = config.map(|c| dv(&list_ty(type_name), c));
        let req = pb::list_resource::Request { type_name: type_name.into(), config, include_resource_object: include, limit };
        self.rt.block_on(async {
            let stream = svc.list_resource(Request::new(req)).await.unwrap().into_inner();
            stream.map(Result::unwrap).collect::<Vec<_>>().await
        })
    }
}

fn list_ty(type_name: &str) -> Type {
    TelnyxProvider.resources().into_iter().find(|r| r.type_name() == type_name).unwrap().list_schema().unwrap().ty()
}

#[test]
fn every_resource_type_is_a_list_resource_with_its_documented_filters() {
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let svc = ProviderService::new(TelnyxProvider);
    let schema = rt.block_on(svc.get_provider_schema(Request::new(pb::get_provider_schema::Request {}))).unwrap().into_inner();
    let meta = rt.block_on(svc.get_metadata(Request::new(pb::get_metadata::Request {}))).unwrap().into_inner();
    let mut listed: Vec<&String> = schema.list_resource_schemas.keys().collect();
    listed.sort();
    let mut resources: Vec<&String> = schema.resource_schemas.keys().collect();
    resources.sort();
    assert_eq!(listed, resources);
    assert_eq!(meta.list_resources.len(), resources.len());
    // The filters are the plural data source's (`telnyx_fqdn_connections`'s for `telnyx_fqdn_connection`).
    for (name, list) in &schema.list_resource_schemas {
        let plural = ["s", "es"]
            .iter()
            .find_map(|suffix| schema.data_source_schemas.get(&format!("{name}{suffix}")))
            .unwrap_or_else(|| panic!("{name}: no plural data source"));
        let attrs = &list.block.as_ref().unwrap().attributes;
        assert!(!attrs.is_empty(), "{name}");
        for a in attrs {
            assert!(a.optional && !a.required && !a.computed, "{name}.{}", a.name);
            assert!(plural.block.as_ref().unwrap().attributes.iter().any(|d| d.name == a.name && d.optional), "{name}.{}", a.name);
        }
    }
}

#[test]
fn list_streams_identities_names_and_states_within_the_limit() {
    let seed = crate::support::workspace_root().join("examples/emulator-seed.json");
    let p = Plugin::start(&["--seed", seed.to_str().unwrap()]);
    let tn = "telnyx_fqdn_connection";
    let (ty, ity) = (Plugin::ty(tn), Plugin::identity_ty(tn));
    let mut ids = Vec::new();
    for name in ["pbx-alpha", "pbx-beta", "office"] {
        let (_, apply) = p.create(tn, &json!({"connection_name": name}));
        ids.push(value(&ty, apply.new_state.as_ref()).get("id").as_str().unwrap().to_string());
    }
    let filter = json!({"connection_name_contains": "PBX", "fqdn": null, "outbound_voice_profile_id": null});
    let events = p.list(&p.svc, tn, Some(&filter), false, 100);
    let mut names: Vec<&str> = events.iter().map(|e| e.display_name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["pbx-alpha", "pbx-beta"]);
    for e in &events {
        assert!(e.diagnostic.is_empty() && e.resource_object.is_none(), "no state unless asked");
        let id = identity(&ity, e.identity.as_ref());
        assert!(ids[..2].contains(&id.get("id").as_str().unwrap().to_string()));
    }
    // With the object: the state a refresh reads, and no more than `limit` events.
    let events = p.list(&p.svc, tn, None, true, 2);
    assert_eq!(events.len(), 2);
    for e in &events {
        let state = value(&ty, e.resource_object.as_ref());
        assert_eq!(identity(&ity, e.identity.as_ref()).get("id"), state.get("id"));
        let read =
            p.read(pb::read_resource::Request { type_name: tn.into(), current_state: e.resource_object.clone(), ..Default::default() });
        assert_eq!(value(&ty, read.new_state.as_ref()), state, "listed state = read state");
    }
    assert!(p.list(&p.svc, tn, None, true, 0).is_empty(), "limit 0: nothing");

    // Phone numbers: the number as display name and in the identity, voice settings in the state.
    let pn = "telnyx_phone_number";
    let events = p.list(&p.svc, pn, None, true, 100);
    assert_eq!(events.len(), 4, "the seeded numbers");
    let e = events.iter().find(|e| e.display_name == "+13125550100").unwrap();
    let ident = identity(&Plugin::identity_ty(pn), e.identity.as_ref());
    assert_eq!(ident.get("phone_number"), &Value::string("+13125550100"));
    let state = value(&Plugin::ty(pn), e.resource_object.as_ref());
    assert!(!state.get("voice").is_null() && state.get("id") == ident.get("id"));
    let filter = json!({"phone_number_contains": "+4420"});
    let only_uk = p.list(&p.svc, pn, Some(&filter), false, 100);
    assert_eq!(only_uk.iter().map(|e| e.display_name.as_str()).collect::<Vec<_>>(), ["+442071838750"]);

    // A failure is one event with the diagnostics (here: the provider was never configured).
    let unconfigured = ProviderService::new(TelnyxProvider);
    let failed = p.list(&unconfigured, tn, None, false, 10);
    assert_eq!(failed.len(), 1);
    assert!(errors(&failed[0].diagnostic).iter().any(|e| e.starts_with("Provider not configured")), "{:?}", failed[0].diagnostic);
}

#[test]
fn list_configurations_are_validated_like_the_data_sources_filters() {
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let svc = ProviderService::new(TelnyxProvider);
    let tn = "telnyx_fqdn_connection";
    let validate = |type_name: &str, config: &Json| {
        let config = Some(dv(&list_ty(tn), config));
        let req = pb::validate_list_resource_config::Request { type_name: type_name.into(), config, ..Default::default() };
        rt.block_on(svc.validate_list_resource_config(Request::new(req))).unwrap().into_inner().diagnostics
    };
    assert!(validate(tn, &json!({"connection_name_contains": "pbx"})).is_empty());
    let short = validate(tn, &json!({"connection_name_contains": "ab"}));
    assert_eq!(short.len(), 1, "{short:?}");
    let step = &short[0].attribute.as_ref().unwrap().steps[0];
    assert_eq!(step.selector, Some(pb::attribute_path::step::Selector::AttributeName("connection_name_contains".into())));
    assert!(errors(&validate("telnyx_nothing", &json!({}))).iter().any(|e| e.starts_with("Unknown resource type")));
}

/// An apply that fails before producing a state hands back the prior state with the prior
/// object's identity, never the plan's (which may hold unknowns Terraform refuses after apply).
#[test]
fn a_failed_apply_returns_the_prior_identity() {
    let p = Plugin::start(&[]);
    let tn = "telnyx_billing_group";
    let (ty, ity) = (Plugin::ty(tn), Plugin::identity_ty(tn));
    let (plan, apply) = p.create(tn, &json!({"name": "ops"}));
    let garbage = Some(pb::DynamicValue { msgpack: vec![0xc1], json: Vec::new() });
    let update = p.apply(pb::apply_resource_change::Request {
        type_name: tn.into(),
        prior_state: apply.new_state.clone(),
        planned_state: garbage.clone(),
        planned_identity: apply.new_identity.clone(),
        ..Default::default()
    });
    assert!(errors(&update.diagnostics).iter().any(|e| e.starts_with("Malformed request")), "{:?}", update.diagnostics);
    assert_eq!(update.new_state, apply.new_state);
    assert_eq!(identity(&ity, update.new_identity.as_ref()), identity(&ity, apply.new_identity.as_ref()));
    let create = p.apply(pb::apply_resource_change::Request {
        type_name: tn.into(),
        prior_state: Some(dv_value(&ty, &Value::Null)),
        planned_state: garbage,
        planned_identity: plan.planned_identity,
        ..Default::default()
    });
    assert!(!errors(&create.diagnostics).is_empty() && create.new_identity.is_none());
}

/// Through the real Terraform 1.0.3 (no write-only support, no client capabilities): a
/// `password_wo` is refused before anything reaches the API, naming the attribute and the
/// version needed; `password` works as before, and the new attributes stay null in its state.
#[test]
fn terraform_1_0_refuses_a_write_only_password_and_keeps_working_with_password() {
    let emu = Emulator::start();
    let tf = crate::support::Tf::new(&emu);
    let connection = |password: &str| {
        format!(
            "resource \"telnyx_credential_connection\" \"pbx\" {{\n  connection_name = \"old-client\"\n  user_name       = \"oldclient1\"\n  {password}\n}}"
        )
    };
    tf.config(&connection(r#"password_wo     = "never-stored-1""#));
    let r = tf.plan();
    assert_ne!(r.code, 0);
    let out = r.all();
    assert!(out.contains("Write-only argument not supported by this Terraform") && out.contains("Terraform >= 1.11"), "{out}");
    assert!(out.contains("password_wo"), "{out}");
    assert!(emu.requests().is_empty(), "no API call: {:?}", emu.requests());

    tf.config(&connection(r#"password        = "stored-secret-1""#));
    tf.apply().assert_success();
    let state = tf.state_values("telnyx_credential_connection.pbx");
    assert!(state["password_wo"].is_null() && state["password_wo_version"].is_null(), "{state}");
    assert_eq!(emu.objects("credential_connections")[0]["password"], "stored-secret-1");
    tf.assert_no_changes();
}

/// Moving a connection from `password` to `password_wo` sends the write-only password in place
/// of the stored one (which the update clears from state), with or without a version.
#[test]
fn moving_from_password_to_password_wo_sends_it_and_forgets_the_stored_one() {
    let p = Plugin::start(&[]);
    let tn = "telnyx_credential_connection";
    let ty = Plugin::ty(tn);
    let (_, apply) = p.create(tn, &json!({"connection_name": "mv", "user_name": "mvuser1", "password": "stored-secret-1"}));
    assert_eq!(value(&ty, apply.new_state.as_ref()).get("password"), &Value::string("stored-secret-1"));
    let (plan, moved) = p.update(
        tn,
        apply.new_state.as_ref().unwrap(),
        &json!({"connection_name": "mv", "user_name": "mvuser1", "password_wo": "write-only-2"}),
    );
    assert!(value(&ty, plan.planned_state.as_ref()).get("password").is_null());
    assert!(errors(&moved.diagnostics).is_empty(), "{:?}", moved.diagnostics);
    let state = value(&ty, moved.new_state.as_ref());
    assert!(state.get("password").is_null() && state.get("password_wo").is_null());
    assert_eq!(p.emu.objects("credential_connections")[0]["password"], "write-only-2");
}
