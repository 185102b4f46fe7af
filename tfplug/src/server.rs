//! `tfplugin6.Provider` served over gRPC: decodes each request against the schema, calls the
//! provider, resource or data source, and runs the generic pipeline (validation, planning,
//! reconciliation). A panic inside any handler becomes an error diagnostic.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::Instant;

use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status};

use super::diag::{AttrPath, Diagnostic, Diagnostics, Failure, Severity, Step};
use super::plan::{self, Planned};
use super::proto::tfplugin6 as pb;
use super::proto::tfplugin6::provider_server::Provider as ProtoProvider;
use super::provider::{Ctx, DataSource, PlanRequest, Provider, Resource};
use super::schema::{Attribute, Identity, Kind, Nesting, Presence, Schema};
use super::types::Type;
use super::validate::validate_config;
use super::value::Value;
use super::{json, msgpack};

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

struct Catalog<C> {
    provider: Schema,
    provider_ty: Type,
    resources: BTreeMap<&'static str, Entry<dyn Resource<C>>>,
    data_sources: BTreeMap<&'static str, Entry<dyn DataSource<C>>>,
}

/// The gRPC service around a [`Provider`].
pub struct ProviderService<P: Provider> {
    inner: Arc<Inner<P>>,
}

struct Inner<P: Provider> {
    provider: P,
    catalog: OnceLock<Catalog<P::Client>>,
    client: OnceLock<P::Client>,
    /// ConfigureProvider came with values Terraform does not know yet (they depend on
    /// resources still to be created): no client, and nothing falls back to defaults.
    config_unknown: std::sync::atomic::AtomicBool,
    stop: CancellationToken,
}

impl<P: Provider> std::fmt::Debug for ProviderService<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProviderService")
    }
}

impl<P: Provider> ProviderService<P> {
    pub fn new(provider: P) -> Self {
        ProviderService {
            inner: Arc::new(Inner {
                provider,
                catalog: OnceLock::new(),
                client: OnceLock::new(),
                config_unknown: std::sync::atomic::AtomicBool::new(false),
                stop: CancellationToken::new(),
            }),
        }
    }
}

impl<P: Provider> Inner<P> {
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
            Catalog { provider, provider_ty, resources, data_sources }
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
    fn list_resource(&self, name: &str) -> Result<Listing<'_, P::Client>, Diagnostics> {
        let e = self.resource(name)?;
        match &e.list {
            Some((schema, ty)) if e.identity.is_some() => Ok(Listing { e, schema, ty }),
            _ => Err(Diagnostic::error("Unknown list resource type", format!("This provider has no list resource type {name:?}.")).into()),
        }
    }

    fn config_is_unknown(&self) -> bool {
        self.config_unknown.load(std::sync::atomic::Ordering::Relaxed)
    }

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
        Ctx { stop: self.stop.clone(), config: Value::Null }
    }
}

/// The stream ListResource answers with.
type ListEvents = Pin<Box<dyn tokio_stream::Stream<Item = Result<pb::list_resource::Event, Status>> + Send + 'static>>;

// ---- values in and out --------------------------------------------------------------------

