//! tfplug: the Terraform plugin protocol (v6) for Rust providers.
//!
//! Layers, each in its own module and none aware of any particular API:
//! * transport — go-plugin handshake, AutoMTLS (`tls`), gRPC serving, shutdown, debug mode;
//! * protocol — `server`: each tfplugin6 RPC decoded and dispatched to the provider contract;
//! * values — `types`, `value`, `msgpack`, `json`, `convert` (cty types, values, codecs, serde),
//!   `limits` (the bounds every decoder keeps);
//! * schema and planning — `schema`, `validate`, `plan` (the generic plan pipeline);
//! * `diag` (diagnostics with attribute paths) and `log` (hclog JSON lines on stderr).

pub mod convert;
pub mod diag;
pub mod docs;
pub mod engine;
pub mod json;
pub mod json_bounds;
pub mod limits;
pub mod log;
pub mod msgpack;
pub mod plan;
pub mod provider;
pub mod schema;
pub mod server;
pub mod tls;
pub mod transport;
pub mod types;
pub mod validate;
pub mod value;

/// Code generated from `proto/` at build time.
#[allow(clippy::all, clippy::pedantic, missing_debug_implementations, unreachable_pub)]
pub mod proto {
    pub mod tfplugin6 {
        tonic::include_proto!("tfplugin6");
    }
    pub mod plugin {
        tonic::include_proto!("plugin");
    }
}

pub use diag::{AttrPath, Diagnostic, Diagnostics, Failure};
pub use provider::{Ctx, DataSource, ListedObject, PlanRequest, Provider, Resource};
pub use schema::{Attribute, Schema};
pub use transport::{ServeOpts, serve};
pub use types::Type;
pub use value::{Number, Value};
