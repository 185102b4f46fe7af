//! Provider-defined functions at the protocol level, as Terraform ≥ 1.8 and OpenTofu ≥ 1.7
//! call them: the gRPC service in-process, never configured (Terraform calls functions on an
//! unconfigured provider instance), requests shaped as the clients send them.
//!
//! Shapes from hashicorp/terraform `internal/plugin6/grpc_provider.go`: the signatures are read
//! from GetProviderSchema's `functions` (OpenTofu falls back to GetFunctions for a name the
//! schema lacks); CallFunction sends `name` and one msgpack DynamicValue per argument, each
//! encoded against its parameter's declared type (the variadic one past the last); an answer
//! with `error` becomes an error, a `function.ArgError` pointing at the argument when
//! `function_argument` is set; otherwise `result` is decoded against the declared return type.
//! Null arguments reach the provider only where `allow_null_value` is set; unknown ones never
//! unless `allow_unknown_values` is (`internal/providers/functions.go`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;

use terraform_provider_telnyx::provider::TelnyxProvider;
use tfplug::proto::tfplugin6 as pb;
use tfplug::proto::tfplugin6::provider_server::Provider as _;
use tfplug::server::ProviderService;
use tfplug::{Type, Value, msgpack};
use tonic::Request;

struct Unconfigured {
    rt: tokio::runtime::Runtime,
    svc: ProviderService<TelnyxProvider>,
}

impl Unconfigured {
    fn new() -> Self {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        Unconfigured { rt, svc: ProviderService::new(TelnyxProvider) }
    }

    fn schema_functions(&self) -> HashMap<String, pb::Function> {
        let r = self.rt.block_on(self.svc.get_provider_schema(Request::new(pb::get_provider_schema::Request {}))).unwrap().into_inner();
        assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
        r.functions
    }