fn decode(dv: Option<&pb::DynamicValue>, ty: &Type, what: &str) -> Result<Value, Diagnostics> {
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

fn encode(v: &Value, ty: &Type, what: &str) -> Result<pb::DynamicValue, Diagnostics> {
    let msgpack = msgpack::encode(v, ty).map_err(|e| {
        Diagnostics::from(Diagnostic::error(
            "Internal error: invalid value",
            format!("Could not encode the {what}: {e}. This is a bug in the provider."),
        ))
    })?;
    Ok(pb::DynamicValue { msgpack, json: Vec::new() })
}

fn diags_to_pb(d: &Diagnostics) -> Vec<pb::Diagnostic> {
    d.iter()
        .map(|d| pb::Diagnostic {
            severity: match d.severity {
                Severity::Error => pb::diagnostic::Severity::Error as i32,
                Severity::Warning => pb::diagnostic::Severity::Warning as i32,
            },
            summary: d.summary.clone(),
            detail: d.detail.clone(),
            attribute: d.path.as_ref().map(path_to_pb),
        })
        .collect()
}

fn path_to_pb(p: &AttrPath) -> pb::AttributePath {
    use pb::attribute_path::step::Selector;
    pb::AttributePath {
        steps: p
            .0
            .iter()
            .map(|s| pb::attribute_path::Step {
                selector: Some(match s {
                    Step::Attr(a) => Selector::AttributeName(a.clone()),
                    Step::Key(k) => Selector::ElementKeyString(k.clone()),
                    Step::Index(i) => Selector::ElementKeyInt(*i),
                }),
            })
            .collect(),
    }
}

// ---- resource identities (Terraform >= 1.12) -------------------------------------------------

impl<C> Entry<dyn Resource<C>> {
    /// The identity of the object whose state is `state`, as the protocol carries it; `None`
    /// when the resource has no identity or there is no object.
    fn identity_of(&self, state: &Value) -> Result<Option<pb::ResourceIdentityData>, Diagnostics> {
        let Some((ident, ty)) = &self.identity else { return Ok(None) };
        if state.is_null() {
            return Ok(None);
        }
        Ok(Some(pb::ResourceIdentityData { identity_data: Some(encode(&ident.of(state), ty, "identity")?) }))
    }

    /// An identity Terraform sent (null when absent or when the resource has none).
    fn decode_identity(&self, data: Option<&pb::ResourceIdentityData>) -> Result<Value, Diagnostics> {
        match (&self.identity, data.and_then(|d| d.identity_data.as_ref())) {
            (Some((_, ty)), Some(dv)) => decode(Some(dv), ty, "identity"),
            _ => Ok(Value::Null),
        }
    }

    /// Errors for every attribute of the identity Terraform holds (`held`) that the object's
    /// identity (`now`) no longer matches: an identity names one object for its whole life
    /// (terraform-plugin-framework's rule; Terraform stores whatever it is given). Attributes
    /// Terraform holds as null (an identity recorded at import by id) may be filled in.
    fn check_identity_kept(&self, held: &Value, now: &Value) -> Diagnostics {
        let mut d = Diagnostics::new();
        let Some((ident, _)) = &self.identity else { return d };
        if held.is_null() || now.is_null() {
            return d;
        }
        for a in &ident.attributes {
            let (h, n) = (held.get(&a.name), now.get(&a.name));
            if !h.is_null() && h.is_known() && n.is_known() && h != n {
                d.error(
                    "Unexpected identity change",
                    format!(
                        "Terraform holds {} = {} as the identity of this {}, but the object now has {}. An identity names one object for its whole life: this is a bug in the provider, please report it.",
                        a.name,
                        super::validate::show(h),
                        self.imp.type_name(),
                        super::validate::show(n)
                    ),
                );
            }
        }
        d
    }

    /// An identity given for import: every attribute required for import must be set.
    fn check_import_identity(&self, identity: &Value) -> Diagnostics {
        let mut d = Diagnostics::new();
        let Some((ident, _)) = &self.identity else {
            d.error("Import by identity not supported", format!("{} has no resource identity: import it by id.", self.imp.type_name()));
            return d;
        };
        if identity.is_null() || !identity.is_wholly_known() {
            d.error("Invalid import identity", "The identity to import must be known (no values known only after apply).");
            return d;
        }
        for a in ident.attributes.iter().filter(|a| a.required_for_import) {
            if identity.get(&a.name).as_str().is_none_or(|s| s.trim().is_empty()) {
                d.error(
                    "Invalid import identity",
                    format!("The identity of a {} to import needs `{}`: {}", self.imp.type_name(), a.name, a.description),
                );
            }
        }
        d
    }
}

fn identity_schema_to_pb(ident: &Identity, ty: &Type) -> pb::ResourceIdentitySchema {
    pb::ResourceIdentitySchema {
        version: ident.version,
        identity_attributes: ident
            .attributes
            .iter()
            .map(|a| pb::resource_identity_schema::IdentityAttribute {
                name: a.name.clone(),
                r#type: match ty {
                    Type::Object(m) => m.get(&a.name).unwrap_or(&Type::String).to_json_bytes(),
                    _ => Type::String.to_json_bytes(),
                },
                required_for_import: a.required_for_import,
                optional_for_import: !a.required_for_import,
                description: a.description.clone(),
            })
            .collect(),
    }
}

/// UpgradeResourceIdentity's work: identity JSON stored at `version` read against the current
/// identity type. Version 0 is the only one so far: the JSON passes through, checked.
pub fn upgrade_identity_json(ident: &Identity, ty: &Type, version: i64, raw: &[u8]) -> Result<Value, Diagnostics> {
    if version > ident.version {
        return Err(Diagnostic::error(
            "Identity written by a newer provider",
            format!("The stored identity has version {version}, but this provider knows version {} at most. Use the provider version that wrote it, or a newer one.", ident.version),
        )
        .into());
    }
    let j = json::parse(raw).map_err(|err| {
        Diagnostics::from(Diagnostic::error("Malformed identity", format!("The stored identity is not valid JSON: {}", err.message)))
    })?;
    let v = json::from_json(&j, ty, json::Extra::Reject).map_err(|err| {
        Diagnostics::from(Diagnostic::error("Malformed identity", format!("The stored identity does not fit the identity schema: {err}")))
    })?;
    if v.is_null() {
        return Err(Diagnostic::error("Malformed identity", "The stored identity is null.").into());
    }
    for a in ident.attributes.iter().filter(|a| a.required_for_import) {
        if v.get(&a.name).is_null() {
            return Err(Diagnostic::error("Malformed identity", format!("The stored identity has no `{}`.", a.name)).into());
        }
    }
    Ok(v)
}

/// Refuses state written by a newer schema version than the resource's.
fn check_state_version<C>(imp: &dyn Resource<C>, schema: &Schema, version: i64) -> Result<(), Diagnostics> {
    if version > schema.version {
        return Err(Diagnostic::error(
            "State written by a newer provider",
            format!(
                "The state of this {} has schema version {version}, but this provider knows version {} at most. Use the provider version that wrote it, or a newer one.",
                imp.type_name(),
                schema.version
            ),
        )
        .into());
    }
    Ok(())
}

