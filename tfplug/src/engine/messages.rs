//! The engine's request and response types: one pair per RPC, plain Rust, no protobuf.
//!
//! Values cross as [`DynamicValue`]s (the bytes Terraform sent or is sent), because only the
//! engine knows the schema type each one is decoded against. Every response carries its
//! [`Diagnostics`]; a response that failed carries the error diagnostics and whatever else
//! Terraform must still receive (a prior state, private data).

use std::collections::{BTreeMap, HashMap};

use crate::diag::{AttrPath, Diagnostic, Diagnostics};
use crate::schema::{Identity, Schema};
use crate::types::Type;
use crate::value::Value;
use crate::{json, msgpack};

/// A value as it crosses the protocol: msgpack (what Terraform sends) or JSON bytes. Both
/// empty reads as null. `Option<DynamicValue>` is `None` when the request carried no value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DynamicValue {
    /// The value in cty's msgpack encoding; read first when not empty.
    pub msgpack: Vec<u8>,
    /// The value in cty's JSON encoding; read when `msgpack` is empty.
    pub json: Vec<u8>,
}

impl DynamicValue {
    /// `v` in msgpack, encoded against `ty`.
    pub fn from_value(v: &Value, ty: &Type) -> Result<DynamicValue, Diagnostics> {
        encode(v, ty, "value")
    }

    /// The value, decoded against `ty`.
    pub fn to_value(&self, ty: &Type) -> Result<Value, Diagnostics> {
        decode(Some(self), ty, "value")
    }
}

/// Decodes a request value; an absent one is null. `what` names it in the diagnostic.
pub(crate) fn decode(dv: Option<&DynamicValue>, ty: &Type, what: &str) -> Result<Value, Diagnostics> {
    let Some(dv) = dv else { return Ok(Value::Null) };
    let r = if !dv.msgpack.is_empty() {
        msgpack::decode(&dv.msgpack, ty).map_err(|e| e.to_string())
    } else if !dv.json.is_empty() {
        json::decode(&dv.json, ty).map_err(|e| e.to_string())
    } else {
        Ok(Value::Null)
    };
    r.map_err(|e| Diagnostic::error("Malformed request", format!("Could not decode the {what}: {e}")).into())
}

/// Encodes a response value; failing means the provider built a value its schema refuses.
pub(crate) fn encode(v: &Value, ty: &Type, what: &str) -> Result<DynamicValue, Diagnostics> {
    let msgpack = msgpack::encode(v, ty).map_err(|e| {
        Diagnostics::from(Diagnostic::error(
            "Internal error: invalid value",
            format!("Could not encode the {what}: {e}. This is a bug in the provider."),
        ))
    })?;
    Ok(DynamicValue { msgpack, json: Vec::new() })
}

/// What this server supports beyond the protocol's baseline (Terraform reads it from
/// GetMetadata and GetProviderSchema).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ServerCapabilities {
    /// Terraform calls PlanResourceChange for destroys too.
    pub plan_destroy: bool,
    /// Terraform may skip GetProviderSchema and use a cached schema.
    pub get_provider_schema_optional: bool,
    /// MoveResourceState is implemented.
    pub move_resource_state: bool,
    /// GenerateResourceConfig is implemented (Terraform >= 1.14 `-generate-config-out`).
    pub generate_resource_config: bool,
}

/// GetMetadata's answer: the type names the provider serves.
#[derive(Clone, Debug, Default)]
pub struct MetadataResponse {
    /// What the server supports; `None` after an error.
    pub capabilities: Option<ServerCapabilities>,
    /// Managed resource types, sorted.
    pub resources: Vec<String>,
    /// Data source types, sorted.
    pub data_sources: Vec<String>,
    /// Resource types that can be listed (`list` blocks), sorted.
    pub list_resources: Vec<String>,
    /// Provider-defined function names, sorted.
    pub functions: Vec<String>,
    /// Errors and warnings.
    pub diagnostics: Diagnostics,
    /// Ephemeral resource types, sorted.
    pub ephemeral_resources: Vec<String>,
    /// Action types, sorted.
    pub actions: Vec<String>,
}

