//! The contract between tfplug and a provider: a provider, its managed resources and its
//! data sources. A provider is configured once per process and hands its configured client
//! (`Provider::Client`) to every resource call.
//!
//! Resources deal in [`Value`]s shaped by their [`Schema`]; planning, validation, state
//! reconciliation, upgrade and import plumbing are tfplug's job.

use std::sync::Arc;

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

use super::diag::{Diagnostic, Diagnostics, Failure};
use super::plan::Planned;
use super::schema::{Identity, Schema};
use super::types::Type;
use super::value::Value;

/// Per-call context.
#[derive(Clone, Debug, Default)]
pub struct Ctx {
    /// Cancelled when Terraform calls StopProvider (the user pressed Ctrl-C).
    pub stop: CancellationToken,
    /// In create and update: the resource's configuration, the only place write-only values
    /// are found (planned and prior states hold them as null). Null elsewhere.
    pub config: Value,
    /// Warnings a create or update that succeeds reports with its new state.
    pub warnings: Warnings,
}

/// Warnings collected during one call (shared by the clones of its [`Ctx`]).
#[derive(Clone, Debug, Default)]
pub struct Warnings(std::sync::Arc<std::sync::Mutex<Vec<crate::Diagnostic>>>);

impl Warnings {
    /// Adds a warning to the call's response.
    pub fn push(&self, d: crate::Diagnostic) {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(d);
    }
    /// Takes the warnings collected so far.
    pub fn take(&self) -> Vec<crate::Diagnostic> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }
}

impl Ctx {
    /// Whether Terraform asked the provider to stop: long work should end early.
    pub fn is_stopping(&self) -> bool {
        self.stop.is_cancelled()
    }
}

/// A provider: its configuration schema, its resource and data source types, and how a
/// configuration becomes the client they all use. [`crate::serve`] runs one.
#[async_trait]
pub trait Provider: Send + Sync + 'static {
    /// What `configure` builds and every resource call receives.
    type Client: Send + Sync + 'static;

    /// The provider's schema (its configuration block).
    fn schema(&self) -> Schema;
    /// Every managed resource type. None by default (a provider of functions, say).
    fn resources(&self) -> Vec<Arc<dyn Resource<Self::Client>>> {
        Vec::new()
    }
    /// Every data source type. None by default.
    fn data_sources(&self) -> Vec<Arc<dyn DataSource<Self::Client>>> {
        Vec::new()
    }
    /// Every provider-defined function (Terraform ≥ 1.8). None by default.
    fn functions(&self) -> Vec<Arc<dyn Function>> {
        Vec::new()
    }

    /// Cross-attribute checks of the provider configuration (attribute validators run first).
    fn validate(&self, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    /// Builds the client from the configuration. `terraform_version` is the caller's version.
    async fn configure(&self, config: &Value, terraform_version: &str) -> Result<Self::Client, Diagnostics>;

    /// Every ephemeral resource type (Terraform >= 1.10, OpenTofu >= 1.11). None by default.
    fn ephemeral_resources(&self) -> Vec<Arc<dyn EphemeralResource<Self::Client>>> {
        Vec::new()
    }

    /// Every action type (Terraform >= 1.14). None by default.
    fn actions(&self) -> Vec<Arc<dyn Action<Self::Client>>> {
        Vec::new()
    }
}

/// One object a list resource found.
#[derive(Clone, Debug)]
pub struct ListedObject {
    /// How `terraform query` shows it (a name, a number, …).
    pub display_name: String,
    /// Its state, as `Resource::read` returns it.
    pub state: Value,
}

/// What a resource's plan hook sees.
#[derive(Debug)]
pub struct PlanRequest<'a> {
    /// The current state; null for a create.
    pub prior: &'a Value,
    /// The resource block.
    pub config: &'a Value,
}

