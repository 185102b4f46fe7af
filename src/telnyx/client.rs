//! The Telnyx REST client: bearer auth, envelopes, typed errors, retries with backoff that
//! honour `Retry-After`, pagination, and request logs with secrets redacted.
//!
//! Retry rules (one place for every call):
//! * GET, PATCH and DELETE retry on 408, 429, 5xx and transport errors;
//! * POST retries only when the API cannot have acted: 429, and connections that failed
//!   before the request was sent. Any other failure of a POST is returned with
//!   `may_have_been_applied`, so the caller can look for the object before creating again.
//! * The wait before a retry is the answer's `retry-after-ms`, else its `Retry-After`
//!   (seconds or an HTTP date), else exponential backoff with full jitter; retries end after
//!   `max_retries` or when the next wait would pass the operation's deadline.
//!
//! Stopping (Terraform's StopProvider, i.e. Ctrl-C): a backoff wait ends at once and no new
//! request starts, but a request already sent runs to its end (bounded by
//! `request_timeout`), so the caller learns what the API did and records it. The one
//! exception is [`Client::list_all_to_reconcile`]: the lookup that settles whether an
//! interrupted create took effect runs once even after a stop.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use reqwest::{Method, StatusCode};
use serde_json::Value as Json;

use super::error::{ApiError, ApiErrorKind};
use super::redact::{redact_json, scrub, secret_values};
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

/// Connecting gets at most 15 s, and never more than a whole request.
fn connect_timeout(request_timeout: Duration) -> Duration {
    Duration::from_secs(15).min(request_timeout)
}

/// Whether a call may start after Terraform asked the provider to stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Stops before any request once stopping (no new work).
    Normal,
    /// Finishes an operation already under way: the first attempt runs even when stopping;
    /// no retry follows a stop.
    Finishing,
}

/// One pooled keep-alive HTTP client per provider instance.
///
/// Building the HTTP client loads the platform's root certificates, which takes a few
/// milliseconds: it happens on a helper thread started by [`Client::new`], so
/// `ConfigureProvider` answers at once and the work overlaps Terraform's next calls.
#[derive(Clone)]
pub struct Client {
    http: Arc<OnceLock<Result<reqwest::Client, String>>>,
    settings: Settings,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("settings", &self.settings).field("http_ready", &self.http.get().is_some()).finish()
    }
}

fn build_http(settings: &Settings) -> Result<reqwest::Client, String> {
    let started = Instant::now();
    let built = reqwest::Client::builder()
        .user_agent(settings.user_agent.clone())
        .connect_timeout(connect_timeout(settings.request_timeout))
        .timeout(settings.request_timeout)
        .pool_idle_timeout(Duration::from_secs(60))
        .gzip(true)
        .build()
        .map_err(|e| e.to_string());
    tracing::debug!(duration_ms = started.elapsed().as_secs_f64() * 1000.0, ok = built.is_ok(), "HTTP client built");
    built
}

impl Client {
    pub fn new(settings: Settings) -> Result<Client, String> {
        let http = Arc::new(OnceLock::new());
        let (cell, s) = (http.clone(), settings.clone());
        let spawned = std::thread::Builder::new().name("http-client-init".into()).spawn(move || {
            cell.get_or_init(|| build_http(&s));
        });
        if spawned.is_err() {
            // No thread to spare: build it here, and report a failure now.
            http.get_or_init(|| build_http(&settings)).as_ref().map_err(Clone::clone)?;
        }
        Ok(Client { http, settings })
    }

