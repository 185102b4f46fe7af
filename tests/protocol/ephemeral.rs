//! The ephemeral `telnyx_telephony_credential_token` at the protocol level: the provider's gRPC
//! service built in-process, its tonic methods called with requests shaped as Terraform >= 1.10
//! and OpenTofu >= 1.11 send them, against the bundled emulator.
//!
//! Shapes from hashicorp/terraform (commit 883c7221) `internal/plugin6/grpc_provider.go` and
//! `internal/terraform/node_resource_ephemeral.go`: GetMetadata lists `ephemeral_resources`;
//! the validate walk sends ValidateEphemeralResourceConfig with unknown values; a wholly known
//! configuration is validated again, then opened (OpenEphemeralResource: `type_name`, msgpack
//! `config`, `client_capabilities`); the result must keep every configured value
//! (`objchange.AssertPlanValid` against a null prior); CloseEphemeralResource carries the
//! `private` bytes Open returned (none here), and RenewEphemeralResource is called only when
//! Open set `renew_at`. OpenTofu (opentofu/opentofu f831fa1a, `internal/plugin6/grpc_provider.go`)
//! sends the same messages, its `client_capabilities` always `write_only_attributes_allowed`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;
use terraform_provider_telnyx::provider::TelnyxProvider;
use tfplug::proto::tfplugin6 as pb;
use tfplug::proto::tfplugin6::provider_server::Provider as _;
use tfplug::server::ProviderService;
use tfplug::{Provider, Type, Value, json as tfjson, msgpack};
use tonic::Request;

use crate::support::{API_KEY, Emulator};

const TOKEN: &str = "telnyx_telephony_credential_token";

fn token_ty() -> Type {
    TelnyxProvider.ephemeral_resources().into_iter().find(|e| e.type_name() == TOKEN).unwrap().schema().ty()
}

fn config(credential_id: Value) -> pb::DynamicValue {
    let ty = token_ty();
    let mut v = Value::null_object(&ty);
    v.set("credential_id", credential_id);
    pb::DynamicValue { msgpack: msgpack::encode(&v, &ty).unwrap(), json: Vec::new() }
}

fn errors(d: &[pb::Diagnostic]) -> Vec<String> {
    d.iter().filter(|d| d.severity == pb::diagnostic::Severity::Error as i32).map(|d| format!("{}: {}", d.summary, d.detail)).collect()
}