/// GetProviderSchema's answer.
#[derive(Clone, Debug, Default)]
pub struct ProviderSchemaResponse {
    /// The provider block's schema; `None` after an error.
    pub provider: Option<Schema>,
    /// Each managed resource type's schema.
    pub resources: BTreeMap<String, Schema>,
    /// Each data source type's schema.
    pub data_sources: BTreeMap<String, Schema>,
    /// Each list resource's `config` block schema.
    pub list_resources: BTreeMap<String, Schema>,
    /// Each provider-defined function's signature.
    pub functions: BTreeMap<String, crate::provider::Signature>,
    /// What the server supports; `None` after an error.
    pub capabilities: Option<ServerCapabilities>,
    /// Errors and warnings.
    pub diagnostics: Diagnostics,
    /// Each ephemeral resource type's schema.
    pub ephemeral_resources: BTreeMap<String, Schema>,
    /// Each action type's `config` block schema.
    pub actions: BTreeMap<String, Schema>,
}

/// A resource type's identity schema and the identity's object type.
#[derive(Clone, Debug)]
pub struct IdentitySchema {
    /// The attributes that name a remote object.
    pub identity: Identity,
    /// The identity's object type.
    pub ty: Type,
}

/// GetResourceIdentitySchemas's answer.
#[derive(Clone, Debug, Default)]
pub struct IdentitySchemasResponse {
    /// Each resource type that has an identity, with its schema.
    pub identity_schemas: BTreeMap<String, IdentitySchema>,
    /// Errors and warnings.
    pub diagnostics: Diagnostics,
}

/// The answer of every Validate* RPC: diagnostics only.
#[derive(Clone, Debug, Default)]
pub struct ValidateResponse {
    /// Errors and warnings, with attribute paths where known.
    pub diagnostics: Diagnostics,
}

/// ValidateProviderConfig: checks the provider block.
#[derive(Clone, Debug, Default)]
pub struct ValidateProviderConfigRequest {
    /// The provider block.
    pub config: Option<DynamicValue>,
}

/// ValidateResourceConfig: checks a resource block.
#[derive(Clone, Debug, Default)]
pub struct ValidateResourceConfigRequest {
    /// The resource type.
    pub type_name: String,
    /// The resource block.
    pub config: Option<DynamicValue>,
    /// The client knows write-only attributes (Terraform and OpenTofu >= 1.11).
    pub write_only_allowed: bool,
}

/// ValidateDataResourceConfig: checks a data block.
#[derive(Clone, Debug, Default)]
pub struct ValidateDataResourceConfigRequest {
    /// The data source type.
    pub type_name: String,
    /// The data block.
    pub config: Option<DynamicValue>,
}

/// ValidateListResourceConfig: checks a `list` block (Terraform >= 1.14).
#[derive(Clone, Debug, Default)]
pub struct ValidateListResourceConfigRequest {
    /// The resource type listed.
    pub type_name: String,
    /// The `config` block inside the `list` block.
    pub config: Option<DynamicValue>,
    /// The `limit` argument, a number, when sent.
    pub limit: Option<DynamicValue>,
    /// The `include_resource` argument, a bool, when sent.
    pub include_resource_object: Option<DynamicValue>,
}

/// ConfigureProvider: builds the client every later call uses.
#[derive(Clone, Debug, Default)]
pub struct ConfigureProviderRequest {
    /// The provider block.
    pub config: Option<DynamicValue>,
    /// The caller's version.
    pub terraform_version: String,
}

/// ConfigureProvider's answer.
#[derive(Clone, Debug, Default)]
pub struct ConfigureProviderResponse {
    /// Errors and warnings.
    pub diagnostics: Diagnostics,
}

/// UpgradeResourceState: stored state read into the current schema.
#[derive(Clone, Debug, Default)]
pub struct UpgradeResourceStateRequest {
    /// The resource type.
    pub type_name: String,
    /// The schema version that wrote the state.
    pub version: i64,
    /// The state as JSON (Terraform >= 0.12).
    pub json: Vec<u8>,
    /// The state in the flatmap format of Terraform <= 0.11 (refused).
    pub flatmap: HashMap<String, String>,
}

