//! The bottom layer: one request on the wire. The pooled HTTP client (user agent, timeouts,
//! gzip), built on a helper thread and awaited, bearer auth, reading the answer (at most
//! [`MAX_BODY_BYTES`]), typed errors with secrets scrubbed, request logs with secrets
//! redacted, and the wait an answer asks for (`Retry-After`). Whether a failure goes again is
//! the business of the layer above, [`super::retry`]; this one knows nothing of it.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use reqwest::{Method, StatusCode};
use serde_json::Value as Json;
use tokio::sync::watch;

use super::error::{ApiError, ApiErrorItem, ApiErrorKind, items_of};
use super::redact::{redact_json, scrub, secret_values};

/// The largest answer read: 8 MiB, about ten times a full page of 250 connections. A longer
/// body is refused while it streams in, before it is held whole; nesting is bounded by
/// serde_json's recursion limit (128), which answers with an error, never a stack overflow.
pub const MAX_BODY_BYTES: usize = 8 << 20;

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

/// Why there is no HTTP client to send with.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HttpClientError {
    /// reqwest could not build it (its message: the TLS roots, a proxy setting).
    #[error("{0}")]
    Build(String),
    /// The helper thread building it ended without an answer.
    #[error("the thread building it ended without an answer")]
    Lost,
}