#[test]
fn token_as_terraform_opens_and_closes_it() {
    let emu = Emulator::start();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let svc = ProviderService::new(TelnyxProvider);

    // Discovery.
    let md = rt.block_on(svc.get_metadata(Request::new(pb::get_metadata::Request {}))).unwrap().into_inner();
    assert_eq!(md.ephemeral_resources.iter().map(|e| e.type_name.as_str()).collect::<Vec<_>>(), [TOKEN]);
    let schema = rt.block_on(svc.get_provider_schema(Request::new(pb::get_provider_schema::Request {}))).unwrap().into_inner();
    let block = schema.ephemeral_resource_schemas[TOKEN].block.clone().unwrap();
    let token = block.attributes.iter().find(|a| a.name == "token").unwrap();
    assert!(token.computed && token.sensitive && !token.optional);
    assert!(!schema.resource_schemas.contains_key(TOKEN) && !schema.data_source_schemas.contains_key(TOKEN));

    // terraform validate: the credential's id is not known yet.
    let validate = |v: Value| {
        rt.block_on(svc.validate_ephemeral_resource_config(Request::new(pb::validate_ephemeral_resource_config::Request {
            type_name: TOKEN.into(),
            config: Some(config(v)),
        })))
        .unwrap()
        .into_inner()
        .diagnostics
    };
    assert!(validate(Value::unknown()).is_empty());
    let d = validate(Value::string(""));
    assert_eq!(errors(&d).len(), 1, "{d:?}");
    let step = d[0].attribute.as_ref().and_then(|p| p.steps.first()).and_then(|s| s.selector.clone());
    assert_eq!(step, Some(pb::attribute_path::step::Selector::AttributeName("credential_id".into())));
    assert_eq!(emu.requests().len(), 0, "validation calls no API");

    // Configure, as Terraform does before opening.
    let pty = TelnyxProvider.schema().ty();
    let pconf = tfjson::from_json(
        &json!({"api_key": API_KEY, "base_url": emu.base_url(), "max_retries": 0, "request_timeout": null}),
        &pty,
        tfjson::Extra::Reject,
    )
    .unwrap();
    let r = rt
        .block_on(svc.configure_provider(Request::new(pb::configure_provider::Request {
            terraform_version: "1.11.4".into(),
            config: Some(pb::DynamicValue { msgpack: msgpack::encode(&pconf, &pty).unwrap(), json: Vec::new() }),
            client_capabilities: Some(pb::ClientCapabilities {
                deferral_allowed: false,
                write_only_attributes_allowed: true,
                ..Default::default()
            }),
        })))
        .unwrap()
        .into_inner();
    assert!(errors(&r.diagnostics).is_empty(), "{:?}", r.diagnostics);

    let (_, conn) = emu.api(
        reqwest::Method::POST,
        "/credential_connections",
        Some(json!({"connection_name": "proto-webrtc", "user_name": "protowebrtc1", "password": "Sup3r-Secret-Passw0rd"})),
    );
    let (st, cred) = emu.api(reqwest::Method::POST, "/telephony_credentials", Some(json!({"connection_id": conn["data"]["id"]})));
    assert_eq!(st, 201, "{cred}");
    let id = cred["data"]["id"].as_str().unwrap().to_string();

    let open_as = |v: Value, caps: pb::ClientCapabilities| {
        rt.block_on(svc.open_ephemeral_resource(Request::new(pb::open_ephemeral_resource::Request {
            type_name: TOKEN.into(),
            config: Some(config(v)),
            client_capabilities: Some(caps),
        })))
        .unwrap()
        .into_inner()
    };
    let open = |v: Value| open_as(v, pb::ClientCapabilities::default());
    let r = open(Value::string(&id));
    assert!(errors(&r.diagnostics).is_empty(), "{:?}", r.diagnostics);
    let result = msgpack::decode(&r.result.as_ref().unwrap().msgpack, &token_ty()).unwrap();
    assert_eq!(result.get("credential_id").as_str(), Some(id.as_str()), "the configured value is kept");
    let jwt = result.get("token").as_str().unwrap().to_string();
    let issued = emu.objects("telephony_credentials")[0]["tokens"].clone();
    assert_eq!(issued, json!([jwt]));
    assert!(r.renew_at.is_none() && r.private.is_none() && r.deferred.is_none());

    let c = rt
        .block_on(
            svc.close_ephemeral_resource(Request::new(pb::close_ephemeral_resource::Request { type_name: TOKEN.into(), private: None })),
        )
        .unwrap()
        .into_inner();
    assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
    let renew = rt
        .block_on(
            svc.renew_ephemeral_resource(Request::new(pb::renew_ephemeral_resource::Request { type_name: TOKEN.into(), private: None })),
        )
        .unwrap()
        .into_inner();
    assert!(renew.diagnostics.is_empty() && renew.renew_at.is_none(), "nothing to renew: {:?}", renew.diagnostics);

    // As OpenTofu opens it: a second token, the same answer.
    let tofu = open_as(Value::string(&id), pb::ClientCapabilities { write_only_attributes_allowed: true, ..Default::default() });
    assert!(errors(&tofu.diagnostics).is_empty(), "{:?}", tofu.diagnostics);
    let second = msgpack::decode(&tofu.result.as_ref().unwrap().msgpack, &token_ty()).unwrap();
    assert_ne!(second.get("token").as_str(), Some(jwt.as_str()), "each open mints a new token");
    assert_eq!(emu.objects("telephony_credentials")[0]["tokens"].as_array().map(Vec::len), Some(2));

    // A credential that does not exist: Telnyx's 404 as a diagnostic, and no result.
    let r = open(Value::string("no-such-credential"));
    let e = errors(&r.diagnostics);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].contains("telnyx_telephony_credential"), "{e:?}");
    assert!(r.result.is_none());
    assert_eq!(emu.count("POST", "/v2/telephony_credentials/"), 3);
}