/// UpgradeResourceState's answer.
#[derive(Clone, Debug, Default)]
pub struct UpgradeResourceStateResponse {
    /// The state in the current schema; `None` after an error.
    pub upgraded_state: Option<DynamicValue>,
    /// Errors and warnings.
    pub diagnostics: Diagnostics,
}

/// UpgradeResourceIdentity: a stored identity read into the current identity schema.
#[derive(Clone, Debug, Default)]
pub struct UpgradeResourceIdentityRequest {
    /// The resource type.
    pub type_name: String,
    /// The identity schema version that wrote it.
    pub version: i64,
    /// The identity as JSON.
    pub json: Vec<u8>,
}

/// UpgradeResourceIdentity's answer.
#[derive(Clone, Debug, Default)]
pub struct UpgradeResourceIdentityResponse {
    /// The identity in the current schema; `None` after an error.
    pub upgraded_identity: Option<DynamicValue>,
    /// Errors and warnings.
    pub diagnostics: Diagnostics,
}

/// ReadResource: refreshes one object.
#[derive(Clone, Debug, Default)]
pub struct ReadResourceRequest {
    /// The resource type.
    pub type_name: String,
    /// The state Terraform holds.
    pub current_state: Option<DynamicValue>,
    /// The identity Terraform holds (Terraform >= 1.12).
    pub current_identity: Option<DynamicValue>,
    /// Private data, returned as is.
    pub private: Vec<u8>,
}

/// ReadResource's answer.
#[derive(Clone, Debug, Default)]
pub struct ReadResourceResponse {
    /// The refreshed state; null when the object is gone.
    pub new_state: Option<DynamicValue>,
    /// The object's identity, when the resource has one and the object exists.
    pub new_identity: Option<DynamicValue>,
    /// Private data.
    pub private: Vec<u8>,
    /// Errors and warnings.
    pub diagnostics: Diagnostics,
}

/// PlanResourceChange: what applying the configuration would do.
#[derive(Clone, Debug, Default)]
pub struct PlanResourceChangeRequest {
    /// The resource type.
    pub type_name: String,
    /// The current state; null for a create.
    pub prior_state: Option<DynamicValue>,
    /// Terraform's proposal: the configuration merged with the prior state; null for a destroy.
    pub proposed_new_state: Option<DynamicValue>,
    /// The resource block.
    pub config: Option<DynamicValue>,
    /// Private data of the prior state.
    pub prior_private: Vec<u8>,
    /// The identity Terraform holds.
    pub prior_identity: Option<DynamicValue>,
}

/// PlanResourceChange's answer.
#[derive(Clone, Debug, Default)]
pub struct PlanResourceChangeResponse {
    /// The planned state (unknown where only the apply can tell).
    pub planned_state: Option<DynamicValue>,
    /// Attributes whose change forces a replacement, sorted, without duplicates.
    pub requires_replace: Vec<AttrPath>,
    /// Private data for the apply.
    pub planned_private: Vec<u8>,
    /// The identity after the change, unknown parts included.
    pub planned_identity: Option<DynamicValue>,
    /// Errors and warnings.
    pub diagnostics: Diagnostics,
}

/// ApplyResourceChange: creates, updates or deletes one object.
#[derive(Clone, Debug, Default)]
pub struct ApplyResourceChangeRequest {
    /// The resource type.
    pub type_name: String,
    /// The current state; null for a create.
    pub prior_state: Option<DynamicValue>,
    /// The planned state; null for a delete.
    pub planned_state: Option<DynamicValue>,
    /// The resource block (the only place write-only values are found).
    pub config: Option<DynamicValue>,
    /// Private data from the plan, returned as is.
    pub planned_private: Vec<u8>,
}

/// ApplyResourceChange's answer.
#[derive(Clone, Debug, Default)]
pub struct ApplyResourceChangeResponse {
    /// The state to record; null after a delete. After a failure: what exists remotely.
    pub new_state: Option<DynamicValue>,
    /// Private data.
    pub private: Vec<u8>,
    /// The object's identity.
    pub new_identity: Option<DynamicValue>,
    /// Errors and warnings.
    pub diagnostics: Diagnostics,
}