/// The state of an imported object before its first read: `id` set, everything else null.
pub fn id_only_state(ty: &crate::Type, id: &str) -> Result<Value, Failure> {
    if id.trim().is_empty() {
        return Err(Diagnostic::error("Invalid import id", "The import id must not be empty.").into());
    }
    let mut v = Value::null_object(ty);
    v.set("id", Value::string(id));
    Ok(v)
}

/// A managed resource type, its calls receiving the provider's client `C`.
#[async_trait]
pub trait Resource<C>: Send + Sync {
    /// The full type name, e.g. `telnyx_fqdn`.
    fn type_name(&self) -> &'static str;
    /// The resource block's schema; attribute names are the state's.
    fn schema(&self) -> Schema;

    /// Cross-attribute checks (attribute validators run first). Must not call any API.
    fn validate(&self, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    /// Adjusts a plan built by the generic planner (computed values, replacements).
    /// The result is checked against Terraform's rules before it is sent.
    fn modify_plan(&self, _req: &PlanRequest<'_>, _planned: &mut Planned) -> Diagnostics {
        Diagnostics::new()
    }

    /// Plan-time checks that need the API (a phone number the account must own before it
    /// can be managed), run after `modify_plan` on a create or update plan without errors,
    /// when the provider is configured (skipped while its configuration is unknown). Errors
    /// fail the plan, so nothing is applied. Must only read. Default: none.
    async fn check_planned(&self, _client: &C, _ctx: &Ctx, _prior: &Value, _planned: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    /// Creates the object; returns its state. Unknown planned values are filled from the
    /// returned state; known ones are kept (see `plan::reconcile`).
    async fn create(&self, client: &C, ctx: &Ctx, planned: &Value) -> Result<Value, Failure>;

    /// Reads the object. `Ok(None)` means it no longer exists (Terraform then plans a create).
    async fn read(&self, client: &C, ctx: &Ctx, state: &Value) -> Result<Option<Value>, Failure>;

    /// Updates the object in place from `prior` to `planned`; returns its state, reconciled
    /// with the plan as `create`'s is.
    async fn update(&self, client: &C, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, Failure>;

    /// Deletes the object. An object already gone counts as deleted.
    async fn delete(&self, client: &C, ctx: &Ctx, state: &Value) -> Result<(), Failure>;

    /// Turns an import id into a state that `read` can complete. By default: the `id`
    /// attribute set, everything else null.
    async fn import(&self, _client: &C, _ctx: &Ctx, id: &str) -> Result<Value, Failure> {
        id_only_state(&self.schema().ty(), id)
    }

    /// The resource identity (Terraform ≥ 1.12): which state attributes name the remote object.
    /// `None`: the resource has none.
    fn identity(&self) -> Option<Identity> {
        None
    }

    /// Turns an identity (an `import` block's `identity = { ... }`, Terraform ≥ 1.12) into a
    /// state that `read` can complete. By default: `import` with the first attribute required
    /// for import, and every other attribute the identity gives set in the state.
    async fn import_identity(&self, client: &C, ctx: &Ctx, identity: &Value) -> Result<Value, Failure>
    where
        C: Sync,
    {
        let Some(ident) = self.identity() else {
            return Err(
                Diagnostic::error("Import by identity not supported", format!("{} has no resource identity.", self.type_name())).into()
            );
        };
        let key = ident.attributes.iter().find(|a| a.required_for_import).map(|a| a.name.as_str()).unwrap_or("id");
        let mut state = self.import(client, ctx, identity.get(key).as_str().unwrap_or_default()).await?;
        for a in &ident.attributes {
            let v = identity.get(&a.name);
            if !v.is_null() && state.get(&a.name).is_null() {
                state.set(&a.name, v.clone());
            }
        }
        Ok(state)
    }

    /// A configuration that plans no change against `state` (GenerateResourceConfig, Terraform
    /// ≥ 1.14 `-generate-config-out`). By default: the state without its computed-only and
    /// write-only attributes.
    fn generate_config(&self, state: &Value) -> Value {
        super::plan::config_from_state(&self.schema().attributes, state)
    }

    /// The list resource of this type (Terraform ≥ 1.14 `list` blocks, `terraform query`):
    /// the schema of its `config` block. `None`: the type cannot be listed.
    fn list_schema(&self) -> Option<Schema> {
        None
    }

    /// The objects a `list` block's `config` selects, at most `limit` of them, each as the
    /// state `read` would return. Called only for a type with a [`Resource::list_schema`].
    async fn list(&self, _client: &C, _ctx: &Ctx, _config: &Value, _limit: usize) -> Result<Vec<ListedObject>, Failure> {
        Err(Diagnostic::error("Listing not supported", format!("{} cannot be listed.", self.type_name())).into())
    }

    /// State of another type or provider moved into this type (a `moved` block, Terraform >=
    /// 1.8): this type's state JSON for `raw`, or `None` when this type takes no such move.
    fn move_state(&self, _source: &MoveSource<'_>, _raw: serde_json::Value) -> Option<Result<serde_json::Value, Diagnostics>> {
        None
    }

    /// Rewrites stored state JSON into the current shape: state written by an older schema
    /// version, and — called for every stored state, also at the current version — state of
    /// the same type name written by another provider (after `terraform state replace-provider`).
    /// Must leave this provider's own current state unchanged. Default: unchanged.
    fn upgrade_state(&self, _from_version: i64, raw: serde_json::Value) -> Result<serde_json::Value, Diagnostics> {
        Ok(raw)
    }
}

/// Where moved state comes from (MoveResourceState).
#[derive(Clone, Copy, Debug)]
pub struct MoveSource<'a> {
    /// The provider that wrote it: `registry.terraform.io/petsinc/telnyx`, or a bare local name
    /// (`telnyx`) from OpenTofu before 1.11.12 / 1.12.4.
    pub provider_address: &'a str,
    /// Its resource type.
    pub type_name: &'a str,
    /// The schema version it was written with.
    pub schema_version: i64,
}

/// A data source type, its reads receiving the provider's client `C`.
#[async_trait]
pub trait DataSource<C>: Send + Sync {
    /// The full type name, e.g. `telnyx_fqdn`.
    fn type_name(&self) -> &'static str;
    /// The data block's schema.
    fn schema(&self) -> Schema;

    /// Cross-attribute checks (attribute validators run first). Must not call any API.
    fn validate(&self, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    /// Reads the data. Configured values are echoed back by tfplug; computed ones come from here.
    async fn read(&self, client: &C, ctx: &Ctx, config: &Value) -> Result<Value, Failure>;
}

// ---- provider-defined functions (Terraform >= 1.8, OpenTofu >= 1.7) ---------------------------

/// One parameter of a [`Function`].
#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    /// The name shown in documentation and in Terraform's error messages.
    pub name: String,
    /// The type Terraform converts the argument to before the call.
    pub ty: Type,
    /// Markdown shown in documentation.
    pub description: String,
    /// Whether the argument may be null. When false, Terraform rejects a null argument
    /// before calling, and tfplug rejects one that reaches it anyway.
    pub allow_null: bool,
    /// Whether the argument may be unknown (wholly or in part). When false, Terraform does
    /// not call the function while the argument is unknown: the result is unknown.
    pub allow_unknown: bool,
}

impl Parameter {
    /// A parameter neither null nor unknown.
    pub fn new(name: impl Into<String>, ty: Type) -> Self {
        Parameter { name: name.into(), ty, description: String::new(), allow_null: false, allow_unknown: false }
    }
    /// Sets the description.
    pub fn desc(mut self, d: impl Into<String>) -> Self {
        self.description = d.into();
        self
    }
    /// Lets the argument be null.
    pub fn allow_null(mut self) -> Self {
        self.allow_null = true;
        self
    }
    /// Lets the argument be unknown.
    pub fn allow_unknown(mut self) -> Self {
        self.allow_unknown = true;
        self
    }
}

/// What a [`Function`] takes and returns, as GetProviderSchema and GetFunctions declare it.
#[derive(Clone, Debug, PartialEq)]
pub struct Signature {
    /// The positional parameters, in order.
    pub parameters: Vec<Parameter>,
    /// The parameter every further argument is checked against; `None`: no further arguments.
    pub variadic: Option<Parameter>,
    /// The type of every result.
    pub return_type: Type,
    /// One line shown in documentation.
    pub summary: String,
    /// Markdown shown in documentation.
    pub description: String,
    /// Set when the function is deprecated: what to use instead.
    pub deprecation: Option<String>,
}

impl Signature {
    /// A function returning `return_type`, summarised by `summary`, with no parameters yet.
    pub fn new(summary: impl Into<String>, return_type: Type) -> Self {
        Signature {
            parameters: Vec::new(),
            variadic: None,
            return_type,
            summary: summary.into(),
            description: String::new(),
            deprecation: None,
        }
    }
    /// Adds the next positional parameter.
    pub fn param(mut self, p: Parameter) -> Self {
        self.parameters.push(p);
        self
    }
    /// Sets the variadic parameter.
    pub fn variadic(mut self, p: Parameter) -> Self {
        self.variadic = Some(p);
        self
    }
    /// Sets the description.
    pub fn desc(mut self, d: impl Into<String>) -> Self {
        self.description = d.into();
        self
    }
    /// The parameter argument `index` is checked against, `None` past the last one.
    pub fn parameter(&self, index: usize) -> Option<&Parameter> {
        self.parameters.get(index).or(self.variadic.as_ref())
    }
}

/// Why a function call failed, as Terraform shows it: the text, and the argument at fault
/// (0-based, counting variadic arguments) when one is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionError {
    /// The message; Terraform shows it under the call's source.
    pub text: String,
    /// The argument at fault; Terraform then points at that argument's expression.
    pub argument: Option<usize>,
}

impl FunctionError {
    /// An error of the call as a whole.
    pub fn new(text: impl Into<String>) -> Self {
        FunctionError { text: text.into(), argument: None }
    }
    /// An error of argument `index`.
    pub fn argument(index: usize, text: impl Into<String>) -> Self {
        FunctionError { text: text.into(), argument: Some(index) }
    }
}

impl std::fmt::Display for FunctionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.argument {
            Some(i) => write!(f, "argument {i}: {}", self.text),
            None => f.write_str(&self.text),
        }
    }
}

