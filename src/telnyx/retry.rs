//! The second layer: when a failed attempt goes again, one policy for every call, over any
//! "send once" (the transport below, or a closure in a test):
//! * GET, PATCH and DELETE retry on 408, 429, 5xx and transport errors;
//! * POST retries only when the API cannot have acted: 429, and connections that failed
//!   before the request was sent. Any other failure of a POST is returned with
//!   `may_have_been_applied`, so the caller can look for the object before creating again.
//! * The wait before a retry is the one the answer asked for (`retry-after-ms`, else
//!   `Retry-After`, read by [`super::transport`]), else exponential backoff with full jitter;
//!   retries end after `max_retries` or when the next wait would pass the operation's deadline.
//! * A stop (the caller's cancellation token) ends a wait at once, and no new attempt starts,
//!   except the first of a call that finishes an operation under way ([`Mode::Finishing`]).
//!
//! And which requests are never sent at all ([`never_sent`]).

use std::future::Future;
use std::time::{Duration, Instant};

use reqwest::Method;
use tokio_util::sync::CancellationToken;

use super::error::{ApiError, ApiErrorKind};
use super::transport::Failed;

/// Whether a call may start after the caller asked to stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
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

/// How many times, and for how long, a call is tried.
#[derive(Clone, Copy, Debug)]
pub struct Policy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// Bounds one call, all attempts and waits included.
    pub operation_timeout: Duration,
}