/// An answer that does not read as JSON.
#[derive(Debug, thiserror::Error)]
#[error("invalid JSON: {0}")]
pub struct InvalidJson(#[from] serde_json::Error);

/// What the transport needs of the settings.
#[derive(Clone, Debug)]
pub struct Options {
    pub api_key: Secret,
    pub user_agent: String,
    pub request_timeout: Duration,
}

type Built = Option<Result<reqwest::Client, HttpClientError>>;

/// Sends one request at a time over one pooled keep-alive HTTP client.
///
/// Building the HTTP client loads the platform's root certificates, which takes a few
/// milliseconds: it happens on a helper thread started by [`Transport::new`], so creating a
/// client (the provider's `ConfigureProvider`) answers at once. A request that comes before
/// it is ready awaits it (a watch channel), leaving the runtime's thread to other tasks.
#[derive(Clone, Debug)]
pub struct Transport {
    http: watch::Receiver<Built>,
    opts: Options,
}

impl Transport {
    /// Starts building the HTTP client on a helper thread. Fails only when no thread can be
    /// started and building it here fails too.
    pub fn new(opts: Options) -> Result<Transport, HttpClientError> {
        let o = opts.clone();
        Transport::with_builder(opts, move || build_http(&o))
    }

    /// [`Transport::new`] with the HTTP client made by `build`.
    pub(crate) fn with_builder(
        opts: Options,
        build: impl FnOnce() -> Result<reqwest::Client, HttpClientError> + Send + 'static,
    ) -> Result<Transport, HttpClientError> {
        let (tx, http) = watch::channel(None);
        // Shared so that, should no thread start, the builder is still here to run.
        let build = Arc::new(Mutex::new(Some(build)));
        let on_thread = build.clone();
        let spawned = std::thread::Builder::new().name("http-client-init".into()).spawn(move || {
            if let Some(build) = on_thread.lock().ok().and_then(|mut b| b.take()) {
                tx.send_replace(Some(build()));
            }
        });
        if spawned.is_err() {
            // No thread to spare: build it here, and report a failure now.
            let build = build.lock().ok().and_then(|mut b| b.take()).ok_or(HttpClientError::Lost)?;
            let (_, http) = watch::channel(Some(Ok(build()?)));
            return Ok(Transport { http, opts });
        }
        Ok(Transport { http, opts })
    }

    /// Whether the HTTP client is built.
    pub fn ready(&self) -> bool {
        self.http.borrow().is_some()
    }

    /// Whether an API key is set.
    pub fn has_api_key(&self) -> bool {
        !self.opts.api_key.is_empty()
    }

    /// The HTTP client; awaits the helper thread if it is still building it.
    async fn http(&self) -> Result<reqwest::Client, HttpClientError> {
        let mut rx = self.http.clone();
        match rx.wait_for(Option::is_some).await {
            Ok(built) => built.as_ref().cloned().unwrap_or(Err(HttpClientError::Lost)),
            Err(_) => Err(HttpClientError::Lost),
        }
    }

    /// Sends `req` once. Returns the parsed JSON body of a 2xx answer (`null` if empty).
    pub async fn send_once(&self, req: &Request<'_>, attempt: u32) -> Result<Json, Failed> {
        let (m, full_path) = (req.method.as_str(), &req.shown);
        let http = self.http().await.map_err(|e| {
            let message = format!("could not create the HTTP client: {e}");
            Failed::Final(req.error(ApiErrorKind::Transport { may_have_been_applied: false }, None, Vec::new(), message))
        })?;
        let mut rb = http.request(req.method.clone(), &req.url).bearer_auth(self.opts.api_key.expose()).header("Accept", req.accept());
        if !req.query.is_empty() {
            rb = rb.query(req.query);
        }
        if let Some(b) = req.body {
            rb = rb.json(b);
            tracing::trace!(method = %m, path = %full_path, body = %redact_json(b), "request body");
        }
        let t0 = Instant::now();
        let result = rb.send().await;
        let elapsed_ms = t0.elapsed().as_millis() as u64;
        match result {
            Ok(resp) => {
                let status = resp.status();
                let request_id = resp.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
                let retry_after = retry_after(resp.headers());
                let text = read_capped(resp, MAX_BODY_BYTES).await;
                tracing::debug!(method = %m, path = %full_path, status = status.as_u16(), duration_ms = elapsed_ms, attempt, request_id = %request_id, "telnyx api call");
                let text = match text {
                    Ok(Some(t)) => t,
                    Ok(None) => {
                        return Err(Failed::Final(req.error(
                            ApiErrorKind::Decode,
                            Some(status.as_u16()),
                            Vec::new(),
                            format!("the answer is longer than {} MiB, the most the provider reads", MAX_BODY_BYTES >> 20),
                        )));
                    }
                    Err(e) => {
                        return Err(Failed::Unread(req.error(
                            ApiErrorKind::Transport { may_have_been_applied: true },
                            Some(status.as_u16()),
                            Vec::new(),
                            format!("reading the response failed: {}", self.transport_message(&e, false)),
                        )));
                    }
                };
                if status.is_success() {
                    // A text answer (an access token) is a secret: returned as a string, never logged.
                    if req.text {
                        return Ok(Json::String(text.trim().to_string()));
                    }
                    if text.trim().is_empty() {
                        return Ok(Json::Null);
                    }
                    tracing::trace!(method = %m, path = %full_path, status = status.as_u16(), body = %redact_text(&text), "response body");
                    return parse_body(&text)
                        .map_err(|e| Failed::Final(req.error(ApiErrorKind::Decode, Some(status.as_u16()), Vec::new(), e.to_string())));
                }
                let mut errors = items_of(&text);
                // An answer may quote what was sent: never let a secret reach a diagnostic.
                let secrets = req.body.map(secret_values).unwrap_or_default();
                for e in errors.iter_mut() {
                    for field in [&mut e.title, &mut e.detail].into_iter().flatten() {
                        *field = scrub(field, &secrets);
                    }
                }
                tracing::trace!(method = %m, path = %full_path, status = status.as_u16(), body = %redact_text(&text), "error response");
                let error = req.error(kind_for(status, retry_after), Some(status.as_u16()), errors, String::new());
                Err(Failed::Status { status: status.as_u16(), retry_after, error })
            }
            Err(e) => {
                // A failure to connect means nothing was sent.
                let before_send = e.is_connect();
                let what = self.transport_message(&e, before_send);
                tracing::debug!(method = %m, path = %full_path, duration_ms = elapsed_ms, attempt, error = %what, "telnyx api call failed");
                let kind = ApiErrorKind::Transport { may_have_been_applied: !before_send };
                Err(Failed::Wire { before_send, error: req.error(kind, None, Vec::new(), what) })
            }
        }
    }

    /// What went wrong on the wire; a timeout names the limit and the setting behind it.
    fn transport_message(&self, e: &reqwest::Error, before_send: bool) -> String {
        if !e.is_timeout() {
            return error_chain(e);
        }
        let (what, limit) = if before_send {
            ("could not connect", connect_timeout(self.opts.request_timeout))
        } else {
            ("no answer", self.opts.request_timeout)
        };
        format!(
            "timed out: {what} within the request timeout of {} (provider argument `request_timeout`, or TELNYX_REQUEST_TIMEOUT)",
            fmt_duration(limit)
        )
    }
}

/// Reads a body of at most `cap` bytes, chunk by chunk: `Ok(None)` when it is longer.
async fn read_capped(mut resp: reqwest::Response, cap: usize) -> Result<Option<String>, reqwest::Error> {
    let mut buf = Vec::with_capacity(resp.content_length().map_or(0, |n| (n as usize).min(cap)).min(1 << 20));
    while let Some(chunk) = resp.chunk().await? {
        if buf.len() + chunk.len() > cap {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(Some(String::from_utf8_lossy(&buf).into_owned()))
}

/// Connecting gets at most 15 s, and never more than a whole request.
fn connect_timeout(request_timeout: Duration) -> Duration {
    Duration::from_secs(15).min(request_timeout)
}

fn build_http(opts: &Options) -> Result<reqwest::Client, HttpClientError> {
    let started = Instant::now();
    let built = reqwest::Client::builder()
        .user_agent(opts.user_agent.clone())
        .connect_timeout(connect_timeout(opts.request_timeout))
        .timeout(opts.request_timeout)
        .pool_idle_timeout(Duration::from_secs(60))
        .gzip(true)
        .build()
        .map_err(|e| HttpClientError::Build(e.to_string()));
    tracing::debug!(duration_ms = started.elapsed().as_secs_f64() * 1000.0, ok = built.is_ok(), "HTTP client built");
    built
}

/// One request to send (as many times as the layer above decides).
#[derive(Debug)]
pub struct Request<'a> {
    pub method: Method,
    pub url: String,
    /// The base URL's path and the request's, as logs and errors name it.
    pub shown: String,
    pub query: &'a [(String, String)],
    pub body: Option<&'a Json>,
    /// The answer is `text/plain` (a secret such as an access token), not JSON.
    pub text: bool,
}

impl Request<'_> {
    /// The `Accept` header: what the answer is.
    fn accept(&self) -> &'static str {
        if self.text { "text/plain" } else { "application/json" }
    }

    /// An error about this request.
    pub fn error(&self, kind: ApiErrorKind, status: Option<u16>, errors: Vec<ApiErrorItem>, message: String) -> ApiError {
        ApiError { kind, status, method: self.method.as_str().to_string(), path: self.shown.clone(), errors, message }
    }
}

