//! The Telnyx REST client: bearer auth, envelopes, typed errors, retries with backoff that
//! honour `Retry-After`, pagination, and request logs with secrets redacted.
//!
//! Retry rules (one place for every call):
//! * GET, PATCH and DELETE retry on 408, 429, 5xx and transport errors;
//! * POST retries only when the API cannot have acted: 429, and connections that failed
//!   before the request was sent. Any other failure of a POST is returned with
//!   `may_have_been_applied`, so the caller can look for the object before creating again.

use std::time::{Duration, Instant, SystemTime};

use reqwest::{Method, StatusCode};
use serde_json::Value as Json;

use super::error::{ApiError, ApiErrorKind, ErrorBody};
use super::redact::redact_json;
use crate::tfplug::Ctx;

/// The largest page the API serves.
pub const MAX_PAGE_SIZE: u32 = 250;

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

/// Client settings, from the provider configuration.
#[derive(Clone, Debug)]
pub struct Settings {
    pub api_key: Secret,
    pub base_url: String,
    pub max_retries: u32,
    pub request_timeout: Duration,
    /// Bounds one operation, all retries included.
    pub operation_timeout: Duration,
    pub user_agent: String,
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
        }
    }
}

/// One pooled keep-alive HTTP client per provider instance.
#[derive(Clone, Debug)]
pub struct Client {
    http: reqwest::Client,
    settings: Settings,
}

impl Client {
    pub fn new(settings: Settings) -> Result<Client, String> {
        let http = reqwest::Client::builder()
            .user_agent(settings.user_agent.clone())
            .connect_timeout(Duration::from_secs(15).min(settings.request_timeout))
            .timeout(settings.request_timeout)
            .pool_idle_timeout(Duration::from_secs(60))
            .gzip(true)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Client { http, settings })
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// GET one object.
    pub async fn get(&self, ctx: &Ctx, path: &str, env: Envelope) -> Result<Json, ApiError> {
        let body = self.call(ctx, Method::GET, path, &[], None).await?;
        unwrap(body, env, "GET", path)
    }

    /// POST a new object; returns the created object.
    pub async fn create(&self, ctx: &Ctx, path: &str, body: &Json, env: Envelope) -> Result<Json, ApiError> {
        let out = self.call(ctx, Method::POST, path, &[], Some(body)).await?;
        unwrap(out, env, "POST", path)
    }

    /// POST an action without a body; returns the result object.
    pub async fn action(&self, ctx: &Ctx, path: &str, env: Envelope) -> Result<Json, ApiError> {
        let out = self.call(ctx, Method::POST, path, &[], None).await?;
        unwrap(out, env, "POST", path)
    }

    /// PATCH an object; returns the updated object.
    pub async fn update(&self, ctx: &Ctx, path: &str, body: &Json, env: Envelope) -> Result<Json, ApiError> {
        let out = self.call(ctx, Method::PATCH, path, &[], Some(body)).await?;
        unwrap(out, env, "PATCH", path)
    }

