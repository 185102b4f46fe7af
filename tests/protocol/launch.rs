//! The plugin binary as Terraform launches it: environment, handshake line, AutoMTLS,
//! gRPC calls, refusal of clients without the pinned certificate, Shutdown, and the
//! magic-cookie check. No Terraform here: a Rust gRPC client plays its part.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support::plugin;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use plugin::{BIN, client_identity, connect, launch, serving};
use tfplug::proto::plugin::grpc_controller_client::GrpcControllerClient;
use tfplug::proto::tfplugin6 as pb;
use tfplug::proto::tfplugin6::provider_client::ProviderClient;
use tfplug::transport::MAGIC_COOKIE_VALUE;
use tfplug::{Type, Value, msgpack};

/// The state type of `telnyx_outbound_voice_profile` and its attribute types.
fn profile_type() -> (Type, std::collections::BTreeMap<String, Type>) {
    use terraform_provider_telnyx::provider::TelnyxProvider;
    use tfplug::Provider as _;

    let resource = TelnyxProvider.resources().into_iter().find(|r| r.type_name() == "telnyx_outbound_voice_profile").unwrap();
    let ty = resource.schema().ty();
    let Type::Object(attrs) = &ty else { panic!("object type expected") };
    let attrs = attrs.clone();
    (ty, attrs)
}

