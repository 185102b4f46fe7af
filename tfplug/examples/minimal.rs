//! A complete provider with one resource: `example_file`, a text file in a directory.
//!
//! Build it as `terraform-provider-example` and install it where Terraform finds providers;
//! `cargo build -p tfplug --examples` only checks that it compiles.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use tfplug::schema::string;
use tfplug::{Ctx, DataSource, Diagnostic, Diagnostics, Failure, Provider, Resource, Schema, ServeOpts, Value};

/// The provider: `provider "example" { directory = "..." }`.
#[derive(Debug)]
pub struct Example;

/// What `configure` builds and every resource call receives: the directory files live in.
#[derive(Debug)]
pub struct Client {
    directory: PathBuf,
}

#[tfplug::async_trait]
impl Provider for Example {
    type Client = Client;

    fn schema(&self) -> Schema {
        Schema::new("Files in one directory.")
            .attr(string("directory").optional().desc("Where files are written (default: the temporary directory)."))
    }

    fn resources(&self) -> Vec<Arc<dyn Resource<Client>>> {
        vec![Arc::new(File)]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource<Client>>> {
        Vec::new()
    }

    async fn configure(&self, config: &Value, _terraform_version: &str) -> Result<Client, Diagnostics> {
        let directory = config.get("directory").as_str().map(PathBuf::from).unwrap_or_else(std::env::temp_dir);
        Ok(Client { directory })
    }
}

/// `example_file`: a file whose name is its id. A new name replaces the file; new content
/// updates it in place.
#[derive(Debug)]
pub struct File;

fn failed(verb: &str, e: &std::io::Error) -> Failure {
    Diagnostic::error(format!("Could not {verb} file"), e.to_string()).into()
}

impl File {
    fn path(client: &Client, state: &Value) -> PathBuf {
        client.directory.join(state.get("name").as_str().unwrap_or_default())
    }
}

#[tfplug::async_trait]
impl Resource<Client> for File {
    fn type_name(&self) -> &'static str {
        "example_file"
    }

    fn schema(&self) -> Schema {
        Schema::new("A text file.")
            .attr(string("id").computed().keep_state().desc("The file name."))
            .attr(string("name").required().replace_on_change().desc("The file name, in the provider's directory."))
            .attr(string("content").required().desc("The file's text."))
    }

    async fn create(&self, client: &Client, _ctx: &Ctx, planned: &Value) -> Result<Value, Failure> {
        let content = planned.get("content").as_str().unwrap_or_default();
        std::fs::write(Self::path(client, planned), content).map_err(|e| failed("create", &e))?;
        let mut state = planned.clone();
        state.set("id", planned.get("name").clone());
        Ok(state)
    }

    async fn read(&self, client: &Client, _ctx: &Ctx, state: &Value) -> Result<Option<Value>, Failure> {
        // After an import only `id` is set: the name is the id.
        let mut state = state.clone();
        state.set("name", state.get("id").clone());
        match std::fs::read_to_string(Self::path(client, &state)) {
            Ok(content) => {
                state.set("content", Value::string(content));
                Ok(Some(state))
            }
            // Gone: Terraform plans to create it again.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(failed("read", &e)),
        }
    }

    async fn update(&self, client: &Client, _ctx: &Ctx, _prior: &Value, planned: &Value) -> Result<Value, Failure> {
        let content = planned.get("content").as_str().unwrap_or_default();
        std::fs::write(Self::path(client, planned), content).map_err(|e| failed("update", &e))?;
        Ok(planned.clone())
    }

    async fn delete(&self, client: &Client, _ctx: &Ctx, state: &Value) -> Result<(), Failure> {
        match std::fs::remove_file(Self::path(client, state)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(failed("delete", &e)),
            _ => Ok(()),
        }
    }
}

fn main() -> ExitCode {
    tfplug::serve(
        Example,
        ServeOpts {
            address: "registry.terraform.io/example/example",
            log_module: "provider.terraform-provider-example",
            version: env!("CARGO_PKG_VERSION"),
        },
    )
}
