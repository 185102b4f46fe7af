//! Newer-client conformance: the built provider binary driven over the real transport (go-plugin
//! handshake, AutoMTLS with a P-521 client certificate, gRPC over the unix socket, ALPN h2) with
//! the call sequences and request shapes of Terraform 1.5, 1.8, 1.10, 1.12, 1.14 and OpenTofu
//! 1.6, 1.8, 1.10, against the emulator. Only Terraform 1.0.3 can be installed here, so a Rust
//! client plays each newer client, as its own source says it behaves; every answer is checked
//! with the rules that client applies (value conformance, `AssertPlanValid`,
//! `AssertObjectCompatible`, no unknowns after apply or read, identity checks, deferral rules).
//!
//! One scenario runner ([`replay`]) walks every command — validate, plan with a known and with an
//! unknown provider configuration, apply, the `import` command and `import` blocks,
//! refresh-only, `moved` and `removed` blocks, destroy, `query`, an interrupt — and consults the
//! [`Client`] table for what differs between versions. Sources (read at the release tags, in
//! the `hashicorp/terraform` and `opentofu/opentofu` repositories):
//!
//! | client | tag (commit) | go-plugin / grpc-go / go-cty |
//! |---|---|---|
//! | Terraform 1.5  | v1.5.0 (f25d764e) | 1.4.3 / 1.50.1 / 1.12.2 (no refinements) |
//! | Terraform 1.8  | v1.8.0 (3f4c2f00) | 1.4.3 / 1.59.0 / 1.14.3 |
//! | Terraform 1.10 | v1.10.0 (24236f4f) | 1.6.0 / 1.59.0 / 1.15.1-pre |
//! | Terraform 1.12 | v1.12.0 (f9e9a59d) | 1.6.3 / 1.69.4 (ALPN h2 enforced) / 1.16.2 |
//! | Terraform 1.14 | v1.14.0 (70a2bb44) | 1.7.0 / 1.69.4 / 1.16.3 |
//! | OpenTofu 1.6   | v1.6.0 (4ac1af3f) | 1.4.3 / 1.59.0 / 1.14.1 |
//! | OpenTofu 1.8   | v1.8.0 (b1834a29) | 1.4.3 / 1.62.1 / 1.14.4 |
//! | OpenTofu 1.10  | v1.10.0 (1ffecd7f) | 1.4.3 / 1.62.1 / 1.16.3 |
//!
//! Per RPC: who calls it (`internal/plugin6/grpc_provider.go` of each tag unless said otherwise)
//! and how the client reacts to `Unimplemented`, an empty response, or a missing field.
//!
//! | RPC | called by | Unimplemented | empty response / missing field |
//! |---|---|---|---|
//! | go-plugin `GRPCStdio/StreamStdio`, `GRPCBroker/StartStream` | every client on connect (go-plugin `grpc_client.go` newGRPCClient, `grpc_stdio.go`) | tolerated (stdio syncing off; broker goroutine ends) | — |
//! | `GetMetadata` | none of these clients (only their `internal/grpcwrap` *server* side; used by terraform-plugin-mux) | — | — |
//! | `GetProviderSchema` | all, first on every process (`get_provider_schema_optional` false: no cross-process cache) | command fails ("Unsupported plugin method") | no `provider` → "missing provider schema"; no `server_capabilities` → all false; error diagnostics abort |
//! | `GetResourceIdentitySchemas` | TF 1.12, 1.14, inside GetProviderSchema right after it | tolerated: no identities | empty map = no identities; a missing type = that type has none |
//! | `ValidateProviderConfig`, `ValidateResourceConfig`, `ValidateDataResourceConfig` | all (validate walk of validate/plan/apply/import) | "Unsupported plugin method" | no diagnostics = valid; `client_capabilities` in ValidateResourceConfig from TF 1.12 (`node_resource_validate.go`) |
//! | `UpgradeResourceState` | all, for every object read from state (`upgrade_resource_state.go`) | command fails | missing `upgraded_state` decodes as null, which is wholly known and conforms: no error (`upgrade_resource_state.go`), the object is then taken as absent and planned for creation again; unknowns → "Invalid resource state upgrade" |
//! | `ConfigureProvider` | all (`eval_context_builtin.go`); `client_capabilities` TF ≥ 1.10 here (deferral), + write-only TF ≥ 1.12 | command fails | no diagnostics = configured |
//! | `ReadResource` | all (refresh, import) | command fails | missing `new_state` = null = object gone (import: "Cannot import non-existent remote object"); unknowns → "Provider produced invalid object"; `deferred` without `deferral_allowed` → error (TF ≥ 1.9) |
//! | `PlanResourceChange` | all; never for destroys unless `plan_destroy` (client answers null itself) | command fails | missing `planned_state` = null → "Provider produced invalid plan" for a create/update |
//! | `ApplyResourceChange` | all (`node_resource_abstract_instance.go` apply) | command fails | missing `new_state` = null: a delete succeeded, a create/update "returned invalid result object"; unknowns → error; known planned values must come back |
//! | `ImportResourceState` | all (`import` command: `node_resource_import.go`; `import` blocks: `node_resource_plan_instance.go` importState) | command fails | no objects → "Import returned no resources"; empty `type_name` → "didn't set type"; null state → "Import returned null resource"; TF ≥ 1.12 by identity: no identity → "didn't return an identity" |
//! | `ReadDataSource` | all | command fails | missing `state` → "Provider produced null object"; unknowns → invalid object |
//! | `MoveResourceState` | TF ≥ 1.8 only with `server_capabilities.move_resource_state` (`refactoring/cross_provider_move.go`: else "Unsupported `moved` across resource types", no call); OpenTofu 1.10 for every cross-type move, ungated (`tofu/node_resource_abstract.go`) | "Unsupported plugin method" | error diagnostics fail the plan; missing `target_state` = null |
//! | `ValidateListResourceConfig`, `ListResource` | TF 1.14 `terraform query`, only for list types in the schema (else "Invalid list resource", no call: `node_resource_validate.go`) | error | event without identity → "missing identity data in ListResource event"; stream end = done |
//! | `GenerateResourceConfig` | TF 1.14 `plan -generate-config-out`, only with `server_capabilities.generate_resource_config` (else Terraform writes config from state itself); v1.14.0 sends no `state` at all (`State: nil`, fixed in v1.14.1) | error | error diagnostics fail the plan; no fallback to Terraform's own generator |
//! | `ValidateActionConfig`, `PlanAction`, `InvokeAction` | TF 1.14 only, for `action` blocks whose type is in `action_schemas` (else "Invalid action type" at validation, no call: `node_action_validate.go`); PlanAction with `deferral_allowed` forced false, InvokeAction during apply with a wholly known config (`node_action_trigger_instance_plan.go`, `…_apply.go`) | error | no diagnostics = valid; InvokeAction: an event without a type panics the client, each progress event is printed, the completed event's errors fail the apply and its warnings are shown; stream end = done |
//! | `GetFunctions` | OpenTofu ≥ 1.7 only when a called provider function is not in the schema | error | the schema's functions (`e164`, `sip_uri`); `tests/protocol/functions.rs` replays `CallFunction` |
//! | `StopProvider` | all, on interrupt (Ctrl-C), then waits for in-flight calls | error logged | empty `Error` = stopped |
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support::plugin;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::support::{API_KEY, Emulator};
use plugin::Plugin;
use serde_json::{Value as Json, json};
use tfplug::proto::plugin as gp;
use tfplug::proto::tfplugin6 as pb;
use tfplug::proto::tfplugin6::provider_client::ProviderClient;
use tfplug::value::Unknown;
use tfplug::{Type, Value, json as tfjson, msgpack};
use tonic::transport::Channel;

const OVP: &str = "telnyx_outbound_voice_profile";
const FQDN_CONN: &str = "telnyx_fqdn_connection";
const IP_CONN: &str = "telnyx_ip_connection";
const FQDN: &str = "telnyx_fqdn";
const CRED_CONN: &str = "telnyx_credential_connection";
const RANGE: &str = "telnyx_access_ip_range";
const CHECK: &str = "telnyx_check_registration";

// ---- the clients ------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    Terraform,
    OpenTofu,
}

/// What a client sends as `client_capabilities`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Caps {
    /// Field absent (Terraform < 1.9, every OpenTofu here).
    Absent,
    /// `deferral_allowed` only (Terraform 1.9 – 1.10).
    Deferral,
    /// `deferral_allowed` + `write_only_attributes_allowed = true` (Terraform ≥ 1.11).
    DeferralWriteOnly,
}

/// How a client handles a `moved` block whose `from` and `to` have different resource types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CrossTypeMove {
    /// Not supported by the client at all (config error before any call).
    Unsupported,
    /// Asks `server_capabilities.move_resource_state` first; without it, refuses, no call.
    IfCapable,
    /// Sends MoveResourceState for every such move.
    Always,
}

#[derive(Debug)]
struct Client {
    name: &'static str,
    family: Family,
    /// `ConfigureProvider.terraform_version`.
    version: &'static str,
    /// Calls GetResourceIdentitySchemas right after GetProviderSchema.
    identity_schemas: bool,
    /// `client_capabilities` in Configure/Read/Plan/Import/ReadDataSource.
    caps: Caps,
    /// `client_capabilities` in ValidateResourceConfig (6.8: `node_resource_validate.go`).
    validate_caps: bool,
    /// go-cty ≥ 1.13: unknowns may arrive refined (msgpack extension 12).
    refined_unknowns: bool,
    /// Has `removed` blocks (Terraform ≥ 1.7, OpenTofu ≥ 1.7).
    removed_blocks: bool,
    cross_type_move: CrossTypeMove,
    /// `import { identity = {…} }` (Terraform ≥ 1.12).
    import_by_identity: bool,
    /// `terraform query` (Terraform ≥ 1.14).
    query: bool,
    /// `action` blocks (Terraform ≥ 1.14; OpenTofu has none).
    actions: bool,
}

use CrossTypeMove::{Always, IfCapable, Unsupported};
use Family::{OpenTofu, Terraform};

/// The differences, one row per client. Columns: family, `terraform_version`, calls
/// GetResourceIdentitySchemas, `client_capabilities`, capabilities in ValidateResourceConfig,
/// refined unknowns, `removed` blocks, cross-type `moved`, import by identity, `query`, actions.
#[rustfmt::skip]
const CLIENTS: &[Client] = &[
    row("Terraform 1.5",  Terraform, "1.5.0",  false, Caps::Absent,            false, false, false, Unsupported, false, false, false),
    row("Terraform 1.8",  Terraform, "1.8.0",  false, Caps::Absent,            false, true,  true,  IfCapable,   false, false, false),
    row("Terraform 1.10", Terraform, "1.10.0", false, Caps::Deferral,          false, true,  true,  IfCapable,   false, false, false),
    row("Terraform 1.12", Terraform, "1.12.0", true,  Caps::DeferralWriteOnly, true,  true,  true,  IfCapable,   true,  false, false),
    row("Terraform 1.14", Terraform, "1.14.0", true,  Caps::DeferralWriteOnly, true,  true,  true,  IfCapable,   true,  true,  true),
    row("OpenTofu 1.6",   OpenTofu,  "1.6.0",  false, Caps::Absent,            false, true,  false, Unsupported, false, false, false),
    row("OpenTofu 1.8",   OpenTofu,  "1.8.0",  false, Caps::Absent,            false, true,  true,  Unsupported, false, false, false),
    row("OpenTofu 1.10",  OpenTofu,  "1.10.0", false, Caps::Absent,            false, true,  true,  Always,      false, false, false),
];

/// One row of [`CLIENTS`], in its column order.
#[allow(clippy::too_many_arguments, clippy::fn_params_excessive_bools)]
const fn row(
    name: &'static str,
    family: Family,
    version: &'static str,
    identity_schemas: bool,
    caps: Caps,
    validate_caps: bool,
    refined_unknowns: bool,
    removed_blocks: bool,
    cross_type_move: CrossTypeMove,
    import_by_identity: bool,
    query: bool,
    actions: bool,
) -> Client {
    Client {
        name,
        family,
        version,
        identity_schemas,
        caps,
        validate_caps,
        refined_unknowns,
        removed_blocks,
        cross_type_move,
        import_by_identity,
        query,
        actions,
    }
}

fn client(name: &str) -> &'static Client {
    CLIENTS.iter().find(|c| c.name == name).unwrap()
}

impl Client {
    /// The capabilities of a released build: `deferral_allowed` is only true with
    /// `-allow-deferral`, which only experimental builds accept (`command/arguments/extended.go`).
    fn capabilities(&self, deferral_allowed: bool) -> Option<pb::ClientCapabilities> {
        match self.caps {
            Caps::Absent => None,
            Caps::Deferral => Some(pb::ClientCapabilities { deferral_allowed, ..Default::default() }),
            Caps::DeferralWriteOnly => {
                Some(pb::ClientCapabilities { deferral_allowed, write_only_attributes_allowed: true, ..Default::default() })
            }
        }
    }
}

// ---- schemas as the client reads them off the wire ---------------------------------------------

const SINGLE: i32 = pb::schema::object::NestingMode::Single as i32;

#[derive(Clone, Debug)]
struct Block {
    ty: Type,
    attrs: BTreeMap<String, Attr>,
}