#[tokio::test]
async fn handshake_mtls_schema_and_shutdown() {
    let (pem, der, key) = client_identity();
    let mut p = launch(&pem);
    let ch = connect(&p, Some((&der, &key))).await.expect("mTLS connection");
    let mut client = ProviderClient::new(ch.clone()).max_decoding_message_size(64 << 20);
    let schema = client.get_provider_schema(pb::get_provider_schema::Request {}).await.unwrap().into_inner();
    assert!(schema.diagnostics.is_empty());
    let provider = schema.provider.unwrap().block.unwrap();
    let api_key = provider.attributes.iter().find(|a| a.name == "api_key").unwrap();
    assert!(api_key.sensitive && api_key.optional);
    let ovp = &schema.resource_schemas["telnyx_outbound_voice_profile"];
    let block = ovp.block.as_ref().unwrap();
    let call_recording = block.attributes.iter().find(|a| a.name == "call_recording").unwrap();
    assert!(call_recording.r#type.is_empty(), "nested attributes carry nested_type, not type");
    assert_eq!(call_recording.nested_type.as_ref().unwrap().nesting, pb::schema::object::NestingMode::Single as i32);
    assert!(schema.data_source_schemas.contains_key("telnyx_outbound_voice_profile"));

    // GetMetadata lists the same types (newer Terraform / OpenTofu).
    let md = client.get_metadata(pb::get_metadata::Request {}).await.unwrap().into_inner();
    assert!(md.resources.iter().any(|r| r.type_name == "telnyx_outbound_voice_profile"));

    // A malformed value is a diagnostic, not a crash.
    let bad = client
        .validate_resource_config(pb::validate_resource_config::Request {
            type_name: "telnyx_outbound_voice_profile".into(),
            config: Some(pb::DynamicValue { msgpack: vec![0x81, 0xa1, b'x'], json: vec![] }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(bad.diagnostics.len(), 1);
    assert_eq!(bad.diagnostics[0].summary, "Malformed request");

    // Unknown resource types are diagnostics too.
    let ty = Type::object([("x", Type::String)]);
    let unknown = client
        .validate_resource_config(pb::validate_resource_config::Request {
            type_name: "telnyx_nope".into(),
            config: Some(pb::DynamicValue { msgpack: msgpack::encode(&Value::Null, &ty).unwrap(), json: vec![] }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(unknown.diagnostics[0].summary, "Unknown resource type");

    // RPCs we do not serve answer Unimplemented (what newer clients tolerate).
    let status = client.validate_state_store_config(pb::validate_state_store::Request::default()).await.unwrap_err();
    assert_eq!(status.code(), tonic::Code::Unimplemented);
    // An action request without a type is an error diagnostic, not a failed call.
    let r = client.validate_action_config(pb::validate_action_config::Request::default()).await.unwrap().into_inner();
    assert_eq!(r.diagnostics[0].summary, "Unknown action type");

    // Shutdown ends the process promptly (Terraform kills it after 2 s otherwise).
    let start = Instant::now();
    GrpcControllerClient::new(ch).shutdown(tfplug::proto::plugin::Empty {}).await.unwrap();
    loop {
        if let Some(st) = p.child.try_wait().unwrap() {
            assert!(st.success());
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(2), "plugin did not exit after Shutdown");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(!std::path::Path::new(&p.address).exists(), "socket file left behind");
}

#[tokio::test]
async fn clients_without_the_pinned_certificate_are_refused() {
    let (pem, _, _) = client_identity();
    let p = launch(&pem);
    // No client certificate at all.
    let r = async {
        let ch = connect(&p, None).await?;
        ProviderClient::new(ch).get_provider_schema(pb::get_provider_schema::Request {}).await.map_err(|_| ()).ok();
        Ok::<_, tonic::transport::Error>(())
    }
    .await;
    let no_cert_refused = match r {
        Err(_) => true,
        Ok(()) => {
            let ch = connect(&p, None).await;
            match ch {
                Err(_) => true,
                Ok(ch) => ProviderClient::new(ch).get_provider_schema(pb::get_provider_schema::Request {}).await.is_err(),
            }
        }
    };
    assert!(no_cert_refused, "a client without a certificate was served");
    // A different certificate than the one Terraform announced.
    let (_, other_der, other_key) = client_identity();
    let served = match connect(&p, Some((&other_der, &other_key))).await {
        Err(_) => false,
        Ok(ch) => ProviderClient::new(ch).get_provider_schema(pb::get_provider_schema::Request {}).await.is_ok(),
    };
    assert!(!served, "a client with a foreign certificate was served");
}

/// A launcher that sets the cookie variable but not Terraform's value is not Terraform: the
/// plugin explains itself and refuses (run by a person, without the variable, it prints its
/// help: cli.rs).
#[test]
fn with_a_wrong_magic_cookie_it_explains_and_exits_1() {
    let out = Command::new(BIN).env("TF_PLUGIN_MAGIC_COOKIE", "not-terraform").stdin(Stdio::null()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "nothing on stdout");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("This binary is a plugin"), "{err}");
}

/// SIGTERM (a service manager, `kill`, a CI runner's clean-up) stops the plugin the way
/// Shutdown does: promptly, successfully, and without leaving its socket behind.
#[test]
fn sigterm_stops_the_plugin_and_removes_its_socket() {
    let (pem, _, _) = client_identity();
    let mut p = launch(&pem);
    assert!(std::path::Path::new(&p.address).exists(), "no socket while serving");
    let start = Instant::now();
    assert!(p.terminate(), "the plugin ignored SIGTERM");
    assert!(start.elapsed() < Duration::from_secs(1), "SIGTERM took {:?}", start.elapsed());
    assert!(p.child.wait().unwrap().success());
    assert!(!std::path::Path::new(&p.address).exists(), "socket file left behind");
    assert_eq!(p.leftovers(), Vec::<String>::new());
}

/// Terraform relays Ctrl-C to the whole process group; a plugin keeps serving (Terraform
/// stops it through StopProvider and Shutdown), so SIGINT must not end it.
#[tokio::test]
async fn sigint_does_not_stop_a_plugin_under_terraform() {
    let (pem, der, key) = client_identity();
    let p = launch(&pem);
    let _ = Command::new("kill").args(["-INT", &p.child.id().to_string()]).status();
    // A duration, not a wait for an event: a plugin that SIGINT stops would have stopped
    // within 200 ms, and there is no event to wait for when it rightly does not.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let ch = connect(&p, Some((&der, &key))).await.expect("still serving after SIGINT");
    let schema = ProviderClient::new(ch).max_decoding_message_size(64 << 20).get_provider_schema(pb::get_provider_schema::Request {}).await;
    assert!(schema.is_ok(), "{schema:?}");
}

/// States written while `telnyx_outbound_voice_profile` had `connections_count` (now only on
/// its data sources) still load: UpgradeResourceState drops attributes the schema no longer has.
#[tokio::test]
async fn a_state_with_a_removed_attribute_upgrades() {
    let (_plugin, mut client) = serving().await;
    let old = serde_json::json!({"id": "1293384261075731499", "name": "office-outbound", "connections_count": 2, "enabled": true});
    let resp = client
        .upgrade_resource_state(pb::upgrade_resource_state::Request {
            type_name: "telnyx_outbound_voice_profile".into(),
            version: 0,
            raw_state: Some(pb::RawState { json: serde_json::to_vec(&old).unwrap(), flatmap: Default::default() }),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    let (ty, attrs) = profile_type();
    assert!(!attrs.contains_key("connections_count"), "the resource no longer has connections_count");
    let state = msgpack::decode(&resp.upgraded_state.unwrap().msgpack, &ty).unwrap();
    assert_eq!(state.get("id"), &Value::string("1293384261075731499"));
    assert_eq!(state.get("name"), &Value::string("office-outbound"));
    assert_eq!(state.get("enabled"), &Value::Bool(true));
}

#[test]
fn without_protocol_6_it_refuses() {
    let out = Command::new(BIN)
        .env("TF_PLUGIN_MAGIC_COOKIE", MAGIC_COOKIE_VALUE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "4,5")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("protocol 6"));
}

/// Terraform killed without a Shutdown call: the orphaned plugin notices and exits.
#[test]
fn an_orphaned_plugin_exits() {
    let (pem, _, _) = client_identity();
    let dir = std::env::temp_dir().join(format!("tfplug-orphan-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let handshake = dir.join("handshake");
    let sockets = dir.join("sockets");
    std::fs::create_dir_all(&sockets).unwrap();
    // The shell starts the plugin in the background and exits once the plugin has written its
    // handshake (as a killed Terraform would, after the plugin started): the plugin's parent
    // is gone. The shell gives up waiting after 5 s; the handshake check below then fails.
    let script =
        r#""$0" > "$1" 2>/dev/null < /dev/null & echo $!; i=0; while [ ! -s "$1" ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i+1)); done"#;
    let out = Command::new("sh")
        .args(["-c", script, BIN, handshake.to_str().unwrap()])
        .env("TF_PLUGIN_MAGIC_COOKIE", MAGIC_COOKIE_VALUE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "6")
        .env("PLUGIN_CLIENT_CERT", &pem)
        .env("PLUGIN_UNIX_SOCKET_DIR", &sockets)
        .output()
        .unwrap();
    let pid: u32 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
    let alive = || {
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|s| s.rsplit(')').next().and_then(|r| r.split_whitespace().next()).is_some_and(|state| state != "Z"))
            .unwrap_or(false)
    };
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(5) && std::fs::read_to_string(&handshake).map(|s| s.is_empty()).unwrap_or(true) {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(std::fs::read_to_string(&handshake).unwrap().starts_with("1|6|"), "the plugin did not start");
    while alive() && start.elapsed() < Duration::from_secs(6) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let still_alive = alive();
    if still_alive {
        let _ = Command::new("kill").arg(pid.to_string()).status();
    }
    let left: Vec<_> = std::fs::read_dir(&sockets).unwrap().map(|e| e.unwrap().file_name()).collect();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(!still_alive, "the orphaned plugin kept running");
    assert!(left.is_empty(), "the orphaned plugin left its socket: {left:?}");
}

/// A failed ApplyResourceChange that produced no state hands Terraform its prior state back:
/// a missing new_state would read as null, and Terraform would forget a live object.
#[tokio::test]
async fn a_failed_apply_returns_the_prior_state() {
    let (_plugin, mut client) = serving().await;
    let (ty, attrs) = profile_type();
    let prior = Value::Object(attrs.keys().map(|k| (k.clone(), if k == "id" { Value::string("123") } else { Value::Null })).collect());
    let prior_bytes = msgpack::encode(&prior, &ty).unwrap();
    let resp = client
        .apply_resource_change(pb::apply_resource_change::Request {
            type_name: "telnyx_outbound_voice_profile".into(),
            prior_state: Some(pb::DynamicValue { msgpack: prior_bytes.clone(), json: vec![] }),
            planned_state: Some(pb::DynamicValue { msgpack: vec![0x81, 0xa1, b'x'], json: vec![] }),
            planned_private: b"private".to_vec(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(resp.diagnostics[0].summary, "Malformed request");
    assert_eq!(resp.new_state.map(|s| s.msgpack), Some(prior_bytes), "the prior state must come back");
    assert_eq!(resp.private, b"private".to_vec());
}

/// A provider configuration Terraform does not know yet (it depends on resources still to be
/// created) never falls back to environment variables or the default URL: reads keep the
/// state as it is, and data sources say why they cannot read.
#[tokio::test]
async fn an_unknown_provider_configuration_makes_no_api_call() {
    use terraform_provider_telnyx::provider::TelnyxProvider;
    use tfplug::Provider as _;

    let (_plugin, mut client) = serving().await;
    let provider_ty = TelnyxProvider.schema().ty();
    let Type::Object(pattrs) = &provider_ty else { panic!("object type expected") };
    let config = Value::Object(pattrs.keys().map(|k| (k.clone(), if k == "base_url" { Value::unknown() } else { Value::Null })).collect());
    let resp = client
        .configure_provider(pb::configure_provider::Request {
            terraform_version: "1.0.3".into(),
            config: Some(pb::DynamicValue { msgpack: msgpack::encode(&config, &provider_ty).unwrap(), json: vec![] }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);

    let (ty, attrs) = profile_type();
    let state = Value::Object(attrs.keys().map(|k| (k.clone(), if k == "id" { Value::string("123") } else { Value::Null })).collect());
    let state_bytes = msgpack::encode(&state, &ty).unwrap();
    let read = client
        .read_resource(pb::read_resource::Request {
            type_name: "telnyx_outbound_voice_profile".into(),
            current_state: Some(pb::DynamicValue { msgpack: state_bytes.clone(), json: vec![] }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(read.diagnostics.is_empty(), "{:?}", read.diagnostics);
    assert_eq!(read.new_state.map(|s| s.msgpack), Some(state_bytes), "the state stays as it is");

    let ds = TelnyxProvider.data_sources().into_iter().find(|d| d.type_name() == "telnyx_outbound_voice_profile").unwrap();
    let dty = ds.schema().ty();
    let Type::Object(dattrs) = &dty else { panic!("object type expected") };
    let dconfig = Value::Object(dattrs.keys().map(|k| (k.clone(), if k == "id" { Value::string("123") } else { Value::Null })).collect());
    let read = client
        .read_data_source(pb::read_data_source::Request {
            type_name: "telnyx_outbound_voice_profile".into(),
            config: Some(pb::DynamicValue { msgpack: msgpack::encode(&dconfig, &dty).unwrap(), json: vec![] }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(read.diagnostics.len(), 1, "{:?}", read.diagnostics);
    assert_eq!(read.diagnostics[0].summary, "Provider configuration not known yet");
}
