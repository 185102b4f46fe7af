//! `tfplugin6.Provider` over gRPC: a thin adapter over the [`Engine`]. Each handler moves the
//! protobuf request into the engine's request type, awaits the engine, and moves the answer
//! back; diagnostics are converted by one function (`diagnostics`) for every RPC. Nothing
//! here decodes a value, looks up a type or decides anything.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::Arc;

use tonic::{Request, Response, Status};

use crate::diag::{AttrPath, Diagnostics, Severity, Step};
use crate::engine::{self, DynamicValue, Engine, ServerCapabilities};
use crate::proto::tfplugin6 as pb;
use crate::proto::tfplugin6::provider_server::Provider as ProtoProvider;
use crate::provider::{Parameter, Progress, Provider, Signature};
use crate::schema::{Attribute, Identity, Kind, Nesting, Presence, Schema};
use crate::types::Type;

/// Kept here too: the fuzz targets reach the upgrade paths through this module.
pub use crate::engine::{upgrade_identity_json, upgrade_json_state};

/// The gRPC service around a [`Provider`]: its [`Engine`] behind the tfplugin6 messages.
pub struct ProviderService<P: Provider> {
    /// Shared with the task that runs an InvokeAction while its events stream out.
    engine: Arc<Engine<P>>,
}

impl<P: Provider> std::fmt::Debug for ProviderService<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProviderService")
    }
}

impl<P: Provider> ProviderService<P> {
    /// The service for `provider`, not configured yet.
    pub fn new(provider: P) -> Self {
        ProviderService { engine: Arc::new(Engine::new(provider)) }
    }

    /// The engine the service adapts.
    pub fn engine(&self) -> &Engine<P> {
        &self.engine
    }
}

/// The stream ListResource answers with.
type ListEvents = Pin<Box<dyn tokio_stream::Stream<Item = Result<pb::list_resource::Event, Status>> + Send + 'static>>;

/// The stream InvokeAction answers with: progress events as they come, then one completed event.
type ActionEvents = Pin<Box<dyn tokio_stream::Stream<Item = Result<pb::invoke_action::Event, Status>> + Send + 'static>>;

// ---- messages in and out ----------------------------------------------------------------------

fn value_in(v: Option<pb::DynamicValue>) -> Option<DynamicValue> {
    v.map(|v| DynamicValue { msgpack: v.msgpack, json: v.json })
}

fn value_out(v: Option<DynamicValue>) -> Option<pb::DynamicValue> {
    v.map(|v| pb::DynamicValue { msgpack: v.msgpack, json: v.json })
}

/// An identity in: `None` when the message or its data is absent.
fn identity_in(i: Option<pb::ResourceIdentityData>) -> Option<DynamicValue> {
    value_in(i.and_then(|i| i.identity_data))
}

fn identity_out(v: Option<DynamicValue>) -> Option<pb::ResourceIdentityData> {
    v.map(|v| pb::ResourceIdentityData { identity_data: value_out(Some(v)) })
}