/// ImportResourceState: adopts an existing object by id or by identity.
#[derive(Clone, Debug, Default)]
pub struct ImportResourceStateRequest {
    /// The resource type.
    pub type_name: String,
    /// The import id (`terraform import ADDR ID`, `import { id = ... }`).
    pub id: String,
    /// The identity (`import { identity = {...} }`, Terraform >= 1.12); when present, `id` is not used.
    pub identity: Option<DynamicValue>,
}

/// One imported object.
#[derive(Clone, Debug, Default)]
pub struct ImportedResource {
    /// Its resource type.
    pub type_name: String,
    /// Its state, for the ReadResource that follows.
    pub state: Option<DynamicValue>,
    /// Its identity.
    pub identity: Option<DynamicValue>,
}

/// ImportResourceState's answer.
#[derive(Clone, Debug, Default)]
pub struct ImportResourceStateResponse {
    /// The imported objects (one).
    pub imported: Vec<ImportedResource>,
    /// Errors and warnings.
    pub diagnostics: Diagnostics,
}

/// MoveResourceState: state of another resource type moved into this one.
#[derive(Clone, Debug, Default)]
pub struct MoveResourceStateRequest {
    /// The provider that wrote the state (`registry.terraform.io/petsinc/telnyx`; OpenTofu
    /// before 1.11.12/1.12.4 sends a bare local name such as `telnyx`).
    pub source_provider_address: String,
    /// The type the state comes from.
    pub source_type_name: String,
    /// The schema version the state was written with.
    pub source_schema_version: i64,
    /// The stored state, JSON.
    pub source_state_json: Vec<u8>,
    /// The type it moves to.
    pub target_type_name: String,
}

/// MoveResourceState's answer.
#[derive(Clone, Debug, Default)]
pub struct MoveResourceStateResponse {
    /// The state in the target type.
    pub target_state: Option<DynamicValue>,
    /// The moved object's identity, for a type that has one.
    pub target_identity: Option<DynamicValue>,
    /// Errors and warnings.
    pub diagnostics: Diagnostics,
}

/// GenerateResourceConfig: a configuration for an imported object (Terraform >= 1.14).
#[derive(Clone, Debug, Default)]
pub struct GenerateResourceConfigRequest {
    /// The resource type.
    pub type_name: String,
    /// The object's state.
    pub state: Option<DynamicValue>,
}

/// GenerateResourceConfig's answer.
#[derive(Clone, Debug, Default)]
pub struct GenerateResourceConfigResponse {
    /// A configuration that plans no change.
    pub config: Option<DynamicValue>,
    /// Errors and warnings.
    pub diagnostics: Diagnostics,
}

/// ReadDataSource: reads a data source.
#[derive(Clone, Debug, Default)]
pub struct ReadDataSourceRequest {
    /// The data source type.
    pub type_name: String,
    /// The data block.
    pub config: Option<DynamicValue>,
}

/// ReadDataSource's answer.
#[derive(Clone, Debug, Default)]
pub struct ReadDataSourceResponse {
    /// The configuration with its computed attributes filled in.
    pub state: Option<DynamicValue>,
    /// Errors and warnings.
    pub diagnostics: Diagnostics,
}

/// ListResource: the objects a `list` block selects (Terraform >= 1.14 `terraform query`).
#[derive(Clone, Debug, Default)]
pub struct ListResourceRequest {
    /// The resource type listed.
    pub type_name: String,
    /// The `config` block; null selects every object.
    pub config: Option<DynamicValue>,
    /// At most this many objects (negative counts as 0).
    pub limit: i64,
    /// Whether each event carries the object's full state.
    pub include_resource_object: bool,
}

/// One event of ListResource's stream: an object found, or the diagnostics of a failure.
#[derive(Clone, Debug, Default)]
pub struct ListEvent {
    /// The object's identity.
    pub identity: Option<DynamicValue>,
    /// How `terraform query` shows it.
    pub display_name: String,
    /// Its state, when asked for.
    pub resource_object: Option<DynamicValue>,
    /// Errors and warnings (a failure is one event carrying them).
    pub diagnostics: Diagnostics,
}