#[derive(Clone, Debug)]
struct Attr {
    ty: Type,
    optional: bool,
    computed: bool,
    write_only: bool,
    /// `nested_type`: its nesting and the object's attributes.
    nested: Option<(i32, Block)>,
}

/// A schema block as the client decodes it (`convert.ProtoToConfigSchema`), checked as newer
/// clients check it on load (`configschema.InternalValidate`, Terraform ≥ 1.3; errors there
/// make every command fail with "… has invalid schema … a bug in the provider").
fn block(b: &pb::schema::Block, what: &str) -> Block {
    assert!(b.block_types.is_empty(), "{what}: nested blocks are not modelled by this test; extend it");
    attrs_block(&b.attributes, what)
}

fn attrs_block(list: &[pb::schema::Attribute], what: &str) -> Block {
    let mut attrs = BTreeMap::new();
    for a in list {
        let at = format!("{what}.{}", a.name);
        assert!(!a.name.is_empty() && a.name.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_'), "{at}: bad name");
        assert!(a.required || a.optional || a.computed, "{at}: none of required/optional/computed");
        assert!(!(a.required && (a.optional || a.computed)), "{at}: required with optional or computed");
        assert!(a.r#type.is_empty() != a.nested_type.is_none(), "{at}: exactly one of type and nested_type");
        assert!(!(a.write_only && a.computed), "{at}: a write-only attribute cannot be computed");
        let (ty, nested) = match &a.nested_type {
            Some(o) => {
                let inner = attrs_block(&o.attributes, &at);
                let ty = match pb::schema::object::NestingMode::try_from(o.nesting).unwrap() {
                    pb::schema::object::NestingMode::Single => inner.ty.clone(),
                    pb::schema::object::NestingMode::List => Type::list(inner.ty.clone()),
                    pb::schema::object::NestingMode::Set => Type::set(inner.ty.clone()),
                    pb::schema::object::NestingMode::Map => Type::map(inner.ty.clone()),
                    pb::schema::object::NestingMode::Invalid => panic!("{at}: nesting INVALID"),
                };
                (ty, Some((o.nesting, inner)))
            }
            None => (Type::from_json_bytes(&a.r#type).unwrap_or_else(|e| panic!("{at}: type {e:?}")), None),
        };
        attrs.insert(a.name.clone(), Attr { ty, optional: a.optional, computed: a.computed, write_only: a.write_only, nested });
    }
    Block { ty: Type::Object(attrs.iter().map(|(k, a)| (k.clone(), a.ty.clone())).collect()), attrs }
}

#[derive(Clone, Debug)]
struct Identity {
    version: i64,
    ty: Type,
    required_for_import: Vec<String>,
}

#[derive(Clone, Debug)]
struct Schemas {
    provider: Block,
    resources: BTreeMap<String, (i64, Block)>,
    data_sources: BTreeMap<String, Block>,
    identities: BTreeMap<String, Identity>,
    list_resources: BTreeMap<String, pb::Schema>,
    /// Ephemeral resource types (Terraform >= 1.10 opens them; older clients skip field 8).
    ephemeral_resources: BTreeMap<String, pb::Schema>,
    /// Action types (Terraform >= 1.14; older clients and OpenTofu skip field 11).
    actions: BTreeMap<String, Block>,
    caps: pb::ServerCapabilities,
}

impl Schemas {
    fn resource(&self, t: &str) -> &Block {
        &self.resources[t].1
    }
}

// ---- values ---------------------------------------------------------------------------------

fn forget_write_only(b: &mut Block) {
    for a in b.attrs.values_mut() {
        a.write_only = false;
        if let Some((_, inner)) = &mut a.nested {
            forget_write_only(inner);
        }
    }
}

/// An object of `b`'s type with every attribute null but `set`.
fn object(b: &Block, set: &[(&str, Value)]) -> Value {
    let mut v = Value::null_object(&b.ty);
    for (k, x) in set {
        assert!(b.attrs.contains_key(*k), "no attribute {k}");
        v.set(k, x.clone());
    }
    v
}

/// Refined unknowns as go-cty ≥ 1.13 writes them (extension 12, payload a map with integer
/// keys): `"office-${var.x}"` (not null, string prefix "office-") and `var.n` declared with a
/// validation `n >= 1` (not null, lower bound 1 inclusive).
fn refined_prefix(prefix: &str) -> Value {
    let mut p = vec![0x82, 0x01, 0xc2, 0x02, 0xa0 | u8::try_from(prefix.len()).unwrap()];
    p.extend_from_slice(prefix.as_bytes());
    Value::Unknown(Unknown { refinement: Some(p) })
}

fn refined_at_least_1() -> Value {
    Value::Unknown(Unknown { refinement: Some(vec![0x82, 0x01, 0xc2, 0x03, 0x92, 0x01, 0xc3]) })
}

/// A plain unknown (`d4 00 00`), what go-cty < 1.13 writes.
fn unknown() -> Value {
    Value::unknown()
}

/// `cty.UnknownVal(cty.String).RefineNotNull()` as go-cty ≥ 1.13 writes it: extension 12 whose
/// payload is the map {1: false} (key 1 = "is null", false = definitely not null).
fn refined_not_null() -> Value {
    Value::Unknown(Unknown { refinement: Some(vec![0x81, 0x01, 0xc2]) })
}

fn enc(v: &Value, ty: &Type) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue { msgpack: msgpack::encode(v, ty).unwrap(), json: Vec::new() })
}

/// What the client does with a DynamicValue in a response (`decodeDynamicValue`): missing =
/// null, msgpack first, else JSON; a value that does not conform is an error.
fn dec(dv: Option<&pb::DynamicValue>, ty: &Type, what: &str) -> Value {
    match dv {
        None => Value::Null,
        Some(dv) if !dv.msgpack.is_empty() => msgpack::decode(&dv.msgpack, ty).unwrap_or_else(|e| panic!("{what}: does not conform: {e}")),
        Some(dv) if !dv.json.is_empty() => tfjson::decode(&dv.json, ty).unwrap_or_else(|e| panic!("{what}: does not conform: {e}")),
        Some(_) => Value::Null,
    }
}

/// `objchange.ProposedNew` for attribute-only schemas: configured values, and for computed
/// attributes the config leaves null, the prior value.
fn proposed_new(b: &Block, prior: &Value, config: &Value) -> Value {
    if config.is_null() || config.is_unknown() {
        return config.clone();
    }
    let prior = if prior.is_unknown() { &Value::Null } else { prior };
    Value::Object(b.attrs.iter().map(|(n, a)| (n.clone(), proposed_attr(a, prior.get(n), config.get(n)))).collect())
}

fn proposed_attr(a: &Attr, prior: &Value, config: &Value) -> Value {
    if a.computed && config.is_null() {
        return prior.clone();
    }
    match &a.nested {
        Some((SINGLE, inner)) if config.is_known() && !config.is_null() => proposed_new(inner, prior, config),
        _ => config.clone(),
    }
}

/// `objchange.AssertPlanValid` (plan_valid.go, same rules in every client here) for
/// attribute-only schemas.
fn plan_errors(b: &Block, prior: &Value, config: &Value, planned: &Value, path: &str, errs: &mut Vec<String>) {
    if planned.is_null() && !config.is_null() {
        errs.push(format!("{path}: planned for absence but config wants existence"));
        return;
    }
    if !planned.is_null() && config.is_null() {
        errs.push(format!("{path}: planned for existence but config wants absence"));
        return;
    }
    if planned.is_unknown() {
        errs.push(format!("{path}: planned unknown for configured value"));
        return;
    }
    if planned.is_null() {
        return;
    }
    // cty: an attribute of an unknown object is unknown.
    let child = |v: &Value, n: &str| if v.is_unknown() { unknown() } else { v.get(n).clone() };
    for (n, a) in &b.attrs {
        attr_errors(a, &child(prior, n), &child(config, n), planned.get(n), &format!("{path}.{n}"), errs);
    }
}

fn attr_errors(a: &Attr, prior: &Value, config: &Value, planned: &Value, path: &str, errs: &mut Vec<String>) {
    // Terraform ≥ 1.11 (plan_valid.go): null is the only plan for a write-only attribute.
    if a.write_only {
        if !planned.is_null() {
            errs.push(format!("{path}: planned value for write-only attribute is not null"));
        }
        return;
    }
    // go-cty ≥ 1.13 clients compare without refinements (`unrefinedValue`, "Don't consider
    // refinements when validating plans"); go-cty 1.12 (Terraform 1.5) has none to compare.
    let (planned_u, config_u, prior_u) = (unrefined(planned), unrefined(config), unrefined(prior));
    if planned_u == config_u {
        return;
    }
    if planned_u == prior_u && !prior.is_null() && !config.is_null() {
        return;
    }
    if a.computed && !a.optional {
        return;
    }
    if config.is_null() && a.computed {
        return;
    }
    if config.is_null() && !planned.is_null() {
        errs.push(format!("{path}: planned value {planned:?} for a non-computed attribute"));
        return;
    }
    if let Some((SINGLE, inner)) = &a.nested {
        plan_errors(inner, prior, config, planned, path, errs);
        return;
    }
    errs.push(format!("{path}: planned value {planned:?} does not match config value {config:?} nor prior value {prior:?}"));
}

/// The value with every unknown plain (`plan_valid.go` unrefinedValue).
fn unrefined(v: &Value) -> Value {
    match v {
        Value::Unknown(_) => unknown(),
        Value::List(x) => Value::List(x.iter().map(unrefined).collect()),
        Value::Set(x) => Value::Set(x.iter().map(unrefined).collect()),
        Value::Tuple(x) => Value::Tuple(x.iter().map(unrefined).collect()),
        Value::Map(m) => Value::Map(m.iter().map(|(k, x)| (k.clone(), unrefined(x))).collect()),
        Value::Object(m) => Value::Object(m.iter().map(|(k, x)| (k.clone(), unrefined(x))).collect()),
        Value::Dynamic(t, x) => Value::Dynamic(t.clone(), Box::new(unrefined(x))),
        other => other.clone(),
    }
}

/// `objchange.AssertObjectCompatible`: every known planned value comes back identical; an
/// unknown may become anything (but `after_apply` wants no unknowns at all).
fn compat_errors(planned: &Value, actual: &Value, path: &str, errs: &mut Vec<String>) {
    match (planned, actual) {
        (Value::Unknown(_), _) => {}
        (_, Value::Unknown(_)) => errs.push(format!("{path}: was known, but now unknown")),
        (Value::Object(p), Value::Object(a)) | (Value::Map(p), Value::Map(a)) => {
            if p.keys().ne(a.keys()) {
                errs.push(format!("{path}: keys changed: {:?} → {:?}", p.keys().collect::<Vec<_>>(), a.keys().collect::<Vec<_>>()));
                return;
            }
            for (k, pv) in p {
                compat_errors(pv, &a[k], &format!("{path}.{k}"), errs);
            }
        }
        (Value::List(p), Value::List(a)) | (Value::Tuple(p), Value::Tuple(a)) => {
            if p.len() != a.len() {
                errs.push(format!("{path}: length changed from {} to {}", p.len(), a.len()));
                return;
            }
            for (i, (pv, av)) in p.iter().zip(a).enumerate() {
                compat_errors(pv, av, &format!("{path}[{i}]"), errs);
            }
        }
        (Value::Set(_), Value::Set(_)) if !planned.is_wholly_known() => {}
        _ if planned == actual => {}
        _ => errs.push(format!("{path}: was {planned:?}, but now {actual:?}")),
    }
}

/// Terraform ≥ 1.11: a write-only attribute must come back null from read, apply and import
/// ("Provider produced invalid object … returned a value for the write-only attribute").
#[track_caller]
fn assert_write_only_null(b: &Block, v: &Value, rpc: &str) {
    if v.is_null() || v.is_unknown() {
        return;
    }
    for (n, a) in &b.attrs {
        assert!(!a.write_only || v.get(n).is_null(), "{rpc}: returned a value for the write-only attribute {n}");
        if let Some((SINGLE, inner)) = &a.nested {
            assert_write_only_null(inner, v.get(n), rpc);
        }
    }
}

#[track_caller]
fn assert_compatible(planned: &Value, actual: &Value, what: &str) {
    let mut errs = Vec::new();
    compat_errors(planned, actual, "", &mut errs);
    assert!(errs.is_empty(), "{what}: the client rejects this as inconsistent:\n{}", errs.join("\n"));
}

// ---- diagnostics ------------------------------------------------------------------------------

/// Every diagnostic has a severity the clients know (`convert.ProtoToDiagnostics`: INVALID maps
/// to neither error nor warning); returns the errors' summaries.
#[track_caller]
fn errors_of(diags: &[pb::Diagnostic], rpc: &str) -> Vec<String> {
    for d in diags {
        assert!(
            d.severity == pb::diagnostic::Severity::Error as i32 || d.severity == pb::diagnostic::Severity::Warning as i32,
            "{rpc}: diagnostic with severity {} ({d:?})",
            d.severity
        );
        assert!(!d.summary.is_empty(), "{rpc}: diagnostic without a summary");
    }
    diags.iter().filter(|d| d.severity == pb::diagnostic::Severity::Error as i32).map(|d| format!("{}: {}", d.summary, d.detail)).collect()
}

#[track_caller]
fn no_errors(diags: &[pb::Diagnostic], rpc: &str) {
    let errs = errors_of(diags, rpc);
    assert!(errs.is_empty(), "{rpc}: {errs:?}");
}

// ---- what the client keeps in its state file --------------------------------------------------

/// One object in state as Terraform stores it: attributes as JSON (`AttrsJSON`), the schema
/// version, private bytes (base64 in the file), identity as JSON and its version.
#[derive(Clone, Debug)]
struct Stored {
    type_name: String,
    attrs: Json,
    version: i64,
    private: Vec<u8>,
    identity: Option<Json>,
}

// ---- one provider process -----------------------------------------------------------------------

/// One provider process as the client runs it for one graph walk: launched, connected, schema
/// fetched; ended with go-plugin's `GRPCController/Shutdown`.
struct Proc {
    c: &'static Client,
    plugin: Plugin,
    ch: Channel,
    p: ProviderClient<Channel>,
    s: Schemas,
    deferral_allowed: bool,
}

impl Proc {
    async fn start(c: &'static Client) -> Proc {
        Self::start_with(c, false).await
    }

    /// Launch (go-plugin `client.go`: env, handshake), connect (AutoMTLS: the client's own
    /// P-521 certificate, the server's pinned from the handshake), go-plugin's connect-time
    /// calls, then GetProviderSchema (+ GetResourceIdentitySchemas from Terraform 1.12).
    async fn start_with(c: &'static Client, deferral_allowed: bool) -> Proc {
        let (pem, der, key) = plugin::go_plugin_identity();
        // go-plugin lists the protocol versions from a Go map: either order occurs.
        let versions = if c.family == OpenTofu { "6,5" } else { "5,6" };
        let plugin = plugin::launch_with(&pem, &[("PLUGIN_PROTOCOL_VERSIONS", versions)]);
        let ch = plugin::connect(&plugin, Some((&der, &key))).await.expect("mTLS connection as go-plugin makes it");

        // go-plugin's newGRPCClient: the broker stream and the stdio stream; the client lives
        // with Unimplemented/Unavailable from either.
        let stdio = gp::grpc_stdio_client::GrpcStdioClient::new(ch.clone()).stream_stdio(()).await;
        match stdio {
            Err(st) => assert!(matches!(st.code(), tonic::Code::Unimplemented | tonic::Code::Unavailable), "StreamStdio: {st:?}"),
            Ok(mut s) => {
                // A served stream must not carry anything but stdio data; drop it after a peek.
                let peek = tokio::time::timeout(Duration::from_millis(50), s.get_mut().message()).await;
                if let Ok(Err(st)) = peek {
                    assert!(matches!(st.code(), tonic::Code::Unimplemented | tonic::Code::Unavailable | tonic::Code::Cancelled), "{st:?}");
                }
            }
        }
        let broker = gp::grpc_broker_client::GrpcBrokerClient::new(ch.clone()).start_stream(tokio_stream::empty()).await;
        if let Err(st) = broker {
            assert!(matches!(st.code(), tonic::Code::Unimplemented | tonic::Code::Unavailable), "StartStream: {st:?}");
        }

        let mut p = ProviderClient::new(ch.clone()).max_decoding_message_size(64 << 20);
        let resp = p.get_provider_schema(pb::get_provider_schema::Request {}).await.expect("GetProviderSchema").into_inner();
        no_errors(&resp.diagnostics, "GetProviderSchema");
        let provider = block(resp.provider.as_ref().expect("missing provider schema").block.as_ref().unwrap(), "provider");
        assert!(resp.provider_meta.is_none(), "a provider_meta schema makes every client send provider_meta; none expected");
        let caps = resp.server_capabilities.expect("server_capabilities");
        let resources = resp
            .resource_schemas
            .iter()
            .map(|(k, s)| {
                let b = block(s.block.as_ref().unwrap(), k);
                (k.clone(), (s.version, b))
            })
            .collect();
        let data_sources = resp.data_source_schemas.iter().map(|(k, s)| (k.clone(), block(s.block.as_ref().unwrap(), k))).collect();
        let list_resources: BTreeMap<String, pb::Schema> = resp.list_resource_schemas.clone().into_iter().collect();
        let ephemeral_resources: BTreeMap<String, pb::Schema> = resp.ephemeral_resource_schemas.clone().into_iter().collect();
        let actions = if c.actions {
            // `convert.ProtoToActionSchema`: the `schema` of each ActionSchema is the config block's.
            resp.action_schemas
                .iter()
                .map(|(k, a)| {
                    (k.clone(), block(a.schema.as_ref().and_then(|s| s.block.as_ref()).expect("action schema without a block"), k))
                })
                .collect()
        } else {
            BTreeMap::new()
        };

        let mut identities = BTreeMap::new();
        if c.identity_schemas {
            match p.get_resource_identity_schemas(pb::get_resource_identity_schemas::Request {}).await {
                Err(st) => assert_eq!(st.code(), tonic::Code::Unimplemented, "GetResourceIdentitySchemas: only Unimplemented is tolerated"),
                Ok(r) => {
                    let r = r.into_inner();
                    no_errors(&r.diagnostics, "GetResourceIdentitySchemas");
                    for (t, s) in &r.identity_schemas {
                        assert!(resp.resource_schemas.contains_key(t), "identity schema for unknown resource type {t}");
                        let mut attrs = BTreeMap::new();
                        let mut required = Vec::new();
                        for a in &s.identity_attributes {
                            attrs.insert(a.name.clone(), Type::from_json_bytes(&a.r#type).unwrap());
                            if a.required_for_import {
                                required.push(a.name.clone());
                            }
                        }
                        identities
                            .insert(t.clone(), Identity { version: s.version, ty: Type::Object(attrs), required_for_import: required });
                    }
                }
            }
        }
        let mut s = Schemas { provider, resources, data_sources, identities, list_resources, ephemeral_resources, actions, caps };
        if c.caps != Caps::DeferralWriteOnly {
            // Before 6.8 `write_only` (field 11) is unknown to the client: to it these are
            // ordinary attributes, and its plan rules treat them so.
            for (_, b) in s.resources.values_mut() {
                forget_write_only(b);
            }
        }
        Proc { c, plugin, ch, p, s, deferral_allowed }
    }

    fn caps(&self) -> Option<pb::ClientCapabilities> {
        self.c.capabilities(self.deferral_allowed)
    }

    /// A `deferred` answer is only acceptable when the client allowed deferrals (Terraform ≥ 1.9:
    /// "Provider deferred changes when Terraform did not allow deferrals"; older clients and
    /// OpenTofu ignore the field, silently mis-planning).
    #[track_caller]
    fn check_deferred(&self, d: Option<&pb::Deferred>, rpc: &str) {
        if let Some(d) = d {
            assert!(self.deferral_allowed, "{rpc}: deferred ({d:?}) although {} did not allow deferrals", self.c.name);
        }
    }

    fn identity_of(&self, t: &str, d: Option<&pb::ResourceIdentityData>, rpc: &str, must_be_known: bool) -> Option<Json> {
        // Clients before 6.9 do not know the field: proto3 drops it unread.
        if !self.c.identity_schemas {
            return None;
        }
        let data = d.and_then(|d| d.identity_data.as_ref())?;
        let id = self.s.identities.get(t).unwrap_or_else(|| panic!("{rpc}: identity for {t}, which has no identity schema"));
        let v = dec(Some(data), &id.ty, rpc);
        if must_be_known {
            assert!(v.is_wholly_known(), "{rpc}: Provider produced invalid identity (unknown values)");
        }
        Some(tfjson::to_json(&v))
    }

    fn identity_to_pb(&self, t: &str, j: &Option<Json>) -> Option<pb::ResourceIdentityData> {
        let j = j.as_ref()?;
        if !self.c.identity_schemas {
            return None;
        }
        let ty = &self.s.identities[t].ty;
        Some(pb::ResourceIdentityData { identity_data: enc(&tfjson::from_json(j, ty, tfjson::Extra::Drop).unwrap(), ty) })
    }

    async fn validate_provider(&mut self, config: &Value) -> Vec<String> {
        let r = self
            .p
            .validate_provider_config(pb::validate_provider_config::Request { config: enc(config, &self.s.provider.ty) })
            .await
            .expect("ValidateProviderConfig")
            .into_inner();
        errors_of(&r.diagnostics, "ValidateProviderConfig")
    }

    async fn validate_resource(&mut self, t: &str, config: &Value) -> Vec<String> {
        let ty = self.s.resource(t).ty.clone();
        let client_capabilities = if self.c.validate_caps { self.c.capabilities(false) } else { None };
        let r = self
            .p
            .validate_resource_config(pb::validate_resource_config::Request {
                type_name: t.into(),
                config: enc(config, &ty),
                client_capabilities,
            })
            .await
            .expect("ValidateResourceConfig")
            .into_inner();
        errors_of(&r.diagnostics, "ValidateResourceConfig")
    }

    async fn validate_data(&mut self, t: &str, config: &Value) -> Vec<String> {
        let ty = self.s.data_sources[t].ty.clone();
        let r = self
            .p
            .validate_data_resource_config(pb::validate_data_resource_config::Request { type_name: t.into(), config: enc(config, &ty) })
            .await
            .expect("ValidateDataResourceConfig")
            .into_inner();
        errors_of(&r.diagnostics, "ValidateDataResourceConfig")
    }

    async fn configure(&mut self, config: &Value) {
        let r = self
            .p
            .configure_provider(pb::configure_provider::Request {
                terraform_version: self.c.version.into(),
                config: enc(config, &self.s.provider.ty),
                client_capabilities: self.caps(),
            })
            .await
            .expect("ConfigureProvider")
            .into_inner();
        no_errors(&r.diagnostics, "ConfigureProvider");
    }

    /// UpgradeResourceState with the raw JSON from the state file (`upgrade_resource_state.go`).
    async fn upgrade(&mut self, st: &Stored) -> Value {
        let ty = self.s.resource(&st.type_name).ty.clone();
        let r = self
            .p
            .upgrade_resource_state(pb::upgrade_resource_state::Request {
                type_name: st.type_name.clone(),
                version: st.version,
                raw_state: Some(pb::RawState { json: serde_json::to_vec(&st.attrs).unwrap(), flatmap: Default::default() }),
            })
            .await
            .expect("UpgradeResourceState")
            .into_inner();
        no_errors(&r.diagnostics, "UpgradeResourceState");
        let v = dec(r.upgraded_state.as_ref(), &ty, "UpgradeResourceState");
        assert!(!v.is_null(), "UpgradeResourceState: a stored object upgraded to null");
        assert!(v.is_wholly_known(), "UpgradeResourceState: unknown values");
        v
    }

    /// ReadResource (refresh); None = the object is gone.
    async fn read(&mut self, st: &Stored, current: &Value) -> Option<(Value, Stored)> {
        let ty = self.s.resource(&st.type_name).ty.clone();
        let r = self
            .p
            .read_resource(pb::read_resource::Request {
                type_name: st.type_name.clone(),
                current_state: enc(current, &ty),
                private: st.private.clone(),
                provider_meta: None,
                client_capabilities: self.caps(),
                current_identity: self.identity_to_pb(&st.type_name, &st.identity),
            })
            .await
            .expect("ReadResource")
            .into_inner();
        no_errors(&r.diagnostics, "ReadResource");
        self.check_deferred(r.deferred.as_ref(), "ReadResource");
        let v = dec(r.new_state.as_ref(), &ty, "ReadResource");
        if v.is_null() {
            return None;
        }
        assert!(v.is_wholly_known(), "ReadResource: Provider produced invalid object (unknown values during refresh)");
        assert_write_only_null(self.s.resource(&st.type_name), &v, "ReadResource");
        let identity = self.identity_of(&st.type_name, r.new_identity.as_ref(), "ReadResource", true).or(st.identity.clone());
        if let (Some(before), Some(after)) = (&st.identity, &identity) {
            assert_eq!(before, after, "ReadResource: the identity of an existing object changed");
        }
        let stored =
            Stored { type_name: st.type_name.clone(), attrs: tfjson::to_json(&v), version: st.version, private: r.private, identity };
        assert_eq!(stored.private, st.private, "ReadResource: private bytes must survive a refresh");
        Some((v, stored))
    }

    /// PlanResourceChange, checked with AssertPlanValid. `prior` null = create.
    async fn plan(&mut self, t: &str, prior: &Value, prior_private: &[u8], prior_identity: &Option<Json>, config: &Value) -> Planned {
        let b = self.s.resource(t).clone();
        let proposed = proposed_new(&b, prior, config);
        let r = self
            .p
            .plan_resource_change(pb::plan_resource_change::Request {
                type_name: t.into(),
                prior_state: enc(prior, &b.ty),
                proposed_new_state: enc(&proposed, &b.ty),
                config: enc(config, &b.ty),
                prior_private: prior_private.to_vec(),
                provider_meta: None,
                client_capabilities: self.caps(),
                prior_identity: self.identity_to_pb(t, prior_identity),
                ..Default::default()
            })
            .await
            .expect("PlanResourceChange")
            .into_inner();
        no_errors(&r.diagnostics, "PlanResourceChange");
        self.check_deferred(r.deferred.as_ref(), "PlanResourceChange");
        let planned = dec(r.planned_state.as_ref(), &b.ty, "PlanResourceChange");
        let mut errs = Vec::new();
        plan_errors(&b, prior, config, &planned, t, &mut errs);
        assert!(errs.is_empty(), "{}: Provider produced invalid plan:\n{}", self.c.name, errs.join("\n"));
        assert!(!r.legacy_type_system, "legacy_type_system turns the plan checks into warnings: not for a protocol-6 provider");
        // getRequiredReplaces: each path must exist in the prior or the planned value.
        for p in &r.requires_replace {
            let first = p.steps.first().and_then(|s| s.selector.as_ref());
            let Some(pb::attribute_path::step::Selector::AttributeName(n)) = first else { panic!("requires_replace path {p:?}") };
            assert!(b.attrs.contains_key(n), "requires_replace names {n}, which {t} does not have");
        }
        let identity = self.identity_of(t, r.planned_identity.as_ref(), "PlanResourceChange", !prior.is_null());
        if let (Some(before), Some(after)) = (prior_identity, &identity) {
            if r.requires_replace.is_empty() && !planned.is_null() {
                assert_eq!(before, after, "PlanResourceChange: an in-place update changes the identity");
            }
        }
        Planned { state: planned, private: r.planned_private, requires_replace: r.requires_replace.len(), identity }
    }

    /// ApplyResourceChange, checked as `node_resource_abstract_instance.go` apply does.
    async fn apply(&mut self, t: &str, prior: &Value, planned: &Planned, config: &Value) -> Option<Stored> {
        let (version, b) = self.s.resources[t].clone();
        let r = self
            .p
            .apply_resource_change(pb::apply_resource_change::Request {
                type_name: t.into(),
                prior_state: enc(prior, &b.ty),
                planned_state: enc(&planned.state, &b.ty),
                config: enc(config, &b.ty),
                planned_private: planned.private.clone(),
                provider_meta: None,
                planned_identity: self.identity_to_pb(t, &planned.identity),
            })
            .await
            .expect("ApplyResourceChange")
            .into_inner();
        no_errors(&r.diagnostics, "ApplyResourceChange");
        assert!(!r.legacy_type_system);
        let v = dec(r.new_state.as_ref(), &b.ty, "ApplyResourceChange");
        if planned.state.is_null() {
            assert!(v.is_null(), "ApplyResourceChange: a delete must return null");
            return None;
        }
        assert!(!v.is_null(), "ApplyResourceChange: Provider returned invalid result object after apply (null for a create/update)");
        assert!(v.is_wholly_known(), "ApplyResourceChange: unknown values after apply");
        assert_compatible(&planned.state, &v, "Provider produced inconsistent result after apply");
        assert_write_only_null(&b, &v, "ApplyResourceChange");
        let identity = self.identity_of(t, r.new_identity.as_ref(), "ApplyResourceChange", true);
        if self.c.identity_schemas && self.s.identities.contains_key(t) {
            assert!(identity.is_some(), "ApplyResourceChange: {t} declares an identity but returned none");
        }
        Some(Stored { type_name: t.into(), attrs: tfjson::to_json(&v), version, private: r.private, identity })
    }

    /// ImportResourceState, by id or (Terraform ≥ 1.12) by identity.
    async fn import(&mut self, t: &str, id: &str, identity: Option<&Json>) -> Stored {
        self.try_import(t, id, identity).await.unwrap_or_else(|e| panic!("ImportResourceState: {e:?}"))
    }

    /// [`Proc::import`] that returns the error diagnostics instead of failing on them.
    async fn try_import(&mut self, t: &str, id: &str, identity: Option<&Json>) -> Result<Stored, Vec<String>> {
        let (version, b) = self.s.resources[t].clone();
        let identity_pb = identity.and_then(|j| self.identity_to_pb(t, &Some(j.clone())));
        let r = self
            .p
            .import_resource_state(pb::import_resource_state::Request {
                type_name: t.into(),
                id: if identity.is_some() { String::new() } else { id.into() },
                client_capabilities: self.caps(),
                identity: identity_pb,
            })
            .await
            .expect("ImportResourceState")
            .into_inner();
        let errs = errors_of(&r.diagnostics, "ImportResourceState");
        self.check_deferred(r.deferred.as_ref(), "ImportResourceState");
        if !errs.is_empty() {
            return Err(errs);
        }
        assert_eq!(
            r.imported_resources.len(),
            1,
            "ImportResourceState: exactly one object (else \"Import returned no resources\" / \"Multiple import states not supported\")"
        );
        let imported = &r.imported_resources[0];
        assert_eq!(imported.type_name, t, "ImportResourceState: type_name not set or foreign");
        let v = dec(imported.state.as_ref(), &b.ty, "ImportResourceState");
        assert!(!v.is_null(), "Import returned null resource");
        assert!(v.is_wholly_known(), "ImportResourceState: unknown values");
        assert_write_only_null(&b, &v, "ImportResourceState");
        let identity_back = self.identity_of(t, imported.identity.as_ref(), "ImportResourceState", true);
        if identity.is_some() {
            assert!(identity_back.is_some(), "import of {t} didn't return an identity");
        }
        Ok(Stored { type_name: t.into(), attrs: tfjson::to_json(&v), version, private: imported.private.clone(), identity: identity_back })
    }

    async fn read_data(&mut self, t: &str, config: &Value) -> Result<Value, Vec<String>> {
        let ty = self.s.data_sources[t].ty.clone();
        let r = self
            .p
            .read_data_source(pb::read_data_source::Request {
                type_name: t.into(),
                config: enc(config, &ty),
                provider_meta: None,
                client_capabilities: self.caps(),
            })
            .await
            .expect("ReadDataSource")
            .into_inner();
        let errs = errors_of(&r.diagnostics, "ReadDataSource");
        self.check_deferred(r.deferred.as_ref(), "ReadDataSource");
        if !errs.is_empty() {
            return Err(errs);
        }
        let v = dec(r.state.as_ref(), &ty, "ReadDataSource");
        assert!(!v.is_null(), "ReadDataSource: Provider produced null object");
        assert!(v.is_wholly_known(), "ReadDataSource: Provider produced invalid object (unknown values)");
        Ok(v)
    }

    /// go-plugin's `Kill`: GRPCController/Shutdown, then 2 s for the process to exit before SIGKILL.
    async fn shutdown(mut self) {
        gp::grpc_controller_client::GrpcControllerClient::new(self.ch.clone()).shutdown(gp::Empty {}).await.expect("Shutdown");
        let start = Instant::now();
        loop {
            if let Some(st) = self.plugin.child.try_wait().unwrap() {
                assert!(st.success(), "the plugin exited with {st:?}");
                break;
            }
            assert!(start.elapsed() < Duration::from_secs(2), "{}: no exit within 2 s of Shutdown (the client SIGKILLs it)", self.c.name);
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

#[derive(Clone, Debug)]
struct Planned {
    state: Value,
    private: Vec<u8>,
    requires_replace: usize,
    identity: Option<Json>,
}

// ---- the configuration the scenarios use ---------------------------------------------------------

/// What the user wrote, per resource, as values of the schema (null: not set).
struct Config<'a> {
    emu: &'a Emulator,
    tag: String,
}

impl Config<'_> {
    fn provider(&self, s: &Schemas) -> Value {
        object(&s.provider, &[("api_key", Value::string(API_KEY)), ("base_url", Value::string(self.emu.base_url()))])
    }
    /// `base_url = some_resource.x.url`: unknown until apply.
    fn provider_unknown(&self, s: &Schemas, refined: bool) -> Value {
        let u = if refined { refined_not_null() } else { unknown() };
        object(&s.provider, &[("api_key", Value::string(API_KEY)), ("base_url", u)])
    }
    fn profile(&self, s: &Schemas) -> Value {
        object(
            s.resource(OVP),
            &[
                ("name", Value::string(format!("{}-outbound", self.tag))),
                ("concurrent_call_limit", Value::int(10)),
                ("whitelisted_destinations", Value::Set(vec![Value::string("US"), Value::string("CA")])),
            ],
        )
    }
    /// `outbound = { outbound_voice_profile_id = telnyx_outbound_voice_profile.p.id }`.
    fn connection(&self, s: &Schemas, profile_id: Value) -> Value {
        let b = s.resource(FQDN_CONN);
        let (_, outbound) = b.attrs["outbound"].nested.as_ref().unwrap();
        object(
            b,
            &[
                ("connection_name", Value::string(format!("{}-trunk", self.tag))),
                ("outbound", object(outbound, &[("outbound_voice_profile_id", profile_id)])),
            ],
        )
    }
    /// `resource "telnyx_fqdn" "h" { connection_id = telnyx_fqdn_connection.c.id … }`.
    fn host(&self, s: &Schemas, connection_id: Value) -> Value {
        object(
            s.resource(FQDN),
            &[
                ("connection_id", connection_id),
                ("fqdn", Value::string(format!("{}.sip.example.com", self.tag))),
                ("dns_record_type", Value::string("a")),
            ],
        )
    }
    /// `data "telnyx_outbound_voice_profile" "p" { id = ... }`.
    fn profile_data(&self, s: &Schemas, id: Value) -> Value {
        object(&s.data_sources[OVP], &[("id", id)])
    }
}

fn id_of(st: &Stored) -> String {
    st.attrs["id"].as_str().unwrap().to_string()
}

// ---- the walks ----------------------------------------------------------------------------------

/// `terraform plan` / `tofu plan` over existing state: validate walk, UpgradeResourceState for
/// each stored object, ConfigureProvider, ReadResource (refresh), PlanResourceChange. Returns
/// the refreshed objects and their plans.
async fn plan_existing(p: &mut Proc, cfg: &Config<'_>, objects: &[(Stored, Value)]) -> Vec<(Value, Stored, Planned)> {
    let pc = cfg.provider(&p.s);
    assert_eq!(p.validate_provider(&pc).await, Vec::<String>::new());
    for (st, config) in objects {
        assert_eq!(p.validate_resource(&st.type_name, config).await, Vec::<String>::new());
    }
    let mut upgraded = Vec::new();
    for (st, _) in objects {
        upgraded.push(p.upgrade(st).await);
    }
    p.configure(&pc).await;
    let mut out = Vec::new();
    for ((st, config), current) in objects.iter().zip(upgraded) {
        let (refreshed, st2) = p.read(st, &current).await.unwrap_or_else(|| panic!("{} vanished", st.type_name));
        let planned = p.plan(&st.type_name, &refreshed, &st2.private, &st2.identity, config).await;
        out.push((refreshed, st2, planned));
    }
    out
}

/// A reference to an attribute of a resource not created yet, as the client sends it.
fn reference_unknown(c: &Client) -> Value {
    if c.refined_unknowns { refined_not_null() } else { unknown() }
}

/// The objects the scenario keeps, as the client's state holds them, with their configuration.
struct World<'a> {
    c: &'static Client,
    emu: &'a Emulator,
    cfg: &'a Config<'a>,
    profile: Stored,
    profile_cfg: Value,
    conn: Stored,
    conn_cfg: Value,
    host: Stored,
    host_cfg: Value,
}

impl World<'_> {
    fn profile_id(&self) -> String {
        id_of(&self.profile)
    }
}

/// The full lifecycle as `client` runs it: one step per command, in the order a user runs them.
async fn replay(c: &'static Client, emu: &Emulator) {
    let cfg = Config { emu, tag: format!("nc-{}", c.name.to_lowercase().replace([' ', '.'], "-")) };
    validate(c, &cfg).await;
    let mut w = create(c, emu, &cfg).await;
    steady_state(&mut w).await;
    update_in_place(&mut w).await;
    refresh_only(&mut w).await;
    import_command(&w).await;
    import_blocks(&w).await;
    moved(&w).await;
    if c.removed_blocks {
        removed(&w).await;
    }
    replace(c, &cfg).await;
    write_only(c, &cfg).await;
    unknown_provider_configuration(&w).await;
    if c.query {
        query(c, &cfg, &[(OVP, 1), (FQDN_CONN, 1)]).await;
    }
    if c.actions {
        actions(c, &cfg).await;
    }
    parallel_reads(&w).await;
    deleted_behind_terraforms_back(&w).await;
    interrupt(&w).await;
    destroy(&w).await;
}

async fn validate(c: &'static Client, cfg: &Config<'_>) {
    // -- validate (`terraform validate`): references to other resources are unknown in the
    //    validate walk; refined from go-cty 1.13 (Terraform 1.6, OpenTofu 1.6).
    let mut p = Proc::start(c).await;
    let ref_unknown = reference_unknown(c);
    let pc = cfg.provider(&p.s);
    assert_eq!(p.validate_provider(&pc).await, Vec::<String>::new());
    let profile_cfg = cfg.profile(&p.s);
    assert_eq!(p.validate_resource(OVP, &profile_cfg).await, Vec::<String>::new());
    assert_eq!(p.validate_resource(FQDN_CONN, &cfg.connection(&p.s, ref_unknown.clone())).await, Vec::<String>::new());
    assert_eq!(p.validate_resource(FQDN, &cfg.host(&p.s, ref_unknown.clone())).await, Vec::<String>::new());
    assert_eq!(p.validate_data(OVP, &cfg.profile_data(&p.s, ref_unknown.clone())).await, Vec::<String>::new());
    // Provider functions (Terraform ≥ 1.8 reads them from GetProviderSchema; OpenTofu ≥ 1.7
    // calls GetFunctions when a called function is not there): the same two in both.
    if c.family == OpenTofu && c.removed_blocks {
        let f = p.p.get_functions(pb::get_functions::Request {}).await.expect("GetFunctions").into_inner();
        no_errors(&f.diagnostics, "GetFunctions");
        let mut names: Vec<&String> = f.functions.keys().collect();
        names.sort();
        assert_eq!(names, ["e164", "sip_uri"]);
    }
    // An invalid argument is an error diagnostic naming the attribute, at validate time.
    let bad = object(p.s.resource(OVP), &[("name", Value::string("x"))]);
    assert_eq!(p.validate_resource(OVP, &bad).await.len(), 1, "a too-short name is one error");
    // Nothing declared that would make a client call the state store RPCs; the same types in
    // GetMetadata as in the schema (ephemeral resources: Terraform >= 1.10 opens them only for
    // `ephemeral` blocks, which these scenarios do not have; tests/protocol/ephemeral.rs drives
    // them; actions: only Terraform 1.14 reads them, see `actions` below).
    // GetMetadata: called by none of these clients, but it must agree with the schema for the
    // callers that do use it (terraform-plugin-mux style servers, tooling).
    let md = p.p.get_metadata(pb::get_metadata::Request {}).await.expect("GetMetadata").into_inner();
    no_errors(&md.diagnostics, "GetMetadata");
    let mut md_resources: Vec<String> = md.resources.iter().map(|r| r.type_name.clone()).collect();
    md_resources.sort();
    assert_eq!(md_resources, p.s.resources.keys().cloned().collect::<Vec<_>>());
    assert_eq!(md.server_capabilities.as_ref(), Some(&p.s.caps), "GetMetadata and GetProviderSchema declare different capabilities");
    assert!(md.state_stores.is_empty());
    assert_eq!(md.actions.iter().map(|a| a.type_name.as_str()).collect::<Vec<_>>(), [CHECK]);
    let mut md_functions: Vec<&str> = md.functions.iter().map(|f| f.name.as_str()).collect();
    md_functions.sort_unstable();
    assert_eq!(md_functions, ["e164", "sip_uri"], "GetMetadata lists the provider functions");
    let md_ephemeral: Vec<String> = md.ephemeral_resources.iter().map(|e| e.type_name.clone()).collect();
    assert_eq!(md_ephemeral, p.s.ephemeral_resources.keys().cloned().collect::<Vec<_>>(), "GetMetadata and GetProviderSchema disagree");
    let mut md_lists: Vec<String> = md.list_resources.iter().map(|l| l.type_name.clone()).collect();
    md_lists.sort();
    assert_eq!(
        md_lists,
        p.s.list_resources.keys().cloned().collect::<Vec<_>>(),
        "GetMetadata and GetProviderSchema disagree on list resources"
    );
    // What the server declares decides what the client will call later.
    assert!(!p.s.caps.plan_destroy, "plan_destroy: destroys would then be planned by PlanResourceChange");
    assert!(!p.s.caps.get_provider_schema_optional);
    p.shutdown().await;
}

async fn create<'a>(c: &'static Client, emu: &'a Emulator, cfg: &'a Config<'a>) -> World<'a> {
    // -- plan of a new configuration: the connection's profile id is unknown (the profile is
    //    created in the same run).
    let ref_unknown = reference_unknown(c);
    let mut p = Proc::start(c).await;
    let pc = cfg.provider(&p.s);
    let profile_cfg = cfg.profile(&p.s);
    assert_eq!(p.validate_provider(&pc).await, Vec::<String>::new());
    p.configure(&pc).await;
    let profile_plan = p.plan(OVP, &Value::Null, &[], &None, &profile_cfg).await;
    let conn_cfg_unknown = cfg.connection(&p.s, ref_unknown.clone());
    let conn_plan = p.plan(FQDN_CONN, &Value::Null, &[], &None, &conn_cfg_unknown).await;
    let host_plan = p.plan(FQDN, &Value::Null, &[], &None, &cfg.host(&p.s, ref_unknown.clone())).await;
    // Unknowns inside the configuration of the kinds each client writes: a templated name, a
    // bounded number, a set with one unknown element. Planned as configured (AssertPlanValid
    // compares without refinements; this provider hands them back anyway, checked below).
    let (name_u, limit_u) = if c.refined_unknowns { (refined_prefix("office-"), refined_at_least_1()) } else { (unknown(), unknown()) };
    let unknowns = object(
        p.s.resource(OVP),
        &[
            ("name", name_u),
            ("concurrent_call_limit", limit_u),
            ("whitelisted_destinations", Value::Set(vec![Value::string("US"), ref_unknown.clone()])),
        ],
    );
    assert_eq!(p.validate_resource(OVP, &unknowns).await, Vec::<String>::new());
    let planned = p.plan(OVP, &Value::Null, &[], &None, &unknowns).await;
    for n in ["name", "concurrent_call_limit", "whitelisted_destinations"] {
        assert_eq!(planned.state.get(n), unknowns.get(n), "{n}: the configured unknown is not handed back as it came");
    }
    // A whole nested object unknown (`outbound = var.outbound`) and a collection unknown with
    // a length refinement (`tags = var.tags`, a non-empty set: {nullness false, length ≥ 1}).
    let tags_u =
        if c.refined_unknowns { Value::Unknown(Unknown { refinement: Some(vec![0x82, 0x01, 0xc2, 0x05, 0x01]) }) } else { unknown() };
    let mut conn_u = cfg.connection(&p.s, Value::Null);
    conn_u.set("outbound", unknown());
    conn_u.set("tags", tags_u);
    assert_eq!(p.validate_resource(FQDN_CONN, &conn_u).await, Vec::<String>::new());
    p.plan(FQDN_CONN, &Value::Null, &[], &None, &conn_u).await;
    p.shutdown().await;

    // -- apply: a new process re-plans with the final configuration and must agree with the
    //    saved plan ("Provider produced inconsistent final plan"), then applies.
    let mut p = Proc::start(c).await;
    assert_eq!(p.validate_provider(&pc).await, Vec::<String>::new());
    p.configure(&pc).await;
    let final_profile = p.plan(OVP, &Value::Null, &[], &None, &profile_cfg).await;
    assert_compatible(&profile_plan.state, &final_profile.state, "Provider produced inconsistent final plan");
    let profile = p.apply(OVP, &Value::Null, &final_profile, &profile_cfg).await.unwrap();
    let profile_id = id_of(&profile);
    let conn_cfg = cfg.connection(&p.s, Value::string(&profile_id));
    let final_conn = p.plan(FQDN_CONN, &Value::Null, &[], &None, &conn_cfg).await;
    assert_compatible(&conn_plan.state, &final_conn.state, "Provider produced inconsistent final plan");
    let conn = p.apply(FQDN_CONN, &Value::Null, &final_conn, &conn_cfg).await.unwrap();
    let host_cfg = cfg.host(&p.s, Value::string(id_of(&conn)));
    let final_host = p.plan(FQDN, &Value::Null, &[], &None, &host_cfg).await;
    assert_compatible(&host_plan.state, &final_host.state, "Provider produced inconsistent final plan");
    let host = p.apply(FQDN, &Value::Null, &final_host, &host_cfg).await.unwrap();
    p.shutdown().await;
    assert_eq!(blocking(|| emu.objects("outbound_voice_profiles")).len(), 1);
    World { c, emu, cfg, profile, profile_cfg, conn, conn_cfg, host, host_cfg }
}

async fn steady_state(w: &mut World<'_>) {
    // Private bytes in state (say, written by an earlier release): they must travel
    // ReadResource → PlanResourceChange → ApplyResourceChange and back into state.
    w.profile.private = br#"{"schema_version":"0"}"#.to_vec();
    let (c, cfg, profile, profile_cfg) = (w.c, w.cfg, &w.profile, &w.profile_cfg);
    let profile_id = w.profile_id();

    // -- plan again: nothing to do (UpgradeResourceState from the stored JSON, ReadResource with
    //    the stored private bytes, PlanResourceChange with them as prior_private) and a data
    //    source read with a known configuration.
    let mut p = Proc::start(c).await;
    let objects = vec![(profile.clone(), profile_cfg.clone()), (w.conn.clone(), w.conn_cfg.clone()), (w.host.clone(), w.host_cfg.clone())];
    let plans = plan_existing(&mut p, cfg, &objects).await;
    for (refreshed, st, planned) in &plans {
        assert_eq!(&planned.state, refreshed, "{}: {} plans a change right after apply", c.name, st.type_name);
        assert_eq!(planned.private, st.private, "planned_private must carry prior_private");
    }
    let data = p.read_data(OVP, &cfg.profile_data(&p.s, Value::string(&profile_id))).await.expect("data source read");
    // State written before identities (an older client or provider release): the first read
    // by a client that has them supplies the identity.
    if c.identity_schemas && p.s.identities.contains_key(OVP) {
        let without = Stored { identity: None, ..profile.clone() };
        let current = p.upgrade(&without).await;
        let (_, read) = p.read(&without, &current).await.unwrap();
        assert_eq!(read.identity, profile.identity, "ReadResource: no identity for an object stored without one");
    }
    assert_eq!(data.get("name"), profile_cfg.get("name"));
    p.shutdown().await;
}

async fn update_in_place(w: &mut World<'_>) {
    // -- an update in place: the new limit is planned known and comes back as planned.
    let (c, cfg, profile, profile_cfg) = (w.c, w.cfg, &w.profile, &w.profile_cfg);
    let mut p = Proc::start(c).await;
    let mut profile_cfg2 = profile_cfg.clone();
    profile_cfg2.set("concurrent_call_limit", Value::int(20));
    let plans = plan_existing(&mut p, cfg, &[(profile.clone(), profile_cfg2.clone())]).await;
    let (refreshed, st, planned) = &plans[0];
    assert_eq!(planned.requires_replace, 0, "a limit change is an update in place");
    assert_eq!(planned.private, profile.private, "prior_private → planned_private");
    let profile = p.apply(OVP, refreshed, planned, &profile_cfg2).await.unwrap();
    assert_eq!(profile.attrs["concurrent_call_limit"], json!(20));
    assert_eq!(profile.private, br#"{"schema_version":"0"}"#.to_vec(), "planned_private → private after apply");
    assert_eq!(id_of(&profile), id_of(st));
    p.shutdown().await;
    w.profile = profile;
    w.profile_cfg = profile_cfg2;
}

async fn refresh_only(w: &mut World<'_>) {
    // -- refresh-only (`plan -refresh-only` / `apply -refresh-only`): ReadResource only, no
    //    PlanResourceChange; a change made outside Terraform is picked up, nothing is planned.
    let (c, emu, cfg, profile, profile_cfg) = (w.c, w.emu, w.cfg, &w.profile, &w.profile_cfg);
    let profile_id = w.profile_id();
    let drift = json!({"name": profile.attrs["name"], "concurrent_call_limit": 30});
    let (status, body) = blocking(|| emu.api(reqwest::Method::PATCH, &format!("/outbound_voice_profiles/{profile_id}"), Some(drift)));
    assert_eq!(status, 200, "{body}");
    let mut p = Proc::start(c).await;
    let current = p.upgrade(profile).await;
    p.configure(&cfg.provider(&p.s)).await;
    let (drifted, profile_refreshed) = p.read(profile, &current).await.unwrap();
    assert_eq!(drifted.get("concurrent_call_limit").as_i64(), Some(30), "refresh sees the drift");
    p.shutdown().await;
    // The next normal plan puts the configured value back, as an update.
    let mut p = Proc::start(c).await;
    let plans = plan_existing(&mut p, cfg, &[(profile_refreshed.clone(), profile_cfg.clone())]).await;
    assert_eq!(plans[0].2.state.get("concurrent_call_limit").as_i64(), Some(20));
    let profile = p.apply(OVP, &plans[0].0, &plans[0].2, profile_cfg).await.unwrap();
    p.shutdown().await;
    w.profile = profile;
}

async fn import_command(w: &World<'_>) {
    // -- `terraform import` (command; legacy import mode, `node_resource_plan.go` →
    //    `node_resource_import.go` graphNodeImportState): validate, configure,
    //    ImportResourceState, then graphNodeImportStateSub's ReadResource; then a plan against
    //    the configuration is empty.
    let (c, cfg, profile_cfg) = (w.c, w.cfg, &w.profile_cfg);
    let mut p = Proc::start(c).await;
    let pc = cfg.provider(&p.s);
    assert_eq!(p.validate_provider(&pc).await, Vec::<String>::new());
    p.configure(&pc).await;
    let imported = p.import(OVP, &w.profile_id(), None).await;
    let current = tfjson::from_json(&imported.attrs, &p.s.resource(OVP).ty, tfjson::Extra::Drop).unwrap();
    let (_, imported) = p.read(&imported, &current).await.expect("Cannot import non-existent remote object");
    p.shutdown().await;
    let mut p = Proc::start(c).await;
    let plans = plan_existing(&mut p, cfg, &[(imported.clone(), profile_cfg.clone())]).await;
    assert_eq!(plans[0].2.state, plans[0].0, "{}: plan after import is not empty", c.name);
    p.shutdown().await;
}

async fn import_blocks(w: &World<'_>) {
    // -- `import` blocks (Terraform ≥ 1.5, OpenTofu ≥ 1.5): in the plan walk,
    //    ImportResourceState → ReadResource → PlanResourceChange with the imported object as
    //    prior (`node_resource_plan_instance.go` importState). No changes: apply writes state
    //    without calling ApplyResourceChange.
    let (c, cfg, conn, conn_cfg) = (w.c, w.cfg, &w.conn, &w.conn_cfg);
    let mut p = Proc::start(c).await;
    let pc = cfg.provider(&p.s);
    assert_eq!(p.validate_provider(&pc).await, Vec::<String>::new());
    assert_eq!(p.validate_resource(FQDN_CONN, conn_cfg).await, Vec::<String>::new());
    p.configure(&pc).await;
    let by_id = p.import(FQDN_CONN, &id_of(conn), None).await;
    let b = p.s.resource(FQDN_CONN).clone();
    let current = tfjson::from_json(&by_id.attrs, &b.ty, tfjson::Extra::Drop).unwrap();
    let (refreshed, by_id) = p.read(&by_id, &current).await.expect("Cannot import non-existent remote object");
    let planned = p.plan(FQDN_CONN, &refreshed, &by_id.private, &by_id.identity, conn_cfg).await;
    assert_eq!(planned.state, refreshed, "{}: an import block plans a change", c.name);
    // `plan -generate-config-out` (Terraform 1.14, `node_resource_plan_instance.go`): only with
    // `server_capabilities.generate_resource_config`; else Terraform writes config from state
    // itself (genconfig.ExtractLegacyConfigFromState) and calls nothing.
    if c.query && p.s.caps.generate_resource_config {
        // v1.14.0 sends the request without `state` (grpc_provider.go: `State: nil`; fixed in
        // v1.14.1): answer with an error diagnostic or a conforming config, never a crash.
        let r =
            p.p.generate_resource_config(pb::generate_resource_config::Request { type_name: FQDN_CONN.into(), state: None })
                .await
                .expect("GenerateResourceConfig")
                .into_inner();
        if errors_of(&r.diagnostics, "GenerateResourceConfig").is_empty() {
            dec(r.config.as_ref(), &b.ty, "GenerateResourceConfig without state");
        }
        // v1.14.1+: with the imported state; the generated config must plan cleanly.
        let r = p
            .p
            .generate_resource_config(pb::generate_resource_config::Request { type_name: FQDN_CONN.into(), state: enc(&refreshed, &b.ty) })
            .await
            .expect("GenerateResourceConfig")
            .into_inner();
        no_errors(&r.diagnostics, "GenerateResourceConfig");
        let generated = dec(r.config.as_ref(), &b.ty, "GenerateResourceConfig");
        assert!(generated.is_wholly_known() && !generated.is_null());
        for (n, a) in &b.attrs {
            if a.computed && !a.optional {
                assert!(generated.get(n).is_null(), "generated config sets the computed-only {n}");
            }
        }
        assert_eq!(p.validate_resource(FQDN_CONN, &generated).await, Vec::<String>::new());
        let replanned = p.plan(FQDN_CONN, &refreshed, &by_id.private, &by_id.identity, &generated).await;
        assert_eq!(replanned.state, refreshed, "the generated configuration plans a change");
    }
    // Terraform ≥ 1.12: `import { to = …, identity = {…} }` when the type declares an identity.
    if c.import_by_identity {
        if let Some(idn) = p.s.identities.get(FQDN_CONN).cloned() {
            let identity = by_id.identity.clone().expect("an object of a type with an identity has one in state");
            for k in &idn.required_for_import {
                assert!(!identity[k].is_null(), "identity attribute {k} is required for import");
            }
            let by_identity = p.import(FQDN_CONN, "", Some(&identity)).await;
            assert_eq!(by_identity.attrs["id"], by_id.attrs["id"]);
            assert_eq!(by_identity.identity.as_ref(), Some(&identity));
            let _ = idn.version;
        }
    }
    p.shutdown().await;
}

async fn moved(w: &World<'_>) {
    // -- `moved { from = telnyx_fqdn_connection.a, to = telnyx_fqdn_connection.b }`: the state
    //    is renamed by the client; the provider sees a normal plan of the same object.
    let (c, cfg, conn) = (w.c, w.cfg, &w.conn);
    let mut p = Proc::start(c).await;
    let plans = plan_existing(&mut p, cfg, &[(conn.clone(), w.conn_cfg.clone())]).await;
    assert_eq!(plans[0].2.state, plans[0].0, "{}: a moved object plans a change", c.name);
    // Across types (telnyx_fqdn_connection → telnyx_ip_connection): Terraform asks
    // `server_capabilities.move_resource_state` (declared), OpenTofu 1.10 calls it ungated. The
    // provider refuses, naming both types: an error diagnostic fails the plan with that message.
    if !matches!(c.cross_type_move, CrossTypeMove::Unsupported) {
        assert!(p.s.caps.move_resource_state, "{}: the capability is declared", c.name);
        let mv = |source_provider_address: &str, target: &str, attrs: &Json| pb::move_resource_state::Request {
            source_provider_address: source_provider_address.into(),
            source_type_name: FQDN_CONN.into(),
            source_schema_version: conn.version,
            source_state: Some(pb::RawState { json: serde_json::to_vec(attrs).unwrap(), flatmap: Default::default() }),
            target_type_name: target.into(),
            source_private: conn.private.clone(),
            ..Default::default()
        };
        let r = p.p.move_resource_state(mv("registry.opentofu.org/telnyx/telnyx", IP_CONN, &conn.attrs)).await.expect("MoveResourceState");
        let r = r.into_inner();
        assert!(r.target_state.is_none(), "{}: a refused move with a state", c.name);
        assert!(r.diagnostics.iter().any(|d| d.summary == "Move not supported" && d.detail.contains(IP_CONN)), "{:?}", r.diagnostics);
        // The same type from a community provider (a `moved` block renaming the resource while
        // switching providers): read like an import — the id kept, the rest for the refresh.
        let mut theirs = conn.attrs.clone();
        theirs["username"] = json!("pbxtrunk01");
        theirs["created_at"] = json!("2025-09-24 14:03:11.123456 +0000 UTC");
        let r = p.p.move_resource_state(mv("registry.terraform.io/petsinc/telnyx", FQDN_CONN, &theirs)).await.expect("MoveResourceState");
        let r = r.into_inner();
        assert!(errors_of(&r.diagnostics, "MoveResourceState").is_empty(), "{:?}", r.diagnostics);
        let ty = p.s.resource(FQDN_CONN).ty.clone();
        let v = dec(r.target_state.as_ref(), &ty, "MoveResourceState");
        assert_eq!(v.get("id"), &Value::string(conn.attrs["id"].as_str().unwrap()), "{}: the id is kept", c.name);
        assert!(v.get("connection_name").is_null(), "{}: the rest comes from the refresh", c.name);
        assert!(r.target_identity.is_some(), "{}: the identity of the moved object", c.name);
    }
    p.shutdown().await;
}

async fn removed(w: &World<'_>) {
    // -- `removed { from = telnyx_outbound_voice_profile.p  lifecycle { destroy = false } }`
    //    (Terraform ≥ 1.7, OpenTofu ≥ 1.7): refreshed, then forgotten: no PlanResourceChange, no
    //    ApplyResourceChange, and the object stays at Telnyx.
    let (c, emu, cfg, profile) = (w.c, w.emu, w.cfg, &w.profile);
    let mut p = Proc::start(c).await;
    let current = p.upgrade(profile).await;
    p.configure(&cfg.provider(&p.s)).await;
    assert!(p.read(profile, &current).await.is_some());
    p.shutdown().await;
    assert_eq!(blocking(|| emu.objects("outbound_voice_profiles")).len(), 1, "forgetting must not delete");
}

async fn unknown_provider_configuration(w: &World<'_>) {
    // -- plan with an unknown provider configuration (`base_url` from a resource not created
    //    yet): ConfigureProvider with unknown values; reads keep the state, plans still work,
    //    data sources say why they cannot read. No deferral unless allowed.
    let (c, cfg, profile, profile_cfg) = (w.c, w.cfg, &w.profile, &w.profile_cfg);
    for deferral_allowed in [false, true] {
        if deferral_allowed && c.caps == Caps::Absent {
            continue; // only Terraform ≥ 1.9 experimental builds (`-allow-deferral`) allow it
        }
        let mut p = Proc::start_with(c, deferral_allowed).await;
        let upc = cfg.provider_unknown(&p.s, c.refined_unknowns);
        assert_eq!(p.validate_provider(&upc).await, Vec::<String>::new());
        let current = p.upgrade(profile).await;
        p.configure(&upc).await;
        let (refreshed, st) = p.read(profile, &current).await.expect("state kept while the configuration is unknown");
        assert_eq!(refreshed, current, "no read happened, the state stays");
        let planned = p.plan(OVP, &refreshed, &st.private, &st.identity, profile_cfg).await;
        assert_eq!(planned.state, refreshed);
        let new_one = object(p.s.resource(OVP), &[("name", Value::string(format!("{}-second", cfg.tag)))]);
        p.plan(OVP, &Value::Null, &[], &None, &new_one).await;
        let data = p.read_data(OVP, &cfg.profile_data(&p.s, Value::string(w.profile_id()))).await;
        assert!(data.is_err(), "a data source read with an unknown provider configuration must not use defaults");
        p.shutdown().await;
    }
}

async fn parallel_reads(w: &World<'_>) {
    // -- the graph walk runs up to 10 calls at once (`-parallelism`), on one connection.
    let (c, cfg, profile) = (w.c, w.cfg, &w.profile);
    let mut p = Proc::start(c).await;
    let current = p.upgrade(profile).await;
    p.configure(&cfg.provider(&p.s)).await;
    let ty = p.s.resource(OVP).ty.clone();
    let reads: Vec<_> = (0..10)
        .map(|_| {
            let mut client = p.p.clone();
            let req = pb::read_resource::Request {
                type_name: OVP.into(),
                current_state: enc(&current, &ty),
                private: profile.private.clone(),
                client_capabilities: p.caps(),
                ..Default::default()
            };
            tokio::spawn(async move { client.read_resource(req).await })
        })
        .collect();
    for r in reads {
        let r = r.await.unwrap().expect("ReadResource").into_inner();
        no_errors(&r.diagnostics, "ReadResource");
        assert_eq!(dec(r.new_state.as_ref(), &ty, "ReadResource"), current, "parallel reads disagree");
    }
    p.shutdown().await;
}

async fn deleted_behind_terraforms_back(w: &World<'_>) {
    // -- deleted behind Terraform's back: ReadResource answers null (Terraform plans a
    //    create); importing an id that does not exist is refused, either by ImportResourceState
    //    or by the ReadResource after it ("Cannot import non-existent remote object").
    let (c, emu, cfg, host, host_cfg) = (w.c, w.emu, w.cfg, &w.host, &w.host_cfg);
    let mut p = Proc::start(c).await;
    p.configure(&cfg.provider(&p.s)).await;
    let (status, body) = blocking(|| emu.api(reqwest::Method::DELETE, &format!("/fqdns/{}", id_of(host)), None));
    assert!(status == 200 || status == 204, "{status} {body}");
    let host_current = p.upgrade(host).await;
    assert!(p.read(host, &host_current).await.is_none(), "a deleted object must read as null");
    let recreate = p.plan(FQDN, &Value::Null, &[], &None, host_cfg).await;
    assert!(!recreate.state.is_null());
    match p.try_import(FQDN, &id_of(host), None).await {
        Err(errs) => assert!(!errs.is_empty()),
        Ok(st) => {
            let v = tfjson::from_json(&st.attrs, &p.s.resource(FQDN).ty, tfjson::Extra::Drop).unwrap();
            assert!(p.read(&st, &v).await.is_none(), "an import of a missing object must not read back as existing");
        }
    }
    p.shutdown().await;
}

async fn interrupt(w: &World<'_>) {
    // -- Ctrl-C during an apply: the client calls StopProvider on every provider
    //    (`terraform/context.go` Stop) and waits for in-flight calls. A create stuck in backoff
    //    (Telnyx answering 429 with Retry-After: 60) ends promptly, with an error and no object.
    let (c, emu, cfg) = (w.c, w.emu, w.cfg);
    blocking(|| emu.fault(&json!({"kind": "rate_limit", "count": 10, "method": "POST", "retry_after": "60"})));
    let mut p = Proc::start(c).await;
    p.configure(&cfg.provider(&p.s)).await;
    let extra_cfg = object(p.s.resource(OVP), &[("name", Value::string(format!("{}-interrupted", cfg.tag)))]);
    let extra = p.plan(OVP, &Value::Null, &[], &None, &extra_cfg).await;
    let ty = p.s.resource(OVP).ty.clone();
    let mut inflight = p.p.clone();
    let req = pb::apply_resource_change::Request {
        type_name: OVP.into(),
        prior_state: enc(&Value::Null, &ty),
        planned_state: enc(&extra.state, &ty),
        config: enc(&extra_cfg, &ty),
        planned_private: extra.private.clone(),
        ..Default::default()
    };
    let refused = |log: &[Json]| log.iter().filter(|e| e["method"] == "POST" && e["status"] == 429).count();
    let refused_before = blocking(|| refused(&emu.request_log()));
    let started = Instant::now();
    let apply = tokio::spawn(async move { inflight.apply_resource_change(req).await });
    blocking(|| emu.wait_for_log("the create's 429", |log| refused(log) > refused_before));
    assert!(!apply.is_finished(), "the create should still be waiting out Retry-After");
    let stop = tokio::time::timeout(Duration::from_secs(2), p.p.stop_provider(pb::stop_provider::Request {})).await;
    let stop = stop.expect("StopProvider waited for the in-flight apply").expect("StopProvider").into_inner();
    assert_eq!(stop.error, "", "StopProvider: a non-empty Error is logged as a failure to stop");
    let r = tokio::time::timeout(Duration::from_secs(10), apply)
        .await
        .expect("the in-flight apply ignored StopProvider")
        .unwrap()
        .unwrap()
        .into_inner();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(!errors_of(&r.diagnostics, "ApplyResourceChange").is_empty(), "an interrupted create reports an error");
    assert!(dec(r.new_state.as_ref(), &ty, "interrupted apply").is_null(), "nothing was created, so no state");
    p.shutdown().await;
    blocking(|| emu.clear_faults());
    assert_eq!(blocking(|| emu.objects("outbound_voice_profiles")).len(), 1, "the interrupted create left an object");
}

async fn destroy(w: &World<'_>) {
    // A client with `plan_destroy` would send PlanResourceChange with a null proposed state
    // (grpc_provider.go: only then); none does for this provider, but the answer is still null.
    let (c, emu, cfg, profile, conn, host) = (w.c, w.emu, w.cfg, &w.profile, &w.conn, &w.host);
    let mut p = Proc::start(c).await;
    p.configure(&cfg.provider(&p.s)).await;
    let current = p.upgrade(profile).await;
    let planned = p.plan(OVP, &current, &profile.private, &profile.identity, &Value::Null).await;
    assert!(planned.state.is_null(), "a destroy plans null");
    p.shutdown().await;

    // -- `destroy -refresh=false` of an object deleted behind Terraform's back: the delete
    //    succeeds (Telnyx's 404 means done).
    let mut p = Proc::start(c).await;
    p.configure(&cfg.provider(&p.s)).await;
    let gone = tfjson::from_json(&host.attrs, &p.s.resource(FQDN).ty, tfjson::Extra::Drop).unwrap();
    let delete = Planned { state: Value::Null, private: host.private.clone(), requires_replace: 0, identity: None };
    assert!(p.apply(FQDN, &gone, &delete, &Value::Null).await.is_none());
    p.shutdown().await;

    // -- destroy: `terraform destroy` refreshes (ReadResource), plans without calling the
    //    provider (plan_destroy false: grpc_provider.go PlanResourceChange answers null itself),
    //    then applies with planned_state null and the stored private bytes, dependents first.
    let mut p = Proc::start(c).await;
    let pc = cfg.provider(&p.s);
    let conn_current = p.upgrade(conn).await;
    let profile_current = p.upgrade(profile).await;
    p.configure(&pc).await;
    let (conn_now, conn) = p.read(conn, &conn_current).await.unwrap();
    let (profile_now, profile) = p.read(profile, &profile_current).await.unwrap();
    p.shutdown().await;
    let mut p = Proc::start(c).await;
    p.configure(&cfg.provider(&p.s)).await;
    for (t, now, st) in [(FQDN_CONN, &conn_now, &conn), (OVP, &profile_now, &profile)] {
        // A delete's change has a null AfterIdentity: no planned_identity is sent.
        let delete = Planned { state: Value::Null, private: st.private.clone(), requires_replace: 0, identity: None };
        assert!(p.apply(t, now, &delete, &Value::Null).await.is_none());
    }
    p.shutdown().await;
    assert_eq!(blocking(|| emu.object_count()), 0, "{}: destroy left objects behind", c.name);
}

/// `description` of an access IP range cannot be updated: the plan walk gets requires_replace
/// from PlanResourceChange and, for a replace, plans again from a null prior
/// (`node_resource_abstract_instance.go` plan: "a _new_ object that is built from a null prior
/// object"); the apply walk deletes (planned_state null), re-plans the create, and creates.
async fn replace(c: &'static Client, cfg: &Config<'_>) {
    let mut p = Proc::start(c).await;
    p.configure(&cfg.provider(&p.s)).await;
    let b = p.s.resource(RANGE).clone();
    let v1 = object(&b, &[("cidr_block", Value::string("203.0.113.0/24")), ("description", Value::string(format!("{} one", cfg.tag)))]);
    let planned = p.plan(RANGE, &Value::Null, &[], &None, &v1).await;
    let first = p.apply(RANGE, &Value::Null, &planned, &v1).await.unwrap();
    p.shutdown().await;

    let mut v2 = v1.clone();
    v2.set("description", Value::string(format!("{} two", cfg.tag)));
    let mut p = Proc::start(c).await;
    let plans = plan_existing(&mut p, cfg, &[(first.clone(), v2.clone())]).await;
    let (prior, st, update) = &plans[0];
    assert!(update.requires_replace > 0, "{}: a description change must replace the range", c.name);
    let create = p.plan(RANGE, &Value::Null, &[], &None, &v2).await;
    p.shutdown().await;

    let mut p = Proc::start(c).await;
    p.configure(&cfg.provider(&p.s)).await;
    let delete = Planned { state: Value::Null, private: st.private.clone(), requires_replace: 0, identity: None };
    assert!(p.apply(RANGE, prior, &delete, &Value::Null).await.is_none());
    let final_create = p.plan(RANGE, &Value::Null, &[], &None, &v2).await;
    assert_compatible(&create.state, &final_create.state, "Provider produced inconsistent final plan");
    let second = p.apply(RANGE, &Value::Null, &final_create, &v2).await.unwrap();
    assert_ne!(second.attrs["id"], first.attrs["id"], "a replacement is a new object");
    let delete = Planned { state: Value::Null, private: second.private.clone(), requires_replace: 0, identity: None };
    let now = tfjson::from_json(&second.attrs, &b.ty, tfjson::Extra::Drop).unwrap();
    assert!(p.apply(RANGE, &now, &delete, &Value::Null).await.is_none());
    p.shutdown().await;
}

/// Write-only arguments (Terraform ≥ 1.11, when the provider declares any): clients that know
/// them send `write_only_attributes_allowed` and need them null in every plan, apply result and
/// read; older clients see an ordinary attribute, so the provider must refuse it at validation
/// (their plan rules would reject the null plan, or the secret would be stored).
async fn write_only(c: &'static Client, cfg: &Config<'_>) {
    let mut p = Proc::start(c).await;
    let wire_write_only: Vec<String> = {
        let r = p.p.get_provider_schema(pb::get_provider_schema::Request {}).await.expect("GetProviderSchema").into_inner();
        r.resource_schemas
            .get(CRED_CONN)
            .map(|s| s.block.as_ref().unwrap().attributes.iter().filter(|a| a.write_only).map(|a| a.name.clone()).collect())
            .unwrap_or_default()
    };
    if wire_write_only.is_empty() {
        p.shutdown().await;
        return;
    }
    let b = p.s.resource(CRED_CONN).clone();
    let secret = Value::string("Wr1te-0nly-Secret");
    let mut set = vec![("connection_name", Value::string(format!("{}-cred", cfg.tag))), ("user_name", Value::string("ncuser14"))];
    for n in &wire_write_only {
        set.push((n.as_str(), secret.clone()));
    }
    // The `<name>_version` companions that trigger a resend (HashiCorp's convention).
    let versions: Vec<String> = wire_write_only.iter().map(|n| format!("{n}_version")).filter(|v| b.attrs.contains_key(v)).collect();
    for v in &versions {
        set.push((v.as_str(), Value::int(1)));
    }
    let config = object(&b, &set);
    let pc = cfg.provider(&p.s);
    p.configure(&pc).await;
    let errs = p.validate_resource(CRED_CONN, &config).await;
    if c.caps != Caps::DeferralWriteOnly {
        assert!(!errs.is_empty(), "{}: a write-only argument accepted from a client that does not know write-only attributes", c.name);
        p.shutdown().await;
        return;
    }
    assert_eq!(errs, Vec::<String>::new());
    let planned = p.plan(CRED_CONN, &Value::Null, &[], &None, &config).await;
    for n in &wire_write_only {
        assert!(planned.state.get(n).is_null(), "{n} planned non-null");
    }
    let st = p.apply(CRED_CONN, &Value::Null, &planned, &config).await.unwrap();
    for n in &wire_write_only {
        assert!(st.attrs[n].is_null(), "{n} stored in state after apply");
    }
    p.shutdown().await;
    // The next plan: nothing to do, and still nothing of the secret in state.
    let mut p = Proc::start(c).await;
    let plans = plan_existing(&mut p, cfg, &[(st.clone(), config.clone())]).await;
    let (refreshed, st, planned) = &plans[0];
    assert_eq!(&planned.state, refreshed, "{}: a write-only argument plans a change on every run", c.name);
    // Destroyed again, so that the scenario's later steps see the objects they expect.
    let delete = Planned { state: Value::Null, private: st.private.clone(), requires_replace: 0, identity: None };
    assert!(p.apply(CRED_CONN, refreshed, &delete, &Value::Null).await.is_none());
    p.shutdown().await;
}

/// `terraform query` (1.14: `node_resource_plan_instance_query.go`): for each `list` block,
/// ValidateListResourceConfig then ListResource, only for list types the schema declares (else
/// "Invalid list resource" at validation, no call). The client needs the managed type's
/// identity schema for every list type ("Identity schema not found … a bug in the provider").
async fn query(c: &'static Client, cfg: &Config<'_>, expected: &[(&str, usize)]) {
    let mut p = Proc::start(c).await;
    let md = p.p.get_metadata(pb::get_metadata::Request {}).await.expect("GetMetadata").into_inner();
    no_errors(&md.diagnostics, "GetMetadata");
    let mut listed: Vec<String> = md.list_resources.iter().map(|l| l.type_name.clone()).collect();
    listed.sort();
    assert_eq!(
        listed,
        p.s.list_resources.keys().cloned().collect::<Vec<_>>(),
        "GetMetadata and GetProviderSchema disagree on list resources"
    );
    p.configure(&cfg.provider(&p.s)).await;
    if p.s.list_resources.is_empty() {
        // No list resources: Terraform stops at validation. The RPCs, if called anyway, must
        // not pretend to list (Unimplemented or an error diagnostic are both what 1.14 surfaces).
        let v =
            p.p.validate_list_resource_config(pb::validate_list_resource_config::Request { type_name: OVP.into(), ..Default::default() })
                .await;
        match v {
            Err(st) => assert_eq!(st.code(), tonic::Code::Unimplemented),
            Ok(r) => assert!(!errors_of(&r.into_inner().diagnostics, "ValidateListResourceConfig").is_empty()),
        }
        p.shutdown().await;
        return;
    }
    for (t, n) in expected {
        let Some(ls) = p.s.list_resources.get(*t).cloned() else { continue };
        let idn = p.s.identities.get(*t).cloned().unwrap_or_else(|| panic!("list resource {t} without an identity schema"));
        let lb = block(ls.block.as_ref().unwrap(), &format!("list {t}"));
        let config = Value::null_object(&lb.ty);
        let v =
            p.p.validate_list_resource_config(pb::validate_list_resource_config::Request {
                type_name: t.to_string(),
                config: enc(&config, &lb.ty),
                include_resource_object: enc(&Value::Bool(true), &Type::Bool),
                limit: enc(&Value::int(100), &Type::Number),
            })
            .await
            .expect("ValidateListResourceConfig")
            .into_inner();
        no_errors(&v.diagnostics, "ValidateListResourceConfig");
        let mut stream =
            p.p.list_resource(pb::list_resource::Request {
                type_name: t.to_string(),
                config: enc(&config, &lb.ty),
                include_resource_object: true,
                limit: 100,
            })
            .await
            .expect("ListResource")
            .into_inner();
        let rty = p.s.resource(t).ty.clone();
        let mut count = 0;
        while let Some(ev) = stream.message().await.expect("ListResource stream") {
            no_errors(&ev.diagnostic, "ListResource");
            let identity =
                ev.identity.as_ref().and_then(|i| i.identity_data.as_ref()).expect("missing identity data in ListResource event");
            let iv = dec(Some(identity), &idn.ty, "ListResource identity");
            assert!(iv.is_wholly_known() && !iv.is_null());
            assert!(!ev.display_name.is_empty(), "ListResource: empty display name");
            let obj = dec(ev.resource_object.as_ref(), &rty, "ListResource resource_object");
            assert!(!obj.is_null() && obj.is_wholly_known(), "ListResource: include_resource_object asked, state missing or unknown");
            count += 1;
        }
        assert_eq!(count, *n, "ListResource {t}");
    }
    p.shutdown().await;
}

/// One invocation as Terraform 1.14 reads the InvokeAction stream (`plugin6/grpc_provider.go`
/// InvokeAction): each event must have a type (an empty one panics the client), progress events
/// are printed in order, a completed event ends the action with its diagnostics.
async fn invoke_action(p: &mut Proc, config: Option<pb::DynamicValue>) -> (Vec<String>, Vec<pb::Diagnostic>) {
    use pb::invoke_action::event::Type;
    let mut stream =
        p.p.invoke_action(pb::invoke_action::Request { action_type: CHECK.into(), config, client_capabilities: p.c.capabilities(false) })
            .await
            .expect("InvokeAction")
            .into_inner();
    let (mut progress, mut completed) = (Vec::new(), None);
    while let Some(ev) = stream.message().await.expect("InvokeAction stream") {
        assert!(completed.is_none(), "InvokeAction: an event after the completed one: {ev:?}");
        match ev.r#type.expect("unexpected event type <nil> in InvokeAction response") {
            Type::Progress(m) => progress.push(m.message),
            Type::Completed(c) => completed = Some(c.diagnostics),
        }
    }
    (progress, completed.expect("InvokeAction: the stream ended without a completed event"))
}

/// Actions (Terraform 1.14; `internal/terraform/node_action_validate.go`,
/// `node_action_trigger_instance_plan.go`, `node_action_trigger_instance_apply.go`), as
/// `terraform apply` runs `action "telnyx_check_registration" "c" { config { connection_id =
/// telnyx_credential_connection.c.id } }` triggered `after_create` by that connection: the
/// validate walk sends ValidateActionConfig with the id unknown (a reference to an object not
/// created yet); the plan sends PlanAction with it still unknown and `deferral_allowed` false;
/// after the create, apply sends InvokeAction with the configuration wholly known. The
/// connection is created here through the API, as ApplyResourceChange would. Registered (a UAC
/// connection seeded `Registered`: the emulator has no SIP side) completes clean; Not Registered
/// completes with an error, or a warning with `on_unregistered = "warning"`.
async fn actions(c: &'static Client, cfg: &Config<'_>) {
    let mut p = Proc::start(c).await;
    let md = p.p.get_metadata(pb::get_metadata::Request {}).await.expect("GetMetadata").into_inner();
    assert_eq!(md.actions.iter().map(|a| a.type_name.as_str()).collect::<Vec<_>>(), [CHECK]);
    let b = p.s.actions.get(CHECK).cloned().expect("GetProviderSchema: no action_schemas entry for telnyx_check_registration");
    let required: Vec<&str> = b.attrs.iter().filter(|(_, a)| !a.optional && !a.computed).map(|(k, _)| k.as_str()).collect();
    assert_eq!(required, ["connection_id"]);
    assert!(b.attrs.values().all(|a| !a.computed), "an action's config has nothing computed");
    assert!(!p.s.resources.contains_key(CHECK) && !p.s.data_sources.contains_key(CHECK));
    let config = |set: &[(&str, Value)]| enc(&object(&b, set), &b.ty);

    let validate = |p: &mut Proc, v: Option<pb::DynamicValue>| {
        let mut client = p.p.clone();
        async move {
            client
                .validate_action_config(pb::validate_action_config::Request { type_name: CHECK.into(), config: v })
                .await
                .expect("ValidateActionConfig")
                .into_inner()
                .diagnostics
        }
    };
    // terraform validate: the id refers to the connection the same run creates.
    let d = validate(&mut p, config(&[("connection_id", reference_unknown(c))])).await;
    assert!(d.is_empty(), "{d:?}");
    let bad = config(&[("connection_id", Value::string("1")), ("on_unregistered", Value::string("panic"))]);
    let d = validate(&mut p, bad.clone()).await;
    assert_eq!(errors_of(&d, "ValidateActionConfig").len(), 1, "{d:?}");
    let step = d[0].attribute.as_ref().and_then(|a| a.steps.first()).and_then(|s| s.selector.clone());
    assert_eq!(step, Some(pb::attribute_path::step::Selector::AttributeName("on_unregistered".into())));

    // terraform plan / apply's plan.
    p.configure(&cfg.provider(&p.s)).await;
    let plan = |p: &mut Proc, v: Option<pb::DynamicValue>| {
        let mut client = p.p.clone();
        let caps = p.c.capabilities(false);
        async move {
            client
                .plan_action(pb::plan_action::Request { action_type: CHECK.into(), config: v, client_capabilities: caps })
                .await
                .expect("PlanAction")
                .into_inner()
        }
    };
    let r = plan(&mut p, config(&[("connection_id", reference_unknown(c)), ("on_unregistered", Value::string("warning"))])).await;
    assert!(r.diagnostics.is_empty() && r.deferred.is_none(), "{r:?}");
    let r = plan(&mut p, bad.clone()).await;
    assert_eq!(errors_of(&r.diagnostics, "PlanAction").len(), 1, "{r:?}");

    // apply: the connection is created, then the action invoked with its id.
    let emu = cfg.emu;
    let (st, conn) = blocking(|| {
        emu.api(
            reqwest::Method::POST,
            "/credential_connections",
            Some(
                json!({"connection_name": format!("{}-action", cfg.tag), "user_name": "actionuser1", "password": "Sup3r-Secret-Passw0rd"}),
            ),
        )
    });
    assert_eq!(st, 201, "{conn}");
    let id = conn["data"]["id"].as_str().unwrap().to_string();
    let (progress, d) = invoke_action(&mut p, config(&[("connection_id", Value::string(&id))])).await;
    assert!(!progress.is_empty() && progress.iter().any(|m| m.contains(&id)), "{progress:?}");
    let errs = errors_of(&d, "InvokeAction");
    assert_eq!(errs.len(), 1, "{d:?}");
    assert!(errs[0].contains(&id) && errs[0].contains("Not Registered"), "{errs:?}");
    let (_, d) =
        invoke_action(&mut p, config(&[("connection_id", Value::string(&id)), ("on_unregistered", Value::string("warning"))])).await;
    assert!(errors_of(&d, "InvokeAction").is_empty() && d.len() == 1, "a warning only: {d:?}");
    assert!(d[0].detail.contains("Not Registered"), "{d:?}");

    let seeded = blocking(|| {
        emu.seed(&json!({"uac_connections": [{"connection_name": format!("{}-uac", cfg.tag), "registration_status": "Registered", "fqdn": "regcheck0001.uac.telnyx.com"}]}))
    });
    let uac = seeded["uac_connections"][0].as_str().unwrap().to_string();
    let (progress, d) =
        invoke_action(&mut p, config(&[("connection_id", Value::string(&uac)), ("connection_type", Value::string("uac_connection"))]))
            .await;
    assert!(d.is_empty(), "registered: {d:?}");
    assert!(progress.last().is_some_and(|m| m.ends_with(": Registered")), "{progress:?}");

    // What Terraform never sends, and a connection that does not exist: diagnostics, no panic.
    let (progress, d) = invoke_action(&mut p, Some(pb::DynamicValue { msgpack: vec![0xc1, 0x00], json: Vec::new() })).await;
    assert!(progress.is_empty() && errors_of(&d, "InvokeAction").len() == 1, "{d:?}");
    let (_, d) = invoke_action(&mut p, bad).await;
    assert_eq!(errors_of(&d, "InvokeAction").len(), 1, "{d:?}");
    let (_, d) = invoke_action(&mut p, config(&[("connection_id", Value::string("no-such-connection"))])).await;
    let errs = errors_of(&d, "InvokeAction");
    assert!(errs.len() == 1 && errs[0].contains("telnyx_credential_connection"), "{errs:?}");
    let checks = blocking(|| emu.requests())
        .iter()
        .filter(|(m, path, _)| m == "POST" && path.ends_with("/actions/check_registration_status"))
        .count();
    assert_eq!(checks, 4, "one request per valid invocation, none at validation or plan");
    // Gone again (as a destroy would), for the scenario's later steps.
    for path in [format!("/credential_connections/{id}"), format!("/uac_connections/{uac}")] {
        let (st, body) = blocking(|| emu.api(reqwest::Method::DELETE, &path, None));
        assert_eq!(st, 200, "{path}: {body}");
    }
    p.shutdown().await;
}

// ---- one scenario per client ------------------------------------------------------------------

/// The emulator's helpers block (reqwest's blocking client): off the async workers.
fn blocking<T>(f: impl FnOnce() -> T) -> T {
    tokio::task::block_in_place(f)
}

/// An emulator of its own (started and dropped outside the runtime), then the scenario.
fn run(c: &'static Client) {
    let emu = Emulator::start();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(replay(c, &emu));
}

/// One `#[test]` per client, each replaying the whole lifecycle with that client's shapes.
macro_rules! scenarios {
    ($($test:ident => $client:literal,)*) => {
        $(
            #[test]
            fn $test() {
                run(client($client));
            }
        )*
    };
}

scenarios! {
    terraform_1_5 => "Terraform 1.5",
    terraform_1_8 => "Terraform 1.8",
    terraform_1_10 => "Terraform 1.10",
    terraform_1_12 => "Terraform 1.12",
    terraform_1_14 => "Terraform 1.14",
    opentofu_1_6 => "OpenTofu 1.6",
    opentofu_1_8 => "OpenTofu 1.8",
    opentofu_1_10 => "OpenTofu 1.10",
}

/// The checks above reject what the clients reject (a check that cannot fail proves nothing).
#[test]
fn the_client_checks_reject_what_clients_reject() {
    let b = attrs_block(
        &[
            pb::schema::Attribute { name: "id".into(), r#type: b"\"string\"".to_vec(), computed: true, ..Default::default() },
            pb::schema::Attribute { name: "name".into(), r#type: b"\"string\"".to_vec(), required: true, ..Default::default() },
            pb::schema::Attribute { name: "note".into(), r#type: b"\"string\"".to_vec(), optional: true, ..Default::default() },
            pb::schema::Attribute {
                name: "limit".into(),
                r#type: b"\"number\"".to_vec(),
                optional: true,
                computed: true,
                ..Default::default()
            },
            pb::schema::Attribute {
                name: "obj".into(),
                nested_type: Some(pb::schema::Object {
                    attributes: vec![pb::schema::Attribute {
                        name: "a".into(),
                        r#type: b"\"string\"".to_vec(),
                        optional: true,
                        ..Default::default()
                    }],
                    nesting: SINGLE,
                    ..Default::default()
                }),
                optional: true,
                computed: true,
                ..Default::default()
            },
        ],
        "t",
    );
    let config = object(&b, &[("name", Value::string("a"))]);
    let errs = |planned: &Value| {
        let mut e = Vec::new();
        plan_errors(&b, &Value::Null, &config, planned, "t", &mut e);
        e
    };
    assert!(errs(&object(&b, &[("name", Value::string("a")), ("id", unknown()), ("limit", Value::int(5))])).is_empty());
    assert_eq!(errs(&object(&b, &[("name", Value::string("b"))])).len(), 1, "a configured value changed");
    assert_eq!(
        errs(&object(&b, &[("name", Value::string("a")), ("note", Value::string("x"))])).len(),
        1,
        "a value for a non-computed attribute"
    );
    assert_eq!(errs(&Value::Null).len(), 1, "planned for absence");
    let refined = object(&b, &[("name", refined_not_null())]);
    let mut e = Vec::new();
    plan_errors(&b, &Value::Null, &refined, &object(&b, &[("name", unknown())]), "t", &mut e);
    assert!(e.is_empty(), "a refinement dropped from a configured unknown is accepted: {e:?}");
    let (_, inner) = b.attrs["obj"].nested.clone().unwrap();
    let obj_u = object(&b, &[("name", Value::string("a")), ("obj", refined_not_null())]);
    for (planned_obj, n, why) in [
        (unknown(), 0, "a nested object's refinement dropped"),
        (object(&inner, &[("a", Value::string("x"))]), 1, "a known object for an unknown one"),
    ] {
        let mut e = Vec::new();
        plan_errors(&b, &Value::Null, &obj_u, &object(&b, &[("name", Value::string("a")), ("obj", planned_obj)]), "t", &mut e);
        assert_eq!(e.len(), n, "{why}: {e:?}");
    }
    let mut wo = b.clone();
    wo.attrs.get_mut("note").unwrap().write_only = true;
    let wo_config = object(&wo, &[("name", Value::string("a")), ("note", Value::string("s"))]);
    let mut e = Vec::new();
    plan_errors(&wo, &Value::Null, &wo_config, &object(&wo, &[("name", Value::string("a"))]), "t", &mut e);
    assert!(e.is_empty(), "a write-only attribute planned null: {e:?}");
    plan_errors(&wo, &Value::Null, &wo_config, &wo_config, "t", &mut e);
    assert_eq!(e.len(), 1, "a write-only attribute planned with its value");
    let planned = object(&b, &[("name", Value::string("a")), ("id", unknown())]);
    let mut e = Vec::new();
    compat_errors(&planned, &object(&b, &[("name", Value::string("a")), ("id", Value::string("7"))]), "", &mut e);
    assert!(e.is_empty());
    compat_errors(&planned, &object(&b, &[("name", Value::string("b")), ("id", Value::string("7"))]), "", &mut e);
    compat_errors(&object(&b, &[("name", Value::string("a"))]), &object(&b, &[("name", unknown())]), "", &mut e);
    assert_eq!(e.len(), 2, "{e:?}");
    assert_eq!(
        proposed_new(&b, &object(&b, &[("id", Value::string("7")), ("limit", Value::int(3))]), &config).get("limit").as_i64(),
        Some(3)
    );
}

/// Every client in the table is replayed by a test above (the table and the tests stay in step).
#[test]
fn every_client_has_a_scenario() {
    let src = include_str!("newer_clients.rs");
    for c in CLIENTS {
        assert!(src.contains(&format!("=> \"{}\",", c.name)), "{} has no scenario", c.name);
    }
    assert_eq!(CLIENTS.iter().filter(|c| c.family == OpenTofu).count(), 3);
}
