//! tfplug: the Terraform plugin protocol (v6) for Rust providers.
//!
//! Layers, each in its own module and none aware of any particular API:
//! * transport — `transport`: go-plugin handshake, AutoMTLS (`tls`), gRPC serving, shutdown,
//!   debug mode;
//! * adapter — `server`: each tfplugin6 RPC's protobuf messages moved to and from the engine's;
//! * engine — `engine`: every RPC on plain Rust request/response types: type catalog, decoding
//!   against schemas, validation, planning, reconciliation, upgrades, identities, the
//!   configured client, cancellation, panics turned into diagnostics;
//! * the provider contract — `provider`: the traits a provider implements;
//! * values — `types`, `value`, `msgpack`, `json`, `convert` (cty types, values, codecs, serde),
//!   `limits` (the bounds every decoder keeps);
//! * schema and planning — `schema`, `validate`, `plan` (the generic plan pipeline), `docs`;
//! * `diag` (diagnostics with attribute paths) and `log` (hclog JSON lines on stderr).
//!
//! See `README.md` for a complete minimal provider.
#![warn(missing_docs)]

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

/// Code generated from `proto/` at build time (documented by the `.proto` files' comments).
#[allow(clippy::all, clippy::pedantic, missing_debug_implementations, unreachable_pub, missing_docs)]
pub mod proto {
    /// Terraform's plugin protocol 6 (`proto/tfplugin6.proto`).
    pub mod tfplugin6 {
        tonic::include_proto!("tfplugin6");
    }
    /// go-plugin's controller and stdio services (`proto/plugin.proto`).
    pub mod plugin {
        tonic::include_proto!("plugin");
    }
}

/// The attribute the [`Provider`], [`Resource`] and [`DataSource`] implementations carry.
pub use async_trait::async_trait;
pub use diag::{AttrPath, Diagnostic, Diagnostics, Failure};
pub use provider::{Action, EphemeralResource, MoveSource, Opened, Progress, Renewed};
pub use provider::{
    Ctx, DataSource, Function, FunctionError, ListedObject, Parameter, PlanRequest, Provider, Resource, Signature, Warnings,
};
pub use schema::{Attribute, Schema};
pub use transport::{ServeOpts, serve};
pub use types::Type;
pub use value::{Number, Value};

#[cfg(test)]
mod readme {
    /// The README's example is `examples/minimal.rs` without its header.
    #[test]
    fn the_readme_example_is_the_example_file() {
        let example = include_str!("../examples/minimal.rs");
        let body: Vec<&str> = example.lines().filter(|l| !l.starts_with("//!")).skip_while(|l| l.is_empty()).collect();
        let readme = include_str!("../README.md");
        assert!(
            readme.contains(&format!("```rust\n{}\n```", body.join("\n"))),
            "README.md: paste examples/minimal.rs (without //! lines) again"
        );
    }
}