/// A provider-defined function, called as `provider::<provider>::<name>(...)` (Terraform ≥ 1.8,
/// OpenTofu ≥ 1.7).
///
/// Terraform calls functions on a provider it has not configured, checks during apply that
/// each call returns what it returned during plan, and calls only with the arguments the
/// signature allows (no null or unknown ones unless a parameter allows them). So a function
/// is pure: no client, no I/O, the same result for the same arguments.
pub trait Function: Send + Sync {
    /// The name after `provider::<provider>::`, e.g. `e164`.
    fn name(&self) -> &'static str;
    /// Parameters, return type, summary and description.
    fn signature(&self) -> Signature;
    /// The result, of the signature's return type, for `args` (one per parameter, then any
    /// variadic ones), each decoded against its parameter's type.
    fn call(&self, args: &[Value]) -> Result<Value, FunctionError>;
}

// ---- ephemeral resources ----------------------------------------------------------------------

/// What [`EphemeralResource::open`] returns: the result Terraform hands to the configuration,
/// never stored in plan or state.
#[derive(Clone, Default)]
pub struct Opened {
    /// The result, shaped by the schema. Configured values are echoed by tfplug; computed ones
    /// come from here.
    pub result: Value,
    /// When Terraform should call [`EphemeralResource::renew`] if it still uses the result
    /// then. `None`: never.
    pub renew_at: Option<std::time::SystemTime>,
    /// Bytes handed back to `renew` and `close` (a lease id, …). Terraform keeps them in
    /// memory only.
    pub private: Option<Vec<u8>>,
}