/// UpgradeResourceState's JSON path: state JSON stored at schema `version`, parsed within the
/// decoding bounds, upgraded by the resource if older, and read against the current type `ty`
/// (attributes removed since are dropped). What the RPC runs, public so that the fuzz targets
/// and tests drive the very same code.
pub fn upgrade_json_state<C>(imp: &dyn Resource<C>, schema: &Schema, ty: &Type, version: i64, raw: &[u8]) -> Result<Value, Diagnostics> {
    check_state_version(imp, schema, version)?;
    let mut j = json::parse(raw).map_err(|err| {
        Diagnostics::from(Diagnostic::error("Malformed state", format!("The stored state is not valid JSON: {}", err.message)))
    })?;
    if version < schema.version {
        j = imp.upgrade_state(version, j)?;
    }
    json::from_json(&j, ty, json::Extra::Drop)
        .map_err(|err| Diagnostics::from(Diagnostic::error("Malformed state", format!("The stored state does not fit the schema: {err}"))))
}

// ---- schema to protocol ----------------------------------------------------------------------

fn schema_to_pb(s: &Schema) -> pb::Schema {
    pb::Schema {
        version: s.version,
        block: Some(pb::schema::Block {
            version: s.version,
            attributes: s.attributes.iter().map(attr_to_pb).collect(),
            block_types: Vec::new(),
            description: s.description.clone(),
            description_kind: pb::StringKind::Markdown as i32,
            deprecated: s.deprecation.is_some(),
            ..Default::default()
        }),
    }
}

fn attr_to_pb(a: &Attribute) -> pb::schema::Attribute {
    let (ty, nested) = match &a.kind {
        Kind::Value(t) => (t.to_json_bytes(), None),
        Kind::Nested(n, children) => (
            Vec::new(),
            Some(pb::schema::Object {
                attributes: children.iter().map(attr_to_pb).collect(),
                nesting: match n {
                    Nesting::Single => pb::schema::object::NestingMode::Single,
                    Nesting::List => pb::schema::object::NestingMode::List,
                    Nesting::Set => pb::schema::object::NestingMode::Set,
                    Nesting::Map => pb::schema::object::NestingMode::Map,
                } as i32,
                ..Default::default()
            }),
        ),
    };
    pb::schema::Attribute {
        name: a.name.clone(),
        r#type: ty,
        nested_type: nested,
        description: a.description.clone(),
        required: a.presence == Presence::Required,
        optional: matches!(a.presence, Presence::Optional | Presence::OptionalComputed),
        computed: a.presence.is_computed(),
        sensitive: a.sensitive,
        description_kind: pb::StringKind::Markdown as i32,
        deprecated: a.deprecation.is_some(),
        write_only: a.write_only,
        ..Default::default()
    }
}

// ---- panic guard ----------------------------------------------------------------------------

/// Polls a handler future with panics caught; a panic becomes an error diagnostic.
struct Guarded<'a, T> {
    fut: Pin<Box<dyn Future<Output = T> + Send + 'a>>,
}

impl<T> Future for Guarded<'_, T> {
    type Output = std::thread::Result<T>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let fut = &mut self.fut;
        match super::log::guarded(|| std::panic::catch_unwind(AssertUnwindSafe(|| fut.as_mut().poll(cx)))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Err(p) => Poll::Ready(Err(p)),
        }
    }
}

/// Runs one RPC: logs it, catches panics, and turns failures into a response via `fail`.
async fn run<'a, R>(
    rpc: &'static str,
    type_name: &str,
    fut: impl Future<Output = Result<R, Diagnostics>> + Send + 'a,
    fail: impl FnOnce(Vec<pb::Diagnostic>) -> R,
) -> Result<Response<R>, Status> {
    let start = Instant::now();
    let out = Guarded { fut: Box::pin(fut) }.await;
    let resp = match out {
        Ok(Ok(r)) => r,
        Ok(Err(d)) => fail(diags_to_pb(&d)),
        Err(panic) => {
            let msg = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            let d = Diagnostic::error(
                "Internal error in the provider",
                format!(
                    "The provider hit an internal error while handling {rpc}: {msg}. Please report this, with the Terraform configuration that caused it."
                ),
            );
            fail(diags_to_pb(&d.into()))
        }
    };
    tracing::debug!(tf_rpc = rpc, tf_type = type_name, duration_ms = start.elapsed().as_secs_f64() * 1000.0, "served");
    Ok(Response::new(resp))
}

/// Splits a failure into its diagnostics and the state to record.
fn split(f: Failure) -> (Diagnostics, Option<Value>) {
    (f.diags, f.partial_state)
}

// ---- the service ----------------------------------------------------------------------------

#[tonic::async_trait]
impl<P: Provider> ProtoProvider for ProviderService<P> {
    async fn get_metadata(&self, _req: Request<pb::get_metadata::Request>) -> Result<Response<pb::get_metadata::Response>, Status> {
        let inner = &self.inner;
        run(
            "GetMetadata",
            "",
            async move {
                let c = inner.catalog();
                Ok(pb::get_metadata::Response {
                    server_capabilities: Some(server_capabilities()),
                    resources: c.resources.keys().map(|k| pb::get_metadata::ResourceMetadata { type_name: k.to_string() }).collect(),
                    data_sources: c
                        .data_sources
                        .keys()
                        .map(|k| pb::get_metadata::DataSourceMetadata { type_name: k.to_string() })
                        .collect(),
                    list_resources: c
                        .resources
                        .iter()
                        .filter(|(_, e)| e.list.is_some())
                        .map(|(k, _)| pb::get_metadata::ListResourceMetadata { type_name: k.to_string() })
                        .collect(),
                    ..Default::default()
                })
            },
            |d| pb::get_metadata::Response { diagnostics: d, ..Default::default() },
        )
        .await
    }