    /// CallFunction as Terraform encodes it: each argument against its parameter's type.
    fn call(&self, name: &str, args: &[Value]) -> pb::call_function::Response {
        let f = self.schema_functions().remove(name).unwrap();
        let arguments = args
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let p = f.parameters.get(i).or(f.variadic_parameter.as_ref()).unwrap();
                let ty = Type::from_json_bytes(&p.r#type).unwrap();
                pb::DynamicValue { msgpack: msgpack::encode(v, &ty).unwrap(), json: Vec::new() }
            })
            .collect();
        self.rt
            .block_on(self.svc.call_function(Request::new(pb::call_function::Request { name: name.into(), arguments })))
            .unwrap()
            .into_inner()
    }

    fn result(&self, name: &str, args: &[Value]) -> Value {
        let r = self.call(name, args);
        assert!(r.error.is_none(), "{name}: {:?}", r.error);
        let ret = self.schema_functions().remove(name).unwrap().r#return.unwrap();
        msgpack::decode(&r.result.unwrap().msgpack, &Type::from_json_bytes(&ret.r#type).unwrap()).unwrap()
    }
}

fn s(x: &str) -> Value {
    Value::string(x)
}

#[test]
fn signatures_are_in_the_schema_the_metadata_and_get_functions_alike() {
    let p = Unconfigured::new();
    let schema = p.schema_functions();
    let mut names: Vec<&String> = schema.keys().collect();
    names.sort();
    assert_eq!(names, ["e164", "sip_uri"]);

    let e164 = &schema["e164"];
    let params: Vec<(&str, Type, bool, bool)> = e164
        .parameters
        .iter()
        .map(|p| (p.name.as_str(), Type::from_json_bytes(&p.r#type).unwrap(), p.allow_null_value, p.allow_unknown_values))
        .collect();
    assert_eq!(params, [("number", Type::String, false, false), ("default_region", Type::String, true, false)]);
    assert!(e164.variadic_parameter.is_none());
    assert_eq!(Type::from_json_bytes(&e164.r#return.as_ref().unwrap().r#type).unwrap(), Type::String);
    assert!(!e164.summary.is_empty() && !e164.description.is_empty());
    assert_eq!(e164.description_kind, pb::StringKind::Markdown as i32);

    let sip = &schema["sip_uri"];
    assert_eq!(sip.parameters.len(), 1);
    let ret = Type::from_json_bytes(&sip.r#return.as_ref().unwrap().r#type).unwrap();
    let Type::Object(attrs) = ret else { panic!("sip_uri returns {ret:?}") };
    assert_eq!(
        attrs.keys().map(String::as_str).collect::<Vec<_>>(),
        ["headers", "host", "parameters", "port", "scheme", "transport", "user"]
    );
    assert_eq!(attrs["port"], Type::Number);
    assert_eq!(attrs["parameters"], Type::map(Type::String));

    // OpenTofu's GetFunctions answers the same signatures.
    let listed = p.rt.block_on(p.svc.get_functions(Request::new(pb::get_functions::Request {}))).unwrap().into_inner();
    assert!(listed.diagnostics.is_empty());
    assert_eq!(listed.functions, schema);

    let meta = p.rt.block_on(p.svc.get_metadata(Request::new(pb::get_metadata::Request {}))).unwrap().into_inner();
    let mut meta_names: Vec<String> = meta.functions.into_iter().map(|f| f.name).collect();
    meta_names.sort();
    assert_eq!(meta_names, ["e164", "sip_uri"]);
}

#[test]
fn calls_on_an_unconfigured_provider_return_results_of_the_declared_type() {
    let p = Unconfigured::new();
    assert_eq!(p.result("e164", &[s("(312) 555-0100"), s("US")]).as_str(), Some("+13125550100"));
    assert_eq!(p.result("e164", &[s("020 7946 0958"), s("GB")]).as_str(), Some("+442079460958"));
    // A null region (allow_null_value) for a number that names its country.
    assert_eq!(p.result("e164", &[s("+44 20 7946 0958"), Value::Null]).as_str(), Some("+442079460958"));

    let v = p.result("sip_uri", &[s("sips:trunk@[2001:db8::10]:5061;transport=TLS;lr?subject=hi")]);
    assert_eq!(v.get("scheme").as_str(), Some("sips"));
    assert_eq!(v.get("user").as_str(), Some("trunk"));
    assert_eq!(v.get("host").as_str(), Some("2001:db8::10"));
    assert_eq!(v.get("port").as_i64(), Some(5061));
    assert_eq!(v.get("transport").as_str(), Some("tls"));
    let entry = |m: &str, k: &str| v.get(m).entries().and_then(|e| e.get(k)).and_then(Value::as_str).map(String::from);
    assert_eq!(entry("parameters", "lr").as_deref(), Some(""));
    assert_eq!(entry("parameters", "transport").as_deref(), Some("TLS"));
    assert_eq!(entry("headers", "subject").as_deref(), Some("hi"));
    let v = p.result("sip_uri", &[s("sip:sip.telnyx.com")]);
    assert!(v.get("user").is_null() && v.get("port").is_null() && v.get("transport").is_null());
}

#[test]
fn a_bad_argument_is_a_function_error_with_its_index_and_no_result() {
    let p = Unconfigured::new();
    let cases: [(&str, Vec<Value>, i64, &str); 5] = [
        ("e164", vec![s("not a number"), s("US")], 0, "not a phone number"),
        ("e164", vec![s("+1 999 555 0100"), Value::Null], 0, "not a valid phone number"),
        ("e164", vec![s("+13125550100"), s("ZZ")], 1, "not a region code"),
        ("e164", vec![s("(312) 555-0100"), Value::Null], 1, "default_region"),
        ("sip_uri", vec![s("tel:+13125550100")], 0, "not a SIP URI"),
    ];
    for (name, args, index, text) in cases {
        let r = p.call(name, &args);
        assert!(r.result.is_none(), "{name}{args:?}");
        let e = r.error.unwrap_or_else(|| panic!("{name}{args:?} did not fail"));
        assert_eq!(e.function_argument, Some(index), "{name}{args:?}: {}", e.text);
        assert!(e.text.contains(text), "{name}{args:?}: {}", e.text);
    }
}

#[test]
fn calls_terraform_never_sends_still_get_an_answer() {
    let p = Unconfigured::new();
    let call = |name: &str, arguments: Vec<pb::DynamicValue>| {
        p.rt.block_on(p.svc.call_function(Request::new(pb::call_function::Request { name: name.into(), arguments }))).unwrap().into_inner()
    };
    let string = |v: &Value| pb::DynamicValue { msgpack: msgpack::encode(v, &Type::String).unwrap(), json: Vec::new() };
    // A null where the parameter does not allow one: an error naming it.
    let e = call("sip_uri", vec![string(&Value::Null)]).error.unwrap();
    assert_eq!(e.function_argument, Some(0));
    // An unknown: an unknown result, no call (what Terraform itself does).
    let r = call("e164", vec![string(&Value::unknown()), string(&s("US"))]);
    assert!(r.error.is_none());
    assert!(msgpack::decode(&r.result.unwrap().msgpack, &Type::String).unwrap().is_unknown());
    // Too few or too many arguments, a function that does not exist, bytes that are not msgpack.
    assert!(call("e164", vec![string(&s("+13125550100"))]).error.unwrap().text.contains("Not enough arguments"));
    assert_eq!(call("sip_uri", vec![string(&s("sip:a.example")), string(&s("x"))]).error.unwrap().function_argument, Some(1));
    assert!(call("nope", vec![]).error.unwrap().text.contains("no function named"));
    let junk = pb::DynamicValue { msgpack: vec![0xc1], json: Vec::new() };
    assert_eq!(call("sip_uri", vec![junk]).error.unwrap().function_argument, Some(0));
}
