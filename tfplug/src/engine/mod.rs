//! The engine: every tfplugin6 RPC as one method on plain Rust request and response types
//! (one pair per RPC, such as [`PlanResourceChangeRequest`] and [`PlanResourceChangeResponse`]),
//! with no protobuf or gRPC in sight. It owns what a provider author
//! should never write: the catalog of types and their schemas, decoding each value against
//! its schema type, validation, the plan pipeline, reconciliation of applied state, state and
//! identity upgrades, the identity rules, the configured client, cancellation, and turning a
//! panic into a diagnostic.
//!
//! [`crate::server`] adapts it to gRPC; a unit test drives it directly. A new RPC is one
//! method here (its request and response in `messages.rs`) and one adapter function there.

mod actions;
mod data;
mod ephemeral;
mod functions;
mod guard;
mod identity;
mod messages;
mod resource;
mod upgrade;

#[cfg(test)]
mod tests;

/// What a test provider was asked and reported, in order (shared by the engine's tests).
#[cfg(test)]
#[derive(Default)]
struct Calls(std::sync::Mutex<Vec<String>>);

#[cfg(test)]
impl Calls {
    fn push(&self, s: String) {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(s);
    }
    fn all(&self) -> Vec<String> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }
}

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use tokio_util::sync::CancellationToken;

use crate::diag::{AttrPath, Diagnostic, Diagnostics};
use crate::provider::{Ctx, DataSource, Provider, Resource};
use crate::schema::{Identity, Schema};
use crate::types::Type;
use crate::validate::validate_config;
use crate::value::Value;

pub use actions::*;
pub use ephemeral::*;
pub use functions::{CallFunctionRequest, CallFunctionResponse, FunctionsResponse};
pub use messages::*;
pub use upgrade::{upgrade_identity_json, upgrade_json_state};

use guard::run;
use messages::decode;

/// A resource type or data source type with its schema, built once.
struct Entry<T: ?Sized> {
    imp: Arc<T>,
    schema: Schema,
    ty: Type,
    /// A resource's identity and its object type.
    identity: Option<(Identity, Type)>,
    /// A resource's list resource: the schema of its `config` block and its type.
    list: Option<(Schema, Type)>,
}

/// A resource type that can be listed, with the schema and type of its list `config` block.
struct Listing<'a, C> {
    e: &'a Entry<dyn Resource<C>>,
    schema: &'a Schema,
    ty: &'a Type,
}

/// Every type the provider serves, by name.
struct Catalog<C> {
    provider: Schema,
    provider_ty: Type,
    resources: BTreeMap<&'static str, Entry<dyn Resource<C>>>,
    data_sources: BTreeMap<&'static str, Entry<dyn DataSource<C>>>,
    ephemerals: BTreeMap<&'static str, Entry<dyn crate::provider::EphemeralResource<C>>>,
    actions: BTreeMap<&'static str, Entry<dyn crate::provider::Action<C>>>,
}

/// A [`Provider`] behind the plugin protocol's operations: one instance per plugin process,
/// shared by every call.
pub struct Engine<P: Provider> {
    provider: P,
    catalog: OnceLock<Catalog<P::Client>>,
    /// The provider-defined functions, built on first use.
    functions: OnceLock<functions::Functions>,
    client: OnceLock<P::Client>,
    /// ConfigureProvider came with values Terraform does not know yet (they depend on
    /// resources still to be created): no client, and nothing falls back to defaults.
    config_unknown: AtomicBool,
    stop: CancellationToken,
}

impl<P: Provider> std::fmt::Debug for Engine<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("configured", &self.client.get().is_some()).finish_non_exhaustive()
    }
}

/// Keep Terraform 1.0 behaviour everywhere: destroy without a plan call, schema fetched per
/// process. Every resource generates its configuration (Terraform >= 1.14).
const CAPABILITIES: ServerCapabilities = ServerCapabilities {
    plan_destroy: false,
    get_provider_schema_optional: false,
    move_resource_state: true,
    generate_resource_config: true,
};

impl<P: Provider> Engine<P> {
    /// An engine for `provider`, not configured yet. Schemas are built on first use.
    pub fn new(provider: P) -> Self {
        Engine {
            provider,
            catalog: OnceLock::new(),
            functions: OnceLock::new(),
            client: OnceLock::new(),
            config_unknown: AtomicBool::new(false),
            stop: CancellationToken::new(),
        }
    }

    /// Schemas are built on first use, not at start-up.
    fn catalog(&self) -> &Catalog<P::Client> {
        self.catalog.get_or_init(|| {
            let provider = self.provider.schema();
            let provider_ty = provider.ty();
            let resources = self
                .provider
                .resources()
                .into_iter()
                .map(|r| {
                    let schema = r.schema();
                    let ty = schema.ty();
                    let identity = r.identity().map(|i| {
                        let t = i.ty(&schema);
                        (i, t)
                    });
                    let list = r.list_schema().map(|l| {
                        let t = l.ty();
                        (l, t)
                    });
                    (r.type_name(), Entry { imp: r, schema, ty, identity, list })
                })
                .collect();
            let data_sources = self
                .provider
                .data_sources()
                .into_iter()
                .map(|d| {
                    let schema = d.schema();
                    let ty = schema.ty();
                    (d.type_name(), Entry { imp: d, schema, ty, identity: None, list: None })
                })
                .collect();
            let ephemerals = ephemeral::catalog(&self.provider);
            let actions = actions::catalog(&self.provider);
            Catalog { provider, provider_ty, resources, data_sources, ephemerals, actions }
        })
    }

