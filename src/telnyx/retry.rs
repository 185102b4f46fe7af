//! When a failed attempt goes again, one place for every call:
//! * GET, PATCH and DELETE retry on 408, 429, 5xx and transport errors;
//! * POST retries only when the API cannot have acted: 429, and connections that failed
//!   before the request was sent. Any other failure of a POST is returned with
//!   `may_have_been_applied`, so the caller can look for the object before creating again.
//! * The wait before a retry is the answer's `retry-after-ms`, else its `Retry-After`
//!   (seconds or an HTTP date), else exponential backoff with full jitter; retries end after
//!   `max_retries` or when the next wait would pass the operation's deadline.
//! * A stop (the caller's cancellation token) ends a wait at once, and no new attempt starts,
//!   except the first of a call that finishes an operation under way
//!   ([`Client::list_all_to_reconcile`]).
//!
//! And which requests are never sent at all ([`never_sent`]).

use std::time::{Duration, Instant, SystemTime};

use reqwest::Method;
use serde_json::Value as Json;
use tokio_util::sync::CancellationToken;

use super::client::Client;
use super::error::{ApiError, ApiErrorKind};
use super::transport::{Failed, Request};

/// Whether a call may start after the caller asked to stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Mode {
    /// Stops before any request once stopping (no new work).
    Normal,
    /// Finishes an operation already under way: the first attempt runs even when stopping;
    /// no retry follows a stop.
    Finishing,
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
    // The bulk jobs that set numbers' settings are allowed; the release job is not.
    let settings_job = ["/phone_numbers/jobs/update_phone_numbers", "/phone_numbers/jobs/update_emergency_settings"].contains(&path);
    if *method == Method::POST && !settings_job && NUMBER_ORDERING.iter().any(|p| under(p)) {
        return Some("it would buy, port or release phone numbers");
    }
    None
}

/// Whether a failed attempt may go again, and the wait its answer asked for.
fn verdict(method: &Method, failed: Failed) -> (bool, Option<Duration>, ApiError) {
    let idempotent = *method != Method::POST;
    match failed {
        Failed::Final(error) => (false, None, error),
        Failed::Unread(error) => (idempotent, None, error),
        Failed::Status { status, retry_after, error } => {
            let retryable = match status {
                429 => true,
                408 | 500..=599 => idempotent,
                _ => false,
            };
            (retryable, retry_after, error)
        }
        // A failure to connect means nothing was sent: safe to retry any method.
        Failed::Wire { before_send, error } => (before_send || idempotent, None, error),
    }
}

impl Client {
    /// One API call with retries. Returns the parsed JSON body of a 2xx answer.
    pub(super) async fn call(
        &self,
        stop: &CancellationToken,
        method: Method,
        path: &str,
        query: &[(String, String)],
        body: Option<&Json>,
        mode: Mode,
    ) -> Result<Json, ApiError> {
        let url = format!("{}{}", self.settings.base_url.trim_end_matches('/'), path);
        let req = Request { method, url, shown: format!("{}{}", self.base_path(), path), query, body };
        if self.settings.api_key.is_empty() {
            return Err(req.error(ApiErrorKind::NoApiKey, None, Vec::new(), String::new()));
        }
        if let Some(why) = never_sent(&req.method, path) {
            let message = format!("this provider never sends {} {path}: {why}", req.method);
            return Err(req.error(ApiErrorKind::Validation, None, Vec::new(), message));
        }
        let deadline = Instant::now() + self.settings.operation_timeout;
        let mut attempt: u32 = 0;
        loop {
            if stop.is_cancelled() && !(mode == Mode::Finishing && attempt == 0) {
                return Err(req.error(ApiErrorKind::Cancelled, None, Vec::new(), String::new()));
            }
            attempt += 1;
            match self.send_once(&req, attempt).await {
                Ok(json) => return Ok(json),
                Err(failed) => self.wait_to_retry(verdict(&req.method, failed), stop, attempt, deadline).await?,
            }
        }
    }

    /// A failed attempt: either sleep and go round again, or give up with the error.
    async fn wait_to_retry(
        &self,
        (retryable, hint, error): (bool, Option<Duration>, ApiError),
        stop: &CancellationToken,
        attempt: u32,
        deadline: Instant,
    ) -> Result<(), ApiError> {
        if !retryable || attempt > self.settings.max_retries {
            return Err(error);
        }
        let stopped = |error: ApiError| {
            tracing::debug!(method = %error.method, path = %error.path, attempt, "not retrying: asked to stop");
            let message = format!("the last attempt ended with: {error}");
            ApiError { kind: ApiErrorKind::Cancelled, message, ..error }
        };
        if stop.is_cancelled() {
            return Err(stopped(error));
        }
        let wait = hint.unwrap_or_else(|| backoff(attempt));
        if Instant::now() + wait > deadline {
            return Err(error);
        }
        tracing::debug!(method = %error.method, path = %error.path, attempt, wait_ms = wait.as_millis() as u64, "retrying");
        tokio::select! {
            biased;
            () = stop.cancelled() => Err(stopped(error)),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::telnyx::client::{Secret, Settings};

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
            (Method::POST, "/phone_numbers/jobs/update_phone_numbers"),
            (Method::POST, "/phone_numbers/jobs/update_emergency_settings"),
        ] {
            assert!(never_sent(&m, p).is_none(), "{m} {p}");
        }
    }

    #[tokio::test]
    async fn a_release_is_refused_before_any_network_use() {
        // An unreachable base URL: a request that were sent would fail with a transport error.
        let c =
            Client::new(Settings { api_key: Secret::new("k"), base_url: "http://127.0.0.1:9/v2".into(), ..Settings::default() }).unwrap();
        let e = c.delete(&CancellationToken::new(), "/phone_numbers/42").await.unwrap_err();
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
}