    async fn get_provider_schema(
        &self,
        _req: Request<pb::get_provider_schema::Request>,
    ) -> Result<Response<pb::get_provider_schema::Response>, Status> {
        let inner = &self.inner;
        run(
            "GetProviderSchema",
            "",
            async move {
                let c = inner.catalog();
                Ok(pb::get_provider_schema::Response {
                    provider: Some(schema_to_pb(&c.provider)),
                    resource_schemas: c.resources.iter().map(|(k, e)| (k.to_string(), schema_to_pb(&e.schema))).collect(),
                    data_source_schemas: c.data_sources.iter().map(|(k, e)| (k.to_string(), schema_to_pb(&e.schema))).collect(),
                    list_resource_schemas: c
                        .resources
                        .iter()
                        .filter_map(|(k, e)| Some((k.to_string(), schema_to_pb(&e.list.as_ref()?.0))))
                        .collect(),
                    server_capabilities: Some(server_capabilities()),
                    ..Default::default()
                })
            },
            |d| pb::get_provider_schema::Response { diagnostics: d, ..Default::default() },
        )
        .await
    }

    async fn validate_provider_config(
        &self,
        req: Request<pb::validate_provider_config::Request>,
    ) -> Result<Response<pb::validate_provider_config::Response>, Status> {
        let req = req.into_inner();
        let inner = &self.inner;
        run(
            "ValidateProviderConfig",
            "",
            async move {
                let c = inner.catalog();
                let config = decode(req.config.as_ref(), &c.provider_ty, "provider configuration")?;
                let mut d = Diagnostics::new();
                validate_config(&c.provider.attributes, &config, &AttrPath::root(), &mut d);
                d.extend(inner.provider.validate(&config));
                Ok(pb::validate_provider_config::Response { diagnostics: diags_to_pb(&d) })
            },
            |d| pb::validate_provider_config::Response { diagnostics: d },
        )
        .await
    }

    async fn validate_resource_config(
        &self,
        req: Request<pb::validate_resource_config::Request>,
    ) -> Result<Response<pb::validate_resource_config::Response>, Status> {
        let req = req.into_inner();
        let inner = &self.inner;
        let tn = req.type_name.clone();
        run(
            "ValidateResourceConfig",
            &tn,
            async move {
                let e = inner.resource(&req.type_name)?;
                let config = decode(req.config.as_ref(), &e.ty, "configuration")?;
                let mut d = Diagnostics::new();
                validate_config(&e.schema.attributes, &config, &AttrPath::root(), &mut d);
                // A client that does not know write-only attributes (Terraform < 1.11, OpenTofu
                // < 1.11: no client capability) would plan and store the value like any other.
                if !req.client_capabilities.is_some_and(|c| c.write_only_attributes_allowed) {
                    d.extend(plan::write_only_refused(&e.schema.attributes, &config, &AttrPath::root()));
                }
                if !d.has_errors() {
                    d.extend(e.imp.validate(&config));
                }
                Ok(pb::validate_resource_config::Response { diagnostics: diags_to_pb(&d) })
            },
            |d| pb::validate_resource_config::Response { diagnostics: d },
        )
        .await
    }

    async fn validate_data_resource_config(
        &self,
        req: Request<pb::validate_data_resource_config::Request>,
    ) -> Result<Response<pb::validate_data_resource_config::Response>, Status> {
        let req = req.into_inner();
        let inner = &self.inner;
        let tn = req.type_name.clone();
        run(
            "ValidateDataResourceConfig",
            &tn,
            async move {
                let e = inner.data_source(&req.type_name)?;
                let config = decode(req.config.as_ref(), &e.ty, "configuration")?;
                let mut d = Diagnostics::new();
                validate_config(&e.schema.attributes, &config, &AttrPath::root(), &mut d);
                if !d.has_errors() {
                    d.extend(e.imp.validate(&config));
                }
                Ok(pb::validate_data_resource_config::Response { diagnostics: diags_to_pb(&d) })
            },
            |d| pb::validate_data_resource_config::Response { diagnostics: d },
        )
        .await
    }

    async fn upgrade_resource_state(
        &self,
        req: Request<pb::upgrade_resource_state::Request>,
    ) -> Result<Response<pb::upgrade_resource_state::Response>, Status> {
        let req = req.into_inner();
        let inner = &self.inner;
        let tn = req.type_name.clone();
        run(
            "UpgradeResourceState",
            &tn,
            async move {
                let e = inner.resource(&req.type_name)?;
                check_state_version(&*e.imp, &e.schema, req.version)?;
                let raw = req.raw_state.unwrap_or_default();
                if raw.json.is_empty() {
                    if !raw.flatmap.is_empty() {
                        return Err(Diagnostic::error(
                            "Unsupported state format",
                            "This state uses the flatmap format of Terraform 0.11 and earlier, which this provider never wrote.",
                        )
                        .into());
                    }
                    let upgraded_state = Some(encode(&Value::Null, &e.ty, "state")?);
                    return Ok(pb::upgrade_resource_state::Response { upgraded_state, diagnostics: Vec::new() });
                }
                let v = upgrade_json_state(&*e.imp, &e.schema, &e.ty, req.version, &raw.json)?;
                let upgraded_state = Some(encode(&v, &e.ty, "state")?);
                Ok(pb::upgrade_resource_state::Response { upgraded_state, diagnostics: Vec::new() })
            },
            |d| pb::upgrade_resource_state::Response { diagnostics: d, ..Default::default() },
        )
        .await
    }