    fn resource(&self, name: &str) -> Result<&Entry<dyn Resource<P::Client>>, Diagnostics> {
        self.catalog()
            .resources
            .get(name)
            .ok_or_else(|| Diagnostic::error("Unknown resource type", format!("This provider has no resource type {name:?}.")).into())
    }

    fn data_source(&self, name: &str) -> Result<&Entry<dyn DataSource<P::Client>>, Diagnostics> {
        self.catalog()
            .data_sources
            .get(name)
            .ok_or_else(|| Diagnostic::error("Unknown data source type", format!("This provider has no data source type {name:?}.")).into())
    }

    /// A resource type that can be listed: its entry, list `config` schema and type.
    fn listing(&self, name: &str) -> Result<Listing<'_, P::Client>, Diagnostics> {
        let e = self.resource(name)?;
        match &e.list {
            Some((schema, ty)) if e.identity.is_some() => Ok(Listing { e, schema, ty }),
            _ => Err(Diagnostic::error("Unknown list resource type", format!("This provider has no list resource type {name:?}.")).into()),
        }
    }

    /// The object type of a resource type's state, `None` for a type the provider lacks.
    pub fn resource_type(&self, name: &str) -> Option<&Type> {
        self.catalog().resources.get(name).map(|e| &e.ty)
    }

    /// The object type of a resource type's identity, `None` when it has none.
    pub fn identity_type(&self, name: &str) -> Option<&Type> {
        self.catalog().resources.get(name)?.identity.as_ref().map(|(_, t)| t)
    }

    /// The object type of a data source type's state, `None` for a type the provider lacks.
    pub fn data_source_type(&self, name: &str) -> Option<&Type> {
        self.catalog().data_sources.get(name).map(|e| &e.ty)
    }

    fn config_is_unknown(&self) -> bool {
        self.config_unknown.load(Ordering::Relaxed)
    }

    /// The configured client, or why there is none.
    fn client(&self) -> Result<&P::Client, Diagnostics> {
        if self.config_is_unknown() {
            return Err(Diagnostic::error(
                "Provider configuration not known yet",
                "The provider block uses values Terraform only knows after apply (they depend on resources not created yet), so the provider cannot call the API now. Set those arguments from values known at plan time, or create what they depend on first (`terraform apply -target=...`).",
            )
            .into());
        }
        self.client.get().ok_or_else(|| {
            Diagnostic::error(
                "Provider not configured",
                "Terraform called an operation that needs the API before configuring the provider. This is a bug in the caller or in this provider.",
            )
            .into()
        })
    }

    fn ctx(&self) -> Ctx {
        Ctx { stop: self.stop.clone(), config: Value::Null, warnings: Default::default() }
    }

    /// StopProvider: cancels every call in flight and every later one ([`Ctx::stop`]).
    pub fn stop(&self) {
        tracing::info!(tf_rpc = "StopProvider", "stop requested: cancelling in-flight work");
        self.stop.cancel();
    }

    /// GetMetadata: the type names served.
    pub async fn metadata(&self) -> MetadataResponse {
        run(
            "GetMetadata",
            "",
            async move {
                let c = self.catalog();
                Ok(MetadataResponse {
                    capabilities: Some(CAPABILITIES),
                    resources: c.resources.keys().map(|k| k.to_string()).collect(),
                    data_sources: c.data_sources.keys().map(|k| k.to_string()).collect(),
                    list_resources: c.resources.iter().filter(|(_, e)| e.list.is_some()).map(|(k, _)| k.to_string()).collect(),
                    functions: self.function_names(),
                    diagnostics: Diagnostics::new(),
                    ephemeral_resources: c.ephemerals.keys().map(|k| k.to_string()).collect(),
                    actions: c.actions.keys().map(|k| k.to_string()).collect(),
                })
            },
            |d| MetadataResponse { diagnostics: d, ..Default::default() },
        )
        .await
    }

    /// GetProviderSchema: every schema.
    pub async fn provider_schema(&self) -> ProviderSchemaResponse {
        run(
            "GetProviderSchema",
            "",
            async move {
                let c = self.catalog();
                Ok(ProviderSchemaResponse {
                    provider: Some(c.provider.clone()),
                    resources: c.resources.iter().map(|(k, e)| (k.to_string(), e.schema.clone())).collect(),
                    data_sources: c.data_sources.iter().map(|(k, e)| (k.to_string(), e.schema.clone())).collect(),
                    list_resources: c.resources.iter().filter_map(|(k, e)| Some((k.to_string(), e.list.as_ref()?.0.clone()))).collect(),
                    functions: self.function_signatures(),
                    capabilities: Some(CAPABILITIES),
                    diagnostics: Diagnostics::new(),
                    ephemeral_resources: c.ephemerals.iter().map(|(k, e)| (k.to_string(), e.schema.clone())).collect(),
                    actions: c.actions.iter().map(|(k, e)| (k.to_string(), e.schema.clone())).collect(),
                })
            },
            |d| ProviderSchemaResponse { diagnostics: d, ..Default::default() },
        )
        .await
    }

    /// GetResourceIdentitySchemas: the identity schema of each resource type that has one.
    pub async fn identity_schemas(&self) -> IdentitySchemasResponse {
        run(
            "GetResourceIdentitySchemas",
            "",
            async move {
                let identity_schemas = self
                    .catalog()
                    .resources
                    .iter()
                    .filter_map(|(k, e)| {
                        e.identity.as_ref().map(|(i, t)| (k.to_string(), IdentitySchema { identity: i.clone(), ty: t.clone() }))
                    })
                    .collect();
                Ok(IdentitySchemasResponse { identity_schemas, diagnostics: Diagnostics::new() })
            },
            |d| IdentitySchemasResponse { diagnostics: d, ..Default::default() },
        )
        .await
    }

    /// ValidateProviderConfig: attribute validators, then the provider's own checks.
    pub async fn validate_provider_config(&self, req: ValidateProviderConfigRequest) -> ValidateResponse {
        run(
            "ValidateProviderConfig",
            "",
            async move {
                let c = self.catalog();
                let config = decode(req.config.as_ref(), &c.provider_ty, "provider configuration")?;
                let mut d = Diagnostics::new();
                validate_config(&c.provider.attributes, &config, &AttrPath::root(), &mut d);
                d.extend(self.provider.validate(&config));
                Ok(ValidateResponse { diagnostics: d })
            },
            |d| ValidateResponse { diagnostics: d },
        )
        .await
    }

    /// ConfigureProvider: builds the client. A configuration with unknown values builds none,
    /// and calls that need the API say why; a second call keeps the first client.
    pub async fn configure(&self, req: ConfigureProviderRequest) -> ConfigureProviderResponse {
        run(
            "ConfigureProvider",
            "",
            async move {
                let c = self.catalog();
                let config = decode(req.config.as_ref(), &c.provider_ty, "provider configuration")?;
                if !config.is_wholly_known() {
                    // Never fall back to environment variables or defaults for a value the
                    // user did set, just not yet: calls that need the API say so instead.
                    self.config_unknown.store(true, Ordering::Relaxed);
                    tracing::debug!("provider configuration has unknown values; API calls are deferred");
                    return Ok(ConfigureProviderResponse::default());
                }
                let client = self.provider.configure(&config, &req.terraform_version).await?;
                // A second ConfigureProvider in one process keeps the first client.
                let _ = self.client.set(client);
                Ok(ConfigureProviderResponse::default())
            },
            |d| ConfigureProviderResponse { diagnostics: d },
        )
        .await
    }

    /// MoveResourceState (Terraform >= 1.8, OpenTofu >= 1.10: a `moved` block across resource
    /// types or providers): the target resource turns the source's stored JSON into its own
    /// ([`Resource::move_state`]), read against its schema like upgraded state; a move it does
    /// not accept is an error naming source and target.
    pub async fn move_resource_state(&self, req: MoveResourceStateRequest) -> MoveResourceStateResponse {
        let tn = req.target_type_name.clone();
        run(
            "MoveResourceState",
            &tn,
            async move {
                let e = self.resource(&req.target_type_name)?;
                let raw = crate::json::parse(&req.source_state_json).map_err(|err| {
                    Diagnostics::from(Diagnostic::error("Malformed state", format!("The moved state is not valid JSON: {}", err.message)))
                })?;
                let source = crate::provider::MoveSource {
                    provider_address: &req.source_provider_address,
                    type_name: &req.source_type_name,
                    schema_version: req.source_schema_version,
                };
                let moved = e.imp.move_state(&source, raw).unwrap_or_else(|| {
                    Err(Diagnostic::error(
                        "Move not supported",
                        format!(
                            "{} cannot take the state of {} (provider {}): this provider moves only the same type from the \
                             providers it replaces. Import the object instead.",
                            req.target_type_name, req.source_type_name, req.source_provider_address
                        ),
                    )
                    .into())
                })?;
                let state = crate::json::from_json(&moved, &e.ty, crate::json::Extra::Drop).map_err(|err| {
                    Diagnostics::from(Diagnostic::error("Malformed state", format!("The moved state does not fit the schema: {err}")))
                })?;
                if state.is_null() {
                    return Err(Diagnostic::error("Malformed state", "The moved state is null.").into());
                }
                Ok(MoveResourceStateResponse {
                    target_state: Some(encode(&state, &e.ty, "moved state")?),
                    target_identity: e.identity_of(&state)?,
                    diagnostics: Diagnostics::new(),
                })
            },
            |d| MoveResourceStateResponse { diagnostics: d, ..Default::default() },
        )
        .await
    }
}