/// How one attempt failed.
#[derive(Debug)]
pub enum Failed {
    /// Not worth another attempt whatever the method: no HTTP client, or a success answer
    /// that does not read as JSON (or is too long).
    Final(ApiError),
    /// The status arrived but the rest of the answer could not be read.
    Unread(ApiError),
    /// An answer with an error status, and the wait it asked for, if any.
    Status { status: u16, retry_after: Option<Duration>, error: ApiError },
    /// The request failed on the wire; `before_send`: nothing reached the API.
    Wire { before_send: bool, error: ApiError },
}

/// The typed kind of an error status.
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

/// The JSON body of a successful answer (at most [`MAX_BODY_BYTES`], read by [`read_capped`]).
pub(crate) fn parse_body(text: &str) -> Result<Json, InvalidJson> {
    Ok(serde_json::from_str(text)?)
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

/// A response body for a log line: JSON with secrets redacted, or only its size.
fn redact_text(t: &str) -> String {
    match serde_json::from_str::<Json>(t) {
        Ok(j) => redact_json(&j).to_string(),
        Err(_) => format!("<{} bytes, not JSON>", t.len()),
    }
}

/// The longest wait a `Retry-After` can ask for; the operation's deadline still bounds it.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(300);

/// The wait an answer asks for: `retry-after-ms` (milliseconds), else `Retry-After` (seconds
/// or an HTTP date), at most [`MAX_RETRY_AFTER`].
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    fn opts() -> Options {
        Options { api_key: Secret::new("k"), user_agent: "test".into(), request_timeout: Duration::from_secs(1) }
    }

    /// Waiting for the HTTP client being built on the helper thread must not block the
    /// runtime's thread: a timer task on the same current-thread runtime keeps ticking.
    #[tokio::test(flavor = "current_thread")]
    async fn waiting_for_the_http_client_lets_other_tasks_run() {
        let o = opts();
        let t = Transport::with_builder(opts(), move || {
            std::thread::sleep(Duration::from_millis(200));
            build_http(&o)
        })
        .unwrap();
        let ticks = Arc::new(AtomicU32::new(0));
        let counter = ticks.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(10)).await;
                counter.fetch_add(1, Ordering::Relaxed);
            }
        });
        tokio::task::yield_now().await;
        assert!(!t.ready());
        assert!(t.http().await.is_ok());
        assert!(t.ready());
        let ticked = ticks.load(Ordering::Relaxed);
        assert!(ticked >= 5, "the runtime stalled while the client was built: {ticked} ticks in 200 ms");
    }

    #[tokio::test]
    async fn a_failed_build_is_an_error_at_the_first_request() {
        let t = Transport::with_builder(opts(), || Err(HttpClientError::Build("no roots".into()))).unwrap();
        let req =
            Request { method: Method::GET, url: "http://127.0.0.1:9/x".into(), shown: "/x".into(), query: &[], body: None, text: false };
        match t.send_once(&req, 1).await {
            Err(Failed::Final(e)) => assert_eq!(e.message, "could not create the HTTP client: no roots"),
            other => panic!("{other:?}"),
        }
        let t = Transport::with_builder(opts(), || panic!("builder died")).unwrap();
        assert_eq!(t.http().await.unwrap_err(), HttpClientError::Lost);
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
    fn deep_answers_are_an_error_not_a_stack_overflow() {
        let at = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(parse_body(&at(127)).is_ok());
        let e = parse_body(&at(200_000)).unwrap_err().to_string();
        assert!(e.starts_with("invalid JSON: recursion limit exceeded"), "{e}");
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
}