    async fn configure_provider(
        &self,
        req: Request<pb::configure_provider::Request>,
    ) -> Result<Response<pb::configure_provider::Response>, Status> {
        let req = req.into_inner();
        let inner = &self.inner;
        run(
            "ConfigureProvider",
            "",
            async move {
                let c = inner.catalog();
                let config = decode(req.config.as_ref(), &c.provider_ty, "provider configuration")?;
                if !config.is_wholly_known() {
                    // Never fall back to environment variables or defaults for a value the
                    // user did set, just not yet: calls that need the API say so instead.
                    inner.config_unknown.store(true, std::sync::atomic::Ordering::Relaxed);
                    tracing::debug!("provider configuration has unknown values; API calls are deferred");
                    return Ok(pb::configure_provider::Response { diagnostics: Vec::new() });
                }
                let client = inner.provider.configure(&config, &req.terraform_version).await?;
                // A second ConfigureProvider in one process keeps the first client.
                let _ = inner.client.set(client);
                Ok(pb::configure_provider::Response { diagnostics: Vec::new() })
            },
            |d| pb::configure_provider::Response { diagnostics: d },
        )
        .await
    }

    async fn read_resource(&self, req: Request<pb::read_resource::Request>) -> Result<Response<pb::read_resource::Response>, Status> {
        let req = req.into_inner();
        let inner = &self.inner;
        let tn = req.type_name.clone();
        let private = req.private.clone();
        run(
            "ReadResource",
            &tn,
            async move {
                let e = inner.resource(&req.type_name)?;
                let current = decode(req.current_state.as_ref(), &e.ty, "current state")?;
                // Nothing to read, or no way to read it yet (configuration unknown during plan):
                // the state stays as it is.
                let held = e.decode_identity(req.current_identity.as_ref())?;
                if current.is_null() || inner.config_is_unknown() {
                    return Ok(pb::read_resource::Response {
                        new_identity: e.identity_of(&current)?,
                        new_state: req.current_state,
                        private: req.private,
                        ..Default::default()
                    });
                }
                let client = inner.client()?;
                let (new_state, mut d) = match e.imp.read(client, &inner.ctx(), &current).await {
                    Ok(Some(v)) => (plan::as_stored(&e.schema.attributes, &v), Diagnostics::new()),
                    Ok(None) => (Value::Null, Diagnostics::new()),
                    Err(f) => {
                        let (d, partial) = split(f);
                        (partial.unwrap_or(current), d)
                    }
                };
                if let Some((ident, _)) = &e.identity {
                    d.extend(e.check_identity_kept(&held, &ident.of(&new_state)));
                }
                Ok(pb::read_resource::Response {
                    new_state: Some(encode(&new_state, &e.ty, "new state")?),
                    diagnostics: diags_to_pb(&d),
                    private: req.private,
                    new_identity: e.identity_of(&new_state)?,
                    ..Default::default()
                })
            },
            |d| pb::read_resource::Response { diagnostics: d, private, ..Default::default() },
        )
        .await
    }

    async fn plan_resource_change(
        &self,
        req: Request<pb::plan_resource_change::Request>,
    ) -> Result<Response<pb::plan_resource_change::Response>, Status> {
        let req = req.into_inner();
        let inner = &self.inner;
        let tn = req.type_name.clone();
        run(
            "PlanResourceChange",
            &tn,
            async move {
                let e = inner.resource(&req.type_name)?;
                let prior = decode(req.prior_state.as_ref(), &e.ty, "prior state")?;
                let proposed = decode(req.proposed_new_state.as_ref(), &e.ty, "proposed new state")?;
                let config = decode(req.config.as_ref(), &e.ty, "configuration")?;
                let held = e.decode_identity(req.prior_identity.as_ref())?;
                let mut planned: Planned = plan::plan(&e.schema.attributes, &prior, &config, &proposed);
                let mut d = Diagnostics::new();
                if !planned.state.is_null() {
                    d.extend(e.imp.modify_plan(&PlanRequest { prior: &prior, config: &config }, &mut planned));
                    let errs = plan::check_plan(&e.schema.attributes, &prior, &config, &planned.state);
                    if !errs.is_empty() {
                        d.error(
                            "Internal error: invalid plan",
                            format!(
                                "The provider built a plan Terraform would reject ({}). This is a bug in the provider.",
                                errs.join("; ")
                            ),
                        );
                    }
                }
                if d.has_errors() {
                    return Err(d);
                }
                planned.requires_replace.sort();
                planned.requires_replace.dedup();
                // An update keeps the object's identity (known: Terraform requires it); a
                // create or replacement plans it with what is unknown until apply.
                let planned_identity = e.identity_of(&planned.state)?;
                if let (Some((ident, _)), false) = (&e.identity, prior.is_null() || !planned.requires_replace.is_empty()) {
                    let d2 = e.check_identity_kept(&held, &ident.of(&planned.state));
                    if d2.has_errors() {
                        return Err(d2);
                    }
                }
                Ok(pb::plan_resource_change::Response {
                    planned_state: Some(encode(&planned.state, &e.ty, "planned state")?),
                    requires_replace: planned.requires_replace.iter().map(path_to_pb).collect(),
                    planned_private: req.prior_private,
                    diagnostics: diags_to_pb(&d),
                    planned_identity,
                    ..Default::default()
                })
            },
            |d| pb::plan_resource_change::Response { diagnostics: d, ..Default::default() },
        )
        .await
    }

