//! The Telnyx REST client as the provider and the export subcommand hold it: the settings, and
//! the layers of [`super`] stacked once ([`Client::new`]). Every call goes down the chain:
//! batched reads ([`super::batch`]) → verbs, envelopes and pages ([`super::api`],
//! [`super::pages`]) → retry policy ([`super::retry`]) → one request ([`super::transport`]).
//!
//! Stopping (the caller's cancellation token, e.g. cancelled on Ctrl-C): a
//! backoff wait ends at once and no new request starts, but a request already sent runs to
//! its end (bounded by `request_timeout`), so the caller learns what the API did and records
//! it. The one exception is [`Client::list_all_to_reconcile`]: the lookup that settles
//! whether an interrupted create took effect runs once even after a stop.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value as Json;
use tokio_util::sync::CancellationToken;

use super::api::Api;
use super::batch::{BatchRead, Batcher};
use super::error::ApiError;
use super::retry::{Mode, Policy};
use super::transport::{HttpClientError, Options, Transport};

pub use super::api::{Envelope, path_segment};
pub use super::pages::{MAX_PAGE_SIZE, Pages};
pub use super::retry::never_sent;
pub use super::transport::Secret;

/// Client settings (the provider configuration, or the export subcommand's options).
#[derive(Clone, Debug)]
pub struct Settings {
    pub api_key: Secret,
    pub base_url: String,
    pub max_retries: u32,
    pub request_timeout: Duration,
    /// Bounds one operation, all retries included.
    pub operation_timeout: Duration,
    pub user_agent: String,
    /// Whether reads may be served from list pages ([`super::batch`]).
    pub batch_reads: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            api_key: Secret::default(),
            base_url: "https://api.telnyx.com/v2".into(),
            max_retries: 8,
            request_timeout: Duration::from_secs(60),
            operation_timeout: Duration::from_secs(600),
            user_agent: format!("terraform-provider-telnyx/{}", env!("CARGO_PKG_VERSION")),
            batch_reads: true,
        }
    }
}

/// One pooled keep-alive HTTP client per provider instance, with its retry policy and its
/// batched reads. Cloning shares all three.
#[derive(Clone)]
pub struct Client {
    api: Api,
    batch: Arc<Batcher>,
    settings: Settings,
    instance: u64,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("settings", &self.settings).field("http_ready", &self.api.transport().ready()).finish()
    }
}

impl Client {
    /// Stacks the layers. The HTTP client is built on a helper thread ([`Transport`]); this
    /// fails only when no thread can be started and building it here fails too.
    pub fn new(settings: Settings) -> Result<Client, HttpClientError> {
        let s = &settings;
        let transport =
            Transport::new(Options { api_key: s.api_key.clone(), user_agent: s.user_agent.clone(), request_timeout: s.request_timeout })?;
        let policy = Policy { max_retries: s.max_retries, operation_timeout: s.operation_timeout };
        let api = Api::new(transport, policy, s.base_url.clone());
        let batch = Arc::new(Batcher::new(s.batch_reads));
        static MADE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let instance = MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(Client { api, batch, settings, instance })
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Tells this client apart from every other one the process made (state kept per client).
    pub fn instance(&self) -> u64 {
        self.instance
    }

    /// GET one object.
    pub async fn get(&self, stop: &CancellationToken, path: &str, env: Envelope) -> Result<Json, ApiError> {
        self.api.get(stop, path, env).await
    }

    /// POST a new object; returns the created object.
    pub async fn create(&self, stop: &CancellationToken, path: &str, body: &Json, env: Envelope) -> Result<Json, ApiError> {
        self.api.create(stop, path, body, env).await
    }

    /// POST an action without a body; returns the result object.
    pub async fn action(&self, stop: &CancellationToken, path: &str, env: Envelope) -> Result<Json, ApiError> {
        self.api.action(stop, path, env).await
    }

    /// POST an action without a body whose answer is `text/plain` (an access token): returns
    /// the text, never logged.
    pub async fn text_action(&self, stop: &CancellationToken, path: &str) -> Result<String, ApiError> {
        self.api.text_action(stop, path).await
    }

    /// PATCH an object; returns the updated object.
    pub async fn update(&self, stop: &CancellationToken, path: &str, body: &Json, env: Envelope) -> Result<Json, ApiError> {
        self.api.update(stop, path, body, env).await
    }

    /// DELETE an object. An object already gone counts as deleted.
    pub async fn delete(&self, stop: &CancellationToken, path: &str) -> Result<(), ApiError> {
        self.api.delete(stop, path).await
    }

    /// Every object of a list endpoint matching `filters`, all pages walked
    /// ([`super::pages`]).
    pub async fn list_all(&self, stop: &CancellationToken, path: &str, filters: &[(String, String)]) -> Result<Vec<Json>, ApiError> {
        self.api.list_all(stop, path, filters).await
    }

    /// [`Client::list_all`] for the lookup that settles whether an uncertain create took
    /// effect: it runs even after a stop, each page then getting one attempt.
    pub async fn list_all_to_reconcile(
        &self,
        stop: &CancellationToken,
        path: &str,
        filters: &[(String, String)],
    ) -> Result<Vec<Json>, ApiError> {
        self.api.list_all_to_reconcile(stop, path, filters).await
    }

    /// The pages of a listing one at a time, for a caller that may stop early.
    pub fn pages<'a>(&'a self, stop: &'a CancellationToken, path: &'a str, filters: &'a [(String, String)]) -> Pages<'a> {
        self.api.pages(stop, path, filters, Mode::Normal)
    }

    /// The object at `path` (`None`: there is none, a 404), answered from a listing where
    /// `listed` says one may hold it ([`Client::read_batched`]), else by its own `GET`.
    pub async fn read(
        &self,
        stop: &CancellationToken,
        path: &str,
        env: Envelope,
        listed: Option<&BatchRead<'_>>,
    ) -> Result<Option<Json>, ApiError> {
        self.batch.read(&self.api, stop, path, env, listed).await
    }

    /// The object `read` names, from a listing, or `None`: read it on its own (`GET`), as
    /// when batching is off, the object was written or imported here, the listing failed, or
    /// the object is not in it (maybe gone: only its own read can tell).
    pub async fn read_batched(&self, stop: &CancellationToken, read: &BatchRead<'_>) -> Option<Json> {
        self.batch.read_batched(&self.api, stop, read).await
    }

    /// Whether this client has written `object` (its path), or is writing it now.
    pub fn has_written(&self, object: &str) -> bool {
        !self.api.writes().untouched_since(object, 0)
    }

    /// From now on `object` (its path, `/ips/123`) is read on its own, never from a listing:
    /// for an imported object, whose first read must be its own.
    pub fn read_alone(&self, object: &str) {
        self.batch.read_alone(object);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_do_not_debug_print() {
        let s = Settings { api_key: Secret::new("KEY123"), ..Settings::default() };
        assert!(!format!("{s:?}").contains("KEY123"));
        let c = Client::new(s).unwrap();
        assert!(!format!("{c:?}").contains("KEY123"));
    }
}
