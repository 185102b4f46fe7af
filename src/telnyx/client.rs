//! The Telnyx REST client: bearer auth, envelopes, typed errors, retries with backoff that
//! honour `Retry-After`, pagination, and request logs with secrets redacted.
//!
//! The client is in rooms: this file is its face (settings, the calls the resources make,
//! envelopes); [`super::transport`] sends one request and reads its answer (auth, user agent,
//! redacted logs, timeouts); [`super::retry`] decides whether and when a failed attempt goes
//! again, and which requests are never sent; [`super::pages`] walks list endpoints.
//!
//! Stopping (the caller's cancellation token, e.g. cancelled on Ctrl-C): a
//! backoff wait ends at once and no new request starts, but a request already sent runs to
//! its end (bounded by `request_timeout`), so the caller learns what the API did and records
//! it. The one exception is [`Client::list_all_to_reconcile`]: the lookup that settles
//! whether an interrupted create took effect runs once even after a stop.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use reqwest::Method;
use serde_json::Value as Json;
use tokio_util::sync::CancellationToken;

use super::batch::Batcher;
use super::error::{ApiError, ApiErrorKind};
pub use super::pages::MAX_PAGE_SIZE;
use super::retry::Mode;
pub use super::retry::never_sent;

/// How single objects are wrapped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Envelope {
    /// `{"data": {...}}`
    Data,
    /// The object itself (access IP ranges).
    Bare,
}

/// A secret that never shows in Debug output or logs.
#[derive(Clone, Default)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_empty() { "Secret(<empty>)" } else { "Secret(<redacted>)" })
    }
}

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

/// One pooled keep-alive HTTP client per provider instance.
///
/// Building the HTTP client loads the platform's root certificates, which takes a few
/// milliseconds: it happens on a helper thread started by [`Client::new`], so
/// creating a client (the provider's `ConfigureProvider`) answers at once and the work
/// overlaps the caller's next steps.
#[derive(Clone)]
pub struct Client {
    pub(super) http: Arc<OnceLock<Result<reqwest::Client, String>>>,
    pub(super) settings: Settings,
    pub(super) batch: Arc<Batcher>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("settings", &self.settings).field("http_ready", &self.http.get().is_some()).finish()
    }
}

impl Client {
    pub fn new(settings: Settings) -> Result<Client, String> {
        let http = super::transport::start_building(&settings)?;
        let batch = Arc::new(Batcher::new(settings.batch_reads));
        Ok(Client { http, settings, batch })
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// GET one object.
    pub async fn get(&self, stop: &CancellationToken, path: &str, env: Envelope) -> Result<Json, ApiError> {
        let body = self.call(stop, Method::GET, path, &[], None, Mode::Normal).await?;
        unwrap(body, env, "GET", path)
    }

    /// POST a new object; returns the created object.
    pub async fn create(&self, stop: &CancellationToken, path: &str, body: &Json, env: Envelope) -> Result<Json, ApiError> {
        let out = self.call(stop, Method::POST, path, &[], Some(body), Mode::Normal).await?;
        let created = unwrap(out, env, "POST", path)?;
        if let Some(id) = created.get("id").and_then(Json::as_str) {
            self.batch.wrote(&format!("{path}/{}", path_segment(id)));
        }
        Ok(created)
    }

    /// POST an action without a body; returns the result object.
    pub async fn action(&self, stop: &CancellationToken, path: &str, env: Envelope) -> Result<Json, ApiError> {
        let _writing = self.batch.writing(path);
        let out = self.call(stop, Method::POST, path, &[], None, Mode::Normal).await?;
        unwrap(out, env, "POST", path)
    }

    /// PATCH an object; returns the updated object.
    pub async fn update(&self, stop: &CancellationToken, path: &str, body: &Json, env: Envelope) -> Result<Json, ApiError> {
        let _writing = self.batch.writing(path);
        let out = self.call(stop, Method::PATCH, path, &[], Some(body), Mode::Normal).await?;
        unwrap(out, env, "PATCH", path)
    }

    /// DELETE an object. An object already gone counts as deleted.
    pub async fn delete(&self, stop: &CancellationToken, path: &str) -> Result<(), ApiError> {
        let _writing = self.batch.writing(path);
        match self.call(stop, Method::DELETE, path, &[], None, Mode::Normal).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// "/v2" from "https://api.telnyx.com/v2": the base URL's path, as messages name it.
    pub(super) fn base_path(&self) -> String {
        let b = self.settings.base_url.trim_end_matches('/');
        match b.find("://") {
            Some(i) => b[i + 3..].find('/').map(|j| b[i + 3 + j..].to_string()).unwrap_or_default(),
            None => String::new(),
        }
    }
}

/// Percent-encodes an id for a path segment (ids are opaque strings).
pub fn path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The object of a single-object answer, out of its envelope.
pub(crate) fn unwrap(body: Json, env: Envelope, method: &str, path: &str) -> Result<Json, ApiError> {
    match env {
        Envelope::Bare if body.is_object() => Ok(body),
        Envelope::Data => match body {
            Json::Object(mut o) => match o.remove("data") {
                Some(d @ Json::Object(_)) => Ok(d),
                _ => Err(decode_error(method, path, "a response without a `data` object")),
            },
            _ => Err(decode_error(method, path, "a response that is not a JSON object")),
        },
        Envelope::Bare => Err(decode_error(method, path, "a response that is not a JSON object")),
    }
}

pub(super) fn decode_error(method: &str, path: &str, what: &str) -> ApiError {
    ApiError {
        kind: ApiErrorKind::Decode,
        status: None,
        method: method.into(),
        path: path.into(),
        errors: Vec::new(),
        message: format!("unexpected {what}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_do_not_debug_print() {
        let s = Settings { api_key: Secret::new("KEY123"), ..Settings::default() };
        assert!(!format!("{s:?}").contains("KEY123"));
    }

    #[test]
    fn envelopes() {
        let d = serde_json::json!({"data": {"id": "1"}});
        assert_eq!(unwrap(d, Envelope::Data, "GET", "/x").unwrap()["id"], "1");
        let b = serde_json::json!({"id": "2"});
        assert_eq!(unwrap(b.clone(), Envelope::Bare, "GET", "/x").unwrap()["id"], "2");
        assert!(unwrap(b, Envelope::Data, "GET", "/x").is_err());
    }
}