    async fn apply_resource_change(
        &self,
        req: Request<pb::apply_resource_change::Request>,
    ) -> Result<Response<pb::apply_resource_change::Response>, Status> {
        let req = req.into_inner();
        let inner = &self.inner;
        let tn = req.type_name.clone();
        // If the handler fails before it produced a state (a panic, a malformed request), hand
        // Terraform its prior state back verbatim: a missing new_state reads as null, and
        // Terraform would forget an object that still exists.
        let prior_raw = req.prior_state.clone();
        let private_raw = req.planned_private.clone();
        run(
            "ApplyResourceChange",
            &tn,
            async move {
                let e = inner.resource(&req.type_name)?;
                let prior = decode(req.prior_state.as_ref(), &e.ty, "prior state")?;
                let planned = decode(req.planned_state.as_ref(), &e.ty, "planned state")?;
                let client = inner.client()?;
                // The configuration reaches create and update through the context: write-only
                // values are in it alone (planned and prior states hold them as null).
                let config = decode(req.config.as_ref(), &e.ty, "configuration")?;
                let ctx = Ctx { config, ..inner.ctx() };
                let attrs = &e.schema.attributes;
                let mut d = Diagnostics::new();
                let new_state = if planned.is_null() {
                    match e.imp.delete(client, &ctx, &prior).await {
                        Ok(()) => Value::Null,
                        Err(f) => {
                            let (fd, partial) = split(f);
                            d.extend(fd);
                            partial.unwrap_or(prior)
                        }
                    }
                } else {
                    let result = if prior.is_null() {
                        e.imp.create(client, &ctx, &planned).await
                    } else {
                        e.imp.update(client, &ctx, &prior, &planned).await
                    };
                    match result {
                        Ok(v) => plan::reconcile(attrs, &planned, &v, &mut d),
                        Err(f) => {
                            let (fd, partial) = split(f);
                            d.extend(fd);
                            match partial {
                                // What the API holds, not the plan: Terraform checks no plan
                                // consistency when an apply fails (a failed create is tainted).
                                Some(v) => plan::strip_unknowns(&v),
                                // Nothing created: no state. A failed update keeps the prior state.
                                None => prior,
                            }
                        }
                    }
                };
                Ok(pb::apply_resource_change::Response {
                    new_state: Some(encode(&new_state, &e.ty, "new state")?),
                    private: req.planned_private,
                    diagnostics: diags_to_pb(&d),
                    new_identity: e.identity_of(&new_state)?,
                    ..Default::default()
                })
            },
            |d| pb::apply_resource_change::Response {
                private: private_raw,
                diagnostics: d,
                // The prior object's identity (none for a create): planned identities may hold
                // unknowns, which Terraform refuses after apply.
                new_identity: inner.resource(&tn).ok().and_then(|e| {
                    let prior = decode(prior_raw.as_ref(), &e.ty, "prior state").ok()?;
                    e.identity_of(&prior).ok().flatten()
                }),
                new_state: prior_raw,
                ..Default::default()
            },
        )
        .await
    }

    async fn import_resource_state(
        &self,
        req: Request<pb::import_resource_state::Request>,
    ) -> Result<Response<pb::import_resource_state::Response>, Status> {
        let req = req.into_inner();
        let inner = &self.inner;
        let tn = req.type_name.clone();
        run(
            "ImportResourceState",
            &tn,
            async move {
                let e = inner.resource(&req.type_name)?;
                let identity = e.decode_identity(req.identity.as_ref())?;
                let client = inner.client()?;
                // Terraform >= 1.12 sends an identity instead of an id for `import { identity = {...} }`.
                let state = if req.identity.as_ref().is_some_and(|i| i.identity_data.is_some()) {
                    let d = e.check_import_identity(&identity);
                    if d.has_errors() {
                        return Err(d);
                    }
                    e.imp.import_identity(client, &inner.ctx(), &identity).await.map_err(|f| f.diags)?
                } else {
                    e.imp.import(client, &inner.ctx(), &req.id).await.map_err(|f| f.diags)?
                };
                let state = plan::as_stored(&e.schema.attributes, &state);
                Ok(pb::import_resource_state::Response {
                    imported_resources: vec![pb::import_resource_state::ImportedResource {
                        type_name: req.type_name.clone(),
                        state: Some(encode(&state, &e.ty, "imported state")?),
                        identity: e.identity_of(&state)?,
                        ..Default::default()
                    }],
                    ..Default::default()
                })
            },
            |d| pb::import_resource_state::Response { diagnostics: d, ..Default::default() },
        )
        .await
    }