/// Every RPC's diagnostics, in the protocol's form.
fn diagnostics(d: &Diagnostics) -> Vec<pb::Diagnostic> {
    d.iter()
        .map(|d| {
            let (detail, path) = d.for_clients();
            pb::Diagnostic {
                severity: match d.severity {
                    Severity::Error => pb::diagnostic::Severity::Error as i32,
                    Severity::Warning => pb::diagnostic::Severity::Warning as i32,
                },
                summary: d.summary.clone(),
                detail,
                attribute: path.as_ref().map(path_to_pb),
            }
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

fn capabilities(c: ServerCapabilities) -> pb::ServerCapabilities {
    pb::ServerCapabilities {
        plan_destroy: c.plan_destroy,
        get_provider_schema_optional: c.get_provider_schema_optional,
        move_resource_state: c.move_resource_state,
        generate_resource_config: c.generate_resource_config,
    }
}

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

fn parameter_to_pb(p: &Parameter) -> pb::function::Parameter {
    pb::function::Parameter {
        name: p.name.clone(),
        r#type: p.ty.to_json_bytes(),
        allow_null_value: p.allow_null,
        allow_unknown_values: p.allow_unknown,
        description: p.description.clone(),
        description_kind: pb::StringKind::Markdown as i32,
    }
}

fn functions_to_pb(m: std::collections::BTreeMap<String, Signature>) -> HashMap<String, pb::Function> {
    m.into_iter()
        .map(|(k, s)| {
            let f = pb::Function {
                parameters: s.parameters.iter().map(parameter_to_pb).collect(),
                variadic_parameter: s.variadic.as_ref().map(parameter_to_pb),
                r#return: Some(pb::function::Return { r#type: s.return_type.to_json_bytes() }),
                summary: s.summary,
                description: s.description,
                description_kind: pb::StringKind::Markdown as i32,
                deprecation_message: s.deprecation.unwrap_or_default(),
            };
            (k, f)
        })
        .collect()
}

fn reply<T>(message: T) -> Result<Response<T>, Status> {
    Ok(Response::new(message))
}

// ---- the service ----------------------------------------------------------------------------

#[tonic::async_trait]
impl<P: Provider> ProtoProvider for ProviderService<P> {
    async fn get_metadata(&self, _req: Request<pb::get_metadata::Request>) -> Result<Response<pb::get_metadata::Response>, Status> {
        let r = self.engine.metadata().await;
        reply(pb::get_metadata::Response {
            server_capabilities: r.capabilities.map(capabilities),
            resources: r.resources.into_iter().map(|type_name| pb::get_metadata::ResourceMetadata { type_name }).collect(),
            data_sources: r.data_sources.into_iter().map(|type_name| pb::get_metadata::DataSourceMetadata { type_name }).collect(),
            list_resources: r.list_resources.into_iter().map(|type_name| pb::get_metadata::ListResourceMetadata { type_name }).collect(),
            functions: r.functions.into_iter().map(|name| pb::get_metadata::FunctionMetadata { name }).collect(),
            ephemeral_resources: r
                .ephemeral_resources
                .into_iter()
                .map(|type_name| pb::get_metadata::EphemeralMetadata { type_name })
                .collect(),
            actions: r.actions.into_iter().map(|type_name| pb::get_metadata::ActionMetadata { type_name }).collect(),
            diagnostics: diagnostics(&r.diagnostics),
            ..Default::default()
        })
    }

    async fn get_provider_schema(
        &self,
        _req: Request<pb::get_provider_schema::Request>,
    ) -> Result<Response<pb::get_provider_schema::Response>, Status> {
        let r = self.engine.provider_schema().await;
        let schemas = |m: std::collections::BTreeMap<String, Schema>| m.into_iter().map(|(k, s)| (k, schema_to_pb(&s))).collect();
        reply(pb::get_provider_schema::Response {
            provider: r.provider.as_ref().map(schema_to_pb),
            resource_schemas: schemas(r.resources),
            data_source_schemas: schemas(r.data_sources),
            list_resource_schemas: schemas(r.list_resources),
            functions: functions_to_pb(r.functions),
            ephemeral_resource_schemas: schemas(r.ephemeral_resources),
            action_schemas: r.actions.into_iter().map(|(k, s)| (k, pb::ActionSchema { schema: Some(schema_to_pb(&s)) })).collect(),
            server_capabilities: r.capabilities.map(capabilities),
            diagnostics: diagnostics(&r.diagnostics),
            ..Default::default()
        })
    }

    async fn validate_provider_config(
        &self,
        req: Request<pb::validate_provider_config::Request>,
    ) -> Result<Response<pb::validate_provider_config::Response>, Status> {
        let req = req.into_inner();
        let r = self.engine.validate_provider_config(engine::ValidateProviderConfigRequest { config: value_in(req.config) }).await;
        reply(pb::validate_provider_config::Response { diagnostics: diagnostics(&r.diagnostics) })
    }

    async fn validate_resource_config(
        &self,
        req: Request<pb::validate_resource_config::Request>,
    ) -> Result<Response<pb::validate_resource_config::Response>, Status> {
        let req = req.into_inner();
        let r = self
            .engine
            .validate_resource_config(engine::ValidateResourceConfigRequest {
                type_name: req.type_name,
                config: value_in(req.config),
                write_only_allowed: req.client_capabilities.is_some_and(|c| c.write_only_attributes_allowed),
            })
            .await;
        reply(pb::validate_resource_config::Response { diagnostics: diagnostics(&r.diagnostics) })
    }

    async fn validate_data_resource_config(
        &self,
        req: Request<pb::validate_data_resource_config::Request>,
    ) -> Result<Response<pb::validate_data_resource_config::Response>, Status> {
        let req = req.into_inner();
        let r = self
            .engine
            .validate_data_resource_config(engine::ValidateDataResourceConfigRequest {
                type_name: req.type_name,
                config: value_in(req.config),
            })
            .await;
        reply(pb::validate_data_resource_config::Response { diagnostics: diagnostics(&r.diagnostics) })
    }

    async fn upgrade_resource_state(
        &self,
        req: Request<pb::upgrade_resource_state::Request>,
    ) -> Result<Response<pb::upgrade_resource_state::Response>, Status> {
        let req = req.into_inner();
        let raw = req.raw_state.unwrap_or_default();
        let r = self
            .engine
            .upgrade_resource_state(engine::UpgradeResourceStateRequest {
                type_name: req.type_name,
                version: req.version,
                json: raw.json,
                flatmap: raw.flatmap,
            })
            .await;
        reply(pb::upgrade_resource_state::Response {
            upgraded_state: value_out(r.upgraded_state),
            diagnostics: diagnostics(&r.diagnostics),
        })
    }

    async fn configure_provider(
        &self,
        req: Request<pb::configure_provider::Request>,
    ) -> Result<Response<pb::configure_provider::Response>, Status> {
        let req = req.into_inner();
        let r = self
            .engine
            .configure(engine::ConfigureProviderRequest { config: value_in(req.config), terraform_version: req.terraform_version })
            .await;
        reply(pb::configure_provider::Response { diagnostics: diagnostics(&r.diagnostics) })
    }

    async fn read_resource(&self, req: Request<pb::read_resource::Request>) -> Result<Response<pb::read_resource::Response>, Status> {
        let req = req.into_inner();
        let r = self
            .engine
            .read_resource(engine::ReadResourceRequest {
                type_name: req.type_name,
                current_state: value_in(req.current_state),
                current_identity: identity_in(req.current_identity),
                private: req.private,
            })
            .await;
        reply(pb::read_resource::Response {
            new_state: value_out(r.new_state),
            new_identity: identity_out(r.new_identity),
            private: r.private,
            diagnostics: diagnostics(&r.diagnostics),
            ..Default::default()
        })
    }

    async fn plan_resource_change(
        &self,
        req: Request<pb::plan_resource_change::Request>,
    ) -> Result<Response<pb::plan_resource_change::Response>, Status> {
        let req = req.into_inner();
        let r = self
            .engine
            .plan_resource_change(engine::PlanResourceChangeRequest {
                type_name: req.type_name,
                prior_state: value_in(req.prior_state),
                proposed_new_state: value_in(req.proposed_new_state),
                config: value_in(req.config),
                prior_private: req.prior_private,
                prior_identity: identity_in(req.prior_identity),
            })
            .await;
        reply(pb::plan_resource_change::Response {
            planned_state: value_out(r.planned_state),
            requires_replace: r.requires_replace.iter().map(path_to_pb).collect(),
            planned_private: r.planned_private,
            planned_identity: identity_out(r.planned_identity),
            diagnostics: diagnostics(&r.diagnostics),
            ..Default::default()
        })
    }

    async fn apply_resource_change(
        &self,
        req: Request<pb::apply_resource_change::Request>,
    ) -> Result<Response<pb::apply_resource_change::Response>, Status> {
        let req = req.into_inner();
        let r = self
            .engine
            .apply_resource_change(engine::ApplyResourceChangeRequest {
                type_name: req.type_name,
                prior_state: value_in(req.prior_state),
                planned_state: value_in(req.planned_state),
                config: value_in(req.config),
                planned_private: req.planned_private,
            })
            .await;
        reply(pb::apply_resource_change::Response {
            new_state: value_out(r.new_state),
            private: r.private,
            new_identity: identity_out(r.new_identity),
            diagnostics: diagnostics(&r.diagnostics),
            ..Default::default()
        })
    }

    async fn import_resource_state(
        &self,
        req: Request<pb::import_resource_state::Request>,
    ) -> Result<Response<pb::import_resource_state::Response>, Status> {
        let req = req.into_inner();
        let r = self
            .engine
            .import_resource_state(engine::ImportResourceStateRequest {
                type_name: req.type_name,
                id: req.id,
                identity: identity_in(req.identity),
            })
            .await;
        let imported = r.imported.into_iter().map(|i| pb::import_resource_state::ImportedResource {
            type_name: i.type_name,
            state: value_out(i.state),
            identity: identity_out(i.identity),
            ..Default::default()
        });
        reply(pb::import_resource_state::Response {
            imported_resources: imported.collect(),
            diagnostics: diagnostics(&r.diagnostics),
            ..Default::default()
        })
    }

    async fn read_data_source(
        &self,
        req: Request<pb::read_data_source::Request>,
    ) -> Result<Response<pb::read_data_source::Response>, Status> {
        let req = req.into_inner();
        let r =
            self.engine.read_data_source(engine::ReadDataSourceRequest { type_name: req.type_name, config: value_in(req.config) }).await;
        reply(pb::read_data_source::Response { state: value_out(r.state), diagnostics: diagnostics(&r.diagnostics), ..Default::default() })
    }

    async fn stop_provider(&self, _req: Request<pb::stop_provider::Request>) -> Result<Response<pb::stop_provider::Response>, Status> {
        self.engine.stop();
        reply(pb::stop_provider::Response { error: String::new() })
    }

    // ---- newer protocol minors: functions (GetFunctions, CallFunction), identities, generated
    // configuration, list resources, ephemeral resources, actions. We declare no state
    // stores; the generated service answers those RPCs with `Unimplemented`.

    async fn get_functions(&self, _req: Request<pb::get_functions::Request>) -> Result<Response<pb::get_functions::Response>, Status> {
        let r = self.engine.functions().await;
        reply(pb::get_functions::Response { functions: functions_to_pb(r.functions), diagnostics: diagnostics(&r.diagnostics) })
    }

    async fn call_function(&self, req: Request<pb::call_function::Request>) -> Result<Response<pb::call_function::Response>, Status> {
        let req = req.into_inner();
        let arguments = req.arguments.into_iter().map(|v| DynamicValue { msgpack: v.msgpack, json: v.json }).collect();
        let r = self.engine.call_function(engine::CallFunctionRequest { name: req.name, arguments }).await;
        reply(pb::call_function::Response {
            result: value_out(r.result),
            error: r
                .error
                .map(|e| pb::FunctionError { text: e.text, function_argument: e.argument.map(|i| i64::try_from(i).unwrap_or(i64::MAX)) }),
        })
    }

    async fn get_resource_identity_schemas(
        &self,
        _req: Request<pb::get_resource_identity_schemas::Request>,
    ) -> Result<Response<pb::get_resource_identity_schemas::Response>, Status> {
        let r = self.engine.identity_schemas().await;
        reply(pb::get_resource_identity_schemas::Response {
            identity_schemas: r.identity_schemas.into_iter().map(|(k, s)| (k, identity_schema_to_pb(&s.identity, &s.ty))).collect(),
            diagnostics: diagnostics(&r.diagnostics),
        })
    }

    async fn upgrade_resource_identity(
        &self,
        req: Request<pb::upgrade_resource_identity::Request>,
    ) -> Result<Response<pb::upgrade_resource_identity::Response>, Status> {
        let req = req.into_inner();
        let r = self
            .engine
            .upgrade_resource_identity(engine::UpgradeResourceIdentityRequest {
                type_name: req.type_name,
                version: req.version,
                json: req.raw_identity.unwrap_or_default().json,
            })
            .await;
        reply(pb::upgrade_resource_identity::Response {
            upgraded_identity: identity_out(r.upgraded_identity),
            diagnostics: diagnostics(&r.diagnostics),
        })
    }

    async fn generate_resource_config(
        &self,
        req: Request<pb::generate_resource_config::Request>,
    ) -> Result<Response<pb::generate_resource_config::Response>, Status> {
        let req = req.into_inner();
        let r = self
            .engine
            .generate_resource_config(engine::GenerateResourceConfigRequest { type_name: req.type_name, state: value_in(req.state) })
            .await;
        reply(pb::generate_resource_config::Response { config: value_out(r.config), diagnostics: diagnostics(&r.diagnostics) })
    }

    async fn validate_list_resource_config(
        &self,
        req: Request<pb::validate_list_resource_config::Request>,
    ) -> Result<Response<pb::validate_list_resource_config::Response>, Status> {
        let req = req.into_inner();
        let r = self
            .engine
            .validate_list_resource_config(engine::ValidateListResourceConfigRequest {
                type_name: req.type_name,
                config: value_in(req.config),
                limit: value_in(req.limit),
                include_resource_object: value_in(req.include_resource_object),
            })
            .await;
        reply(pb::validate_list_resource_config::Response { diagnostics: diagnostics(&r.diagnostics) })
    }

    async fn list_resource(&self, req: Request<pb::list_resource::Request>) -> Result<Response<ListEvents>, Status> {
        let req = req.into_inner();
        let events = self
            .engine
            .list_resource(engine::ListResourceRequest {
                type_name: req.type_name,
                config: value_in(req.config),
                limit: req.limit,
                include_resource_object: req.include_resource_object,
            })
            .await;
        let events = events.into_iter().map(|e| {
            Ok(pb::list_resource::Event {
                identity: identity_out(e.identity),
                display_name: e.display_name,
                resource_object: value_out(e.resource_object),
                diagnostic: diagnostics(&e.diagnostics),
            })
        });
        let stream: ListEvents = Box::pin(tokio_stream::iter(events.collect::<Vec<_>>()));
        reply(stream)
    }

    async fn move_resource_state(
        &self,
        req: Request<pb::move_resource_state::Request>,
    ) -> Result<Response<pb::move_resource_state::Response>, Status> {
        let req = req.into_inner();
        let r = self
            .engine
            .move_resource_state(engine::MoveResourceStateRequest {
                source_provider_address: req.source_provider_address,
                source_type_name: req.source_type_name,
                source_schema_version: req.source_schema_version,
                source_state_json: req.source_state.unwrap_or_default().json,
                target_type_name: req.target_type_name,
            })
            .await;
        reply(pb::move_resource_state::Response {
            target_state: value_out(r.target_state),
            target_identity: identity_out(r.target_identity),
            diagnostics: diagnostics(&r.diagnostics),
            ..Default::default()
        })
    }

    // ---- ephemeral resources (Terraform >= 1.10, OpenTofu >= 1.11) ------------------------------

    async fn validate_ephemeral_resource_config(
        &self,
        req: Request<pb::validate_ephemeral_resource_config::Request>,
    ) -> Result<Response<pb::validate_ephemeral_resource_config::Response>, Status> {
        let req = req.into_inner();
        let r = self
            .engine
            .validate_ephemeral_resource_config(engine::ValidateEphemeralResourceConfigRequest {
                type_name: req.type_name,
                config: value_in(req.config),
            })
            .await;
        reply(pb::validate_ephemeral_resource_config::Response { diagnostics: diagnostics(&r.diagnostics) })
    }

    async fn open_ephemeral_resource(
        &self,
        req: Request<pb::open_ephemeral_resource::Request>,
    ) -> Result<Response<pb::open_ephemeral_resource::Response>, Status> {
        let req = req.into_inner();
        let r = self
            .engine
            .open_ephemeral_resource(engine::OpenEphemeralResourceRequest { type_name: req.type_name, config: value_in(req.config) })
            .await;
        reply(pb::open_ephemeral_resource::Response {
            diagnostics: diagnostics(&r.diagnostics),
            renew_at: r.renew_at.map(prost_types::Timestamp::from),
            result: value_out(r.result),
            private: r.private,
            deferred: None,
        })
    }

    async fn renew_ephemeral_resource(
        &self,
        req: Request<pb::renew_ephemeral_resource::Request>,
    ) -> Result<Response<pb::renew_ephemeral_resource::Response>, Status> {
        let req = req.into_inner();
        let r =
            self.engine.renew_ephemeral_resource(engine::EphemeralPrivateRequest { type_name: req.type_name, private: req.private }).await;
        reply(pb::renew_ephemeral_resource::Response {
            diagnostics: diagnostics(&r.diagnostics),
            renew_at: r.renew_at.map(prost_types::Timestamp::from),
            private: r.private,
        })
    }

    async fn close_ephemeral_resource(
        &self,
        req: Request<pb::close_ephemeral_resource::Request>,
    ) -> Result<Response<pb::close_ephemeral_resource::Response>, Status> {
        let req = req.into_inner();
        let r =
            self.engine.close_ephemeral_resource(engine::EphemeralPrivateRequest { type_name: req.type_name, private: req.private }).await;
        reply(pb::close_ephemeral_resource::Response { diagnostics: diagnostics(&r.diagnostics) })
    }

    // ---- actions (Terraform >= 1.14) -----------------------------------------------------------

    async fn validate_action_config(
        &self,
        req: Request<pb::validate_action_config::Request>,
    ) -> Result<Response<pb::validate_action_config::Response>, Status> {
        let req = req.into_inner();
        let r = self
            .engine
            .validate_action_config(engine::ValidateActionConfigRequest { type_name: req.type_name, config: value_in(req.config) })
            .await;
        reply(pb::validate_action_config::Response { diagnostics: diagnostics(&r.diagnostics) })
    }

    async fn plan_action(&self, req: Request<pb::plan_action::Request>) -> Result<Response<pb::plan_action::Response>, Status> {
        let req = req.into_inner();
        let r = self.engine.plan_action(engine::PlanActionRequest { action_type: req.action_type, config: value_in(req.config) }).await;
        reply(pb::plan_action::Response { diagnostics: diagnostics(&r.diagnostics), deferred: None })
    }

    /// Runs the action in a task of its own, so that its progress reaches Terraform while it
    /// runs; the completed event ends the stream.
    async fn invoke_action(&self, req: Request<pb::invoke_action::Request>) -> Result<Response<ActionEvents>, Status> {
        use pb::invoke_action::event::{Completed, Progress as ProgressEvent, Type};
        let req = req.into_inner();
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let sink = tx.clone();
        let progress = Progress::new(move |message| {
            // Terraform stopped listening: the action still runs to its end.
            let _ = sink.send(Ok(pb::invoke_action::Event { r#type: Some(Type::Progress(ProgressEvent { message })) }));
        });
        let engine = Arc::clone(&self.engine);
        let request = engine::InvokeActionRequest { action_type: req.action_type, config: value_in(req.config) };
        tokio::spawn(async move {
            let r = engine.invoke_action(request, progress).await;
            let completed = Completed { diagnostics: diagnostics(&r.diagnostics) };
            let _ = tx.send(Ok(pb::invoke_action::Event { r#type: Some(Type::Completed(completed)) }));
        });
        let stream: ActionEvents = Box::pin(tokio_stream::wrappers::UnboundedReceiverStream::new(rx));
        reply(stream)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use tokio::sync::Notify;
    use tokio_stream::StreamExt;

    use super::*;
    use crate::diag::{Diagnostic, Diagnostics, Failure};
    use crate::provider::{Action, Ctx};
    use crate::schema::string;
    use crate::value::Value;

    struct P(Arc<Notify>);
    struct Slow(Arc<Notify>);

    #[async_trait::async_trait]
    impl Provider for P {
        type Client = ();
        fn schema(&self) -> Schema {
            Schema::new("p")
        }
        async fn configure(&self, _: &Value, _: &str) -> Result<(), Diagnostics> {
            Ok(())
        }
        fn actions(&self) -> Vec<Arc<dyn Action<()>>> {
            vec![Arc::new(Slow(Arc::clone(&self.0)))]
        }
    }

    /// `test_slow`: reports progress, then waits for the test before it completes with a warning.
    #[async_trait::async_trait]
    impl Action<()> for Slow {
        fn type_name(&self) -> &'static str {
            "test_slow"
        }
        fn schema(&self) -> Schema {
            Schema::new("slow").attr(string("name").required().desc("n"))
        }
        async fn invoke(&self, _: &(), _: &Ctx, _: &Value, progress: &Progress) -> Result<Diagnostics, Failure> {
            progress.report("started");
            self.0.notified().await;
            Ok(Diagnostic::warning("Done late", "x").into())
        }
    }

    #[tokio::test]
    async fn actions_are_declared_and_progress_streams_before_completion() {
        use pb::invoke_action::event::Type;
        let go = Arc::new(Notify::new());
        let svc = ProviderService::new(P(Arc::clone(&go)));
        let md = svc.get_metadata(Request::new(pb::get_metadata::Request {})).await.map(Response::into_inner);
        assert_eq!(md.map(|m| m.actions.into_iter().map(|a| a.type_name).collect::<Vec<_>>()).ok(), Some(vec!["test_slow".into()]));
        let s = svc.get_provider_schema(Request::new(pb::get_provider_schema::Request {})).await.map(Response::into_inner);
        let block = s.ok().and_then(|s| s.action_schemas.get("test_slow").cloned()).and_then(|a| a.schema).and_then(|s| s.block);
        assert_eq!(
            block.map(|b| b.attributes.into_iter().map(|a| (a.name, a.required)).collect::<Vec<_>>()),
            Some(vec![("name".into(), true)])
        );

        let configured = svc.configure_provider(Request::new(pb::configure_provider::Request::default())).await;
        assert!(configured.is_ok_and(|r| r.into_inner().diagnostics.is_empty()));
        let ty = svc.engine().action_type("test_slow").cloned().unwrap_or(crate::types::Type::String);
        let mut config = Value::null_object(&ty);
        config.set("name", Value::string("a"));
        let config = DynamicValue::from_value(&config, &ty).ok();
        let r = svc
            .invoke_action(Request::new(pb::invoke_action::Request {
                action_type: "test_slow".into(),
                config: value_out(config),
                client_capabilities: None,
            }))
            .await;
        let Ok(r) = r else { panic!("InvokeAction refused") };
        let mut events = r.into_inner();
        // The progress arrives while the action still waits.
        let first = tokio::time::timeout(Duration::from_secs(5), events.next()).await.ok().flatten().and_then(Result::ok);
        assert!(matches!(first.and_then(|e| e.r#type), Some(Type::Progress(p)) if p.message == "started"));
        go.notify_one();
        let last = tokio::time::timeout(Duration::from_secs(5), events.next()).await.ok().flatten().and_then(Result::ok);
        let Some(Type::Completed(c)) = last.and_then(|e| e.r#type) else { panic!("no completed event") };
        assert_eq!((c.diagnostics.len(), c.diagnostics.first().map(|d| d.severity)), (1, Some(pb::diagnostic::Severity::Warning as i32)));
        assert!(events.next().await.is_none(), "the stream ends after the completed event");
    }
}