    /// DELETE an object. An object already gone counts as deleted.
    pub async fn delete(&self, ctx: &Ctx, path: &str) -> Result<(), ApiError> {
        match self.call(ctx, Method::DELETE, path, &[], None).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Every object of a list endpoint matching `filters`, walking all pages at the largest
    /// page size.
    pub async fn list_all(&self, ctx: &Ctx, path: &str, filters: &[(String, String)]) -> Result<Vec<Json>, ApiError> {
        let mut out = Vec::new();
        let mut page: u64 = 1;
        loop {
            let mut q: Vec<(String, String)> = filters.to_vec();
            q.push(("page[number]".into(), page.to_string()));
            q.push(("page[size]".into(), MAX_PAGE_SIZE.to_string()));
            let body = self.call(ctx, Method::GET, path, &q, None).await?;
            let items = match body.get("data") {
                Some(Json::Array(items)) => items.clone(),
                _ => return Err(decode_error("GET", path, "a list response without a `data` array")),
            };
            let n = items.len();
            out.extend(items);
            let meta = body.get("meta");
            let total_pages = meta.and_then(|m| m.get("total_pages")).and_then(Json::as_u64);
            let page_number = meta.and_then(|m| m.get("page_number")).and_then(Json::as_u64).unwrap_or(page);
            match total_pages {
                Some(t) if page_number < t && n > 0 => page = page_number + 1,
                // Without meta, keep going while pages come back full.
                None if n as u32 >= MAX_PAGE_SIZE => page += 1,
                _ => return Ok(out),
            }
            if page > 100_000 {
                return Err(decode_error("GET", path, "pagination did not end"));
            }
        }
    }

    /// One API call with retries. Returns the parsed JSON body of a 2xx answer.
    async fn call(&self, ctx: &Ctx, method: Method, path: &str, query: &[(String, String)], body: Option<&Json>) -> Result<Json, ApiError> {
        let m = method.as_str().to_string();
        let full_path = format!("{}{}", self.base_path(), path);
        let err =
            |kind, status, errors, message: String| ApiError { kind, status, method: m.clone(), path: full_path.clone(), errors, message };
        if self.settings.api_key.is_empty() {
            return Err(err(ApiErrorKind::NoApiKey, None, Vec::new(), String::new()));
        }
        let url = format!("{}{}", self.settings.base_url.trim_end_matches('/'), path);
        let started = Instant::now();
        let deadline = started + self.settings.operation_timeout;
        let mut attempt: u32 = 0;
        loop {
            if ctx.is_stopping() {
                return Err(err(ApiErrorKind::Cancelled, None, Vec::new(), String::new()));
            }
            attempt += 1;
            let mut req =
                self.http.request(method.clone(), &url).bearer_auth(self.settings.api_key.expose()).header("Accept", "application/json");
            if !query.is_empty() {
                req = req.query(query);
            }
            if let Some(b) = body {
                req = req.json(b);
                tracing::trace!(method = %m, path = %full_path, body = %redact_json(b), "request body");
            }
            let t0 = Instant::now();
            let result = req.send().await;
            let elapsed_ms = t0.elapsed().as_millis() as u64;
            let (retryable, wait_hint, error) = match result {
                Ok(resp) => {
                    let status = resp.status();
                    let request_id = resp.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
                    let retry_after = retry_after(resp.headers());
                    let text = resp.text().await;
                    tracing::debug!(method = %m, path = %full_path, status = status.as_u16(), duration_ms = elapsed_ms, attempt, request_id = %request_id, "telnyx api call");
                    let text = match text {
                        Ok(t) => t,
                        Err(e) => {
                            let idempotent = method != Method::POST;
                            let e = err(
                                ApiErrorKind::Transport { may_have_been_applied: true },
                                Some(status.as_u16()),
                                Vec::new(),
                                format!("reading the response failed: {e}"),
                            );
                            (idempotent, None, e).into_retry(self, ctx, attempt, deadline).await?;
                            continue;
                        }
                    };
                    if status.is_success() {
                        if text.trim().is_empty() {
                            return Ok(Json::Null);
                        }
                        return serde_json::from_str(&text)
                            .map_err(|e| err(ApiErrorKind::Decode, Some(status.as_u16()), Vec::new(), format!("invalid JSON: {e}")));
                    }
                    let parsed: ErrorBody = serde_json::from_str(&text).unwrap_or_default();
                    tracing::trace!(method = %m, path = %full_path, status = status.as_u16(), body = %redact_text(&text), "error response");
                    let kind = kind_for(status, retry_after);
                    let retryable = match status.as_u16() {
                        429 => true,
                        408 | 500..=599 => method != Method::POST,
                        _ => false,
                    };
                    (retryable, retry_after, err(kind, Some(status.as_u16()), parsed.errors, String::new()))
                }
                Err(e) => {
                    // A failure to connect means nothing was sent: safe to retry any method.
                    let before_send = e.is_connect();
                    let what =
                        if e.is_timeout() { format!("timed out after {:?}", self.settings.request_timeout) } else { error_chain(&e) };
                    tracing::debug!(method = %m, path = %full_path, duration_ms = elapsed_ms, attempt, error = %what, "telnyx api call failed");
                    let kind = ApiErrorKind::Transport { may_have_been_applied: !before_send };
                    (before_send || method != Method::POST, None, err(kind, None, Vec::new(), what))
                }
            };
            (retryable, wait_hint, error).into_retry(self, ctx, attempt, deadline).await?;
        }
    }

    fn base_path(&self) -> String {
        // "/v2" from "https://api.telnyx.com/v2", for messages.
        let b = self.settings.base_url.trim_end_matches('/');
        match b.find("://") {
            Some(i) => b[i + 3..].find('/').map(|j| b[i + 3 + j..].to_string()).unwrap_or_default(),
            None => String::new(),
        }
    }
}

/// A failed attempt: either sleep and go round again, or give up with the error.
trait IntoRetry {
    async fn into_retry(self, c: &Client, ctx: &Ctx, attempt: u32, deadline: Instant) -> Result<(), ApiError>;
}

impl IntoRetry for (bool, Option<Duration>, ApiError) {
    async fn into_retry(self, c: &Client, ctx: &Ctx, attempt: u32, deadline: Instant) -> Result<(), ApiError> {
        let (retryable, hint, error) = self;
        if !retryable || attempt > c.settings.max_retries {
            return Err(error);
        }
        let wait = hint.unwrap_or_else(|| backoff(attempt));
        if Instant::now() + wait > deadline {
            return Err(error);
        }
        tracing::debug!(method = %error.method, path = %error.path, attempt, wait_ms = wait.as_millis() as u64, "retrying");
        tokio::select! {
            () = tokio::time::sleep(wait) => Ok(()),
            () = ctx.stop.cancelled() => Err(ApiError { kind: ApiErrorKind::Cancelled, ..error }),
        }
    }
}

/// Exponential backoff with full jitter: uniform in [0, min(cap, base·2^(attempt-1))].
pub fn backoff(attempt: u32) -> Duration {
    backoff_with(attempt, fastrand::f64())
}

fn backoff_with(attempt: u32, unit: f64) -> Duration {
    const BASE_MS: f64 = 250.0;
    const CAP_MS: f64 = 20_000.0;
    let ceiling = (BASE_MS * 2f64.powi(attempt.saturating_sub(1).min(16) as i32)).min(CAP_MS);
    Duration::from_millis((ceiling * unit.clamp(0.0, 1.0)) as u64)
}

/// `retry-after-ms` (milliseconds), else `Retry-After` (seconds or an HTTP date).
pub fn retry_after(h: &reqwest::header::HeaderMap) -> Option<Duration> {
    if let Some(ms) = h.get("retry-after-ms").and_then(|v| v.to_str().ok()).and_then(|s| s.trim().parse::<f64>().ok()) {
        if ms.is_finite() && ms >= 0.0 {
            return Some(Duration::from_millis(ms as u64).min(Duration::from_secs(300)));
        }
    }
    let v = h.get("retry-after")?.to_str().ok()?.trim();
    parse_retry_after(v, SystemTime::now())
}

fn parse_retry_after(v: &str, now: SystemTime) -> Option<Duration> {
    if let Ok(secs) = v.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs).min(Duration::from_secs(300)));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(at.duration_since(now).unwrap_or_default().min(Duration::from_secs(300)))
}