impl std::fmt::Debug for Opened {
    /// The result and private bytes are secrets: never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Opened").field("renew_at", &self.renew_at).finish_non_exhaustive()
    }
}

/// What [`EphemeralResource::renew`] returns.
#[derive(Clone, Default)]
pub struct Renewed {
    /// The next renewal; `None`: no more.
    pub renew_at: Option<std::time::SystemTime>,
    /// The private bytes from now on (`close` and the next `renew` receive them).
    pub private: Option<Vec<u8>>,
}

impl std::fmt::Debug for Renewed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Renewed").field("renew_at", &self.renew_at).finish_non_exhaustive()
    }
}

/// An ephemeral resource type (Terraform >= 1.10, OpenTofu >= 1.11): opened during each plan
/// and apply that uses it, its result never written to plan or state, renewed while in use if
/// it asks to be, closed when Terraform is done with it.
#[async_trait]
pub trait EphemeralResource<C>: Send + Sync {
    /// The full type name, e.g. `telnyx_telephony_credential_token`.
    fn type_name(&self) -> &'static str;
    /// The block's schema: configured arguments and computed results.
    fn schema(&self) -> Schema;

    /// Cross-attribute checks (attribute validators run first). Must not call any API.
    fn validate(&self, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    /// Opens it: `config` is wholly known. Configured values are echoed into the result by
    /// tfplug.
    async fn open(&self, client: &C, ctx: &Ctx, config: &Value) -> Result<Opened, Failure>;

    /// Renews it (called at or after the `renew_at` last returned). By default: nothing to
    /// renew.
    async fn renew(&self, _client: &C, _ctx: &Ctx, private: Option<&[u8]>) -> Result<Renewed, Failure> {
        Ok(Renewed { renew_at: None, private: private.map(<[u8]>::to_vec) })
    }

    /// Closes it (revokes a lease, …). By default: nothing to do.
    async fn close(&self, _client: &C, _ctx: &Ctx, _private: Option<&[u8]>) -> Result<(), Failure> {
        Ok(())
    }
}

// ---- actions (Terraform >= 1.14) --------------------------------------------------------------

/// Where an action reports progress while it runs: each message becomes an InvokeAction
/// progress event, which Terraform prints as it arrives. Reporting never fails; messages sent
/// after Terraform stopped listening are dropped.
#[derive(Clone, Default)]
pub struct Progress(Option<Arc<dyn Fn(String) + Send + Sync>>);

impl Progress {
    /// Progress handed to `sink`, one call per message.
    pub fn new(sink: impl Fn(String) + Send + Sync + 'static) -> Self {
        Progress(Some(Arc::new(sink)))
    }

    /// Reports one message.
    pub fn report(&self, message: impl Into<String>) {
        if let Some(sink) = &self.0 {
            sink(message.into());
        }
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

/// An action type (Terraform >= 1.14; OpenTofu has none): an `action` block whose `config`
/// this schema describes, invoked by a resource's `lifecycle { action_trigger { ... } }` or
/// by `terraform apply -invoke=action.<type>.<name>`. It changes nothing Terraform tracks: it
/// has no state, and Terraform shows its progress messages and its diagnostics.
#[async_trait]
pub trait Action<C>: Send + Sync {
    /// The full type name, e.g. `telnyx_check_registration`.
    fn type_name(&self) -> &'static str;
    /// The schema of the action's `config` block.
    fn schema(&self) -> Schema;

    /// Cross-attribute checks (attribute validators run first), at validation and at plan;
    /// `config` may hold unknown values. Must not call any API.
    fn validate(&self, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    /// Runs the action on a wholly known, valid `config`, reporting progress as it goes. The
    /// diagnostics returned (warnings, or errors that fail the apply) complete the invocation.
    async fn invoke(&self, client: &C, ctx: &Ctx, config: &Value, progress: &Progress) -> Result<Diagnostics, Failure>;
}