impl Policy {
    /// Runs `send` (one attempt, numbered from 1) until it succeeds or the policy gives up.
    /// `method` decides what may go again; `shown` (the request's path) names a call that was
    /// stopped before its first attempt.
    pub async fn run<T, F, Fut>(
        &self,
        method: &Method,
        shown: &str,
        stop: &CancellationToken,
        mode: Mode,
        mut send: F,
    ) -> Result<T, ApiError>
    where
        F: FnMut(u32) -> Fut,
        Fut: Future<Output = Result<T, Failed>>,
    {
        let deadline = Instant::now() + self.operation_timeout;
        let mut attempt: u32 = 0;
        loop {
            if stop.is_cancelled() && !(mode == Mode::Finishing && attempt == 0) {
                let (method, path) = (method.as_str().to_string(), shown.to_string());
                return Err(ApiError {
                    kind: ApiErrorKind::Cancelled,
                    status: None,
                    method,
                    path,
                    errors: Vec::new(),
                    message: String::new(),
                });
            }
            attempt += 1;
            match send(attempt).await {
                Ok(out) => return Ok(out),
                Err(failed) => self.wait_to_retry(verdict(method, failed), stop, attempt, deadline).await?,
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
        if !retryable || attempt > self.max_retries {
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

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

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
            (Method::POST, "/phone_numbers/jobs/update_phone_numbers"),
            (Method::POST, "/phone_numbers/jobs/update_emergency_settings"),
        ] {
            assert!(never_sent(&m, p).is_none(), "{m} {p}");
        }
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

    fn error(kind: ApiErrorKind, status: Option<u16>) -> ApiError {
        ApiError { kind, status, method: "X".into(), path: "/v2/things".into(), errors: Vec::new(), message: String::new() }
    }

    fn status(code: u16, retry_after: Option<Duration>) -> Failed {
        let kind = if code == 429 { ApiErrorKind::RateLimited { retry_after } } else { ApiErrorKind::Server };
        Failed::Status { status: code, retry_after, error: error(kind, Some(code)) }
    }

    fn wire(before_send: bool) -> Failed {
        Failed::Wire { before_send, error: error(ApiErrorKind::Transport { may_have_been_applied: !before_send }, None) }
    }

    const POLICY: Policy = Policy { max_retries: 5, operation_timeout: Duration::from_secs(60) };

    /// Runs `policy` over a send that fails with `failures` in turn, then succeeds; returns the
    /// outcome and the number of attempts.
    async fn run(
        policy: Policy,
        method: Method,
        stop: &CancellationToken,
        mode: Mode,
        failures: Vec<Failed>,
    ) -> (Result<u32, ApiError>, u32) {
        let failures = Mutex::new(failures.into_iter());
        let attempts = Mutex::new(0);
        let out = policy
            .run(&method, "/v2/things", stop, mode, |attempt| {
                *attempts.lock().unwrap() = attempt;
                let next = failures.lock().unwrap().next();
                async move { next.map_or(Ok(attempt), Err) }
            })
            .await;
        let n = *attempts.lock().unwrap();
        (out, n)
    }

    #[tokio::test]
    async fn the_wait_an_answer_asks_for_is_honoured() {
        let t0 = Instant::now();
        let (out, n) =
            run(POLICY, Method::POST, &CancellationToken::new(), Mode::Normal, vec![status(429, Some(Duration::from_millis(300)))]).await;
        assert_eq!((out.unwrap(), n), (2, 2));
        assert!(t0.elapsed() >= Duration::from_millis(300), "waited only {:?}", t0.elapsed());
        // Without one, the wait is the backoff: at most 250 ms after a first attempt.
        let t0 = Instant::now();
        let (out, _) = run(POLICY, Method::GET, &CancellationToken::new(), Mode::Normal, vec![status(503, None)]).await;
        assert!(out.is_ok());
        assert!(t0.elapsed() < Duration::from_millis(250 + 200), "{:?}", t0.elapsed());
    }

    #[tokio::test]
    async fn a_wait_past_the_deadline_gives_up_at_once() {
        let policy = Policy { max_retries: 5, operation_timeout: Duration::from_secs(1) };
        let t0 = Instant::now();
        let (out, n) =
            run(policy, Method::GET, &CancellationToken::new(), Mode::Normal, vec![status(429, Some(Duration::from_secs(5)))]).await;
        assert_eq!(out.unwrap_err().status, Some(429));
        assert_eq!(n, 1);
        assert!(t0.elapsed() < Duration::from_millis(500));
    }

    /// A create goes again only when the API cannot have acted on it.
    #[tokio::test]
    async fn a_create_is_retried_only_when_it_cannot_have_taken_effect() {
        let go = CancellationToken::new();
        let attempts = |failed: Failed, method: Method| {
            let go = go.clone();
            async move { run(POLICY, method, &go, Mode::Normal, vec![failed]).await.1 }
        };
        let unread = || Failed::Unread(error(ApiErrorKind::Transport { may_have_been_applied: true }, Some(200)));
        let final_ = || Failed::Final(error(ApiErrorKind::Decode, Some(200)));
        // Retried: nothing was done.
        assert_eq!(attempts(status(429, Some(Duration::ZERO)), Method::POST).await, 2);
        assert_eq!(attempts(wire(true), Method::POST).await, 2);
        // Not retried: the API may have created it.
        assert_eq!(attempts(status(500, None), Method::POST).await, 1);
        assert_eq!(attempts(status(408, None), Method::POST).await, 1);
        assert_eq!(attempts(wire(false), Method::POST).await, 1);
        assert_eq!(attempts(unread(), Method::POST).await, 1);
        // The same failures of a read or an update are retried, except a final one.
        for m in [Method::GET, Method::PATCH, Method::DELETE] {
            assert_eq!(attempts(status(408, Some(Duration::ZERO)), m.clone()).await, 2, "{m}");
            assert_eq!(attempts(wire(false), m.clone()).await, 2, "{m}");
            assert_eq!(attempts(unread(), m.clone()).await, 2, "{m}");
            assert_eq!(attempts(final_(), m.clone()).await, 1, "{m}");
        }
        // A refusal is never retried.
        let refused = Failed::Status { status: 422, retry_after: None, error: error(ApiErrorKind::Validation, Some(422)) };
        assert_eq!(attempts(refused, Method::GET).await, 1);
    }

    #[tokio::test]
    async fn a_stop_ends_a_wait_at_once() {
        let stop = CancellationToken::new();
        let later = stop.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            later.cancel();
        });
        let t0 = Instant::now();
        let (out, n) = run(POLICY, Method::GET, &stop, Mode::Normal, vec![status(429, Some(Duration::from_secs(30)))]).await;
        assert!(t0.elapsed() < Duration::from_secs(1), "the 30 s wait did not end on stop: {:?}", t0.elapsed());
        let e = out.unwrap_err();
        assert_eq!((e.kind, e.status, n), (ApiErrorKind::Cancelled, Some(429), 1));
        assert!(e.message.starts_with("the last attempt ended with: X /v2/things → HTTP 429"), "{}", e.message);
    }

    #[tokio::test]
    async fn after_a_stop_only_a_finishing_call_makes_one_attempt() {
        let stopped = CancellationToken::new();
        stopped.cancel();
        let (out, n) = run(POLICY, Method::GET, &stopped, Mode::Normal, Vec::new()).await;
        assert_eq!((out.unwrap_err().kind, n), (ApiErrorKind::Cancelled, 0));
        let (out, n) = run(POLICY, Method::GET, &stopped, Mode::Finishing, Vec::new()).await;
        assert_eq!((out.unwrap(), n), (1, 1));
        let (out, n) = run(POLICY, Method::GET, &stopped, Mode::Finishing, vec![status(503, None)]).await;
        assert_eq!((out.unwrap_err().kind, n), (ApiErrorKind::Cancelled, 1));
    }

    #[tokio::test]
    async fn max_retries_bounds_the_attempts() {
        let policy = Policy { max_retries: 2, operation_timeout: Duration::from_secs(60) };
        let fails = || (0..10).map(|_| status(502, Some(Duration::ZERO))).collect::<Vec<_>>();
        let (out, n) = run(policy, Method::PATCH, &CancellationToken::new(), Mode::Normal, fails()).await;
        assert_eq!((out.unwrap_err().status, n), (Some(502), 3), "1 attempt + max_retries 2");
        let policy = Policy { max_retries: 0, ..policy };
        let (_, n) = run(policy, Method::GET, &CancellationToken::new(), Mode::Normal, fails()).await;
        assert_eq!(n, 1);
    }
}