fn kind_for(status: StatusCode, retry_after: Option<Duration>) -> ApiErrorKind {
    match status.as_u16() {
        401 => ApiErrorKind::Unauthorized,
        403 => ApiErrorKind::Forbidden,
        404 => ApiErrorKind::NotFound,
        400 | 409 | 422 => ApiErrorKind::Validation,
        429 => ApiErrorKind::RateLimited { retry_after },
        _ => ApiErrorKind::Server,
    }
}

fn unwrap(body: Json, env: Envelope, method: &str, path: &str) -> Result<Json, ApiError> {
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

fn decode_error(method: &str, path: &str, what: &str) -> ApiError {
    ApiError {
        kind: ApiErrorKind::Decode,
        status: None,
        method: method.into(),
        path: path.into(),
        errors: Vec::new(),
        message: format!("unexpected {what}"),
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        let t = inner.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        src = inner.source();
    }
    s
}

fn redact_text(t: &str) -> String {
    match serde_json::from_str::<Json>(t) {
        Ok(j) => redact_json(&j).to_string(),
        Err(_) => format!("<{} bytes, not JSON>", t.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_bounded_full_jitter() {
        assert_eq!(backoff_with(1, 1.0), Duration::from_millis(250));
        assert_eq!(backoff_with(3, 1.0), Duration::from_millis(1000));
        assert_eq!(backoff_with(30, 1.0), Duration::from_millis(20_000));
        assert_eq!(backoff_with(5, 0.0), Duration::ZERO);
        assert_eq!(backoff_with(2, 0.5), Duration::from_millis(250));
        for a in 1..20 {
            assert!(backoff(a) <= Duration::from_secs(20));
        }
    }

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("1.5", now), Some(Duration::from_millis(1500)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(7));
        assert_eq!(parse_retry_after(&later, now), Some(Duration::from_secs(7)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(7));
        assert_eq!(parse_retry_after(&past, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(parse_retry_after("99999", now), Some(Duration::from_secs(300)));
        let mut h = reqwest::header::HeaderMap::new();
        h.insert("retry-after", "9".parse().unwrap());
        h.insert("retry-after-ms", "1500".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_millis(1500)));
    }

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
