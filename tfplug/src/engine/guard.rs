//! Runs one RPC: logs it with its duration and turns a panic into an error diagnostic.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use crate::diag::{Diagnostic, Diagnostics};

/// Polls a handler future with panics caught.
struct Guarded<'a, T> {
    fut: Pin<Box<dyn Future<Output = T> + Send + 'a>>,
}

impl<T> Future for Guarded<'_, T> {
    type Output = std::thread::Result<T>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let fut = &mut self.fut;
        match crate::log::guarded(|| std::panic::catch_unwind(AssertUnwindSafe(|| fut.as_mut().poll(cx)))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Err(p) => Poll::Ready(Err(p)),
        }
    }
}

/// Runs `fut` for the RPC `rpc` on `type_name`; its error, or a panic, becomes the response
/// `fail` builds from the diagnostics.
pub(super) async fn run<'a, R>(
    rpc: &'static str,
    type_name: &str,
    fut: impl Future<Output = Result<R, Diagnostics>> + Send + 'a,
    fail: impl FnOnce(Diagnostics) -> R,
) -> R {
    let start = Instant::now();
    let out = Guarded { fut: Box::pin(fut) }.await;
    let resp = match out {
        Ok(Ok(r)) => r,
        Ok(Err(d)) => fail(d),
        Err(panic) => {
            let msg = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            let d = Diagnostic::error(
                "Internal error in the provider",
                format!(
                    "The provider hit an internal error while handling {rpc}: {msg}. Please report this, with the Terraform configuration that caused it."
                ),
            );
            fail(d.into())
        }
    };
    tracing::debug!(tf_rpc = rpc, tf_type = type_name, duration_ms = start.elapsed().as_secs_f64() * 1000.0, "served");
    resp
}