    async fn read_data_source(
        &self,
        req: Request<pb::read_data_source::Request>,
    ) -> Result<Response<pb::read_data_source::Response>, Status> {
        let req = req.into_inner();
        let inner = &self.inner;
        let tn = req.type_name.clone();
        run(
            "ReadDataSource",
            &tn,
            async move {
                let e = inner.data_source(&req.type_name)?;
                let config = decode(req.config.as_ref(), &e.ty, "configuration")?;
                let client = inner.client()?;
                let returned = e.imp.read(client, &inner.ctx(), &config).await.map_err(|f| f.diags)?;
                // Configured values are echoed; computed ones come from the read.
                let expected = plan::plan(&e.schema.attributes, &Value::Null, &config, &config).state;
                let mut d = Diagnostics::new();
                let state = plan::reconcile(&e.schema.attributes, &expected, &returned, &mut d);
                Ok(pb::read_data_source::Response {
                    state: Some(encode(&state, &e.ty, "data source result")?),
                    diagnostics: diags_to_pb(&d),
                    ..Default::default()
                })
            },
            |d| pb::read_data_source::Response { diagnostics: d, ..Default::default() },
        )
        .await
    }

    async fn stop_provider(&self, _req: Request<pb::stop_provider::Request>) -> Result<Response<pb::stop_provider::Response>, Status> {
        tracing::info!(tf_rpc = "StopProvider", "stop requested: cancelling in-flight work");
        self.inner.stop.cancel();
        Ok(Response::new(pb::stop_provider::Response { error: String::new() }))
    }

    // ---- newer protocol minors: we declare no functions, ephemeral resources, state stores
    // or actions, so clients never need these; answer each so that a client treats the
    // feature as absent.

    async fn get_functions(&self, _req: Request<pb::get_functions::Request>) -> Result<Response<pb::get_functions::Response>, Status> {
        Ok(Response::new(pb::get_functions::Response { functions: HashMap::new(), diagnostics: Vec::new() }))
    }

    async fn get_resource_identity_schemas(
        &self,
        _req: Request<pb::get_resource_identity_schemas::Request>,
    ) -> Result<Response<pb::get_resource_identity_schemas::Response>, Status> {
        let inner = &self.inner;
        run(
            "GetResourceIdentitySchemas",
            "",
            async move {
                let identity_schemas = inner
                    .catalog()
                    .resources
                    .iter()
                    .filter_map(|(k, e)| e.identity.as_ref().map(|(i, t)| (k.to_string(), identity_schema_to_pb(i, t))))
                    .collect();
                Ok(pb::get_resource_identity_schemas::Response { identity_schemas, diagnostics: Vec::new() })
            },
            |d| pb::get_resource_identity_schemas::Response { diagnostics: d, ..Default::default() },
        )
        .await
    }

    async fn upgrade_resource_identity(
        &self,
        req: Request<pb::upgrade_resource_identity::Request>,
    ) -> Result<Response<pb::upgrade_resource_identity::Response>, Status> {
        let req = req.into_inner();
        let inner = &self.inner;
        let tn = req.type_name.clone();
        run(
            "UpgradeResourceIdentity",
            &tn,
            async move {
                let e = inner.resource(&req.type_name)?;
                let Some((ident, ty)) = &e.identity else {
                    return Err(Diagnostic::error("No resource identity", format!("{} has no resource identity.", req.type_name)).into());
                };
                let raw = req.raw_identity.unwrap_or_default();
                let v = upgrade_identity_json(ident, ty, req.version, &raw.json)?;
                Ok(pb::upgrade_resource_identity::Response {
                    upgraded_identity: Some(pb::ResourceIdentityData { identity_data: Some(encode(&v, ty, "identity")?) }),
                    diagnostics: Vec::new(),
                })
            },
            |d| pb::upgrade_resource_identity::Response { diagnostics: d, ..Default::default() },
        )
        .await
    }

    async fn generate_resource_config(
        &self,
        req: Request<pb::generate_resource_config::Request>,
    ) -> Result<Response<pb::generate_resource_config::Response>, Status> {
        let req = req.into_inner();
        let inner = &self.inner;
        let tn = req.type_name.clone();
        run(
            "GenerateResourceConfig",
            &tn,
            async move {
                let e = inner.resource(&req.type_name)?;
                let state = decode(req.state.as_ref(), &e.ty, "state")?;
                if state.is_null() || !state.is_wholly_known() {
                    return Err(Diagnostic::error(
                        "Cannot generate configuration",
                        "GenerateResourceConfig needs the known state of an existing object, and none came with the request. \
                         Terraform 1.14.0 sends this call without the imported state (fixed in 1.14.1): upgrade Terraform to use \
                         -generate-config-out with this provider.",
                    )
                    .into());
                }
                let config = e.imp.generate_config(&state);
                Ok(pb::generate_resource_config::Response {
                    config: Some(encode(&config, &e.ty, "configuration")?),
                    diagnostics: Vec::new(),
                })
            },
            |d| pb::generate_resource_config::Response { diagnostics: d, ..Default::default() },
        )
        .await
    }

