//! One request on the wire: the pooled HTTP client (user agent, timeouts, gzip), bearer
//! auth, reading the answer, typed errors with secrets scrubbed, and request logs with
//! secrets redacted. Whether a failure goes again is [`super::retry`]'s business.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::Value as Json;

use super::client::{Client, Settings};
use super::error::{ApiError, ApiErrorItem, ApiErrorKind, items_of};
use super::redact::{redact_json, scrub, secret_values};

/// The largest answer read: 8 MiB, about ten times a full page of 250 connections. A longer
/// body is refused while it streams in, before it is held whole; nesting is bounded by
/// serde_json's recursion limit (128), which answers with an error, never a stack overflow.
pub const MAX_BODY_BYTES: usize = 8 << 20;

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

/// Starts building the HTTP client on a helper thread (see [`Client`]).
pub(super) fn start_building(settings: &Settings) -> Result<Arc<OnceLock<Result<reqwest::Client, String>>>, String> {
    let http = Arc::new(OnceLock::new());
    let (cell, s) = (http.clone(), settings.clone());
    let spawned = std::thread::Builder::new().name("http-client-init".into()).spawn(move || {
        cell.get_or_init(|| build_http(&s));
    });
    if spawned.is_err() {
        // No thread to spare: build it here, and report a failure now.
        http.get_or_init(|| build_http(settings)).as_ref().map_err(Clone::clone)?;
    }
    Ok(http)
}

/// One request to send (as many times as [`super::retry`] decides).
pub(super) struct Request<'a> {
    pub method: Method,
    pub url: String,
    /// The base URL's path and the request's, as logs and errors name it.
    pub shown: String,
    pub query: &'a [(String, String)],
    pub body: Option<&'a Json>,
}

impl Request<'_> {
    /// An error about this request.
    pub(super) fn error(&self, kind: ApiErrorKind, status: Option<u16>, errors: Vec<ApiErrorItem>, message: String) -> ApiError {
        ApiError { kind, status, method: self.method.as_str().to_string(), path: self.shown.clone(), errors, message }
    }
}

/// How one attempt failed.
pub(super) enum Failed {
    /// Not worth another attempt whatever the method: no HTTP client, or a success answer
    /// that does not read as JSON.
    Final(ApiError),
    /// The status arrived but the rest of the answer could not be read.
    Unread(ApiError),
    /// An answer with an error status, and the wait it asked for, if any.
    Status { status: u16, retry_after: Option<Duration>, error: ApiError },
    /// The request failed on the wire; `before_send`: nothing reached the API.
    Wire { before_send: bool, error: ApiError },
}

impl Client {
    /// The HTTP client; waits for the helper thread if it is still building it.
    fn http(&self) -> Result<&reqwest::Client, String> {
        self.http.get_or_init(|| build_http(&self.settings)).as_ref().map_err(|e| format!("could not create the HTTP client: {e}"))
    }

    /// Sends `req` once. Returns the parsed JSON body of a 2xx answer (`null` if empty).
    pub(super) async fn send_once(&self, req: &Request<'_>, attempt: u32) -> Result<Json, Failed> {
        let (m, full_path) = (req.method.as_str(), &req.shown);
        let http = self.http().map_err(|message| {
            Failed::Final(req.error(ApiErrorKind::Transport { may_have_been_applied: false }, None, Vec::new(), message))
        })?;
        let mut rb =
            http.request(req.method.clone(), &req.url).bearer_auth(self.settings.api_key.expose()).header("Accept", "application/json");
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
                let retry_after = super::retry::retry_after(resp.headers());
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
                    if text.trim().is_empty() {
                        return Ok(Json::Null);
                    }
                    tracing::trace!(method = %m, path = %full_path, status = status.as_u16(), body = %redact_text(&text), "response body");
                    return parse_body(&text)
                        .map_err(|e| Failed::Final(req.error(ApiErrorKind::Decode, Some(status.as_u16()), Vec::new(), e)));
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
            ("could not connect", connect_timeout(self.settings.request_timeout))
        } else {
            ("no answer", self.settings.request_timeout)
        };
        format!(
            "timed out: {what} within the request timeout of {} (provider argument `request_timeout`, or TELNYX_REQUEST_TIMEOUT)",
            fmt_duration(limit)
        )
    }
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
pub(crate) fn parse_body(text: &str) -> Result<Json, String> {
    serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))
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

#[cfg(test)]
mod tests {
    use super::*;

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
        let e = parse_body(&at(200_000)).unwrap_err();
        assert!(e.starts_with("invalid JSON: recursion limit exceeded"), "{e}");
    }
}