    /// The HTTP client; waits for the helper thread if it is still building it.
    fn http(&self) -> Result<&reqwest::Client, String> {
        self.http.get_or_init(|| build_http(&self.settings)).as_ref().map_err(|e| format!("could not create the HTTP client: {e}"))
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// GET one object.
    pub async fn get(&self, ctx: &Ctx, path: &str, env: Envelope) -> Result<Json, ApiError> {
        let body = self.call(ctx, Method::GET, path, &[], None, Mode::Normal).await?;
        unwrap(body, env, "GET", path)
    }

    /// POST a new object; returns the created object.
    pub async fn create(&self, ctx: &Ctx, path: &str, body: &Json, env: Envelope) -> Result<Json, ApiError> {
        let out = self.call(ctx, Method::POST, path, &[], Some(body), Mode::Normal).await?;
        unwrap(out, env, "POST", path)
    }

    /// POST an action without a body; returns the result object.
    pub async fn action(&self, ctx: &Ctx, path: &str, env: Envelope) -> Result<Json, ApiError> {
        let out = self.call(ctx, Method::POST, path, &[], None, Mode::Normal).await?;
        unwrap(out, env, "POST", path)
    }

    /// PATCH an object; returns the updated object.
    pub async fn update(&self, ctx: &Ctx, path: &str, body: &Json, env: Envelope) -> Result<Json, ApiError> {
        let out = self.call(ctx, Method::PATCH, path, &[], Some(body), Mode::Normal).await?;
        unwrap(out, env, "PATCH", path)
    }

    /// DELETE an object. An object already gone counts as deleted.
    pub async fn delete(&self, ctx: &Ctx, path: &str) -> Result<(), ApiError> {
        match self.call(ctx, Method::DELETE, path, &[], None, Mode::Normal).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Every object of a list endpoint matching `filters`, walking all pages at the largest
    /// page size.
    pub async fn list_all(&self, ctx: &Ctx, path: &str, filters: &[(String, String)]) -> Result<Vec<Json>, ApiError> {
        self.list_all_in(ctx, path, filters, Mode::Normal).await
    }

    /// [`Client::list_all`] for the lookup that settles whether a create that failed
    /// uncertainly (timeout, dropped connection, 5xx) took effect. It is part of finishing
    /// that create, so it runs even when Terraform has asked to stop — then each page gets
    /// one attempt, without retries — so an object the API made is still found and recorded.
    pub async fn list_all_to_reconcile(&self, ctx: &Ctx, path: &str, filters: &[(String, String)]) -> Result<Vec<Json>, ApiError> {
        self.list_all_in(ctx, path, filters, Mode::Finishing).await
    }

    async fn list_all_in(&self, ctx: &Ctx, path: &str, filters: &[(String, String)], mode: Mode) -> Result<Vec<Json>, ApiError> {
        let mut out = Vec::new();
        let mut page: u64 = 1;
        loop {
            let mut q: Vec<(String, String)> = filters.to_vec();
            q.push(("page[number]".into(), page.to_string()));
            q.push(("page[size]".into(), MAX_PAGE_SIZE.to_string()));
            let body = self.call(ctx, Method::GET, path, &q, None, mode).await?;
            let (items, next) = list_page(body, page, path)?;
            out.extend(items);
            match next {
                Some(next) => page = next,
                None => return Ok(out),
            }
        }
    }

    /// One API call with retries. Returns the parsed JSON body of a 2xx answer.
    async fn call(
        &self,
        ctx: &Ctx,
        method: Method,
        path: &str,
        query: &[(String, String)],
        body: Option<&Json>,
        mode: Mode,
    ) -> Result<Json, ApiError> {
        let m = method.as_str().to_string();
        let full_path = format!("{}{}", self.base_path(), path);
        let err =
            |kind, status, errors, message: String| ApiError { kind, status, method: m.clone(), path: full_path.clone(), errors, message };
        if self.settings.api_key.is_empty() {
            return Err(err(ApiErrorKind::NoApiKey, None, Vec::new(), String::new()));
        }
        if let Some(why) = never_sent(&method, path) {
            return Err(err(ApiErrorKind::Validation, None, Vec::new(), format!("this provider never sends {m} {path}: {why}")));
        }
        let url = format!("{}{}", self.settings.base_url.trim_end_matches('/'), path);
        let started = Instant::now();
        let deadline = started + self.settings.operation_timeout;
        let mut attempt: u32 = 0;
        loop {
            if ctx.is_stopping() && !(mode == Mode::Finishing && attempt == 0) {
                return Err(err(ApiErrorKind::Cancelled, None, Vec::new(), String::new()));
            }
            attempt += 1;
            let http = match self.http() {
                Ok(h) => h,
                Err(message) => return Err(err(ApiErrorKind::Transport { may_have_been_applied: false }, None, Vec::new(), message)),
            };
            let mut req =
                http.request(method.clone(), &url).bearer_auth(self.settings.api_key.expose()).header("Accept", "application/json");
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
                                format!("reading the response failed: {}", self.transport_message(&e, false)),
                            );
                            (idempotent, None, e).into_retry(self, ctx, attempt, deadline).await?;
                            continue;
                        }
                    };
                    if status.is_success() {
                        if text.trim().is_empty() {
                            return Ok(Json::Null);
                        }
                        tracing::trace!(method = %m, path = %full_path, status = status.as_u16(), body = %redact_text(&text), "response body");
                        return parse_body(&text).map_err(|e| err(ApiErrorKind::Decode, Some(status.as_u16()), Vec::new(), e));
                    }
                    let mut errors = super::error::items_of(&text);
                    // An answer may quote what was sent: never let a secret reach a diagnostic.
                    let secrets = body.map(secret_values).unwrap_or_default();
                    for e in errors.iter_mut() {
                        for field in [&mut e.title, &mut e.detail].into_iter().flatten() {
                            *field = scrub(field, &secrets);
                        }
                    }
                    tracing::trace!(method = %m, path = %full_path, status = status.as_u16(), body = %redact_text(&text), "error response");
                    let kind = kind_for(status, retry_after);
                    let retryable = match status.as_u16() {
                        429 => true,
                        408 | 500..=599 => method != Method::POST,
                        _ => false,
                    };
                    (retryable, retry_after, err(kind, Some(status.as_u16()), errors, String::new()))
                }
                Err(e) => {
                    // A failure to connect means nothing was sent: safe to retry any method.
                    let before_send = e.is_connect();
                    let what = self.transport_message(&e, before_send);
                    tracing::debug!(method = %m, path = %full_path, duration_ms = elapsed_ms, attempt, error = %what, "telnyx api call failed");
                    let kind = ApiErrorKind::Transport { may_have_been_applied: !before_send };
                    (before_send || method != Method::POST, None, err(kind, None, Vec::new(), what))
                }
            };
            (retryable, wait_hint, error).into_retry(self, ctx, attempt, deadline).await?;
        }
    }

    /// What went wrong on the wire; a timeout names the limit and the setting behind it.
    fn transport_message(&self, e: &reqwest::Error, before_send: bool) -> String {
        if !e.is_timeout() {
            return error_chain(e);
        }
        let (what, limit) = if before_send {
            ("could not connect", connect_timeout(self.settings.request_timeout))
        } else {
            ("no answer", self.settings.request_timeout)
        };
        format!(
            "timed out: {what} within the request timeout of {} (provider argument `request_timeout`, or TELNYX_REQUEST_TIMEOUT)",
            fmt_duration(limit)
        )
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

/// Paths under which a POST buys, reserves, ports or releases phone numbers.
const NUMBER_ORDERING: &[&str] = &[
    "/number_orders",
    "/sub_number_orders",
    "/number_block_orders",
    "/number_reservations",
    "/advanced_orders",
    "/inexplicit_number_orders",
    "/porting_orders",
    "/phone_numbers/jobs",
    "/phone_number_blocks/jobs",
];

/// Why a request must never be sent, whatever asks for it: it would release a phone number
/// (`DELETE /phone_numbers/{id}`) or buy, port or release numbers. The provider manages the
/// numbers an account owns and never changes which numbers it owns.
pub fn never_sent(method: &Method, path: &str) -> Option<&'static str> {
    let under = |prefix: &str| path == prefix || path.starts_with(&format!("{prefix}/"));
    if *method == Method::DELETE && under("/phone_numbers") {
        return Some("it would release the phone number from the account");
    }
    if *method == Method::POST && NUMBER_ORDERING.iter().any(|p| under(p)) {
        return Some("it would buy, port or release phone numbers");
    }
    None
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
        let stopped = |error: ApiError| {
            tracing::debug!(method = %error.method, path = %error.path, attempt, "not retrying: Terraform asked the provider to stop");
            let message = format!("the last attempt ended with: {error}");
            ApiError { kind: ApiErrorKind::Cancelled, message, ..error }
        };
        if ctx.is_stopping() {
            return Err(stopped(error));
        }
        let wait = hint.unwrap_or_else(|| backoff(attempt));
        if Instant::now() + wait > deadline {
            return Err(error);
        }
        tracing::debug!(method = %error.method, path = %error.path, attempt, wait_ms = wait.as_millis() as u64, "retrying");
        tokio::select! {
            biased;
            () = ctx.stop.cancelled() => Err(stopped(error)),
            () = tokio::time::sleep(wait) => Ok(()),
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

/// The longest wait a `Retry-After` can ask for; the operation's deadline still bounds it.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(300);

/// `retry-after-ms` (milliseconds), else `Retry-After` (seconds or an HTTP date).
pub fn retry_after(h: &reqwest::header::HeaderMap) -> Option<Duration> {
    if let Some(ms) = h.get("retry-after-ms").and_then(|v| v.to_str().ok()).and_then(|s| s.trim().parse::<f64>().ok()) {
        if ms.is_finite() && ms >= 0.0 {
            return Some(Duration::from_millis(ms.min(MAX_RETRY_AFTER.as_millis() as f64) as u64));
        }
    }
    let v = h.get("retry-after")?.to_str().ok()?.trim();
    parse_retry_after(v, SystemTime::now())
}

fn parse_retry_after(v: &str, now: SystemTime) -> Option<Duration> {
    if let Ok(secs) = v.parse::<f64>() {
        // Capped before the conversion: a huge value would not fit a Duration.
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(MAX_RETRY_AFTER.as_secs_f64())));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(at.duration_since(now).unwrap_or_default().min(MAX_RETRY_AFTER))
}

pub(crate) fn kind_for(status: StatusCode, retry_after: Option<Duration>) -> ApiErrorKind {
    match status.as_u16() {
        401 => ApiErrorKind::Unauthorized,
        403 => ApiErrorKind::Forbidden,
        404 => ApiErrorKind::NotFound,
        400 | 409 | 422 => ApiErrorKind::Validation,
        429 => ApiErrorKind::RateLimited { retry_after },
        _ => ApiErrorKind::Server,
    }
}

/// The JSON body of a successful answer, parsed within tfplug's decoding bounds.
pub(crate) fn parse_body(text: &str) -> Result<Json, String> {
    crate::tfplug::json::parse(text.as_bytes()).map_err(|e| format!("invalid JSON: {}", e.message))
}

/// One page of a list answer (asked for as page `page`): its objects, and the number of the
/// page to ask for next (`None`: this was the last).
pub(crate) fn list_page(mut body: Json, page: u64, path: &str) -> Result<(Vec<Json>, Option<u64>), ApiError> {
    let items = match body.get_mut("data").map(Json::take) {
        Some(Json::Array(items)) => items,
        _ => return Err(decode_error("GET", path, "a list response without a `data` array")),
    };
    let n = items.len();
    let meta = body.get("meta");
    let total_pages = meta.and_then(|m| m.get("total_pages")).and_then(Json::as_u64);
    let page_number = meta.and_then(|m| m.get("page_number")).and_then(Json::as_u64).unwrap_or(page);
    let next = match total_pages {
        Some(t) if page_number < t && n > 0 => page_number + 1,
        // Without meta, keep going while pages come back full.
        None if n as u32 >= MAX_PAGE_SIZE => page + 1,
        _ => return Ok((items, None)),
    };
    if next > 100_000 {
        return Err(decode_error("GET", path, "pagination did not end"));
    }
    Ok((items, Some(next)))
}

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

/// `1s`, `1m30s`, `250ms`: how the provider arguments spell durations.
pub fn fmt_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms % 1000 != 0 {
        return format!("{ms}ms");
    }
    let secs = d.as_secs();
    match (secs / 3600, secs % 3600 / 60, secs % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, 0) => format!("{m}m"),
        (0, m, s) => format!("{m}m{s}s"),
        (h, m, s) => format!("{h}h{m}m{s}s"),
    }
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
    fn requests_that_release_or_buy_numbers_are_never_sent() {
        for (m, p) in [
            (Method::DELETE, "/phone_numbers/1293384261075731499"),
            (Method::POST, "/phone_numbers/jobs/delete_phone_numbers"),
            (Method::POST, "/phone_number_blocks/jobs/delete_phone_number_block"),
            (Method::POST, "/number_orders"),
            (Method::POST, "/porting_orders"),
            (Method::POST, "/number_reservations"),
        ] {
            assert!(never_sent(&m, p).is_some(), "{m} {p}");
        }
        for (m, p) in [
            (Method::PATCH, "/phone_numbers/1"),
            (Method::PATCH, "/phone_numbers/1/voice"),
            (Method::GET, "/phone_numbers"),
            (Method::DELETE, "/billing_groups/1"),
            (Method::DELETE, "/phone_numbers_other/1"),
            (Method::POST, "/outbound_voice_profiles"),
        ] {
            assert!(never_sent(&m, p).is_none(), "{m} {p}");
        }
    }

    #[tokio::test]
    async fn a_release_is_refused_before_any_network_use() {
        // An unreachable base URL: a request that were sent would fail with a transport error.
        let c =
            Client::new(Settings { api_key: Secret::new("k"), base_url: "http://127.0.0.1:9/v2".into(), ..Settings::default() }).unwrap();
        let e = c.delete(&Ctx::default(), "/phone_numbers/42").await.unwrap_err();
        assert_eq!(e.kind, ApiErrorKind::Validation);
        assert!(e.message.contains("never sends DELETE /phone_numbers/42"), "{}", e.message);
    }

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
    fn backoff_ceiling_doubles_then_caps() {
        let ceilings: Vec<u64> = (1..=9).map(|a| backoff_with(a, 1.0).as_millis() as u64).collect();
        assert_eq!(ceilings, [250, 500, 1000, 2000, 4000, 8000, 16_000, 20_000, 20_000]);
        // Attempt 0 (never used) and absurd attempts neither underflow nor overflow.
        assert_eq!(backoff_with(0, 1.0), Duration::from_millis(250));
        assert_eq!(backoff_with(u32::MAX, 1.0), Duration::from_millis(20_000));
        // Out-of-range jitter input is clamped.
        assert_eq!(backoff_with(1, 7.0), Duration::from_millis(250));
        assert_eq!(backoff_with(1, -1.0), Duration::ZERO);
    }

    #[test]
    fn backoff_jitter_spreads_over_the_whole_range() {
        // Full jitter: uniform in [0, ceiling]. 2000 draws at attempt 3 (ceiling 1 s): every
        // draw in range, both ends of the range reached, the mean near the middle.
        let draws: Vec<u64> = (0..2000).map(|_| backoff(3).as_millis() as u64).collect();
        assert!(draws.iter().all(|d| *d <= 1000));
        assert!(draws.iter().any(|d| *d < 100), "no short waits: not full jitter");
        assert!(draws.iter().any(|d| *d > 900), "no long waits: not full jitter");
        let mean = draws.iter().sum::<u64>() as f64 / draws.len() as f64;
        assert!((400.0..600.0).contains(&mean), "mean {mean}");
    }

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("0", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("1.5", now), Some(Duration::from_millis(1500)));
        // Huge values are capped, never a panic (found by black-box testing).
        assert_eq!(parse_retry_after("99999999999999999999", now), Some(MAX_RETRY_AFTER));
        assert_eq!(parse_retry_after("1e308", now), Some(MAX_RETRY_AFTER));
        assert_eq!(retry_after(&headers(&[("retry-after-ms", "1e300")])), Some(MAX_RETRY_AFTER));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(7));
        assert_eq!(parse_retry_after(&later, now), Some(Duration::from_secs(7)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(7));
        assert_eq!(parse_retry_after(&past, now), Some(Duration::ZERO));
        let far = httpdate::fmt_http_date(now + Duration::from_secs(86_400));
        assert_eq!(parse_retry_after(&far, now), Some(Duration::from_secs(300)));
        for garbage in ["soon", "-1", "", "NaN", "inf", "1e400", "3 seconds", "Tue, 99 Foo 2024 00:00:00 GMT"] {
            assert_eq!(parse_retry_after(garbage, now), None, "{garbage:?}");
        }
        assert_eq!(parse_retry_after("99999", now), Some(Duration::from_secs(300)));
    }

    fn headers(pairs: &[(&'static str, &str)]) -> reqwest::header::HeaderMap {
        let mut h = reqwest::header::HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn retry_after_ms_takes_precedence() {
        assert_eq!(retry_after(&headers(&[("retry-after", "9"), ("retry-after-ms", "1500")])), Some(Duration::from_millis(1500)));
        assert_eq!(retry_after(&headers(&[("retry-after-ms", "250.7")])), Some(Duration::from_millis(250)));
        // A garbage retry-after-ms falls back to Retry-After.
        assert_eq!(retry_after(&headers(&[("retry-after", "2"), ("retry-after-ms", "soon")])), Some(Duration::from_secs(2)));
        assert_eq!(retry_after(&headers(&[("retry-after", "2"), ("retry-after-ms", "-5")])), Some(Duration::from_secs(2)));
        assert_eq!(retry_after(&headers(&[("retry-after-ms", "999999999")])), Some(Duration::from_secs(300)));
        assert_eq!(retry_after(&headers(&[("retry-after", "later")])), None);
        assert_eq!(retry_after(&headers(&[])), None);
    }

    #[test]
    fn durations_read_like_the_arguments() {
        assert_eq!(fmt_duration(Duration::from_secs(1)), "1s");
        assert_eq!(fmt_duration(Duration::from_secs(90)), "1m30s");
        assert_eq!(fmt_duration(Duration::from_secs(120)), "2m");
        assert_eq!(fmt_duration(Duration::from_millis(1500)), "1500ms");
        assert_eq!(fmt_duration(Duration::from_secs(3600)), "1h0m0s");
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

    // ---- the retry loop against a scripted HTTP/1.1 server on 127.0.0.1 ----------------------

    use std::collections::VecDeque;
    use std::sync::{Arc, Mutex};

    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// What the scripted server does with one request.
    #[derive(Clone)]
    enum Reply {
        /// Status, extra headers, body.
        Answer(u16, Vec<(&'static str, String)>, Vec<u8>),
        /// Wait, then answer.
        Slow(u64, Box<Reply>),
        /// Close the connection without answering.
        Drop,
    }

    fn json_reply(status: u16, body: &str) -> Reply {
        Reply::Answer(status, Vec::new(), body.as_bytes().to_vec())
    }

    #[derive(Debug, Clone)]
    struct Seen {
        method: String,
        target: String,
        headers: String,
        conn: usize,
        at: Instant,
    }

    struct Script {
        url: String,
        seen: Arc<Mutex<Vec<Seen>>>,
        connections: Arc<Mutex<usize>>,
    }

    impl Script {
        /// Serves `replies` in order, then `{"data": {"id": "1"}}` with 200.
        async fn start(replies: Vec<Reply>) -> Script {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let url = format!("http://{}/v2", listener.local_addr().unwrap());
            let seen = Arc::new(Mutex::new(Vec::new()));
            let connections = Arc::new(Mutex::new(0usize));
            let queue = Arc::new(Mutex::new(VecDeque::from(replies)));
            let (seen2, conns2) = (seen.clone(), connections.clone());
            tokio::spawn(async move {
                loop {
                    let Ok((mut sock, _)) = listener.accept().await else { return };
                    let conn = {
                        let mut n = conns2.lock().unwrap();
                        *n += 1;
                        *n
                    };
                    let (seen, queue) = (seen2.clone(), queue.clone());
                    tokio::spawn(async move {
                        let mut buf = Vec::new();
                        loop {
                            // One request: headers, then Content-Length bytes of body.
                            let head_end = loop {
                                if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                                    break i + 4;
                                }
                                let mut chunk = [0u8; 4096];
                                match sock.read(&mut chunk).await {
                                    Ok(0) | Err(_) => return,
                                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                                }
                            };
                            let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
                            let len: usize = head
                                .lines()
                                .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap()))
                                .unwrap_or(0);
                            while buf.len() < head_end + len {
                                let mut chunk = [0u8; 4096];
                                match sock.read(&mut chunk).await {
                                    Ok(0) | Err(_) => return,
                                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                                }
                            }
                            buf.drain(..head_end + len);
                            let mut first = head.lines().next().unwrap_or("").split(' ');
                            let (method, target) = (first.next().unwrap_or("").to_string(), first.next().unwrap_or("").to_string());
                            seen.lock().unwrap().push(Seen {
                                method,
                                target,
                                headers: head.to_ascii_lowercase(),
                                conn,
                                at: Instant::now(),
                            });
                            let mut reply = queue.lock().unwrap().pop_front().unwrap_or_else(|| json_reply(200, r#"{"data":{"id":"1"}}"#));
                            while let Reply::Slow(ms, next) = reply {
                                tokio::time::sleep(Duration::from_millis(ms)).await;
                                reply = *next;
                            }
                            let Reply::Answer(status, extra, body) = reply else { return };
                            let mut out =
                                format!("HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n", body.len());
                            for (k, v) in extra {
                                out.push_str(&format!("{k}: {v}\r\n"));
                            }
                            out.push_str("\r\n");
                            let mut bytes = out.into_bytes();
                            bytes.extend_from_slice(&body);
                            if sock.write_all(&bytes).await.is_err() {
                                return;
                            }
                        }
                    });
                }
            });
            Script { url, seen, connections }
        }

        fn client(&self, max_retries: u32, request_timeout: Duration) -> Client {
            Client::new(Settings {
                api_key: Secret::new("k"),
                base_url: self.url.clone(),
                max_retries,
                request_timeout,
                ..Settings::default()
            })
            .unwrap()
        }

        fn seen(&self) -> Vec<Seen> {
            self.seen.lock().unwrap().clone()
        }

        fn methods(&self) -> Vec<String> {
            self.seen().into_iter().map(|s| s.method).collect()
        }
    }

    const SECOND: Duration = Duration::from_secs(1);
    const OBJ: &str = r#"{"name":"p"}"#;

    fn body() -> Json {
        serde_json::from_str(OBJ).unwrap()
    }

    #[tokio::test]
    async fn reads_retry_server_errors_and_408() {
        let s = Script::start(vec![json_reply(500, "{}"), json_reply(503, "oops"), json_reply(408, "")]).await;
        let got = s.client(3, SECOND).get(&Ctx::default(), "/things/1", Envelope::Data).await.unwrap();
        assert_eq!(got["id"], "1");
        assert_eq!(s.methods(), ["GET"; 4]);
    }

    /// A 422 that quotes the password sent: the diagnostics name the problem, not the secret.
    #[tokio::test]
    async fn a_refusal_quoting_a_secret_does_not_repeat_it() {
        let answer = r#"{"errors":[{"code":"10015","title":"Invalid password hunter2","detail":"\"hunter2\" is too short","source":{"pointer":"/password"}}]}"#;
        let s = Script::start(vec![json_reply(422, answer)]).await;
        let sent = serde_json::json!({"user_name": "alice1", "password": "hunter2"});
        let e = s.client(0, SECOND).create(&Ctx::default(), "/things", &sent, Envelope::Data).await.unwrap_err();
        let d = e.to_diagnostics("create", "telnyx_thing", None);
        assert!(!format!("{d:?}").contains("hunter2"), "{d:?}");
        assert!(d.0[0].detail.contains("Invalid password <redacted>: \"<redacted>\" is too short"), "{}", d.0[0].detail);
        assert_eq!(d.0[0].path.as_ref().unwrap().to_string(), "password");
    }

    #[tokio::test]
    async fn max_retries_bounds_the_attempts() {
        let s = Script::start(vec![json_reply(502, "{}"); 10]).await;
        let e = s.client(2, SECOND).update(&Ctx::default(), "/things/1", &body(), Envelope::Data).await.unwrap_err();
        assert_eq!(e.kind, ApiErrorKind::Server);
        assert_eq!(e.status, Some(502));
        assert_eq!(s.methods(), ["PATCH"; 3], "1 attempt + max_retries 2");
        let s = Script::start(vec![json_reply(502, "{}")]).await;
        assert!(s.client(0, SECOND).delete(&Ctx::default(), "/things/1").await.is_err());
        assert_eq!(s.methods(), ["DELETE"]);
    }

    #[tokio::test]
    async fn creates_are_not_retried_after_a_server_error() {
        let s = Script::start(vec![json_reply(500, r#"{"errors":[{"code":"10007","title":"Unexpected error"}]}"#)]).await;
        let e = s.client(5, SECOND).create(&Ctx::default(), "/things", &body(), Envelope::Data).await.unwrap_err();
        assert!(e.may_have_been_applied());
        assert_eq!(s.methods(), ["POST"]);
    }

    #[tokio::test]
    async fn creates_are_retried_on_429_after_retry_after_ms() {
        let s =
            Script::start(vec![Reply::Answer(429, vec![("retry-after", "30".into()), ("retry-after-ms", "300".into())], b"{}".to_vec())])
                .await;
        let t0 = Instant::now();
        let got = s.client(3, SECOND).create(&Ctx::default(), "/things", &body(), Envelope::Data).await.unwrap();
        assert_eq!(got["id"], "1");
        let seen = s.seen();
        assert_eq!(seen.len(), 2);
        let gap = seen[1].at - seen[0].at;
        assert!(gap >= Duration::from_millis(300), "waited only {gap:?}");
        assert!(t0.elapsed() < Duration::from_secs(5), "retry-after-ms must win over Retry-After: 30");
    }

    #[tokio::test]
    async fn retry_after_seconds_is_honoured() {
        let s = Script::start(vec![Reply::Answer(503, vec![("retry-after", "1".into())], b"{}".to_vec())]).await;
        s.client(3, SECOND).get(&Ctx::default(), "/things/1", Envelope::Data).await.unwrap();
        let seen = s.seen();
        assert!(seen[1].at - seen[0].at >= SECOND, "{:?}", seen[1].at - seen[0].at);
    }

    #[tokio::test]
    async fn a_dropped_create_may_have_been_applied_and_is_not_resent() {
        let s = Script::start(vec![Reply::Drop]).await;
        let e = s.client(5, SECOND).create(&Ctx::default(), "/things", &body(), Envelope::Data).await.unwrap_err();
        assert_eq!(e.kind, ApiErrorKind::Transport { may_have_been_applied: true });
        assert_eq!(s.methods(), ["POST"]);
        // The same failure on a read is retried.
        let s = Script::start(vec![Reply::Drop, Reply::Drop]).await;
        s.client(5, SECOND).get(&Ctx::default(), "/things/1", Envelope::Data).await.unwrap();
        assert_eq!(s.methods(), ["GET"; 3]);
    }

    #[tokio::test]
    async fn a_refused_connection_cannot_have_created_anything() {
        // Nothing listens on this port: the connect fails, so nothing was sent, and a create
        // is safe to send again (the retry rule for POST).
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let c = Client::new(Settings {
            api_key: Secret::new("k"),
            base_url: format!("http://127.0.0.1:{port}/v2"),
            max_retries: 1,
            ..Settings::default()
        })
        .unwrap();
        let e = c.create(&Ctx::default(), "/things", &body(), Envelope::Data).await.unwrap_err();
        assert_eq!(e.kind, ApiErrorKind::Transport { may_have_been_applied: false });
        assert!(!e.may_have_been_applied());
    }

    #[tokio::test]
    async fn request_timeout_ends_a_slow_request_and_says_so() {
        let slow = || Reply::Slow(3000, Box::new(json_reply(200, r#"{"data":{"id":"late"}}"#)));
        let s = Script::start(vec![slow()]).await;
        let t0 = Instant::now();
        let e = s.client(4, SECOND).create(&Ctx::default(), "/things", &body(), Envelope::Data).await.unwrap_err();
        let took = t0.elapsed();
        assert!(took >= SECOND && took < Duration::from_millis(2500), "{took:?}");
        assert!(e.may_have_been_applied());
        assert_eq!(s.methods(), ["POST"]);
        let d = e.to_diagnostics("create", "telnyx_thing", None);
        let detail = &d.0[0].detail;
        assert!(detail.contains("request timeout of 1s") && detail.contains("request_timeout"), "{detail}");
        // A read times out, is retried, and succeeds once the API is fast again.
        let s = Script::start(vec![slow()]).await;
        s.client(4, SECOND).get(&Ctx::default(), "/things/1", Envelope::Data).await.unwrap();
        assert_eq!(s.methods(), ["GET"; 2]);
    }

    fn stopped() -> Ctx {
        let ctx = Ctx::default();
        ctx.stop.cancel();
        ctx
    }

    #[tokio::test]
    async fn after_stop_no_request_starts() {
        let s = Script::start(vec![]).await;
        let c = s.client(3, SECOND);
        let e = c.create(&stopped(), "/things", &body(), Envelope::Data).await.unwrap_err();
        assert_eq!(e.kind, ApiErrorKind::Cancelled);
        assert!(!e.may_have_been_applied());
        assert!(c.get(&stopped(), "/things/1", Envelope::Data).await.is_err());
        assert!(c.list_all(&stopped(), "/things", &[]).await.is_err());
        assert!(s.seen().is_empty());
    }

    #[tokio::test]
    async fn stop_ends_a_backoff_wait_at_once() {
        let s = Script::start(vec![Reply::Answer(429, vec![("retry-after", "30".into())], b"{}".to_vec())]).await;
        let ctx = Ctx::default();
        let stop = ctx.stop.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(200)).await;
            stop.cancel();
        });
        let t0 = Instant::now();
        let e = s.client(3, SECOND).create(&ctx, "/things", &body(), Envelope::Data).await.unwrap_err();
        assert!(t0.elapsed() < SECOND, "the 30 s wait did not end on stop: {:?}", t0.elapsed());
        assert_eq!(e.kind, ApiErrorKind::Cancelled);
        assert_eq!(e.status, Some(429), "the diagnostic keeps what the last attempt got");
        assert!(e.to_diagnostics("create", "telnyx_thing", None).0[0].detail.contains("interrupted"));
        assert_eq!(s.methods(), ["POST"]);
    }

    #[tokio::test]
    async fn an_in_flight_request_completes_after_stop() {
        let s = Script::start(vec![Reply::Slow(500, Box::new(json_reply(200, r#"{"data":{"id":"made"}}"#)))]).await;
        let ctx = Ctx::default();
        let stop = ctx.stop.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            stop.cancel();
        });
        let got = s.client(3, SECOND).create(&ctx, "/things", &body(), Envelope::Data).await.unwrap();
        assert_eq!(got["id"], "made", "the create the API answered must reach the caller");
        assert!(ctx.is_stopping());
    }

    #[tokio::test]
    async fn a_reconciling_lookup_runs_once_after_stop() {
        let page = r#"{"data":[{"id":"a","name":"p"}],"meta":{"page_number":1,"total_pages":1}}"#;
        let s = Script::start(vec![json_reply(200, page)]).await;
        let c = s.client(3, SECOND);
        let got = c.list_all_to_reconcile(&stopped(), "/things", &[]).await.unwrap();
        assert_eq!(got.len(), 1);
        // ...but is not retried once stopped.
        let s = Script::start(vec![json_reply(503, "{}")]).await;
        let e = s.client(3, SECOND).list_all_to_reconcile(&stopped(), "/things", &[]).await.unwrap_err();
        assert_eq!(e.kind, ApiErrorKind::Cancelled);
        assert_eq!(s.methods(), ["GET"]);
    }

    #[tokio::test]
    async fn list_all_walks_every_page_at_the_largest_size() {
        let page = |n: u64, ids: &[&str]| {
            let data: Vec<Json> = ids.iter().map(|i| serde_json::json!({"id": i})).collect();
            json_reply(200, &serde_json::json!({"data": data, "meta": {"page_number": n, "total_pages": 3}}).to_string())
        };
        let s = Script::start(vec![page(1, &["a", "b"]), page(2, &["c"]), page(3, &["d"])]).await;
        let filters = [("filter[name][contains]".to_string(), "x y".to_string())];
        let got = s.client(0, SECOND).list_all(&Ctx::default(), "/things", &filters).await.unwrap();
        let ids: Vec<&str> = got.iter().map(|o| o["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["a", "b", "c", "d"]);
        let targets: Vec<String> = s.seen().into_iter().map(|x| x.target).collect();
        assert_eq!(targets.len(), 3);
        for (i, t) in targets.iter().enumerate() {
            assert!(t.contains(&format!("page%5Bnumber%5D={}", i + 1)), "{t}");
            assert!(t.contains("page%5Bsize%5D=250"), "{t}");
            assert!(t.contains("filter%5Bname%5D%5Bcontains%5D=x+y"), "{t}");
        }
    }

    /// CRC-32 (IEEE), for hand-made gzip members.
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for b in data {
            crc ^= u32::from(*b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }

    /// A gzip member holding `data` in one stored (uncompressed) deflate block.
    fn gzip_stored(data: &[u8]) -> Vec<u8> {
        let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 1];
        let len = data.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(data);
        out.extend_from_slice(&crc32(data).to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out
    }

    #[tokio::test]
    async fn one_pooled_client_sends_identity_and_reads_gzip() {
        let zipped = gzip_stored(br#"{"data":{"id":"zipped"}}"#);
        let s = Script::start(vec![Reply::Answer(200, vec![("content-encoding", "gzip".into())], zipped)]).await;
        let mut settings = Settings { api_key: Secret::new("k"), base_url: s.url.clone(), ..Settings::default() };
        settings.user_agent.push_str(" terraform/1.0.3");
        let c = Client::new(settings).unwrap();
        let got = c.get(&Ctx::default(), "/things/1", Envelope::Data).await.unwrap();
        assert_eq!(got["id"], "zipped");
        for _ in 0..4 {
            c.get(&Ctx::default(), "/things/1", Envelope::Data).await.unwrap();
        }
        let seen = s.seen();
        assert_eq!(seen.len(), 5);
        let h = &seen[0].headers;
        let ua = format!("user-agent: terraform-provider-telnyx/{} terraform/1.0.3", env!("CARGO_PKG_VERSION"));
        assert!(h.contains(&ua), "{h}");
        assert!(h.contains("accept-encoding: gzip"), "{h}");
        assert!(h.contains("authorization: bearer k"), "{h}");
        // Keep-alive: every call reused the first connection.
        assert!(seen.iter().all(|x| x.conn == 1));
        assert_eq!(*s.connections.lock().unwrap(), 1);
    }

    #[tokio::test]
    async fn undecodable_success_may_have_been_applied() {
        let s = Script::start(vec![json_reply(200, "not json")]).await;
        let e = s.client(3, SECOND).create(&Ctx::default(), "/things", &body(), Envelope::Data).await.unwrap_err();
        assert_eq!(e.kind, ApiErrorKind::Decode);
        assert!(e.may_have_been_applied());
        assert_eq!(s.methods(), ["POST"]);
    }
}