    async fn validate_list_resource_config(
        &self,
        req: Request<pb::validate_list_resource_config::Request>,
    ) -> Result<Response<pb::validate_list_resource_config::Response>, Status> {
        let req = req.into_inner();
        let inner = &self.inner;
        let tn = req.type_name.clone();
        run(
            "ValidateListResourceConfig",
            &tn,
            async move {
                let Listing { e, schema, ty } = inner.list_resource(&req.type_name)?;
                let config = decode(req.config.as_ref(), ty, "list configuration")?;
                let mut d = Diagnostics::new();
                validate_config(&schema.attributes, &config, &AttrPath::root(), &mut d);
                // Terraform (1.14) sends neither today; check them if it ever does.
                let limit = decode(req.limit.as_ref(), &Type::Number, "limit")?;
                if limit.as_number().is_some_and(|n| n.as_f64() < 0.0) {
                    d.error("Invalid limit", format!("The limit of a {} list must not be negative.", e.imp.type_name()));
                }
                decode(req.include_resource_object.as_ref(), &Type::Bool, "include_resource_object")?;
                Ok(pb::validate_list_resource_config::Response { diagnostics: diags_to_pb(&d) })
            },
            |d| pb::validate_list_resource_config::Response { diagnostics: d },
        )
        .await
    }

    async fn list_resource(&self, req: Request<pb::list_resource::Request>) -> Result<Response<ListEvents>, Status> {
        let req = req.into_inner();
        let inner = &self.inner;
        let tn = req.type_name.clone();
        let events = run(
            "ListResource",
            &tn,
            async move {
                let Listing { e, ty, .. } = inner.list_resource(&req.type_name)?;
                // No `config` block: null, every object.
                let config = decode(req.config.as_ref(), ty, "list configuration")?;
                let client = inner.client()?;
                let limit = usize::try_from(req.limit.max(0)).unwrap_or(usize::MAX);
                let mut found =
                    if limit == 0 { Vec::new() } else { e.imp.list(client, &inner.ctx(), &config, limit).await.map_err(|f| f.diags)? };
                found.truncate(limit);
                let mut events = Vec::with_capacity(found.len());
                for o in found {
                    let state = plan::as_stored(&e.schema.attributes, &o.state);
                    let identity = e.identity_of(&state)?.ok_or_else(|| {
                        Diagnostics::from(Diagnostic::error(
                            "Internal error: no identity",
                            format!("A listed {} has no identity. This is a bug in the provider.", e.imp.type_name()),
                        ))
                    })?;
                    events.push(pb::list_resource::Event {
                        identity: Some(identity),
                        display_name: o.display_name,
                        resource_object: if req.include_resource_object { Some(encode(&state, &e.ty, "listed object")?) } else { None },
                        diagnostic: Vec::new(),
                    });
                }
                Ok(events)
            },
            // A failure is one event carrying the diagnostics (Terraform stops at an error).
            |d| vec![pb::list_resource::Event { diagnostic: d, ..Default::default() }],
        )
        .await?
        .into_inner();
        let stream: ListEvents = Box::pin(tokio_stream::iter(events.into_iter().map(Ok)));
        Ok(Response::new(stream))
    }

    async fn move_resource_state(
        &self,
        req: Request<pb::move_resource_state::Request>,
    ) -> Result<Response<pb::move_resource_state::Response>, Status> {
        let req = req.into_inner();
        let d = Diagnostic::error(
            "Move not supported",
            format!("Moving {} state into {} is not supported by this provider.", req.source_type_name, req.target_type_name),
        );
        Ok(Response::new(pb::move_resource_state::Response { diagnostics: diags_to_pb(&d.into()), ..Default::default() }))
    }
}

fn server_capabilities() -> pb::ServerCapabilities {
    // Keep Terraform 1.0 behaviour everywhere: destroy without a plan call, schema fetched per
    // process. Every resource generates its configuration (Terraform >= 1.14).
    pb::ServerCapabilities {
        plan_destroy: false,
        get_provider_schema_optional: false,
        move_resource_state: false,
        generate_resource_config: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{int, string};

    /// A resource that only has a schema (the upgrade path calls nothing else).
    struct Plain;

    #[async_trait::async_trait]
    impl Resource<()> for Plain {
        fn type_name(&self) -> &'static str {
            "test_plain"
        }
        fn schema(&self) -> Schema {
            Schema::new("p").attr(string("id").computed().desc("i")).attr(int("port").optional().desc("p"))
        }
        async fn create(&self, _: &(), _: &Ctx, planned: &Value) -> Result<Value, Failure> {
            Ok(planned.clone())
        }
        async fn read(&self, _: &(), _: &Ctx, state: &Value) -> Result<Option<Value>, Failure> {
            Ok(Some(state.clone()))
        }
        async fn update(&self, _: &(), _: &Ctx, _: &Value, planned: &Value) -> Result<Value, Failure> {
            Ok(planned.clone())
        }
        async fn delete(&self, _: &(), _: &Ctx, _: &Value) -> Result<(), Failure> {
            Ok(())
        }
    }

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
            (pb::DynamicValue { msgpack: long, json: Vec::new() }, &plain, "longer than the 1048576 allowed"),
            (pb::DynamicValue { msgpack: deep, json: Vec::new() }, &deep_ty, "nested deeper than 64"),
            (pb::DynamicValue { msgpack: huge, json: Vec::new() }, &Type::list(Type::String), "length exceeds the data"),
            (pb::DynamicValue { msgpack: Vec::new(), json: deep_json }, &deep_ty, "nested deeper than 127"),
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
}
